"""Issue 12 point 5's leftover: a questionnaire's questions and answers are added, edited and
deleted from the Setup screen (F5 on the Questionnaires list), not only from the command line.
Keys as a user presses them, then the database and the screen are checked."""
import pytest

from segtui.errors import NotFound, SegtuiError
from segtui.models import Contact, ContactProfileAnswer, ProfileAnswer, ProfileQuestion, ProfileQuestionnaire
from segtui.services import profiles
from segtui.tui.screens.dialogs import ConfirmDialog, FormDialog
from segtui.tui.screens.questionnaire_dialog import QuestionnaireDialog
from segtui.tui.screens.setup import SetupScreen
from tui_helpers import SIZE_IDS, SIZES, fill_form, make_app, settle, widget_text
from tui_fixtures import fill_fixed


def questions():
    rows = ProfileQuestion.select().where(ProfileQuestion.questionnaire_code == "SIZE")
    return {q.question_no: q.description for q in rows}


def answers():
    return {a.code: (a.question_no, a.description)
            for a in ProfileAnswer.select().where(ProfileAnswer.questionnaire_code == "SIZE")}


def test_delete_question_takes_its_answers_and_is_refused_while_a_contact_answered(db):
    fill_fixed(contacts=3)
    ProfileQuestionnaire.create(code="SIZE", description="Company size")
    profiles.set_question("SIZE", 1, "Employees")
    profiles.set_answer("SIZE", "SMALL", 1, "1-49")
    profiles.set_question("SIZE", 2, "Turnover")
    profiles.set_answer("SIZE", "HIGH", 2, "Over 10M")
    no = Contact.select().first().no
    profiles.answer(no, "SIZE", "SMALL")
    with pytest.raises(SegtuiError, match="question 1 of SIZE cannot be deleted: 1 contact"):
        profiles.delete_question("SIZE", 1)
    assert questions() == {1: "Employees", 2: "Turnover"} and "SMALL" in answers()
    tree = profiles.delete_question("SIZE", 2)
    assert [q["question_no"] for q in tree["questions"]] == [1]
    assert questions() == {1: "Employees"} and set(answers()) == {"SMALL"}
    with pytest.raises(NotFound):
        profiles.delete_question("SIZE", 2)
    with pytest.raises(SegtuiError, match="not a number"):
        profiles.delete_question("SIZE", "x")
    assert ContactProfileAnswer.select().count() == 1


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_questions_and_answers_from_the_setup_screen(db, db_path, size):
    fill_fixed(contacts=3)
    ProfileQuestionnaire.create(code="SIZE", description="Company size")
    app = make_app(db_path)
    async with app.run_test(size=size) as pilot:
        await pilot.press("f7")
        await settle(pilot)
        assert isinstance(app.screen, SetupScreen)
        await pilot.press("0", "f5")
        await settle(pilot)
        assert isinstance(app.screen, QuestionnaireDialog)
        dialog = app.screen
        # A new question: its number is proposed (1), the text typed.
        await fill_form(pilot, "ctrl+n", "tab", *"Employees", dialog=FormDialog)
        await settle(pilot)
        assert questions() == {1: "Employees"}
        # Two answers to it, from the question's row and then from the answer's row.
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"small", "tab", *"1-49", "ctrl+s")
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"large", "tab", *"50 or more", "ctrl+s")
        await settle(pilot)
        assert answers() == {"SMALL": (1, "1-49"), "LARGE": (1, "50 or more")}
        # A bad answer code is refused in the form, which stays open; Esc leaves nothing.
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"a.b", "tab", *"dotted", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        assert "without a dot" in widget_text(app.screen.query_one("#form-error"))
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is dialog and set(answers()) == {"SMALL", "LARGE"}
        # Edit the answer under the cursor (LARGE, the last one added), then the question.
        await pilot.press("f2")
        await pilot.pause()
        await pilot.press("ctrl+u", *"50+", "ctrl+s")
        await settle(pilot)
        assert answers()["LARGE"] == (1, "50+")
        await pilot.press("ctrl+home", "enter")  # Enter on the question's row edits it
        await pilot.pause()
        assert isinstance(app.screen, FormDialog)
        await pilot.press("ctrl+u", *"Number of employees", "ctrl+s")
        await settle(pilot)
        assert questions() == {1: "Number of employees"}
        # A second question, then delete it; then delete an answer.
        await pilot.press("ctrl+n")
        await pilot.pause()
        await pilot.press("tab", *"Turnover", "ctrl+s")
        await settle(pilot)
        assert questions() == {1: "Number of employees", 2: "Turnover"}
        shown = widget_text(dialog.query_one("#questions"))
        assert "Turnover" in shown and "SMALL" in shown
        await pilot.press("delete")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")
        await settle(pilot)
        assert questions() == {1: "Number of employees"}
        await pilot.press("ctrl+home", "down", "delete", "enter")  # the first answer: LARGE (by code)
        await settle(pilot)
        assert set(answers()) == {"SMALL"}
        # An answer a contact gave is not deleted, and the message says why.
        profiles.answer(Contact.select().first().no, "SIZE", "SMALL")
        await pilot.press("ctrl+home", "delete", "enter")  # the question with SMALL
        await settle(pilot)
        assert questions() == {1: "Number of employees"} and set(answers()) == {"SMALL"}
        assert any("1 contact answered it" in n.message for n in app._notifications)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, SetupScreen)
