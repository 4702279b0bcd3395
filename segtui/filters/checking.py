"""A parsed filter checked against a field's kind (text, number, date...), and the same
filter answered in plain Python for one value."""
from __future__ import annotations

import datetime as dt
import decimal
import re
from dataclasses import dataclass

import peewee

from .syntax import (ANY, FALSE_WORDS, KINDS, TEXT_KINDS, TRUE_WORDS, And, Node, Or, Value, _error,
                     parse)

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
