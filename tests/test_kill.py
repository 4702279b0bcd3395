"""SIGKILL in the middle of logging, adding and importing: all or nothing, and the next run works.

Each operation is first run to the end on a copy to learn how long it takes; then copies of the
same database are killed at points spread over the end of that time (where the transaction
runs), and each is checked: either nothing happened or everything did, never a part.
"""
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from segtui import db as dbmod
from segtui.models import Contact, InteractionGroup, InteractionTemplate, Salesperson
from segtui.services import criteria, segments

pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGKILL")

CONTACTS = 10_000
IMPORTED = 5_000
FRACTIONS = (0.5, 0.75)
# Kills as soon as the write-ahead log starts to grow (the commit is being written), plus a delay.
AT_WAL_WRITE = (0.0, 0.003, 0.01)


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """A database with 10,000 contacts, a template and a salesperson; segment SM00001 holds all
    of them (to log), SM00002 is empty (to add to); a 5,000-row CSV file to import."""
    folder = tmp_path_factory.mktemp("kill")
    path = folder / "base.db"
    database = dbmod.open_database(str(path))
    dbmod.init_database()
    Salesperson.create(code="AK", name="Anna")
    InteractionGroup.create(code="PHONE")
    InteractionTemplate.create(code="PHONE", interaction_group_code="PHONE", unit_cost=1, unit_duration_min=5)
    rows = [dict(no=f"CT{i:06d}", type="person", name=f"Person {i}", city=f"City {i % 50}")
            for i in range(1, CONTACTS + 1)]
    with database.atomic():
        for start in range(0, len(rows), 2000):
            Contact.insert_many(rows[start:start + 2000]).execute()
    full = segments.new_segment("to log", template_code="PHONE", salesperson_code="AK")["no"]
    criteria.add_contacts(full, [("type", "person")])
    segments.new_segment("to add to", template_code="PHONE", salesperson_code="AK")
    database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database.close()
    csv = folder / "import.csv"
    csv.write_text("First Name,Last Name,E-mail Address,Business City\n" + "".join(
        f"New{i},Imported,new{i}@example.com,Town {i % 30}\n" for i in range(IMPORTED)), encoding="utf-8")
    return {"db": path, "csv": csv, "folder": folder}


OPERATIONS = {
    "log": ["segment", "log", "SM00001"],
    "add": ["segment", "add", "SM00002", "--filter", "type=person"],
    "import": ["contacts", "import", "{csv}"],
}


def state(path):
    con = sqlite3.connect(str(path))
    try:
        q = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "integrity": q("PRAGMA integrity_check"),
            "open_sm1": q("SELECT COUNT(*) FROM segment_header WHERE no = 'SM00001'"),
            "lines_sm1": q("SELECT COUNT(*) FROM segment_line WHERE segment_no = 'SM00001' AND removed_by IS NULL"),
            "lines_sm2": q("SELECT COUNT(*) FROM segment_line WHERE segment_no = 'SM00002' AND removed_by IS NULL"),
            "actions_sm2": q("SELECT COUNT(*) FROM segment_criteria_line WHERE segment_no = 'SM00002' "
                             "AND kind = 'action'"),
            "logged": q("SELECT COUNT(*) FROM logged_segment"),
            "entries": q("SELECT COUNT(*) FROM interaction_log_entry"),
            "contacts": q("SELECT COUNT(*) FROM contact"),
        }
    finally:
        con.close()


NOTHING = {
    "log": lambda s: s["open_sm1"] == 1 and s["lines_sm1"] == CONTACTS and s["logged"] == 0 and s["entries"] == 0,
    "add": lambda s: s["lines_sm2"] == 0 and s["actions_sm2"] == 0,
    "import": lambda s: s["contacts"] == CONTACTS,
}
EVERYTHING = {
    "log": lambda s: s["open_sm1"] == 0 and s["lines_sm1"] == 0 and s["logged"] == 1 and s["entries"] == CONTACTS,
    "add": lambda s: s["lines_sm2"] == CONTACTS and s["actions_sm2"] == 1,
    "import": lambda s: s["contacts"] == CONTACTS + IMPORTED,
}


def start(base, path, operation):
    env = dict(os.environ, SEGTUI_DB=str(path), SEGTUI_CONFIG=str(base["folder"] / "settings.toml"),
               SEGTUI_DATA_DIR=str(base["folder"] / "data"))
    args = [a.format(csv=base["csv"]) for a in OPERATIONS[operation]]
    return subprocess.Popen([sys.executable, "-m", "segtui", *args, "--json"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


@pytest.mark.parametrize("operation", list(OPERATIONS), ids=list(OPERATIONS))
def test_sigkill_leaves_all_or_nothing_and_the_next_run_works(base, tmp_path, operation):
    # Once to the end: it works, and how long it takes.
    path = tmp_path / "full.db"
    shutil.copy(base["db"], path)
    began = time.monotonic()
    proc = start(base, path, operation)
    assert proc.wait(timeout=300) == 0, proc.stderr.read()
    full = time.monotonic() - began
    assert EVERYTHING[operation](state(path))

    outcomes = {"nothing": 0, "everything": 0, "while_writing": 0}
    plans = [("time", f) for f in FRACTIONS] + [("wal", d) for d in AT_WAL_WRITE]
    for i, (how, value) in enumerate(plans):
        path = tmp_path / f"kill{i}.db"
        shutil.copy(base["db"], path)
        wal = path.with_name(path.name + "-wal")
        proc = start(base, path, operation)
        if how == "time":
            time.sleep(full * value)
        else:
            deadline = time.monotonic() + full * 3
            while time.monotonic() < deadline and proc.poll() is None and not (wal.exists() and wal.stat().st_size):
                time.sleep(0.0005)
            time.sleep(value)
        writing = proc.poll() is None and wal.exists() and wal.stat().st_size > 0
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        proc.stderr.close()
        after = state(path)  # opening it also recovers the -wal of the killed process
        assert after["integrity"] == "ok"
        if NOTHING[operation](after):
            outcomes["nothing"] += 1
            outcomes["while_writing"] += writing
            # The next run works and does it all.
            again = start(base, path, operation)
            assert again.wait(timeout=300) == 0, again.stderr.read()
            again.stderr.close()
            assert EVERYTHING[operation](state(path))
        else:
            assert EVERYTHING[operation](after), f"partial after a kill ({how} {value}): {after}"
            outcomes["everything"] += 1
    print(f"\nkill {operation}: {len(plans)} SIGKILLs over a {full:.2f} s run: "
          f"{outcomes['nothing']} left nothing ({outcomes['while_writing']} of them killed while writing), "
          f"{outcomes['everything']} everything, 0 partial")
