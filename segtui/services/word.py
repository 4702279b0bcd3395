"""The one place that talks to the merge library (docx-mailmerge2), so it can be replaced.

Word templates arrive as bytes (stored in the database). The library reads real MERGEFIELDs:
complex fields whose instruction Word split over several runs, simple fields, and fields in
headers, footers, footnotes and table rows. Values are passed keyed by the field names the
template itself uses; translating them to segtui's names is the caller's job (templates.py).
"""
import io
import re
import warnings
import zipfile

import mailmerge.part
from lxml import etree
from mailmerge import MailMerge

from ..errors import SegtuiError

# The library empties a simple field's run (w:fldSimple) before filling it, which drops its
# formatting (bold, size...); with this flag off it keeps the run's properties, as it does for
# complex fields. (Its name says it is there for the library's own test expectations.)
mailmerge.part.MAKE_TESTS_HAPPY = False

WORD_SUFFIXES = (".docx", ".docm", ".dotx")  # file names the merge reads as Word documents
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# A section break per letter keeps each letter's own (personalised) headers and footers.
LETTER_SEPARATOR = "nextPage_section"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old binary .doc (and other OLE files)


class NotAWordDocument(SegtuiError):
    """The bytes are not a Word .docx document the merge can read."""


def _open(data, what="the file"):
    """A MailMerge over `data`, or NotAWordDocument with a reason a user can act on."""
    if not data:
        raise NotAWordDocument(f"{what} is empty, not a Word .docx document")
    if data[:8] == _OLE_MAGIC:
        raise NotAWordDocument(f"{what} is an old binary Word .doc (or another OLE file), not a .docx: "
                               "open it in Word and save it as .docx")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            merge = MailMerge(io.BytesIO(data))
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


def read_fields(data, what="the file"):
    """The merge field names the document uses, sorted, as written in the template."""
    merge = _open(data, what)
    with merge:
        return sorted(merge.get_merge_fields())


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


def merge_many_to_files(data, jobs):
    """Merge `data` once per (path, values) job and write each result; for worker processes.
    Returns the paths written."""
    written = []
    for path, values in jobs:
        with open(path, "wb") as handle:
            handle.write(merge_one(data, values))
        written.append(path)
    return written


def merge_many(data, rows):
    """One merged document (bytes) per row; for worker processes."""
    return [merge_one(data, values) for values in rows]


def document_text(data):
    """The text of a .docx (paragraphs and table cells, in order), for an e-mail body."""
    from docx import Document

    doc = Document(io.BytesIO(data))
    lines = []
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
