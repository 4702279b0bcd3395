"""Delivery of logged interactions (docs/domain.md, section 4): merge each entry's document,
keep it in the entry, print hard copies into one combined file, send e-mail through SMTP.

An entry's delivery_status is 'in_progress' until it is delivered, then blank, or 'error'
with the reason in delivery_error. Each entry's status is committed as soon as it is sent,
so a later run (`segtui logged deliver`) picks up only 'in_progress' and 'error' entries and
never sends one twice. Before an e-mail goes out its Message-ID is assigned and stored (the
entry is claimed where its Message-ID is still the one this run read), so two runs started on
the same entries do not both send it. What remains: a crash between the server accepting a
message and the commit of its status leaves that one entry 'in_progress' with its Message-ID,
and a later run sends it again.

The settings delivery needs are checked before a segment is logged (a refusal, nothing
logged); after the log's commit nothing here raises: what failed is recorded in the entries
and in the result, and a later run resumes.
"""
import os
import smtplib
from pathlib import Path

from peewee import SQL, fn

from .. import config
from .. import private
from .. import db as dbmod
from ..errors import NotFound, SegtuiError
from ..models import (
    Contact,
    InteractionLogEntry,
    InteractionTemplateAttachment,
    LoggedSegment,
    SegmentLine,
    normal_code,
)
from . import hardcopy, mail, merge, word
from .batches import chunks
from .entry_nos import parse_entry_nos
from .results import Delivered, DeliveryState
from .progress import Cancelled, steps

UNFINISHED = ("in_progress", "error")
REFUSALS_PER_RULE = 10


# --- settings ---------------------------------------------------------------------------------

def settings_problems(settings=None, mail=True, hard_copy=True):
    """What is wrong with the settings delivery needs, as sentences naming the key; [] when fine."""
    try:
        settings = settings if settings is not None else config.load()
    except Exception as exc:  # noqa: BLE001 - a settings file that cannot be read is one problem
        return [f"the settings cannot be read: {exc}"]
    out = []
    if mail:
        raw = settings.get("smtp", {})
        if not isinstance(raw, dict):
            return [f"settings key smtp must be a table of SMTP settings, not {raw!r}"]
        smtp = dict(config.DEFAULTS["smtp"], **raw)
        port = smtp.get("port")
        if isinstance(port, bool) or not str(port).strip().isdigit() or not 0 < int(str(port).strip()) < 65536:
            out.append(f"smtp.port {port!r} is not a port number (1-65535): "
                       "set it with 'segtui config set smtp.port 25'")
        for key in ("host", "user", "sender", "password_env"):
            if not isinstance(smtp.get(key), str):
                out.append(f"smtp.{key} {smtp.get(key)!r} must be a text")
        if not isinstance(smtp.get("starttls"), bool):
            out.append(f"smtp.starttls {smtp.get('starttls')!r} must be true or false")
        if isinstance(smtp.get("host"), str) and not smtp["host"].strip():
            out.append("smtp.host is empty: set the mail server with 'segtui config set smtp.host NAME'")
        sender = smtp.get("sender")
        if isinstance(sender, str) and sender and "@" not in sender:
            out.append(f"smtp.sender {sender!r} is not an e-mail address")
        if isinstance(smtp.get("user"), str) and smtp["user"]:
            name = smtp.get("password_env") if isinstance(smtp.get("password_env"), str) else ""
            if not name or os.environ.get(name) is None:
                out.append(f"smtp.user is set, but the environment variable {name or '(smtp.password_env unset)'} "
                           "that holds the password is not")
    if hard_copy:
        folder = settings.get("output_dir")
        if folder and not isinstance(folder, str):
            out.append(f"output_dir {folder!r} must be a folder name")
        elif folder and Path(folder).expanduser().exists() and not Path(folder).expanduser().is_dir():
            out.append(f"output_dir {folder!r} exists and is not a folder")
    return out


# --- refusals before logging ------------------------------------------------------------------

def _refusal(segment_no, line_no, contact_no, text, rule, rule_total=1):
    if line_no is None:
        who = f"segment {segment_no}"
    else:
        who = f"segment {segment_no}, line {line_no}" + (f", contact {contact_no}" if contact_no else "")
    return {"segment_no": segment_no, "line_no": line_no, "contact_no": contact_no or None,
            "message": f"{who}: {text}", "rule": rule, "rule_total": rule_total}


def delivery_refusals(segment_no):
    """Why the segment's lines cannot be delivered: [{"segment_no", "line_no", "contact_no",
    "message", "rule", "rule_total"}]; empty when delivery can go ahead. One query per rule."""
    no = normal_code(segment_no)
    line = SegmentLine
    a = InteractionTemplateAttachment
    to_deliver = line.live(no) & (line.contact_no != "") & (line.correspondence_type != "")
    # (A line without a template is refused by logging's own rules; it is not named twice here.)
    out = []

    # Rule 1: a correspondence type, but neither an own document nor a template document.
    template_document = fn.EXISTS(a.select(SQL("1")).where(
        (a.template_code == line.interaction_template_code)
        & ((a.language_code == line.language_code) | (a.language_code == ""))))
    query = (line.select(line.line_no, line.contact_no, line.interaction_template_code, line.language_code,
                         fn.COUNT(SQL("*")).over().alias("total"))
             .where(to_deliver & line.attachment.is_null() & (line.interaction_template_code != "")
                    & ~template_document)
             .order_by(line.line_no).limit(REFUSALS_PER_RULE).dicts())
    for row in query:
        lang = f" for language {row['language_code']}" if row["language_code"] else ""
        out.append(_refusal(no, row["line_no"], row["contact_no"],
                            f"correspondence type set, but interaction template "
                            f"{row['interaction_template_code'] or '(none)'} has no Word template{lang} "
                            "and the line has no document of its own", "no_document", row["total"]))

    # Rule 2: documents with merge fields segtui cannot fill (the template's, then the lines' own).
    pairs = (line.select(line.interaction_template_code, line.language_code).distinct()
             .where(to_deliver & line.attachment.is_null()))
    records = [SegmentLine(interaction_template_code=t, language_code=lang, attachment=None)
               for t, lang in pairs.tuples()]
    own = (line.select(line.line_no, line.contact_no, line.interaction_template_code, line.language_code,
                       line.attachment, line.attachment_name)
           .where(to_deliver & line.attachment.is_null(False)).order_by(line.line_no))
    records.extend(own)
    contacts = {r.line_no: r.contact_no for r in records if r.line_no is not None}
    report = merge.unknown_report(merge.documents_for(records))
    for doc, fields in report:
        if doc.key[0] == "template":
            out.append(_refusal(no, None, None, merge.unknown_message([(doc, fields)]),
                                f"unknown_fields:{doc.template_code}:{doc.language_code}"))
    own_bad = [(doc, fields) for doc, fields in report if doc.key[0] == "own"]
    for doc, fields in own_bad[:REFUSALS_PER_RULE]:
        out.append(_refusal(no, doc.key[1], contacts.get(doc.key[1]), merge.unknown_message([(doc, fields)]),
                            "own_document_unknown_fields", len(own_bad)))

    # Rule 3: the settings the delivery needs, checked before anything is logged.
    kinds = {t for (t,) in line.select(line.correspondence_type).distinct().where(to_deliver).tuples()}
    for problem in settings_problems(mail="email" in kinds, hard_copy="hard_copy" in kinds):
        out.append(_refusal(no, None, None, f"delivery settings: {problem}", f"settings:{problem[:40]}"))
    return out


# --- delivery ---------------------------------------------------------------------------------

def deliver_logged_segment(logged_entry_no, out_dir=None, settings=None, workers=None, one_per_address=True,
                           progress=None) -> Delivered:
    """`segtui logged deliver` and the Logged Segments screen: the logged segment must exist and
    the settings be right (else SegtuiError, nothing done); then deliver_logged."""
    (no,) = parse_entry_nos([logged_entry_no])
    row = LoggedSegment.get_or_none(LoggedSegment.entry_no == no)
    if row is None:
        raise NotFound(f"logged segment {logged_entry_no} does not exist")
    if row.canceled:
        raise SegtuiError(f"logged segment {row.entry_no} is canceled: restore it before delivering; nothing was sent")
    e = InteractionLogEntry
    kinds = {t for (t,) in e.select(e.correspondence_type).distinct().where(
        (e.logged_segment_entry_no == row.entry_no) & e.delivery_status.in_(UNFINISHED)).tuples()}
    problems = settings_problems(settings, mail="email" in kinds, hard_copy="hard_copy" in kinds)
    if problems:
        raise SegtuiError(f"logged segment {row.entry_no} cannot be delivered: delivery settings: "
                          + "; ".join(problems) + "; nothing was sent")
    return deliver_logged(row.entry_no, out_dir=out_dir, settings=settings, workers=workers,
                          one_per_address=one_per_address, progress=progress)


def deliver_logged(logged_entry_no, out_dir=None, settings=None, workers=None, one_per_address=True,
                   progress=None) -> Delivered:
    """Deliver the logged segment's entries that are pending, were cut off ('in_progress') or
    failed ('error'); never one already sent. Returns {"delivered", "errors", "skipped",
    "same_address", "combined", "files", "failure"}: skipped counts the entries left alone (sent
    already, nothing to send, or another entry's mail went to the same address); failure says
    why the run stopped early, if it did (a rerun resumes).

    With `one_per_address` (the default) one e-mail goes to each distinct address of the logged
    segment; the other entries to that address are logged with a note and not sent.

    `progress` (services.progress) hears letters merged, then entries delivered; when it
    cancels, the entries not reached stay pending (a rerun resumes them) and failure says so."""
    e = InteractionLogEntry
    logged = LoggedSegment.get_or_none(LoggedSegment.entry_no == logged_entry_no)
    label = f"{logged.segment_no}-logged-{logged_entry_no}" if logged else f"logged-{logged_entry_no}"
    mine = e.logged_segment_entry_no == logged_entry_no
    total = e.select().where(mine).count()
    nos = [n for (n,) in e.select(e.entry_no)
           .where(mine & e.delivery_status.in_(UNFINISHED) & (e.canceled == False))  # noqa: E712
           .order_by(e.entry_no).tuples()]
    return _safe_deliver(nos, out_dir, settings, label, total, workers, one_per_address, progress)


def deliver_entries(entry_nos, out_dir=None, settings=None, workers=None, one_per_address=False,
                    progress=None) -> Delivered:
    """Deliver the given interaction log entries that are unfinished (a resend creates them
    'in_progress'); entries already delivered are left alone. Same result as deliver_logged."""
    e = InteractionLogEntry
    wanted = sorted({int(n) for n in entry_nos or []})
    nos: list = []
    for part in chunks(wanted):
        nos.extend(n for (n,) in e.select(e.entry_no)
                   .where(e.entry_no.in_(part) & e.delivery_status.in_(UNFINISHED)).tuples())
    label = f"entries-{wanted[0]}" + (f"-{wanted[-1]}" if len(wanted) > 1 else "") if wanted else "entries"
    return _safe_deliver(sorted(nos), out_dir, settings, label, len(wanted), workers, one_per_address, progress)


def _safe_deliver(nos, out_dir, settings, label, total, workers, one_per_address, progress=None) -> Delivered:
    """_deliver, which never raises: it runs after a commit, and what it did must be reported."""
    result = _new_result()
    try:
        result = _deliver(nos, out_dir, settings, label, workers, one_per_address, progress, result)
    except Cancelled:
        # The counts so far are this run's; what it did not reach is still unfinished.
        left = _unfinished(nos) - result["errors"]
        if left > 0:  # else the cancel came after the last entry: the delivery is complete
            result["failure"] = (f"delivery canceled after {result['delivered']:,} of {len(nos):,} entries; "
                                 f"{left:,} stay pending and a later delivery resumes them")
            result["cancelled"] = True
    except Exception as exc:  # noqa: BLE001 - entries left unfinished are resumed by a rerun
        result = _new_result()
        result["failure"] = f"delivery stopped: {exc.__class__.__name__}: {exc}"
        result["delivered"], result["errors"] = _tally(nos)
    result.setdefault("failure", "")
    result["skipped"] = max(0, total - result["delivered"] - result["errors"])
    return result


def _new_result() -> Delivered:
    return Delivered(delivered=0, errors=0, same_address=0, combined=None, combined_files=[], files=[])


def _unfinished(nos) -> int:
    e = InteractionLogEntry
    return sum(e.select().where(e.entry_no.in_(part) & e.delivery_status.in_(UNFINISHED)).count()
               for part in chunks(nos))


def _tally(nos) -> tuple[int, int]:
    """(delivered, errors) among the given entries, read back from the database."""
    e = InteractionLogEntry
    delivered = errors = 0
    for part in chunks(nos):
        for status, count in (e.select(e.delivery_status, fn.COUNT(SQL("*"))).where(e.entry_no.in_(part))
                              .group_by(e.delivery_status).tuples()):
            delivered += count if status == "" else 0
            errors += count if status == "error" else 0
    return delivered, errors


def delivery_state(logged_entry_no) -> DeliveryState:
    """How the logged segment's delivery stands: {"entries", "delivered", "pending", "errors",
    "first_errors": [{"entry_no", "contact_no", "error"}] (up to 5)}."""
    e = InteractionLogEntry
    mine = e.logged_segment_entry_no == int(logged_entry_no)
    counts = dict(e.select(e.delivery_status, fn.COUNT(SQL("*"))).where(mine).group_by(e.delivery_status).tuples())
    first = [{"entry_no": n, "contact_no": c, "error": err} for n, c, err in
             e.select(e.entry_no, e.contact_no, e.delivery_error).where(mine & (e.delivery_status == "error"))
             .order_by(e.entry_no).limit(5).tuples()]
    return {"entries": sum(counts.values()), "delivered": counts.get("", 0),
            "pending": counts.get("in_progress", 0), "errors": counts.get("error", 0), "first_errors": first}


def output_folder(out_dir=None, settings=None):
    settings = settings if settings is not None else config.load()
    folder = out_dir or settings.get("output_dir") or Path(config.data_dir()) / "output"
    return Path(folder).expanduser()


def _entries(nos):
    e = InteractionLogEntry
    found = {}
    for part in chunks(nos):
        for row in e.select().where(e.entry_no.in_(part)):
            found[row.entry_no] = row
    return [found[n] for n in nos if n in found]


def _finish(entry, status, error="", document=None, name="", message_id=None):
    """Record one entry's outcome in its own transaction, so it survives whatever comes next."""
    changes = {"delivery_status": status, "delivery_error": error[:2000]}
    if document is not None:
        changes.update(attachment=document, attachment_name=name[:250])
    if message_id is not None:
        changes["message_id"] = message_id
    with dbmod.transaction():
        InteractionLogEntry.update(**changes).where(InteractionLogEntry.entry_no == entry.entry_no).execute()


def _claim(entry, message_id):
    """Take the entry for sending: only if it is still unfinished and no other run has taken it
    since we read it (its Message-ID is the one we saw). Two runs never send the same entry."""
    e = InteractionLogEntry
    with dbmod.transaction():
        taken = e.update(message_id=message_id).where(
            (e.entry_no == entry.entry_no) & e.delivery_status.in_(UNFINISHED)
            & (e.message_id == (entry.message_id or ""))).execute()
    return taken == 1


def _document_name(entry, values, doc):
    suffix = ".docx" if doc.is_word else merge.file_suffix(doc.file_name)
    return merge.safe_file_name(entry.segment_no, f"{entry.entry_no:06d}", values["contact_name"] or entry.contact_no,
                                suffix=suffix)


def _merged_documents(entries, documents, values, workers=None, progress=None):
    """Each entry's merged document (bytes), or None when it has none."""
    out = [None] * len(entries)
    groups = merge.group_letters(documents, values)
    word_groups = [(doc, items) for doc, items in groups if doc.is_word]
    merged = merge.merge_to_bytes([(doc.content, [doc.row(v) for _, v in items]) for doc, items in word_groups],
                                  workers, progress)
    for (doc, items), results in zip(word_groups, merged):
        for (index, _), data in zip(items, results):
            out[index] = data
    for doc, items in groups:
        if not doc.is_word:
            for index, _ in items:
                out[index] = doc.content
    return out


def _address(text):
    return (text or "").strip().lower()


def _sent_addresses(entries):
    """{address: entry_no} of the e-mails already sent in the logged segments of `entries`."""
    e = InteractionLogEntry
    logged = sorted({entry.logged_segment_entry_no for entry in entries if entry.logged_segment_entry_no})
    out: dict = {}
    for part in chunks(logged):
        query = (e.select(e.entry_no, Contact.email).join(Contact, on=(Contact.no == e.contact_no))
                 .where(e.logged_segment_entry_no.in_(part) & (e.correspondence_type == "email")
                        & (e.delivery_status == "") & (e.message_id != "")).order_by(e.entry_no).tuples())
        for no, address in query:
            out.setdefault(_address(address), no)
    return out


def _same_address(entries, values, ready):
    """{index: note} of the ready e-mail entries whose address gets its mail from another entry."""
    first = _sent_addresses(entries)
    notes = {}
    for index in ready:
        entry = entries[index]
        address = _address(values[index]["contact_email"])
        if entry.correspondence_type != "email" or not address:
            continue
        if address in first:
            notes[index] = (f"not sent: one mail per address, and entry {first[address]} goes to the same address "
                            f"{values[index]['contact_email']}")
        else:
            first[address] = entry.entry_no
    return notes


def _deliver(nos, out_dir, settings, label, workers=None, one_per_address=False, progress=None,
             result=None) -> Delivered:
    result = _new_result() if result is None else result  # filled as it goes: a cancel keeps the counts
    entries = _entries(nos)
    if not entries:
        return result
    settings = settings if settings is not None else config.load()
    kinds = {entry.correspondence_type for entry in entries}
    problems = settings_problems(settings, mail="email" in kinds, hard_copy="hard_copy" in kinds)
    if problems:
        # Nothing is tried: the entries stay as they are, and a run after the fix resumes them.
        result["failure"] = "delivery settings: " + "; ".join(problems)
        return result
    documents = merge.documents_for(entries)
    values = merge.values_for(entries)
    unknown = {doc.key: fields for doc, fields in merge.unknown_report(documents)}
    # Nothing to send for an entry without a correspondence type: it is done.
    silent = [entry.entry_no for entry in entries if not entry.correspondence_type]
    if silent:
        with dbmod.transaction():
            for part in chunks(silent):
                InteractionLogEntry.update(delivery_status="", delivery_error="").where(
                    InteractionLogEntry.entry_no.in_(part)).execute()
    ready = []  # (index) of entries that can be merged
    from .opt_outs import delivery_refusals

    opted_out = delivery_refusals(entries)  # never sent, whatever the segment's options were
    for index, (entry, doc) in enumerate(zip(entries, documents)):
        if not entry.correspondence_type:
            continue
        elif entry.entry_no in opted_out:
            _finish(entry, "error", opted_out[entry.entry_no])
            result["errors"] += 1
        elif doc is None:
            _finish(entry, "error", f"interaction template {entry.interaction_template_code} has no Word "
                                    f"template for language {entry.language_code or '(all)'} and the entry "
                                    "has no document of its own")
            result["errors"] += 1
        elif doc.key in unknown:
            _finish(entry, "error", merge.unknown_message([(doc, unknown[doc.key])]))
            result["errors"] += 1
        else:
            ready.append(index)
    if one_per_address:
        notes = _same_address(entries, values, ready)
        if notes:
            with dbmod.transaction():
                for index, note in notes.items():
                    _finish(entries[index], "", note)
            result["same_address"] = len(notes)
            ready = [i for i in ready if i not in notes]
    picked = [entries[i] for i in ready]
    picked_docs = [documents[i] for i in ready]
    picked_values = [values[i] for i in ready]
    try:
        merged = _merged_documents(picked, picked_docs, picked_values, workers, progress)
    except Cancelled:
        raise
    except Exception as exc:  # noqa: BLE001 - the log is committed: record why, a rerun resumes
        for entry in picked:
            _finish(entry, "error", f"merging the document failed: {exc.__class__.__name__}: {exc}")
        result["errors"] += len(picked)
        return result
    hard = [i for i, entry in enumerate(picked) if entry.correspondence_type == "hard_copy"]
    mail = [i for i, entry in enumerate(picked) if entry.correspondence_type == "email"]
    step = steps(progress, len(hard) + len(mail), "entries delivered")
    if hard:
        _print(hard, picked, picked_docs, picked_values, merged, output_folder(out_dir, settings), label, result)
        step(len(hard))  # printed as one file: all of them at once
    if mail:
        _mail(mail, picked, picked_docs, picked_values, merged, settings, result, step)
    result["combined"] = result["combined_files"][0] if result["combined_files"] else None
    return result


def _print(indexes, entries, documents, values, merged, folder, label, result):
    """Hard copies: the run's Word letters as one combined .docx to print (a section per letter
    for letters of one template, so each keeps its merged headers), and its PDF when LibreOffice
    is installed; a document that is not Word goes in a file of its own. Then the entries are
    marked delivered."""
    try:
        private.make_private_dir(folder)  # letters with personal data: owner-only when new
        parts, written = [], []
        for doc, items in merge.group_letters([documents[i] for i in indexes], [values[i] for i in indexes]):
            if doc.is_word and doc.key[0] == "template":
                parts.append(word.merge_combined(doc.content, [doc.row(row) for _, row in items]))
            else:
                for position, _ in items:
                    i = indexes[position]
                    if doc.is_word:
                        parts.append(merged[i])
                    else:
                        path = merge.unique_path(merge.inside(folder, _document_name(entries[i], values[i], doc)))
                        path.write_bytes(merged[i])
                        written.append(str(path))
        combined = []
        if parts:
            path = merge.unique_path(folder / merge.safe_file_name(label, "hard-copy"))
            path.write_bytes(hardcopy.combine(parts))
            combined.append(str(path))
            written.insert(0, str(path))
    except OSError as exc:
        # The merged documents are not kept: a rerun merges them again into one combined file.
        for i in indexes:
            _finish(entries[i], "error", f"cannot write the hard copy to {folder}: {exc}")
        result["errors"] += len(indexes)
        return
    result["combined_files"].extend(combined)
    result["files"].extend(written)
    with dbmod.transaction():
        for i in indexes:
            _finish(entries[i], "", "", merged[i], _document_name(entries[i], values[i], documents[i]))
    result["delivered"] += len(indexes)
    if combined:
        # After the entries are done: a PDF that cannot be made is said, never an error.
        pdf, note = hardcopy.to_pdf(combined[0])
        result["pdf"] = str(pdf) if pdf else None
        result["pdf_note"] = note


def _mail(indexes, entries, documents, values, merged, settings, result, step):
    smtp = dict(config.DEFAULTS["smtp"], **(settings.get("smtp") or {}))
    mailer = mail.Mailer(smtp)
    try:
        for n, i in enumerate(indexes):
            if n:
                step(1)  # the entry before is done, whichever way (a cancel stops here, between entries)
            entry, doc, row, data = entries[i], documents[i], values[i], merged[i]
            name = _document_name(entry, row, doc)
            sender = smtp.get("sender") or row["salesperson_email"]
            if not row["contact_email"]:
                _finish(entry, "error", f"contact {entry.contact_no} has no e-mail address", data, name)
                result["errors"] += 1
                continue
            if not sender:
                _finish(entry, "error", "no sender address: set smtp.sender in the settings "
                                        "(or give the salesperson an e-mail)", data, name)
                result["errors"] += 1
                continue
            try:
                message = mail.build_message(entry, doc, row, data, name, sender)
            except Exception as exc:  # noqa: BLE001 - this entry's letter only; the others go on
                _finish(entry, "error", f"the e-mail could not be made from the letter: "
                                        f"{exc.__class__.__name__}: {exc}", data, name)
                result["errors"] += 1
                continue
            if not _claim(entry, message["Message-ID"]):
                continue  # another delivery run took this entry since we read it
            try:
                mailer.send(message)
            except (smtplib.SMTPException, OSError) as exc:
                _finish(entry, "error", f"SMTP {smtp.get('host')}:{smtp.get('port')}: {mail.reason(exc)}", data, name,
                        message_id="")
                result["errors"] += 1
                continue
            _finish(entry, "", "", data, name, message["Message-ID"])
            result["delivered"] += 1
        step(1)
    finally:
        mailer.close()


