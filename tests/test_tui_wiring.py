"""The worksheet wired to the shared pieces: choices in the labels table's words, lookups that
highlight the current choice, stored text shown safely, the log dialog's one mail per address,
and quitting while long work runs. Keys a user presses; then the database and the screen."""
import threading

import pytest
from textual.widgets import OptionList

from segtui.models import SegmentHeader, SegmentLine
from segtui.services import criteria, segment_log, segments
from segtui.tui.screens.log_dialog import LogDialog
from segtui.tui.screens.segment_dialogs import ConfirmDialog, LookupDialog
from segtui.tui.widgets.progress import Cancelled
from tui_helpers import DATE, SIZE_IDS, SIZES, make_app, open_ws, settle



def new_segment():
    no = segments.new_segment("Spring fair", template_code="LETTER", date=DATE, salesperson_code="AK")["no"]
    criteria.add_contacts(no, [("city", "@b*")])
    return no


def sheet_line(screen, y):
    """The text of one drawn line of the lines sheet (y=0 is its column titles)."""
    return "".join(segment.text for segment in screen.sheet.render_line(y))


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_choices_show_in_words_and_the_lookup_highlights_the_current_one(demo_db, db_path, size):
    no = new_segment()
    first = segments.lines(no, limit=1)[0]
    segments.set_line(no, first["line_no"], {"correspondence_type": "hard_copy", "evaluation": "very_positive"})
    app = make_app(db_path)
    async with app.run_test(size=size) as pilot:
        screen = await open_ws(pilot, no)
        drawn = sheet_line(screen, 1)
        assert "Hard copy" in drawn and "hard_copy" not in drawn
        # The criteria panel names the action in words.
        assert screen.query_one("#criteria").get_cell_at((0, 1)) == "Add contacts"
        # F2 on the Evaluation cell: the lookup lists the words, the line's choice highlighted.
        screen.sheet.move_cursor(column="evaluation")
        await pilot.press("f2")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, LookupDialog)
        results = dialog.query_one("#results", OptionList)
        assert dialog._codes[results.highlighted] == "very_positive"
        assert "Very positive" in str(results.get_option_at_index(results.highlighted).prompt)
        await pilot.press("down", "down", "enter")  # to the list, then the next one: Positive
        await settle(pilot)
        assert app.screen is screen
        assert segments.get_line(no, first["line_no"])["evaluation"] == "positive"
        assert "Positive" in sheet_line(screen, 1)


async def test_header_choice_lookup_highlights_the_current_one(demo_db, db_path):
    no = new_segment()
    segments.set_header(no, {"information_flow": "inbound"})
    app = make_app(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_ws(pilot, no)
        await pilot.press("f3")
        screen.query_one("#h-information_flow").focus()
        await pilot.press("f4")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, LookupDialog)
        results = dialog.query_one("#results", OptionList)
        assert dialog._codes[results.highlighted] == "inbound"
        await pilot.press("escape")
        await settle(pilot)
        assert SegmentHeader.get(SegmentHeader.no == no).information_flow == "inbound"


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_an_escape_sequence_in_stored_text_shows_as_a_visible_escape(demo_db, db_path, size):
    no = new_segment()
    first = segments.lines(no, limit=1)[0]
    # As an import could have stored them: written straight into the database.
    SegmentLine.update(description="Fair\x1b[2J!").where(
        (SegmentLine.segment_no == no) & (SegmentLine.line_no == first["line_no"])).execute()
    SegmentHeader.update(description="Spring\x1b[2J fair", subject_default="Hi\x07").where(
        SegmentHeader.no == no).execute()
    app = make_app(db_path)
    async with app.run_test(size=size) as pilot:
        screen = await open_ws(pilot, no)
        screen.sheet.move_cursor(column="description")
        await pilot.pause()
        drawn = sheet_line(screen, 1)
        assert "Fair\\x1b[2J!" in drawn and "\x1b" not in drawn
        assert "\x1b" not in screen.title and "\\x1b[2J" in screen.title
        await pilot.press("f3")
        await pilot.pause()
        assert screen.query_one("#h-description").value == "Spring\\x1b[2J fair"
        assert screen.query_one("#h-subject_default").value == "Hi\\x07"
        # Leaving the field as shown is no edit: the stored text stays exactly as it was.
        await pilot.press("enter", "escape")
        await settle(pilot)
        assert SegmentHeader.get(SegmentHeader.no == no).description == "Spring\x1b[2J fair"
        # The cell editor shows the escape too, and Enter on it unchanged stores nothing.
        screen.sheet.focus()
        screen.sheet.move_cursor(row=0, column="description")
        await pilot.press("f2")
        await pilot.pause()
        assert screen.query_one("#cell-editor").value == "Fair\\x1b[2J!"
        await pilot.press("enter")
        await settle(pilot)
        assert segments.get_line(no, first["line_no"])["description"] == "Fair\x1b[2J!"
        assert "\x1b" not in app.export_screenshot()


@pytest.mark.parametrize("untick", [False, True], ids=["ticked", "unticked"])
async def test_log_dialog_passes_one_mail_per_address(demo_db, db_path, monkeypatch, untick):
    no = new_segment()
    passed = []
    real = segment_log.log_segment

    def log_segment(segment_no, **options):
        passed.append(options.get("one_mail_per_address"))
        return real(segment_no, **options)

    monkeypatch.setattr(segment_log, "log_segment", log_segment)
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_ws(pilot, no)
        await pilot.press("f9")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, LogDialog)
        tick = dialog.query_one("#one_mail_per_address")
        assert tick.value is True  # on by default
        if untick:
            tick.focus()
            await pilot.press("space")
            assert tick.value is False
        await pilot.press("f9")
        await settle(pilot, 5)
    assert passed == [not untick]
    assert SegmentHeader.get_or_none(SegmentHeader.no == no) is None  # logged


async def test_quit_while_work_runs_asks_first(demo_db, db_path):
    no = new_segment()
    release = threading.Event()
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_ws(pilot, no)

        def long_work():
            while not release.wait(0.02):
                if screen._cancel_requested:
                    raise Cancelled()
            return {}

        assert screen.run_long("Adding contacts…", long_work, lambda result: None)
        await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
        question = app.screen
        assert isinstance(question, ConfirmDialog)
        assert "Adding contacts is still running" in question.question and no in question.question
        await pilot.press("n")  # keep working
        await pilot.pause()
        assert app.screen is screen and screen._busy and app.return_code is None
        await pilot.press("ctrl+q", "y")
        await pilot.pause()
        assert screen._cancel_requested  # the work is canceled (its transaction rolls back)
        assert app.return_code == 0  # quitting
    release.set()


async def test_quit_with_nothing_running_quits_at_once(demo_db, db_path):
    no = new_segment()
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_ws(pilot, no)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmDialog)
    assert app.return_code == 0
