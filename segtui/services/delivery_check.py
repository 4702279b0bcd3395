"""What would fail if a segment were delivered now, from the settings: asked before logging with
Deliver ticked, so that a mailing does not end in dozens of failed deliveries.

Logging's own refusals already name lines without a Word template and e-mail lines whose contact
has no address (segment_log.log_refusals with deliver=True). This module adds what only the
settings can tell: an SMTP server that is not set or cannot be reached, a password that is not
in its environment variable, e-mail lines without a sender address, and a folder for hard copies
that cannot be written. Each problem has the shape of a log refusal (segment_no, line_no,
contact_no, message, rule, rule_total), so a screen lists both the same way.
"""
import os
import socket
from pathlib import Path

from peewee import JOIN, SQL, Case, fn

from .. import config
from ..labels import plural
from ..models import Salesperson, SegmentLine, normal_code

PROBE_TIMEOUT_S = 3
LINES_LISTED = 10  # lines named per problem; the total is counted all the same


def _problem(segment_no, text, rule, total=1, line_no=None, contact_no=None):
    who = f"segment {segment_no}" + (f", line {line_no}" if line_no is not None else "")
    who += f", contact {contact_no}" if contact_no else ""
    return {"segment_no": segment_no, "line_no": line_no, "contact_no": contact_no or None,
            "message": f"{who}: {text}", "rule": rule, "rule_total": total}


def _counts(no):
    """(e-mail lines, hard-copy lines) of the segment that delivery would send or print."""
    line = SegmentLine

    def count(kind):
        return fn.COALESCE(fn.SUM(Case(None, [(line.correspondence_type == kind, 1)], 0)), 0)

    row = (line.select(count("email").alias("email"), count("hard_copy").alias("hard_copy"))
           .where(line.live(no) & (line.contact_no != "")).dicts().get())
    return int(row["email"] or 0), int(row["hard_copy"] or 0)


def smtp_settings(settings=None):
    """(smtp settings with defaults, whether a host was set). `settings` are settings as stored,
    without defaults (config.read_file), since the default host is only a guess; None reads the file."""
    if settings is None:
        settings = config.read_file() or {}
    stored = settings.get("smtp") or {}
    merged = dict(config.DEFAULTS["smtp"], **stored)
    return merged, bool(str(stored.get("host") or "").strip())


def reach(host, port, timeout=PROBE_TIMEOUT_S):
    """None when a TCP connection to host:port opens, else the reason in words."""
    try:
        with socket.create_connection((host, int(port)), timeout=timeout):
            return None
    except OSError as exc:
        return exc.strerror or str(exc) or exc.__class__.__name__


def settings_problems(segment_no, settings=None, probe=True):
    """What the settings would make fail when delivering the segment's lines now; [] when nothing.

    `settings` defaults to the settings file; `probe` opens (and closes) a connection to the SMTP
    server to see that it answers, which takes at most PROBE_TIMEOUT_S."""
    no = normal_code(segment_no)
    emails, hard_copies = _counts(no)
    out = []
    if emails:
        smtp, host_set = smtp_settings(settings)
        what = plural(emails, "e-mail line")
        if not host_set:
            out.append(_problem(no, f"{what} to send, but no SMTP server is set: "
                                    "segtui config set smtp.host HOST (and smtp.port, smtp.sender)",
                                "smtp_not_set", emails))
        else:
            host, port = smtp["host"], smtp.get("port") or 25
            reason = reach(host, port) if probe else None
            if reason:
                out.append(_problem(no, f"{what} to send, but the SMTP server {host}:{port} cannot be "
                                        f"reached ({reason})", "smtp_unreachable", emails))
            env = smtp.get("password_env") or ""
            if smtp.get("user") and not os.environ.get(env or "\0"):
                out.append(_problem(no, f"SMTP user {smtp['user']} is set, but the environment variable "
                                        f"{env or '(smtp.password_env unset)'} holding the password is empty",
                                    "smtp_password", emails))
        if not str(smtp.get("sender") or "").strip():
            out.extend(_without_sender(no))
    if hard_copies:
        problem = _folder_problem(settings)
        if problem:
            out.append(_problem(no, f"{plural(hard_copies, 'hard-copy line')} to print, but {problem}",
                                "output_folder", hard_copies))
    return out


def _without_sender(no):
    """E-mail lines with no sender: smtp.sender is blank and the line's salesperson has no e-mail."""
    line, person = SegmentLine, Salesperson
    no_address = fn.COALESCE(person.email, "") == ""
    query = (line.select(line.line_no, line.contact_no, line.salesperson_code,
                         fn.COUNT(SQL("*")).over().alias("total"))
             .join(person, JOIN.LEFT_OUTER, on=(person.code == line.salesperson_code))
             .where(line.live(no) & (line.contact_no != "") & (line.correspondence_type == "email")
                    & no_address)
             .order_by(line.line_no).limit(LINES_LISTED).dicts())
    out = []
    for row in query:
        who = f"salesperson {row['salesperson_code']}" if row["salesperson_code"] else "the line's salesperson"
        out.append(_problem(no, f"no sender address: set smtp.sender in the settings or give {who} an e-mail",
                            "no_sender", row["total"], row["line_no"], row["contact_no"]))
    return out


def _folder_problem(settings=None):
    """Why hard copies could not be written to the output folder, or None."""
    from .delivery import output_folder

    folder = output_folder(None, settings)
    existing = next((p for p in [folder, *folder.parents] if p.exists()), Path("/"))
    if not existing.is_dir():
        return f"{existing} is a file, not a folder (setting output_dir)"
    if not os.access(existing, os.W_OK | os.X_OK):
        return f"the folder {existing} cannot be written (setting output_dir)"
    return None


def summary(segment_no, settings=None):
    """What delivery would do, in words: "48 e-mails through mail.example.com:587, 43 hard copies"."""
    emails, hard_copies = _counts(normal_code(segment_no))
    parts = []
    if emails:
        smtp, _set = smtp_settings(settings)
        parts.append(f"{plural(emails, 'e-mail')} through {smtp['host']}:{smtp.get('port') or 25}")
    if hard_copies:
        parts.append(plural(hard_copies, "hard copy", "hard copies"))
    return ", ".join(parts) or "nothing to deliver (no line has a correspondence type)"
