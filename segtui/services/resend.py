"""Resend a logged segment (issue 14, point 6), with the choices of Business Central's Resend:
the correspondence type (the same as each entry had, hard copy or e-mail) and whether to update
the merge fields (merge the template again with today's contact data) or send each entry's
document as it was delivered.

Each entry resent becomes a new interaction log entry ("Resend: " + description, today's date,
linked to the entry it repeats) and is delivered like a logged segment's entries. An entry is
skipped, with its reason, when it is canceled, has no document (no delivered letter and no
template document), has no correspondence type, or is an e-mail to a contact without an address.
"""
import datetime as dt

from peewee import Value, fn

from .. import db as dbmod
from ..errors import SegtuiError
from ..models import Contact, InteractionLogEntry
from . import delivery, merge
from .batches import chunks
from .interactions import DESCRIPTION_MAX, RESEND_PREFIX, get_entries
from .logged import get_logged
from .segment_log import current_user, entry_insert_columns
from .results import Resent

CHOICES = ("same", "hard_copy", "email")


def _choice(value):
    text = str(value or "same").strip().lower().replace("-", "_").replace(" ", "_")
    text = {"e_mail": "email", "hardcopy": "hard_copy", "": "same"}.get(text, text)
    if text not in CHOICES:
        raise SegtuiError(f"correspondence type {value!r} is not one of: same, hard_copy, email")
    return text


def _with_template(entries):
    """The numbers of the entries whose interaction template has a Word template for them."""
    stubs = [InteractionLogEntry(interaction_template_code=x.interaction_template_code,
                                 language_code=x.language_code, attachment=None) for x in entries]
    return {x.entry_no for x, doc in zip(entries, merge.documents_for(stubs)) if doc is not None}


def _plan(entries, corres):
    """([entries to resend], [{"entry_no", "contact_no", "reason"}] skipped, {entries with a
    template document}), in entry order."""
    emails = {}
    for part in chunks(sorted({x.contact_no for x in entries})):
        emails.update(Contact.select(Contact.no, Contact.email).where(Contact.no.in_(part)).tuples())
    with_template = _with_template(entries)
    resend, skipped = [], []
    for entry in entries:
        kind = entry.correspondence_type if corres == "same" else corres
        has_stored = entry.attachment is not None and len(entry.attachment) > 0
        if entry.canceled:
            reason = "canceled"
        elif not kind:
            reason = "no correspondence type"
        elif not has_stored and entry.entry_no not in with_template:
            reason = "no document (nothing was delivered and its template has no Word template)"
        elif kind == "email" and not (emails.get(entry.contact_no) or "").strip():
            reason = f"contact {entry.contact_no} has no e-mail address"
        else:
            resend.append(entry)
            continue
        skipped.append({"entry_no": entry.entry_no, "contact_no": entry.contact_no, "reason": reason})
    return resend, skipped, with_template


def resend_logged(logged_entry_no, correspondence_type="same", update_merge_fields=False, out_dir=None,
                  settings=None, one_per_address=True, user_id=None, progress=None) -> Resent:
    """Resend the logged segment's entries as new entries and deliver them.

    Returns {"logged_segment_entry_no", "entries": [new entries], "skipped": [{"entry_no",
    "contact_no", "reason"}], "delivered", "errors", "same_address", "failure"}. Bad settings are
    refused before anything is created. `progress` (services.progress) hears the delivery."""
    corres = _choice(correspondence_type)
    logged = get_logged(logged_entry_no)
    if logged.canceled:
        raise SegtuiError(f"logged segment {logged.entry_no} is canceled: restore it before resending")
    e = InteractionLogEntry
    entries = list(e.select().where(e.logged_segment_entry_no == logged.entry_no).order_by(e.entry_no))
    chosen, skipped, with_template = _plan(entries, corres)
    if not chosen:
        return {"logged_segment_entry_no": logged.entry_no, "entries": [], "skipped": skipped, "delivered": 0,
                "errors": 0, "same_address": 0, "failure": ""}
    kinds = {x.correspondence_type if corres == "same" else corres for x in chosen}
    problems = delivery.settings_problems(settings, mail="email" in kinds, hard_copy="hard_copy" in kinds)
    if problems:
        raise SegtuiError(f"logged segment {logged.entry_no} cannot be resent: delivery settings: "
                          + "; ".join(problems) + "; nothing was resent")
    # Updating the merge fields merges the template again: the delivered letter is not carried
    # over (an entry whose template has no Word template keeps its letter).
    fresh = sorted(x.entry_no for x in chosen if x.entry_no in with_template) if update_merge_fields else []
    new_nos = _create(chosen, corres, fresh, user_id)
    sent = delivery.deliver_entries(new_nos, out_dir=out_dir, settings=settings, one_per_address=one_per_address,
                                    progress=progress)
    return {"logged_segment_entry_no": logged.entry_no, "entries": get_entries(new_nos), "skipped": skipped,
            "delivered": sent["delivered"], "errors": sent["errors"], "same_address": sent.get("same_address", 0),
            "failure": sent.get("failure", "")}


def _create(chosen, corres, fresh, user_id):
    """The new entries, 'in_progress', in one transaction; their numbers in order. Those that
    repeat an entry in `fresh` carry no document, so their template is merged again."""
    user_id = current_user() if user_id is None else user_id
    now = dt.datetime.now()
    entry = InteractionLogEntry
    wanted = [x.entry_no for x in chosen]
    special = {
        "description": fn.SUBSTR(Value(RESEND_PREFIX).concat(entry.description), 1, DESCRIPTION_MAX),
        "date": Value(now.date()),
        "time_of_interaction": Value(now.time().replace(microsecond=0)),
        "correspondence_type": entry.correspondence_type if corres == "same" else Value(corres),
        "evaluation": Value(""),
    }
    fresh = set(fresh)
    extra = {
        "user_id": Value(user_id or ""), "segment_no": entry.segment_no, "logged_segment_entry_no": Value(None),
        "canceled": Value(False), "delivery_status": Value("in_progress"), "delivery_error": Value(""),
        "message_id": Value(""), "send_word_docs_as_attmt": entry.send_word_docs_as_attmt,
        "resent_from_entry_no": entry.entry_no,
    }
    fields, columns = entry_insert_columns(entry, special, extra)
    with dbmod.transaction():
        last = entry.select(fn.MAX(entry.entry_no)).scalar() or 0
        for part in chunks(wanted):
            query = entry.select(*columns).where(entry.entry_no.in_(part)).order_by(entry.entry_no)
            entry.insert_from(query, fields).execute()
        mine = set(wanted)
        new = [(n, source) for n, source in entry.select(entry.entry_no, entry.resent_from_entry_no)
               .where(entry.entry_no > last).order_by(entry.entry_no).tuples() if source in mine]
        cleared = [n for n, source in new if source in fresh]
        for part in chunks(cleared):
            entry.update(attachment=None, attachment_name="").where(entry.entry_no.in_(part)).execute()
    return [n for n, _ in new]
