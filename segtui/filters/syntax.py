"""The filter language's syntax: the tree, the lexer and the parser (grammar in __init__)."""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import FilterError

KINDS = ("text", "code", "number", "date", "boolean", "option")
TEXT_KINDS = ("text", "code", "option")
COMPARISONS = ("<>", "<=", ">=", "<", ">")
# Characters that end an unquoted value (`..` too, handled apart).
_STOP = set("&|()<>'")
TRUE_WORDS = ("true", "yes", "1")
FALSE_WORDS = ("false", "no", "0")

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
