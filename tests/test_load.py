"""Load: four processes doing mixed segment work on one database for ~20 s, each on its own
segments and all on one shared segment. Every count adds up and no lock error reaches a user.

Runs on a SQLite file, and on PostgreSQL too with SEGTUI_TEST_PG. Marked `load` (deselect
with -m "not load"); SEGTUI_LOAD_SECONDS changes how long it runs (default 20).
"""
import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from segtui import db as dbmod

WORKER = Path(__file__).with_name("load_worker.py")
SECONDS = float(os.environ.get("SEGTUI_LOAD_SECONDS", "20"))
PROCESSES = 4
PG_URL = os.environ.get("SEGTUI_TEST_PG")
TABLES = ("segment_header", "segment_line", "logged_segment", "interaction_log_entry")


class Sql:
    """Independent SQL on the database the workers use (not the models' connection)."""

    def __init__(self, url):
        self.url = url

    def __call__(self, query, *params):
        if self.url.startswith("postgres"):
            import psycopg2

            con = psycopg2.connect(self.url)
            query = query.replace("?", "%s")
        else:
            con = sqlite3.connect(self.url)
        try:
            cur = con.cursor()
            cur.execute(query, params)
            return cur.fetchone()
        finally:
            con.close()

    def counts(self):
        return {table: self(f"SELECT COUNT(*) FROM {table}")[0] for table in TABLES}


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request, demo_db, db_path, tmp_path):
    """(database URL or path, shared segment no) with the demo data in it."""
    from segtui.models import ALL_MODELS, database
    from segtui.services import demo, segments

    if request.param == "postgresql":
        if not PG_URL:
            pytest.skip("set SEGTUI_TEST_PG=postgresql://... to run the load test on PostgreSQL too")
        demo_db.close()
        dbmod.open_database(PG_URL)
        database.drop_tables(ALL_MODELS, safe=True)
        dbmod.init_database()
        demo.fill_demo(contacts=300, seed=1)
        url = PG_URL
    else:
        url = str(db_path)
    shared_no = segments.new_segment("shared by all", template_code="PHONE", salesperson_code="AK")["no"]
    database.close()
    yield url, shared_no
    if request.param == "postgresql":
        dbmod.open_database(PG_URL)
        database.drop_tables(ALL_MODELS, safe=True)
        database.close()


@pytest.mark.load
def test_four_processes_on_one_database(target, tmp_path):
    url, shared_no = target
    sql = Sql(url)
    before = sql.counts()
    env = dict(os.environ, SEGTUI_DB=url, SEGTUI_CONFIG=str(tmp_path / "settings.toml"),
               SEGTUI_DATA_DIR=str(tmp_path / "data"))
    started = time.monotonic()
    procs = [subprocess.Popen([sys.executable, str(WORKER), str(SECONDS), str(seed), shared_no], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for seed in range(PROCESSES)]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=SECONDS + 120)
        assert proc.returncode == 0, err
        results.append(json.loads(out))
    elapsed = time.monotonic() - started
    after = sql.counts()

    errors = [e for r in results for e in r["errors"]]
    assert errors == []  # no exit 3 "busy", no traceback, no refusal: every command did its work
    total = {key: sum(r[key] for r in results) for key in ("ops", "created", "logged", "deleted", "entries",
                                                           "lines_at_log", "shared")}
    assert total["logged"] > 0 and total["shared"] > 0
    # Counts add up: every segment created is open, logged or deleted; every logged line is one entry.
    assert after["segment_header"] - before["segment_header"] == total["created"] - total["logged"] - total["deleted"]
    assert after["logged_segment"] - before["logged_segment"] == total["logged"]
    assert after["interaction_log_entry"] - before["interaction_log_entry"] == total["entries"] == total["lines_at_log"]
    if not url.startswith("postgres"):
        assert sql("PRAGMA integrity_check")[0] == "ok"
    assert sql("SELECT COUNT(*) FROM segment_line WHERE segment_no NOT IN (SELECT no FROM segment_header)")[0] == 0
    # The shared segment: users took turns, so no contact is on it twice and no line number repeats.
    lines, contacts, numbers = sql("SELECT COUNT(*), COUNT(DISTINCT contact_no), COUNT(DISTINCT line_no) "
                                   "FROM segment_line WHERE segment_no = ? AND removed_by IS NULL", shared_no)
    assert lines == contacts == numbers
    actions = sql("SELECT COUNT(*) FROM segment_criteria_line WHERE segment_no = ? AND kind = 'action'", shared_no)[0]
    assert actions == total["shared"]
    # Each header's kept line count, where it is known, is its number of lines.
    wrong = sql("SELECT COUNT(*) FROM segment_header h WHERE line_count_version = version AND line_count <> "
                "(SELECT COUNT(*) FROM segment_line l WHERE l.segment_no = h.no AND l.removed_by IS NULL)")[0]
    known = sql("SELECT COUNT(*) FROM segment_header WHERE no = ? AND line_count_version = version", shared_no)[0]
    assert wrong == 0 and known == 1
    print(f"\nload ({url.split(':')[0] if '://' in url else 'sqlite'}): {PROCESSES} processes x {SECONDS:.0f} s: "
          f"{total['ops']} commands ({total['ops'] / elapsed:.0f}/s), {total['created']} segments, "
          f"{total['logged']} logged ({total['entries']} entries), {total['deleted']} deleted, "
          f"{total['shared']} changes to one shared segment, 0 lock errors")
