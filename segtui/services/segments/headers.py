"""Segment headers: what the interaction will be (template, salesperson, campaign...). Reading a
segment and the list of open segments (with its filters), checking header values, numbers from the
SEGMENT series, creating, changing and deleting a segment.

Every function that changes data is one transaction (segtui.db.transaction()).
"""
import datetime as dt
import decimal

from peewee import JOIN, Case, fn

from ... import filters as filter_language
from ...db import is_sqlite, next_no, run_together, transaction
from ...errors import FilterError, NoLongerOpen, NotFound, SegtuiError, unknown_name_hint
from ...models import (
    CORRESPONDENCE_TYPES,
    INFORMATION_FLOWS,
    INITIATED_BY,
    Contact,
    InteractionTemplate,
    LoggedSegment,
    NumberSeries,
    SegmentCriteriaLine,
    SegmentHeader,
    SegmentHistory,
    SegmentLine,
    json_value,
    normal_code,
    to_dict,
)
from ..history import record_defaults
from ..results import CriteriaAction, Segment
from ..versions import check_version
from .statements import action_insert, default_expressions
from .values import _convert

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
    series = NumberSeries.get_or_none(NumberSeries.code == "SEGMENT")
    if series is None or not no.startswith(series.prefix):
        return False
    digits = no[len(series.prefix):]
    return digits.isdigit() and 0 < int(digits) <= series.last_no


def header_dict(header, no_of_lines=None, cost=None, duration=None, actions=None):
    data = to_dict(header)
    for name in BOOKKEEPING:  # for go back and the line count, not something the user sets or sees
        data.pop(name, None)
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


# Header columns that are bookkeeping (go back's line defaults, the kept line count).
BOOKKEEPING = ("line_defaults", "line_count", "line_count_version")

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
    if model_field is None or field == "version" or field in BOOKKEEPING:
        known = sorted(set(SegmentHeader._meta.fields) - {"version", *BOOKKEEPING} | set(DERIVED))
        raise FilterError(f"unknown field {field!r} for segments{unknown_name_hint(field, known)}", field=field,
                          unknown_field=True)
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


# --- changing ---------------------------------------------------------------------------------

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
        old_defaults = header.line_defaults
        if any(k in HEADER_TO_LINE or k in RULE_FIELDS for k in changed):
            # The lines' defaults change: the values lines made so far follow are kept, so that
            # go back makes a removed line again as it was (history.remove_lines).
            record_defaults(header)
            header.line_defaults = old_defaults + 1
        for name, value in values.items():
            setattr(header, name, value)
        if header.line_count_version == header.version:  # the lines did not change: still right
            header.line_count_version = header.version + 1
        header.version = header.version + 1
        header.save()
        if update_lines and changed:
            _update_lines(header, old_template, changed, old_defaults)
    return get_segment(header.no)


def _update_lines(header, old_template, changed, old_defaults):
    """One UPDATE: header values to the lines that still carry the header's (old) template. A line
    that followed the old defaults follows the new ones; one on older defaults now has values of
    its own (some of its values changed, some not)."""
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
        updates[SegmentLine.defaults_of] = Case(None, [(SegmentLine.defaults_of == old_defaults,
                                                        header.line_defaults)], 0)
        (SegmentLine.update(updates)
         .where(SegmentLine.live(header.no) & (SegmentLine.interaction_template_code == old_template))
         .execute())


def delete_segment(no):
    with transaction():
        header = get_header(no, lock=True)
        delete_segment_rows(header.no)
    return {"deleted": header.no}


# What deleting a segment deletes, as conditions on its number, in order: run one by one here and
# written into the one PostgreSQL statement that logs a segment (log_statements). The lines in two
# statements, each on its partial index (one condition without `removed_by` could use neither and
# would read the whole table).
SEGMENT_ROWS = (
    (SegmentLine, "segment_no = {no} AND removed_by IS NULL"),
    (SegmentLine, "segment_no = {no} AND removed_by IS NOT NULL"),
    (SegmentCriteriaLine, "segment_no = {no}"),
    (SegmentHistory, "segment_no = {no}"),
    (SegmentHeader, "no = {no}"),
)


def delete_segment_rows(no):
    """Delete the segment's lines (live and parked), criteria, history and header (in the caller's
    transaction); also used by logging, which removes the segment once it is logged."""
    database = SegmentHeader._meta.database
    for model, condition in SEGMENT_ROWS:
        database.execute_sql(f'DELETE FROM "{model._meta.table_name}" WHERE {condition.format(no=database.param)}',
                             [no])


def touch_header(header, added=0, count=None):
    """Bump the header's version (lines changed, so a stale view is detected) and carry its line
    count on by `added` (negative for lines removed) when it was known, or set it to `count` when
    the caller knows it."""
    _touch(header, added, count).execute()


def action_done(header, action_no, action, filters=(), no_of_contacts=0, reference="", added=0, count=None,
                **options):
    """Record a criteria action (record_action) and touch the header (touch_header): one round
    trip on PostgreSQL, where each costs about half a millisecond next to a reduce of 25 ms."""
    run_together(action_insert(header.no, action_no, action, filters, no_of_contacts, reference, **options),
                 _touch(header, added, count))


def _touch(header, added, count):
    """touch_header's UPDATE, not run; its values come from the row itself, so a header object
    read before an earlier touch in the same action is still right. The object, which the action
    holds locked, gets the same values (its answer then needs no read: lines_now)."""
    if count is not None:
        line_count, line_count_version = int(count), SegmentHeader.version + 1
    else:
        line_count = SegmentHeader.line_count + int(added)
        known = SegmentHeader.line_count_version == SegmentHeader.version
        line_count_version = Case(None, [(known, SegmentHeader.version + 1)], None)
    query = (SegmentHeader.update(version=SegmentHeader.version + 1, line_count=line_count,
                                  line_count_version=line_count_version)
             .where(SegmentHeader.no == header.no))
    if count is not None:
        header.line_count, header.line_count_version = int(count), header.version + 1
    elif known_count(header) is not None:
        header.line_count, header.line_count_version = header.line_count + int(added), header.version + 1
    else:
        header.line_count_version = None
    header.version += 1
    return query


def known_count(header):
    """The header's kept line count when it is right for its version, else None."""
    return header.line_count if header.line_count_version == header.version else None


def keep_line_count(header, count):
    """Keep a line count just taken (inside the transaction that holds the header) as right for the
    header's current version, in the row and on the object."""
    (SegmentHeader.update(line_count=count, line_count_version=SegmentHeader.version)
     .where(SegmentHeader.no == header.no).execute())
    header.line_count, header.line_count_version = count, header.version
