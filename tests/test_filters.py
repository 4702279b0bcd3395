"""The filter language (spec/filters.md): every form on every kind of field, case rules, errors."""
import datetime as dt
import os
from decimal import Decimal

import peewee
import pytest

from segtui import db as dbmod
from segtui import filters
from segtui.errors import FilterError
from segtui.filters import compile_filter, evaluate, kind_of, parse
from segtui.models import Contact, InteractionLogEntry, SegmentLine

TODAY = dt.date.today()

CONTACTS = [
    # no, type, name, city, post_code, salesperson_code, correspondence_type, exclude, created_at
    ("CT001", "company", "Cronus GmbH", "Berlin", "10000", "JO", "email", False, dt.datetime(2024, 1, 5, 9, 30)),
    ("CT002", "person", "Müller", "BERLIN", "10042", "JO", "hard_copy", False, dt.datetime(2024, 12, 31, 23, 59)),
    ("CT003", "person", "MÜLLER", "Bern", "100000", "AB", "", True, dt.datetime(2025, 1, 1, 0, 0)),
    ("CT004", "person", "müller", "BERGEN", "20000", "", "email", False, dt.datetime(2025, 6, 1, 12, 0)),
    ("CT005", "person", "Åsa Hansen", "bergamo", "2000", "AB", "", False, dt.datetime(2026, 1, 1, 8, 0)),
    ("CT006", "company", "J & V*", "London", "", "", "email", False, dt.datetime(2026, 2, 2, 2, 2)),
    ("CT007", "person", "Hansen", "London", "30000", "JO", "", False, dt.datetime(2026, 3, 3, 3, 3)),
    ("CT008", "person", "Hanson", "", "", "", "", False, dt.datetime(2026, 4, 4, 4, 4)),
    ("CT009", "company", "Lab [x] *star*", "Köln", "50667", "", "email", False, dt.datetime(2026, 5, 5, 5, 5)),
    ("CT010", "person", "O'Brien", "Dublin", "D01", "ab", "", False, dt.datetime(2026, 6, 6, 6, 6)),
]

ENTRIES = [
    # entry_no, contact_no, date, cost, evaluation, attempt_failed, subject
    (1, "CT001", dt.date(2024, 12, 31), Decimal("150.00"), "positive", False, "Hello"),
    (2, "CT002", dt.date(2025, 1, 1), Decimal("200.00"), "negative", True, "hello"),
    (3, "CT003", dt.date(2025, 6, 15), Decimal("1199.99"), "", False, "Offer 100%"),
    (4, "CT004", TODAY, Decimal("1200.00"), "very_positive", False, "Offer_2"),
    (5, "CT005", None, Decimal("0"), "neutral", True, ""),
    (6, "CT006", dt.date(2026, 11, 1), Decimal("10000.50"), "positive", False, "x"),
]


PG_URL = os.environ.get("SEGTUI_TEST_PG")  # e.g. postgresql://postgres@127.0.0.1:5432/segtui_test
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


@pytest.fixture(params=BACKENDS)
def data(request, tmp_path):
    """The sample rows, on SQLite and (with SEGTUI_TEST_PG) on PostgreSQL: same rows expected."""
    db = dbmod.open_database(PG_URL if request.param == "postgresql" else str(tmp_path / "t.db"))
    dbmod.init_database()
    for model in (Contact, InteractionLogEntry, SegmentLine):
        model.delete().execute()
    Contact.insert_many([
        dict(no=no, type=t, name=n, city=c, post_code=pc, salesperson_code=sp, correspondence_type=ct,
             exclude_from_segment=ex, created_at=ca)
        for no, t, n, c, pc, sp, ct, ex, ca in CONTACTS
    ]).execute()
    InteractionLogEntry.insert_many([
        dict(entry_no=no, contact_no=c, date=d, cost=cost, evaluation=ev, attempt_failed=af, subject=s)
        for no, c, d, cost, ev, af, s in ENTRIES
    ]).execute()
    SegmentLine.insert_many([
        dict(segment_no="SM00001", line_no=10 * i, contact_no=no, correspondence_type=ct)
        for i, (no, _t, _n, _c, _pc, _sp, ct, _ex, _ca) in enumerate(CONTACTS, start=1)
    ]).execute()
    yield db
    db.close()


def test_postgresql_backend():
    if not PG_URL:
        pytest.skip("set SEGTUI_TEST_PG=postgresql://... to run the filter tests on PostgreSQL too")
    db = dbmod.open_database(PG_URL)
    try:
        assert not dbmod.is_sqlite(db)
        assert db.execute_sql("SELECT version()").fetchone()[0].startswith("PostgreSQL")
    finally:
        db.close()


def contacts(field, expression):
    query = Contact.select(Contact.no).where(compile_filter(field, expression)).order_by(Contact.no)
    return [int(r.no[2:]) for r in query]


def entries(field, expression):
    query = (InteractionLogEntry.select(InteractionLogEntry.entry_no)
             .where(compile_filter(field, expression)).order_by(InteractionLogEntry.entry_no))
    return [r.entry_no for r in query]


def lines(field, expression):
    query = (SegmentLine.select(SegmentLine.line_no)
             .where(compile_filter(field, expression)).order_by(SegmentLine.line_no))
    return [r.line_no // 10 for r in query]


# --- kinds ------------------------------------------------------------------------------------


@pytest.mark.parametrize("field, kind", [
    (Contact.name, "text"), (Contact.city, "text"), (Contact.no, "code"),
    (Contact.salesperson_code, "code"), (Contact.company_no, "code"), (Contact.type, "option"),
    (Contact.correspondence_type, "option"), (Contact.exclude_from_segment, "boolean"),
    (Contact.created_at, "date"), (InteractionLogEntry.date, "date"), (InteractionLogEntry.cost, "number"),
    (InteractionLogEntry.entry_no, "number"), (SegmentLine.line_no, "number"),
    (InteractionLogEntry.personal_note, "text"), (InteractionLogEntry.evaluation, "option"),
])
def test_kind_of(field, kind):
    assert kind_of(field) == kind


# --- every form of the spec's table, on text --------------------------------------------------


@pytest.mark.parametrize("expression, expected", [
    ("Berlin", [1]),
    ("BERLIN", [2]),
    ("London", [6, 7]),
    ("Berlin|London", [1, 6, 7]),
    ("Berlin | London", [1, 6, 7]),
    ("B*&*n", [1, 3]),
    ("B*", [1, 2, 3, 4]),
    ("b*", [5]),
    ("*n", [1, 3, 6, 7, 9, 10]),
    ("*er*", [1, 3, 5]),
    ("Ber?in", [1]),
    ("Ber??", []),
    ("Ber?", [3]),
    ("@berlin", [1, 2]),
    ("@ber*", [1, 2, 3, 4, 5]),
    ("@*ER*", [1, 2, 3, 4, 5]),
    ("@b?RN", [3]),
    ("''", [8]),
    ("<>''", [1, 2, 3, 4, 5, 6, 7, 9, 10]),
    ("<>Berlin", [2, 3, 4, 5, 6, 7, 8, 9, 10]),
    ("<>@berlin", [3, 4, 5, 6, 7, 8, 9, 10]),
    ("<>B*", [5, 6, 7, 8, 9, 10]),
    ("<C", [1, 2, 3, 4, 8]),
    ("<=Bern", [1, 2, 3, 4, 8]),
    (">London", [5]),
    (">=London", [5, 6, 7]),
    ("Berlin..Bern", [1, 3]),
    ("..Bern", [1, 2, 3, 4, 8]),
    ("London..", [5, 6, 7]),
    ("@berlin..bern", [1, 2, 3]),
    (">A&<D", [1, 2, 3, 4]),
    ("(Berlin|Bern)&B*", [1, 3]),
    ("Berlin|Bern&B*", [1, 3]),
    ("London|Bern&x*", [6, 7]),  # & binds tighter than |
    ("(London|Bern)&x*", []),
    ("'Berlin'", [1]),
    ("  Berlin  ", [1]),
    ("Köln", [9]),
])
def test_text_forms(data, expression, expected):
    assert contacts(Contact.city, expression) == expected


def test_blank_counts_null_as_blank(data):
    class Note(peewee.Model):
        text = peewee.CharField(null=True)

        class Meta:
            database = data

    data.create_tables([Note])
    Note.delete().execute()
    Note.insert_many([{"text": None}, {"text": ""}, {"text": "a"}]).execute()

    def notes(expression):
        return [n.text for n in Note.select().where(compile_filter(Note.text, expression)).order_by(Note.id)]

    assert notes("''") == [None, ""]
    assert notes("<>''") == ["a"]
    assert notes("<>a") == [None, ""]  # a missing text differs from every value
    assert notes("*") == ["", "a"]
    assert notes("<>@A*") == [None, ""]
    assert [evaluate(e, None, "text") for e in ("''", "<>''", "<>a", "*", "<>@A*")] == [
        True, False, True, False, True]
    assert entries(InteractionLogEntry.date, "''") == [5]
    assert entries(InteractionLogEntry.date, "<>''") == [1, 2, 3, 4, 6]


@pytest.mark.parametrize("expression, expected", [
    ("'J & V*'", [6]),
    ("'J & V'*", [6]),
    ("J*", [6]),
    ("'Lab [x] *star*'", [9]),
    ("'Lab [x] '*", [9]),
    ("*'[x]'*", [9]),
    ("*[x]*", [9]),  # [ ] are not special in this language
    ("*'*'*", [6, 9]),
    ("*'*'", [6, 9]),
    ("'O''Brien'", [10]),
    ("O''Brien", []),  # unquoted '' starts a quoted (empty) piece: "O" + "" + "Brien"
    ("@müller", [2, 3, 4]),
    ("@MÜLLER", [2, 3, 4]),
    ("Müller", [2]),
    ("MÜLLER", [3]),
    ("@m*", [2, 3, 4]),
    ("@åsa*", [5]),
    ("@ÅSA*", [5]),
    ("Åsa*", [5]),
    ("åsa*", []),
    ("@*ö*", []),
    ("Hans?n", [7, 8]),
    ("@hans?n", [7, 8]),
    ("*GmbH", [1]),
    ("*gmbh", []),
    ("@*gmbh", [1]),
])
def test_text_literals_and_case(data, expression, expected):
    assert contacts(Contact.name, expression) == expected


def test_ranges_compare_in_text_order(data):
    # spec: 10000..10042 also matches 100000 on a text field
    assert contacts(Contact.post_code, "10000..10042") == [1, 2, 3]
    assert contacts(Contact.post_code, ">2000&<3") == [4]
    # code-point order: upper case before lower case, Å after z
    assert contacts(Contact.city, ">Z") == [5]
    assert contacts(Contact.name, ">z") == [5]
    assert contacts(Contact.name, "@>z") == [5]


def test_percent_and_underscore_are_literal(data):
    assert entries(InteractionLogEntry.subject, "'Offer 100%'") == [3]
    assert entries(InteractionLogEntry.subject, "*%") == [3]
    assert entries(InteractionLogEntry.subject, "Offer_?") == [4]
    assert entries(InteractionLogEntry.subject, "Offer?2") == [4]
    assert entries(InteractionLogEntry.subject, "*_*") == [4]
    assert entries(InteractionLogEntry.subject, "Hello") == [1]
    assert entries(InteractionLogEntry.subject, "@hello") == [1, 2]


# --- codes --------------------------------------------------------------------------------------


@pytest.mark.parametrize("expression, expected", [
    ("JO", [1, 2, 7]),
    ("jo", [1, 2, 7]),
    ("@jo", [1, 2, 7]),
    ("ab", [3, 5]),  # CT010's lower-case "ab" is not a valid code: codes are stored upper-case
    ("j*", [1, 2, 7]),
    ("''", [4, 6, 8, 9]),
    ("<>''", [1, 2, 3, 5, 7, 10]),
    ("a..j", [3, 5]),
    ("AB|JO", [1, 2, 3, 5, 7]),
])
def test_code_fields_accept_any_case(data, expression, expected):
    assert contacts(Contact.salesperson_code, expression) == expected


def test_code_no_range(data):
    assert contacts(Contact.no, "ct002..ct004") == [2, 3, 4]
    assert contacts(Contact.no, "CT00?") == list(range(1, 10))
    assert contacts(Contact.no, "<>ct001&<ct004") == [2, 3]


# --- numbers ----------------------------------------------------------------------------------


@pytest.mark.parametrize("expression, expected", [
    ("200", [2]),
    ("200.00", [2]),
    ("1199.99", [3]),
    ("150..1200", [1, 2, 3, 4]),
    ("..200", [1, 2, 5]),
    ("1200..", [4, 6]),
    (">200&<1200", [3]),
    (">=200&<=1200", [2, 3, 4]),
    ("<>200", [1, 3, 4, 5, 6]),
    ("0|10000.5", [5, 6]),
    ("<0", []),
    ("-1..0.5", [5]),
    ("99999999999999999999999", []),
    ("<99999999999999999999999", [1, 2, 3, 4, 5, 6]),
    (".5..150", [1]),
    ("+150", [1]),
    ("2...200", [1, 2]),  # after a value the last two dots are the range: 2. to 200
    ("...5", [5]),  # at the start the first two dots are the range: up to .5
])
def test_number_forms(data, expression, expected):
    assert entries(InteractionLogEntry.cost, expression) == expected


def test_numbers_compare_as_numbers(data):
    # 10000.5 > 200 as numbers though "10000.5" < "200" as text
    assert entries(InteractionLogEntry.cost, ">200") == [3, 4, 6]
    assert entries(InteractionLogEntry.entry_no, "2..4") == [2, 3, 4]
    assert entries(InteractionLogEntry.entry_no, ">1.5&<3") == [2]
    assert lines(SegmentLine.line_no, "10|100") == [1, 10]
    assert lines(SegmentLine.line_no, ">=90") == [9, 10]


# --- dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize("expression, expected", [
    ("2024-12-31", [1]),
    ("..2024-12-31", [1]),
    ("2025-01-01..2025-12-31", [2, 3]),
    ("2025-01-01..", [2, 3, 4, 6]),
    ("t", [4]),
    ("today", [4]),
    ("TODAY", [4]),
    ("<t&>2025-01-01", [3, 6]),
    ("''", [5]),
    ("<>''", [1, 2, 3, 4, 6]),
    ("<>2024-12-31", [2, 3, 4, 5, 6]),
    ("2024-12-31|2025-06-15", [1, 3]),
    (">2025-06-15", [4, 6]),
])
def test_date_forms(data, expression, expected):
    assert entries(InteractionLogEntry.date, expression) == sorted(expected)


@pytest.mark.parametrize("expression, expected", [
    ("2024-12-31", [2]),  # a date on a date-and-time field means that whole day
    ("2025-01-01", [3]),
    ("..2024-12-31", [1, 2]),
    ("<2025-01-01", [1, 2]),
    ("<=2024-12-31", [1, 2]),
    (">2024-12-31", [3, 4, 5, 6, 7, 8, 9, 10]),
    (">=2025-01-01", [3, 4, 5, 6, 7, 8, 9, 10]),
    ("2024-12-31..2025-01-01", [2, 3]),
    ("<>2024-12-31", [1, 3, 4, 5, 6, 7, 8, 9, 10]),
    ("9999-12-31", []),
    ("..9999-12-31", list(range(1, 11))),
    (">9999-12-31", []),
])
def test_date_on_datetime_field(data, expression, expected):
    assert contacts(Contact.created_at, expression) == expected


def test_today_can_be_given(data):
    cond = compile_filter(InteractionLogEntry.date, "t", today=dt.date(2025, 6, 15))
    assert [e.entry_no for e in InteractionLogEntry.select().where(cond)] == [3]


# --- booleans and options ----------------------------------------------------------------------


@pytest.mark.parametrize("expression, expected", [
    ("true", [3]), ("TRUE", [3]), ("yes", [3]), ("Yes", [3]), ("1", [3]),
    ("false", [1, 2, 4, 5, 6, 7, 8, 9, 10]), ("no", [1, 2, 4, 5, 6, 7, 8, 9, 10]),
    ("0", [1, 2, 4, 5, 6, 7, 8, 9, 10]), ("<>true", [1, 2, 4, 5, 6, 7, 8, 9, 10]),
    ("true|false", list(range(1, 11))),
])
def test_boolean_forms(data, expression, expected):
    assert contacts(Contact.exclude_from_segment, expression) == expected


def test_boolean_on_log_entries(data):
    assert entries(InteractionLogEntry.attempt_failed, "yes") == [2, 5]


@pytest.mark.parametrize("expression, expected", [
    ("email", [1, 4, 6, 9]),
    ("EMAIL", [1, 4, 6, 9]),
    ("hard_copy|email", [1, 2, 4, 6, 9]),
    ("''", [3, 5, 7, 8, 10]),
    ("<>''", [1, 2, 4, 6, 9]),
    ("<>email", [2, 3, 5, 7, 8, 10]),
    ("*copy", [2]),
    ("@*COPY", [2]),
])
def test_option_forms(data, expression, expected):
    assert contacts(Contact.correspondence_type, expression) == expected


def test_option_on_lines_and_entries(data):
    assert lines(SegmentLine.correspondence_type, "hard_copy") == [2]
    assert entries(InteractionLogEntry.evaluation, "positive|very_positive") == [1, 4, 6]
    assert contacts(Contact.type, "company") == [1, 6, 9]


def test_case_insensitive_prefilter_misses_nothing(data):
    Contact.insert_many([
        {"no": "CT011", "name": "\u0130stanbul"},  # İ lowers to i + combining dot
        {"no": "CT012", "name": "\u212aelvin"},  # Kelvin sign lowers to k
        {"no": "CT013", "name": "MÜNCHEN"},
        {"no": "CT014", "name": "50%_!"},
    ]).execute()
    assert contacts(Contact.name, "@i*") == [11]
    assert contacts(Contact.name, "@kelvin") == [12]
    assert contacts(Contact.name, "@k*") == [12]
    assert contacts(Contact.name, "@münchen") == [13]
    assert contacts(Contact.name, "@?ünchen|@m?nchen") == [13]
    assert contacts(Contact.name, "<>@münchen&@*n") == [5, 7, 8, 10, 12]
    assert contacts(Contact.name, "@'50%_!'") == [14]
    assert contacts(Contact.name, "@50*") == [14]
    assert contacts(Contact.name, "@5_*") == []


# --- errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize("field, expression, position, words", [
    (Contact.city, "", 1, "empty"),
    (Contact.city, "   ", 1, "empty"),
    (Contact.city, "..", 1, "range"),
    (Contact.city, "a|..", 3, "range"),
    (Contact.city, "'abc", 1, "quote"),
    (Contact.city, "x|'ab''c", 3, "quote"),
    (Contact.city, "(a|b", 1, "never closed"),
    (Contact.city, "((a)|b", 1, "never closed"),
    (Contact.city, "a)", 2, "')'"),
    (Contact.city, "(a))", 4, "')'"),
    (Contact.city, "()", 2, "empty parentheses"),
    (Contact.city, ">", 1, "missing after '>'"),
    (Contact.city, "a|", 2, "missing after '|'"),
    (Contact.city, "|a", 1, "missing"),
    (Contact.city, "a&&b", 3, "missing"),
    (Contact.city, "@", 1, "missing"),
    (Contact.city, "<>", 1, "missing"),
    (Contact.city, "a..b..c", 5, "only one"),
    (Contact.city, ">a..b", 3, "comparison"),
    (Contact.city, "a<b", 2, "unexpected"),
    (Contact.city, "=Berlin", 1, "'='"),
    (Contact.city, "a*..b", 1, "wildcards"),
    (Contact.city, ">a*", 2, "wildcards"),
    (Contact.city, "a\x00", 2, "character"),
    (Contact.city, "a\ud800", 2, "character"),
    (Contact.city, "(" * 31 + "a" + ")" * 31, 31, "parentheses"),
    (Contact.city, "|".join(["a"] * 101), 201, "too many terms"),
    (InteractionLogEntry.cost, "abc", 1, "not a number"),
    (InteractionLogEntry.cost, "10|1x0", 4, "not a number"),
    (InteractionLogEntry.cost, "1*", 1, "wildcards"),
    (InteractionLogEntry.cost, "1..x", 4, "not a number"),
    (InteractionLogEntry.cost, "''..5", 1, "blank"),
    (InteractionLogEntry.cost, "1e5", 1, "not a number"),
    (InteractionLogEntry.date, "2026-13-45", 1, "not a valid date"),
    (InteractionLogEntry.date, "2026-02-30", 1, "not a valid date"),
    (InteractionLogEntry.date, "28.11.2026", 1, "YYYY-MM-DD"),
    (InteractionLogEntry.date, "..tomorrow", 3, "not a date"),
    (InteractionLogEntry.date, "2026-*", 1, "wildcards"),
    (InteractionLogEntry.date, "<2026-??-01", 2, "wildcards"),
    (Contact.created_at, "abc", 1, "not a date"),
    (Contact.exclude_from_segment, "maybe", 1, "yes/no"),
    (Contact.exclude_from_segment, "''", 1, "never blank"),
    (Contact.exclude_from_segment, ">true", 1, "yes/no"),
    (Contact.exclude_from_segment, "0..1", 1, "ranges"),
    (Contact.correspondence_type, "fax", 1, "not allowed"),
    (Contact.correspondence_type, "email|letter", 7, "not allowed"),
    (InteractionLogEntry.evaluation, "good", 1, "allowed: "),
    (Contact.type, "org", 1, "company, person"),
])
def test_errors_name_the_position(field, expression, position, words):
    with pytest.raises(FilterError) as info:
        compile_filter(field, expression, name="the_field")
    err = info.value
    assert err.position == position
    assert err.expression == expression
    assert err.field == "the_field"
    assert words in str(err)
    assert f"at position {position}" in str(err)
    assert "the_field=" in str(err)


def test_limits_still_allow_big_filters(data):
    assert contacts(Contact.city, "(" * 30 + "Berlin" + ")" * 30) == [1]
    assert contacts(Contact.city, "|".join(["x"] * 99 + ["Berlin"])) == [1]
    assert contacts(Contact.city, "&".join(["<>@x*"] * 99 + ["@berlin"])) == [1, 2]


def test_error_default_name_is_the_field(data):
    with pytest.raises(FilterError) as info:
        compile_filter(InteractionLogEntry.cost, "x")
    assert info.value.field == "cost"


def test_evaluate_raises_the_same_errors():
    for expression, kind in [("..", "text"), ("abc", "number"), ("2026-13-45", "date"), ("(a", "code"),
                             ("x", "boolean")]:
        with pytest.raises(FilterError):
            evaluate(expression, "x", kind)
    with pytest.raises(FilterError):
        evaluate("fax", "email", "option", choices=["", "email"])


# --- evaluate ------------------------------------------------------------------------------------


@pytest.mark.parametrize("expression, value, kind, expected", [
    ("Berlin", "Berlin", "text", True),
    ("Berlin", "BERLIN", "text", False),
    ("@ber*", "BERGEN", "text", True),
    ("''", None, "text", True),
    ("''", "", "text", True),
    ("<>''", None, "text", False),
    ("jo", "JO", "code", True),
    (">200&<1200", Decimal("1199.99"), "number", True),
    (">200&<1200", 1200, "number", False),
    ("1.5", 1.5, "number", True),
    ("2024-12-31", dt.datetime(2024, 12, 31, 23, 0), "date", True),
    ("t", dt.date(2020, 1, 1), "date", False),
    ("yes", True, "boolean", True),
    ("no", 1, "boolean", False),
    ("@*COPY", "hard_copy", "option", True),
    ("*@example.com", "jo@example.com", "text", True),  # @ inside a value is a plain character
    ("a=b", "a=b", "text", True),
    ("2026-11-28", "2026-11-28 10:00:00", "date", True),  # a raw SQLite date-and-time
])
def test_evaluate(expression, value, kind, expected):
    assert evaluate(expression, value, kind) is expected


def test_evaluate_today():
    assert evaluate("t", dt.date(2020, 1, 1), "date", today=dt.date(2020, 1, 1))


def test_parse_tree():
    tree = parse("a|b&@c*|(..d)")
    assert isinstance(tree, filters.Or) and len(tree.items) == 3
    assert isinstance(tree.items[1], filters.And)
    assert tree.items[1].items[1].ci is True
    assert tree.items[2].op == "range" and tree.items[2].value is None and tree.items[2].high.text == "d"
