"""Interaction log entries (docs/domain.md, section 5): filter, cancel or restore, evaluate,
resend, delete canceled; statistics per interaction template and group.

Canceled entries did not happen: statistics leave them out. An entry of a canceled logged
segment cannot be restored on its own: its logged segment has to be restored first.
"""
import datetime as dt
import json

from peewee import JOIN, SQL, Value, fn

from .. import db as dbmod
from ..errors import FilterError, NotFound, SegtuiError, unknown_name_hint
from ..models import (
    CORRESPONDENCE_TYPES,
    EVALUATIONS,
    Contact,
    InteractionComment,
    InteractionGroup,
    InteractionLogEntry,
    InteractionTemplate,
    InteractionTemplateAttachment,
    LoggedSegment,
    json_value,
    normal_code,
    to_dict,
)
from .entry_nos import parse_entry_nos
from .results import CanceledRestored

RESEND_PREFIX = "Resend: "
DESCRIPTION_MAX = 100
# Filter names a user may type for fields of the contact an entry belongs to.
CONTACT_FIELDS = {"contact_name": Contact.name, "contact_company_name": Contact.company_name}
ALIASES = {"template_code": "interaction_template_code", "group_code": "interaction_group_code",
           "template": "interaction_template_code", "group": "interaction_group_code"}


def _entry_columns():
    entry = InteractionLogEntry
    columns = [f for f in entry._meta.sorted_fields if f.name != "attachment"]
    return columns + [
        entry.attachment.is_null(False).alias("has_attachment"),
        fn.COALESCE(Contact.name, "").alias("contact_name"),
        fn.COALESCE(Contact.company_name, "").alias("contact_company_name"),
    ]


def _select():
    entry = InteractionLogEntry
    return (entry.select(*_entry_columns())
            .join(Contact, JOIN.LEFT_OUTER, on=(Contact.no == entry.contact_no)))


# What a reader wants first (the CLI's table keeps the leftmost columns that fit).
FIRST = ("entry_no", "date", "contact_no", "contact_name", "interaction_template_code", "description",
         "correspondence_type", "evaluation", "canceled", "delivery_status", "segment_no",
         "logged_segment_entry_no")


def _dict(row):
    ordered = {k: row[k] for k in FIRST if k in row}
    ordered.update(row)
    out = {k: json_value(v) for k, v in ordered.items()}
    for key in ("canceled", "campaign_target", "campaign_response", "attempt_failed",
                "send_word_docs_as_attmt", "has_attachment"):
        if key in out:
            out[key] = bool(out[key])
    return out


def filter_field(name):
    """The field a filter name means: an interaction log entry field, or the contact's name."""
    typed = name.strip().lower()
    if typed in CONTACT_FIELDS:
        return CONTACT_FIELDS[typed]
    field_name = ALIASES.get(typed, typed)
    field = InteractionLogEntry._meta.fields.get(field_name)
    if field is None or field_name in ("attachment",):
        known = sorted(set(InteractionLogEntry._meta.fields) - {"attachment"} | set(CONTACT_FIELDS))
        raise FilterError(f"unknown field {name!r} for interaction log entries{unknown_name_hint(typed, known)}",
                          field=name, unknown_field=True)
    return field


def condition(filters):
    expression = SQL("1 = 1")
    if not filters:
        return expression
    from ..filters import compile_filter  # written in parallel; imported when a filter is used

    for name, text in filters or []:
        expression &= compile_filter(filter_field(name), text, name=name)
    return expression


def list_interactions(filters=(), limit=100, offset=0, after_entry_no=None, before_entry_no=None, last=False):
    """Interaction log entries in entry order, with the contact's name; filters are (field, expression).

    `after_entry_no` pages by key (fast at any depth); `before_entry_no` (the entries just before
    it) and `last` (the last ones) read by key from the end, never by a deep OFFSET."""
    entry = InteractionLogEntry
    query = _select().where(condition(filters))
    if after_entry_no is not None:
        query = query.where(entry.entry_no > int(after_entry_no))
    if before_entry_no is not None or last:
        # Read backwards by key and turned around: the end of a million entries without an OFFSET.
        if before_entry_no is not None:
            query = query.where(entry.entry_no < int(before_entry_no))
        query = query.order_by(entry.entry_no.desc())
        if limit:
            query = query.limit(limit)
        return [_dict(r) for r in reversed(list(query.dicts()))]
    query = query.order_by(entry.entry_no)
    if limit:
        query = query.limit(limit)
    if offset:
        query = query.offset(offset)
    return [_dict(r) for r in query.dicts()]


def count_interactions(filters=()):
    return (InteractionLogEntry.select(fn.COUNT(SQL("*")))
            .join(Contact, JOIN.LEFT_OUTER, on=(Contact.no == InteractionLogEntry.contact_no))
            .where(condition(filters)).scalar())


def entries_of_logged(logged_entry_no, limit=100, offset=0):
    query = (_select().where(InteractionLogEntry.logged_segment_entry_no == logged_entry_no)
             .order_by(InteractionLogEntry.entry_no))
    if limit:
        query = query.limit(limit).offset(offset)
    return [_dict(r) for r in query.dicts()]


def get_entries(entry_nos):
    return [_dict(r) for r in _select().where(InteractionLogEntry.entry_no.in_(list(entry_nos)))
            .order_by(InteractionLogEntry.entry_no).dicts()]


def _known(wanted):
    """{entry_no: (canceled, logged_segment_entry_no, logged segment canceled)}; NotFound for unknown ones."""
    entry = InteractionLogEntry
    rows = (entry.select(entry.entry_no, entry.canceled, entry.logged_segment_entry_no,
                         LoggedSegment.canceled.alias("logged_canceled"))
            .join(LoggedSegment, JOIN.LEFT_OUTER, on=(LoggedSegment.entry_no == entry.logged_segment_entry_no))
            .where(entry.entry_no.in_(wanted)).tuples())
    state = {no: (bool(c), ls, bool(lc)) for no, c, ls, lc in rows}
    unknown = [n for n in wanted if n not in state]
    if unknown:
        raise NotFound(f"interaction log entry {', '.join(map(str, unknown))} does not exist")
    return state


def toggle_canceled(entry_nos) -> CanceledRestored:
    """Cancel the entries that are not canceled, restore those that are.

    Restoring an entry whose logged segment is canceled is refused: restore the logged
    segment (which carries to its entries) instead. Returns {"canceled": [...], "restored": [...]}.
    """
    wanted = parse_entry_nos(entry_nos)
    with dbmod.transaction():
        state = _known(wanted)
        cancel = [n for n in wanted if not state[n][0]]
        restore = [n for n in wanted if state[n][0]]
        blocked = [n for n in restore if state[n][2]]
        if blocked:
            first = blocked[0]
            logged = sorted({state[n][1] for n in blocked})
            raise SegtuiError(
                f"interaction log entry {first} belongs to logged segment {logged[0]}, which is canceled: "
                f"restore logged segment {', '.join(map(str, logged))} first"
                + (f" ({len(blocked)} entries concerned)" if len(blocked) > 1 else ""))
        for nos, canceled in ((cancel, True), (restore, False)):
            if nos:
                InteractionLogEntry.update(canceled=canceled).where(
                    InteractionLogEntry.entry_no.in_(nos)).execute()
    return CanceledRestored(canceled=cancel, restored=restore)


def normal_option(value, allowed, what):
    """'Very Positive' -> 'very_positive'; a SegtuiError listing the allowed values otherwise."""
    text = str(value or "").strip().lower().replace(" ", "_").replace("-", "_")
    if text == "e_mail":
        text = "email"
    if text not in allowed:
        shown = ", ".join(v or "(blank)" for v in allowed)
        raise SegtuiError(f"{what} {value!r} is not one of: {shown}")
    return text


def evaluate(entry_nos, evaluation):
    """Set the evaluation of the entries (blank clears it). Returns {"updated": n}."""
    wanted = parse_entry_nos(entry_nos)
    value = normal_option(evaluation, EVALUATIONS, "evaluation")
    with dbmod.transaction():
        _known(wanted)
        updated = InteractionLogEntry.update(evaluation=value).where(
            InteractionLogEntry.entry_no.in_(wanted)).execute()
    return {"updated": updated}


def _resend_refusals(wanted, corres):
    """Set-based checks before a resend: one query per rule."""
    entry = InteractionLogEntry
    refusals = []
    canceled = list(entry.select(entry.entry_no).where(entry.entry_no.in_(wanted) & (entry.canceled == True))  # noqa: E712
                    .order_by(entry.entry_no).tuples())
    for (no,) in canceled[:10]:
        refusals.append(f"interaction log entry {no} is canceled")
    new_type = Value(corres) if corres else entry.correspondence_type
    untyped = list(entry.select(entry.entry_no, entry.contact_no)
                   .where(entry.entry_no.in_(wanted) & (new_type == "")).order_by(entry.entry_no).tuples())
    for no, contact in untyped[:10]:
        refusals.append(f"interaction log entry {no}, contact {contact}: no correspondence type; "
                        f"give one to resend")
    no_email = list(entry.select(entry.entry_no, entry.contact_no)
                    .join(Contact, JOIN.LEFT_OUTER, on=(Contact.no == entry.contact_no))
                    .where(entry.entry_no.in_(wanted) & (new_type == "email")
                           & (fn.COALESCE(Contact.email, "") == ""))
                    .order_by(entry.entry_no).tuples())
    for no, contact in no_email[:10]:
        refusals.append(f"interaction log entry {no}, contact {contact}: the contact has no e-mail address")
    return refusals


def resend(entry_nos, correspondence_type=None, user_id=None, out_dir=None, progress=None):
    """Deliver entries again as new entries: "Resend: " + description, today's date, same contact,
    the same or another correspondence type. Returns {"entries": [...], "delivered": d, "errors": e}.
    """
    from . import delivery
    from .segment_log import current_user, entry_insert_columns

    user_id = current_user() if user_id is None else user_id
    wanted = parse_entry_nos(entry_nos)
    corres = None
    if correspondence_type not in (None, ""):
        corres = normal_option(correspondence_type, [t for t in CORRESPONDENCE_TYPES if t], "correspondence type")
    now = dt.datetime.now()
    entry = InteractionLogEntry
    with dbmod.transaction():
        _known(wanted)
        refusals = _resend_refusals(wanted, corres)
        if refusals:
            raise SegtuiError("cannot resend: " + "; ".join(refusals))
        last = entry.select(fn.MAX(entry.entry_no)).scalar() or 0
        special = {
            "description": fn.SUBSTR(Value(RESEND_PREFIX).concat(entry.description), 1, DESCRIPTION_MAX),
            "date": Value(now.date()),
            "time_of_interaction": Value(now.time().replace(microsecond=0)),
            "correspondence_type": Value(corres) if corres else entry.correspondence_type,
            "evaluation": Value(""),
        }
        extra = {
            "user_id": Value(user_id or ""), "segment_no": entry.segment_no,
            "logged_segment_entry_no": Value(None), "canceled": Value(False),
            "delivery_status": Value("in_progress"), "delivery_error": Value(""), "message_id": Value(""),
            "send_word_docs_as_attmt": entry.send_word_docs_as_attmt, "resent_from_entry_no": entry.entry_no,
        }
        fields, columns = entry_insert_columns(entry, special, extra)
        query = entry.select(*columns).where(entry.entry_no.in_(wanted)).order_by(entry.entry_no)
        entry.insert_from(query, fields).execute()
        new_nos = [n for (n,) in entry.select(entry.entry_no)
                   .where((entry.entry_no > last) & entry.resent_from_entry_no.in_(wanted))
                   .order_by(entry.entry_no).tuples()]
    listening = {} if progress is None else {"progress": progress}  # (services.progress) hears the delivery
    sent = delivery.deliver_entries(new_nos, out_dir=out_dir, **listening) or {}
    return {"entries": get_entries(new_nos), "delivered": sent.get("delivered", 0),
            "errors": sent.get("errors", 0), "failure": sent.get("failure", "")}


def delete_orphan_comments():
    """Comments of entries that were deleted go too (one DELETE): SQLite may give a deleted
    entry's number to the next new one, which must not inherit them."""
    entry = InteractionLogEntry
    return (InteractionComment.delete().where(~fn.EXISTS(
        entry.select(SQL("1")).where(entry.entry_no == InteractionComment.entry_no))).execute())


def delete_canceled():
    """Delete canceled interaction log entries. Returns {"deleted": n}."""
    with dbmod.transaction():
        deleted = InteractionLogEntry.delete().where(InteractionLogEntry.canceled == True).execute()  # noqa: E712
        delete_orphan_comments()
    return {"deleted": deleted}


# --- statistics ---------------------------------------------------------------------------

def _stats_columns():
    entry = InteractionLogEntry
    return [fn.COUNT(entry.entry_no).alias("count"),
            fn.COALESCE(fn.SUM(entry.cost), 0).alias("cost"),
            fn.COALESCE(fn.SUM(entry.duration_min), 0).alias("duration")]


def _stats_row(row):
    return {"code": row["code"], "description": row["description"], "count": row["count"],
            "cost": round(float(row["cost"] or 0), 2), "duration": round(float(row["duration"] or 0), 2)}


def statistics(by="template"):
    """Per interaction template or group: count, cost and duration of the entries that are not canceled."""
    entry = InteractionLogEntry
    live = entry.canceled == False  # noqa: E712 - canceled entries did not happen
    if by == "template":
        owner, link = InteractionTemplate, entry.interaction_template_code
    elif by == "group":
        owner, link = InteractionGroup, entry.interaction_group_code
    else:
        raise SegtuiError(f"statistics by {by!r}: choose template or group")
    query = (owner.select(owner.code, owner.description, *_stats_columns())
             .join(entry, JOIN.LEFT_OUTER, on=((link == owner.code) & live))
             .group_by(owner.code, owner.description).order_by(owner.code).dicts())
    return [_stats_row(r) for r in query]


def _template_dict(template, stats):
    # Code, description and the statistics first: the CLI's table keeps the leftmost columns.
    data = {"code": template.code, "description": template.description, "count": 0, "cost": 0, "duration": 0}
    data.update(to_dict(template))
    data["ignore_contact_corres_type"] = bool(data["ignore_contact_corres_type"])
    data["campaign_target"] = bool(data["campaign_target"])
    data["campaign_response"] = bool(data["campaign_response"])
    data.update({k: stats.get(k, 0) for k in ("count", "cost", "duration")})
    data["no_of_interactions"] = data["count"]
    return data


def template_list():
    """Interaction templates with their statistics and attachment languages."""
    stats = {r["code"]: r for r in statistics("template")}
    languages: dict = {}
    for code, language in (InteractionTemplateAttachment
                           .select(InteractionTemplateAttachment.template_code,
                                   InteractionTemplateAttachment.language_code).tuples()):
        languages.setdefault(code, []).append(language)
    out = []
    for template in InteractionTemplate.select().order_by(InteractionTemplate.code):
        data = _template_dict(template, stats.get(template.code, {}))
        data["attachment_languages"] = sorted(languages.get(template.code, []))
        out.append(data)
    return out


def template_show(code):
    """One interaction template with its statistics, group and attachments (without their content)."""
    key = normal_code(code)
    template = InteractionTemplate.get_or_none(InteractionTemplate.code == key)
    if template is None:
        raise NotFound(f"interaction template {code!r} does not exist")
    entry = InteractionLogEntry
    row = (entry.select(Value(key).alias("code"), Value(template.description).alias("description"),
                        *_stats_columns())
           .where((entry.interaction_template_code == key) & (entry.canceled == False))  # noqa: E712
           .dicts().get())
    data = _template_dict(template, _stats_row(row))
    group = InteractionGroup.get_or_none(InteractionGroup.code == template.interaction_group_code)
    data["interaction_group_description"] = group.description if group else ""
    attachments = []
    for a in (InteractionTemplateAttachment.select(
            InteractionTemplateAttachment.language_code, InteractionTemplateAttachment.file_name,
            InteractionTemplateAttachment.kind, InteractionTemplateAttachment.field_map)
            .where(InteractionTemplateAttachment.template_code == key)
            .order_by(InteractionTemplateAttachment.language_code)):
        try:
            field_map = json.loads(a.field_map or "{}")
        except ValueError:
            field_map = {}
        attachments.append({"language_code": a.language_code, "file_name": a.file_name, "kind": a.kind,
                            "field_map": field_map})
    data["attachments"] = attachments
    return data
