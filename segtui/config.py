"""Settings: a TOML file read with tomllib and written with tomli-w; paths from platformdirs."""
import os
import tomllib
from pathlib import Path

import platformdirs
import tomli_w

from .errors import SegtuiError

APP = "segtui"

DEFAULTS = {
    "theme": "segtui-dark",
    "mouse": True,
    "user_id": "",
    "output_dir": "",
    "keymap": {},
    "smtp": {"host": "localhost", "port": 25, "starttls": False, "user": "",
             "password_env": "SEGTUI_SMTP_PASSWORD", "sender": ""},
}


def data_dir():
    return os.environ.get("SEGTUI_DATA_DIR") or platformdirs.user_data_dir(APP)


def config_path(path=None):
    return Path(path or os.environ.get("SEGTUI_CONFIG") or Path(platformdirs.user_config_dir(APP)) / "settings.toml")


def _merge(base, over):
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def read_file(path=None):
    """The settings as stored (no defaults)."""
    path = config_path(path)
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise SegtuiError(f"settings file {path} is not valid TOML: {exc}") from exc


def load(path=None):
    """The settings with defaults filled in."""
    return _merge(DEFAULTS, read_file(path))


def parse_value(text):
    """A value typed on the command line: TOML syntax if it parses (true, 25, [..]), else a string."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def set_value(key, value, path=None):
    """Set a dotted key (e.g. smtp.port) and write the file; returns the stored settings."""
    if not key or any(not part for part in key.split(".")):
        raise SegtuiError(f"invalid settings key {key!r}")
    stored = read_file(path)
    node = stored
    parts = key.split(".")
    for part in parts[:-1]:
        child = node.setdefault(part, {})
        if not isinstance(child, dict):
            raise SegtuiError(f"settings key {part!r} is a value, not a table")
        node = child
    node[parts[-1]] = value
    target = config_path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    tmp.write_text(tomli_w.dumps(stored), encoding="utf-8")
    tmp.replace(target)  # atomic: a crash never leaves half a settings file
    return stored
