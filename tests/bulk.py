"""Test data in bulk: rows made by one INSERT ... SELECT over a recursive CTE counting x from 1,
so that a test has a million lines, contacts or entries in seconds."""
from segtui.models import database


def fill_rows(model, count, given):
    """`count` rows of `model`: `given` maps a field to its SQL expression (of x); every other
    column gets its empty value (NULL where it may be, '' for text, else 0); keys are left to the
    database."""
    fields = [f for f in model._meta.sorted_fields if f.field_type != "AUTO"]

    def value(field):
        if field.name in given:
            return given[field.name]
        if field.null:
            return "NULL"
        return "''" if field.field_type in ("VARCHAR", "TEXT") else "0"

    with database.atomic():
        database.execute_sql(
            f"INSERT INTO {model._meta.table_name} ({', '.join(f.column_name for f in fields)}) "
            f"WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < {count}) "
            f"SELECT {', '.join(value(f) for f in fields)} FROM n")
