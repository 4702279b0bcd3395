"""Reading vCard 2.1, 3.0 and 4.0 files, one card at a time.

Only the properties segtui stores are decoded (FN, N, ORG, TITLE, EMAIL, TEL, ADR, KIND and
segtui's own X-SEGTUI-*); every other line (PHOTO, LOGO, SOUND, KEY, PROFILE, NOTE, X-...) is
passed over without being parsed, so however broken it is, it never stops a card. FN and ORG
are read as written: a comma in them is text, not a list.
"""
import base64
import binascii
import codecs
import quopri
import re

from ...errors import SegtuiError
from .rows import ParsedFile, Row, join_names, set_street
from .text import physical_lines

USED = {"FN", "N", "ORG", "TITLE", "EMAIL", "TEL", "ADR", "KIND", "X-ABSHOWAS", "NICKNAME"}
SEGTUI = {"X-SEGTUI-NO": "no", "X-SEGTUI-COMPANY-NO": "company_no",
          "X-SEGTUI-LANGUAGE-CODE": "language_code", "X-SEGTUI-SALESPERSON-CODE": "salesperson_code",
          "X-SEGTUI-TERRITORY-CODE": "territory_code",
          "X-SEGTUI-CORRESPONDENCE-TYPE": "correspondence_type",
          "X-SEGTUI-EXCLUDE-FROM-SEGMENT": "exclude_from_segment"}
# A content line starts with its (grouped) name, then parameters or the value.
_PROPERTY = re.compile(r"^\s*((?:[A-Za-z0-9-]+\.)?[A-Za-z0-9-]+)\s*[;:]")


class CardError(Exception):
    """A card that cannot be read: the message says why."""


def read_vcard(path, text):
    parsed = ParsedFile(str(path), "vcard", "vcard")
    card_start = None
    buf: list[tuple[int, str]] = []
    cards = []
    nested = 0  # depth of a vCard 2.1 AGENT card inside the current one
    for i, line in enumerate(physical_lines(text)):
        word = line.strip().upper()
        if card_start is None:
            if word == "BEGIN:VCARD":
                card_start, buf = i + 1, []
            continue
        if word == "BEGIN:VCARD":
            if nested or (buf and buf[-1][1].strip().upper().split(";")[0].split(":")[0].endswith("AGENT")):
                nested += 1  # the agent's own card: part of the AGENT property
                buf.append((i + 1, line.rstrip("\n")))
                continue
            # A card that never ended: report it, start the next.
            parsed.rows.append(Row(card_start, {}, errors=["the card has no END:VCARD"]))
            card_start, buf = i + 1, []
            continue
        if word == "END:VCARD":
            if nested:
                nested -= 1
                buf.append((i + 1, line.rstrip("\n")))
                continue
            cards.append((card_start, buf))
            card_start, buf = None, []
            continue
        buf.append((i + 1, line.rstrip("\n")))
    if card_start is not None:
        parsed.rows.append(Row(card_start, {}, errors=["the card has no END:VCARD"]))
    if not cards and not parsed.rows:
        raise SegtuiError(f"{path} holds no vCard (no BEGIN:VCARD line)")
    for start, lines in cards:
        try:
            fields, organisation = card_fields(_properties(lines))
            row = Row(start, fields, organisation)
        except CardError as exc:
            row = Row(start, {}, errors=[f"the card cannot be read: {exc}"])
        parsed.rows.append(row)
    parsed.rows.sort(key=lambda r: r.line)
    return parsed


def _is_qp(head):
    return "QUOTED-PRINTABLE" in head.upper()


def _head(line):
    """(head, value) of a content line split at its first ':' outside a quoted parameter, or None."""
    quoted = False
    for i, ch in enumerate(line):
        if ch == '"':
            quoted = not quoted
        elif ch == ":" and not quoted:
            return line[:i], line[i + 1:]
    return None


def _properties(lines):
    """[(name, params, value)] of the properties segtui uses, from a card's physical lines.

    Unfolds continuation lines (a leading space or tab; the next line after a quoted-printable
    soft break '='), skips blank lines, and lets a line that is no property belong to the one
    before it when that one is not used (base64 data of a 2.1 PHOTO). A line that is no
    property after a used one makes the card unreadable: its value would be cut."""
    logical: list[list] = []  # [line no, text]
    for no, raw in lines:
        if logical and _is_qp(logical[-1][1].split(":", 1)[0]) and logical[-1][1].endswith("="):
            logical[-1][1] = logical[-1][1][:-1] + raw
            continue
        if raw[:1] in (" ", "\t") and logical:
            logical[-1][1] += raw[1:]
            continue
        if not raw.strip():
            continue
        logical.append([no, raw])
    found = []
    previous_used = False
    agent = 0  # inside an AGENT's embedded card: its lines are the agent's, not this contact's
    for no, line in logical:
        word = line.strip().upper()
        if word == "BEGIN:VCARD" or (agent and word == "END:VCARD"):
            agent += 1 if word == "BEGIN:VCARD" else -1
            previous_used = False
            continue
        if agent:
            continue
        prop = _PROPERTY.match(line)
        if prop is None:
            if previous_used:
                raise CardError(f"line {no}, {line[:40]!r}, is not a vCard property")
            continue  # more of an unused property's value (e.g. unindented base64)
        name = prop.group(1).split(".")[-1].upper()
        previous_used = name in USED or name in SEGTUI
        if not previous_used:
            continue  # never parsed further: however broken, it cannot stop the card
        head, value = _head(line) or line.split(":", 1)
        parts = _split_unescaped(head, ";", keep_escapes=True)
        params: dict = {}
        for part in parts[1:]:
            key, eq, val = part.partition("=")
            if not eq:  # vCard 2.1 writes bare types: TEL;CELL;VOICE, and ;QUOTED-PRINTABLE
                key, val = ("ENCODING", key) if key.upper() in ("QUOTED-PRINTABLE", "BASE64", "B") else ("TYPE", key)
            params.setdefault(key.strip().upper(), []).extend(
                v.strip().strip('"') for v in val.split(",") if v.strip())
        found.append((name, params, _decode(value, params)))
    return found


def _decode(value, params):
    encoding = " ".join(params.get("ENCODING", [])).upper()
    charset = (params.get("CHARSET") or [""])[0]
    if "QUOTED-PRINTABLE" in encoding:
        data = quopri.decodestring(value.encode("utf-8"))
        return _text(data, charset)
    if encoding in ("B", "BASE64"):
        try:
            return _text(base64.b64decode(value, validate=False), charset)
        except (binascii.Error, ValueError):
            return value
    return value


def _text(data, charset):
    """Bytes of a decoded value as text: by its CHARSET, else UTF-8, else Windows-1252."""
    tried = []
    if charset:
        try:
            codecs.lookup(charset)
            tried.append(charset)
        except LookupError:
            pass
    for codec in (*tried, "utf-8", "cp1252"):
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _split_unescaped(value, sep, keep_escapes=False):
    """Split at `sep` not escaped by a backslash; components unescaped unless keep_escapes."""
    parts, current, i, n = [], [], 0, len(value)
    while i < n:
        ch = value[i]
        if ch == "\\" and i + 1 < n:
            current.append(value[i:i + 2] if keep_escapes else _unescape_char(value[i + 1]))
            i += 2
            continue
        if ch == sep:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    parts.append("".join(current))
    return parts


def _unescape_char(ch):
    return "\n" if ch in "nN" else ch


def _unescape(value):
    return "".join(_split_unescaped(value, "\x00")).strip()


def _types(params):
    found = set()
    for value in params.get("TYPE", []):
        found |= {t.strip().lower() for t in value.split(",")}
    if params.get("PREF"):
        found.add("pref")
    return found


def card_fields(props):
    """(fields, organisation) of one card's used properties."""
    f = {}
    by_name: dict[str, list] = {}
    for name, params, value in props:
        by_name.setdefault(name, []).append((params, value))

    def one(name):
        items = by_name.get(name)
        return _unescape(items[0][1]) if items else ""

    full = one("FN")
    if "N" in by_name:
        n = [c.strip() for c in _split_unescaped(by_name["N"][0][1], ";")] + [""] * 5
        f["surname"], f["first_name"] = n[0], n[1]
    organisation = ""
    if "ORG" in by_name:
        organisation = _split_unescaped(by_name["ORG"][0][1], ";")[0].strip()
    f["name"] = full or join_names(f.get("first_name", ""), f.get("surname", ""))
    f["job_title"] = one("TITLE")
    emails = by_name.get("EMAIL", [])
    if emails:
        preferred = [e for e in emails if "pref" in _types(e[0])]
        email = _unescape((preferred or emails)[0][1])
        f["email"] = email[7:] if email[:7].lower() == "mailto:" else email
    # The phone: a work number first, then a preferred one, then the first; faxes and pagers
    # are no phone to call. The mobile: the first cell number.
    phones = []
    for position, (params, value) in enumerate(by_name.get("TEL", [])):
        kinds = _types(params)
        if kinds & {"fax", "pager"}:
            continue
        value = _unescape(value)
        if value.lower().startswith("tel:"):
            value = value[4:].split(";")[0]
        if kinds & {"cell", "mobile"}:
            f.setdefault("mobile", value)
        else:
            phones.append(("work" not in kinds, "pref" not in kinds, position, value))
    if phones:
        f["phone"] = min(phones)[3]
    if "ADR" in by_name:
        adrs = by_name["ADR"]
        params, value = next((a for a in adrs if "pref" in _types(a[0])), adrs[0])
        adr = [c.strip() for c in _split_unescaped(value, ";")] + [""] * 7
        set_street(f, adr[2], adr[1])  # the PO box (adr[0]) is no street: segtui has no field for it
        f["city"], f["county"], f["post_code"], f["country_code"] = adr[3], adr[4], adr[5], adr[6]
    if not f["name"] and not organisation:
        # FN is required, but phones write cards without it and show the nickname or the
        # e-mail address instead: so does segtui, rather than lose the contact.
        f["name"] = one("NICKNAME").split(",")[0].strip() or f.get("email", "")
    for prop, name in SEGTUI.items():
        if prop in by_name:
            f[name] = one(prop)
    kind = one("KIND").lower()
    show_as = one("X-ABSHOWAS").upper()
    has_person_name = bool(f.get("first_name") or f.get("surname"))
    if kind == "org" or show_as == "COMPANY" or (kind != "individual" and organisation and not has_person_name
                                                   and (not full or full == organisation)):
        f["type"] = "company"
        f["name"] = full or organisation
        organisation = ""
    elif kind == "individual":
        f["type"] = "person"
    return f, organisation
