"""Reading vCard 2.1, 3.0 and 4.0 files, one card at a time."""
from ...errors import SegtuiError
from .rows import ParsedFile, Row, join_names, set_street
from .text import physical_lines


def read_vcard(path, text):
    import vobject

    parsed = ParsedFile(str(path), "vcard", "vcard")
    lines = physical_lines(text)
    card_start, buf = None, []
    cards = []
    for i, line in enumerate(lines):
        word = line.strip().upper()
        if card_start is None:
            if word == "BEGIN:VCARD":
                card_start, buf = i + 1, [line]
            continue
        if word == "BEGIN:VCARD":  # a card that never ended: report it, start the next
            parsed.rows.append(Row(card_start, {}, errors=["the card has no END:VCARD"]))
            card_start, buf = i + 1, [line]
            continue
        buf.append(line)
        if word == "END:VCARD":
            cards.append((card_start, "".join(buf)))
            card_start, buf = None, []
    if card_start is not None:
        parsed.rows.append(Row(card_start, {}, errors=["the card has no END:VCARD"]))
    if not cards and not parsed.rows:
        raise SegtuiError(f"{path} holds no vCard (no BEGIN:VCARD line)")
    for start, card_text in cards:
        try:
            card = vobject.readOne(card_text, allowQP=True)
            fields, organisation = _card_fields(card)
            row = Row(start, fields, organisation)
        except Exception as exc:  # noqa: BLE001 - vobject raises many kinds; the card is reported
            row = Row(start, {}, errors=[f"the card cannot be read: {exc}"])
        parsed.rows.append(row)
    parsed.rows.sort(key=lambda r: r.line)
    return parsed


def _text(value):
    if isinstance(value, (list, tuple)):
        return " ".join(str(v) for v in value if v).strip()
    return str(value or "").strip()


def _types(child):
    found = [t.lower() for t in child.params.get("TYPE", [])]
    found += [t.lower() for t in child.singletonparams]
    return {t for item in found for t in item.split(",")}


def _card_fields(card):
    f = {}
    children = {}
    for child in card.getChildren():
        children.setdefault(child.name.upper(), []).append(child)

    def one(name):
        items = children.get(name)
        return _text(items[0].value) if items else ""

    full = one("FN")
    if "N" in children:
        n = children["N"][0].value
        f["first_name"] = _text(getattr(n, "given", ""))
        f["surname"] = _text(getattr(n, "family", ""))
    organisation = ""
    if "ORG" in children:
        org = children["ORG"][0].value
        organisation = _text(org[0] if isinstance(org, (list, tuple)) and org else org)
    f["name"] = full or join_names(f.get("first_name", ""), f.get("surname", ""))
    f["job_title"] = one("TITLE")
    emails = children.get("EMAIL", [])
    preferred = [e for e in emails if "pref" in _types(e) or e.params.get("PREF")]
    if emails:
        f["email"] = _text((preferred or emails)[0].value)
    for tel in children.get("TEL", []):
        value = _text(tel.value)
        if value.lower().startswith("tel:"):
            value = value[4:]
        target = "mobile" if _types(tel) & {"cell", "mobile"} else "phone"
        f.setdefault(target, value)
    if "ADR" in children:
        adrs = children["ADR"]
        adr = next((a for a in adrs if "pref" in _types(a)), adrs[0]).value
        set_street(f, _text(getattr(adr, "street", "")), _text(getattr(adr, "extended", "")))
        f["city"] = _text(getattr(adr, "city", ""))
        f["county"] = _text(getattr(adr, "region", ""))
        f["post_code"] = _text(getattr(adr, "code", ""))
        f["country_code"] = _text(getattr(adr, "country", ""))
    extra = {"X-SEGTUI-NO": "no", "X-SEGTUI-COMPANY-NO": "company_no",
             "X-SEGTUI-LANGUAGE-CODE": "language_code", "X-SEGTUI-SALESPERSON-CODE": "salesperson_code",
             "X-SEGTUI-TERRITORY-CODE": "territory_code",
             "X-SEGTUI-CORRESPONDENCE-TYPE": "correspondence_type",
             "X-SEGTUI-EXCLUDE-FROM-SEGMENT": "exclude_from_segment"}
    for prop, name in extra.items():
        if prop in children:
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
