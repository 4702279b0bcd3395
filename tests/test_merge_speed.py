"""What makes merging faster (issue 13, point 3) changes nothing in the letters: the lighter
default letter keeps what it shows, and our fill of a field writes what the library's does."""
import io
import zipfile

import docx
import pytest
from docx.oxml.ns import qn
from mailmerge.field import BaseMergeField

from segtui.services import word
from segtui.services.default_letter import LETTER_FIELDS, build_default_letter

from docx_build import build, field, merge

VALUES = {name: f"value of {name}" for name in LETTER_FIELDS}
VALUES["personal_note"] = "first line\nsecond line\r\nthird <line> & more"


def parts(data):
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name: z.read(name) for name in z.namelist()}


def test_the_default_letter_keeps_only_the_styles_and_parts_it_uses():
    data = build_default_letter()
    names = set(parts(data))
    assert "word/stylesWithEffects.xml" not in names and "docProps/thumbnail.jpeg" not in names
    assert {"word/document.xml", "word/styles.xml", "word/settings.xml", "word/fontTable.xml"} <= names
    doc = docx.Document(io.BytesIO(data))
    styles = {s.style_id for s in doc.styles}
    assert "Normal" in styles and "Heading1" not in styles
    assert doc.styles.element.find(qn("w:latentStyles")) is None
    used = {el.get(qn("w:val")) for tag in ("w:pStyle", "w:rStyle") for el in doc.element.body.iter(qn(tag))}
    assert used <= styles
    assert len(data) < 12_000  # python-docx's full template made it 37 KB
    # Still a letter with every field, on A4, that merges.
    assert sorted(word.read_fields(data)) == sorted(LETTER_FIELDS)
    assert round(doc.sections[0].page_width.cm, 1) == 21.0
    merged = docx.Document(io.BytesIO(word.merge_one(data, VALUES)))
    text = "\n".join(p.text for p in merged.paragraphs)
    assert "value of contact_name" in text and "\u00ab" not in text


TEMPLATES = {
    "default-letter": build_default_letter,
    "complex-fields": lambda: build(["Dear ", merge("contact_name"), ","], [merge("personal_note")],
                                    [field(" IF ", merge("city"), ' = "Berlin" "hallo" "hello" ')]),
}


@pytest.mark.parametrize("make", TEMPLATES.values(), ids=TEMPLATES.keys())
def test_our_field_fill_writes_what_the_librarys_does(make, monkeypatch):
    data = make()
    values = dict(VALUES, city="Berlin")
    ours = word.merge_one(data, values)
    combined_ours = word.merge_combined(data, [values, dict(values, contact_name="Second")])
    monkeypatch.setattr(BaseMergeField, "fill_value", word._LIBRARY_FILL_VALUE)
    theirs = word.merge_one(data, values)
    combined_theirs = word.merge_combined(data, [values, dict(values, contact_name="Second")])
    assert parts(ours)["word/document.xml"] == parts(theirs)["word/document.xml"]
    assert parts(combined_ours)["word/document.xml"] == parts(combined_theirs)["word/document.xml"]
    assert b"second line" in parts(ours)["word/document.xml"]


def _with_header(data):
    doc = docx.Document(io.BytesIO(data))
    header = doc.sections[0].header.paragraphs[0]
    header.text = "For "
    from docx.oxml import OxmlElement

    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), " MERGEFIELD contact_name ")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "\u00abcontact_name\u00bb"
    run.append(text)
    fld.append(run)
    header._p.append(fld)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


MANY = dict(TEMPLATES, **{"header-field": lambda: _with_header(build_default_letter())})


@pytest.mark.parametrize("make", MANY.values(), ids=MANY.keys())
def test_many_letters_from_one_opened_template_equal_letters_merged_one_by_one(make, tmp_path):
    data = make()
    rows = [dict(VALUES, city=city, contact_name=f"Name {i}", personal_note="" if i % 2 else "note\nmore")
            for i, city in enumerate(["Berlin", "Paris", "Berlin", "Rome"])]
    many = word.merge_many(data, rows)
    jobs = [(str(tmp_path / f"{i}.docx"), row) for i, row in enumerate(rows)]
    word.merge_many_to_files(data, jobs)
    for i, row in enumerate(rows):
        alone = parts(word.merge_one(data, row))
        assert parts(many[i]) == alone
        assert parts((tmp_path / f"{i}.docx").read_bytes()) == alone
    assert "Name 3" in " ".join(p.text for p in docx.Document(io.BytesIO(many[3])).paragraphs)
