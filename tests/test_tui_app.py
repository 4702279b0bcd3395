"""The app shell: keys and help, keymap from the settings, themes saved and reused, the command
palette, the demo offer on an empty database, the progress screen, `segtui tui` / `serve`, and
the virtual sheet reading only the page it shows (a million rows)."""
import threading
import time
import tomllib
from types import SimpleNamespace

import pytest
from textual.app import App

from segtui import config
from segtui.models import Contact
from segtui.tui.app import PACKAGE_THEMES, SegtuiApp, load_theme_file, load_themes
from segtui.tui.screens.contacts import ContactsScreen, ImportDialog
from segtui.tui.screens.demo_dialog import DemoDialog
from segtui.tui.screens.help import HelpScreen, key_rows
from segtui.tui.screens.theme_picker import ThemePicker
from segtui.tui.widgets.progress import ProgressScreen
from segtui.tui.widgets.sheet import Column, Sheet
from tui_helpers import SIZE, make_app, settle, wait_for

@pytest.fixture
def fixed_contacts():
    return 20


# --- help, keymap, palette -------------------------------------------------------------------------------------


async def test_f1_shows_the_keys_of_the_current_screen(fixed_db):
    app = make_app(fixed_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        rows = app.screen.rows
        shown = "\n".join(s.text for s in app.screen.query_one("#help-keys").render_lines(
            app.screen.query_one("#help-keys").size.region))
        assert "import_contacts" in shown and "logged_segments" in shown
        assert ("^o", "Import", "import_contacts") in rows
        assert ("^f", "Filter", "filter") in rows
        assert ("f1", "Help", "help") in rows and ("g", "Logged", "logged_segments") in rows
        # The screen's own keys come before the app's.
        assert rows.index(("^o", "Import", "import_contacts")) < rows.index(("f1", "Help", "help"))
        await pilot.press("escape")
        assert isinstance(app.screen, ContactsScreen)


async def test_keymap_in_the_settings_rebinds_keys(fixed_db):
    config.set_value("keymap", {"contacts": "f3", "import_contacts": "f10"})
    app = make_app(fixed_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")  # no longer bound
        await settle(pilot)
        assert not isinstance(app.screen, ContactsScreen)
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(app.screen, ContactsScreen)
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert not isinstance(app.screen, ImportDialog)
        await pilot.press("f10")
        await pilot.pause()
        assert isinstance(app.screen, ImportDialog)
        await pilot.press("escape")
        assert ("f10", "Import", "import_contacts") in key_rows(app, app.screen)
        keys = str(app.screen.query_one("#app-keys").render())
        assert "g Logged" in keys and "Contacts" not in keys  # the area the user is in is left out
        await pilot.press("g")
        await settle(pilot)
        assert "f3 Contacts" in str(app.screen.query_one("#app-keys").render())


async def test_command_palette_lists_and_runs_the_screen_actions(fixed_db):
    app = make_app(fixed_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await settle(pilot)
        titles = [title for title, *_ in app.command_entries(app.screen)]
        for wanted in ("Import", "Filter", "Card", "Help", "Logged", "Interactions", "Setup", "Theme", "Quit"):
            assert wanted in titles
        assert "Up" not in titles  # movement keys of the list are not commands
        await pilot.press("ctrl+p")
        await pilot.pause()
        under = [title for title, *_ in app.command_entries(app.screen_stack[-2])]
        assert "Logged" in under and "Import" in under  # the area keys stay in the palette
        await pilot.press(*"Import")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ImportDialog))


async def test_letters_do_not_act_while_typing_in_a_field(fixed_db):
    app = make_app(fixed_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("ctrl+f", *"city=gi")  # g and i would switch screens
        await pilot.pause()
        assert isinstance(app.screen, ContactsScreen)
        assert app.screen.query_one("#filter-input").value == "city=gi"


# --- themes -----------------------------------------------------------------------------------------------------------


def test_theme_files_load_dark_light_and_ansi():
    themes = {t.name: t for t in load_themes([PACKAGE_THEMES])[0]}
    assert {"segtui-dark", "segtui-light", "segtui-ansi"} <= set(themes)
    assert themes["segtui-dark"].dark and not themes["segtui-light"].dark
    ansi = themes["segtui-ansi"]
    assert ansi.ansi is True and ansi.primary.startswith("ansi_")
    assert all(str(v).startswith("ansi_") for v in ansi.variables.values())


def test_a_bad_theme_file_is_reported_not_fatal(tmp_path):
    (tmp_path / "broken.toml").write_text("primary = \n", encoding="utf-8")
    (tmp_path / "odd.toml").write_text('primary = "#123456"\nsparkle = true\n', encoding="utf-8")
    (tmp_path / "mine.toml").write_text('primary = "#123456"\n', encoding="utf-8")
    themes, problems = load_themes([tmp_path])
    assert [t.name for t in themes] == ["mine"]
    assert any("broken.toml" in p for p in problems) and any("sparkle" in p for p in problems)
    with pytest.raises(ValueError, match="primary"):
        (tmp_path / "none.toml").write_text('dark = true\n', encoding="utf-8")
        load_theme_file(tmp_path / "none.toml")


async def test_choosing_a_theme_saves_it_and_the_next_start_uses_it(fixed_db):
    app = make_app(fixed_db)
    async with app.run_test(size=SIZE) as pilot:
        assert app.theme == "segtui-dark"
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, ThemePicker)
        await pilot.press("down")  # segtui-light previews at once
        await pilot.pause()
        assert app.theme == "segtui-light"
        await pilot.press("enter")
        await pilot.pause()
    settings = tomllib.loads(config.config_path().read_text(encoding="utf-8"))
    assert settings["theme"] == "segtui-light"
    again = make_app(fixed_db)
    assert again.theme == "segtui-light"


async def test_escape_in_the_theme_picker_keeps_the_theme_and_saves_nothing(fixed_db):
    app = make_app(fixed_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("t", "down", "down", "escape")
        await pilot.pause()
        assert app.theme == "segtui-dark"
    assert not config.config_path().exists()


def test_theme_option_is_for_this_session_and_unknown_falls_back(fixed_db):
    assert make_app(fixed_db, theme="segtui-ansi").theme == "segtui-ansi"
    assert not config.config_path().exists()
    app = make_app(fixed_db, theme="no-such-theme")
    assert app.theme == "segtui-dark"
    assert any("no-such-theme" in p for p in app.theme_problems)


# --- first start, progress, command line ------------------------------------------------------------------------


async def test_empty_database_offers_demo_data_and_enter_loads_it(db, db_path, monkeypatch):
    from segtui.tui.screens import demo_dialog

    monkeypatch.setattr(demo_dialog, "DEMO_CONTACTS", 120)
    app = make_app(db_path, offer_demo=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, DemoDialog))
        await pilot.press("enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, (DemoDialog, ProgressScreen)))
        assert Contact.select().count() == 120


async def test_escape_starts_empty(db, db_path):
    app = make_app(db_path, offer_demo=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, DemoDialog))
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, DemoDialog)
        assert Contact.select().count() == 0


async def test_progress_screen_runs_in_a_worker_and_escape_cancels(db, db_path):
    outcome = {}
    started = threading.Event()

    def job(progress, cancelled):
        started.set()
        for i in range(2000):
            progress(i, 2000)
            time.sleep(0.005)
        return "finished"

    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(ProgressScreen("Counting", job), lambda result: outcome.setdefault("r", result))
        await wait_for(pilot, started.is_set)
        await pilot.pause(0.1)
        await pilot.press("escape")
        await wait_for(pilot, lambda: "r" in outcome)
    assert outcome["r"] == ("cancelled", "Canceled: nothing was changed")


async def test_progress_screen_reports_an_error_in_words(db, db_path):
    from segtui.errors import SegtuiError

    outcome = {}

    def job(progress, cancelled):
        raise SegtuiError("the file is empty")

    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(ProgressScreen("Importing", job), lambda result: outcome.setdefault("r", result))
        await wait_for(pilot, lambda: "r" in outcome)
    assert outcome["r"] == ("error", "the file is empty")


def test_segtui_tui_opens_the_app_with_its_options(fixed_db, db_path, monkeypatch):
    from segtui.cli import main

    seen = {}

    def fake_run(self, **kw):
        seen.update(kw, theme=self.theme, db=self.database_label())

    monkeypatch.setattr(SegtuiApp, "run", fake_run)
    assert main(["tui", "--no-mouse", "--theme", "segtui-light", "--db", str(db_path)]) == 0
    assert seen == {"mouse": False, "theme": "segtui-light", "db": "segtui.db"}
    seen.clear()
    assert main(["--db", str(db_path)]) == 0  # no command: the worksheet
    assert seen["mouse"] is True


def test_serve_command_and_refusals(db_path, monkeypatch, capsys):
    from segtui.cli import main
    from segtui.cli.tui import serve_command

    args = SimpleNamespace(db=str(db_path), config=None, theme="segtui-ansi")
    command = serve_command(args)
    assert " -m segtui tui --db " in command and command.endswith("--theme segtui-ansi")
    assert main(["serve", "--port", "0", "--db", str(db_path)]) == 1
    assert "not a TCP port" in capsys.readouterr().err
    served = {}

    class FakeServer:
        def __init__(self, command, host, port, title):
            served.update(command=command, host=host, port=port)

        def serve(self):
            served["served"] = True

    import textual_serve.server

    monkeypatch.setattr(textual_serve.server, "Server", FakeServer)
    assert main(["serve", "--db", str(db_path)]) == 0
    assert served["host"] == "127.0.0.1" and served["port"] == 8000 and served["served"]


# --- the virtual sheet ---------------------------------------------------------------------------------------------


class CountingSource:
    """A million rows made up on demand, counting what the sheet asks for."""

    def __init__(self, total):
        self.total = total
        self.calls = []

    def count(self):
        return self.total

    def rows(self, offset, limit):
        self.calls.append((offset, limit))
        return [{"no": i, "name": f"Row {i}"} for i in range(offset, min(self.total, offset + limit))]


class SheetApp(App):
    def __init__(self, source):
        super().__init__()
        self.source = source

    def compose(self):
        yield Sheet(self.source, [Column("no", "No.", 10, "right"), Column("name", "Name", 20)], id="sheet")


async def test_sheet_on_a_million_rows_reads_only_the_pages_it_shows():
    source = CountingSource(1_000_000)
    app = SheetApp(source)
    async with app.run_test(size=(80, 24)) as pilot:
        sheet = app.query_one(Sheet)
        sheet.focus()
        await pilot.pause()
        assert source.calls == [(0, 100)]
        assert sheet.virtual_size.height == 1_000_001
        await pilot.press("ctrl+end")
        await pilot.pause()
        assert sheet.cursor_row == 999_999 and sheet.current_row["no"] == 999_999
        assert "Row 999999" in sheet.render_line(sheet.size.height - 1).text
        await pilot.press("pageup", "up")
        await pilot.pause()
        assert sheet.rows_read <= 300  # the first page and the pages at the end: never the whole list
        assert len(source.calls) <= 3


async def test_sheet_marks_cursor_messages_and_edit_message():
    source = CountingSource(50)
    events = []

    class Owner(SheetApp):
        def on_sheet_cell_edit(self, event):
            events.append(("edit", event.row, event.column_key, event.value, event.edit))

        def on_sheet_cursor_moved(self, event):
            events.append(("moved", event.row, event.column_key))

    app = Owner(source)
    async with app.run_test(size=(80, 24)) as pilot:
        sheet = app.query_one(Sheet)
        sheet.focus()
        await pilot.press("down", "right", "enter", "f2", "space", "space")
        await pilot.pause()
        assert ("moved", 1, "no") in events and ("moved", 1, "name") in events
        assert ("edit", 1, "name", "Row 1", False) in events and ("edit", 1, "name", "Row 1", True) in events
        assert sheet.marked == {1, 2} and sheet.selected_keys() == [1, 2]
        source.total = 10
        sheet.refresh_data()
        assert sheet.row_count == 10 and sheet.cursor_row == 3


async def test_sheet_click_moves_the_cursor_and_double_click_opens():
    source = CountingSource(50)
    edits = []

    class Owner(SheetApp):
        def on_sheet_cell_edit(self, event):
            edits.append((event.row, event.column_key))

    app = Owner(source)
    async with app.run_test(size=(80, 24)) as pilot:
        sheet = app.query_one(Sheet)
        await pilot.click(Sheet, offset=(14, 4))  # line 4 = row 3 (line 0 is the header); x 14 = Name
        await pilot.pause()
        assert (sheet.cursor_row, sheet.current_column) == (3, "name")
        await pilot.double_click(Sheet, offset=(3, 6))
        await pilot.pause()
        assert sheet.cursor_row == 5 and (5, "no") in edits


async def test_escape_interrupts_a_long_database_statement(db, db_path):
    from segtui.models import database as proxy

    outcome = {}
    started = threading.Event()

    def job(progress, cancelled):
        started.set()
        # One statement that would run for minutes: only an interrupt stops it.
        proxy.execute_sql("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000000000) "
                          "SELECT COUNT(*) FROM n").fetchone()
        return "finished"

    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(ProgressScreen("Counting", job), lambda result: outcome.setdefault("r", result))
        await wait_for(pilot, started.is_set)
        await pilot.pause(0.3)
        await pilot.press("escape")
        # Without the interrupt the statement runs for minutes: wait_for would time out.
        await wait_for(pilot, lambda: "r" in outcome, timeout=10)
    assert outcome["r"] == ("cancelled", "Canceled: nothing was changed")


async def test_tick_shows_its_state_by_its_mark_not_only_by_colour():
    from textual.app import App

    from segtui.tui.widgets.tick import Tick

    class One(App):
        def compose(self):
            yield Tick("Expand contact", False, id="tick")

    async with One().run_test() as pilot:
        tick = pilot.app.query_one("#tick", Tick)
        assert "✓" not in str(tick.render())
        tick.focus()
        await pilot.press("space")
        assert tick.value is True
        assert "✓" in str(tick.render())
