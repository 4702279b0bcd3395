"""Database drivers loaded only when a database needs them.

peewee imports psycopg2 (and looks for psycopg, MySQL drivers) when it is first imported: about
15 ms of every command's start, though most commands open a SQLite file. `import_peewee()` imports
peewee with those drivers hidden; `enable_psycopg2()` gives them back to peewee when a
postgresql:// URL is opened. If peewee was already imported the normal way, both do nothing.
"""
import sys

HIDDEN_DRIVERS = ("psycopg2cffi", "psycopg2", "psycopg", "pymysql", "MySQLdb")


def import_peewee():
    if "peewee" in sys.modules:
        return sys.modules["peewee"]
    saved = {name: sys.modules[name] for name in HIDDEN_DRIVERS if name in sys.modules}
    if saved:  # a driver is already loaded: nothing to save by hiding it
        import peewee

        return peewee
    for name in HIDDEN_DRIVERS:
        sys.modules[name] = None  # type: ignore[assignment]  # makes `import name` raise ImportError
    try:
        import peewee
    finally:
        for name in HIDDEN_DRIVERS:
            del sys.modules[name]
    return peewee


def enable_psycopg2():
    """Hand psycopg2 to a peewee imported without it (what peewee's own import would have done)."""
    import peewee

    if peewee.psycopg2 is not None:
        return
    try:
        import psycopg2
    except ImportError:
        from .errors import SegtuiError

        raise SegtuiError("a postgresql:// database needs the psycopg2 driver: "
                          "pip install 'segtui[postgres]' (or psycopg2-binary)") from None
    from psycopg2 import extensions
    from psycopg2.extras import Json, register_uuid

    register_uuid()
    peewee.psycopg2, peewee.pg_extensions, peewee.Json_pg2 = psycopg2, extensions, Json
    adapter = peewee.Psycopg2Adapter
    adapter.txn_idle = extensions.TRANSACTION_STATUS_IDLE
    adapter.txn_inerror = extensions.TRANSACTION_STATUS_INERROR
    adapter.txn_unknown = extensions.TRANSACTION_STATUS_UNKNOWN
