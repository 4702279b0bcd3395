"""SVG snapshots of the list screens, the shell's dialogs and help, in the default theme.

Deterministic: fixed data with fixed dates (tui_fixtures), no clock in the header, a fixed
terminal size, and the database file always named segtui.db. Regenerate with
`pytest tests/test_tui_snapshots.py --snapshot-update` after a deliberate change of the look.
"""
import pytest

from tui_helpers import SIZE, SIZES, SIZE_IDS, make_app, still


@pytest.fixture
def app(fixed_db):
    return make_app(fixed_db)


def test_contacts_screen(app, snap_compare):
    async def before(pilot):
        await pilot.press("c")
        await still(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_contacts_filtered(app, snap_compare):
    async def before(pilot):
        await pilot.press("c")
        await still(pilot)
        await pilot.press("ctrl+f", *"city=Lund|Malmö type=person", "enter")
        await still(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_contacts_filter_error(app, snap_compare):
    async def before(pilot):
        await pilot.press("c")
        await still(pilot)
        await pilot.press("ctrl+f", *"city=Lund|'Mal")
        await still(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_contact_card(app, snap_compare):
    async def before(pilot):
        await pilot.press("c")
        await still(pilot)
        await pilot.press("down", "enter")
        await still(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_import_dialog(app, snap_compare):
    async def before(pilot):
        await pilot.press("c")
        await still(pilot)
        await pilot.press("ctrl+o")
        await still(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_logged_segments(app, snap_compare):
    async def before(pilot):
        await pilot.press("g")
        await still(pilot)
        await pilot.press("down", "f8")  # cancel the second one: the canceled mark shows
        await still(pilot)
        await pilot.press("enter")  # canceling asks first
        await still(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_interaction_log_entries(app, snap_compare):
    async def before(pilot):
        await pilot.press("i")
        await still(pilot)
        await pilot.press("down", "space", "space")
        await still(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_setup_templates(app, snap_compare):
    async def before(pilot):
        await pilot.press("f7")
        await still(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_setup_salesperson_form(app, snap_compare):
    async def before(pilot):
        await pilot.press("f7")
        await still(pilot)
        await pilot.press("2", "enter")
        await still(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_help_on_contacts(app, snap_compare):
    async def before(pilot):
        await pilot.press("c")
        await still(pilot)
        await pilot.press("f1")
        await still(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_theme_picker(app, snap_compare):
    async def before(pilot):
        await pilot.press("c")
        await still(pilot)
        await pilot.press("t")
        await still(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_demo_offer(db, db_path, snap_compare):
    app = make_app(db_path, offer_demo=True)

    async def before(pilot):
        await still(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


# Every list screen and help at the two sizes the worksheet is made for: nothing may be cut there.
SCREENS = {"segments": (), "contacts": ("c",), "logged": ("g",), "entries": ("i",), "setup": ("f7",),
           "help": ("f1",)}


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen_at_size(app, snap_compare, screen, size):
    async def before(pilot):
        await still(pilot)
        if SCREENS[screen]:
            await pilot.press(*SCREENS[screen])
        await still(pilot)

    assert snap_compare(app, terminal_size=size, run_before=before)


async def test_a_picture_is_refused_while_an_error_toast_shows(fixed_db):
    """still() (what every picture here waits with) fails on an error toast instead of clearing it."""
    app = make_app(fixed_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await still(pilot)
        await pilot.press("ctrl+f", *"city='Mal", "enter")  # a quote that is not closed: refused
        with pytest.raises(AssertionError, match="an error shows on the screen: .*quote"):
            await still(pilot)
