"""Record one interaction with one contact (Business Central's Create Interaction), show one
entry with every field, and its comment lines.

Create Interaction is a one-line segment, as in Business Central (which fills a temporary
segment line): the segment takes the template's defaults, the line the contact's and what the
user typed, and logging it (segment_log) writes the entry, the campaign entry and, when asked,
merges and delivers the Word template. So one call or one letter follows every rule a
segment's line follows, and shows as a logged segment of one line.
"""
import datetime as dt
import re

from .. import db as dbmod
from ..errors import NotFound, SegtuiError
from ..models import Contact, InteractionComment, InteractionLogEntry, InteractionTemplate, normal_code
from . import interactions, segment_log, segments

# What a user may type for the interaction (the line's fields, short names allowed), for help texts.
FIELD_NAMES = ("description", "subject", "date", "time", "salesperson", "correspondence_type", "cost",
               "duration", "evaluation", "attempt_failed", "campaign", "campaign_target", "campaign_response",
               "language", "information_flow", "initiated_by", "note", "attachment")
ALIASES = {"time": "time_of_interaction"}
COMMENT_MAX = InteractionComment._meta.fields["comment"].max_length


def template_choices():
    """Every interaction template as (code, description), by code: what Create Interaction offers."""
    return list(InteractionTemplate.select(InteractionTemplate.code, InteractionTemplate.description)
                .order_by(InteractionTemplate.code).tuples())


def new_interaction(contact_no, template_code, fields=None, deliver=False, out_dir=None, user_id=None):
    """Record the interaction; returns the entry (with `entry_no`), plus `delivered` and
    `errors` when delivery was asked. A refusal leaves nothing behind."""
    fields = {ALIASES.get(k.strip().lower(), k.strip().lower()): v for k, v in (fields or {}).items()}
    for name in ("contact", "contact_no", "template", "template_code", "interaction_template_code"):
        if name in fields:
            raise SegtuiError(f"{name} is given as an argument, not as a field")
    code = normal_code(template_code)
    if not code:
        raise SegtuiError("an interaction needs an interaction template (--template CODE)")
    template = InteractionTemplate.get_or_none(InteractionTemplate.code == code)
    if template is None:
        raise NotFound(f"interaction template {code} does not exist")
    contact = Contact.get_or_none(Contact.no == normal_code(contact_no))
    if contact is None:
        raise NotFound(f"contact {contact_no!r} does not exist")
    description = str(fields.get("description") or template.description or template.code)
    date = segments.parse_date(fields.get("date"))  # the campaign entry's date too
    with dbmod.transaction():
        header = segments.new_segment(description, template_code=code, date=date)
        no = header["no"]
        try:
            segments.add_contact(no, contact.no, fields)
        except SegtuiError as exc:
            raise _reworded(exc, f"segment {no} new line: ") from None
    try:
        result = segment_log.log_segment(no, deliver=deliver, out_dir=out_dir, user_id=user_id)
    except SegtuiError as exc:
        segments.delete_segment(no)  # the one-line segment was only the vehicle
        raise _reworded(exc, f"segment {no} cannot be logged", "the interaction cannot be recorded") from None
    entry = InteractionLogEntry.get(InteractionLogEntry.logged_segment_entry_no == result["logged_segment_entry_no"])
    out = show_entry(entry.entry_no)
    if deliver:
        out["delivered"], out["errors"] = result["delivered"], result["errors"]
    return out


def _reworded(exc, vehicle, instead=""):
    """The refusal in the user's words: they recorded an interaction, not a segment."""
    text = str(exc).replace(vehicle, instead)
    text = re.sub(r"segment \w+, line \d+, ", "", text)
    return type(exc)(text) if type(exc) in (SegtuiError, NotFound) else SegtuiError(text)


def show_entry(entry_no):
    """One entry with every field, its delivery status and error, and its comments."""
    no = interactions.parse_entry_nos([entry_no])[0]
    found = interactions.get_entries([no])
    if not found:
        raise NotFound(f"interaction log entry {entry_no} does not exist")
    entry = found[0]
    entry["comments"] = comments(no)
    return entry


def comments(entry_no):
    rows = (InteractionComment.select().where(InteractionComment.entry_no == int(entry_no))
            .order_by(InteractionComment.line_no))
    return [{"line_no": c.line_no, "date": c.date.isoformat(), "user_id": c.user_id, "comment": c.comment}
            for c in rows]


def add_comment(entry_no, text, user_id=None, date=None):
    """Add a dated comment line by the user; returns the entry's comments."""
    no = interactions.parse_entry_nos([entry_no])[0]
    text = str(text or "").strip()
    if not text:
        raise SegtuiError("a comment needs some text")
    if len(text) > COMMENT_MAX:
        raise SegtuiError(f"a comment is at most {COMMENT_MAX} characters ({len(text)} given): "
                          "add it as two comments")
    with dbmod.transaction():
        if not InteractionLogEntry.select().where(InteractionLogEntry.entry_no == no).exists():
            raise NotFound(f"interaction log entry {entry_no} does not exist")
        last = (InteractionComment.select(InteractionComment.line_no).where(InteractionComment.entry_no == no)
                .order_by(InteractionComment.line_no.desc()).scalar()) or 0
        InteractionComment.create(entry_no=no, line_no=last + 10000, date=date or dt.date.today(),
                                  user_id=segment_log.current_user() if user_id is None else user_id,
                                  comment=text)
    return comments(no)


def delete_comment(entry_no, line_no):
    with dbmod.transaction():
        gone = (InteractionComment.delete().where((InteractionComment.entry_no == int(entry_no))
                                                  & (InteractionComment.line_no == int(line_no))).execute())
    if not gone:
        raise NotFound(f"interaction log entry {entry_no} has no comment line {line_no}")
    return comments(entry_no)
