"""List screens show their keys whole at 80 and 120 columns (the footer used to end in
"^p palettee" and "f9 D"): each key with its full label, F1 last."""
import pytest

from segtui.tui.widgets.keybar import KeyBar
from tui_helpers import SIZE_IDS, SIZES, make_app


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
@pytest.mark.parametrize("key", ["f6", "c", "g", "i", "f7"], ids=["segments", "contacts", "logged", "entries", "setup"])
async def test_list_screens_show_whole_keys(fixed_db, size, key):
    app = make_app(fixed_db)
    async with app.run_test(size=size) as pilot:
        await pilot.press(key)
        await app.workers.wait_for_complete()
        await pilot.pause()
        bar = app.screen.query_one(KeyBar)
        text = str(bar.render())
        assert text.rstrip().endswith("f1 Keys"), text
        assert len(text.rstrip()) <= size[0], text
        shown = {label for _key, label, _click, _on in bar.entries()}
        items = [item for item in text.rstrip().split("  ") if item.strip()]
        for item in items[:-1]:  # every item is a key and a label the screen really has, uncut
            assert item.split(" ", 1)[1] in shown, (item, shown)
