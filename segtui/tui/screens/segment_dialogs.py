"""Small dialogs of the segment worksheet: confirm, forms, lookups (search as you type).

Each dialog is a ModalScreen that returns its answer through `dismiss`: True/False for a
confirmation, a dict of values for a form, a code for a lookup, None when the user cancels
with Esc. The worksheet decides what to do with the answer and calls the services.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from ..widgets.progress import worker_connection
from ..widgets.tick import Tick

DIALOG_CSS = """
.segtui-dialog {
    align: center middle;
}
.segtui-dialog > #dialog {
    width: 76;
    max-width: 95%;
    height: auto;
    max-height: 90%;
    border: round $accent;
    border-title-color: $accent;
    border-title-style: bold;
    background: $surface;
    padding: 0 1;
}
.segtui-dialog #question {
    margin: 1 0;
    width: 100%;
}
.segtui-dialog .field-row {
    height: auto;
    width: 100%;
}
.segtui-dialog .field-label {
    width: 16;
    padding: 1 1 0 0;
}
.segtui-dialog .field-row Input, .segtui-dialog .field-row Select {
    width: 1fr;
}
.segtui-dialog .field-error {
    color: $error;
    padding-left: 16;
    height: auto;
    display: none;
}
.segtui-dialog .field-error.-shown {
    display: block;
}
.segtui-dialog .buttons {
    height: auto;
    width: 100%;
    align-horizontal: right;
    margin-top: 1;
}
.segtui-dialog .buttons Button {
    margin-left: 2;
    min-width: 12;
}
.segtui-dialog #hint {
    color: $text-muted;
    height: auto;
}
.segtui-dialog #results {
    height: auto;
    max-height: 16;
    margin-top: 1;
}
"""


class ConfirmDialog(ModalScreen[bool]):
    """A yes/no question; y (or Enter on the first button) confirms, n or Esc declines."""

    SCOPED_CSS = False  # the rules name the dialog class themselves
    DEFAULT_CSS = DIALOG_CSS
    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="dialog_yes"),
        Binding("n", "answer(False)", "No", id="dialog_no"),
        Binding("escape", "cancel", "Cancel", id="dialog_cancel"),
    ]

    def __init__(self, question: str, title: str = "Confirm", yes: str = "Yes", no: str = "No",
                 default_yes: bool = True, cancellable: bool = False) -> None:
        """`cancellable`: Esc answers None (leave everything as it was) instead of No."""
        super().__init__(classes="segtui-dialog")
        self.question = question
        self.title_text = title
        self.yes_label = yes
        self.no_label = no
        self.default_yes = default_yes
        self.cancellable = cancellable

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as box:
            box.border_title = self.title_text
            yield Static(self.question, id="question")
            with Horizontal(classes="buttons"):
                yield Button(self.yes_label, id="yes", variant="primary")
                yield Button(self.no_label, id="no")

    def on_mount(self) -> None:
        self.query_one("#yes" if self.default_yes else "#no", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None if self.cancellable else False)


@dataclass
class FormField:
    """One field of a FormDialog."""

    name: str
    label: str
    value: object = ""
    kind: str = "text"  # text | checkbox | select
    placeholder: str = ""
    options: Iterable = ()  # for select: (label, value) pairs
    lookup: Callable[[str], list] | None = None  # search(text) -> [(code, description)]
    lookup_kind: str = ""  # the services.lookups kind, for the service's words about an unknown code
    required: bool = False
    check: Callable[[str], str | None] | None = None  # returns an error text or None


class FormDialog(ModalScreen[dict | None]):
    """A few fields and OK/Cancel. Enter in the last field or ctrl+s submits; Esc cancels.

    A field with a lookup opens the lookup dialog on F4 (or Enter when it is empty).
    `validate(values)` may return (field name, message) to refuse at the field.
    """

    SCOPED_CSS = False  # the rules name the dialog class themselves
    DEFAULT_CSS = DIALOG_CSS
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="dialog_cancel"),
        Binding("ctrl+s", "submit", "OK", id="dialog_ok"),
        Binding("f4", "lookup", "Lookup", id="dialog_lookup"),
    ]

    def __init__(self, title: str, fields: list[FormField], ok: str = "OK", hint: str = "",
                 validate: Callable[[dict], tuple[str, str] | None] | None = None) -> None:
        super().__init__(classes="segtui-dialog")
        self.title_text = title
        self.fields = fields
        self.ok_label = ok
        self.hint = hint
        self.validate_values = validate

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as box:
            box.border_title = self.title_text
            if self.hint:
                yield Static(self.hint, id="hint")
            for f in self.fields:
                if f.kind == "checkbox":
                    yield Tick(f.label, bool(f.value), id=f"f-{f.name}", compact=True)
                    continue
                with Horizontal(classes="field-row"):
                    yield Label(f.label, classes="field-label")
                    if f.kind == "select":
                        yield Select(list(f.options), value=f.value, allow_blank=False, id=f"f-{f.name}")
                    else:
                        yield Input(str(f.value or ""), placeholder=f.placeholder, id=f"f-{f.name}")
                yield Static("", id=f"e-{f.name}", classes="field-error")
            with Horizontal(classes="buttons"):
                yield Button(self.ok_label, id="ok", variant="primary")
                yield Button("Cancel", id="cancel")

    def values(self) -> dict:
        out = {}
        for f in self.fields:
            widget = self.query_one(f"#f-{f.name}")
            value = widget.value
            out[f.name] = value.strip() if isinstance(value, str) else value
        return out

    def show_error(self, name: str, message: str) -> None:
        error = self.query_one(f"#e-{name}", Static)
        error.update(message)
        error.add_class("-shown")
        self.query_one(f"#f-{name}").focus()

    def clear_errors(self) -> None:
        for error in self.query(".field-error"):
            error.remove_class("-shown")

    def action_submit(self) -> None:
        self.clear_errors()
        values = self.values()
        for f in self.fields:
            if f.required and not values.get(f.name):
                self.show_error(f.name, f"{f.label} is required")
                return
            if f.lookup is not None and values.get(f.name) and not is_code(f.lookup, values[f.name]):
                refused = self.unknown_code(f, values[f.name])
                if refused:
                    self.show_error(f.name, refused)
                    return
            if f.check and values.get(f.name):
                message = f.check(values[f.name])
                if message:
                    self.show_error(f.name, message)
                    return
        if self.validate_values:
            refused = self.validate_values(values)
            if refused:
                self.show_error(*refused)
                return
        self.dismiss(values)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def unknown_code(self, f: FormField, value: str) -> str | None:
        """The refusal for a typed code that nothing in the field's lookup matches, else None."""
        try:
            if list(f.lookup(value)):
                return None
        except Exception:  # a failing lookup leaves the check to the service
            return None
        if f.lookup_kind:
            from ...services import lookups

            message = lookups.unknown(f.lookup_kind, value)
            if message:
                return message[0].upper() + message[1:] + ": F4 lists them all"
        return f"{f.label} {value!r} is unknown: nothing matches it; F4 lists them all"

    def _field_of(self, widget) -> FormField | None:
        wid = (widget.id or "") if widget is not None else ""
        for f in self.fields:
            if wid == f"f-{f.name}":
                return f
        return None

    def action_lookup(self) -> None:
        f = self._field_of(self.focused)
        if f is None or f.lookup is None:
            self.notify("This field has no lookup", severity="warning")
            return
        widget = self.query_one(f"#f-{f.name}", Input)
        # A known code opens the lookup on every choice with it highlighted; other text is searched.

        def chosen(code):
            if code is not None:
                widget.value = code
                widget.focus()

        self.app.push_screen(LookupDialog(f.label, f.lookup, widget.value.strip()), chosen)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        f = self._field_of(event.input)
        value = event.value.strip()
        # Enter on a code field that does not hold a known code opens its lookup with the text,
        # unless nothing matches it: then an empty lookup would only hide what is wrong.
        if f is not None and f.lookup is not None and (value or f.required) and not is_code(f.lookup, value):
            refused = self.unknown_code(f, value)
            if refused:
                self.show_error(f.name, refused)
                return
            self.action_lookup()
            return
        inputs = [w for w in self.query("Input, Select, Checkbox")]
        if event.input is inputs[-1] or len(inputs) == 1:
            self.action_submit()
        else:
            self.focus_next()

    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        self.action_submit()

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)


class LookupDialog(ModalScreen[str | None]):
    """Find a code: the list narrows as you type; Enter takes the highlighted row.

    `search(text)` returns (code, description) pairs; it is called on each change. `initial` is
    what the field holds: when it is one of the codes, the lookup opens on every choice with that
    one highlighted (`current`); otherwise it is the text to search for. A description made of
    columns joined by " · " (a contact's name, company, city and e-mail) is shown as columns.
    """

    SCOPED_CSS = False  # the rules name the dialog class themselves
    DEFAULT_CSS = DIALOG_CSS + """
    LookupDialog.segtui-dialog.-wide > #dialog {
        width: 112;
    }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="dialog_cancel"),
        Binding("down", "to_list", "Down", show=False, id="lookup_down"),
    ]

    def __init__(self, title: str, search: Callable[[str], list], initial: str = "",
                 allow_blank: bool = False, hint: str = "", current: str | None = None) -> None:
        super().__init__(classes="segtui-dialog")
        self.title_text = title
        self.search = search
        initial = (initial or "").strip()
        if current is None and initial and is_code(search, initial.strip("'")):
            current, initial = initial, ""
        if current == "''":
            current = ""
        self.current = current
        self.initial = initial
        self.allow_blank = allow_blank
        self.hint = hint or "Type to search; ↓ to the list; Enter chooses; Esc cancels"
        self._codes: list[str] = []
        self._shown_text: str | None = None  # the search text the list shows the rows of

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as box:
            box.border_title = f"Lookup: {self.title_text}"
            yield Input(self.initial, placeholder="search code or description", id="search")
            yield OptionList(id="results")
            yield Static(self.hint, id="hint")

    def on_mount(self) -> None:
        self.refresh_results(self.initial)
        self.query_one("#search", Input).focus()

    def _rows(self, text: str) -> list:
        rows = list(self.search(text))
        current = self.current
        if text.strip() or not current or any(str(c).lower() == current.lower() for c, *_ in rows):
            return rows
        # The current code is past the first page of all choices: it comes after that page.
        found = [r for r in self.search(current) if str(r[0]).lower() == current.lower()]
        return rows + found[:1]

    def _prompt(self, code: str, description: str) -> Text:
        parts = str(description).split(" · ")
        if is_choice(code, description):  # a stored choice: its words say it all
            return Text(str(description), no_wrap=True, overflow="ellipsis")
        if len(parts) == 1:
            return Text(f"{code:<12} {description}", no_wrap=True, overflow="ellipsis")
        self.add_class("-wide")
        widths = self._column_widths(len(parts))
        cells = []
        for cell, width in zip([code, *parts], widths):
            cell = cell if len(cell) <= width else cell[:width - 1] + "…"
            cells.append(cell.ljust(width))
        return Text(" ".join(cells).rstrip(), no_wrap=True, overflow="ellipsis")

    def _column_widths(self, columns: int) -> list[int]:
        """Code, then the description's columns shared out over what the dialog has room for,
        so that a row never wraps (the screen may be 80 columns or 200)."""
        room = min(112, int(self.app.size.width * 0.95)) - 9  # borders, padding, scrollbar
        code = 10
        rest = max(columns * 6, room - code - columns)
        shares = [0.27, 0.24, 0.14, 0.35][:columns]
        widths = [max(5, int(rest * share / sum(shares))) for share in shares]
        return [code, *widths]

    def refresh_results(self, text: str) -> None:
        """Search now and show the rows (on opening, and on Enter when a search is still running)."""
        try:
            rows, error = self._rows(text), None
        except Exception as exc:  # a lookup must never take the screen down
            rows, error = [], str(exc)
        self._show_rows(text, rows, error)

    @work(thread=True, exclusive=True, group="lookup-search", exit_on_error=False)
    def _search_worker(self, text: str) -> None:
        # A contact search over a million rows takes a moment: typing must not wait for it.
        worker = get_current_worker()
        with worker_connection():  # its own connection, closed before the screen hears
            try:
                rows, error = self._rows(text), None
            except Exception as exc:  # noqa: BLE001 - shown, never raised into the screen
                rows, error = [], str(exc)
        if not worker.is_cancelled:
            self.app.call_from_thread(self._show_rows, text, rows, error)

    def _show_rows(self, text: str, rows: list, error: str | None) -> None:
        if not self.is_attached:
            return  # chosen or cancelled while the search ran
        if text != self.query_one("#search", Input).value:
            return  # an older search: the one for the current text follows
        if error:
            self.notify(error, severity="error")
        self._shown_text = text
        results = self.query_one("#results", OptionList)
        results.clear_options()
        self._codes = []
        options = []
        if self.allow_blank:
            options.append(Option("(blank)", id="\x00blank"))
            self._codes.append("")
        for code, description, *_more in rows:
            options.append(Option(self._prompt(str(code), description or ""), id=str(code)))
            self._codes.append(str(code))
        results.add_options(options)
        if not options:
            return
        wanted = self._index_of(self.current)
        if wanted is not None:
            results.highlighted = wanted
        else:
            # With a search typed, the first match is meant, not the blank line above it.
            results.highlighted = 1 if (self.allow_blank and rows and text.strip()) else 0
        results.scroll_to_highlight()

    def _index_of(self, code: str | None) -> int | None:
        """Where the current code is in the list ('' is the blank row or a blank choice)."""
        if code is None:
            return None
        for i, listed in enumerate(self._codes):
            if listed.lower() == code.lower() or (code == "" and listed == "''"):
                return i
        return None

    @on(Input.Changed, "#search")
    def _changed(self, event: Input.Changed) -> None:
        if event.value != self._shown_text:
            self._search_worker(event.value)

    @on(Input.Submitted, "#search")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value != self._shown_text:  # typed faster than the search: finish it first
            self.refresh_results(event.value)
        results = self.query_one("#results", OptionList)
        if results.highlighted is not None and self._codes:
            self.dismiss(self._codes[results.highlighted])
        else:
            self.notify("Nothing matches", severity="warning")

    @on(OptionList.OptionSelected, "#results")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self._codes[event.option_index])

    def action_to_list(self) -> None:
        if self.focused is self.query_one("#search"):
            results = self.query_one("#results", OptionList)
            if results.option_count:
                results.focus()
                if results.highlighted is None:
                    results.highlighted = 0

    def action_cancel(self) -> None:
        self.dismiss(None)


def is_code(search: Callable[[str], list], value: str) -> bool:
    """Whether `value` is exactly one of the codes the lookup finds (any case)."""
    if not value:
        return False
    try:
        return any(str(code).lower() == value.lower() for code, _ in search(value))
    except Exception:  # a lookup that fails leaves the check to the service
        return True


def is_choice(code: str, description: str) -> bool:
    """Whether a lookup row is a stored choice with its words (hard_copy, "Hard copy"; '' blank)
    rather than a code with a description: codes are upper case, stored choices lower case."""
    def squash(text: str) -> str:
        return "".join(ch for ch in text.lower() if ch.isalnum())

    code = str(code)
    return code == "''" or (code == code.lower() and squash(code) == squash(str(description)) != "")
