"""Logging a segment (docs/domain.md, section 4).

Logging turns an open segment into a logged segment: one interaction log entry per line,
one campaign entry per campaign, and the segment itself is deleted; optionally a follow-up
segment is created with the same contacts. All of it is one transaction, and all of it is
set-based: the number of SQL statements does not grow with the number of lines. One scan of
the lines counts what each refusal rule refuses and lists the e-mail lines whose contact has
no address; then the writes (log_statements: the entries INSERT ... SELECT, which makes the
rare corrections itself, the campaign entries when a line names a campaign, the deletes) are
one statement on PostgreSQL and a few in process on SQLite.

Delivery (merging and sending documents) is segtui.services.delivery; it is imported when a
log delivers, so a plain log does not load python-docx.
"""
import datetime as dt
import json

from peewee import JOIN, SQL, Case, fn

from .. import db as dbmod
from .. import planner_stats
from ..errors import Conflict, NoLongerOpen, NotFound, SegtuiError
from ..labels import plural
from ..models import (
    Campaign,
    Contact,
    InteractionLogEntry,
    InteractionTemplate,
    LoggedSegment,
    Salesperson,
    SegmentHeader,
    SegmentLine,
    normal_code,
)
from . import log_statements
from .progress import report
from .segments import _was_issued, delete_segment_rows
from .users import current_user
from .results import Logged

LOGGED = "lines logged"
REFUSALS_PER_RULE = 10  # lines listed per rule; the total is counted all the same
FOLLOW_UP_DESCRIPTION = "Follow-up on segment {no}"


class LogRefused(SegtuiError):
    """The segment cannot be logged; `refusals` lists the first problems, `total` counts the lines
    (or, for a problem of the whole segment, the lines it stops) of them all."""

    def __init__(self, segment_no, refusals, total, shown=10):
        self.segment_no = segment_no
        self.refusals = refusals
        self.total = total
        per_rule, on_lines = problems(refusals)
        listed = refusals[:shown]
        more = (sum(per_rule[rule] for rule in on_lines) - sum(1 for r in listed if r.get("line_no") is not None)
                + sum(1 for r in refusals[shown:] if r.get("line_no") is None))
        kinds, lines = len(per_rule), sum(per_rule.values())
        text = f"segment {segment_no} cannot be logged: {plural(kinds, 'problem')}"
        if kinds == 1 and lines > 1:
            text += f" on {plural(lines, 'line')}"
        text += "".join(f"\n  - {r['message']}" for r in listed)
        if more > 0:
            text += f"\n  ... and {more} more"
            if kinds > 1:  # with many problems the first lines may all be one rule
                text += "\n  by rule: " + ", ".join(f"{rule.replace('_', ' ')} {n}" for rule, n in per_rule.items())
        super().__init__(text)


def problems(refusals):
    """({problem: the lines it refuses}, the problems that are about lines). A problem is a kind
    of refusal: one blank header field on 178 lines is one problem on 178 lines, not 178; only
    the lines of a problem are listed in part (the first few), a problem of the whole segment
    (no SMTP server) is listed once."""
    per_rule = {}
    for r in refusals:
        rule = r.get("rule") or r.get("message", "")
        per_rule[rule] = max(per_rule.get(rule, 0), r.get("rule_total") or 1)
    on_lines = {r.get("rule") or r.get("message", "") for r in refusals if r.get("line_no") is not None}
    return per_rule, on_lines


# --- which segment ------------------------------------------------------------------------

def open_header(segment_no):
    """The open segment, or Conflict when it was logged already, or NotFound."""
    no = normal_code(segment_no)
    query = SegmentHeader.select().where(SegmentHeader.no == no)
    if not dbmod.is_sqlite():
        query = query.for_update()  # two users logging one segment on PostgreSQL take turns
    header = query.first()
    if header is not None:
        return header
    logged = (LoggedSegment.select(LoggedSegment.entry_no).where(LoggedSegment.segment_no == no)
              .order_by(LoggedSegment.entry_no.desc()).first())
    if logged is not None:
        raise Conflict(f"segment {no} was already logged as logged segment {logged.entry_no}")
    if _was_issued(no):
        # The number was handed out, so the segment existed: another user deleted it meanwhile,
        # a conflict (exit 3) like one logged meanwhile, not a mistyped number.
        raise NoLongerOpen(f"segment {no} was deleted (by another user?); it is no longer open, nothing was logged")
    raise NotFound(f"segment {no!r} does not exist")


def delivery_settings_refusal(segment_no, settings=None, probe=True):
    """LogRefused naming what the settings would make fail if the segment were delivered now
    (delivery_check: SMTP server not set or not answering, password, sender, output folder),
    in the sentences the log dialog shows; None when nothing would. Asked before logging with
    --deliver, so a mailing that cannot go out is not logged."""
    from .delivery_check import settings_problems

    problems = settings_problems(segment_no, settings=settings, probe=probe)
    if not problems:
        return None
    # What stops the whole mailing first, then the lines (as the dialog lists them).
    problems.sort(key=lambda r: r.get("line_no") is not None)
    return LogRefused(normal_code(segment_no), problems, _total(problems))


# --- refusals -----------------------------------------------------------------------------

KNOWN_CODES_MAX = 5_000  # a setup table up to this size is checked against a list of its codes


def _unknown(column, model, key, codes):
    """The line's code is set but not in `model`. Setup tables are small: their codes go into the
    statement as a list (one in-memory set per statement) instead of a probe per line."""
    if len(codes) > KNOWN_CODES_MAX:
        return (column != "") & ~fn.EXISTS(model.select(SQL("1")).where(key == column))
    return (column != "") & column.not_in(codes) if codes else (column != "")


SETUP_TABLES = ((Salesperson, Salesperson.code), (InteractionTemplate, InteractionTemplate.code),
                (Campaign, Campaign.no))


def _setup_codes():
    """Each setup table's codes (up to KNOWN_CODES_MAX + 1, enough to tell a large table): one
    query for the three on PostgreSQL (a round trip each otherwise), three in process on SQLite."""
    limit = KNOWN_CODES_MAX + 1
    if dbmod.is_sqlite():
        return [[code for (code,) in model.select(key).limit(limit).tuples()] for model, key in SETUP_TABLES]
    arrays = ", ".join(f'ARRAY(SELECT "{key.column_name}" FROM "{model._meta.table_name}" LIMIT %s)'
                       for model, key in SETUP_TABLES)
    return [list(codes) for codes in dbmod.database.execute_sql(f"SELECT {arrays}", (limit,) * 3).fetchone()]


# The line's contact as the refusal rules see it: joined once per line (_lines_with_contact).
CONTACT = Contact.alias("c")
_PROBED = Contact.alias("probed")


def _email_without_address():
    """An e-mail line whose contact (joined once, see _lines_with_contact) has no e-mail address."""
    return ((SegmentLine.correspondence_type == "email") & CONTACT.no.is_null(False)
            & (fn.COALESCE(CONTACT.email, "") == ""))


def _lines_with_contact(*columns):
    """The segment lines with their contact joined once: one probe per line serves both the unknown
    contact and the missing address rules. On PostgreSQL the probe is a LATERAL subquery behind
    OFFSET 0, which the planner keeps as a lookup of the contact by its key per line: as a plain
    join it costs random reads at 4x sequential ones and chose to hash every contact instead
    (2,899 lines of 100,000 contacts: 20-90 ms against 7 ms by key, the contacts in memory; on a
    third of the contacts both take the same)."""
    query = SegmentLine.select(*columns)
    if dbmod.is_sqlite():
        return query.join(CONTACT, JOIN.LEFT_OUTER, on=(CONTACT.no == SegmentLine.contact_no))
    probe = (_PROBED.select(_PROBED.no, _PROBED.email).where(_PROBED.no == SegmentLine.contact_no)
             .offset(0).alias("c"))
    return query.join(probe, JOIN.LEFT_LATERAL, on=SQL("TRUE"))


def _line_rules(deliver):
    """(rule, condition on the segment's lines joined with their contact, message) per line refusal."""
    line = SegmentLine
    salespersons, templates, campaigns = _setup_codes()
    rules = [
        ("no_date", line.date.is_null(), "no date"),
        ("no_contact", line.contact_no == "", "no contact"),
        ("unknown_contact", (line.contact_no != "") & CONTACT.no.is_null(), "contact {contact_no} does not exist"),
        ("no_salesperson", line.salesperson_code == "", "no salesperson"),
        ("unknown_salesperson", _unknown(line.salesperson_code, Salesperson, Salesperson.code, salespersons),
         "salesperson {salesperson_code} does not exist"),
        ("no_template", line.interaction_template_code == "", "no interaction template"),
        ("unknown_template",
         _unknown(line.interaction_template_code, InteractionTemplate, InteractionTemplate.code, templates),
         "interaction template {interaction_template_code} does not exist"),
        ("unknown_campaign", _unknown(line.campaign_no, Campaign, Campaign.no, campaigns),
         "campaign {campaign_no} does not exist"),
    ]
    if deliver:
        rules.append(("email_without_address", _email_without_address(),
                      "correspondence type e-mail, but the contact has no e-mail address"))
    return rules


def _scan(no, deliver, rules=None, listed=False):
    """One pass over the segment's lines: how many there are, how many have a contact, a campaign,
    no interaction group, how many are e-mail lines without an address, and how many lines each
    refusal rule refuses. `listed`: also the line numbers of those e-mail lines
    ("no_address_lines"), which the log then writes without a correspondence type."""
    line = SegmentLine
    sqlite = dbmod.is_sqlite()

    def count(condition):
        # COUNT(*) FILTER is half the work of SUM(CASE ...) per line and rule on PostgreSQL; on
        # SQLite the two cost the same, and SUM(CASE ...) needs no SQLite 3.30.
        if sqlite:
            return fn.COALESCE(fn.SUM(Case(None, [(condition, 1)], 0)), 0)
        return fn.COUNT(SQL("*")).filter(condition)

    columns = [fn.COUNT(SQL("*")).alias("lines"), count(line.contact_no != "").alias("with_contact"),
               count(_email_without_address()).alias("without_address"),
               count(line.interaction_group_code == "").alias("without_group"),
               count(line.campaign_no != "").alias("with_campaign")]
    if listed:
        listing = (fn.group_concat(Case(None, [(_email_without_address(), line.line_no)])) if sqlite
                   else fn.array_agg(line.line_no).filter(_email_without_address()))
        columns.append(listing.alias("no_address_lines"))
    columns += [count(condition).alias(rule) for rule, condition, _ in rules or _line_rules(deliver)]
    row = _lines_with_contact(*columns).where(line.live(no)).dicts().get()
    found = row.pop("no_address_lines", None)
    scan = {key: int(value or 0) for key, value in row.items()}
    if listed:
        if isinstance(found, str):  # SQLite's group_concat: "10000,20000"
            found = [int(n) for n in found.split(",")]
        scan["no_address_lines"] = found or []
    return scan


def line_refusal(segment_no, line_no, contact_no, text, rule="", rule_total=1):
    who = f"segment {segment_no}, line {line_no}"
    who += f", contact {contact_no}" if contact_no else " (no contact)"
    return {"segment_no": segment_no, "line_no": line_no, "contact_no": contact_no or None,
            "message": f"{who}: {text}", "rule": rule, "rule_total": rule_total}


def segment_refusal(segment_no, text, rule=""):
    return {"segment_no": segment_no, "line_no": None, "contact_no": None,
            "message": f"segment {segment_no}: {text}", "rule": rule, "rule_total": 1}


def _refusals(header, deliver, limit, scan=None, rules=None):
    no = header.no
    rules = rules or _line_rules(deliver)
    scan = scan or _scan(no, deliver, rules)
    out = []
    if not (header.description or "").strip():
        out.append(segment_refusal(no, "the description is empty", "no_description"))
    if not scan["with_contact"]:
        out.append(segment_refusal(no, "no lines with a contact", "no_lines"))
    line = SegmentLine
    for rule, condition, text in rules:
        if not scan[rule]:
            continue
        # Only rules the scan found: the first `limit` lines they refuse, to name them.
        query = (_lines_with_contact(line.line_no, line.contact_no, line.salesperson_code,
                                     line.interaction_template_code, line.campaign_no)
                 .where(line.live(no) & condition)
                 .order_by(line.line_no).limit(limit).dicts())
        for row in query:
            out.append(line_refusal(no, row["line_no"], row["contact_no"], text.format(**row), rule, scan[rule]))
    if deliver:
        from . import delivery

        out.extend(delivery.delivery_refusals(no))
    return out


def _total(refusals):
    seen = {}
    for r in refusals:
        rule = r.get("rule") or r["message"]
        seen[rule] = max(seen.get(rule, 0), r.get("rule_total") or 1)
    return sum(seen.values())


def log_refusals(segment_no, deliver=False, limit=REFUSALS_PER_RULE):
    """Why the segment cannot be logged: a list of {segment_no, line_no, contact_no, message}.

    At most `limit` lines per rule are listed; each refusal's `rule_total` counts all lines
    the rule refuses. An empty list means the segment can be logged.
    """
    header = open_header(segment_no)
    return _refusals(header, deliver, limit)


def log_preview(segment_no, deliver=False, limit=REFUSALS_PER_RULE):
    """What logging would do, for a confirmation: {"segment_no", "lines", "refusals", "total_refusals",
    "without_correspondence_type"} (the last: e-mail lines whose contact has no address, which are
    logged with no correspondence type when not delivering)."""
    header = open_header(segment_no)
    rules = _line_rules(deliver)
    scan = _scan(header.no, deliver, rules)
    refusals = _refusals(header, deliver, limit, scan, rules)
    return {"segment_no": header.no, "lines": scan["lines"], "refusals": refusals,
            "total_refusals": _total(refusals),
            "without_correspondence_type": 0 if deliver else scan["without_address"]}


# --- logging ------------------------------------------------------------------------------

def entry_insert_columns(source, special, extra):
    """(interaction log entry fields, SELECT expressions) for an INSERT ... SELECT over `source`
    (segment lines when logging, entries when resending): every line field is taken over unless
    `special` gives its expression, then the entry's own fields from `extra`."""
    names = log_statements.entry_names(extra)
    return ([InteractionLogEntry._meta.fields[name] for name in names],
            [extra[name] if name in extra else special.get(name, getattr(source, name)) for name in names])


def _log_values(header, scan, user_id, now, today):
    """The values of this log, by the names log_statements' statements use."""
    values = {"no": header.no, "description": header.description, "user_id": user_id or "",
              "now_time": now.time().replace(microsecond=0), "today": today, "campaign_date": header.date or today}
    if scan.get("no_address_lines"):
        values["no_address"] = scan["no_address_lines"]
    return values


def _write_sqlite(header, scan, deliver, values):
    """The log's writes on SQLite, one statement each: (logged segment, entries, campaign entries)."""
    entries_sql = log_statements.sqlite_entries(deliver, bool(header.send_word_docs_as_attmt), "no_address" in values,
                                                bool(scan["without_group"]))
    logged = LoggedSegment.create(segment_no=header.no, description=header.description, creation_date=values["today"],
                                  user_id=values["user_id"], canceled=False)
    if "no_address" in values:
        values = dict(values, no_address=json.dumps(values["no_address"]))  # read with json_each
    values["logged"] = logged.entry_no
    interactions = dbmod.database.execute_sql(entries_sql, values).rowcount
    campaign_entries = _insert_campaign_entries(values) if scan["with_campaign"] else 0
    delete_segment_rows(header.no)
    return logged.entry_no, interactions, campaign_entries


def _insert_campaign_entries(values):
    """One campaign entry per campaign the logged segment's lines name, with their cost and duration."""
    return dbmod.database.execute_sql(log_statements.sqlite_campaigns(), values).rowcount


def _write_postgresql(header, scan, deliver, values):
    """The same writes as one PostgreSQL statement (one round trip instead of eight to ten)."""
    sql = log_statements.postgresql_statement(deliver, bool(header.send_word_docs_as_attmt), "no_address" in values,
                                              bool(scan["without_group"]), bool(scan["with_campaign"]))
    entry_no, interactions, campaign_entries = dbmod.database.execute_sql(sql, values).fetchone()
    return entry_no, int(interactions), int(campaign_entries)


def create_follow_up(logged_entry_no, segment_no, campaign_no="", number=None):
    """A new segment "Follow-up on segment SM00001", same campaign, with the logged segment's contacts.

    Uses the segments and criteria services, so the follow-up records a
    'reuse logged segment' criteria action like one made by hand. `number`: a segment number
    taken beforehand (segments.take_segment_no), so the number series is not held meanwhile.
    """
    from . import criteria, segments

    header = segments.new_segment(FOLLOW_UP_DESCRIPTION.format(no=segment_no), campaign_no=campaign_no or None,
                                  number=number)
    new_no = header["no"] if isinstance(header, dict) else header.no
    criteria.reuse_logged(new_no, logged_entry_no, confirm=True)
    return new_no


def log_segment(segment_no, deliver=False, follow_up=False, out_dir=None, user_id=None, one_mail_per_address=True,
                progress=None) -> Logged:
    """Log the segment in one transaction; deliver its documents afterwards when asked.

    Returns {logged_segment_entry_no, interactions, follow_up_segment_no, delivered, errors,
    without_correspondence_type, campaign_entries}; `user_id` defaults to the login name.
    Raises Conflict when the segment was logged already, NotFound when it never existed,
    LogRefused (a SegtuiError) listing the refusals otherwise; when refused, nothing is written.
    `progress` (services.progress) hears the lines to log, then the delivery; a cancel before the
    commit writes nothing, one during the delivery leaves the rest pending.
    """
    user_id = current_user() if user_id is None else user_id
    now = dt.datetime.now()
    today = now.date()
    number = None
    if follow_up:
        from .segments import give_back_segment_no, take_segment_no

        number = take_segment_no()  # before the long transaction, which then holds no series row
        try:
            result = _log(segment_no, deliver, True, user_id, now, today, number, progress)
        except BaseException:
            give_back_segment_no(number)
            raise
    else:
        result = _log(segment_no, deliver, False, user_id, now, today, None, progress)
    if deliver:
        from . import delivery

        # After the commit: the entries are logged whatever happens to the mail; entries still
        # 'in_progress' are resumed by a later delivery run.
        options = {} if one_mail_per_address else {"one_per_address": False}  # (the default is on)
        if progress is not None:
            options["progress"] = progress
        sent = delivery.deliver_logged(result["logged_segment_entry_no"], out_dir=out_dir, **options) or {}
        result["delivered"] = sent.get("delivered", 0)
        result["errors"] = sent.get("errors", 0)
        for key in ("combined", "files", "same_address", "failure", "pdf", "pdf_note",
                    "cancelled"):  # as far as the module says
            if key in sent:
                result[key] = sent[key]
    return result


def _log(segment_no, deliver, follow_up, user_id, now, today, number, progress=None):
    """The logging transaction itself; returns the result without delivery figures."""
    with dbmod.transaction():
        header = open_header(segment_no)
        no = header.no
        planner_stats.probe_each_line_once()  # the scan's lookup of each line's contact
        rules = _line_rules(deliver)  # the setup codes are read once per log
        scan = _scan(no, deliver, rules, listed=not deliver)
        refusals = _refusals(header, deliver, REFUSALS_PER_RULE, scan, rules)
        if refusals:
            raise LogRefused(no, refusals, _total(refusals))
        # Without delivery, e-mail lines whose contact has no address lose their correspondence type.
        without = 0 if deliver else scan["without_address"]
        report(progress, 0, scan["with_contact"], LOGGED)  # the count the scan read anyway
        values = _log_values(header, scan, user_id, now, today)
        write = _write_sqlite if dbmod.is_sqlite() else _write_postgresql
        logged_entry_no, interactions, campaign_entries = write(header, scan, deliver, values)
        follow_up_no = None
        if follow_up:
            follow_up_no = create_follow_up(logged_entry_no, no, header.campaign_no, number=number)
        # Still inside the transaction: a cancel heard here writes nothing.
        report(progress, interactions, interactions, LOGGED)
    return {
        "logged_segment_entry_no": logged_entry_no,
        "segment_no": no,
        "interactions": interactions,
        "campaign_entries": campaign_entries,
        "follow_up_segment_no": follow_up_no,
        "delivered": 0,
        "errors": 0,
        "without_correspondence_type": without,
    }
