"""Pages of a segment's lines, fast at any depth of a million-line segment.

A page is read by key (line_no after or before a given one, or the last lines), never by OFFSET,
with one SQL text per direction built once: SQLite's statement cache then reuses the prepared
statement, and rows come back as plain tuples with no Peewee model or per-cell conversion
(the sheet formats only the cells it draws). `segments.lines()` turns such a page into
JSON-ready dicts for the command line.
"""
from ..models import LINE_COLUMNS, database, normal_code

# The columns of a page, in order (every line field but the attachment's bytes, then the contact's).
LINE_FIELDS = ["segment_no", "line_no"] + [f for f in LINE_COLUMNS if f != "attachment"]
CONTACT_FIELDS = ["contact_name", "contact_company_name", "contact_email", "contact_phone"]
COLUMNS = LINE_FIELDS + CONTACT_FIELDS + ["has_attachment"]
INDEX = {name: i for i, name in enumerate(COLUMNS)}
BOOL_COLUMNS = ("campaign_target", "campaign_response", "attempt_failed", "has_attachment")

_SQL: dict = {}


def _sql(direction, param):
    """The page statement for a direction: 'after' (ascending from a key), 'before' / 'last'
    (descending, turned around by the caller)."""
    key = (direction, param)
    if key not in _SQL:
        select = ", ".join([f'l."{f}"' for f in LINE_FIELDS]
                           + [f"COALESCE(c.\"{src}\", '')" for src in ("name", "company_name", "email", "phone")]
                           + ["l.attachment IS NOT NULL"])
        where = {"after": f" AND l.line_no > {param}", "before": f" AND l.line_no < {param}", "last": ""}[direction]
        order = "" if direction == "after" else " DESC"
        # Live lines only: lines a criteria action removed stay parked in the table (removed_by).
        _SQL[key] = (f"SELECT {select} FROM segment_line AS l LEFT JOIN contact AS c ON c.no = l.contact_no "
                     f"WHERE l.segment_no = {param} AND l.removed_by IS NULL{where} "
                     f"ORDER BY l.line_no{order} LIMIT {param}")
    return _SQL[key]


def page(segment_no, limit=100, after_line_no=None, before_line_no=None, last=False):
    """Up to `limit` lines in line order as tuples (columns: COLUMNS): the first ones, those after
    `after_line_no`, those just before `before_line_no`, or the last ones (`last=True`)."""
    db = database.obj
    param = db.param
    no = normal_code(segment_no)
    limit = int(limit)
    if last or before_line_no is not None:
        if last:
            rows = db.execute_sql(_sql("last", param), (no, limit)).fetchall()
        else:
            rows = db.execute_sql(_sql("before", param), (no, int(before_line_no), limit)).fetchall()
        rows.reverse()
        return rows
    after = -1 if after_line_no is None else int(after_line_no)
    return db.execute_sql(_sql("after", param), (no, after, limit)).fetchall()


def json_rows(rows):
    """Page rows as JSON-ready dicts (dates as ISO text, amounts as numbers, flags as booleans),
    the same on SQLite and PostgreSQL."""
    out = []
    for row in rows:
        data = dict(zip(COLUMNS, row))
        for name in ("date", "time_of_interaction"):
            value = data[name]
            if value is not None and not isinstance(value, str):
                data[name] = value.isoformat()
        for name in ("cost", "duration_min"):
            data[name] = float(data[name] or 0)
        for name in BOOL_COLUMNS:
            data[name] = bool(data[name])
        out.append(data)
    return out
