"""Undo history of a segment's criteria actions (docs/domain.md, "Go back").

An add does not copy its lines: it records one row, event "added", with the segment's highest
line number before it; undone newest first, the lines above that number are exactly the ones
it added. Deleted lines are moved into the history whole (edits and all) so they come back as
they were. "inserted" (one row per line) is kept for a contact swapped on a line and for
histories written before this design.
"""
from peewee import SQL, Value

from ..db import is_sqlite
from ..models import SegmentHistory, SegmentLine

ADDED = "added"
ANALYZE_ROWS = 10_000  # PostgreSQL: refresh planner statistics after inserting at least this many rows
LINE_COLUMNS = [f for f in SegmentLine._meta.sorted_field_names if f not in ("id", "segment_no", "line_no")]


def history_columns():
    """Line fields kept in the history for a deleted line (all of them, so an undo restores edits)."""
    return ["segment_no", "line_no", *LINE_COLUMNS]


def record_added(segment_no, action_no, base_line):
    """One history row: this action added the lines numbered above `base_line`."""
    SegmentHistory.insert(segment_no=segment_no, action_no=action_no, event=ADDED, line_no=base_line).execute()


def record_history(segment_no, action_no, event, line_condition):
    """Copy lines into the history as 'inserted' or 'deleted' by this action, edits and all.

    One INSERT ... SELECT; the copy of a deleted line is what go-back puts back.
    """
    names = history_columns()
    query = (SegmentLine.select(*[getattr(SegmentLine, n) for n in names], Value(action_no), Value(event))
             .where((SegmentLine.segment_no == segment_no) & line_condition))
    fields = [getattr(SegmentHistory, n) for n in names] + [SegmentHistory.action_no, SegmentHistory.event]
    return SegmentHistory.insert_from(query, fields).as_rowcount().execute()


def move_to_history(segment_no, action_no, line_condition):
    """Delete the segment's lines that match and keep them in the history as 'deleted'; returns how many.

    PostgreSQL: one DELETE ... RETURNING feeding the history INSERT, so no statement reads the
    history back (its row estimates are wrong right after a bulk write). SQLite: the ids of the
    lines first, then copy and delete by id.
    """
    in_segment = (SegmentLine.segment_no == segment_no) & line_condition
    if is_sqlite():
        return _move_by_ids(action_no, in_segment)
    names = history_columns()
    delete_sql, params = (SegmentLine.delete().where(in_segment)
                          .returning(*[getattr(SegmentLine, n) for n in names]).sql())
    columns = ", ".join(f'"{n}"' for n in names)
    sql = (f"WITH moved AS ({delete_sql}) INSERT INTO segment_history ({columns}, action_no, event) "
           f"SELECT {columns}, %s, %s FROM moved")
    return SegmentLine._meta.database.execute_sql(sql, [*params, action_no, "deleted"]).rowcount


def _move_by_ids(action_no, in_segment):
    """SQLite: the condition is evaluated once, into a temporary set of line ids; the copy and
    the delete then seek those lines by id instead of scanning the segment twice."""
    db = SegmentLine._meta.database
    db.execute_sql("CREATE TEMP TABLE IF NOT EXISTS segtui_moving (id INTEGER PRIMARY KEY)")
    db.execute_sql("DELETE FROM segtui_moving")
    ids_sql, params = SegmentLine.select(SegmentLine.id).where(in_segment).sql()
    db.execute_sql(f"INSERT INTO segtui_moving (id) {ids_sql}", params)
    moving = SegmentLine.id.in_(SQL("(SELECT id FROM segtui_moving)"))
    names = history_columns()
    query = SegmentLine.select(*[getattr(SegmentLine, n) for n in names], Value(action_no), Value("deleted")).where(
        moving)
    fields = [getattr(SegmentHistory, n) for n in names] + [SegmentHistory.action_no, SegmentHistory.event]
    moved = SegmentHistory.insert_from(query, fields).as_rowcount().execute()
    if moved:
        SegmentLine.delete().where(moving).execute()
    db.execute_sql("DELETE FROM segtui_moving")
    return moved


def delete_recorded(segment_no, action_no, event="deleted"):
    """Delete the lines the history records for this action and event (the set computed once)."""
    if not is_sqlite():
        # A join driven by the history's few rows, never a per-line re-read of the history.
        sql = ("DELETE FROM segment_line AS l USING segment_history AS h WHERE l.segment_no = h.segment_no "
               "AND l.line_no = h.line_no AND h.segment_no = %s AND h.action_no = %s AND h.event = %s")
        return SegmentLine._meta.database.execute_sql(sql, [segment_no, action_no, event]).rowcount
    recorded = (SegmentHistory.select(SegmentHistory.line_no)
                .where((SegmentHistory.segment_no == segment_no) & (SegmentHistory.action_no == action_no)
                       & (SegmentHistory.event == event)))
    return (SegmentLine.delete()
            .where((SegmentLine.segment_no == segment_no) & SegmentLine.line_no.in_(recorded))
            .execute())


def analyze_after(rows, table="segment_line"):
    """ANALYZE a table on PostgreSQL after a bulk insert that is large next to it (at least
    ANALYZE_ROWS rows and a tenth of its rows), so the next statements plan on real sizes:
    autoanalyze comes too late for a reduce right after an add. Only the columns statements
    select lines by are analyzed (the whole-table ANALYZE took most of an add's time). SQLite
    plans without statistics; deletes leave the estimates on the safe side and are not analyzed.
    """
    if rows < ANALYZE_ROWS or is_sqlite():
        return
    db = SegmentLine._meta.database
    found = db.execute_sql("SELECT reltuples FROM pg_class WHERE relname = %s", (table,)).fetchone()
    if found and found[0] > 0 and rows < 0.1 * found[0]:
        return
    db.execute_sql(f"ANALYZE {table} (segment_no, contact_no)")
