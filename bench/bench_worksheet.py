"""The worksheet, the Contacts list and the Interaction log entries list on a million rows,
driven headless as a user drives them.

    python bench/bench_worksheet.py                    # a 1,000,000-line segment, 1,000,000 contacts
    python bench/bench_worksheet.py --lines 100000     # a quick run
    python bench/bench_worksheet.py --write            # and put the table in bench/RESULTS.md

The database (N contacts, a segment of N lines, an empty segment, N interaction log entries)
is built once per size and
kept in the cache folder. Each run starts the real app with `App.run_test()` at 120x40 and 80x24
and presses the keys through Pilot. A figure is the time from the key (or the push of the screen)
until the sheet has drawn the row the cursor went to: "first lines" is the push of the worksheet
(or a list) until its first row is drawn; "all shown" until the count (and the
worksheet's header form and totals) are there too. Memory is the process's resident set
(VmRSS from /proc/self/status) after the empty segment is open, and after the large one went to
its end and back. Figures are the median of the runs (3 by default); the load is printed with
them, since the machine may be shared: read them as figures, never as pass/fail.
"""
import argparse
import asyncio
import os
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SIZES = [(120, 40), (80, 24)]
PARTS = ("worksheet", "contacts", "entries")  # the screens walked, in the table's order
HEADING = "## Worksheet and Contacts list on a large segment"
STEPS = ["first lines", "all shown", "End", "ctrl+End", "ctrl+Home", "10 x PageDown", "10 x PageUp"]
TARGETS = {"first lines": 0.5, "End": 0.1, "ctrl+End": 0.1, "10 x PageDown": 0.5}


def rss_mb() -> float:
    """This process's resident memory in MB (Linux; 0 elsewhere)."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def load() -> str:
    try:
        return ", ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "?"


# --- the database ----------------------------------------------------------------------------------

def _fill_sql(table, fields, values, count):
    """INSERT ... SELECT over a recursive CTE counting x from 1 to `count`: `values` gives the
    expression of a column, other columns get their empty value."""
    columns, exprs = [], []
    for f in fields:
        columns.append(f.column_name)
        if f.name in values:
            exprs.append(values[f.name])
        elif f.null:
            exprs.append("NULL")
        elif f.field_type in ("VARCHAR", "TEXT"):
            exprs.append("''")
        elif f.field_type == "DATETIME":
            exprs.append("'2026-01-15 09:30:00'")
        elif f.field_type == "DATE":
            exprs.append("'2026-01-15'")
        else:
            exprs.append("0")
    return (f"INSERT INTO {table} ({', '.join(columns)}) "
            f"WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < {count}) "
            f"SELECT {', '.join(exprs)} FROM n")


def build(cache: Path, lines: int, log=print) -> Path:
    """The cached database: `lines` contacts, a segment of `lines` lines ('Large'), an empty one
    and `lines` interaction log entries (one per contact)."""
    from segtui import db as dbmod

    path = Path(cache) / f"sheet-{lines}-entries-schema{dbmod.SCHEMA_VERSION}.db"
    if path.exists():
        return path
    from segtui.models import Contact, InteractionLogEntry, SegmentLine
    from segtui.services import segments

    started = time.perf_counter()
    building = path.with_suffix(".building")
    building.unlink(missing_ok=True)
    database = dbmod.open_database(str(building))
    dbmod.init_database()
    number = "'CT' || substr('0000000' || x, -7)"
    contact = {
        "no": number, "type": "'person'", "name": "'Person ' || x", "search_name": "'PERSON ' || x",
        "company_name": "'Company ' || (x / 5)", "city": "'City ' || (x % 97)", "country_code": "'DE'",
        "post_code": "(10000 + x % 8000)", "email": "'p' || x || '@example.com'", "phone": "'+49 ' || x",
        "correspondence_type": "'email'",
    }
    with database.atomic():
        database.execute_sql(_fill_sql("contact", Contact._meta.sorted_fields, contact, lines))
    segments.new_segment("Empty", date="2026-01-15")
    large = segments.new_segment("Large", date="2026-01-15")["no"]
    line = {"segment_no": f"'{large}'", "line_no": "x * 10000", "contact_no": number,
            "description": "'Line ' || x", "correspondence_type": "'email'", "cost": "(x % 7)"}
    fields = [f for f in SegmentLine._meta.sorted_fields if f.name != "id"]
    with database.atomic():
        database.execute_sql(_fill_sql("segment_line", fields, line, lines))
    entry = {"date": "'2026-01-15'", "contact_no": number, "description": "'Letter ' || x",
             "interaction_template_code": "'LETTER'", "segment_no": f"'{large}'",
             "correspondence_type": "CASE WHEN x % 2 = 0 THEN 'email' ELSE 'hard_copy' END"}
    fields = [f for f in InteractionLogEntry._meta.sorted_fields if f.name != "entry_no"]
    with database.atomic():
        database.execute_sql(_fill_sql("interaction_log_entry", fields, entry, lines))
    database.execute_sql("ANALYZE")
    database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database.close()
    building.rename(path)
    log(f"database of {lines:,} contacts, lines and entries built in {time.perf_counter() - started:.0f} s: {path}")
    return path


def segment_numbers(path: Path) -> tuple[str, str]:
    conn = sqlite3.connect(str(path))
    try:
        found = dict(conn.execute("SELECT description, no FROM segment_header WHERE description IN "
                                  "('Empty', 'Large')").fetchall())
    finally:
        conn.close()
    return found["Empty"], found["Large"]


# --- driving the app -------------------------------------------------------------------------------

class Drawn:
    """Records when the sheet last drew each row (a wrapper around Sheet.render_line)."""

    def __init__(self) -> None:
        from segtui.tui.widgets.sheet import Sheet

        self.sheet_class = Sheet
        self.original = Sheet.render_line
        self.rows: dict[int, float] = {}
        drawn = self

        def render_line(sheet, y):
            strip = drawn.original(sheet, y)
            if y > 0:
                index = round(sheet.scroll_offset.y) + y - 1
                if sheet.get_row(index) is not None if index < (sheet._count or 0) else False:
                    drawn.rows[index] = time.perf_counter()
            return strip

        Sheet.render_line = render_line

    def restore(self) -> None:
        self.sheet_class.render_line = self.original

    async def until(self, index_of, since: float, timeout: float = 30.0) -> float:
        """Seconds from `since` until the row `index_of()` has been drawn after `since`."""
        while True:
            index = index_of()
            at = self.rows.get(index) if index is not None else None
            if at is not None and at >= since:
                return at - since
            if time.perf_counter() - since > timeout:
                raise TimeoutError(f"row {index} was not drawn in {timeout:.0f} s")
            await asyncio.sleep(0.001)


def _send(app, key: str) -> None:
    """A key as the terminal driver delivers it (Pilot.press also waits for the process to go
    idle after each key: some 50 ms per key that a user does not wait)."""
    from textual import events

    event = events.Key(key, None)
    event.set_sender(app)
    app._driver.send_message(event)


async def _keys(pilot, drawn, sheet, *keys) -> float:
    """Seconds until each key's cursor row is drawn, added up over the keys."""
    total = 0.0
    for key in keys:
        started = time.perf_counter()
        _send(pilot.app, key)
        total += await drawn.until(lambda: sheet.cursor_row, started)
    return total


async def _walk(pilot, drawn, sheet) -> dict:
    """End, ctrl+End, ctrl+Home, ten PageDowns, ten PageUps on an open sheet."""
    out = {"End": await _keys(pilot, drawn, sheet, "end")}
    await pilot.press("home")
    out["ctrl+End"] = await _keys(pilot, drawn, sheet, "ctrl+end")
    out["ctrl+Home"] = await _keys(pilot, drawn, sheet, "ctrl+home")
    out["10 x PageDown"] = await _keys(pilot, drawn, sheet, *["pagedown"] * 10)
    out["10 x PageUp"] = await _keys(pilot, drawn, sheet, *["pageup"] * 10)
    return out


async def _until(condition, since: float, timeout: float = 60.0) -> float:
    """Seconds from `since` until the condition holds (checked every millisecond)."""
    while not condition():
        if time.perf_counter() - since > timeout:
            raise TimeoutError("the screen did not get there")
        await asyncio.sleep(0.001)
    return time.perf_counter() - since


async def _settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def run_once(path: Path, size, empty_no: str, large_no: str) -> dict:
    """One run of the app at `size`: {"worksheet": {step: s}, "contacts": {...}, "entries": {...},
    memory figures}."""
    from segtui.tui.app import SegtuiApp
    from segtui.tui.screens.contacts import ContactsScreen
    from segtui.tui.screens.interactions import InteractionsScreen
    from segtui.tui.screens.worksheet import WorksheetScreen

    drawn = Drawn()
    result = {}
    try:
        app = SegtuiApp(db_url=str(path), offer_demo=False)
        async with app.run_test(size=size) as pilot:
            await _settle(pilot)
            # The empty segment first: the memory every open worksheet needs anyway.
            await app.push_screen(WorksheetScreen(empty_no))
            await _settle(pilot)
            result["rss empty"] = rss_mb()
            app.pop_screen()
            await _settle(pilot)

            started = time.perf_counter()
            await app.push_screen(WorksheetScreen(large_no))
            sheet = app.screen.sheet
            figures = {"first lines": await drawn.until(lambda: 0, started)}
            screen = app.screen
            # getattr: the bench also measures older commits, which had neither
            figures["all shown"] = await _until(lambda: getattr(screen, "_header_ready", True) and screen.header_data
                                                and not getattr(screen.source, "provisional", 0), started)
            await _settle(pilot)
            figures.update(await _walk(pilot, drawn, sheet))
            await pilot.press("ctrl+end")
            await drawn.until(lambda: sheet.cursor_row, 0)
            await pilot.press("ctrl+home")
            await _settle(pilot)
            result["rss large"] = rss_mb()
            result["worksheet"] = figures
            app.pop_screen()
            await _settle(pilot)

            started = time.perf_counter()
            result["contacts"] = await _list_walk(app, pilot, drawn, ContactsScreen)
            result["rss contacts"] = rss_mb()
            app.pop_screen()
            await _settle(pilot)
            result["entries"] = await _list_walk(app, pilot, drawn, InteractionsScreen)
            result["rss entries"] = rss_mb()
    finally:
        drawn.restore()
    return result


async def _list_walk(app, pilot, drawn, screen_class) -> dict:
    """A list screen opened, then walked: its figures."""
    started = time.perf_counter()
    await app.push_screen(screen_class())
    sheet = app.screen.sheet
    figures = {"first lines": await drawn.until(lambda: 0, started)}
    source = app.screen.source
    # "all shown": the count is there (a source that pages by key says so when it is provisional)
    figures["all shown"] = await _until(lambda: not getattr(source, "provisional", 0), started)
    await _settle(pilot)
    figures.update(await _walk(pilot, drawn, sheet))
    return figures


def run(path: Path, repeat: int = 3, log=print) -> dict:
    """{(width, height): [result of each run]}."""
    empty_no, large_no = segment_numbers(path)
    results = {}
    for size in SIZES:
        for number in range(repeat):
            result = asyncio.run(run_once(path, size, empty_no, large_no))
            results.setdefault(size, []).append(result)
            log(f"  {size[0]}x{size[1]} run {number + 1}/{repeat} (load {load()}): "
                + "; ".join(part + " " + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in result[part].items())
                            for part in PARTS)
                + f"; RSS empty {result['rss empty']:.0f} MB, large after End and back {result['rss large']:.0f} MB")
    return results


def table(results: dict, lines: int) -> str:
    """The markdown section: medians per size, targets marked."""
    out = [HEADING, "",
           f"Measured by `bench/bench_worksheet.py` (`--lines {lines}`) on {time.strftime('%Y-%m-%d %H:%M')}, "
           f"load {load()} ({platform.python_version()}, SQLite {sqlite3.sqlite_version}); {lines:,} lines in "
           f"the segment, {lines:,} contacts, {lines:,} interaction log entries; "
           f"median of {len(next(iter(results.values())))} runs in ms "
           "(min-max in brackets). Time from the key until the sheet has drawn the cursor's row.", ""]
    head = "| step | " + " | ".join(f"{part} {w}x{h}" for w, h in results for part in PARTS) + " | target |"
    out += [head, "|---|" + "---:|" * (len(PARTS) * len(results)) + "---:|"]
    for step in STEPS:
        cells = []
        for runs in results.values():
            for part in PARTS:
                values = [r[part][step] * 1000 for r in runs]
                cells.append(f"{statistics.median(values):.0f} ({min(values):.0f}-{max(values):.0f})")
        target = f"≤ {TARGETS[step] * 1000:.0f}" if step in TARGETS else ""
        out.append(f"| {step} | " + " | ".join(cells) + f" | {target} |")
    out += ["", "| memory (RSS, MB, median) | " + " | ".join(f"{w}x{h}" for w, h in results) + " |",
            "|---|" + "---:|" * len(results)]
    for label, key in (("empty segment open", "rss empty"), ("large segment after ctrl+End and back", "rss large"),
                       ("and the Contacts list after its walk", "rss contacts"),
                       ("and the entries list after its walk", "rss entries")):
        out.append(f"| {label} | " + " | ".join(f"{statistics.median(r[key] for r in runs):.0f}"
                                               for runs in results.values()) + " |")
    grown = [statistics.median(r["rss large"] - r["rss empty"] for r in runs) for runs in results.values()]
    out.append("| growth over the empty segment (target ≤ 100) | " + " | ".join(f"{g:.0f}" for g in grown) + " |")
    return "\n".join(out + ["", NOTE]) + "\n"


NOTE = """What the profile showed, and what was done: opening the worksheet was mostly Textual styling
the screen's widgets, two thirds of them the header form (folded on most terminals): the form now
mounts just after the first frame. The count and the segment's totals run in a worker while a first
page of 200 stands in for the count ("all shown" is when they have arrived; ctrl+End before that
counts there and then). The Contacts list counted a million contacts in the main thread and read its
end with an OFFSET: it now counts in a worker and reads the last page by number, as the worksheet
reads its lines. The Interaction log entries list did the same (on a million entries its count took
0.25 s on the main thread and ctrl+End an OFFSET of 999,900 rows, 0.29 s in process; 2-5 ms by key
now, with or without a filter): it now reads and counts as the Contacts list does. What is left per
key is Textual's frame (the sheet draws only its visible rows from a cache of 12 pages)."""


def write_section(target: Path, section: str) -> None:
    """Put the section in the results file in place of its previous version (other parts kept)."""
    text = target.read_text(encoding="utf-8") if target.exists() else ""
    start = text.find(HEADING)
    if start < 0:
        text = text.rstrip() + ("\n\n" if text.strip() else "") + section
    else:
        after = text.find("\n## ", start + len(HEADING))
        text = text[:start] + section + ("\n" + text[after + 1:] if after >= 0 else "")
    target.write_text(text, encoding="utf-8")


def measure(cache, lines: int, repeat: int = 3, log=print) -> str:
    """Build (or reuse) the database, run the app and return the markdown section."""
    work = Path(tempfile.mkdtemp(prefix="segtui-bench-sheet-"))
    # The app's settings and data go to a scratch folder, never the user's.
    os.environ["SEGTUI_CONFIG"] = str(work / "settings.toml")
    os.environ["SEGTUI_DATA_DIR"] = str(work / "data")
    cache = Path(cache)
    cache.mkdir(parents=True, exist_ok=True)
    path = build(cache, lines, log)
    log(f"worksheet, Contacts and entries lists on {lines:,} rows, load before: {load()}")
    return table(run(path, repeat, log), lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=1_000_000, help="lines in the segment and contacts")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cache", default=str(Path(tempfile.gettempdir()) / "segtui-bench"))
    parser.add_argument("--write", action="store_true", help="put the table in bench/RESULTS.md")
    parser.add_argument("--out", default=str(Path(__file__).with_name("RESULTS.md")))
    args = parser.parse_args(argv)
    section = measure(args.cache, args.lines, args.repeat, lambda text: print(text, flush=True))
    print(section)
    if args.write:
        write_section(Path(args.out), section)
        print(f"written {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
