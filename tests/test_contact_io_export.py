"""Contacts export (issue 6, item 2): export and import again changes nothing, in the same and
in a fresh database; vCard 4.0 and the CSV header; a segment's contacts."""
import pytest

from segtui import db as dbmod
from segtui.models import Contact, SegmentHeader, SegmentLine
from segtui.services import contact_io
from contact_io_helpers import DATA, SAMPLES, snapshot


# --- export and round trips ----------------------------------------------------------------

def _import_all_samples():
    for name in SAMPLES:
        contact_io.import_contacts(DATA / name)


def _tricky_contacts():
    Contact.create(no="CT800001", type="company", name='Semi; Colon, "Quoted" & Co', company_no="CT800001",
                   company_name='Semi; Colon, "Quoted" & Co', search_name='SEMI; COLON, "QUOTED" & CO',
                   address="Back\\slash 1", address_2="Floor 2, Room 3", city="Zürich", country_code="CH")
    # A person known only by a name that is also the company's: KIND keeps it a person.
    Contact.create(no="CT800003", type="person", name='Semi; Colon, "Quoted" & Co', company_no="CT800001",
                   company_name='Semi; Colon, "Quoted" & Co', search_name='SEMI; COLON, "QUOTED" & CO',
                   email="desk@semi.example")
    Contact.create(no="CT800004", type="person", name="Dr. Eva Lund", first_name="Eva", surname="Lund",
                   search_name="DR. EVA LUND")
    long_name = "Maximiliane Friederike " + "Ü" * 30
    Contact.create(no="CT800002", type="person", name=long_name, first_name="Maximiliane Friederike",
                   surname="Ü" * 30, company_no="CT800001", company_name='Semi; Colon, "Quoted" & Co',
                   search_name=long_name.upper(), email="max@semi.example", phone="+41 1", mobile="+41 79 2",
                   job_title="Head, of; things", language_code="DEU", salesperson_code="JO",
                   territory_code="NORTH", correspondence_type="hard_copy", exclude_from_segment=True,
                   county="ZH", post_code="8001")


@pytest.mark.parametrize("fmt", ["csv", "vcard"])
def test_export_then_import_changes_nothing(db, tmp_path, fmt):
    _import_all_samples()
    _tricky_contacts()
    before = snapshot()
    path = tmp_path / f"all.{'vcf' if fmt == 'vcard' else 'csv'}"
    assert contact_io.export_contacts(path, format=fmt) == {"exported": 22}
    result = contact_io.import_contacts(path)
    assert result["rejected"] == []
    assert (result["imported"], result["updated"], result["unchanged"]) == (0, 0, 22)
    assert snapshot() == before


@pytest.mark.parametrize("fmt", ["csv", "vcard"])
def test_export_reads_back_unchanged_into_a_fresh_database(db, tmp_path, fmt):
    _import_all_samples()
    _tricky_contacts()
    keep = [f for f in Contact._meta.sorted_field_names if f not in ("no", "company_no", "created_at", "modified_at")]

    def content():
        return sorted(tuple(c[k] for k in keep) for c in Contact.select().dicts())

    before = content()
    path = tmp_path / "all.out"
    contact_io.export_contacts(path, format=fmt)
    db.close()
    dbmod.open_database(str(tmp_path / "fresh.db"))
    dbmod.init_database()
    result = contact_io.import_contacts(path, format=fmt)
    assert result["rejected"] == [] and result["imported"] == 22
    assert content() == before
    # Persons are linked to the company of their name in the new database.
    for c in Contact.select().where((Contact.type == "person") & (Contact.company_name != "")):
        assert Contact.get(Contact.no == c.company_no).name == c.company_name


@pytest.mark.parametrize("fmt", ["csv", "vcard"])
def test_demo_contacts_round_trip(demo_db, tmp_path, fmt):
    before = snapshot()
    path = tmp_path / "demo.out"
    assert contact_io.export_contacts(path, format=fmt) == {"exported": 300}
    result = contact_io.import_contacts(path, format=fmt)
    assert (result["imported"], result["updated"], result["unchanged"], result["rejected"]) == (0, 0, 300, [])
    assert snapshot() == before


def test_vcard_export_is_version_4_and_folded(db, tmp_path):
    _tricky_contacts()
    path = tmp_path / "x.vcf"
    contact_io.export_contacts(path)
    raw = path.read_bytes()
    text = raw.decode("utf-8")
    assert text.count("VERSION:4.0") == 4 and "X-SEGTUI-NO:CT800002" in text and "KIND:org" in text
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    assert "ORG:Semi\\; Colon\\, \"Quoted\" & Co" in text


def test_csv_export_has_segtui_header(db, tmp_path):
    _import_all_samples()
    path = tmp_path / "x.csv"
    contact_io.export_contacts(path)
    header = path.read_text(encoding="utf-8").splitlines()[0]
    assert header.split(",") == list(contact_io.EXPORT_FIELDS)
    assert contact_io.read_file(path).source == "segtui"


def test_export_a_segments_contacts(db, tmp_path):
    _import_all_samples()
    SegmentHeader.create(no="SM00001", description="Test")
    nos = [c.no for c in Contact.select().where(Contact.country_code == "SE").order_by(Contact.no)]
    for i, no in enumerate(nos, 1):
        SegmentLine.create(segment_no="SM00001", line_no=i * 10000, contact_no=no)
    path = tmp_path / "seg.csv"
    assert contact_io.export_contacts(path, segment_no="sm00001") == {"exported": len(nos)}
    assert [r.fields["no"] for r in contact_io.read_file(path).rows] == nos
    with pytest.raises(contact_io.NotFound):
        contact_io.export_contacts(tmp_path / "none.csv", segment_no="SM99999")


def test_export_refuses_a_missing_folder(db, tmp_path):
    with pytest.raises(contact_io.SegtuiError, match="does not exist"):
        contact_io.export_contacts(tmp_path / "no" / "x.csv")
