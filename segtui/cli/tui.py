"""`segtui` / `segtui tui`: the worksheet in the terminal; `segtui serve`: in a browser."""
import shlex
import sys

from ..errors import SegtuiError


def register(groups, common):
    top = groups["_top"]
    p = top.add_parser("tui", parents=[common], help="the worksheet (same as no command)")
    p.add_argument("--no-mouse", action="store_true", help="do not capture the mouse")
    p.add_argument("--theme", help="theme for this session (t in the app chooses and saves one)")
    p.set_defaults(handler=cmd_tui)

    p = top.add_parser("serve", parents=[common], help="the worksheet in a browser (textual-serve)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: loopback only)")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--theme", help="theme for the served sessions")
    p.set_defaults(handler=cmd_serve)


def cmd_tui(args):
    from ..tui.app import SegtuiApp

    app = SegtuiApp(db_url=args.db, theme=args.theme, mouse=not args.no_mouse)
    app.run(mouse=app.mouse)
    return None


def serve_command(args):
    """The command textual-serve starts for each browser session."""
    parts = [sys.executable, "-m", "segtui", "tui"]
    if args.db:
        parts += ["--db", args.db]
    if args.config:
        parts += ["--config", args.config]
    if getattr(args, "theme", None):
        parts += ["--theme", args.theme]
    return " ".join(shlex.quote(p) for p in parts)


def cmd_serve(args):
    try:
        from textual_serve.server import Server
    except ImportError as exc:
        raise SegtuiError("segtui serve needs textual-serve: pip install textual-serve") from exc
    if not 0 < args.port < 65536:
        raise SegtuiError(f"--port {args.port} is not a TCP port (1-65535)")
    from .. import db

    db.ensure_ready(args.db)  # fail here, in words, rather than in every browser session
    print(f"segtui worksheet on http://{args.host}:{args.port}  (ctrl+c stops)", file=sys.stderr)
    Server(serve_command(args), host=args.host, port=args.port, title="segtui").serve()
    return None
