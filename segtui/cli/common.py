"""Helpers every area of the command line uses."""
from ..errors import SegtuiError


def connect(args, create=False):
    """Open and, when needed, upgrade the database named by --db / SEGTUI_DB. Only init, demo and
    the worksheet create one (create=True); other commands say there is none and how to make one."""
    from .. import db  # here, not at the top: `segtui --version` and usage errors need no database

    return db.ensure_ready(getattr(args, "db", None), create=create)


def parse_filters(values):
    """`--filter FIELD=EXPRESSION` values as (field, expression) pairs."""
    pairs = []
    for value in values or []:
        field, sep, expression = value.partition("=")
        if not sep or not field.strip():
            raise SegtuiError(f"filter {value!r} must be FIELD=EXPRESSION, e.g. city=@ber*")
        pairs.append((field.strip(), expression))
    return pairs


def parse_assignments(values):
    """FIELD=VALUE arguments as a dict."""
    out = {}
    for value in values or []:
        field, sep, text = value.partition("=")
        if not sep or not field.strip():
            raise SegtuiError(f"{value!r} must be FIELD=VALUE")
        out[field.strip()] = text
    return out


def add_filter_option(parser, required=False):
    parser.add_argument("--filter", action="append", default=[], required=required, metavar="FIELD=EXPR",
                        help="filter in the filter language, e.g. city=@ber* (repeatable; all must hold)")


def add_if_version_option(parser, what):
    """--if-version N: change only if the record is still at the version the user read."""
    parser.add_argument("--if-version", metavar="N",
                        help=f"change only if the {what}'s version (see show/lines) is still N; "
                             "otherwise exit 3 and change nothing")


def command(group, name, common, handler, help, *positionals):
    """A subcommand with the common options, its positional arguments (by name, as typed) and the
    handler it runs; options and typed arguments are added to the parser it returns."""
    parser = group.add_parser(name, parents=[common], help=help)
    for positional in positionals:
        parser.add_argument(positional)
    parser.set_defaults(handler=handler)
    return parser
