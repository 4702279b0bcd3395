"""Contacts import and export refused and through the command line (issue 6, items 1-2): wrong
input exits 1 and changes nothing, mappings named in errors, the real entry point."""
import pytest

from segtui.models import Contact
from segtui.services import contact_io
from contact_io_helpers import DATA, write


# --- wrong input and refusals ------------------------------------------------------------

def test_read_file_writes_nothing_and_previews(db):
    parsed = contact_io.read_file(DATA / "broken_contacts.csv")
    preview = parsed.preview(2)
    assert [r["line"] for r in preview["rows"]] == [2, 3]
    assert [r["line"] for r in preview["rejected"]] == [3, 4]
    assert preview["good"] == 2 and preview["total"] == 4
    assert preview["warnings"][0]["line"] == 5 and preview["unmapped_columns"] == []
    assert Contact.select().count() == 0


@pytest.mark.parametrize("content, message", [
    (None, "does not exist"),
    (b"", "is empty"),
    (b"  \r\n\r\n", "is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "not a text file"),
], ids=["missing", "empty", "blank-lines", "png"])
def test_wrong_input_exits_1_and_changes_nothing(db, cli_main, tmp_path, content, message):
    path = tmp_path / "in.csv"
    if content is not None:
        path.write_bytes(content)
    code, out, err = cli_main("contacts", "import", path)
    assert code == 1 and message in err and out is None


def test_unknown_columns_without_map(db, cli_main, tmp_path):
    path = write(tmp_path, "x.csv", "Spalte A,Spalte B\nA,B\n")
    code, _, err = cli_main("contacts", "import", path)
    assert code == 1
    assert "--map" in err and "Spalte A, Spalte B" in err


def test_read_columns_for_a_mapping_dialog(db, tmp_path):
    path = write(tmp_path, "x.csv", "Spalte A;Spalte B\nA;B\n")
    assert contact_io.read_columns(path) == {"format": "csv", "columns": ["Spalte A", "Spalte B"], "source": None,
                                             "encoding": "utf-8", "delimiter": ";"}
    assert contact_io.read_columns(DATA / "google_contacts.csv")["source"] == "google"
    assert contact_io.read_columns(DATA / "contacts.vcf")["format"] == "vcard"
    with pytest.raises(contact_io.UnknownColumns) as info:
        contact_io.read_file(path)
    assert info.value.columns == ["Spalte A", "Spalte B"]


def test_real_entry_point(db, run_cli, tmp_path):
    code, out, err = run_cli("contacts", "import", DATA / "contacts.vcf")
    assert code == 0, err
    assert out == {"imported": 4, "updated": 0, "unchanged": 0, "companies": 2, "opted_out": 0, "rejected": [],
                   "warnings": [],
                   "unmapped_columns": [], "format": "vcard", "source": "vcard", "encoding": "utf-8",
                   "dry_run": False}
    code, out, err = run_cli("contacts", "export", tmp_path / "x.csv", "--format", "csv")
    assert code == 0 and out == {"exported": 4}


def test_map_errors_name_the_field_and_column(db, cli_main, tmp_path):
    path = write(tmp_path, "x.csv", "Vorname,Nachname\nA,B\n")
    code, _, err = cli_main("contacts", "import", path, "--map", "Vorname=firstname")
    assert code == 1 and "unknown field 'firstname'" in err
    code, _, err = cli_main("contacts", "import", path, "--map", "Vor=first_name")
    assert code == 1 and "no column 'Vor'" in err
    code, _, err = cli_main("contacts", "import", path, "--map", "Vorname")
    assert code == 1 and "COLUMN=FIELD" in err


# --- the command line ----------------------------------------------------------------------

def test_cli_import_export_round_trip(db, cli_main, tmp_path):
    code, out, err = cli_main("contacts", "import", DATA / "broken_contacts.csv")
    assert code == 0, err
    assert out["imported"] == 2 and [r["line"] for r in out["rejected"]] == [3, 4]
    code, out, _ = cli_main("contacts", "import", DATA / "google_contacts.csv", "--dry-run")
    assert code == 0 and out["imported"] == 7 and out["dry_run"] is True
    code, out, _ = cli_main("contacts", "list")
    assert len(out) == 2
    code, out, err = cli_main("contacts", "import", DATA / "broken_contacts.csv", "--strict")
    assert code == 1 and "line 3:" in err
    code, out, _ = cli_main("contacts", "export", tmp_path / "out.vcf")
    assert code == 0 and out == {"exported": 2}
    assert (tmp_path / "out.vcf").read_bytes().startswith(b"BEGIN:VCARD\r\nVERSION:4.0\r\n")
    code, out, _ = cli_main("contacts", "import", tmp_path / "out.vcf")
    assert code == 0 and (out["imported"], out["updated"], out["unchanged"]) == (0, 0, 2)
    code, text, _ = cli_main("contacts", "import", DATA / "broken_contacts.csv", json_out=False)
    assert code == 0 and "line 4: no name and no organisation" in text
    code, out, err = cli_main("contacts", "export", tmp_path / "seg.csv", "--segment", "SM404")
    assert code == 1 and "SM404" in err
