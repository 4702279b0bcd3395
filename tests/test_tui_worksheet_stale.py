"""Stale edits in the worksheet: the version shown goes with every save; another user's change
in between is refused, said and offered as a reload, never overwritten."""
from textual.widgets import Input

from segtui.models import SegmentHeader
from segtui.services import criteria, segments
from segtui.tui.screens.segment_dialogs import ConfirmDialog
from tui_helpers import DATE, SIZE, make_app, open_ws, settle


def new_segment():
    no = segments.new_segment("Spring fair", template_code="LETTER", date=DATE)["no"]
    criteria.add_contacts(no, [("city", "@b*")])
    return no


async def test_header_save_after_another_users_change_is_refused_and_reloads(demo_db, db_path):
    no = new_segment()
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_ws(pilot, no)
        # Another user changes the subject while this worksheet shows the segment.
        segments.set_header(no, {"subject_default": "Their subject"})
        await pilot.press("f3", "ctrl+u", *"My description", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "Another user changed" in app.screen.question
        header = SegmentHeader.get(SegmentHeader.no == no)
        assert header.description == "Spring fair"  # never overwritten
        assert header.subject_default == "Their subject"
        await pilot.press("y")  # Reload
        await settle(pilot)
        assert app.screen is screen
        assert screen.query_one("#h-subject_default", Input).value == "Their subject"
        assert screen.query_one("#h-description", Input).value == "Spring fair"
        # Now that it shows the current version, the same change is stored.
        screen.query_one("#h-description", Input).focus()
        await pilot.press("ctrl+u", *"My description", "enter")
        await settle(pilot)
        assert SegmentHeader.get(SegmentHeader.no == no).description == "My description"


async def test_own_line_edit_then_header_edit_is_no_conflict(demo_db, db_path):
    no = new_segment()
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_ws(pilot, no)
        await pilot.press("right", "right", "right", "right", "f2", "ctrl+u", *"Mine", "enter")
        # Straight on to the header, before the reload after the line's save comes back.
        await pilot.press("f3", "ctrl+u", *"Renamed", "enter")
        await settle(pilot)
        assert app.screen is screen
        assert SegmentHeader.get(SegmentHeader.no == no).description == "Renamed"
        assert segments.lines(no, limit=1)[0]["description"] == "Mine"


async def test_line_save_passes_the_version_shown_and_a_conflict_offers_reload(demo_db, db_path,
                                                                               monkeypatch):
    """Lines read by key carry no version: the one of the values shown goes with the save, so
    another user's change to the line since then is refused, said and offered as a reload."""
    no = new_segment()
    first = segments.lines(no, limit=1)[0]
    real_set_line = segments.set_line
    passed = []

    def set_line(segment_no, line_no, fields, expected_version=None):
        passed.append(expected_version)
        return real_set_line(segment_no, line_no, fields, expected_version=expected_version)

    monkeypatch.setattr(segments, "set_line", set_line)
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_ws(pilot, no)
        assert screen.sheet.current_row["line_no"] == first["line_no"]
        # Another user changes the line's subject while this worksheet shows it.
        real_set_line(no, first["line_no"], {"subject": "Their subject"})
        await pilot.press("right", "right", "right", "right", "f2", "ctrl+u", *"Mine", "enter")
        await settle(pilot)
        assert passed == [first["version"]]  # the version of the line as shown, worked out
        assert isinstance(app.screen, ConfirmDialog) and "Another user changed" in app.screen.question
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is screen and not screen.query_one("#cell-editor").display
        assert "Another user changed" in str(screen.query_one("#message").render())
        line = segments.get_line(no, first["line_no"])
        assert line["description"] == first["description"] and line["subject"] == "Their subject"
        # Reloaded, the line shows as it is now and the same edit is stored.
        await pilot.press("ctrl+r")
        await settle(pilot)
        await pilot.press("f2", "ctrl+u", *"Mine", "enter")
        await settle(pilot)
        assert app.screen is screen
        assert segments.get_line(no, first["line_no"])["description"] == "Mine"
        assert passed[-1] == line["version"]


async def test_two_worksheets_on_one_database_file(demo_db, db_path):
    """Two users, two apps on the same file: the second save from a stale screen is refused."""
    no = new_segment()
    first, second = make_app(db_path), make_app(db_path)
    async with first.run_test(size=SIZE) as one, second.run_test(size=SIZE) as two:
        screen_one = await open_ws(one, no)
        screen_two = await open_ws(two, no)
        await one.press("f3", "ctrl+u", *"Set by one", "enter")
        await settle(one)
        assert SegmentHeader.get(SegmentHeader.no == no).description == "Set by one"
        await two.press("f3", "ctrl+u", *"Set by two", "enter")
        await settle(two)
        assert isinstance(second.screen, ConfirmDialog) and "Another user changed" in second.screen.question
        assert SegmentHeader.get(SegmentHeader.no == no).description == "Set by one"
        await two.press("y")
        await settle(two)
        assert screen_two.query_one("#h-description", Input).value == "Set by one"
        assert first.screen is screen_one
