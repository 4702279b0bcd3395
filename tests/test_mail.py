"""E-mail that looks like the letter (issue 14, point 1) and one mail per address (point 5), through
a real SMTP server on loopback; the received bytes are parsed as a mail client would."""
import io
import struct
import zlib
from pathlib import Path

import docx
import pytest
from docx.shared import Cm

from segtui.models import Contact, InteractionLogEntry, SegmentHeader
from segtui.services import delivery, segment_log, templates
from docx_build import merge
from word_helpers import DATA, add_contact, add_line, make_segment, make_world

SHARED_WORD = Path(__file__).resolve().parents[1].parent / "shared" / "samples" / "word"
LETTERS = SHARED_WORD if (SHARED_WORD / "letter_macword2011.docx").is_file() else DATA


def png(width=4, height=3, rgb=(200, 30, 30)):
    """A small real PNG image."""
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def letter_with_table_and_image():
    """A letter with a logo, a merge field in the text and a table holding merge fields."""
    doc = docx.Document()
    doc.add_picture(io.BytesIO(png()), width=Cm(2))
    p = doc.add_paragraph("Dear ")
    from docx_build import _field

    _field(p, merge("contact_name"), False)
    table = doc.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Customer", "City"
    _field(table.cell(1, 0).paragraphs[0], merge("contact_no"), False)
    _field(table.cell(1, 1).paragraphs[0], merge("contact_city"), False)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _settings(port, **extra):
    return {"smtp": {"host": "127.0.0.1", "port": port, "starttls": False, "user": "",
                     "password_env": "X", "sender": "letters@ourco.example"}, **extra}


@pytest.fixture
def world(db):
    return make_world()


def _log(settings, monkeypatch, **options):
    monkeypatch.setattr(delivery.config, "load", lambda *a, **k: settings)
    return segment_log.log_segment("SM00001", deliver=True, **options)


def _parts(message):
    return {part.get_content_type(): part for part in message.walk() if not part.is_multipart()}


def test_the_letter_goes_as_html_with_a_text_alternative(world, server, monkeypatch):
    templates.attach("LETTER", LETTERS / "letter_macword2011.docx")
    make_segment()
    add_line("SM00001", world["eve"], 10000, correspondence_type="email")
    result = _log(_settings(server.port), monkeypatch)
    assert result["delivered"] == 1
    (message,) = server.handler.received
    assert message.get_content_type() == "multipart/alternative"
    parts = _parts(message)
    text, html = parts["text/plain"].get_content(), parts["text/html"].get_content()
    assert "Dear Eve," in text
    assert "<p>Dear Eve,</p>" in html and html.startswith("<!DOCTYPE html>")
    assert "Our spring offer" in message["Subject"]
    # The stored document of the entry is the letter that was converted.
    entry = InteractionLogEntry.get()
    assert "Dear Eve," in "\n".join(p.text for p in docx.Document(io.BytesIO(bytes(entry.attachment))).paragraphs)


def test_images_and_tables_are_kept_and_images_are_inline_parts(world, server, monkeypatch, tmp_path):
    path = tmp_path / "logo_letter.docx"
    path.write_bytes(letter_with_table_and_image())
    templates.attach("LETTER", path)
    make_segment()
    add_line("SM00001", world["eve"], 10000, correspondence_type="email")
    _log(_settings(server.port), monkeypatch)
    (message,) = server.handler.received
    parts = _parts(message)
    html = parts["text/html"].get_content()
    assert "<table>" in html and "<td><p>CT000003</p></td>" in html and "<td><p>Cambridge</p></td>" in html
    assert "Dear Eve Adams" in html
    image = parts["image/png"]
    assert image.get_content() == png()
    cid = image["Content-ID"].strip("<>")
    assert f'src="cid:{cid}"' in html
    assert "CT000003\tCambridge" in parts["text/plain"].get_content()


def test_send_as_attachment_attaches_the_merged_docx(world, server, monkeypatch):
    templates.attach("LETTER", LETTERS / "letter_macword2011.docx")
    SegmentHeader.create(no="SM00001", description="Spring letter", salesperson_code="AK",
                         interaction_template_code="LETTER", send_word_docs_as_attmt=True)
    add_line("SM00001", world["eve"], 10000, correspondence_type="email")
    _log(_settings(server.port), monkeypatch)
    (message,) = server.handler.received
    attachments = list(message.iter_attachments())
    assert len(attachments) == 1 and attachments[0].get_filename().endswith(".docx")
    letter = docx.Document(io.BytesIO(attachments[0].get_content()))
    assert any("Dear Eve," in p.text for p in letter.paragraphs)
    assert "text/html" not in _parts(message)


@pytest.fixture
def shared_address(world):
    """Acme and its person Jan write from one address, in two cases; Eve has her own."""
    templates.attach("LETTER", LETTERS / "letter_macword2011.docx")
    Contact.update(email="Office@Acme.example").where(Contact.no == "CT000002").execute()
    Contact.update(email="office@acme.example").where(Contact.no == "CT000001").execute()
    make_segment()
    add_line("SM00001", world["acme"], 10000, correspondence_type="email")
    add_line("SM00001", world["jan"], 20000, correspondence_type="email")
    add_line("SM00001", world["eve"], 30000, correspondence_type="email")
    add_line("SM00001", add_contact("CT000009", "Paper Person", address="1 Road"), 40000)  # hard copy
    return world


def test_one_mail_per_address_by_default_the_others_logged_with_a_note(shared_address, server, monkeypatch,
                                                                      tmp_path):
    result = _log(_settings(server.port, output_dir=str(tmp_path / "printed")), monkeypatch)
    assert result["interactions"] == 4 and result["delivered"] == 3 and result["same_address"] == 1
    assert sorted(str(m["To"]) for m in server.handler.received) == ["eve@example.org", "office@acme.example"]
    jan = InteractionLogEntry.get(InteractionLogEntry.contact_no == "CT000002")
    assert jan.delivery_status == "" and jan.message_id == ""
    assert "one mail per address" in jan.delivery_error and "Office@Acme.example" in jan.delivery_error
    # A later run does not send to that address either.
    (InteractionLogEntry.update(delivery_status="in_progress")
     .where(InteractionLogEntry.entry_no == jan.entry_no).execute())
    again = delivery.deliver_logged(1, settings=_settings(server.port))
    assert again["delivered"] == 0 and again["same_address"] == 1 and len(server.handler.received) == 2


def test_every_address_sends_each_line(shared_address, server, monkeypatch, tmp_path):
    result = _log(_settings(server.port, output_dir=str(tmp_path / "printed")), monkeypatch,
                  one_mail_per_address=False)
    assert result["delivered"] == 4
    assert sorted(str(m["To"]).lower() for m in server.handler.received) == [
        "eve@example.org", "office@acme.example", "office@acme.example"]


def test_the_command_line_says_how_many_shared_an_address(shared_address, server, run_cli, tmp_path):
    import tomli_w

    (tmp_path / "settings.toml").write_text(tomli_w.dumps(_settings(server.port,
                                                                    output_dir=str(tmp_path / "printed"))))
    code, out, err = run_cli("segment", "log", "SM00001", "--deliver", json_out=False)
    assert code == 0, err
    assert "1 not sent: their address had its mail from another entry" in out
    assert len(server.handler.received) == 2


def test_a_letter_too_large_for_html_is_attached_instead(world, server, monkeypatch):
    from segtui.services import mail

    monkeypatch.setattr(mail, "HTML_TAG_LIMIT", 10)
    templates.attach("LETTER", LETTERS / "letter_macword2011.docx")
    make_segment()
    add_line("SM00001", world["eve"], 10000, correspondence_type="email")
    _log(_settings(server.port), monkeypatch)
    (message,) = server.handler.received
    assert "text/html" not in _parts(message)
    (attached,) = message.iter_attachments()
    assert any("Dear Eve," in p.text for p in docx.Document(io.BytesIO(attached.get_content())).paragraphs)


def test_a_line_that_says_send_as_attachment_attaches_its_letter(world, server, monkeypatch):
    from segtui.services import segments

    templates.attach("LETTER", LETTERS / "letter_macword2011.docx")
    make_segment()
    add_line("SM00001", world["eve"], 10000, correspondence_type="email")
    add_line("SM00001", world["jan"], 20000, correspondence_type="email")
    line = segments.set_line("SM00001", 20000, {"send_as_attachment": "true"})
    assert line["send_word_docs_as_attmt"] is True
    _log(_settings(server.port), monkeypatch)
    by_to = {str(m["To"]): m for m in server.handler.received}
    assert "text/html" in _parts(by_to["eve@example.org"])
    assert [a.get_filename()[-5:] for a in by_to["jan@acme.example"].iter_attachments()] == [".docx"]
    flags = {e.contact_no: e.send_word_docs_as_attmt for e in InteractionLogEntry.select()}
    assert flags == {"CT000003": False, "CT000002": True}


def test_upgrade_to_5_adds_the_line_field_and_runs_twice(db):
    from playhouse.migrate import SqliteMigrator, migrate

    from segtui import db as dbmod
    from segtui.models import SchemaInfo, SegmentHistory, SegmentLine

    m = SqliteMigrator(dbmod.database.obj)
    migrate(m.drop_column("segment_line", "send_word_docs_as_attmt"),
            m.drop_column("segment_history", "send_word_docs_as_attmt"))
    SchemaInfo.update(version=3).execute()
    assert dbmod.init_database() == dbmod.SCHEMA_VERSION >= 5
    for model in (SegmentLine, SegmentHistory):
        assert "send_word_docs_as_attmt" in {c.name for c in dbmod.database.get_columns(model._meta.table_name)}
    dbmod._upgrade_to_5()  # again: nothing to do, no error


def test_a_letter_that_cannot_be_converted_is_an_error_for_that_entry_only(world, server, monkeypatch):
    from segtui.services import mail

    templates.attach("LETTER", LETTERS / "letter_macword2011.docx")
    make_segment()
    add_line("SM00001", world["eve"], 10000, correspondence_type="email")
    add_line("SM00001", world["jan"], 20000, correspondence_type="email")
    real = mail.letter_html

    def broken_for_jan(data, domain="segtui.local"):
        if b"Jan" in __import__("segtui.services.word", fromlist=["x"]).document_text(data).encode():
            raise ValueError("unreadable letter")
        return real(data, domain)

    monkeypatch.setattr(mail, "letter_html", broken_for_jan)
    result = _log(_settings(server.port), monkeypatch)
    assert (result["delivered"], result["errors"]) == (1, 1)
    jan = InteractionLogEntry.get(InteractionLogEntry.contact_no == "CT000002")
    assert jan.delivery_status == "error" and "unreadable letter" in jan.delivery_error
    assert [str(m["To"]) for m in server.handler.received] == ["eve@example.org"]
