"""The statements that write a log (segment_log), built once per shape and kept.

A log of a few thousand lines takes tens of milliseconds: building its statements through the
ORM each time cost a few of them, and on PostgreSQL every statement is a round trip. So each
statement's text is built from the models once per shape (database, delivering or not, the
header's "send as attachment", which rare corrections the scan asked for, campaigns or none)
and kept; a log passes only its values, by name.

On PostgreSQL the logged segment, its entries, its campaign entries and the deletion of the
segment are one statement: data-modifying CTEs all see the snapshot the statement started
with, so the entries and campaign entries read the lines the same statement deletes. SQLite
has no such CTEs and needs no round trips (it runs in process): there they are separate
statements in the caller's transaction.
"""
from functools import lru_cache

from ..models import (
    CampaignEntry,
    InteractionLogEntry,
    InteractionTemplate,
    LineFields,
    LoggedSegment,
    SegmentLine,
)
from .segments.headers import SEGMENT_ROWS  # what deleting a segment deletes, in that order


def _q(name):
    return f'"{name}"'


def _table(model):
    return _q(model._meta.table_name)


def _column(model, name):
    return _q(model._meta.fields[name].column_name)


class _Params:
    """Named parameters in the database's own style (`:name` for sqlite3, `%(name)s` for psycopg2)."""

    def __init__(self, sqlite):
        self.sqlite = sqlite

    def __getitem__(self, name):
        return f":{name}" if self.sqlite else f"%({name})s"


def _entry_select(p, deliver, attach_all, fix_address, fix_group, logged):
    """(entry columns, SELECT expressions over the lines `l` and, with fix_group, their template `t`)."""
    def line(name):
        return f"l.{_column(SegmentLine, name)}"

    special = {
        "description": f"COALESCE(NULLIF({line('description')}, ''), {p['description']})",
        "time_of_interaction": f"COALESCE({line('time_of_interaction')}, {p['now_time']})",
    }
    if fix_address:
        # E-mail lines whose contact has no address, as the scan listed them: logged with no
        # correspondence type (the scan probed each contact already; no second probe here).
        listed = (f"{line('line_no')} IN (SELECT value FROM json_each({p['no_address']}))" if p.sqlite
                  else f"{line('line_no')} = ANY({p['no_address']})")
        special["correspondence_type"] = f"CASE WHEN {listed} THEN '' ELSE {line('correspondence_type')} END"
    if fix_group:
        group = line("interaction_group_code")
        special["interaction_group_code"] = (
            f"CASE WHEN {group} = '' THEN COALESCE(t.{_column(InteractionTemplate, 'interaction_group_code')}, '')"
            f" ELSE {group} END")
    status = (f"CASE WHEN {line('correspondence_type')} <> '' THEN 'in_progress' ELSE '' END" if deliver else "''")
    extra = {
        "user_id": p["user_id"],
        "segment_no": line("segment_no"),
        "logged_segment_entry_no": logged,
        "canceled": "FALSE",
        "delivery_status": status,
        "delivery_error": "''",
        "message_id": "''",
        # As in Business Central: the header's "send as attachment" for every line, else the line's own.
        "send_word_docs_as_attmt": "TRUE" if attach_all else line("send_word_docs_as_attmt"),
    }
    names = entry_names(extra)
    return ([_column(InteractionLogEntry, name) for name in names],
            [extra[name] if name in extra else special.get(name, line(name)) for name in names])


def entry_names(extra):
    """The interaction log entry fields an INSERT ... SELECT of lines (or entries) writes, in
    order: every line field but those `extra` gives, then `extra`'s (the entry's own)."""
    return [n for n in LineFields._meta.sorted_field_names if n != "id" and n not in extra] + list(extra)


def _live_lines(p):
    return f"l.{_column(SegmentLine, 'segment_no')} = {p['no']} AND l.{_column(SegmentLine, 'removed_by')} IS NULL"


def _entries_insert(p, deliver, attach_all, fix_address, fix_group, logged):
    columns, expressions = _entry_select(p, deliver, attach_all, fix_address, fix_group, logged)
    source = f"{_table(SegmentLine)} AS l"
    if fix_group:
        source += (f" LEFT JOIN {_table(InteractionTemplate)} AS t ON t.{_column(InteractionTemplate, 'code')}"
                   f" = l.{_column(SegmentLine, 'interaction_template_code')}")
    return (f"INSERT INTO {_table(InteractionLogEntry)} ({', '.join(columns)}) SELECT {', '.join(expressions)}"
            f" FROM {source} WHERE {_live_lines(p)} ORDER BY l.{_column(SegmentLine, 'line_no')}")


def _campaign_insert(p, logged):
    """One campaign entry per campaign of the lines, with their cost and duration: read from the
    lines (the entries copy campaign, cost and duration unchanged), so it needs no entry written."""
    c = CampaignEntry
    columns = ", ".join(_column(c, name) for name in ("campaign_no", "logged_segment_entry_no", "segment_no",
                                                       "description", "date", "user_id", "canceled", "cost",
                                                       "duration_min"))
    campaign = f"l.{_column(SegmentLine, 'campaign_no')}"
    return (f"INSERT INTO {_table(c)} ({columns}) SELECT {campaign}, {logged}, {p['no']}, {p['description']},"
            f" {p['campaign_date']}, {p['user_id']}, FALSE, SUM(l.{_column(SegmentLine, 'cost')}),"
            f" SUM(l.{_column(SegmentLine, 'duration_min')}) FROM {_table(SegmentLine)} AS l"
            f" WHERE {_live_lines(p)} AND {campaign} <> '' GROUP BY {campaign} ORDER BY {campaign}")


@lru_cache(maxsize=32)
def sqlite_entries(deliver, attach_all, fix_address, fix_group):
    """The entries INSERT for SQLite, `:logged` naming the logged segment."""
    p = _Params(True)
    return _entries_insert(p, deliver, attach_all, fix_address, fix_group, p["logged"])


@lru_cache(maxsize=1)
def sqlite_campaigns():
    """The campaign entries INSERT for SQLite, `:logged` naming the logged segment."""
    p = _Params(True)
    return _campaign_insert(p, p["logged"])


@lru_cache(maxsize=64)
def postgresql_statement(deliver, attach_all, fix_address, fix_group, campaigns):
    """The whole log as one PostgreSQL statement; it returns (logged segment entry no, entries
    written, campaign entries written)."""
    p = _Params(False)
    logged = "(SELECT entry_no FROM logged)"
    ls = LoggedSegment
    parts = [
        f"logged AS (INSERT INTO {_table(ls)} ({_column(ls, 'segment_no')}, {_column(ls, 'description')},"
        f" {_column(ls, 'creation_date')}, {_column(ls, 'user_id')}, {_column(ls, 'canceled')})"
        f" VALUES ({p['no']}, {p['description']}, {p['today']}, {p['user_id']}, FALSE)"
        f" RETURNING {_column(ls, 'entry_no')} AS entry_no)",
        f"entries AS ({_entries_insert(p, deliver, attach_all, fix_address, fix_group, logged)} RETURNING 1)",
    ]
    if campaigns:
        parts.append(f"campaigns AS ({_campaign_insert(p, logged)} RETURNING 1)")
    for k, (model, condition) in enumerate(SEGMENT_ROWS):
        parts.append(f"gone{k} AS (DELETE FROM {_table(model)} WHERE {condition.format(no=p['no'])})")
    counted = "(SELECT COUNT(*) FROM campaigns)" if campaigns else "0"
    return f"WITH {', '.join(parts)} SELECT {logged}, (SELECT COUNT(*) FROM entries), {counted}"
