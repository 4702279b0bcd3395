"""Contacts import (issue 6, item 1): the samples field by field, re-import that changes
nothing, matching and updating, dry run and strict, and the same on PostgreSQL."""
import filecmp

import pytest

from segtui import db as dbmod
from segtui.models import Contact, NumberSeries
from segtui.services import contact_io
from contact_io_helpers import DATA, SAMPLES, SHARED_SAMPLES, company, contacts, person, snapshot, write


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


# --- PostgreSQL (with SEGTUI_TEST_PG=postgresql://...) ---------------------------------------

def test_a_bulk_import_on_postgresql_analyzes_the_contacts(pg, monkeypatch):
    """An import large next to what was there refreshes contact's statistics, the company key's
    counts included, so a reduce right after it plans on real counts (planner_stats.analyze_contacts_after)."""
    from segtui import planner_stats

    monkeypatch.setattr(planner_stats, "ANALYZE_ROWS", 1)  # the sample file stands in for a bulk import
    contact_io.import_contacts(DATA / SAMPLES[0])
    analyzed = {name for (name,) in pg.execute_sql(
        "SELECT DISTINCT tablename FROM pg_stats WHERE schemaname = 'public'").fetchall()}
    assert {"contact", "contact_company_key"} <= analyzed


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
