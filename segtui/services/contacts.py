"""Contacts: which contacts a set of filters selects, listing them, reading one.

Filters are (field, expression) pairs. A bare field is a contact field; a related source is
written before a dot or as its own name (docs/filters.md): mailing_group=, industry_group=,
business_relation=, job_responsibility=, profile= (QUESTIONNAIRE.ANSWER), opt_out=,
interaction.FIELD=. A contact qualifies when it passes the contact filters and, for every other
source with filters, at least one related row passes all of that source's filters
(docs/domain.md, section 2).
"""
from dataclasses import dataclass
from typing import Any

from peewee import SQL, fn

from ..errors import FilterError, NotFound, unknown_name_hint
from ..filters import compile_filter
from ..models import (
    Contact,
    ContactBusinessRelation,
    ContactIndustryGroup,
    ContactJobResponsibility,
    ContactMailingGroup,
    ContactOptOut,
    ContactProfileAnswer,
    InteractionLogEntry,
    to_dict,
)


@dataclass(frozen=True)
class Source:
    """A place filters can look: the contact itself or a table related to it."""

    name: str
    label: str
    model: Any  # a peewee model class
    link: str  # the related table's column that holds the contact no
    on_company: bool = False  # judged on the contact's company (a person inherits it)
    aliases: tuple = ()  # user field name -> model field name


SOURCES = {
    "contact": Source("contact", "Contact", Contact, "no"),
    "mailing_group": Source("mailing_group", "Mailing group", ContactMailingGroup, "contact_no",
                            aliases=(("code", "mailing_group_code"),)),
    "industry_group": Source("industry_group", "Industry group", ContactIndustryGroup, "contact_no",
                             on_company=True, aliases=(("code", "industry_group_code"),)),
    "business_relation": Source("business_relation", "Business relation", ContactBusinessRelation,
                                "contact_no", on_company=True, aliases=(("code", "business_relation_code"),)),
    "job_responsibility": Source("job_responsibility", "Job responsibility", ContactJobResponsibility,
                                 "contact_no", aliases=(("code", "job_responsibility_code"),)),
    # A contact's answers to profile questionnaires: profile=QUESTIONNAIRE.ANSWER.
    "profile": Source("profile", "Profile", ContactProfileAnswer, "contact_no",
                      aliases=(("code", "profile_code"), ("answer", "profile_code"))),
    # Opt-outs: opt_out=EMAIL|LETTER, opt_out.date=..2026-01-31, opt_out.reason=@*returned*.
    "opt_out": Source("opt_out", "Opt-out", ContactOptOut, "contact_no", aliases=(("code", "channel"),)),
    "interaction": Source("interaction", "Interactions", InteractionLogEntry, "contact_no",
                          aliases=(("template_code", "interaction_template_code"),
                                   ("group_code", "interaction_group_code"))),
}

INTERACTION_FIELDS = ("date", "template_code", "segment_no", "campaign_no", "evaluation",
                      "salesperson_code", "correspondence_type", "group_code", "canceled", "cost")


def split_field(name):
    """'city' -> ('contact', 'city'); 'mailing_group' -> ('mailing_group', 'code');
    'interaction.date' -> ('interaction', 'date')."""
    name = name.strip().lower()
    if "." in name:
        source, _, field = name.partition(".")
        return source, field
    if name in SOURCES and name not in ("contact", "interaction"):
        return name, "code"
    return "contact", name


HIDDEN_FIELDS = ("attachment", "content", "id")


def source_field(source_name, field_name, typed=None, expression=""):
    """The model field a user's field name means, or a FilterError naming it (with the
    expression it was given, and the nearest known name when one is close)."""
    typed = typed or field_name
    source = SOURCES.get(source_name)
    if source is None:
        raise FilterError(f"unknown filter source {source_name!r}{unknown_name_hint(source_name, list(SOURCES))}",
                          expression, field=typed, unknown_field=True)
    name = dict(source.aliases).get(field_name, field_name)
    field = source.model._meta.fields.get(name)
    if field is None or name in HIDDEN_FIELDS:
        known = [n for n in source.model._meta.fields if n not in HIDDEN_FIELDS] + [a for a, _ in source.aliases]
        if source.name == "contact":
            known += [n for n in SOURCES if n not in ("contact", "interaction")]  # mailing_group=NEWS
        hint = unknown_name_hint(field_name, known, list_known=False)
        raise FilterError(f"unknown field {field_name!r} for {source.label.lower()}{hint}", expression, field=typed,
                          unknown_field=True)
    return source, field


def contact_condition(filters):
    """One Peewee condition on Contact for all filters (raises FilterError for a bad one)."""
    contact = Contact
    by_source: dict = {}
    for typed, expression in filters:
        source_name, field_name = split_field(typed)
        source, field = source_field(source_name, field_name, typed, expression)
        by_source.setdefault(source.name, []).append(compile_filter(field, expression, name=typed))
    condition = SQL("1 = 1")
    for name, conditions in by_source.items():
        source = SOURCES[name]
        every = conditions[0]
        for more in conditions[1:]:
            every &= more
        if name == "contact":
            condition &= every
            continue
        if name == "interaction" and not any(split_field(t)[1] == "canceled" for t, _ in filters):
            every &= InteractionLogEntry.canceled == False  # noqa: E712 - canceled interactions did not happen
        owner = contact.no
        if source.on_company:
            owner = fn.COALESCE(fn.NULLIF(contact.company_no, ""), contact.no)
        link = getattr(source.model, source.link)
        # IN over the link's own index (one set built once), not an EXISTS probe per contact.
        condition &= owner.in_(source.model.select(link).where(every))
    return condition


def check_filters(filters):
    """Raise FilterError if any filter cannot be used; nothing else."""
    contact_condition(filters)


def select_contacts(filters=(), columns=None):
    columns = columns or [Contact]
    return Contact.select(*columns).where(contact_condition(filters))


def list_contacts(filters=(), limit=100, offset=0, after_no=None, before_no=None, last=False):
    """Contacts in number order, as dicts. `after_no` pages by key (fast on large tables);
    `before_no` (those just before it) and `last` (the last ones) read by key from the end."""
    query = select_contacts(filters)
    if after_no:
        query = query.where(Contact.no > after_no)
    if before_no is not None or last:
        # Read backwards by key and turned around: the end of a million contacts without an OFFSET.
        if before_no is not None:
            query = query.where(Contact.no < before_no)
        return [contact_dict(c) for c in reversed(list(query.order_by(Contact.no.desc()).limit(limit)))]
    query = query.order_by(Contact.no).limit(limit)
    if offset:
        query = query.offset(offset)
    return [contact_dict(c) for c in query]


def count_contacts(filters=()):
    return select_contacts(filters, [fn.COUNT(SQL("*"))]).scalar()


def contact_dict(contact):
    data = to_dict(contact)
    data["exclude_from_segment"] = bool(data["exclude_from_segment"])
    return data


def get_contact(no):
    contact = Contact.get_or_none(Contact.no == (no or "").strip().upper())
    if contact is None:
        raise NotFound(f"contact {no!r} does not exist")
    return contact


def contact_card(no):
    """A contact with its groups, relations and last interactions."""
    contact = get_contact(no)
    data = contact_dict(contact)
    data["mailing_groups"] = [r.mailing_group_code for r in
                              ContactMailingGroup.select().where(ContactMailingGroup.contact_no == contact.no)]
    owner = contact.company_no or contact.no
    data["industry_groups"] = [r.industry_group_code for r in
                               ContactIndustryGroup.select().where(ContactIndustryGroup.contact_no == owner)]
    data["business_relations"] = [r.business_relation_code for r in ContactBusinessRelation.select().where(
        ContactBusinessRelation.contact_no == owner)]
    data["job_responsibilities"] = [r.job_responsibility_code for r in ContactJobResponsibility.select().where(
        ContactJobResponsibility.contact_no == contact.no)]
    entries = (InteractionLogEntry.select().where(InteractionLogEntry.contact_no == contact.no)
               .order_by(InteractionLogEntry.entry_no.desc()).limit(50))
    data["interactions"] = [to_dict(e) for e in entries]
    from .opt_outs import contact_opt_outs
    from .profiles import contact_answers

    data["profile"] = contact_answers(contact.no)
    data["opt_outs"] = contact_opt_outs(contact.no)
    return data
