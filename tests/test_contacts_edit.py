"""Contacts kept in segtui: new, set (with --if-version), delete, link and unlink (issue 12 point 1)."""
import pytest

from segtui.errors import Conflict, SegtuiError
from segtui.models import (
    Contact,
    ContactIndustryGroup,
    ContactMailingGroup,
    IndustryGroup,
    InteractionLogEntry,
    JobResponsibility,
    SegmentLine,
    database,
)
from segtui.services import contact_edit, contacts, segments
from test_segments import build_small
from test_set_based import StatementCounter, add_contacts


@pytest.fixture
def small(db):
    build_small()
    IndustryGroup.insert_many([{"code": "RETAIL"}, {"code": "IT"}]).execute()
    JobResponsibility.create(code="CEO")
    return db


def test_new_contact_gets_a_number_and_a_company_its_own(small):
    company, warnings = contact_edit.new_contact({"type": "company", "name": "Gamma AB", "email": "hi@gamma.se",
                                                  "salesperson": "al"})
    assert warnings == []
    assert company["no"].startswith("CT") and company["company_no"] == company["no"]
    assert company["salesperson_code"] == "AL" and company["version"] == 0
    person, _ = contact_edit.new_contact({"first_name": "Eva", "surname": "Berg", "company_no": company["no"]})
    assert person["name"] == "Eva Berg" and person["type"] == "person"
    assert person["company_name"] == "Gamma AB" and person["search_name"] == "EVA BERG"


@pytest.mark.parametrize("fields, message", [
    ({"name": "X", "email": "not-an-address"}, "is not an e-mail address"),
    ({"name": "X", "salesperson_code": "NOBODY"}, "salesperson NOBODY does not exist"),
    ({"name": "X", "language_code": "XX"}, "language XX does not exist"),
    ({"name": "X", "company_no": "P30"}, "P30 is not a company"),
    ({"name": "X", "company_no": "NONE"}, "NONE is not a company"),
    ({"name": "X", "correspondence_type": "pigeon"}, "correspondence type"),
    ({"name": "X", "colour": "red"}, "unknown contact field 'colour'"),
    ({"email": "a@b.se"}, "no name"),
], ids=["email", "salesperson", "language", "company-is-person", "company-missing", "corres", "field", "name"])
def test_new_contact_refuses_bad_values_and_writes_nothing(small, fields, message):
    before = Contact.select().count()
    with pytest.raises(SegtuiError, match=message):
        contact_edit.new_contact(fields)
    assert Contact.select().count() == before


def test_new_contact_warns_of_same_email_or_same_name_and_company(small):
    Contact.update(email="zed@alpha.de").where(Contact.no == "P11").execute()
    _c, warnings = contact_edit.new_contact({"name": "Someone", "email": "ZED@alpha.de"})
    assert warnings == ["contact P11 (Zed Alpha) has the same e-mail ZED@alpha.de"]
    _c, warnings = contact_edit.new_contact({"name": "zed alpha", "company_no": "C1"})
    assert warnings == ["contact P11 has the same name Zed Alpha at Alpha GmbH"]


def test_set_contact_changes_fields_and_bumps_the_version(small):
    contact, _ = contact_edit.set_contact("P30", {"city": "Lyon", "email": "dan@solo.fr"}, expected_version=0)
    assert (contact["city"], contact["email"], contact["version"]) == ("Lyon", "dan@solo.fr", 1)
    assert Contact.get_by_id("P30").city == "Lyon"


def test_set_contact_with_a_stale_version_is_a_conflict_and_changes_nothing(small):
    contact_edit.set_contact("P30", {"city": "Lyon"})
    with pytest.raises(Conflict, match="changed by another user"):
        contact_edit.set_contact("P30", {"city": "Nice"}, expected_version=0)
    assert Contact.get_by_id("P30").city == "Lyon"


def test_set_contact_refuses_a_bad_email_and_leaves_the_contact_as_it_was(small):
    with pytest.raises(SegtuiError, match="not an e-mail"):
        contact_edit.set_contact("P30", {"city": "Nice", "email": "dan at solo"})
    contact = Contact.get_by_id("P30")
    assert (contact.city, contact.email, contact.version) == ("Paris", "", 0)


def test_renaming_a_company_renames_it_on_its_persons(small):
    contact_edit.set_contact("C1", {"name": "Alpha AG"})
    names = {c.no: c.company_name for c in Contact.select().where(Contact.company_no == "C1")}
    assert names == {"C1": "Alpha AG", "P11": "Alpha AG", "P12": "Alpha AG"}


def test_a_company_with_persons_stays_a_company(small):
    with pytest.raises(SegtuiError, match="company with 2 person"):
        contact_edit.set_contact("C1", {"type": "person"})


def test_delete_refusals_say_which(small):
    no = segments.new_segment("S", template_code="LTR")["no"]
    segments.add_contact(no, "P30")
    InteractionLogEntry.create(contact_no="P30", canceled=False)
    open_entries = InteractionLogEntry.select().where((InteractionLogEntry.contact_no == "P30")
                                                      & ~InteractionLogEntry.canceled).count()
    with pytest.raises(SegtuiError) as refused:
        contact_edit.delete_contact("P30")
    text = str(refused.value)
    assert f"on a line of segment {no}" in text
    assert f"{open_entries} interaction log entries that are not canceled" in text
    with pytest.raises(SegtuiError, match="company with 2 person"):
        contact_edit.delete_contact("C1")
    assert Contact.select().where(Contact.no.in_(["P30", "C1"])).count() == 2


def test_delete_removes_the_contact_and_its_groups(small):
    InteractionLogEntry.create(contact_no="P22", canceled=True)  # canceled entries do not hold it
    assert contact_edit.delete_contact("P22") == {"deleted": "P22"}
    assert not Contact.select().where(Contact.no == "P22").exists()
    assert not ContactMailingGroup.select().where(ContactMailingGroup.contact_no == "P22").exists()


def test_link_and_unlink_groups(small):
    groups = contact_edit.link("P30", "mailing-group", "vip")
    assert groups["mailing_groups"] == ["VIP"]
    assert contact_edit.link("P30", "mailing-group", "VIP")["mailing_groups"] == ["VIP"]  # again is fine
    assert contact_edit.link("P11", "job-responsibility", "CEO")["job_responsibilities"] == ["CEO"]
    contact_edit.link("C1", "industry-group", "RETAIL")
    # A person qualifies through its company, as in Business Central.
    assert "RETAIL" in contact_edit.contact_groups("P11")["industry_groups"]
    assert [c["no"] for c in contacts.list_contacts([("industry_group", "RETAIL")])] == ["C1", "P11", "P12"]
    assert contact_edit.unlink("P30", "mailing-group", "VIP")["mailing_groups"] == []
    assert Contact.get_by_id("P30").version == 2


@pytest.mark.parametrize("no, kind, code, message", [
    ("P11", "industry-group", "RETAIL", "belong to companies and P11 is a person: link its company C1"),
    ("C1", "job-responsibility", "CEO", "belong to persons and C1 is a company"),
    ("P30", "mailing-group", "NOPE", "mailing group NOPE does not exist"),
    ("P30", "hobby", "X", "unknown group kind 'hobby'"),
], ids=["industry-on-person", "job-on-company", "unknown-code", "unknown-kind"])
def test_link_refusals(small, no, kind, code, message):
    with pytest.raises(SegtuiError, match=message):
        contact_edit.link(no, kind, code)


def test_unlink_of_a_group_the_contact_lacks_is_refused(small):
    with pytest.raises(SegtuiError, match="has no mailing group VIP"):
        contact_edit.unlink("P30", "mailing-group", "VIP")


def test_link_from_a_filter_is_one_statement_whatever_the_count(small):
    add_contacts(2000)
    with StatementCounter(database.obj) as counter:
        result = contact_edit.link_filtered([("city", "Berlin")], "mailing-group", "VIP")
    berlin = Contact.select().where(Contact.city == "Berlin").count()
    had = (ContactMailingGroup.select().join(Contact, on=(Contact.no == ContactMailingGroup.contact_no))
           .where((Contact.city == "Berlin") & (ContactMailingGroup.mailing_group_code == "VIP")).count())
    assert result["linked"] > 900 and had == berlin
    assert counter.count <= 6, counter.count  # begin, the code check, one INSERT ... SELECT, commit
    companies = contact_edit.link_filtered([("city", "Berlin")], "industry-group", "IT")["linked"]
    assert companies == Contact.select().where((Contact.city == "Berlin") & (Contact.type == "company")).count()
    removed = contact_edit.unlink_filtered([("city", "Berlin")], "mailing-group", "VIP")["unlinked"]
    assert removed == berlin
    assert not SegmentLine.select().exists()
    assert ContactIndustryGroup.select().where(ContactIndustryGroup.industry_group_code == "IT").count() == companies


# --- the command line, through its real entry point --------------------------------------------

def test_cli_new_set_link_delete(db, run_cli):
    code, company, err = run_cli("contacts", "new", "type=company", "name=Delta AB", "email=info@delta.se")
    assert code == 0, err
    code, person, err = run_cli("contacts", "new", "name=Ola Nord", f"company_no={company['no']}",
                                "email=info@delta.se")
    assert code == 0 and "warning: contact" in err and "same e-mail" in err
    code, changed, err = run_cli("contacts", "set", person["no"], "city=Lund", "--if-version", "0")
    assert code == 0 and changed["city"] == "Lund" and changed["version"] == 1
    code, _out, err = run_cli("contacts", "set", person["no"], "city=Malmö", "--if-version", "0")
    assert code == 3 and "changed by another user" in err
    code, _out, err = run_cli("contacts", "set", person["no"], "email=nope")
    assert code == 1 and "not an e-mail address" in err
    code, _out, err = run_cli("contacts", "delete", company["no"])
    assert code == 1 and "company with 1 person" in err
    code, _out, err = run_cli("contacts", "link", person["no"], "industry-group", "X")
    assert code == 1 and "industry group X does not exist" in err
    code, shown, err = run_cli("contacts", "show", person["no"])
    assert shown["city"] == "Lund" and shown["email"] == "info@delta.se"
    code, deleted, err = run_cli("contacts", "delete", person["no"])
    assert code == 0 and deleted == {"deleted": person["no"]}


def test_cli_link_with_a_filter(db, run_cli):
    from segtui.models import MailingGroup

    MailingGroup.create(code="NORTH")
    for name in ("A", "B"):
        run_cli("contacts", "new", f"name={name}", "city=Umeå")
    run_cli("contacts", "new", "name=C", "city=Kiruna")
    code, result, err = run_cli("contacts", "link", "mailing-group", "north", "--filter", "city=Umeå")
    assert code == 0, err
    assert result == {"linked": 2, "kind": "mailing-group", "code": "NORTH"}
    code, listed, err = run_cli("contacts", "list", "--filter", "mailing_group=NORTH")
    assert [c["name"] for c in listed] == ["A", "B"]
    code, _out, err = run_cli("contacts", "link", "CT000001", "mailing-group", json_out=False)
    assert code == 1 and "give NO KIND CODE" in err


def test_upgrade_to_4_adds_the_contact_version_and_the_new_tables(db):
    from segtui import db as dbmod
    from segtui.models import SchemaInfo

    Contact.create(no="OLD", name="Kept")
    database.execute_sql('ALTER TABLE "contact" DROP COLUMN "version"')
    for table in ("interaction_comment", "contact_opt_out", "contact_profile_answer"):
        database.execute_sql(f'DROP TABLE "{table}"')
    SchemaInfo.update(version=3).execute()
    assert dbmod.init_database() == dbmod.SCHEMA_VERSION
    assert "version" in {c.name for c in database.get_columns("contact")}
    assert all(database.table_exists(t) for t in ("interaction_comment", "contact_opt_out"))
    assert Contact.get_by_id("OLD").version == 0
    dbmod._upgrade_to_4()  # idempotent: runs again in any order with the others
    assert contact_edit.set_contact("OLD", {"city": "Visby"})[0]["version"] == 1


def test_new_contact_skips_numbers_taken_by_contacts_made_with_their_own(small):
    Contact.insert_many([{"no": f"CT{i:06d}", "name": f"Own {i}"} for i in range(1, 8)]).execute()
    made, _ = contact_edit.new_contact({"name": "Next"})
    assert made["no"] == "CT000008"
    assert contact_edit.new_contact({"name": "After"})[0]["no"] == "CT000009"
