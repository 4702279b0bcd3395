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

    def __init__(self, message, expression="", position=None, field=""):
        self.expression = expression
        self.position = position
        self.field = field
        self.reason = message
        where = f" at position {position}" if position is not None else ""
        prefix = f"filter {field}={expression!r}" if field else f"filter {expression!r}"
        super().__init__(f"{prefix}: {message}{where}")


class NoLongerOpen(Conflict, NotFound):
    """A segment another user logged or deleted meanwhile: a conflict (exit 3), and not found."""
