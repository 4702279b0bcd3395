"""A segment's lines: pages of lines and one line as the worksheet reads them (with the line's
version), and the changes a user makes to lines by hand: add a contact, change or remove a line.

Every function that changes data is one transaction (segtui.db.transaction()); each change by hand
is recorded as a criteria action, so go-back undoes it.
"""
from pathlib import Path

from peewee import JOIN, fn

from ...db import transaction
from ...errors import NotFound, SegtuiError
from ...models import (
    CORRESPONDENCE_TYPES,
    EVALUATIONS,
    INFORMATION_FLOWS,
    INITIATED_BY,
    LINE_COLUMNS,
    Contact,
    InteractionTemplate,
    SegmentHeader,
    SegmentLine,
    json_value,
    normal_code,
)
from .. import line_pages
from ..history import park_copy, record_added, record_history, remove_lines
from ..results import Line, LinesChanged
from ..versions import check_version, content_version
from .headers import action_done, get_header, keep_line_count, known_count, touch_header
from .statements import LINE_STEP, default_expressions, insert_lines, next_action_no, record_action
from .values import _convert

# Line fields a user may set by hand.
LINE_KINDS = {
    "contact_no": ("code", "contact"),
    "correspondence_type": ("choice", CORRESPONDENCE_TYPES),
    "interaction_template_code": ("code", "interaction_template"),
    "language_code": ("code", "language"),
    "subject": ("text", None),
    "description": ("text", None),
    "date": ("date", None),
    "time_of_interaction": ("time", None),
    "cost": ("decimal", None),
    "duration_min": ("decimal", None),
    "salesperson_code": ("code", "salesperson"),
    "campaign_no": ("code", "campaign"),
    "campaign_target": ("bool", None),
    "campaign_response": ("bool", None),
    "evaluation": ("choice", EVALUATIONS),
    "attempt_failed": ("bool", None),
    "information_flow": ("choice", INFORMATION_FLOWS),
    "initiated_by": ("choice", INITIATED_BY),
    "personal_note": ("text", None),
    "attachment": ("file", None),
    "send_word_docs_as_attmt": ("bool", None),
}
LINE_ALIASES = {"template": "interaction_template_code", "template_code": "interaction_template_code",
                "language": "language_code", "salesperson": "salesperson_code", "campaign": "campaign_no",
                "contact": "contact_no", "note": "personal_note", "duration": "duration_min",
                "send_as_attachment": "send_word_docs_as_attmt"}



# --- reading ----------------------------------------------------------------------------------

def line_select(no):
    """Lines joined with their contact's name, company, e-mail and phone."""
    columns = [getattr(SegmentLine, n) for n in ["segment_no", "line_no", *LINE_COLUMNS] if n != "attachment"]
    return (SegmentLine.select(*columns,
                               fn.COALESCE(Contact.name, "").alias("contact_name"),
                               fn.COALESCE(Contact.company_name, "").alias("contact_company_name"),
                               fn.COALESCE(Contact.email, "").alias("contact_email"),
                               fn.COALESCE(Contact.phone, "").alias("contact_phone"),
                               (SegmentLine.attachment.is_null(False)).alias("has_attachment"))
            .join(Contact, JOIN.LEFT_OUTER, on=(Contact.no == SegmentLine.contact_no))
            .where(SegmentLine.live(no)))


# What a line's version is computed from: its own values (not the contact's joined columns).
LINE_VERSION_FIELDS = [c for c in LINE_COLUMNS if c != "attachment"] + ["has_attachment"]


def line_version(data):
    """A line's version from its values as read (a page's row or a line's dict): what
    `set_line(..., expected_version=)` compares with."""
    return content_version(data, LINE_VERSION_FIELDS)


def _line_dict(row):
    data = {k: json_value(v) for k, v in row.items()}
    for name in ("campaign_target", "campaign_response", "attempt_failed", "has_attachment"):
        data[name] = bool(data.get(name))
    data["version"] = line_version(data)
    return data


def lines(no, limit=100, offset=0, after_line_no=None):
    """A page of lines in line order. `after_line_no` pages by key, fast on a million lines."""
    header = get_header(no)
    if not offset:
        rows = line_pages.json_rows(line_pages.page(header.no, limit, after_line_no=after_line_no))
        for data in rows:
            data["version"] = line_version(data)
        return rows
    query = line_select(header.no)
    if after_line_no is not None:
        query = query.where(SegmentLine.line_no > after_line_no)
    query = query.order_by(SegmentLine.line_no).limit(limit)
    if offset:
        query = query.offset(offset)
    return [_line_dict(r) for r in query.dicts()]


def line_fetcher(segment_no):
    """The fetch function a sheet's EndsPagedSource reads a segment's lines with."""
    no = normal_code(segment_no)

    def fetch(limit, after=None, before=None, last=False, offset=0):
        if offset:
            return lines(no, limit=limit, offset=offset)
        return line_pages.json_rows(line_pages.page(no, limit, after_line_no=after, before_line_no=before,
                                                    last=last))

    return fetch


def count_lines(no):
    """The segment's number of live lines: the header's kept count while it is right (see
    SegmentHeader.line_count), else counted."""
    no = normal_code(no)
    kept = (SegmentHeader.select(SegmentHeader.line_count)
            .where((SegmentHeader.no == no) & (SegmentHeader.line_count_version == SegmentHeader.version))
            .scalar())
    return kept if kept is not None else _live_count(no)


def _live_count(no):
    return SegmentLine.select().where(SegmentLine.live(no)).count()


def lines_now(header):
    """The number of live lines after an action that touched `header` (touch_header), which it
    holds: the count the object carries when known, else counted once and kept, so the segment's
    next actions need not count."""
    known = known_count(header)
    if known is None:
        known = _live_count(header.no)
        keep_line_count(header, known)
    return known


def get_line(no, line_no) -> Line:
    row = line_select(normal_code(no)).where(SegmentLine.line_no == int(line_no)).dicts().first()
    if row is None:
        raise NotFound(f"segment {normal_code(no)} has no line {line_no}")
    return _line_dict(row)


# --- changes by hand -------------------------------------------------------------------------

def _line_values(fields, where):
    values = {}
    for raw, value in (fields or {}).items():
        name = LINE_ALIASES.get(raw.strip().lower(), raw.strip().lower())
        if name not in LINE_KINDS:
            raise SegtuiError(f"unknown line field {raw!r}; known: {', '.join(LINE_KINDS)}")
        kind, extra = LINE_KINDS[name]
        if kind == "file":
            if value in (None, ""):
                values["attachment"], values["attachment_name"] = None, ""
                continue
            path = Path(str(value)).expanduser()
            if not path.is_file():
                raise SegtuiError(f"{where}attachment: file {str(value)!r} does not exist")
            values["attachment"], values["attachment_name"] = path.read_bytes(), path.name[:250]
            continue
        values[name] = _convert(name, kind, extra, value, where)
    if "contact_no" in values and not values["contact_no"]:
        raise SegtuiError(f"{where}contact_no cannot be blank: remove the line instead")
    if "interaction_template_code" in values and values["interaction_template_code"]:
        # A line's template brings its group, as on the header.
        tpl = InteractionTemplate.get_by_id(values["interaction_template_code"])
        values.setdefault("interaction_group_code", tpl.interaction_group_code)
    return values


def _apply_line_values(segment_no, line_no, values):
    if values:
        changes = {getattr(SegmentLine, k): v for k, v in values.items()}
        changes[SegmentLine.defaults_of] = 0  # values of its own: kept whole if a criteria action removes it
        (SegmentLine.update(changes)
         .where(SegmentLine.live(segment_no) & (SegmentLine.line_no == line_no)).execute())


def add_contact(no, contact_no, fields=None) -> Line:
    """Add one contact by hand (recorded as a criteria action, so go-back removes it)."""
    code = normal_code(contact_no)
    with transaction():
        header = get_header(no, lock=True)
        if not Contact.select().where(Contact.no == code).exists():
            raise NotFound(f"contact {code!r} does not exist")
        values = _line_values({k: v for k, v in (fields or {}).items()
                               if LINE_ALIASES.get(k.lower(), k.lower()) != "contact_no"},
                              f"segment {header.no} new line: ")
        action_no = next_action_no(header.no)
        added, base = insert_lines(header, Contact.no == code)
        record_added(header.no, action_no, base)
        line_no = base + LINE_STEP
        _apply_line_values(header.no, line_no, values)
        action_done(header, action_no, "add_contact", no_of_contacts=added, reference=code, added=added)
    return get_line(header.no, line_no)


def set_line(no, line_no, fields, expected_version=None) -> Line:
    """Change one line. A new contact re-applies the contact's line defaults and is an action.

    `expected_version` (the line's `version` as the user read it) refuses the change with a
    Conflict when another user changed the line in between.
    """
    with transaction():
        header = get_header(no, lock=True)
        line = SegmentLine.get_or_none(SegmentLine.live(header.no) & (SegmentLine.line_no == int(line_no)))
        if line is None:
            raise NotFound(f"segment {header.no} has no line {line_no}")
        if expected_version is not None:
            check_version(get_line(header.no, line.line_no), expected_version,
                          f"segment {header.no} line {line.line_no}", LINE_VERSION_FIELDS,
                          changing=[LINE_ALIASES.get(k.strip().lower(), k.strip().lower()) for k in fields or {}])
        values = _line_values(fields, f"segment {header.no} line {line.line_no}: ")
        new_contact = values.pop("contact_no", None)
        if new_contact and new_contact != line.contact_no:
            action_no = next_action_no(header.no)
            key = SegmentLine.line_no == line.line_no
            park_copy(header.no, action_no, line.line_no)  # the line as it was, for go-back
            template = values.get("interaction_template_code", line.interaction_template_code)
            defaults = default_expressions(header, lambda name: getattr(Contact, name), template_code=template)
            rule_values = (Contact.select(Contact.company_no, defaults["salesperson_code"],
                                          defaults["correspondence_type"], defaults["language_code"])
                           .where(Contact.no == new_contact).tuples().first())
            company_no, salesperson, corres, language = rule_values
            contact_values = {"contact_no": new_contact, "contact_company_no": company_no,
                              "salesperson_code": salesperson, "correspondence_type": corres,
                              "language_code": language}
            contact_values.update(values)  # what the user typed wins
            values = contact_values
            _apply_line_values(header.no, line.line_no, values)
            record_history(header.no, action_no, "inserted", key)
            record_action(header.no, action_no, "set_contact", no_of_contacts=1,
                          reference=f"{line.contact_no}>{new_contact}")
        else:
            _apply_line_values(header.no, line.line_no, values)
        touch_header(header)
    return get_line(header.no, line.line_no)


def remove_line(no, line_no) -> LinesChanged:
    """Delete one line by hand (recorded as a criteria action, so go-back brings it back)."""
    with transaction():
        header = get_header(no, lock=True)
        line = SegmentLine.get_or_none(SegmentLine.live(header.no) & (SegmentLine.line_no == int(line_no)))
        if line is None:
            raise NotFound(f"segment {header.no} has no line {line_no}")
        action_no = next_action_no(header.no)
        removed = remove_lines(header, action_no, SegmentLine.line_no == line.line_no)
        action_done(header, action_no, "remove_line", no_of_contacts=1, reference=line.contact_no, added=-removed)
        return {"removed": 1, "no_of_lines": lines_now(header)}

