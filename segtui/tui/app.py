"""The worksheet application: screens as modes, app-wide keys, themes, keymap, palette, help.

Each area (segments, contacts, logged segments, interaction log entries, setup) is a Textual
*mode* with its own screen stack, so jumping between them with c / g / i / F7 keeps where the
user was in each. Every binding has an id: the settings' `[keymap]` table rebinds it
(`contacts = "f3"`), and the command palette lists every binding of the current screen.
"""
from __future__ import annotations

import tomllib
from functools import partial
from pathlib import Path
from typing import Iterable

import platformdirs
from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import ModalScreen, Screen
from textual.theme import Theme

from .. import config, db
from .key_turns import KeyTurns
from .widgets.message_line import Given, dismiss_error, error_showing, show_on

PACKAGE_THEMES = Path(__file__).resolve().parents[1] / "themes"
DEFAULT_THEME = "segtui-dark"
THEME_FIELDS = {"name", "primary", "secondary", "warning", "error", "success", "accent", "foreground",
                "background", "surface", "panel", "boost", "dark", "luminosity_spread", "text_alpha",
                "variables", "ansi"}

# Used only when no theme file can be found (a broken install): the app still opens.
FALLBACK_THEME = Theme(name=DEFAULT_THEME, primary="#4f8fd6", secondary="#3a6ea5", accent="#e0a458",
                       warning="#e0a458", error="#e06c75", success="#7bbf6a", foreground="#d8dee9",
                       background="#1b1f27", surface="#222834", panel="#2b3242", dark=True)

# Actions the palette and help leave out: Textual's own plumbing, not things a user does.
HIDDEN_ACTIONS = {"command_palette", "app.command_palette", "screenshot", "app.screenshot", "app.focus_next",
                  "app.focus_previous", "focus_next", "focus_previous", "screen.copy_text", "copy_text",
                  "dismiss_message", "app.dismiss_message"}


def theme_dirs() -> list[Path]:
    user = Path(platformdirs.user_config_dir(config.APP)) / "themes"
    settings_dir = config.config_path().parent / "themes"
    dirs = [PACKAGE_THEMES, user, settings_dir]
    seen, out = set(), []
    for d in dirs:
        if d not in seen:
            seen.add(d)
            out.append(d)
    return out


def load_theme_file(path: Path) -> Theme:
    """A theme TOML file as a Textual Theme (ValueError naming the file when it is not one)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"theme file {path.name}: {exc}") from exc
    data.setdefault("name", path.stem)
    unknown = set(data) - THEME_FIELDS
    if unknown:
        raise ValueError(f"theme file {path.name}: unknown keys {', '.join(sorted(unknown))}")
    if "primary" not in data:
        raise ValueError(f"theme file {path.name}: 'primary' colour is missing")
    return Theme(**data)


def load_themes(dirs: Iterable[Path] | None = None) -> tuple[list[Theme], list[str]]:
    """Themes from every themes folder (later folders override earlier ones) and the problems met."""
    themes: dict[str, Theme] = {}
    problems = []
    for folder in dirs if dirs is not None else theme_dirs():
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            try:
                theme = load_theme_file(path)
            except ValueError as exc:
                problems.append(str(exc))
                continue
            themes[theme.name] = theme
    return list(themes.values()), problems


# The app keys AppKeys shows on a screen's status line (help stays in the footer).
MOVABLE_APP_KEYS = ("contacts", "logged_segments", "interactions", "setup", "segments", "theme", "quit")


def default_screen_factory(name: str):
    """The first screen of each mode (imported late: screens import the app's widgets)."""

    def make() -> Screen:
        if name == "segments":
            from .screens.segments import SegmentsScreen

            return SegmentsScreen()
        if name == "contacts":
            from .screens.contacts import ContactsScreen

            return ContactsScreen()
        if name == "logged":
            from .screens.logged import LoggedSegmentsScreen

            return LoggedSegmentsScreen()
        if name == "interactions":
            from .screens.interactions import InteractionsScreen

            return InteractionsScreen()
        from .screens.setup import SetupScreen

        return SetupScreen()

    return make


class SegtuiApp(App):
    """segtui's worksheet."""

    TITLE = "segtui"
    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = True

    MODES = {name: default_screen_factory(name)
             for name in ("segments", "contacts", "logged", "interactions", "setup")}
    DEFAULT_MODE = "segments"

    BINDINGS = [
        Binding("f1", "help", "Help", id="help"),
        # Off the footer (it needs the room for each screen's own keys): screens show these on their
        # status line with widgets/keybar.AppKeys; F1 and the palette list them too.
        Binding("c", "go('contacts')", "Contacts", id="contacts", show=False),
        Binding("g", "go('logged')", "Logged", id="logged_segments", show=False),
        Binding("i", "go('interactions')", "Interactions", id="interactions", show=False),
        Binding("f7", "go('setup')", "Setup", id="setup", show=False),
        Binding("f6", "go('segments')", "Segments", id="segments", show=False),
        Binding("t", "pick_theme", "Theme", id="theme", show=False),
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True, show=False),
        # Priority, so focus moves before the next key is handed on: typed ahead (a fast typist, an
        # SSH link that delivers keys in bursts) "Spring<Tab>LETTER" otherwise lands in one field.
        Binding("tab", "focus_next", "Next field", id="focus_next", priority=True, show=False),
        Binding("shift+tab", "focus_previous", "Previous field", id="focus_previous", priority=True,
                show=False),
        # Screens without an Esc of their own (Segments, Setup): Esc takes an error message away.
        Binding("escape", "dismiss_message", "Dismiss the message", id="dismiss_message", show=False),
    ]

    def __init__(self, db_url: str | None = None, theme: str | None = None, mouse: bool = True,
                 settings: dict | None = None, offer_demo: bool = True) -> None:
        super().__init__()
        self.settings = settings if settings is not None else config.load()
        self.db_url = db_url
        self.database = db.ensure_ready(db_url)
        self.mouse = bool(mouse) and bool(self.settings.get("mouse", True))
        self.offer_demo = offer_demo
        self.latest_message: Given | None = None  # for a screen coming back (notify)
        self.key_turns = KeyTurns(self)  # keys typed ahead wait for the one before (key_turns.py)
        self.theme_problems: list[str] = []
        self._register_themes()
        wanted = theme or self.settings.get("theme") or DEFAULT_THEME
        if wanted not in self.available_themes:
            self.theme_problems.append(f"theme {wanted!r} is not installed; using {DEFAULT_THEME}")
            wanted = DEFAULT_THEME
        self.theme = wanted
        self.sub_title = self.database_label()

    # --- set-up ------------------------------------------------------------------------------------

    def _register_themes(self) -> None:
        themes, problems = load_themes()
        self.theme_problems.extend(problems)
        if not any(t.name == DEFAULT_THEME for t in themes):
            themes.insert(0, FALLBACK_THEME)
        for theme in themes:
            self.register_theme(theme)
        self.segtui_themes = [t.name for t in themes]

    def database_label(self) -> str:
        url = db.resolve_url(self.db_url)
        if url.startswith("sqlite"):
            return Path(url.split(":///", 1)[-1]).name
        return url.rsplit("@", 1)[-1]  # never show a password

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded and self.key_turns.must_wait(event):
            return
        await super().on_event(event)

    def on_mount(self) -> None:
        keymap = self.settings.get("keymap") or {}
        if isinstance(keymap, dict) and keymap:
            bad = [k for k, v in keymap.items() if not isinstance(v, str)]
            if bad:
                self.notify(f"keymap: {', '.join(bad)} must be keys written as text, e.g. \"f3\"",
                            severity="warning", title="Settings")
            self.set_keymap({k: v for k, v in keymap.items() if isinstance(v, str)})
        for problem in self.theme_problems:
            self.notify(problem, severity="warning", title="Themes")
        if self.offer_demo:
            self.call_after_refresh(self._maybe_offer_demo)

    def _maybe_offer_demo(self) -> None:
        from ..services import contacts

        try:
            empty = contacts.count_contacts([]) == 0
        except Exception:  # noqa: BLE001 - no offer when the database cannot say
            return
        if empty:
            from .screens.demo_dialog import DemoDialog

            self.push_screen(DemoDialog(), self._demo_done)

    def _demo_done(self, result) -> None:
        if not result:
            return
        self.refresh_screens()

    def notify(self, message, *, title: str = "", severity="information", timeout: float | None = None,
               markup: bool = True) -> None:
        """Every notification also goes to the message line of the screen on top, where it has one
        (the lists and the worksheet): their toasts are hidden, so nothing covers the data or keys."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)
        # Kept here at once for a screen coming back (show_latest): Textual files the
        # notification only when it handles its message, which can come after the screen is back.
        self.latest_message = Given.now(str(message), title, severity, timeout or self.NOTIFICATION_TIMEOUT,
                                        self.screen)
        show_on(self.screen, str(message), title, severity, timeout)

    def is_open(self, screen) -> bool:
        """The screen is on a stack of any mode (the lists each have their own)."""
        return any(screen in stack for stack in self._screen_stacks.values())

    def refresh_screens(self) -> None:
        """Ask every screen to read its data again (after demo data, an import...)."""
        for stack in self._screen_stacks.values():
            for screen in stack:
                reload = getattr(screen, "reload", None) or getattr(screen, "action_reload", None)
                if callable(reload):
                    try:
                        reload()
                    except Exception:  # noqa: BLE001 - a screen that cannot reload stays as it was
                        pass

    # --- quitting --------------------------------------------------------------------------------------

    async def action_quit(self) -> None:
        """ctrl+q: quit at once, unless a worksheet's long work runs (adding contacts, logging,
        merging...): then ask first, since quitting cancels it (its transaction rolls back)."""
        from .screens.segment_dialogs import ConfirmDialog

        busy = [screen for stack in self._screen_stacks.values() for screen in stack
                if getattr(screen, "_busy", False)]
        if not busy:
            self.exit()
            return
        if isinstance(self.screen, ConfirmDialog) and getattr(self.screen, "quitting", False):
            return  # already asked
        work = busy[0]
        what = (getattr(work, "busy_what", "") or "Work").rstrip("…. ")
        question = ConfirmDialog(
            f"{what} is still running on segment {work.segment_no}. Quit anyway? It is canceled "
            "and nothing of it is kept.", title="Quit while work runs?", yes="Quit", no="Keep working",
            default_yes=False)
        question.quitting = True

        def answered(quit_anyway):
            if not quit_anyway:
                return
            for screen in busy:
                if getattr(screen, "_busy", False):
                    screen.cancel_long()
            self.exit()

        self.push_screen(question, answered)

    # --- navigation --------------------------------------------------------------------------------

    def action_go(self, mode: str) -> None:
        if self.current_mode == mode:
            return
        self.switch_mode(mode)

    def action_dismiss_message(self) -> None:
        dismiss_error(self.screen)

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "dismiss_message":
            return error_showing(self.screen)
        if action in ("go", "pick_theme") and self._dialog_open():
            return False  # a dialog is open: answer it first (Esc), then move on
        # The key of the area the user is in is hidden from the footer (it would do nothing).
        if action == "go" and parameters and parameters[0] == self.current_mode:
            return False
        return True

    def _dialog_open(self) -> bool:
        from textual.command import CommandPalette

        # The palette lists the screen under it, whose keys stay usable from there.
        return isinstance(self.screen, ModalScreen) and not isinstance(self.screen, CommandPalette)

    # --- help, palette, themes -----------------------------------------------------------------------

    def action_help(self) -> None:
        from .screens.help import HelpScreen, key_rows

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss()
            return
        self.push_screen(HelpScreen(self.screen, key_rows(self, self.screen)))

    def action_pick_theme(self) -> None:
        from .screens.theme_picker import ThemePicker

        self.push_screen(ThemePicker(self.theme), self._theme_chosen)

    def _theme_chosen(self, name: str | None) -> None:
        if not name:
            return
        self.theme = name
        try:
            config.set_value("theme", name)
            self.settings["theme"] = name
        except Exception as exc:  # noqa: BLE001 - the theme still applies for this session
            self.notify(f"The theme is used now but could not be saved: {exc}", severity="warning")
            return
        self.notify(f"Theme {name} saved in the settings", timeout=3)

    def command_entries(self, screen: Screen) -> list[tuple[str, str, object, str]]:
        """(title, help, node, action) for every binding active on `screen`: the palette's commands."""
        out = []
        seen = set()
        for key, active in screen.active_bindings.items():
            binding = active.binding
            action = binding.action
            if not binding.description or action in HIDDEN_ACTIONS or not active.enabled:
                continue
            # A widget's own movement keys (arrows, paging) are not commands; its named ones are.
            if not isinstance(active.node, (App, Screen)) and not (binding.show or binding.id):
                continue
            ident = (id(active.node), action)
            if ident in seen:
                continue
            seen.add(ident)
            out.append((binding.description, self._command_help(binding, active.node, screen), active.node, action))
        return out

    def _command_help(self, binding: Binding, node, screen: Screen) -> str:
        """The palette's second line: what the title does not say already, the key and where it acts."""
        parts = []
        if binding.tooltip and binding.tooltip.strip().lower() != binding.description.strip().lower():
            parts.append(binding.tooltip)
        parts.append(f"key {self.get_key_display(binding)}")
        if isinstance(node, App):
            parts.append("on every screen")
        else:
            where = getattr(screen, "HELP_TITLE", "") or screen.__class__.__name__.replace("Screen", "")
            parts.append(f"on {where}")
        return "  ·  ".join(parts)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for title, help_text, node, action in self.command_entries(screen):
            yield SystemCommand(title, help_text, partial(self._run_command, node, action))
        yield SystemCommand("Keys", "Show the keys of this screen (F1)", self.action_help)
        yield SystemCommand("Screenshot", "Save an SVG picture of this screen",
                            lambda: self.set_timer(0.1, self.deliver_screenshot))

    def _run_command(self, node, action: str) -> None:
        self.call_later(self.run_action, action, node)
