"""The Segments screen and the segment worksheet, driven with the keys a user presses.

Each test runs the real app (SegtuiApp) on the 300-contact demo database at 120x40, presses
keys through Textual's Pilot, then checks the database (through services and models) and what
is on the screen.
"""
import time

import pytest
from peewee import CharField, TextField
from textual.coordinate import Coordinate
from textual.widgets import Checkbox, DataTable, Input, OptionList, Static

from segtui.models import (
    Contact,
    LoggedSegment,
    SavedSegmentCriteria,
    SegmentHeader,
    SegmentLine,
    database,
)
from segtui.services import contacts as contact_service
from segtui.services import criteria, segments
from segtui.tui.screens.criteria_dialog import CriteriaDialog, field_input_id
from segtui.tui.screens.log_dialog import LogDialog
from segtui.tui.screens.segment_dialogs import ConfirmDialog, FormDialog, LookupDialog
from segtui.tui.screens.segments import SegmentsScreen
from segtui.tui.screens.worksheet import WorksheetScreen
from tui_helpers import DATE, SIZE, make_app, new_segment, open_worksheet, settle, wait_for



def status_text(screen):
    return str(screen.query_one("#status", Static).render())


def criteria_rows(screen):
    """[number, action, filters, contacts] of each row of the criteria panel."""
    table = screen.query_one("#criteria", DataTable)
    return [[str(table.get_cell_at(Coordinate(i, c))) for c in (0, 1, 3, 2)] for i in range(table.row_count)]


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


# --- log ----------------------------------------------------------------------------------------------------

def loggable_segment():
    no = new_segment("Fair invitation", template_code="LETTER", salesperson_code="AK")
    criteria.add_contacts(no, [("city", "@b*")])
    return no


async def test_log_with_follow_up(demo_db, db_path):
    no = loggable_segment()
    lines = segments.count_lines(no)
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_worksheet(pilot, no)
        await pilot.press("f9")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, LogDialog)
        assert "Ready to log" in str(dialog.query_one("#status", Static).render())
        await pilot.press("tab", "space")  # create follow-up
        assert dialog.query_one("#follow_up", Checkbox).value
        await pilot.press("f9")
        await settle(pilot, 5)
        logged = LoggedSegment.get(LoggedSegment.segment_no == no)
        assert SegmentHeader.get_or_none(SegmentHeader.no == no) is None
        follow = SegmentHeader.get(SegmentHeader.description == f"Follow-up on segment {no}")
        assert segments.count_lines(follow.no) == lines
        assert logged.entry_no > 0
        # The follow-up opens in the worksheet.
        assert isinstance(app.screen, WorksheetScreen) and app.screen.segment_no == follow.no
        assert f"{lines:,} lines" in status_text(app.screen)


async def test_log_refusals_listed_and_enter_jumps_to_line(demo_db, db_path):
    no = new_segment("No salesperson", template_code="LETTER")
    criteria.add_contacts(no, [("city", "@b*")])
    # Every line has the contact's salesperson; clear one in the middle so it is refused.
    target = segments.lines(no, limit=5)[3]
    segments.set_line(no, target["line_no"], {"salesperson_code": ""})
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_worksheet(pilot, no)
        await pilot.press("f9")
        await settle(pilot)
        dialog = app.screen
        listing = dialog.query_one("#refusals", OptionList)
        assert listing.option_count >= 1
        assert f"line {target['line_no']}" in str(listing.get_option_at_index(0).prompt)
        await pilot.press("f9")  # refused while problems remain
        await pilot.pause()
        assert app.screen is dialog
        listing.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert screen.sheet.cursor_row == 3
        assert screen.sheet.current_row["line_no"] == target["line_no"]
        assert SegmentHeader.get_or_none(SegmentHeader.no == no) is not None


# --- long work -----------------------------------------------------------------------------------------------

# Esc during long work is tested on a real add, log and merge in test_tui_progress.py.


# --- a million lines ------------------------------------------------------------------------------------------

def fill_lines(segment_no, count):
    """`count` lines in one INSERT ... SELECT over a recursive CTE (test data only)."""
    fields = [f for f in SegmentLine._meta.sorted_fields if f.name != "id"]
    columns, values = [], []
    for f in fields:
        columns.append(f.column_name)
        if f.name == "segment_no":
            values.append(f"'{segment_no}'")
        elif f.name == "line_no":
            values.append("x * 10")
        elif f.name == "contact_no":
            values.append("'CT' || substr('000000' || (x % 300 + 1), -6)")
        elif f.name == "description":
            values.append("'Line ' || x")
        elif f.null:
            values.append("NULL")
        else:
            values.append("''" if isinstance(f, (CharField, TextField)) else "0")
    sql = (f"INSERT INTO segment_line ({', '.join(columns)}) "
           f"WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < {count}) "
           f"SELECT {', '.join(values)} FROM n")
    with database.atomic():
        database.execute_sql(sql)


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


# --- mailing group, export, merge --------------------------------------------------------------------------

async def test_apply_mailing_group_and_export(demo_db, db_path, tmp_path):
    from segtui.models import ContactMailingGroup

    no = new_segment()
    for contact_no in ("CT000002", "CT000003", "CT000004"):
        segments.add_contact(no, contact_no)
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_worksheet(pilot, no)
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, FormDialog)
        await pilot.press(*"vip", "ctrl+s")
        await settle(pilot)
        linked = {r.contact_no for r in ContactMailingGroup.select().where(
            ContactMailingGroup.mailing_group_code == "VIP")}
        assert {"CT000002", "CT000003", "CT000004"} <= linked
        target = tmp_path / "out" / "fair.csv"
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, FormDialog)
        await pilot.press(*str(target), "ctrl+s")  # the path field is selected: typing replaces it
        await settle(pilot)
        text = target.read_text(encoding="utf-8")
        assert "CT000003" in text and len(text.strip().splitlines()) == 4  # header + 3 contacts
        assert any("3 contacts written" in str(n.message) for n in app._notifications)


async def test_merge_preview_writes_one_document_per_line(demo_db, db_path, tmp_path):
    no = new_segment("Letters", template_code="LETTER", salesperson_code="AK")
    for contact_no in ("CT000002", "CT000003"):
        segments.add_contact(no, contact_no)
    out = tmp_path / "merged"
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_worksheet(pilot, no)
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, FormDialog)
        await pilot.press(*str(out), "ctrl+s")
        await settle(pilot, 5)
        assert len(list(out.glob("*.docx"))) == 2
        assert any("2 documents" in str(n.message) for n in app._notifications)
        assert SegmentHeader.get_or_none(SegmentHeader.no == no) is not None  # a preview logs nothing
