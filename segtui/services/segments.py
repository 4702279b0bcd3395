"""Segments and their lines: header, lines, line defaults, manual line changes.

A segment is a header (what the interaction will be: template, salesperson, campaign...) and
lines (who it goes to). Lines get their values from the header and the contact by the rules of
docs/domain.md, section 3 (the line defaults); those rules are written once as SQL expressions so that adding
a million contacts is one INSERT ... SELECT and adding one contact by hand uses the same rules.

Every function that changes data is one transaction (segtui.db.transaction()).
"""
import datetime as dt
import decimal
from pathlib import Path

from peewee import JOIN, Case, Value, fn

from ..db import is_sqlite, next_no, transaction
from .. import filters as filter_language
from ..errors import FilterError, NoLongerOpen, NotFound, SegtuiError
from . import line_pages
from .versions import check_version, content_version
from ..models import (
    CORRESPONDENCE_TYPES,
    EVALUATIONS,
    INFORMATION_FLOWS,
    INITIATED_BY,
    Campaign,
    Contact,
    InteractionGroup,
    InteractionTemplate,
    InteractionTemplateAttachment,
    Language,
    LoggedSegment,
    Salesperson,
    SegmentCriteriaLine,
    SegmentHeader,
    SegmentHistory,
    SegmentLine,
    json_value,
    normal_code,
    to_dict,
)

from .history import (  # noqa: E402,F401 - the undo history; these names are used as segments.x too
    ADDED, analyze_after, delete_all_lines, delete_recorded, history_columns, park_copy, park_lines, record_added,
    record_history)
from .results import CriteriaAction, Line, LinesChanged, Segment

# Amounts are stored with 18 digits, 2 of them decimals (models.money).
MAX_AMOUNT = decimal.Decimal(10) ** 16

LINE_STEP = 10  # gap between line numbers; small so a million lines fit a 32-bit integer

# Header fields a user may set, with their kind (the TUI builds its form from this).
HEADER_FIELDS = [
    ("description", "text", None),
    ("date", "date", None),
    ("interaction_template_code", "code", "interaction_template"),
    ("salesperson_code", "code", "salesperson"),
    ("campaign_no", "code", "campaign"),
    ("subject_default", "text", None),
    ("correspondence_type_default", "choice", CORRESPONDENCE_TYPES),
    ("language_code_default", "code", "language"),
    ("ignore_contact_corres_type", "bool", None),
    ("send_word_docs_as_attmt", "bool", None),
    ("interaction_group_code", "code", "interaction_group"),
    ("information_flow", "choice", INFORMATION_FLOWS),
    ("initiated_by", "choice", INITIATED_BY),
    ("unit_cost", "decimal", None),
    ("unit_duration_min", "decimal", None),
    ("campaign_target", "bool", None),
    ("campaign_response", "bool", None),
]
HEADER_KINDS = {name: (kind, extra) for name, kind, extra in HEADER_FIELDS}
# Short names the CLI and the new_segment() arguments accept for header fields.
HEADER_ALIASES = {
    "template": "interaction_template_code", "template_code": "interaction_template_code",
    "salesperson": "salesperson_code", "campaign": "campaign_no", "subject": "subject_default",
    "correspondence_type": "correspondence_type_default", "language": "language_code_default",
    "language_code": "language_code_default", "interaction_group": "interaction_group_code",
}
# Header field -> the line field it fills.
HEADER_TO_LINE = {
    "description": "description",
    "date": "date",
    "interaction_template_code": "interaction_template_code",
    "interaction_group_code": "interaction_group_code",
    "subject_default": "subject",
    "unit_cost": "cost",
    "unit_duration_min": "duration_min",
    "campaign_no": "campaign_no",
    "campaign_target": "campaign_target",
    "campaign_response": "campaign_response",
    "information_flow": "information_flow",
    "initiated_by": "initiated_by",
}
# Header fields whose change re-applies a contact-dependent line rule.
RULE_FIELDS = {
    "salesperson_code": ("salesperson_code",),
    "correspondence_type_default": ("correspondence_type",),
    "ignore_contact_corres_type": ("correspondence_type",),
    "language_code_default": ("language_code",),
    "interaction_template_code": ("correspondence_type", "language_code"),
}
# Template field -> header field it fills when the template is chosen.
TEMPLATE_TO_HEADER = {
    "interaction_group_code": "interaction_group_code",
    "unit_cost": "unit_cost",
    "unit_duration_min": "unit_duration_min",
    "information_flow": "information_flow",
    "initiated_by": "initiated_by",
    "correspondence_type_default": "correspondence_type_default",
    "language_code_default": "language_code_default",
    "ignore_contact_corres_type": "ignore_contact_corres_type",
}

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

# The columns a line carries (everything but its key and id), in one fixed order.
LINE_COLUMNS = [f for f in SegmentLine._meta.sorted_field_names
                if f not in ("id", "segment_no", "line_no", "removed_by")]

LOOKUPS = {
    "interaction_template": (InteractionTemplate, InteractionTemplate.code, "interaction template"),
    "salesperson": (Salesperson, Salesperson.code, "salesperson"),
    "campaign": (Campaign, Campaign.no, "campaign"),
    "language": (Language, Language.code, "language"),
    "interaction_group": (InteractionGroup, InteractionGroup.code, "interaction group"),
    "contact": (Contact, Contact.no, "contact"),
}
TRUE_WORDS = {"1", "true", "yes", "y", "on", "x"}
FALSE_WORDS = {"0", "false", "no", "n", "off", ""}


# --- validation of typed values ---------------------------------------------------------------

def _convert(name, kind, extra, value, where):
    """A typed value for a field of `kind`, or a SegtuiError naming the field."""
    if kind == "text":
        text = "" if value is None else str(value)
        return text
    if kind == "code":
        code = ("" if value is None else str(value)).strip().upper()
        if code:
            model, key, label = LOOKUPS[extra]
            if not model.select().where(key == code).exists():
                raise NotFound(f"{label} {code!r} does not exist ({where}{name})")
        return code
    if kind == "choice":
        text = ("" if value is None else str(value)).strip().lower().replace(" ", "_").replace("-", "_")
        if text not in extra:
            allowed = ", ".join(repr(v) for v in extra)
            raise SegtuiError(f"{where}{name}: {value!r} is not one of {allowed}")
        return text
    if kind == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in TRUE_WORDS:
            return True
        if text in FALSE_WORDS:
            return False
        raise SegtuiError(f"{where}{name}: {value!r} is not yes or no")
    if kind == "decimal":
        try:
            number = decimal.Decimal(str(value).strip() or "0")
        except decimal.InvalidOperation:
            raise SegtuiError(f"{where}{name}: {value!r} is not a number") from None
        if not number.is_finite() or number < 0:
            raise SegtuiError(f"{where}{name}: {value!r} must be zero or more")
        if number >= MAX_AMOUNT:
            raise SegtuiError(f"{where}{name}: {str(value)[:40]!r} is too large (at most {MAX_AMOUNT - 1:,})")
        return number
    if kind == "date":
        return parse_date(value, f"{where}{name}")
    if kind == "time":
        if value in (None, ""):
            return None
        if isinstance(value, dt.time):
            return value
        try:
            return dt.time.fromisoformat(str(value).strip())
        except ValueError:
            raise SegtuiError(f"{where}{name}: {value!r} is not a time (HH:MM)") from None
    raise SegtuiError(f"{where}{name}: cannot be set")  # pragma: no cover - kinds are fixed above


def parse_date(value, name="date"):
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip().lower()
    if text in ("t", "today"):
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise SegtuiError(f"{name}: {value!r} is not a date (YYYY-MM-DD)") from None


# --- reading ----------------------------------------------------------------------------------

def get_header(no, lock=False):
    """The open segment's header record, or NotFound (saying so when it was logged).

    lock=True (inside a transaction that changes the segment) holds the header row on
    PostgreSQL so two users' actions on one segment take turns (new line numbers come from
    the current maximum); SQLite's IMMEDIATE transactions already take turns.
    """
    no = normal_code(no)
    query = SegmentHeader.select().where(SegmentHeader.no == no)
    if lock and not is_sqlite():
        query = query.for_update()
    header = query.first()
    if header is None:
        # A change to a segment another user logged or deleted meanwhile is a conflict (exit 3);
        # reading one is simply not found.
        gone = NoLongerOpen if lock else NotFound
        logged = LoggedSegment.select().where(LoggedSegment.segment_no == no).first()
        if logged is not None:
            raise gone(f"segment {no} was logged (logged segment {logged.entry_no}); it is no longer open")
        if lock and _was_issued(no):
            raise gone(f"segment {no} was deleted; it is no longer open")
        raise NotFound(f"segment {no!r} does not exist")
    return header


def _was_issued(no):
    """True when the SEGMENT number series handed out `no` (so it existed and was deleted)."""
    from ..models import NumberSeries

    series = NumberSeries.get_or_none(NumberSeries.code == "SEGMENT")
    if series is None or not no.startswith(series.prefix):
        return False
    digits = no[len(series.prefix):]
    return digits.isdigit() and 0 < int(digits) <= series.last_no


def header_dict(header, no_of_lines=None, cost=None, duration=None, actions=None):
    data = to_dict(header)
    if no_of_lines is None:
        row = (SegmentLine.select(fn.COUNT(SegmentLine.id), fn.SUM(SegmentLine.cost), fn.SUM(SegmentLine.duration_min))
               .where(SegmentLine.live(header.no)).tuples().first())
        no_of_lines, cost, duration = row
    if actions is None:
        actions = (SegmentCriteriaLine.select().where((SegmentCriteriaLine.segment_no == header.no)
                                                      & (SegmentCriteriaLine.kind == "action")).count())
    data["no_of_lines"] = no_of_lines or 0
    data["cost"] = json_value(decimal.Decimal(str(cost or 0)).quantize(decimal.Decimal("0.01")))
    data["duration"] = json_value(decimal.Decimal(str(duration or 0)).quantize(decimal.Decimal("0.01")))
    data["no_of_criteria_actions"] = actions or 0
    return data


def list_segments(filter_text=None):
    """Open segments with their line counts, in number order (one query)."""
    counts = (SegmentLine.select(SegmentLine.segment_no, fn.COUNT(SegmentLine.id).alias("n"),
                                 fn.SUM(SegmentLine.cost).alias("c"), fn.SUM(SegmentLine.duration_min).alias("d"))
              .where(SegmentLine.removed_by.is_null()).group_by(SegmentLine.segment_no).alias("counts"))
    actions = (SegmentCriteriaLine.select(SegmentCriteriaLine.segment_no, fn.COUNT(SegmentCriteriaLine.id).alias("a"))
               .where(SegmentCriteriaLine.kind == "action").group_by(SegmentCriteriaLine.segment_no).alias("acts"))
    query = (SegmentHeader.select(SegmentHeader, counts.c.n, counts.c.c, counts.c.d, actions.c.a)
             .join(counts, JOIN.LEFT_OUTER, on=(counts.c.segment_no == SegmentHeader.no))
             .join(actions, JOIN.LEFT_OUTER, on=(actions.c.segment_no == SegmentHeader.no), src=SegmentHeader)
             .order_by(SegmentHeader.no))
    if filter_text:
        like = f"%{filter_text.strip().lower()}%"
        query = query.where(fn.LOWER(SegmentHeader.no).contains(filter_text.strip().lower())
                            | (fn.LOWER(SegmentHeader.description) ** like))
    out = []
    for header in query.objects():
        out.append(header_dict(header, header.n or 0, header.c, header.d, header.a or 0))
    return out


# Filters on the list of open segments (few rows: evaluated in Python, derived totals included).
# Derived columns a filter may name, with the kind of value they hold.
DERIVED = {"no_of_lines": "number", "no_of_criteria_actions": "number", "cost": "number",
           "duration": "number"}
ALIASES = {"template": "interaction_template_code", "salesperson": "salesperson_code",
           "campaign": "campaign_no", "lines": "no_of_lines"}


def _segment_field_kind(field):
    if field in DERIVED:
        return DERIVED[field]
    model_field = SegmentHeader._meta.fields.get(field)
    if model_field is None or field == "version":
        known = sorted(set(SegmentHeader._meta.fields) - {"version"} | set(DERIVED))
        raise FilterError(f"unknown field {field!r} for segments; known: {', '.join(known)}", field=field)
    return filter_language.kind_of(model_field)


def check_segment_filters(pairs):
    """FilterError for a filter on segments that cannot be used (the bar shows it at its position)."""
    for field, expression in pairs:
        name = ALIASES.get(field.strip().lower(), field.strip().lower())
        kind = _segment_field_kind(name)
        # Evaluating once against a blank value parses and type-checks the expression.
        filter_language.evaluate(expression, None, kind, name=field)


def _matches(segment, pairs):
    for field, expression in pairs:
        name = ALIASES.get(field.strip().lower(), field.strip().lower())
        kind = _segment_field_kind(name)
        value = segment.get(name)
        if kind == "date" and isinstance(value, str) and value:
            value = dt.date.fromisoformat(value[:10])  # the list holds JSON-ready ISO text
        if not filter_language.evaluate(expression, value, kind, name=field):
            return False
    return True


def filter_segments(rows, pairs):
    """The rows of list_segments() that pass every (field, expression) filter."""
    return [row for row in rows if _matches(row, pairs)] if pairs else list(rows)


def criteria_actions(no) -> list[CriteriaAction]:
    """The segment's criteria actions, oldest first, each with its filters."""
    rows = (SegmentCriteriaLine.select().where(SegmentCriteriaLine.segment_no == no)
            .order_by(SegmentCriteriaLine.action_no, SegmentCriteriaLine.seq))
    return actions_from_rows(rows)


def actions_from_rows(rows):
    actions = []
    for row in rows:
        if row.kind == "action":
            actions.append({
                "action_no": row.action_no,
                "action": row.action,
                "allow_existing_contacts": bool(row.allow_existing_contacts),
                "expand_contact": bool(row.expand_contact),
                "allow_company_with_persons": bool(row.allow_company_with_persons),
                "ignore_exclusion": bool(row.ignore_exclusion),
                "entire_companies": bool(row.entire_companies),
                "reference": row.reference,
                "no_of_contacts": getattr(row, "no_of_contacts", None),
                "filters": [],
            })
        elif actions:
            actions[-1]["filters"].append({"source": row.source, "field": row.field, "expression": row.expression})
    return actions


def get_segment(no) -> Segment:
    header = get_header(no)
    data = header_dict(header)
    data["criteria"] = criteria_actions(header.no)
    return data


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
    return SegmentLine.select().where(SegmentLine.live(normal_code(no))).count()


def get_line(no, line_no) -> Line:
    row = line_select(normal_code(no)).where(SegmentLine.line_no == int(line_no)).dicts().first()
    if row is None:
        raise NotFound(f"segment {normal_code(no)} has no line {line_no}")
    return _line_dict(row)


# --- header -----------------------------------------------------------------------------------

def check_header(fields):
    """Raise SegtuiError when a header value would be refused; changes nothing (for forms)."""
    _header_values(fields)


def _header_values(fields, where="segment "):
    """Validated header values from user names (aliases allowed)."""
    values = {}
    for raw, value in fields.items():
        name = HEADER_ALIASES.get(raw.strip().lower(), raw.strip().lower())
        if name not in HEADER_KINDS:
            known = ", ".join(n for n, _, _ in HEADER_FIELDS)
            raise SegtuiError(f"unknown segment field {raw!r}; known: {known}")
        kind, extra = HEADER_KINDS[name]
        values[name] = _convert(name, kind, extra, value, where)
    if "date" in values and values["date"] is None:
        raise SegtuiError("segment date cannot be blank")
    return values


def template_defaults(code):
    """Header values an interaction template brings (its campaign fields only when set)."""
    if not code:
        return {}
    tpl = InteractionTemplate.get_by_id(code)
    values = {h: getattr(tpl, t) for t, h in TEMPLATE_TO_HEADER.items()}
    if tpl.campaign_no:
        values.update(campaign_no=tpl.campaign_no, campaign_target=tpl.campaign_target,
                      campaign_response=tpl.campaign_response)
    return values


def take_segment_no():
    """A segment number taken in its own short transaction, for an action that creates a segment at
    the end of a long one (log --follow-up): the series row is not held while the lines are written."""
    with transaction():
        return next_no("SEGMENT")


def give_back_segment_no(no):
    """Hand an unused number back when it is still the series' last one (a refused log leaves no gap)."""
    from ..models import NumberSeries

    with transaction():
        series = NumberSeries.get_or_none(NumberSeries.code == "SEGMENT")
        if series is None or not no.startswith(series.prefix) or not no[len(series.prefix):].isdigit():
            return
        if SegmentHeader.select().where(SegmentHeader.no == no).exists():
            return  # it was used after all
        (NumberSeries.update(last_no=NumberSeries.last_no - 1)
         .where((NumberSeries.code == "SEGMENT") & (NumberSeries.last_no == int(no[len(series.prefix):])))
         .execute())


def new_segment(description, template_code=None, salesperson_code=None, campaign_no=None, subject=None,
                correspondence_type=None, language_code=None, date=None, number=None, **more):
    """Create a segment; numbers come from the SEGMENT series (SM00001...) unless `number` was
    taken beforehand (take_segment_no)."""
    given = dict(more)
    for name, value in (("interaction_template_code", template_code), ("salesperson_code", salesperson_code),
                        ("campaign_no", campaign_no), ("subject_default", subject),
                        ("correspondence_type_default", correspondence_type),
                        ("language_code_default", language_code), ("date", date)):
        if value is not None:
            given[name] = value
    given["description"] = description or ""
    values = _header_values(given)
    with transaction():
        # The template first, then what the user typed wins over the template's defaults.
        merged = template_defaults(values.get("interaction_template_code"))
        merged.update(values)
        merged.setdefault("date", dt.date.today())
        no = number or next_no("SEGMENT")
        header = SegmentHeader.create(no=no, **merged)
    return header_dict(header, 0, 0, 0, 0)


def set_header(no, fields, update_lines=False, expected_version=None) -> Segment:
    """Change header fields; with update_lines, lines still on the header's template follow.

    `expected_version` (the header's `version` when the user started editing) turns another
    user's change in between into a Conflict instead of a silent overwrite.
    """
    values = _header_values(fields)
    with transaction():
        header = get_header(no, lock=True)
        check_version(header, expected_version, f"segment {header.no}", changing=list(values))
        old_template = header.interaction_template_code
        if "interaction_template_code" in values and values["interaction_template_code"] != old_template:
            merged = template_defaults(values["interaction_template_code"])
            merged.update(values)
            values = merged
        changed = {k: v for k, v in values.items() if getattr(header, k) != v}
        for name, value in values.items():
            setattr(header, name, value)
        header.version = header.version + 1
        header.save()
        if update_lines and changed:
            _update_lines(header, old_template, changed)
    return get_segment(header.no)


def _update_lines(header, old_template, changed):
    """One UPDATE: header values to the lines that still carry the header's (old) template."""
    updates = {}
    for name, value in changed.items():
        if name in HEADER_TO_LINE:
            updates[getattr(SegmentLine, HEADER_TO_LINE[name])] = value
    rules = {r for name in changed for r in RULE_FIELDS.get(name, ())}
    if rules:
        def contact_col(column):
            # A correlated subquery, wrapped so it can be compared like a column.
            return fn.COALESCE(Contact.select(getattr(Contact, column)).where(Contact.no == SegmentLine.contact_no), "")
        defaults = default_expressions(header, contact_col)
        for rule in rules:
            updates[getattr(SegmentLine, rule)] = defaults[rule]
    if updates:
        (SegmentLine.update(updates)
         .where(SegmentLine.live(header.no) & (SegmentLine.interaction_template_code == old_template))
         .execute())


def delete_segment(no):
    with transaction():
        header = get_header(no, lock=True)
        delete_segment_rows(header.no)
    return {"deleted": header.no}


def delete_segment_rows(no):
    """Delete the segment's lines (live and parked), criteria, history and header (in the caller's
    transaction); also used by logging, which removes the segment once it is logged."""
    delete_all_lines(no)
    for model in (SegmentCriteriaLine, SegmentHistory):
        model.delete().where(model.segment_no == no).execute()
    SegmentHeader.delete().where(SegmentHeader.no == no).execute()


# --- line defaults ----------------------------------------------------------------------------

def default_expressions(header, contact_col, template_code=None):
    """SQL expressions for the contact-dependent line rules (docs/domain.md, section 3).

    `contact_col(name)` gives the contact's column (a plain column in an INSERT ... SELECT,
    a correlated subquery in an UPDATE). The template is the line's (default: the header's).
    """
    template_code = header.interaction_template_code if template_code is None else template_code
    tpl = InteractionTemplate.get_or_none(InteractionTemplate.code == template_code) if template_code else None
    # Salesperson: the header's, else the contact's.
    if header.salesperson_code:
        salesperson = Value(header.salesperson_code)
    else:
        salesperson = fn.COALESCE(contact_col("salesperson_code"), "")
    # Correspondence type.
    contact_type = fn.COALESCE(contact_col("correspondence_type"), "")
    if header.ignore_contact_corres_type and header.correspondence_type_default:
        corres = Value(header.correspondence_type_default)
    else:
        tpl_default = tpl.correspondence_type_default if tpl else header.correspondence_type_default
        tpl_ignores = bool(tpl.ignore_contact_corres_type) if tpl else False
        if tpl_ignores:
            corres = Value(tpl_default)
        else:
            corres = Case(None, [(contact_type == "", Value(tpl_default))], contact_type)
    # Language: the contact's when the template has an attachment in it, else the default.
    default_language = header.language_code_default or (tpl.language_code_default if tpl else "")
    languages = []
    if tpl:
        languages = [r.language_code for r in InteractionTemplateAttachment
                     .select(InteractionTemplateAttachment.language_code)
                     .where((InteractionTemplateAttachment.template_code == tpl.code)
                            & (InteractionTemplateAttachment.language_code != ""))]
    if languages:
        contact_language = contact_col("language_code")
        language = Case(None, [(contact_language.in_(languages), contact_language)], Value(default_language))
    else:
        language = Value(default_language)
    return {"salesperson_code": salesperson, "correspondence_type": corres, "language_code": language}


def line_insert_columns(header, line_base):
    """(line fields, select expressions over Contact) for INSERT INTO segment_line ... SELECT.

    Line numbers follow the add order: company name, company no, type (company first), name.
    """
    defaults = default_expressions(header, lambda name: getattr(Contact, name))
    row_number = fn.ROW_NUMBER().over(order_by=[Contact.company_name, Contact.company_no, Contact.type,
                                                Contact.name, Contact.no])
    pairs = [
        (SegmentLine.segment_no, Value(header.no)),
        (SegmentLine.line_no, Value(line_base) + row_number * LINE_STEP),
        (SegmentLine.contact_no, Contact.no),
        (SegmentLine.contact_company_no, Contact.company_no),
        (SegmentLine.correspondence_type, defaults["correspondence_type"]),
        (SegmentLine.interaction_template_code, Value(header.interaction_template_code)),
        (SegmentLine.interaction_group_code, Value(header.interaction_group_code)),
        (SegmentLine.language_code, defaults["language_code"]),
        (SegmentLine.subject, Value(header.subject_default)),
        (SegmentLine.description, Value(header.description)),
        (SegmentLine.date, Value(header.date, converter=SegmentLine.date.db_value)),
        (SegmentLine.cost, Value(header.unit_cost, converter=SegmentLine.cost.db_value)),
        (SegmentLine.duration_min, Value(header.unit_duration_min, converter=SegmentLine.duration_min.db_value)),
        (SegmentLine.salesperson_code, defaults["salesperson_code"]),
        (SegmentLine.campaign_no, Value(header.campaign_no)),
        (SegmentLine.campaign_target, Value(bool(header.campaign_target))),
        (SegmentLine.campaign_response, Value(bool(header.campaign_response))),
        (SegmentLine.information_flow, Value(header.information_flow)),
        (SegmentLine.initiated_by, Value(header.initiated_by)),
        (SegmentLine.evaluation, Value("")),
        (SegmentLine.attempt_failed, Value(False)),
        (SegmentLine.personal_note, Value("")),
        (SegmentLine.attachment_name, Value("")),
    ]
    return [p[0] for p in pairs], [p[1] for p in pairs]


def max_line_no(segment_no):
    return SegmentLine.select(fn.MAX(SegmentLine.line_no)).where(SegmentLine.live(segment_no)).scalar() or 0


def next_action_no(segment_no):
    last = (SegmentCriteriaLine.select(fn.MAX(SegmentCriteriaLine.action_no))
            .where(SegmentCriteriaLine.segment_no == segment_no).scalar())
    return (last or 0) + 1


def record_action(segment_no, action_no, action, filters=(), no_of_contacts=0, reference="", **options):
    """One criteria action row (seq 0) and one row per filter, in one INSERT."""
    from .contacts import split_field

    rows = [dict(segment_no=segment_no, action_no=action_no, seq=0, kind="action", action=action,
                 no_of_contacts=no_of_contacts, reference=str(reference)[:40], **options)]
    for seq, (typed, expression) in enumerate(filters, start=1):
        source, field = split_field(typed)
        rows.append(dict(segment_no=segment_no, action_no=action_no, seq=seq, kind="filter", action=action,
                         source=source, field=field, expression=expression))
    SegmentCriteriaLine.insert_many(rows).execute()


def insert_lines(header, condition):
    """INSERT INTO segment_line ... SELECT FROM contact WHERE condition; returns (count, previous max)."""
    base = max_line_no(header.no)
    fields, columns = line_insert_columns(header, base)
    query = Contact.select(*columns).where(condition)
    added = SegmentLine.insert_from(query, fields).as_rowcount().execute()
    analyze_after(added, "segment_line")
    return added, base


# --- manual line changes ---------------------------------------------------------------------

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
        (SegmentLine.update({getattr(SegmentLine, k): v for k, v in values.items()})
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
        record_action(header.no, action_no, "add_contact", no_of_contacts=added, reference=code)
        touch_header(header)
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
        park_lines(header.no, action_no, SegmentLine.line_no == line.line_no)
        record_action(header.no, action_no, "remove_line", no_of_contacts=1, reference=line.contact_no)
        touch_header(header)
    return {"removed": 1, "no_of_lines": count_lines(header.no)}


def touch_header(header):
    """Bump the header's version: lines changed, so a stale view is detected."""
    SegmentHeader.update(version=SegmentHeader.version + 1).where(SegmentHeader.no == header.no).execute()
