"""Cover sheets for a segment (issue 14, point 3): one page per contact with its address block
(formatted by its country's rules) and a text, merged from a Word template like letters: an
interaction template's Word template, or segtui's own default cover sheet. Optionally logged as
a hard-copy interaction per contact.
"""
import io
from pathlib import Path

from docx import Document
from docx.shared import Cm, Pt

from ..errors import SegtuiError
from ..models import SegmentLine
from . import default_letter, hardcopy, labels, merge, word

COVER_DESCRIPTION = "Cover sheet"


def build_default_cover() -> bytes:
    """A one-page cover sheet (.docx) with merge fields: our letterhead, the address block in the
    place of a window envelope, the date, the subject and the cover text."""
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin = section.bottom_margin = Cm(2.0)
    section.left_margin, section.right_margin = Cm(2.5), Cm(2.0)
    doc.styles["Normal"].font.size = Pt(11)
    line = default_letter._line
    line(doc, "{company_name}", bold=True, size=16)
    line(doc, "{company_address}", ", ", "{company_post_code}", " ", "{company_city}", size=9, space_after=40)
    line(doc, "{address_block}", space_after=60)
    line(doc, "{date}", space_after=24)
    line(doc, "{subject}", bold=True, size=14, space_after=18)
    line(doc, "{cover_text}", space_after=30)
    line(doc, "{salesperson_name}")
    line(doc, "{salesperson_email}", " \u00b7 ", "{salesperson_phone}", size=9)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _documents(lines, template_code):
    """Each line's cover document: the template's Word template for its language (or for all
    languages), else the default cover sheet."""
    if not template_code:
        default = merge.Document(("default", 0), build_default_cover(), "cover.docx")
        default.fields = word.read_fields(default.content)
        return [default] * len(lines)
    stubs = [SegmentLine(line_no=x.line_no, contact_no=x.contact_no, interaction_template_code=template_code,
                         language_code=x.language_code, attachment=None) for x in lines]
    docs = merge.documents_for(stubs)
    if any(doc is None for doc in docs):
        raise SegtuiError(f"interaction template {template_code} has no Word template for every language of the "
                          f"segment's lines: attach one with 'segtui template attach {template_code} FILE'")
    report = merge.unknown_report(docs)
    if report:
        raise SegtuiError(merge.unknown_message(report) + "; nothing was written")
    if any(not doc.is_word for doc in docs):
        raise SegtuiError(f"interaction template {template_code}'s document is not a Word document")
    return docs


def cover_sheets(segment_no, out, template_code=None, text="", log=False, overwrite=False, user_id=None):
    """Write one cover sheet per contact of the segment into one .docx at `out` (a section per
    sheet). Returns {"segment_no", "file", "sheets", "logged_entries"}; nothing written when refused."""
    from ..models import normal_code

    no, lines = labels._lines(segment_no)
    code = normal_code(template_code) if template_code else ""
    path = Path(out).expanduser()
    if path.is_dir():
        raise SegtuiError(f"{str(path)!r} is a folder: give the cover sheets' file name")
    if path.exists() and not overwrite:
        raise SegtuiError(f"{str(path)!r} exists already: choose another name")
    if not path.parent.is_dir():
        raise SegtuiError(f"folder {str(path.parent)!r} does not exist")
    if log:
        labels._check_loggable(no, lines)
    documents = _documents(lines, code)
    values = merge.values_for(lines, cover_text=text or "")
    parts = [word.merge_combined(doc.content, [doc.row(row) for _, row in items])
             for doc, items in merge.group_letters(documents, values)]
    data = hardcopy.combine(parts)
    logged = labels.log_hard_copy(no, COVER_DESCRIPTION, path.name, user_id) if log else []
    path.write_bytes(data)
    return {"segment_no": no, "file": str(path), "sheets": len(lines), "logged_entries": logged}
