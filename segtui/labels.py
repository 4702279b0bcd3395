"""The user's words for stored choices, and counted nouns.

The database and JSON keep the stored values (`hard_copy`, `very_positive`, `in_progress`);
screens, lookups, messages and the command line's tables show these words instead. One table,
so "E-mail" reads the same in the lines, the resend menu and the contact card. Nothing here
knows about the screen.
"""
from __future__ import annotations

from .models import (
    CONTACT_TYPES,
    CORRESPONDENCE_TYPES,
    CRITERIA_ACTIONS,
    DELIVERY_STATUSES,
    EVALUATIONS,
    INFORMATION_FLOWS,
    INITIATED_BY,
)

# choice -> {stored value: words}. Blank means "not set" and shows as nothing in a cell.
CHOICES: dict[str, dict[str, str]] = {
    "correspondence_type": {"": "", "hard_copy": "Hard copy", "email": "E-mail"},
    "information_flow": {"": "", "outbound": "Outbound", "inbound": "Inbound"},
    "initiated_by": {"": "", "us": "Us", "them": "Them"},
    "contact_type": {"company": "Company", "person": "Person"},
    "evaluation": {"": "", "very_positive": "Very positive", "positive": "Positive", "neutral": "Neutral",
                   "negative": "Negative", "very_negative": "Very negative"},
    "delivery_status": {"": "", "in_progress": "Pending", "error": "Error"},
    "criteria_action": {"add": "Add contacts", "reduce": "Reduce contacts", "refine": "Refine contacts",
                        "add_contact": "Add line", "remove_line": "Remove line",
                        "set_contact": "Change contact", "reuse_logged": "Reuse logged segment"},
}

# The model's tuples are the truth about which values exist: the table must cover each of them.
STORED = {"correspondence_type": CORRESPONDENCE_TYPES, "information_flow": INFORMATION_FLOWS,
          "initiated_by": INITIATED_BY, "contact_type": CONTACT_TYPES, "evaluation": EVALUATIONS,
          "delivery_status": DELIVERY_STATUSES, "criteria_action": CRITERIA_ACTIONS}

# Record field names that hold a choice -> the choice.
FIELDS = {
    "correspondence_type": "correspondence_type", "correspondence_type_default": "correspondence_type",
    "information_flow": "information_flow", "initiated_by": "initiated_by", "type": "contact_type",
    "contact_type": "contact_type", "evaluation": "evaluation", "delivery_status": "delivery_status",
    "action": "criteria_action",
}

BLANK = "(blank)"  # how a lookup or menu names the blank choice, where a cell shows nothing


def label(choice: str, value) -> str:
    """The words for a stored value of `choice` (a choice name or a field name); unknown values as
    they are, so an unexpected value is still seen rather than hidden."""
    table = CHOICES.get(FIELDS.get(choice, choice), {})
    text = "" if value is None else str(value)
    return table.get(text, text)


def field_label(field: str, value) -> str:
    """`label` for a record field when it holds a choice, the value as text otherwise."""
    if field in FIELDS:
        return label(field, value)
    return "" if value is None else str(value)


def options(choice: str, blank: bool = True) -> list[tuple[str, str]]:
    """(stored value, words) for a menu or lookup, in the model's order; blank as "(blank)"."""
    name = FIELDS.get(choice, choice)
    return [(v, CHOICES[name][v] or BLANK) for v in STORED[name] if blank or v]


def stored(choice: str, text) -> str | None:
    """The stored value for what a user typed: the value itself or its words, any case, with spaces,
    dashes or underscores; None when it is neither."""
    name = FIELDS.get(choice, choice)

    def squash(s: str) -> str:
        return "".join(ch for ch in s.lower() if ch.isalnum())

    typed = squash(str(text or ""))
    for value in STORED[name]:
        if typed == squash(value) or typed == squash(CHOICES[name][value]):
            return value
    if typed in ("", "blank"):
        return "" if "" in STORED[name] else None
    return None


def plural(count: int, noun: str, many: str | None = None) -> str:
    """'1 entry', '2 entries', '1,234 lines': the count with the noun in its right number."""
    if count == 1:
        return f"1 {noun}"
    if many is None:
        if noun.endswith("y") and noun[-2:-1] not in "aeiou":
            many = noun[:-1] + "ies"
        elif noun.endswith(("s", "x", "ch", "sh")):
            many = noun + "es"
        else:
            many = noun + "s"
    return f"{count:,} {many}"
