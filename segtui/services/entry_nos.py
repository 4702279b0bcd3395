"""Entry numbers as a user types them (interactions, logged segments, delivery)."""
from ..errors import SegtuiError


def parse_entry_nos(values):
    """Entry numbers typed by a user as ints, or a SegtuiError naming the bad one."""
    out = []
    for value in values or []:
        try:
            out.append(int(str(value).strip()))
        except ValueError:
            raise SegtuiError(f"entry number {value!r} is not a number") from None
    if not out:
        raise SegtuiError("give at least one entry number")
    return sorted(set(out))
