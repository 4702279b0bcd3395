"""Merging a segment's letters: values, documents per line, file names, combined file, CLI."""
import io
import os
from pathlib import Path

import docx
import pytest

from segtui.errors import NotFound, SegtuiError
from segtui.models import Contact, InteractionTemplateAttachment, SegmentHeader, SegmentLine
from segtui.services import merge, templates
from word_helpers import (
    DATA,
    SAMPLES,
    add_contact,
    add_line,
    all_xml,
    body_text,
    make_segment,
    make_world,
    sample,
)

# For each sample, a mapping of the fields segtui does not know (the English letter needs none).
MAPPINGS = {
    "letter_macword2011.docx": {},
    "letter_winword2010_dutch_fields.docx": {
        "Titel": "contact_job_title", "Voornaam": "contact_first_name", "Achternaam": "contact_surname",
        "Adresregel_1": "contact_address", "Postcode": "contact_post_code", "Plaats": "contact_city",
        "Provincie": "contact_county", "Land_of_regio": "contact_country"},
    "fields_in_header_footer_footnote.docx": {
        "fieldname": "personal_note", "headerfield": "contact_name", "headerfirst": "contact_name",
        "headereven": "contact_name", "footerfield": "salesperson_name", "footerfirst": "salesperson_name",
        "footereven": "salesperson_name"},
    "field_names_with_spaces.docx": {"Hello world": "contact_name", "More than one space": "contact_city",
                                     "Singleword": "subject"},
    "table_rows.docx": {"student_name": "contact_name", "study_name": "campaign_description",
                        "class_code": "segment_no", "class_name": "subject", "class_grade": "contact_no",
                        "thesis_grade": "salesperson_name"},
}


@pytest.fixture
def world(db):
    contacts = make_world()
    make_segment()
    return contacts


def _lines(contacts, **fields):
    add_line("SM00001", contacts["jan"], 10000, personal_note="See you at the fair, Jan!", **fields)
    add_line("SM00001", contacts["eve"], 20000, **fields)


def _docs(folder):
    return sorted(Path(folder).glob("*.docx"))


def test_merge_values_of_a_person_use_its_company_and_the_line(world):
    _lines(world)
    jan = SegmentLine.get(line_no=10000)
    values = merge.merge_values(jan)
    assert set(values) == set(templates.KNOWN_FIELDS)
    assert values["contact_name"] == "Jan de Vries" and values["contact_first_name"] == "Jan"
    assert values["contact_company_name"] == "Acme B.V."
    # Jan has no address of his own: the letter goes to his company's.
    assert (values["contact_address"], values["contact_city"], values["contact_country"]) == \
        ("Kade 5", "Groningen", "Netherlands")
    assert values["contact_phone"] == "+31 50 1"
    assert values["salesperson_name"] == "Annette Klein" and values["salesperson_email"] == "annette@ourco.example"
    assert values["company_name"] == "Our Company Ltd" and values["company_country"] == "Netherlands"
    assert values["date"] == "14-03-2026"  # Dutch date format for a Dutch line
    assert values["segment_no"] == "SM00001" and values["campaign_description"] == "Spring fair"
    assert values["personal_note"] == "See you at the fair, Jan!" and values["subject"] == "Our spring offer"
    eve = merge.merge_values(SegmentLine.get(line_no=20000))
    assert eve["date"] == "03/14/2026" and eve["contact_address"] == "12 Elm Road"
    assert eve["contact_company_name"] == "" and eve["personal_note"] == ""


@pytest.mark.parametrize("name", SAMPLES)
def test_every_sample_template_merges_with_no_field_left_and_formatting_kept(world, tmp_path, name):
    templates.attach("LETTER", DATA / name)
    if MAPPINGS[name]:
        templates.map_fields("LETTER", MAPPINGS[name])
    _lines(world)
    result = merge.merge_segment("SM00001", tmp_path / "out")
    assert result["documents"] == 2 and result["unknown_fields"] == []
    files = _docs(tmp_path / "out")
    assert [str(f) for f in files] == result["files"]
    template = docx.Document(DATA / name)
    for path, person in zip(files, ("Jan", "Eve")):
        data = path.read_bytes()
        xml = all_xml(data)
        assert "MERGEFIELD" not in xml and "\u00ab" not in xml
        assert person in xml  # the contact's own values are inside
        merged = docx.Document(io.BytesIO(data))
        assert [p.style.name for p in merged.paragraphs] == [p.style.name for p in template.paragraphs]
        assert [p.alignment for p in merged.paragraphs] == [p.alignment for p in template.paragraphs]


def test_the_english_letter_reads_back_with_the_contacts_values(world, tmp_path):
    templates.attach("LETTER", DATA / "letter_macword2011.docx")
    _lines(world)
    merge.merge_segment("SM00001", tmp_path)
    eve = body_text(_docs(tmp_path)[1].read_bytes())
    assert "Eve Adams" in eve and "12 Elm Road" in eve and "Dear Eve," in eve
    assert "02139 Cambridge MA United States" in eve and "Groningen, 03/14/2026," in eve


def test_dutch_template_reports_unknown_fields_writes_nothing_then_merges_after_mapping(world, tmp_path):
    name = "letter_winword2010_dutch_fields.docx"
    templates.attach("LETTER", DATA / name)
    _lines(world)
    out = tmp_path / "out"
    with pytest.raises(merge.UnknownFields) as info:
        merge.merge_segment("SM00001", out, combined=tmp_path / "all.docx")
    assert "Voornaam" in str(info.value) and "template map-field LETTER" in str(info.value)
    assert "Voornaam" in info.value.unknown_fields and "Titel" in info.value.unknown_fields
    assert not out.exists() and not (tmp_path / "all.docx").exists()
    templates.map_fields("LETTER", MAPPINGS[name])
    merge.merge_segment("SM00001", out)
    jan = body_text(_docs(out)[0].read_bytes())
    assert "Buyer Jan de Vries" in jan and "9711 AA Groningen Groningen Netherlands" in jan


def test_header_footer_and_footnote_are_filled_per_contact(world, tmp_path):
    name = "fields_in_header_footer_footnote.docx"
    templates.attach("LETTER", DATA / name)
    templates.map_fields("LETTER", MAPPINGS[name])
    _lines(world)
    merge.merge_segment("SM00001", tmp_path)
    jan = _docs(tmp_path)[0].read_bytes()
    section = docx.Document(io.BytesIO(jan)).sections[0]
    assert "Jan de Vries" in section.header.paragraphs[0].text
    assert "Annette Klein" in section.footer.paragraphs[0].text
    assert "Jan de Vries" in section.first_page_header.paragraphs[0].text
    assert "See you at the fair, Jan!" in all_xml(jan)  # the footnote


def test_table_rows_are_filled(world, tmp_path):
    name = "table_rows.docx"
    templates.attach("LETTER", DATA / name)
    templates.map_fields("LETTER", MAPPINGS[name])
    _lines(world)
    merge.merge_segment("SM00001", tmp_path)
    table = docx.Document(_docs(tmp_path)[1]).tables[0]
    assert [c.text for c in table.rows[1].cells] == ["SM00001", "Our spring offer", "CT000003"]
    assert table.rows[2].cells[2].text == "Annette Klein"


def test_combined_file_has_a_section_per_letter_with_personal_headers(world, tmp_path):
    name = "fields_in_header_footer_footnote.docx"
    templates.attach("LETTER", DATA / name)
    templates.map_fields("LETTER", MAPPINGS[name])
    _lines(world)
    result = merge.merge_segment("SM00001", tmp_path / "out", combined=tmp_path / "print" / "all.docx")
    assert result["combined"] == [str(tmp_path / "print" / "all.docx")]
    sections = docx.Document(tmp_path / "print" / "all.docx").sections
    assert len(sections) == 2
    assert "Jan de Vries" in sections[0].header.paragraphs[0].text
    assert "Eve Adams" in sections[1].header.paragraphs[0].text


def test_a_language_template_and_a_lines_own_document(world, tmp_path):
    templates.attach("LETTER", DATA / "letter_macword2011.docx")
    templates.attach("LETTER", DATA / "field_names_with_spaces.docx", language_code="NLD")
    templates.map_fields("LETTER", MAPPINGS["field_names_with_spaces.docx"], language_code="NLD")
    _lines(world)
    lone = add_contact("CT000009", "Zoe Lone", email="zoe@example.org")
    add_line("SM00001", lone, 30000, attachment=sample("table_rows.docx"), attachment_name="own.docx")
    with pytest.raises(merge.UnknownFields, match="own document 'own.docx'.*student_name"):
        merge.merge_segment("SM00001", tmp_path / "a")
    own = {"student_name": "contact_name", "study_name": "subject", "class_code": "contact_no",
           "class_name": "date", "class_grade": "salesperson_code", "thesis_grade": "company_name"}
    # A line's own document uses the field mapping of its template.
    templates.attach("LETTER", DATA / "letter_macword2011.docx")
    InteractionTemplateAttachment.update(field_map=__import__("json").dumps(own)).where(
        InteractionTemplateAttachment.language_code == "").execute()
    result = merge.merge_segment("SM00001", tmp_path / "b", combined=tmp_path / "all.docx")
    jan, eve, zoe = (Path(f) for f in result["files"])
    assert "Jan de Vries" in body_text(jan.read_bytes())  # Dutch line: the NLD template
    assert "Dear Eve," in body_text(eve.read_bytes())  # English line: the one for all languages
    assert "Zoe Lone received the grades" in body_text(zoe.read_bytes())  # its own document
    # Letters from three documents: one combined file each.
    assert len(result["combined"]) == 3 and all(Path(p).exists() for p in result["combined"])


@pytest.mark.parametrize("hostile", ["../../x", "a/b", "..", "/etc/passwd", "..\\..\\win", ".hidden",
                                     "con\x00trol\nname", "x" * 400])
def test_file_names_from_hostile_contact_names_stay_inside_the_output_folder(world, tmp_path, hostile):
    templates.attach("LETTER", DATA / "letter_macword2011.docx")
    contact = add_contact("CT000666", hostile)
    add_line("SM00001", contact, 10000)
    out = tmp_path / "deep" / "out"
    before = sorted(os.listdir(tmp_path))
    result = merge.merge_segment("SM00001", out)
    assert len(result["files"]) == 1
    path = Path(result["files"][0])
    assert path.parent == out.resolve() and path.exists()
    assert not path.name.startswith(".") and len(path.name) < 200
    assert sorted(os.listdir(tmp_path)) == sorted(before + ["deep"]) and os.listdir(tmp_path / "deep") == ["out"]
    assert os.listdir(out) == [path.name]


def test_safe_file_name_and_inside():
    assert merge.safe_file_name("SM1", 10000, "../../x") == "SM1-10000-x.docx"
    assert "/" not in merge.safe_file_name("a/b") and merge.safe_file_name("..") == "document.docx"
    with pytest.raises(SegtuiError, match="outside"):
        merge.inside("/tmp/out", "../x.docx")


def test_merge_refuses_unknown_segment_empty_segment_and_no_documents(world, tmp_path):
    with pytest.raises(NotFound):
        merge.merge_segment("SM09999", tmp_path)
    with pytest.raises(SegtuiError, match="no lines with a contact"):
        merge.merge_segment("SM00001", tmp_path)
    _lines(world)
    with pytest.raises(SegtuiError, match="no line has a document"):
        merge.merge_segment("SM00001", tmp_path / "x")
    assert not (tmp_path / "x").exists()


def test_lines_without_a_document_are_skipped_and_named(world, tmp_path):
    templates.attach("LETTER", DATA / "letter_macword2011.docx", language_code="ENU")
    _lines(world)
    result = merge.merge_segment("SM00001", tmp_path)
    assert result["documents"] == 1 and result["without_document"] == [10000]


def test_parallel_merge_writes_the_same_letters(world, tmp_path):
    templates.attach("LETTER", DATA / "letter_macword2011.docx")
    for i in range(6):
        add_line("SM00001", add_contact(f"CT1{i:05d}", f"Person {i}", address=f"Street {i}"), 10000 + i)
    one = merge.merge_segment("SM00001", tmp_path / "one", workers=1)
    two = merge.merge_segment("SM00001", tmp_path / "two", workers=2)
    assert [Path(p).name for p in one["files"]] == [Path(p).name for p in two["files"]]
    for a, b in zip(one["files"], two["files"]):
        assert body_text(Path(a).read_bytes()) == body_text(Path(b).read_bytes())
    assert "Street 5" in body_text(Path(two["files"][5]).read_bytes())


def test_cli_segment_merge(world, cli_main, tmp_path):
    _lines(world)
    templates.attach("LETTER", DATA / "letter_winword2010_dutch_fields.docx")
    code, out, err = cli_main("segment", "merge", "SM00001", "--out", tmp_path / "out")
    assert code == 1 and "Voornaam" in err and "does not know" in err
    assert not (tmp_path / "out").exists()
    templates.attach("LETTER", DATA / "letter_macword2011.docx")
    code, out, err = cli_main("segment", "merge", "sm00001", "--out", tmp_path / "out",
                              "--combined", tmp_path / "all.docx")
    assert code == 0, err
    assert out["documents"] == 2 and out["unknown_fields"] == [] and len(out["files"]) == 2
    assert len(docx.Document(tmp_path / "all.docx").sections) == 2


def test_demo_letter_merges_with_every_field_filled(demo_db, tmp_path):
    """The demo's default letter (template LETTER) with demo contacts."""
    contacts = list(Contact.select().where(Contact.type == "person").order_by(Contact.no).limit(3))
    SegmentHeader.create(no="SM90001", description="Demo letter", salesperson_code="AK",
                         interaction_template_code="LETTER")
    for i, contact in enumerate(contacts):
        add_line("SM90001", contact, 10000 * (i + 1), salesperson_code="AK", campaign_no="",
                 personal_note=f"Note for {contact.first_name}")
    assert templates.template_fields("LETTER")["unknown_fields"] == []
    result = merge.merge_segment("SM90001", tmp_path, combined=tmp_path / "all.docx")
    assert result["documents"] == 3
    for path, contact in zip(result["files"], contacts):
        data = Path(path).read_bytes()
        assert "MERGEFIELD" not in all_xml(data) and "\u00ab" not in all_xml(data)
        text = body_text(data)
        assert f"Dear {contact.name}," in text and f"Note for {contact.first_name}" in text
        first = docx.Document(io.BytesIO(data)).paragraphs[0].runs[0]
        assert first.bold and first.font.size.pt == 16  # the letterhead keeps its formatting
    assert len(docx.Document(tmp_path / "all.docx").sections) == 3


def test_a_line_gets_and_loses_its_own_document(world, tmp_path, cli_main):
    templates.attach("LETTER", DATA / "letter_macword2011.docx")
    _lines(world)
    result = merge.set_line_document("sm00001", 20000, DATA / "field_names_with_spaces.docx")
    assert result["unknown_fields"] == ["Hello world", "More than one space", "Singleword"]
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    with pytest.raises(SegtuiError, match=".doc"):
        merge.set_line_document("SM00001", 20000, bad)
    assert SegmentLine.get(line_no=20000).attachment_name == "field_names_with_spaces.docx"  # unchanged
    with pytest.raises(NotFound, match="no line 99"):
        merge.set_line_document("SM00001", 99, DATA / "table_rows.docx")
    brochure = tmp_path / "brochure.pdf"
    brochure.write_bytes(b"%PDF-1.4 brochure")
    code, out, err = cli_main("segment", "line-document", "SM00001", "20000", brochure)
    assert code == 0, err
    assert out["attachment_name"] == "brochure.pdf" and out["fields"] == []
    result = merge.merge_segment("SM00001", tmp_path / "out")
    assert [Path(p).suffix for p in result["files"]] == [".docx", ".pdf"]
    assert Path(result["files"][1]).read_bytes() == b"%PDF-1.4 brochure"
    code, out, err = cli_main("segment", "line-document", "SM00001", "20000", "--clear")
    assert code == 0 and SegmentLine.get(line_no=20000).attachment is None
    code, out, err = cli_main("segment", "line-document", "SM00001", "20000")
    assert code == 1 and "FILE or --clear" in err


def test_the_installed_command_merges_on_two_processes(world, run_cli, tmp_path):
    templates.attach("LETTER", DATA / "letter_macword2011.docx")
    _lines(world)
    code, out, err = run_cli("segment", "merge", "SM00001", "--out", tmp_path / "out", "--workers", "2")
    assert code == 0, err
    assert out["documents"] == 2
    assert "Dear Eve," in body_text(Path(out["files"][1]).read_bytes())


def test_a_new_output_folder_is_readable_by_its_owner_only(world, tmp_path):
    """Letters carry personal data: a folder the merge makes is 0700 (one that exists is left as it is)."""
    templates.attach("LETTER", DATA / SAMPLES[0])
    if MAPPINGS[SAMPLES[0]]:
        templates.map_fields("LETTER", MAPPINGS[SAMPLES[0]])
    _lines(world)
    out = tmp_path / "new" / "letters"
    merge.merge_segment("SM00001", out, combined=tmp_path / "made" / "all.docx")
    assert out.stat().st_mode & 0o777 == 0o700
    assert (tmp_path / "made").stat().st_mode & 0o777 == 0o700
