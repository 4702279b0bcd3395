"""Contacts import and export (issue 6, items 1-2): samples field by field, rejections with
line numbers, re-import and round trips that change nothing, mappings, wrong input."""
import filecmp
from pathlib import Path

import pytest

from segtui import db as dbmod
from segtui.models import Contact, NumberSeries, SegmentHeader, SegmentLine
from segtui.services import contact_io

DATA = Path(__file__).parent / "data" / "contacts"
# Beside the repository (../shared); a worktree one level deeper finds it one level up.
SHARED_SAMPLES = next((p / "shared" / "samples" / "contacts" for p in Path(__file__).resolve().parents[1].parents
                       if (p / "shared" / "samples" / "contacts").is_dir()),
                      Path(__file__).resolve().parents[1].parent / "shared" / "samples" / "contacts")
SAMPLES = sorted(p.name for p in DATA.iterdir())
FIELDS = ("type", "name", "first_name", "surname", "company_name", "address", "address_2", "post_code",
          "city", "county", "country_code", "phone", "mobile", "email", "job_title")


def contacts():
    """Every contact as a dict of the fields a file fills, keyed by name."""
    return {c["name"]: {k: c[k] for k in FIELDS} for c in Contact.select().dicts()}


def snapshot():
    return sorted(tuple(c.values()) for c in Contact.select().dicts())


def person(**fields):
    base = {k: "" for k in FIELDS}
    base["type"] = "person"
    base.update(fields)
    return base


def company(name, **fields):
    base = {k: "" for k in FIELDS}
    base.update(type="company", name=name, company_name=name, **fields)
    return base


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def test_the_copies_are_the_shared_samples():
    if not SHARED_SAMPLES.exists():
        pytest.skip("shared samples not present")
    shared = sorted(p.name for p in SHARED_SAMPLES.iterdir())
    assert shared == SAMPLES
    for name in shared:
        assert filecmp.cmp(SHARED_SAMPLES / name, DATA / name, shallow=False), name


# --- the samples, field by field ---------------------------------------------------------

def test_google_sample(db):
    result = contact_io.import_contacts(DATA / "google_contacts.csv")
    assert result["rejected"] == []
    assert (result["imported"], result["companies"], result["updated"]) == (7, 3, 0)
    got = contacts()
    assert got == {
        "Åsa Lindqvist": person(name="Åsa Lindqvist", first_name="Åsa", surname="Lindqvist",
                                company_name="Nordisk Möbel AB", address="Storgatan 12", post_code="211 34",
                                city="Malmö", country_code="SE", mobile="+46 70 123 45 67",
                                email="asa.lindqvist@example.se", job_title="Inköpschef"),
        "Jonas Berg": person(name="Jonas Berg", first_name="Jonas", surname="Berg", company_name="Nordisk Möbel AB",
                             address="Kungsgatan 4, lgh 1102", post_code="111 43", city="Stockholm",
                             country_code="SE", phone="08-555 123 45", email="jonas.berg@example.com",
                             job_title="Säljare"),
        "Mary-Jane O'Neil": person(name="Mary-Jane O'Neil", first_name="Mary-Jane", surname="O'Neil",
                                   company_name="Baker & Sons, Ltd.", address="221B Baker Street",
                                   post_code="NW1 6XE", city="London", country_code="GB",
                                   phone="+44 20 7946 0958", job_title="Director"),
        "최유림": person(name="최유림", first_name="유림", surname="최", city="Seoul", country_code="KR",
                       email="yurim.choi@example.kr"),
        "Ghost Company Without People": company("Ghost Company Without People", email="info@ghost.example"),
        "Nordisk Möbel AB": company("Nordisk Möbel AB"),
        "Baker & Sons, Ltd.": company("Baker & Sons, Ltd."),
    }
    nordisk = Contact.get(Contact.name == "Nordisk Möbel AB")
    assert nordisk.company_no == nordisk.no
    assert {c.company_no for c in Contact.select().where(Contact.company_name == "Nordisk Möbel AB")} == {nordisk.no}
    assert all(c.search_name == c.name.upper() for c in Contact.select())


def test_row_named_only_as_its_organisation_is_the_company(db, tmp_path):
    path = write(tmp_path, "g.csv", "Name,Given Name,Family Name,E-mail 1 - Value,Organization 1 - Name\n"
                                    "Acme AB,,,info@acme.example,Acme AB\nBo Ek,Bo,Ek,bo@acme.example,ACME AB\n")
    result = contact_io.import_contacts(path)
    assert (result["imported"], result["companies"]) == (2, 1)
    acme = Contact.get(Contact.name == "Acme AB")
    assert (acme.type, acme.email) == ("company", "info@acme.example")
    assert Contact.get(Contact.name == "Bo Ek").company_no == acme.no


def test_google_rows_start_on_the_right_lines(db):
    parsed = contact_io.read_file(DATA / "google_contacts.csv")
    # The first row's formatted address spans three physical lines.
    assert [r.line for r in parsed.rows] == [2, 5, 6, 7, 8]
    assert parsed.source == "google"


def test_outlook_sample(db):
    result = contact_io.import_contacts(DATA / "outlook_contacts.csv")
    assert result["rejected"] == []
    assert (result["imported"], result["companies"]) == (5, 2)
    assert contacts() == {
        "Klaus Müller": person(name="Klaus Müller", first_name="Klaus", surname="Müller",
                               company_name="Müller & Partner GmbH", address="Friedrichstraße 100",
                               post_code="10117", city="Berlin", country_code="DE", phone="+49 30 1234567",
                               email="k.mueller@example.de", job_title="Geschäftsführer"),
        "Sophie Martin": person(name="Sophie Martin", first_name="Sophie", surname="Martin",
                                company_name="Atelier Martin", address="12 rue de la Paix", post_code="75002",
                                city="Paris", country_code="FR", mobile="+33 6 12 34 56 78",
                                email="sophie.martin@example.fr", job_title="Gérante"),
        "Lars Nilsson": person(name="Lars Nilsson", first_name="Lars", surname="Nilsson",
                               address="Västra Hamngatan 3", post_code="411 17", city="Göteborg",
                               country_code="SE"),
        "Müller & Partner GmbH": company("Müller & Partner GmbH"),
        "Atelier Martin": company("Atelier Martin"),
    }
    assert [r.line for r in contact_io.read_file(DATA / "outlook_contacts.csv").rows] == [2, 3, 5]


def test_vcard_sample(db):
    result = contact_io.import_contacts(DATA / "contacts.vcf")
    assert result["rejected"] == []
    assert (result["imported"], result["companies"]) == (4, 2)
    assert contacts() == {
        "Ingrid Ekström": person(name="Ingrid Ekström", first_name="Ingrid", surname="Ekström",
                                 company_name="Fjällbacka Fisk AB", address="Hamngatan 1", post_code="457 40",
                                 city="Fjällbacka", country_code="SE", mobile="+46 70 987 65 43",
                                 email="ingrid@fjallbackafisk.example", job_title="VD"),
        # KIND:org: a company card, not a person; TEL given as a tel: URI.
        "ACME Trading Ltd.": company("ACME Trading Ltd.", address="1 Industrial Way", post_code="LS1 4AP",
                                     city="Leeds", country_code="GB", phone="+44-113-496-0000",
                                     email="sales@acme-trading.example"),
        "Peter Acme": person(name="Peter Acme", first_name="Peter", surname="Acme",
                             company_name="ACME Trading Ltd.", email="peter@acme-trading.example"),
        "Fjällbacka Fisk AB": company("Fjällbacka Fisk AB"),
    }
    acme = Contact.get(Contact.name == "ACME Trading Ltd.")
    assert Contact.get(Contact.name == "Peter Acme").company_no == acme.no
    assert [r.line for r in contact_io.read_file(DATA / "contacts.vcf").rows] == [1, 16, 25]


def test_broken_sample_reports_each_bad_row_with_its_line(db):
    result = contact_io.import_contacts(DATA / "broken_contacts.csv")
    assert result["imported"] == 2
    assert contacts() == {"Anna Svensson": person(name="Anna Svensson", first_name="Anna", surname="Svensson",
                                                  email="anna@example.se", city="Uppsala"),
                          "Eva Holm": person(name="Eva Holm", first_name="Eva", surname="Holm", city="Lund")}
    rejected = {r["line"]: r["reason"] for r in result["rejected"]}
    assert sorted(rejected) == [3, 4]
    assert "broken quote" in rejected[3] and "'First Name'" in rejected[3]
    assert rejected[4] == "no name and no organisation"
    # A bad value is left out with a warning; the contact still comes in.
    assert result["warnings"] == [{"line": 5, "field": "email",
                                   "reason": "e-mail 'not-an-email' is not an e-mail address: left out"}]


@pytest.mark.parametrize("name", SAMPLES)
def test_reimport_duplicates_nothing(db, name):
    first = contact_io.import_contacts(DATA / name)
    before = snapshot()
    series = NumberSeries.get_by_id("CONTACT").last_no
    again = contact_io.import_contacts(DATA / name)
    assert (again["imported"], again["updated"], again["companies"]) == (0, 0, 0)
    assert again["unchanged"] >= 1
    assert again["rejected"] == first["rejected"]
    assert snapshot() == before
    assert NumberSeries.get_by_id("CONTACT").last_no == series


def test_all_samples_together_share_companies_and_numbers(db):
    total = 0
    for name in SAMPLES:
        total += contact_io.import_contacts(DATA / name)["imported"]
    assert Contact.select().count() == total == 18
    nos = sorted(c.no for c in Contact.select())
    assert nos == [f"CT{i:06d}" for i in range(1, 19)]
    assert NumberSeries.get_by_id("CONTACT").last_no == 18
    assert dbmod.next_no("CONTACT") == "CT000019"


# --- matching and updating ---------------------------------------------------------------

def test_existing_company_of_that_name_is_reused(db):
    Contact.create(no="CT900001", type="company", name="Nordisk Möbel AB", company_no="CT900001",
                   company_name="Nordisk Möbel AB", search_name="NORDISK MÖBEL AB")
    result = contact_io.import_contacts(DATA / "google_contacts.csv")
    assert result["companies"] == 2
    assert Contact.select().where(Contact.name == "Nordisk Möbel AB").count() == 1
    assert {c.company_no for c in Contact.select().where(Contact.first_name.in_(["Åsa", "Jonas"]))} == {"CT900001"}


def test_changed_row_updates_the_contact_matched_by_email(db, tmp_path):
    contact_io.import_contacts(DATA / "outlook_contacts.csv")
    klaus = Contact.get(Contact.email == "k.mueller@example.de")
    text = (DATA / "outlook_contacts.csv").read_text(encoding="utf-8-sig").replace('"Berlin"', '"Potsdam"')
    result = contact_io.import_contacts(write(tmp_path, "changed.csv", text))
    assert (result["imported"], result["updated"], result["unchanged"]) == (0, 1, 2)
    again = Contact.get(Contact.no == klaus.no)
    assert again.city == "Potsdam" and again.name == "Klaus Müller"
    assert again.created_at == klaus.created_at


def test_contact_without_email_is_matched_by_name_and_company(db, tmp_path):
    contact_io.import_contacts(DATA / "outlook_contacts.csv")
    lars = Contact.get(Contact.name == "Lars Nilsson")
    text = (DATA / "outlook_contacts.csv").read_text(encoding="utf-8-sig").replace('"411 17"', '"411 18"')
    result = contact_io.import_contacts(write(tmp_path, "changed.csv", text))
    assert (result["imported"], result["updated"]) == (0, 1)
    assert Contact.get(Contact.no == lars.no).post_code == "411 18"


def test_email_added_later_updates_the_contact_of_that_name(db, tmp_path):
    contact_io.import_contacts(DATA / "outlook_contacts.csv")
    lars = Contact.get(Contact.name == "Lars Nilsson")
    path = write(tmp_path, "l.csv", "First Name,Last Name,E-mail Address\nLars,Nilsson,lars@n.example\n")
    result = contact_io.import_contacts(path)
    assert (result["imported"], result["updated"]) == (0, 1)
    assert Contact.get(Contact.no == lars.no).email == "lars@n.example"
    # A namesake with another e-mail is another person.
    path = write(tmp_path, "l2.csv", "First Name,Last Name,E-mail Address\nLars,Nilsson,other@n.example\n")
    assert contact_io.import_contacts(path)["imported"] == 1
    assert Contact.select().where(Contact.name == "Lars Nilsson").count() == 2


def test_duplicate_rows_in_one_file_make_one_contact(db, tmp_path):
    path = write(tmp_path, "dup.csv", "First Name,Last Name,E-mail Address,Company\n"
                                      "Ann,Lee,ann@lee.example,Lee Ltd\nAnn,Lee,ANN@lee.example,Lee Ltd\n")
    result = contact_io.import_contacts(path)
    assert (result["imported"], result["companies"]) == (2, 1)
    assert Contact.select().count() == 2


def test_numbers_come_from_the_series_advanced_once(db, tmp_path):
    dbmod.next_no("CONTACT")  # CT000001 taken elsewhere
    rows = "".join(f"P{i},Q,p{i}@example.com\n" for i in range(50))
    result = contact_io.import_contacts(write(tmp_path, "n.csv", "First Name,Last Name,E-mail Address\n" + rows))
    assert result["imported"] == 50
    assert sorted(c.no for c in Contact.select()) == [f"CT{i:06d}" for i in range(2, 52)]
    assert NumberSeries.get_by_id("CONTACT").last_no == 51


def test_progress_is_reported(db):
    calls = []
    contact_io.import_contacts(DATA / "google_contacts.csv",
                               progress=lambda done, total, what="": calls.append((done, total)))
    assert calls[0] == (0, 5) and calls[-1] == (5, 5)


def test_an_exception_from_progress_rolls_everything_back(db):
    def cancel(done, total, what=""):
        if done == total:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        contact_io.import_contacts(DATA / "google_contacts.csv", progress=cancel)
    assert Contact.select().count() == 0
    assert NumberSeries.get_by_id("CONTACT").last_no == 0


# --- dry run and strict ----------------------------------------------------------------------

def test_dry_run_changes_nothing(db):
    result = contact_io.import_contacts(DATA / "google_contacts.csv", dry_run=True)
    assert result["dry_run"] is True and result["imported"] == 7
    assert Contact.select().count() == 0
    assert NumberSeries.get_by_id("CONTACT").last_no == 0


def test_strict_imports_nothing_when_a_row_is_bad(db):
    with pytest.raises(contact_io.ImportRefused) as info:
        contact_io.import_contacts(DATA / "broken_contacts.csv", strict=True)
    assert [r["line"] for r in info.value.rejected] == [3, 4]
    assert "line 4: no name and no organisation" in str(info.value)
    assert Contact.select().count() == 0


def test_strict_imports_a_clean_file(db):
    assert contact_io.import_contacts(DATA / "outlook_contacts.csv", strict=True)["imported"] == 5


# --- CSV details -------------------------------------------------------------------------

def test_unclosed_quote_is_reported_and_the_rest_is_read(db, tmp_path):
    path = write(tmp_path, "q.csv", 'First Name,Last Name,E-mail Address\r\nA,B,a@b.example\r\n'
                                    '"Open,C,c@d.example\r\nD,E,d@e.example\r\n')
    result = contact_io.import_contacts(path)
    assert result["rejected"] == [{"line": 3, "reason": "broken quote: a quoted cell that starts on this line "
                                                        "is never closed"}]
    assert set(contacts()) == {"A B", "D E"}


def test_unclosed_quote_early_in_a_long_file_loses_only_its_line(db, tmp_path):
    rows = "".join(f"P{i},Q,p{i}@example.com\n" for i in range(4000))
    path = write(tmp_path, "q.csv", 'First Name,Last Name,E-mail Address\n"Open,C,c@d.example\n' + rows)
    result = contact_io.import_contacts(path)
    assert [r["line"] for r in result["rejected"]] == [2]
    assert "broken quote" in result["rejected"][0]["reason"]
    assert result["imported"] == 4000


def test_many_broken_quotes_stop_reading_with_a_reason(db, tmp_path, monkeypatch):
    monkeypatch.setattr(contact_io.csv_read, "MAX_QUOTE_RESTARTS", 3)
    rows = "".join(f'"P{i},Q,p{i}@example.com\n' for i in range(6))
    result = contact_io.import_contacts(write(tmp_path, "q.csv", "First Name,Last Name,E-mail Address\n" + rows))
    assert [r["line"] for r in result["rejected"]] == [2, 3, 4, 5]
    assert result["rejected"][-1]["reason"].startswith("not read: after 3 broken quotes reading stopped here; "
                                                       "lines 5-7 were not imported")


def test_header_only_imports_nothing(db, tmp_path):
    result = contact_io.import_contacts(write(tmp_path, "h.csv", "First Name,Last Name\n"))
    assert (result["imported"], result["rejected"]) == (0, [])


def test_quote_closed_on_a_later_line_is_reported_on_its_first_line(db, tmp_path):
    path = write(tmp_path, "q.csv", 'First Name,Last Name,E-mail Address\nA,B,a@b.example\n'
                                    '"Open,C,c@d.example\nD,"E,d@e.example\nF,G,f@g.example\n')
    result = contact_io.import_contacts(path)
    lines = {r["line"]: r["reason"] for r in result["rejected"]}
    assert sorted(lines) == [3, 4]
    assert "on line 4" in lines[3] and "never closed" in lines[4]
    assert set(contacts()) == {"A B", "F G"}


def test_quote_swallowing_rows_is_reported(db, tmp_path):
    # The opened quote closes on line 4 and leaves far too many cells: report line 3, read on.
    path = write(tmp_path, "q.csv", 'First Name,Last Name,E-mail Address\nA,B,a@b.example\n'
                                    '"Open,C,c@d.example\nD",E,d@e.example,x,y\nF,G,f@g.example\n')
    result = contact_io.import_contacts(path)
    reasons = {r["line"]: r["reason"] for r in result["rejected"]}
    assert 3 in reasons and "broken quote" in reasons[3] and "runs to line 4" in reasons[3]
    assert "F G" in contacts()


def test_row_with_more_cells_than_the_header(db, tmp_path):
    path = write(tmp_path, "w.csv", "First Name,Last Name\nA,B,extra\nC,D,,\n")
    result = contact_io.import_contacts(path)
    assert result["rejected"] == [{"line": 2, "reason": "the row has 3 cells but the header has 2"}]
    assert set(contacts()) == {"C D"}


def test_windows_1252_semicolons_with_map(db, tmp_path):
    data = ("Vorname;Nachname;Firma;E-Mail;Ort;Land\r\n"
            "Jürgen;Weiß;Müller AG;j@x.example;Köln;Deutschland\r\n"
            '"Anna";"Berg";;"a@b.example";"Lund";"Sverige"\r\n').encode("cp1252")
    path = write(tmp_path, "de.csv", data)
    mapping = {"Vorname": "first_name", "Nachname": "surname", "Firma": "organisation", "E-Mail": "email",
               "Ort": "city", "land": "country_code"}
    parsed = contact_io.read_file(path, mapping=mapping)
    assert (parsed.encoding, parsed.delimiter, parsed.source) == ("windows-1252", ";", "mapped")
    result = contact_io.import_contacts(path, mapping=mapping)
    assert (result["imported"], result["companies"]) == (3, 1)
    assert contacts()["Jürgen Weiß"] == person(name="Jürgen Weiß", first_name="Jürgen", surname="Weiß",
                                               company_name="Müller AG", city="Köln", country_code="DE",
                                               email="j@x.example")
    assert contacts()["Anna Berg"]["country_code"] == "SE"


def test_excel_sep_line_names_the_delimiter(db, tmp_path):
    path = write(tmp_path, "s.csv", "sep=;\r\nFirst Name;Last Name;Company\r\nA;B;X, Y and Z\r\nC;\r\n")
    result = contact_io.import_contacts(path)
    assert result["imported"] == 3 and result["rejected"] == []
    assert contacts()["A B"]["company_name"] == "X, Y and Z"
    assert [r.line for r in contact_io.read_file(path).rows] == [3, 4]


def test_utf8_with_bom_and_utf16(db, tmp_path):
    text = "First Name,Last Name,E-mail Address\r\nÅke,Öst,ake@ost.example\r\n"
    write(tmp_path, "bom.csv", "\ufeff" + text)
    write(tmp_path, "u16.csv", text.encode("utf-16"))
    assert contact_io.read_file(tmp_path / "bom.csv").rows[0].fields["first_name"] == "Åke"
    assert contact_io.read_file(tmp_path / "u16.csv").rows[0].fields["surname"] == "Öst"


def test_google_multi_value_cells_take_the_first(db):
    row = contact_io.read_file(DATA / "google_contacts.csv").rows[0]
    assert row.fields["email"] == "asa.lindqvist@example.se"


def test_map_adds_to_a_known_export(db, tmp_path):
    path = write(tmp_path, "o.csv", "First Name,Last Name,E-mail Address,Region\nA,B,a@b.example,Skåne\n")
    contact_io.import_contacts(path, mapping={"Region": "county"})
    assert contacts()["A B"]["county"] == "Skåne"


def test_unknown_country_name_is_left_out_with_a_warning(db, tmp_path):
    path = write(tmp_path, "c.csv", "First Name,Last Name,Business Country\nA,B,Narnia\nC,D,se\nE,F,Argentina\n")
    result = contact_io.import_contacts(path)
    assert result["rejected"] == []
    assert result["warnings"] == [{"line": 2, "field": "country_code", "reason": (
        "country 'Narnia' is not a country segtui knows: left out (give its name or ISO code, e.g. SE, DE, GB)")}]
    assert contacts()["A B"]["country_code"] == ""
    assert contacts()["C D"]["country_code"] == "SE"
    assert contacts()["E F"]["country_code"] == "AR"


def test_too_long_value_is_left_out_or_cut_with_a_warning(db, tmp_path):
    path = write(tmp_path, "l.csv", f"First Name,Last Name,Mobile Phone,Job Title\nA,B,{'9' * 31},{'T' * 120}\n")
    result = contact_io.import_contacts(path)
    assert result["rejected"] == []
    assert [(w["line"], w["field"]) for w in result["warnings"]] == [(2, "mobile"), (2, "job_title")]
    assert result["warnings"][0]["reason"] == "mobile is 31 characters long, at most 30 fit: left out"
    limit = Contact.job_title.max_length
    assert contacts()["A B"]["mobile"] == "" and contacts()["A B"]["job_title"] == "T" * limit


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


# --- PostgreSQL (with SEGTUI_TEST_PG=postgresql://...) ---------------------------------------

def test_postgresql_import_reimport_and_round_trip(pg, tmp_path):
    for name in SAMPLES:
        contact_io.import_contacts(DATA / name)
    assert Contact.select().count() == 18
    before = snapshot()
    for name in SAMPLES:
        again = contact_io.import_contacts(DATA / name)
        assert (again["imported"], again["updated"]) == (0, 0)
    for fmt in ("csv", "vcard"):
        path = tmp_path / f"all.{fmt}"
        contact_io.export_contacts(path, format=fmt)
        result = contact_io.import_contacts(path, format=fmt)
        assert (result["imported"], result["updated"], result["unchanged"]) == (0, 0, 18)
    assert snapshot() == before
    Contact.update(city="Elsewhere").where(Contact.name == "Lars Nilsson").execute()
    assert contact_io.import_contacts(tmp_path / "all.csv")["updated"] == 1
    assert Contact.get(Contact.name == "Lars Nilsson").city == "Göteborg"
