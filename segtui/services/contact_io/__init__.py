"""Contacts import and export: CSV (Google, Outlook, segtui's own, any other with a mapping)
and vCard 2.1/3.0/4.0.

Reading (`read_file`) never touches the database, so a screen can preview the first rows and
the rejected ones. Importing (`import_contacts`) is one transaction: companies are resolved by
name, contacts are matched against ONE query of the existing contacts (by the file's contact no
when it carries segtui's own, else by e-mail, else by name and company), numbers are allocated
by advancing the series once, and rows are written by one prepared insert (new contacts) and
one upsert on the contact no (changed ones), each run over pages of rows.
"""
import contextlib
import gc
from pathlib import Path

from ... import db as dbmod
from ...errors import NotFound, SegtuiError  # noqa: F401 - part of this package's interface
from .csv_read import header, read_csv
from .export import export_contacts  # noqa: F401
from .rows import EXPORT_FIELDS, FORMATS, IMPORT_FIELDS, MAP_FIELDS, ParsedFile, Row  # noqa: F401
from .text import guess_format, physical_lines, read_text
from .validate import known_country_codes, validate
from .vcard import read_vcard
from .vocabulary import UnknownColumns, recipe
from .writing import DryRun, ImportRefused, write
from ..results import Imported


@contextlib.contextmanager
def _no_gc():
    """The cyclic garbage collector paused while a file is read and written: an import makes
    hundreds of thousands of dicts and lists that all stay alive, and each collection would
    walk them all again (a fifth of the time of a large import). Nothing here makes cycles."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def read_file(path, format=None, mapping=None, encoding=None):
    """Parse a CSV or vCard file into rows (no database writes). Raises SegtuiError for a file
    that cannot be read at all (missing, empty, binary, no header row). `encoding` names the
    file's encoding instead of detecting it."""
    with _no_gc():
        return _read_file(Path(path), format, mapping, encoding)


def _read_file(path, format, mapping, encoding):
    text, encoding = read_text(path, encoding)
    fmt = guess_format(path, text, format)
    if fmt == "vcard":
        if mapping:
            raise SegtuiError("--map applies to CSV files only; a vCard's properties are known")
        parsed = read_vcard(path, text)
    else:
        parsed = read_csv(path, text, mapping or {})
    parsed.encoding = encoding
    known = known_country_codes()
    for row in parsed.rows:
        validate(row, known)
    return parsed


def read_columns(path, format=None, encoding=None):
    """The file's format and, for a CSV, its column names and which export it looks like
    (source None when a mapping is needed). Nothing is written."""
    path = Path(path)
    text, encoding = read_text(path, encoding)
    if guess_format(path, text, format) == "vcard":
        return {"format": "vcard", "columns": [], "source": "vcard", "encoding": encoding}
    try:
        _, delimiter, columns = header(path, physical_lines(text))
        source = recipe(columns, {}, path).source
    except UnknownColumns as exc:
        columns, source = exc.columns, None
        delimiter = header(path, physical_lines(text), {c: "" for c in columns})[1]
    return {"format": "csv", "columns": columns, "source": source, "encoding": encoding,
            "delimiter": delimiter}


def import_contacts(path, format=None, mapping=None, dry_run=False, strict=False, progress=None,
                    parsed=None, encoding=None) -> Imported:
    """Import a file in one transaction. Returns {"imported", "updated", "unchanged",
    "companies", "rejected": [{"line", "reason"}], "warnings": [{"line", "field", "reason"}],
    "unmapped_columns", "format", "source", "encoding", "dry_run"}; `imported` counts new
    contacts (companies included), `companies` the new company contacts among them. `parsed`
    (from read_file, e.g. after a preview) saves reading the file twice; `progress(done, total)`
    is called as rows are matched."""
    with _no_gc():
        return _import(path, format, mapping, dry_run, strict, progress, parsed, encoding)


def _import(path, format, mapping, dry_run, strict, progress, parsed, encoding) -> Imported:
    if parsed is None:
        parsed = _read_file(Path(path), format, mapping, encoding)
    rejected = parsed.rejected
    if strict and rejected:
        raise ImportRefused(rejected)
    written = None
    try:
        with dbmod.transaction():
            written = write(parsed.good, progress)
            if dry_run:
                raise DryRun  # rolls back what was written; the counts stay
    except DryRun:
        pass
    assert written is not None  # write() returned, or its error went to the caller
    return Imported(**written, rejected=rejected, warnings=parsed.warnings,
                    unmapped_columns=list(parsed.unmapped_columns), format=parsed.format, source=parsed.source,
                    encoding=parsed.encoding, dry_run=bool(dry_run))
