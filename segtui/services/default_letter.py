"""The default one-page Word letter the demo stores for the LETTER template.

It is built with python-docx and carries real MERGEFIELD fields (w:fldSimple), so Word shows
them as fields and the merge finds them by name. python-docx's own template brings every
built-in style (styles.xml and stylesWithEffects.xml unpack to ~790 KB), a thumbnail and custom
XML: every merged letter would carry them and the merge would compress them again per letter.
The letter keeps only the styles it uses and the parts Word needs (issue 13, point 3).
"""
import io
import zipfile

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

# Parts of python-docx's template a letter does without (relationship types, by their last word).
_PARTS_NOT_NEEDED = ("stylesWithEffects", "customXml", "webSettings", "thumbnail", "numbering")
_STYLE_LINKS = ("w:basedOn", "w:link", "w:next")
# The date every part of the letter carries in the zip: a zip stamps each part with the clock,
# and demo data must be the same for a seed whatever the day it is built.
_PART_DATE = (2025, 1, 1, 0, 0, 0)

# The fields the letter uses, in the order they appear.
LETTER_FIELDS = (
    "company_name", "company_address", "company_post_code", "company_city", "company_phone",
    "company_email", "contact_company_name", "contact_name", "contact_address", "contact_post_code",
    "contact_city", "contact_country", "date", "subject", "personal_note", "salesperson_name",
    "salesperson_email", "salesperson_phone",
)


def _field(paragraph, name, bold=False, size=None):
    """Append a MERGEFIELD showing «name» until merged."""
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), f" MERGEFIELD {name} \\* MERGEFORMAT ")
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    if bold:
        props.append(OxmlElement("w:b"))
    if size:
        sz = OxmlElement("w:sz")
        sz.set(qn("w:val"), str(int(size * 2)))
        props.append(sz)
    if len(props):
        run.append(props)
    text = OxmlElement("w:t")
    text.set(qn("xml:space"), "preserve")
    text.text = f"\u00ab{name}\u00bb"
    run.append(text)
    fld.append(run)
    paragraph._p.append(fld)


def _line(doc, *parts, align=None, space_after=0, bold=False, size=None):
    """A paragraph of plain text and fields; a part written '{name}' is a merge field."""
    p = doc.add_paragraph()
    p.paragraph_format.space_after = Pt(space_after)
    p.paragraph_format.space_before = Pt(0)
    if align:
        p.alignment = align
    for part in parts:
        if part.startswith("{") and part.endswith("}"):
            _field(p, part[1:-1], bold=bold, size=size)
        else:
            run = p.add_run(part)
            run.bold = bold
            if size:
                run.font.size = Pt(size)
    return p


def build_default_letter() -> bytes:
    """A one-page business letter (.docx) with merge fields, as bytes."""
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)  # A4
    section.top_margin = section.bottom_margin = Cm(2.0)
    section.left_margin, section.right_margin = Cm(2.5), Cm(2.0)
    style = doc.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(11)

    # Letterhead: our company, right-aligned.
    _line(doc, "{company_name}", align=WD_ALIGN_PARAGRAPH.RIGHT, bold=True, size=16)
    _line(doc, "{company_address}", ", ", "{company_post_code}", " ", "{company_city}",
          align=WD_ALIGN_PARAGRAPH.RIGHT, size=9)
    _line(doc, "Phone ", "{company_phone}", " \u00b7 ", "{company_email}",
          align=WD_ALIGN_PARAGRAPH.RIGHT, size=9, space_after=36)

    # Recipient address block (fits a window envelope).
    _line(doc, "{contact_company_name}")
    _line(doc, "{contact_name}")
    _line(doc, "{contact_address}")
    _line(doc, "{contact_post_code}", " ", "{contact_city}")
    _line(doc, "{contact_country}", space_after=30)

    _line(doc, "{date}", align=WD_ALIGN_PARAGRAPH.RIGHT, space_after=18)
    _line(doc, "{subject}", bold=True, space_after=14)

    _line(doc, "Dear ", "{contact_name}", ",", space_after=10)
    body = (
        "Thank you for the good cooperation over the past year. We would like to tell you about "
        "our new collection and the services we have added for customers like you: shorter "
        "delivery times, on-site planning and a dedicated contact person for your company.",
        "Our sales team will be glad to show you what is new, at your premises or at our "
        "showroom. Simply reply to this letter or call us, and we will find a date that suits you.",
    )
    for text in body:
        _line(doc, text, space_after=10)
    note = _line(doc, "{personal_note}", space_after=14)
    for run in note.runs:
        run.italic = True

    _line(doc, "Kind regards", space_after=30)
    _line(doc, "{salesperson_name}", bold=True)
    _line(doc, "{company_name}")
    signature = _line(doc, "{salesperson_email}", " \u00b7 ", "{salesperson_phone}", size=9)
    for run in signature.runs:
        run.font.color.rgb = RGBColor(0x55, 0x55, 0x55)

    lighten(doc)
    out = io.BytesIO()
    doc.save(out)
    return _dated(out.getvalue())


def _dated(docx: bytes) -> bytes:
    """The same .docx with every part dated _PART_DATE instead of the moment it was saved."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            part = zipfile.ZipInfo(info.filename, date_time=_PART_DATE)
            part.compress_type, part.external_attr = info.compress_type, info.external_attr
            target.writestr(part, source.read(info))
    return out.getvalue()


def lighten(doc):
    """Keep only the styles the document uses (and the defaults and the styles they build on),
    no latent style list, and drop the parts listed in _PARTS_NOT_NEEDED (numbering only when
    nothing is numbered)."""
    styles = doc.styles.element
    by_id = {s.get(qn("w:styleId")): s for s in styles.findall(qn("w:style"))}
    wanted = {el.get(qn("w:val")) for tag in ("w:pStyle", "w:rStyle", "w:tblStyle")
              for el in doc.element.body.iter(qn(tag))}
    wanted |= {sid for sid, s in by_id.items() if s.get(qn("w:default")) in ("1", "true")}
    keep, todo = set(), list(wanted)
    while todo:
        sid = todo.pop()
        if sid in keep or sid not in by_id:
            continue
        keep.add(sid)
        todo.extend(el.get(qn("w:val")) for tag in _STYLE_LINKS for el in by_id[sid].findall(qn(tag)))
    for sid, style in by_id.items():
        if sid not in keep:
            styles.remove(style)
    for latent in styles.findall(qn("w:latentStyles")):
        styles.remove(latent)
    numbered = any(True for _ in doc.element.body.iter(qn("w:numPr"))) or \
        any(True for _ in styles.iter(qn("w:numPr")))
    for rels in (doc.part.rels, doc.part.package.rels):
        for rId, rel in list(rels.items()):
            kind = rel.reltype.rsplit("/", 1)[-1]
            if kind in _PARTS_NOT_NEEDED and not (kind == "numbering" and numbered):
                del rels[rId]
