"""Address labels and cover sheets for a segment (issue 14, points 2 and 3); the files are opened
afterwards with python-docx."""
import io

import docx
import pytest
from docx.shared import Mm

from segtui.errors import NotFound, SegtuiError
from segtui.models import Contact, InteractionLogEntry, SegmentLine
from segtui.services import addresses, cover, labels, templates
from docx_build import build, merge
from word_helpers import add_contact, add_line, make_segment, make_world


@pytest.fixture
def segment(db):
    """SM00001: Acme (NL), Jan at Acme's address, Eve (US), Hans (DE), Ann without a country.
    Our company is in NL."""
    contacts = make_world()
    make_segment()
    contacts["hans"] = add_contact("CT000010", "Hans Meier", address="Hauptstr. 1", post_code="10115",
                                   city="Berlin", country_code="DE")
    contacts["ann"] = add_contact("CT000011", "Ann Nowhere", address="1 Lane", post_code="999", city="Town")
    for i, key in enumerate(("acme", "jan", "eve", "hans", "ann")):
        add_line("SM00001", contacts[key], 10000 * (i + 1))
    return contacts


def _labels(path):
    table = docx.Document(path).tables[0]
    return [cell.text for row in table.rows for i, cell in enumerate(row.cells) if i % 2 == 0 and cell.text]


def test_each_address_follows_its_country_and_home_letters_have_no_country(segment, tmp_path):
    blocks = addresses.address_blocks(["CT000001", "CT000002", "CT000003", "CT000010", "CT000011"])
    assert blocks["CT000003"] == "Eve Adams\n12 Elm Road\nCAMBRIDGE, MA 02139\nUNITED STATES"  # US: city, state zip
    assert blocks["CT000010"] == "Hans Meier\nHauptstr. 1\n10115 BERLIN\nGERMANY"  # DE: zip before city
    assert blocks["CT000001"] == "Acme B.V.\nKade 5\n9711 AA GRONINGEN"  # NL is our country: no country line
    assert "Jan de Vries" in blocks["CT000002"] and "Kade 5" in blocks["CT000002"]  # at the company's address
    assert blocks["CT000011"] == "Ann Nowhere\n1 Lane\n999 Town"


@pytest.mark.parametrize("name, per_page, width_mm, height_mm", [
    ("a4-3x8", 24, 210, 297), ("a4-3x7", 21, 210, 297), ("letter-3x10", 30, 215.9, 279.4)])
def test_label_sheets_have_the_layout_s_size_and_grid(segment, tmp_path, name, per_page, width_mm, height_mm):
    path = tmp_path / f"{name}.docx"
    result = labels.segment_labels("SM00001", path, layout_name=name)
    assert (result["labels"], result["pages"], result["layout"]) == (5, 1, name)
    document = docx.Document(path)
    section = document.sections[0]
    assert abs(section.page_width - Mm(width_mm)) < Mm(0.5) and abs(section.page_height - Mm(height_mm)) < Mm(0.5)
    sheet = labels.LAYOUTS[name]
    table = document.tables[0]
    assert len(table.rows) == sheet.rows and len(table.columns) == 2 * sheet.cols - 1
    assert abs(table.rows[0].height - Mm(sheet.v_pitch)) < Mm(0.1)
    # The rows of one sheet fit the page exactly.
    usable = section.page_height - section.top_margin - section.bottom_margin
    assert Mm(sheet.rows * sheet.v_pitch) <= usable < Mm(sheet.rows * sheet.v_pitch + 1)
    texts = _labels(path)
    assert texts[0] == "Acme B.V.\nKade 5\n9711 AA GRONINGEN" and "UNITED STATES" in texts[2]
    assert len(texts) == 5 and sheet.per_page == per_page


def test_many_labels_fill_several_sheets(segment, tmp_path):
    for i in range(40):
        add_line("SM00001", add_contact(f"CT2{i:05d}", f"Person {i}", address=f"{i} Road", city="Utrecht",
                                        country_code="NL"), 100000 + i)
    result = labels.segment_labels("SM00001", tmp_path / "l.docx", layout_name="a4-3x7")
    assert result["labels"] == 45 and result["pages"] == 3
    assert len(docx.Document(tmp_path / "l.docx").tables[0].rows) == 21


def test_labels_logged_as_hard_copy_interactions_when_asked(segment, tmp_path):
    result = labels.segment_labels("SM00001", tmp_path / "l.docx", log=True)
    entries = list(InteractionLogEntry.select().order_by(InteractionLogEntry.entry_no))
    assert [e.entry_no for e in entries] == result["logged_entries"] and len(entries) == 5
    assert {(e.correspondence_type, e.description, e.delivery_status) for e in entries} == {
        ("hard_copy", "Address label", "")}
    assert entries[0].contact_no == "CT000001" and entries[0].attachment_name == "l.docx"
    assert SegmentLine.select().count() == 5  # the segment stays open


def test_labels_refusals_write_nothing(segment, tmp_path):
    with pytest.raises(SegtuiError, match="layout 'a5-2x2'"):
        labels.segment_labels("SM00001", tmp_path / "l.docx", layout_name="a5-2x2")
    with pytest.raises(NotFound):
        labels.segment_labels("SM09999", tmp_path / "l.docx")
    (tmp_path / "exists.docx").write_bytes(b"x")
    with pytest.raises(SegtuiError, match="exists already"):
        labels.segment_labels("SM00001", tmp_path / "exists.docx")
    SegmentLine.update(interaction_template_code="").where(SegmentLine.line_no == 20000).execute()
    with pytest.raises(SegtuiError, match="line 20000 has no interaction template"):
        labels.segment_labels("SM00001", tmp_path / "l.docx", log=True)
    assert not (tmp_path / "l.docx").exists() and InteractionLogEntry.select().count() == 0


def test_labels_from_the_command_line(segment, run_cli, tmp_path):
    code, out, err = run_cli("segment", "labels", "SM00001", "--out", tmp_path / "l.docx", "--layout", "letter-3x10")
    assert code == 0, err
    assert out["labels"] == 5 and out["pages"] == 1 and len(_labels(tmp_path / "l.docx")) == 5
    code, out, err = run_cli("segment", "labels", "SM00001", "--out", tmp_path / "m.docx", "--layout", "x",
                             json_out=False)
    assert code == 1 and "a4-3x8, a4-3x7, letter-3x10" in err


def test_default_cover_sheets_one_page_per_contact_with_address_and_text(segment, tmp_path):
    path = tmp_path / "covers.docx"
    result = cover.cover_sheets("SM00001", path, text="Enclosed: our spring catalogue.", log=True)
    assert result["sheets"] == 5 and len(result["logged_entries"]) == 5
    document = docx.Document(path)
    assert len(document.sections) == 5
    text = "\n".join(p.text for p in document.paragraphs)
    assert text.count("Enclosed: our spring catalogue.") == 5
    assert "Eve Adams\n12 Elm Road\nCAMBRIDGE, MA 02139\nUNITED STATES" in text
    assert "«" not in text and "MERGEFIELD" not in document.element.xml
    assert {e.description for e in InteractionLogEntry.select()} == {"Cover sheet"}


def test_cover_sheets_from_a_template_s_word_template(segment, tmp_path):
    template = tmp_path / "cover.docx"
    template.write_bytes(build(["To: ", merge("contact_name")], [merge("address_block")],
                               ["Note: ", merge("cover_text")]))
    templates.attach("LETTER", template)
    path = tmp_path / "covers.docx"
    cover.cover_sheets("SM00001", path, template_code="letter", text="Please sign")
    paragraphs = [p.text for p in docx.Document(io.BytesIO(path.read_bytes())).paragraphs]
    assert "To: Hans Meier" in paragraphs and "Note: Please sign" in paragraphs
    assert "Hans Meier\nHauptstr. 1\n10115 BERLIN\nGERMANY" in paragraphs


def test_cover_sheets_refuse_a_template_without_a_word_template(segment, tmp_path, run_cli):
    code, out, err = run_cli("segment", "cover-sheets", "SM00001", "--out", tmp_path / "c.docx", "--template", "LETTER",
                             json_out=False)
    assert code == 1 and "has no Word template" in err and not (tmp_path / "c.docx").exists()
    code, out, err = run_cli("segment", "cover-sheets", "SM00001", "--out", tmp_path / "c.docx", "--text", "Hi")
    assert code == 0 and out["sheets"] == 5, err


def test_address_block_is_a_merge_field_for_letters_too(segment):
    assert templates.known_name("address_block") == "address_block"
    from segtui.services import merge as merge_service

    line = SegmentLine.get(SegmentLine.line_no == 30000)
    assert merge_service.merge_values(line)["address_block"].endswith("UNITED STATES")
    Contact.update(country_code="NL").where(Contact.no == "CT000003").execute()
    assert "UNITED STATES" not in merge_service.merge_values(line)["address_block"]
