"""A fresh database: offer to fill it with demo data (in a worker, with progress)."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Static

from ..widgets.progress import ProgressScreen

DEMO_CONTACTS = 2000


class DemoDialog(ModalScreen[bool]):
    DEFAULT_CSS = """
    DemoDialog { align: center middle; }
    DemoDialog > #demo-box {
        width: 70; height: auto; border: round $accent; border-title-color: $accent;
        background: $panel; padding: 1 2;
    }
    DemoDialog #demo-buttons { height: auto; margin-top: 1; align-horizontal: right; }
    DemoDialog Button { margin-left: 2; }
    """

    BINDINGS = [Binding("enter", "load", "Load demo data", id="load_demo", priority=True),
                Binding("escape", "skip", "Start empty", id="skip_demo")]

    def __init__(self, contacts: int | None = None) -> None:
        super().__init__()
        self.contacts = contacts or DEMO_CONTACTS

    def compose(self) -> ComposeResult:
        box = Vertical(id="demo-box")
        box.border_title = "Welcome to segtui"
        with box:
            yield Static(f"This database has no contacts yet.\n\nLoad demo data: {self.contacts:,} contacts "
                         "with salespeople, groups, campaigns, interaction templates and a Word letter, to "
                         "try segments right away?")
            with Horizontal(id="demo-buttons"):
                yield Button("Start empty (Esc)", id="skip")
                yield Button("Load demo data (Enter)", id="load", variant="primary")
        yield Footer(compact=True)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "load":
            self.action_load()
        else:
            self.action_skip()

    def action_skip(self) -> None:
        self.dismiss(False)

    def action_load(self) -> None:
        contacts = self.contacts

        def job(progress, cancelled):
            from ...services import demo

            progress(0, contacts)
            return demo.fill_demo(contacts=contacts, seed=1, progress=progress)

        def done(outcome) -> None:
            kind, value = outcome
            if kind == "done":
                self.notify(f"Demo data loaded: {value.get('contacts', contacts):,} contacts", title="Demo")
                self.dismiss(True)
            elif kind == "error":
                self.notify(f"Demo data could not be loaded: {value}", severity="error", title="Demo")
                self.dismiss(False)
            else:
                self.notify("Demo data was not loaded (cancelled)", title="Demo")
                self.dismiss(False)

        self.app.push_screen(ProgressScreen("Loading demo data…", job), done)
