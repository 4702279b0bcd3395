"""The shape of the worksheet's and the Contacts list's reads on a large list, whatever the machine.

Not timed (bench/bench_worksheet.py gives the figures): these catch the regressions that make a
million rows slow. ctrl+End reads the last page by key (no OFFSET in any statement of the main
thread's connection), ten PageDowns read a few pages (not the rows in between), the count runs
in a worker (never in the main thread), and the pages kept stay a handful after End and back.
"""
import threading

import pytest
from test_tui_segments import fill_lines
from bulk import fill_rows
from tui_helpers import SIZE_IDS, SIZES, make_app, new_segment, settle, wait_for

from segtui.models import Contact, database
from segtui.services import contacts as contact_service
from segtui.services import segments
from segtui.tui.screens.contacts import ContactsScreen
from segtui.tui.screens.worksheet import WorksheetScreen

LINES = 30_000


class Statements:
    """Every SQL statement run on the main thread's connection while it listens."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.connection = database.connection()

    def __enter__(self):
        self.seen.clear()
        self.connection.set_trace_callback(self.seen.append)
        return self

    def __exit__(self, *exc) -> None:
        self.connection.set_trace_callback(None)

    @property
    def reads(self) -> list[str]:
        return [s for s in self.seen if s.lstrip().upper().startswith("SELECT")]

    def offsets(self) -> list[str]:
        return [s for s in self.seen if " OFFSET " in s.upper()]


def counted_where(monkeypatch, module, name):
    """Record the thread each call of module.name runs in."""
    threads = []
    real = getattr(module, name)

    def counting(*args, **kwargs):
        threads.append(threading.current_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, counting)
    return threads


def fill_contacts(count):
    """`count` more contacts (CX0000001..., city Bonn) in one INSERT ... SELECT (test data only)."""
    fill_rows(Contact, count, {"no": "'CX' || substr('0000000' || x, -7)", "type": "'person'",
                               "name": "'Person ' || x", "city": "'Bonn'",
                               "created_at": "'2026-01-15 09:30:00'", "modified_at": "'2026-01-15 09:30:00'"})


async def walk_and_check(pilot, sheet, source, total, last_key):
    """ctrl+End, ctrl+Home, ten PageDowns, ten PageUps: each reads little, by key."""
    # The end: the last lines read by key, one page, no OFFSET anywhere.
    before = sheet.pages_read
    with Statements() as sql:
        await pilot.press("ctrl+end")
        await pilot.pause()
    assert sheet.cursor_row == total - 1
    assert sheet.current_row[source.key] == last_key
    assert sql.offsets() == []
    assert sheet.pages_read - before <= 2
    assert len(sql.reads) <= 3, sql.reads
    # Back to the top: at most the first page again.
    with Statements() as sql:
        await pilot.press("ctrl+home")
        await pilot.pause()
    assert sheet.cursor_row == 0
    assert sql.offsets() == []
    # Ten PageDowns read the pages the screen passes (by key), not every row in between.
    before, rows_before = sheet.pages_read, source.rows_read
    with Statements() as sql:
        await pilot.press(*["pagedown"] * 10)
        await pilot.pause()
    moved = 10 * sheet.visible_rows
    assert sheet.cursor_row == moved
    pages = moved // sheet.page_size + 2
    assert sheet.pages_read - before <= pages
    assert source.rows_read - rows_before <= pages * sheet.page_size
    assert sql.offsets() == []
    with Statements() as sql:
        await pilot.press(*["pageup"] * 10)
        await pilot.pause()
    assert sheet.cursor_row == 0
    assert sql.offsets() == []
    # Memory stays flat: a handful of pages and page keys kept, whatever was passed.
    assert len(sheet._pages) <= sheet.cache_pages
    assert len(source._after) <= source.KEEP_KEYS + 1


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_worksheet_reads_large_segment_by_key_and_counts_in_a_worker(demo_db, db_path, monkeypatch,
                                                                          size):
    no = new_segment("Large")
    fill_lines(no, LINES)
    threads = counted_where(monkeypatch, segments, "count_lines")
    app = make_app(db_path)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await app.push_screen(WorksheetScreen(no))
        screen = app.screen
        sheet = screen.sheet
        await wait_for(pilot, lambda: sheet.pages_read >= 1)
        await settle(pilot)
        # Counted once, in the worker: the main thread only read the first page.
        assert threads and all(t is not threading.main_thread() for t in threads)
        assert sheet.row_count == LINES
        assert f"{LINES:,} lines" in str(screen.query_one("#status").render())
        assert sheet.pages_read == 1 and screen.source.offset_reads == 0
        await walk_and_check(pilot, sheet, screen.source, LINES, LINES * 10)
        assert screen.source.offset_reads == 0
        assert all(t is not threading.main_thread() for t in threads)


async def test_ctrl_end_before_the_count_arrives_goes_to_the_real_end(demo_db, db_path, monkeypatch):
    """The count is still on its way (held here): ctrl+End takes the real count, not the stand-in."""
    no = new_segment("Large")
    fill_lines(no, 5_000)
    release = threading.Event()
    real = segments.count_lines

    def slow_in_a_worker(segment_no):
        if threading.current_thread() is not threading.main_thread():
            release.wait(10)
        return real(segment_no)

    monkeypatch.setattr(segments, "count_lines", slow_in_a_worker)
    app = make_app(db_path)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await app.push_screen(WorksheetScreen(no))
            sheet = app.screen.sheet
            await wait_for(pilot, lambda: sheet.pages_read >= 1)
            assert app.screen.source.provisional  # the worker has not counted yet
            await pilot.press("ctrl+end")
            await pilot.pause()
            assert sheet.current_row["line_no"] == 50_000
            assert sheet.row_count == 5_000
            release.set()
            await settle(pilot)
            assert sheet.cursor_row == 4_999 and sheet.row_count == 5_000
    finally:
        release.set()


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_contacts_list_reads_by_key_from_either_end_and_counts_in_a_worker(demo_db, db_path,
                                                                                monkeypatch, size):
    fill_contacts(LINES)
    total = Contact.select().count()
    last = Contact.select(Contact.no).order_by(Contact.no.desc()).first().no
    threads = counted_where(monkeypatch, contact_service, "count_contacts")
    app = make_app(db_path)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await app.push_screen(ContactsScreen())
        screen = app.screen
        sheet = screen.sheet
        await wait_for(pilot, lambda: sheet.pages_read >= 1)
        await settle(pilot)
        assert threads and all(t is not threading.main_thread() for t in threads)
        assert sheet.row_count == total
        assert sheet.border_subtitle == f"{total:,}"
        await walk_and_check(pilot, sheet, screen.source, total, last)
        # ctrl+r deep in the list: counted again in a worker, the cursor stays, no OFFSET here.
        await pilot.press(*["pagedown"] * 10)
        await pilot.pause()
        row, no = sheet.cursor_row, sheet.current_row["no"]
        with Statements() as sql:
            await pilot.press("ctrl+r")
            await settle(pilot)
        assert sheet.cursor_row == row and sheet.current_row["no"] == no and sql.offsets() == []
        assert sheet.border_subtitle == f"{total:,}"
        # A new filter is counted in a worker too, and its end is read by key.
        screen.apply_filters([("city", "Bonn")])
        await settle(pilot)
        assert sheet.row_count == LINES and sheet.border_subtitle == f"{LINES:,}"
        with Statements() as sql:
            await pilot.press("ctrl+end")
            await pilot.pause()
        assert sheet.current_row["no"] == last and sql.offsets() == []
        assert all(t is not threading.main_thread() for t in threads)


async def test_contacts_list_pages_from_the_end_keep_their_order(demo_db):
    """The service's backward read: the last contacts and those before a number, in number order."""
    fill_contacts(250)
    every = [c["no"] for c in contact_service.list_contacts(limit=10_000)]
    assert [c["no"] for c in contact_service.list_contacts(limit=5, last=True)] == every[-5:]
    assert [c["no"] for c in contact_service.list_contacts(limit=3, before_no=every[100])] == every[97:100]
    assert [c["no"] for c in contact_service.list_contacts([("city", "Bonn")], limit=2, last=True)] == \
        ["CX0000249", "CX0000250"]


def test_bench_worksheet_runs_and_writes_its_own_section(tmp_path):
    """The benchmark drives the app end to end on a small database (errors fail, timings never do)
    and replaces only its own section of the results file."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    out = tmp_path / "RESULTS.md"
    out.write_text("# results\n\n## SQLite\n\nset operations\n\n## Worksheet and Contacts list on a large segment\n\n"
                   "old figures\n\n## Notes\n\nkept\n", encoding="utf-8")
    done = subprocess.run([sys.executable, str(root / "bench" / "bench_worksheet.py"), "--lines", "2000",
                           "--repeat", "1", "--write", "--out", str(out), "--cache", str(tmp_path / "cache")],
                          capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    text = out.read_text(encoding="utf-8")
    assert "old figures" not in text and "set operations" in text and "## Notes\n\nkept" in text
    for step in ("| first lines |", "| ctrl+End |", "| 10 x PageDown |", "growth over the empty segment"):
        assert step in text
    assert text.count("## Worksheet and Contacts list") == 1
    assert "| entries 120x40 |" in text  # the Interaction log entries list has its own columns
    assert "and the entries list after its walk" in text


async def test_lines_show_before_the_header_form_is_mounted(demo_db, db_path, monkeypatch):
    """The header form (most of the screen's widgets) mounts after the first frame: the first lines
    never wait for its styling; once it is there it holds the segment's values, and F3 pressed in
    the moment before it is mounted still lands in it."""
    from segtui.tui.widgets.sheet import Sheet

    no = new_segment("Header later")
    fill_lines(no, 300)
    ready_when_drawn = []
    real = Sheet.render_line

    def render_line(sheet, y):
        if y == 1 and not ready_when_drawn and sheet.id == "lines":
            ready_when_drawn.append(sheet.screen._header_ready)
        return real(sheet, y)

    monkeypatch.setattr(Sheet, "render_line", render_line)
    app = make_app(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await app.push_screen(WorksheetScreen(no))
        screen = app.screen
        early = not screen._header_ready
        screen.action_toggle_header()  # F3 at once
        await wait_for(pilot, lambda: ready_when_drawn)
        await settle(pilot)
        assert ready_when_drawn == [False]
        assert screen._header_ready and screen.query_one("#h-description").value == "Header later"
        assert app.focused is screen.query_one("#h-description"), f"header not ready at once: {early}"


async def test_a_sheet_line_is_a_few_segments_with_the_cursor_cell_and_the_mark_shown():
    """A drawn line is one segment per run of one style (not two per column): the cursor cell
    has its own style, a marked row starts with ▸, and the text is the cells padded to width."""
    from textual.app import App

    from segtui.tui.widgets.sheet import Column, ListSource, Sheet

    rows = [{"no": i, "name": f"Row {i}", "city": "Lund"} for i in range(50)]
    columns = [Column("no", "No.", 5, "right"), Column("name", "Name", 12), Column("city", "City", 8)]

    class One(App):
        def compose(self):
            yield Sheet(ListSource(rows), columns, id="sheet")

    app = One()
    async with app.run_test(size=(80, 24)) as pilot:
        sheet = app.query_one(Sheet)
        sheet.focus()
        await pilot.press("down", "right", "space", "up")
        await pilot.pause()
        assert sheet.cursor_row == 1 and sheet.marked == {1}
        header = sheet.render_line(0)
        assert header.text.startswith("   No. Name         City")
        plain = list(sheet.render_line(1 + 3))  # row 3: neither cursor nor mark
        assert "".join(s.text for s in plain).startswith("     3 Row 3        Lund     ")
        assert len(plain) <= 2  # the cells, then the padding to the width
        line = list(sheet.render_line(1 + 1))  # row 1: the cursor row, marked
        text = "".join(s.text for s in line)
        assert text.startswith("▸    1 Row 1        Lund")
        cursor_cell = [s for s in line if s.text == "Row 1       "]
        assert len(cursor_cell) == 1 and cursor_cell[0].style != line[0].style
        assert len(line) <= 4


async def test_small_terminal_layout_classes_are_there_before_the_first_styling(demo_db, db_path, monkeypatch):
    """At 80x24 the folded criteria and the narrow layout are decided before the screen is first
    styled (in compose), not added after mounting: each class added then restyled the whole screen."""
    no = new_segment("Small")
    seen = []
    real = WorksheetScreen.apply_layout

    def apply_layout(screen):
        if not seen:
            seen.append((screen.has_class("-narrow"), screen.has_class("-criteria-folded")))
        real(screen)

    monkeypatch.setattr(WorksheetScreen, "apply_layout", apply_layout)
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.push_screen(WorksheetScreen(no))
        await settle(pilot)
        assert seen == [(True, True)]
        assert not app.screen.has_class("-header-open")
