"""Address labels (k) and cover sheets (o) from the worksheet, with the keys a user presses; the
files are opened afterwards with python-docx."""
import docx
import pytest

from segtui.models import InteractionLogEntry
from segtui.tui.screens.segment_dialogs import FormDialog
from tui_helpers import SIZES, SIZE_IDS, make_app, notes, open_worksheet, settle, wait_for
from word_helpers import add_line, make_segment, make_world


@pytest.fixture
def segment(db, db_path, tmp_path):
    contacts = make_world()
    make_segment()
    for i, key in enumerate(("acme", "jan", "eve")):
        add_line("SM00001", contacts[key], 10000 * (i + 1))
    return db_path


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_k_writes_address_labels_and_logs_them_when_ticked(segment, tmp_path, size):
    app = make_app(segment)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await open_worksheet(pilot, "SM00001")
        await pilot.press("k")
        await pilot.pause()
        assert isinstance(app.screen, FormDialog)
        await pilot.press("tab", "tab", "space")  # to "Log a hard-copy interaction", ticked
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: any("labels on" in n for n in notes(app)), timeout=30)
        note = next(n for n in notes(app) if "labels on" in n)
    assert "3 labels on 1 sheets" in note and "logged as 3 hard-copy interactions" in note
    path = note.split(" written to ")[1].split(";")[0]
    cells = [c.text for c in docx.Document(path).tables[0].rows[0].cells]
    assert cells[4] == "Eve Adams\n12 Elm Road\nCAMBRIDGE, MA 02139\nUNITED STATES"
    assert InteractionLogEntry.select().where(InteractionLogEntry.description == "Address label").count() == 3


async def test_o_writes_cover_sheets_with_the_text(segment, tmp_path):
    app = make_app(segment)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_worksheet(pilot, "SM00001")
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, FormDialog)
        await pilot.press("tab", *"Enclosed: the catalogue")  # template blank: segtui's own sheet
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: any("cover sheets written" in n for n in notes(app)), timeout=30)
        note = next(n for n in notes(app) if "cover sheets written" in n)
    path = note.split(" written to ")[1]
    document = docx.Document(path)
    assert len(document.sections) == 3
    assert sum("Enclosed: the catalogue" in p.text for p in document.paragraphs) == 3
    assert InteractionLogEntry.select().count() == 0
