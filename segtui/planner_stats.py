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
# The columns statements select a segment's lines by: what a large add has the lines analyzed for.
LINE_STATISTICS = ("segment_no", "contact_no", "removed_by")
# Making a segment known takes a small sample of one column: 3,000 rows, 15-20 ms on 1,500,000
# lines, where the default sample of the three took 230 ms (and an add of 2,899 lines 22 ms).
KNOW_SEGMENT = ("SET LOCAL default_statistics_target = 10; ANALYZE segment_line (segment_no); "
                "RESET default_statistics_target")


def analyze_after(rows, table, columns=(), segment_no=None):
    """After `rows` were written to `table` (to the lines of `segment_no`), the ANALYZE that
    needed_analyze names, if any. `columns`: only those; none: every column and the expression
    indexes' values (the company key)."""
    if rows < ANALYZE_ROWS or is_sqlite():
        return
    sql = needed_analyze(lambda text, params: database.execute_sql(text, params).fetchone(),
                         rows, table, columns, segment_no)
    if sql:
        database.execute_sql(sql)


def needed_analyze(run, rows, table, columns=(), segment_no=None):
    """The ANALYZE to run after `rows` were written, or None; `run(sql, params)` gives the first
    row of a query (the bench's raw side asks the same). The whole table's statistics when the
    rows are a tenth of it; only the segment's, on a small sample, when the planner takes the
    segment for less than a quarter of the lines just written to it."""
    (tuples,) = run("SELECT reltuples FROM pg_class WHERE relname = %s", (table,)) or (0,)
    if tuples <= 0 or rows >= 0.1 * tuples:
        return f"ANALYZE {table}" + (f" ({', '.join(columns)})" if columns else "")
    if segment_no is None:
        return None
    (plan,) = run("EXPLAIN (FORMAT JSON) SELECT 1 FROM segment_line WHERE segment_no = %s AND removed_by IS NULL",
                  (segment_no,))
    return KNOW_SEGMENT if plan[0]["Plan"]["Plan Rows"] * 4 < rows else None
