"""The list screens driven with the keys a user presses: contacts (filter, card, import),
logged segments, interaction log entries, setup. Each test checks the database and the screen."""
import pytest
from textual.widgets import Static

from segtui.models import Contact, InteractionLogEntry, LoggedSegment, Salesperson
from segtui.tui.screens.contacts import ContactCard, ContactsScreen, ImportDialog
from segtui.tui.screens.dialogs import ChoiceDialog, ConfirmDialog, FormDialog
from segtui.tui.screens.interactions import (
    DeliveryErrorDialog,
    EntryDetails,
    InteractionsScreen,
    StatisticsScreen,
)
from segtui.tui.screens.logged import LoggedSegmentsScreen
from segtui.tui.screens.setup import SetupScreen
from segtui.tui.widgets.filter_bar import BarError, FilterBar, parse_bar, split_bar
from tui_helpers import SIZE, make_app, settle, wait_for, widget_text



def screen_lines(sheet):
    """The sheet's rows as the user sees them (rendered text of each visible line)."""
    return [sheet.render_line(y).text for y in range(1, sheet.size.height)]


# --- the filter bar's own parsing ------------------------------------------------------------------------


def test_split_bar_keeps_quoted_spaces_and_positions():
    assert split_bar("city=Malmö|Lund name='Nordisk Möbel*'") == [
        ("city", "Malmö|Lund", 5), ("name", "'Nordisk Möbel*'", 21)]
    assert split_bar('name="Nordisk Möbel"  type=company') == [("name", "Nordisk Möbel", 6),
                                                               ("type", "company", 27)]
    assert split_bar("  ") == []


def test_parse_bar_refusals_name_the_position(db):
    from segtui.tui.widgets.filter_bar import contact_filters

    with pytest.raises(BarError) as exc:
        parse_bar("city", contact_filters)
    assert exc.value.position == 1 and "=EXPRESSION" in str(exc.value)
    with pytest.raises(BarError) as exc:
        parse_bar("type=company city=Bern|'Lu", contact_filters)
    assert exc.value.position == 24  # the unbalanced quote, counted in the bar's text
    with pytest.raises(BarError) as exc:
        parse_bar("city=Bern colour=red", contact_filters)
    assert exc.value.position == 11 and "colour" in str(exc.value)
    assert parse_bar("city=@ber* mailing_group=FAIR", contact_filters) == [("city", "@ber*"),
                                                                         ("mailing_group", "FAIR")]


# --- contacts --------------------------------------------------------------------------------------------------


async def test_filter_contacts_shows_the_matching_rows_and_count(fixed_db):
    app = make_app(fixed_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ContactsScreen)
        assert screen.sheet.row_count == 60
        await pilot.press("ctrl+f", *"city=Lund type=person", "enter")
        await settle(pilot)
        expected = [c.no for c in Contact.select().where((Contact.city == "Lund") & (Contact.type == "person"))
                    .order_by(Contact.no)]
        assert len(expected) == 8
        sheet = screen.sheet
        assert sheet.row_count == len(expected)
        assert sheet.border_subtitle == "8"
        lines = [line for line in screen_lines(sheet) if line.strip()]
        assert [line.split()[0] for line in lines] == expected
        assert all("Lund" in line and line.split()[1] == "Person" for line in lines)
        assert "Filter: city=Lund  type=person" in str(screen.query_one("#status").render())
        assert app.focused is sheet  # the filter hands the keys back to the list


async def test_bad_filter_shows_error_under_the_bar_and_keeps_the_list(fixed_db):
    app = make_app(fixed_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await settle(pilot)
        screen = app.screen
        await pilot.press("ctrl+f", *"city=Lund|'Ber")
        await pilot.pause()
        bar = screen.query_one(FilterBar)
        assert bar.has_class("-invalid")
        error = str(screen.query_one("#filter-error").render())
        assert "position 11" in error and "never closed" in error
        await pilot.press("enter")
        await settle(pilot)
        assert screen.sheet.row_count == 60  # nothing applied
        await pilot.press("'")
        await pilot.pause()
        assert not bar.has_class("-invalid")


async def test_enter_opens_the_contact_card_with_groups(fixed_db):
    app = make_app(fixed_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ContactCard)
        card = app.screen.card
        assert card["no"] == "CT000002" and card["mailing_groups"] == []
        text = widget_text(app.screen.query_one("#card-fields"))
        assert "Person 002 Example" in text and "Company 001 AB" in text
        assert app.screen.query_one("#card-interactions").row_count == 1  # logged in SM00001
        await pilot.press("g")  # area keys wait while a dialog is open
        await pilot.pause()
        assert isinstance(app.screen, ContactCard)
        await pilot.press("escape")
        await pilot.press("up", "enter")
        await pilot.pause()
        assert app.screen.card["mailing_groups"] == ["FAIR"]


async def test_page_down_and_ctrl_end_move_through_the_list(fixed_db):
    app = make_app(fixed_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await settle(pilot)
        sheet = app.screen.sheet
        await pilot.press("pagedown")
        assert sheet.cursor_row == sheet.visible_rows
        await pilot.press("ctrl+end")
        assert sheet.cursor_row == 59 and sheet.current_row["no"] == "CT000060"
        assert "CT000060" in " ".join(screen_lines(sheet))
        await pilot.press("ctrl+home", "end")
        assert sheet.cursor_row == 0 and sheet.current_column == "phone"


async def test_import_previews_rows_and_rejects_then_imports(fixed_db, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("name,email,city,country_code\nAnna Svensson,anna@example.com,Lund,SE\n"
                    ",bo@example.com,Lund,SE\nCecilia Dahl,cecilia@example.com,Malmö,SE\n", encoding="utf-8")
    app = make_app(fixed_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, ImportDialog)
        await pilot.press("ctrl+s")  # nothing before a preview
        assert Contact.select().count() == 60
        app.screen.query_one("#import-path").value = str(path)
        await pilot.press("enter")
        await pilot.pause()
        dialog = app.screen
        preview = dialog.preview
        assert preview["total"] == 3
        table = dialog.query_one("#import-preview")
        assert table.row_count == 3
        rejected = widget_text(dialog.query_one("#import-rejected"))
        assert "line 3" in rejected and Contact.select().count() == 60
        await pilot.press("ctrl+s")
        await settle(pilot, 5)
        await wait_for(pilot, lambda: isinstance(app.screen, ContactsScreen))
        imported = Contact.select().where(Contact.name.in_(["Anna Svensson", "Cecilia Dahl"])).count()
        assert imported == 2
        assert not Contact.select().where(Contact.email == "bo@example.com").exists()
        assert app.screen.sheet.row_count == Contact.select().count()


async def test_import_of_a_missing_file_is_refused_in_words(fixed_db, tmp_path):
    app = make_app(fixed_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("ctrl+o")
        await pilot.pause()
        app.screen.query_one("#import-path").value = str(tmp_path / "nope.csv")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.preview is None
        assert any("There is no file" in n.message for n in app._notifications)


# --- logged segments ---------------------------------------------------------------------------------------------


async def test_cancel_and_restore_a_logged_segment(fixed_db):
    app = make_app(fixed_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("g")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LoggedSegmentsScreen)
        assert screen.sheet.row_count == 2
        await pilot.press("f8", "enter")  # canceling asks first
        await settle(pilot)
        assert LoggedSegment.get_by_id(1).canceled is True
        assert LoggedSegment.get_by_id(2).canceled is False
        assert InteractionLogEntry.select().where((InteractionLogEntry.logged_segment_entry_no == 1)
                                                  & (InteractionLogEntry.canceled == False)).count() == 0  # noqa: E712
        first = screen_lines(screen.sheet)[0]
        assert "SM00001" in first and "yes" in first
        await pilot.press("f8")
        await settle(pilot)
        assert LoggedSegment.get_by_id(1).canceled is False
        assert "yes" not in screen_lines(screen.sheet)[0]


async def test_canceling_a_logged_segment_asks_and_no_keeps_it(fixed_db):
    from segtui.tui.screens.dialogs import ConfirmDialog

    app = make_app(fixed_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("g")
        await settle(pilot)
        await pilot.press("f8")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert "interactions leave the statistics" in app.screen.question
        await pilot.press("escape")
        await settle(pilot)
        assert not LoggedSegment.get_by_id(1).canceled
        assert not InteractionLogEntry.select().where(InteractionLogEntry.canceled == True).exists()  # noqa: E712


async def test_marked_logged_segments_are_canceled_together(fixed_db):
    app = make_app(fixed_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("g")
        await settle(pilot)
        await pilot.press("space", "space")
        assert app.screen.sheet.marked == {1, 2}
        await pilot.press("f8", "enter")
        await settle(pilot)
        assert [s.canceled for s in LoggedSegment.select().order_by(LoggedSegment.entry_no)] == [True, True]
        assert app.screen.sheet.marked == set()


async def test_follow_up_creates_a_segment(fixed_db):
    from segtui.models import SegmentHeader, SegmentLine

    app = make_app(fixed_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("g")
        await settle(pilot)
        await pilot.press("f5")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")
        await settle(pilot)
        header = SegmentHeader.get()
        assert header.description == "Follow-up on segment SM00001"
        assert SegmentLine.select().where(SegmentLine.live(header.no)).count() == 5


async def test_enter_opens_the_entries_of_a_logged_segment(fixed_db):
    app = make_app(fixed_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("g")
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, InteractionsScreen)
        assert screen.sheet.row_count == 5
        assert {screen.sheet.get_row(i)["segment_no"] for i in range(5)} == {"SM00002"}
        assert "logged_segment_entry_no=2" in screen.query_one(FilterBar).value
        await pilot.press("escape")  # back to the logged segments
        await pilot.pause()
        assert isinstance(app.screen, LoggedSegmentsScreen)


# --- interaction log entries -----------------------------------------------------------------------------------


async def test_evaluate_and_cancel_entries(fixed_db):
    app = make_app(fixed_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i")
        await settle(pilot)
        screen = app.screen
        assert screen.sheet.row_count == 10
        await pilot.press("down", "space", "space")  # marks entries 2 and 3
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("down", "down", "down", "enter")  # (blank), very positive, positive, neutral
        await settle(pilot)
        evaluations = {e.entry_no: e.evaluation for e in InteractionLogEntry.select()}
        assert evaluations[2] == evaluations[3] == "neutral" and evaluations[4] == ""
        await pilot.press("ctrl+home", "f8")
        await settle(pilot)
        assert InteractionLogEntry.get_by_id(1).canceled is True
        assert "yes" in screen_lines(screen.sheet)[0]


async def test_restoring_an_entry_of_a_canceled_logged_segment_is_refused(fixed_db):
    from segtui.services import logged

    logged.toggle_canceled([1])
    app = make_app(fixed_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i")
        await settle(pilot)
        await pilot.press("f8")
        await settle(pilot)
        assert InteractionLogEntry.get_by_id(1).canceled is True
        assert any("restore logged segment 1 first" in n.message for n in app._notifications)


async def test_filter_entries_details_and_statistics(fixed_db):
    app = make_app(fixed_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i")
        await settle(pilot)
        screen = app.screen
        await pilot.press("ctrl+f", *"interaction_template_code=NEWS evaluation=''", "enter")
        await settle(pilot)
        assert screen.sheet.row_count == 4
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, EntryDetails)
        await pilot.press("escape", "ctrl+t")
        await pilot.pause()
        assert isinstance(app.screen, StatisticsScreen)
        letter = next(r for r in app.screen.by_template if r["code"] == "LETTER")
        assert letter["count"] == 5 and letter["cost"] == 10.0


async def test_save_document_without_one_says_so(fixed_db):
    app = make_app(fixed_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert any("has no document" in n.message for n in app._notifications)


def test_save_entry_document_writes_the_file(fixed_db, tmp_path):
    from segtui.errors import SegtuiError
    from segtui.services import documents

    InteractionLogEntry.update(attachment=b"PK-letter", attachment_name="letter.docx").where(
        InteractionLogEntry.entry_no == 3).execute()
    assert documents.entry_document(3) == {"entry_no": 3, "name": "letter.docx", "bytes": 9}
    path = documents.save_entry_document(3, tmp_path)
    assert (tmp_path / "letter.docx").read_bytes() == b"PK-letter" and path.endswith("letter.docx")
    with pytest.raises(SegtuiError, match="exists already"):
        documents.save_entry_document(3, tmp_path)
    with pytest.raises(SegtuiError, match="has no document"):
        documents.save_entry_document(4, tmp_path / "x.docx")


# --- setup --------------------------------------------------------------------------------------------------------


async def test_setup_new_salesperson_and_refusals_in_the_form(fixed_db):
    app = make_app(fixed_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f7")
        await settle(pilot)
        assert isinstance(app.screen, SetupScreen)
        await pilot.press("2", "ctrl+n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormDialog)
        await pilot.press(*"jo", "tab", *"Jonas Again", "ctrl+s")
        await pilot.pause()
        assert app.screen is form  # refused: JO exists
        assert "exists already" in str(form.query_one("#form-error").render())
        form.query_one("#f-code").value = "AN"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert Salesperson.get_by_id("AN").name == "Jonas Again"
        assert app.screen.table("salesperson").row_count == 3


async def test_setup_delete_in_use_is_refused(fixed_db):
    app = make_app(fixed_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f7")
        await settle(pilot)
        await pilot.press("3", "delete", "enter")  # interaction groups: EMAIL is used by NEWS
        await pilot.pause()
        from segtui.models import InteractionGroup

        assert InteractionGroup.select().count() == 2
        assert any("used by" in n.message for n in app._notifications)


async def test_setup_edit_template_cost(fixed_db):
    from segtui.models import InteractionTemplate

    app = make_app(fixed_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f7")
        await settle(pilot)
        await pilot.press("enter")  # LETTER
        await pilot.pause()
        form = app.screen
        form.query_one("#f-unit_cost").value = "-1"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "cannot be negative" in str(form.query_one("#form-error").render())
        form.query_one("#f-unit_cost").value = "3.5"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert float(InteractionTemplate.get_by_id("LETTER").unit_cost) == 3.5


def test_setup_service_validation(fixed_db):
    from segtui.errors import NotFound, SegtuiError
    from segtui.services import setup

    with pytest.raises(SegtuiError, match="Ending date is before"):
        setup.save_record("campaign", {"no": "CP2", "starting_date": "2026-02-01", "ending_date": "2026-01-01"},
                          new=True)
    with pytest.raises(SegtuiError, match="Interaction group: NOPE does not exist"):
        setup.save_record("template", {"code": "T", "interaction_group_code": "nope"}, new=True)
    with pytest.raises(SegtuiError, match="needs an interaction group"):
        setup.save_record("template", {"code": "T"}, new=True)
    with pytest.raises(NotFound):
        setup.save_record("salesperson", {"code": "ZZ", "name": "x"})
    saved = setup.save_record("mailing_group", {"code": "vip", "description": "VIP"}, new=True)
    assert saved["code"] == "VIP"
    assert setup.delete_record("mailing_group", "VIP") == {"deleted": "VIP"}


async def test_resend_runs_with_progress_and_makes_new_entries(fixed_db, tmp_path, monkeypatch):
    from segtui import config

    config.set_value("output_dir", str(tmp_path / "out"))
    app = make_app(fixed_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i")
        await settle(pilot)
        await pilot.press("f5")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("enter")  # same correspondence type
        await wait_for(pilot, lambda: isinstance(app.screen, InteractionsScreen))
        await settle(pilot)
        resent = InteractionLogEntry.select().where(InteractionLogEntry.resent_from_entry_no == 1)
        messages = [n.message for n in app._notifications]
        assert resent.get().description == "Resend: Spring fair invitations"
        assert app.screen.sheet.row_count == 11
        # The letter template has no Word document here, so delivery fails and says so.
        assert any("Resent as 1 new entry; delivered 0, 1 failed (F3 shows why)" in m for m in messages)
        # F3 on an entry without an error goes to the next one with an error and shows it.
        assert app.screen.sheet.current_row["entry_no"] == 1
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(app.screen, DeliveryErrorDialog)
        new_no = resent.get().entry_no
        assert app.screen.row["entry_no"] == new_no
        shown = str(app.screen.query_one("#error", Static).render())
        assert shown == InteractionLogEntry.get_by_id(new_no).delivery_error and shown
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.sheet.current_row["entry_no"] == new_no
        # With the cursor on it, F3 shows its error again; F3 in the dialog finds no other and stays.
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(app.screen, DeliveryErrorDialog) and app.screen.row["entry_no"] == new_no


async def test_setup_word_template_attach_and_field_mapping(fixed_db):
    from pathlib import Path

    from segtui.services import templates

    dutch = Path(__file__).parent / "data" / "word" / "letter_winword2010_dutch_fields.docx"
    app = make_app(fixed_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f7")
        await settle(pilot)
        await pilot.press("down", "f4")  # NEWS has no Word template yet: said in words
        await pilot.pause()
        assert isinstance(app.screen, SetupScreen)
        await pilot.press("up", "f3")  # LETTER
        await pilot.pause()
        form = app.screen
        form.query_one("#f-path").value = str(dutch)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, SetupScreen)
        assert any("unknown: Achternaam" in n.message for n in app._notifications)
        await pilot.press("f4")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormDialog) and len(form.fields) == 8
        assert form.fields[0].label == "Achternaam"
        form.query_one("#f-m0").value = "contact_surname"
        form.query_one("#f-m7").value = "first_name"  # Voornaam: an alias is stored as its known name
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert templates.template_fields("LETTER")["mapping"] == {"Achternaam": "contact_surname",
                                                                 "Voornaam": "contact_first_name"}
        await pilot.press("f4")
        await pilot.pause()
        app.screen.query_one("#f-m1").value = "no_such_field"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "not a field segtui knows" in str(app.screen.query_one("#form-error").render())


async def test_delete_canceled_logged_segments_asks_then_deletes(fixed_db):
    app = make_app(fixed_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("g")
        await settle(pilot)
        await pilot.press("ctrl+d")  # none canceled yet: nothing to ask
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmDialog)
        await pilot.press("f8", "enter")
        await settle(pilot)
        await pilot.press("ctrl+d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")  # No: nothing deleted
        await pilot.pause()
        assert LoggedSegment.select().count() == 2
        await pilot.press("ctrl+d", "enter")
        await settle(pilot)
        assert [s.entry_no for s in LoggedSegment.select()] == [2]
        assert InteractionLogEntry.select().count() == 5
        assert app.screen.sheet.row_count == 1


async def test_delete_canceled_entries(fixed_db):
    app = make_app(fixed_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i")
        await settle(pilot)
        await pilot.press("space", "space", "f8", "ctrl+d", "enter")
        await settle(pilot)
        assert sorted(e.entry_no for e in InteractionLogEntry.select()) == list(range(3, 11))
        assert app.screen.sheet.row_count == 8


async def test_import_with_a_column_mapping(fixed_db, tmp_path):
    path = tmp_path / "firmen.csv"
    path.write_text("Firma,Post Ort,E-Post\nMüller GmbH,Berlin,info@mueller.example\n", encoding="utf-8")
    app = make_app(fixed_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("ctrl+o")
        await pilot.pause()
        dialog = app.screen
        dialog.query_one("#import-path").value = str(path)
        dialog.query_one("#import-map").value = 'Firma=name "Post Ort"=city E-Post=email'
        await pilot.press("f5")
        await pilot.pause()
        assert dialog.preview["good"] == 1
        dialog.query_one("#import-map").value = 'Firma=name "Post Ort=city'
        await pilot.press("f5")
        await pilot.pause()
        assert any("a quote is not closed" in n.message for n in app._notifications)
        dialog.query_one("#import-map").value = 'Firma=name "Post Ort"=city E-Post=email'
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ContactsScreen))
        added = Contact.get(Contact.name == "Müller GmbH")
        assert (added.city, added.email) == ("Berlin", "info@mueller.example")
