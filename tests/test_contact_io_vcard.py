"""Contacts import, vCard details (issue 6, item 1): vCard 2.1, broken cards reported on their
BEGIN line, and the format guessed from the content."""
from segtui.services import contact_io
from contact_io_helpers import DATA, contacts, person, write


# --- vCard details -------------------------------------------------------------------------

VCARD21 = ("BEGIN:VCARD\r\nVERSION:2.1\r\n"
           "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;Hans\r\n"
           "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Hans M=C3=BCller\r\n"
           "ORG:Foo GmbH;Sales\r\nTITLE:Einkauf\r\n"
           "TEL;CELL;VOICE:+49 171 1\r\nTEL;WORK:+49 30 2\r\nEMAIL;PREF;INTERNET:h@foo.example\r\n"
           "ADR;WORK;ENCODING=QUOTED-PRINTABLE:;;Haupt=\r\nstr. 1;Berlin;;10115;Germany\r\n"
           "END:VCARD\r\n")


def test_vcard_21_quoted_printable(db, tmp_path):
    result = contact_io.import_contacts(write(tmp_path, "v21.vcf", VCARD21))
    assert (result["imported"], result["companies"]) == (2, 1)
    assert contacts()["Hans Müller"] == person(name="Hans Müller", first_name="Hans", surname="Müller",
                                               company_name="Foo GmbH", address="Hauptstr. 1", post_code="10115",
                                               city="Berlin", country_code="DE", phone="+49 30 2",
                                               mobile="+49 171 1", email="h@foo.example", job_title="Einkauf")


def test_vcard_without_end_is_reported_and_others_read(db, tmp_path):
    text = ("BEGIN:VCARD\nVERSION:3.0\nFN:Lost One\nN:One;Lost;;;\n"
            "BEGIN:VCARD\nVERSION:3.0\nFN:Kept Two\nN:Two;Kept;;;\nEMAIL:k@two.example\nEND:VCARD\n")
    result = contact_io.import_contacts(write(tmp_path, "x.vcf", text))
    assert result["rejected"] == [{"line": 1, "reason": "the card has no END:VCARD"}]
    assert set(contacts()) == {"Kept Two"}


def test_vcard_bad_email_reported_on_its_begin_line(db, tmp_path):
    text = "BEGIN:VCARD\nVERSION:4.0\nFN:A\nEND:VCARD\n\nBEGIN:VCARD\nVERSION:4.0\nFN:B\nEMAIL:nope\nEND:VCARD\n"
    result = contact_io.import_contacts(write(tmp_path, "x.vcf", text))
    assert result["rejected"] == [] and set(contacts()) == {"A", "B"}
    assert result["warnings"] == [{"line": 6, "field": "email",
                                   "reason": "e-mail 'nope' is not an e-mail address: left out"}]


def test_unreadable_vcard_is_reported_on_its_begin_line(db, tmp_path):
    text = ("BEGIN:VCARD\nVERSION:3.0\nFN:Good One\nEND:VCARD\n"
            "BEGIN:VCARD\nVERSION:3.0\nFN:Bad\nthis line is no property\nEND:VCARD\n")
    result = contact_io.import_contacts(write(tmp_path, "x.vcf", text))
    assert [r["line"] for r in result["rejected"]] == [5]
    assert result["rejected"][0]["reason"].startswith("the card cannot be read")
    assert set(contacts()) == {"Good One"}


def test_import_of_a_previewed_file(db):
    parsed = contact_io.read_file(DATA / "outlook_contacts.csv")
    result = contact_io.import_contacts(None, parsed=parsed)
    assert result["imported"] == 5


def test_format_is_guessed_from_content(db, tmp_path):
    path = write(tmp_path, "cards.txt", (DATA / "contacts.vcf").read_text(encoding="utf-8"))
    assert contact_io.read_file(path).format == "vcard"
    assert contact_io.read_file(DATA / "contacts.vcf", format="vcard").format == "vcard"
