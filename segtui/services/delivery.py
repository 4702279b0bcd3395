"""Delivery of logged interactions (spec/domain.md section 3): merge each entry's document,
keep it in the entry, print hard copies into one combined file, send e-mail through SMTP.

An entry's delivery_status is 'in_progress' until it is delivered, then blank, or 'error'
with the reason in delivery_error. Each entry's status is committed as soon as it is sent,
so a later run picks up only 'in_progress' and 'error' entries and never sends one twice.
Before an e-mail goes out its entry is claimed (its Message-ID set where it is still the one
this run read), so two runs started on the same entries do not both send it. What remains: a
crash between the server accepting a message and the commit of its status leaves the entry
'in_progress' with that Message-ID, and a later run sends it again.
"""
import os
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from peewee import SQL, fn

from .. import config
from .. import db as dbmod
from ..models import InteractionLogEntry, InteractionTemplateAttachment, LoggedSegment, SegmentLine, normal_code
from . import merge, word

UNFINISHED = ("in_progress", "error")
REFUSALS_PER_RULE = 10
SMTP_TIMEOUT_S = 30


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
    to_deliver = (line.segment_no == no) & (line.contact_no != "") & (line.correspondence_type != "")
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
    return out


# --- delivery ---------------------------------------------------------------------------------

def deliver_logged(logged_entry_no, out_dir=None, settings=None):
    """Deliver the logged segment's unfinished entries ('in_progress' or 'error').
    Returns {"delivered", "errors", "combined", "files"}."""
    e = InteractionLogEntry
    logged = LoggedSegment.get_or_none(LoggedSegment.entry_no == logged_entry_no)
    label = f"{logged.segment_no}-logged-{logged_entry_no}" if logged else f"logged-{logged_entry_no}"
    nos = [n for (n,) in e.select(e.entry_no)
           .where((e.logged_segment_entry_no == logged_entry_no) & e.delivery_status.in_(UNFINISHED))
           .order_by(e.entry_no).tuples()]
    return _deliver(nos, out_dir, settings, label)


def deliver_entries(entry_nos, out_dir=None, settings=None):
    """Deliver the given interaction log entries that are unfinished (a resend creates them
    'in_progress'); entries already delivered are left alone. Same result as deliver_logged."""
    e = InteractionLogEntry
    wanted = sorted({int(n) for n in entry_nos or []})
    nos = []
    for part in merge.chunks(wanted):
        nos.extend(n for (n,) in e.select(e.entry_no)
                   .where(e.entry_no.in_(part) & e.delivery_status.in_(UNFINISHED)).tuples())
    label = f"entries-{wanted[0]}" + (f"-{wanted[-1]}" if len(wanted) > 1 else "") if wanted else "entries"
    return _deliver(sorted(nos), out_dir, settings, label)


def output_folder(out_dir=None, settings=None):
    settings = settings if settings is not None else config.load()
    folder = out_dir or settings.get("output_dir") or Path(config.data_dir()) / "output"
    return Path(folder).expanduser()


def _entries(nos):
    e = InteractionLogEntry
    found = {}
    for part in merge.chunks(nos):
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


def _merged_documents(entries, documents, values, workers=None):
    """Each entry's merged document (bytes), or None when it has none."""
    out = [None] * len(entries)
    groups = merge.group_letters(documents, values)
    word_groups = [(doc, items) for doc, items in groups if doc.is_word]
    merged = merge.merge_to_bytes([(doc.content, [doc.row(v) for _, v in items]) for doc, items in word_groups],
                                  workers)
    for (doc, items), results in zip(word_groups, merged):
        for (index, _), data in zip(items, results):
            out[index] = data
    for doc, items in groups:
        if not doc.is_word:
            for index, _ in items:
                out[index] = doc.content
    return out


def _deliver(nos, out_dir, settings, label, workers=None):
    settings = settings if settings is not None else config.load()
    result = {"delivered": 0, "errors": 0, "combined": None, "combined_files": [], "files": []}
    entries = _entries(nos)
    if not entries:
        return result
    documents = merge.documents_for(entries)
    values = merge.values_for(entries)
    unknown = {doc.key: fields for doc, fields in merge.unknown_report(documents)}
    # Nothing to send for an entry without a correspondence type: it is done.
    silent = [entry.entry_no for entry in entries if not entry.correspondence_type]
    if silent:
        with dbmod.transaction():
            for part in merge.chunks(silent):
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
    picked = [entries[i] for i in ready]
    picked_docs = [documents[i] for i in ready]
    picked_values = [values[i] for i in ready]
    try:
        merged = _merged_documents(picked, picked_docs, picked_values, workers)
    except Exception as exc:  # noqa: BLE001 - the log is committed: record why, a rerun resumes
        for entry in picked:
            _finish(entry, "error", f"merging the document failed: {exc.__class__.__name__}: {exc}")
        result["errors"] += len(picked)
        return result
    hard = [i for i, entry in enumerate(picked) if entry.correspondence_type == "hard_copy"]
    mail = [i for i, entry in enumerate(picked) if entry.correspondence_type == "email"]
    if hard:
        _print(hard, picked, picked_docs, picked_values, merged, output_folder(out_dir, settings), label, result)
    if mail:
        _mail(mail, picked, picked_docs, picked_values, merged, settings, result)
    result["combined"] = result["combined_files"][0] if result["combined_files"] else None
    return result


def _print(indexes, entries, documents, values, merged, folder, label, result):
    """Hard copies: one combined file per Word template (one section per letter), a file of
    its own for each other document; then the entries are marked delivered."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        docs = [documents[i] for i in indexes]
        rows = [values[i] for i in indexes]
        template_docs = [d if d.key[0] == "template" else None for d in docs]
        combined = merge.write_combined(folder / merge.safe_file_name(label, "hard-copy"), template_docs, rows)
        written = list(combined)
        for i in indexes:
            if documents[i].key[0] != "template":
                path = merge.unique_path(merge.inside(folder, _document_name(entries[i], values[i], documents[i])))
                path.write_bytes(merged[i])
                written.append(str(path))
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


class _Mailer:
    """One SMTP connection for a run, opened on first use and again after a broken one."""

    def __init__(self, smtp):
        self.smtp = smtp
        self.conn = None

    def password(self):
        name = self.smtp.get("password_env") or ""
        if not self.smtp.get("user"):
            return None
        password = os.environ.get(name) if name else None
        if password is None:
            raise smtplib.SMTPAuthenticationError(
                0, f"SMTP user is set, but the environment variable {name or '(smtp.password_env unset)'} "
                   "holding the password is not")
        return password

    def connect(self):
        if self.conn is None:
            conn = smtplib.SMTP(self.smtp.get("host") or "localhost", int(self.smtp.get("port") or 25),
                                timeout=SMTP_TIMEOUT_S)
            try:
                if self.smtp.get("starttls"):
                    # Verify the server's certificate (smtplib's default context does not).
                    conn.starttls(context=ssl.create_default_context())
                password = self.password()
                if password is not None:
                    conn.login(self.smtp["user"], password)
            except Exception:
                conn.close()
                raise
            self.conn = conn
        return self.conn

    def send(self, message):
        conn = self.connect()
        try:
            conn.send_message(message)
        except (smtplib.SMTPServerDisconnected, OSError):
            self.close()
            raise
        except smtplib.SMTPException:
            # The server refused this message; reset so the next one starts clean.
            try:
                conn.rset()
            except (smtplib.SMTPException, OSError):
                self.close()
            raise

    def close(self):
        if self.conn is not None:
            try:
                self.conn.quit()
            except (smtplib.SMTPException, OSError):
                self.conn.close()
            self.conn = None


def _message(entry, doc, values, data, name, sender):
    message = EmailMessage()
    message["From"] = sender
    message["To"] = values["contact_email"]
    message["Subject"] = entry.subject or entry.description or "(no subject)"
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "segtui.local")
    if doc.is_word and not entry.send_word_docs_as_attmt:
        message.set_content(word.document_text(data))
        return message
    greeting = f"Dear {values['contact_name']},\n\n" if values["contact_name"] else ""
    message.set_content(f"{greeting}please find the document {name} attached.\n\n{values['salesperson_name']}\n")
    if doc.is_word:
        maintype, subtype = word.DOCX_MIME.split("/")
    else:
        maintype, subtype = "application", "octet-stream"
    message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message


def _mail(indexes, entries, documents, values, merged, settings, result):
    smtp = dict(config.DEFAULTS["smtp"], **(settings.get("smtp") or {}))
    mailer = _Mailer(smtp)
    try:
        for i in indexes:
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
            message = _message(entry, doc, row, data, name, sender)
            if not _claim(entry, message["Message-ID"]):
                continue  # another delivery run took this entry since we read it
            try:
                mailer.send(message)
            except (smtplib.SMTPException, OSError) as exc:
                _finish(entry, "error", f"SMTP {smtp.get('host')}:{smtp.get('port')}: {_reason(exc)}", data, name,
                        message_id="")
                result["errors"] += 1
                continue
            _finish(entry, "", "", data, name, message["Message-ID"])
            result["delivered"] += 1
    finally:
        mailer.close()


def _reason(exc):
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{rcpt} refused: {code} {msg.decode(errors='replace') if isinstance(msg, bytes) else msg}"
                         for rcpt, (code, msg) in exc.recipients.items())
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
        return f"{exc.smtp_code} {text}"
    return str(exc) or exc.__class__.__name__
