"""A checked filter compiled to a parameterised Peewee condition (SQLite or PostgreSQL)."""
from __future__ import annotations

import datetime as dt
import decimal
import itertools
from dataclasses import dataclass

import peewee

from .checking import check, kind_of
from .syntax import ANY, TEXT_KINDS, And, Or, parse

LOWER_FUNCTION = "segtui_lower"  # SQLite: Unicode lower(), as PostgreSQL's lower() does
LIKE_ESCAPE = "!"
ICU_ROOT = "und-x-icu"
# The only characters whose Python lower() is (or starts with) ASCII but that are not ASCII.
LOWER_TO_ASCII = ("\u0130", "\u212a")  # İ, Kelvin sign

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
