"""Merging Word letters for segment lines and interaction log entries (docs/domain.md, section 6).

For each line (or entry) the document is the line's own attachment, else its template's Word
template for the line's language, else the template's one for all languages. Values come from
the contact (and, for a person, its company), the line's salesperson, the company information
and the line itself; they are read for all lines at once, a few queries in all.
"""
import datetime as dt
import math
import multiprocessing
import os
import re
import sys
import threading
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import resource_tracker
from dataclasses import dataclass, field
from pathlib import Path

from .. import private
from ..errors import NotFound, SegtuiError
from ..models import (
    Campaign,
    CompanyInformation,
    Contact,
    Country,
    InteractionTemplateAttachment,
    Language,
    Salesperson,
    SegmentHeader,
    SegmentLine,
    normal_code,
)
from . import templates, word
from .batches import by_key, chunks
from .segments import get_header
from .results import LineDocument, Merged
from .progress import Cancelled, steps

# Letters below this merge in this process: at about 500 letters a second on one core, starting
# the worker processes (each imports the Word code) costs more than it saves for fewer.
PARALLEL_MIN = 2000
DEFAULT_DATE_FORMAT = "%Y-%m-%d"
_UNSAFE = re.compile(r"[^\w\- ]+", re.UNICODE)
_TRACKER_LOCK = threading.Lock()


class UnknownFields(SegtuiError):
    """Documents use merge fields segtui cannot fill (or cannot be read); nothing was merged."""

    def __init__(self, message, unknown_fields=()):
        super().__init__(message)
        self.unknown_fields = list(unknown_fields)


@dataclass
class Document:
    """The document one line or entry is merged from."""
    key: tuple  # ("template", attachment id) or ("own", record id): letters sharing it combine
    content: bytes
    file_name: str
    mapping: dict = field(default_factory=dict)
    is_word: bool = True
    template_code: str = ""
    language_code: str = ""
    fields: list = field(default_factory=list)
    broken: str = ""  # why a document that should be a .docx cannot be read

    @property
    def label(self):
        if self.key[0] == "own":
            return f"the own document {self.file_name!r} of line/entry {self.key[1]}"
        lang = f"language {self.language_code}" if self.language_code else "all languages"
        return f"template {self.template_code} ({lang})"

    def unknown(self):
        return templates.unknown_fields(self.fields, self.mapping) if self.is_word and not self.broken else []

    def row(self, values):
        """The values keyed by this document's own field names."""
        return {f: values.get(templates.resolve(f, self.mapping), "") for f in self.fields}


# --- values ----------------------------------------------------------------------------------

def _text(value):
    return "" if value is None else str(value)


def values_for(records, cover_text=""):
    """The known merge fields' values (field -> text) for each line or entry, in order."""
    from .addresses import address_blocks

    records = list(records)
    blocks = address_blocks({r.contact_no for r in records if r.contact_no})
    contacts = by_key(Contact, Contact.no, (r.contact_no for r in records))
    company_nos = {c.company_no for c in contacts.values() if c.type == "person" and c.company_no}
    companies = by_key(Contact, Contact.no, company_nos - set(contacts))
    companies.update({no: c for no, c in contacts.items() if no in company_nos})
    salespeople = by_key(Salesperson, Salesperson.code, (r.salesperson_code for r in records))
    campaigns = by_key(Campaign, Campaign.no, (r.campaign_no for r in records))
    languages = {row.code: row.date_format for row in Language.select(Language.code, Language.date_format)}
    countries = {row.code: row.name for row in Country.select(Country.code, Country.name)}
    info = CompanyInformation.select().order_by(CompanyInformation.id).first() or CompanyInformation()
    company_values = {
        "company_name": info.name, "company_address": info.address, "company_post_code": info.post_code,
        "company_city": info.city, "company_country": countries.get(info.country_code) or info.country_code,
        "company_phone": info.phone, "company_email": info.email,
    }
    today = dt.date.today()
    out = []
    for record in records:
        values = dict(company_values)
        contact = contacts.get(record.contact_no) or Contact(no=record.contact_no)
        company = companies.get(contact.company_no) if contact.type == "person" else None
        values.update(_contact_values(contact, company, countries))
        person = salespeople.get(record.salesperson_code) or Salesperson(code=record.salesperson_code)
        values.update(salesperson_code=person.code, salesperson_name=person.name,
                      salesperson_email=person.email, salesperson_phone=person.phone)
        campaign = campaigns.get(record.campaign_no)
        date = record.date or today
        date_format = languages.get(record.language_code) or DEFAULT_DATE_FORMAT
        values.update(
            date=date.strftime(date_format),
            segment_no=record.segment_no,
            campaign_no=record.campaign_no,
            campaign_description=campaign.description if campaign else "",
            description=record.description,
            subject=record.subject,
            personal_note=record.personal_note,
            language_code=record.language_code,
            address_block=blocks.get(record.contact_no, ""),
            cover_text=cover_text,
        )
        out.append({k: _text(v) for k, v in values.items()})
    return out


def _contact_values(contact, company, countries):
    # A person without an address of their own is written to at the company's address.
    place = contact
    if company is not None and not (contact.address or contact.post_code or contact.city):
        place = company
    company_name = contact.name if contact.type == "company" else (
        (company.name if company is not None else "") or contact.company_name)
    return {
        "contact_no": contact.no,
        "contact_name": contact.name,
        "contact_first_name": contact.first_name,
        "contact_surname": contact.surname,
        "contact_company_name": company_name,
        "contact_address": place.address,
        "contact_address_2": place.address_2,
        "contact_post_code": place.post_code,
        "contact_city": place.city,
        "contact_county": place.county,
        "contact_country": countries.get(place.country_code) or place.country_code,
        "contact_email": contact.email,
        "contact_phone": contact.phone or (company.phone if company is not None else ""),
        "contact_mobile": contact.mobile,
        "contact_job_title": contact.job_title,
    }


def merge_values(line_or_entry):
    """The known merge fields' values for one segment line or interaction log entry."""
    return values_for([line_or_entry])[0]


# --- documents -------------------------------------------------------------------------------

def _record_id(record):
    return getattr(record, "entry_no", None) or getattr(record, "line_no", None) or record.get_id()


def template_attachments(records):
    """{(template_code, language_code): attachment} for the templates the records use (one query)."""
    codes = {r.interaction_template_code for r in records if r.interaction_template_code}
    out = {}
    for part in chunks(sorted(codes)):
        a = InteractionTemplateAttachment
        for row in a.select().where(a.template_code.in_(part)):
            out[(row.template_code, row.language_code)] = row
    return out


def documents_for(records):
    """The Document of each record (None when it has none), in order."""
    attachments = template_attachments(records)
    made: dict = {}
    out: list[Document | None] = []
    doc: Document | None
    for record in records:
        template = attachments.get((record.interaction_template_code, record.language_code)) \
            or attachments.get((record.interaction_template_code, ""))
        mapping = templates.load_mapping(template) if template is not None else {}
        if record.attachment is not None and len(record.attachment):
            name = record.attachment_name or "document.docx"
            doc = Document(("own", _record_id(record)), bytes(record.attachment), name, mapping,
                           name.lower().endswith(word.WORD_SUFFIXES), record.interaction_template_code,
                           record.language_code)
        elif template is not None:
            doc = made.get(template.id)
            if doc is None:
                doc = Document(("template", template.id), bytes(template.content), template.file_name, mapping,
                               template.kind == "word", template.template_code, template.language_code)
                made[template.id] = doc
        else:
            doc = None
        if doc is not None and doc.is_word and not doc.fields and not doc.broken:
            try:
                doc.fields = templates.document_fields(doc.content, doc.label)
            except word.NotAWordDocument as exc:
                doc.broken = str(exc)
        out.append(doc)
    return out


def unknown_report(documents):
    """[(document, [unknown fields])] for the distinct documents that cannot be merged: fields
    segtui cannot fill, or (fields empty) a document that cannot be read."""
    seen, out = set(), []
    for doc in documents:
        if doc is None or doc.key in seen:
            continue
        seen.add(doc.key)
        unknown = doc.unknown()
        if unknown or doc.broken:
            out.append((doc, unknown))
    return out


def unknown_message(report):
    parts = []
    for doc, fields in report:
        if doc.broken:
            parts.append(f"{doc.label} cannot be read: {doc.broken}")
            continue
        hint = ""
        if doc.key[0] == "template":
            lang = f" --language {doc.language_code}" if doc.language_code else ""
            hint = f" (map them: segtui template map-field {doc.template_code} {fields[0]}=FIELD{lang})"
        parts.append(f"{doc.label} uses merge fields segtui does not know: {', '.join(fields)}{hint}")
    return "; ".join(parts)


def set_line_document(segment_no, line_no, path_or_bytes=None, file_name=None) -> LineDocument:
    """Give a line its own document, which replaces the template's for that contact; None clears it.
    A .docx is checked (and merged like a template); any other file is sent as it is.
    Returns {"segment_no", "line_no", "attachment_name", "fields", "unknown_fields"}."""
    from .. import db as dbmod

    no = normal_code(segment_no)
    line = SegmentLine.get_or_none(SegmentLine.live(no) & (SegmentLine.line_no == int(line_no)))
    if line is None:
        raise NotFound(f"segment {no} has no line {line_no}")
    data, name, fields, unknown = None, "", [], []
    if path_or_bytes is not None:
        data, name = templates.read_input(path_or_bytes, file_name)
        if name.lower().endswith(word.WORD_SUFFIXES):
            fields = templates.document_fields(data, repr(name))
            template = template_attachments([line])
            chosen = template.get((line.interaction_template_code, line.language_code)) \
                or template.get((line.interaction_template_code, ""))
            unknown = templates.unknown_fields(fields, templates.load_mapping(chosen) if chosen else {})
    with dbmod.transaction():
        # Held like every change of the segment's lines: a removal meanwhile finds its lines by
        # their row address (history.remove_lines), which this update would move.
        get_header(no, lock=True)
        # A letter of its own: the line is kept whole if a criteria action removes it (defaults_of 0).
        changed = (SegmentLine.update(attachment=data, attachment_name=name, defaults_of=0)
                   .where(SegmentLine.live(no) & (SegmentLine.line_no == line.line_no)).execute())
        if not changed:
            raise NotFound(f"segment {no} has no line {line_no}")
    return {"segment_no": no, "line_no": line.line_no, "attachment_name": name, "fields": fields,
            "unknown_fields": unknown}


# --- file names ------------------------------------------------------------------------------

def safe_file_name(*parts, suffix=".docx", limit=120):
    """A file name made of `parts` that cannot leave its folder: no separators, no '..', no
    leading dot, no control characters, bounded length."""
    text = "-".join(p for p in (_UNSAFE.sub("_", str(part)).strip(" _-") for part in parts) if p)
    text = text.lstrip(".") or "document"
    return text[:limit] + suffix


def inside(folder, name):
    """The path of `name` in `folder`, refused if it would land anywhere else."""
    folder = Path(folder).resolve()
    path = (folder / name).resolve()
    if path.parent != folder:
        raise SegtuiError(f"file name {name!r} would be written outside {folder}")
    return path


def unique_path(path):
    """`path`, or path-2, path-3... when it exists already (never overwrite a printed file)."""
    path = Path(path)
    n = 2
    candidate = path
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
        n += 1
    return candidate


def file_suffix(name):
    suffix = Path(name or "").suffix.lower()
    return suffix if re.fullmatch(r"\.[a-z0-9]{1,8}", suffix) else ".bin"


# --- merging ---------------------------------------------------------------------------------

def default_workers(count):
    return (os.cpu_count() or 1) if count >= PARALLEL_MIN else 1


def _has_real_stderr():
    try:
        return sys.stderr is not None and sys.stderr.fileno() >= 0
    except (AttributeError, OSError, ValueError):
        return False


def _start_resource_tracker():
    """Start multiprocessing's resource tracker with a stderr it can pass on.

    The worksheet (Textual) replaces sys.stderr with an object whose fileno() is -1; the tracker
    passes that number to the new process and the start fails with "bad value(s) in
    fds_to_keep". Started here with /dev/null instead: its messages must not draw over the
    screen anyway."""
    if _has_real_stderr():
        resource_tracker.ensure_running()
        return
    with _TRACKER_LOCK, open(os.devnull, "w") as null:
        saved, sys.stderr = sys.stderr, null
        try:
            resource_tracker.ensure_running()
        finally:
            sys.stderr = saved


def _pool(workers):
    # 'spawn': workers import only the small word module, and no database handle or thread
    # state of the parent (the TUI runs threads) is copied into them.
    _start_resource_tracker()
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))


def _split(items, workers, limit=None):
    size = max(1, math.ceil(len(items) / (workers * 4)))
    if limit:
        size = min(size, limit)
    return [items[i:i + size] for i in range(0, len(items), size)]


# With a listener, letters are merged in parts of at most this many, so the count moves and a
# cancel waits for no more than one part per core.
PART = 100


def _parts(items, total):
    size = max(10, min(PART, total // 100))
    return [items[i:i + size] for i in range(0, len(items), size)]


def _run_pool(workers, calls, step):
    """Run `calls` [(function, args, letters)] on a pool, reporting letters done as parts finish.
    Whatever stops it (a cancel raised by `step`, a failing part) stops the pool: parts not
    started are dropped, the running ones are waited for, then the error goes on."""
    from concurrent.futures import as_completed

    pool = _pool(workers)
    try:
        futures = {pool.submit(fn, *args): letters for fn, args, letters in calls}
        for future in as_completed(futures):
            future.result()
            step(futures[future])
        return [future.result() for future in futures]
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    finally:
        pool.shutdown(wait=True)


def merge_to_files(groups, workers=None, progress=None):
    """Write merged letters. `groups`: [(template bytes, [(path, values by template field)])].
    Many letters are merged on all cores. `progress` (services.progress) hears letters written."""
    total = sum(len(jobs) for _, jobs in groups)
    workers = default_workers(total) if workers is None else max(1, int(workers))
    step = steps(progress, total, "letters merged")
    if workers == 1 or total < 2:
        for data, jobs in groups:
            for part in (_parts(jobs, total) if progress is not None else [jobs]):
                word.merge_many_to_files(data, part)
                step(len(part))
        return total
    limit = PART if progress is not None else None
    _run_pool(workers, [(word.merge_many_to_files, (data, [(str(p), v) for p, v in chunk]), len(chunk))
                        for data, jobs in groups for chunk in _split(jobs, workers, limit)], step)
    return total


def merge_to_bytes(groups, workers=None, progress=None):
    """Merged letters as bytes: `groups` [(template bytes, [values])] -> [[bytes]] in the same order."""
    total = sum(len(rows) for _, rows in groups)
    workers = default_workers(total) if workers is None else max(1, int(workers))
    step = steps(progress, total, "letters merged")
    if workers == 1 or total < 2:
        out = []
        for data, rows in groups:
            letters = []
            for part in (_parts(rows, total) if progress is not None else [rows]):
                letters.extend(word.merge_many(data, part))
                step(len(part))
            out.append(letters)
        return out
    limit = PART if progress is not None else None
    planned = [(g, _split(rows, workers, limit)) for g, (data, rows) in enumerate(groups)]
    calls = [(word.merge_many, (groups[g][0], chunk), len(chunk)) for g, chunks_ in planned for chunk in chunks_]
    results = iter(_run_pool(workers, calls, step))
    return [[doc for _ in chunks_ for doc in next(results)] for _, chunks_ in planned]


def group_letters(documents, rows):
    """Letters grouped by the document they are merged from, keeping the first-seen order."""
    groups: dict = {}
    for index, (doc, row) in enumerate(zip(documents, rows)):
        if doc is None:
            continue
        entry = groups.setdefault(doc.key, (doc, []))
        entry[1].append((index, row))
    return list(groups.values())


def combined_name(base, doc, several):
    """The combined file's name: `base` itself, or with the template and language when
    letters come from several documents."""
    base = Path(base)
    if not several:
        return base
    if doc.key[0] == "own":
        extra = f"line-{doc.key[1]}"
    else:
        extra = f"{doc.template_code}-{doc.language_code or 'ALL'}"
    return base.with_name(safe_file_name(base.stem, extra, suffix=base.suffix or ".docx"))


def write_combined(base, documents, rows, overwrite=False):
    """One combined .docx per document used (one section per letter); returns the paths.
    Without `overwrite` an existing file is kept and the new one gets a -2, -3... name."""
    groups = [(doc, items) for doc, items in group_letters(documents, rows) if doc.is_word]
    paths = []
    for doc, items in groups:
        path = combined_name(base, doc, len(groups) > 1)
        path = path if overwrite else unique_path(path)
        path.write_bytes(word.merge_combined(doc.content, [doc.row(values) for _, values in items]))
        paths.append(str(path))
    return paths


def merge_segment(segment_no, out_dir, combined=None, workers=None, progress=None) -> Merged:
    """Merged letters of a segment without logging it: one .docx per line in `out_dir` and,
    when asked, one combined .docx with a section per letter. `progress` hears letters merged.

    Letters are written under unfinished names and take their own names only when every letter
    is merged: a cancel (Cancelled says what was removed) or a failure leaves the folder as it
    was, letters of an earlier merge included; a folder this merge made is removed.

    Refused, writing nothing, when a document uses merge fields segtui does not know.
    Returns {"documents", "unknown_fields", "files", "combined", "without_document"}.
    """
    no = normal_code(segment_no)
    if not SegmentHeader.select().where(SegmentHeader.no == no).exists():
        raise NotFound(f"segment {no!r} does not exist")
    lines = list(SegmentLine.select().where(SegmentLine.live(no) & (SegmentLine.contact_no != ""))
                 .order_by(SegmentLine.line_no))
    if not lines:
        raise SegtuiError(f"segment {no} has no lines with a contact: nothing to merge")
    documents = documents_for(lines)
    report = unknown_report(documents)
    if report:
        raise UnknownFields(f"segment {no}: {unknown_message(report)}; nothing was written",
                            sorted({f for _, fields in report for f in fields}))
    without = [line.line_no for line, doc in zip(lines, documents) if doc is None]
    if len(without) == len(lines):
        raise SegtuiError(f"segment {no}: no line has a document to merge (its interaction templates "
                          "have no Word template and the lines no own document)")
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise SegtuiError(f"{str(out)!r} exists and is not a folder")
    if combined is not None and Path(combined).is_dir():
        raise SegtuiError(f"--combined {str(combined)!r} is a folder: give a file name")
    values = values_for(lines)
    made_folder = not out.exists()
    private.make_private_dir(out)  # letters with personal data: owner-only when new
    remove_unfinished(out.glob(".*" + UNFINISHED))  # left by a merge that was killed
    files: list = []
    try:
        return _merge_lines(no, out, combined, lines, documents, values, without, workers, progress, files)
    except Cancelled:
        raise Cancelled("merge canceled: " + remove_partial(out, made_folder, files)) from None
    except BaseException:
        remove_partial(out, made_folder, files)
        raise


UNFINISHED = ".unfinished"


def unfinished(path):
    """Where a letter is written until the whole merge is done: hidden, beside its own name."""
    path = Path(path)
    return path.with_name(f".{path.name}{UNFINISHED}")


def remove_unfinished(paths):
    """Remove unfinished letters; returns the names that could not be removed."""
    left = []
    for path in paths:
        try:
            Path(path).unlink()
        except FileNotFoundError:
            pass
        except OSError:
            left.append(Path(path).name)
    return left


def remove_partial(out, made_folder, files):
    """Take away what a merge that did not finish wrote (only unfinished letters: the folder's
    letters keep what they held); says what was done and what is left."""
    left = remove_unfinished([unfinished(path) for _, path in files])
    if left:
        return f"{len(left):,} unfinished letters could not be removed from {out}: {', '.join(left[:5])}"
    if made_folder:
        try:
            Path(out).rmdir()
            return f"nothing was kept (folder {out} removed)"
        except OSError:
            return f"nothing was kept; folder {out} holds other files and stays"
    return f"nothing was changed in {out}"


def _merge_lines(no, out, combined, lines, documents, values, without, workers, progress, files):
    word_groups = []
    for doc, items in group_letters(documents, values):
        jobs = []
        for index, row in items:
            line = lines[index]
            name = safe_file_name(no, f"{line.line_no:06d}", row["contact_name"] or line.contact_no,
                                  suffix=".docx" if doc.is_word else file_suffix(doc.file_name))
            path = inside(out, name)
            files.append((index, str(path)))
            if doc.is_word:
                jobs.append((unfinished(path), doc.row(row)))
            else:
                unfinished(path).write_bytes(doc.content)  # a plain file goes out as it is
        if jobs:
            word_groups.append((doc.content, jobs))
    merge_to_files(word_groups, workers, progress)
    combined_paths = []
    if combined is not None:
        private.make_private_dir(Path(combined).parent)
        combined_paths = write_combined(combined, documents, values, overwrite=True)
    for _, path in files:  # every letter is there: each takes its own name
        os.replace(unfinished(path), path)
    return {
        "segment_no": no,
        "documents": len(files),
        "unknown_fields": [],
        "files": [path for _, path in sorted(files)],
        "combined": combined_paths,
        "without_document": without,
    }
