"""Database URLs: a file that is not a segtui database, an in-memory URL and a mistyped path are
refused in a sentence (exit 1); only init, demo and the worksheet create a database."""
import sqlite3

import pytest

from segtui import db as dbmod
from segtui.errors import SegtuiError


@pytest.mark.parametrize("url", [":memory:", "sqlite://", "sqlite:///:memory:", "sqlite://:memory:",
                                 "file::memory:?cache=shared"],
                         ids=["memory", "sqlite-no-path", "sqlite-memory", "sqlite-memory-2", "uri-memory"])
def test_in_memory_urls_are_refused(run_cli, url):
    code, out, err = run_cli("--db", url, "init")
    assert code == 1 and "in memory" in err and "Traceback" not in err
    code, out, err = run_cli("--db", url, "segment", "list")
    assert code == 1 and "in memory" in err


@pytest.mark.parametrize("content", [b"hello, I am a text file\n", b"PK\x03\x04" + bytes(200), bytes(4096)],
                         ids=["text", "zip", "zeros"])
def test_a_file_that_is_not_sqlite_is_refused_and_left_alone(run_cli, tmp_path, content):
    path = tmp_path / "notes.txt"
    path.write_bytes(content)
    for command in (["init"], ["segment", "list"], ["demo", "--contacts", "5"]):
        code, _, err = run_cli("--db", path, *command)
        assert code == 1, (command, err)
        assert "is not a segtui database" in err and "Traceback" not in err
    assert path.read_bytes() == content


def test_a_sqlite_database_of_another_program_is_refused(run_cli, tmp_path):
    path = tmp_path / "other.db"
    other = sqlite3.connect(path)
    other.execute("create table invoices (id integer primary key, total real)")
    other.commit()
    other.close()
    code, _, err = run_cli("--db", path, "init")
    assert code == 1 and "not a segtui database" in err
    tables = {r[0] for r in sqlite3.connect(path).execute("select name from sqlite_master where type='table'")}
    assert tables == {"invoices"}


def test_a_missing_database_is_not_created_by_ordinary_commands(run_cli, tmp_path):
    path = tmp_path / "typo" / "deeper" / "segtui.db"
    for command in (["segment", "list"], ["contacts", "list"], ["segment", "new", "--description", "x"],
                    ["logged", "list"], ["backup", tmp_path / "b.db"]):
        code, _, err = run_cli("--db", path, *command)
        assert code == 1, (command, err)
        assert "there is no database at" in err and "segtui init" in err
    assert not (tmp_path / "typo").exists()


@pytest.mark.parametrize("command", [["init"], ["demo", "--contacts", "5"]], ids=["init", "demo"])
def test_init_and_demo_create_a_database_and_its_folders(run_cli, tmp_path, command):
    path = tmp_path / "new" / "folder" / "segtui.db"
    code, _, err = run_cli("--db", path, *command)
    assert code == 0, err
    assert path.exists()
    assert run_cli("--db", path, "segment", "list")[0] == 0


def test_the_worksheet_creates_a_database(tmp_path):
    path = tmp_path / "ws" / "segtui.db"
    dbmod.ensure_ready(str(path))  # what the worksheet calls on start
    assert dbmod.schema_version() == dbmod.SCHEMA_VERSION
    dbmod.database.close()


def test_an_empty_file_is_an_empty_database_for_init_only(run_cli, tmp_path):
    path = tmp_path / "empty.db"
    path.write_bytes(b"")
    code, _, err = run_cli("--db", path, "segment", "list")
    assert code == 1 and "no segtui database" in err
    assert run_cli("--db", path, "init")[0] == 0
    assert run_cli("--db", path, "segment", "list")[0] == 0


def test_a_database_of_a_newer_segtui_is_refused(db, db_path):
    from segtui.models import SchemaInfo

    SchemaInfo.update(version=dbmod.SCHEMA_VERSION + 50).execute()
    with pytest.raises(SegtuiError, match="newer than this segtui knows"):
        dbmod.ensure_ready(str(db_path), create=False)
    assert dbmod.schema_version() == dbmod.SCHEMA_VERSION + 50


def test_a_folder_is_refused(run_cli, tmp_path):
    code, _, err = run_cli("--db", tmp_path, "segment", "list")
    assert code == 1 and "is a folder" in err


def test_messages_never_show_a_postgresql_password():
    assert dbmod.shown_url("postgresql://me:s3cret@db.example/crm") == "postgresql://me@db.example/crm"
