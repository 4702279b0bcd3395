"""The worksheet reads the services' typed results (segtui/services/results.py) by field: what a
user is told after go back, reuse criteria, apply mailing group and add line comes from them.

Keys pressed as a user would, at 80x24 and 120x40; then the database and the message are checked.
"""
import pytest
from tui_helpers import DATE, fill_form, make_app, open_worksheet, settle

from segtui.services import criteria, segments
from segtui.tui.screens.criteria_dialog import sample_names
from segtui.tui.screens.segment_dialogs import LookupDialog

SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])


def messages(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


def new_segment(description="Typed results"):
    return segments.new_segment(description, date=DATE)["no"]


@SIZES
async def test_go_back_tells_the_steps_and_lines_the_service_returned(demo_db, db_path, size):
    no = new_segment()
    criteria.add_contacts(no, [("city", "@b*")])
    left = segments.count_lines(no)
    criteria.add_contacts(no, [("city", "@m*")])
    app = make_app(db_path)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await open_worksheet(pilot, no)
        await pilot.press("b")
        await settle(pilot)
        assert segments.count_lines(no) == left
        assert f"Went back 1 step; {left:,} lines" in messages(app)


@SIZES
async def test_reuse_criteria_tells_added_and_removed(demo_db, db_path, size):
    source = new_segment("Source")
    criteria.add_contacts(source, [("city", "@b*")])
    criteria.refine_contacts(source, [("type", "person")])
    criteria.save_criteria(source, "TYPED", "")
    target = new_segment("Target")
    app = make_app(db_path)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await open_worksheet(pilot, target)
        await pilot.press("u")
        await pilot.pause()
        assert isinstance(app.screen, LookupDialog)
        await pilot.press(*"typed", "enter")
        await settle(pilot)
        lines = segments.count_lines(target)
        assert lines == segments.count_lines(source) > 0
        told = [m for m in messages(app) if m.startswith("Criteria TYPED reused")]
        assert len(told) == 1 and told[0].endswith(f"; {lines:,} lines")
        assert " added, " in told[0] and " removed" in told[0]


@SIZES
async def test_apply_mailing_group_tells_how_many_contacts_have_it(demo_db, db_path, size):
    no = new_segment()
    for contact_no in ("CT000002", "CT000003"):
        segments.add_contact(no, contact_no)
    app = make_app(db_path)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await open_worksheet(pilot, no)
        await fill_form(pilot, "p", *"vip")
        await settle(pilot)
        assert "Mailing group VIP given to 2 contacts" in messages(app)


@SIZES
async def test_add_line_jumps_to_the_line_the_service_returned(demo_db, db_path, size):
    no = new_segment()
    for contact_no in ("CT000002", "CT000003", "CT000004"):
        segments.add_contact(no, contact_no)
    app = make_app(db_path)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = await open_worksheet(pilot, no)
        await fill_form(pilot, "insert", *"ct000005")
        await settle(pilot)
        added = [line for line in segments.lines(no, limit=10) if line["contact_no"] == "CT000005"]
        assert len(added) == 1
        assert screen.sheet.current_row["line_no"] == added[0]["line_no"]
        assert "Line added for contact CT000005" in messages(app)


def test_sample_names_reads_contact_rows():
    rows = [{"no": "CT1", "name": "Ada"}, {"no": "CT2", "name": ""}, {"no": "CT3", "name": "CT3"}]
    assert sample_names(rows) == "Ada (CT1), CT2, CT3"
    assert sample_names([{"no": f"CT{i}", "name": f"N{i}"} for i in range(9)]).count("(") == 5


@SIZES
async def test_resend_menu_words_come_from_the_labels_table(db, db_path, size):
    from tui_fixtures import fill_fixed

    from segtui.labels import label
    from segtui.tui.screens.dialogs import FormDialog as ListFormDialog
    from segtui.tui.screens.logged import LoggedSegmentsScreen

    fill_fixed()
    app = make_app(db_path)
    async with app.run_test(size=size) as pilot:
        await pilot.press("g")
        await settle(pilot)
        assert isinstance(app.screen, LoggedSegmentsScreen)
        await pilot.press("f4")
        await settle(pilot)
        assert isinstance(app.screen, ListFormDialog)
        field = next(f for f in app.screen.fields if f.name == "correspondence_type")
        words = [(v, label("correspondence_type", v)) for v in ("hard_copy", "email")]
        assert field.choices == [("same", "Same as each entry"), *words]
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, LoggedSegmentsScreen)


@SIZES
async def test_a_reduce_of_one_line_says_one_line(demo_db, db_path, size):
    from segtui.tui.screens.criteria_dialog import CriteriaDialog

    no = new_segment()
    criteria.add_contacts(no, [("city", "@b*")])
    before = segments.count_lines(no)
    contact = segments.lines(no, limit=1)[0]["contact_no"]
    app = make_app(db_path)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await open_worksheet(pilot, no)
        await fill_form(pilot, "r", *contact, dialog=CriteriaDialog)  # the No. field has the focus
        await settle(pilot)
        assert segments.count_lines(no) == before - 1
        assert f"1 line removed; {before - 1:,} lines" in messages(app)
