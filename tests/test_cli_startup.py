"""Start-up of the command line: a plain command loads only what it needs (issue 13, point 4).

No timing here (timings belong to bench/): the test checks which modules a command's process
has loaded, which is what the start-up time follows from.
"""
import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import segtui
from segtui.cli import interaction_entry as cli_interaction_entry

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("textual", "docx", "mammoth", "lxml", "psycopg2", "mailmerge", "rich")

# Runs the real entry point in a fresh interpreter, then prints which heavy modules it loaded.
RUNNER = """
import json, sys
from segtui.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as exc:  # --version and --help exit from argparse
    code = exc.code
sys.stdout.flush()
heavy = sorted({name.split('.')[0] for name in sys.modules} & set(json.loads(sys.stdin.read())))
print('LOADED=' + json.dumps({"code": code, "heavy": heavy}))
"""


def run_cli(args, env_db):
    proc = subprocess.run(
        [sys.executable, "-c", RUNNER, *args], input=json.dumps(HEAVY), capture_output=True, text=True,
        cwd=ROOT, env={"PATH": "/usr/bin:/bin", "SEGTUI_DB": str(env_db), "HOME": str(env_db.parent),
                       "SEGTUI_CONFIG": str(env_db.parent / "settings.toml")},
        timeout=60,
    )
    line = [part for part in proc.stdout.splitlines() if part.startswith("LOADED=")]
    assert line, proc.stderr
    return json.loads(line[-1][len("LOADED="):]), proc.stdout


@pytest.fixture
def empty_db(tmp_path):
    path = tmp_path / "segtui.db"
    subprocess.run([sys.executable, "-m", "segtui", "init", "--db", str(path)], check=True,
                   capture_output=True, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
                                             "SEGTUI_CONFIG": str(tmp_path / "settings.toml")})
    return path


@pytest.mark.parametrize("args", [["--version"], ["segment", "list", "--json"], ["contacts", "list", "--json"],
                                  ["criteria", "list", "--json"], ["segment", "no-such"]],
                         ids=["version", "segment-list", "contacts-list", "criteria-list", "usage-error"])
def test_a_plain_command_loads_no_screen_word_or_postgresql_code(empty_db, args):
    loaded, out = run_cli(args, empty_db)
    assert loaded["heavy"] == [], f"{args} loaded {loaded['heavy']}"
    if args == ["segment", "list", "--json"]:
        assert loaded["code"] == 0 and json.loads(out.splitlines()[0]) == []


def test_version_prints_the_package_version(empty_db):
    proc = subprocess.run([sys.executable, "-m", "segtui", "--version"], capture_output=True, text=True, cwd=ROOT)
    with open(ROOT / "pyproject.toml", "rb") as handle:
        version = tomllib.load(handle)["project"]["version"]
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"segtui {version}" == f"segtui {segtui.__version__}"


def test_the_help_of_interactions_new_lists_the_fields_the_service_takes():
    from segtui.services import interaction_entry

    assert cli_interaction_entry.FIELD_NAMES == interaction_entry.FIELD_NAMES


def test_peewee_imported_without_psycopg2_gets_it_back_for_postgresql():
    # A fresh interpreter: peewee imported the light way, then handed psycopg2 as a postgresql://
    # URL would; the adapter must then be usable (what peewee's own import sets up).
    code = """
import sys
from segtui.drivers import import_peewee, enable_psycopg2
peewee = import_peewee()
assert peewee.psycopg2 is None and 'psycopg2' not in sys.modules
enable_psycopg2()
import psycopg2
assert peewee.psycopg2 is psycopg2
db = peewee.PostgresqlDatabase('segtui_none')
assert db._adapter.json_type is not None
assert peewee.Psycopg2Adapter.txn_idle == psycopg2.extensions.TRANSACTION_STATUS_IDLE
print('ok')
"""
    pytest.importorskip("psycopg2")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert proc.stdout.strip() == "ok", proc.stderr


def test_a_postgresql_url_without_the_driver_is_refused_in_a_sentence(tmp_path):
    # psycopg2 made unimportable in a fresh interpreter: the command says what to install, exit 1.
    code = ("import sys; sys.modules['psycopg2'] = None\n"
            "from segtui.cli import main\n"
            "sys.exit(main(['segment', 'list', '--db', 'postgresql://nobody@127.0.0.1:1/none']))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
                               "SEGTUI_CONFIG": str(tmp_path / "settings.toml")})
    assert proc.returncode == 1
    assert "needs the psycopg2 driver" in proc.stderr and "Traceback" not in proc.stderr


def _commands(parser, path=()):
    """{command path: its options and arguments, as help lists them} of a parser and its sub-commands."""
    import argparse

    out = {path: sorted((tuple(a.option_strings), a.dest, str(a.help)) for a in parser._actions)}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                out.update(_commands(sub, path + (name,)))
    return out


def test_a_command_builds_only_its_own_group_and_that_group_is_whole():
    # Start-up: a command builds the sub-commands of the group it names only; what it builds must
    # be the same as in the whole parser (else a command or option would go missing).
    from segtui.cli import GROUPS, build_parser

    whole = _commands(build_parser())
    for group in [*GROUPS, "_top"]:
        part = _commands(build_parser(group))
        mine = {path: value if not path or path[0] == group else [a for a in value if a[1] != "subcommand"]
                for path, value in whole.items() if len(path) < 2 or path[0] == group}
        assert part == mine, group
        assert len(part) < len(whole)


@pytest.mark.parametrize("argv, group", [
    (["segment", "list", "--json"], "segment"),
    (["--db", "x.db", "criteria", "list"], "criteria"),
    (["--db=x.db", "--json", "logged", "list"], "logged"),
    (["--config", "segment", "contacts", "list"], "contacts"),
    (["init"], "_top"),
    ([], "_top"),
    (["--version"], "_top"),
    (["--d", "x.db", "segment", "list"], None),
    (["--", "segment"], None),
], ids=["group", "db-before", "db-equals", "option-value-like-a-group", "top-command", "none", "version",
        "abbreviated-option", "double-dash"])
def test_the_group_a_command_line_names(argv, group):
    from segtui.cli import group_named

    assert group_named(argv) == group


def test_a_plain_command_does_not_load_the_settings_readers_without_a_settings_file(empty_db):
    # tomllib and tomli_w cost a plain command's start-up; the settings file is absent here.
    proc = subprocess.run(
        [sys.executable, "-c", "import sys\nfrom segtui.cli import main\nmain(['segment', 'list'])\n"
         "print(sorted({'tomllib', 'tomli_w'} & set(sys.modules)))"],
        capture_output=True, text=True, cwd=ROOT, timeout=60,
        env={"PATH": "/usr/bin:/bin", "SEGTUI_DB": str(empty_db), "HOME": str(empty_db.parent),
             "SEGTUI_CONFIG": str(empty_db.parent / "settings.toml")})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1] == "[]"
