"""SVG snapshots of the list screens, the shell's dialogs and help, in the default theme.

Deterministic: fixed data with fixed dates (tui_fixtures), no clock in the header, a fixed
terminal size, and the database file always named segtui.db. Regenerate with
`pytest tests/test_tui_snapshots.py --snapshot-update` after a deliberate change of the look.
"""
import pytest
from textual.widgets import Input

from segtui.tui.app import SegtuiApp
from tui_fixtures import fill_fixed

SIZE = (120, 40)


@pytest.fixture
def app(db, db_path):
    fill_fixed()
    return SegtuiApp(db_url=str(db_path), offer_demo=False)


async def settle(pilot):
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    # A blinking text cursor would make the picture depend on the moment it is taken.
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()


def test_contacts_screen(app, snap_compare):
    async def before(pilot):
        await pilot.press("c")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_contacts_filtered(app, snap_compare):
    async def before(pilot):
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("ctrl+f", *"city=Lund|Malmö type=person", "enter")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_contacts_filter_error(app, snap_compare):
    async def before(pilot):
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("ctrl+f", *"city=Lund|'Mal")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_contact_card(app, snap_compare):
    async def before(pilot):
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_import_dialog(app, snap_compare):
    async def before(pilot):
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_logged_segments(app, snap_compare):
    async def before(pilot):
        await pilot.press("g")
        await settle(pilot)
        await pilot.press("down", "f8")  # cancel the second one: the canceled mark shows
        await settle(pilot)
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_interaction_log_entries(app, snap_compare):
    async def before(pilot):
        await pilot.press("i")
        await settle(pilot)
        await pilot.press("down", "space", "space")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_setup_templates(app, snap_compare):
    async def before(pilot):
        await pilot.press("f7")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_setup_salesperson_form(app, snap_compare):
    async def before(pilot):
        await pilot.press("f7")
        await settle(pilot)
        await pilot.press("2", "enter")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_help_on_contacts(app, snap_compare):
    async def before(pilot):
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_theme_picker(app, snap_compare):
    async def before(pilot):
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_demo_offer(db, db_path, snap_compare):
    app = SegtuiApp(db_url=str(db_path))

    async def before(pilot):
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


# Every list screen and help at the two sizes the worksheet is made for: nothing may be cut there.
SCREENS = {"segments": (), "contacts": ("c",), "logged": ("g",), "entries": ("i",), "setup": ("f7",),
           "help": ("f1",)}


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen_at_size(app, snap_compare, screen, size):
    async def before(pilot):
        await settle(pilot)
        if SCREENS[screen]:
            await pilot.press(*SCREENS[screen])
        await settle(pilot)
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=before)
