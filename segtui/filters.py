"""The filter language of docs/filters.md: parse, check against a field's kind, compile to SQL.

One parser feeds two back ends that must agree: `compile_filter` builds a parameterised Peewee
condition (SQLite or PostgreSQL), `evaluate` answers the same question in plain Python (for
property tests and for screens that test one value).

Grammar (`&` binds tighter than `|`):
    expr    := and ('|' and)*
    and     := primary ('&' primary)*
    primary := '(' expr ')' | term
    term    := ['@'] cmp ['@'] value           cmp in <> < <= > >=
             | ['@'] [value] '..' ['@'] [value]  (at least one bound)
             | ['@'] value
    value   := pieces of plain text, '...' quoted text (a doubled '' is a quote), * and ?
A leading `@` makes the term case-insensitive; inside a value `@` is a plain character (so
`*@example.com` works). `=` where a value starts is refused (quote it). Unquoted spaces at the
ends of a value are dropped. After a value the last two dots of a run form the range (`2...5` is
2. to 5); where a term starts, the first two (`...5` is up to .5).
"""
from __future__ import annotations

import datetime as dt
import decimal
import itertools
import re
from dataclasses import dataclass

import peewee

from .errors import FilterError

KINDS = ("text", "code", "number", "date", "boolean", "option")
TEXT_KINDS = ("text", "code", "option")
COMPARISONS = ("<>", "<=", ">=", "<", ">")
# Characters that end an unquoted value (`..` too, handled apart).
_STOP = set("&|()<>'")
TRUE_WORDS = ("true", "yes", "1")
FALSE_WORDS = ("false", "no", "0")
LOWER_FUNCTION = "segtui_lower"  # SQLite: Unicode lower(), as PostgreSQL's lower() does
LIKE_ESCAPE = "!"
ICU_ROOT = "und-x-icu"
# The only characters whose Python lower() is (or starts with) ASCII but that are not ASCII.
LOWER_TO_ASCII = ("\u0130", "\u212a")  # İ, Kelvin sign

# --- the syntax tree --------------------------------------------------------------------------

ANY, ONE = "*", "?"  # wildcard pieces; literal text pieces are ("lit", text)


@dataclass(frozen=True)
class Value:
    """A value as typed: pieces are ("lit", text), ("*",) or ("?",). `quoted` if any piece was quoted."""
    pieces: tuple
    pos: int
    raw: str
    quoted: bool = False

    @property
    def has_wildcards(self):
        return any(p[0] != "lit" for p in self.pieces)

    @property
    def text(self):
        """The literal text (wildcards as typed)."""
        return "".join(p[1] if p[0] == "lit" else p[0] for p in self.pieces)

    @property
    def is_blank(self):
        return self.quoted and self.text == "" and not self.has_wildcards


@dataclass(frozen=True)
class Term:
    op: str  # "=", "<>", "<", "<=", ">", ">=", "range"
    value: Value | None
    high: Value | None = None  # range upper bound
    ci: bool = False  # case-insensitive (@)
    pos: int = 1


@dataclass(frozen=True)
class And:
    items: tuple


@dataclass(frozen=True)
class Or:
    items: tuple


Node = Term | And | Or

# --- lexer ------------------------------------------------------------------------------------


@dataclass
class _Token:
    kind: str  # op text ("|", "&", "(", ")", "..", "@", "<>", ...), "value", or "end"
    pos: int  # 1-based
    value: Value | None = None


def _error(message, expression, pos, name=None):
    return FilterError(message, expression=expression, position=pos, field=name or "")


def _lex(expression, name=None):
    toks = []
    i, n = 0, len(expression)
    for k, ch in enumerate(expression):
        if ch == "\x00" or 0xD800 <= ord(ch) <= 0xDFFF:
            raise _error("this character cannot be used in a filter", expression, k + 1, name)
    while i < n:
        ch = expression[i]
        if ch.isspace():
            i += 1
            continue
        if expression.startswith("..", i):  # "...5" is up to .5: the first two dots here
            toks.append(_Token("..", i + 1))
            i += 2
            continue
        two = expression[i:i + 2]
        if two in ("<>", "<=", ">="):
            toks.append(_Token(two, i + 1))
            i += 2
            continue
        if ch in "|&()<>@":
            toks.append(_Token(ch, i + 1))
            i += 1
            continue
        if ch == "=":
            raise _error("'=' is not an operator here: write the value alone, or quote it ('a=b')",
                         expression, i + 1, name)
        value, i = _lex_value(expression, i, name)
        toks.append(_Token("value", value.pos, value))
    toks.append(_Token("end", n + 1))
    return toks


def _dots(expression, i):
    """How many dots in a row start at i."""
    end = i
    while end < len(expression) and expression[end] == ".":
        end += 1
    return end - i


def _lex_value(expression, start, name):
    """Read one value from `start`; return (Value, index after it)."""
    pieces: list[tuple] = []
    buf: list[tuple[str, bool]] = []  # pending literal characters: (char, quoted)
    quoted = False
    i, n = start, len(expression)

    def flush():
        if buf:
            pieces.append(("lit", "".join(c for c, _ in buf)))
            buf.clear()

    while i < n:
        ch = expression[i]
        if ch == "'":
            end = i + 1
            text = []
            while True:
                if end >= n:
                    raise _error("unbalanced quote: this ' is never closed", expression, i + 1, name)
                if expression[end] == "'":
                    if end + 1 < n and expression[end + 1] == "'":
                        text.append("'")
                        end += 2
                        continue
                    break
                text.append(expression[end])
                end += 1
            buf.extend((c, True) for c in text)
            quoted = True
            i = end + 1
            continue
        if ch in _STOP:
            break
        if ch == ".":
            run = _dots(expression, i)
            if run >= 2:
                # After a value the last two dots of a run are the range: "2...5" is 2. to 5.
                buf.extend((".", False) for _ in range(run - 2))
                i += run - 2
                break
        if ch in "*?":
            # Trailing unquoted spaces before a wildcard belong to the value; keep them.
            flush()
            pieces.append((ch,))
        else:
            buf.append((ch, False))
        i += 1
    # Unquoted spaces at the end are not part of the value (quote them to keep them).
    while buf and not buf[-1][1] and buf[-1][0].isspace():
        buf.pop()
    flush()
    raw_end = i
    while raw_end > start and expression[raw_end - 1].isspace():
        raw_end -= 1
    return Value(tuple(pieces), start + 1, expression[start:raw_end], quoted), i


# --- parser -----------------------------------------------------------------------------------


MAX_DEPTH = 30  # parentheses inside parentheses
MAX_TERMS = 100  # values joined by | and &


class _Parser:
    def __init__(self, expression, name):
        self.expression = expression
        self.name = name
        self.toks = _lex(expression, name)
        self.i = 0
        self.depth = 0
        self.terms = 0

    def peek(self):
        return self.toks[self.i]

    def take(self):
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def fail(self, message, pos):
        raise _error(message, self.expression, pos, self.name)

    def parse(self):
        if self.peek().kind == "end":
            self.fail("the filter is empty: type a value, or '' for blank", 1)
        node = self.or_expr()
        tok = self.peek()
        if tok.kind == ")":
            self.fail("unbalanced parenthesis: this ')' has no '('", tok.pos)
        if tok.kind != "end":
            self.fail(f"unexpected {self.describe(tok)}: join terms with | or &", tok.pos)
        return node

    def describe(self, tok):
        if tok.kind == "value":
            return f"value {tok.value.raw!r}"
        if tok.kind == "end":
            return "end of the filter"
        return f"'{tok.kind}'"

    def or_expr(self):
        items = [self.and_expr()]
        while self.peek().kind == "|":
            self.take()
            items.append(self.and_expr())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def and_expr(self):
        items = [self.primary()]
        while self.peek().kind == "&":
            self.take()
            items.append(self.primary())
        return items[0] if len(items) == 1 else And(tuple(items))

    def primary(self):
        tok = self.peek()
        if tok.kind == "(":
            self.take()
            self.depth += 1
            if self.depth > MAX_DEPTH:
                self.fail(f"too many parentheses inside each other (at most {MAX_DEPTH})", tok.pos)
            if self.peek().kind == ")":
                self.fail("empty parentheses: a value is missing", self.peek().pos)
            node = self.or_expr()
            close = self.peek()
            if close.kind != ")":
                if close.kind == "end":
                    self.fail("unbalanced parenthesis: this '(' is never closed", tok.pos)
                self.fail(f"unexpected {self.describe(close)}: expected ')' or | or &", close.pos)
            self.take()
            self.depth -= 1
            return node
        self.terms += 1
        if self.terms > MAX_TERMS:
            self.fail(f"too many terms (at most {MAX_TERMS}): use a range or fewer values", tok.pos)
        return self.term()

    def at(self):
        found = False
        while self.peek().kind == "@":
            self.take()
            found = True
        return found

    def term(self):
        start = self.peek()
        ci = self.at()
        tok = self.peek()
        if tok.kind in COMPARISONS:
            self.take()
            ci = self.at() or ci
            val = self.peek()
            if val.kind != "value":
                self.fail(f"a value is missing after '{tok.kind}'", tok.pos)
            self.take()
            if self.peek().kind == "..":
                self.fail("a range cannot follow a comparison", self.peek().pos)
            return Term(tok.kind, val.value, None, ci, start.pos)
        low = None
        if tok.kind == "value":
            low = self.take().value
        if self.peek().kind == "..":
            dots = self.take()
            ci = self.at() or ci
            high = None
            if self.peek().kind == "value":
                high = self.take().value
            if low is None and high is None:
                self.fail("a range needs at least one bound (a..b, ..b or a..)", dots.pos)
            if self.peek().kind == "..":
                self.fail("a range has only one '..'", self.peek().pos)
            return Term("range", low, high, ci, start.pos)
        if low is None:
            where = tok.pos
            if tok.kind == "end":
                prev = self.toks[self.i - 1] if self.i else None
                where = prev.pos if prev is not None else 1
                self.fail(f"a value is missing after '{prev.kind}'" if prev else "a value is missing",
                          where)
            self.fail(f"a value is missing before {self.describe(tok)}", where)
        return Term("=", low, None, ci, start.pos)


def parse(expression: str, name: str | None = None) -> Node:
    """The syntax tree of an expression, or FilterError naming the position."""
    if not isinstance(expression, str):
        raise FilterError("a filter must be text", expression=str(expression), position=1, field=name or "")
    return _Parser(expression, name).parse()


# --- kinds and value checking -----------------------------------------------------------------


def kind_of(field: peewee.Field) -> str:
    """How a field's filter values are read: text, code, number, date, boolean or option."""
    if isinstance(field, (peewee.CharField, peewee.TextField)):
        if getattr(field, "choices", None):
            return "option"
        fname = field.name or ""
        if fname in ("no", "code") or fname.endswith(("_no", "_code")):
            return "code"
        return "text"
    if isinstance(field, peewee.BooleanField):
        return "boolean"
    if isinstance(field, (peewee.IntegerField, peewee.DecimalField, peewee.FloatField, peewee.AutoField)):
        return "number"
    if isinstance(field, (peewee.DateField, peewee.DateTimeField)):
        return "date"
    return "text"


_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$", re.ASCII)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


@dataclass(frozen=True)
class _ValueConverter:
    """Turns Values into the Python values a kind compares (shared by SQL and Python)."""
    kind: str
    expression: str
    name: str | None
    choices: tuple | None = None
    today: dt.date | None = None

    def fail(self, message, pos):
        raise _error(message, self.expression, pos, self.name)

    def scalar(self, value: Value, op: str):
        """A single (non-pattern) value; None means blank."""
        if value.is_blank:
            if self.kind == "boolean":
                self.fail("a yes/no field is never blank: use true or false", value.pos)
            if op not in ("=", "<>") and self.kind not in TEXT_KINDS:
                self.fail("blank ('') can only be used alone or with <>", value.pos)
            if self.kind in TEXT_KINDS and op not in ("=", "<>"):
                return ""
            return None
        if value.has_wildcards:
            self.fail(f"wildcards (* ?) cannot be used on a {self.kind} field", value.pos)
        text = value.text
        if self.kind == "number":
            if not _NUMBER.match(text.strip()):
                self.fail(f"{text!r} is not a number", value.pos)
            return decimal.Decimal(text.strip())
        if self.kind == "date":
            t = text.strip()
            if t.lower() in ("t", "today"):
                return self.today or dt.date.today()
            if not _DATE.match(t):
                self.fail(f"{text!r} is not a date: write it as YYYY-MM-DD (or t for today)", value.pos)
            try:
                return dt.date.fromisoformat(t)
            except ValueError:
                self.fail(f"{text!r} is not a valid date", value.pos)
        if self.kind == "boolean":
            t = text.strip().lower()
            if t in TRUE_WORDS:
                return True
            if t in FALSE_WORDS:
                return False
            self.fail(f"{text!r} is not a yes/no value: use true or false", value.pos)
        if self.kind == "code":
            return text.upper()
        if self.kind == "option" and self.choices is not None:
            for allowed in self.choices:
                if allowed == text:
                    return allowed
            for allowed in self.choices:
                if allowed.lower() == text.lower():
                    return allowed
            shown = ", ".join(repr(c) if c == "" else c for c in self.choices)
            self.fail(f"{text!r} is not allowed here; allowed: {shown}", value.pos)
        return text

    def pattern(self, value: Value):
        """Pattern pieces for a wildcard value (text kinds only)."""
        if self.kind not in TEXT_KINDS:
            self.fail(f"wildcards (* ?) cannot be used on a {self.kind} field", value.pos)
        if self.kind == "code":
            return tuple(("lit", p[1].upper()) if p[0] == "lit" else p for p in value.pieces)
        return value.pieces


@dataclass(frozen=True)
class _CheckedTerm:
    """A checked term: op with Python operands; `pattern` set for wildcard matching."""
    op: str
    value: object = None
    high: object = None
    ci: bool = False
    pattern: tuple | None = None
    blank: bool = False


def _typed(node, check: _ValueConverter):
    if isinstance(node, (And, Or)):
        return type(node)(tuple(_typed(i, check) for i in node.items))
    t = node
    ci = t.ci and check.kind in ("text", "option")  # codes are upper-case already: @ changes nothing
    if t.op == "range":
        if check.kind == "boolean":
            check.fail("a yes/no field has no ranges: use true or false", t.pos)
        for v in (t.value, t.high):
            if v is not None and v.has_wildcards:
                check.fail("wildcards (* ?) cannot be used in a range", v.pos)
        low = check.scalar(t.value, "range") if t.value is not None else None
        high = check.scalar(t.high, "range") if t.high is not None else None
        if ci:
            low = low.lower() if low is not None else None
            high = high.lower() if high is not None else None
        return _CheckedTerm("range", low, high, ci)
    v = t.value
    if v.has_wildcards:
        if t.op not in ("=", "<>"):
            check.fail("wildcards (* ?) can only be used alone or with <>", v.pos)
        pieces = check.pattern(v)
        if ci:
            pieces = tuple(("lit", p[1].lower()) if p[0] == "lit" else p for p in pieces)
        return _CheckedTerm(t.op, pattern=pieces, ci=ci)
    if check.kind == "boolean" and t.op not in ("=", "<>"):
        check.fail("a yes/no field can only be compared with = or <>", t.pos)
    scalar = check.scalar(v, t.op)
    if t.op in ("=", "<>") and v.is_blank:
        return _CheckedTerm(t.op, None, ci=False, blank=True)
    if ci and isinstance(scalar, str):
        scalar = scalar.lower()
    return _CheckedTerm(t.op, scalar, ci=ci)


def check(node: Node, kind: str, expression: str = "", name: str | None = None, choices=None, today=None):
    """The tree with values checked for a kind (raises FilterError); used by both back ends."""
    return _typed(node, _ValueConverter(kind, expression, name, tuple(choices) if choices is not None else None,
                               today))


# --- plain Python evaluation ---------------------------------------------------------------------


def _match_pattern(pieces, text):
    """Whether text matches the wildcard pieces (whole string)."""
    regex = "".join(re.escape(p[1]) if p[0] == "lit" else (".*" if p[0] == ANY else ".")
                    for p in pieces)
    return re.fullmatch(regex, text, re.DOTALL) is not None


def _eval(node, value, kind):
    if isinstance(node, Or):
        return any(_eval(i, value, kind) for i in node.items)
    if isinstance(node, And):
        return all(_eval(i, value, kind) for i in node.items)
    t = node
    is_blank = value is None or (kind in TEXT_KINDS and value == "")
    if t.blank:
        return is_blank if t.op == "=" else not is_blank
    if value is None:
        return t.op == "<>"  # a missing value differs from every value
    if kind == "date":
        if isinstance(value, str):  # as SQLite hands it back raw: 2026-11-28[ 10:00:00]
            value = dt.date.fromisoformat(value[:10])
        elif isinstance(value, dt.datetime):
            value = value.date()
    if kind == "number":
        value = decimal.Decimal(str(value))
    if kind == "boolean":
        value = bool(value)
    if t.ci and isinstance(value, str):
        value = value.lower()
    if t.pattern is not None:
        hit = _match_pattern(t.pattern, value)
        return hit if t.op == "=" else not hit
    if t.op == "range":
        return (t.value is None or value >= t.value) and (t.high is None or value <= t.high)
    return {
        "=": value == t.value, "<>": value != t.value, "<": value < t.value,
        "<=": value <= t.value, ">": value > t.value, ">=": value >= t.value,
    }[t.op]


def matcher(expression: str, kind: str, today=None, choices=None, name=None):
    """A function value -> bool for the filter, parsed once (for testing many values)."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    tree = check(parse(expression, name), kind, expression, name, choices, today)
    return lambda value: _eval(tree, value, kind)


def evaluate(expression: str, value, kind: str, today=None, choices=None, name=None) -> bool:
    """Whether one value passes the filter, by the same rules as `compile_filter`."""
    return matcher(expression, kind, today, choices, name)(value)


# --- SQL ----------------------------------------------------------------------------------------


def _py_lower(value):
    return value.lower() if isinstance(value, str) else value


def register_sqlite_functions(db):
    """Give a SQLite database the Unicode lower() that case-insensitive filters use."""
    if LOWER_FUNCTION not in db._functions:
        db.register_function(_py_lower, LOWER_FUNCTION, 1, deterministic=True)


def _database_of(field):
    db = field.model._meta.database
    return getattr(db, "obj", db)


def _glob(pieces):
    out = []
    for p in pieces:
        if p[0] == "lit":
            out.append("".join(f"[{c}]" if c in "[]*?" else c for c in p[1]))
        else:
            out.append(p[0])
    return "".join(out)


def _like(pieces):
    out = []
    for p in pieces:
        if p[0] == "lit":
            out.append("".join(LIKE_ESCAPE + c if c in ("%", "_", LIKE_ESCAPE) else c for c in p[1]))
        else:
            out.append("%" if p[0] == ANY else "_")
    return "".join(out)


@dataclass
class _ConditionBuilder:
    """Builds the SQL condition (a Peewee expression) a parsed filter means for one field."""
    field: peewee.Field
    kind: str
    sqlite: bool
    datetime_field: bool = False
    case_collation: str | None = None  # PostgreSQL: collation whose lower() is Unicode's

    def lhs(self, ci, ordered=False):
        col = self.field
        if ci:
            if self.sqlite:
                # SQLite's lower() folds A-Z only: exact for all-ASCII text (as many characters as
                # bytes) and far cheaper than a Python call per row; other text gets segtui_lower().
                ascii_only = peewee.fn.length(col) == peewee.fn.length(peewee.Cast(col, "BLOB"))
                col = peewee.Case(None, [(ascii_only, peewee.fn.lower(col))], peewee.fn.segtui_lower(col))
            elif self.case_collation:
                col = peewee.fn.lower(peewee.NodeList((col, peewee.SQL(f'COLLATE "{self.case_collation}"'))))
            else:
                col = peewee.fn.lower(col)
        if ordered and not self.sqlite and self.kind in TEXT_KINDS:
            # PostgreSQL orders text by locale; "C" is code-point order, as SQLite's BINARY.
            col = peewee.NodeList((col, peewee.SQL('COLLATE "C"')))
        return col

    def ci_prefilter(self, pieces, whole=False):
        """A cheap built-in test every case-insensitive match also passes (SQLite only); the exact
        Unicode test then runs only on the rows that pass it.

        Python's lower() maps nothing but A-Z, İ (to i + a combining dot) and the Kelvin sign (to k)
        onto ASCII, so a lowered ASCII start `ber` can only come from a few spellings (ber, Ber,
        bEr, ...): matched with GLOB each can use the column's index. `whole`: the value is the
        entire text (equality), so the spellings are the candidates themselves.
        """
        prefix = ""
        for p in pieces:
            if p[0] != "lit":
                whole = False
                break
            ascii_part = "".join(itertools.takewhile(lambda c: c < "\x80", p[1]))
            prefix += ascii_part
            if ascii_part != p[1]:
                whole = False
                break
        # An all-ASCII lowered value has no combining dot, so İ cannot be part of an equal text.
        spellings, complete = _spellings(prefix, dotted_i=not whole)
        col = self.field
        if whole and complete:
            return col.in_([peewee.Value(s, converter=False) for s in spellings])
        if spellings != [""]:
            tests = [peewee.Expression(col, "GLOB", peewee.Value(_glob((("lit", s),)) + "*", converter=False))
                     for s in spellings]
            return peewee.NodeList((_balanced(tests, True),), parens=True)
        # No usable start: LIKE (which folds A-Z) on the whole pattern, non-ASCII as `_`.
        like = []
        for p in pieces:
            if p[0] == "lit":
                like.append("".join((LIKE_ESCAPE + c if c in ("%", "_", LIKE_ESCAPE) else c) if c < "\x80"
                                    else "_" for c in p[1]))
            else:
                like.append("%" if p[0] == ANY else "_")
        test = peewee.NodeList((col, peewee.SQL("LIKE"), peewee.Value("".join(like), converter=False),
                                peewee.SQL(f"ESCAPE '{LIKE_ESCAPE}'")))
        for ch in LOWER_TO_ASCII:
            test = test | (peewee.fn.instr(col, peewee.Value(ch, converter=False)) > 0)
        return peewee.NodeList((test,), parens=True)

    def param(self, v):
        if isinstance(v, decimal.Decimal):
            if self.sqlite:
                # SQLite binds 64-bit integers only; beyond that a float compares the same way.
                v = int(v) if v == v.to_integral_value() and abs(v) < 2**63 else float(v)
        elif isinstance(v, dt.datetime):
            if self.sqlite:
                v = v.isoformat(" ")
        elif isinstance(v, dt.date):
            if self.datetime_field:
                v = dt.datetime.combine(v, dt.time())
                return self.param(v)
            if self.sqlite:
                v = v.isoformat()
        return peewee.Value(v, converter=False)

    def cmp(self, lhs, op, v):
        p = self.param(v)
        return {
            "=": lambda: lhs == p, "<>": lambda: lhs != p, "<": lambda: lhs < p,
            "<=": lambda: lhs <= p, ">": lambda: lhs > p, ">=": lambda: lhs >= p,
        }[op]()

    def build(self, node):
        if isinstance(node, (Or, And)):
            return _balanced([self.build(i) for i in node.items], isinstance(node, Or))
        t = node
        col = self.field
        if t.blank:
            if self.kind in TEXT_KINDS:
                return (col == "") | col.is_null() if t.op == "=" else (col != "") & col.is_null(False)
            return col.is_null() if t.op == "=" else col.is_null(False)
        if t.pattern is not None:
            if self.sqlite:
                hit = peewee.Expression(self.lhs(t.ci), "GLOB", peewee.Value(_glob(t.pattern), converter=False))
                if t.ci:
                    hit = self.ci_prefilter(t.pattern) & hit
            else:
                hit = peewee.NodeList((self.lhs(t.ci), peewee.SQL("LIKE"),
                                       peewee.Value(_like(t.pattern), converter=False),
                                       peewee.SQL(f"ESCAPE '{LIKE_ESCAPE}'")))
            return hit if t.op == "=" else (~peewee.NodeList((hit,), parens=True) | col.is_null())
        if self.datetime_field:
            return self.build_datetime(t)
        if t.op == "range":
            lhs = self.lhs(t.ci, ordered=True)
            parts = []
            if t.value is not None:
                parts.append(self.cmp(lhs, ">=", t.value))
            if t.high is not None:
                parts.append(self.cmp(lhs, "<=", t.high))
            return parts[0] if len(parts) == 1 else (parts[0] & parts[1])
        lhs = self.lhs(t.ci, ordered=t.op not in ("=", "<>"))
        if t.ci and self.sqlite and t.op in ("=", "<>"):
            hit = self.ci_prefilter((("lit", t.value),), whole=True) & self.cmp(lhs, "=", t.value)
            return hit if t.op == "=" else (~peewee.NodeList((hit,), parens=True) | col.is_null())
        cond = self.cmp(lhs, t.op, t.value)
        return (cond | col.is_null()) if t.op == "<>" else cond

    def build_datetime(self, t):
        """A date typed against a date-and-time column means that whole day."""
        col = self.field

        def before_end_of(v):  # col <= that day
            nxt = _next_day(v)
            return col.is_null(False) if nxt is None else self.cmp(col, "<", nxt)

        def after_end_of(v):  # col > that day
            nxt = _next_day(v)
            return peewee.SQL("1 = 0") if nxt is None else self.cmp(col, ">=", nxt)

        if t.op == "range":
            parts = []
            if t.value is not None:
                parts.append(self.cmp(col, ">=", t.value))
            if t.high is not None:
                parts.append(before_end_of(t.high))
            return parts[0] if len(parts) == 1 else (parts[0] & parts[1])
        v = t.value
        if t.op == "=":
            return self.cmp(col, ">=", v) & before_end_of(v)
        if t.op == "<>":
            return self.cmp(col, "<", v) | after_end_of(v) | col.is_null()
        if t.op == "<":
            return self.cmp(col, "<", v)
        if t.op == "<=":
            return before_end_of(v)
        if t.op == ">":
            return after_end_of(v)
        return self.cmp(col, ">=", v)


def _balanced(conditions, is_or):
    """a | b | c ... as a balanced tree: a long chain would nest deeper than Python's recursion."""
    if len(conditions) == 1:
        return conditions[0]
    mid = len(conditions) // 2
    left, right = _balanced(conditions[:mid], is_or), _balanced(conditions[mid:], is_or)
    return (left | right) if is_or else (left & right)


MAX_SPELLINGS = 64


def _spellings(lowered, dotted_i=True):
    """The first characters of every text whose lower() starts with the ASCII `lowered`: at most
    MAX_SPELLINGS of them, for a shorter start when needed. Returns (spellings, complete)."""
    options: list = []
    count = 1
    for c in lowered:
        choice = [c]
        if "a" <= c <= "z":
            choice.append(c.upper())
            if c == "k":
                choice.append("\u212a")
            if c == "i" and dotted_i:
                choice.append("\u0130")
        if count * len(choice) > MAX_SPELLINGS:
            return ["".join(p) for p in itertools.product(*options)], False
        count *= len(choice)
        options.append(choice)
    return ["".join(p) for p in itertools.product(*options)], True


def _next_day(v):
    try:
        return v + dt.timedelta(days=1)
    except OverflowError:
        return None


def compile_filter(field: peewee.Field, expression: str, name: str | None = None, today=None):
    """A parameterised condition on `field` for the expression (raises FilterError)."""
    name = name or field.name
    kind = kind_of(field)
    choices = [c[0] for c in field.choices] if kind == "option" else None
    tree = check(parse(expression, name), kind, expression, name, choices, today)
    db = _database_of(field)
    sqlite = db is None or isinstance(db, peewee.SqliteDatabase)
    case_collation = None
    if db is not None and _uses_ci(tree):
        if sqlite:
            register_sqlite_functions(db)
        else:
            case_collation = _pg_case_collation(db)
    return _ConditionBuilder(field, kind, sqlite, isinstance(field, peewee.DateTimeField), case_collation).build(tree)


def _pg_case_collation(db):
    """ICU's root collation if the server has it: its lower() is Unicode's (as Python's), while
    plain lower() follows the database's LC_CTYPE and folds only ASCII under "C"."""
    if hasattr(db, "_segtui_case_collation"):
        return db._segtui_case_collation
    try:
        found = db.execute_sql("SELECT 1 FROM pg_collation WHERE collname = %s", (ICU_ROOT,)).fetchone()
    except Exception:  # not connected yet (deferred database): plain lower(), ask again next time
        return None
    db._segtui_case_collation = ICU_ROOT if found else None
    return db._segtui_case_collation


def _uses_ci(node):
    if isinstance(node, (And, Or)):
        return any(_uses_ci(i) for i in node.items)
    return node.ci
