"""Issue 9, point 7: every contact file of the real-world corpus (../shared/samples/realworld,
files other programs wrote) imported and checked field by field; a second import and an
export-then-import round trip change nothing; the broken files are refused with a reason.

The files are read from ../shared (several are GPL, AGPL or MPL and are not copied here);
the tests skip when the folder is absent. The expected contacts of each file are in
tests/data/realworld_expected.json, written from reading the files (see the corpus README
for what is unusual in each); on top of them the test reads every vCard's FN and every CSV
row's e-mail address itself and checks that each arrived.
"""
import csv
import io
import json
import quopri
import re
from pathlib import Path

import pytest

from segtui.errors import SegtuiError
from segtui.models import Contact
from segtui.services import contact_io

# Beside the repository (../shared); a worktree one level deeper finds it one level up.
CORPUS = next((p / "shared" / "samples" / "realworld" for p in Path(__file__).resolve().parents[1].parents
               if (p / "shared" / "samples" / "realworld").is_dir()),
              Path(__file__).resolve().parents[1].parent / "shared" / "samples" / "realworld")
EXPECTED = json.loads((Path(__file__).parent / "data" / "realworld_expected.json").read_text(encoding="utf-8"))
FIELDS = ("type", "name", "first_name", "surname", "company_name", "address", "address_2", "post_code",
          "city", "county", "country_code", "phone", "mobile", "email", "job_title")


def _expectations():
    """{file name: 'ok' | 'reject'} from the corpus README's table."""
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    return {name: expect for name, expect in
            re.findall(r"^\| (?:csv|vcard) \| (\S+) \|.*\| (ok|reject) \|$", readme, flags=re.MULTILINE)}


def _cases(expect):
    if not CORPUS.is_dir():
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"{CORPUS} is not here"), id="corpus-absent")]
    listed = _expectations()
    files = sorted(p for kind in ("csv", "vcard") for p in (CORPUS / kind).iterdir())
    return [pytest.param(p, id=p.name) for p in files if listed.get(p.name, "ok") == expect]


def snapshot():
    return sorted(tuple(c.values()) for c in Contact.select().dicts())


def contacts():
    """The contacts in the database as the expected file writes them (non-empty fields)."""
    return sorted((({k: c[k] for k in FIELDS if c[k]}) for c in Contact.select().dicts()),
                  key=lambda c: (c["name"], c["type"], c.get("email", "")))


# --- the test's own reading of the files ---------------------------------------------------------

def _vcard_names(path):
    """Each card's first FN as written: lines unfolded, quoted-printable decoded (by CHARSET,
    else UTF-8, else Windows-1252), escapes undone."""
    raw = path.read_bytes()
    text = raw.decode("utf-16") if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else raw.decode("utf-8", "replace")
    text = re.sub(r"\r*\n|\r", "\n", text)
    text = re.sub(r"=\n", "", text)  # quoted-printable soft breaks (only in 2.1 QP values here)
    text = re.sub(r"\n[ \t]", "", text)
    names, seen = [], False
    for line in text.split("\n"):
        head, _, value = line.partition(":")
        if line.upper().startswith("BEGIN:VCARD"):
            seen = False
        if head.split(";")[0].split(".")[-1].upper() != "FN" or seen:
            continue
        seen = True
        if "QUOTED-PRINTABLE" in head.upper():
            data = quopri.decodestring(value.encode())
            charset = re.search(r"CHARSET=([^;:]+)", head, flags=re.IGNORECASE)
            for codec in ([charset.group(1)] if charset else []) + ["utf-8", "cp1252"]:
                try:
                    value = data.decode(codec)
                    break
                except UnicodeDecodeError:
                    continue
        value = value.replace("\\,", ",").replace("\\;", ";").replace("\\\\", "\\").strip()
        if value:
            names.append(value)
    return names


def _csv_emails(path):
    """Each row's e-mail addresses (a set per row), read with the csv module."""
    raw = path.read_bytes()
    for codec in ("utf-16", "utf-8-sig", "shift_jis"):
        if codec == "utf-16" and raw[:2] not in (b"\xff\xfe", b"\xfe\xff"):
            continue
        try:
            text = raw.decode(codec)
            break
        except UnicodeDecodeError:
            continue
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if "name" in line.lower() or "mail" in line.lower())
    delimiter = ";" if lines[start].count(";") > lines[start].count(",") else ","
    rows = list(csv.reader(io.StringIO("\n".join(lines[start:])), delimiter=delimiter))
    header = rows[0]
    found = []
    for row in rows[1:]:
        cells = {c.split(" ::: ")[0].strip() for h, c in zip(header, row) if "mail" in h.lower() and "@" in c}
        if cells:
            found.append(cells)
    return found


# --- the tests -------------------------------------------------------------------------------

def test_every_file_of_the_corpus_has_an_expectation():
    if not CORPUS.is_dir():
        pytest.skip(f"{CORPUS} is not here")
    listed = _expectations()
    on_disk = {p.name for kind in ("csv", "vcard") for p in (CORPUS / kind).iterdir()}
    assert on_disk <= set(listed), "files the corpus README does not list"
    assert {n for n in on_disk if listed[n] == "ok"} == set(EXPECTED)


@pytest.mark.parametrize("path", _cases("ok"))
def test_every_contact_arrives_field_by_field(db, path):
    result = contact_io.import_contacts(path)
    assert result["rejected"] == []
    expected = EXPECTED[path.name]
    assert contacts() == sorted(expected["contacts"], key=lambda c: (c["name"], c["type"], c.get("email", "")))
    assert [[w["line"], w["field"]] for w in result["warnings"]] == expected["warnings"]
    assert all(w["reason"] for w in result["warnings"])
    names = {c["name"] for c in contacts()}
    emails = {c.get("email") for c in contacts()}
    if path.parent.name == "vcard":
        assert set(_vcard_names(path)) <= names
    else:
        assert all(row & emails for row in _csv_emails(path))  # one of each row's addresses


@pytest.mark.parametrize("path", _cases("ok"))
def test_second_import_and_round_trips_change_nothing(db, tmp_path, path):
    contact_io.import_contacts(path)
    before = snapshot()
    count = len(before)
    again = contact_io.import_contacts(path)
    assert (again["imported"], again["updated"]) == (0, 0)
    assert snapshot() == before
    for fmt, suffix in (("csv", "csv"), ("vcard", "vcf")):
        out = tmp_path / f"out.{suffix}"
        assert contact_io.export_contacts(out, format=fmt) == {"exported": count}
        result = contact_io.import_contacts(out)
        assert (result["imported"], result["updated"], result["unchanged"], result["rejected"]) == (0, 0, count, [])
        assert snapshot() == before


@pytest.mark.parametrize("path", _cases("reject"))
def test_broken_file_is_refused_with_a_reason(db, path):
    before = snapshot()
    try:
        result = contact_io.import_contacts(path)
    except SegtuiError as exc:
        assert str(exc).strip()
    else:
        assert result["imported"] == 0 and result["rejected"]
        assert all(r["reason"] for r in result["rejected"])
    assert snapshot() == before
