"""A line edited deep in a long segment: the worksheet reads its lines again without pulling the
cursor back to the first page that stands in while the lines are counted."""
import pytest
from textual.widgets import Input

from segtui.models import SegmentLine
from test_tui_segments import fill_lines
from tui_helpers import SIZE_IDS, SIZES, make_app, new_segment, open_worksheet, settle, wait_for


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_an_edit_on_the_last_of_600_lines_keeps_the_cursor_there(demo_db, db_path, size):
    no = new_segment()
    fill_lines(no, 600)
    app = make_app(db_path)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = await open_worksheet(pilot, no)
        await pilot.press("ctrl+end")
        await settle(pilot)
        row = screen.sheet.cursor_row
        assert row == 599
        line_no = screen.sheet.current_row["line_no"]
        while screen.sheet.current_column != "description":
            await pilot.press("right")
        await pilot.press("f2")
        await pilot.pause()
        assert app.focused is screen.query_one("#cell-editor", Input)
        await pilot.press("ctrl+u", *"Deep edit", "enter")
        await wait_for(pilot, lambda: (screen.sheet.current_row or {}).get("description") == "Deep edit")
        await settle(pilot)
        assert screen.sheet.cursor_row == row and screen.sheet.current_row["line_no"] == line_no
    line = SegmentLine.get(SegmentLine.live(no) & (SegmentLine.line_no == line_no))
    assert line.description == "Deep edit"
