"""Issue 9, point 2 in the worksheet: the import preview names the columns it will not read
and the values it will leave out, before anything is imported (80x24 and 120x40)."""
import pytest

from segtui.models import Contact
from segtui.tui.screens.contacts import ContactsScreen, ImportDialog
from tui_helpers import SIZE_IDS, SIZES, make_app, settle, widget_text


async def preview_of(pilot, path):
    """The Contacts list, ctrl+o, the file's path and Enter: the import dialog with its preview."""
    await pilot.press("c")
    await settle(pilot)
    await pilot.press("ctrl+o")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ImportDialog)
    pilot.app.screen.query_one("#import-path").value = str(path)
    await pilot.press("enter")
    await pilot.pause()
    return pilot.app.screen


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_preview_shows_unread_columns_and_warnings_then_imports(fixed_db, tmp_path, size):
    path = tmp_path / "people.csv"
    path.write_text("Notes:\n\nFirst Name,Last Name,E-mail Address,Hobby,Business Country\n"
                    "Ulla,Berg,ulla at example,chess,Narnia\nOla,Lund,ola@localhost,golf,Norge\n",
                    encoding="utf-8")
    before = Contact.select().count()
    app = make_app(fixed_db)
    async with app.run_test(size=size) as pilot:
        dialog = await preview_of(pilot, path)
        assert dialog.preview["unmapped_columns"] == ["Hobby"]
        shown = widget_text(dialog.query_one("#import-rejected"))
        assert "Columns not read: Hobby" in shown
        assert "warning, line 4, email" in shown and "warning, line 4, country_code" in shown
        summary = " ".join(widget_text(dialog.query_one("#import-summary")).split())  # as wrapped
        assert summary.startswith("2 rows read as csv") and summary.endswith("All 2 are below."), summary
        assert "2 can be imported" in summary and "2 warnings" in summary
        assert Contact.select().count() == before  # a preview writes nothing
        await pilot.press("ctrl+s")
        await settle(pilot, 5)
        assert isinstance(app.screen, ContactsScreen)
    ulla = Contact.get(Contact.name == "Ulla Berg")
    assert (ulla.email, ulla.country_code) == ("", "")
    ola = Contact.get(Contact.name == "Ola Lund")
    assert (ola.email, ola.country_code) == ("ola@localhost", "NO")


async def test_a_preview_of_one_row_says_one_row(fixed_db, tmp_path):
    path = tmp_path / "one.csv"
    path.write_text("First Name,Last Name,E-mail Address\nUlla,Berg,ulla@example.org\n", encoding="utf-8")
    app = make_app(fixed_db)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await preview_of(pilot, path)
        summary = " ".join(widget_text(dialog.query_one("#import-summary")).split())
        assert summary.startswith("1 row read as csv") and summary.endswith("It is below."), summary
