"""E-mail for delivery: the message built from a merged letter, and the SMTP connection.

A Word letter goes as an HTML body converted from the merged document by mammoth (images as
inline parts, tables kept), with a plain-text alternative; when the entry says "send as
attachment" (or the document is not Word) the file is attached to a short text instead.
"""
import io
import os
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from html import escape

from . import word

SMTP_TIMEOUT_S = 30
# mammoth holds about 2 KB per XML tag of the letter (measured); a letter is a few thousand.
# A document past this goes attached instead of converted, which keeps a delivery in bounds.
HTML_TAG_LIMIT = 60_000
PAGE = ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head>'
        '<body style="font-family: Calibri, Arial, sans-serif; font-size: 11pt">{body}</body></html>')


def letter_html(data, domain="segtui.local"):
    """(html, [(bytes, content type, content id)]) of a merged .docx: its images become inline
    parts the HTML names by cid, so mail clients that block data: URLs still show them.
    None when the document is too large to convert (HTML_TAG_LIMIT)."""
    import zipfile

    import mammoth

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        if z.read("word/document.xml").count(b"<") > HTML_TAG_LIMIT:
            return None

    images = []

    def inline(image):
        with image.open() as stream:
            content = stream.read()
        cid = make_msgid(domain=domain)
        images.append((content, image.content_type or "application/octet-stream", cid))
        return {"src": "cid:" + cid[1:-1]}

    result = mammoth.convert_to_html(io.BytesIO(data), convert_image=mammoth.images.img_element(inline))
    return result.value, images


def build_message(entry, doc, values, data, name, sender, as_attachment=None):
    """The e-mail for one entry: the letter as HTML with a text alternative, or attached."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = values["contact_email"]
    subject = entry.subject or entry.description or "(no subject)"
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    domain = sender.rpartition("@")[2] or "segtui.local"
    message["Message-ID"] = make_msgid(domain=domain)
    attach = entry.send_word_docs_as_attmt if as_attachment is None else as_attachment
    converted = letter_html(data, domain) if doc.is_word and not attach else None
    if converted is not None:
        html, images = converted
        message.set_content(word.document_text(data))
        message.add_alternative(PAGE.format(title=escape(subject), body=html), subtype="html")
        if images:
            html_part = message.get_payload()[-1]
            for content, content_type, cid in images:
                maintype, _, subtype = content_type.partition("/")
                html_part.add_related(content, maintype=maintype, subtype=subtype or "octet-stream", cid=cid)
        return message
    greeting = f"Dear {values['contact_name']},\n\n" if values["contact_name"] else ""
    message.set_content(f"{greeting}please find the document {name} attached.\n\n{values['salesperson_name']}\n")
    # (also for a Word letter too large to be shown as HTML: it is attached instead)
    if doc.is_word:
        maintype, subtype = word.DOCX_MIME.split("/")
    else:
        maintype, subtype = "application", "octet-stream"
    message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message


class Mailer:
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


def reason(exc):
    """An SMTP failure as one line for the entry's delivery error."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{rcpt} refused: {code} {msg.decode(errors='replace') if isinstance(msg, bytes) else msg}"
                         for rcpt, (code, msg) in exc.recipients.items())
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
        return f"{exc.smtp_code} {text}"
    return str(exc) or exc.__class__.__name__
