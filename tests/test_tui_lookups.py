"""Lookups (F4): every choice shown with the current one highlighted, contacts told apart by
company, city and e-mail, and an unknown contact number refused in words. Keys a user presses."""
import pytest
from textual.widgets import Input, OptionList, Static

from segtui.models import Contact, InteractionTemplate, SegmentLine
from segtui.services import criteria, lookups, segments
from segtui.tui.screens.segment_dialogs import FormDialog, LookupDialog

from tui_helpers import SIZES, SIZE_IDS, make_app, new_segment, open_worksheet, settle


def prompts(dialog):
    results = dialog.query_one("#results", OptionList)
    return [str(results.get_option_at_index(i).prompt) for i in range(results.option_count)]


def highlighted(dialog):
    results = dialog.query_one("#results", OptionList)
    return dialog._codes[results.highlighted]


def test_contact_search_finds_and_describes_by_company_city_and_email(demo_db):
    contact = Contact.select().where((Contact.type == "person") & (Contact.email != "")).first()
    rows = dict(lookups.search("contact", contact.email))
    assert rows[contact.no] == " · ".join([contact.name, contact.company_name, contact.city, contact.email])
    company = Contact.select().where(Contact.type == "company").first()
    assert dict(lookups.search("contact", company.no))[company.no].startswith(f"{company.name} ·  · ")
    assert contact.no in dict(lookups.search("contact", contact.city, limit=1000))
    assert lookups.unknown("contact", contact.no.lower()) is None
    assert lookups.unknown("contact", "zz999") == "contact 'ZZ999' does not exist"
    assert lookups.unknown("template", "nope") == "interaction template 'NOPE' does not exist"
    assert lookups.unknown("logged_segment", "x") == "logged segment 'x' is not a number"


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_header_lookup_shows_every_choice_with_the_current_one_highlighted(demo_db, db_path, size):
    no = new_segment("Fair", template_code="LETTER")
    templates = InteractionTemplate.select().count()
    assert templates > 1
    app = make_app(db_path)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = await open_worksheet(pilot, no)
        screen.query_one("#h-interaction_template_code", Input).focus()
        await pilot.press("f4")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, LookupDialog)
        assert dialog.query_one("#search", Input).value == ""  # not filtered by the current value
        assert len(prompts(dialog)) == templates + 1  # and the blank row
        assert highlighted(dialog) == "LETTER"
        # Typing still narrows; Enter takes the highlighted row.
        await pilot.press(*"phone")
        await pilot.pause()
        assert highlighted(dialog) == "PHONE"
        await pilot.press("enter")
        await settle(pilot)
    assert segments.get_header(no).interaction_template_code == "PHONE"


async def test_current_contact_past_the_first_page_is_listed_and_highlighted(demo_db):
    last = Contact.select().order_by(Contact.no.desc()).first()
    from segtui.tui.screens.worksheet import contact_search

    dialog = LookupDialog("Contact", contact_search, last.no)
    assert dialog.current == last.no and dialog.initial == ""
    from textual.app import App

    class Host(App):
        def on_mount(self):
            self.push_screen(dialog)

    async with Host().run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert highlighted(dialog) == last.no
        row = prompts(dialog)[dialog.query_one("#results", OptionList).highlighted]
        assert last.name[:20] in row and (last.city[:10] in row)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_add_line_contact_lookup_shows_company_city_and_email(demo_db, db_path, size):
    no = new_segment("Fair", template_code="LETTER")
    criteria.add_contacts(no, [("city", "@b*")])
    app = make_app(db_path)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await open_worksheet(pilot, no)
        await pilot.press("insert")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        await pilot.press("f4")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, LookupDialog)
        rows = prompts(dialog)
        width = dialog.query_one("#results", OptionList).scrollable_content_region.width
        assert all(len(row) <= width for row in rows)  # one line each: nothing wraps
        person = Contact.select().where(Contact.type == "person").order_by(Contact.no).first()
        row = next(r for r in rows if r.startswith(person.no))
        assert person.name[:10] in row and person.company_name[:10] in row and person.city[:5] in row
        assert (person.email or "")[:10] in row
        if size == (120, 40):
            assert person.name in row and person.email in row
        company = Contact.select().where(Contact.type == "company").order_by(Contact.no).first()
        row = next(r for r in rows if r.startswith(company.no))
        assert row.count(company.name[:10]) == 1  # a company is not named twice


async def test_unknown_contact_number_on_a_new_line_is_refused_in_words(demo_db, db_path):
    no = new_segment("Fair", template_code="LETTER")
    criteria.add_contacts(no, [("city", "@b*")])
    lines = segments.count_lines(no)
    app = make_app(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_worksheet(pilot, no)
        await pilot.press("insert")
        await settle(pilot)
        form = app.screen
        await pilot.press(*"ZZ999", "enter")
        await settle(pilot)
        assert app.screen is form  # no empty lookup opened
        error = str(form.query_one("#e-contact_no", Static).render())
        assert "'ZZ999'" in error and "F4 lists them all" in error
        await pilot.press("ctrl+s")  # submitting is refused the same way
        await settle(pilot)
        assert app.screen is form
        await pilot.press("escape")
        await settle(pilot)
    assert segments.count_lines(no) == lines
    assert not SegmentLine.select().where(SegmentLine.contact_no == "ZZ999").exists()


async def test_form_field_with_a_kind_uses_the_services_words(demo_db):
    from textual.app import App

    from segtui.tui.screens.segment_dialogs import FormField

    form = FormDialog("Add line", [FormField("contact_no", "Contact no.", lookup=lambda t: lookups.search(
        "contact", t), lookup_kind="contact")])

    class Host(App):
        def on_mount(self):
            self.push_screen(form)

    async with Host().run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*"ZZ999", "enter")
        await pilot.pause()
        error = str(form.query_one("#e-contact_no", Static).render())
        assert error == "Contact 'ZZ999' does not exist: F4 lists them all"


async def test_form_lookup_on_a_known_code_shows_all_with_it_highlighted(demo_db, db_path):
    templates = InteractionTemplate.select().count()
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, FormDialog)
        await pilot.press(*"Fair", "tab", *"phone", "f4")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, LookupDialog)
        assert dialog.query_one("#search", Input).value == ""
        assert len(prompts(dialog)) == templates and highlighted(dialog) == "PHONE"
        await pilot.press("escape")
        await pilot.pause()
        # Text that is no code is what the lookup searches for.
        await pilot.press("ctrl+u", *"pho", "f4")
        await settle(pilot)
        assert app.screen.query_one("#search", Input).value == "pho"
        assert highlighted(app.screen) == "PHONE"


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_choice_lookup_shows_words_with_the_current_one_highlighted(demo_db, db_path, size):
    no = new_segment("Fair", template_code="LETTER")
    segments.set_header(no, {"correspondence_type_default": "email"})
    app = make_app(db_path)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = await open_worksheet(pilot, no)
        screen.query_one("#h-correspondence_type_default", Input).focus()
        await pilot.press("f4")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, LookupDialog)
        assert prompts(dialog) == ["(blank)", "Hard copy", "E-mail"]
        assert highlighted(dialog) == "email"
        await pilot.press("down", "up", "enter")  # into the list, from E-mail up to Hard copy
        await settle(pilot)
    assert segments.get_header(no).correspondence_type_default == "hard_copy"


async def test_typing_does_not_wait_for_a_slow_search_and_enter_takes_the_typed_match():
    import threading

    from textual.app import App

    release = threading.Event()

    def slow_search(text):
        if text:
            release.wait(10)  # a search over a million contacts, held until the test lets it go
        rows = [("ALPHA", "First"), ("BETA", "Second")]
        return [r for r in rows if text.lower() in r[0].lower()]

    chosen = []

    class Host(App):
        def on_mount(self):
            self.push_screen(LookupDialog("Thing", slow_search), chosen.append)

    async with Host().run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        dialog = pilot.app.screen
        await pilot.press("b")
        # The key was taken while the search still runs: the field shows it, the list is the old one.
        assert dialog.query_one("#search", Input).value == "b"
        assert dialog._codes == ["ALPHA", "BETA"]
        release.set()
        await pilot.press("enter")  # the search for "b" is finished first, then its match taken
        await pilot.pause()
    assert chosen == ["BETA"]
