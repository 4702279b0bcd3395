"""Contacts import and export: CSV (Google, Outlook, segtui's own, any other with a mapping)
and vCard 2.1/3.0/4.0.

Reading (`read_file`) never touches the database, so a screen can preview the first rows and
the rejected ones. Importing (`import_contacts`) is one transaction: companies are resolved by
name, contacts are matched against ONE query of the existing contacts (by the file's contact no
when it carries segtui's own, else by e-mail, else by name and company), numbers are allocated
by advancing the series once, and rows are written by one prepared insert (new contacts) and
one upsert on the contact no (changed ones), each run over pages of rows.
"""
import csv
import datetime as dt
import operator
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .. import db as dbmod
from ..errors import NotFound, SegtuiError
from ..models import (
    CONTACT_TYPES,
    CORRESPONDENCE_TYPES,
    Contact,
    NumberSeries,
    SegmentHeader,
    SegmentLine,
    database,
)

FORMATS = ("csv", "vcard")

# Contact fields a file can fill (and a --map can name); the rest are bookkeeping.
IMPORT_FIELDS = (
    "no", "type", "name", "first_name", "surname", "company_no", "company_name",
    "address", "address_2", "post_code", "city", "county", "country_code", "phone", "mobile",
    "email", "language_code", "salesperson_code", "territory_code", "correspondence_type",
    "exclude_from_segment", "job_title",
)
MAP_FIELDS = IMPORT_FIELDS + ("organisation",)
EXPORT_FIELDS = IMPORT_FIELDS
CODE_FIELDS = ("language_code", "salesperson_code", "territory_code", "country_code")
# Everything a contact row holds, in the order used for bulk writes, and a new one's defaults.
ALL_FIELDS = tuple(Contact._meta.sorted_field_names)
COMPARED = tuple(n for n in ALL_FIELDS if n not in ("created_at", "modified_at"))  # "no" first
DEFAULTS = {name: (None if callable(Contact._meta.fields[name].default) else Contact._meta.fields[name].default)
            for name in ALL_FIELDS}

EMAIL_RE = re.compile(r"^[^@\s\"<>(),;:]+@[^@\s\"<>(),;:]+\.[^@\s\"<>(),;:.]+$")
GOOGLE_MULTI = " ::: "

# Common country names (English and native) -> ISO 3166 alpha-2. Codes are accepted as they are.
_COUNTRIES = {
    "AT": ("austria", "österreich", "oesterreich"),
    "AU": ("australia",),
    "BE": ("belgium", "belgië", "belgie", "belgique", "belgien"),
    "BG": ("bulgaria",),
    "BR": ("brazil", "brasil"),
    "CA": ("canada",),
    "CH": ("switzerland", "schweiz", "suisse", "svizzera"),
    "CN": ("china", "people's republic of china"),
    "CY": ("cyprus",),
    "CZ": ("czech republic", "czechia", "česko", "česká republika"),
    "DE": ("germany", "deutschland", "allemagne", "tyskland"),
    "DK": ("denmark", "danmark"),
    "EE": ("estonia", "eesti"),
    "ES": ("spain", "españa", "espana", "espagne"),
    "FI": ("finland", "suomi"),
    "FR": ("france", "frankreich", "frankrike"),
    "GB": ("united kingdom", "uk", "great britain", "england", "scotland", "wales",
           "northern ireland", "storbritannien"),
    "GR": ("greece", "hellas", "ελλάδα"),
    "HR": ("croatia", "hrvatska"),
    "HU": ("hungary", "magyarország"),
    "IE": ("ireland", "éire"),
    "IL": ("israel",),
    "IN": ("india",),
    "IS": ("iceland", "ísland"),
    "IT": ("italy", "italia", "italien"),
    "JP": ("japan", "日本"),
    "KR": ("south korea", "korea", "republic of korea", "korea, republic of", "대한민국"),
    "LT": ("lithuania", "lietuva"),
    "LU": ("luxembourg", "luxemburg"),
    "LV": ("latvia", "latvija"),
    "MT": ("malta",),
    "MX": ("mexico", "méxico"),
    "NL": ("netherlands", "the netherlands", "nederland", "holland"),
    "NO": ("norway", "norge", "noreg"),
    "NZ": ("new zealand",),
    "PL": ("poland", "polska"),
    "PT": ("portugal",),
    "RO": ("romania", "românia"),
    "RU": ("russia", "russian federation"),
    "SE": ("sweden", "sverige", "schweden", "suède"),
    "SG": ("singapore",),
    "SI": ("slovenia", "slovenija"),
    "SK": ("slovakia", "slovensko"),
    "TR": ("turkey", "türkiye", "turkiye"),
    "UA": ("ukraine", "україна"),
    "US": ("united states", "united states of america", "usa", "u.s.a.", "u.s.", "america"),
    "ZA": ("south africa",),
}
COUNTRY_CODES = {name: code for code, names in _COUNTRIES.items() for name in names}


# --- the parsed file -----------------------------------------------------------------------

@dataclass
class Row:
    """One contact as read from the file: where it starts, its fields, its problems."""

    line: int
    fields: dict
    organisation: str = ""
    errors: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.errors

    @property
    def reason(self):
        return "; ".join(self.errors)

    @property
    def is_company(self):
        return self.fields.get("type") == "company"

    def as_dict(self):
        return {"line": self.line, "fields": dict(self.fields), "organisation": self.organisation,
                "errors": list(self.errors)}


@dataclass
class ParsedFile:
    path: str
    format: str  # csv | vcard
    source: str  # google | outlook | segtui | mapped | vcard
    encoding: str = "utf-8"
    delimiter: str = ""
    columns: list = field(default_factory=list)
    mapping: dict = field(default_factory=dict)  # column -> field (CSV)
    rows: list = field(default_factory=list)

    @property
    def good(self):
        return [r for r in self.rows if r.ok]

    @property
    def rejected(self):
        return [{"line": r.line, "reason": r.reason} for r in self.rows if not r.ok]

    def preview(self, n=20):
        """The first n rows and every rejected one, for a screen."""
        return {"format": self.format, "source": self.source, "columns": list(self.columns),
                "rows": [r.as_dict() for r in self.rows[:n]], "total": len(self.rows),
                "good": len(self.good), "rejected": self.rejected}


# --- reading ---------------------------------------------------------------------------------

def read_file(path, format=None, mapping=None):
    """Parse a CSV or vCard file into rows (no database writes). Raises SegtuiError for a file
    that cannot be read at all (missing, empty, binary, unknown columns)."""
    path = Path(path)
    text, encoding = _read_text(path)
    fmt = _guess_format(path, text, format)
    if fmt == "vcard":
        if mapping:
            raise SegtuiError("--map applies to CSV files only; a vCard's properties are known")
        parsed = _read_vcard(path, text)
    else:
        parsed = _read_csv(path, text, mapping or {})
    parsed.encoding = encoding
    known = _known_country_codes()
    for row in parsed.rows:
        _validate(row, known)
    return parsed


def _read_text(path):
    if not path.exists():
        raise SegtuiError(f"file {path} does not exist")
    if path.is_dir():
        raise SegtuiError(f"{path} is a directory, not a file")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SegtuiError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if not raw.strip():
        raise SegtuiError(f"file {path} is empty: nothing to import")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # Outlook's "Unicode" CSV is UTF-16
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise SegtuiError(f"{path} is not a readable UTF-16 text file: {exc}") from exc
    if b"\x00" in raw[:65536]:
        raise SegtuiError(f"{path} is not a text file (it contains binary data): expected CSV or vCard")
    try:
        text, encoding = raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        # Not UTF-8: spreadsheets on Windows write Windows-1252; latin-1 covers its 5 holes.
        try:
            text, encoding = raw.decode("cp1252"), "windows-1252"
        except UnicodeDecodeError:
            text, encoding = raw.decode("latin-1"), "latin-1"
    sample = text[:65536]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n\f")
    if controls > max(2, len(sample) // 100):
        raise SegtuiError(f"{path} is not a text file (it contains binary data): expected CSV or vCard")
    if not text.strip():
        raise SegtuiError(f"file {path} is empty: nothing to import")
    return text, encoding


def _guess_format(path, text, format):
    if format:
        fmt = format.lower().strip()
        if fmt in ("vcf", "vcard"):
            return "vcard"
        if fmt == "csv":
            return "csv"
        raise SegtuiError(f"unknown format {format!r}: use csv or vcard")
    if path.suffix.lower() in (".vcf", ".vcard"):
        return "vcard"
    if text.lstrip()[:11].upper() == "BEGIN:VCARD":
        return "vcard"
    return "csv"


def _known_country_codes():
    """Codes and names of the Country table when a database is open (else only built-ins)."""
    from ..models import Country

    try:
        if database.obj is None or database.is_closed():
            return {}
        known = {}
        for code, name in Country.select(Country.code, Country.name).tuples():
            if code:
                known[code.lower()] = code
                if name:
                    known[name.lower()] = code
        return known
    except Exception:  # noqa: BLE001 - a preview without a database still works
        return {}


# --- CSV -----------------------------------------------------------------------------------

def _physical_lines(text):
    """Lines ending in '\n' (CRLF and CR normalised), so csv sees newlines inside quotes."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line + "\n" for line in lines]


def _guess_delimiter(header_line):
    counts = {",": 0, ";": 0, "\t": 0}
    quoted = False
    for ch in header_line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def _stray_quote_column(raw, delimiter, columns):
    """The column whose unquoted cell contains a double quote, scanning the row's raw text."""
    i, col, n = 0, 0, len(raw)
    while i <= n:
        if i < n and raw[i] == '"':  # quoted cell: skip to its closing quote
            i += 1
            while i < n:
                if raw[i] == '"':
                    if i + 1 < n and raw[i + 1] == '"':
                        i += 2
                        continue
                    break
                i += 1
            i += 1
            while i < n and raw[i] not in (delimiter, "\n"):
                i += 1
        else:
            start = i
            while i < n and raw[i] not in (delimiter, "\n"):
                i += 1
            if '"' in raw[start:i]:
                return columns[col] if col < len(columns) else f"#{col + 1}"
        if i >= n or raw[i] == "\n":
            return None
        i += 1
        col += 1
    return None


MAX_QUOTE_RESTARTS = 100


def _csv_records(lines, delimiter, columns, offset=0):
    """Yield (start_line, cells, problem) for each record; problem is a broken-quote reason.

    A quote that is never closed (or closes somewhere that leaves the row with too many
    cells) is reported on the line where the row starts, and reading resumes on the next
    physical line, so one bad quote does not swallow the rest of the file."""
    width = len(columns)
    pos = 1  # 0-based index of the next physical line to read; line 0 is the header
    total = len(lines)
    restarts = 0
    while pos < total:
        if restarts >= MAX_QUOTE_RESTARTS:
            # Each restart may read to the end of the file: stop before that becomes quadratic.
            yield pos + 1 + offset, None, (
                f"not read: after {MAX_QUOTE_RESTARTS} broken quotes reading stopped here; lines "
                f"{pos + 1 + offset}-{total + offset} were not imported (check the file's quoting)")
            return
        base = pos
        # A generator, not a slice: restarting after many bad quotes must not copy the file each time.
        reader = csv.reader((lines[i] for i in range(base, total)), delimiter=delimiter, strict=True)
        start = base
        restart = None
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                pos = total
                break
            except csv.Error as exc:
                msg = str(exc)
                at = base + reader.line_num + offset  # the physical line where reading failed
                if "unexpected end of data" in msg:
                    why = "broken quote: a quoted cell that starts on this line is never closed"
                elif "expected after" in msg and at > start + 1 + offset:
                    why = (f"broken quote: a quoted cell opened on this line is not closed on it "
                           f"(the next quote, on line {at}, is followed by more text)")
                elif "expected after" in msg:
                    why = "broken quote: text follows the closing quote of a quoted cell"
                elif "field limit" in msg:
                    why = (f"broken quote: a quoted cell that starts on this line runs on for more than "
                           f"{csv.field_size_limit()} characters without being closed")
                else:
                    why = f"broken quote: {msg}"
                yield start + 1 + offset, None, why
                restart = start + 1
                break
            end = base + reader.line_num  # lines consumed so far (exclusive end index)
            line_no = start + 1 + offset
            if not cells or all(not c.strip() for c in cells) and len(cells) <= 1:
                start = end
                continue
            spans = end - start > 1
            if len(cells) > width and any(c.strip() for c in cells[width:]):
                if spans:
                    yield line_no, None, (
                        f"broken quote: a quoted cell opened on line {line_no} runs to line {end + offset} "
                        f"and leaves the row with {len(cells)} cells instead of {width}")
                    restart = start + 1
                    break
                yield line_no, cells, f"the row has {len(cells)} cells but the header has {width}"
                start = end
                continue
            problem = None
            if any('"' in c for c in cells):
                column = _stray_quote_column("".join(lines[start:end]), delimiter, columns)
                if column is not None:
                    problem = (f"broken quote: column '{column}' has a double quote inside a cell "
                               f"that does not start with one")
            yield line_no, cells, problem
            start = end
        if restart is not None:
            pos = restart
            restarts += 1


def _header(path, lines):
    """(index of the header line, delimiter, column names) of a CSV's physical lines."""
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise SegtuiError(f"file {path} is empty: nothing to import")
    hint = re.fullmatch(r'"?sep=(.)"?', lines[first].strip(), flags=re.IGNORECASE)
    if hint:  # Excel's "sep=;" line names the delimiter; the header follows it
        first = next((i for i in range(first + 1, len(lines)) if lines[i].strip()), None)
        if first is None:
            raise SegtuiError(f"file {path} has no header row after its sep= line")
    delimiter = hint.group(1) if hint else _guess_delimiter(lines[first])
    try:
        columns = [c.strip() for c in next(csv.reader([lines[first]], delimiter=delimiter, strict=True))]
    except csv.Error as exc:
        raise SegtuiError(f"{path}: line {first + 1}, the header row, cannot be read: {exc}") from exc
    if not any(columns):
        raise SegtuiError(f"{path}: the first line has no column names")
    return first, delimiter, columns


def _read_csv(path, text, mapping):
    lines = _physical_lines(text)
    first, delimiter, columns = _header(path, lines)
    lines = lines[first:]
    source, extract = _recipe(columns, mapping, path)
    parsed = ParsedFile(str(path), "csv", source, delimiter=delimiter, columns=columns,
                        mapping=dict(mapping))
    for line_no, cells, problem in _csv_records(lines, delimiter, columns, offset=first):
        if cells is None:
            parsed.rows.append(Row(line_no, {}, errors=[problem]))
            continue
        get = _Cells(zip(columns, map(str.strip, cells))).__getitem__
        fields, organisation = extract(get)
        row = Row(line_no, fields, organisation)
        if problem:
            row.errors.append(problem)
        parsed.rows.append(row)
    return parsed


class _Cells(dict):
    """A row's cells by column name; a column the row lacks reads as empty."""

    def __missing__(self, key):
        return ""


def _first(value):
    """The first of several values in one cell (Google's ' ::: ')."""
    if GOOGLE_MULTI in value:
        for part in value.split(GOOGLE_MULTI):
            if part.strip():
                return part.strip()
        return ""
    return value


def _pick(get, *names):
    for name in names:
        value = _first(get(name))
        if value:
            return value
    return ""


def _street(fields, street, extra=""):
    lines = [s.strip() for s in street.split("\n") if s.strip()]
    if lines:
        fields["address"] = lines[0]
    more = [*lines[1:], *[s.strip() for s in extra.split("\n") if s.strip()]]
    if more:
        fields["address_2"] = ", ".join(more)


def _join(*parts):
    return " ".join(p for p in parts if p)


def _google(columns):
    emails = [c for c in columns if re.fullmatch(r"E-mail \d+ - Value", c)]
    phones = [(c.replace("Value", "Type"), c.replace("Value", "Label"), c)
              for c in columns if re.fullmatch(r"Phone \d+ - Value", c)]
    addresses = sorted({c.split(" - ")[0] for c in columns if re.fullmatch(r"Address \d+ - .*", c)})

    def extract(get):
        f = {}
        f["first_name"] = _pick(get, "Given Name", "First Name")
        f["surname"] = _pick(get, "Family Name", "Last Name")
        f["name"] = get("Name") or _join(f["first_name"], _pick(get, "Additional Name", "Middle Name"),
                                         f["surname"])
        f["email"] = _pick(get, *emails)
        for type_col, label_col, value_col in phones:
            value = _first(get(value_col))
            if not value:
                continue
            kind = (get(type_col) or get(label_col)).lower()
            target = "mobile" if "mobile" in kind or "cell" in kind else "phone"
            f.setdefault(target, value)
        for prefix in addresses:
            street = _first(get(f"{prefix} - Street"))
            city, code = _first(get(f"{prefix} - City")), _first(get(f"{prefix} - Postal Code"))
            country, region = _first(get(f"{prefix} - Country")), _first(get(f"{prefix} - Region"))
            formatted = _first(get(f"{prefix} - Formatted"))
            if not (street or city or code or country or formatted):
                continue
            if not street and not (city or code) and formatted:
                street = formatted
            _street(f, street, _first(get(f"{prefix} - Extended Address")))
            f.update(city=city, post_code=code, county=region, country_code=country)
            break
        f["job_title"] = _pick(get, "Organization 1 - Title", "Organization Title")
        organisation = _pick(get, "Organization 1 - Name", "Organization Name")
        return f, organisation

    return extract


def _outlook(columns):
    def extract(get):
        f = {}
        f["first_name"] = get("First Name")
        f["surname"] = get("Last Name")
        f["name"] = _join(f["first_name"], get("Middle Name"), f["surname"])
        f["email"] = _pick(get, "E-mail Address", "E-mail 2 Address", "E-mail 3 Address")
        f["phone"] = _pick(get, "Business Phone", "Company Main Phone", "Primary Phone", "Business Phone 2",
                           "Home Phone", "Other Phone")
        f["mobile"] = _pick(get, "Mobile Phone", "Car Phone")
        for prefix in ("Business", "Home", "Other"):
            street = get(f"{prefix} Street")
            city, code = get(f"{prefix} City"), get(f"{prefix} Postal Code")
            country, state = get(f"{prefix} Country"), get(f"{prefix} State")
            formatted = get(f"{prefix} Address")
            if not (street or city or code or country or formatted):
                continue
            if not street and not (city or code) and formatted:
                street = formatted
            extra = "\n".join(x for x in (get(f"{prefix} Street 2"), get(f"{prefix} Street 3")) if x)
            _street(f, street, extra)
            f.update(city=city, post_code=code, county=state, country_code=country)
            break
        f["job_title"] = get("Job Title")
        return f, get("Company")

    return extract


def _identity(columns):
    """segtui's own export: the columns are the field names."""
    present = [c for c in columns if c in IMPORT_FIELDS]

    def extract(get):
        f = {name: get(name) for name in present}
        organisation = f.pop("company_name", "")
        if f.get("type", "").lower() == "company":
            organisation = ""
        return f, organisation

    return extract


class UnknownColumns(SegtuiError):
    """A CSV whose header is no known export and no mapping was given; `columns` lists them
    so a screen can offer a mapping."""

    def __init__(self, path, columns):
        self.columns = list(columns)
        super().__init__(
            f"{path}: the columns are not those of a Google, Outlook or segtui export; say which column "
            f"holds which field with --map COLUMN=FIELD (e.g. --map \"Full name=name\"). "
            f"Columns: {', '.join(columns)}")


def read_columns(path, format=None):
    """The file's format and, for a CSV, its column names and which export it looks like
    (source None when a mapping is needed). Nothing is written."""
    path = Path(path)
    text, encoding = _read_text(path)
    if _guess_format(path, text, format) == "vcard":
        return {"format": "vcard", "columns": [], "source": "vcard", "encoding": encoding}
    parsed_header = _header(path, _physical_lines(text))
    columns = parsed_header[2]
    try:
        source = _recipe(columns, {}, path)[0]
    except UnknownColumns:
        source = None
    return {"format": "csv", "columns": columns, "source": source, "encoding": encoding,
            "delimiter": parsed_header[1]}


OUTLOOK_MARKS = {"E-mail Address", "Business Street", "Business City", "Home Street", "Mobile Phone",
                 "Business Phone", "Job Title", "Company"}


def _recipe(columns, mapping, path):
    """Which known export this is, and a function cells -> (fields, organisation)."""
    names = set(columns)
    if {"Given Name", "Family Name"} <= names or any(re.fullmatch(r"E-mail \d+ - Value", c) for c in columns) \
            or "Organization 1 - Name" in names:
        source, base = "google", _google(columns)
    elif names & OUTLOOK_MARKS or {"First Name", "Last Name"} <= names:
        source, base = "outlook", _outlook(columns)
    elif "name" in names and names <= set(IMPORT_FIELDS) | {"search_name", "created_at", "modified_at", ""}:
        source, base = "segtui", _identity(columns)
    elif mapping:
        source, base = "mapped", None
    else:
        raise UnknownColumns(path, columns)
    if not mapping:
        return source, base
    lookup = {c: c for c in columns} | {c.lower(): c for c in columns}
    resolved = {}
    for column, target in mapping.items():
        col = lookup.get(column) or lookup.get(column.strip().lower())
        if col is None:
            raise SegtuiError(f"--map {column}={target}: the file has no column {column!r}; "
                              f"columns: {', '.join(columns)}")
        target = target.strip().lower()
        if target == "company_name":
            target = "organisation"
        if target not in MAP_FIELDS:
            raise SegtuiError(f"--map {column}={target}: unknown field {target!r}; fields: "
                              f"{', '.join(MAP_FIELDS)}")
        resolved[col] = target
    if source != "mapped":
        source += "+map"

    def extract(get):
        if base is not None:
            f, organisation = base(get)
        else:
            f, organisation = {}, ""
        for col, target in resolved.items():
            value = get(col)
            if target in ("email", "phone", "mobile"):
                value = _first(value)
            if target == "organisation":
                organisation = value
            else:
                f[target] = value
        if base is None and not f.get("name"):
            f["name"] = _join(f.get("first_name", ""), f.get("surname", ""))
        return f, organisation

    return source, extract


# --- vCard ---------------------------------------------------------------------------------

def _read_vcard(path, text):
    import vobject

    parsed = ParsedFile(str(path), "vcard", "vcard")
    lines = _physical_lines(text)
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
    f["name"] = full or _join(f.get("first_name", ""), f.get("surname", ""))
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
        _street(f, _text(getattr(adr, "street", "")), _text(getattr(adr, "extended", "")))
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


# --- validation ----------------------------------------------------------------------------

def _country(value, known):
    v = value.strip()
    if not v:
        return "", None
    low = v.lower()
    if low in known:
        return known[low], None
    if low in COUNTRY_CODES:
        return COUNTRY_CODES[low], None
    if len(v) <= 3 and v.isalpha():
        return v.upper(), None
    return v, f"country {v!r} is not a country name segtui knows: give its ISO code (e.g. SE, DE, GB)"


LIMITS = {name: Contact._meta.fields[name].max_length for name in IMPORT_FIELDS
          if getattr(Contact._meta.fields[name], "max_length", None)}
UPPER_FIELDS = CODE_FIELDS + ("no", "company_no")


def _validate(row, known_countries):
    """Normalise a row's fields in place and add a reason for each problem."""
    if not row.fields and row.errors:
        return
    f = {}
    for k, v in row.fields.items():
        if isinstance(v, str):
            v = v.strip()
        if v != "" and v is not None:
            f[k] = v
    errors = row.errors
    org = (row.organisation or "").strip()
    kind = f.get("type", "").lower()
    if kind and kind not in CONTACT_TYPES:
        errors.append(f"type {f['type']!r} must be company or person")
    if not kind and org and not f.get("first_name") and not f.get("surname") \
            and f.get("name", "").upper() == org.upper():
        kind = "company"  # displayed under the organisation's name only: the company itself
    if kind == "company":
        f["name"] = f.get("name") or org
        org = ""
    elif not f.get("name"):
        f["name"] = _join(f.get("first_name", ""), f.get("surname", ""))
    if not f["name"]:
        if org:
            kind = "company"  # a row with only an organisation is the company itself
            f["name"], org = org, ""
        else:
            errors.append("no name and no organisation")
    f["type"] = kind or "person"
    email = f.get("email")
    if email:
        if email[:7].lower() == "mailto:":
            email = f["email"] = email[7:]
        if not EMAIL_RE.match(email):
            errors.append(f"e-mail {email!r} is not an e-mail address")
    if "country_code" in f:
        f["country_code"], problem = _country(f["country_code"], known_countries)
        if problem:
            errors.append(problem)
    for name in UPPER_FIELDS:
        if name in f:
            f[name] = f[name].upper()
    if "correspondence_type" in f:
        ct = f["correspondence_type"].lower().replace(" ", "_").replace("-", "_")
        if ct not in CORRESPONDENCE_TYPES:
            errors.append(f"correspondence type {f['correspondence_type']!r} must be hard_copy or email")
        f["correspondence_type"] = ct
    if "exclude_from_segment" in f:
        text = str(f["exclude_from_segment"]).lower()
        if text in ("1", "true", "yes", "y", "x"):
            f["exclude_from_segment"] = True
        elif text in ("0", "false", "no", "n"):
            f["exclude_from_segment"] = False
        else:
            errors.append(f"exclude_from_segment {f['exclude_from_segment']!r} must be yes or no")
    for name, value in f.items():
        limit = LIMITS.get(name)
        if limit and isinstance(value, str) and len(value) > limit:
            errors.append(f"{name} is {len(value)} characters long, at most {limit} fit")
    if len(org) > LIMITS["company_name"]:
        errors.append(f"organisation is {len(org)} characters long, at most {LIMITS['company_name']} fit")
    row.fields, row.organisation = f, org


# --- importing -----------------------------------------------------------------------------

class ImportRefused(SegtuiError):
    """--strict and some rows are bad: nothing was imported. `rejected` lists them."""

    def __init__(self, rejected):
        self.rejected = rejected
        listed = "; ".join(f"line {r['line']}: {r['reason']}" for r in rejected[:20])
        more = f" (and {len(rejected) - 20} more)" if len(rejected) > 20 else ""
        super().__init__(f"{len(rejected)} row(s) cannot be imported, so nothing was imported "
                         f"(strict): {listed}{more}")


class _DryRun(Exception):
    pass


def import_contacts(path, format=None, mapping=None, dry_run=False, strict=False, progress=None,
                    parsed=None):
    """Import a file in one transaction. Returns {"imported", "updated", "unchanged",
    "companies", "rejected": [{"line", "reason"}], "dry_run"}; `imported` counts new contacts
    (companies included), `companies` the new company contacts among them. `parsed` (from
    read_file, e.g. after a preview) saves reading the file twice; `progress(done, total)`
    is called as rows are matched."""
    if parsed is None:
        parsed = read_file(path, format=format, mapping=mapping)
    rejected = parsed.rejected
    if strict and rejected:
        raise ImportRefused(rejected)
    result = {}
    try:
        with dbmod.transaction():
            result = _write(parsed.good, progress)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    result["rejected"] = rejected
    result["dry_run"] = bool(dry_run)
    return result


def _bulk_write(records, upsert=False):
    """Insert (or upsert on the contact no) full contact records with one prepared statement.

    Peewee builds the statement from the first record; the driver's executemany then runs it
    for every record, which is many times faster than letting Peewee render each chunk."""
    if not records:
        return
    columns = [getattr(Contact, n) for n in ALL_FIELDS]
    query = Contact.insert_many([[records[0][n] for n in ALL_FIELDS]], fields=columns)
    if upsert:
        keep = [getattr(Contact, n) for n in ALL_FIELDS if n not in ("no", "created_at")]
        query = query.on_conflict(conflict_target=[Contact.no], preserve=keep)
    sql, _ = query.sql()
    cursor = database.cursor()
    values = operator.itemgetter(*ALL_FIELDS)
    step = 5000
    if not dbmod.is_sqlite():
        # psycopg2's executemany sends one statement per row; execute_values sends pages of rows.
        from psycopg2.extras import execute_values

        sql = re.sub(r"VALUES \((?:%s, )*%s\)", "VALUES %s", sql, count=1)
        for i in range(0, len(records), step):
            execute_values(cursor, sql, [values(r) for r in records[i:i + step]], page_size=1000)
        return
    for i in range(0, len(records), step):
        cursor.executemany(sql, [values(r) for r in records[i:i + step]])


def _write(rows, progress=None):
    now = dt.datetime.now().replace(microsecond=0)
    # ONE query for every existing contact, then dicts for matching.
    # The timestamps are left out: parsing 2 datetimes per contact is most of the cost of the
    # query, and neither is compared (created_at is kept by the upsert, modified_at is now).
    existing = {}
    for values in Contact.select(*[getattr(Contact, n) for n in COMPARED]).tuples():
        existing[values[0]] = dict(zip(COMPARED, values))
    by_email, by_name, companies = {}, {}, {}
    for rec in existing.values():
        _index(rec, by_email, by_name, companies)

    query = NumberSeries.select().where(NumberSeries.code == "CONTACT")
    if not dbmod.is_sqlite():
        query = query.for_update()  # SQLite's write lock is already held (IMMEDIATE transaction)
    series = query.first()
    if series is None:
        raise SegtuiError("number series CONTACT is missing: run 'segtui init'")
    counter = [series.last_no]

    def allocate():
        while True:
            counter[0] += 1
            no = f"{series.prefix}{counter[0]:0{series.width}d}"
            if no not in existing:
                return no

    new, changed = {}, {}  # no -> full record
    matched = set()  # existing contacts the file names

    def upsert(rec_no, values):
        """Apply non-empty values to an existing or pending contact; returns the record."""
        if rec_no in new:
            record = new[rec_no]
        else:
            base = changed.get(rec_no) or existing[rec_no]
            record = dict(base)
        if rec_no not in new:
            matched.add(rec_no)
        for key, value in values.items():
            record[key] = value
        record["search_name"] = record["name"].upper()
        if rec_no in new:
            new[rec_no] = record
        else:
            old = existing[rec_no]
            if any(record[k] != old[k] for k in COMPARED):
                # created_at only fills the insert half of the upsert; the stored one is kept.
                record["created_at"] = record["modified_at"] = now
                changed[rec_no] = record
            else:
                changed.pop(rec_no, None)
        _index(record, by_email, by_name, companies)
        return record

    def create(values):
        no = allocate()
        record = dict(DEFAULTS)
        record.update(no=no, created_at=now, modified_at=now)
        record.update(values)
        record["search_name"] = record["name"].upper()
        if record["type"] == "company":
            record["company_no"], record["company_name"] = no, record["name"]
        new[no] = record
        _index(record, by_email, by_name, companies)
        return record

    def by_file_no(fields):
        """A contact the file names by its segtui no, only if it is plausibly the same one."""
        rec = existing.get(fields.get("no", ""))
        if rec is None or rec["type"] != fields["type"]:
            return None
        same_email = fields.get("email") and fields["email"].lower() == rec["email"].lower()
        if same_email or fields["name"].upper() == rec["name"].upper():
            return rec["no"]
        return None

    def company_for(name, fields=None):
        key = name.upper()
        no = companies.get(key)
        values = dict(fields or {}, type="company", name=name)
        if no is None:
            return create(values)["no"], True
        current = new.get(no) or changed.get(no) or existing[no]
        values["company_no"], values["company_name"] = no, current["name"]
        if fields:
            upsert(no, values)
        return no, False

    total = len(rows)
    done = 0
    if progress:
        progress(0, total)
    # Companies first, so persons link to the right one.
    for row in rows:
        if not row.is_company:
            continue
        done += 1
        values = {k: v for k, v in row.fields.items() if k != "no"}
        values.pop("company_name", None)
        values.pop("company_no", None)
        no = by_file_no(row.fields)
        if no is not None:
            values.update(company_no=no)
            current = new.get(no) or changed.get(no) or existing[no]
            if current["name"].upper() != values["name"].upper():
                companies.pop(current["name"].upper(), None)
            values["company_name"] = values["name"]
            upsert(no, values)
        else:
            company_for(values["name"], values)
    for row in rows:
        if row.is_company:
            continue
        values = {k: v for k, v in row.fields.items() if k != "no"}
        company_no = values.pop("company_no", "")
        values.pop("company_name", None)
        org = row.organisation
        if company_no and company_no in existing and existing[company_no]["type"] == "company" and (
                not org or existing[company_no]["name"].upper() == org.upper()):
            values["company_no"] = company_no
            values["company_name"] = (new.get(company_no) or changed.get(company_no)
                                      or existing[company_no])["name"]
        elif org:
            values["company_no"], _ = company_for(org)
            values["company_name"] = org if values["company_no"] in new else \
                (changed.get(values["company_no"]) or existing[values["company_no"]])["name"]
        no = by_file_no(row.fields)
        if no is None and values.get("email"):
            no = by_email.get(("person", values["email"].lower()))
        if no is None:
            # No e-mail match: the same name at the same company, unless that contact has
            # another e-mail (then it is a namesake, not the same person).
            same = by_name.get((values["name"].upper(), values.get("company_name", "").upper()))
            if same is not None:
                email = (new.get(same) or changed.get(same) or existing[same])["email"]
                if not email or not values.get("email") or email.lower() == values["email"].lower():
                    no = same
        if no is None:
            values.setdefault("company_no", "")
            values.setdefault("company_name", "")
            create(values)
        else:
            upsert(no, values)
        done += 1
        if progress and done % 5000 == 0:
            progress(done, total)

    new_companies = sum(1 for r in new.values() if r["type"] == "company")
    _bulk_write(list(new.values()))
    # Changed contacts are rewritten with an upsert on their no: set-based, any number at once.
    _bulk_write(list(changed.values()), upsert=True)
    if counter[0] != series.last_no:
        # Advance the number series once for the whole import.
        NumberSeries.update(last_no=counter[0]).where(NumberSeries.code == "CONTACT").execute()
    if progress:
        progress(total, total)
    return {"imported": len(new), "updated": len(changed), "unchanged": len(matched - set(changed)),
            "companies": new_companies}


def _index(record, by_email, by_name, companies):
    if record["type"] == "company":
        companies.setdefault(record["name"].upper(), record["no"])
    if record["email"]:
        by_email.setdefault((record["type"], record["email"].lower()), record["no"])
    if record["type"] == "person":
        by_name.setdefault((record["name"].upper(), (record["company_name"] or "").upper()), record["no"])


# --- exporting -----------------------------------------------------------------------------

def export_contacts(path, segment_no=None, format=None):
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
        on_segment = SegmentLine.select(SegmentLine.contact_no).where(SegmentLine.segment_no == no)
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
