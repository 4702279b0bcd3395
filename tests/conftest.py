"""Shared fixtures: a fresh database per test, demo data, and the real command line."""
import io
import json
import os
import shutil
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from segtui import db as dbmod



def _database_per_worker():
    """Each xdist worker gets its own PostgreSQL database, so parallel tests never share tables."""
    url, worker = os.environ.get("SEGTUI_TEST_PG"), os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker:
        return
    import psycopg2

    base, _, name = url.rpartition("/")
    mine = f"{name}_{worker}"
    conn = psycopg2.connect(url)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (mine,))
        if not cur.fetchone():
            cur.execute(f'CREATE DATABASE "{mine}"')
    conn.close()
    os.environ["SEGTUI_TEST_PG"] = f"{base}/{mine}"


_database_per_worker()

# CI runs the property tests on the same examples every time, so a landing never fails on an
# example no one can reproduce; on a developer's machine they keep exploring new ones.
if os.environ.get("CI"):
    from hypothesis import settings as _hypothesis_settings

    _hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
    _hypothesis_settings.load_profile("ci")

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
_DEMO_CACHE = {}


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "segtui.db"


@pytest.fixture
def db(db_path, tmp_path, monkeypatch):
    """A fresh, initialised SQLite database with the models bound to it."""
    monkeypatch.setenv("SEGTUI_DB", str(db_path))
    monkeypatch.setenv("SEGTUI_CONFIG", str(tmp_path / "settings.toml"))
    monkeypatch.setenv("SEGTUI_DATA_DIR", str(tmp_path / "data"))
    database = dbmod.open_database(str(db_path))
    dbmod.init_database()
    yield database
    database.close()


def _demo_template(tmp_path_factory, contacts, seed):
    """Demo data is built once per session and copied: filling it per test would be slow."""
    key = (contacts, seed)
    if key not in _DEMO_CACHE:
        from segtui.services import demo

        path = tmp_path_factory.mktemp("demo") / "demo.db"
        database = dbmod.open_database(str(path))
        dbmod.init_database()
        demo.fill_demo(contacts=contacts, seed=seed)
        database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        database.close()
        _DEMO_CACHE[key] = path
    return _DEMO_CACHE[key]


@pytest.fixture
def demo_db(db_path, tmp_path, tmp_path_factory, monkeypatch):
    """A database with 300 demo contacts (seed 1)."""
    source = _demo_template(tmp_path_factory, 300, 1)
    shutil.copy(source, db_path)
    monkeypatch.setenv("SEGTUI_DB", str(db_path))
    monkeypatch.setenv("SEGTUI_CONFIG", str(tmp_path / "settings.toml"))
    monkeypatch.setenv("SEGTUI_DATA_DIR", str(tmp_path / "data"))
    database = dbmod.open_database(str(db_path))
    yield database
    database.close()


@pytest.fixture
def fixed_contacts():
    """How many contacts fixed_db holds; a module overrides this fixture to have fewer."""
    return 60


@pytest.fixture
def fixed_db(db, db_path, fixed_contacts):
    """The fixed data of tui_fixtures (no clock, no seed): what the list screens and snapshots show."""
    from tui_fixtures import fill_fixed

    fill_fixed(contacts=fixed_contacts)
    return db_path


@pytest.fixture
def pg_url():
    """The PostgreSQL database the tests may empty (SEGTUI_TEST_PG, see .ci/run); skips without one."""
    url = os.environ.get("SEGTUI_TEST_PG")
    if not url:
        pytest.skip("set SEGTUI_TEST_PG=postgresql://... to run on PostgreSQL")
    return url


@pytest.fixture
def pg(pg_url, tmp_path, monkeypatch):
    """An empty, initialised PostgreSQL database with the models bound to it; emptied after."""
    from segtui.models import ALL_MODELS, database

    monkeypatch.setenv("SEGTUI_CONFIG", str(tmp_path / "settings.toml"))
    monkeypatch.setenv("SEGTUI_DATA_DIR", str(tmp_path / "data"))
    conn = dbmod.open_database(pg_url)
    database.drop_tables(ALL_MODELS, safe=True)
    dbmod.init_database()
    yield conn
    database.close()  # a test may have left the connection in a failed transaction
    dbmod.open_database(pg_url)
    database.drop_tables(ALL_MODELS, safe=True)
    database.close()


@pytest.fixture
def server():
    """A real SMTP server on loopback; what it received is in server.handler.received."""
    from aiosmtpd.controller import Controller
    from word_helpers import SlowRecorder, free_port

    controller = Controller(SlowRecorder(), hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller
    controller.stop()


def _parse(code, out):
    if code != 0:
        return None
    try:
        return json.loads(out)
    except ValueError:
        return out


@pytest.fixture
def run_cli(db_path, tmp_path):
    """Run the real `segtui` entry point; returns (exit_code, json_or_text, stderr)."""
    env = dict(os.environ, SEGTUI_DB=str(db_path), SEGTUI_CONFIG=str(tmp_path / "settings.toml"),
               SEGTUI_DATA_DIR=str(tmp_path / "data"))

    def run(*args, json_out=True, input=None):
        cmd = [sys.executable, "-m", "segtui", *map(str, args)] + (["--json"] if json_out else [])
        p = subprocess.run(cmd, capture_output=True, text=True, env=env, input=input, timeout=300)
        return p.returncode, (_parse(p.returncode, p.stdout) if json_out else p.stdout), p.stderr

    return run


@pytest.fixture
def cli_main(db_path, tmp_path, monkeypatch):
    """The same command line in-process (faster); returns (exit_code, json_or_text, stderr)."""
    from segtui.cli import main

    monkeypatch.setenv("SEGTUI_DB", str(db_path))
    monkeypatch.setenv("SEGTUI_CONFIG", str(tmp_path / "settings.toml"))
    monkeypatch.setenv("SEGTUI_DATA_DIR", str(tmp_path / "data"))

    def run(*args, json_out=True):
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            code = main([*map(str, args)] + (["--json"] if json_out else []))
        text = out.getvalue()
        return code, (_parse(code, text) if json_out else text), err.getvalue()

    yield run
    from segtui import config

    config.use_file(None)  # a run given --config chose the settings file for this process only


def pytest_collection_modifyitems(config, items):
    """Refuse the run when a parameter id could differ between workers (see suite_rules)."""
    from suite_rules import unstable_id_reason

    def values(item):
        spec = getattr(item, "callspec", None)
        return list(spec.params.values()) if spec else []

    bad = [f"{item.nodeid[:150]}: {reason}" for item in items
           if (reason := unstable_id_reason(item.nodeid, values(item)))]
    if bad:
        raise pytest.UsageError("parameter ids that can differ between runs; give them ids=:\n  "
                                + "\n  ".join(bad[:10]))
