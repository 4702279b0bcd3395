"""SVG snapshots of the Segments screen, the worksheet and its dialogs in the default theme.

Fixed data (the seed-1 demo contacts, segments dated 2026-01-15), fixed sizes (120x40, 80x24), no clock,
cursors not blinking: the pictures are the same on every run. A picture is refused while an error
shows (tui_helpers.still) unless the test is about that error; information toasts are cleared.
Regenerate with `pytest tests/test_tui_worksheet_snapshots.py --snapshot-update` and look at them.
"""
import pytest
from textual.widgets import Input

from segtui.services import criteria, segments
from segtui.tui.screens.criteria_dialog import CriteriaDialog
from segtui.tui.screens.log_dialog import LogDialog
from segtui.tui.screens.worksheet import WorksheetScreen
from tui_helpers import DATE, SIZE, error_shown, freeze, make_app, spring_fair, still


@pytest.fixture
def filled(demo_db):
    """Two open segments; the first with lines from two criteria actions and a note."""
    first = spring_fair()
    line = segments.lines(first, limit=2)[1]
    segments.set_line(first, line["line_no"], {"personal_note": "Met at the last fair", "evaluation": "positive"})
    second = segments.new_segment("Autumn newsletter", template_code="NEWSLETTER", date=DATE)["no"]
    return first, second


def test_segments_screen(snap_compare, filled, db_path):
    async def run_before(pilot):
        await still(pilot)

    assert snap_compare(make_app(db_path), terminal_size=SIZE, run_before=run_before)


def test_worksheet(snap_compare, filled, db_path):
    first, _ = filled

    async def run_before(pilot):
        await pilot.app.push_screen(WorksheetScreen(first))
        await still(pilot)

    assert snap_compare(make_app(db_path), terminal_size=SIZE, run_before=run_before)


def test_worksheet_80x24(snap_compare, filled, db_path):
    """The compact worksheet: a two-line header, the criteria folded, at least 8 lines."""
    first, _ = filled

    async def run_before(pilot):
        await pilot.app.push_screen(WorksheetScreen(first))
        await still(pilot)

    assert snap_compare(make_app(db_path), terminal_size=(80, 24), run_before=run_before)


def test_worksheet_80x24_header_form(snap_compare, filled, db_path):
    """F3 at 80 columns: the full header form, its two groups stacked, the focus clearly shown."""
    first, _ = filled

    async def run_before(pilot):
        await pilot.app.push_screen(WorksheetScreen(first))
        await still(pilot)
        await pilot.press("f3")
        await still(pilot)

    assert snap_compare(make_app(db_path), terminal_size=(80, 24), run_before=run_before)


def test_worksheet_80x24_criteria_panel(snap_compare, filled, db_path):
    first, _ = filled

    async def run_before(pilot):
        await pilot.app.push_screen(WorksheetScreen(first))
        await still(pilot)
        await pilot.press("f5")
        await still(pilot)

    assert snap_compare(make_app(db_path), terminal_size=(80, 24), run_before=run_before)


def test_line_details_80x24(snap_compare, filled, db_path):
    """F8: the line's detail form, every field set-line takes, at 80 columns."""
    first, _ = filled

    async def run_before(pilot):
        await pilot.app.push_screen(WorksheetScreen(first))
        await still(pilot)
        await pilot.press("down", "f8")
        await still(pilot)

    assert snap_compare(make_app(db_path), terminal_size=(80, 24), run_before=run_before)


def test_worksheet_80x24_error_message(snap_compare, filled, db_path):
    """An error on the message line: above the status, over nothing, until dismissed."""
    first, _ = filled

    async def run_before(pilot):
        await pilot.app.push_screen(WorksheetScreen(first))
        await still(pilot)
        await pilot.press("f2", "ctrl+u", *"NOPE", "enter")  # not a contact: refused at the cell
        await freeze(pilot)
        assert any("NOPE" in error for error in error_shown(pilot.app)), error_shown(pilot.app)

    assert snap_compare(make_app(db_path), terminal_size=(80, 24), run_before=run_before)


def test_worksheet_editing_a_cell(snap_compare, filled, db_path):
    first, _ = filled

    async def run_before(pilot):
        await pilot.app.push_screen(WorksheetScreen(first))
        await still(pilot)
        await pilot.press("down", "right", "right", "right", "right", "f2", *" and friends")
        await still(pilot)

    assert snap_compare(make_app(db_path), terminal_size=SIZE, run_before=run_before)


def test_criteria_dialog_with_count(snap_compare, filled, db_path):
    _, second = filled

    async def run_before(pilot):
        await pilot.app.push_screen(WorksheetScreen(second))
        await still(pilot)
        await pilot.press("a", "tab", "tab", "tab", "tab", "tab", *"@m*")
        dialog = pilot.app.screen
        assert isinstance(dialog, CriteriaDialog)
        while dialog.previewed_filters != [("city", "@m*")]:
            await pilot.pause(0.05)
        await still(pilot)

    assert snap_compare(make_app(db_path), terminal_size=SIZE, run_before=run_before)


def test_criteria_dialog_filter_error(snap_compare, filled, db_path):
    _, second = filled

    async def run_before(pilot):
        await pilot.app.push_screen(WorksheetScreen(second))
        await still(pilot)
        await pilot.press("r", "tab", *"robot")
        # The preview is debounced: wait until it has spoken about the typed filter, whatever the
        # machine's load (a busy run once caught the text from before the typing).
        preview = pilot.app.screen.query_one("#preview")
        for _ in range(100):
            if "Fix the filter" in str(preview.render()):
                break
            await pilot.pause(0.05)
        await still(pilot)

    assert snap_compare(make_app(db_path), terminal_size=SIZE, run_before=run_before)


def test_log_dialog_with_refusals(snap_compare, filled, db_path):
    _, second = filled
    criteria.add_contacts(second, [("city", "@b*")])
    row = segments.lines(second, limit=3)[2]
    segments.set_line(second, row["line_no"], {"salesperson_code": ""})

    async def run_before(pilot):
        await pilot.app.push_screen(WorksheetScreen(second))
        await still(pilot)
        await pilot.press("f9")
        await still(pilot)
        assert isinstance(pilot.app.screen, LogDialog)
        await still(pilot)

    assert snap_compare(make_app(db_path), terminal_size=SIZE, run_before=run_before)


def test_salesperson_lookup(snap_compare, filled, db_path):
    _, second = filled

    async def run_before(pilot):
        await pilot.app.push_screen(WorksheetScreen(second))
        await still(pilot)
        pilot.app.screen.query_one("#h-salesperson_code", Input).focus()
        await pilot.press(*"k", "f4")
        await still(pilot)

    assert snap_compare(make_app(db_path), terminal_size=SIZE, run_before=run_before)


async def test_a_picture_is_refused_while_the_message_line_shows_an_error(filled, db_path):
    """still() fails on the worksheet's error line (an error the user must see is never cleared)."""
    first, _ = filled
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.app.push_screen(WorksheetScreen(first))
        await still(pilot)
        await pilot.press("f2", "ctrl+u", *"NOPE", "enter")  # not a contact: refused at the cell
        with pytest.raises(AssertionError, match="an error shows on the screen: .*NOPE"):
            await still(pilot)
