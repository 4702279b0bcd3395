"""Reading a CSV: the header row, the delimiter, and records with broken quotes reported on
the line where their row starts."""
import csv
import itertools
import re

from ...errors import SegtuiError
from .rows import ParsedFile, Row
from .text import physical_lines
from .vocabulary import UnknownColumns, looks_like, recipe, recognised, unused_columns


def _guess_delimiter(header_line):
    counts = {",": 0, ";": 0, "\t": 0}
    quoted = False
    for ch in header_line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def _stray_quote_column(raw, delimiter, columns):
    """The column whose unquoted cell contains a double quote, scanning the row's raw text."""
    i, col, n = 0, 0, len(raw)
    while i <= n:
        if i < n and raw[i] == '"':  # quoted cell: skip to its closing quote
            i += 1
            while i < n:
                if raw[i] == '"':
                    if i + 1 < n and raw[i + 1] == '"':
                        i += 2
                        continue
                    break
                i += 1
            i += 1
            while i < n and raw[i] not in (delimiter, "\n"):
                i += 1
        else:
            start = i
            while i < n and raw[i] not in (delimiter, "\n"):
                i += 1
            if '"' in raw[start:i]:
                return columns[col] if col < len(columns) else f"#{col + 1}"
        if i >= n or raw[i] == "\n":
            return None
        i += 1
        col += 1
    return None


MAX_QUOTE_RESTARTS = 100


def _csv_records(lines, delimiter, columns, offset=0):
    """Yield (start_line, cells, problem) for each record; problem is a broken-quote reason.

    A quote that is never closed (or closes somewhere that leaves the row with too many
    cells) is reported on the line where the row starts, and reading resumes on the next
    physical line, so one bad quote does not swallow the rest of the file."""
    width = len(columns)
    pos = 1  # 0-based index of the next physical line to read; line 0 is the header
    total = len(lines)
    restarts = 0
    while pos < total:
        if restarts >= MAX_QUOTE_RESTARTS:
            # Each restart may read to the end of the file: stop before that becomes quadratic.
            yield pos + 1 + offset, None, (
                f"not read: after {MAX_QUOTE_RESTARTS} broken quotes reading stopped here; lines "
                f"{pos + 1 + offset}-{total + offset} were not imported (check the file's quoting)")
            return
        base = pos
        # islice, not a slice: restarting after many bad quotes must not copy the file each time.
        reader = csv.reader(itertools.islice(lines, base, None), delimiter=delimiter, strict=True)
        start = base
        restart = None
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                pos = total
                break
            except csv.Error as exc:
                msg = str(exc)
                at = base + reader.line_num + offset  # the physical line where reading failed
                if "unexpected end of data" in msg:
                    why = "broken quote: a quoted cell that starts on this line is never closed"
                elif "expected after" in msg and at > start + 1 + offset:
                    why = (f"broken quote: a quoted cell opened on this line is not closed on it "
                           f"(the next quote, on line {at}, is followed by more text)")
                elif "expected after" in msg:
                    why = "broken quote: text follows the closing quote of a quoted cell"
                elif "field limit" in msg:
                    why = (f"broken quote: a quoted cell that starts on this line runs on for more than "
                           f"{csv.field_size_limit()} characters without being closed")
                else:
                    why = f"broken quote: {msg}"
                yield start + 1 + offset, None, why
                restart = start + 1
                break
            end = base + reader.line_num  # lines consumed so far (exclusive end index)
            line_no = start + 1 + offset
            if not cells or len(cells) <= 1 and not cells[0].strip():
                start = end
                continue
            spans = end - start > 1
            if len(cells) > width and any(c.strip() for c in cells[width:]):
                if spans:
                    yield line_no, None, (
                        f"broken quote: a quoted cell opened on line {line_no} runs to line {end + offset} "
                        f"and leaves the row with {len(cells)} cells instead of {width}")
                    restart = start + 1
                    break
                yield line_no, cells, f"the row has {len(cells)} cells but the header has {width}"
                start = end
                continue
            problem = None
            if (spans or '"' in lines[start]) and '"' in "".join(cells):  # the raw line first: cheaper
                column = _stray_quote_column("".join(lines[start:end]), delimiter, columns)
                if column is not None:
                    problem = (f"broken quote: column '{column}' has a double quote inside a cell "
                               f"that does not start with one")
            yield line_no, cells, problem
            start = end
        if restart is not None:
            pos = restart
            restarts += 1


HEADER_SEARCH = 50  # non-empty lines searched for the header row (LinkedIn puts notes above it)


def _cells(line, delimiter):
    try:
        return [c.strip() for c in next(csv.reader([line], delimiter=delimiter, strict=True))]
    except (csv.Error, StopIteration):
        return None


def header(path, lines, mapping=None):
    """(index of the header line, delimiter, column names) of a CSV's physical lines: the line
    near the top that names the most columns segtui knows (or --map names), the first on a tie."""
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise SegtuiError(f"file {path} is empty: nothing to import")
    hint = re.fullmatch(r'"?sep=(.)"?', lines[first].strip(), flags=re.IGNORECASE)
    if hint:  # Excel's "sep=;" line names the delimiter; the header follows it
        first = next((i for i in range(first + 1, len(lines)) if lines[i].strip()), None)
        if first is None:
            raise SegtuiError(f"file {path} has no header row after its sep= line")
    mapped = {c.strip().lower() for c in (mapping or {})}
    best = None  # (score, index, delimiter, columns)
    seen = 0
    for i in range(first, len(lines)):
        if seen >= HEADER_SEARCH:
            break
        if not lines[i].strip():
            continue
        seen += 1
        delimiter = hint.group(1) if hint else _guess_delimiter(lines[i])
        columns = _cells(lines[i], delimiter)
        if not columns or not any(columns):
            continue
        score = recognised(columns) + sum(1 for c in columns if c.lower() in mapped)
        if score and (best is None or score > best[0]):
            best = (score, i, delimiter, columns)
    if best is None:
        delimiter = hint.group(1) if hint else _guess_delimiter(lines[first])
        columns = _cells(lines[first], delimiter)
        if columns is None:
            raise SegtuiError(f"{path}: line {first + 1}, the first line, cannot be read as a CSV header")
        if not any(columns):
            raise SegtuiError(f"{path}: the first line has no column names")
        if mapping:
            return first, delimiter, columns  # --map then names what is missing
        raise UnknownColumns(path, columns)
    return best[1], best[2], best[3]


def read_csv(path, text, mapping):
    lines = physical_lines(text)
    first, delimiter, columns = header(path, lines, mapping)
    lines = lines[first:]
    rec = recipe(columns, mapping, path)
    parsed = ParsedFile(str(path), "csv", rec.source, delimiter=delimiter, columns=columns,
                        mapping=dict(mapping))
    parsed.unmapped_columns = unused_columns(columns, rec)
    watched = {i: looks_like(c) for i, c in enumerate(columns) if c and i not in rec.used}
    watched = {i: what for i, what in watched.items() if what}
    filled = dict.fromkeys(watched, 0)
    width = len(columns)
    pad = [""] * width
    rows = parsed.rows
    extract = rec.extract
    for line_no, cells, problem in _csv_records(lines, delimiter, columns, offset=first):
        if cells is None:
            rows.append(Row(line_no, {}, errors=[problem]))
            continue
        if len(cells) < width:
            cells += pad[len(cells):]
        for i in watched:
            if cells[i].strip():
                filled[i] += 1
        fields, organisation = extract(cells)
        row = Row(line_no, fields, organisation)
        if problem:
            row.errors.append(problem)
        rows.append(row)
    from ...labels import plural

    for i, what in watched.items():
        if filled[i]:
            parsed.notes.append({"line": first + 1, "field": columns[i], "reason": (
                f"column '{columns[i]}' looks like {what} column but segtui does not read it "
                f"({plural(filled[i], 'row')} {'has' if filled[i] == 1 else 'have'} a value there); "
                f"to read it, say --map \"{columns[i]}=FIELD\"")})
    return parsed
