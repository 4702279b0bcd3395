"""What the worksheet tests share: the app on a test database, waiting for it, and reading the
screen as text. One copy here, so a change of how we wait or read reaches every TUI test."""
import time

from textual.coordinate import Coordinate
from textual.widgets import DataTable, Input, Static

from segtui.services import criteria, segments
from segtui.tui.app import SegtuiApp
from segtui.tui.screens.segments import SegmentsScreen
from segtui.tui.screens.worksheet import WorksheetScreen
from segtui.tui.widgets.message_line import MessageLine

SIZE = (120, 40)
SIZES = [(80, 24), (120, 40)]
SIZE_IDS = ["80x24", "120x40"]


def make_app(db_path, **kw):
    """The real app on the test database; no demo offer unless a test asks for it."""
    kw.setdefault("offer_demo", False)
    return SegtuiApp(db_url=str(db_path), **kw)


async def settle(pilot, rounds=3):
    """Let workers finish and the screen catch up."""
    for _ in range(rounds):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def wait_for(pilot, condition, timeout=20.0):
    """Wait until condition() holds; the timeout only ends a hung test, it measures nothing."""
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > timeout:
            raise AssertionError("timed out waiting for the screen")
        await pilot.pause(0.05)


def status_text(screen):
    """The worksheet's status line (lines, totals) as text."""
    return str(screen.query_one("#status", Static).render())


def criteria_rows(screen):
    """[number, action, filters, contacts] of each row of the criteria panel."""
    table = screen.query_one("#criteria", DataTable)
    return [[str(table.get_cell_at(Coordinate(i, c))) for c in (0, 1, 3, 2)] for i in range(table.row_count)]


def widget_text(widget):
    """What a widget shows, as text."""
    return "\n".join(strip.text for strip in widget.render_lines(widget.size.region))


def screen_text(app) -> list[str]:
    """The terminal's lines as the user sees them."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def notes(app) -> list[str]:
    """The messages of the notifications (toasts) the app holds now."""
    return [str(n.message) for n in app._notifications]


def error_notes(app) -> list[str]:
    """The notifications shown as errors."""
    return [str(n.message) for n in app._notifications if n.severity == "error"]


def error_shown(app) -> list[str]:
    """Errors the user sees now: error toasts and a screen's message line showing an error."""
    lines = [line.message for line in app.screen.query(MessageLine) if line.error_shown]
    return error_notes(app) + lines


async def freeze(pilot, rounds=3):
    """Workers done and no blinking cursor: a picture that does not depend on the moment."""
    await settle(pilot, rounds)
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()


async def still(pilot, rounds=3):
    """freeze, and refuse the picture when an error shows: a snapshot must not hide one.

    Only then are the remaining (information) toasts cleared: they go by themselves after a few
    seconds, so whether a picture caught one would depend on the machine's speed."""
    await freeze(pilot, rounds)
    assert not error_shown(pilot.app), f"an error shows on the screen: {error_shown(pilot.app)}"
    pilot.app.clear_notifications()
    await pilot.pause()


# --- the worksheet ------------------------------------------------------------------------------

DATE = "2026-01-15"


def new_segment(description="Spring fair", **more):
    """A segment dated DATE (the worksheet tests' fixed day), by the service."""
    more.setdefault("date", DATE)
    return segments.new_segment(description, **more)["no"]


def spring_fair():
    """The worksheet tests' usual segment: a header with template, salesperson and subject, and the
    persons of the demo cities starting with B (two criteria actions)."""
    no = new_segment("Spring fair invitations", template_code="LETTER", salesperson_code="AK",
                     subject="Welcome to our stand")
    criteria.add_contacts(no, [("city", "@b*")])
    criteria.refine_contacts(no, [("type", "person")])
    return no


async def open_ws(pilot, no):
    """The worksheet of a segment pushed straight on top of the first screen."""
    await settle(pilot)
    await pilot.app.push_screen(WorksheetScreen(no))
    await settle(pilot)
    return pilot.app.screen


async def open_worksheet(pilot, no):
    """From the Segments screen, as a user does: the cursor to the segment, then Enter."""
    screen = pilot.app.screen
    assert isinstance(screen, SegmentsScreen)
    screen.refresh_segments()
    await settle(pilot)
    for index in range(screen.source.count()):
        if screen.source.data[index]["no"] == no:
            screen.sheet.move_cursor(row=index)
            break
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, WorksheetScreen)
    assert pilot.app.screen.segment_no == no
    return pilot.app.screen


async def fill_form(pilot, keys, *typed, dialog=None):
    """Open a form dialog with `keys`, type `typed` into it and save it with ctrl+s, as a user does.
    `dialog`: the form's class (the worksheet's FormDialog unless given: the lists have their own)."""
    if dialog is None:
        from segtui.tui.screens.segment_dialogs import FormDialog as dialog

    await pilot.press(*([keys] if isinstance(keys, str) else keys))
    await pilot.pause()
    assert isinstance(pilot.app.screen, dialog), type(pilot.app.screen).__name__
    await pilot.press(*typed, "ctrl+s")
