"""The set statements that write lines: the line defaults as SQL expressions, INSERT ... SELECT of
contacts into a segment, and the criteria action rows that record each change.

The rules of docs/domain.md, section 3 (the line defaults) are written once here as SQL expressions,
so that adding a million contacts is one INSERT ... SELECT and adding one contact by hand uses the
same rules. These run inside the caller's transaction.
"""
from peewee import SQL, Case, JOIN, Value, fn

from ...db import is_sqlite
from ...planner_stats import analyze_lines_after
from ...models import Contact, InteractionTemplate, InteractionTemplateAttachment, SegmentCriteriaLine, SegmentLine

LINE_STEP = 10  # gap between line numbers; small so a million lines fit a 32-bit integer

def default_expressions(header, contact_col, template_code=None):
    """SQL expressions for the contact-dependent line rules (docs/domain.md, section 3).

    `contact_col(name)` gives the contact's column (a plain column in an INSERT ... SELECT,
    a correlated subquery in an UPDATE). The template is the line's (default: the header's).
    """
    template_code = header.interaction_template_code if template_code is None else template_code
    tpl, languages = _template_rules(header, template_code)
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
    if languages:
        contact_language = contact_col("language_code")
        language = Case(None, [(contact_language.in_(languages), contact_language)], Value(default_language))
    else:
        language = Value(default_language)
    return {"salesperson_code": salesperson, "correspondence_type": corres, "language_code": language}


def add_order_line_no(line_base):
    """Line numbers in the add order (company name, company no, type (company first), name) above `line_base`."""
    row_number = fn.ROW_NUMBER().over(order_by=[Contact.company_name, Contact.company_no, Contact.type,
                                                Contact.name, Contact.no])
    return Value(line_base) + row_number * LINE_STEP


def _template_rules(header, template_code):
    """The template and the languages it has a Word document in, read once per action: an add
    asks for them twice (its opt-out condition and its INSERT), two round trips each."""
    kept = getattr(header, "_template_rules", None)
    if kept is not None and kept[0] == template_code:
        return kept[1], kept[2]
    tpl = InteractionTemplate.get_or_none(InteractionTemplate.code == template_code) if template_code else None
    languages = []
    if tpl:
        languages = [r.language_code for r in InteractionTemplateAttachment
                     .select(InteractionTemplateAttachment.language_code)
                     .where((InteractionTemplateAttachment.template_code == tpl.code)
                            & (InteractionTemplateAttachment.language_code != ""))]
    header._template_rules = (template_code, tpl, languages)
    return tpl, languages


def line_insert_columns(header, line_no):
    """(line fields, select expressions over Contact) for INSERT INTO segment_line ... SELECT;
    `line_no` is the expression that numbers the lines."""
    defaults = default_expressions(header, lambda name: getattr(Contact, name))
    pairs = [
        (SegmentLine.segment_no, Value(header.no)),
        (SegmentLine.line_no, line_no),
        (SegmentLine.defaults_of, Value(header.line_defaults)),
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


def last_line_no(segment_no):
    """The highest live line number, None when the segment has no lines."""
    return SegmentLine.select(fn.MAX(SegmentLine.line_no)).where(SegmentLine.live(segment_no)).scalar()


def max_line_no(segment_no):
    return last_line_no(segment_no) or 0


def next_action_no(segment_no):
    """The number of the action about to be recorded, read after the caller locked the header (read
    with the locked header, PostgreSQL takes it from the snapshot before the wait for the lock, and
    two users' actions got one number)."""
    last = (SegmentCriteriaLine.select(fn.MAX(SegmentCriteriaLine.action_no))
            .where(SegmentCriteriaLine.segment_no == segment_no).scalar())
    return (last or 0) + 1


def record_action(segment_no, action_no, action, filters=(), no_of_contacts=0, reference="", **options):
    """One criteria action row (seq 0) and one row per filter, in one INSERT."""
    action_insert(segment_no, action_no, action, filters, no_of_contacts, reference, **options).execute()


def action_insert(segment_no, action_no, action, filters=(), no_of_contacts=0, reference="", **options):
    """The INSERT of record_action, not run."""
    from ..contacts import split_field

    rows = [dict(segment_no=segment_no, action_no=action_no, seq=0, kind="action", action=action,
                 no_of_contacts=no_of_contacts, reference=str(reference)[:40], **options)]
    for seq, (typed, expression) in enumerate(filters, start=1):
        source, field = split_field(typed)
        rows.append(dict(segment_no=segment_no, action_no=action_no, seq=seq, kind="filter", action=action,
                         source=source, field=field, expression=expression))
    return SegmentCriteriaLine.insert_many(rows).as_rowcount()


def insert_lines(header, condition, base=None):
    """INSERT INTO segment_line ... SELECT FROM contact WHERE condition, numbered above `base`
    (default: the highest line number); returns (count, previous max)."""
    base = max_line_no(header.no) if base is None else base
    fields, columns = line_insert_columns(header, add_order_line_no(base))
    query = Contact.select(*columns).where(condition)
    added = SegmentLine.insert_from(query, fields).as_rowcount().execute()
    analyze_lines_after(added, header.no)
    return added, base


def insert_removed(header, numbers):
    """Make again the lines a removal deleted (history.remove_lines: the JSON of their line and
    contact numbers, pairs on SQLite, two arrays on PostgreSQL), with their numbers, as an add
    makes them from `header` (the header whose defaults they followed, history.defaults_header)
    and the contact's rules. A contact deleted since does not come back. Returns how many."""
    param = SegmentLine._meta.database.param
    if is_sqlite():
        # json_extract, not ->>, which SQLite has only since 3.38.
        pairs = SQL("(SELECT json_extract(value, '$[0]') AS line_no, json_extract(value, '$[1]') AS contact_no "
                    f"FROM json_each({param}) ORDER BY 2) AS r", [numbers])
    else:
        # {"lines": [...], "contacts": [...]}: the two arrays side by side, in their order.
        pairs = SQL(f"(SELECT p.line_no, p.contact_no FROM (SELECT CAST({param} AS json) AS x) AS j, unnest("
                    "ARRAY(SELECT CAST(v AS int) FROM json_array_elements_text(j.x -> 'lines') "
                    "WITH ORDINALITY AS e(v, i) ORDER BY i), "
                    "ARRAY(SELECT v FROM json_array_elements_text(j.x -> 'contacts') WITH ORDINALITY AS e(v, i) "
                    "ORDER BY i)) AS p(line_no, contact_no) ORDER BY 2) AS r", [numbers])
    fields, columns = line_insert_columns(header, SQL("r.line_no"))
    # The pairs drive the join (CROSS JOIN keeps SQLite from scanning contact), a probe of contact by
    # key each, in key order: on a million contacts not all in memory, probes in line order read
    # pages at random (1.4 s for 62,950 lines on PostgreSQL, half of it in the probes).
    query = (Contact.select(*columns).from_(pairs).join(Contact, JOIN.CROSS)
             .where(Contact.no == SQL("r.contact_no")))
    added = SegmentLine.insert_from(query, fields).as_rowcount().execute()
    analyze_lines_after(added, header.no)
    return added

