"""E-mail for delivery: the message built from a merged letter, and the SMTP connection.

A Word letter goes as an HTML body converted from the merged document by mammoth (images as
inline parts, tables kept), with a plain-text alternative; when the entry says "send as
attachment" (or the document is not Word) the file is attached to a short text instead.
"""
import hashlib
import io
import os
import re
import smtplib
import zipfile
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from html import escape
from html.parser import HTMLParser
from typing import Any

from . import word

SMTP_TIMEOUT_S = 30
# mammoth holds about 2 KB per XML tag of the letter (measured); a letter is a few thousand.
# A document past this goes attached instead of converted, which keeps a delivery in bounds.
HTML_TAG_LIMIT = 60_000
PAGE = ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head>'
        '<body style="font-family: Calibri, Arial, sans-serif; font-size: 11pt">{body}</body></html>')


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_STYLE_REFS = re.compile(rb'<w:(?:pStyle|rStyle|tblStyle|numStyle|styleLink)\s+w:val="([^"]+)"')
_TRIMMED: dict[tuple, bytes] = {}  # (sha1 of styles.xml, used style ids) -> the trimmed styles.xml


def _trim_styles(styles, used):
    """styles.xml with only the styles the letter uses (with what they are based on or linked
    to, and the defaults): mammoth reads every style with a pure-Python parser, and Word's
    template carries hundreds (0.5 s a letter before, a few ms after)."""
    from lxml import etree

    key = (hashlib.sha1(styles).digest(), frozenset(used))
    if key in _TRIMMED:
        return _TRIMMED[key]
    root = etree.fromstring(styles, etree.XMLParser(resolve_entities=False, no_network=True))
    by_id = {el.get(W + "styleId"): el for el in root.findall(W + "style")}
    keep = {sid for sid in used if sid in by_id}
    keep |= {sid for sid, el in by_id.items() if el.get(W + "default") in ("1", "true", "on")}
    todo = list(keep)
    while todo:
        el = by_id[todo.pop()]
        for tag in ("basedOn", "link"):
            ref = el.find(W + tag)
            target = ref.get(W + "val") if ref is not None else None
            if target in by_id and target not in keep:
                keep.add(target)
                todo.append(target)
    for sid, el in by_id.items():
        if sid not in keep:
            root.remove(el)
    latent = root.find(W + "latentStyles")
    if latent is not None:
        root.remove(latent)
    trimmed = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    if len(_TRIMMED) > 64:
        _TRIMMED.clear()
    _TRIMMED[key] = trimmed
    return trimmed


def _for_mammoth(data):
    """The letter with its styles trimmed to those it uses (the same letter to mammoth)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        names = set(src.namelist())
        if "word/styles.xml" not in names:
            return data
        used: set[str] = set()
        for name in names:
            if re.match(r"word/(document|numbering|footnotes|endnotes|comments)\.xml$", name):
                used.update(ref.decode() for ref in _STYLE_REFS.findall(src.read(name)))
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as dst:
            for info in src.infolist():
                if info.filename == "word/stylesWithEffects.xml":
                    continue
                body = src.read(info)
                if info.filename == "word/styles.xml":
                    body = _trim_styles(body, used)
                dst.writestr(info.filename, body)
    return out.getvalue()


def letter_html(data, domain="segtui.local"):
    """(html, [(bytes, content type, content id)]) of a merged .docx: its images become inline
    parts the HTML names by cid, so mail clients that block data: URLs still show them.
    None when the document is too large to convert (HTML_TAG_LIMIT)."""
    import zipfile

    import mammoth

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        if "word/document.xml" not in z.namelist() or z.read("word/document.xml").count(b"<") > HTML_TAG_LIMIT:
            return None  # (a main part named otherwise: the letter goes attached)

    images = []

    def inline(image):
        with image.open() as stream:
            content = stream.read()
        cid = make_msgid(domain=domain)
        images.append((content, image.content_type or "application/octet-stream", cid))
        return {"src": "cid:" + cid[1:-1]}

    result = mammoth.convert_to_html(io.BytesIO(_for_mammoth(data)), convert_image=mammoth.images.img_element(inline))
    return result.value, images


class _HtmlToText(HTMLParser):
    """The plain-text alternative, read from the letter's HTML (no second parse of the .docx):
    a line per paragraph, table cells separated by tabs, a blank line between blocks."""

    BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "table", "ul", "ol"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out, self.cells = [], None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.cells = []
        elif tag == "td" or tag == "th":
            if self.cells is not None:
                self.cells.append("")
        elif tag == "br":
            self._write("\n")
        elif tag == "li":
            self._write("- ")

    def handle_endtag(self, tag):
        if tag == "tr" and self.cells is not None:
            self.out.append("\t".join(c.strip() for c in self.cells) + "\n")
            self.cells = None
        elif tag in self.BLOCKS and self.cells is None:
            self.out.append("\n")

    def handle_data(self, data):
        self._write(data)

    def _write(self, text):
        if self.cells is not None:
            if self.cells:
                self.cells[-1] += text
        else:
            self.out.append(text)


def html_text(html):
    parser = _HtmlToText()
    parser.feed(html)
    text = "".join(parser.out)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip() + "\n"


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
        message.set_content(html_text(html))
        message.add_alternative(PAGE.format(title=escape(subject), body=html), subtype="html")
        if images:
            payload: Any = message.get_payload()  # a multipart's parts: the html alternative is the last
            html_part = payload[-1]
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
