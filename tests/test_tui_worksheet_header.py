"""The worksheet's header: changing a header field (with or without the lines following) and
looking a code up from its field, driven with the keys a user presses.

Each test runs the real app (SegtuiApp) on the 300-contact demo database at 120x40, presses
keys through Textual's Pilot, then checks the database (through services and models) and what
is on the screen.
"""
from textual.widgets import Input, Static

from segtui.models import SegmentHeader
from segtui.services import criteria, segments
from segtui.tui.screens.segment_dialogs import ConfirmDialog, LookupDialog
from tui_helpers import DATE, SIZE, make_app, new_segment, open_worksheet, settle


# --- header ------------------------------------------------------------------------------------------------

async def test_header_change_asks_to_update_lines(demo_db, db_path):
    no = new_segment(template_code="LETTER")
    criteria.add_contacts(no, [("city", "@b*")])
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_worksheet(pilot, no)
        screen.query_one("#h-subject_default", Input).focus()
        await pilot.press(*"Meet us at the fair", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")  # Update lines
        await settle(pilot)
        assert SegmentHeader.get(SegmentHeader.no == no).subject_default == "Meet us at the fair"
        subjects = {r["subject"] for r in segments.lines(no, limit=1000)}
        assert subjects == {"Meet us at the fair"}
        assert screen.sheet.current_row["subject"] == "Meet us at the fair"


async def test_header_change_header_only(demo_db, db_path):
    no = new_segment(template_code="LETTER")
    criteria.add_contacts(no, [("city", "@b*")])
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_worksheet(pilot, no)
        screen.query_one("#h-subject_default", Input).focus()
        await pilot.press(*"Only the header", "enter", "n")
        await settle(pilot)
        assert SegmentHeader.get(SegmentHeader.no == no).subject_default == "Only the header"
        assert {r["subject"] for r in segments.lines(no, limit=1000)} == {""}
        # A value the service refuses stays at its field, marked, with the reason; nothing changes.
        field = screen.query_one("#h-date", Input)
        field.focus()
        await pilot.press("ctrl+u", *"2026-02-30", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmDialog)
        assert field.has_class("-invalid")
        error = screen.query_one("#header-error", Static)
        assert error.has_class("-shown") and "Date" in str(error.render())
        assert str(SegmentHeader.get(SegmentHeader.no == no).date) == DATE


async def test_header_code_lookup_from_field(demo_db, db_path):
    no = new_segment()
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_worksheet(pilot, no)
        screen.query_one("#h-salesperson_code", Input).focus()
        await pilot.press(*"anna", "enter")  # not a code: the lookup searches names too
        await pilot.pause()
        assert isinstance(app.screen, LookupDialog)
        await pilot.press("enter")
        await settle(pilot)
        assert SegmentHeader.get(SegmentHeader.no == no).salesperson_code == "AK"
        assert "Anna Keller" in str(screen.query_one("#d-salesperson_code").render())
