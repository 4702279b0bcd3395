"""Services report progress (services.progress): rows done of total, never going back, ending at
the total; a listener that raises Cancelled stops the work and leaves the database as it was."""
from pathlib import Path

import pytest

from segtui.models import Contact, InteractionLogEntry, SegmentLine
from segtui.services import contact_io, criteria, delivery, merge, segment_log, segments
from segtui.services.progress import Cancelled, phase, report, steps

from db_state import state

DATA = Path(__file__).parent / "data"


class Heard:
    """A listener that keeps every report; `stop_at` (done > 0) cancels when that far."""

    def __init__(self, stop_at=None, what=None):
        self.calls, self.stop_at, self.what = [], stop_at, what

    def __call__(self, done, total=None, what=""):
        self.calls.append((done, total, what))
        if self.stop_at is not None and done >= self.stop_at and (self.what is None or what == self.what):
            raise Cancelled()

    def of(self, what):
        return [(d, t) for d, t, w in self.calls if w == what]


def assert_counts_up_to_the_total(pairs, total):
    assert pairs, "no progress was reported"
    assert pairs[-1] == (total, total)
    dones = [d for d, _ in pairs]
    assert dones == sorted(dones), pairs
    assert all(t is not None and d <= t for d, t in pairs), pairs


def letters_segment(lines=None):
    no = segments.new_segment("Autumn letters", template_code="LETTER", salesperson_code="AK", date="2026-01-15")["no"]
    criteria.add_contacts(no, [("no", f"..CT{lines:06d}")] if lines else [])
    return no


# --- the helpers ----------------------------------------------------------------------------------

def test_no_listener_costs_nothing_and_steps_report_at_most_about_200_times():
    report(None, 1, 2, "x")  # nothing to call
    assert steps(None, 10, "x")(5) is None
    heard = Heard()
    step = steps(heard, 10_000, "rows")
    for _ in range(10_000):
        step()
    assert len(heard.calls) <= 202
    assert_counts_up_to_the_total(heard.of("rows"), 10_000)


def test_phase_renames_what_is_counted():
    heard = Heard()
    phase(heard, "letters merged")(3, 4, "anything")
    assert heard.calls == [(3, 4, "letters merged")]


# --- add, reduce, refine, reuse -----------------------------------------------------------------------

def test_add_counts_first_then_reports_the_lines_added(demo_db):
    no = segments.new_segment("Everyone", date="2026-01-15")["no"]
    heard = Heard()
    result = criteria.add_contacts(no, [], progress=heard)
    assert result["added"] > 100
    assert heard.of("contacts added") == [(0, result["added"]), (result["added"], result["added"])]


def test_reduce_refine_and_reuse_report_their_counts(demo_db):
    no = letters_segment()
    before = segments.count_lines(no)
    heard = Heard()
    removed = criteria.reduce_contacts(no, [("type", "company")], progress=heard)["removed"]
    assert_counts_up_to_the_total(heard.of("lines removed"), removed)
    heard = Heard()
    criteria.refine_contacts(no, [("type", "person")], progress=heard)
    assert heard.of("lines removed") == [(0, 0), (0, 0)]  # nothing left to take away
    criteria.save_criteria(no, "PEOPLE")
    other = segments.new_segment("Again", date="2026-01-15")["no"]
    heard = Heard()
    criteria.reuse_criteria(other, "PEOPLE", progress=heard)
    assert_counts_up_to_the_total(heard.of("criteria actions replayed"), 3)
    assert segments.count_lines(other) == before - removed


def test_a_cancelled_add_leaves_the_segment_as_it_was(demo_db):
    no = letters_segment(lines=20)
    before = state()
    with pytest.raises(Cancelled):
        criteria.add_contacts(no, [], progress=Heard(stop_at=1))  # cancelled once the lines are written
    assert state() == before


# --- log and delivery ---------------------------------------------------------------------------------

def test_log_reports_the_lines_logged(demo_db):
    no = letters_segment(lines=40)
    lines = segments.count_lines(no)
    heard = Heard()
    result = segment_log.log_segment(no, progress=heard)
    assert result["interactions"] == lines
    assert heard.of("lines logged") == [(0, lines), (lines, lines)]


def test_log_with_follow_up_reports_and_a_cancel_writes_nothing(demo_db):
    no = letters_segment(lines=40)
    before = state()
    with pytest.raises(Cancelled):
        segment_log.log_segment(no, follow_up=True, progress=Heard(stop_at=1))
    assert state() == before
    heard = Heard()
    result = segment_log.log_segment(no, follow_up=True, progress=heard)
    assert result["follow_up_segment_no"]
    assert_counts_up_to_the_total(heard.of("lines logged"), result["interactions"])


def hard_copy_segment(lines):
    no = letters_segment(lines=lines)
    SegmentLine.update(correspondence_type="hard_copy").where(SegmentLine.segment_no == no).execute()
    return no


def test_log_with_delivery_reports_letters_then_entries_delivered(demo_db, tmp_path):
    no = hard_copy_segment(60)
    heard = Heard()
    result = segment_log.log_segment(no, deliver=True, out_dir=str(tmp_path / "out"), progress=heard)
    count = result["interactions"]
    assert result["delivered"] == count
    assert_counts_up_to_the_total(heard.of("lines logged"), count)
    assert_counts_up_to_the_total(heard.of("letters merged"), count)
    assert_counts_up_to_the_total(heard.of("entries delivered"), count)
    whats = [w for _, _, w in heard.calls]
    assert whats.index("letters merged") > whats.index("lines logged")


def test_a_cancelled_delivery_keeps_the_log_and_leaves_the_entries_pending(demo_db, tmp_path):
    no = hard_copy_segment(60)
    result = segment_log.log_segment(no, deliver=True, out_dir=str(tmp_path / "out"),
                                     progress=Heard(stop_at=10, what="letters merged"))
    assert result["cancelled"] and "delivery canceled" in result["failure"]
    assert result["delivered"] == 0
    entries = InteractionLogEntry.select().where(
        InteractionLogEntry.logged_segment_entry_no == result["logged_segment_entry_no"])
    assert {e.delivery_status for e in entries} == {"in_progress"}  # a later delivery resumes them
    heard = Heard()
    again = delivery.deliver_logged_segment(result["logged_segment_entry_no"], out_dir=str(tmp_path / "out"),
                                            progress=heard)
    assert again["delivered"] == result["interactions"]
    assert_counts_up_to_the_total(heard.of("entries delivered"), result["interactions"])


# --- merge --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("workers", [1, 2], ids=["one-process", "pool"])
def test_merge_reports_letters_written(demo_db, tmp_path, workers):
    no = letters_segment()
    heard = Heard()
    result = merge.merge_segment(no, tmp_path / "out", workers=workers, progress=heard)
    assert_counts_up_to_the_total(heard.of("letters merged"), result["documents"])
    assert len(heard.calls) > 3  # reported as parts finish, not only at the start and the end
    assert len(list((tmp_path / "out").glob("*.docx"))) == result["documents"]


@pytest.mark.parametrize("workers", [1, 2], ids=["one-process", "pool"])
def test_a_cancelled_merge_removes_what_it_wrote_and_says_so(demo_db, tmp_path, workers):
    no = letters_segment()
    out = tmp_path / "out"
    with pytest.raises(Cancelled) as info:
        merge.merge_segment(no, out, workers=workers, progress=Heard(stop_at=1))
    assert "merge canceled" in str(info.value) and "removed" in str(info.value)
    assert not out.exists()


def test_a_cancelled_merge_into_a_folder_in_use_keeps_the_other_files(demo_db, tmp_path):
    no = letters_segment()
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(Cancelled) as info:
        merge.merge_segment(no, out, workers=1, progress=Heard(stop_at=1))
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]
    assert f"nothing was changed in {out}" in str(info.value)


def snapshot(folder):
    # bytes and the time written: a letter written again with the same bytes still shows
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("workers", [1, 2], ids=["one-process", "pool"])
def test_a_cancelled_merge_over_an_earlier_one_leaves_its_letters_as_they_were(demo_db, tmp_path, workers):
    no = letters_segment()
    out = tmp_path / "out"
    merge.merge_segment(no, out, workers=1)
    before = snapshot(out)
    with pytest.raises(Cancelled) as info:
        merge.merge_segment(no, out, workers=workers, progress=Heard(stop_at=len(before) // 2))
    assert snapshot(out) == before  # no letter overwritten, none removed, nothing unfinished left
    assert "nothing was changed" in str(info.value)


def test_a_failing_merge_leaves_the_folder_as_it_was(demo_db, tmp_path, monkeypatch):
    no = letters_segment()
    out = tmp_path / "out"
    merge.merge_segment(no, out, workers=1)
    before = snapshot(out)
    real = merge.word.merge_many_to_files
    calls = []

    def fails_on_the_second_part(data, jobs):
        calls.append(len(jobs))
        if len(calls) == 2:
            raise OSError("disk full")
        return real(data, jobs)

    monkeypatch.setattr(merge.word, "merge_many_to_files", fails_on_the_second_part)
    with pytest.raises(OSError):
        merge.merge_segment(no, out, workers=1, progress=Heard())
    assert len(calls) == 2 and snapshot(out) == before


def test_a_finished_merge_replaces_the_earlier_letters_and_leaves_nothing_unfinished(demo_db, tmp_path):
    no = letters_segment()
    out = tmp_path / "out"
    merge.merge_segment(no, out, workers=1)
    (out / (".old" + merge.UNFINISHED)).write_bytes(b"left by a killed merge")
    result = merge.merge_segment(no, out, workers=2)
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(Path(f).name for f in result["files"])  # no hidden unfinished file left


# --- import -------------------------------------------------------------------------------------------

def test_import_reports_contacts_up_to_the_total(db, tmp_path):
    path = tmp_path / "many.csv"
    path.write_text("First Name,Last Name,E-mail Address\n"
                    + "".join(f"P{i},Q,p{i}@example.com\n" for i in range(450)), encoding="utf-8")
    heard = Heard()
    result = contact_io.import_contacts(path, progress=heard)
    assert result["imported"] == 450
    assert_counts_up_to_the_total(heard.of("contacts imported"), 450)
    assert len(heard.calls) > 10


def test_a_cancelled_import_imports_nothing(db, tmp_path):
    path = tmp_path / "many.csv"
    path.write_text("First Name,Last Name\n" + "".join(f"P{i},Q\n" for i in range(300)), encoding="utf-8")
    with pytest.raises(Cancelled):
        contact_io.import_contacts(path, progress=Heard(stop_at=100))
    assert Contact.select().count() == 0


# --- the same on PostgreSQL (with SEGTUI_TEST_PG=postgresql://...) ------------------------------------

def test_progress_and_cancel_on_postgresql(db, monkeypatch):
    """Counts and a cancel that rolls back, on PostgreSQL: an add and a log."""
    import os

    from segtui import db as dbmod
    from segtui.models import ALL_MODELS, database
    from test_segments import build_small

    url = os.environ.get("SEGTUI_TEST_PG")
    if not url:
        pytest.skip("set SEGTUI_TEST_PG=postgresql://... to run on PostgreSQL too")
    db.close()
    pg = dbmod.open_database(url)
    try:
        database.drop_tables(ALL_MODELS, safe=True)
        dbmod.init_database()
        build_small()
        no = segments.new_segment("Flow", template_code="LTR", salesperson_code="AL", date="2026-01-15")["no"]
        before = state()
        with pytest.raises(Cancelled):
            criteria.add_contacts(no, [], progress=Heard(stop_at=1))
        assert state() == before
        heard = Heard()
        added = criteria.add_contacts(no, [], progress=heard)["added"]
        assert added and heard.of("contacts added") == [(0, added), (added, added)]
        before = state()
        with pytest.raises(Cancelled):
            segment_log.log_segment(no, progress=Heard(stop_at=1))
        assert state() == before
        heard = Heard()
        assert segment_log.log_segment(no, progress=heard)["interactions"] == added
        assert heard.of("lines logged") == [(0, added), (added, added)]
    finally:
        database.drop_tables(ALL_MODELS, safe=True)
        pg.close()


def test_resend_reports_its_delivery(demo_db, tmp_path):
    from segtui.services import resend

    no = hard_copy_segment(30)
    logged = segment_log.log_segment(no, deliver=True, out_dir=str(tmp_path / "out"))
    heard = Heard()
    result = resend.resend_logged(logged["logged_segment_entry_no"], out_dir=str(tmp_path / "again"), progress=heard)
    assert result["delivered"] == len(result["entries"]) > 0
    assert_counts_up_to_the_total(heard.of("entries delivered"), result["delivered"])
