"""Lookups: find a code by typing part of it or of its description (screens' code fields).

Read-only and small: each search returns at most `limit` (code, description) pairs, codes that
start with the text first. The text is a LIKE parameter (Peewee escapes its % and _), never pasted into SQL.
"""
from peewee import fn

from ..models import (
    Campaign,
    Contact,
    InteractionGroup,
    InteractionTemplate,
    Language,
    LoggedSegment,
    MailingGroup,
    Salesperson,
    SavedSegmentCriteria,
    SegmentLine,
)

# kind -> (model, code field, description field)
KINDS = {
    "salesperson": (Salesperson, "code", "name"),
    "template": (InteractionTemplate, "code", "description"),
    "interaction_group": (InteractionGroup, "code", "description"),
    "campaign": (Campaign, "no", "description"),
    "language": (Language, "code", "name"),
    "mailing_group": (MailingGroup, "code", "description"),
    "criteria": (SavedSegmentCriteria, "code", "description"),
    "logged_segment": (LoggedSegment, "entry_no", "description"),
    "contact": (Contact, "no", "name"),
}


def search(kind, text="", limit=50):
    """(code, description) pairs of `kind` whose code or description contains `text` (any case)."""
    model, code_name, desc_name = KINDS[kind]
    code = getattr(model, code_name)
    desc = getattr(model, desc_name)
    text = (text or "").strip().lower()
    logged = kind == "logged_segment"
    # A logged segment is shown with its segment number: read in the same query, not one per row.
    query = model.select(code, desc, LoggedSegment.segment_no) if logged else model.select(code, desc)
    if logged:
        query = query.where(LoggedSegment.canceled == False)  # noqa: E712 - canceled ones are not reused
    if text:
        code_text = code.cast("TEXT") if logged else code
        query = query.where(fn.LOWER(code_text).contains(text) | fn.LOWER(desc).contains(text))
    rows = [(str(getattr(r, code_name)),
             f"{r.segment_no} {getattr(r, desc_name) or ''}".strip() if logged else getattr(r, desc_name) or "")
            for r in query.order_by(code).limit(limit * 2 if text else limit)]
    if text:  # codes that start with the text first, then the rest
        rows.sort(key=lambda r: (not r[0].lower().startswith(text), r[0]))
    return rows[:limit]


def describe(kind, code):
    """The description of a code, '' when unknown or blank."""
    if code in (None, ""):
        return ""
    model, code_name, desc_name = KINDS[kind]
    value = str(code).strip().upper() if kind != "logged_segment" else code
    row = model.select(getattr(model, desc_name)).where(getattr(model, code_name) == value).first()
    return (getattr(row, desc_name) or "") if row else ""


def line_position(segment_no, line_no):
    """The 0-based position of a line among its segment's lines in line order (for a jump)."""
    return (SegmentLine.select().where((SegmentLine.segment_no == segment_no)
                                       & (SegmentLine.line_no < line_no)).count())
