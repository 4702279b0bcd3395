"""Profile questionnaires: setup, each contact's answers, the filter source profile=Q.A in add,
reduce and refine, and the demo data (issue 12 point 5)."""
import pytest

from segtui.errors import NotFound, SegtuiError
from segtui.models import ContactProfileAnswer, ProfileAnswer, ProfileQuestion, ProfileQuestionnaire
from segtui.services import contacts, criteria, profiles, segments, setup
from test_segments import build_small


@pytest.fixture
def sized(db):
    build_small()
    setup.save_record("questionnaire", {"code": "size", "description": "Company size"}, new=True)
    profiles.set_question("SIZE", 1, "Employees")
    profiles.set_question("SIZE", 2, "Growing")
    for code, question, text in (("SMALL", 1, "under 50"), ("LARGE", 1, "50 or more"), ("YES", 2, "yes")):
        profiles.set_answer("SIZE", code, question, text)
    return db


def test_questions_and_answers_make_the_questionnaire(sized):
    tree = profiles.questionnaire_tree("size")
    assert [(q["question_no"], [a["code"] for a in q["answers"]]) for q in tree["questions"]] == [
        (1, ["LARGE", "SMALL"]), (2, ["YES"])]
    profiles.set_question("SIZE", 1, "Number of employees")  # again: changed, not doubled
    assert profiles.questionnaire_tree("SIZE")["questions"][0]["description"] == "Number of employees"


@pytest.mark.parametrize("call, message", [
    (lambda: profiles.set_answer("SIZE", "HUGE", 9, "x"), "has no question 9"),
    (lambda: profiles.set_answer("SIZE", "LARGE", 2, "x"), "belongs to question 1"),
    (lambda: profiles.set_answer("SIZE", "A.B", 1, "x"), "without a dot"),
    (lambda: profiles.set_answer("NOPE", "A", 1, "x"), "questionnaire NOPE does not exist"),
    (lambda: profiles.set_question("SIZE", "one", "x"), "is not a number"),
    (lambda: profiles.set_question("SIZE", 3, ""), "a description is needed"),
], ids=["question", "other-question", "dot", "questionnaire", "number", "description"])
def test_setup_refusals(sized, call, message):
    with pytest.raises(SegtuiError, match=message):
        call()
    assert ProfileAnswer.select().count() == 3 and ProfileQuestion.select().count() == 2


def test_a_contact_gives_one_answer_per_question(sized):
    assert [a["key"] for a in profiles.answer("c1", "size", "small")] == ["SIZE.SMALL"]
    answers = profiles.answer("C1", "SIZE", "LARGE")  # replaces SMALL: same question
    assert [(a["key"], a["question"], a["description"]) for a in answers] == [
        ("SIZE.LARGE", "Employees", "50 or more")]
    assert [a["key"] for a in profiles.answer("C1", "SIZE", "YES")] == ["SIZE.LARGE", "SIZE.YES"]
    assert [a["key"] for a in contacts.contact_card("C1")["profile"]] == ["SIZE.LARGE", "SIZE.YES"]
    assert [a["key"] for a in profiles.remove_answer("C1", "SIZE", "YES")] == ["SIZE.LARGE"]
    with pytest.raises(SegtuiError, match="has no answer MEDIUM"):
        profiles.answer("C1", "SIZE", "MEDIUM")
    with pytest.raises(NotFound):
        profiles.answer("NOBODY", "SIZE", "SMALL")


def test_a_questionnaire_or_answer_in_use_is_not_deleted(sized):
    profiles.answer("C2", "SIZE", "SMALL")
    with pytest.raises(SegtuiError, match="used by 1 contact \\(C2\\)"):
        setup.delete_record("questionnaire", "SIZE")
    with pytest.raises(SegtuiError, match="1 contact gave it"):
        profiles.delete_answer("SIZE", "SMALL")
    profiles.remove_answer("C2", "SIZE", "SMALL")
    assert setup.delete_record("questionnaire", "SIZE") == {"deleted": "SIZE"}
    assert not ProfileQuestion.select().exists() and not ProfileAnswer.select().exists()


def test_the_profile_filter_source_in_lists_add_reduce_and_refine(sized):
    profiles.answer("C1", "SIZE", "LARGE")
    profiles.answer("C2", "SIZE", "SMALL")
    profiles.answer("P30", "SIZE", "YES")
    assert [c["no"] for c in contacts.list_contacts([("profile", "size.large|SIZE.SMALL")])] == ["C1", "C2"]
    assert [c["no"] for c in contacts.list_contacts([("profile", "SIZE.*"), ("type", "person")])] == ["P30"]
    no = segments.new_segment("Profiles", template_code="LTR")["no"]
    criteria.add_contacts(no, [("profile", "SIZE.LARGE|SIZE.YES")])
    assert sorted(line["contact_no"] for line in segments.lines(no)) == ["C1", "P30"]
    criteria.reduce_contacts(no, [("profile", "SIZE.YES")])
    assert [line["contact_no"] for line in segments.lines(no)] == ["C1"]
    criteria.add_contacts(no, [("profile", "SIZE.SMALL")])
    criteria.refine_contacts(no, [("profile", "SIZE.SMALL")])
    assert [line["contact_no"] for line in segments.lines(no)] == ["C2"]
    # Saved with the action and shown as the user typed it.
    typed = [f for a in segments.criteria_actions(no) for f in criteria.filters_of(a)]
    assert ("profile", "SIZE.SMALL") in typed


def test_the_demo_fills_the_profile_source(db):
    from segtui.services import demo

    result = demo.fill_demo(contacts=200, seed=3)
    assert result["profile_answers"] == ContactProfileAnswer.select().count() > 100
    assert ProfileQuestionnaire.select().count() == 1
    for key in ("CUSTOMER.SMALL", "CUSTOMER.MEDIUM", "CUSTOMER.LARGE", "CUSTOMER.EMAIL", "CUSTOMER.PHONE"):
        assert contacts.count_contacts([("profile", key)]) > 0, key
    companies = contacts.count_contacts([("profile", "CUSTOMER.SMALL|CUSTOMER.MEDIUM|CUSTOMER.LARGE"),
                                         ("type", "company")])
    assert companies == result["companies"]  # every company answers the size question


def test_cli_profile_commands_through_the_real_entry_point(db, run_cli):
    build_small()
    assert run_cli("setup", "new", "questionnaire", "size", "description=Size")[0] == 0
    assert run_cli("setup", "question", "size", "1", "Employees")[0] == 0
    code, tree, err = run_cli("setup", "answer", "size", "large", "1", "50 or more")
    assert code == 0 and tree["questions"][0]["answers"] == [{"code": "LARGE", "description": "50 or more"}]
    code, answers, err = run_cli("contacts", "answer", "C1", "size", "large")
    assert code == 0 and [a["key"] for a in answers] == ["SIZE.LARGE"]
    code, listed, err = run_cli("contacts", "list", "--filter", "profile=SIZE.LARGE")
    assert [c["no"] for c in listed] == ["C1"]
    code, _out, err = run_cli("contacts", "answer", "C1", "size", "tiny")
    assert code == 1 and "has no answer TINY" in err
    code, answers, err = run_cli("contacts", "answer", "C1", "size", "large", "--remove")
    assert code == 0 and answers == []


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_the_worksheet_adds_by_profile_answer(demo_db, db_path, size):
    from textual.widgets import Static

    from segtui.tui.screens.criteria_dialog import CriteriaDialog, field_input_id
    from tui_helpers import make_app, open_worksheet, settle, wait_for

    no = segments.new_segment("Large customers")["no"]
    expected = contacts.count_contacts([("profile", "CUSTOMER.LARGE")])
    assert expected > 0  # the demo data fills the profile source
    app = make_app(db_path)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = await open_worksheet(pilot, no)
        await pilot.press("a")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, CriteriaDialog)
        await pilot.press("f6", "f6", "f6", "f6", "f6")  # past the four group tabs
        await pilot.pause()
        assert app.focused.id == field_input_id("profile")
        await pilot.press(*"customer.large")
        await wait_for(pilot, lambda: dialog.previewed_filters == [("profile", "customer.large")])
        assert f"{expected:,} contact" in str(dialog.query_one("#preview", Static).render())
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert segments.count_lines(no) == expected
