"""Property tests of the filter language: never a stray exception, and SQL agrees with `evaluate`."""
import datetime as dt
import os
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from segtui import db as dbmod
from segtui.errors import FilterError
from segtui.filters import compile_filter, evaluate, kind_of, matcher
from segtui.models import Contact, InteractionLogEntry, database

TODAY = dt.date(2026, 11, 28)
SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

NAMES = [
    "Berlin", "BERLIN", "berlin", "Bern", "BERGEN", "bergamo", "Müller", "MÜLLER", "müller", "Åsa",
    "åsa", "ÅSA", "", " ", "a*b", "a?b", "[x]", "J & V", "O'Brien", "ab", "AB", "Ab", "aB", "b", "ba",
    "é", "É", "e", "E", "ß", "SS", "İstanbul", "a_b", "a%b", "a.b", "a..b", "ab ", " ab", "zz", "Zebra",
    "\u212aelvin", "KELVIN", "Straße", "STRASSE", "ΣΊΣΥΦΟΣ", "σίσυφος",
]
CODES = ["", "AB", "A", "B", "AB1", "A_B", "A%B", "JO", "ZZ", "A*", "É1", "10", "9"]
COSTS = [Decimal(x) for x in ("0", "1", "-1", "1.5", "10", "100", "0.01", "-0.5", "150", "200",
                              "1199.99", "1200", "99999.99", "2", "20", "3")]
DATES = [None, dt.date(2024, 12, 31), dt.date(2025, 1, 1), TODAY, dt.date(2026, 11, 27),
         dt.date(2026, 11, 29), dt.date(2000, 2, 29), dt.date(1999, 1, 1), dt.date(2030, 6, 15)]


PG_URL = os.environ.get("SEGTUI_TEST_PG")  # also check PostgreSQL selects the same rows


@pytest.fixture(scope="module", params=["sqlite"] + (["postgresql"] if PG_URL else []))
def sample(request, tmp_path_factory):
    if request.param == "postgresql":
        db = dbmod.open_database(PG_URL)
    else:
        db = dbmod.open_database(str(tmp_path_factory.mktemp("filters") / "sample.db"))
    dbmod.init_database()
    Contact.delete().execute()
    InteractionLogEntry.delete().execute()
    contacts, entries = [], []
    for i, name in enumerate(NAMES):
        contacts.append(dict(
            no=f"CT{i:03d}", name=name, salesperson_code=CODES[i % len(CODES)],
            correspondence_type=("", "email", "hard_copy")[i % 3], exclude_from_segment=i % 4 == 0,
            created_at=dt.datetime(2026, 11, 26 + i % 4, (i * 7) % 24, (i * 13) % 60),
        ))
        entries.append(dict(
            entry_no=i + 1, contact_no=f"CT{i:03d}", subject=name, cost=COSTS[i % len(COSTS)],
            date=DATES[i % len(DATES)], salesperson_code=CODES[(i * 5) % len(CODES)],
        ))
    Contact.insert_many(contacts).execute()
    InteractionLogEntry.insert_many(entries).execute()
    # The stored values, read back once: (key, value) per field.
    db.rows = {
        field: [(r[0], r[1]) for r in field.model.select(field.model._meta.primary_key, field).tuples()]
        for field in (Contact.name, Contact.salesperson_code, Contact.created_at, InteractionLogEntry.cost,
                      InteractionLogEntry.entry_no, InteractionLogEntry.date)
    }
    yield db
    db.close()


def bind(db):
    """Other test modules rebind the models; point them back at this module's database."""
    if database.obj is not db:
        database.initialize(db)


FIELDS = [Contact.name, Contact.no, Contact.salesperson_code, Contact.correspondence_type,
          Contact.exclude_from_segment, Contact.created_at, InteractionLogEntry.cost,
          InteractionLogEntry.date, InteractionLogEntry.entry_no]

SPECIAL = list("ab@*?'|&()<>=. -019tT\\[]%_!") + ["..", "''", "Ü", "ß", "\t", "\x00", "\ud800"]


@SETTINGS
@given(text=st.one_of(
    st.lists(st.sampled_from(SPECIAL), max_size=12).map("".join),
    st.text(max_size=15),
))
def test_any_text_compiles_or_is_a_filter_error(sample, text):
    bind(sample)
    for field in FIELDS:
        try:
            condition = compile_filter(field, text)
        except FilterError as exc:
            assert exc.position is not None and 1 <= exc.position <= len(text) + 1
            continue
        # and the database accepts what was compiled
        field.model.select().where(condition).count()
    for kind, value in [("text", "Berlin"), ("code", "AB"), ("number", Decimal("1.5")),
                        ("date", TODAY), ("boolean", True), ("option", "email")]:
        try:
            assert evaluate(text, value, kind, today=TODAY) in (True, False)
        except FilterError as exc:
            assert exc.position is not None and 1 <= exc.position <= len(text) + 1


# --- generated valid expressions ---------------------------------------------------------------

LETTERS = list("abBéÉüÜsSß AZ.kK\u212aσΣς") + ["Be", "be", "BE", "Mü", "mü", "MÜ", "åsa", "ÅSA", "İ", "ber", "rn"]
SPECIAL_IN_QUOTES = list("&|()<>@*?.[]'%_ ") + ["..", "a b"]


def quote(text):
    return "'" + text.replace("'", "''") + "'"


def plain_text():
    """A value without wildcards: plain letters and quoted parts (quotes protect specials)."""
    unquoted = st.lists(st.sampled_from(LETTERS), min_size=1, max_size=3).map("".join).map(str.strip).filter(
        lambda s: s != "" and not s.startswith(".") and not s.endswith(".") and ".." not in s)
    quoted = st.lists(st.sampled_from(LETTERS + SPECIAL_IN_QUOTES), max_size=3).map("".join).map(quote)
    return st.one_of(unquoted, quoted)


def pattern_text():
    piece = st.one_of(st.sampled_from(["*", "?"]), plain_text())
    return st.lists(piece, min_size=1, max_size=4).map("".join)


def code_plain():
    return st.sampled_from(["ab", "AB", "a", "b", "jo", "a1", "ZZ", "'A_B'", "'A%B'", "'A*'", "é1", "10", "9"])


def code_pattern():
    return st.lists(st.one_of(st.sampled_from(["*", "?"]), code_plain()), min_size=1, max_size=3).map("".join)


def number_text():
    return st.one_of(
        st.integers(-300, 1300).map(str),
        # no "2." or ".5": next to a range's dots they are ambiguous ("1.5...5")
        st.sampled_from(["0", "1.5", "-0.5", "0.01", "1199.99", "99999.99", "100000", "+2"]),
        st.tuples(st.integers(-50, 300), st.integers(0, 99)).map(lambda t: f"{t[0]}.{t[1]:02d}"),
    )


def date_text():
    return st.one_of(
        st.sampled_from(["t", "today", "T", "2024-12-31", "2025-01-01", "2026-11-27", "2026-11-29",
                         "2000-02-29", "1999-01-01", "2030-06-15"]),
        st.dates(dt.date(1998, 1, 1), dt.date(2031, 1, 1)).map(lambda d: d.isoformat()),
    )


def terms(plain, pattern, allow_blank=True):
    at = st.sampled_from(["", "@"])
    ops = st.sampled_from(["<>", "<", "<=", ">", ">="])
    options = [
        st.tuples(at, pattern).map("".join),
        st.tuples(st.just("<>"), at, pattern).map("".join),
        st.tuples(ops, at, plain).map("".join),
        st.tuples(at, plain, st.just(".."), plain).map("".join),
        st.tuples(st.just(".."), plain).map("".join),
        st.tuples(plain, st.just("..")).map("".join),
    ]
    if allow_blank:
        options.append(st.sampled_from(["''", "<>''"]))
    return st.one_of(*options)


def expressions(term):
    return st.recursive(
        term,
        lambda inner: st.one_of(
            st.tuples(inner, st.sampled_from(["|", "&", " | ", " & "]), inner).map("".join),
            inner.map(lambda e: f"({e})"),
        ),
        max_leaves=5,
    )


def check_agrees(db, field, expression):
    """The rows compile_filter selects are exactly those evaluate() accepts."""
    kind = kind_of(field)
    key = field.model._meta.primary_key
    selected = {r[0] for r in field.model.select(key).where(compile_filter(field, expression, today=TODAY)).tuples()}
    accepts = matcher(expression, kind, today=TODAY)  # evaluate(), parsed once for all rows
    expected = {k for k, value in db.rows[field] if accepts(value)}
    assert selected == expected, (expression, sorted(selected ^ expected))


@SETTINGS
@given(expression=expressions(terms(plain_text(), pattern_text())))
def test_text_sql_agrees_with_evaluate(sample, expression):
    bind(sample)
    check_agrees(sample, Contact.name, expression)


@SETTINGS
@given(expression=expressions(terms(code_plain(), code_pattern())))
def test_code_sql_agrees_with_evaluate(sample, expression):
    bind(sample)
    check_agrees(sample, Contact.salesperson_code, expression)


@SETTINGS
@given(expression=expressions(terms(number_text(), number_text())))
def test_number_sql_agrees_with_evaluate(sample, expression):
    bind(sample)
    check_agrees(sample, InteractionLogEntry.cost, expression)
    check_agrees(sample, InteractionLogEntry.entry_no, expression)


@SETTINGS
@given(expression=expressions(terms(date_text(), date_text())))
def test_date_sql_agrees_with_evaluate(sample, expression):
    bind(sample)
    check_agrees(sample, InteractionLogEntry.date, expression)
    check_agrees(sample, Contact.created_at, expression)


def test_matcher_is_evaluate():
    accepts = matcher("@ber*|>=x", "text")
    for value in ("Berlin", "BERGEN", "x", "a", "", None, "Zürich", "zz"):
        assert accepts(value) is evaluate("@ber*|>=x", value, "text")
