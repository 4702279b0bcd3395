"""The merge-library wrapper (segtui.services.word) on real Word templates."""
import io
import zipfile

import docx
import pytest

from segtui.services import word
from word_helpers import all_xml, body_text, sample

EXPECTED_FIELDS = {
    "letter_macword2011.docx": ["address_line", "city", "country", "date", "first_name", "last_name",
                                "postal_code", "state"],
    "letter_winword2010_dutch_fields.docx": ["Achternaam", "Adresregel_1", "Land_of_regio", "Plaats",
                                             "Postcode", "Provincie", "Titel", "Voornaam"],
    "fields_in_header_footer_footnote.docx": ["fieldname", "footereven", "footerfield", "footerfirst",
                                              "headereven", "headerfield", "headerfirst"],
    "field_names_with_spaces.docx": ["Hello world", "More than one space", "Singleword"],
    "table_rows.docx": ["class_code", "class_grade", "class_name", "student_name", "study_name",
                        "thesis_grade"],
}


@pytest.mark.parametrize("name", sorted(EXPECTED_FIELDS))
def test_reads_complex_simple_spaced_header_footer_footnote_and_table_fields(name):
    assert word.read_fields(sample(name)) == EXPECTED_FIELDS[name]


@pytest.mark.parametrize("name", sorted(EXPECTED_FIELDS))
def test_merge_one_fills_every_field_and_leaves_no_field_behind(name):
    data = sample(name)
    values = {f: f"<{f.upper()}>" for f in EXPECTED_FIELDS[name]}
    merged = word.merge_one(data, values)
    xml = all_xml(merged)
    assert "MERGEFIELD" not in xml
    assert "\u00ab" not in xml  # no «placeholder» left
    for field in EXPECTED_FIELDS[name]:
        if field != "thesis_grade" and field != "city":  # these two are never shown in the samples' text
            assert f"&lt;{field.upper()}&gt;" in xml, field
    # Formatting: styles and page set-up are the template's own.
    with zipfile.ZipFile(io.BytesIO(data)) as before, zipfile.ZipFile(io.BytesIO(merged)) as after:
        assert before.read("word/styles.xml") == after.read("word/styles.xml")
    d_before, d_after = docx.Document(io.BytesIO(data)), docx.Document(io.BytesIO(merged))
    assert [p.style.name for p in d_before.paragraphs] == [p.style.name for p in d_after.paragraphs]
    assert d_before.sections[0].page_width == d_after.sections[0].page_width


def test_header_footer_and_footnote_fields_are_filled():
    fields = EXPECTED_FIELDS["fields_in_header_footer_footnote.docx"]
    merged = word.merge_one(sample("fields_in_header_footer_footnote.docx"), {f: f"V-{f}" for f in fields})
    section = docx.Document(io.BytesIO(merged)).sections[0]
    assert "V-headerfield" in section.header.paragraphs[0].text
    assert "V-footerfield" in section.footer.paragraphs[0].text
    assert "V-headerfirst" in section.first_page_header.paragraphs[0].text
    assert "V-headereven" in section.even_page_header.paragraphs[0].text
    with zipfile.ZipFile(io.BytesIO(merged)) as z:
        assert "V-fieldname" in z.read("word/footnotes.xml").decode()


def test_table_row_fields_are_filled():
    fields = EXPECTED_FIELDS["table_rows.docx"]
    merged = word.merge_one(sample("table_rows.docx"), {f: f"V-{f}" for f in fields})
    table = docx.Document(io.BytesIO(merged)).tables[0]
    assert [c.text for c in table.rows[1].cells] == ["V-class_code", "V-class_name", "V-class_grade"]
    assert "V-student_name received the grades for V-study_name" in body_text(merged)


def test_missing_values_are_emptied_not_left_as_fields():
    merged = word.merge_one(sample("letter_macword2011.docx"), {"first_name": "Eve"})
    text = body_text(merged)
    assert "Dear Eve," in text and "\u00ab" not in text


def test_combined_has_a_section_per_letter_with_its_own_header():
    fields = EXPECTED_FIELDS["fields_in_header_footer_footnote.docx"]
    rows = [{f: f"L{i}-{f}" for f in fields} for i in range(3)]
    merged = word.merge_combined(sample("fields_in_header_footer_footnote.docx"), rows)
    sections = docx.Document(io.BytesIO(merged)).sections
    assert len(sections) == 3
    for i, section in enumerate(sections):
        assert f"L{i}-headerfield" in section.header.paragraphs[0].text
        assert f"L{i}-footerfield" in section.footer.paragraphs[0].text


def test_combined_refuses_no_letters():
    with pytest.raises(word.SegtuiError):
        word.merge_combined(sample("letter_macword2011.docx"), [])


def _zip(parts):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, text in parts.items():
            z.writestr(name, text)
    return out.getvalue()


@pytest.mark.parametrize("data, reason", [
    (b"", "empty"),
    (b"this is plain text, not a document", "not a zip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "old binary Word .doc"),
    (sample("letter_macword2011.docx")[:5000], "not a zip"),
    (_zip({"hello.txt": "hi"}), "missing part"),
    (_zip({"[Content_Types].xml": "<Types"}), "bad XML"),
    (_zip({"[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'}),
     "not a Word document"),
], ids=["empty", "plain-text", "old-binary-doc", "cut-off-zip", "zip-without-parts", "bad-content-types",
        "not-word"])  # fixed ids: the zips carry the current time, and xdist workers must collect alike
def test_corrupt_and_non_docx_files_are_refused_with_a_reason(data, reason):
    with pytest.raises(word.NotAWordDocument) as info:
        word.read_fields(data, "'x.docx'")
    assert reason in str(info.value)


def test_document_text_reads_paragraphs_and_tables():
    merged = word.merge_one(sample("table_rows.docx"), {"student_name": "Eve", "class_code": "C1"})
    text = word.document_text(merged)
    assert "Eve received the grades" in text
    assert "C1\t" in text


def test_simple_field_formatting_is_kept():
    from segtui.services.default_letter import build_default_letter

    merged = word.merge_one(build_default_letter(), {"company_name": "Acme Ltd", "salesperson_email": "a@b.c"})
    letterhead = docx.Document(io.BytesIO(merged)).paragraphs[0].runs[0]
    assert letterhead.text == "Acme Ltd" and letterhead.bold and letterhead.font.size.pt == 16
    assert "\u00ab" not in all_xml(merged)
