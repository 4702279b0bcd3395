"""Real .docx files with Word fields, built in the tests with python-docx.

A paragraph is a list of parts: a text, or a field made by `field(code_part, ...)` where each
code part is a text or another field (nested as Word nests them: inside the code).
"""
import io
import zipfile

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn


class Field:
    def __init__(self, parts, shown):
        self.parts = parts
        self.shown = shown


def field(*parts, shown="OLD CACHED TEXT"):
    """A complex field: its code (texts and nested fields) and the result Word last showed."""
    return Field(parts, shown)


def merge(name):
    return field(f" MERGEFIELD {name} ", shown=f"\u00ab{name}\u00bb")


def _run(paragraph, child_tag, text=None, attr=None):
    run = OxmlElement("w:r")
    child = OxmlElement(child_tag)
    if attr:
        child.set(qn("w:fldCharType"), attr)
    if text is not None:
        child.set(qn("xml:space"), "preserve")
        child.text = text
    run.append(child)
    paragraph._p.append(run)


def _field(paragraph, f, in_code):
    _run(paragraph, "w:fldChar", attr="begin")
    for part in f.parts:
        if isinstance(part, Field):
            _field(paragraph, part, True)
        else:
            _run(paragraph, "w:instrText", part)
    _run(paragraph, "w:fldChar", attr="separate")
    # A nested field's shown text sits inside its parent's code, as instrText.
    _run(paragraph, "w:instrText" if in_code else "w:t", f.shown)
    _run(paragraph, "w:fldChar", attr="end")


def build(*paragraphs):
    """A .docx (bytes) with one paragraph per argument."""
    doc = Document()
    for parts in paragraphs:
        p = doc.add_paragraph()
        for part in parts if isinstance(parts, (list, tuple)) else [parts]:
            if isinstance(part, Field):
                _field(p, part, False)
            else:
                p.add_run(part)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def paragraphs(data):
    return [p.text for p in Document(io.BytesIO(data)).paragraphs]


def rezip(data, replace=None, extra=None, compression=zipfile.ZIP_DEFLATED):
    """The package with some parts replaced or added (name -> bytes)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", compression) as dst:
        for info in src.infolist():
            body = (replace or {}).get(info.filename, src.read(info.filename))
            dst.writestr(info.filename, body)
        for name, body in (extra or {}).items():
            dst.writestr(name, body)
    return out.getvalue()
