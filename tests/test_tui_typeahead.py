"""Keys typed ahead arrive in one burst (over SSH, or from a fast typist), as the terminal driver
hands them to the app: each key must meet what the keys before it made (the field Tab moved to,
the cell editor F2 opened, the text Backspace left), never the screen as it was when the burst
came (tui/key_turns.py)."""
import pytest
from textual import events
from textual.widgets import Input

from segtui.models import SegmentCriteriaLine, SegmentHeader, SegmentLine
from segtui.services import criteria, segments
from segtui.tui.screens.criteria_dialog import CriteriaDialog, field_input_id
from segtui.tui.screens.worksheet import WorksheetScreen
from tui_helpers import make_app, new_segment, open_worksheet, settle, wait_for

BURST = ["S", "p", "r", "i", "n", "g", "tab", "L", "E", "T", "T", "E", "R", "shift+tab"]
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
CHARACTERS = {"tab": "\t", "backspace": "\x7f", "enter": "\r", "space": " "}


def post_burst(app, keys):
    # Like the terminal driver: every key posted at once, none awaited in between.
    for key in keys:
        character = key if len(key) == 1 else CHARACTERS.get(key)
        app.post_message(events.Key(key, character))


async def typed_into_the_new_segment_form(app, pilot, keys):
    """The new segment form's fields after `keys` came in one burst."""
    await settle(pilot)
    await pilot.press("ctrl+n")
    await settle(pilot)
    post_burst(app, keys)
    await settle(pilot, rounds=6)
    return list(app.screen.query(Input))


async def test_tab_typed_ahead_moves_to_the_next_field_of_a_form(demo_db, db_path):
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        fields = await typed_into_the_new_segment_form(app, pilot, BURST)
        assert [f.value for f in fields[:2]] == ["Spring", "LETTER"]
        assert app.focused is fields[0]  # shift+tab in the burst went back as well


async def test_editing_keys_typed_ahead_apply_where_and_when_they_were_typed(demo_db, db_path):
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        # Backspace took the E, not the X typed after it; Left went back past the L, in the
        # second field (Tab came before it), where Q went in front of the L.
        fields = await typed_into_the_new_segment_form(
            app, pilot, ["D", "E", "backspace", "X", "tab", "L", "E", "T", "backspace", "backspace", "left", "Q"])
        assert [f.value for f in fields[:2]] == ["DX", "QL"]


async def test_a_save_typed_right_after_the_text_saves_the_text(demo_db, db_path):
    before = {h.no for h in SegmentHeader.select()}
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await typed_into_the_new_segment_form(app, pilot, [*"Autumn fair", "ctrl+s"])
        await wait_for(pilot, lambda: isinstance(app.screen, WorksheetScreen))
        await settle(pilot)
        made = [h for h in SegmentHeader.select() if h.no not in before]
        assert [h.description for h in made] == ["Autumn fair"]


@pytest.mark.parametrize("size", SIZES)
async def test_a_cell_edit_typed_ahead_edits_the_cell_and_runs_no_worksheet_key(demo_db, db_path, size):
    no = new_segment()
    criteria.add_contacts(no, [("city", "@b*")])
    criteria.reduce_contacts(no, [("country_code", "DE")])
    lines = segments.count_lines(no)
    first = segments.lines(no, limit=1)[0]
    app = make_app(db_path)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = await open_worksheet(pilot, no)
        await pilot.press("right", "right", "right", "right")
        assert screen.sheet.current_column == "description"
        # b is go back, r reduce, i the Interactions screen, g the logged segments: none of them
        # may run, since the F2 before them opened the cell editor.
        post_burst(app, ["f2", "ctrl+u", *"bring a gift", "enter"])
        await settle(pilot, rounds=6)
        await wait_for(pilot, lambda: not screen.query_one("#cell-editor", Input).display)
        assert app.screen is screen
        line = SegmentLine.get(SegmentLine.live(no) & (SegmentLine.line_no == first["line_no"]))
        assert line.description == "bring a gift"
        assert segments.count_lines(no) == lines
        actions = SegmentCriteriaLine.select().where((SegmentCriteriaLine.segment_no == no)
                                                     & (SegmentCriteriaLine.kind == "action")).count()
        assert actions == 2


async def test_criteria_typed_ahead_in_one_burst_adds_what_was_typed(demo_db, db_path):
    no = new_segment()
    expected = criteria.add_contacts(no, [("country_code", "DE|GB")], dry_run=True)["would_add"]
    assert expected > 0
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await open_worksheet(pilot, no)
        # Typed into Post code by mistake, taken back, then into Country; ctrl+s adds.
        post_burst(app, ["a", *["tab"] * 6, *"DE|GB", *["backspace"] * 5, "tab", *"DE|GB"])
        await settle(pilot, rounds=6)
        dialog = app.screen
        assert isinstance(dialog, CriteriaDialog)
        post = dialog.query_one("#" + field_input_id("post_code"), Input).value
        country = dialog.query_one("#" + field_input_id("country_code"), Input).value
        assert (post, country) == ("", "DE|GB")
        post_burst(app, ["ctrl+s"])
        await wait_for(pilot, lambda: app.screen is screen and segments.count_lines(no) == expected)
