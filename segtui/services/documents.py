"""The document an interaction log entry carries (the merged letter that was produced).

Screens show its name and save it to a file the user names; nothing here imports Textual.
"""
from pathlib import Path

from ..errors import NotFound, SegtuiError
from ..models import InteractionLogEntry


def _entry(entry_no):
    try:
        no = int(str(entry_no).strip())
    except ValueError:
        raise SegtuiError(f"entry number {entry_no!r} is not a number") from None
    entry = InteractionLogEntry.get_or_none(InteractionLogEntry.entry_no == no)
    if entry is None:
        raise NotFound(f"interaction log entry {entry_no} does not exist")
    return entry


def entry_document(entry_no):
    """{"entry_no", "name", "bytes"} of the entry's document ("name" blank and 0 bytes when none)."""
    entry = _entry(entry_no)
    data = bytes(entry.attachment) if entry.attachment is not None else b""
    return {"entry_no": entry.entry_no, "name": entry.attachment_name or "", "bytes": len(data)}


def save_entry_document(entry_no, target, overwrite=False):
    """Write the entry's document to `target` (a file, or a folder to keep its own name); the path."""
    entry = _entry(entry_no)
    if entry.attachment is None:
        raise SegtuiError(f"interaction log entry {entry.entry_no} has no document")
    target = Path(target).expanduser()
    if target.is_dir():
        target = target / (entry.attachment_name or f"entry-{entry.entry_no}.docx")
    if target.exists() and not overwrite:
        raise SegtuiError(f"{target} exists already: choose another name")
    if not target.parent.is_dir():
        raise SegtuiError(f"folder {target.parent} does not exist")
    target.write_bytes(bytes(entry.attachment))
    return str(target)
