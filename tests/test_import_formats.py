"""Issue 9, points 1-5, on files written here (not the corpus): CSV exports in the languages
and layouts of other programs, header rows below a preamble, unused columns and warnings,
countries, encodings, and vCards with every line ending and broken unused properties."""
import json

import pytest

from segtui.models import Contact
from segtui.services import contact_io

FIELDS = ("type", "name", "first_name", "surname", "company_name", "address", "address_2", "post_code",
          "city", "county", "country_code", "phone", "mobile", "email", "job_title")


def write(tmp_path, name, data, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
    return path


def person(name):
    c = Contact.get(Contact.name == name)
    return {k: getattr(c, k) for k in FIELDS if getattr(c, k)}


# --- CSV: column by column -----------------------------------------------------------------

# One contact in the layout each program writes: (header, row). Every one must give the same
# contact, whatever the language of the column names.
OUTLOOK_LIKE = {
    "outlook-en": ("First Name,Last Name,Company,Job Title,Business Street,Business City,Business Postal Code,"
                   "Business Country/Region,Business Phone,Mobile Phone,E-mail Address"),
    "outlook-de": ("Vorname,Nachname,Firma,Position,Straße geschäftlich,Ort geschäftlich,"
                   "Postleitzahl geschäftlich,Land/Region geschäftlich,Telefon geschäftlich,Mobiltelefon,"
                   "E-Mail-Adresse"),
    "outlook-fr": ("Prénom,Nom,Société,Fonction,Rue (bureau),Ville (bureau),Code postal (bureau),"
                   "Pays/Région (bureau),Téléphone (bureau),Tél. mobile,Adresse de messagerie"),
    "outlook-es": ("Nombre,Apellidos,Organización,Puesto,Calle del trabajo,Ciudad de trabajo,"
                   "Código postal del trabajo,País o región del trabajo,Teléfono del trabajo,Móvil,"
                   "Dirección de correo electrónico"),
    "outlook-it": ("Nome,Cognome,Società,Posizione,Via (uff.),Città (uff.),CAP (uff.),"
                   "Paese/area geografica (uff.),Ufficio,Cellulare,Indirizzo posta elettronica"),
    "outlook-nl": ("Voornaam,Achternaam,Bedrijf,Functie,\"Werkadres, straat\",\"Werkadres, plaats\","
                   "\"Werkadres, postcode\",\"Werkadres, land/regio\",Telefoon op werk,Mobiele telefoon,"
                   "E-mailadres"),
    "outlook-sv": ("Förnamn,Efternamn,Företag,Befattning,\"Gatuadress, arbete\",\"Ort, arbete\","
                   "\"Postnummer, arbete\",\"Land/region, arbete\",\"Telefon, arbete\",Mobiltelefon,"
                   "E-postadress"),
    "thunderbird": ("First Name,Last Name,Organization,Job Title,Work Address,Work City,Work ZipCode,"
                    "Work Country,Work Phone,Mobile Number,Primary Email"),
    "google-new": ("First Name,Last Name,Organization Name,Organization Title,Address 1 - Street,"
                   "Address 1 - City,Address 1 - Postal Code,Address 1 - Country,Phone 1 - Value,"
                   "Phone 2 - Value,E-mail 1 - Value"),
    "google-old": ("Given Name,Family Name,Organization 1 - Name,Organization 1 - Title,Address 1 - Street,"
                   "Address 1 - City,Address 1 - Postal Code,Address 1 - Country,Phone 1 - Value,"
                   "Phone 2 - Value,E-mail 1 - Value"),
}
ROW = "Ulla,Berg,Nordvind AB,Buyer,Storgatan 1,Lund,222 22,Sverige,+46 46 1,+46 70 2,ulla@nordvind.example"


@pytest.mark.parametrize("layout", sorted(OUTLOOK_LIKE))
def test_exports_in_each_language_read_column_by_column(db, tmp_path, layout):
    header = OUTLOOK_LIKE[layout]
    row = ROW
    if layout.startswith("google"):  # Google types its phones in a column of their own
        header += ",Phone 1 - Type,Phone 2 - Type"
        row += ",Work,Mobile"
    result = contact_io.import_contacts(write(tmp_path, f"{layout}.csv", f"{header}\n{row}\n"))
    assert result["rejected"] == [] and result["warnings"] == []
    assert result["unmapped_columns"] == ([] if not layout.startswith("google")
                                          else ["Phone 1 - Type", "Phone 2 - Type"])
    assert person("Ulla Berg") == {
        "type": "person", "name": "Ulla Berg", "first_name": "Ulla", "surname": "Berg",
        "company_name": "Nordvind AB", "address": "Storgatan 1", "post_code": "222 22", "city": "Lund",
        "country_code": "SE", "phone": "+46 46 1", "mobile": "+46 70 2", "email": "ulla@nordvind.example",
        "job_title": "Buyer"}


def test_header_below_a_preamble_and_a_single_name_column(db, tmp_path):
    text = ('Notes:\n"Some e-mail addresses may be missing, as LinkedIn says."\n\n'
            "Name,E-mail Address,Company,Home Address,Business Address\n"
            'Ada Lovelace,ada@engine.example,Engine Ltd,"1 Home Row, London",12 Works Lane\n')
    result = contact_io.import_contacts(write(tmp_path, "pre.csv", text))
    assert result["rejected"] == []
    assert person("Ada Lovelace") == {"type": "person", "name": "Ada Lovelace", "company_name": "Engine Ltd",
                                      "email": "ada@engine.example", "address": "12 Works Lane"}
    assert [r.line for r in contact_io.read_file(tmp_path / "pre.csv").rows] == [5]


def test_map_overrides_a_known_column_and_reads_an_unknown_one(db, tmp_path):
    text = "First Name,Last Name,Company,Kundennummer,Notiz\nA,B,Real Co,K-1,Firma: Other Co\n"
    path = write(tmp_path, "m.csv", text)
    result = contact_io.import_contacts(path, mapping={"Kundennummer": "job_title", "Company": "city"})
    assert result["unmapped_columns"] == ["Notiz"]
    assert person("A B") == {"type": "person", "name": "A B", "first_name": "A", "surname": "B",
                             "city": "Real Co", "job_title": "K-1"}


def test_unused_columns_are_listed_and_lookalikes_with_values_warned(db, run_cli, tmp_path):
    text = ("First Name,Last Name,Spouse,Work E-mail 2,Büro Telefon X,Lieferanschrift,Arbeitgeber GmbH,Pager\n"
            "A,B,C,x@y.example,+49 1,Hauptstr. 1,,555\n")
    code, out, err = run_cli("contacts", "import", write(tmp_path, "u.csv", text))
    assert code == 0, err
    assert out["unmapped_columns"] == ["Spouse", "Work E-mail 2", "Büro Telefon X", "Lieferanschrift",
                                       "Arbeitgeber GmbH", "Pager"]
    warned = {w["field"]: w for w in out["warnings"]}
    # An e-mail, a phone and an address went unused and hold values: said plainly. The empty
    # company column, the spouse and the pager are not contact data segtui would keep.
    assert set(warned) == {"Work E-mail 2", "Büro Telefon X", "Lieferanschrift"}
    assert "looks like an e-mail column" in warned["Work E-mail 2"]["reason"]
    assert "--map" in warned["Work E-mail 2"]["reason"] and warned["Work E-mail 2"]["line"] == 1


def test_bad_values_are_warnings_with_line_and_field(db, tmp_path):
    text = ("First Name,Last Name,E-mail Address,Business Country\n"
            "A,B,a b@example.com,Narnia\n"
            "C,D,c@localhost,Argentina\n"
            ",,,\n"
            ",,e@example.com,Sweden\n")
    result = contact_io.import_contacts(write(tmp_path, "b.csv", text))
    assert result["imported"] == 2
    assert [(w["line"], w["field"]) for w in result["warnings"]] == [(2, "email"), (2, "country_code")]
    assert result["rejected"] == [{"line": 4, "reason": "no name and no organisation"},
                                  {"line": 5, "reason": "no name and no organisation"}]
    assert person("A B") == {"type": "person", "name": "A B", "first_name": "A", "surname": "B"}
    assert person("C D")["email"] == "c@localhost" and person("C D")["country_code"] == "AR"


@pytest.mark.parametrize("written, code", [
    ("Argentina", "AR"), ("Deutschland", "DE"), ("Allemagne", "DE"), ("España", "ES"), ("Sverige", "SE"),
    ("U.S.A.", "US"), ("United States of America", "US"), ("UK", "GB"), ("Great Britain", "GB"),
    ("Côte d'Ivoire", "CI"), ("Ivory Coast", "CI"), ("Korea, Republic of", "KR"), ("South Korea", "KR"),
    ("Russia", "RU"), ("Россия", "RU"), ("日本", "JP"), ("Österreich", "AT"), ("Schweiz", "CH"),
    ("Czechia", "CZ"), ("Türkiye", "TR"), ("nld", "NL"), ("br", "BR"), ("Viet Nam", "VN"),
])
def test_countries_by_any_name(db, tmp_path, written, code):
    path = write(tmp_path, "c.csv", f"First Name,Last Name,Home Country\nA,B,\"{written}\"\n")
    result = contact_io.import_contacts(path)
    assert result["warnings"] == []
    assert person("A B")["country_code"] == code


# --- encodings ---------------------------------------------------------------------------------

ENCODED = [
    ("utf-8", "utf-8", "Åsa,Öberg,Malmö"),
    ("utf-8-sig", "utf-8", "Åsa,Öberg,Malmö"),
    ("utf-16", "utf-16-le", "Åsa,Öberg,Malmö"),  # Python writes a little-endian BOM here
    ("utf-16-le", "utf-16-le", "Åsa,Öberg,Malmö"),
    ("utf-16-be", "utf-16-be", "Åsa,Öberg,Malmö"),
    ("cp1252", "windows-1252", "François,Lefèvre,Besançon"),
    ("cp1250", "windows-1250", "Łukasz,Żółkiewski,Łódź"),
    ("cp1251", "windows-1251", "Иван,Петров,Москва"),
    ("cp1253", "windows-1253", "Γιώργος,Παπαδόπουλος,Αθήνα"),
    ("iso8859_15", "iso-8859-15", "José,Peña,€vora"),
    ("shift_jis", "shift_jis", "太郎,山田,東京"),
    ("gb18030", "gb18030", "伟,张,北京市"),
]


@pytest.mark.parametrize("codec, label, row", ENCODED, ids=[e[0] for e in ENCODED])
def test_encodings_are_detected_and_named(db, tmp_path, codec, label, row):
    text = f"First Name,Last Name,Home City\r\n{row}\r\n"
    path = write(tmp_path, "e.csv", text, encoding=codec)
    result = contact_io.import_contacts(path)
    assert result["encoding"] == label
    first, last, city = row.split(",")
    assert person(f"{first} {last}")["city"] == city


def test_encoding_given_on_the_command_line(db, run_cli, tmp_path):
    path = write(tmp_path, "g.csv", "First Name,Last Name,Home City\nΓιώργος,Παπαδόπουλος,Αθήνα\n",
                 encoding="cp1253")
    code, out, err = run_cli("contacts", "import", path, "--encoding", "windows-1253")
    assert code == 0, err
    assert out["encoding"] == "windows-1253" and out["imported"] == 1
    code, out, err = run_cli("contacts", "import", path, "--encoding", "utf-8")
    assert code == 1 and "line 2" in err and "not utf-8" in err
    code, out, err = run_cli("contacts", "import", path, "--encoding", "klingon")
    assert code == 1 and "not an encoding" in err
    code, out, _ = run_cli("contacts", "list")
    assert len(out) == 1  # the refused imports changed nothing


# --- vCard -------------------------------------------------------------------------------------

CARD = ("BEGIN:VCARD{n}VERSION:3.0{n}FN:Richter, James{n}N:Richter;James;;;{n}ORG:Company, The;Sales{n}"
        "NOTE:a note that is fol{n} ded{n}EMAIL;TYPE=INTERNET:james@richter.example{n}"
        "TEL;TYPE=WORK:+1 555{n}END:VCARD{n}")
ENDINGS = {"crlf": "\r\n", "lf": "\n", "cr": "\r", "crcrlf": "\r\r\n"}


@pytest.mark.parametrize("ending", sorted(ENDINGS))
def test_vcard_any_line_ending_and_names_as_written(db, tmp_path, ending):
    result = contact_io.import_contacts(write(tmp_path, "c.vcf", CARD.format(n=ENDINGS[ending])))
    assert result["rejected"] == []
    assert person("Richter, James") == {
        "type": "person", "name": "Richter, James", "first_name": "James", "surname": "Richter",
        "company_name": "Company, The", "email": "james@richter.example", "phone": "+1 555"}
    assert Contact.get(Contact.name == "Company, The").type == "company"


BROKEN_EXTRAS = {
    "photo": "PHOTO;ENCODING=b;TYPE=JPEG:%%%not base64 at all%%%\n /9j/4AAQ\n",
    "photo-2.1-unindented": "PHOTO;ENCODING=BASE64;TYPE=JPEG:/9j/4AAQ\nSkZJRgABAQEAYABgAAD\n\n",
    "profile": "PROFILE:VCARD\n",
    "logo-sound-key": "LOGO;VALUE=uri:\nSOUND:;;;\nKEY;ENCODING=B:=\n",
    "x-props": "X-MS-CARDPICTURE;TYPE=JPEG;ENCODING=BASE64:\n  ???\nX-ABLabel:\nitem1.X-ABADR:se\n",
    "bad-param": 'X-WEIRD;FOO="unclosed:value\nNOTE;ENCODING=QUOTED-PRINTABLE:=ZZ=G\n',
}


@pytest.mark.parametrize("extra", sorted(BROKEN_EXTRAS))
def test_unused_properties_never_stop_a_card(db, tmp_path, extra):
    text = f"BEGIN:VCARD\nVERSION:3.0\nFN:Kept Person\n{BROKEN_EXTRAS[extra]}EMAIL:kept@example.com\nEND:VCARD\n"
    result = contact_io.import_contacts(write(tmp_path, "b.vcf", text))
    assert result["rejected"] == []
    assert person("Kept Person")["email"] == "kept@example.com"


QP = {
    "utf-8 charset": ("N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=B6rg", "Jörg Müller"),
    "latin-2 charset": ("N;CHARSET=ISO-8859-2;ENCODING=QUOTED-PRINTABLE:Iksi=F1ski;Piotr", "Piotr Iksiński"),
    "no charset, utf-8": ("N;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=B6rg", "Jörg Müller"),
    "no charset, windows-1252": ("N;ENCODING=QUOTED-PRINTABLE:M=FCller;J=F6rg", "Jörg Müller"),
    "soft line break": ("N;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:M=C3=BC=\nller;J=C3=B6rg", "Jörg Müller"),
}


@pytest.mark.parametrize("case", sorted(QP))
def test_quoted_printable_by_charset_then_utf8_then_windows_1252(db, tmp_path, case):
    line, name = QP[case]
    text = f"BEGIN:VCARD\r\nVERSION:2.1\r\n{line}\r\nEND:VCARD\r\n"
    result = contact_io.import_contacts(write(tmp_path, "q.vcf", text))
    assert result["rejected"] == []
    assert Contact.get().name == name


def test_a_line_that_is_no_property_after_a_used_one_refuses_the_card(db, tmp_path):
    text = "BEGIN:VCARD\nFN:Cut\nthis is no property\nEND:VCARD\nBEGIN:VCARD\nFN:Whole\nEND:VCARD\n"
    result = contact_io.import_contacts(write(tmp_path, "x.vcf", text))
    assert [r["line"] for r in result["rejected"]] == [1]
    assert "line 3" in result["rejected"][0]["reason"]
    assert [c.name for c in Contact.select()] == ["Whole"]


def test_cli_text_names_warnings_and_unread_columns(db, cli_main, tmp_path):
    path = write(tmp_path, "t.csv", "First Name,Last Name,E-mail Address,Hobby\nA,B,not mail,chess\n")
    code, text, err = cli_main("contacts", "import", path, json_out=False)
    assert code == 0, err
    assert "warnings 1" in text and "warning, line 2, email: e-mail 'not mail'" in text
    assert "columns not read: Hobby" in text
    code, out, _ = cli_main("contacts", "import", path, "--dry-run")
    assert json.dumps(out)  # plain JSON all through
    assert out["unmapped_columns"] == ["Hobby"] and out["source"] == "outlook" and out["encoding"] == "utf-8"


def test_outlook_po_box_goes_with_its_address(db, tmp_path):
    text = ("First Name,Last Name,Business Street,Business Address PO Box,Business City,Home Street,Home City\n"
            "A,B,Main St 1,Box 12,Lund,Home Rd 2,Malmö\n")
    result = contact_io.import_contacts(write(tmp_path, "po.csv", text))
    assert result["warnings"] == [] and result["unmapped_columns"] == []
    assert person("A B") == {"type": "person", "name": "A B", "first_name": "A", "surname": "B",
                             "address": "Main St 1", "address_2": "Box 12", "city": "Lund"}


def test_map_finds_its_header_below_a_preamble(db, cli_main, tmp_path):
    path = write(tmp_path, "p.csv",
                 "Exported by Kundenverwaltung 2.3\n\nKunde;Ruf;Mail\nMeier AG;+41 1;info@meier.example\n")
    code, _, err = cli_main("contacts", "import", path)
    assert code == 1 and "--map" in err  # no column segtui knows: refused, nothing changed
    code, out, err = cli_main("contacts", "import", path, "--map", "Kunde=name", "--map", "Mail=email",
                              "--map", "Ruf=phone")
    assert code == 0, err
    assert out["imported"] == 1 and out["source"] == "mapped" and out["unmapped_columns"] == []
    assert Contact.get(Contact.name == "Meier AG").email == "info@meier.example"


GOOGLE_2023 = ("First Name,Middle Name,Last Name,Phonetic First Name,Phonetic Middle Name,Phonetic Last Name,"
               "Name Prefix,Name Suffix,Nickname,File As,Organization Name,Organization Title,"
               "Organization Department,Birthday,Notes,Photo,Labels,E-mail 1 - Label,E-mail 1 - Value,"
               "E-mail 2 - Label,E-mail 2 - Value,Phone 1 - Label,Phone 1 - Value,Phone 2 - Label,Phone 2 - Value,"
               "Address 1 - Label,Address 1 - Formatted,Address 1 - Street,Address 1 - City,Address 1 - PO Box,"
               "Address 1 - Region,Address 1 - Postal Code,Address 1 - Country,Address 1 - Extended Address")


def test_google_export_as_written_today(db, tmp_path):
    rows = ('Eva,Maria,Lund,,,,Dr.,,Evi,"Lund, Eva",Acme AB,CTO,R&D,1980-01-01,note,https://x/p.jpg,'
            '* myContacts ::: Work,* Work,eva@acme.example,Home,eva@home.example,Mobile,+46 70 1 ::: +46 70 2,'
            'Work,+46 8 1,Work,"Storg 1\nLund",Storg 1,Lund,,Skåne,222 22,Sverige,\n'
            ',,,,,,,,,"Holm, Bo",,,,,,,,,bo@holm.example,,,,,,,,,,,,,,,\n')
    result = contact_io.import_contacts(write(tmp_path, "google.csv", f"{GOOGLE_2023}\n{rows}"))
    assert (result["rejected"], result["warnings"], result["source"]) == ([], [], "google")
    assert person("Eva Maria Lund") == {
        "type": "person", "name": "Eva Maria Lund", "first_name": "Eva", "surname": "Lund",
        "company_name": "Acme AB", "address": "Storg 1", "post_code": "222 22", "city": "Lund", "county": "Skåne",
        "country_code": "SE", "phone": "+46 8 1", "mobile": "+46 70 1", "email": "eva@acme.example",
        "job_title": "CTO"}
    assert person("Holm, Bo")["email"] == "bo@holm.example"  # File As names a row with no other name


def test_french_outlook_title_twice_and_the_fullest_address_group(db, tmp_path):
    text = ("Titre,Prénom,Nom,Société,Service,Titre,Rue (bureau),Ville (bureau),Code postal (bureau),"
            "Téléphone professionnel,Ort\n"
            "M.,Luc,Martin,Vins SA,Achats,Acheteur,1 rue Haute,Dijon,21000,+33 3 1,Bâtiment B\n")
    result = contact_io.import_contacts(write(tmp_path, "fr.csv", text))
    assert result["rejected"] == [] and result["unmapped_columns"] == ["Titre", "Service"]
    assert person("Luc Martin") == {
        "type": "person", "name": "Luc Martin", "first_name": "Luc", "surname": "Martin", "company_name": "Vins SA",
        "job_title": "Acheteur", "address": "1 rue Haute", "city": "Dijon", "post_code": "21000", "phone": "+33 3 1"}


def test_segtui_columns_with_bad_values_warn_and_import(db, tmp_path):
    long_org = "Verein " + "x" * 120
    text = ("name,type,company_name,correspondence_type,exclude_from_segment,language_code\n"
            f"Kim Park,robot,{long_org},pigeon,maybe,kor\n")
    result = contact_io.import_contacts(write(tmp_path, "own.csv", text))
    assert result["rejected"] == [] and result["source"] == "segtui"
    assert [w["field"] for w in result["warnings"]] == ["type", "correspondence_type", "exclude_from_segment",
                                                        "company_name"]
    kim = Contact.get(Contact.name == "Kim Park")
    limit = Contact.company_name.max_length
    assert (kim.type, kim.language_code, kim.company_name) == ("person", "KOR", long_org[:limit])
    assert (kim.correspondence_type, kim.exclude_from_segment) == (Contact.correspondence_type.default, False)


def test_the_garbage_collector_is_on_again_after_an_import(db, tmp_path):
    import gc

    assert gc.isenabled()
    contact_io.import_contacts(write(tmp_path, "ok.csv", "First Name,Last Name\nA,B\n"))
    assert gc.isenabled()
    with pytest.raises(contact_io.SegtuiError):
        contact_io.import_contacts(write(tmp_path, "bad.csv", "Spalte A\nx\n"))
    assert gc.isenabled()


def test_vcard_21_agent_card_belongs_to_its_property(db, tmp_path):
    text = ("BEGIN:VCARD\r\nVERSION:2.1\r\nN:Boss;Bea\r\nAGENT:\r\nBEGIN:VCARD\r\nVERSION:2.1\r\nN:Helper;Hal\r\n"
            "TEL:+1 555 2\r\nEND:VCARD\r\nTEL;WORK:+1 555 1\r\nEND:VCARD\r\n"
            "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Next;Ned\r\nEND:VCARD\r\n")
    result = contact_io.import_contacts(write(tmp_path, "agent.vcf", text))
    assert result["rejected"] == []
    assert person("Bea Boss") == {"type": "person", "name": "Bea Boss", "first_name": "Bea", "surname": "Boss",
                                  "phone": "+1 555 1"}
    assert sorted(c.name for c in Contact.select()) == ["Bea Boss", "Ned Next"]
