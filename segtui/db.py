"""Open the database (SQLite path/URL or PostgreSQL URL), schema version and migrations."""
import contextlib
import os
from pathlib import Path

import peewee
from playhouse.db_url import connect
from playhouse.migrate import PostgresqlMigrator, SqliteMigrator, migrate

from . import config
from .errors import Conflict, SegtuiError
from .models import ALL_MODELS, InteractionLogEntry, SchemaInfo, database

SCHEMA_VERSION = 4
BUSY_TIMEOUT_S = 10

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "synchronous": "normal",
    "cache_size": -64_000,  # 64 MB page cache
    "temp_store": "memory",
}


def default_url():
    return "sqlite:///" + str(Path(config.data_dir()) / "segtui.db")


def resolve_url(url=None):
    """The database URL from the argument, SEGTUI_DB or the default, as a URL."""
    url = url or os.environ.get("SEGTUI_DB") or default_url()
    if url == ":memory:":
        return "sqlite:///:memory:"
    if "://" not in url:
        url = "sqlite:///" + str(Path(url).expanduser().absolute())
    return url


def is_sqlite(db=None):
    return isinstance(db or database.obj, peewee.SqliteDatabase)


def open_database(url=None):
    """Connect the models to the database at `url` and return it (not yet initialised)."""
    url = resolve_url(url)
    if url.startswith("sqlite"):
        path = url.split(":///", 1)[1] if ":///" in url else ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        db = peewee.SqliteDatabase(
            path or ":memory:", pragmas=SQLITE_PRAGMAS, timeout=BUSY_TIMEOUT_S,
            lock_type="IMMEDIATE", check_same_thread=False,
        )
        # Case-insensitive filters (@) need a Unicode lower() on every connection, as PostgreSQL has.
        from .filters import register_sqlite_functions

        register_sqlite_functions(db)
    elif url.startswith(("postgres", "postgresql")):
        db = connect(url)
    else:
        raise SegtuiError(f"unsupported database URL {url!r}: use a SQLite path or postgresql://...")
    if database.obj is not None and not database.is_closed():
        database.close()
    database.initialize(db)
    try:
        db.connect(reuse_if_open=True)
    except peewee.OperationalError as exc:
        raise SegtuiError(f"cannot open database {url}: {exc}") from exc
    return db


def schema_version():
    if not database.table_exists("schema_info"):
        return 0
    row = SchemaInfo.select().order_by(SchemaInfo.version.desc()).first()
    return row.version if row else 0


def _columns(table):
    return {c.name for c in database.get_columns(table)}


def _migrator():
    return SqliteMigrator(database.obj) if is_sqlite() else PostgresqlMigrator(database.obj)


def _upgrade_to_2():
    """Version 2: delivery bookkeeping on interaction log entries (error text, Message-ID)."""
    have = _columns("interaction_log_entry")
    ops = []
    m = _migrator()
    for name in ("delivery_error", "message_id"):
        if name not in have:
            ops.append(m.add_column("interaction_log_entry", name, InteractionLogEntry._meta.fields[name]))
    if ops:
        migrate(*ops)


def _upgrade_to_3():
    """Version 3: an index that covers a segment's cost and duration totals."""
    from .models import SegmentLine

    SegmentLine._schema.create_indexes(safe=True)


def _upgrade_to_4():
    """Version 4: contacts get a version (for --if-version); comments, opt-outs and profile
    questionnaires are new tables, which init_database creates before migrating."""
    from .models import Contact

    if "version" not in _columns("contact"):
        migrate(_migrator().add_column("contact", "version", Contact._meta.fields["version"]))


MIGRATIONS = {2: _upgrade_to_2, 3: _upgrade_to_3, 4: _upgrade_to_4}


def init_database():
    """Create missing tables and upgrade an older schema in place. Idempotent."""
    with transaction():
        current = schema_version()
        database.create_tables(ALL_MODELS, safe=True)
        if current == 0:
            SchemaInfo.create(version=SCHEMA_VERSION)
            _seed_number_series()
            return SCHEMA_VERSION
        for version in range(current + 1, SCHEMA_VERSION + 1):
            MIGRATIONS[version]()
        SchemaInfo.update(version=SCHEMA_VERSION).execute()
    return SCHEMA_VERSION


def _seed_number_series():
    from .models import NumberSeries

    NumberSeries.insert_many(
        [{"code": "SEGMENT", "prefix": "SM", "width": 5}, {"code": "CONTACT", "prefix": "CT", "width": 6}]
    ).on_conflict_ignore().execute()


def ensure_ready(url=None):
    """Open and initialise: what every command does before it works."""
    db = open_database(url)
    if schema_version() != SCHEMA_VERSION:
        init_database()
    return db


@contextlib.contextmanager
def transaction():
    """One user action, one transaction; a lock held past the busy timeout is a conflict."""
    try:
        with database.atomic():
            yield
    except peewee.OperationalError as exc:
        text = str(exc).lower()
        if "locked" in text or "busy" in text:
            raise Conflict(f"the database is busy (locked by another user or process): {exc}") from exc
        raise


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

    dest = sqlite3.connect(str(target))
    try:
        database.connection().backup(dest)
    finally:
        dest.close()
    return target.stat().st_size
