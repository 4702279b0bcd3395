"""The command line: parse, call a service, print a table or JSON (docs/cli.md).

Each area module (core, contacts, segments, ...) has `register(groups, common)`: it adds its
sub-commands to the top-level groups and sets `handler=function(args)` on each. A handler
returns the result (dict, list or str); this module prints it and maps errors to exit codes.
"""
import argparse
import importlib
import sys

from ..errors import SegtuiError
from ..text import visible
from . import output

# Top-level command groups; an area module may add sub-commands to any of them.
GROUPS = {
    "contacts": "contacts: list, import, export",
    "segment": "segments: create, fill by criteria, log",
    "logged": "logged segments",
    "interactions": "interaction log entries",
    "criteria": "saved segment criteria",
    "template": "interaction templates and their Word templates",
    "config": "settings (TOML)",
    "setup": "setup lists: salespeople, campaigns, groups, relations, languages",
}
AREAS = ["core", "contacts", "contact_io", "segments", "logging", "word", "tui", "setup",
         "interaction_entry"]


class UsageError(Exception):
    pass


class Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(f"{self.prog}: {message}")


def common_options(defaults=True):
    """--db, --config, --json: accepted before or after the command. Sub-commands leave them
    unset (SUPPRESS) so a value given before the command is not overwritten by their default."""
    common = Parser(add_help=False)
    kw = {} if defaults else {"default": argparse.SUPPRESS}
    common.add_argument("--db", help="database: SQLite path or URL, or postgresql://... (env SEGTUI_DB)", **kw)
    common.add_argument("--config", help="settings TOML file (env SEGTUI_CONFIG)", **kw)
    common.add_argument("--json", action="store_true", help="print the result as JSON", **kw)
    return common


class _Skipped:
    """Stands in for the sub-commands of a group the command line does not name: registering
    on it costs nothing (building every group's parsers took 13 ms of a plain command's start-up)."""

    def __getattr__(self, name):
        return self._ignore

    def _ignore(self, *args, **kwargs):
        return self


# Options of the top-level parser that take a value, and those that do not.
_VALUE_OPTIONS = {"--db", "--config"}
_FLAG_OPTIONS = {"--json", "--version", "-h", "--help"}


def group_named(argv):
    """The command group the arguments name ("_top" for a top-level command or none), or None
    when that is not certain (an abbreviated or unknown option first): then every group is built."""
    args = iter(argv)
    for arg in args:
        if arg in _VALUE_OPTIONS:
            next(args, None)
        elif arg in _FLAG_OPTIONS or ("=" in arg and arg.split("=", 1)[0] in _VALUE_OPTIONS):
            continue
        elif arg.startswith("-"):
            return None
        else:
            return arg if arg in GROUPS else "_top"
    return "_top"


def build_parser(wanted=None):
    """The whole parser; with `wanted` (a group name or "_top"), the sub-commands of the other
    groups are left out (their names stay, for help and for choices)."""
    common = common_options(defaults=False)
    parser = Parser(prog="segtui", parents=[common_options()],
                    description="Contact segments and interactions, in the terminal.")
    from .. import __version__

    parser.add_argument("--version", action="version", version=f"segtui {__version__}")
    top = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    groups = {}
    for name, help_text in GROUPS.items():
        group_parser = top.add_parser(name, help=help_text, parents=[common])
        group_parser.set_defaults(group_parser=group_parser)
        if wanted is not None and name != wanted:
            groups[name] = _Skipped()
            continue
        groups[name] = group_parser.add_subparsers(dest="subcommand", metavar="SUBCOMMAND", parser_class=Parser)
    groups["_top"] = top
    for area in AREAS:
        module = importlib.import_module(f".{area}", __name__)
        module.register(groups, common)
    return parser


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        parser = build_parser(group_named(argv))
        args = parser.parse_args(argv)
    except UsageError as exc:
        print(f"usage error: {exc}", file=sys.stderr)
        return 2
    from .. import config

    # Every run says which settings file it reads (None: SEGTUI_CONFIG or the default place):
    # passed to the settings module, never put in the environment other code and children see.
    config.use_file(args.config)
    if args.command is None:
        args = parser.parse_args(["tui", *argv])
    handler = getattr(args, "handler", None)
    if handler is None:
        args.group_parser.print_help(sys.stderr)
        return 2
    # peewee without psycopg2 (loaded for postgresql:// URLs only): see segtui/drivers.py.
    from ..drivers import import_peewee

    peewee = import_peewee()
    try:
        result = handler(args)
    except SegtuiError as exc:  # exit_code: 1 for a refusal, 3 for a Conflict
        print(f"error: {visible(str(exc), keep_newlines=True)}", file=sys.stderr)
        return exc.exit_code
    except peewee.DatabaseError as exc:
        from ..db import busy_message, is_busy

        if is_busy(exc):
            print(f"error: {busy_message(exc)}", file=sys.stderr)
            return 3
        print(f"error: database: {exc}", file=sys.stderr)
        return 1
    except OverflowError:
        # A number typed on the command line that no database column can hold; refused before
        # anything was written (the statement that would use it never ran).
        print("error: a number you gave is too large (numbers, line numbers and limits stay below "
              "9,223,372,036,854,775,807); nothing was changed", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("error: interrupted; nothing half done was kept", file=sys.stderr)
        return 130
    if result is not None:
        output.emit(result, as_json=args.json)
    return 0


def run():
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader (e.g. `| head`) stopped early: not an error of ours; silence the flush at exit.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 0
    sys.exit(code)
