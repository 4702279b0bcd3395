"""The one place that talks to the merge library (docx-mailmerge2), so it can be replaced.

Word templates arrive as bytes (stored in the database). The library reads real MERGEFIELDs:
complex fields whose instruction Word split over several runs, simple fields, and fields in
headers, footers, footnotes and table rows. Values are passed keyed by the field names the
template itself uses; translating them to segtui's names is the caller's job (templates.py).
"""
import hashlib
import io
import re
import warnings
import zipfile
from copy import deepcopy

import mailmerge.part
from lxml import etree
from mailmerge import MailMerge, MailMergeOptions
from mailmerge.conditional_field import IfField
from mailmerge.field import BaseMergeField
from mailmerge.mergedata import MergeData

from ..errors import SegtuiError
from . import word_fields

# The library empties a simple field's run (w:fldSimple) before filling it, which drops its
# formatting (bold, size...); with this flag off it keeps the run's properties, as it does for
# complex fields. (Its name says it is there for the library's own test expectations.)
mailmerge.part.MAKE_TESTS_HAPPY = False

WORD_SUFFIXES = (".docx", ".docm", ".dotx")  # file names the merge reads as Word documents
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# A section break per letter keeps each letter's own (personalised) headers and footers.
LETTER_SEPARATOR = "nextPage_section"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old binary .doc (and other OLE files)
# Bounds on what a Word file may unpack to (issue 10, point 5): a part over PART_LIMIT, or a
# part over RATIO_FROM that unpacks to more than RATIO times its packed size, is refused.
PART_LIMIT = 50 * 1024 * 1024
TOTAL_LIMIT = 120 * 1024 * 1024
RATIO = 100
RATIO_FROM = 1024 * 1024
# What is parsed into trees (the XML parts) is bounded tighter: memory grows with it, about
# 8 bytes a byte of XML and 500 bytes an element at the worst (measured); these keep any
# Word file under 300 MB however its 10 MB are packed.
XML_LIMIT = 25 * 1024 * 1024
ELEMENT_LIMIT = 400_000  # tags, counted as "<" in the XML parts: a 300-page letter has about 200,000
_READ_CHUNK = 1024 * 1024


class _RecordField(BaseMergeField):
    """NEXT, NEXTIF, SKIPIF: dropped from the letter. segtui merges one letter per contact, so a
    field that moves to the next record has nothing to do (the template's report says so)."""

    def has_value_in_row(self, merge_data, row):
        return True

    def fill_data(self, merge_data, row):
        self.filled_elements = []
        self.filled_value = ""


class _IfField(IfField):
    """IF, evaluated as Word does for a merge field compared with a text or a number; its true
    and false texts may hold merge fields themselves."""

    def _fill_nested_elements(self, merge_data, row):
        nested = {}
        for key, obj in self.iterate_subelements(merge_data):
            obj.fill_data(merge_data, row)
            nested[key] = merge_data.get_instr_text(obj.get_elements_to_replace())
        out = []
        for token in self.instr_tokens:
            # Plain replacement, not str.format: a brace in the template's own text stays as it is.
            for key, value in nested.items():
                token = token.replace("{" + key + "}", value)
            out.append(token)
        self.current_instr_tokens = out

    def fill_data(self, merge_data, row):
        if self._nested_elements:
            self._fill_nested_elements(merge_data, row)
        self.filled_elements = []
        self.fill_value(self._instr_elements[0], word_fields.if_result(self.current_instr_tokens))


MergeData.FIELD_CLASSES = dict(MergeData.FIELD_CLASSES, IF=_IfField, NEXT=_RecordField, NEXTIF=_RecordField,
                               SKIPIF=_RecordField)

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_FIELD_TEXT_TAGS = (_W + "instrText", _W + "t")


def _fill_value(self, base_elem, value):
    """The library's BaseMergeField.fill_value, finding the run's texts as children instead of by
    two XPath queries per field (compiled anew on every call: 60% of a combined file's time)."""
    elem = deepcopy(base_elem)
    for child in [c for c in elem if c.tag in _FIELD_TEXT_TAGS]:
        elem.remove(child)
    text_parts = str(value).replace("\r", "").split("\n")
    elem.append(self._make_text(text_parts[0]))
    for text_part in text_parts[1:]:
        elem.append(self._make_br())
        elem.append(self._make_text(text_part))
    self.filled_elements.append(elem)


_LIBRARY_FILL_VALUE = BaseMergeField.fill_value  # kept for the test that compares the two
BaseMergeField.fill_value = _fill_value
_OPTIONS = dict(merge_if_fields=True)
_CHECKED: dict = {}  # sha1 of a document checked against the bounds -> None (a few kept: merges reopen it)


class NotAWordDocument(SegtuiError):
    """The bytes are not a Word .docx document the merge can read."""


def _mb(size):
    return f"{size / 1024 / 1024:.1f} MB"


def check_bounds(data, what="the file"):
    """Refuse a package whose parts would unpack past the bounds, before anything parses it.

    The sizes the zip declares are checked first; then each part is unpacked in chunks and
    the reading stops as soon as it passes its declared size or the limit (a zip may lie)."""
    key = hashlib.sha1(data).digest()
    if key in _CHECKED:
        return
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise NotAWordDocument(f"{what} is not a Word .docx document (not a zip package)") from None
    except (zipfile.LargeZipFile, EOFError, OSError, ValueError, IndexError) as exc:
        raise NotAWordDocument(f"{what} is a damaged Word document ({exc})") from None
    with z:
        infos = z.infolist()
        total = xml = 0
        for info in infos:
            _check_declared(info, what)
            total += info.file_size
            xml += info.file_size if _is_xml(info) else 0
        if total > TOTAL_LIMIT or xml > XML_LIMIT:
            which, size, limit = ("its XML", xml, XML_LIMIT) if xml > XML_LIMIT else ("it", total, TOTAL_LIMIT)
            raise NotAWordDocument(f"{what}: {which} would unpack to {_mb(size)}, more than the {_mb(limit)} "
                                   "a Word document may take; refused before reading it")
        elements = 0
        for info in infos:
            elements += _check_stream(z, info, what)
            if elements > ELEMENT_LIMIT:
                raise NotAWordDocument(f"{what} holds more than {ELEMENT_LIMIT:,} XML tags, more than a "
                                       "Word letter needs; refused before reading it")
    if len(_CHECKED) > 64:
        _CHECKED.clear()
    _CHECKED[key] = None


def _check_declared(info, what):
    if info.file_size > PART_LIMIT:
        raise NotAWordDocument(f"{what}: its part {info.filename!r} would unpack to {_mb(info.file_size)}, more "
                               f"than the {_mb(PART_LIMIT)} allowed a part; refused before reading it")
    if info.file_size > RATIO_FROM and info.file_size > RATIO * max(info.compress_size, 1):
        raise NotAWordDocument(f"{what}: its part {info.filename!r} would unpack to {_mb(info.file_size)} from "
                               f"{info.compress_size:,} bytes (more than {RATIO} times its packed size, as a zip "
                               "bomb does); refused before reading it")


def _is_xml(info):
    return info.filename.lower().endswith((".xml", ".rels"))


def _check_stream(z, info, what):
    """Unpack one part in chunks, stopping past its declared size; how many elements it holds."""
    limit = min(info.file_size, PART_LIMIT)
    read = elements = 0
    xml = _is_xml(info)
    try:
        with z.open(info) as stream:
            # zipfile stops at the declared size itself; the count here is the second guard.
            while chunk := stream.read(_READ_CHUNK):
                if xml and not read and b"<!DOCTYPE" in chunk[:4096].upper():
                    raise NotAWordDocument(f"{what}: its part {info.filename!r} declares a DOCTYPE, which "
                                           "Word never writes (entity expansion); refused")
                read += len(chunk)
                if read > limit:
                    raise NotAWordDocument(f"{what}: its part {info.filename!r} unpacks past its declared "
                                           f"{info.file_size:,} bytes; refused")
                elements += chunk.count(b"<") if xml else 0
            return elements
    except zipfile.BadZipFile as exc:
        raise NotAWordDocument(f"{what} is a damaged Word document (part {info.filename!r}: {exc})") from None
    except (EOFError, OSError, ValueError, NotImplementedError, RuntimeError) as exc:
        raise NotAWordDocument(f"{what} is a damaged Word document (part {info.filename!r}: {exc})") from None


def _open(data, what="the file"):
    """A MailMerge over `data`, or NotAWordDocument with a reason a user can act on."""
    if not data:
        raise NotAWordDocument(f"{what} is empty, not a Word .docx document")
    if data[:8] == _OLE_MAGIC:
        raise NotAWordDocument(f"{what} is an old binary Word .doc (or another OLE file), not a .docx: "
                               "open it in Word and save it as .docx")
    check_bounds(data, what)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            merge = MailMerge(io.BytesIO(data), options=MailMergeOptions(**_OPTIONS))
    except zipfile.BadZipFile:
        raise NotAWordDocument(f"{what} is not a Word .docx document (not a zip package)") from None
    except KeyError as exc:
        raise NotAWordDocument(f"{what} is not a Word .docx document (missing part {exc})") from None
    except etree.XMLSyntaxError as exc:
        raise NotAWordDocument(f"{what} is a damaged Word document (bad XML: {exc})") from None
    except (zipfile.LargeZipFile, EOFError, OSError, ValueError, IndexError) as exc:
        raise NotAWordDocument(f"{what} is a damaged Word document ({exc})") from None
    if not merge.docx.category_part_map.get("main"):
        merge.docx.close()
        raise NotAWordDocument(f"{what} is a zip package but not a Word document (no main document part)")
    return merge


def field_report(data, what="the file"):
    """The document's word_fields.FieldReport: merge fields (those inside IF fields too), the
    NEXT/NEXTIF/SKIPIF fields ignored, the fields the merge cannot fill."""
    with _open(data, what):  # refuses what the merge could not read
        pass  # (its parsed parts are let go before they are read again below)
    try:
        return word_fields.scan(data)
    except etree.XMLSyntaxError as exc:
        raise NotAWordDocument(f"{what} is a damaged Word document (bad XML: {exc})") from None


def read_fields(data, what="the file"):
    """The merge field names the document uses, sorted, as written in the template."""
    return field_report(data, what).fields


def merge_one(data, values):
    """One merged .docx (bytes): every field filled from `values` (template field -> text);
    a field without a value is emptied, never left as a field."""
    merge = _open(data)
    with merge:
        merge.merge(**_texts(values))
        out = io.BytesIO()
        merge.write(out)
    return out.getvalue()


def merge_combined(data, rows):
    """One .docx with a section per letter (each row: template field -> text), so headers and
    footers are merged per letter."""
    if not rows:
        raise SegtuiError("nothing to combine: no letters")
    merge = _open(data)
    with merge:
        merge.merge_templates([_texts(r) for r in rows], separator=LETTER_SEPARATOR)
        out = io.BytesIO()
        merge.write(out)
    return out.getvalue()


class _OpenedTemplate:
    """A template unzipped, parsed and its fields found once, for many letters: each letter is
    merged into a copy of the parsed parts (the library fills the trees in place), which costs
    less than reading the package again (40% of a letter's time)."""

    def __init__(self, data):
        self.merge = _open(data)
        self.pristine = {zi: deepcopy(info["part"]) for zi, info in self.merge.docx.parts.items()}

    def letter(self, values):
        merge = self.merge
        for zi, info in merge.docx.parts.items():
            info["part"] = deepcopy(self.pristine[zi])
        merge.new_parts = []
        merge.merge(**_texts(values))
        out = io.BytesIO()
        merge.write(out)
        return out.getvalue()

    def close(self):
        self.merge.docx.close()


def _letters(data, rows):
    if len(rows) < 2:
        for values in rows:
            yield merge_one(data, values)
        return
    template = _OpenedTemplate(data)
    try:
        for values in rows:
            yield template.letter(values)
    finally:
        template.close()


def merge_many_to_files(data, jobs):
    """Merge `data` once per (path, values) job and write each result; for worker processes.
    Returns the paths written."""
    written = []
    for (path, _), letter in zip(jobs, _letters(data, [values for _, values in jobs])):
        with open(path, "wb") as handle:
            handle.write(letter)
        written.append(path)
    return written


def merge_many(data, rows):
    """One merged document (bytes) per row; for worker processes."""
    return list(_letters(data, list(rows)))


def document_text(data):
    """The text of a .docx (paragraphs and table cells, in order), for an e-mail body."""
    from docx import Document

    doc = Document(io.BytesIO(data))
    lines: list = []
    for block in doc.iter_inner_content():
        if hasattr(block, "rows"):
            lines.extend("\t".join(cell.text for cell in row.cells) for row in block.rows)
        else:
            lines.append(block.text)
    text = "\n".join(lines)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip() + "\n"


# Characters XML 1.0 cannot hold (contact data pasted from elsewhere may carry them).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _texts(values):
    return {str(k): "" if v is None else _NOT_XML.sub("", str(v)) for k, v in values.items()}
