"""Criteria: add, reduce and refine a segment by filters, undo, saved criteria, reuse.

Each action is a handful of SQL statements whatever the number of contacts:
the contacts are chosen by one condition, the lines written by one INSERT ... SELECT, the
history by one more, deletions by DELETE ... WHERE. No Python loop over contacts or lines.
"""
from peewee import JOIN, OP, SQL, Expression, SelectQuery, Value, fn

from ..db import is_sqlite, transaction
from ..errors import NotFound, SegtuiError
from ..labels import plural
from ..models import (
    Contact,
    ContactMailingGroup,
    InteractionLogEntry,
    LoggedSegment,
    MailingGroup,
    SavedSegmentCriteria,
    SavedSegmentCriteriaLine,
    SegmentCriteriaLine,
    SegmentLine,
)
from . import history, opt_outs, segments
from .contacts import contact_condition, contact_dict
from .progress import report
from .users import current_user
from .segments import count_lines, get_header
from .results import CriteriaResult, LinesChanged, MailingGroupApplied

SAMPLE_SIZE = 10
ADDED, REMOVED, REPLAYED = "contacts added", "lines removed", "criteria actions replayed"
ADD_ORDER = (Contact.company_name, Contact.company_no, Contact.type, Contact.name, Contact.no)
OPTION_NAMES = ("allow_existing_contacts", "expand_contact", "allow_company_with_persons", "ignore_exclusion",
                "entire_companies")


def company_key(no_column, company_column):
    """A contact's company: its company no, or itself when it has none (a company or a lone person)."""
    return fn.COALESCE(fn.NULLIF(company_column, ""), no_column)


# --- add ---------------------------------------------------------------------------------------

def add_condition(segment_no, base, expand_contact=False, allow_company_with_persons=False,
                  ignore_exclusion=False, allow_existing=False, opted_out=None):
    """The contacts an add takes, as one condition, with the options in the order of docs/domain.md, section 2.
    `opted_out` (services.opt_outs) leaves out contacts whose line would use a channel they
    opted out of; "ignore exclusion" does not override it."""
    chosen = base
    key = company_key(Contact.no, Contact.company_no)
    # The options widen the set by IN over sets of contact numbers (semi joins), never by an IN
    # inside an OR, which PostgreSQL can only run as a SubPlan.
    if expand_contact:
        # 1. Every contact that shares a company with a matching contact (the matches included).
        chosen = key.in_(Contact.select(key).where(base))
    if allow_company_with_persons:
        # 2. The company of each person taken so far.
        taken = Contact.select(Contact.no).where(chosen)
        persons = Contact.select(Contact.company_no).where(chosen & (Contact.type == "person")
                                                            & (Contact.company_no != ""))
        companies = Contact.select(Contact.no).where((Contact.type == "company") & Contact.no.in_(persons))
        chosen = Contact.no.in_(taken | companies)
    condition = chosen
    if not ignore_exclusion:
        # 3. Contacts that asked to be left out of segments.
        condition = condition & (Contact.exclude_from_segment == False)  # noqa: E712
    if opted_out is not None:
        condition = condition & ~opted_out
    if not allow_existing:
        # 4. Contacts already on the segment: NOT EXISTS, which both planners run as an anti join
        # (PostgreSQL turns NOT IN over a large set into a per-row SubPlan).
        on_segment = SegmentLine.select(SQL("1")).where(SegmentLine.live(segment_no)
                                                         & (SegmentLine.contact_no == Contact.no))
        condition = condition & ~fn.EXISTS(on_segment)
    return condition


def _sample(query):
    return [contact_dict(c) for c in query.order_by(*ADD_ORDER).limit(SAMPLE_SIZE)]


def add_opted_out(header):
    """Condition on Contact: it would get a line on a channel it opted out of."""
    corres = segments.default_expressions(header, lambda name: getattr(Contact, name))["correspondence_type"]
    return opt_outs.opted_out(corres)


def _add(header, base, action, filters=(), reference="", dry_run=False, progress=None,
         **options) -> CriteriaResult:
    """Add the contacts `base` selects (with options); record the action and its history.
    With a `progress` listener the contacts are counted first (the add itself stays one
    INSERT ... SELECT); without one nothing more is read."""
    opted_out = add_opted_out(header)
    # A segment without lines has no contact to leave out as already on it: its first add (the
    # usual one) needs neither that probe per contact nor a count of the lines for the answer.
    last_line = segments.last_line_no(header.no)
    allow_existing = options.get("allow_existing_contacts", False) or last_line is None
    condition = add_condition(header.no, base, options.get("expand_contact", False),
                              options.get("allow_company_with_persons", False),
                              options.get("ignore_exclusion", False), allow_existing, opted_out)
    if dry_run:
        count = Contact.select(fn.COUNT(SQL("*"))).where(condition).scalar()
        chosen = add_condition(header.no, base, options.get("expand_contact", False),
                               options.get("allow_company_with_persons", False), True, True)
        left_out = opt_outs.left_out(header, chosen, opted_out, options.get("ignore_exclusion", False),
                                     options.get("allow_existing_contacts", False))
        return {"would_add": count, "sample": _sample(Contact.select().where(condition)),
                "no_of_lines": count_lines(header.no), "left_out": left_out}
    if progress is not None:
        report(progress, 0, Contact.select(fn.COUNT(SQL("*"))).where(condition).scalar(), ADDED)
    action_no = segments.next_action_no(header.no)
    added, base_line = segments.insert_lines(header, condition, last_line or 0)
    if added:
        segments.record_added(header.no, action_no, base_line)
    # Added to a segment without lines, the count is what was added.
    segments.action_done(header, action_no, action, filters, no_of_contacts=added, reference=reference,
                         added=added, count=added if last_line is None else None,
                         **{k: bool(options.get(k, False)) for k in OPTION_NAMES})
    report(progress, added, added, ADDED)  # inside the transaction: a cancel here writes nothing
    return {"added": added, "no_of_lines": segments.lines_now(header)}


def add_contacts(no, filters, allow_existing=False, expand_contact=False, allow_company_with_persons=False,
                 ignore_exclusion=False, dry_run=False, progress=None) -> CriteriaResult:
    """Add the contacts the filters select. No filters = all contacts."""
    filters = list(filters or [])
    with transaction():
        header = get_header(no, lock=True)
        base = contact_condition(filters)
        return _add(header, base, "add", filters, dry_run=dry_run, progress=progress,
                    allow_existing_contacts=allow_existing,
                    expand_contact=expand_contact, allow_company_with_persons=allow_company_with_persons,
                    ignore_exclusion=ignore_exclusion)


# --- reduce and refine --------------------------------------------------------------------------

def line_match(condition, entire_companies=False, keep=False):
    """Lines whose contact matches; with entire_companies, lines of a company any of whose contacts match.

    keep=True gives the lines that do NOT match (what a refine removes), as NOT EXISTS: PostgreSQL
    plans `NOT (x IN (SELECT ...))` as a SubPlan per line once the set outgrows work_mem (issue 16).
    """
    line_key = company_key(SegmentLine.contact_no, SegmentLine.contact_company_no)
    if keep:
        if entire_companies and is_sqlite():
            # SQLite cannot probe an index by the company expression inside a correlated EXISTS;
            # its NOT IN builds the set once, which is what we want there.
            return ~line_key.in_(company_keys(condition))
        if entire_companies:
            return ~fn.EXISTS(Contact.select(SQL("1")).where(
                (company_key(Contact.no, Contact.company_no) == line_key) & condition))
        return ~fn.EXISTS(Contact.select(SQL("1")).where((Contact.no == SegmentLine.contact_no) & condition))
    if entire_companies:
        return line_key.in_(company_keys(condition))
    numbers = contact_numbers(condition)
    if numbers is not None:
        return SegmentLine.contact_no.in_(numbers)
    return SegmentLine.contact_no.in_(Contact.select(Contact.no).where(condition))


def company_keys(condition):
    """The company keys of the contacts that match. A condition on a related source only (a set of
    contact numbers) is joined to contact: SQLite otherwise builds that set as a list of its own
    before the list of keys (5.5 ms of 46 for the 46,000 contacts of a mailing group)."""
    key = company_key(Contact.no, Contact.company_no)
    numbers = contact_numbers(condition)
    if numbers is None or len(numbers._returning) != 1:
        return Contact.select(key).where(condition)
    chosen = numbers.clone()
    chosen._returning = [numbers._returning[0].alias("chosen_no")]
    chosen = chosen.alias("chosen")
    return Contact.select(key).join(chosen, on=(Contact.no == chosen.c.chosen_no))


def contact_numbers(condition):
    """The set of contact numbers when the condition is only `Contact.no IN (set)` (a filter on a
    related source such as a mailing group): lines are matched against that set directly instead
    of through a probe of contact per number (a quarter of a reduce by mailing group). None otherwise."""
    if (isinstance(condition, Expression) and condition.op == OP.AND and isinstance(condition.lhs, SQL)
            and condition.lhs.sql == "1 = 1"):
        condition = condition.rhs
    if (isinstance(condition, Expression) and condition.op == OP.IN and condition.lhs is Contact.no
            and isinstance(condition.rhs, SelectQuery)):
        return condition.rhs
    return None


def _remove(header, line_condition, action, filters=(), reference="", dry_run=False, entire_companies=False,
            progress=None) -> CriteriaResult:
    in_segment = SegmentLine.live(header.no)
    if dry_run:
        count = SegmentLine.select(fn.COUNT(SQL("*"))).where(in_segment & line_condition).scalar()
        contacts = Contact.select().where(Contact.no.in_(
            SegmentLine.select(SegmentLine.contact_no).where(in_segment & line_condition)))
        return {"would_remove": count, "sample": _sample(contacts), "no_of_lines": count_lines(header.no)}
    if progress is not None:
        report(progress, 0, SegmentLine.select(fn.COUNT(SQL("*"))).where(in_segment & line_condition).scalar(),
               REMOVED)
    action_no = segments.next_action_no(header.no)
    removed = segments.remove_lines(header, action_no, line_condition)
    segments.action_done(header, action_no, action, filters, no_of_contacts=removed, reference=reference,
                         added=-removed, entire_companies=entire_companies)
    report(progress, removed, removed, REMOVED)
    return {"removed": removed, "no_of_lines": segments.lines_now(header)}


def _need_filters(filters, what):
    if not filters:
        raise SegtuiError(f"{what} needs at least one filter (e.g. --filter city=BERLIN)")


def reduce_contacts(no, filters, entire_companies=False, dry_run=False, progress=None) -> CriteriaResult:
    """Remove the lines whose contact matches the filters."""
    filters = list(filters or [])
    _need_filters(filters, "reduce")
    with transaction():
        header = get_header(no, lock=True)
        match = line_match(contact_condition(filters), entire_companies)
        return _remove(header, match, "reduce", filters, dry_run=dry_run, entire_companies=entire_companies,
                       progress=progress)


def refine_contacts(no, filters, entire_companies=False, dry_run=False, progress=None) -> CriteriaResult:
    """Keep only the lines whose contact matches the filters."""
    filters = list(filters or [])
    _need_filters(filters, "refine")
    with transaction():
        header = get_header(no, lock=True)
        keep = line_match(contact_condition(filters), entire_companies, keep=True)
        return _remove(header, keep, "refine", filters, dry_run=dry_run, entire_companies=entire_companies,
                       progress=progress)


# --- go back ------------------------------------------------------------------------------------

def go_back(no, steps=1) -> LinesChanged:
    """Undo the last `steps` criteria actions, newest first: inserted lines go, deleted ones return."""
    steps = int(steps)
    if steps < 1:
        raise SegtuiError("--steps must be at least 1")
    with transaction():
        header = get_header(no, lock=True)
        action_nos = [r.action_no for r in SegmentCriteriaLine
                      .select(SegmentCriteriaLine.action_no)
                      .where((SegmentCriteriaLine.segment_no == header.no) & (SegmentCriteriaLine.kind == "action"))
                      .order_by(SegmentCriteriaLine.action_no.desc()).limit(steps)]
        if not action_nos:
            raise SegtuiError(f"segment {header.no} has no criteria actions to undo")
        change = 0  # lines made again less lines taken away
        for action_no in action_nos:  # a loop over actions (a few), never over lines
            removed, undone = history.undo_action(header.no, action_no)
            change += undone
            for defaults, numbers in removed:
                change += segments.insert_removed(history.defaults_header(header, defaults), numbers)
        segments.touch_header(header, change)
        return {"undone": len(action_nos), "no_of_lines": segments.lines_now(header)}



# --- saved criteria -----------------------------------------------------------------------------

def _code(code):
    code = (code or "").strip().upper()
    if not code:
        raise SegtuiError("a criteria code is required")
    if len(code) > 20:
        raise SegtuiError(f"criteria code {code!r} is longer than 20 characters")
    return code


def _saved(code):
    code = _code(code)
    saved = SavedSegmentCriteria.get_or_none(SavedSegmentCriteria.code == code)
    if saved is None:
        raise NotFound(f"saved criteria {code!r} do not exist")
    return saved


def save_criteria(no, code, description=""):
    """Store the segment's criteria actions under a new code (refused when it has none)."""
    code = _code(code)
    with transaction():
        header = get_header(no, lock=True)
        if SavedSegmentCriteria.select().where(SavedSegmentCriteria.code == code).exists():
            raise SegtuiError(f"saved criteria {code} exist already: choose another code or delete them first")
        if not SegmentCriteriaLine.select().where(SegmentCriteriaLine.segment_no == header.no).exists():
            raise SegtuiError(f"segment {header.no} has no criteria actions to save")
        SavedSegmentCriteria.create(code=code, description=(description or header.description or "")[:100],
                                    user_id=current_user()[:50])
        names = ["action_no", "seq", "kind", "action", *OPTION_NAMES, "source", "field", "expression", "reference"]
        query = (SegmentCriteriaLine.select(Value(code), *[getattr(SegmentCriteriaLine, n) for n in names])
                 .where(SegmentCriteriaLine.segment_no == header.no))
        SavedSegmentCriteriaLine.insert_from(
            query, [SavedSegmentCriteriaLine.criteria_code] + [getattr(SavedSegmentCriteriaLine, n) for n in names]
        ).execute()
    return show_criteria(code)


def typed_field(source, field):
    """The name a user types for a stored (source, field): 'city', 'mailing_group', 'interaction.date'."""
    if source in ("", "contact"):
        return field
    if source != "interaction" and field == "code":
        return source
    return f"{source}.{field}"


def filters_of(action):
    return [(typed_field(f["source"], f["field"]), f["expression"]) for f in action["filters"]]


def show_criteria(code):
    saved = _saved(code)
    rows = (SavedSegmentCriteriaLine.select().where(SavedSegmentCriteriaLine.criteria_code == saved.code)
            .order_by(SavedSegmentCriteriaLine.action_no, SavedSegmentCriteriaLine.seq))
    actions = segments.actions_from_rows(rows)
    for action in actions:
        action.pop("no_of_contacts", None)
    return {"code": saved.code, "description": saved.description, "user_id": saved.user_id,
            "created_at": saved.created_at.isoformat() if saved.created_at else None,
            "no_of_actions": len(actions), "actions": actions}


def list_criteria():
    counts = (SavedSegmentCriteriaLine
              .select(SavedSegmentCriteriaLine.criteria_code, fn.COUNT(SavedSegmentCriteriaLine.id).alias("n"))
              .where(SavedSegmentCriteriaLine.kind == "action")
              .group_by(SavedSegmentCriteriaLine.criteria_code).alias("counts"))

    query = (SavedSegmentCriteria.select(SavedSegmentCriteria, counts.c.n)
             .join(counts, JOIN.LEFT_OUTER, on=(counts.c.criteria_code == SavedSegmentCriteria.code))
             .order_by(SavedSegmentCriteria.code))
    return [{"code": s.code, "description": s.description, "user_id": s.user_id,
             "created_at": s.created_at.isoformat() if s.created_at else None, "no_of_actions": s.n or 0}
            for s in query.objects()]


def delete_criteria(code):
    with transaction():
        saved = _saved(code)
        SavedSegmentCriteriaLine.delete().where(SavedSegmentCriteriaLine.criteria_code == saved.code).execute()
        saved.delete_instance()
    return {"deleted": saved.code}


def _check_confirm(header, confirm):
    count = (SegmentCriteriaLine.select().where((SegmentCriteriaLine.segment_no == header.no)
                                                & (SegmentCriteriaLine.kind == "action")).count())
    if count and not confirm:
        raise SegtuiError(f"segment {header.no} already has {plural(count, 'criteria action')}: "
                          "confirm with --yes to add to them")


def reuse_criteria(no, code, confirm=False, progress=None) -> LinesChanged:
    """Replay saved criteria, in order, on today's data; each replayed action can be undone."""
    with transaction():
        header = get_header(no, lock=True)
        saved = show_criteria(code)
        _check_confirm(header, confirm)
        added = removed = 0
        report(progress, 0, len(saved["actions"]), REPLAYED)
        for done, action in enumerate(saved["actions"], start=1):
            kind, filters = action["action"], filters_of(action)
            if kind == "add":
                result = _add(header, contact_condition(filters), "add", filters,
                              **{k: action[k] for k in OPTION_NAMES if k != "entire_companies"})
            elif kind in ("reduce", "refine"):
                match = line_match(contact_condition(filters), action["entire_companies"], keep=kind == "refine")
                result = _remove(header, match, kind, filters,
                                 entire_companies=action["entire_companies"])
            elif kind == "add_contact":
                result = _add(header, Contact.no == action["reference"], "add_contact",
                              reference=action["reference"], ignore_exclusion=True)
            elif kind == "remove_line":
                result = _remove(header, SegmentLine.contact_no == action["reference"], "remove_line",
                                 reference=action["reference"])
            elif kind == "reuse_logged":
                result = _reuse_logged(header, action["reference"], ignore_exclusion=action["ignore_exclusion"])
            else:  # set_contact: a by-hand swap on a line that is not there today
                result = CriteriaResult(no_of_lines=0)
            added += result.get("added", 0)
            removed += result.get("removed", 0)
            report(progress, done, len(saved["actions"]), REPLAYED)
        return {"added": added, "removed": removed, "no_of_lines": segments.lines_now(header)}


def _logged_entry(logged_entry_no):
    try:
        entry_no = int(str(logged_entry_no).strip())
    except ValueError:
        raise SegtuiError(f"logged segment entry no {logged_entry_no!r} is not a number") from None
    if not LoggedSegment.select().where(LoggedSegment.entry_no == entry_no).exists():
        raise NotFound(f"logged segment {entry_no} does not exist")
    return entry_no


def _reuse_logged(header, logged_entry_no, ignore_exclusion=False, progress=None) -> CriteriaResult:
    entry_no = _logged_entry(logged_entry_no)
    contacts = (InteractionLogEntry.select(InteractionLogEntry.contact_no)
                .where(InteractionLogEntry.logged_segment_entry_no == entry_no))
    if is_sqlite():
        chosen = Contact.no.in_(contacts)
    else:
        # PostgreSQL hashed every contact for an IN over the logged segment's entries (a seq scan
        # of contact: 36 ms for 2,899 of 100,000); the entries' contacts read once into an array
        # make it look each one up by key (10 ms). The follow-up of a log comes this way too.
        chosen = Contact.no == fn.ANY(fn.ARRAY(contacts))
    return _add(header, chosen, "reuse_logged", reference=str(entry_no),
                ignore_exclusion=ignore_exclusion, progress=progress)


def reuse_logged(no, logged_entry_no, confirm=False, ignore_exclusion=False, progress=None) -> LinesChanged:
    """Add the contacts of a logged segment (exclusions respected unless told otherwise)."""
    with transaction():
        header = get_header(no, lock=True)
        _check_confirm(header, confirm)
        result = _reuse_logged(header, logged_entry_no, ignore_exclusion=ignore_exclusion, progress=progress)
        return {"added": result["added"], "no_of_lines": result["no_of_lines"]}


# --- mailing group ------------------------------------------------------------------------------

def apply_mailing_group(no, code, delete_old=False) -> MailingGroupApplied:
    """Give every contact on the segment a mailing group (optionally first taking it from everyone)."""
    code = (code or "").strip().upper()
    with transaction():
        header = get_header(no, lock=True)
        if not MailingGroup.select().where(MailingGroup.code == code).exists():
            raise NotFound(f"mailing group {code!r} does not exist")
        removed = 0
        if delete_old:
            removed = ContactMailingGroup.delete().where(ContactMailingGroup.mailing_group_code == code).execute()
        has_group = (ContactMailingGroup.select(ContactMailingGroup.contact_no)
                     .where(ContactMailingGroup.mailing_group_code == code))
        on_segment = (SegmentLine.select(SegmentLine.contact_no, Value(code))
                      .where(SegmentLine.live(header.no) & (SegmentLine.contact_no != "")
                             & SegmentLine.contact_no.not_in(has_group))
                      .distinct())
        new = ContactMailingGroup.insert_from(
            on_segment, [ContactMailingGroup.contact_no, ContactMailingGroup.mailing_group_code]
        ).as_rowcount().execute()
        applied = (SegmentLine.select(fn.COUNT(SegmentLine.contact_no.distinct()))
                   .where(SegmentLine.live(header.no) & (SegmentLine.contact_no != "")).scalar())
    return {"applied": applied, "new": new, "removed_old": removed}
