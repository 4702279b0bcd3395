"""Contacts import, CSV details (issue 6, item 1): broken quotes reported with line numbers,
encodings and delimiters, mappings, values left out or cut with a warning."""
from segtui.models import Contact
from segtui.services import contact_io
from contact_io_helpers import DATA, contacts, person, write


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
