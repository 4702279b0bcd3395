"""Undo history of a segment's criteria actions (docs/domain.md, "Go back").

An add does not copy its lines: it records one row, event "added", with the segment's highest
line number before it; undone newest first, the live lines above that number are exactly the ones
it added. A removal copies nothing either: the lines stay in segment_line, parked under the
action's number (`removed_by`, schema 8), so a reduce or refine is one UPDATE and its go-back one
UPDATE back, the lines keeping their numbers and edits. Every read of a segment's lines takes the
live ones (SegmentLine.live). "inserted" (one row per line) marks the line a contact swap put in
place of the parked one.
"""
from peewee import Value, fn

from ..db import is_sqlite
from ..models import LINE_COLUMNS, SegmentCriteriaLine, SegmentHistory, SegmentLine

ADDED = "added"
ANALYZE_ROWS = 10_000  # PostgreSQL: refresh planner statistics after inserting at least this many rows


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


def park_lines(segment_no, action_no, line_condition):
    """Take the segment's live lines that match out of it, parked under `action_no`; returns how many.

    One UPDATE: the line leaves the live indexes and enters the parked one, its columns untouched.
    """
    return (SegmentLine.update(removed_by=action_no)
            .where(SegmentLine.live(segment_no) & line_condition).execute())


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


def delete_all_lines(segment_no):
    """Delete the segment's lines, live and parked: two statements, each on its partial index
    (one condition without `removed_by` could use neither and would read the whole table)."""
    SegmentLine.delete().where(SegmentLine.live(segment_no)).execute()
    SegmentLine.delete().where(SegmentLine.parked(segment_no)).execute()


def undo_action(segment_no, action_no):
    """Take back one action (the newest left): its added lines go, a swapped line goes, its parked
    lines come back; then its history and criteria rows go. Returns the lines that came back."""
    of_action = (SegmentHistory.segment_no == segment_no) & (SegmentHistory.action_no == action_no)
    added_after = (SegmentHistory.select(fn.MIN(SegmentHistory.line_no))
                   .where(of_action & (SegmentHistory.event == ADDED)).scalar())
    if added_after is not None:
        # Every later action is undone already, so the live lines above the mark are this action's
        # (parked lines above it belong to earlier removals and stay parked).
        SegmentLine.delete().where(SegmentLine.live(segment_no) & (SegmentLine.line_no > added_after)).execute()
    delete_recorded(segment_no, action_no, "inserted")
    restored = unpark_lines(segment_no, action_no)
    SegmentHistory.delete().where(of_action).execute()
    SegmentCriteriaLine.delete().where((SegmentCriteriaLine.segment_no == segment_no)
                                       & (SegmentCriteriaLine.action_no == action_no)).execute()
    return restored


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
    db.execute_sql(f"ANALYZE {table} (segment_no, contact_no, removed_by)")
