"""The errors a user can meet. The CLI maps them to exit codes; screens show their text."""


class SegtuiError(Exception):
    """Refused: validation, unknown record, bad input. Nothing was changed (exit 1)."""

    exit_code = 1


class NotFound(SegtuiError):
    """An unknown record (segment, contact, code...)."""


class Conflict(SegtuiError):
    """Already logged, changed by another user, or database busy past the timeout (exit 3)."""

    exit_code = 3


class FilterError(SegtuiError):
    """A filter expression that cannot be used; `position` is 1-based in the expression."""

    def __init__(self, message, expression="", position=None, field="", unknown_field=False):
        self.expression = expression
        self.position = position
        self.field = field
        self.unknown_field = unknown_field  # the field name itself is wrong, not its expression
        self.reason = message
        where = f" at position {position}" if position is not None else ""
        prefix = f"filter {field}={expression!r}" if field else f"filter {expression!r}"
        super().__init__(f"{prefix}: {message}{where}")


class NoLongerOpen(Conflict, NotFound):
    """A segment another user logged or deleted meanwhile: a conflict (exit 3), and not found."""


def unknown_name_hint(name, known, list_known=True):
    """What follows "unknown field 'x'": the nearest known name when one is close (a typo), else
    the known names (when `list_known`; a list of twenty names fills a 24-line terminal)."""
    import difflib  # here, not at the top: every command imports this module, few meet a typo

    close = difflib.get_close_matches(name, list(known), n=1)
    if close:
        return f"; did you mean {close[0]!r}?"
    return f"; known: {', '.join(known)}" if list_known else ""
