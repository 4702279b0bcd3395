"""The Segments screen and the segment worksheet's lines, driven with the keys a user presses.

Each test runs the real app (SegtuiApp) on the 300-contact demo database at 120x40, presses
keys through Textual's Pilot, then checks the database (through services and models) and what
is on the screen.
"""
import time

import pytest
from textual.widgets import Input, OptionList, Static

from segtui.models import SegmentHeader, SegmentLine
from segtui.services import criteria, segments
from segtui.tui.screens.segment_dialogs import ConfirmDialog, FormDialog, LookupDialog
from segtui.tui.screens.segments import SegmentsScreen
from segtui.tui.screens.worksheet import WorksheetScreen
from bulk import fill_rows
from tui_helpers import (SIZE, criteria_rows, make_app, new_segment, open_worksheet, settle, status_text,
                         wait_for)


# --- Segments screen ---------------------------------------------------------------------------------

async def test_segments_screen_lists_open_segments_and_filters(demo_db, db_path):
    first = new_segment("Spring fair invitations")
    second = new_segment("Autumn newsletter")
    criteria.add_contacts(first, [("city", "@b*")])
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SegmentsScreen)
        shown = [row["no"] for row in screen.source.data]
        assert shown == [first, second]
        assert screen.source.data[0]["no_of_lines"] == segments.count_lines(first) > 0
        # The filter bar: ctrl+f goes there, a filter in the language narrows the list.
        await pilot.press("ctrl+f")
        assert isinstance(app.focused, Input)
        await pilot.press(*"description=@*autumn*", "enter")
        await pilot.pause()
        assert [row["no"] for row in screen.source.data] == [second]
        assert "1 of 2 open segments" in str(screen.query_one("#segments-status", Static).render())
        assert app.focused is screen.sheet
        # A broken filter shows where it breaks and filters nothing away.
        await pilot.press("ctrl+f", "ctrl+u", *"date=2026-13-01", "enter")
        await pilot.pause()
        bar = screen.query_one("#segments-filter")
        assert bar.has_class("-invalid")
        assert "position" in str(bar.query_one("#filter-error", Static).render())
        assert [row["no"] for row in screen.source.data] == [second]


async def test_create_segment_with_keys(demo_db, db_path):
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, FormDialog)
        await pilot.press(*"Spring fair invitations", "enter")
        await pilot.press(*"letter", "enter")  # a known template code (any case) submits
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, WorksheetScreen)
        header = SegmentHeader.get(SegmentHeader.no == screen.segment_no)
        assert header.description == "Spring fair invitations"
        assert header.interaction_template_code == "LETTER"
        # What the template brings is in the header form.
        assert screen.query_one("#h-description", Input).value == "Spring fair invitations"
        assert screen.query_one("#h-interaction_template_code", Input).value == "LETTER"
        assert screen.query_one("#h-interaction_group_code", Input).value == header.interaction_group_code != ""
        assert "Letter" in str(screen.query_one("#d-interaction_template_code").render())
        assert "0 lines" in status_text(screen)


async def test_new_segment_lookup_opens_for_unknown_code(demo_db, db_path):
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n", *"Fair", "enter", *"fai", "enter")
        await pilot.pause()
        assert isinstance(app.screen, LookupDialog)  # 'fai' is no code: the lookup searches it
        results = app.screen.query_one("#results", OptionList)
        assert results.option_count >= 1
        await pilot.press("enter")  # the first match (FAIR)
        await pilot.pause()
        assert isinstance(app.screen, FormDialog)
        assert app.screen.query_one("#f-template", Input).value == "FAIR"


async def test_delete_segment_asks_first(demo_db, db_path):
    no = new_segment("To delete")
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("delete")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await pilot.pause()
        assert SegmentHeader.get_or_none(SegmentHeader.no == no) is not None
        await pilot.press("delete", "y")
        await settle(pilot)
        assert SegmentHeader.get_or_none(SegmentHeader.no == no) is None
        assert app.screen.source.data == []


# --- lines -----------------------------------------------------------------------------------------------

async def test_edit_a_line_in_place(demo_db, db_path):
    no = new_segment()
    criteria.add_contacts(no, [("city", "@b*")])
    first = segments.lines(no, limit=1)[0]
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_worksheet(pilot, no)
        assert app.focused is screen.sheet
        await pilot.press("right", "right", "right", "right")  # Description
        assert screen.sheet.current_column == "description"
        await pilot.press("f2")
        await pilot.pause()
        editor = screen.query_one("#cell-editor", Input)
        assert app.focused is editor and editor.display
        await pilot.press("ctrl+u", *"Bring a friend", "enter")
        await settle(pilot)
        line = SegmentLine.get(SegmentLine.live(no) & (SegmentLine.line_no == first["line_no"]))
        assert line.description == "Bring a friend"
        assert not editor.display and app.focused is screen.sheet
        assert screen.sheet.current_row["description"] == "Bring a friend"
        # A choice column opens its short list; choosing writes the line.
        await pilot.press("right", "right", "right")  # Evaluation
        assert screen.sheet.current_column == "evaluation"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LookupDialog)
        await pilot.press(*"very_pos", "enter")
        await settle(pilot)
        line = SegmentLine.get(SegmentLine.live(no) & (SegmentLine.line_no == first["line_no"]))
        assert line.evaluation == "very_positive"


async def test_edit_refused_stays_in_the_cell(demo_db, db_path):
    no = new_segment()
    criteria.add_contacts(no, [("city", "@b*")])
    first = segments.lines(no, limit=1)[0]
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_worksheet(pilot, no)
        await pilot.press("right", "right", "right", "right", "right", "right")  # Lang.
        assert screen.sheet.current_column == "language_code"
        await pilot.press("f2", "ctrl+u", *"XX1", "enter")
        await settle(pilot)
        editor = screen.query_one("#cell-editor", Input)
        assert editor.display and editor.has_class("-invalid")
        line = SegmentLine.get(SegmentLine.live(no) & (SegmentLine.line_no == first["line_no"]))
        assert line.language_code == first["language_code"]
        # Esc with an unsaved edit asks; n discards it and the line stays as it was.
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await pilot.pause()
        assert not editor.display and app.focused is screen.sheet
        line = SegmentLine.get(SegmentLine.live(no) & (SegmentLine.line_no == first["line_no"]))
        assert line.language_code == first["language_code"]
        # The contact's own columns are not the line's: they are not edited here.
        await pilot.press("home", "right", "enter")
        await pilot.pause()
        assert screen.sheet.current_column == "contact_name"
        assert not editor.display
        # ... Enter there opens the line's detail form instead (tests/test_tui_line_form.py).
        from segtui.tui.screens.worksheet.line_form import LineForm

        assert isinstance(app.screen, LineForm)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen


async def test_add_and_remove_a_line_with_keys(demo_db, db_path):
    no = new_segment()
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_worksheet(pilot, no)
        await pilot.press("insert")
        await pilot.pause()
        assert isinstance(app.screen, FormDialog)
        await pilot.press(*"ct000002", "enter")
        await settle(pilot)
        assert app.screen is screen
        assert [r["contact_no"] for r in segments.lines(no)] == ["CT000002"]
        assert screen.sheet.current_row["contact_no"] == "CT000002"
        assert criteria_rows(screen)[-1][1] == "Add line"
        await pilot.press("delete")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")  # No: the line stays
        await pilot.pause()
        assert segments.count_lines(no) == 1
        await pilot.press("delete", "y")
        await settle(pilot)
        assert segments.count_lines(no) == 0
        assert "0 lines" in status_text(screen)
        # Part of a number: the lookup opens with the typed text instead of adding anything.
        await pilot.press("insert", *"CT00000", "enter")
        await pilot.pause()
        assert isinstance(app.screen, LookupDialog)
        await pilot.press("escape")
        await pilot.pause()
        # Not a contact at all: the form says so at the field, in the service's words, rather
        # than opening an empty lookup.
        await pilot.press("ctrl+u", *"CT999999", "enter")
        await pilot.pause()
        assert isinstance(app.screen, FormDialog)
        said = str(app.screen.query_one("#e-contact_no", Static).render())
        assert "Contact 'CT999999' does not exist" in said
        await pilot.press("escape")
        await settle(pilot)
        assert segments.count_lines(no) == 0


# --- a million lines ------------------------------------------------------------------------------------------

def fill_lines(segment_no, count):
    """`count` lines in one INSERT ... SELECT (test data only)."""
    fill_rows(SegmentLine, count, {"segment_no": f"'{segment_no}'", "line_no": "x * 10",
                                   "contact_no": "'CT' || substr('000000' || (x % 300 + 1), -6)",
                                   "description": "'Line ' || x"})


@pytest.mark.slow
async def test_million_lines_open_reading_one_page(demo_db, db_path):
    no = new_segment("A million")
    fill_lines(no, 1_000_000)
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        started = time.perf_counter()
        await app.push_screen(WorksheetScreen(no))
        screen = app.screen
        sheet = screen.sheet
        # The lines show at once; the totals (a sum over every line) follow from a worker.
        await wait_for(pilot, lambda: sheet.pages_read >= 1)
        opened = time.perf_counter() - started
        await settle(pilot)
        assert sheet.row_count == 1_000_000
        assert "1,000,000 lines" in status_text(screen)
        # Only the first page was read to draw the screen.
        assert screen.source.rows_read <= sheet.page_size
        assert sheet.pages_read == 1
        assert sheet.current_row["line_no"] == 10
        # The end of the segment: one more page, the last lines read by key (no OFFSET).
        await pilot.press("ctrl+end")
        await pilot.pause()
        assert sheet.current_row["line_no"] == 10_000_000
        assert screen.source.rows_read <= 3 * sheet.page_size
        assert screen.source.offset_reads == 0
        # Paging down from the top reads the next page by key.
        await pilot.press("ctrl+home", "pagedown", "pagedown")
        await pilot.pause()
        assert screen.source.rows_read <= 4 * sheet.page_size
        print(f"\n1,000,000 lines: lines on screen in {opened:.2f} s; rows read {screen.source.rows_read}")
