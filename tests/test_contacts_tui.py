"""The contact card edits in place, its groups tab, and new / delete / Create Interaction on the
contacts list, driven with the keys a user presses (issue 12 points 1 and 3, worksheet side)."""
import pytest

from segtui.models import Contact, ContactMailingGroup, InteractionLogEntry
from segtui.tui.screens.contact_card import ContactCard
from segtui.tui.screens.contacts import ContactsScreen
from segtui.tui.screens.dialogs import ConfirmDialog, FormDialog
from tui_helpers import SIZE_IDS, SIZES, fill_form, make_app, screen_text, settle, wait_for, widget_text

AT_BOTH_SIZES = pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)


@pytest.fixture
def fixed_contacts():
    return 20


async def open_card(pilot, downs=1):
    await pilot.press("c")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ContactsScreen)
    await pilot.press(*["down"] * downs, "enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ContactCard)
    return pilot.app.screen


def notes(app):
    return " | ".join(n.message for n in app._notifications)


@AT_BOTH_SIZES
async def test_the_card_edits_in_place_and_saves(fixed_db, size):
    app = make_app(fixed_db)
    async with app.run_test(size=size) as pilot:
        card = await open_card(pilot)  # CT000002
        await pilot.press("f2")
        await pilot.pause()
        assert card.has_class("-editing")
        city = card.query_one("#e-city")
        city.value = ""
        city.focus()
        await pilot.press(*"Ystad")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert Contact.get_by_id("CT000002").city == "Ystad" and Contact.get_by_id("CT000002").version == 1
        assert not card.has_class("-editing")
        assert "Ystad" in widget_text(card.query_one("#card-fields"))
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ContactsScreen)
        assert app.screen.sheet.current_row["city"] == "Ystad"  # the list was read again


@AT_BOTH_SIZES
async def test_a_bad_value_on_the_card_is_shown_and_changes_nothing(fixed_db, size):
    app = make_app(fixed_db)
    async with app.run_test(size=size) as pilot:
        card = await open_card(pilot)
        await pilot.press("f2")
        card.query_one("#e-email").value = "not an address"
        card.query_one("#e-salesperson_code").value = "KL"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert card.has_class("-editing")
        assert "is not an e-mail address" in widget_text(card.query_one("#card-error"))
        contact = Contact.get_by_id("CT000002")
        assert (contact.email, contact.salesperson_code) == ("contact002@example.com", "JO")
        await pilot.press("escape")  # leaves editing, forgets the edits, keeps the card
        await pilot.pause()
        assert isinstance(app.screen, ContactCard) and not card.has_class("-editing")
        assert card.query_one("#e-email").value == "contact002@example.com"


@AT_BOTH_SIZES
async def test_the_groups_tab_adds_and_removes_groups(fixed_db, size):
    app = make_app(fixed_db)
    async with app.run_test(size=size) as pilot:
        card = await open_card(pilot, downs=2)  # CT000003, no groups
        await pilot.press("ctrl+g", "ctrl+n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormDialog)
        form.query_one("#f-code").focus()
        await pilot.press(*"news", "ctrl+s")
        await settle(pilot)
        assert app.screen is card
        assert [g.mailing_group_code for g in ContactMailingGroup.select().where(
            ContactMailingGroup.contact_no == "CT000003")] == ["NEWS"]
        assert card.query_one("#card-groups").row_count == 1
        await pilot.press("ctrl+n")
        await pilot.pause()
        app.screen.query_one("#f-code").focus()
        await pilot.press(*"nope", "ctrl+s")
        await pilot.pause()
        assert "mailing group NOPE does not exist" in widget_text(app.screen.query_one("#form-error"))
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("delete")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")
        await settle(pilot)
        assert not ContactMailingGroup.select().where(ContactMailingGroup.contact_no == "CT000003").exists()
        assert card.query_one("#card-groups").row_count == 0


@AT_BOTH_SIZES
async def test_the_list_creates_and_deletes_contacts(fixed_db, size):
    app = make_app(fixed_db)
    async with app.run_test(size=size) as pilot:
        await pilot.press("c")
        await settle(pilot)
        screen = app.screen
        await pilot.press("ctrl+n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormDialog)
        form.query_one("#f-name").focus()
        await pilot.press(*"Nina Holm")
        form.query_one("#f-company_no").value = "CT000001"
        form.query_one("#f-email").value = "contact001@example.com"  # the company's address: a warning
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        made = Contact.get(Contact.name == "Nina Holm")
        assert made.company_name == "Company 001 AB"
        assert "same e-mail" in notes(app)
        await wait_for(pilot, lambda: screen.sheet.row_count == 21)
        # A company with persons is not deleted, and the message says why.
        await pilot.press("ctrl+home", "delete")
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert Contact.select().where(Contact.no == "CT000001").exists()
        assert "company with 5 persons" in notes(app)
        await pilot.press("ctrl+end", "delete")  # the new contact, last in number order
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert not Contact.select().where(Contact.name == "Nina Holm").exists()
        await wait_for(pilot, lambda: screen.sheet.row_count == 20)


@AT_BOTH_SIZES
async def test_create_interaction_from_the_list_and_from_the_card(fixed_db, size):
    app = make_app(fixed_db)
    async with app.run_test(size=size) as pilot:
        await pilot.press("c")
        await settle(pilot)
        before = InteractionLogEntry.select().where(InteractionLogEntry.contact_no == "CT000003").count()
        await pilot.press("down", "down", "f9")  # CT000003
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormDialog)
        form.query_one("#f-description").focus()
        await pilot.press(*"Called about the fair")
        form.query_one("#f-duration").value = "12"
        await pilot.press("ctrl+s")
        await settle(pilot)
        entry = (InteractionLogEntry.select().where(InteractionLogEntry.contact_no == "CT000003")
                 .order_by(InteractionLogEntry.entry_no.desc()).first())
        assert entry.description == "Called about the fair" and float(entry.duration_min) == 12
        assert entry.interaction_template_code == "LETTER"
        await pilot.press("enter")
        await pilot.pause()
        card = app.screen
        assert isinstance(card, ContactCard)
        assert card.query_one("#card-interactions").row_count == before + 1
        await pilot.press("f9")
        await pilot.pause()
        app.screen.query_one("#f-cost").value = "-4"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "must be zero or more" in widget_text(app.screen.query_one("#form-error"))
        app.screen.query_one("#f-cost").value = "4"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is card
        assert card.query_one("#card-interactions").row_count == before + 2
        assert InteractionLogEntry.select().where(InteractionLogEntry.contact_no == "CT000003").count() == before + 2


@AT_BOTH_SIZES
async def test_comments_are_added_from_the_entry_details(fixed_db, size):
    from segtui.models import InteractionComment
    from segtui.tui.screens.interactions import EntryDetails

    app = make_app(fixed_db)
    async with app.run_test(size=size) as pilot:
        await pilot.press("i")
        await settle(pilot)
        await pilot.press("enter")  # entry 1
        await pilot.pause()
        details = app.screen
        assert isinstance(details, EntryDetails)
        assert "none" in widget_text(details.query_one("#entry-comments"))
        await fill_form(pilot, "ctrl+n", *"Asked for a visit", dialog=FormDialog)
        await settle(pilot)
        assert app.screen is details
        (comment,) = InteractionComment.select()
        assert (comment.entry_no, comment.comment) == (1, "Asked for a visit") and comment.user_id
        assert "Asked for a visit" in widget_text(details.query_one("#entry-comments"))
        await pilot.press("ctrl+n")
        await pilot.pause()
        await pilot.press("ctrl+s")  # a blank comment is refused in the form
        await pilot.pause()
        assert "needs some text" in widget_text(app.screen.query_one("#form-error"))
        assert InteractionComment.select().count() == 1


@AT_BOTH_SIZES
async def test_the_groups_tab_takes_profile_answers_and_opt_outs(fixed_db, size):
    from segtui.models import ContactOptOut
    from segtui.services import profiles, setup

    setup.save_record("questionnaire", {"code": "SIZE", "description": "Size"}, new=True)
    profiles.set_question("SIZE", 1, "Employees")
    profiles.set_answer("SIZE", "LARGE", 1, "50 or more")
    app = make_app(fixed_db)
    async with app.run_test(size=size) as pilot:
        card = await open_card(pilot)  # CT000002
        await pilot.press("ctrl+g", "ctrl+n")
        await pilot.pause()
        form = app.screen
        form.query_one("#f-kind").value = "profile"
        form.query_one("#f-code").value = "size.large"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert [a["key"] for a in profiles.contact_answers("CT000002")] == ["SIZE.LARGE"]
        await pilot.press("ctrl+n")
        await pilot.pause()
        form = app.screen
        form.query_one("#f-kind").value = "opt-out"
        form.query_one("#f-code").value = "email"
        form.query_one("#f-reason").value = "unsubscribed"
        await pilot.press("ctrl+s")
        await settle(pilot)
        (opted,) = ContactOptOut.select()
        assert (opted.contact_no, opted.channel, opted.reason) == ("CT000002", "email", "unsubscribed")
        assert card.query_one("#card-groups").row_count == 2
        assert [o["channel"] for o in card.card["opt_outs"]] == ["email"]  # the card was read again
        card.query_one("#card-groups").move_cursor(row=1)  # the opt-out
        await pilot.press("delete", "enter")
        await settle(pilot)
        assert not ContactOptOut.select().exists()
        assert card.query_one("#card-groups").row_count == 1


@AT_BOTH_SIZES
async def test_the_card_shows_the_contacts_interactions_at_every_size(fixed_db, size):
    from segtui.services import interaction_entry

    for text in ("Called about the fair", "Sent the catalogue"):
        interaction_entry.new_interaction("CT000002", "LETTER", {"description": text})
    app = make_app(fixed_db)
    async with app.run_test(size=size) as pilot:
        card = await open_card(pilot)  # CT000002
        await settle(pilot)
        table = card.query_one("#card-interactions")
        shown = "\n".join(screen_text(app))
        assert table.row_count >= 2 and "Sent the catalogue" in shown, shown
        if table.virtual_size.width > table.size.width:  # columns beyond the card's width (80x24)
            await pilot.press("right", "right", "right", "right", "right")
            await settle(pilot)
            assert table.scroll_x > 0
