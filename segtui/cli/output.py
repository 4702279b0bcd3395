"""Printing results: JSON on request, otherwise a readable table or sentence."""
import json
import shutil
import sys

from ..text import visible


class Text(str):
    """A sentence for people; with --json the `data` is printed instead."""

    def __new__(cls, text, data=None):
        obj = super().__new__(cls, text)
        obj.data = data
        return obj


def emit(result, as_json=False, stream=None):
    stream = stream or sys.stdout
    if as_json:
        data = result.data if isinstance(result, Text) else result
        from ..models import json_value

        json.dump(data, stream, default=json_value, ensure_ascii=False, indent=None)
        stream.write("\n")
        return
    if isinstance(result, str):
        # Sentences may quote stored text: control characters become visible escapes (JSON stays exact).
        stream.write(visible(result, keep_newlines=True) + "\n")
    elif isinstance(result, list):
        stream.write(table(result) + "\n")
    elif isinstance(result, dict):
        stream.write(record(result) + "\n")
    else:
        stream.write(f"{result}\n")


def count(n, noun):
    """'1 contact', '1,758 contacts' for an answer's text (the models load only when a command
    runs, not for --help)."""
    from ..labels import plural

    return plural(int(n or 0), noun)


def _cell(value, column=""):
    """A value as a table shows it: stored choices in words (JSON keeps the stored values)."""
    from ..labels import FIELDS, field_label
    from ..models import json_value

    if column in FIELDS and isinstance(value, str):
        return visible(field_label(column, value))
    value = json_value(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, (list, dict)):
        return f"({len(value)})"
    return visible(str(value))


def table(rows, columns=None, max_width=None):
    """Rows of dicts as an aligned text table, fitted to the terminal width."""
    if not rows:
        return "(none)"
    columns = columns or [c for c in rows[0] if not isinstance(rows[0][c], (list, dict))]
    if max_width is None:
        # Fit a terminal; a pipe or file gets every column.
        max_width = shutil.get_terminal_size().columns if sys.stdout.isatty() else 10_000
    cells = [[_cell(r.get(c), c) for c in columns] for r in rows]
    widths = [min(30, max([len(visible(c))] + [len(row[i]) for row in cells])) for i, c in enumerate(columns)]
    # Drop trailing columns that do not fit rather than wrapping every line.
    total, keep = 0, 0
    for w in widths:
        if total + w + 2 > max_width and keep:
            break
        total += w + 2
        keep += 1
    columns, widths = columns[:keep], widths[:keep]
    lines = ["  ".join(visible(c).ljust(w)[:w] for c, w in zip(columns, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in cells:
        lines.append("  ".join(v.ljust(w)[:w] for v, w in zip(row[:keep], widths)).rstrip())
    lines.append(f"({len(rows)} row{'' if len(rows) == 1 else 's'})")
    return "\n".join(lines)


def record(data):
    simple = {k: v for k, v in data.items() if not isinstance(v, (list, dict))}
    width = max((len(k) for k in simple), default=0)
    out = [f"{visible(k).ljust(width)}  {_cell(v, k)}" for k, v in simple.items()]
    for key, value in data.items():
        if isinstance(value, list):
            out.append(f"\n{key}:")
            out.append(table(value) if value and isinstance(value[0], dict) else "  " + ", ".join(map(_cell, value)))
        elif isinstance(value, dict):
            out.append(f"\n{key}:")
            out.append(record(value))
    return "\n".join(out)
