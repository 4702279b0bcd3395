"""PostgreSQL: waits for a lock or a statement are bounded like SQLite's busy timeout and end in
exit 3 "busy"; stale edits and segments logged meanwhile are conflicts there too.
Runs when SEGTUI_TEST_PG=postgresql://... names a database it may empty (see .ci/run)."""
import json
import os
import subprocess
import sys

import pytest

from segtui import db as dbmod
from segtui.errors import SegtuiError
from segtui.models import ALL_MODELS, database

PG_URL = os.environ.get("SEGTUI_TEST_PG")
NEEDS_PG = pytest.mark.skipif(not PG_URL, reason="set SEGTUI_TEST_PG=postgresql://... to run on PostgreSQL")


def cli(tmp_path, *args, timeout_s=None):
    """The real entry point on PostgreSQL; timeout_s shortens the lock wait for the test."""
    prefix = f"import segtui.db as d; d.BUSY_TIMEOUT_S = {timeout_s}\n" if timeout_s else ""
    code = (prefix + "import sys\nfrom segtui.cli import main\n"
            f"sys.exit(main({[str(a) for a in args] + ['--json']!r}))")
    env = dict(os.environ, SEGTUI_DB=PG_URL, SEGTUI_CONFIG=str(tmp_path / "settings.toml"),
               SEGTUI_DATA_DIR=str(tmp_path / "data"))
    p = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


def test_connections_carry_the_lock_and_statement_timeouts(pg):
    assert database.execute_sql("SHOW lock_timeout").fetchone()[0] == f"{dbmod.BUSY_TIMEOUT_S}s"
    assert database.execute_sql("SHOW statement_timeout").fetchone()[0] == f"{dbmod.STATEMENT_TIMEOUT_S // 60}min"
    assert database.execute_sql("SHOW idle_in_transaction_session_timeout").fetchone()[0] == "5min"


def test_connections_compile_no_statement_just_in_time(pg):
    # JIT compiled the log's refusal scan for 16 of its 26 ms once the statistics had seen a large segment.
    assert database.execute_sql("SHOW jit").fetchone()[0] == "off"


def _hold_row_lock(no):
    import psycopg2

    other = psycopg2.connect(PG_URL)
    cur = other.cursor()
    cur.execute("SELECT no FROM segment_header WHERE no = %s FOR UPDATE", (no,))
    return other


@pytest.mark.parametrize("command", [["segment", "set", "{no}", "description=late"],
                                     ["segment", "add", "{no}", "--filter", "city=*"],
                                     ["segment", "delete", "{no}"]],
                         ids=["set", "add", "delete"])
def test_a_row_lock_held_by_another_user_ends_in_busy_exit_3(pg, tmp_path, command):
    from segtui.services import segments

    no = segments.new_segment("Locked")["no"]
    database.close()
    other = _hold_row_lock(no)
    try:
        code, out, err = cli(tmp_path, *[c.format(no=no) for c in command], timeout_s=0.5)
    finally:
        other.rollback()
        other.close()
    assert code == 3, err
    assert "busy" in err and "Traceback" not in err
    code, out, _ = cli(tmp_path, "segment", "show", no)
    assert code == 0 and json.loads(out)["description"] == "Locked"


def test_stale_edit_from_two_processes_is_a_conflict(pg, tmp_path):
    from segtui.services import segments

    no = segments.new_segment("Shared")["no"]
    read = segments.get_segment(no)["version"]
    database.close()
    assert cli(tmp_path, "segment", "set", no, "description=first", "--if-version", read)[0] == 0
    code, _, err = cli(tmp_path, "segment", "set", no, "description=second", "--if-version", read)
    assert code == 3 and "changed by another user since you read it" in err
    assert json.loads(cli(tmp_path, "segment", "show", no)[1])["description"] == "first"


def test_changing_a_segment_deleted_meanwhile_is_a_conflict(pg, tmp_path):
    from segtui.services import segments

    no = segments.new_segment("Gone")["no"]
    database.close()
    assert cli(tmp_path, "segment", "delete", no)[0] == 0
    for command in (["segment", "add", no, "--filter", "city=*"], ["segment", "go-back", no]):
        code, _, err = cli(tmp_path, *command)
        assert code == 3 and "no longer open" in err, err


def test_an_empty_postgresql_database_is_not_initialised_by_ordinary_commands(pg, tmp_path):
    database.drop_tables(ALL_MODELS, safe=True)
    database.close()
    code, _, err = cli(tmp_path, "segment", "list")
    assert code == 1 and "no segtui database" in err and "segtui init" in err
    assert cli(tmp_path, "init")[0] == 0


def test_deadlock_and_serialization_failures_are_busy():
    class PgError(Exception):
        def __init__(self, code):
            super().__init__("x")
            self.pgcode = code

    for code in ("55P03", "57014", "40P01", "40001"):
        wrapped = Exception("wrapped")
        wrapped.__cause__ = PgError(code)
        assert dbmod.is_busy(wrapped), code
    assert not dbmod.is_busy(PgError("23505"))  # a unique violation is not "busy"


def test_a_statement_past_the_time_limit_is_not_called_a_lock(db):
    import peewee

    from segtui.errors import Conflict

    class PgError(Exception):
        pgcode = "57014"  # query_canceled: PostgreSQL's statement_timeout

    timed_out = peewee.OperationalError("canceling statement due to statement timeout")
    timed_out.__cause__ = PgError()
    with pytest.raises(Conflict) as caught:
        with dbmod.transaction():
            raise timed_out
    assert "ran longer than the limit of 5 minutes" in str(caught.value) and "locked" not in str(caught.value)
    with pytest.raises(Conflict, match="busy .locked by another user"):
        with dbmod.transaction():
            raise peewee.OperationalError("database is locked")


@NEEDS_PG
def test_the_password_of_a_url_is_not_shown_when_it_cannot_connect():
    from urllib.parse import urlsplit

    parts = urlsplit(PG_URL)
    url = f"{parts.scheme}://nobody:s3cret@{parts.hostname}:{parts.port or 5432}/no_such_database_here"
    with pytest.raises(SegtuiError) as info:
        dbmod.open_database(url)
    assert "s3cret" not in str(info.value) and "nobody@" in str(info.value)


def test_a_postgresql_database_shared_with_another_application_is_usable(pg, tmp_path):
    database.drop_tables(ALL_MODELS, safe=True)
    database.execute_sql("CREATE TABLE IF NOT EXISTS other_app_orders (id integer)")
    database.close()
    try:
        code, _, err = cli(tmp_path, "segment", "list")
        assert code == 1 and "no segtui database" in err
        assert cli(tmp_path, "init")[0] == 0
        assert cli(tmp_path, "segment", "list")[0] == 0
        dbmod.open_database(PG_URL)
        assert "other_app_orders" in database.get_tables()
    finally:
        dbmod.open_database(PG_URL)
        database.execute_sql("DROP TABLE IF EXISTS other_app_orders")
