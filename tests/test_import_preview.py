"""Issue 9, point 2 in the worksheet: the import preview names the columns it will not read
and the values it will leave out, before anything is imported (80x24 and 120x40)."""
import pytest
from tui_fixtures import fill_fixed

from segtui.models import Contact
from segtui.tui.app import SegtuiApp
from segtui.tui.screens.contacts import ContactsScreen, ImportDialog

SIZES = [(80, 24), (120, 40)]


@pytest.fixture
def fixed_db(db, db_path):
    fill_fixed()
    return db_path


async def settle(pilot, rounds=3):
    for _ in range(rounds):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def widget_text(widget):
    return "\n".join(strip.text for strip in widget.render_lines(widget.size.region))


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
async def test_preview_shows_unread_columns_and_warnings_then_imports(fixed_db, tmp_path, size):
    path = tmp_path / "people.csv"
    path.write_text("Notes:\n\nFirst Name,Last Name,E-mail Address,Hobby,Business Country\n"
                    "Ulla,Berg,ulla at example,chess,Narnia\nOla,Lund,ola@localhost,golf,Norge\n",
                    encoding="utf-8")
    before = Contact.select().count()
    app = SegtuiApp(db_url=str(fixed_db), offer_demo=False)
    async with app.run_test(size=size) as pilot:
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, ImportDialog)
        app.screen.query_one("#import-path").value = str(path)
        await pilot.press("enter")
        await pilot.pause()
        dialog = app.screen
        assert dialog.preview["unmapped_columns"] == ["Hobby"]
        shown = widget_text(dialog.query_one("#import-rejected"))
        assert "Columns not read: Hobby" in shown
        assert "warning, line 4, email" in shown and "warning, line 4, country_code" in shown
        summary = " ".join(widget_text(dialog.query_one("#import-summary")).split())  # as wrapped
        assert "2 can be imported" in summary and "2 warnings" in summary
        assert Contact.select().count() == before  # a preview writes nothing
        await pilot.press("ctrl+s")
        await settle(pilot, 5)
        assert isinstance(app.screen, ContactsScreen)
    ulla = Contact.get(Contact.name == "Ulla Berg")
    assert (ulla.email, ulla.country_code) == ("", "")
    ola = Contact.get(Contact.name == "Ola Lund")
    assert (ola.email, ola.country_code) == ("ola@localhost", "NO")
