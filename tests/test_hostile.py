"""Hostile inputs (tests/hostile_corpus.py) are refused with a sentence and change nothing: a
checksum of every table, and the settings file, are the same before and after each refusal."""
import hashlib
import os
import sqlite3

import pytest

import hostile_corpus as corpus
from segtui.services import criteria, segments


def checksum(db_path):
    """One digest per table over every row (in rowid order), plus the schema."""
    con = sqlite3.connect(str(db_path))
    try:
        out = {}
        for name, sql in con.execute("SELECT name, sql FROM sqlite_master WHERE type IN ('table', 'index') "
                                     "AND name NOT LIKE 'sqlite_%' ORDER BY name"):
            digest = hashlib.sha256((sql or "").encode())
            if sql and sql.upper().startswith("CREATE TABLE"):
                for row in con.execute(f'SELECT * FROM "{name}" ORDER BY rowid'):
                    digest.update(repr(row).encode())
            out[name] = digest.hexdigest()
        return out
    finally:
        con.close()


@pytest.fixture
def world(demo_db, db_path, tmp_path):
    """Demo data with one open segment SM_OPEN holding some lines."""
    no = segments.new_segment("hostile", template_code="PHONE", salesperson_code="AK")["no"]
    criteria.add_contacts(no, [("city", "Dresden")])
    demo_db.close()
    settings = tmp_path / "settings.toml"
    settings.write_text('theme = "segtui-dark"\n', encoding="utf-8")
    return {"no": no, "db": db_path, "settings": settings}


def refused(cli_main, world, *args):
    before, settings_before = checksum(world["db"]), world["settings"].read_bytes()
    code, out, err = cli_main(*args)
    assert code in (1, 2), (args, code, out, err)
    assert "Traceback" not in err and err.startswith(("error:", "usage error:")), err
    assert err.strip().count("\n") < 40  # a sentence or a short list, not a dump
    assert checksum(world["db"]) == before, f"{args} changed the database"
    assert world["settings"].read_bytes() == settings_before
    return err


@pytest.mark.parametrize("case_id, expression", corpus.FILTERS, ids=[c[0] for c in corpus.FILTERS])
@pytest.mark.parametrize("command", ["add", "reduce", "refine"])
def test_hostile_filters_are_refused(cli_main, world, command, case_id, expression):
    refused(cli_main, world, "segment", command, world["no"], "--filter", expression)


INJECTED_COMMANDS = {
    "show": lambda no, s: ["segment", "show", s],
    "field-name": lambda no, s: ["segment", "set", no, f"{s}=1"],
    "template": lambda no, s: ["segment", "set", no, f"template={s}"],
    "line-contact": lambda no, s: ["segment", "set-line", no, "10", f"contact={s}"],
    "add-contact": lambda no, s: ["segment", "add-contact", no, s],
    "logged-show": lambda no, s: ["logged", "show", s],
    "criteria-show": lambda no, s: ["criteria", "show", s],
    "version": lambda no, s: ["segment", "set", no, "description=x", "--if-version", s],
}


@pytest.mark.parametrize("index", range(len(corpus.INJECTION)), ids=[f"injection{i}" for i in
                                                                        range(len(corpus.INJECTION))])
@pytest.mark.parametrize("where", list(INJECTED_COMMANDS))
def test_injection_strings_are_refused_where_they_name_something(cli_main, world, where, index):
    text = corpus.INJECTION[index]
    err = refused(cli_main, world, *INJECTED_COMMANDS[where](world["no"], text))
    assert "\x1b" not in err and "\u202e" not in err  # quoted back, but never to the terminal raw


@pytest.mark.parametrize("index", range(len(corpus.INJECTION)), ids=[f"injection{i}" for i in
                                                                        range(len(corpus.INJECTION))])
def test_injection_strings_stored_as_text_are_kept_exactly(cli_main, world, index):
    text = corpus.INJECTION[index][:100]
    code, header, err = cli_main("segment", "new", "--description", text)
    assert code == 0, err
    assert header["description"] == text
    code, shown, _ = cli_main("segment", "show", header["no"])
    assert shown["description"] == text
    con = sqlite3.connect(str(world["db"]))
    assert con.execute("SELECT COUNT(*) FROM contact").fetchone()[0] == 300  # nothing was dropped
    con.close()


@pytest.mark.parametrize("case_id, args", corpus.NUMBERS, ids=[c[0] for c in corpus.NUMBERS])
def test_numbers_too_large_or_not_numbers_are_refused(cli_main, world, case_id, args):
    err = refused(cli_main, world, *[a.format(no=world["no"]) for a in args])
    assert len(err) < 400  # the 5,000 digits are not printed back in full


@pytest.mark.parametrize("case_id, suffix, payload", corpus.CONTACT_FILES, ids=[c[0] for c in corpus.CONTACT_FILES])
def test_hostile_contact_files_are_refused(cli_main, world, tmp_path, case_id, suffix, payload):
    path = tmp_path / f"in.{suffix}"
    path.write_bytes(corpus.file_bytes(case_id, payload))
    refused(cli_main, world, "contacts", "import", path)


@pytest.mark.parametrize("case_id, suffix, payload", corpus.REJECTED_ROWS, ids=[c[0] for c in corpus.REJECTED_ROWS])
def test_contact_files_whose_rows_are_all_rejected_import_nothing(cli_main, world, tmp_path, case_id, suffix,
                                                                  payload):
    path = tmp_path / f"in.{suffix}"
    path.write_bytes(payload)
    before = checksum(world["db"])
    code, out, err = cli_main("contacts", "import", path)
    assert code == 0, err
    assert out["imported"] == out["updated"] == 0 and out["rejected"] and out["rejected"][0]["reason"]
    assert checksum(world["db"]) == before


@pytest.mark.parametrize("case_id, suffix, payload, name, warned", corpus.READ_AS_WRITTEN,
                         ids=[c[0] for c in corpus.READ_AS_WRITTEN])
def test_odd_contact_files_are_read_as_written(cli_main, world, tmp_path, case_id, suffix, payload, name, warned):
    from segtui.models import Contact

    path = tmp_path / f"in.{suffix}"
    path.write_bytes(payload)
    code, out, err = cli_main("contacts", "import", path)
    assert code == 0, err
    assert out["imported"] == 1 and not out["rejected"]
    assert Contact.select().where(Contact.name == name).count() == 1
    assert [w["field"] for w in out["warnings"] if w["field"] == warned] == ([warned] if warned else [])
    before = checksum(world["db"])
    code, out, err = cli_main("contacts", "import", path)
    assert code == 0 and out["imported"] == out["updated"] == 0 and out["unchanged"] == 1, err
    assert checksum(world["db"]) == before


@pytest.mark.parametrize("case_id, payload", corpus.WORD_FILES, ids=[c[0] for c in corpus.WORD_FILES])
def test_hostile_word_files_are_refused(cli_main, world, tmp_path, case_id, payload):
    path = tmp_path / "letter.docx"
    path.write_bytes(corpus.file_bytes(case_id, payload))
    refused(cli_main, world, "template", "attach", "LETTER", path)


@pytest.mark.parametrize("case_id, text", corpus.SETTINGS_FILES, ids=[c[0] for c in corpus.SETTINGS_FILES])
def test_hostile_settings_files_are_refused_when_read(cli_main, world, case_id, text):
    if isinstance(text, bytes):
        world["settings"].write_bytes(text)
    else:
        world["settings"].write_text(text, encoding="utf-8")
    refused(cli_main, world, "config", "show")
    refused(cli_main, world, "config", "set", "smtp.host", "mail.example.com")


@pytest.mark.parametrize("case_id, url", corpus.URLS, ids=[c[0] for c in corpus.URLS])
@pytest.mark.parametrize("command", [["segment", "list"], ["segment", "new", "--description", "x"]],
                         ids=["list", "new"])
def test_hostile_database_urls_are_refused(cli_main, world, tmp_path, case_id, url, command):
    text_file = tmp_path / "notes.txt"
    text_file.write_text("not a database\n")
    corrupt, truncated = tmp_path / "corrupt.db", tmp_path / "truncated.db"
    corrupt.write_bytes(b"SQLite format 3\x00" + bytes((i * 7919) % 251 for i in range(8192)))
    truncated.write_bytes(world["db"].read_bytes()[:20000])
    url = url.format(text_file=text_file, missing=tmp_path / "no" / "such.db", corrupt=corrupt, truncated=truncated)
    modes = {p: os.stat(p).st_mode for p in (url, text_file, corrupt, truncated) if os.path.exists(p)}
    refused(cli_main, world, "--db", url, *command)
    assert not (tmp_path / "no").exists()
    # Refusing changes no file's mode either (run as root, `--db /dev/null` once made it 0600).
    assert {p: os.stat(p).st_mode for p in modes} == modes
    assert text_file.read_text() == "not a database\n"
