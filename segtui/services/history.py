"""Undo history of a segment's criteria actions (docs/domain.md, "Go back").

An add does not copy its lines: it records one row, event "added", with the segment's highest
line number before it; undone newest first, the live lines above that number are exactly the ones
it added. A removal (schema 9) deletes its lines and records, per set of header defaults the lines
followed (`defaults_of`), one row, event "removed", with the numbers of the lines and of their
contacts (JSON, see removed_pairs); go back makes those lines again, with their numbers, as an
add makes them from those defaults (criteria.go_back). The header's values behind each older set
of defaults are kept when they change (event "defaults", action 0). Only a line with values of
its own (edited by hand, given a letter) is copied whole, event "kept", and comes back as it was.
A contact swap parks the old line (`removed_by`) and marks the new one "inserted".
"""
import json

from peewee import SQL, Value, fn

from ..db import is_sqlite
from ..models import LINE_COLUMNS, SegmentCriteriaLine, SegmentHeader, SegmentHistory, SegmentLine

ADDED = "added"
REMOVED, DEFAULTS, KEPT, INSERTED = "removed", "defaults", "kept", "inserted"


def history_columns():
    """Line fields a history row keeps (its key and every column)."""
    return ["segment_no", "line_no", *LINE_COLUMNS]


def record_added(segment_no, action_no, base_line):
    """One history row: this action added the lines numbered above `base_line`."""
    SegmentHistory.insert(segment_no=segment_no, action_no=action_no, event=ADDED, line_no=base_line).execute()


def record_history(segment_no, action_no, event, line_condition):
    """Copy live lines into the history under `event` (a contact swap's 'inserted' line: one row)."""
    names = history_columns()
    query = (SegmentLine.select(*[getattr(SegmentLine, n) for n in names], Value(action_no), Value(event))
             .where(SegmentLine.live(segment_no) & line_condition))
    fields = [getattr(SegmentHistory, n) for n in names] + [SegmentHistory.action_no, SegmentHistory.event]
    return SegmentHistory.insert_from(query, fields).as_rowcount().execute()


def remove_lines(header, action_no, line_condition):
    """Delete the segment's live lines that match, keeping what go back needs; returns how many.

    A line that follows a set of the header's defaults (`defaults_of`, the header's
    `line_defaults` when it was made) needs no copy: its number and contact are kept, as one
    "removed" row per set of defaults, from which go back makes the line again. A line with
    values of its own (`defaults_of` 0) is copied whole ("kept"). So a removal is one DELETE: an
    UPDATE that parks the lines costs 1.5x (SQLite) to 2.6x (PostgreSQL: a new version of each
    row and its index entries) a plain delete. On PostgreSQL one statement does it all
    (_delete_lines_postgresql); on SQLite, when the DELETE took a line with values of its own, it
    is taken back (to a savepoint), those lines are copied first, and the DELETE runs again.
    """
    segment_no = header.no
    matching = SegmentLine.live(segment_no) & line_condition
    if not is_sqlite():
        return _delete_lines_postgresql(matching, segment_no, action_no)
    with SegmentLine._meta.database.atomic() as savepoint:
        removed, own = _delete_lines_sqlite(matching, segment_no, action_no, own_kept=False)
        if own:
            savepoint.rollback()
    if own:
        record_history(segment_no, action_no, KEPT, line_condition & (SegmentLine.defaults_of == 0))
        removed, _ = _delete_lines_sqlite(matching, segment_no, action_no, own_kept=True)  # the segment is locked
    return removed


def _removed_row(segment_no, action_no):
    """(columns, SELECT expressions with NUMBERS for the JSON, their parameters) of a "removed"
    history row: segment, action, event, the set of defaults and the JSON, then the other
    columns at their defaults."""
    names, values = _removed_row_defaults()
    columns = ", ".join(["segment_no", "action_no", "event", "line_no", "numbers", *names])
    p = SegmentLine._meta.database.param
    row = f"{p}, {p}, {p}, defaults_of, NUMBERS" + "".join(f", {p}" for _ in values)
    return columns, row, [segment_no, action_no, REMOVED, *values]


def _delete_lines_postgresql(condition, segment_no, action_no):
    """One statement: the lines are read once and grouped by the set of defaults they follow, each
    group keeping its lines' row addresses (ctid), how many there are, and the JSON
    {"lines": [...], "contacts": [...]}; the lines are deleted by address, each group but 0 is
    recorded as a "removed" row, and each line with values of its own (group 0) is copied whole
    ("kept") by address before the delete (every part of one statement sees the same rows). The
    addresses hold because every change of a segment's lines holds its header first
    (segments.get_header(lock=True)), as this removal does.

    A DELETE ... RETURNING into the record measured 1.6-1.8x a plain DELETE of 16,000 lines (it
    fetches each deleted row again); the lines selected once into a CTE, then deleted and
    aggregated from it, 1.24x; grouped straight from the scan, with no CTE of the lines, 1.16x
    (bench/bench_removal.py). Returns how many lines it deleted."""
    sql, params = (SegmentLine.select(SQL("ctid AS address"), SegmentLine.line_no, SegmentLine.contact_no,
                                      SegmentLine.defaults_of).where(condition).sql())
    columns, row, given = _removed_row(segment_no, action_no)
    table = SegmentLine._meta.table_name
    names = history_columns()
    kept = ", ".join(f'"{getattr(SegmentLine, n).column_name}"' for n in names)
    (removed,) = SegmentLine._meta.database.execute_sql(
        "WITH g AS MATERIALIZED (SELECT defaults_of, array_agg(address) AS addresses, count(*) AS lines, "
        "json_build_object('lines', array_agg(line_no), 'contacts', array_agg(contact_no))::text AS numbers "
        f"FROM ({sql}) AS s GROUP BY defaults_of), "
        f'd AS (DELETE FROM "{table}" WHERE ctid = ANY(ARRAY(SELECT unnest(addresses) FROM g))), '
        f"h AS (INSERT INTO segment_history ({columns}) SELECT {row.replace('NUMBERS', 'numbers')} "
        "FROM g WHERE defaults_of <> 0), "
        f"k AS (INSERT INTO segment_history ({', '.join(names)}, action_no, event) SELECT {kept}, %s, %s "
        f'FROM "{table}" WHERE ctid = ANY(ARRAY(SELECT unnest(addresses) FROM g WHERE defaults_of = 0))) '
        "SELECT COALESCE(sum(lines), 0) FROM g",
        [*params, *given, action_no, KEPT]).fetchone()
    return int(removed)


def removed_pairs(numbers):
    """[[line, contact], ...] of a "removed" row's JSON, in either form: SQLite writes the pairs,
    PostgreSQL {"lines": [...], "contacts": [...]} (each the cheaper to write there)."""
    value = json.loads(numbers)
    if isinstance(value, dict):
        return [list(pair) for pair in zip(value["lines"], value["contacts"])]
    return value


def _delete_lines_sqlite(condition, segment_no, action_no, own_kept):
    """DELETE the lines and record, for each set of defaults but 0, one "removed" row with the
    JSON [[line, contact], ...] of its lines; returns (how many, whether one has values of its
    own). While such a line is among them and not yet copied (`own_kept` False), nothing is
    recorded: the caller takes the DELETE back.

    A trigger of this connection only, made for this one DELETE, copies each deleted
    line's keys into a temporary table, which one INSERT ... SELECT then turns into the JSON rows.
    RETURNING hands its rows through a temporary b-tree and then to Python one by one: 1.4-1.6x a
    plain DELETE, where the trigger with the JSON costs 1.2-1.4x (bench/bench_removal.py). The
    trigger is dropped in the same transaction, so no other statement of this connection fires it."""
    sql, params = SegmentLine.delete().where(condition).sql()
    database = SegmentLine._meta.database
    columns, row, given = _removed_row(segment_no, action_no)
    database.execute_sql("CREATE TEMP TABLE IF NOT EXISTS removed_line "
                         "(line_no INTEGER, contact_no TEXT, defaults_of INTEGER)")
    database.execute_sql("CREATE TEMP TRIGGER removed_line_kept AFTER DELETE ON main.segment_line BEGIN "
                         "INSERT INTO removed_line VALUES (old.line_no, old.contact_no, old.defaults_of); END")
    try:
        removed = database.execute_sql(sql, params).rowcount
        # One pass for whether a line has values of its own (0) and whether they all followed
        # one set of defaults (the usual case: the JSON is then built without sorting by set).
        lowest, highest = database.execute_sql(
            "SELECT min(defaults_of), max(defaults_of) FROM temp.removed_line").fetchone()
        own = lowest == 0
        if highest and (own_kept or not own):  # a line that follows a set of defaults is among them
            json_rows = row.replace("NUMBERS", "json_group_array(json_array(line_no, contact_no))")
            by_set = "" if lowest == highest else " GROUP BY defaults_of"
            database.execute_sql(f"INSERT INTO segment_history ({columns}) SELECT {json_rows} "
                                 f"FROM temp.removed_line WHERE defaults_of <> 0{by_set}", given)
        return removed, own
    finally:
        database.execute_sql("DROP TRIGGER temp.removed_line_kept")
        database.execute_sql("DELETE FROM temp.removed_line")


def _removed_row_defaults():
    """The history columns a "removed" row leaves at their defaults, and those defaults (as
    stored), for writing the rows in SQL."""
    names, values = [], []
    for field in SegmentHistory._meta.sorted_fields:
        if field.name in ("id", "segment_no", "action_no", "event", "line_no", "numbers"):
            continue
        default = field.default() if callable(field.default) else field.default
        names.append(field.column_name)
        values.append(field.db_value(default))
    return names, values


def record_defaults(header):
    """Keep the header's values behind its current line defaults (before they change), so that go
    back can make a line that follows them again: one row, event "defaults", action 0."""
    SegmentHistory.insert(segment_no=header.no, action_no=0, event=DEFAULTS, line_no=header.line_defaults,
                          numbers=json.dumps(_header_values(header), default=str)).execute()


def defaults_header(header, defaults):
    """The header whose values lines following `defaults` were made from: the header itself for
    its current defaults, else the values kept when they changed (record_defaults)."""
    if defaults == header.line_defaults:
        return header
    values = (SegmentHistory.select(SegmentHistory.numbers)
              .where((SegmentHistory.segment_no == header.no) & (SegmentHistory.action_no == 0)
                     & (SegmentHistory.event == DEFAULTS) & (SegmentHistory.line_no == defaults)).scalar())
    if values is None:  # not kept (a database changed by hand): the header as it is, rather than nothing
        return header
    fields = SegmentHeader._meta.fields
    return SegmentHeader(**{name: fields[name].python_value(value) for name, value in json.loads(values).items()
                            if name in fields})


def _header_values(header):
    return {name: field.db_value(getattr(header, name)) for name, field in SegmentHeader._meta.fields.items()}


def park_copy(segment_no, action_no, line_no):
    """Park a copy of a live line as it is now (a contact swap then changes the live one in place)."""
    names = history_columns()
    query = (SegmentLine.select(*[getattr(SegmentLine, n) for n in names], Value(action_no))
             .where(SegmentLine.live(segment_no) & (SegmentLine.line_no == line_no)))
    fields = [getattr(SegmentLine, n) for n in names] + [SegmentLine.removed_by]
    return SegmentLine.insert_from(query, fields).as_rowcount().execute()


def unpark_lines(segment_no, action_no):
    """Bring back the lines the action parked, as they were (one UPDATE); returns how many."""
    return SegmentLine.update(removed_by=None).where(SegmentLine.parked(segment_no, action_no)).execute()


def delete_recorded(segment_no, action_no, event="inserted"):
    """Delete the live lines the history records for this action and event (a swap's new line)."""
    if not is_sqlite():
        # A join driven by the history's few rows, never a per-line re-read of the history.
        sql = ("DELETE FROM segment_line AS l USING segment_history AS h WHERE l.segment_no = h.segment_no "
               "AND l.line_no = h.line_no AND l.removed_by IS NULL AND h.segment_no = %s AND h.action_no = %s "
               "AND h.event = %s")
        return SegmentLine._meta.database.execute_sql(sql, [segment_no, action_no, event]).rowcount
    recorded = (SegmentHistory.select(SegmentHistory.line_no)
                .where((SegmentHistory.segment_no == segment_no) & (SegmentHistory.action_no == action_no)
                       & (SegmentHistory.event == event)))
    return (SegmentLine.delete()
            .where(SegmentLine.live(segment_no) & SegmentLine.line_no.in_(recorded))
            .execute())


def undo_action(segment_no, action_no):
    """Take back one action (the newest left): its added lines go, a swapped line goes, its parked
    and kept lines come back; then its history and criteria rows go. Returns the removed lines to
    make again (remove_lines) as [(defaults, JSON of their line and contact numbers)], empty when
    none, which the caller makes (segments.insert_removed, which history cannot import), and by how
    many live lines this changed the segment (for its kept line count)."""
    of_action = (SegmentHistory.segment_no == segment_no) & (SegmentHistory.action_no == action_no)
    # One read of what the action left (each event's mark), so that the statements below run
    # only for what is there: go back stays a handful of statements per step.
    events = dict(SegmentHistory.select(SegmentHistory.event, fn.MIN(SegmentHistory.line_no))
                  .where(of_action).group_by(SegmentHistory.event).tuples())
    change = 0
    if ADDED in events:
        # Every later action is undone already, so the live lines above the mark are this action's
        # (parked lines above it belong to a contact swap before it and stay parked).
        change -= (SegmentLine.delete()
                   .where(SegmentLine.live(segment_no) & (SegmentLine.line_no > events[ADDED])).execute())
    if INSERTED in events:
        change -= delete_recorded(segment_no, action_no, INSERTED)
    if INSERTED in events or not events.keys() & {ADDED, REMOVED, KEPT}:
        change += unpark_lines(segment_no, action_no)  # a contact swap's old line, or a schema 8 removal's lines
    if KEPT in events:
        change += _restore_kept(of_action)
    removed = []
    if REMOVED in events:
        removed = list(SegmentHistory.select(SegmentHistory.line_no, SegmentHistory.numbers)
                       .where(of_action & (SegmentHistory.event == REMOVED)).tuples())
    if events:
        SegmentHistory.delete().where(of_action).execute()
    SegmentCriteriaLine.delete().where((SegmentCriteriaLine.segment_no == segment_no)
                                       & (SegmentCriteriaLine.action_no == action_no)).execute()
    return removed, change


def _restore_kept(of_action):
    """The whole copies of removed lines with values of their own back as lines (they stay own)."""
    names = history_columns()
    query = (SegmentHistory.select(*[getattr(SegmentHistory, n) for n in names])
             .where(of_action & (SegmentHistory.event == KEPT)))
    return SegmentLine.insert_from(query, [getattr(SegmentLine, n) for n in names]).as_rowcount().execute()
