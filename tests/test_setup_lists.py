"""The eight setup lists in `segtui setup` and the Setup screen (issue 12 point 2)."""
import pytest

from segtui.errors import NotFound, SegtuiError
from segtui.models import BusinessRelation, Contact, IndustryGroup, JobResponsibility, Language
from segtui.services import contact_edit, setup
from segtui.tui.screens.setup import SetupScreen
from segtui.tui.screens.dialogs import FormDialog

from tui_helpers import SIZE_IDS, SIZES, fill_form, make_app, settle
from tui_fixtures import fill_fixed

EIGHT = ["salesperson", "campaign", "interaction-group", "mailing-group", "industry-group",
         "business-relation", "job-responsibility", "language"]


@pytest.mark.parametrize("cli_kind", EIGHT)
def test_every_list_creates_changes_lists_and_deletes(db, cli_kind):
    kind = setup.kind_of(cli_kind)
    text_field = [name for name, _label, typ in setup.fields(kind) if typ == "text"][0]
    made = setup.save_record(kind, {setup.fields(kind)[0][0]: "zz1", text_field: "First"}, new=True)
    assert made[setup.fields(kind)[0][0]] == "ZZ1" and made[text_field] == "First"
    changed = setup.save_record(kind, {setup.fields(kind)[0][0]: "ZZ1", text_field: "Second"})
    assert changed[text_field] == "Second"
    assert [r[text_field] for r in setup.list_records(kind)] == ["Second"]
    assert setup.delete_record(kind, "zz1") == {"deleted": "ZZ1"}
    with pytest.raises(NotFound):
        setup.get_record(kind, "ZZ1")


def test_unknown_list_and_unknown_field_are_refused(db):
    with pytest.raises(SegtuiError, match="unknown setup list 'hobby'"):
        setup.kind_of("hobby")
    with pytest.raises(SegtuiError, match="unknown field 'colour' for languages; known: code, name"):
        setup.save_record("language", {"code": "SV", "colour": "blue"}, new=True)
    assert not Language.select().exists()


def test_codes_in_use_are_not_deleted_and_the_message_says_where(db):
    fill_fixed(contacts=10)
    IndustryGroup.create(code="RETAIL")
    BusinessRelation.create(code="PARTNER")
    JobResponsibility.create(code="CEO")
    Language.create(code="SVE")
    contact_edit.link("CT000001", "industry-group", "RETAIL")
    contact_edit.link("CT000006", "business-relation", "PARTNER")
    contact_edit.link("CT000002", "job-responsibility", "CEO")
    Contact.update(language_code="SVE").where(Contact.no.in_(["CT000003", "CT000004"])).execute()
    expected = {
        ("industry_group", "RETAIL"): "used by 1 contact (CT000001)",
        ("business_relation", "PARTNER"): "used by 1 contact (CT000006)",
        ("job_responsibility", "CEO"): "used by 1 contact (CT000002)",
        ("language", "SVE"): "used by 2 contacts (CT000003, CT000004)",
        ("mailing_group", "FAIR"): "used by 3 contacts (CT000001, CT000005, CT000009)",
        ("salesperson", "JO"): "contacts (CT000001, CT000002, CT000003, ...)",
        ("campaign", "CP1001"): "10 interaction log entries (1, 2, 3, ...)",
        ("group", "EMAIL"): "1 interaction template (NEWS)",
    }
    for (kind, code), words in expected.items():
        with pytest.raises(SegtuiError) as refused:
            setup.delete_record(kind, code)
        assert f"{code} cannot be deleted: it is used by" in str(refused.value)
        assert words in str(refused.value), str(refused.value)
    assert IndustryGroup.select().count() == 1 and Language.select().count() == 1


def test_cli_setup_commands_through_the_real_entry_point(db, run_cli):
    code, made, err = run_cli("setup", "new", "business-relation", "prt", "description=Partner")
    assert code == 0 and made == {"code": "PRT", "description": "Partner"}, err
    code, changed, err = run_cli("setup", "set", "business-relation", "PRT", "description=Partners")
    assert code == 0 and changed["description"] == "Partners"
    code, listed, err = run_cli("setup", "list", "business-relation")
    assert listed == [{"code": "PRT", "description": "Partners"}]
    code, _out, err = run_cli("contacts", "new", "type=company", "name=Acme")
    code, _out, err = run_cli("contacts", "link", "CT000001", "business-relation", "PRT")
    assert code == 0, err
    code, _out, err = run_cli("setup", "delete", "business-relation", "PRT")
    assert code == 1 and "used by 1 contact (CT000001)" in err
    code, _out, err = run_cli("setup", "new", "business-relation", "PRT")
    assert code == 1 and "exists already" in err
    code, _out, err = run_cli("setup", "list", "hobby")
    assert code == 1 and "unknown setup list" in err
    code, text, err = run_cli("setup", "list", "business-relation", json_out=False)
    assert code == 0 and "PRT" in text and "Partners" in text


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_setup_screen_has_the_new_lists(db, db_path, size):
    fill_fixed(contacts=10)
    Language.create(code="SVE", name="Swedish")
    Contact.update(language_code="SVE").where(Contact.no == "CT000003").execute()
    app = make_app(db_path)
    async with app.run_test(size=size) as pilot:
        await pilot.press("f7")
        await settle(pilot)
        assert isinstance(app.screen, SetupScreen)
        await fill_form(pilot, ("6", "ctrl+n"), *"retail", "tab", *"Retail trade", dialog=FormDialog)
        await settle(pilot)
        assert IndustryGroup.get_by_id("RETAIL").description == "Retail trade"
        assert app.screen.table("industry_group").row_count == 1
        await pilot.press("9", "delete", "enter")  # SVE is a contact's language
        await settle(pilot)
        assert Language.select().count() == 1
        assert any("used by 1 contact (CT000003)" in n.message for n in app._notifications)
        await pilot.press("8", "ctrl+n")
        await pilot.pause()
        await pilot.press(*"ceo", "ctrl+s")
        await settle(pilot)
        assert JobResponsibility.select().count() == 1
        await pilot.press("delete", "enter")
        await settle(pilot)
        assert JobResponsibility.select().count() == 0
        await pilot.press("0", "ctrl+n")  # profile questionnaires
        await pilot.pause()
        await pilot.press(*"size", "tab", *"Company size", "ctrl+s")
        await settle(pilot)
        from segtui.models import ProfileQuestionnaire

        assert ProfileQuestionnaire.get_by_id("SIZE").description == "Company size"
        assert app.screen.table("questionnaire").row_count == 1


def test_a_code_used_thousands_of_times_says_how_many_as_every_count_does(demo_db):
    from segtui.services import criteria, segments

    no = segments.new_segment("Many", template_code="LETTER", salesperson_code="AK")["no"]
    for _ in range(4):  # 300 demo contacts, four times over
        criteria.add_contacts(no, [], allow_existing=True)
    lines = segments.count_lines(no)  # (opted out and excluded contacts stay out)
    assert lines > 1_000
    with pytest.raises(SegtuiError, match=f"{lines:,} segment lines \\({no}\\)"):
        setup.delete_record(setup.kind_of("salesperson"), "AK")
