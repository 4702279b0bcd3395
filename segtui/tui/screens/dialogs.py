"""Small dialogs of the list and setup screens: confirm, choose one option, a form.

Each returns its answer through `dismiss` (None when the user presses Esc); the screen that
opened it calls the service and shows the outcome.
"""
from __future__ import annotations

from typing import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from ..widgets.tick import Tick

DIALOG_CSS = """
%(name)s { align: center middle; }
%(name)s > #box {
    width: 76; max-width: 95%%; height: auto; max-height: 90%%;
    border: round $accent; border-title-color: $accent; background: $panel; padding: 0 1;
}
%(name)s #buttons { height: auto; align-horizontal: right; margin-top: 1; }
%(name)s Button { margin-left: 2; }
%(name)s .note { color: $text-muted; }
%(name)s .field-error { color: $error; height: auto; }
"""


class ConfirmDialog(ModalScreen[bool]):
    DEFAULT_CSS = DIALOG_CSS % {"name": "ConfirmDialog"}
    BINDINGS = [Binding("escape", "no", "No", id="confirm_no"),
                Binding("enter", "yes", "Yes", id="confirm_yes", priority=True)]

    def __init__(self, title: str, question: str, yes: str = "Yes") -> None:
        super().__init__()
        self.title_text, self.question, self.yes = title, question, yes

    def compose(self) -> ComposeResult:
        box = Vertical(id="box")
        box.border_title = self.title_text
        with box:
            yield Static(self.question)
            with Horizontal(id="buttons"):
                yield Button("No (Esc)", id="no")
                yield Button(f"{self.yes} (Enter)", id="yes", variant="primary")
        yield Footer(compact=True)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_yes(self) -> None:
        self.dismiss(True)

    def action_no(self) -> None:
        self.dismiss(False)


class ChoiceDialog(ModalScreen[str | None]):
    """Choose one value: [(value, label)]; Enter picks the highlighted one."""

    DEFAULT_CSS = DIALOG_CSS % {"name": "ChoiceDialog"} + "ChoiceDialog OptionList { height: auto; max-height: 16; }"
    # Enter is the list's own key too; bound here as well so that the footer says what it does.
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="cancel_choice"),
                Binding("enter", "choose", "Choose", id="choose_option", priority=True)]

    def __init__(self, title: str, choices: list[tuple[str, str]], note: str = "") -> None:
        super().__init__()
        self.title_text, self.choices, self.note = title, choices, note

    def compose(self) -> ComposeResult:
        box = Vertical(id="box")
        box.border_title = self.title_text
        with box:
            yield OptionList(*(Option(label, id=f"v{i}") for i, (_v, label) in enumerate(self.choices)))
            if self.note:
                yield Static(self.note, classes="note")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.choices[int(event.option.id[1:])][0])

    def action_choose(self) -> None:
        self.query_one(OptionList).action_select()

    def action_cancel(self) -> None:
        self.dismiss(None)


class Field:
    """One form field: kind text | bool | choice; `choices` [(value, label)] for a choice."""

    def __init__(self, name: str, label: str, value="", kind: str = "text", choices=None,
                 readonly: bool = False, placeholder: str = "") -> None:
        self.name, self.label, self.value, self.kind = name, label, value, kind
        self.choices, self.readonly, self.placeholder = choices or [], readonly, placeholder


class FormDialog(ModalScreen[dict | None]):
    """A form; ctrl+s saves through `save(values)` (which raises to refuse), Esc cancels.

    The dialog stays open on a refusal and shows it, so the user corrects the field in place.
    """

    DEFAULT_CSS = DIALOG_CSS % {"name": "FormDialog"} + """
    FormDialog .field-line { height: 1; }
    FormDialog .field-line > Label { width: 30; color: $text-muted; }
    FormDialog .field-line > Input, FormDialog .field-line > Select { width: 1fr; }
    FormDialog .field-line > Tick { width: auto; min-width: 5; }
    FormDialog VerticalScroll { height: auto; max-height: 30; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="cancel_form"),
                Binding("ctrl+s", "save", "Save", id="save_form", priority=True)]

    def __init__(self, title: str, fields: list[Field], save: Callable[[dict], object] | None = None,
                 note: str = "") -> None:
        super().__init__()
        self.title_text, self.fields, self.save, self.note = title, fields, save, note

    def compose(self) -> ComposeResult:
        box = Vertical(id="box")
        box.border_title = self.title_text
        with box:
            with VerticalScroll():
                for f in self.fields:
                    # Not "form-row": the app's form rule would make its labels narrow and wrap them.
                    with Horizontal(classes="field-line"):
                        yield Label(f.label)
                        if f.kind == "bool":
                            yield Tick("", bool(f.value), id=f"f-{f.name}", compact=True,
                                           disabled=f.readonly)
                        elif f.kind == "choice":
                            values = [v for v, _ in f.choices]
                            yield Select([(label or "(blank)", v) for v, label in f.choices], allow_blank=False,
                                         value=f.value if f.value in values else values[0], id=f"f-{f.name}",
                                         compact=True, disabled=f.readonly)
                        else:
                            yield Input("" if f.value is None else str(f.value), id=f"f-{f.name}", compact=True,
                                        disabled=f.readonly, placeholder=f.placeholder)
            yield Static("", id="form-error", classes="field-error")
            yield Static(self.note or "ctrl+s saves   Esc cancels", classes="note")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        for widget in self.query("Input, Checkbox, Select"):
            if not widget.disabled:
                widget.focus()
                break

    def values(self) -> dict:
        out = {}
        for f in self.fields:
            if f.readonly:
                continue
            widget = self.query_one(f"#f-{f.name}")
            out[f.name] = widget.value
        return out

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        values = self.values()
        if self.save is not None:
            try:
                self.save(values)
            except Exception as exc:  # noqa: BLE001 - a refusal is shown in the dialog
                self.query_one("#form-error", Static).update(str(exc))
                return
        self.dismiss(values)

    def action_cancel(self) -> None:
        self.dismiss(None)
