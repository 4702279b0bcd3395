"""Shared set-up for the Word tests: a small world of contacts, a template and segment lines,
and a loopback SMTP server's handler for the delivery tests."""
import asyncio
import datetime as dt
import email
import email.policy
import io
import socket
import zipfile
from pathlib import Path

import docx

from segtui.models import (
    Campaign,
    CompanyInformation,
    Contact,
    Country,
    InteractionGroup,
    InteractionLogEntry,
    InteractionTemplate,
    Language,
    LoggedSegment,
    Salesperson,
    SegmentHeader,
    SegmentLine,
)

DATA = Path(__file__).parent / "data" / "word"
SAMPLES = sorted(p.name for p in DATA.glob("*.docx"))
LETTER_DATE = dt.date(2026, 3, 14)


def sample(name):
    return (DATA / name).read_bytes()


def make_world():
    """Setup rows, a company with two persons and a lone person; returns the contacts by key."""
    Language.insert_many([dict(code="ENU", name="English (US)", date_format="%m/%d/%Y"),
                          dict(code="NLD", name="Dutch", date_format="%d-%m-%Y")]).execute()
    Country.insert_many([dict(code="NL", name="Netherlands", language_code="NLD"),
                         dict(code="US", name="United States", language_code="ENU")]).execute()
    Salesperson.create(code="AK", name="Annette Klein", email="annette@ourco.example", phone="+49 1")
    CompanyInformation.create(name="Our Company Ltd", address="1 Main Street", post_code="10115",
                              city="Berlin", country_code="NL", phone="+49 30 1", email="info@ourco.example")
    Campaign.create(no="CP1001", description="Spring fair")
    InteractionGroup.create(code="LETTER", description="Letters")
    InteractionTemplate.create(code="LETTER", interaction_group_code="LETTER", description="Letter",
                               correspondence_type_default="hard_copy")
    contacts = {
        "acme": Contact.create(no="CT000001", type="company", name="Acme B.V.", company_no="CT000001",
                               company_name="Acme B.V.", address="Kade 5", post_code="9711 AA",
                               city="Groningen", county="Groningen", country_code="NL", phone="+31 50 1",
                               email="office@acme.example"),
        "jan": Contact.create(no="CT000002", type="person", name="Jan de Vries", first_name="Jan",
                              surname="de Vries", company_no="CT000001", company_name="Acme B.V.",
                              email="jan@acme.example", language_code="NLD", job_title="Buyer"),
        "eve": Contact.create(no="CT000003", type="person", name="Eve Adams", first_name="Eve", surname="Adams",
                              address="12 Elm Road", post_code="02139", city="Cambridge", county="MA",
                              country_code="US", email="eve@example.org", language_code="ENU"),
    }
    return contacts


def make_segment(no="SM00001", description="Spring letter"):
    return SegmentHeader.create(no=no, description=description, date=LETTER_DATE, salesperson_code="AK",
                                interaction_template_code="LETTER", interaction_group_code="LETTER")


def add_line(segment_no, contact, line_no, **fields):
    row = dict(segment_no=segment_no, line_no=line_no, contact_no=contact.no,
               contact_company_no=contact.company_no, correspondence_type="hard_copy",
               interaction_template_code="LETTER", interaction_group_code="LETTER",
               language_code=contact.language_code, subject="Our spring offer", description="Spring letter",
               date=LETTER_DATE, salesperson_code="AK", campaign_no="CP1001")
    row.update(fields)
    return SegmentLine.create(**row)


def add_contact(no, name, **fields):
    first, _, surname = name.partition(" ")
    return Contact.create(no=no, type="person", name=name, first_name=first, surname=surname, **fields)


def make_logged(lines_fields, segment_no="SM00009", send_as_attachment=True):
    """A logged segment whose entries are 'in_progress', as logging with delivery leaves them."""
    logged = LoggedSegment.create(segment_no=segment_no, description="Spring letter")
    entries = []
    for contact, fields in lines_fields:
        row = dict(segment_no=segment_no, logged_segment_entry_no=logged.entry_no, contact_no=contact.no,
                   contact_company_no=contact.company_no, correspondence_type="email",
                   interaction_template_code="LETTER", interaction_group_code="LETTER",
                   language_code=contact.language_code, subject="Our spring offer",
                   description="Spring letter", date=LETTER_DATE, salesperson_code="AK",
                   delivery_status="in_progress", send_word_docs_as_attmt=send_as_attachment)
        row.update(fields)
        entries.append(InteractionLogEntry.create(**row))
    return logged, entries


def all_xml(data):
    """Every XML part of a .docx as one text, to look for fields left unmerged."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return "\n".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))


def body_text(data):
    d = docx.Document(io.BytesIO(data))
    parts = [p.text for p in d.paragraphs]
    for table in d.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def free_port():
    """A loopback port nothing listens on (bound, then let go)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SlowRecorder:
    """Keeps each message as it arrives, then waits `delay` seconds before saying 250 OK."""

    def __init__(self, delay=0.0):
        self.delay = delay
        self.received = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        if self.delay:
            await asyncio.sleep(self.delay)
        return "250 OK"
