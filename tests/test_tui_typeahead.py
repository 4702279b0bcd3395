"""Keys typed ahead arrive in one burst (over SSH, or from a fast typist): Tab in the burst must
move the focus before the next keys are handed on, as the driver hands them to the app."""
from textual import events
from textual.widgets import Input

from tui_helpers import make_app, settle

BURST = ["S", "p", "r", "i", "n", "g", "tab", "L", "E", "T", "T", "E", "R", "shift+tab"]


def post_burst(app, keys):
    # Like the terminal driver: every key posted at once, none awaited in between.
    for key in keys:
        character = key if len(key) == 1 else ("\t" if key == "tab" else None)
        app.post_message(events.Key(key, character))


async def test_tab_typed_ahead_moves_to_the_next_field_of_a_form(demo_db, db_path):
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        post_burst(app, BURST)
        await settle(pilot, rounds=6)
        fields = list(app.screen.query(Input))
        assert [f.value for f in fields[:2]] == ["Spring", "LETTER"]
        assert app.focused is fields[0]  # shift+tab in the burst went back as well
