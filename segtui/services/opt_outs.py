"""Opt-outs: a contact asked not to be reached on a channel (e-mail, letter, phone), with the
date and the reason. Every add leaves such contacts out when the line would use that channel
(the dry run counts who was left out and why), and delivery never sends on an opted-out
channel; neither is overridden by "ignore exclusion", which is about the contact's
exclude-from-segments flag.
"""
import datetime as dt

from peewee import SQL, Case, fn

from .. import db as dbmod
from ..errors import NotFound, SegtuiError
from .batches import chunks
from ..models import OPT_OUT_CHANNELS, Contact, ContactOptOut, SegmentLine, normal_code

# The channel a correspondence type uses ('' sends nothing, so no opt-out applies).
CHANNEL_OF = {"email": "email", "hard_copy": "letter"}
ALIASES = {"e-mail": "email", "mail": "email", "post": "letter", "hard_copy": "letter", "telephone": "phone"}
REASON_MAX = ContactOptOut._meta.fields["reason"].max_length


def channel_of(value):
    text = str(value or "").strip().lower()
    text = ALIASES.get(text, text)
    if text not in OPT_OUT_CHANNELS:
        raise SegtuiError(f"channel {value!r} is not one of: {', '.join(OPT_OUT_CHANNELS)}")
    return text


def _contact(no):
    contact = Contact.get_or_none(Contact.no == normal_code(no))
    if contact is None:
        raise NotFound(f"contact {no!r} does not exist")
    return contact


def contact_opt_outs(no):
    rows = (ContactOptOut.select().where(ContactOptOut.contact_no == normal_code(no))
            .order_by(ContactOptOut.channel))
    return [{"channel": r.channel, "date": r.date.isoformat() if r.date else None, "reason": r.reason} for r in rows]


def opt_out(no, channel, reason="", date=None):
    """Record (or change) the contact's opt-out of a channel; returns the contact's opt-outs."""
    which = channel_of(channel)
    reason = str(reason or "").strip()
    if len(reason) > REASON_MAX:
        raise SegtuiError(f"a reason is at most {REASON_MAX} characters ({len(reason)} given)")
    if date is not None and not isinstance(date, dt.date):
        try:
            date = dt.date.fromisoformat(str(date).strip())
        except ValueError:
            raise SegtuiError(f"date {date!r} is not a date (YYYY-MM-DD)") from None
    with dbmod.transaction():
        contact = _contact(no)
        o = ContactOptOut
        (o.insert(contact_no=contact.no, channel=which, date=date or dt.date.today(), reason=reason)
         .on_conflict(conflict_target=[o.contact_no, o.channel], preserve=[o.date, o.reason]).execute())
    return contact_opt_outs(contact.no)


def opt_in(no, channel):
    """Take an opt-out back; refused when there is none."""
    which = channel_of(channel)
    with dbmod.transaction():
        contact = _contact(no)
        gone = ContactOptOut.delete().where((ContactOptOut.contact_no == contact.no)
                                            & (ContactOptOut.channel == which)).execute()
        if not gone:
            raise NotFound(f"contact {contact.no} has not opted out of {which}")
    return contact_opt_outs(contact.no)


# --- honoured by add and by delivery --------------------------------------------------------

def opted_out(correspondence, contact_no=Contact.no):
    """Condition: the contact opted out of the channel `correspondence` (an SQL expression of
    the correspondence type the line gets) uses."""
    channel = Case(correspondence, [(k, v) for k, v in CHANNEL_OF.items()], "")
    return fn.EXISTS(ContactOptOut.select(SQL("1")).where(
        (ContactOptOut.contact_no == contact_no) & (ContactOptOut.channel == channel)))


def left_out(header, chosen, opted_out_condition, ignore_exclusion=False, allow_existing=False):
    """Why contacts the filters chose are not added: {"excluded", "opted_out", "on_segment"}.
    A contact is counted under every reason that holds for it (one COUNT each);
    `opted_out_condition`: criteria.add_opted_out(header)."""
    def count(condition):
        return Contact.select(fn.COUNT(SQL("*"))).where(chosen & condition).scalar()

    on_segment = Contact.no.in_(SegmentLine.select(SegmentLine.contact_no)
                                .where(SegmentLine.live(header.no)))
    return {"excluded": 0 if ignore_exclusion else count(Contact.exclude_from_segment == True),  # noqa: E712
            "opted_out": count(opted_out_condition),
            "on_segment": 0 if allow_existing else count(on_segment)}


def delivery_refusals(entries):
    """{entry_no: why} for entries whose contact opted out of the entry's channel."""
    wanted: dict = {}
    for entry in entries:
        channel = CHANNEL_OF.get(entry.correspondence_type)
        if channel:
            wanted.setdefault(entry.contact_no, []).append((entry.entry_no, channel))
    if not wanted:
        return {}
    out = {}
    for part in chunks(sorted(wanted)):
        for row in ContactOptOut.select().where(ContactOptOut.contact_no.in_(part)):
            for entry_no, channel in wanted[row.contact_no]:
                if channel == row.channel:
                    reason = f": {row.reason}" if row.reason else ""
                    out[entry_no] = (f"contact {row.contact_no} opted out of {channel} on {row.date}{reason}; "
                                     "nothing was sent")
    return out


def left_out_text(left_out):
    """'left out: 2 excluded from segments, 1 opted out, 3 already on the segment' ('' for none)."""
    words = (("excluded", "excluded from segments"), ("opted_out", "opted out of the channel"),
             ("on_segment", "already on the segment"))
    parts = [f"{left_out[key]:,} {text}" for key, text in words if (left_out or {}).get(key)]
    return "left out: " + ", ".join(parts) if parts else ""
