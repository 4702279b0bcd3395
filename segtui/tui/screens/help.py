"""F1: the keys of the current screen, from its bindings (after the settings' keymap)."""
from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Static


def key_rows(app, screen: Screen) -> list[tuple[str, str, str]]:
    """(keys, what it does, id) for every active binding of `screen`, the screen's own first."""
    by_action: dict[tuple[int, str], list] = {}
    order = []
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if not binding.description or binding.action in ("command_palette", "app.command_palette",
                                                          "screen.copy_text", "copy_text"):
            continue
        ident = (id(active.node), binding.action)
        if ident not in by_action:
            by_action[ident] = [[], binding, active.node]
            order.append(ident)
        display = app.get_key_display(binding)
        if display not in by_action[ident][0]:
            by_action[ident][0].append(display)
    rows = []
    for ident in order:
        keys, binding, node = by_action[ident]
        rank = 0 if node is screen else (2 if node is app else 1)
        if "focus_" in binding.action:
            rank = 3  # Tab and shift+Tab: the same on every screen, so last
        rows.append((" ".join(keys), binding.description, binding.id or "", rank))
    rows.sort(key=lambda r: r[3])  # the screen's own keys first, then the focused list's, then the app's
    return [(k, d, i) for k, d, i, _ in rows]


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > #help-box {
        width: 84; max-width: 95%; height: auto; max-height: 90%;
        border: round $accent; border-title-color: $accent; background: $panel; padding: 0 1;
    }
    HelpScreen #help-note { color: $text-muted; margin-top: 1; }
    """

    BINDINGS = [Binding("escape", "close", "Close", id="close_help"),
                Binding("f1", "close", "Close", show=False)]

    def __init__(self, screen: Screen, rows: list[tuple[str, str, str]] | None = None) -> None:
        super().__init__()
        self.for_screen = screen
        # Read before this dialog opens: while it is open the app's area keys are paused.
        self.rows = rows if rows is not None else key_rows(self.app, screen)

    def compose(self) -> ComposeResult:
        title = getattr(self.for_screen, "HELP_TITLE", None) or self.for_screen.__class__.__name__.replace(
            "Screen", "")
        table = Table(box=None, expand=True, show_header=True, header_style="bold")
        table.add_column("Key", style="bold", no_wrap=True, width=14)
        table.add_column("Does")
        table.add_column(Text("Id (for [keymap])"), style="dim", no_wrap=True)
        for keys, description, ident in self.rows:
            table.add_row(keys, description, ident)
        box = Vertical(id="help-box")
        box.border_title = f"Keys: {title}"
        with box:
            with VerticalScroll():
                yield Static(table, id="help-keys")
            yield Static(Text("ctrl+p opens the command palette with every action.  Rebind a key in the "
                              "settings:  [keymap]  contacts = \"f3\"    Esc closes."), id="help-note")
        yield Footer(compact=True)

    def action_close(self) -> None:
        self.dismiss()
