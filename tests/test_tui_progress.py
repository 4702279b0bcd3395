"""Long work in the worksheet: a bar that counts what the services report, and Esc that cancels
a real add, log and merge (the pool merge too) leaving the database and the output folder as
they were. The service is paused mid-way by a gate on its progress reports, never by sleeps."""
import threading

import pytest

from segtui.models import InteractionLogEntry, LoggedSegment, SegmentHeader, SegmentLine
from segtui.services import criteria, merge, segment_log, segments
from segtui.tui.screens.log_dialog import LogDialog
from segtui.tui.screens.segment_dialogs import FormDialog

from db_state import state
from tui_helpers import DATE, make_app, notes, open_ws, screen_text, settle, wait_for

SMALL, LARGE = (80, 24), (120, 40)
SIZES = pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "120x40"])


def segment_of(lines, **header):
    """A letters segment of exactly `lines` lines."""
    no = segments.new_segment("Autumn letters", template_code="LETTER", salesperson_code="AK", date=DATE,
                              **header)["no"]
    criteria.add_contacts(no, [])
    criteria.add_contacts(no, [], allow_existing=True)  # the demo's few hundred contacts twice
    assert segments.count_lines(no) >= lines
    last = (SegmentLine.select(SegmentLine.line_no).where(SegmentLine.segment_no == no)
            .order_by(SegmentLine.line_no).offset(lines - 1).limit(1).scalar())
    SegmentLine.delete().where((SegmentLine.segment_no == no) & (SegmentLine.line_no > last)).execute()
    # Lines changed by hand: bump the version, as every change does, so the kept count is not trusted.
    SegmentHeader.update(version=SegmentHeader.version + 1).where(SegmentHeader.no == no).execute()
    assert segments.count_lines(no) == lines
    return no


class Gate:
    """Holds the service at its first report of at least `at` done (in the worker thread) until
    the test lets it go: `reached` says it is held."""

    def __init__(self, at=1):
        self.at, self.reached, self.go = at, threading.Event(), threading.Event()

    def hold(self, done):
        if done >= self.at and not self.reached.is_set():
            self.reached.set()
            assert self.go.wait(60), "the test never let the service go on"

    def steps(self, real, before=False):
        """Wrap services.progress.steps: the gate sees the running count of rows done, and holds
        after the report (the screen shows it) or, with `before`, ahead of it (where a cancel
        is heard)."""
        def gated_steps(progress, total, what, every=0):
            step, count = real(progress, total, what, every), [0]

            def gated(n=1):
                count[0] += n
                if before:
                    self.hold(count[0])
                step(n)
                if not before:
                    self.hold(count[0])
            return gated
        return gated_steps

    def report(self, real):
        """Wrap services.progress.report (set-based work reports before and after its statement):
        held before the report, so the report after the statement is where a cancel is heard."""
        def gated(progress, done, total=None, what=""):
            self.hold(done)
            real(progress, done, total, what)
        return gated


async def until(pilot, event):
    await wait_for(pilot, event.is_set, timeout=60)
    await pilot.pause()


@pytest.fixture
def gates():
    """Gates made by a test; all let go at its end, so a failed assert never leaves a worker held."""
    made = []
    yield lambda at=1: made.append(Gate(at)) or made[-1]
    for gate in made:
        gate.go.set()


def message(screen):
    return str(screen.query_one("#message").render())


async def start_merge(pilot, out):
    await pilot.press("m")
    await pilot.pause()
    assert isinstance(pilot.app.screen, FormDialog)
    await pilot.press(*["backspace"] * 200, *str(out), "ctrl+s")


# --- a bar with counts -----------------------------------------------------------------------------------

@SIZES
async def test_merging_300_letters_shows_a_bar_that_counts(demo_db, db_path, tmp_path, monkeypatch, size, gates):
    no = segment_of(300)
    gate = gates(120)
    monkeypatch.setattr(merge, "steps", gate.steps(merge.steps))
    out = tmp_path / "letters"
    app = make_app(db_path)
    async with app.run_test(size=size) as pilot:
        screen = await open_ws(pilot, no)
        await start_merge(pilot, out)
        await until(pilot, gate.reached)
        bar = screen.query_one("#busy-bar")
        assert (bar.progress, bar.total) == (120, 300)
        assert str(screen.query_one("#busy-count").render()) == "Merging 120 of 300 letters"
        assert any("Merging 120 of 300 letters" in line for line in screen_text(app))
        # the count says what runs: "Merging documents…" before it would say it twice
        assert not screen.query_one("#busy-label").display
        assert not any("Merging documents" in line for line in screen_text(app))
        assert not screen.query_one("#keys").display  # the key bar gives way to the work
        gate.go.set()
        await wait_for(pilot, lambda: not screen._busy, timeout=60)
        assert "300 documents in" in message(screen)
    assert len(list(out.glob("*.docx"))) == 300


# --- Esc cancels real work -----------------------------------------------------------------------------------

@pytest.mark.parametrize("at", [0, 1], ids=["before-the-insert", "after-the-insert"])
async def test_esc_during_a_real_add_leaves_the_segment_as_it_was(demo_db, db_path, monkeypatch, gates, at):
    no = segment_of(10)
    before = state()
    would_add = criteria.add_contacts(no, [], dry_run=True)["would_add"]
    gate = gates(at)  # 0: counted, not written yet; 1: written, not committed
    monkeypatch.setattr(criteria, "report", gate.report(criteria.report))
    app = make_app(db_path)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_ws(pilot, no)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("enter")  # no filter: every contact that may enter
        await until(pilot, gate.reached)
        if at:
            assert f"Adding {would_add:,} contacts…" in "\n".join(screen_text(app))
        assert screen._busy
        await pilot.press("escape")
        gate.go.set()
        await wait_for(pilot, lambda: not screen._busy)
        await settle(pilot)
        assert "Canceled: nothing was changed" in message(screen)
    assert state() == before


@pytest.mark.parametrize("follow_up", [False, True], ids=["log", "log-with-follow-up"])
async def test_esc_during_a_real_log_logs_nothing(demo_db, db_path, monkeypatch, follow_up, gates):
    no = segment_of(40)
    before = state()
    gate = gates(1)  # the entries are written, the transaction still open
    monkeypatch.setattr(segment_log, "report", gate.report(segment_log.report))
    app = make_app(db_path)
    async with app.run_test(size=LARGE) as pilot:
        screen = await open_ws(pilot, no)
        await pilot.press("f9")
        await settle(pilot)
        assert isinstance(app.screen, LogDialog)
        if follow_up:
            await pilot.press("tab", "space")  # from Deliver to Create follow-up segment
            await pilot.pause()
            assert app.screen.query_one("#follow_up").value
        await pilot.press("f9")
        await until(pilot, gate.reached)
        await pilot.press("escape")
        gate.go.set()
        await wait_for(pilot, lambda: not screen._busy)
        await settle(pilot)
        assert app.screen is screen  # still the worksheet: the segment was not logged
        assert "Canceled: nothing was changed" in message(screen)
    assert state() == before


@pytest.mark.parametrize("pool", [False, True], ids=["one-process", "pool"])
async def test_esc_during_a_real_merge_removes_the_letters_and_says_so(demo_db, db_path, tmp_path, monkeypatch,
                                                                      pool, gates):
    if pool:
        monkeypatch.setattr(merge, "PARALLEL_MIN", 100)  # 300 letters go to worker processes
    no = segment_of(300)
    before = state()
    gate = gates(1)
    monkeypatch.setattr(merge, "steps", gate.steps(merge.steps))
    out = tmp_path / "letters"
    app = make_app(db_path)
    async with app.run_test(size=LARGE) as pilot:
        screen = await open_ws(pilot, no)
        await start_merge(pilot, out)
        await until(pilot, gate.reached)
        # letters were being written, under their unfinished names until the last is done
        assert out.is_dir() and any(out.glob(".*" + merge.UNFINISHED)) and not any(out.glob("*.docx"))
        await pilot.press("escape")
        assert "Canceling" in str(screen.query_one("#busy-label").render())
        gate.go.set()
        await wait_for(pilot, lambda: not screen._busy, timeout=60)
        await settle(pilot)
        text = message(screen)
        assert "Merge canceled: nothing was kept" in text and "removed" in text
        assert "documents in" not in text  # never reported as done
    assert not out.exists()
    assert state() == before


# --- the cancel itself, on either database ---------------------------------------------------------------

class FakeSqlite:
    def __init__(self):
        self.stopped = 0

    def interrupt(self):
        self.stopped += 1


class FakePsycopg:
    def __init__(self):
        self.stopped = 0

    def cancel(self):
        self.stopped += 1


@pytest.mark.parametrize("kind", [FakeSqlite, FakePsycopg], ids=["sqlite", "postgresql"])
def test_cancel_interrupts_the_statement_on_either_database(kind):
    from segtui.tui.widgets.progress import LongWork

    work = LongWork(app=None, show=None)
    work.connection = kind()
    work.cancel()
    assert work.connection.stopped == 1 and work.cancelled.is_set()
    with pytest.raises(Exception) as info:
        work.report(1, 2, "letters merged")  # the service's next report stops it
    assert info.type.__name__ == "Cancelled"


@pytest.mark.parametrize("error", ["interrupted", "canceling statement due to user request"],
                         ids=["sqlite", "postgresql"])
def test_a_statement_stopped_by_the_cancel_is_canceled_not_an_error(db, error):
    from segtui.tui.widgets.progress import LongWork, cancelled_text

    work = LongWork(app=None, show=None)

    def job(report):
        raise RuntimeError(error)

    outcome = work.run(job)
    assert outcome.kind == "cancelled" and cancelled_text(outcome) == "Canceled: nothing was changed"


@pytest.mark.parametrize("done, total, what, text", [
    (120, 300, "letters merged", "Merging 120 of 300 letters"),
    (0, 336_619, "lines logged", "Logging 336,619 lines…"),
    (336_619, 336_619, "lines logged", "Logging 336,619 of 336,619 lines"),
    (5, 40, "entries delivered", "Delivering 5 of 40 entries"),
    (25, 100, "", "25 of 100"),
], ids=["merge", "log-running", "log-done", "delivery", "plain"])
def test_progress_in_words(done, total, what, text):
    from segtui.tui.widgets.progress import progress_text

    assert progress_text(done, total, what) == text


# --- log with delivery, and import: counts and Esc ------------------------------------------------------------

async def test_log_with_delivery_counts_the_letters_and_esc_keeps_the_log_pending(demo_db, db_path, tmp_path,
                                                                                   monkeypatch, gates):
    monkeypatch.setenv("SEGTUI_DATA_DIR", str(tmp_path / "data"))
    no = segment_of(60)
    SegmentLine.update(correspondence_type="hard_copy").where(SegmentLine.segment_no == no).execute()
    gate = gates(20)
    monkeypatch.setattr(merge, "steps", gate.steps(merge.steps))
    app = make_app(db_path)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_ws(pilot, no)
        await pilot.press("f9")
        await settle(pilot)
        assert isinstance(app.screen, LogDialog)
        await pilot.press("space")  # Deliver
        await settle(pilot)
        await pilot.press("f9")
        await until(pilot, gate.reached)
        assert any("Merging 20 of 60 letters" in line for line in screen_text(app))
        await pilot.press("escape")
        gate.go.set()
        await wait_for(pilot, lambda: not screen._busy, timeout=60)
        await settle(pilot)
        said = " ".join(notes(app))
        assert "logged: 60 interactions" in said and "0 delivered" in said
        assert "delivery canceled after 0 of 60 entries" in said
    logged = LoggedSegment.get(LoggedSegment.segment_no == no)  # the log itself was committed before
    entries = InteractionLogEntry.select().where(InteractionLogEntry.logged_segment_entry_no == logged.entry_no)
    assert entries.count() == 60 and {e.delivery_status for e in entries} == {"in_progress"}
    assert not list((tmp_path / "data").rglob("*.docx"))  # nothing printed


@pytest.fixture
def four_hundred_fifty(tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("First Name,Last Name,E-mail Address\n"
                    + "".join(f"P{i},Q,p{i}@example.com\n" for i in range(450)), encoding="utf-8")
    return path


@pytest.mark.parametrize("cancel", [False, True], ids=["counts", "esc"])
async def test_import_counts_contacts_and_esc_imports_nothing(demo_db, db_path, monkeypatch, gates,
                                                             four_hundred_fifty, cancel):
    from segtui.models import Contact
    from segtui.services import contact_io
    from segtui.tui.screens.contacts import ContactsScreen, ImportDialog
    from segtui.tui.widgets.progress import ProgressScreen

    before = Contact.select().count()
    gate = gates(200)
    real_write = contact_io.write

    def gated_write(rows, progress=None):
        def listener(done, total=None, what=""):
            gate.hold(done)  # held before the report: a cancel is heard at this one
            progress(done, total, what)
        return real_write(rows, listener)

    monkeypatch.setattr(contact_io, "write", gated_write)
    app = make_app(db_path)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, ImportDialog)
        app.screen.query_one("#import-path").value = str(four_hundred_fifty)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await until(pilot, gate.reached)
        assert isinstance(app.screen, ProgressScreen)
        shown = "\n".join(screen_text(app))
        assert "Importing 196 of 450 contacts" in shown  # the report before the held one
        if cancel:
            await pilot.press("escape")
        gate.go.set()
        await wait_for(pilot, lambda: not isinstance(app.screen, ProgressScreen), timeout=60)
        await settle(pilot)
        said = " ".join(notes(app))
        if cancel:
            assert isinstance(app.screen, ImportDialog)  # back to the file, to try again
            assert "Import cancelled: nothing was imported" in said
        else:
            assert isinstance(app.screen, ContactsScreen)
            assert "Imported 450 new contacts" in said
    assert Contact.select().count() == before + (0 if cancel else 450)


# --- Esc stops a statement that runs, on SQLite and on PostgreSQL ------------------------------------------------

SLOW = {
    "sqlite": "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT count(*) FROM n",
    "postgresql": "SELECT pg_sleep(120)",
}


def run_and_cancel(slow_sql):
    """LongWork runs one statement that would take minutes; cancel() is asked until the work ends
    (an interrupt that comes before the statement starts stops nothing, so it is asked again)."""
    import time

    from segtui.models import database
    from segtui.tui.widgets.progress import LongWork

    work, ended = LongWork(app=None, show=None), {}
    thread = threading.Thread(target=lambda: ended.setdefault("outcome", work.run(
        lambda report: database.execute_sql(slow_sql).fetchall())))
    thread.start()
    deadline = time.monotonic() + 30
    while thread.is_alive() and time.monotonic() < deadline:
        work.cancel()
        thread.join(0.2)
    assert not thread.is_alive(), "the statement was not stopped"
    return ended["outcome"]


def test_cancel_stops_a_running_statement_on_sqlite(db):
    outcome = run_and_cancel(SLOW["sqlite"])
    assert outcome.kind == "cancelled", outcome


def test_cancel_stops_a_running_statement_on_postgresql(tmp_path, monkeypatch):
    import os

    from segtui import db as dbmod
    from segtui.models import database

    url = os.environ.get("SEGTUI_TEST_PG")
    if not url:
        pytest.skip("set SEGTUI_TEST_PG=postgresql://... to run on PostgreSQL")
    monkeypatch.setenv("SEGTUI_CONFIG", str(tmp_path / "settings.toml"))
    dbmod.open_database(url)
    try:
        outcome = run_and_cancel(SLOW["postgresql"])
    finally:
        database.close()
    assert outcome.kind == "cancelled", outcome

