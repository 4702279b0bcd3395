"""Database opening, schema version and migration, settings, and the CLI's common contract."""
import os
import sqlite3
import subprocess
import sys

import pytest

from segtui import config, db as dbmod
from segtui.errors import Conflict, SegtuiError
from segtui.models import Contact, InteractionLogEntry, LoggedSegment, SchemaInfo


def test_init_creates_every_table_and_is_idempotent(db):
    assert dbmod.schema_version() == dbmod.SCHEMA_VERSION
    tables = set(db.get_tables())
    assert {"contact", "segment_header", "segment_line", "interaction_log_entry", "logged_segment",
            "contact_mailing_group", "saved_segment_criteria", "number_series"} <= tables
    Contact.create(no="CT1", name="Kept")
    assert dbmod.init_database() == dbmod.SCHEMA_VERSION
    assert Contact.select().count() == 1
    assert SchemaInfo.select().count() == 1


def test_sqlite_pragmas_wal_and_foreign_keys(db):
    assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute_sql("PRAGMA busy_timeout").fetchone()[0] == dbmod.BUSY_TIMEOUT_S * 1000


def test_indexes_for_what_filters_and_sheets_read(db):
    def indexed(table):
        cols = set()
        for idx in db.get_indexes(table):
            cols.add(tuple(idx.columns))
        return cols

    contact = indexed("contact")
    for column in ("type", "company_no", "city", "post_code", "country_code", "salesperson_code", "name"):
        assert (column,) in contact
    assert ("segment_no", "line_no") in indexed("segment_line")
    entries = indexed("interaction_log_entry")
    for column in ("contact_no", "date", "segment_no", "logged_segment_entry_no"):
        assert (column,) in entries


def test_upgrade_from_version_1_keeps_rows(db):
    # Build a database as version 1 had it: no delivery bookkeeping columns.
    db.execute_sql("ALTER TABLE interaction_log_entry DROP COLUMN delivery_error")
    db.execute_sql("ALTER TABLE interaction_log_entry DROP COLUMN message_id")
    db.execute_sql("DROP INDEX segment_line_live_contact")
    db.execute_sql("CREATE INDEX segment_line_segment_no_contact_no ON segment_line (segment_no, contact_no)")
    SchemaInfo.update(version=1).execute()
    logged = LoggedSegment.create(segment_no="SM00001", description="old")
    db.execute_sql(
        "INSERT INTO interaction_log_entry (contact_no, segment_no, logged_segment_entry_no, description,"
        " correspondence_type, interaction_template_code, interaction_group_code, language_code, subject,"
        " contact_company_no, cost, duration_min, salesperson_code, campaign_no, campaign_target,"
        " campaign_response, evaluation, attempt_failed, information_flow, initiated_by, personal_note,"
        " attachment_name, user_id, canceled, delivery_status, send_word_docs_as_attmt)"
        " VALUES ('CT1', 'SM00001', ?, 'kept', '', 'LETTER', 'LETTER', '', '', '', 1, 0, 'JO', '', 0, 0, '',"
        " 0, '', '', '', '', '', 0, '', 0)", (logged.entry_no,))
    assert dbmod.schema_version() == 1
    assert "message_id" not in {c.name for c in db.get_columns("interaction_log_entry")}

    dbmod.open_database(str(db.database))
    assert dbmod.init_database() == dbmod.SCHEMA_VERSION

    assert dbmod.schema_version() == dbmod.SCHEMA_VERSION
    columns = {c.name for c in db.get_columns("interaction_log_entry")}
    assert {"message_id", "delivery_error"} <= columns
    line_indexes = {tuple(i.columns) for i in db.get_indexes("segment_line")}
    assert ("segment_no", "contact_no", "cost", "duration_min", "removed_by") in line_indexes  # 6 and 8: one index
    assert ("segment_no", "contact_no") not in line_indexes
    assert "delivery_status" not in {c for i in db.get_indexes("interaction_log_entry") for c in i.columns}
    entry = InteractionLogEntry.get()
    assert entry.description == "kept" and entry.message_id == ""
    assert LoggedSegment.select().count() == 1


def test_number_series_counts_up(db):
    with dbmod.transaction():
        assert dbmod.next_no("SEGMENT") == "SM00001"
        assert dbmod.next_no("SEGMENT") == "SM00002"
    with pytest.raises(SegtuiError, match="NOPE"):
        dbmod.next_no("NOPE")


def test_transaction_rolls_back_on_error(db):
    with pytest.raises(RuntimeError):
        with dbmod.transaction():
            Contact.create(no="CT9", name="Gone")
            raise RuntimeError("crash in the middle")
    assert Contact.select().count() == 0


def test_locked_database_is_a_conflict(db, db_path, monkeypatch):
    monkeypatch.setattr(dbmod, "BUSY_TIMEOUT_S", 0.2)
    other = sqlite3.connect(str(db_path), timeout=0.1)
    other.execute("BEGIN IMMEDIATE")
    try:
        db.execute_sql("PRAGMA busy_timeout = 200")
        with pytest.raises(Conflict, match="busy"):
            with dbmod.transaction():
                Contact.create(no="CT1", name="Blocked")
    finally:
        other.rollback()
        other.close()
    assert Contact.select().count() == 0


def test_resolve_url_accepts_paths_and_urls(tmp_path, monkeypatch):
    monkeypatch.delenv("SEGTUI_DB", raising=False)
    assert dbmod.resolve_url(str(tmp_path / "a.db")) == f"sqlite:///{tmp_path}/a.db"
    assert dbmod.resolve_url("postgresql://u@h:5432/d") == "postgresql://u@h:5432/d"
    monkeypatch.setenv("SEGTUI_DATA_DIR", str(tmp_path / "data"))
    assert dbmod.resolve_url().endswith(f"{tmp_path}/data/segtui.db")


def test_unsupported_url_is_refused(tmp_path):
    with pytest.raises(SegtuiError, match="unsupported database URL"):
        dbmod.open_database("mysql://x")


def test_config_set_and_read_back(tmp_path, monkeypatch):
    monkeypatch.setenv("SEGTUI_CONFIG", str(tmp_path / "s.toml"))
    assert config.load()["smtp"]["port"] == 25
    config.set_value("smtp.port", config.parse_value("587"))
    config.set_value("theme", config.parse_value("segtui-light"))
    config.set_value("keymap.go_back", "ctrl+z")
    loaded = config.load()
    assert loaded["smtp"]["port"] == 587 and loaded["smtp"]["host"] == "localhost"
    assert loaded["theme"] == "segtui-light"
    assert loaded["keymap"] == {"go_back": "ctrl+z"}
    with pytest.raises(SegtuiError, match="is a value"):
        config.set_value("theme.x", 1)


def test_broken_settings_file_is_reported(tmp_path, monkeypatch):
    path = tmp_path / "s.toml"
    path.write_text("theme = [unclosed", encoding="utf-8")
    monkeypatch.setenv("SEGTUI_CONFIG", str(path))
    with pytest.raises(SegtuiError, match="not valid TOML"):
        config.load()


# --- the command line --------------------------------------------------------------------

def test_cli_init_prints_schema_version_and_is_idempotent(run_cli):
    code, data, err = run_cli("init")
    assert code == 0, err
    assert data == {"schema_version": dbmod.SCHEMA_VERSION}
    assert run_cli("init")[0] == 0


def test_cli_usage_error_exits_2(run_cli):
    code, _, err = run_cli("segment", "no-such-command", json_out=False)
    assert code == 2
    assert "usage" in err
    assert run_cli("contacts", "list", "--limit", "many", json_out=False)[0] == 2


def test_python_dash_m_entry_point(run_cli):
    p = subprocess.run([sys.executable, "-m", "segtui", "--help"], capture_output=True, text=True)
    assert p.returncode == 0 and "segment" in p.stdout


def test_cli_config_set_and_show(run_cli, tmp_path):
    code, data, err = run_cli("config", "set", "smtp.port", "2525")
    assert code == 0, err
    assert data == {"smtp.port": 2525}
    code, data, _ = run_cli("config", "show")
    assert data["smtp"]["port"] == 2525
    assert "port = 2525" in (tmp_path / "settings.toml").read_text()


def test_cli_backup_copies_a_live_database(run_cli, tmp_path):
    run_cli("init")
    target = tmp_path / "copy.db"
    code, data, err = run_cli("backup", target)
    assert code == 0, err
    assert data["bytes"] == target.stat().st_size > 0
    tables = {r[0] for r in sqlite3.connect(target).execute("select name from sqlite_master where type='table'")}
    assert "contact" in tables
    code, _, err = run_cli("backup", target)
    assert code == 1 and "exists" in err


def test_cli_locked_database_exits_3(run_cli, db_path, tmp_path):
    run_cli("init")
    other = sqlite3.connect(str(db_path))
    other.execute("BEGIN EXCLUSIVE")
    try:
        env_timeout = subprocess.run(
            [sys.executable, "-c",
             "import sys, segtui.db as d; d.BUSY_TIMEOUT_S = 0.3\n"
             "from segtui.cli import main; sys.exit(main(['segment', 'new', '--description', 'x', '--json']))"],
            capture_output=True, text=True,
            env={**os.environ, "SEGTUI_DB": str(db_path), "SEGTUI_CONFIG": str(tmp_path / "s.toml")},
            timeout=60)
    finally:
        other.rollback()
        other.close()
    assert env_timeout.returncode == 3, env_timeout.stderr
    assert env_timeout.stderr.startswith("error:")


@pytest.mark.parametrize("where", ["before", "after"])
def test_common_options_work_before_or_after_the_command(run_cli, tmp_path, where):
    target = tmp_path / f"{where}.db"
    args = ["--db", target, "init"] if where == "before" else ["init", "--db", target]
    code, data, err = run_cli(*args)
    assert code == 0, err
    assert data == {"schema_version": dbmod.SCHEMA_VERSION}
    assert target.exists()


def test_demo_progress_shows_on_a_terminal_only(monkeypatch):
    import io

    from segtui.cli import core

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setattr(sys, "stderr", io.StringIO())
    assert core._progress_on_terminal() is None
    screen = Terminal()
    monkeypatch.setattr(sys, "stderr", screen)
    show = core._progress_on_terminal()
    show(20_000, 1_000_000)
    show(1_000_000, 1_000_000)
    assert screen.getvalue() == "\r20,000 of 1,000,000 contacts\r1,000,000 of 1,000,000 contacts\n"


def test_contacts_list_table_shows_the_columns_people_read(cli_main):
    cli_main("init")
    from segtui.models import Contact

    Contact.create(no="CT000001", name="Åsa Lindqvist", city="Malmö", email="asa@example.se")
    code, text, _ = cli_main("contacts", "list", json_out=False)
    assert code == 0
    header = text.splitlines()[0].split()
    assert header == ["no", "type", "name", "company_name", "city", "country_code", "email", "salesperson_code"]
    assert "Åsa Lindqvist" in text and "Malmö" in text and "(1 row)" in text
