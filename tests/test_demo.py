"""Demo data: deterministic, realistic, complete, refuses a second fill, and the CLI command."""
import datetime as dt
import io
import re
import shutil
import sqlite3

import pytest
import time_machine
from mailmerge import MailMerge
from peewee import JOIN

from segtui import db as dbmod
from segtui.errors import SegtuiError
from segtui.models import (
    Campaign,
    CampaignEntry,
    CompanyInformation,
    Contact,
    ContactBusinessRelation,
    ContactIndustryGroup,
    ContactJobResponsibility,
    ContactMailingGroup,
    Country,
    IndustryGroup,
    InteractionLogEntry,
    InteractionTemplate,
    InteractionTemplateAttachment,
    Language,
    LoggedSegment,
    MailingGroup,
    NumberSeries,
    Salesperson,
    database,
    to_dict,
)
from segtui.services import demo
from segtui.services.default_letter import build_default_letter

LETTER_FIELDS = {"contact_name", "contact_company_name", "contact_address", "contact_post_code",
                 "contact_city", "contact_country", "date", "subject", "personal_note", "salesperson_name",
                 "company_name"}

POST_CODE = {  # country -> post code format
    "DE": r"\d{5}", "AT": r"\d{4}", "CH": r"\d{4}", "LU": r"L-\d{4}", "NL": r"\d{4} [A-Z]{2}",
    "BE": r"\d{4}", "FR": r"\d{5}", "ES": r"\d{5}", "PT": r"\d{4}-\d{3}", "IT": r"\d{5}",
    "GB": r"[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}", "IE": r"[A-Z]\d[\dW] [A-Z][A-Z\d]{3}", "DK": r"\d{4}",
    "SE": r"\d{3} \d{2}", "NO": r"\d{4}", "FI": r"\d{5}", "IS": r"\d{3}", "PL": r"\d{2}-\d{3}",
    "CZ": r"\d{3} \d{2}", "SK": r"\d{3} \d{2}", "HU": r"\d{4}", "SI": r"\d{4}", "HR": r"\d{5}",
    "EE": r"\d{5}", "LV": r"LV-\d{4}", "LT": r"LT-\d{5}", "US": r"\d{5}", "CA": r"[A-Z]\d[A-Z] \d[A-Z]\d",
    "AU": r"\d{4}", "NZ": r"\d{4}",
}


def _open(path):
    database_ = dbmod.open_database(str(path))
    dbmod.init_database()
    return database_


def _first_contacts(n=50):
    return [to_dict(c) for c in Contact.select().order_by(Contact.no).limit(n)]


@pytest.fixture(scope="module")
def demo2000_file(tmp_path_factory):
    """2000 demo contacts (seed 7), filled once for the read-only checks of this module."""
    path = tmp_path_factory.mktemp("demo2000") / "demo.db"
    database_ = _open(path)
    calls = []
    result = demo.fill_demo(contacts=2000, seed=7, progress=lambda done, total: calls.append((done, total)))
    database_.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database_.close()
    return path, result, calls


@pytest.fixture
def demo2000(demo2000_file, tmp_path):
    path, result, calls = demo2000_file
    copy = tmp_path / "demo.db"
    shutil.copy(path, copy)
    database_ = dbmod.open_database(str(copy))
    yield result, calls
    database_.close()


# --- determinism --------------------------------------------------------------------------------

def test_same_seed_gives_the_same_contacts_and_another_seed_others(tmp_path):
    firsts = []
    for name, seed in (("a", 3), ("b", 3), ("c", 4)):
        database_ = _open(tmp_path / f"{name}.db")
        demo.fill_demo(contacts=300, seed=seed)
        firsts.append((_first_contacts(), [(r.contact_no, r.mailing_group_code)
                                          for r in ContactMailingGroup.select().order_by(
                                              ContactMailingGroup.contact_no,
                                              ContactMailingGroup.mailing_group_code).limit(50)]))
        database_.close()
    assert len(firsts[0][0]) == 50
    assert firsts[0] == firsts[1]
    assert firsts[0][0] != firsts[2][0]
    assert [c["no"] for c in firsts[2][0]] == [c["no"] for c in firsts[0][0]]  # same numbering


def _every_row(path):
    """Each table's rows in primary key order, as sqlite reads them (blobs included)."""
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                             "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        return {t: conn.execute(f'SELECT * FROM "{t}" ORDER BY rowid').fetchall() for t in tables}
    finally:
        conn.close()


# Two days far apart, at different hours, one on each side of midnight in most time zones.
CLOCKS = [dt.datetime(2031, 6, 1, 10, 17, 5), dt.datetime(2027, 12, 31, 23, 59, 58)]


def test_demo_data_depends_on_the_seed_not_on_the_clock(tmp_path):
    """The same seed built at two moments gives the same database, row by row, value by value.

    time-machine moves every clock Python reads (datetime, date, time.time: model defaults and
    the zip dates inside the stored Word letter too), so a value taken from the clock differs."""
    built = []
    for i, moment in enumerate(CLOCKS):
        with time_machine.travel(moment, tick=False):
            assert dt.date.today() == moment.date()  # the clock really moved
            database_ = _open(tmp_path / f"{i}.db")
            demo.fill_demo(contacts=120, seed=1)
            database_.close()
        built.append(_every_row(tmp_path / f"{i}.db"))
    first, second = built
    assert first.keys() == second.keys()
    assert len(first["contact"]) == 120 and first["interaction_log_entry"]  # not an empty compare
    for table, rows in first.items():
        assert len(rows) == len(second[table]), table
        for a, b in zip(rows, second[table]):
            differ = [i for i, (x, y) in enumerate(zip(a, b)) if x != y]
            assert not differ, f"{table} row {a[0]!r}: column(s) {differ} differ ({[a[i] for i in differ]!r:.200})"
    _open(tmp_path / "0.db")
    years = {r.created_at.year for r in Contact.select(Contact.created_at)}
    assert max(years) <= 2025 < min(c.year for c in CLOCKS)  # before the seed's reference date, not either clock's


# --- counts and shape ---------------------------------------------------------------------------

def test_exactly_n_contacts_numbered_in_order_and_series_continues(demo2000):
    result, _ = demo2000
    assert result["contacts"] == 2000 and Contact.select().count() == 2000
    nos = [c.no for c in Contact.select(Contact.no).order_by(Contact.no)]
    assert nos[0] == "CT000001" and nos[-1] == "CT002000"
    assert nos == [f"CT{i:06d}" for i in range(1, 2001)]
    assert NumberSeries.get_by_id("CONTACT").last_no == 2000
    with dbmod.transaction():
        assert dbmod.next_no("CONTACT") == "CT002001"
    assert result["seconds"] > 0


def test_about_one_company_for_five_persons_and_persons_point_to_companies(demo2000):
    companies = Contact.select().where(Contact.type == "company").count()
    persons = Contact.select().where(Contact.type == "person").count()
    assert companies + persons == 2000
    assert 4.0 <= persons / companies <= 6.5
    # A company's company_no is its own no; every person's company_no is a company of that name.
    assert not Contact.select().where((Contact.type == "company") & (Contact.company_no != Contact.no)).exists()
    Company = Contact.alias()
    orphans = (Contact.select().join(Company, join_type=JOIN.LEFT_OUTER, on=(
        (Company.no == Contact.company_no) & (Company.type == "company")))
        .where((Contact.type == "person") & (Company.no.is_null() | (Company.name != Contact.company_name))))
    assert orphans.count() == 0
    # Persons live at their company's address.
    first_person = Contact.get((Contact.type == "person"))
    company = Contact.get_by_id(first_person.company_no)
    assert (first_person.address, first_person.city, first_person.country_code) == \
        (company.address, company.city, company.country_code)


def test_salespeople_twenty_one_blocked_and_not_assigned(demo2000):
    assert Salesperson.select().count() == 20
    blocked = list(Salesperson.select().where(Salesperson.blocked))
    assert len(blocked) == 1
    assert not Contact.select().where(Contact.salesperson_code == blocked[0].code).exists()
    assert all(s.email.endswith("@nordlicht-bueromoebel.de") and s.phone and s.name
               for s in Salesperson.select())
    codes = {s.code for s in Salesperson.select()}
    assert {"JO", "KL"} <= codes
    used = {c.salesperson_code for c in Contact.select(Contact.salesperson_code).distinct()}
    assert used <= codes and "" not in used


def test_countries_languages_cities_and_post_codes(demo2000):
    assert Country.select().count() >= 30
    languages = {lang.code: lang for lang in Language.select()}
    assert all(c.language_code in languages and c.name for c in Country.select())
    assert languages["DEU"].date_format == "%d.%m.%Y"
    cities = sum(len(row[-1].split(";")) for row in demo.COUNTRIES)
    assert 180 <= cities <= 230
    used_cities = Contact.select(Contact.city).distinct().count()
    assert used_cities >= 100
    used_countries = Contact.select(Contact.country_code).distinct().count()
    assert used_countries >= 25
    bad = [(c.country_code, c.post_code) for c in Contact.select(Contact.country_code, Contact.post_code)
           if not re.fullmatch(POST_CODE[c.country_code], c.post_code)]
    assert bad == []
    # language follows the country
    country_language = {c.code: c.language_code for c in Country.select()}
    assert all(c.language_code == country_language[c.country_code]
               for c in Contact.select(Contact.country_code, Contact.language_code))
    # US states in the county field
    assert all(c.county for c in Contact.select().where(Contact.country_code == "US"))


def test_several_cities_start_with_ber(demo2000):
    ber = {c.city for c in Contact.select(Contact.city).distinct() if c.city.lower().startswith("ber")}
    assert len(ber) >= 4, ber
    pool = {c.split(":")[0] for row in demo.COUNTRIES for c in row[-1].split(";")}
    assert {"Berlin", "Bern", "Bergen", "Bergamo", "Bergisch Gladbach"} <= pool


def test_city_filter_finds_ber_cities(demo2000):
    pytest.importorskip("segtui.filters")
    from segtui.services.contacts import contact_condition

    found = {c.city for c in Contact.select().where(contact_condition([("city", "@ber*")]))}
    expected = {c.city for c in Contact.select() if c.city.lower().startswith("ber")}
    assert found == expected and len(found) >= 4


def test_names_are_realistic_and_international(demo2000):
    names = [c.name for c in Contact.select(Contact.name)]
    assert sum(1 for n in names if not n.isascii()) > 100
    persons = list(Contact.select().where(Contact.type == "person"))
    assert all(p.name and p.first_name and p.surname and p.first_name in p.name and p.surname in p.name
               for p in persons)
    assert all(c.search_name == c.name.upper() for c in Contact.select())
    # legal forms match the country
    forms = {row[0]: row[8].split("|") for row in demo.COUNTRIES}
    companies = list(Contact.select().where(Contact.type == "company"))
    with_form = [c for c in companies if any(c.name.endswith(" " + f) for f in forms[c.country_code])]
    assert len(with_form) / len(companies) > 0.85
    assert not any(c.name.endswith(" AB") for c in companies if c.country_code == "DE")


def test_name_pools_carry_non_ascii_names():
    pools = {key: demo._LanguageGroup(spec) for key, spec in demo.GROUPS.items()}
    everything = {n for g in pools.values() for n in g.male + g.female + g.surnames + g.surnames_f}
    assert {"Müller", "Åsa", "Łukasz", "José", "Søren"} <= everything
    assert demo.slug("Müller", umlaut=True) == "mueller" and demo.slug("Åsa") == "asa"
    assert demo.slug("Łukasz") == "lukasz" and demo.slug("O'Brien") == "obrien"


def test_email_exclusion_and_correspondence_mix(demo2000):
    total = 2000
    without_email = Contact.select().where(Contact.email == "").count()
    assert 0.08 * total <= without_email <= 0.25 * total
    excluded = Contact.select().where(Contact.exclude_from_segment == True).count()  # noqa: E712
    assert 0.01 * total <= excluded <= 0.06 * total
    types = {c.correspondence_type for c in Contact.select(Contact.correspondence_type).distinct()}
    assert types == {"", "email", "hard_copy"}
    # nobody asks for e-mail without an address
    assert not Contact.select().where((Contact.correspondence_type == "email") & (Contact.email == "")).exists()
    emails = [c.email for c in Contact.select(Contact.email).where(Contact.email != "")]
    assert all(re.fullmatch(r"[a-z0-9.\-]+@[a-z0-9.\-]+\.[a-z]{2,}", e) for e in emails), emails[:5]
    assert Contact.select().where((Contact.mobile != "") & (Contact.type == "person")).count() > 500
    assert Contact.select().where((Contact.job_title != "") & (Contact.type == "person")).count() > 1000
    assert not Contact.select().where(Contact.territory_code == "").exists()


def test_groups_and_links(demo2000):
    assert 8 <= MailingGroup.select().count() and 10 <= IndustryGroup.select().count()
    persons = Contact.select(Contact.no).where(Contact.type == "person")
    companies = Contact.select(Contact.no).where(Contact.type == "company")
    # industry groups and business relations on companies (persons inherit them)
    assert not ContactIndustryGroup.select().where(ContactIndustryGroup.contact_no.in_(persons)).exists()
    assert not ContactBusinessRelation.select().where(ContactBusinessRelation.contact_no.in_(persons)).exists()
    assert ContactIndustryGroup.select().count() > 0.6 * companies.count()
    assert ContactBusinessRelation.select(ContactBusinessRelation.contact_no).distinct().count() \
        == companies.count()
    # job responsibilities on persons, following their job title
    assert not ContactJobResponsibility.select().where(ContactJobResponsibility.contact_no.in_(companies)).exists()
    buyer = (Contact.select().where(Contact.job_title == "Buyer").first())
    assert ContactJobResponsibility.select().where(
        (ContactJobResponsibility.contact_no == buyer.no)
        & (ContactJobResponsibility.job_responsibility_code == "PURCHASE")).exists()
    # mailing groups mostly on persons
    assert ContactMailingGroup.select().where(ContactMailingGroup.contact_no.in_(persons)).count() > 1000
    codes = {r.mailing_group_code for r in ContactMailingGroup.select(ContactMailingGroup.mailing_group_code)
             .distinct()}
    assert codes == {c.code for c in MailingGroup.select()}


def test_interaction_setup_campaign_and_company_information(demo2000):
    letter = InteractionTemplate.get_by_id("LETTER")
    assert (letter.description, letter.correspondence_type_default, float(letter.unit_cost)) == \
        ("Letter", "hard_copy", 1.20)
    assert InteractionTemplate.get_by_id("EMAIL").correspondence_type_default == "email"
    assert float(InteractionTemplate.get_by_id("PHONE").unit_duration_min) == 10
    fair = InteractionTemplate.get_by_id("FAIR")
    assert fair.campaign_no == "CP1001" and fair.campaign_target
    assert Campaign.get_by_id("CP1001").salesperson_code in {s.code for s in Salesperson.select()}
    assert all(t.information_flow and t.initiated_by for t in InteractionTemplate.select())
    assert InteractionTemplate.get_by_id("MEETING")
    info = list(CompanyInformation.select())
    assert len(info) == 1 and info[0].name and info[0].city and info[0].email and info[0].phone


def test_past_interactions_are_logged_segments(demo2000):
    logged = list(LoggedSegment.select().order_by(LoggedSegment.entry_no))
    assert [s.segment_no for s in logged] == ["SM00001", "SM00002"]
    entries = InteractionLogEntry.select()
    assert entries.count() > 10
    assert not entries.where(InteractionLogEntry.logged_segment_entry_no.not_in(
        [s.entry_no for s in logged])).exists()
    assert not InteractionLogEntry.select().where(InteractionLogEntry.contact_no.not_in(
        Contact.select(Contact.no))).exists()
    assert CampaignEntry.select().where(CampaignEntry.campaign_no == "CP1001").count() == 1
    evaluations = {e.evaluation for e in InteractionLogEntry.select().where(
        InteractionLogEntry.interaction_template_code == "PHONE")}
    assert len(evaluations) >= 3
    # a new segment continues the series after the logged ones
    with dbmod.transaction():
        assert dbmod.next_no("SEGMENT") == "SM00003"


def test_progress_is_reported_up_to_the_total(demo2000):
    result, calls = demo2000
    assert calls and calls[-1] == (2000, 2000)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


# --- the default letter ---------------------------------------------------------------------------

def test_default_letter_has_real_merge_fields_and_merges():
    data = build_default_letter()
    doc = MailMerge(io.BytesIO(data))
    assert LETTER_FIELDS <= set(doc.get_merge_fields())
    doc.merge(contact_name="Åsa Öberg", contact_company_name="Nordisk Möbel AB", personal_note="See you!",
              company_name="Nordlicht Büromöbel GmbH", date="2025-03-01", subject="Our new collection")
    out = io.BytesIO()
    doc.write(out)
    from docx import Document

    text = "\n".join(p.text for p in Document(io.BytesIO(out.getvalue())).paragraphs)
    assert "Dear Åsa Öberg," in text and "See you!" in text and "Nordisk Möbel AB" in text
    assert "«" not in text


def test_letter_is_stored_on_the_letter_template(demo2000):
    attachment = InteractionTemplateAttachment.get(InteractionTemplateAttachment.template_code == "LETTER")
    assert (attachment.language_code, attachment.kind, attachment.file_name) == ("", "word", "letter.docx")
    fields = set(MailMerge(io.BytesIO(bytes(attachment.content))).get_merge_fields())
    assert LETTER_FIELDS <= fields


# --- refusals and idempotent setup ------------------------------------------------------------

def test_second_fill_is_refused_and_changes_nothing(db):
    demo.fill_demo(contacts=120, seed=1)
    with pytest.raises(SegtuiError, match="already has 120 contacts; use a new database"):
        demo.fill_demo(contacts=50, seed=2)
    assert Contact.select().count() == 120
    assert LoggedSegment.select().count() == 2


def test_less_than_one_contact_is_refused(db):
    with pytest.raises(SegtuiError, match="at least 1"):
        demo.fill_demo(contacts=0)
    assert not Salesperson.select().exists()


def test_setup_is_kept_when_filling_again_after_contacts_were_removed(db):
    demo.fill_demo(contacts=60, seed=1)
    Salesperson.update(name="Renamed").where(Salesperson.code == "AK").execute()
    for model in (Contact, ContactMailingGroup, ContactIndustryGroup, ContactBusinessRelation,
                  ContactJobResponsibility):
        model.delete().execute()
    result = demo.fill_demo(contacts=60, seed=1)
    assert result["contacts"] == 60 and Contact.select().count() == 60
    assert Salesperson.select().count() == 20 and Salesperson.get_by_id("AK").name == "Renamed"
    assert CompanyInformation.select().count() == 1
    assert InteractionTemplateAttachment.select().count() == 1


def test_one_contact_is_one_company(db):
    result = demo.fill_demo(contacts=1, seed=5)
    assert result["contacts"] == 1
    only = Contact.get()
    assert only.type == "company" and only.company_no == only.no == "CT000001"


def test_indexes_are_back_after_the_fill(db):
    before = {i.name for i in database.get_indexes("contact")}
    before_links = {i.name for i in database.get_indexes("contact_mailing_group")}
    demo.fill_demo(contacts=100, seed=1)
    assert {i.name for i in database.get_indexes("contact")} == before
    assert {i.name for i in database.get_indexes("contact_mailing_group")} == before_links
    assert len(before) >= 9


# --- command line ----------------------------------------------------------------------------------

def test_cli_demo_through_the_real_entry_point(run_cli):
    code, out, err = run_cli("demo", "--contacts", 300, "--seed", 1)
    assert code == 0, err
    assert out["contacts"] == 300 and out["seconds"] >= 0
    code, out, err = run_cli("demo", "--contacts", 10)
    assert code == 1 and out is None
    assert "already has 300 contacts" in err


def test_cli_demo_prints_how_long_it_took(run_cli):
    code, out, err = run_cli("demo", "--contacts", 40, json_out=False)
    assert code == 0, err
    assert re.search(r"40 contacts in \d+\.\d s", out)


# --- all or nothing ----------------------------------------------------------------------------

def test_a_failure_late_in_the_fill_leaves_nothing(db, monkeypatch):
    indexes = {i.name for i in database.get_indexes("contact")}

    def broken(*args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(demo, "_past_interactions", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        demo.fill_demo(contacts=200, seed=1)
    assert Contact.select().count() == 0 and not Salesperson.select().exists()
    assert not ContactMailingGroup.select().exists()
    assert {i.name for i in database.get_indexes("contact")} == indexes
    assert NumberSeries.get_by_id("CONTACT").last_no == 0


def test_an_error_while_generating_rows_reaches_the_caller(db, monkeypatch):
    calls = {"n": 0}
    real = demo._company

    def flaky(rng, world):
        calls["n"] += 1
        if calls["n"] == 50:
            raise ValueError("bad city table")
        return real(rng, world)

    monkeypatch.setattr(demo.people, "_company", flaky)  # where the contact generator looks it up
    with pytest.raises(ValueError, match="bad city table"):
        demo.fill_demo(contacts=1000, seed=1)
    assert Contact.select().count() == 0


def test_postgresql_when_available(pg):
    """The portable insert path (SEGTUI_TEST_PG names an empty PostgreSQL database)."""
    result = demo.fill_demo(contacts=500, seed=1)
    assert result["contacts"] == 500 == Contact.select().count()
    assert Contact.get_by_id("CT000001").type == "company"
    with pytest.raises(SegtuiError, match="already has 500 contacts"):
        demo.fill_demo(contacts=5)


def test_a_demo_on_postgresql_leaves_statistics_of_what_it_filled(pg):
    """The first reduce on a new demo plans on real counts, a company key's contacts among them
    (the expression index of schema 12), not on the planner's guess until autoanalyze comes."""
    demo.fill_demo(contacts=300, seed=1)
    analyzed = {name for (name,) in pg.execute_sql(
        "SELECT DISTINCT tablename FROM pg_stats WHERE schemaname = 'public'").fetchall()}
    assert {"contact", "contact_company_key", "contact_mailing_group"} <= analyzed


def test_numbers_widen_when_the_series_would_overflow(db):
    # With a 2-digit series, 150 contacts need 3 digits to keep number order = text order.
    NumberSeries.update(width=2).where(NumberSeries.code == "CONTACT").execute()
    demo.fill_demo(contacts=150, seed=1)
    nos = [c.no for c in Contact.select(Contact.no).order_by(Contact.no)]
    assert nos[0] == "CT001" and nos[-1] == "CT150"
    assert NumberSeries.get_by_id("CONTACT").width == 3
