"""The line detail form (F8 on a line): every field `segment set-line` can set, in one dialog.

Code fields complete as you type and open their lookup on F4 (or on Enter with an unknown
code); choices are lists of words; ticks for yes/no. ctrl+s stores the changed fields in one
service call (the worksheet's `save`, which passes the line's version): a refusal is shown in
the form and nothing changes. Esc cancels; with changes made, it asks first.
"""
from __future__ import annotations

from typing import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from ....labels import BLANK, STORED, label
from ....text import visible
from ...widgets.tick import Tick
from ..segment_dialogs import DIALOG_CSS, ConfirmDialog, LookupDialog
from .header import CodeSuggester, field_text, lookup_search

# (line field, label, kind, lookup kind or choices); kind: code | text | choice | check | file
LINE_FIELDS = [
    ("contact_no", "Contact", "code", "contact"),
    ("description", "Description", "text", None),
    ("subject", "Subject", "text", None),
    ("correspondence_type", "Corresp. type", "choice", STORED["correspondence_type"]),
    ("interaction_template_code", "Template", "code", "template"),
    ("language_code", "Language", "code", "language"),
    ("salesperson_code", "Salesperson", "code", "salesperson"),
    ("date", "Date", "text", None),
    ("time_of_interaction", "Time", "text", None),
    ("cost", "Cost", "text", None),
    ("duration_min", "Duration (min)", "text", None),
    ("campaign_no", "Campaign", "code", "campaign"),
    ("campaign_target", "Campaign target", "check", None),
    ("campaign_response", "Campaign response", "check", None),
    ("evaluation", "Evaluation", "choice", STORED["evaluation"]),
    ("attempt_failed", "Attempt failed", "check", None),
    ("information_flow", "Information flow", "choice", STORED["information_flow"]),
    ("initiated_by", "Initiated by", "choice", STORED["initiated_by"]),
    ("personal_note", "Personal note", "text", None),
    ("send_word_docs_as_attmt", "Word doc as attachment", "check", None),
    ("attachment", "Document file", "file", None),
]
FIELD_KINDS = {name: (kind, extra) for name, _label, kind, extra in LINE_FIELDS}


def changed_fields(row: dict, values: dict) -> dict:
    """The fields whose value in the form differs from the line as shown."""
    out = {}
    for name, value in values.items():
        kind = FIELD_KINDS[name][0]
        if kind == "check":
            if bool(value) != bool(row.get(name)):
                out[name] = value
        elif kind == "file":
            if value:
                out[name] = value  # a path: the line's own document is replaced
        elif str(value) not in (field_text(row.get(name)), visible(field_text(row.get(name)))):
            out[name] = value  # left as shown (control characters as escapes) is no change
    return out


class LineForm(ModalScreen[dict | None]):
    """One line's fields; dismisses with the stored line's changes, or None."""

    SCOPED_CSS = False
    DEFAULT_CSS = DIALOG_CSS + """
    LineForm > #dialog { width: 78; height: 90%; }
    LineForm #fields { height: 1fr; }
    LineForm .buttons { height: 1; margin-top: 0; }
    LineForm .lrow Checkbox.tick { margin-left: 18; }
    LineForm .lrow { height: 1; width: 100%; }
    LineForm .lrow Label { width: 18; color: $text-muted; }
    LineForm .lrow Input, LineForm .lrow Select { width: 1fr; }
    LineForm .lrow Input:focus, LineForm .lrow Select:focus, LineForm Checkbox:focus {
        background: $accent 35%;
    }
    LineForm .lrow Checkbox { width: auto; }
    LineForm #line-error { color: $error; height: auto; display: none; }
    LineForm #line-error.-shown { display: block; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="line_cancel"),
        Binding("ctrl+s", "save", "Save", id="line_save"),
        Binding("f4", "lookup", "Lookup", id="line_lookup"),
    ]

    def __init__(self, row: dict, title: str, save: Callable[[dict], str | None]) -> None:
        super().__init__(classes="segtui-dialog")
        self.row = row
        self.title_text = title
        self.save = save

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as box:
            box.border_title = self.title_text
            yield Static("ctrl+s saves · F4 lookup on a code · Esc cancels", id="hint")
            yield Static("", id="line-error")
            with VerticalScroll(id="fields"):
                for name, label, kind, extra in LINE_FIELDS:
                    with Horizontal(classes="lrow"):
                        if kind == "check":  # the tick carries its own label, in the fields' column
                            yield Tick(label, bool(self.row.get(name)), id=f"l-{name}", compact=True,
                                       classes="tick")
                            continue
                        yield Label(label)
                        yield self._field(name, kind, extra)
            with Horizontal(classes="buttons"):
                yield Button("Save", id="save", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def _field(self, name, kind, extra):
        value = self.row.get(name)
        if kind == "choice":
            options = [(label(name, v) or BLANK, v) for v in extra]
            current = value if value in extra else extra[0]
            return Select(options, value=current, allow_blank=False, id=f"l-{name}", compact=True)
        if kind == "file":
            shown = "has its own document; a path replaces it" if self.row.get("has_attachment") else \
                "a Word file of its own for this line (optional)"
            return Input("", placeholder=shown, id=f"l-{name}", compact=True)
        suggester = CodeSuggester(extra) if kind == "code" else None
        return Input(visible(field_text(value)), id=f"l-{name}", compact=True, suggester=suggester,
                     select_on_focus=False)

    def on_mount(self) -> None:
        self.query_one("#l-description").focus()

    def values(self) -> dict:
        out = {}
        for name, _label, kind, _extra in LINE_FIELDS:
            value = self.query_one(f"#l-{name}").value
            out[name] = value.strip() if isinstance(value, str) else value
        return out

    def changes(self) -> dict:
        return changed_fields(self.row, self.values())

    def action_save(self) -> None:
        changes = self.changes()
        if not changes:
            self.dismiss({})
            return
        refused = self.save(changes)
        if refused is None:
            self.dismiss(changes)
        elif refused:
            error = self.query_one("#line-error", Static)
            error.update(refused)
            error.add_class("-shown")
        else:  # "" : the worksheet said why (another user's change) and closes the form
            self.dismiss(None)

    def action_cancel(self) -> None:
        if not self.changes():
            self.dismiss(None)
            return
        names = ", ".join(label for name, label, _k, _e in LINE_FIELDS if name in self.changes())

        def answered(save):
            if save is None:
                return  # keep editing
            if save:
                self.action_save()
            else:
                self.dismiss(None)

        self.app.push_screen(ConfirmDialog(f"Save your changes to {names}? Esc keeps editing.",
                                           title="Unsaved edit", yes="Save", no="Discard",
                                           cancellable=True), answered)

    def _code_name(self, widget) -> str | None:
        name = (getattr(widget, "id", "") or "")[2:]
        return name if FIELD_KINDS.get(name, ("",))[0] == "code" else None

    def action_lookup(self) -> None:
        name = self._code_name(self.focused)
        if name is None:
            self.notify("F4 opens the lookup of a code field", timeout=2)
            return
        widget = self.query_one(f"#l-{name}", Input)

        def chosen(code):
            widget.focus()
            if code is not None:
                widget.value = "" if code == "''" else code

        kind = FIELD_KINDS[name][1]
        self.app.push_screen(LookupDialog(dict((f[0], f[1]) for f in LINE_FIELDS)[name], lookup_search(kind),
                                          widget.value, allow_blank=(name != "contact_no")), chosen)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        name = self._code_name(event.input)
        value = event.value.strip()
        if name and value and not is_known(FIELD_KINDS[name][1], value):
            self.action_lookup()  # an unknown code: the lookup, with what was typed
            return
        self.focus_next()

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()


def is_known(kind: str, value: str) -> bool:
    from ....services import lookups

    return any(code.lower() == value.lower() for code, _ in lookups.search(kind, value, limit=20))
