"""Words instead of codes on the screens: labels for stored choices, counted nouns, the
entries' delivery column, setup's form and the palette. Driven with the keys a user presses."""
import pytest
from textual.widgets import OptionList, Static

from segtui.models import InteractionLogEntry
from segtui.tui.screens.dialogs import ChoiceDialog
from segtui.tui.screens.interactions import EntryDetails
from tui_helpers import SIZES, SIZE_IDS, make_app, screen_text, settle, wait_for, widget_text


def option_texts(option_list):
    return [str(option_list.get_option_at_index(i).prompt) for i in range(option_list.option_count)]


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_evaluate_one_entry_speaks_of_one_entry(fixed_db, size):
    app = make_app(fixed_db)
    async with app.run_test(size=size) as pilot:
        await pilot.press("i")
        await settle(pilot)
        await pilot.press("down", "ctrl+e")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ChoiceDialog)
        assert dialog.title_text == "Evaluate 1 entry"
        assert option_texts(dialog.query_one(OptionList)) == [
            "(blank)", "Very positive", "Positive", "Neutral", "Negative", "Very negative"]
        footer = screen_text(app)[-1]  # it named only Esc; Enter, which chooses, is named too
        assert "enter Choose" in footer.replace("⏎", "enter") and "esc Cancel" in footer, footer
        await pilot.press("down", "enter")
        await settle(pilot)
        assert InteractionLogEntry.get_by_id(2).evaluation == "very_positive"
        assert any(n.message == "Evaluation very positive on 1 entry" for n in app._notifications)


async def test_resend_menu_and_entry_details_use_words(fixed_db):
    app = make_app(fixed_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("i")
        await settle(pilot)
        await pilot.press("f5")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        assert app.screen.title_text == "Resend 1 entry"
        assert option_texts(app.screen.query_one(OptionList)) == ["Same correspondence type", "Hard copy", "E-mail"]
        await pilot.press("escape", "enter")
        await pilot.pause()
        assert isinstance(app.screen, EntryDetails)
        text = widget_text(app.screen.query_one(Static))
        rows = {line[:22].strip(): line[22:].strip() for line in text.splitlines()}
        assert rows["Correspondence type"] == "Hard copy"
        assert rows["Duration (min)"] == "0.00"
        assert "hard_copy" not in text and "Duration min" not in text


async def test_entries_show_the_delivery_column_at_120_columns(fixed_db):
    InteractionLogEntry.update(delivery_status="error", delivery_error="SMTP localhost:25: refused").where(
        InteractionLogEntry.entry_no == 7).execute()
    InteractionLogEntry.update(delivery_status="in_progress").where(InteractionLogEntry.entry_no == 8).execute()
    app = make_app(fixed_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("i")
        await settle(pilot)
        sheet = app.screen.sheet
        lines = [sheet.render_line(y).text for y in range(10)]
        header = next(line for line in lines if "Entry" in line)
        assert "Delivery" in header
        assert "Error" in next(line for line in lines if " 7 " in line and "CT000008" in line)
        assert "Pending" in next(line for line in lines if "CT000009" in line)
        assert "in_progress" not in "\n".join(lines)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_setup_form_labels_fit_and_ticks_are_whole(fixed_db, size):
    from textual.widgets import Label, Select

    from segtui.tui.screens.dialogs import FormDialog
    from segtui.tui.widgets.tick import Tick

    app = make_app(fixed_db)
    async with app.run_test(size=size) as pilot:
        await pilot.press("f7")
        await settle(pilot)
        table = app.screen.table()
        # The template list shows choices in words.
        row = [str(c) for c in table.get_row("LETTER")]
        assert "Hard copy" in row and "hard_copy" not in row
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormDialog)
        for label in form.query(Label):
            text = str(label.render())
            assert label.size.height == 1 and label.size.width >= len(text), text
        ticks = list(form.query(Tick))
        assert len(ticks) == 3
        for tick in ticks:
            shown = widget_text(tick)
            assert "…" not in shown and tick.size.width >= 3
        flow = form.query_one("#f-information_flow", Select)
        assert [str(prompt) for prompt, _v in flow._options] == ["(blank)", "Outbound", "Inbound"]
        # Choosing "Outbound" stores the stored value.
        flow.value = "outbound"
        await pilot.press("ctrl+s")
        await settle(pilot)
        from segtui.models import InteractionTemplate

        assert InteractionTemplate.get_by_id("LETTER").information_flow == "outbound"
        row = [str(c) for c in app.screen.table().get_row("LETTER")]
        assert "Outbound" in row and "outbound" not in row


@pytest.mark.parametrize("area", ["c", "i", "f7"], ids=["contacts", "entries", "setup"])
async def test_palette_help_lines_do_not_repeat_their_titles(fixed_db, area):
    app = make_app(fixed_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(area)
        await settle(pilot)
        entries = app.command_entries(app.screen)
        assert len(entries) > 5
        for title, help_text, _node, _action in entries:
            assert not help_text.lower().startswith(title.lower()), (title, help_text)
            assert "key " in help_text and " on " in help_text
        helps = {title: help_text for title, help_text, *_ in entries}
        assert helps["Quit"].endswith("on every screen")
        if area == "i":
            assert helps["Evaluate"] == "key ^e  ·  on Interaction log entries"
            assert helps["(Un)cancel"].startswith("Cancel or restore the entries  ·  key f8")


def test_import_summary_explains_the_companies_it_created():
    from segtui.tui.screens.contacts import import_summary

    assert import_summary({"imported": 7, "companies": 2, "updated": 0, "rejected": []}) == (
        "Imported 7 new contacts (2 companies among them, created for the people who name them), updated 0")
    assert import_summary({"imported": 1, "companies": 0, "updated": 3, "rejected": [{"line": 2}]}) == (
        "Imported 1 new contact, updated 3; 1 row rejected")


async def test_import_of_people_with_a_new_company_says_so(fixed_db, tmp_path):
    from segtui.models import Contact
    from segtui.tui.screens.contacts import ContactsScreen, ImportDialog

    path = tmp_path / "people.csv"
    path.write_text("name,company_name,email,city,country_code\nAnna Svensson,Nyborg AB,anna@example.com,Lund,SE\n"
                    "Cecilia Dahl,Nyborg AB,cecilia@example.com,Malmö,SE\n", encoding="utf-8")
    app = make_app(fixed_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("ctrl+o")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ImportDialog)
        dialog.query_one("#import-path").value = str(path)
        await pilot.press("enter")
        await pilot.pause()
        summary = str(dialog.query_one("#import-summary", Static).render())
        assert "2 can be imported" in summary and "a company a row names is created" in summary
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ContactsScreen))
        await settle(pilot)
    assert Contact.select().where(Contact.company_name == "Nyborg AB").count() == 3
    assert any(n.message.startswith("Imported 3 new contacts (1 company among them") for n in app._notifications)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_logged_segments_speak_of_one_or_several(fixed_db, size):
    from segtui.tui.screens.dialogs import ConfirmDialog

    app = make_app(fixed_db)
    async with app.run_test(size=size) as pilot:
        await pilot.press("g")
        await settle(pilot)
        await pilot.press("f8", "enter")
        await settle(pilot)
        assert app._notifications and list(app._notifications)[-1].message == (
            "Canceled logged segment 1 with its interactions and campaign entries")
        await pilot.press("ctrl+d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert app.screen.question.startswith("Delete 1 canceled logged segment with its interaction log entries")
        await pilot.press("enter")
        await settle(pilot)
        assert list(app._notifications)[-1].message == "Deleted 1 canceled logged segment with its entries"
        await pilot.press("f5")
        await pilot.pause()
        assert "with the 5 contacts of logged segment 2" in app.screen.question


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_contact_card_shows_choices_in_words(fixed_db, size):
    from textual.widgets import DataTable

    from segtui.tui.screens.contacts import ContactCard

    app = make_app(fixed_db)
    async with app.run_test(size=size) as pilot:
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("down", "enter")
        await pilot.pause()
        card = app.screen
        assert isinstance(card, ContactCard)
        text = widget_text(card.query_one("#card-fields"))
        words = {part.strip() for line in text.splitlines() for part in line.split("  ") if part.strip()}
        assert "Person" in words and "E-mail" in words
        assert "person" not in words and "email" not in words
        table = card.query_one("#card-interactions", DataTable)
        row = [str(c) for c in table.get_row_at(0)]
        assert "Hard copy" in row and "hard_copy" not in row
