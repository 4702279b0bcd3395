"""Reading a file's text: which encoding, which format, which lines."""
import codecs
import itertools
import re
import unicodedata

from ...errors import SegtuiError

# Encodings the detector may choose from (what address books and spreadsheets write), most
# likely first: on a tie the earlier wins. Limiting the list keeps a short Windows-1252 file
# from being taken for an exotic code page.
CANDIDATES = (
    "cp1252", "iso8859_15", "cp1250", "iso8859_2", "cp1251", "koi8_r", "iso8859_5", "cp1253", "iso8859_7",
    "cp1254", "iso8859_9", "cp1257", "iso8859_13", "iso8859_4", "cp1255", "iso8859_8", "cp1256", "iso8859_6",
    "cp1258", "iso8859_3", "iso8859_10", "iso8859_14", "iso8859_16", "shift_jis", "cp932", "gb18030", "euc_jp",
)
# Non-letters that real names and addresses hold; any other non-ASCII symbol suggests a wrong guess.
USUAL_SYMBOLS = set("€£¥«»‘’“”„–—·°§©®\xa0²³½¼¾ºª¿¡…•×")
BINARY = "it contains binary data: expected CSV or vCard"


def encoding_label(name):
    """The usual name of a Python codec: windows-1252, iso-8859-15, shift_jis, utf-16-le."""
    name = codecs.lookup(name).name
    if name.startswith("cp125"):
        return "windows-" + name[2:]
    if name.startswith("iso8859"):
        return "iso-8859-" + name.split("-")[-1].split("_")[-1]
    return name.replace("_", "-") if name.startswith("utf") else name


def read_text(path, encoding=None):
    """(text, encoding label) of a file; `encoding` says it instead of detecting it."""
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
    text, label = _given(path, raw, encoding) if encoding else _detect(path, raw)
    text = text.lstrip("\ufeff")
    sample = text[:65536]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n\f")
    if controls > max(2, len(sample) // 100):
        raise SegtuiError(f"{path} is not a text file ({BINARY})")
    if not text.strip():
        raise SegtuiError(f"file {path} is empty: nothing to import")
    return text, label


def _given(path, raw, encoding):
    try:
        codec = codecs.lookup(encoding.strip()).name
    except LookupError:
        raise SegtuiError(f"--encoding {encoding!r} is not an encoding Python knows "
                          f"(e.g. utf-8, utf-16, windows-1252, iso-8859-2, shift_jis, gb18030)") from None
    if codec == "utf-8":
        codec = "utf-8-sig"
    try:
        return raw.decode(codec), encoding_label(codec.replace("-sig", ""))
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise SegtuiError(f"{path} is not {encoding} text: line {line} has bytes {raw[exc.start:exc.end]!r} "
                          f"that are not {encoding}; try another --encoding or leave it out") from None


def _utf16_without_bom(raw):
    """'utf-16-le'/'utf-16-be' when the zero bytes fall on one side, as UTF-16 of mostly
    Latin text does; None otherwise."""
    sample = raw[:4096]
    if len(sample) < 4:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = len(sample) // 2
    if odd > half * 0.3 and even < odd / 10:
        return "utf-16-le"
    if even > half * 0.3 and odd < even / 10:
        return "utf-16-be"
    return None


def _detect(path, raw):
    boms = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
            (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
    for bom, codec in boms:
        if raw.startswith(bom):
            try:
                text = raw.decode(codec)
            except UnicodeDecodeError as exc:
                raise SegtuiError(f"{path} starts like {codec.replace('-sig', '')} text but is not: {exc}") from None
            if codec == "utf-16":
                codec = "utf-16-le" if bom == codecs.BOM_UTF16_LE else "utf-16-be"
            return text, codec.replace("-sig", "")
    if b"\x00" in raw[:65536]:
        codec = _utf16_without_bom(raw)
        if codec is None:
            raise SegtuiError(f"{path} is not a text file ({BINARY})")
        try:
            return raw.decode(codec), codec
        except UnicodeDecodeError:
            raise SegtuiError(f"{path} is not a text file ({BINARY})") from None
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    for codec in (*_likely(raw), "latin-1"):  # latin-1 decodes any bytes
        try:
            return raw.decode(codec), encoding_label(codec)
        except UnicodeDecodeError:  # the sample hid a later byte: the next guess
            continue


def _likely(raw):
    """Encodings for bytes that are not UTF-8, best guess first.

    charset-normalizer names the candidates (with those that decode to the same text); on the
    short texts of an address book it often prefers a neighbouring code page, so the candidates
    are ranked again by how much their text looks like names: no word mixing scripts or
    changing case inside, no stray symbols. Ties go to the more common encoding."""
    from charset_normalizer import from_bytes

    sample = raw[:65536]
    cut = sample.rfind(b"\n")
    if len(raw) > len(sample) and cut > 0:
        sample = sample[:cut]
    found = []
    for match in from_bytes(sample, cp_isolation=list(CANDIDATES)):
        for codec in (match.encoding, *match.could_be_from_charset):
            if codec in CANDIDATES and codec not in found:
                found.append(codec)
    found += [c for c in ("cp1252", "shift_jis", "gb18030") if c not in found]
    ranked = []
    for codec in found:
        try:
            text = sample.decode(codec)
        except UnicodeDecodeError:
            continue
        ranked.append((round(_oddness(text) / max(1, len(text)), 3), CANDIDATES.index(codec), codec))
    return [codec for *_, codec in sorted(ranked)]


_WORD = re.compile(r"[^\W\d_]+")


def _script(ch):
    if ch < "\x80":
        return "LATIN"
    try:
        word = unicodedata.name(ch).split()[0]
    except ValueError:
        return "?"
    if word in ("CJK", "HIRAGANA", "KATAKANA", "HALFWIDTH", "FULLWIDTH", "IDEOGRAPHIC"):
        return "CJK"
    if word == "LATIN":
        return "LATIN+"  # accented Latin: a word of nothing else is a misread other script
    return word


# Vowels of the scripts whose code pages read each other's bytes as letters: Greek read as
# Cyrillic (or the reverse) gives words without a vowel of their script.
VOWELS = {"CYRILLIC": set("аеёиоуыэюяАЕЁИОУЫЭЮЯіїєІЇЄ"),
          "GREEK": set("αεηιουωάέήίόύώϊϋΐΰΑΕΗΙΟΥΩΆΈΉΊΌΎΏ")}
# Turkish read as Western or Central European: its ğ ı ş İ Ş Ğ become ð ý þ Ý Þ Ð (or ţ đ),
# letters of languages (Icelandic, Romanian, Croatian) that have no ç or ü beside them.
ICELANDIC = set("ðýþÐÝÞţŢđĐ")
NOT_ICELANDIC = set("çüÇÜ")


def _oddness(text):
    """How much a decoded text looks unlike names and addresses (0: not at all)."""
    odd = 0.0
    for word in _WORD.findall(text):
        found = [_script(ch) for ch in word]
        scripts = set(found)
        if scripts == {"LATIN+"} and len(word) > 1:
            odd += 0.5
        scripts.discard("LATIN+")
        if len(scripts) > 1 or (scripts and "LATIN+" in found and "LATIN" not in scripts):
            odd += 1
        odd += sum(1 for a, b in itertools.pairwise(word) if a.islower() and b.isupper())
        if word[0] in "ЬЪЫьъы":
            odd += 1
        vowels = VOWELS.get(found[0]) if len(scripts) == 1 and len(word) > 2 else None
        if vowels is not None and vowels.isdisjoint(word):
            odd += 1
        if not ICELANDIC.isdisjoint(word) and not NOT_ICELANDIC.isdisjoint(word):
            odd += 1
    odd += sum(1 for ch in text if ch >= "\x80" and not ch.isalpha() and ch not in USUAL_SYMBOLS)
    # Half-width katakana is what Chinese GB18030 bytes look like when read as Shift_JIS;
    # Japanese names are written in full-width characters.
    odd += 0.3 * sum(1 for ch in text if "\uff61" <= ch <= "\uff9f")
    return odd


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
    """Lines ending in '\n', whatever ended them (CRLF, LF, CR, and the CR CR LF that some
    iPhone exports write count as one end), so csv sees newlines inside quotes."""
    if "\r" in text:  # str.replace, not a regex: it runs at C speed on a 100,000-line file
        text = text.replace("\r\r\n", "\n").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line + "\n" for line in lines]
