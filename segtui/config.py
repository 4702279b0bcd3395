"""Settings: a TOML file read with tomllib and written with tomli-w; paths from platformdirs."""
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from . import private
from .errors import SegtuiError
from .text import yes_no

APP = "segtui"

# A key named like this holds a secret: never stored, never shown.
SECRET_WORDS = ("password", "secret", "token", "passphrase")
ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
SENDER = re.compile(r"^(?:[^<>@\r\n]*<[^<>@\s]+@[^<>@\s]+\.[^<>@\s]+>|[^<>@\s]+@[^<>@\s]+\.[^<>@\s]+)$")


def _port(key: str, value: int) -> None:
    if not 0 < value < 65536:
        raise SegtuiError(f"{key}: {value} is not a TCP port (1-65535)")


def _host(key: str, value: str) -> None:
    if any(ch.isspace() for ch in value):
        raise SegtuiError(f"{key}: {value!r} is not a host name (no spaces)")


def _env_name(key: str, value: str) -> None:
    if value and not ENV_NAME.match(value):
        raise SegtuiError(f"{key}: {value!r} is not an environment variable name (letters, digits, _)")


def _sender(key: str, value: str) -> None:
    if value and not SENDER.match(value.strip()):
        raise SegtuiError(f"{key}: {value!r} is not an e-mail address (name@example.com or "
                          "'Name <name@example.com>')")


# Every command reads the settings: tomllib, tomli_w and platformdirs are imported where they are
# used, for a quick start-up of a plain command.
@dataclass(frozen=True)
class Setting:
    """One setting: its dotted key, default (whose type is the setting's type), what it is for,
    and a check beyond the type. A `table` setting holds free keys (keymap: action -> key)."""
    key: str
    default: Any
    label: str
    check: Callable[[str, Any], None] | None = None
    table: bool = False

    @property
    def type(self) -> type:
        return type(self.default)


# The settings: read at start (load) and by `config set` (set_value), both checked by this table.
SCHEMA: tuple[Setting, ...] = (
    Setting("theme", "segtui-dark", "colour theme (t in the app chooses one)"),
    Setting("mouse", True, "capture the mouse"),
    Setting("user_id", "", "user id written on logged entries (default: the login name)"),
    Setting("output_dir", "", "folder for letters, labels and exports"),
    Setting("keymap", {}, "keys: action name -> key, e.g. go_back = \"ctrl+z\"", table=True),
    Setting("smtp.host", "localhost", "SMTP server", _host),
    Setting("smtp.port", 25, "SMTP port", _port),
    Setting("smtp.starttls", False, "use STARTTLS"),
    Setting("smtp.user", "", "SMTP user name"),
    Setting("smtp.password_env", "SEGTUI_SMTP_PASSWORD", "environment variable holding the SMTP password",
            _env_name),
    Setting("smtp.sender", "", "From address of e-mails", _sender),
)
BY_KEY = {s.key: s for s in SCHEMA}
# Keys whose value is a free-form table (action name -> key).
FREE_TABLES = {s.key for s in SCHEMA if s.table}
# The tables that group settings (smtp): a key of theirs is set, never the table itself.
GROUPS = {s.key.rsplit(".", 1)[0] for s in SCHEMA if "." in s.key}


def _defaults() -> dict[str, Any]:
    out: dict[str, Any] = {}
    for setting in SCHEMA:
        *groups, last = setting.key.split(".")
        node = out
        for group in groups:
            node = node.setdefault(group, {})
        node[last] = dict(setting.default) if setting.table else setting.default
    return out


# The settings with nothing stored, nested as the file holds them (smtp is a table).
DEFAULTS: dict[str, Any] = _defaults()

# Set by the command line from --config for this run (passed, not put in the environment).
_chosen_file: Path | None = None


def use_file(path: str | os.PathLike | None) -> None:
    """The settings file of this run (--config); None: SEGTUI_CONFIG or the default place."""
    global _chosen_file
    _chosen_file = Path(path) if path else None


def data_dir():
    if os.environ.get("SEGTUI_DATA_DIR"):
        return os.environ["SEGTUI_DATA_DIR"]
    import platformdirs

    return platformdirs.user_data_dir(APP)


def default_config_dir():
    import platformdirs

    return Path(platformdirs.user_config_dir(APP))


def config_path(path=None) -> Path:
    return Path(path or _chosen_file or os.environ.get("SEGTUI_CONFIG") or default_config_dir() / "settings.toml")


def _merge(base, over):
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def is_secret(key):
    last = key.rsplit(".", 1)[-1].lower()
    return any(word in last for word in SECRET_WORDS) and not last.endswith("_env")


def _secret_refusal(key):
    env = BY_KEY["smtp.password_env"].default
    return (f"{key}: a password is never kept in the settings; put it in the environment variable that "
            f"smtp.password_env names ({env} unless you changed it), e.g. export {env}=...")


def _known_keys() -> list[str]:
    return [s.key for s in SCHEMA]


def _typed(key: str, value: Any, kind: type) -> Any:
    """`value` in the type `kind` (yes/no words for booleans), or SegtuiError naming the key."""
    if kind is bool:
        if isinstance(value, str):
            value = yes_no(value, value)
        if not isinstance(value, bool):
            raise SegtuiError(f"{key}: {value!r} is not true or false")
        return value
    if kind is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise SegtuiError(f"{key}: {value!r} is not a number")
        return float(value)
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise SegtuiError(f"{key}: {value!r} is not a whole number")
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)  # e.g. a user id typed as 1234
    if not isinstance(value, str):
        raise SegtuiError(f"{key}: {value!r} must be text")
    return value


def _no_control(key: str, value: Any) -> None:
    if isinstance(value, str) and any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise SegtuiError(f"{key}: the value contains a control character (a line break, NUL...)")


def check_value(key, value):
    """The value for a known key in its type (yes/no words for booleans); SegtuiError naming the
    key and what is expected otherwise."""
    if is_secret(key):
        raise SegtuiError(_secret_refusal(key))
    parts = key.split(".")
    if parts[0] in FREE_TABLES and len(parts) == 2:
        if not isinstance(value, str):
            raise SegtuiError(f"{key}: {value!r} must be text (a key, e.g. ctrl+z)")
        return value
    setting = BY_KEY.get(key)
    if setting is None and key not in GROUPS:
        raise SegtuiError(f"unknown setting {key!r}; known: {', '.join(_known_keys())}")
    if setting is None or setting.table:
        if setting is not None and isinstance(value, dict):
            return {k: check_value(f"{key}.{k}", v) for k, v in value.items()}
        if setting is not None:
            raise SegtuiError(f"{key} is a table of settings: set one of its keys, e.g. {key}.go_back ctrl+z")
        inner = ", ".join(k for k in _known_keys() if k.startswith(key + "."))
        raise SegtuiError(f"{key} is a table of settings: set one of its keys ({inner})")
    value = _typed(key, value, setting.type)
    # The setting's own check first: it names what the value should be (an address, a port...).
    if setting.check is not None:
        setting.check(key, value)
    _no_control(key, value)
    return value


def validate(stored, where="settings"):
    """Check every stored key (known keys, their types, no secret); the first problem is named."""
    def walk(node, prefix):
        for key, value in node.items():
            name = f"{prefix}{key}"
            if isinstance(value, dict) and name not in FREE_TABLES:
                if name in BY_KEY:
                    raise SegtuiError(f"{where}: {name} must be a value, not a table")
                if name not in GROUPS and not is_secret(name):
                    raise SegtuiError(f"{where}: unknown setting {name!r}; known: {', '.join(_known_keys())}")
                walk(value, name + ".")
            else:
                try:
                    check_value(name, value)
                except SegtuiError as exc:
                    raise SegtuiError(f"{where}: {exc}") from None
    walk(stored, "")
    return stored


def read_file(path=None):
    """The settings as stored (no defaults), checked: unknown keys, wrong types and secrets refused."""
    path = config_path(path)
    if not path.exists():
        return {}
    private.tighten_file(path)
    if path.parent == default_config_dir():
        private.make_private_dir(path.parent, ours=True)
    import tomllib

    try:
        stored = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise SegtuiError(f"settings file {path} is not valid TOML: {exc}") from exc
    except RecursionError:
        raise SegtuiError(f"settings file {path} is nested too deeply to be settings") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SegtuiError(f"cannot read the settings file {path}: {exc}") from exc
    return validate(stored, f"settings file {path}")


def load(path=None):
    """The settings with defaults filled in."""
    return _merge(DEFAULTS, read_file(path))


def shown(settings):
    """The settings as `config show` prints them: a secret never appears (only whether it is set)."""
    out = {}
    for key, value in settings.items():
        if isinstance(value, dict):
            out[key] = shown(value)
        elif is_secret(key):
            out[key] = "(hidden)"
        else:
            out[key] = value
    if "password_env" in settings:
        out["password_set"] = bool(os.environ.get(settings["password_env"] or ""))
    return out


def parse_value(text):
    """A value typed on the command line: TOML syntax if it parses (true, 25, [..]), else a string."""
    import tomllib

    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text
    except RecursionError:
        raise SegtuiError("the value is nested too deeply to be a setting") from None


def set_value(key, value, path=None):
    """Set a dotted key (e.g. smtp.port) and write the file; returns the stored settings.

    The key must be known and the value of its type; a password is refused (it comes from the
    environment). The file is written atomically and readable by its owner only.
    """
    if not key or any(not part for part in key.split(".")):
        raise SegtuiError(f"invalid settings key {key!r}")
    key = key.strip()
    stored = read_file(path)
    node = stored
    parts = key.split(".")
    for part in parts[:-1]:
        child = node.setdefault(part, {})
        if not isinstance(child, dict):
            raise SegtuiError(f"settings key {part!r} is a value, not a table")
        node = child
    value = check_value(key, value)
    node[parts[-1]] = value
    target = config_path(path)
    import tomli_w

    try:
        if key == "output_dir" and value:
            private.make_private_dir(Path(value).expanduser())  # documents go there: owner-only when new
        private.make_private_dir(target.parent, ours=target.parent == default_config_dir())
        private.write_private_text(target, tomli_w.dumps(stored))
    except OSError as exc:
        raise SegtuiError(f"cannot save {key}: {exc.strerror or exc} ({exc.filename or target}); "
                          "nothing was changed") from exc
    return stored
