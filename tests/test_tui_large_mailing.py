"""Merge and delivery of a few hundred lines started from the worksheet.

From 100 letters the merge runs on a process pool. Under the worksheet (Textual replaces
sys.stderr with an object whose fileno() is -1) starting that pool failed with "bad value(s) in
fds_to_keep"; these tests press the keys a user presses on a 300-line segment and check the
files and the database.
"""
import docx
import pytest
from textual.widgets import Checkbox

from segtui.models import Contact, InteractionLogEntry, LoggedSegment, SegmentHeader, SegmentLine
from segtui.services import criteria, merge, segments
from segtui.tui.screens.log_dialog import LogDialog

from tui_helpers import SIZE, fill_form, make_app, new_segment, notes, open_worksheet, settle, wait_for


@pytest.fixture(autouse=True)
def pool_from_100_letters(monkeypatch):
    """The pool starts from PARALLEL_MIN letters (thousands); these tests take it at 100 so that a
    segment of a few hundred lines is merged by worker processes started from the worksheet."""
    monkeypatch.setattr(merge, "PARALLEL_MIN", 100)


def big_segment(**header):
    no = new_segment("Autumn letters", template_code="LETTER", salesperson_code="AK", **header)
    criteria.add_contacts(no, [])  # every demo contact that may enter
    count = segments.count_lines(no)
    assert count >= merge.PARALLEL_MIN * 2  # large enough to take the process pool
    return no, count


async def test_merge_preview_of_hundreds_of_lines_from_the_worksheet(demo_db, db_path, tmp_path):
    no, count = big_segment()
    out = tmp_path / "merged"
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_worksheet(pilot, no)
        await fill_form(pilot, "m", *str(out))
        await wait_for(pilot, lambda: not app.screen._busy, timeout=120)
        assert not any("fds_to_keep" in n for n in notes(app)), notes(app)
        assert any(f"{count:,} documents in" in n for n in notes(app)), notes(app)
    files = sorted(out.glob("*.docx"))
    assert len(files) == count
    # Each letter is a real Word document for its own contact.
    first = SegmentLine.select().where(SegmentLine.live(no)).order_by(SegmentLine.line_no).first()
    text = "\n".join(p.text for p in docx.Document(str(files[0])).paragraphs)
    contact = Contact.get(Contact.no == first.contact_no)
    assert contact.name in text or contact.company_name in text
    assert SegmentHeader.get_or_none(SegmentHeader.no == no) is not None  # a preview logs nothing


async def test_log_with_delivery_of_hundreds_of_hard_copies_from_the_worksheet(demo_db, db_path, tmp_path,
                                                                               monkeypatch):
    monkeypatch.setenv("SEGTUI_DATA_DIR", str(tmp_path / "data"))
    no, count = big_segment()
    SegmentLine.update(correspondence_type="hard_copy").where(SegmentLine.live(no)).execute()
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_worksheet(pilot, no)
        await pilot.press("f9")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, LogDialog)
        await pilot.press("space")  # Deliver has the focus
        assert dialog.query_one("#deliver", Checkbox).value
        await settle(pilot)
        await pilot.press("f9")
        await wait_for(pilot, lambda: not getattr(app.screen, "_busy", False), timeout=180)
        await settle(pilot)
        assert not any("fds_to_keep" in n for n in notes(app)), notes(app)
        assert any(f"{count:,} delivered, 0 errors" in n for n in notes(app)), notes(app)
    logged = LoggedSegment.get(LoggedSegment.segment_no == no)
    entries = InteractionLogEntry.select().where(InteractionLogEntry.logged_segment_entry_no == logged.entry_no)
    assert entries.count() == count
    assert {e.delivery_status for e in entries} == {""}  # delivered: no entry in progress or in error
    printed = list((tmp_path / "data").rglob("*.docx"))
    assert len(printed) >= 1
