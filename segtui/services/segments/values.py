"""Typed values a user gives a header or a line: codes that must exist, choices, yes/no, amounts,
dates and times, each checked with a message naming the field (SegtuiError / NotFound)."""
import datetime as dt
import decimal

from ... import text as words
from ...errors import NotFound, SegtuiError
from ...models import Campaign, Contact, InteractionGroup, InteractionTemplate, Language, Salesperson

# Amounts are stored with 18 digits, 2 of them decimals (models.money).
MAX_AMOUNT = decimal.Decimal(10) ** 16

LOOKUPS = {
    "interaction_template": (InteractionTemplate, InteractionTemplate.code, "interaction template"),
    "salesperson": (Salesperson, Salesperson.code, "salesperson"),
    "campaign": (Campaign, Campaign.no, "campaign"),
    "language": (Language, Language.code, "language"),
    "interaction_group": (InteractionGroup, InteractionGroup.code, "interaction group"),
    "contact": (Contact, Contact.no, "contact"),
}
# The shared yes/no words, plus a ticked "x" and a blank for a line field typed as text.
TRUE_WORDS = words.TRUE_WORDS | {"x"}
FALSE_WORDS = words.FALSE_WORDS | {""}


def _convert(name, kind, extra, value, where):
    """A typed value for a field of `kind`, or a SegtuiError naming the field."""
    if kind == "text":
        text = "" if value is None else str(value)
        return text
    if kind == "code":
        code = ("" if value is None else str(value)).strip().upper()
        if code:
            model, key, label = LOOKUPS[extra]
            if not model.select().where(key == code).exists():
                raise NotFound(f"{label} {code!r} does not exist ({where}{name})")
        return code
    if kind == "choice":
        text = ("" if value is None else str(value)).strip().lower().replace(" ", "_").replace("-", "_")
        if text not in extra:
            allowed = ", ".join(repr(v) for v in extra)
            raise SegtuiError(f"{where}{name}: {value!r} is not one of {allowed}")
        return text
    if kind == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in TRUE_WORDS:
            return True
        if text in FALSE_WORDS:
            return False
        raise SegtuiError(f"{where}{name}: {value!r} is not yes or no")
    if kind == "decimal":
        try:
            number = decimal.Decimal(str(value).strip() or "0")
        except decimal.InvalidOperation:
            raise SegtuiError(f"{where}{name}: {value!r} is not a number") from None
        if not number.is_finite() or number < 0:
            raise SegtuiError(f"{where}{name}: {value!r} must be zero or more")
        if number >= MAX_AMOUNT:
            raise SegtuiError(f"{where}{name}: {str(value)[:40]!r} is too large (at most {MAX_AMOUNT - 1:,})")
        return number
    if kind == "date":
        return parse_date(value, f"{where}{name}")
    if kind == "time":
        if value in (None, ""):
            return None
        if isinstance(value, dt.time):
            return value
        try:
            return dt.time.fromisoformat(str(value).strip())
        except ValueError:
            raise SegtuiError(f"{where}{name}: {value!r} is not a time (HH:MM)") from None
    raise SegtuiError(f"{where}{name}: cannot be set")  # pragma: no cover - kinds are fixed above


def parse_date(value, name="date"):
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip().lower()
    if text in ("t", "today"):
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise SegtuiError(f"{name}: {value!r} is not a date (YYYY-MM-DD)") from None
