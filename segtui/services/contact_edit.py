"""Creating, changing and deleting contacts, and giving them groups (docs/cli.md).

A contact's values pass the same checks as an import (the import's own validation), plus what
only a database can say: that a code exists and that a person's company is a company. A refusal
names the field and changes nothing. Linking many contacts to a group from a filter is one
INSERT ... SELECT, never a loop over contacts.
"""
import datetime as dt

from peewee import SQL, Value, fn

from .. import db as dbmod
from ..errors import SegtuiError
from ..labels import plural
from ..models import (
    BusinessRelation,
    Contact,
    ContactBusinessRelation,
    ContactIndustryGroup,
    ContactJobResponsibility,
    ContactMailingGroup,
    ContactOptOut,
    ContactProfileAnswer,
    IndustryGroup,
    InteractionLogEntry,
    JobResponsibility,
    Language,
    MailingGroup,
    NumberSeries,
    Salesperson,
    SegmentLine,
    normal_code,
)
from .contacts import contact_dict, get_contact, select_contacts
from .versions import check_version

# Fields a user may give (the import's fields); the rest are bookkeeping.
EDIT_FIELDS = ("type", "name", "first_name", "surname", "company_no", "company_name", "address",
               "address_2", "post_code", "city", "county", "country_code", "phone", "mobile", "email",
               "language_code", "salesperson_code", "territory_code", "correspondence_type",
               "exclude_from_segment", "job_title")
ALIASES = {"company": "company_no", "salesperson": "salesperson_code", "language": "language_code",
           "country": "country_code", "e-mail": "email", "e_mail": "email"}
# Codes checked against their setup list (territories and countries have no list to check).
CODE_LISTS = {"salesperson_code": (Salesperson, Salesperson.code, "salesperson"),
              "language_code": (Language, Language.code, "language")}


class GroupKind:
    def __init__(self, name, link, column, setup_model, label, companies=False, persons=False):
        self.name, self.link, self.column, self.setup_model = name, link, column, setup_model
        self.label, self.companies, self.persons = label, companies, persons
        # The key of the contact card that lists them (mailing_groups, job_responsibilities, ...).
        self.plural = column.removesuffix("_code").replace("responsibility", "responsibilitie") + "s"


GROUP_KINDS = {
    "mailing-group": GroupKind("mailing-group", ContactMailingGroup, "mailing_group_code", MailingGroup,
                               "mailing group"),
    "industry-group": GroupKind("industry-group", ContactIndustryGroup, "industry_group_code", IndustryGroup,
                                "industry group", companies=True),
    "business-relation": GroupKind("business-relation", ContactBusinessRelation, "business_relation_code",
                                   BusinessRelation, "business relation", companies=True),
    "job-responsibility": GroupKind("job-responsibility", ContactJobResponsibility, "job_responsibility_code",
                                    JobResponsibility, "job responsibility", persons=True),
}


def _import_validation():
    """The import's row type, validation and country codes (the same checks as an import)."""
    from . import contact_io

    return contact_io.Row, contact_io.validate, contact_io.known_country_codes


def _field_names(values):
    out = {}
    for raw, value in (values or {}).items():
        name = raw.strip().lower()
        name = ALIASES.get(name, name)
        if name not in EDIT_FIELDS:
            raise SegtuiError(f"unknown contact field {raw!r}; known: {', '.join(EDIT_FIELDS)}")
        out[name] = value
    return out


def _checked(fields, current_no=None):
    """The full, validated field values of a contact (import checks, then the database's)."""
    row_type, validate, known = _import_validation()
    row = row_type(line=0, fields={k: ("" if v is None else v) for k, v in fields.items()})
    validate(row, known())
    # An import leaves a bad value out with a warning and keeps the contact; a change typed by
    # hand is refused instead, so the user can correct it.
    problems = row.errors + [reason.removesuffix(": left out") for _, reason in row.warnings]
    if problems:
        raise SegtuiError("; ".join(problems) + ": nothing changed")
    f = row.fields
    out = {name: f.get(name, Contact._meta.fields[name].default) for name in EDIT_FIELDS}
    if out["exclude_from_segment"] in ("", None):
        out["exclude_from_segment"] = False
    for name, (model, column, label) in CODE_LISTS.items():
        if out[name] and not model.select().where(column == out[name]).exists():
            raise SegtuiError(f"{name}: {label} {out[name]} does not exist: nothing changed")
    if out["type"] == "company":
        out["company_no"], out["company_name"] = current_no or "", out["name"]
    elif out["company_no"]:
        company = Contact.get_or_none(Contact.no == out["company_no"])
        if company is None or company.type != "company" or company.no == current_no:
            raise SegtuiError(f"company_no: {out['company_no']} is not a company contact: nothing changed")
        out["company_name"] = company.name
    else:
        out["company_name"] = ""
    out["search_name"] = out["name"].upper()
    return out


def duplicates(fields, except_no=None):
    """Warnings for an existing contact with the same e-mail, or the same name and company."""
    warnings = []
    query = Contact.select(Contact.no, Contact.name, Contact.email)
    if except_no:
        query = query.where(Contact.no != except_no)
    if fields.get("email"):
        same = query.where(fn.LOWER(Contact.email) == fields["email"].lower()).first()
        if same:
            warnings.append(f"contact {same.no} ({same.name}) has the same e-mail {fields['email']}")
    same = query.where((fn.UPPER(Contact.name) == fields["name"].upper())
                       & (Contact.company_no == fields.get("company_no", "")) & (Contact.type == fields["type"]))
    same = same.first()
    if same:
        where = f" at {fields['company_name']}" if fields.get("company_name") and fields["type"] == "person" else ""
        warnings.append(f"contact {same.no} has the same name {same.name}{where}")
    return warnings


def new_contact(values):
    """Create a contact; returns (contact dict, warnings about likely duplicates)."""
    given = _field_names(values)
    with dbmod.transaction():
        fields = _checked(given)
        warnings = duplicates(fields)
        no = _free_no()
        if fields["type"] == "company":
            fields["company_no"] = no
        now = dt.datetime.now().replace(microsecond=0)
        Contact.insert(no=no, created_at=now, modified_at=now, version=0, **fields).execute()
    return contact_dict(get_contact(no)), warnings


def _free_no():
    """The series' next contact number that no contact has yet (contacts made with their own
    numbers may have taken some): past a taken one, jump to the highest number of that form."""
    no = dbmod.next_no("CONTACT")
    if not Contact.select().where(Contact.no == no).exists():
        return no
    series = NumberSeries.get_by_id("CONTACT")
    width = len(series.prefix) + series.width
    highest = (Contact.select(fn.MAX(Contact.no)).where(
        Contact.no.startswith(series.prefix) & (fn.LENGTH(Contact.no) == width)).scalar())
    digits = highest[len(series.prefix):]
    if digits.isdigit():
        NumberSeries.update(last_no=int(digits)).where(NumberSeries.code == "CONTACT").execute()
    no = dbmod.next_no("CONTACT")
    if Contact.select().where(Contact.no == no).exists():
        raise SegtuiError(f"contact number {no} is taken: set the CONTACT number series past it")
    return no


def set_contact(no, values, expected_version=None):
    """Change a contact's fields; returns (contact dict, warnings)."""
    given = _field_names(values)
    with dbmod.transaction():
        contact = get_contact(no)
        check_version(contact, expected_version, f"contact {contact.no}")
        current = {name: getattr(contact, name) for name in EDIT_FIELDS}
        if contact.type == "company":
            current["company_no"] = ""  # a company's own number there is bookkeeping, not a link
        current.update(given)
        if current["type"] == "person" and contact.type == "company":
            persons = _persons(contact.no)
            if persons:
                raise SegtuiError(f"contact {contact.no} is a company with {plural(len(persons), 'person')} "
                                  f"({', '.join(persons[:5])}): it stays a company")
        fields = _checked(current, current_no=contact.no)
        warnings = duplicates(fields, except_no=contact.no) if ("email" in given or "name" in given) else []
        if fields["type"] == "company":
            fields["company_no"] = contact.no
        changes = {k: v for k, v in fields.items() if getattr(contact, k) != v}
        if changes:
            changes["modified_at"] = dt.datetime.now().replace(microsecond=0)
            (Contact.update(version=Contact.version + 1, **changes).where(Contact.no == contact.no).execute())
            if fields["type"] == "company" and "name" in changes:
                # Persons show their company's name: one UPDATE keeps them in step.
                (Contact.update(company_name=fields["name"], version=Contact.version + 1)
                 .where((Contact.company_no == contact.no) & (Contact.no != contact.no)).execute())
    return contact_dict(get_contact(contact.no)), warnings


def _persons(company_no):
    return [n for (n,) in Contact.select(Contact.no).where(
        (Contact.company_no == company_no) & (Contact.no != company_no)).order_by(Contact.no).tuples()]


def delete_refusals(no):
    """Why a contact cannot be deleted (empty when it can)."""
    reasons = []
    segments = [s for (s,) in SegmentLine.select(SegmentLine.segment_no).distinct()
                .where((SegmentLine.contact_no == no) & SegmentLine.removed_by.is_null())
                .order_by(SegmentLine.segment_no).limit(6).tuples()]
    if segments:
        shown = ", ".join(segments[:5]) + (" and more" if len(segments) > 5 else "")
        reasons.append(f"it is on a line of segment {shown}")
    entries = (InteractionLogEntry.select(fn.COUNT(SQL("*")))
               .where((InteractionLogEntry.contact_no == no) & (InteractionLogEntry.canceled == False))  # noqa: E712
               .scalar())
    if entries:
        reasons.append(f"it has {plural(entries, 'interaction log entry')} that "
                       f"{'is' if entries == 1 else 'are'} not canceled")
    persons = _persons(no)
    if persons:
        shown = ", ".join(persons[:5]) + (" and more" if len(persons) > 5 else "")
        reasons.append(f"it is a company with {plural(len(persons), 'person')}: {shown}")
    return reasons


def delete_contact(no, expected_version=None):
    """Delete a contact and its groups, opt-outs and answers; refused with every reason."""
    with dbmod.transaction():
        contact = get_contact(no)
        check_version(contact, expected_version, f"contact {contact.no}")
        reasons = delete_refusals(contact.no)
        if reasons:
            raise SegtuiError(f"contact {contact.no} cannot be deleted: " + "; ".join(reasons))
        for model in (ContactMailingGroup, ContactIndustryGroup, ContactBusinessRelation,
                      ContactJobResponsibility, ContactOptOut, ContactProfileAnswer):
            model.delete().where(model.contact_no == contact.no).execute()
        Contact.delete().where(Contact.no == contact.no).execute()
    return {"deleted": contact.no}


# --- groups --------------------------------------------------------------------------------

def group_kind(kind):
    key = (kind or "").strip().lower().replace("_", "-")
    if key.endswith("s") and key[:-1] in GROUP_KINDS:
        key = key[:-1]
    if key not in GROUP_KINDS:
        raise SegtuiError(f"unknown group kind {kind!r}; known: {', '.join(GROUP_KINDS)}")
    return GROUP_KINDS[key]


def _group_code(kind, code):
    value = normal_code(code)
    if not kind.setup_model.select().where(kind.setup_model.code == value).exists():
        raise SegtuiError(f"{kind.label} {value or '(blank)'} does not exist")
    return value


def _owner_refusal(kind, contact):
    if kind.companies and contact.type != "company":
        company = f": link its company {contact.company_no} instead" if contact.company_no else ""
        return f"{kind.label}s belong to companies and {contact.no} is a person{company}"
    if kind.persons and contact.type != "person":
        return f"job responsibilities belong to persons and {contact.no} is a company"
    return ""


def contact_groups(no):
    """The contact's own groups and, for a person, the company's industry groups and relations."""
    contact = get_contact(no)
    owner = contact.company_no or contact.no
    out = {"no": contact.no}
    for name, kind in GROUP_KINDS.items():
        who = owner if kind.companies else contact.no
        column = getattr(kind.link, kind.column)
        out[kind.plural] = [c for (c,) in kind.link.select(column)
                            .where(kind.link.contact_no == who).order_by(column).tuples()]
    return out


def link(no, kind, code):
    """Give a contact a group (again is fine); returns its groups."""
    kind = group_kind(kind)
    with dbmod.transaction():
        contact = get_contact(no)
        value = _group_code(kind, code)
        refusal = _owner_refusal(kind, contact)
        if refusal:
            raise SegtuiError(refusal)
        added = (kind.link.insert(contact_no=contact.no, **{kind.column: value}).on_conflict_ignore()
                 .as_rowcount().execute())
        if added:
            Contact.update(version=Contact.version + 1).where(Contact.no == contact.no).execute()
    return contact_groups(contact.no)


def unlink(no, kind, code):
    """Take a group from a contact; a group it does not have is refused."""
    kind = group_kind(kind)
    with dbmod.transaction():
        contact = get_contact(no)
        value = normal_code(code)
        owner = contact.company_no if kind.companies and contact.type == "person" else contact.no
        gone = (kind.link.delete().where((kind.link.contact_no == contact.no)
                                         & (getattr(kind.link, kind.column) == value)).execute())
        if not gone:
            extra = f" (its company {owner} has it)" if owner != contact.no else ""
            raise SegtuiError(f"contact {contact.no} has no {kind.label} {value}{extra}")
        Contact.update(version=Contact.version + 1).where(Contact.no == contact.no).execute()
    return contact_groups(contact.no)


def link_filtered(filters, kind, code):
    """Give every contact the filters select the group, in one INSERT ... SELECT. Company groups
    go to the companies selected (their persons qualify through them). Returns the count added."""
    kind = group_kind(kind)
    with dbmod.transaction():
        value = _group_code(kind, code)
        column = getattr(kind.link, kind.column)
        query = select_contacts(filters, [Contact.no, Value(value)])
        if kind.companies:
            query = query.where(Contact.type == "company")
        elif kind.persons:
            query = query.where(Contact.type == "person")
        query = query.where(~fn.EXISTS(kind.link.select(SQL("1")).where(
            (kind.link.contact_no == Contact.no) & (column == value))))
        added = kind.link.insert_from(query, [kind.link.contact_no, column]).as_rowcount().execute()
    return {"linked": added, "kind": kind.name, "code": value}


def unlink_filtered(filters, kind, code):
    """Take the group from every contact the filters select, in one DELETE."""
    kind = group_kind(kind)
    with dbmod.transaction():
        value = normal_code(code)
        chosen = select_contacts(filters, [Contact.no])
        removed = (kind.link.delete().where((getattr(kind.link, kind.column) == value)
                                            & kind.link.contact_no.in_(chosen)).execute())
    return {"unlinked": removed, "kind": kind.name, "code": value}


def group_descriptions(kind_name):
    """{code: description} of the setup list a group kind links to (for showing a contact's groups)."""
    model = GROUP_KINDS[kind_name].setup_model
    return dict(model.select(model.code, model.description).tuples())
