"""The worksheet's criteria: the criteria dialog (add, reduce, refine), go back, save and reuse
criteria, driven with the keys a user presses.

Each test runs the real app (SegtuiApp) on the 300-contact demo database at 120x40, presses
keys through Textual's Pilot, then checks the database (through services and models) and what
is on the screen.
"""
from textual.widgets import DataTable, Static

from segtui.models import Contact, LoggedSegment, SavedSegmentCriteria, SegmentLine
from segtui.services import criteria, segments
from segtui.tui.screens.criteria_dialog import CriteriaDialog, field_input_id
from segtui.tui.screens.segment_dialogs import ConfirmDialog, FormDialog, LookupDialog
from segtui.tui.screens.worksheet import WorksheetScreen
from tui_helpers import (SIZE, criteria_rows, make_app, new_segment, open_worksheet, settle, status_text,
                         wait_for)


# --- criteria dialog --------------------------------------------------------------------------------

async def test_add_contacts_through_dialog(demo_db, db_path):
    no = new_segment()
    expected = criteria.add_contacts(no, [("city", "@b*")], dry_run=True)["would_add"]
    assert expected > 0
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_worksheet(pilot, no)
        await pilot.press("a")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, CriteriaDialog)
        await pilot.press("tab", "tab", "tab", "tab", "tab")  # No., Type, Name, Company no., Company name
        assert app.focused.id == field_input_id("city")
        await pilot.press(*"@b*")
        preview = dialog.query_one("#preview", Static)
        await wait_for(pilot, lambda: dialog.previewed_filters == [("city", "@b*")])
        assert f"{expected:,} contacts would enter" in str(preview.render())
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert segments.count_lines(no) == expected
        assert f"{expected:,} lines" in status_text(screen)
        rows = criteria_rows(screen)
        assert len(rows) == 1 and rows[0][1] == "Add contacts" and "city=@b*" in rows[0][2]
        assert rows[0][3] == f"+{expected:,}"
        # The sheet shows the lines: the first line's contact is on screen.
        first = segments.lines(no, limit=1)[0]
        assert screen.sheet.current_row["contact_no"] == first["contact_no"]


async def test_criteria_dialog_checks_filters_as_typed(demo_db, db_path):
    no = new_segment()
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_worksheet(pilot, no)
        await pilot.press("a", "tab")  # Type: an option field
        await pilot.press(*"robot")
        await pilot.pause()
        dialog = app.screen
        error = dialog.query_one("#err-" + field_input_id("type"), Static)
        assert error.has_class("-shown")
        text = str(error.render())
        assert "position 1" in text and "company" in text and "person" in text
        await pilot.press("enter")  # refused: nothing applied, the dialog stays
        await settle(pilot)
        assert isinstance(app.screen, CriteriaDialog)
        assert segments.count_lines(no) == 0
        await pilot.press(*["backspace"] * 5, *"person")
        await pilot.pause()
        assert not error.has_class("-shown")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, WorksheetScreen)
        assert segments.count_lines(no) == 0


async def test_reduce_and_refine_need_a_filter_and_use_options(demo_db, db_path):
    no = new_segment()
    criteria.add_contacts(no, [("country_code", "DE|FR")])
    before = segments.count_lines(no)
    would = criteria.refine_contacts(no, [("type", "company")], dry_run=True)["would_remove"]
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_worksheet(pilot, no)
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("ctrl+s")  # no filter: refused with a message
        await pilot.pause()
        assert isinstance(app.screen, CriteriaDialog)
        assert app.screen.query("#opt-entire_companies")  # reduce/refine offer entire companies
        await pilot.press("escape", "f")
        await pilot.pause()
        await pilot.press("tab", *"company")
        dialog = app.screen
        preview = dialog.query_one("#preview", Static)
        await wait_for(pilot, lambda: dialog.previewed_filters == [("type", "company")])
        assert f"{would:,} contact" in str(preview.render())
        await pilot.press("enter")
        await settle(pilot)
        assert segments.count_lines(no) == before - would
        assert Contact.select().where(Contact.no.in_(
            SegmentLine.select(SegmentLine.contact_no).where(SegmentLine.live(no)))
            & (Contact.type != "company")).count() == 0
        assert criteria_rows(screen)[-1][1] == "Refine contacts"


# --- go back, save / reuse criteria -------------------------------------------------------------------

async def test_go_back_one_and_several_steps(demo_db, db_path):
    no = new_segment()
    criteria.add_contacts(no, [("city", "@b*")])
    after_first = segments.count_lines(no)
    criteria.add_contacts(no, [("city", "@m*")])
    criteria.reduce_contacts(no, [("type", "company")])
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_worksheet(pilot, no)
        assert len(criteria_rows(screen)) == 3
        await pilot.press("b")
        await settle(pilot)
        assert len(segments.criteria_actions(no)) == 2
        assert len(criteria_rows(screen)) == 2
        # In the criteria panel, b goes back to before the highlighted action (asks first).
        table = screen.query_one("#criteria", DataTable)
        table.focus()
        table.move_cursor(row=1)
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog) is False  # one step: no question
        await settle(pilot)
        assert segments.count_lines(no) == after_first
        assert len(criteria_rows(screen)) == 1
        assert f"{after_first:,} lines" in status_text(screen)


async def test_go_back_several_asks(demo_db, db_path):
    no = new_segment()
    criteria.add_contacts(no, [("city", "@b*")])
    criteria.add_contacts(no, [("city", "@m*")])
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_worksheet(pilot, no)
        table = screen.query_one("#criteria", DataTable)
        table.focus()
        table.move_cursor(row=0)
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert segments.count_lines(no) == 0
        assert criteria_rows(screen) == []
        screen.sheet.focus()
        await pilot.press("b")
        await settle(pilot)
        assert any("nothing to go back" in str(n.message) for n in app._notifications)


async def test_save_and_reuse_criteria(demo_db, db_path):
    no = new_segment()
    criteria.add_contacts(no, [("city", "@b*")])
    criteria.refine_contacts(no, [("type", "person")])
    wanted = sorted(r["contact_no"] for r in segments.lines(no, limit=1000))
    other = new_segment("Refreshed")
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_worksheet(pilot, no)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, FormDialog)
        await pilot.press(*"b-persons", "tab", "ctrl+u", *"Persons in B cities", "enter")
        await settle(pilot)
        saved = SavedSegmentCriteria.get(SavedSegmentCriteria.code == "B-PERSONS")
        assert saved.description == "Persons in B cities"
        # Back to the list, open the other segment and reuse the criteria there.
        await pilot.press("escape")
        await settle(pilot)
        screen = await open_worksheet(pilot, other)
        await pilot.press("u")
        await pilot.pause()
        assert isinstance(app.screen, LookupDialog)
        await pilot.press(*"b-pers", "enter")
        await settle(pilot)
        assert sorted(r["contact_no"] for r in segments.lines(other, limit=1000)) == wanted
        assert [r[1] for r in criteria_rows(screen)] == ["Add contacts", "Refine contacts"]


async def test_save_criteria_refused_shows_at_field(demo_db, db_path):
    no = new_segment()
    criteria.add_contacts(no, [("city", "@b*")])
    criteria.save_criteria(no, "TAKEN", "first")
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_worksheet(pilot, no)
        await pilot.press("s", *"taken", "ctrl+s")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, FormDialog)
        error = dialog.query_one("#e-code", Static)
        assert error.has_class("-shown") and "TAKEN" in str(error.render()).upper()
        assert SavedSegmentCriteria.get(SavedSegmentCriteria.code == "TAKEN").description == "first"


async def test_reuse_criteria_asks_when_segment_has_actions(demo_db, db_path):
    no = new_segment()
    criteria.add_contacts(no, [("city", "@b*")])
    criteria.save_criteria(no, "CITYB", "")
    target = new_segment("Target")
    criteria.add_contacts(target, [("city", "@m*")])
    before = segments.count_lines(target)
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_worksheet(pilot, target)
        await pilot.press("u", *"cityb", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await settle(pilot)
        assert segments.count_lines(target) == before
        await pilot.press("u", *"cityb", "enter", "y")
        await settle(pilot)
        assert segments.count_lines(target) > before


async def test_reuse_logged_segment(demo_db, db_path):
    logged = LoggedSegment.select().order_by(LoggedSegment.entry_no).first()
    no = new_segment()
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_worksheet(pilot, no)
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, LookupDialog)
        await pilot.press(*str(logged.entry_no), "enter")
        await settle(pilot)
        assert segments.count_lines(no) > 0
        assert criteria_rows(screen)[-1][1] == "Reuse logged segment"
