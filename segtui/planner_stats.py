"""PostgreSQL's planner statistics kept up with bulk writes (SQLite plans without statistics).

Autoanalyze comes a while after a write: too late for a reduce right after an add or an import.
A segment the statistics do not know is estimated at one line whatever it holds, and statements
on it then plan a loop per line over a set read again each time (issue 16: a count for an add
on 448,000 such lines ran past 20 s at 1,000,000 contacts). Deletes leave the estimates on the
safe side and are not analyzed.
"""
from __future__ import annotations

from .db import is_sqlite
from .models import database

ANALYZE_ROWS = 1_000  # refresh after writing at least this many rows
# What a large write has analyzed, per table: of the lines, the columns statements select them
# by; of contact, every column and the expression indexes' values (the company key).
COLUMNS = {"segment_line": ("segment_no", "contact_no", "removed_by"), "contact": ()}
# Making a segment known takes a small sample of one column: 3,000 rows, 15-20 ms on 1,500,000
# lines, where the default sample of the three took 230 ms (and an add of 2,899 lines 22 ms).
KNOW_SEGMENT = ("SET LOCAL default_statistics_target = 10; ANALYZE segment_line (segment_no); "
                "RESET default_statistics_target")


def analyze_lines_after(rows, segment_no):
    """After an insert of `rows` lines into segment `segment_no` (an add, a go back)."""
    _analyze_after(rows, "segment_line", segment_no)


def analyze_contacts_after(rows):
    """After an import wrote `rows` contacts."""
    _analyze_after(rows, "contact")


def analyze_everything():
    """After a demo filled the database: every table, so its first actions plan on real counts."""
    if not is_sqlite():
        database.execute_sql("ANALYZE")


def _analyze_after(rows, table, segment_no=None):
    if is_sqlite():
        return
    sql = needed_analyze(lambda text, params: database.execute_sql(text, params).fetchone(), rows, table, segment_no)
    if sql:
        database.execute_sql(sql)


def needed_analyze(run, rows, table, segment_no=None):
    """The ANALYZE to run after `rows` were written to `table` (to the lines of `segment_no`), or
    None; `run(sql, params)` gives the first row of a query (the bench's raw side asks the same).
    None under ANALYZE_ROWS rows; the table's statistics when the rows are a tenth of it; only the
    segment's, on a small sample, when the planner takes the segment for less than a quarter of
    the lines just written to it."""
    if rows < ANALYZE_ROWS:
        return None
    (tuples,) = run("SELECT reltuples FROM pg_class WHERE relname = %s", (table,)) or (0,)
    if tuples <= 0 or rows >= 0.1 * tuples:
        columns = COLUMNS[table]
        return f"ANALYZE {table}" + (f" ({', '.join(columns)})" if columns else "")
    if segment_no is None:
        return None
    (plan,) = run("EXPLAIN (FORMAT JSON) SELECT 1 FROM segment_line WHERE segment_no = %s AND removed_by IS NULL",
                  (segment_no,))
    return KNOW_SEGMENT if plan[0]["Plan"]["Plan Rows"] * 4 < rows else None


def probe_each_line_once():
    """For the rest of this transaction, a lookup per line goes straight to its index, without
    PostgreSQL's Memoize cache in front. The log's refusal scan looks up each line's contact;
    the statistics of the lines see every contact in many segments, so the planner put a cache
    in front that never hits (a segment names a contact once): 1.5 ms of a log of 2,899 lines
    (100,000 contacts), 37.5 against 36.0 ms. Memoize came with PostgreSQL 14."""
    if not is_sqlite() and (database.server_version or 0) >= 140000:
        database.execute_sql("SET LOCAL enable_memoize = off")
