"""List screens show messages on a line of their own (no toast over the keys): one given while
another screen was on top shows when the list comes back; an error stays until Esc."""
import pytest

from segtui.services import criteria
from segtui.tui.widgets.message_line import MessageLine
from tui_helpers import SIZE_IDS, SIZES, make_app, new_segment, open_worksheet, settle, wait_for


def line_of(screen):
    return screen.query_one("#message", MessageLine)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_logged_message_shows_on_the_segments_list_and_no_toast(demo_db, db_path, size):
    no = new_segment("Message check", template_code="LETTER", salesperson_code="AK")
    criteria.add_contacts(no, [("city", "@ber*")])
    app = make_app(db_path)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        segments_screen = app.screen
        await open_worksheet(pilot, no)
        await pilot.press("f9")
        await settle(pilot)
        await pilot.press("f9")  # log
        await wait_for(pilot, lambda: app.screen is segments_screen)
        # The message comes after the list is back (on a loaded machine, a while after).
        await wait_for(pilot, lambda: line_of(segments_screen).shown)
        line = line_of(segments_screen)
        assert f"Segment {no} logged" in line.message
        assert segments_screen.has_class("-messages")  # its toasts are hidden (app.tcss)


@pytest.mark.parametrize("keys", [("g",), ("c",), ()], ids=["logged", "contacts", "segments"])
async def test_an_error_on_a_list_stays_until_esc(demo_db, db_path, keys):
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)
        screen = app.screen
        app.notify("the file could not be read", severity="error")
        await pilot.pause()
        line = line_of(screen)
        assert line.error_shown and line._timer is None
        await pilot.press("escape")
        await pilot.pause()
        assert not line.shown and app.screen is screen  # Esc took the error away, nothing else


async def test_a_message_given_just_before_a_list_comes_back_shows_there(demo_db, db_path):
    """A worksheet gives "Segment … logged" and closes at once: the list coming back shows it,
    though Textual files a notification only when it handles its message, which can come after
    the list is back (on a loaded machine it did, and the message was lost)."""
    from textual.screen import Screen

    from segtui.tui.widgets.message_line import show_latest

    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        segments_screen = app.screen
        worksheet = Screen()
        await app.push_screen(worksheet)
        await settle(pilot)
        app.notify("Segment SM00001 logged", timeout=10)
        await app.pop_screen()  # the worksheet closes at once; the list resumes (show_latest)
        line = line_of(segments_screen)
        line.dismiss()
        show_latest(segments_screen)  # as its resume does, before Textual has filed the message
        assert line.shown and line.message == "Segment SM00001 logged"


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_an_error_of_a_list_still_open_underneath_does_not_follow_to_the_next(demo_db, db_path, size):
    app = make_app(db_path)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        segments_screen = app.screen
        await pilot.press("ctrl+f", *"descripton=x", "enter")
        await settle(pilot)
        assert "did you mean 'description'?" in line_of(segments_screen).message
        await pilot.press("escape", "c")  # out of the filter, to the Contacts list
        await wait_for(pilot, lambda: app.screen is not segments_screen)
        await settle(pilot)
        assert not line_of(app.screen).shown, line_of(app.screen).message
        await pilot.press("f6")  # back to the segments list, which still shows its error
        await wait_for(pilot, lambda: app.screen is segments_screen)
        assert "did you mean 'description'?" in line_of(segments_screen).message
