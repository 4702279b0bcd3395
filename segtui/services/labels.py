"""Address labels for a segment (issue 14, point 2): a Word document to print on a sheet of
labels, each address formatted by its country's rules (addresses.py); optionally logged as a
hard-copy interaction per contact.

The sheet is a table of fixed rows and columns (with gap columns between labels), the page
margins set so that exactly one sheet's rows fit on a page.
"""
import datetime as dt
import io
import math
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from peewee import Value

from .. import db as dbmod
from ..errors import NotFound, SegtuiError
from ..models import InteractionLogEntry, InteractionTemplate, SegmentHeader, SegmentLine, normal_code
from . import addresses


@dataclass(frozen=True)
class Layout:
    name: str
    description: str
    page_w: float  # all in millimetres
    page_h: float
    cols: int
    rows: int
    label_w: float
    label_h: float
    top: float
    left: float
    h_pitch: float  # from one label's left edge to the next one's
    v_pitch: float

    @property
    def per_page(self):
        return self.cols * self.rows


INCH = 25.4
LAYOUTS = {layout.name: layout for layout in (
    Layout("a4-3x8", "A4, 3 x 8 labels of 63.5 x 33.9 mm (as Avery L7159)", 210, 297, 3, 8, 63.5, 33.9,
           12.9, 6.5, 66.0, 33.9),
    Layout("a4-3x7", "A4, 3 x 7 labels of 63.5 x 38.1 mm (as Avery L7160)", 210, 297, 3, 7, 63.5, 38.1,
           15.15, 7.25, 66.0, 38.1),
    Layout("letter-3x10", "US Letter, 3 x 10 labels of 2 5/8 x 1 in (as Avery 5160)", 8.5 * INCH, 11 * INCH,
           3, 10, 2.625 * INCH, 1 * INCH, 0.5 * INCH, 0.1875 * INCH, 2.75 * INCH, 1 * INCH),
)}
FONT_PT = 9
LABEL_DESCRIPTION = "Address label"


def layout(name):
    key = str(name or "a4-3x8").strip().lower()
    if key not in LAYOUTS:
        raise SegtuiError(f"label layout {name!r} is not one of: {', '.join(LAYOUTS)}")
    return LAYOUTS[key]


def _cell_margins(table, mm):
    margins = OxmlElement("w:tblCellMar")
    for side in ("top", "left", "bottom", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(int(mm / INCH * 1440)))
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    table._tbl.tblPr.append(margins)


def build(blocks, sheet):
    """The labels document (bytes): one label per address block (a list of lines), in order."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(sheet.page_w), Mm(sheet.page_h)
    section.top_margin, section.left_margin = Mm(sheet.top), Mm(sheet.left)
    used_w = sheet.left + (sheet.cols - 1) * sheet.h_pitch + sheet.label_w
    section.right_margin = Mm(max(0.0, sheet.page_w - used_w - 0.2))
    section.bottom_margin = Mm(max(0.0, sheet.page_h - sheet.top - sheet.rows * sheet.v_pitch - 0.5))
    section.header_distance = section.footer_distance = Mm(0)
    style = doc.styles["Normal"]
    style.font.size = Pt(FONT_PT)
    style.paragraph_format.space_after = Pt(0)
    style.paragraph_format.space_before = Pt(0)

    pages = max(1, math.ceil(len(blocks) / sheet.per_page))
    gap = sheet.h_pitch - sheet.label_w
    columns = 2 * sheet.cols - 1 if gap > 0 else sheet.cols
    table = doc.add_table(rows=pages * sheet.rows, cols=columns)
    table.autofit = False
    layout_el = OxmlElement("w:tblLayout")
    layout_el.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout_el)
    _cell_margins(table, 2.0)
    widths = [Mm(sheet.label_w) if (c % 2 == 0 or gap <= 0) else Mm(gap) for c in range(columns)]
    for column, width in zip(table.columns, widths):
        column.width = width
    step = 2 if gap > 0 else 1
    blocks = list(blocks)
    for r, row in enumerate(table.rows):
        row.height = Mm(sheet.v_pitch)
        row.height_rule = WD_ROW_HEIGHT_RULE.EXACTLY
        cells = row.cells
        for c, cell in enumerate(cells):
            cell.width = widths[c]
            if c % step:
                continue
            index = r * sheet.cols + c // step
            if index >= len(blocks):
                continue
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            lines = blocks[index]
            cell.paragraphs[0].text = lines[0] if lines else ""
            for line in lines[1:]:
                cell.add_paragraph(line)
    # Word needs a paragraph after a table: a tiny one, so a full last sheet adds no blank page.
    tail = doc.add_paragraph()
    tail.paragraph_format.space_after = Pt(0)
    tail.add_run("").font.size = Pt(1)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _lines(segment_no):
    no = normal_code(segment_no)
    if not SegmentHeader.select().where(SegmentHeader.no == no).exists():
        raise NotFound(f"segment {no!r} does not exist")
    lines = list(SegmentLine.select().where(SegmentLine.live(no) & (SegmentLine.contact_no != ""))
                 .order_by(SegmentLine.line_no))
    if not lines:
        raise SegtuiError(f"segment {no} has no lines with a contact: no labels to print")
    return no, lines


def segment_labels(segment_no, out, layout_name="a4-3x8", log=False, overwrite=False, user_id=None):
    """Write the segment's address labels to `out` (.docx). With `log`, each contact gets a
    hard-copy interaction log entry "Address label" with the line's template. Returns {"segment_no",
    "file", "layout", "labels", "pages", "logged_entries"}. Nothing is written when refused."""
    sheet = layout(layout_name)
    no, lines = _lines(segment_no)
    path = Path(out).expanduser()
    if path.is_dir():
        raise SegtuiError(f"{str(path)!r} is a folder: give the labels file's name")
    if path.exists() and not overwrite:
        raise SegtuiError(f"{str(path)!r} exists already: choose another name")
    if not path.parent.is_dir():
        raise SegtuiError(f"folder {str(path.parent)!r} does not exist")
    if log:
        _check_loggable(no, lines)
    blocks_by_contact = addresses.address_blocks([line.contact_no for line in lines])
    blocks = [blocks_by_contact.get(line.contact_no, line.contact_no).split("\n") for line in lines]
    data = build(blocks, sheet)
    logged = log_hard_copy(no, LABEL_DESCRIPTION, path.name, user_id) if log else []
    path.write_bytes(data)
    return {"segment_no": no, "file": str(path), "layout": sheet.name, "labels": len(blocks),
            "pages": max(1, math.ceil(len(blocks) / sheet.per_page)), "logged_entries": logged}


def _check_loggable(no, lines):
    missing = [line.line_no for line in lines if not line.interaction_template_code]
    if missing:
        raise SegtuiError(f"segment {no}: line {missing[0]} has no interaction template, so it cannot be logged"
                          + (f" ({len(missing)} lines)" if len(missing) > 1 else "") + "; nothing was written")
    codes = {line.interaction_template_code for line in lines}
    known = {c for (c,) in InteractionTemplate.select(InteractionTemplate.code)
             .where(InteractionTemplate.code.in_(sorted(codes))).tuples()}
    if codes - known:
        raise SegtuiError(f"segment {no}: interaction template {sorted(codes - known)[0]} does not exist; "
                          "nothing was written")


def log_hard_copy(segment_no, description, file_name, user_id=None):
    """One hard-copy interaction log entry per line of the open segment (already printed: nothing
    to deliver), in one transaction. Returns the new entry numbers."""
    from .segment_log import current_user, entry_insert_columns

    user_id = current_user() if user_id is None else user_id
    now = dt.datetime.now()
    line = SegmentLine
    special = {"correspondence_type": Value("hard_copy"), "description": Value(description[:100]),
               "date": Value(now.date()), "time_of_interaction": Value(now.time().replace(microsecond=0)),
               "attachment": Value(None), "attachment_name": Value(file_name[:250])}
    extra = {"user_id": Value(user_id or ""), "segment_no": line.segment_no, "logged_segment_entry_no": Value(None),
             "canceled": Value(False), "delivery_status": Value(""), "delivery_error": Value(""),
             "message_id": Value(""), "send_word_docs_as_attmt": Value(False)}
    fields, columns = entry_insert_columns(line, special, extra)
    e = InteractionLogEntry
    with dbmod.transaction():
        last = e.select(e.entry_no).order_by(e.entry_no.desc()).scalar() or 0
        query = line.select(*columns).where(line.live(segment_no) & (line.contact_no != "")) \
            .order_by(line.line_no)
        e.insert_from(query, fields).execute()
        new = (e.entry_no > last) & (e.segment_no == segment_no) & e.logged_segment_entry_no.is_null()
        return [n for (n,) in e.select(e.entry_no).where(new).order_by(e.entry_no).tuples()]
