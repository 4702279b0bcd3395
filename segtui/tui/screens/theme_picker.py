"""Key t: choose a theme; the highlighted one is shown at once, Enter keeps it, Esc goes back."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option


class ThemePicker(ModalScreen[str | None]):
    DEFAULT_CSS = """
    ThemePicker { align: center middle; }
    ThemePicker > #theme-box {
        width: 50; height: auto; max-height: 80%;
        border: round $accent; border-title-color: $accent; background: $panel; padding: 0 1;
    }
    ThemePicker OptionList { height: auto; max-height: 20; }
    ThemePicker #theme-note { color: $text-muted; }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="cancel_theme")]

    def __init__(self, current: str) -> None:
        super().__init__()
        self.original = current

    def compose(self) -> ComposeResult:
        ours = list(getattr(self.app, "segtui_themes", []))
        others = sorted(n for n in self.app.available_themes if n not in ours and n != "textual-ansi")
        options = [Option(name, id=name) for name in ours + others]
        box = Vertical(id="theme-box")
        box.border_title = "Theme"
        with box:
            yield OptionList(*options, id="themes")
            yield Static("Enter keeps it (saved in the settings)   Esc cancels", id="theme-note")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        try:
            options.highlighted = options.get_option_index(self.original)
        except Exception:  # noqa: BLE001 - an unknown current theme: start at the top
            options.highlighted = 0
        options.focus()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id:
            self.app.theme = event.option.id  # preview

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.app.theme = self.original
        self.dismiss(None)
