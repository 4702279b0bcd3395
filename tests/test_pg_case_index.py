"""Case-insensitive (`@`) filters on PostgreSQL read an index (issue 16): migration 7 makes
expression indexes on the very expression the filter compiles to. PostgreSQL tests run when
SEGTUI_TEST_PG=postgresql://... names a database they may empty (see .ci/run)."""
import pytest

from segtui import db as dbmod
from segtui import filters
from segtui.models import Contact, SchemaInfo, database

CITIES = ["Berlin", "BERLIN", "berlingen", "Bern", "London", "Paris", "Lyon", "Madrid", "Rome", "Oslo"]


def case_indexes():
    rows = database.execute_sql("SELECT indexname FROM pg_indexes WHERE tablename = 'contact' "
                                "AND indexname LIKE %s", ("%_lower",)).fetchall()
    return sorted(r[0] for r in rows)


EXPECTED = sorted(f"contact_{c}_lower" for c in dbmod.CASE_INDEXED)


def test_a_new_database_has_the_indexes_and_the_upgrade_is_idempotent(pg):
    assert case_indexes() == EXPECTED
    dbmod._upgrade_to_7()  # again: nothing changes, nothing fails
    assert case_indexes() == EXPECTED


def test_an_older_database_gets_them_when_upgraded(pg):
    for name in EXPECTED:
        database.execute_sql(f"DROP INDEX {name}")
    SchemaInfo.update(version=6).execute()
    assert dbmod.init_database() == dbmod.SCHEMA_VERSION >= 7
    assert case_indexes() == EXPECTED


def _fill(count=3000):
    Contact.insert_many([dict(no=f"CT{i:06d}", type="person", name=f"Person {i}", city=CITIES[i % len(CITIES)])
                         for i in range(count)]).execute()
    database.execute_sql("ANALYZE contact")


@pytest.mark.parametrize("field, expression, expected", [
    ("city", "@ber*", {"Berlin", "BERLIN", "berlingen", "Bern"}),
    ("city", "@berlin", {"Berlin", "BERLIN"}),
    ("name", "@person 1*", None),
], ids=["city-prefix", "city-equal", "name-prefix"])
def test_an_at_filter_reads_the_expression_index(pg, field, expression, expected):
    _fill()
    condition = filters.compile_filter(getattr(Contact, field), expression)
    query = Contact.select(Contact.no, Contact.city).where(condition)
    sql, params = query.sql()
    with database.atomic():
        # Whether the index CAN serve the filter; with few rows the planner may still prefer a scan.
        database.execute_sql("SET LOCAL enable_seqscan = off")
        plan = "\n".join(r[0] for r in database.execute_sql("EXPLAIN " + sql, params).fetchall())
    assert f"contact_{field}_lower" in plan, plan
    rows = list(query)
    if expected is not None:
        assert {r.city for r in rows} == expected
    else:
        assert rows and all(r.name.lower().startswith("person 1") for r in Contact.select().where(condition))


def test_sqlite_gets_no_expression_index(db):
    dbmod._upgrade_to_7()
    names = {r[0] for r in database.execute_sql("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert not {n for n in names if n.endswith("_lower")}
