"""The Logged Segments screen delivers what is pending, cut off or failed (F9), keys as a user presses them."""
import pytest
import tomli_w

from segtui.models import InteractionLogEntry
from segtui.services import templates
from segtui.tui.screens.dialogs import ConfirmDialog
from segtui.tui.screens.logged import LoggedSegmentsScreen
from tui_helpers import SIZE_IDS, SIZES, make_app, settle, wait_for
from word_helpers import DATA, make_logged, make_world


@pytest.fixture
def cut_off(db, db_path, tmp_path, server):
    """A logged segment with one entry sent, one cut off (in progress) and one failed."""
    contacts = make_world()
    templates.attach("LETTER", DATA / "letter_macword2011.docx")
    logged, entries = make_logged([(contacts["eve"], {"delivery_status": ""}), (contacts["jan"], {}),
                                   (contacts["acme"], {"delivery_status": "error", "delivery_error": "old"})])
    (tmp_path / "settings.toml").write_text(tomli_w.dumps(
        {"smtp": {"host": "127.0.0.1", "port": server.port, "sender": "letters@ourco.example"}}))
    return db_path


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_f9_delivers_the_cut_off_and_failed_entries_not_the_sent_one(cut_off, server, size):
    app = make_app(cut_off)
    async with app.run_test(size=size) as pilot:
        await pilot.press("g")
        await settle(pilot)
        assert isinstance(app.screen, LoggedSegmentsScreen)
        await pilot.press("f9")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert "1 pending and 1 failed" in app.screen.question
        await pilot.press("enter")
        await wait_for(pilot, lambda: any("delivered 2" in n.message for n in app._notifications))
        note = [n.message for n in app._notifications if "delivered 2" in n.message][0]
        assert "errors 0, skipped 1" in note
    assert sorted(str(m["To"]) for m in server.handler.received) == ["jan@acme.example", "office@acme.example"]
    assert {e.delivery_status for e in InteractionLogEntry.select()} == {""}


async def test_f9_with_nothing_left_says_so(cut_off, server):
    InteractionLogEntry.update(delivery_status="").execute()
    app = make_app(cut_off)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("g")
        await settle(pilot)
        await pilot.press("f9")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmDialog)
        assert any("nothing to deliver" in n.message for n in app._notifications)
    assert server.handler.received == []


async def test_f9_with_bad_settings_sends_nothing_and_says_why(cut_off, server, tmp_path):
    app = make_app(cut_off)
    async with app.run_test(size=(120, 40)) as pilot:
        # Broken by hand while the worksheet runs (a bad file at start is refused before it opens).
        (tmp_path / "settings.toml").write_text(tomli_w.dumps({"smtp": {"host": "127.0.0.1", "port": "abc"}}))
        await pilot.press("g")
        await settle(pilot)
        await pilot.press("f9", "enter")
        await wait_for(pilot, lambda: any("smtp.port" in n.message for n in app._notifications))
    assert server.handler.received == []
    assert sorted(e.delivery_status for e in InteractionLogEntry.select()) == ["", "error", "in_progress"]
