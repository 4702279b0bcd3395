"""Issue 16: every set statement in a shape PostgreSQL plans as a join, never a SubPlan per row.

`NOT (x IN (SELECT ...))` and `line_no IN (SELECT ... FROM segment_history ...)` become a SubPlan
re-run per line once the set outgrows work_mem or the statistics are stale: quadratic on a
million lines. These tests run every set operation on PostgreSQL (SEGTUI_TEST_PG=postgresql://...),
keep each write statement it sent, and check that EXPLAIN shows no SubPlan in any of them.
Without a server they skip; the results themselves are compared with SQLite in test_criteria.py.
"""

import pytest

from segtui import db as dbmod
from segtui import planner_stats
from segtui.models import SchemaInfo, SegmentHistory, SegmentLine, database
from segtui.services import criteria, segment_log, segments
from test_segments import build_small
from test_set_based import StatementCounter

WRITES = ("INSERT", "DELETE", "UPDATE", "WITH", "ANALYZE")


@pytest.fixture
def pg(pg):
    """conftest's empty PostgreSQL database (skips without SEGTUI_TEST_PG) with the small world."""
    build_small()
    return pg


@pytest.fixture
def sent(pg, monkeypatch):
    """The write statements sent to PostgreSQL, with their parameters."""
    statements = []
    real = pg.execute_sql

    def keep(sql, params=None, *args, **kwargs):
        if sql.lstrip().upper().startswith(WRITES):
            # (logging passes its values by name: a dict)
            statements.append((sql, params if isinstance(params, dict) else tuple(params or ())))
        return real(sql, params, *args, **kwargs)

    monkeypatch.setattr(pg, "execute_sql", keep)
    return statements


def plans_with_subplans(db, statements, marker):
    """EXPLAIN (without running) each statement that touches `marker`; those whose plan has a SubPlan."""
    bad = []
    cursor = db.connection().cursor()
    for sql, params in statements:
        if marker not in sql or sql.startswith("ANALYZE"):
            continue
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        if "SubPlan" in plan:
            bad.append(f"{sql}\n{plan}")
    db.connection().rollback()
    return bad


def every_set_operation():
    no = segments.new_segment("Shapes", template_code="LTR", salesperson_code="AL")["no"]
    criteria.add_contacts(no, [("city", "Berlin")], expand_contact=True, allow_company_with_persons=True)
    criteria.add_contacts(no, [("mailing_group", "NEWS|VIP")])
    criteria.add_contacts(no, [])
    criteria.reduce_contacts(no, [("mailing_group", "NEWS")])
    criteria.reduce_contacts(no, [("industry_group", "RET")], entire_companies=True)
    criteria.refine_contacts(no, [("type", "person|company")])
    criteria.refine_contacts(no, [("mailing_group", "VIP")], entire_companies=True)
    criteria.go_back(no, steps=3)
    segments.remove_line(no, SegmentLine.select().where(SegmentLine.live(no)).first().line_no)
    criteria.go_back(no)
    first = SegmentLine.select().where(SegmentLine.live(no)).order_by(SegmentLine.line_no).first()
    segments.set_line(no, first.line_no, {"contact_no": "P21"})  # a swap: history line by line
    criteria.go_back(no)
    assert segments.get_line(no, first.line_no)["contact_no"] == first.contact_no
    criteria.save_criteria(no, "SHAPES")
    other = segments.new_segment("Other", template_code="LTR", salesperson_code="AL")["no"]
    criteria.reuse_criteria(other, "SHAPES")
    return no, other


def test_add_reduce_refine_go_back_and_reuse_plan_without_subplans(pg, sent):
    no, other = every_set_operation()
    assert segments.count_lines(other) > 0 and SegmentHistory.select().count() > 0
    assert SegmentHistory.select().where((SegmentHistory.segment_no == other)
                                         & (SegmentHistory.event == "removed")).count() > 0
    assert sent, "no statement was seen"
    assert plans_with_subplans(pg, sent, "segment_line") == []


def test_log_with_follow_up_plans_without_subplans(pg, sent):
    no, _ = every_set_operation()
    result = segment_log.log_segment(no, follow_up=True, user_id="t")
    assert result["interactions"] == segments.count_lines(result["follow_up_segment_no"]) > 0
    assert plans_with_subplans(pg, sent, "interaction_log_entry") == []


def test_the_log_looks_each_contact_up_without_a_cache_for_that_log_only(pg, monkeypatch):
    """A segment names a contact once, so a Memoize cache in front of the scan's lookup of each
    line's contact never hits (1.5 ms of a log of 2,899 lines); other statements keep it."""
    no, _ = every_set_operation()
    seen = []
    real_scan = segment_log._scan

    def scan(*args, **kwargs):
        seen.append(database.execute_sql("SHOW enable_memoize").fetchone()[0])
        return real_scan(*args, **kwargs)

    monkeypatch.setattr(segment_log, "_scan", scan)
    assert segment_log.log_segment(no, user_id="t")["interactions"] > 0
    assert seen == ["off"]
    assert database.execute_sql("SHOW enable_memoize").fetchone()[0] == "on"


def test_refine_and_reduce_right_after_an_add_delete_lines_with_one_delete_each(pg, sent):
    """A removal is one statement: the lines read once, grouped with their row addresses, deleted by
    those and written into one history row by the same statement (schemas 9 and 11); no CTE that
    holds the lines themselves, no copy of the lines
    and no statement that reads the history back to find lines (the plan that went quadratic on
    stale statistics); go back is one INSERT of the lines made again."""
    no = segments.new_segment("Moves")["no"]
    criteria.add_contacts(no, [])
    sent.clear()
    criteria.reduce_contacts(no, [("city", "Paris")])
    criteria.refine_contacts(no, [("type", "person")])
    on_lines = [sql for sql, _ in sent if "segment_line" in sql and not sql.startswith("SELECT")]
    assert len(on_lines) == 2
    assert all(sql.startswith("WITH g AS MATERIALIZED (SELECT defaults_of, array_agg(address)")
               and sql.count("DELETE") == 1 and "AS s GROUP BY defaults_of" in sql
               and 'DELETE FROM "segment_line" WHERE ctid = ANY(ARRAY(SELECT unnest(addresses) FROM g))' in sql
               and "INSERT INTO segment_history" in sql
               and "FROM segment_history" not in sql and 'FROM "segment_history"' not in sql for sql in on_lines)
    assert [sql for sql, _ in sent if sql.startswith("INSERT") and "segment_history" in sql] == []
    sent.clear()
    criteria.go_back(no, steps=2)
    assert [sql.split()[0] for sql, _ in sent if "INTO \"segment_line\"" in sql] == ["INSERT", "INSERT"]
    assert not [sql for sql, _ in sent if sql.startswith("UPDATE") and "segment_line" in sql]
    assert plans_with_subplans(pg, sent, "segment_line") == []


def test_a_removal_of_lines_with_values_of_their_own_is_one_statement_too(pg, sent):
    """Lines with values of their own are copied whole ("kept") by the removal's own statement,
    read by the address of the rows it deletes: no savepoint, no DELETE taken back and run again;
    go back brings them back as they were."""
    no = segments.new_segment("Own", template_code="LTR", salesperson_code="AL")["no"]
    criteria.add_contacts(no, [])
    own = SegmentLine.select().where(SegmentLine.live(no) & (SegmentLine.contact_no == "P11")).get()
    segments.set_line(no, own.line_no, {"personal_note": "Kept whole", "subject": "Mine"})
    before = {line["line_no"]: line for line in segments.lines(no, limit=100)}
    sent.clear()
    with StatementCounter(pg) as every:  # every statement, savepoints too (`sent` keeps the writes)
        assert criteria.reduce_contacts(no, [("city", "Berlin")])["removed"] == 3  # C1, P11 (own), P22
    on_lines = [sql for sql, _ in sent if "segment_line" in sql and not sql.startswith("SELECT")]
    assert len(on_lines) == 1 and "SELECT unnest(addresses) FROM g WHERE defaults_of = 0" in on_lines[0]
    assert every.statements and not [sql for sql in every.statements if "SAVEPOINT" in sql.upper()]
    events = sorted(SegmentHistory.select(SegmentHistory.event).where(SegmentHistory.segment_no == no).tuples())
    assert events == [("added",), ("kept",), ("removed",)]
    criteria.go_back(no)
    after = {line["line_no"]: line for line in segments.lines(no, limit=100)}
    assert after == before
    assert after[own.line_no]["personal_note"] == "Kept whole"


def test_a_line_document_waits_for_the_header_like_every_change_of_lines(pg):
    """A removal deletes lines by the address it read them at, so every change of a segment's lines
    holds the header first: giving a line its own document while another user's action holds it
    waits, and past the lock timeout is busy (exit 3), the line unchanged."""
    import os

    import psycopg2

    from segtui.errors import Conflict
    from segtui.services import merge

    no = segments.new_segment("Held", template_code="LTR", salesperson_code="AL")["no"]
    criteria.add_contacts(no, [])
    line = SegmentLine.select().where(SegmentLine.live(no)).order_by(SegmentLine.line_no).first()
    other = psycopg2.connect(os.environ["SEGTUI_TEST_PG"])  # this worker's database (conftest)
    try:
        other.cursor().execute("SELECT no FROM segment_header WHERE no = %s FOR UPDATE", (no,))
        database.execute_sql("SET lock_timeout = '300ms'")
        with pytest.raises(Conflict, match="busy"):
            merge.set_line_document(no, line.line_no, b"any file", "note.txt")
    finally:
        other.rollback()
        other.close()
        database.execute_sql("RESET lock_timeout")
    assert SegmentLine.get_by_id(line.id).attachment_name == ""
    assert merge.set_line_document(no, line.line_no, b"any file", "note.txt")["attachment_name"] == "note.txt"
    assert SegmentLine.get_by_id(line.id).defaults_of == 0


def test_a_bulk_add_analyzes_the_lines_and_a_removal_does_not(pg, sent, monkeypatch):
    monkeypatch.setattr(planner_stats, "ANALYZE_ROWS", 1)  # the small world stands in for a bulk write
    no = segments.new_segment("Stats")["no"]
    criteria.add_contacts(no, [])
    assert [sql for sql, _ in sent if sql.startswith("ANALYZE")] == [
        "ANALYZE segment_line (segment_no, contact_no, removed_by)"]
    sent.clear()
    criteria.reduce_contacts(no, [("city", "Paris")])
    assert not [sql for sql, _ in sent if sql.startswith("ANALYZE")]


def test_an_add_to_a_segment_the_statistics_do_not_know_makes_it_known_however_large_the_table(pg, monkeypatch):
    """A table of many lines, all its segments known to the statistics: a new segment is taken for
    one line whatever it holds. An add of lines that is no tenth of the table still refreshes the
    segment's statistics (a small sample of one column) when the planner's estimate is below a
    quarter of what it wrote; once the segment is known, a further add does not."""
    monkeypatch.setattr(planner_stats, "ANALYZE_ROWS", 5)  # the small world stands in for a bulk write
    pg.execute_sql("INSERT INTO segment_line (segment_no, line_no, contact_no, contact_company_no, "
                   "correspondence_type, interaction_template_code, interaction_group_code, language_code, "
                   "subject, description, cost, duration_min, salesperson_code, campaign_no, campaign_target, "
                   "campaign_response, information_flow, initiated_by, evaluation, attempt_failed, personal_note, "
                   "attachment_name) SELECT 'BULK', n, 'P11', '', '', '', '', '', '', '', 0, 0, '', '', FALSE, "
                   "FALSE, '', '', '', FALSE, '', '' FROM generate_series(1, 3000) AS n")
    pg.execute_sql("ANALYZE segment_line")
    no = segments.new_segment("Unknown")["no"]

    def estimate():
        (plan,) = pg.execute_sql("EXPLAIN (FORMAT JSON) SELECT 1 FROM segment_line WHERE segment_no = %s "
                                 "AND removed_by IS NULL", (no,)).fetchone()
        return plan[0]["Plan"]["Plan Rows"]

    with StatementCounter(pg) as first:
        added = criteria.add_contacts(no, [])["added"]
    assert 5 <= added < 300  # no tenth of the table
    assert [sql for sql in first.statements if "ANALYZE" in sql] == [planner_stats.KNOW_SEGMENT]
    assert estimate() * 4 >= added
    with StatementCounter(pg) as second:
        assert criteria.add_contacts(no, [], allow_existing=True)["added"] == added
    assert not [sql for sql in second.statements if "ANALYZE" in sql]


def test_a_new_segment_does_not_wait_for_a_log_with_follow_up(pg, monkeypatch):
    """The follow-up's number is taken before the log's transaction, so a `segment new` by
    another user while a long log --follow-up runs gets its number at once."""
    import threading

    no = segments.new_segment("Long log", template_code="LTR", salesperson_code="AL")["no"]
    criteria.add_contacts(no, [])
    inside, done, seen = threading.Event(), threading.Event(), {}
    real = criteria.reuse_logged

    def slow_reuse(*args, **kwargs):
        inside.set()
        done.wait(20)  # the log's transaction stays open meanwhile
        return real(*args, **kwargs)

    monkeypatch.setattr(criteria, "reuse_logged", slow_reuse)

    def log():
        try:
            seen["result"] = segment_log.log_segment(no, follow_up=True, user_id="t")
        except Exception as exc:  # noqa: BLE001 - reported below
            seen["error"] = exc
        finally:
            database.close()  # this thread's own connection

    worker = threading.Thread(target=log)
    worker.start()
    try:
        assert inside.wait(20)
        database.execute_sql("SET lock_timeout = '3s'")  # a wait for the series row would fail here
        other = segments.new_segment("Meanwhile")["no"]
    finally:
        database.execute_sql("RESET lock_timeout")
        done.set()
        worker.join(30)
    assert "error" not in seen, seen.get("error")
    follow = seen["result"]["follow_up_segment_no"]
    assert follow != other and {follow, other} == {"SM00002", "SM00003"}


def test_reuse_logged_looks_the_entries_contacts_up_by_key(pg, sent):
    """An IN over a logged segment's entries made PostgreSQL hash every contact (a seq scan of
    contact for a few thousand entries); the contacts read into an array are looked up by key."""
    no = segments.new_segment("Logged", template_code="LTR", salesperson_code="AL")["no"]
    criteria.add_contacts(no, [("city", "Berlin")])
    logged = segment_log.log_segment(no, user_id="t")["logged_segment_entry_no"]
    other = segments.new_segment("Again", template_code="LTR", salesperson_code="AL")["no"]
    sent.clear()
    assert criteria.reuse_logged(other, logged, confirm=True)["added"] == 3
    inserts = [(sql, params) for sql, params in sent if sql.startswith('INSERT INTO "segment_line"')]
    assert len(inserts) == 1 and "= ANY(ARRAY(" in inserts[0][0]
    cursor = pg.connection().cursor()
    cursor.execute("SET enable_seqscan = off")  # a world of 9 contacts: the plan a large one gets
    try:
        cursor.execute("EXPLAIN " + inserts[0][0], inserts[0][1])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    finally:
        cursor.execute("RESET enable_seqscan")
    assert "contact_pkey" in plan and "SubPlan" not in plan


def test_entire_companies_on_a_segment_the_statistics_do_not_know_look_companies_up_by_key(pg, sent):
    """A segment just filled is planned as one line until ANALYZE: a reduce or refine with entire
    companies then runs its match once per line, and without an index on the company key each
    run joined every contact again (past 120 s at 1,000,000 contacts). With schema 12's index the
    per-line match is a lookup by key. Sequential scans are priced out here, as a small world has
    no other way to make the planner look for an index; without the index it has none to use."""
    no = segments.new_segment("Companies")["no"]
    criteria.add_contacts(no, [])
    sent.clear()
    criteria.reduce_contacts(no, [("mailing_group", "NEWS")], entire_companies=True)
    criteria.refine_contacts(no, [("industry_group", "RET")], entire_companies=True)
    removals = [(sql, params) for sql, params in sent if sql.startswith("WITH g AS MATERIALIZED")]
    assert len(removals) == 2
    cursor = pg.connection().cursor()
    cursor.execute("SET enable_seqscan = off")
    try:
        plans = []
        for sql, params in removals:
            cursor.execute("EXPLAIN " + sql, params)
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
    finally:
        cursor.execute("RESET enable_seqscan")
    assert all("contact_company_key" in plan for plan in plans), plans


def test_upgrading_to_schema_12_makes_the_company_key_index_on_postgresql(pg):
    database.execute_sql("DROP INDEX contact_company_key")
    SchemaInfo.update(version=11).execute()
    assert dbmod.init_database() == dbmod.SCHEMA_VERSION >= 12
    dbmod._upgrade_to_12()  # again: nothing to do
    found = database.execute_sql("SELECT indexdef FROM pg_indexes WHERE indexname = 'contact_company_key'").fetchall()
    assert len(found) == 1 and "COALESCE(NULLIF" in found[0][0]
    # and the planner knows how many contacts a key has (a guess of 5,000 made scans per line)
    (stats,) = database.execute_sql("SELECT count(*) FROM pg_stats WHERE tablename = 'contact_company_key'").fetchone()
    assert stats == 1
