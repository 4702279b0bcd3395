"""init, demo, config, backup. Each handler imports what it needs (start-up time)."""
from ..errors import SegtuiError
from .common import connect
from .output import Text, count


def register(groups, common):
    top = groups["_top"]
    p = top.add_parser("init", parents=[common], help="create or upgrade the database (idempotent)")
    p.set_defaults(handler=cmd_init)

    p = top.add_parser("demo", parents=[common], help="fill the database with demo data")
    p.add_argument("--contacts", type=int, default=2000)
    p.add_argument("--seed", type=int, default=1)
    p.set_defaults(handler=cmd_demo)

    p = top.add_parser("backup", parents=[common], help="consistent copy of the database while in use")
    p.add_argument("file")
    p.set_defaults(handler=cmd_backup)

    cfg = groups["config"]
    p = cfg.add_parser("show", parents=[common], help="print the settings")
    p.set_defaults(handler=cmd_config_show)
    p = cfg.add_parser("set", parents=[common], help="set a setting, e.g. smtp.port 587")
    p.add_argument("key")
    p.add_argument("value")
    p.set_defaults(handler=cmd_config_set)


def cmd_init(args):
    from .. import db

    db.open_database(args.db)
    version = db.init_database()
    return Text(f"database ready at {db.shown_url(db.resolve_url(args.db))} (schema version {version})",
                {"schema_version": version})


def cmd_demo(args):
    from ..services import demo

    if args.contacts < 1:
        raise SegtuiError("--contacts must be at least 1")
    connect(args, create=True)
    result = demo.fill_demo(contacts=args.contacts, seed=args.seed, progress=_progress_on_terminal())
    return Text(f"demo data: {count(result['contacts'], 'contact')} in {result['seconds']:.1f} s", result)


def _progress_on_terminal():
    """A progress line on stderr for people at a terminal; nothing for scripts and pipes."""
    import sys

    if not sys.stderr.isatty():
        return None

    def show(done, total):
        sys.stderr.write(f"\r{done:,} of {total:,} contacts" + ("\n" if done >= total else ""))
        sys.stderr.flush()

    return show


def cmd_backup(args):
    from .. import db

    connect(args)
    size = db.backup(args.file)
    return Text(f"backup written to {args.file} ({size} bytes)", {"bytes": size})


def cmd_config_show(args):
    import tomli_w

    from .. import config

    settings = config.shown(config.load())
    return Text(f"# {config.config_path()}\n" + tomli_w.dumps(settings).rstrip(), settings)


def cmd_config_set(args):
    from .. import config

    value = config.parse_value(args.value)
    stored = config.set_value(args.key, value)
    node = stored
    for part in args.key.strip().split("."):
        node = node[part]
    return Text(f"{args.key} = {node!r} saved in {config.config_path()}", {args.key: node})
