"""Which Word fields a template holds and what the merge does with each (issue 9, point 6).

The merge library names only the merge fields it puts back into the document, so a MERGEFIELD
nested in an IF is missed and a NEXT shows up as a field with an empty name. Here the field
codes of every part are read directly, nesting included, and each field is sorted:

- MERGEFIELD: filled from the contact (its name is listed);
- IF: evaluated per letter (a merge field compared with a text or a number);
- NEXT, NEXTIF, SKIPIF: ignored, with a note (segtui writes one letter per contact);
- fields Word computes itself when it opens or prints the letter (DATE, PAGE, REF, ...): left to Word;
- any other field (ADDRESSBLOCK, GREETINGLINE, ASK, FILLIN, ...): named as one the merge cannot fill,
  since its old text would stay in every letter.
"""
import io
import re
import zipfile
from dataclasses import dataclass, field

from lxml import etree
from mailmerge.mergedata import MergeData

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
PART_NAMES = re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$")
RECORD_FIELDS = ("NEXT", "NEXTIF", "SKIPIF")
IF_OPERATORS = ("=", "<>", "<", ">", "<=", ">=")
# Fields Word updates on its own (on opening, printing or paging); the merge need not fill them.
LEFT_TO_WORD = frozenset((
    "DATE", "TIME", "CREATEDATE", "SAVEDATE", "PRINTDATE", "EDITTIME", "PAGE", "NUMPAGES", "SECTIONPAGES",
    "SECTION", "PAGEREF", "REF", "NOTEREF", "STYLEREF", "HYPERLINK", "TOC", "TOA", "TC", "XE", "INDEX",
    "SEQ", "SYMBOL", "EQ", "FORMTEXT", "FORMCHECKBOX", "FORMDROPDOWN", "FILENAME", "FILESIZE", "AUTHOR",
    "TITLE", "SUBJECT", "KEYWORDS", "COMMENTS", "LASTSAVEDBY", "DOCPROPERTY", "NUMWORDS", "NUMCHARS",
    "USERNAME", "USERINITIALS", "USERADDRESS", "LISTNUM", "AUTONUM", "AUTONUMLGL", "AUTONUMOUT", "BARCODE",
    "ADVANCE", "GOTOBUTTON", "MACROBUTTON", "PRIVATE", "QUOTE", "BIBLIOGRAPHY", "CITATION", "EMBED", "LINK",
    "INCLUDEPICTURE", "SHAPE",
))
_NESTED = "\x00"  # stands for a nested field's result inside a field code


@dataclass
class FieldReport:
    fields: list = field(default_factory=list)        # merge field names, sorted, as written
    ignored: list = field(default_factory=list)       # NEXT, NEXTIF, SKIPIF (each type once)
    unsupported: list = field(default_factory=list)   # fields the merge cannot fill, with why
    left_to_word: list = field(default_factory=list)  # DATE, PAGE... (each type once)
    if_fields: int = 0

    def notes(self):
        """Sentences for the user about what the merge does not do as Word would."""
        out = []
        if self.ignored:
            fields = "fields" if len(self.ignored) > 1 else "field"
            out.append(f"{', '.join(self.ignored)} {fields} ignored: segtui writes one letter per contact")
        if self.unsupported:
            out.append("fields the merge cannot fill (their old text would stay in every letter): "
                       + "; ".join(self.unsupported))
        return out


@dataclass
class _Field:
    code: list = field(default_factory=list)  # pieces of the field code
    children: list = field(default_factory=list)
    in_code: bool = True

    def text(self):
        return "".join(self.code)


def tokens(code):
    """The field code split as the merge library splits it (quotes removed, switches kept)."""
    return MergeData._get_field_tokens(code)


def _fields_of(root):
    """Top-level fields of one XML part, each with its nested fields, in document order."""
    top: list = []
    stack: list = []

    def add(f):
        if stack and stack[-1].in_code:
            stack[-1].code.append(f" {_NESTED} ")
            stack[-1].children.append(f)
        elif stack:
            return  # a field inside another's shown result: the result is replaced as a whole
        else:
            top.append(f)

    for el in root.iter(W + "fldSimple", W + "fldChar", W + "instrText"):
        if el.tag == W + "fldSimple":
            add(_Field([el.get(W + "instr") or ""], in_code=False))
        elif el.tag == W + "instrText":
            run_parent = el.getparent().getparent() if el.getparent() is not None else None
            if run_parent is not None and run_parent.tag == W + "fldSimple":
                continue  # a simple field's shown text (Word writes it so inside another field's code)
            if stack and stack[-1].in_code:
                stack[-1].code.append(el.text or "")
        else:
            kind = el.get(W + "fldCharType")
            if kind == "begin":
                f = _Field()
                add(f)
                stack.append(f)
            elif kind == "separate" and stack:
                stack[-1].in_code = False
            elif kind == "end" and stack:
                stack.pop()
    return top


def arguments(parts):
    """An IF's operands and texts: the tokens after IF, up to its first switch (\\* MERGEFORMAT...)."""
    out = []
    for p in parts[1:]:
        if p.startswith("\\"):
            break
        out.append(p)
    return out


def _if_problem(parts):
    """Why an IF field's code is not one the merge evaluates, or '' when it is."""
    args = arguments(parts)
    if len(args) < 3:
        return "an IF without a comparison"
    if args[1] not in IF_OPERATORS:
        return f"an IF comparing with {args[1]!r} (the merge knows {' '.join(IF_OPERATORS)})"
    return ""


def _walk(f, report, names, types_seen):
    parts = tokens(f.text())
    kind = parts[0].upper() if parts else ""
    if not kind or kind == _NESTED:
        return
    if kind == "MERGEFIELD":
        if len(parts) > 1 and parts[1] != _NESTED:
            names.add(parts[1])
        else:
            report.unsupported.append("a MERGEFIELD without a name")
        return
    if kind in RECORD_FIELDS:
        if kind not in report.ignored:
            report.ignored.append(kind)
        return  # its condition's merge fields are not needed: the field is dropped
    if kind == "IF":
        report.if_fields += 1
        problem = _if_problem(parts)
        if problem:
            report.unsupported.append(f"IF {' '.join(parts[1:4])!s} ({problem})")
        for child in f.children:
            _walk(child, report, names, types_seen)
        return
    if kind in LEFT_TO_WORD:
        if kind not in report.left_to_word:
            report.left_to_word.append(kind)
        return
    if kind not in types_seen:
        types_seen.add(kind)
        report.unsupported.append(kind)


def scan(data):
    """The FieldReport of a .docx (bytes that the caller has checked are a readable package)."""
    report = FieldReport()
    names: set[str] = set()
    types_seen: set[str] = set()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in sorted(n for n in z.namelist() if PART_NAMES.match(n)):
            parser = etree.XMLParser(resolve_entities=False, no_network=True)
            root = etree.fromstring(z.read(name), parser)
            for f in _fields_of(root):
                _walk(f, report, names, types_seen)
    report.fields = sorted(names)
    return report


# --- evaluating IF ---------------------------------------------------------------------------

_NUMBER = re.compile(r"[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?")


def _number(text):
    """The number a text is (1,000.5 with thousands commas too), or None: "1,5", "nan" stay texts."""
    text = str(text).strip()
    if not text or not any(c.isdigit() for c in text) or not _NUMBER.fullmatch(text):
        return None
    return float(text.replace(",", ""))


def _like(text, pattern):
    """Word's = with a text: ? stands for one character and * for any run of them."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, text, re.DOTALL) is not None


def compare(left, operator, right):
    """Word's IF comparison: as numbers when both sides are numbers, else as texts."""
    left, right = str(left), str(right)
    a, b = _number(left), _number(right)
    if operator in ("=", "<>"):
        same = a == b if a is not None and b is not None else _like(left, right)
        return same if operator == "=" else not same
    if a is None or b is None:
        a, b = left, right
    if operator == "<":
        return a < b
    if operator == ">":
        return a > b
    if operator == "<=":
        return a <= b
    if operator == ">=":
        return a >= b
    return False


def if_result(parts):
    """The text an IF field shows, from its code's tokens (merge fields already filled)."""
    args = arguments(parts)
    if len(args) < 3:
        return ""
    chosen = args[3] if compare(args[0], args[1], args[2]) else (args[4] if len(args) > 4 else "")
    return chosen if len(args) > 3 else ""
