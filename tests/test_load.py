"""Load: four processes doing mixed segment work on one SQLite file for ~20 s, each on its own
segments and all on one shared segment. Every count adds up and no lock error reaches a user. Marked `load` (deselect with -m "not load");
SEGTUI_LOAD_SECONDS changes how long it runs (default 20)."""
import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

WORKER = Path(__file__).with_name("load_worker.py")
SECONDS = float(os.environ.get("SEGTUI_LOAD_SECONDS", "20"))
PROCESSES = 4


def counts(path):
    con = sqlite3.connect(str(path))
    try:
        return {table: con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                for table in ("segment_header", "segment_line", "logged_segment", "interaction_log_entry")}
    finally:
        con.close()


@pytest.mark.load
def test_four_processes_on_one_sqlite_file(demo_db, db_path, tmp_path):
    from segtui.services import segments

    shared_no = segments.new_segment("shared by all", template_code="PHONE", salesperson_code="AK")["no"]
    demo_db.close()
    before = counts(db_path)
    env = dict(os.environ, SEGTUI_DB=str(db_path), SEGTUI_CONFIG=str(tmp_path / "settings.toml"),
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
    after = counts(db_path)

    errors = [e for r in results for e in r["errors"]]
    assert errors == []  # no exit 3 "busy", no traceback, no refusal: every command did its work
    total = {key: sum(r[key] for r in results) for key in ("ops", "created", "logged", "deleted", "entries",
                                                           "lines_at_log", "shared")}
    assert total["logged"] > 0 and total["deleted"] >= 0
    # Counts add up: every segment created is open, logged or deleted; every logged line is one entry.
    assert after["segment_header"] - before["segment_header"] == total["created"] - total["logged"] - total["deleted"]
    assert total["shared"] > 0
    assert after["logged_segment"] - before["logged_segment"] == total["logged"]
    assert after["interaction_log_entry"] - before["interaction_log_entry"] == total["entries"] == total["lines_at_log"]
    con = sqlite3.connect(str(db_path))
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        orphans = con.execute("SELECT COUNT(*) FROM segment_line WHERE segment_no NOT IN "
                              "(SELECT no FROM segment_header)").fetchone()[0]
        assert orphans == 0
        # The shared segment: users took turns, so no contact is on it twice and no line number repeats.
        lines, contacts, numbers = con.execute(
            "SELECT COUNT(*), COUNT(DISTINCT contact_no), COUNT(DISTINCT line_no) FROM segment_line "
            "WHERE segment_no = ?", (shared_no,)).fetchone()
        assert lines == contacts == numbers
        actions = con.execute("SELECT COUNT(*) FROM segment_criteria_line WHERE segment_no = ? AND kind = 'action'",
                              (shared_no,)).fetchone()[0]
        assert actions == sum(r["shared"] for r in results)
    finally:
        con.close()
    print(f"\nload: {PROCESSES} processes x {SECONDS:.0f} s: {total['ops']} commands "
          f"({total['ops'] / elapsed:.0f}/s), {total['created']} segments, {total['logged']} logged "
          f"({total['entries']} entries), {total['deleted']} deleted, {total['shared']} changes to one shared "
          f"segment, 0 lock errors")
