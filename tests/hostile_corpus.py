"""The hostile-input corpus: what a careless user or an attacker may hand segtui. Every entry is
refused with a sentence (exit 1, or 2 for a command line that does not parse) and changes
nothing (tests/test_hostile.py checks a checksum of every table before and after).

Each entry: (id, kind, payload). Files are written by `make_file(kind, payload, folder)`.
"""
import io
import zipfile

INJECTION = [
    "'; DROP TABLE contact; --",
    "\" OR 1=1 --",
    "SM00001' OR '1'='1",
    "$(rm -rf ~)",
    "`id`",
    "../../../../etc/passwd",
    "%s%s%s%n",
    "{0.__class__}",
    "\x1b[2J\x1b]0;pwned\x07",
    "a\u202eexe.txt",
    "ＳＭ００００１",
    "x" * 5000,
]

# Numbers no column can hold, and amounts past what an amount column keeps ({no}: the open segment).
HUGE = "9" * 30
NUMBERS = [
    ("lines-limit", ["segment", "lines", "{no}", "--limit", HUGE]),
    ("lines-after", ["segment", "lines", "{no}", "--after", HUGE]),
    ("go-back-steps", ["segment", "go-back", "{no}", "--steps", HUGE]),
    ("set-line-no", ["segment", "set-line", "{no}", HUGE, "description=x"]),
    ("remove-line-no", ["segment", "remove-line", "{no}", HUGE]),
    ("contacts-limit", ["contacts", "list", "--limit", HUGE]),
    ("logged-show", ["logged", "show", HUGE]),
    ("cost-exponent", ["segment", "set", "{no}", "unit_cost=1e999999"]),
    ("cost-digits", ["segment", "set", "{no}", "unit_cost=" + "9" * 5000]),
    ("cost-nan", ["segment", "set", "{no}", "unit_cost=NaN"]),
    ("cost-infinity", ["segment", "set", "{no}", "unit_cost=-Infinity"]),
    ("version-huge", ["segment", "set", "{no}", "description=x", "--if-version", HUGE]),
]

# Filter expressions refused before anything is selected (field=expression).
FILTERS = [
    ("unclosed-paren", "city=(Berlin"),
    ("empty-range", "date=..|.."),
    ("bad-date", "interaction.date=2026-13-45"),
    ("unknown-field", "nosuchfield=1"),
    ("injected-field", "city'; DROP TABLE contact;--=x"),
    ("unknown-related", "interaction.nosuch=1"),
    ("number-word", "interaction.cost=abc"),
    ("no-equals", "cityBerlin"),
    ("bad-choice", "type=alien"),
    ("double-range", "interaction.date=2020-01-01..2020-02-01..2020-03-01"),
]

# Contact files the importer refuses as a whole.
CONTACT_FILES = [
    ("csv-empty", "csv", b""),
    ("csv-blank-lines", "csv", b"  \r\n\r\n"),
    ("csv-binary", "csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))),
    ("csv-nul-bytes", "csv", b"First Name,Last Name\nA\x00,B\n" * 3),
    ("csv-unknown-columns", "csv", b"Foo,Bar\nA,B\n"),  # (Vorname,Nachname is German Outlook: known)
    ("vcard-garbage", "vcf", b"BEGIN:VCARD\nthis is not a vcard at all\n\x00\x01\x02"),
    ("vcard-empty", "vcf", b""),
    ("vcard-zip", "vcf", None),  # a zip file named .vcf
]

# Contact files whose every row is rejected (with its line and reason): exit 0, nothing imported.
REJECTED_ROWS = [
    ("csv-5mb-field", "csv", b"First Name,Last Name\n" + b"A" * 5_000_000 + b",B\n"),
    ("vcard-nested-begin", "vcf", b"BEGIN:VCARD\n" * 2000 + b"END:VCARD\n" * 2000),
]

# Odd files that issue 9 reads as written instead of refusing: (id, suffix, payload, the one
# contact's name, a warning's field or None). Exit 0, that contact, and a second import
# changes nothing.
READ_AS_WRITTEN = [
    ("csv-utf16-no-bom", "csv", "First Name,Last Name\nA,B\n".encode("utf-16-le"), "A B", None),
    # 100,000 quotes are one quoted cell of 49,999 quotes (CSV's doubling): cut, with a warning.
    ("csv-quote-storm", "csv", b"First Name,Last Name\n" + b'"' * 100_000 + b"\n", '"' * 100, "name"),
    # A broken quoted-printable escape is kept as written (the card is never stopped by it).
    ("vcard-bad-quoted-printable", "vcf", b"BEGIN:VCARD\nVERSION:2.1\nFN;ENCODING=QUOTED-PRINTABLE:=ZZ=\nEND:VCARD\n",
     "=ZZ", None),
]

# Word templates refused by `template attach`.
WORD_FILES = [
    ("docx-text", b"this is not a Word file"),
    ("docx-empty", b""),
    ("docx-zip-without-document", None),
    ("docx-truncated", None),
]

# Settings files refused when read (and so by `config show`).
SETTINGS_FILES = [
    ("toml-broken", "theme = [unclosed"),
    ("toml-port-word", "[smtp]\nport = \"abc\"\n"),
    ("toml-password", "[smtp]\npassword = \"hunter2\"\n"),
    ("toml-unknown", "evil = \"$(id)\"\n"),
    ("toml-nul", "theme = \"a\\u0000b\"\n"),
    ("toml-binary", b"\xff\xfe\x00t\x00h\x00e\x00m\x00e"),
    ("toml-deep-nesting", "a = " + "[" * 5000 + "]" * 5000 + "\n"),
    ("toml-secret-in-table", "[keymap]\ngo_back = \"ctrl+z\"\n[smtp]\napi_token = \"abc\"\n"),
]

# Database URLs refused by every command.
URLS = [
    ("memory", ":memory:"),
    ("sqlite-no-path", "sqlite://"),
    ("sqlite-memory", "sqlite:///:memory:"),
    ("mysql", "mysql://root@localhost/x"),
    ("file-url", "file:///etc/passwd"),
    ("dev-null", "/dev/null"),
    ("folder", "/tmp"),
    ("text-file", "{text_file}"),
    ("missing", "{missing}"),
    ("sqlite-header-then-garbage", "{corrupt}"),
    ("truncated-database", "{truncated}"),
]


def zip_bytes(members):
    """A zip with fixed member times, so the bytes (and any id made from them) never change."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), data)
    return buffer.getvalue()


def file_bytes(case_id, payload):
    if payload is not None:
        return payload
    if case_id == "vcard-zip":
        return zip_bytes({"a.txt": "x"})
    if case_id == "docx-zip-without-document":
        return zip_bytes({"[Content_Types].xml": "<Types/>", "hello.txt": "x"})
    if case_id == "docx-truncated":
        return zip_bytes({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>" * 50})[:120]
    raise KeyError(case_id)
