"""Optimistic versions: a change made from what a user read is refused when the record has
changed since (exit 3), instead of silently overwriting the other user's change.

A record with a `version` column (segment headers) uses it. A record without one (segment
lines, contacts) gets a version computed from its stored values, so any change of a value
changes it without a schema change; it is shown and checked the same way.
"""
import datetime as dt
import decimal
import hashlib
import json

from ..errors import Conflict, SegtuiError
from ..models import json_value

# Never part of a content version: keys, and columns that are not the record's own values.
_SKIP = {"id", "version", "attachment"}


def _plain(value):
    if isinstance(value, (bytes, bytearray, memoryview)):
        return hashlib.blake2b(bytes(value), digest_size=8).hexdigest()
    if isinstance(value, decimal.Decimal):
        # 7.5 and 7.50 are the same amount: the version must not depend on how it was read.
        return format(value.normalize(), "f") if value.is_finite() else str(value)
    if isinstance(value, float):
        return _plain(decimal.Decimal(repr(value)))
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return json_value(value)


def content_version(values, fields=None):
    """A positive integer (below 2**48, exact in JSON) that changes whenever one of the values does."""
    names = sorted(fields if fields is not None else (k for k in values if k not in _SKIP))
    text = json.dumps([[n, _plain(values.get(n))] for n in names], ensure_ascii=False, default=str)
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=6).digest(), "big") or 1


def version_of(record, fields=None):
    """The version of a model row or dict: its `version` column when it has one, else its content."""
    if isinstance(record, dict):
        if "version" in record and fields is None:
            return int(record["version"])
        return content_version(record, fields)
    meta = getattr(record, "_meta", None)
    if meta is not None and "version" in meta.fields:
        return int(record.version)
    names = fields if fields is not None else [n for n in getattr(meta, "sorted_field_names") if n not in _SKIP]
    return content_version({n: getattr(record, n) for n in names}, names)


def parse_expected(value, option="--if-version"):
    """The version a user typed, as an integer; None when not given."""
    if value is None or value == "":
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        raise SegtuiError(f"{option}: {value!r} is not a version number (see 'version' in show)") from None
    if not 0 <= number < 2 ** 63:
        raise SegtuiError(f"{option}: {str(value)[:30]!r} is not a version segtui gives (see 'version' in show)")
    return number


def _value_of(record, name):
    value = record.get(name) if isinstance(record, dict) else getattr(record, name, None)
    value = ("yes" if value else "no") if isinstance(value, bool) else _plain(value)
    text = "" if value is None else str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def check_version(record, expected, what, fields=None, changing=()):
    """Raise Conflict when `record` is no longer at the version the user read (`expected`).

    `record` is the row as it is now (read inside the transaction that will change it);
    `what` names it for people ("segment SM00001", "contact CT000012"). None means no check.
    `changing` names the fields the user wanted to set: the message says what they hold now,
    so the user sees what the other user's change left there.
    """
    expected = parse_expected(expected)
    if expected is None:
        return
    current = version_of(record, fields)
    if current != expected:
        now = ", ".join(f"{name} is now {_value_of(record, name)!r}" for name in changing
                        if (isinstance(record, dict) and name in record) or hasattr(record, name))
        raise Conflict(f"{what} was changed by another user since you read it: version was {expected}, "
                       f"now {current}" + (f" ({now})" if now else "")
                       + "; nothing was changed (read it again and redo your change)")
