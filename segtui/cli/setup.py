"""setup list / new / set / delete KIND ...: the eight setup lists (spec/cli.md, second round)."""
from .common import connect, parse_assignments
from .output import Text, table

KINDS_HELP = ("salesperson, campaign, interaction-group, mailing-group, industry-group, business-relation, "
              "job-responsibility, language")


def register(groups, common):
    g = groups["setup"]
    p = g.add_parser("list", parents=[common], help=f"one setup list ({KINDS_HELP})")
    p.add_argument("kind")
    p.set_defaults(handler=cmd_list)
    p = g.add_parser("new", parents=[common], help="a new record: KIND CODE [FIELD=VALUE]...")
    p.add_argument("kind")
    p.add_argument("code")
    p.add_argument("fields", nargs="*", metavar="FIELD=VALUE")
    p.set_defaults(handler=cmd_new)
    p = g.add_parser("set", parents=[common], help="change a record: KIND CODE FIELD=VALUE...")
    p.add_argument("kind")
    p.add_argument("code")
    p.add_argument("fields", nargs="+", metavar="FIELD=VALUE")
    p.set_defaults(handler=cmd_set)
    p = g.add_parser("delete", parents=[common], help="delete a record nothing uses: KIND CODE")
    p.add_argument("kind")
    p.add_argument("code")
    p.set_defaults(handler=cmd_delete)


def _save(args, new):
    from ..services import setup

    kind = setup.kind_of(args.kind)
    values = parse_assignments(args.fields)
    key = setup.fields(kind)[0][0]
    values[key] = args.code
    connect(args)
    return setup.save_record(kind, values, new=new)


def cmd_list(args):
    from ..services import setup

    kind = setup.kind_of(args.kind)
    connect(args)
    rows = setup.list_records(kind)
    return Text(table(rows, [name for name, _label, _typ in setup.fields(kind)]), rows)


def cmd_new(args):
    return _save(args, new=True)


def cmd_set(args):
    return _save(args, new=False)


def cmd_delete(args):
    from ..services import setup

    kind = setup.kind_of(args.kind)
    connect(args)
    return setup.delete_record(kind, args.code)
