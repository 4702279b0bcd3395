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
    normal_code,
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


# A contact is told apart from its namesakes by company, city and e-mail: they are part of its
# description, joined by COLUMNS so a screen can show them as columns.
COLUMNS = " · "
CONTACT_EXTRA = ("company_name", "city", "email")


def search(kind, text="", limit=50):
    """(code, description) pairs of `kind` whose code or description contains `text` (any case).
    A contact's description is "name · company · city · e-mail"; all four are searched."""
    model, code_name, desc_name = KINDS[kind]
    code = getattr(model, code_name)
    desc = getattr(model, desc_name)
    text = (text or "").strip().lower()
    logged = kind == "logged_segment"
    extra = [getattr(Contact, name) for name in CONTACT_EXTRA] if kind == "contact" else []
    # A logged segment is shown with its segment number: read in the same query, not one per row.
    query = model.select(code, desc, LoggedSegment.segment_no) if logged else model.select(code, desc, *extra)
    if logged:
        query = query.where(LoggedSegment.canceled == False)  # noqa: E712 - canceled ones are not reused
    if text:
        code_text = code.cast("TEXT") if logged else code
        matches = fn.LOWER(code_text).contains(text) | fn.LOWER(desc).contains(text)
        for field in extra:
            matches |= fn.LOWER(field).contains(text)
        query = query.where(matches)

    def description(r):
        if logged:
            return f"{r.segment_no} {getattr(r, desc_name) or ''}".strip()
        if extra:
            values = [str(getattr(r, name) or "") for name in (desc_name, *CONTACT_EXTRA)]
            if values[1] == values[0]:  # a company is its own company: once is enough
                values[1] = ""
            return COLUMNS.join(values)
        return getattr(r, desc_name) or ""

    rows = [(str(getattr(r, code_name)), description(r))
            for r in query.order_by(code).limit(limit * 2 if text else limit)]
    if text:  # codes that start with the text first, then the rest
        rows.sort(key=lambda r: (not r[0].lower().startswith(text), r[0]))
    return rows[:limit]


def unknown(kind, code):
    """None when `code` is a known code of `kind`, else the message that says it is not (for a
    screen that checks a typed code before it goes on)."""
    model, code_name, _desc = KINDS[kind]
    value = normal_code(code)
    if not value:
        return None
    key = getattr(model, code_name)
    if kind == "logged_segment":
        if not value.isdigit():
            return f"logged segment {code!r} is not a number"
        value = int(value)
    if model.select().where(key == value).exists():
        return None
    return f"{WORDS.get(kind, kind.replace('_', ' '))} {normal_code(code)!r} does not exist"


WORDS = {"template": "interaction template", "interaction_group": "interaction group",
         "criteria": "saved criteria", "logged_segment": "logged segment"}


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
    return (SegmentLine.select().where(SegmentLine.live(segment_no)
                                       & (SegmentLine.line_no < line_no)).count())
