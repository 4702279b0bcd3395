"""The filter language's SQL: user text only as parameters, columns left bare where an index can
serve, the @ search as index ranges, and PostgreSQL's LIKE/COLLATE forms."""
import peewee
import pytest

from segtui.filters import compile_filter, parse
from segtui.models import Contact

# --- SQL shape -------------------------------------------------------------------------------------


def sql_of(field, expression):
    return Contact.select().where(compile_filter(field, expression)).sql()


def test_user_text_is_never_pasted_into_sql(db):
    sql, params = sql_of(Contact.name, "'x''; DROP TABLE contact; --'|Ro*")
    assert "DROP" not in sql and "Ro" not in sql
    assert "x'; DROP TABLE contact; --" in params


def test_plain_forms_leave_the_column_bare(db):
    for expression in ("Berlin", "A..B", ">A", "Ber*"):
        sql, _ = sql_of(Contact.city, expression)
        assert '"t1"."city" ' in sql and "lower" not in sql, (expression, sql)
    sql, params = sql_of(Contact.city, "Ber*")
    assert "GLOB" in sql and params == ["Ber*"]
    sql, params = sql_of(Contact.city, "@Ber*")
    # first the spellings of the start, which the index finds, then the exact Unicode test
    assert "segtui_lower" in sql and params[:-1] == [
        "ber*", "beR*", "bEr*", "bER*", "Ber*", "BeR*", "BEr*", "BER*"] and params[-1] == "ber*"
    sql, params = sql_of(Contact.city, "@*lin")
    # no start to look up: a LIKE (folds A-Z) then the exact test
    assert "LIKE" in sql and params[0] == "%lin" and params[-1] == "*lin"


@pytest.mark.parametrize("expression", ["Berlin", "Ber*", "@ber*", "@berlin", "@BERL?N", "B..C", "@mü*"])
def test_index_is_used(db, expression):
    query = Contact.select(Contact.no).where(compile_filter(Contact.city, expression))
    sql, params = query.sql()
    plan = " ".join(str(row[-1]) for row in db.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall())
    assert "INDEX contact_city" in plan, plan



def test_glob_specials_are_escaped(db):
    _, params = sql_of(Contact.name, "'a[b]*?'*")
    assert params == ["a[[]b[]][*][?]*"]


def test_like_pattern_for_postgres():
    from segtui.filters import _like

    pieces = parse("'50%_!'*?").value.pieces
    assert _like(pieces) == "50!%!_!!%_"


def test_postgres_sql_uses_like_escape_and_collate_c():
    pg = peewee.PostgresqlDatabase(None)

    class Thing(peewee.Model):
        city = peewee.CharField()
        code = peewee.CharField()

        class Meta:
            database = pg

    sql, params = Thing.select().where(compile_filter(Thing.city, "Ber*|@m*")).sql()
    assert "LIKE" in sql and "ESCAPE '!'" in sql and "lower(" in sql and params == ["Ber%", "m%"]
    sql, params = Thing.select().where(compile_filter(Thing.city, "A..B")).sql()
    assert 'COLLATE "C"' in sql and params == ["A", "B"]
    sql, _ = Thing.select().where(compile_filter(Thing.city, "Berlin")).sql()
    assert "COLLATE" not in sql
    sql, params = Thing.select().where(compile_filter(Thing.code, "<>ab*")).sql()
    assert "NOT" in sql and params == ["AB%"]


# --- performance ----------------------------------------------------------------------------------


def test_case_insensitive_pattern_on_many_contacts_searches_the_city_index(db):
    n = 50_000
    # Filled with one INSERT ... SELECT: a Python loop would cost more than the query under test.
    db.execute_sql(
        "WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i < ?) "
        "INSERT INTO contact (no, type, name, first_name, surname, company_no, company_name, search_name,"
        " address, address_2, post_code, city, county, country_code, phone, mobile, email, language_code,"
        " salesperson_code, territory_code, correspondence_type, exclude_from_segment, job_title,"
        " created_at, modified_at) "
        "SELECT printf('C%07d', i), 'person', 'N' || i, '', '', '', '', '', '', '', '', "
        " CASE i % 8 WHEN 0 THEN 'Berlin' WHEN 1 THEN 'BERGEN' WHEN 2 THEN 'bergamo' WHEN 3 THEN 'Bern'"
        " WHEN 4 THEN 'London' WHEN 5 THEN 'Paris' WHEN 6 THEN 'München' ELSE 'Köln' END,"
        " '', '', '', '', '', '', '', '', '', 0, '', '2026-01-01', '2026-01-01' FROM seq",
        (n - 1,))
    query = Contact.select().where(compile_filter(Contact.city, "@ber*"))
    assert query.count() == n // 2
    # Fast because every spelling is an index range, never a scan of all contacts (timings are
    # for bench/, not for the suite).
    sql, params = query.sql()
    plan = [row[-1] for row in db.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall()]
    assert not any(step.startswith("SCAN") for step in plan), plan
    assert any("USING INDEX contact_city" in step for step in plan), plan


def test_spellings_cover_every_character_that_lowers_to_ascii():
    """The index look-up for @ is only right if no other character lowers to an ASCII one."""
    from segtui.filters import _spellings

    for code in range(0x110000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        ch = chr(code)
        low = ch.lower()
        if low[0] < "\x80":
            assert ch in _spellings(low[0])[0], hex(code)
            if len(low) > 1:  # only İ: i + combining dot, never equal to an all-ASCII text
                assert ch not in _spellings(low[0], dotted_i=False)[0]
