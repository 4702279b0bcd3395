"""The Interaction log entries list on many entries: the reads' shape, whatever the machine.

Not timed (bench/bench_worksheet.py gives the figures): ctrl+End reads the last page by key (no
OFFSET on the main thread's connection), with and without a filter from the bar; ten PageDowns
read the pages they pass, by key; the count runs in a worker, never in the main thread; and the
list still marks, cancels and evaluates on such a list.
"""
import threading

import pytest
from test_tui_million import Statements, counted_where, walk_and_check
from bulk import fill_rows
from tui_helpers import SIZE_IDS, SIZES, make_app, settle, wait_for

from segtui.models import InteractionLogEntry
from segtui.services import interactions
from segtui.tui.screens.dialogs import ChoiceDialog
from segtui.tui.screens.interactions import DeliveryErrorDialog, InteractionsScreen

ENTRIES = 200_000


def fill_entries(count):
    """`count` more entries in one INSERT ... SELECT (test data only): every other one by e-mail,
    every fourth one evaluated positive; their entry numbers follow the ones already there."""
    fill_rows(InteractionLogEntry, count, {
        "date": "'2026-02-01'", "contact_no": "'CT' || substr('000000' || (x % 300 + 1), -6)",
        "description": "'Bulk ' || x", "interaction_template_code": "'BULK'",
        "correspondence_type": "CASE WHEN x % 2 = 0 THEN 'email' ELSE 'hard_copy' END",
        "evaluation": "CASE WHEN x % 4 = 0 THEN 'positive' ELSE '' END"})


def last_entry_no(*where):
    query = InteractionLogEntry.select(InteractionLogEntry.entry_no)
    for condition in where:
        query = query.where(condition)
    return query.order_by(InteractionLogEntry.entry_no.desc()).first().entry_no


async def open_entries(app, pilot):
    await settle(pilot)
    await app.push_screen(InteractionsScreen())
    screen = app.screen
    await wait_for(pilot, lambda: screen.sheet.pages_read >= 1)
    await settle(pilot)
    return screen


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_entries_list_reads_by_key_from_either_end_and_counts_in_a_worker(demo_db, db_path, monkeypatch,
                                                                               size):
    fill_entries(ENTRIES)
    total = InteractionLogEntry.select().count()
    threads = counted_where(monkeypatch, interactions, "count_interactions")
    app = make_app(db_path)
    async with app.run_test(size=size) as pilot:
        screen = await open_entries(app, pilot)
        sheet = screen.sheet
        # Counted once, in the worker: the main thread read the first page only.
        assert threads and all(t is not threading.main_thread() for t in threads)
        assert sheet.row_count == total and sheet.border_subtitle == f"{total:,}"
        assert sheet.pages_read == 1 and screen.source.offset_reads == 0
        await walk_and_check(pilot, sheet, screen.source, total, last_entry_no())
        assert screen.source.offset_reads == 0
        # A filter from the bar: its first page and count in workers, its end read by key.
        await pilot.press("ctrl+f", *"correspondence_type=email", "enter")
        await settle(pilot)
        email = InteractionLogEntry.select().where(InteractionLogEntry.correspondence_type == "email").count()
        assert email >= ENTRIES // 2
        assert sheet.row_count == email and sheet.border_subtitle == f"{email:,}"
        with Statements() as sql:
            await pilot.press("ctrl+end")
            await pilot.pause()
        assert sql.offsets() == [] and len(sql.reads) <= 3
        assert sheet.current_row["entry_no"] == last_entry_no(InteractionLogEntry.correspondence_type == "email")
        assert sheet.current_row["correspondence_type"] == "email"
        with Statements() as sql:
            await pilot.press("pageup")
            await pilot.pause()
        assert sql.offsets() == []
        assert all(t is not threading.main_thread() for t in threads)


async def test_ctrl_end_before_the_entries_are_counted_goes_to_the_real_end(demo_db, db_path, monkeypatch):
    """The count is still on its way (held here): ctrl+End takes the real count, not the stand-in."""
    fill_entries(5_000)
    total = InteractionLogEntry.select().count()
    release = threading.Event()
    real = interactions.count_interactions

    def slow_in_a_worker(filters=()):
        if threading.current_thread() is not threading.main_thread():
            release.wait(10)
        return real(filters)

    monkeypatch.setattr(interactions, "count_interactions", slow_in_a_worker)
    app = make_app(db_path)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await app.push_screen(InteractionsScreen())
            sheet = app.screen.sheet
            await wait_for(pilot, lambda: sheet.pages_read >= 1)
            assert app.screen.source.provisional  # the worker has not counted yet
            assert sheet.border_subtitle == "counting…"
            await pilot.press("ctrl+end")
            await pilot.pause()
            assert sheet.current_row["entry_no"] == last_entry_no()
            assert sheet.row_count == total
            release.set()
            await settle(pilot)
            assert sheet.cursor_row == total - 1 and sheet.border_subtitle == f"{total:,}"
    finally:
        release.set()


async def test_marks_cancel_and_evaluate_deep_in_a_long_list(demo_db, db_path):
    """Marked at the end (read by key), canceled with F8; evaluated with ctrl+e ten pages down:
    the database has it, and the list shows it again with its count, the cursor where it was
    (not pulled back to the first page that stands in for a count) and no OFFSET on the main thread."""
    fill_entries(20_000)
    total = InteractionLogEntry.select().count()
    last = last_entry_no()
    app = make_app(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_entries(app, pilot)
        sheet = screen.sheet
        await pilot.press("ctrl+end", "space", "up", "space")
        await pilot.pause()
        assert len(sheet.marked) == 2
        row = sheet.cursor_row
        with Statements() as sql:
            await pilot.press("f8")
            await settle(pilot)
        assert sql.offsets() == []
        canceled = [e.entry_no for e in InteractionLogEntry.select().where(InteractionLogEntry.canceled == True)  # noqa: E712
                    .order_by(InteractionLogEntry.entry_no)]
        assert canceled == [last - 1, last]
        assert sheet.row_count == total and sheet.border_subtitle == f"{total:,}"
        assert sheet.cursor_row == row and sheet.current_row["entry_no"] == last
        assert sheet.current_row["canceled"] is True and not sheet.marked
        # Ten pages down from the top: deeper than the first page, far from the end.
        await pilot.press("ctrl+home", *["pagedown"] * 10)
        await pilot.pause()
        row = sheet.cursor_row
        entry_no = sheet.current_row["entry_no"]
        assert screen.source.PROBE < row < total - 1000
        await pilot.press("ctrl+e")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceDialog)
        with Statements() as sql:
            app.screen.dismiss("positive")
            await settle(pilot)
        assert sql.offsets() == []
        assert InteractionLogEntry.get_by_id(entry_no).evaluation == "positive"
        assert sheet.cursor_row == row and sheet.current_row["entry_no"] == entry_no
        assert sheet.current_row["evaluation"] == "positive"
        assert sheet.border_subtitle == f"{total:,}"


async def test_f3_finds_a_delivery_error_deep_in_the_list_in_a_worker(demo_db, db_path, monkeypatch):
    """F3 on an entry without an error goes to the next one with an error, far down a long list:
    found and counted in a worker (the main thread reads by key only), then shown, the cursor on it."""
    fill_entries(20_000)
    InteractionLogEntry.update(delivery_status="").execute()
    total = InteractionLogEntry.select().count()
    wrong = last_entry_no() - 500
    InteractionLogEntry.update(delivery_status="error", delivery_error="Mailbox full").where(
        InteractionLogEntry.entry_no == wrong).execute()
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_entries(app, pilot)
        threads = counted_where(monkeypatch, interactions, "count_interactions")
        with Statements() as sql:
            await pilot.press("f3")
            await settle(pilot)
        assert isinstance(app.screen, DeliveryErrorDialog) and app.screen.row["entry_no"] == wrong
        assert sql.offsets() == [] and threads and all(t is not threading.main_thread() for t in threads)
        await pilot.press("escape")
        await settle(pilot)
        sheet = screen.sheet
        assert sheet.current_row["entry_no"] == wrong and sheet.cursor_row > screen.source.PROBE
        assert sheet.row_count == total
        # With the cursor on it, F3 shows its error again.
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(app.screen, DeliveryErrorDialog) and app.screen.row["entry_no"] == wrong


def test_entries_read_from_the_end_keep_their_order(demo_db):
    """The service's backward read: the last entries and those before a number, in number order,
    with and without a filter."""
    fill_entries(250)
    every = [e["entry_no"] for e in interactions.list_interactions(limit=100_000)]
    assert [e["entry_no"] for e in interactions.list_interactions(limit=5, last=True)] == every[-5:]
    assert [e["entry_no"] for e in interactions.list_interactions(limit=3, before_entry_no=every[100])] == \
        every[97:100]
    email = [e["entry_no"] for e in interactions.list_interactions([("correspondence_type", "email")],
                                                                   limit=100_000)]
    assert [e["entry_no"] for e in interactions.list_interactions([("correspondence_type", "email")], limit=2,
                                                                  last=True)] == email[-2:]
    assert [e["entry_no"] for e in interactions.list_interactions([("correspondence_type", "email")], limit=2,
                                                                  before_entry_no=email[-2])] == email[-4:-2]


def test_a_page_read_before_the_count_arrives_is_the_right_page():
    """Before the count is known only a stand-in (the probe's 200 rows) is: a page that reaches it
    is not the end of the list (it was once read as the last rows); within the probe it is served
    from it, past it by key or position, never as the last rows."""
    from segtui.tui.widgets.sources import CountLaterSource

    data = [{"no": n} for n in range(1, 1001)]
    calls = []

    def fetch(limit, after=None, before=None, last=False, offset=0):
        calls.append((after, before, last, offset))
        if last:
            return data[-limit:]
        if after is not None:
            return [r for r in data if r["no"] > after][:limit]
        if before is not None:
            return [r for r in data if r["no"] < before][-limit:]
        return data[offset:offset + limit]

    source = CountLaterSource(fetch, lambda: len(data), "no")
    assert source.count() == 200 and source.provisional
    assert [r["no"] for r in source.rows(100, 100)] == list(range(101, 201))
    assert [r["no"] for r in source.rows(0, 100)] == list(range(1, 101))
    assert [r["no"] for r in source.rows(200, 100)] == list(range(201, 301))
    assert not any(last for _, _, last, _ in calls)
    source.counted(1000)
    assert [r["no"] for r in source.rows(900, 100)] == list(range(901, 1001))
    assert calls[-1][2] is True  # with the count known, the end is read as the last rows
