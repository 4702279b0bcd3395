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

# The package is split by what the code does; `from segtui import filters` and
# `from segtui.filters import compile_filter` keep working through these names.
from .checking import check, evaluate, kind_of, matcher
from .sql import (ICU_ROOT, LIKE_ESCAPE, LOWER_FUNCTION, LOWER_TO_ASCII, MAX_SPELLINGS, _like, _spellings,
                  compile_filter, register_sqlite_functions)
from .syntax import (COMPARISONS, FALSE_WORDS, KINDS, MAX_DEPTH, MAX_TERMS, TEXT_KINDS, TRUE_WORDS, And, Node,
                     Or, Term, Value, parse)

__all__ = ["check", "evaluate", "kind_of", "matcher", "ICU_ROOT", "LIKE_ESCAPE", "LOWER_FUNCTION",
           "LOWER_TO_ASCII", "MAX_SPELLINGS", "_like", "_spellings", "compile_filter",
           "register_sqlite_functions", "COMPARISONS", "FALSE_WORDS", "KINDS", "MAX_DEPTH", "MAX_TERMS",
           "TEXT_KINDS", "TRUE_WORDS", "And", "Node", "Or", "Term", "Value", "parse"]
