"""Text from the database shown on a terminal: control characters as visible escapes.

A description or a name may hold anything a user or an import put there, including escape
sequences that would clear or recolour the screen (ESC [2J), move the cursor, or reverse the
direction of the text. Tables, sentences and the worksheet show such characters as escapes
(\\x1b, \\n, \\u202e) instead of sending them to the terminal; JSON output stays exact.
"""
import re

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# C0 and C1 controls, DEL, and the invisible Unicode characters that reorder or hide text.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_UNSAFE_BUT_NEWLINE = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def _escape(match):
    char = match.group(0)
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text, keep_newlines=False):
    """`text` with every control or invisible formatting character written as an escape.

    keep_newlines=True leaves line breaks (for whole messages made of lines); a table cell
    or a worksheet cell shows them as \\n too.
    """
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    pattern = _UNSAFE_BUT_NEWLINE if keep_newlines else _UNSAFE
    return pattern.sub(_escape, text)


def is_safe(text):
    """True when `text` has nothing visible() would escape."""
    return not _UNSAFE.search(text or "")


# The words a yes/no value may be typed as (settings, setup lists): one list for every reader.
TRUE_WORDS = frozenset({"true", "yes", "y", "on", "1"})
FALSE_WORDS = frozenset({"false", "no", "n", "off", "0"})


def yes_no(text: str, otherwise=None):
    """True or False for a yes/no word (any case, spaces around), else `otherwise`."""
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return otherwise
