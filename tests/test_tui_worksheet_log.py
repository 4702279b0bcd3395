"""Logging a segment from the worksheet (follow-up, refusals), applying a mailing group, export
and merge preview, driven with the keys a user presses.

Each test runs the real app (SegtuiApp) on the 300-contact demo database at 120x40, presses
keys through Textual's Pilot, then checks the database (through services and models) and what
is on the screen.
"""
from textual.widgets import Checkbox, OptionList, Static

from segtui.models import LoggedSegment, SegmentHeader
from segtui.services import criteria, segments
from segtui.tui.screens.log_dialog import LogDialog
from segtui.tui.screens.segment_dialogs import FormDialog
from segtui.tui.screens.worksheet import WorksheetScreen
from tui_helpers import SIZE, fill_form, make_app, new_segment, open_worksheet, settle, status_text


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
        await fill_form(pilot, "p", *"vip")
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
        await fill_form(pilot, "m", *str(out))
        await settle(pilot, 5)
        assert len(list(out.glob("*.docx"))) == 2
        assert any("2 documents" in str(n.message) for n in app._notifications)
        assert SegmentHeader.get_or_none(SegmentHeader.no == no) is not None  # a preview logs nothing
