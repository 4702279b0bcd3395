"""Open the database (SQLite path/URL or PostgreSQL URL), schema version and migrations."""
import contextlib
import os
from pathlib import Path

from .drivers import import_peewee

peewee = import_peewee()  # without psycopg2, which only postgresql:// URLs load (drivers.py)

from . import config, private  # noqa: E402
from .errors import Conflict, SegtuiError  # noqa: E402
from .models import ALL_MODELS, InteractionLogEntry, SchemaInfo, database  # noqa: E402

SCHEMA_VERSION = 12
BUSY_TIMEOUT_S = 10
# A PostgreSQL statement running longer than this is stopped (a runaway query, not a wait).
STATEMENT_TIMEOUT_S = 300
# Our transactions never wait for a person; one idle this long (generous: a long Python step
# between two statements must not be cut) belongs to a stopped client.
IDLE_IN_TRANSACTION_S = 300

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "synchronous": "normal",
    "cache_size": -64_000,  # 64 MB page cache
    "temp_store": "memory",
}


def default_url():
    return "sqlite:///" + str(Path(config.data_dir()) / "segtui.db")


MEMORY_WORDS = (":memory:", "mode=memory")
SQLITE_MAGIC = b"SQLite format 3\x00"


def resolve_url(url=None):
    """The database URL from the argument, SEGTUI_DB or the default, as a URL.

    An in-memory database is refused: every change would be lost when the command ends.
    """
    url = url or os.environ.get("SEGTUI_DB") or default_url()
    if any(word in url for word in MEMORY_WORDS) or url.rstrip("/") in ("sqlite:", "sqlite:/", "sqlite"):
        raise SegtuiError(f"database {url!r} is in memory: every change would be lost when the command ends; "
                          "give a file path (e.g. --db ~/segtui.db) or a postgresql:// URL")
    if "://" not in url:
        url = "sqlite:///" + str(Path(url).expanduser().absolute())
    return url


def sqlite_path(url):
    """The file of a sqlite:/// URL."""
    path = url.split(":///", 1)[1] if ":///" in url else ""
    if not path:
        raise SegtuiError(f"database URL {url!r} names no file: use sqlite:///PATH or a plain path")
    return Path(path)


def _check_sqlite_file(path, create):
    """Refuse, in a sentence, a path that is not a SQLite file, or a missing one when not creating."""
    if path.is_dir():
        raise SegtuiError(f"{path} is a folder, not a database file: give the path of a segtui database file")
    if not path.exists():
        if not create:
            raise SegtuiError(f"there is no database at {path}: create one with 'segtui init --db {path}' "
                              "(or 'segtui demo' for demo data), or check the path")
        return
    try:
        with open(path, "rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise SegtuiError(f"cannot read the database {path}: {exc.strerror}") from exc
    if head and head != SQLITE_MAGIC:
        raise SegtuiError(f"{path} is not a segtui database (it is not a SQLite file): "
                          "give the path of a segtui database, or a new file name to 'segtui init'")


def is_sqlite(db=None):
    return isinstance(db or database.obj, peewee.SqliteDatabase)


def open_database(url=None, create=True):
    """Connect the models to the database at `url` and return it (not yet initialised).

    create=False (every command but init, demo and the worksheet) refuses a missing SQLite
    file instead of creating it, and creates no folders.
    """
    url = resolve_url(url)
    if url.startswith("sqlite"):
        path = sqlite_path(url)
        _check_sqlite_file(path, create)
        new = not path.exists()
        # Reached only when the file exists or may be created: its folder exists or may be made.
        in_data_dir = path.parent == Path(config.data_dir()).expanduser().absolute()
        private.make_private_dir(path.parent, ours=in_data_dir)
        if in_data_dir and create:  # where documents go unless the settings say otherwise
            private.make_private_dir(path.parent / "output", ours=True)
        db = peewee.SqliteDatabase(
            str(path), pragmas=SQLITE_PRAGMAS, timeout=BUSY_TIMEOUT_S,
            lock_type="IMMEDIATE", check_same_thread=False,
        )
        # Case-insensitive filters (@) need a Unicode lower() on every connection, as PostgreSQL has.
        from .filters import register_sqlite_functions

        register_sqlite_functions(db)
    elif url.startswith(("postgres", "postgresql")):
        from playhouse.db_url import connect

        from .drivers import enable_psycopg2

        enable_psycopg2()
        db = connect(url, options=pg_session_options())
    else:
        raise SegtuiError(f"unsupported database URL {url!r}: use a SQLite path or postgresql://...")
    if database.obj is not None and not database.is_closed():
        database.close()
    database.initialize(db)
    try:
        with private.owner_only_files(path.parent) if is_sqlite(db) else contextlib.nullcontext():
            db.connect(reuse_if_open=True)
            tables = set(db.get_tables())
    except peewee.DatabaseError as exc:
        db.close()
        if is_busy(exc):
            raise Conflict(busy_message(exc)) from exc
        raise SegtuiError(f"cannot open database {shown_url(url)}: {exc}; is it a segtui database?") from exc
    # A SQLite file is the database: one with other tables belongs to another program. A
    # PostgreSQL database may hold other applications' tables beside ours.
    if is_sqlite(db) and tables and "schema_info" not in tables:
        db.close()
        raise SegtuiError(f"{shown_url(url)} is a database but not a segtui database (it has no schema_info table): "
                          "give the path of a segtui database, or a new file name to 'segtui init'")
    if is_sqlite(db):
        private.protect_sqlite_files(path, new=new)
    return db


def shown_url(url):
    """The URL without its password, for messages."""
    if "://" in url and "@" in url:
        scheme, rest = url.split("://", 1)
        credentials, host = rest.rsplit("@", 1)
        return f"{scheme}://{credentials.split(':', 1)[0]}@{host}"
    return url


def pg_session_options():
    """libpq options of every segtui session on PostgreSQL: lock and statement waits bounded like
    SQLite's busy timeout; the session of a client that stopped (frozen, cut off) inside a
    transaction ended, so the row locks it held do not keep every other user busy; and no JIT
    compilation. A segment's statements touch thousands of rows by index, but their estimates
    pass the JIT threshold as soon as the statistics have seen a large segment: compiling the
    log's refusal scan took 16 ms of its 26 (2,899 lines, 100,000 contacts), once per log."""
    ms = int(BUSY_TIMEOUT_S * 1000)
    return (f"-c lock_timeout={ms} -c statement_timeout={STATEMENT_TIMEOUT_S * 1000} "
            f"-c idle_in_transaction_session_timeout={IDLE_IN_TRANSACTION_S * 1000} -c jit=off")


def schema_version():
    if not database.table_exists("schema_info"):
        return 0
    row = SchemaInfo.select().order_by(SchemaInfo.version.desc()).first()
    return row.version if row else 0


def _columns(table):
    return {c.name for c in database.get_columns(table)}


def _migrator():
    from playhouse.migrate import PostgresqlMigrator, SqliteMigrator

    return SqliteMigrator(database.obj) if is_sqlite() else PostgresqlMigrator(database.obj)


def _migrate(*ops):
    from playhouse.migrate import migrate

    migrate(*ops)


def _upgrade_to_2():
    """Version 2: delivery bookkeeping on interaction log entries (error text, Message-ID)."""
    have = _columns("interaction_log_entry")
    ops = []
    m = _migrator()
    for name in ("delivery_error", "message_id"):
        if name not in have:
            ops.append(m.add_column("interaction_log_entry", name, InteractionLogEntry._meta.fields[name]))
    if ops:
        _migrate(*ops)


def _upgrade_to_3():
    """Version 3: an index that covers a segment's cost and duration totals (today's form: schema 8)."""
    _segment_line_indexes()


def _upgrade_to_4():
    """Version 4: contacts get a version (for --if-version); comments, opt-outs and profile
    questionnaires are new tables, which init_database creates before migrating."""
    from .models import Contact

    if "version" not in _columns("contact"):
        _migrate(_migrator().add_column("contact", "version", Contact._meta.fields["version"]))


def _upgrade_to_5():
    """Version 5: "send Word docs as attachment" on segment lines (and their history), as in
    Business Central. Checks first, so it runs in any order with the other upgrades."""
    from .models import SegmentHistory, SegmentLine

    m = _migrator()
    ops = []
    for model in (SegmentLine, SegmentHistory):
        table = model._meta.table_name
        if "send_word_docs_as_attmt" not in _columns(table):
            ops.append(m.add_column(table, "send_word_docs_as_attmt", model._meta.fields["send_word_docs_as_attmt"]))
    if ops:
        _migrate(*ops)


def _upgrade_to_6():
    """Version 6 (speed): segment lines get one index for contact lookups and totals instead of two,
    interaction log entries lose the delivery_status index nothing reads by. Idempotent."""
    for name in ("segment_line_segment_no_contact_no", "segment_line_segment_no_cost_duration_min",
                 "interaction_log_entry_delivery_status"):
        database.execute_sql(f"DROP INDEX IF EXISTS {name}")
    _segment_line_indexes()


# Contact columns people filter with `@` (case-insensitive): PostgreSQL gets an index on the very
# expression the filter compiles to (filters/sql.py: lower(col COLLATE "und-x-icu"), or lower(col)
# without ICU), so `@ber*` and `@berlin` read an index instead of every contact.
CASE_INDEXED = ("name", "company_name", "city")


def _upgrade_to_7():
    """Version 7 (PostgreSQL only): expression indexes for case-insensitive filters. text_pattern_ops
    serves both `=` and a LIKE 'ber%' prefix. Idempotent; nothing to do on SQLite, whose filters
    narrow by GLOB on the plain column index."""
    if is_sqlite():
        return
    from .filters import ICU_ROOT  # the collation the filters lower with when the server has it

    icu = database.execute_sql("SELECT 1 FROM pg_collation WHERE collname = %s", (ICU_ROOT,)).fetchone()
    for column in CASE_INDEXED:
        expression = f'lower("{column}" COLLATE "{ICU_ROOT}")' if icu else f'lower("{column}")'
        database.execute_sql(f'CREATE INDEX IF NOT EXISTS contact_{column}_lower ON contact '
                             f"(({expression}) text_pattern_ops)")


def _line_parking_column():
    """segment_line's `removed_by` (schema 8), which its partial indexes name: it must exist before
    they are made. (SQLite would take an unknown quoted name in an index's WHERE for a string and
    build an index that holds the wrong lines; PostgreSQL would refuse.)"""
    from .models import SegmentLine

    if "segment_line" in database.get_tables() and "removed_by" not in _columns("segment_line"):
        _migrate(_migrator().add_column("segment_line", "removed_by", SegmentLine.removed_by))


def _segment_line_indexes():
    """segment_line's indexes as the model has them today (an older upgrade that makes indexes may
    run before version 8's, so the column they name comes first)."""
    from .models import SegmentLine

    _line_parking_column()
    SegmentLine._schema.create_indexes(safe=True)


def _upgrade_to_8():
    """Version 8 (speed): a line a criteria action removes stays in segment_line, parked under the
    action's number (`removed_by`), instead of a copy of all its columns in segment_history. Line
    indexes become partial (live lines only) plus one for parked lines; the removed lines that
    older histories hold are moved back as parked lines. Idempotent: each step checks first."""
    from .models import LineFields

    _segment_line_indexes()
    for name in ("segment_line_segment_no_line_no", "segment_line_segment_no_contact_no_cost_duration_min"):
        database.execute_sql(f"DROP INDEX IF EXISTS {name}")
    names = ", ".join(f'"{n}"' for n in ["segment_no", "line_no"] + [
        n for n in LineFields._meta.sorted_field_names if n != "id"])
    database.execute_sql(f"INSERT INTO segment_line ({names}, removed_by) SELECT {names}, action_no "
                         "FROM segment_history WHERE event = 'deleted'")
    database.execute_sql("DELETE FROM segment_history WHERE event = 'deleted'")


def _upgrade_to_9():
    """Version 9 (speed): a removal deletes its lines and go back makes them again from their
    contacts and the header; lines with values of their own are kept whole. Lines get
    `defaults_of` (0 on every older line: its history is not known, so it is kept whole), the
    header `line_defaults`, the history `numbers`. Lines parked by version 8 stay parked and come
    back as before. Idempotent: each column is checked first."""
    from .models import SegmentHeader, SegmentHistory, SegmentLine

    m = _migrator()
    ops = []
    for model, name in ((SegmentLine, "defaults_of"), (SegmentHeader, "line_defaults"), (SegmentHistory, "numbers")):
        if name not in _columns(model._meta.table_name):
            ops.append(m.add_column(model._meta.table_name, name, model._meta.fields[name]))
    if ops:
        _migrate(*ops)
    _history_storage()


def _history_storage():
    """PostgreSQL: a removal's line numbers (a few hundred KB of JSON) stored as they are, not
    compressed: writing them took 14 ms compressed against 5 ms, next to a DELETE of 16,000 lines
    of about 50 ms. SQLite stores text as it is anyway."""
    if not is_sqlite():
        database.execute_sql("ALTER TABLE segment_history ALTER COLUMN numbers SET STORAGE EXTERNAL")


def _upgrade_to_10():
    """Version 10 (speed): the header keeps its number of live lines (`line_count`, right while
    `line_count_version` equals `version`). Upgraded headers start unknown (NULL): a segment's next
    action counts its lines once and keeps the number. Idempotent: each column is checked first."""
    from .models import SegmentHeader

    m = _migrator()
    have = _columns(SegmentHeader._meta.table_name)
    ops = [m.add_column(SegmentHeader._meta.table_name, name, SegmentHeader._meta.fields[name])
           for name in ("line_count", "line_count_version") if name not in have]
    if ops:
        _migrate(*ops)
    # Whatever an older version kept there is not trusted (it never carried the count on).
    SegmentHeader.update(line_count_version=None).execute()


def _upgrade_to_11():
    """Version 11 (speed): on PostgreSQL a removal records its lines as {"lines": [...],
    "contacts": [...]} instead of [[line, contact], ...] (history._delete_lines_postgresql); the
    rows older versions wrote are rewritten in the new form, order kept, so go back reads one form.
    SQLite keeps the pairs. Idempotent: only rows still in the old form are rewritten."""
    if is_sqlite():
        return
    elements = "FROM json_array_elements(CAST(numbers AS json)) WITH ORDINALITY AS e(p, i) ORDER BY i"
    database.execute_sql(
        "UPDATE segment_history SET numbers = CAST(json_build_object("
        f"'lines', ARRAY(SELECT CAST(p ->> 0 AS int) {elements}), "
        f"'contacts', ARRAY(SELECT p ->> 1 {elements})) AS text) "
        "WHERE event = 'removed' AND left(numbers, 1) = '['")


# The very expression criteria.company_key compiles to, so the planner matches it to the index.
COMPANY_KEY_SQL = "COALESCE(NULLIF(company_no, ''), no)"


def _upgrade_to_12():
    """Version 12 (PostgreSQL only): an index on a contact's company key (its company's number, or
    its own without one), the key "entire companies" matches lines by (criteria.company_key).
    A segment just filled is unknown to the planner's statistics until the next ANALYZE, so it
    is planned as one line; without the index, the match per line was then a join of every
    contact again: a reduce with entire companies of 27,702 lines just added ran past 20 s at
    1,000,000 contacts, and a reuse of criteria past 120 s. With it, a lookup by key per line:
    0.8 s. SQLite builds the set of keys once (criteria.line_match) and needs no index.
    Idempotent."""
    if is_sqlite():
        return
    _company_key_index()
    # The planner's count of contacts per key comes from ANALYZE: without it, 5,000 (a guess),
    # and an opt-out filter was then joined as a scan per line instead of a lookup.
    database.execute_sql("ANALYZE contact")


def _company_key_index():
    if is_sqlite():
        return
    database.execute_sql(f"CREATE INDEX IF NOT EXISTS contact_company_key ON contact (({COMPANY_KEY_SQL}))")


MIGRATIONS = {2: _upgrade_to_2, 3: _upgrade_to_3, 4: _upgrade_to_4, 5: _upgrade_to_5, 6: _upgrade_to_6,
              7: _upgrade_to_7, 8: _upgrade_to_8, 9: _upgrade_to_9, 10: _upgrade_to_10, 11: _upgrade_to_11,
              12: _upgrade_to_12}


def init_database():
    """Create missing tables and upgrade an older schema in place. Idempotent."""
    with transaction():
        current = schema_version()
        if current:
            _line_parking_column()  # before create_tables makes indexes that name it
        database.create_tables(ALL_MODELS, safe=True)
        if current == 0:
            SchemaInfo.create(version=SCHEMA_VERSION)
            _seed_number_series()
            _upgrade_to_7()  # indexes create_tables does not make (expressions, PostgreSQL only)
            _company_key_index()  # (no contacts yet to analyze)
            _history_storage()
            return SCHEMA_VERSION
        for version in range(current + 1, SCHEMA_VERSION + 1):
            if version in MIGRATIONS:  # numbers are assigned per change; a branch may lack some
                MIGRATIONS[version]()
        SchemaInfo.update(version=SCHEMA_VERSION).execute()
    return SCHEMA_VERSION


def _seed_number_series():
    from .models import NumberSeries

    NumberSeries.insert_many(
        [{"code": "SEGMENT", "prefix": "SM", "width": 5}, {"code": "CONTACT", "prefix": "CT", "width": 6}]
    ).on_conflict_ignore().execute()


def ensure_ready(url=None, create=True):
    """Open and initialise: what every command does before it works.

    create=False refuses a database that does not exist yet (only init, demo and the
    worksheet make one), and one made by a newer segtui.
    """
    db = open_database(url, create=create)
    current = schema_version()
    if current > SCHEMA_VERSION:
        raise SegtuiError(f"the database has schema version {current}, newer than this segtui knows "
                          f"({SCHEMA_VERSION}): upgrade segtui")
    if current == 0 and not create:
        raise SegtuiError(f"there is no segtui database at {shown_url(resolve_url(url))} yet: create one with "
                          "'segtui init' (or 'segtui demo' for demo data)")
    if current != SCHEMA_VERSION:
        init_database()
    return db


# PostgreSQL error codes that mean "another user holds what we need": lock_not_available (lock
# timeout), query_canceled (statement timeout), deadlock_detected, serialization_failure.
BUSY_PGCODES = {"55P03", "57014", "40P01", "40001"}


def is_busy(exc):
    """True for a wait that ran out or lost to another user: SQLite's busy/locked, PostgreSQL's
    lock or statement timeout, deadlock or serialization failure."""
    original = getattr(exc, "orig", None) or exc.__cause__ or exc
    if getattr(original, "pgcode", None) in BUSY_PGCODES:
        return True
    text = str(exc).lower()
    return "database is locked" in text or "database is busy" in text or "database table is locked" in text


@contextlib.contextmanager
def transaction():
    """One user action, one transaction; a lock held past the busy timeout is a conflict."""
    try:
        with database.atomic():
            yield
    except peewee.DatabaseError as exc:
        if is_busy(exc):
            raise Conflict(busy_message(exc)) from exc
        raise


def run_together(*queries):
    """Run write queries whose results nobody reads: on PostgreSQL in one round trip (psycopg2 sends
    the statements as one text), on SQLite, which runs in process, one after another."""
    if is_sqlite() or len(queries) == 1:
        for query in queries:
            query.execute()
        return
    texts, params = [], []
    for query in queries:
        sql, values = query.sql()
        texts.append(sql)
        params.extend(values)
    database.execute_sql("; ".join(texts), params)


def busy_message(exc):
    """What to tell the user of a wait that ran out: a statement past the time limit is not a lock."""
    if "statement timeout" in str(exc).lower():
        return (f"a statement ran longer than the limit of {STATEMENT_TIMEOUT_S // 60} minutes on the "
                f"database server; nothing was changed: {exc}")
    return f"the database is busy (locked by another user or process); nothing was changed, try again: {exc}"


def next_no(series_code):
    """The next number of a series, e.g. SM00001. Call inside a transaction."""
    from .models import NumberSeries

    series = NumberSeries.get_or_none(NumberSeries.code == series_code)
    if series is None:
        raise SegtuiError(f"number series {series_code} is missing: run 'segtui init'")
    NumberSeries.update(last_no=NumberSeries.last_no + 1).where(NumberSeries.code == series_code).execute()
    number = NumberSeries.get(NumberSeries.code == series_code).last_no
    return f"{series.prefix}{number:0{series.width}d}"


def backup(target):
    """A consistent copy of a SQLite database while in use (SQLite's online backup)."""
    if not is_sqlite():
        raise SegtuiError("backup works on SQLite; for PostgreSQL use pg_dump")
    target = Path(target)
    if target.exists():
        raise SegtuiError(f"{target} exists already: choose a new file")
    import sqlite3

    if not target.parent.is_dir():
        raise SegtuiError(f"folder {target.parent} does not exist: choose a file in an existing folder")
    # A copy of personal data: owner-only like the database (a team folder's umask decides there).
    with private.owner_only_files(target.parent):
        dest = sqlite3.connect(str(target))
        try:
            database.connection().backup(dest)
        finally:
            dest.close()
    private.protect_sqlite_files(target, new=True)
    return target.stat().st_size


def close_thread_connection():
    """Peewee keeps one connection per thread: a worker thread closes its own when done."""
    try:
        if database.obj is not None and not database.is_closed():
            database.close()
    except Exception:  # noqa: BLE001 - closing is best effort
        pass


def thread_connection():
    """This thread's database connection (opened if needed), or None."""
    try:
        return database.obj.connection() if database.obj is not None else None
    except Exception:  # noqa: BLE001
        return None
