"""Writing contacts to a CSV of segtui's field names or to vCard 4.0."""
import csv
import os
import tempfile
from pathlib import Path

from ...errors import NotFound, SegtuiError
from ...models import Contact, SegmentHeader, SegmentLine
from ..results import Exported
from .rows import EXPORT_FIELDS, FORMATS


def export_contacts(path, segment_no=None, format=None) -> Exported:
    """Write all contacts, or a segment's, as CSV (header of segtui field names, UTF-8) or
    vCard 4.0 (format None: vcard for a .vcf name, else csv). Returns {"exported": n}."""
    fmt = (format or "").lower() or ("vcard" if str(path).lower().endswith((".vcf", ".vcard")) else "csv")
    if fmt == "vcf":
        fmt = "vcard"
    if fmt not in FORMATS:
        raise SegtuiError(f"unknown format {format!r}: use csv or vcard")
    path = Path(path)
    if path.is_dir():
        raise SegtuiError(f"{path} is a directory: give a file name")
    if not path.parent.exists():
        raise SegtuiError(f"folder {path.parent} does not exist")
    query = Contact.select(*[getattr(Contact, n) for n in EXPORT_FIELDS])
    if segment_no:
        no = segment_no.strip().upper()
        if not SegmentHeader.select().where(SegmentHeader.no == no).exists():
            raise NotFound(f"segment {segment_no!r} does not exist")
        on_segment = SegmentLine.select(SegmentLine.contact_no).where(SegmentLine.live(no))
        query = query.where(Contact.no.in_(on_segment))
    query = query.order_by(Contact.no).tuples()
    # Write beside the target and rename, so a failure never leaves half a file.
    fd, tmp = tempfile.mkstemp(prefix=".segtui-export-", dir=str(path.parent))
    count = 0
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            if fmt == "csv":
                writer = csv.writer(out, lineterminator="\r\n")
                writer.writerow(EXPORT_FIELDS)
                for values in query.iterator():
                    writer.writerow(["1" if v is True else "0" if v is False else ("" if v is None else v)
                                     for v in values])
                    count += 1
            else:
                for values in query.iterator():
                    out.write(_vcard(dict(zip(EXPORT_FIELDS, values))))
                    count += 1
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return {"exported": count}


def _esc(value):
    return (str(value or "").replace("\\", "\\\\").replace("\n", "\\n").replace(",", "\\,")
            .replace(";", "\\;"))


def _fold(line):
    """Fold at 75 octets without splitting a UTF-8 character (RFC 6350 3.2)."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line + "\r\n"
    parts, current, size = [], "", 0
    limit = 75
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > limit:
            parts.append(current)
            current, size, limit = "", 0, 74  # continuation lines start with a space
        current += ch
        size += n
    parts.append(current)
    return "\r\n ".join(parts) + "\r\n"


def _vcard(c):
    lines = ["BEGIN:VCARD", "VERSION:4.0"]
    company = c["type"] == "company"
    lines.append("KIND:org" if company else "KIND:individual")
    lines.append(f"FN:{_esc(c['name'])}")
    if not company:
        lines.append(f"N:{_esc(c['surname'])};{_esc(c['first_name'])};;;")
    org = c["name"] if company else c["company_name"]
    if org:
        lines.append(f"ORG:{_esc(org)}")
    if c["job_title"]:
        lines.append(f"TITLE:{_esc(c['job_title'])}")
    if c["email"]:
        lines.append(f"EMAIL;TYPE=work:{_esc(c['email'])}")
    if c["phone"]:
        lines.append(f"TEL;TYPE=work,voice:{_esc(c['phone'])}")
    if c["mobile"]:
        lines.append(f"TEL;TYPE=cell:{_esc(c['mobile'])}")
    if any(c[k] for k in ("address", "address_2", "city", "county", "post_code", "country_code")):
        lines.append("ADR;TYPE=work:;" + ";".join(_esc(c[k]) for k in (
            "address_2", "address", "city", "county", "post_code", "country_code")))
    lines.append(f"X-SEGTUI-NO:{_esc(c['no'])}")
    lines.append(f"UID:urn:segtui:contact:{_esc(c['no'])}")
    if not company and c["company_no"]:
        lines.append(f"X-SEGTUI-COMPANY-NO:{_esc(c['company_no'])}")
    for name in ("language_code", "salesperson_code", "territory_code", "correspondence_type"):
        if c[name]:
            lines.append(f"X-SEGTUI-{name.upper().replace('_', '-')}:{_esc(c[name])}")
    if c["exclude_from_segment"]:
        lines.append("X-SEGTUI-EXCLUDE-FROM-SEGMENT:yes")
    lines.append("END:VCARD")
    return "".join(_fold(line) for line in lines)
