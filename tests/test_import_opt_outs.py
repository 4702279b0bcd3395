"""Issue 12 point 6 (import side) and the import's version bump: opt-out columns of the CSV
formats that have them become opt-outs per channel (reason "imported", the import date), and
an import that changes a contact makes a new version, so an edit read before it is stale."""
import datetime as dt

import pytest

from segtui.errors import SegtuiError
from segtui.models import Contact, ContactOptOut
from segtui.services import contact_edit, contact_io, opt_outs


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def optouts_of(email):
    no = Contact.get(Contact.email == email).no
    return {(o.channel, o.reason, o.date) for o in ContactOptOut.select().where(ContactOptOut.contact_no == no)}


TODAY = dt.date.today()
# (header, a row that opts out, a row that does not): each program's own columns and values.
FORMATS = {
    "mailchimp": ("Email Address,First Name,Last Name,Unsubscribed",
                  "a@x.example,Ann,Ash,yes", "b@x.example,Bob,Birch,no", {"email"}),
    "hubspot": ("First Name,Last Name,Email,Unsubscribed from all email",
                "Ann,Ash,a@x.example,true", "Bob,Birch,b@x.example,false", {"email"}),
    "salesforce": ("FirstName,LastName,Email,HasOptedOutOfEmail,Do Not Call",
                   "Ann,Ash,a@x.example,1,1", "Bob,Birch,b@x.example,0,0", {"email", "phone"}),
    "salesforce-report": ("First Name,Last Name,Email,Email Opt Out",
                          "Ann,Ash,a@x.example,2024-03-01", "Bob,Birch,b@x.example,", {"email"}),
    "dynamics": ("First Name,Last Name,Email,Do not allow Emails,Do not allow Phone Calls,Do not allow Mails",
                 "Ann,Ash,a@x.example,Do Not Allow,Do Not Allow,Do Not Allow",
                 "Bob,Birch,b@x.example,Allow,Allow,Allow",
                 {"email", "phone", "letter"}),
    "dynamics-schema": ("firstname,lastname,emailaddress1,DoNotEmail,DoNotBulkEMail,DoNotPhone,DoNotPostalMail",
                        "Ann,Ash,a@x.example,0,1,1,0", "Bob,Birch,b@x.example,0,0,0,0", {"email", "phone"}),
}


@pytest.mark.parametrize("program", sorted(FORMATS))
def test_opt_out_columns_become_opt_outs_per_channel(db, tmp_path, program):
    head, yes, no, channels = FORMATS[program]
    if program == "salesforce" or program == "dynamics-schema":
        # Names only these programs write, mapped where segtui does not know the rest.
        mapping = {"FirstName": "first_name", "LastName": "surname"} if program == "salesforce" else \
            {"firstname": "first_name", "lastname": "surname", "emailaddress1": "email"}
    else:
        mapping = None
    path = write(tmp_path, "c.csv", f"{head}\n{yes}\n{no}\n")
    result = contact_io.import_contacts(path, mapping=mapping)
    assert result["imported"] == 2 and result["opted_out"] == len(channels)
    assert optouts_of("a@x.example") == {(c, "imported", TODAY) for c in channels}
    assert optouts_of("b@x.example") == set()
    assert "Unsubscribed" not in " ".join(result["unmapped_columns"])
    # Honoured by the rest of segtui as any other opt-out.
    listed = opt_outs.contact_opt_outs(Contact.get(Contact.email == "a@x.example").no)
    assert {o["channel"] for o in listed} == channels


def test_existing_opt_out_kept_and_a_no_never_takes_one_back(db, tmp_path):
    path = write(tmp_path, "c.csv", "Email Address,First Name,Last Name,Do Not Email,Do Not Call\n"
                                    "a@x.example,Ann,Ash,,\n")
    contact_io.import_contacts(path)
    no = Contact.get(Contact.email == "a@x.example").no
    opt_outs.opt_out(no, "email", "asked by phone", date="2020-01-02")
    path.write_text("Email Address,First Name,Last Name,Do Not Email,Do Not Call\n"
                    "a@x.example,Ann,Ash,yes,yes\n", encoding="utf-8")
    result = contact_io.import_contacts(path)
    assert result["opted_out"] == 1  # only the phone is new
    assert optouts_of("a@x.example") == {("email", "asked by phone", dt.date(2020, 1, 2)),
                                         ("phone", "imported", TODAY)}
    path.write_text("Email Address,First Name,Last Name,Do Not Email,Do Not Call\n"
                    "a@x.example,Ann,Ash,no,no\n", encoding="utf-8")
    assert contact_io.import_contacts(path)["opted_out"] == 0
    assert len(optouts_of("a@x.example")) == 2


def test_an_unclear_opt_out_value_is_a_warning_and_a_dry_run_records_nothing(db, tmp_path):
    path = write(tmp_path, "c.csv", "Email Address,First Name,Last Name,Do Not Email\n"
                                    "a@x.example,Ann,Ash,perhaps\nb@x.example,Bob,Birch,yes\n")
    dry = contact_io.import_contacts(path, dry_run=True)
    assert dry["opted_out"] == 1 and ContactOptOut.select().count() == 0
    result = contact_io.import_contacts(path)
    assert [w for w in result["warnings"] if w["field"] == "opt_out_email"] == [
        {"line": 2, "field": "opt_out_email",
         "reason": "opt_out_email 'perhaps' is not yes or no: no opt-out recorded"}]
    assert optouts_of("a@x.example") == set()
    assert optouts_of("b@x.example") == {("email", "imported", TODAY)}


def test_a_company_row_opts_out_the_company(db, tmp_path):
    path = write(tmp_path, "c.csv", "Company,Email,Do Not Call\nAcme Ltd,info@acme.example,yes\n")
    contact_io.import_contacts(path)
    company = Contact.get(Contact.name == "Acme Ltd")
    assert company.type == "company"
    assert [(o.channel, o.reason) for o in ContactOptOut.select().where(ContactOptOut.contact_no == company.no)] == [
        ("phone", "imported")]


def test_map_can_name_an_opt_out_column(db, tmp_path):
    path = write(tmp_path, "c.csv", "Email Address,First Name,Last Name,No Letters\na@x.example,Ann,Ash,x\n")
    contact_io.import_contacts(path, mapping={"No Letters": "opt_out_letter"})
    assert optouts_of("a@x.example") == {("letter", "imported", TODAY)}


# --- the version bump ------------------------------------------------------------------------

def test_an_import_that_changes_a_contact_bumps_its_version(db, tmp_path):
    path = write(tmp_path, "c.csv", "Email Address,First Name,Last Name,City\na@x.example,Ann,Ash,Lund\n")
    contact_io.import_contacts(path)
    contact = Contact.get(Contact.email == "a@x.example")
    read_version = contact.version
    # The same file again changes nothing: same version.
    assert contact_io.import_contacts(path)["unchanged"] == 1
    assert Contact.get_by_id(contact.no).version == read_version
    path.write_text("Email Address,First Name,Last Name,City\na@x.example,Ann,Ash,Malmö\n", encoding="utf-8")
    assert contact_io.import_contacts(path)["updated"] == 1
    assert Contact.get_by_id(contact.no).version == read_version + 1
    # An edit read before the import is stale: refused, nothing changed.
    with pytest.raises(SegtuiError):
        contact_edit.set_contact(contact.no, {"city": "Ystad"}, expected_version=read_version)
    assert Contact.get_by_id(contact.no).city == "Malmö"


def test_contacts_set_if_version_after_an_import_exits_3(run_cli, db, tmp_path):
    path = write(tmp_path, "c.csv", "Email Address,First Name,Last Name,City\na@x.example,Ann,Ash,Lund\n")
    contact_io.import_contacts(path)
    no = Contact.get(Contact.email == "a@x.example").no
    code, shown, _ = run_cli("contacts", "show", no)
    version = shown["version"] if "version" in shown else shown["contact"]["version"]
    path.write_text("Email Address,First Name,Last Name,City\na@x.example,Ann,Ash,Malmö\n", encoding="utf-8")
    code, _, _ = run_cli("contacts", "import", path)
    assert code == 0
    code, _, err = run_cli("contacts", "set", no, "city=Ystad", "--if-version", version)
    assert code == 3, err
    assert Contact.get_by_id(no).city == "Malmö"


def test_the_import_sentence_counts_the_new_opt_outs(db, cli_main, tmp_path):
    path = write(tmp_path, "c.csv", "Email Address,First Name,Last Name,Do Not Email,Do Not Call\n"
                                    "a@x.example,Ann,Ash,yes,yes\nb@x.example,Bob,Birch,,\n")
    code, text, err = cli_main("contacts", "import", path, json_out=False)
    assert code == 0, err
    assert "imported 2 new contacts" in text and "; 2 new opt-outs from the file's opt-out columns" in text
    code, text, err = cli_main("contacts", "import", path, json_out=False)
    assert code == 0 and "opt-outs" not in text
