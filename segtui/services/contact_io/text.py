"""Reading a file's text: which encoding, which format."""
from ...errors import SegtuiError


def read_text(path):
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


def guess_format(path, text, format):
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


def physical_lines(text):
    """Lines ending in '\n' (CRLF and CR normalised), so csv sees newlines inside quotes."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line + "\n" for line in lines]
