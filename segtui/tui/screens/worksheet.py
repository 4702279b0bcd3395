"""The segment worksheet: header form, the lines (a virtual sheet), the criteria panel.

Layout and keys follow spec/worksheet.md. Every change goes through one service call; long
ones (add/reduce/refine, go back, reuse, log, merge, export, updating lines from the header) run
in a worker thread with a progress bar in place of the footer, and Esc cancels them by
interrupting the database statement (the service's transaction then rolls back: nothing half
done). The screen never runs SQL itself.
"""
from __future__ import annotations

import datetime as dt
import decimal
import os
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.suggester import Suggester, SuggestFromList
from textual.widgets import (
    Checkbox,
    DataTable,
    Footer,
    Header,
    Input,
    Label,
    ProgressBar,
    Static,
)
from textual.worker import get_current_worker

from ...errors import SegtuiError
from ...labels import (
    CORRESPONDENCE_TYPES,
    EVALUATIONS,
    INFORMATION_FLOWS,
    INITIATED_BY,
)
from ..widgets.keybar import AppKeys, refresh_app_keys
from ..widgets.progress import close_thread_connection, thread_connection
from ..widgets.tick import Tick
from .criteria_dialog import CriteriaDialog
from .log_dialog import LogDialog
from .segment_dialogs import (
    ConfirmDialog,
    FormDialog,
    FormField,
    LookupDialog,
)

LABELS = {
    "": "(blank)", "hard_copy": "Hard copy", "email": "E-mail", "outbound": "Outbound",
    "inbound": "Inbound", "us": "Us", "them": "Them", "very_positive": "Very positive",
    "positive": "Positive", "neutral": "Neutral", "negative": "Negative",
    "very_negative": "Very negative",
}


def label_of(value) -> str:
    return LABELS.get(value, str(value)) if value else ""


# Header fields: (field, label, kind, lookup kind or choices). kind: text | code | choice | check | readonly
GENERAL_ROWS = [
    [("no", "No.", "readonly", None), ("date", "Date", "text", None)],
    [("description", "Description", "text", None)],
    [("salesperson_code", "Salesperson", "code", "salesperson")],
    [("campaign_no", "Campaign", "code", "campaign"), ("campaign_target", "Target", "check", None),
     ("campaign_response", "Response", "check", None)],
]
INTERACTION_ROWS = [
    [("interaction_template_code", "Template", "code", "template"),
     ("interaction_group_code", "Group", "readonly", None)],
    [("correspondence_type_default", "Corresp.", "choice", CORRESPONDENCE_TYPES),
     ("ignore_contact_corres_type", "Ignore contact corresp.", "check", None)],
    [("subject_default", "Subject", "text", None)],
    [("language_code_default", "Language", "code", "language"),
     ("send_word_docs_as_attmt", "Word doc as attachment", "check", None)],
    [("information_flow", "Info flow", "choice", INFORMATION_FLOWS),
     ("initiated_by", "Initiated by", "choice", INITIATED_BY)],
    [("unit_cost", "Unit cost", "text", None), ("unit_duration_min", "Duration (min)", "text", None)],
]
HEADER_FIELDS = {f[0]: f for row in GENERAL_ROWS + INTERACTION_ROWS for f in row}
CODE_DESCRIPTIONS = {"salesperson_code": "salesperson", "interaction_template_code": "template",
                     "campaign_no": "campaign", "language_code_default": "language"}

# Lines sheet: (key in a line dict, title, width, editable line field or None)
LINE_COLUMNS = [
    ("contact_no", "Contact", 10, "contact_no"),
    ("contact_name", "Name", 20, None),
    ("contact_company_name", "Company", 20, None),
    ("correspondence_type", "Corresp.", 9, "correspondence_type"),
    ("description", "Description", 18, "description"),
    ("subject", "Subject", 14, "subject"),
    ("language_code", "Lang.", 5, "language_code"),
    ("evaluation", "Evaluation", 13, "evaluation"),
    ("personal_note", "Personal note", 16, "personal_note"),
    ("contact_email", "E-mail", 26, None),
]
def lines_source(segment_no: str):
    """The lines sheet's data source: pages read by line no (fast at any depth), counted once."""
    from ...services import segments
    from .base import KeyPagedSource

    def fetch(limit, after, offset):
        return segments.lines(segment_no, limit=limit, offset=offset, after_line_no=after)

    return KeyPagedSource(fetch, lambda: segments.count_lines(segment_no), key="line_no")


class CodeSuggester(Suggester):
    """Completes a code field as the user types, from the lookup's search."""

    def __init__(self, kind: str) -> None:
        super().__init__(use_cache=False, case_sensitive=False)
        self.kind = kind

    async def get_suggestion(self, value: str) -> str | None:
        from ...services import lookups

        if not value:
            return None
        try:
            for code, _desc in lookups.search(self.kind, value, limit=5):
                if code.lower().startswith(value.lower()):
                    return code
        except Exception:  # a suggestion is a nicety; never an error
            return None
        return None


def lookup_search(kind: str):
    def search(text: str):
        from ...services import lookups

        return lookups.search(kind, text, limit=100)

    return search


def choice_search(values):
    """A lookup over a fixed set of option values; blank is shown as ''."""
    def search(text: str):
        text = text.strip().lower().strip("'")
        return [(v or "''", LABELS[v]) for v in values
                if not text or text in v or text in LABELS[v].lower()]

    return search


def contact_search(text: str):
    """Contacts whose number or name contains the text (lookup of the Contact column)."""
    from ...services import lookups

    return lookups.search("contact", text, limit=100)


class WorksheetScreen(Screen):
    """One open segment: header, lines, criteria; every action a key and a palette command."""

    HELP_TITLE = "Segment worksheet"

    DEFAULT_CSS = """
    WorksheetScreen {
        layout: vertical;
    }
    WorksheetScreen #header {
        height: 8;
    }
    WorksheetScreen .hgroup {
        border: round $primary;
        border-title-color: $accent;
        height: 100%;
        width: 1fr;
        padding: 0 1;
    }
    WorksheetScreen .hgroup:focus-within {
        border: round $accent;
    }
    WorksheetScreen .hrow {
        height: 1;
        width: 100%;
    }
    WorksheetScreen .hrow Label {
        width: 12;
        color: $text-muted;
    }
    WorksheetScreen .hrow Label.lbl2 {
        width: auto;
        padding: 0 1 0 2;
    }
    WorksheetScreen .hrow Input {
        width: 1fr;
    }
    WorksheetScreen .hrow Input.code {
        width: 12;
    }
    WorksheetScreen .hrow Input.short {
        width: 12;
    }
    WorksheetScreen .hrow Input.-invalid {
        background: $error 30%;
    }
    WorksheetScreen .hrow Checkbox {
        width: auto;
        margin-left: 2;
    }
    WorksheetScreen .hrow .desc {
        width: 1fr;
        color: $text-muted;
        padding-left: 1;
    }
    WorksheetScreen #header-error {
        color: $error;
        height: auto;
        display: none;
        padding: 0 1;
    }
    WorksheetScreen #header-error.-shown {
        display: block;
    }
    WorksheetScreen #lines {
        height: 1fr;
    }
    WorksheetScreen #criteria-box {
        height: 8;
        border: round $primary;
        border-title-color: $accent;
    }
    WorksheetScreen #criteria-box:focus-within {
        border: round $accent;
    }
    WorksheetScreen #criteria {
        height: 1fr;
    }
    WorksheetScreen #status-row {
        height: 1;
        background: $panel;
    }
    WorksheetScreen #status {
        width: 1fr;
        height: 1;
        padding: 0 1;
        color: $text;
    }
    WorksheetScreen #cell-editor {
        overlay: screen;
        position: absolute;
        display: none;
        width: 20;
        height: 1;
        background: $boost;
        color: $foreground;
    }
    WorksheetScreen #cell-editor.-invalid {
        background: $error 40%;
    }
    WorksheetScreen #busy {
        height: 1;
        dock: bottom;
        display: none;
        background: $panel;
    }
    WorksheetScreen #busy.-shown {
        display: block;
    }
    WorksheetScreen #busy Label {
        width: auto;
        padding: 0 1;
    }
    WorksheetScreen #busy ProgressBar {
        width: 40;
    }
    """

    BINDINGS = [
        Binding("a", "add_contacts", "Add", id="add_contacts"),
        Binding("r", "reduce_contacts", "Reduce", id="reduce_contacts"),
        Binding("f", "refine_contacts", "Refine", id="refine_contacts"),
        Binding("b", "go_back", "Go back", id="go_back"),
        Binding("s", "save_criteria", "Save criteria", id="save_criteria"),
        Binding("u", "reuse_criteria", "Reuse criteria", id="reuse_criteria"),
        Binding("l", "reuse_logged", "Reuse logged", id="reuse_logged"),
        Binding("m", "merge", "Merge", id="merge"),
        Binding("f9", "log", "Log", id="log"),
        Binding("ctrl+n", "new_segment", "New segment", id="new_segment"),
        Binding("insert", "add_line", "Add line", id="add_line"),
        Binding("delete", "remove_line", "Remove line", id="remove_line"),
        Binding("f2", "edit_cell", "Edit", id="edit_cell"),
        Binding("f4", "lookup", "Lookup", id="lookup"),
        Binding("p", "apply_mailing_group", "Apply mailing group", show=False, id="apply_mailing_group"),
        Binding("x", "export_contacts", "Export contacts", show=False, id="export_contacts"),
        Binding("k", "labels", "Address labels", show=False, id="address_labels"),
        Binding("o", "cover_sheets", "Cover sheets", show=False, id="cover_sheets"),
        Binding("ctrl+r", "reload", "Reload", show=False, id="reload"),
        Binding("escape", "escape", "Cancel / back", id="worksheet_escape"),
    ]

    def __init__(self, segment_no: str, name: str | None = None) -> None:
        super().__init__(name=name)
        self.segment_no = segment_no
        self.header_data: dict = {}
        self.criteria: list = []
        self.source = lines_source(segment_no)
        self._busy = False
        self._busy_conn = None
        self._cancel_requested = False
        self._applying = False  # header values being written back; ignore change events
        self._editing = None  # (row, field, title) while a cell is edited in place
        self._loaded = False

    # --- layout --------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="header"):
            with Vertical(classes="hgroup", id="general") as general:
                general.border_title = "General"
                yield from self._rows(GENERAL_ROWS)
            with Vertical(classes="hgroup", id="interaction") as interaction:
                interaction.border_title = "Interaction"
                yield from self._rows(INTERACTION_ROWS)
        yield Static("", id="header-error")
        yield self._make_sheet()
        with Vertical(id="criteria-box") as crit:
            crit.border_title = "Criteria"
            table = DataTable(id="criteria", cursor_type="row", zebra_stripes=False)
            yield table
        with Horizontal(id="status-row"):
            yield Static("", id="status")
            yield AppKeys(id="app-keys")
        yield Input("", id="cell-editor", compact=True, select_on_focus=False)
        with Horizontal(id="busy"):
            yield Label("Working…", id="busy-label")
            yield ProgressBar(total=None, show_eta=False, show_percentage=False, id="busy-bar")
            yield Label("Esc cancel")
        yield Footer(compact=True)

    def _rows(self, rows):
        for row in rows:
            with Horizontal(classes="hrow"):
                for i, (name, label, kind, extra) in enumerate(row):
                    if kind == "check":
                        yield Tick(label, False, id=f"h-{name}", compact=True)
                        continue
                    yield Label(label, classes="lbl2" if i else "")
                    # Code and choice fields are short inputs: typing suggests, Enter/F4 opens the list.
                    classes = "code" if kind in ("code", "choice") else ("short" if i or name in (
                        "no", "unit_cost") else "")
                    if kind == "code":
                        suggester = CodeSuggester(extra)
                    elif kind == "choice":
                        suggester = SuggestFromList([v for v in extra if v], case_sensitive=False)
                    else:
                        suggester = None
                    yield Input("", id=f"h-{name}", classes=classes, compact=True, suggester=suggester,
                                disabled=(kind == "readonly"))
                    if kind == "code":
                        yield Label("", id=f"d-{name}", classes="desc")

    def _make_sheet(self):
        from ..widgets.sheet import Sheet

        return Sheet(self.source, columns=sheet_columns(), key_field="line_no", id="lines",
                     empty_text="No lines yet: a adds contacts by criteria, Insert adds one contact")

    @property
    def sheet(self):
        return self.query_one("#lines")

    def on_screen_resume(self) -> None:
        refresh_app_keys(self)  # the keymap or the area may have changed meanwhile

    def on_mount(self) -> None:
        table = self.query_one("#criteria", DataTable)
        table.add_column("#", key="no", width=3)
        table.add_column("Action", key="action", width=12)
        table.add_column("Filters", key="filters", width=70)
        table.add_column("Contacts", key="contacts", width=10)
        self.reload()
        self.sheet.focus()

    # --- loading ---------------------------------------------------------------------------------

    def reload(self, data=None) -> None:
        """Read the lines again now, and the header, totals and criteria in a worker.

        The totals (cost, duration) sum every line: on a million lines that takes seconds, so
        they arrive when ready while the sheet already shows and scrolls the lines.
        """
        if self._loaded:  # the first time, the sheet reads what it draws by itself
            self.source.invalidate()
            self.sheet.refresh_data()
        self._loaded = True
        if data is not None:
            self._show_segment(data, None)
            return
        if not self.header_data:
            self.query_one("#status", Static).update("Reading the segment…")
        self._reload_worker()

    @work(thread=True, exclusive=True, group="worksheet-reload", exit_on_error=False)
    def _reload_worker(self) -> None:
        from ...services import segments

        worker = get_current_worker()
        try:
            data, error = segments.get_segment(self.segment_no), None
        except Exception as exc:  # shown on screen
            data, error = None, exc
        finally:
            close_thread_connection()
        if not worker.is_cancelled:
            self.app.call_from_thread(self._show_segment, data, error)

    def _show_segment(self, data, error) -> None:
        if error is not None:
            self.notify(str(error), severity="error", title="Segment")
            return
        self.header_data = data
        self.criteria = list(self.header_data.get("criteria") or [])
        self.title = f"{self.segment_no} {self.header_data.get('description', '')}".strip()
        self.sub_title = "Segment"
        self._fill_header()
        self._fill_criteria()
        self._fill_status()

    def _fill_header(self) -> None:
        self._applying = True
        try:
            for name, (_f, _label, kind, extra) in HEADER_FIELDS.items():
                value = self.header_data.get(name)
                widget = self.query_one(f"#h-{name}")
                if kind == "check":
                    widget.value = bool(value)
                else:
                    widget.value = field_text(value)
                    widget.remove_class("-invalid")
                if kind == "code":
                    self._describe(name)
        finally:
            self.call_after_refresh(self._done_applying)
        self.query_one("#header-error").remove_class("-shown")

    def _done_applying(self) -> None:
        self._applying = False

    def _describe(self, name: str) -> None:
        from ...services import lookups

        kind = CODE_DESCRIPTIONS.get(name)
        if kind:
            try:
                text = lookups.describe(kind, self.header_data.get(name))
            except Exception:
                text = ""
            self.query_one(f"#d-{name}", Label).update(text)

    def _fill_criteria(self) -> None:
        table = self.query_one("#criteria", DataTable)
        table.clear()
        for i, action in enumerate(self.criteria, 1):
            number, name, filters, contacts = criteria_row(action, i)
            table.add_row(str(number), name, filters, contacts, key=str(number))
        if self.criteria:
            table.move_cursor(row=len(self.criteria) - 1)
        box = self.query_one("#criteria-box")
        box.border_title = f"Criteria  {len(self.criteria)}"

    def _fill_status(self) -> None:
        h = self.header_data
        lines = int(h.get("no_of_lines") or 0)
        # Short: the app's keys share the line; the number of criteria actions is on the panel.
        text = (f"{lines:,} line{'s' if lines != 1 else ''} · cost {float(h.get('cost') or 0):,.2f}"
                f" · {float(h.get('duration') or 0):,.0f} min")
        self.query_one("#status", Static).update(text)
        box = self.sheet
        box.border_title = f"Lines  {lines:,}"
        box.border_subtitle = f"cost {float(h.get('cost') or 0):,.2f}"

    # --- header form ------------------------------------------------------------------------------

    def _header_name(self, widget) -> str | None:
        wid = getattr(widget, "id", None) or ""
        return wid[2:] if wid.startswith("h-") and wid[2:] in HEADER_FIELDS else None

    @on(Input.Submitted)
    def _input_submitted(self, event: Input.Submitted) -> None:
        name = self._header_name(event.input)
        if name is None:
            return
        event.stop()
        kind = HEADER_FIELDS[name][2]
        value = event.value.strip()
        if kind == "choice" and value not in HEADER_FIELDS[name][3]:
            self._open_lookup(name, value)
            return
        if kind == "code" and value and not self._is_code(name, value):
            self._open_lookup(name, value)
            return
        if kind == "code" and not value and field_text(self.header_data.get(name)) == "":
            self._open_lookup(name, "")
            return
        self.commit_field(name, value)

    @on(Input.Blurred)
    def _input_blurred(self, event: Input.Blurred) -> None:
        name = self._header_name(event.input)
        if name is None or self._busy or not self.is_current:
            return
        self.commit_field(name, event.value.strip())

    @on(Checkbox.Changed)
    def _checkbox_changed(self, event: Checkbox.Changed) -> None:
        name = self._header_name(event.checkbox)
        if name is None or self._applying:
            return
        self.commit_field(name, event.value)

    def _is_code(self, name: str, value: str) -> bool:
        from ...services import lookups

        kind = CODE_DESCRIPTIONS[name]
        return any(code.lower() == value.lower() for code, _ in lookups.search(kind, value, limit=20))

    def _open_lookup(self, name: str, text: str) -> None:
        widget = self.query_one(f"#h-{name}", Input)
        field_kind, values = HEADER_FIELDS[name][2], HEADER_FIELDS[name][3]
        if field_kind == "choice":
            search = choice_search(values)
            allow_blank = False
        else:
            search = lookup_search(CODE_DESCRIPTIONS[name])
            allow_blank = True

        def chosen(code):
            widget.focus()
            if code is None:
                return
            code = "" if code == "''" else code
            widget.value = code
            self.commit_field(name, code)

        self.app.push_screen(LookupDialog(HEADER_FIELDS[name][1], search, text, allow_blank=allow_blank),
                             chosen)

    def commit_field(self, name: str, value) -> None:
        """A header field changed: ask about the lines when there are some, then store it."""
        if self._applying or not self.header_data:  # still reading the segment
            return
        current = self.header_data.get(name)
        if field_text(current) == field_text(value) and not isinstance(value, bool):
            return
        if isinstance(value, bool) and bool(current) == value:
            return
        refused = header_refusal(name, value)
        if refused:  # refused before asking about the lines: the question would be moot
            self.refuse_field(name, refused)
            return
        lines = int(self.header_data.get("no_of_lines") or 0)
        if lines == 0 or name in ("description", "no"):
            self._store_header(name, value, False)
            return
        label = HEADER_FIELDS[name][1]

        def answered(update):
            if update is None:  # Esc: keep everything as it was
                self._fill_header()
                return
            self._store_header(name, value, bool(update))

        self.app.push_screen(ConfirmDialog(
            f"{label} changed. Update the {lines:,} lines that carry the header's template too?",
            title="Update lines?", yes="Update lines", no="Header only", cancellable=True), answered)

    def _store_header(self, name: str, value, update_lines: bool) -> None:
        from ...services import segments

        def store():
            return segments.set_header(self.segment_no, {name: value}, update_lines=update_lines)

        def done(result):
            self.reload(result if isinstance(result, dict) and "criteria" in result else None)
            self.notify(f"{HEADER_FIELDS[name][1]} saved" + (" and lines updated" if update_lines else ""),
                        timeout=2)

        def failed(exc):
            self.refuse_field(name, str(exc))

        if update_lines:
            self.run_long("Updating lines…", store, done, failed)
            return
        try:
            result = store()
        except SegtuiError as exc:
            failed(exc)
            return
        done(result)

    def refuse_field(self, name: str, message: str) -> None:
        """Show a refused header value at its field (the stored value is unchanged)."""
        widget = self.query_one(f"#h-{name}")
        widget.add_class("-invalid")
        error = self.query_one("#header-error", Static)
        error.update(f"{HEADER_FIELDS[name][1]}: {message}")
        error.add_class("-shown")
        self.notify(message, title=HEADER_FIELDS[name][1], severity="error")

    # --- long work ----------------------------------------------------------------------------------

    def run_long(self, label: str, fn, done, failed=None) -> bool:
        """Run `fn` in a worker thread with a progress bar; `done(result)` / `failed(exc)` after."""
        if not self._idle():
            return False
        self._busy = True
        self._cancel_requested = False
        self.query_one("#busy-label", Label).update(label)
        self.query_one("#busy").add_class("-shown")
        self.query_one(Footer).display = False
        self._long_worker(fn, done, failed)
        return True

    @work(thread=True, group="worksheet-long", exit_on_error=False)
    def _long_worker(self, fn, done, failed) -> None:
        result = error = None
        try:
            self._busy_conn = thread_connection()  # this thread's own connection; Esc interrupts it
            result = fn()
        except Exception as exc:  # reported on screen below
            error = exc
        finally:
            self._busy_conn = None
            close_thread_connection()
        self.app.call_from_thread(self._long_finished, result, error, done, failed)

    def _long_finished(self, result, error, done, failed) -> None:
        self._busy = False
        self.query_one("#busy").remove_class("-shown")
        self.query_one(Footer).display = True
        if error is None:
            done(result)
            return
        if self._cancel_requested:
            self.notify("Canceled: nothing was changed", severity="warning")
            self.reload()
            return
        if failed is not None and isinstance(error, SegtuiError):
            failed(error)
            return
        self.notify(error_text(error), title="Refused" if isinstance(error, SegtuiError) else "Error",
                    severity="error", timeout=8)
        self.reload()

    def cancel_long(self) -> None:
        conn = self._busy_conn
        self._cancel_requested = True
        if conn is None:
            return
        for name in ("interrupt", "cancel"):  # sqlite3 / psycopg
            stop = getattr(conn, name, None)
            if stop is not None:
                try:
                    stop()
                except Exception:
                    pass
                break
        self.query_one("#busy-label", Label).update("Canceling…")

    # --- actions: criteria ---------------------------------------------------------------------------

    def _idle(self) -> bool:
        if self._busy:
            self.notify("Still working on the last action: wait, or Esc to cancel it", severity="warning")
            return False
        return True

    def _criteria_dialog(self, action: str) -> None:
        if not self._idle():
            return

        def chosen(answer):
            if answer:
                self.apply_criteria(answer["action"], answer["filters"], answer["options"])

        self.app.push_screen(CriteriaDialog(self.segment_no, action), chosen)

    def apply_criteria(self, action: str, filters, options) -> None:
        from ...services import criteria

        fn = {"add": criteria.add_contacts, "reduce": criteria.reduce_contacts,
              "refine": criteria.refine_contacts}[action]
        verb = {"add": "Adding", "reduce": "Reducing", "refine": "Refining"}[action]

        def done(result):
            self.reload()
            if action == "add":
                self.notify(f"{result.get('added', 0):,} contacts added; {result.get('no_of_lines', 0):,} lines")
            else:
                self.notify(f"{result.get('removed', 0):,} lines removed; {result.get('no_of_lines', 0):,} lines")

        self.run_long(f"{verb} contacts…", lambda: fn(self.segment_no, filters, **options), done)

    def action_add_contacts(self) -> None:
        self._criteria_dialog("add")

    def action_reduce_contacts(self) -> None:
        self._criteria_dialog("reduce")

    def action_refine_contacts(self) -> None:
        self._criteria_dialog("refine")

    def action_go_back(self) -> None:
        """Undo the last action, or back to before the action highlighted in the criteria panel."""
        from ...services import criteria

        if not self._idle():
            return
        if not self.criteria:
            self.notify("There is nothing to go back from: the segment has no criteria actions",
                        severity="warning")
            return
        steps = 1
        table = self.query_one("#criteria", DataTable)
        if self.focused is table and table.cursor_row is not None:
            steps = len(self.criteria) - table.cursor_row

        def run(ok=True):
            if not ok:
                return

            def done(result):
                self.reload()
                undone = result.get("undone", steps) if isinstance(result, dict) else steps
                lines = result.get("no_of_lines", 0) if isinstance(result, dict) else 0
                self.notify(f"Went back {undone} step{'s' if undone != 1 else ''}; {lines:,} lines")

            self.run_long("Going back…", lambda: criteria.go_back(self.segment_no, steps=steps), done)

        if steps > 1:
            self.app.push_screen(ConfirmDialog(
                f"Go back {steps} steps, undoing actions {len(self.criteria) - steps + 1} to "
                f"{len(self.criteria)}?", title="Go back"), run)
        else:
            run()

    def action_save_criteria(self) -> None:
        from ...services import criteria

        if not self._idle():
            return
        if not self.criteria:
            self.notify("There are no criteria to save: add, reduce or refine first", severity="error")
            return

        def validate(values):
            try:
                criteria.save_criteria(self.segment_no, values["code"], values["description"])
            except SegtuiError as exc:
                return ("code", str(exc))
            return None

        def saved(values):
            if values:
                self.notify(f"Criteria saved as {values['code'].upper()}")

        self.app.push_screen(FormDialog("Save criteria", [
            FormField("code", "Code", required=True, placeholder="e.g. FAIR-INVITE"),
            FormField("description", "Description", self.header_data.get("description", "")),
        ], ok="Save", validate=validate), saved)

    def action_reuse_criteria(self) -> None:
        from ...services import criteria

        if not self._idle():
            return

        def chosen(code):
            if not code:
                return
            self._confirm_when_actions(
                f"The segment already has {len(self.criteria)} criteria actions. "
                f"Replay criteria {code} after them?",
                lambda: self.run_long(f"Reusing criteria {code}…",
                                      lambda: criteria.reuse_criteria(self.segment_no, code, confirm=True),
                                      lambda r: self._after_reuse(r, f"Criteria {code} reused")))

        self.app.push_screen(LookupDialog("Saved criteria", lookup_search("criteria")), chosen)

    def action_reuse_logged(self) -> None:
        from ...services import criteria

        if not self._idle():
            return

        def chosen(entry_no):
            if not entry_no:
                return
            self._confirm_when_actions(
                f"The segment already has {len(self.criteria)} criteria actions. "
                f"Add the contacts of logged segment {entry_no} too?",
                lambda: self.run_long(f"Adding logged segment {entry_no}…",
                                      lambda: criteria.reuse_logged(self.segment_no, int(entry_no), confirm=True),
                                      lambda r: self._after_reuse(r, f"Logged segment {entry_no} reused")))

        self.app.push_screen(LookupDialog("Logged segments", lookup_search("logged_segment")), chosen)

    def _confirm_when_actions(self, question: str, go) -> None:
        if not self.criteria:
            go()
            return
        self.app.push_screen(ConfirmDialog(question, title="Confirm"), lambda ok: go() if ok else None)

    def _after_reuse(self, result, what: str) -> None:
        self.reload()
        parts = []
        if isinstance(result, dict):
            if "added" in result:
                parts.append(f"{result['added']:,} added")
            if result.get("removed"):
                parts.append(f"{result['removed']:,} removed")
        lines = result.get("no_of_lines", 0) if isinstance(result, dict) else 0
        self.notify(f"{what}: " + (", ".join(parts) or "done") + f"; {lines:,} lines")

    def action_apply_mailing_group(self) -> None:
        from ...services import criteria

        if not self._idle():
            return

        def chosen(values):
            if not values:
                return
            self.run_long("Applying mailing group…",
                          lambda: criteria.apply_mailing_group(self.segment_no, values["code"],
                                                               delete_old=values["delete_old"]),
                          lambda r: self.notify(f"Mailing group {values['code'].upper()} given to "
                                                f"{(r or {}).get('applied', 0):,} contacts"))

        self.app.push_screen(FormDialog("Apply mailing group", [
            FormField("code", "Mailing group", required=True, lookup=lookup_search("mailing_group"),
                      placeholder="code (F4 lookup)"),
            FormField("delete_old", "First remove it from all contacts", False, kind="checkbox"),
        ], ok="Apply"), chosen)

    # --- actions: output ---------------------------------------------------------------------------------

    def _out_dir(self, what: str) -> str:
        from ... import config

        try:
            base = config.load().get("output_dir") or ""
        except SegtuiError:
            base = ""
        base = base or os.path.join(config.data_dir(), "output")
        return str(Path(base) / f"{self.segment_no}-{what}")

    def action_merge(self) -> None:
        from ...services import merge

        if not self._idle():
            return

        def chosen(values):
            if not values:
                return

            def done(result):
                result = result or {}
                unknown = result.get("unknown_fields") or []
                text = f"{result.get('documents', 0):,} documents in {values['out_dir']}"
                if unknown:
                    self.notify(text + f"; unknown merge fields: {', '.join(map(str, unknown))}",
                                severity="warning", timeout=10)
                else:
                    self.notify(text, timeout=8)

            self.run_long("Merging documents…",
                          lambda: merge.merge_segment(self.segment_no, values["out_dir"],
                                                      combined=values["combined"] or None), done)

        self.app.push_screen(FormDialog("Merge preview", [
            FormField("out_dir", "Folder", self._out_dir("merge"), required=True),
            FormField("combined", "Combined file", "", placeholder="optional, e.g. all.docx"),
        ], ok="Merge", hint="One merged document per line, without logging."), chosen)

    def action_labels(self) -> None:
        from .print_dialogs import labels_dialog

        labels_dialog(self)

    def action_cover_sheets(self) -> None:
        from .print_dialogs import cover_dialog

        cover_dialog(self)

    def action_export_contacts(self) -> None:
        from ...services import contact_io

        if not self._idle():
            return

        def chosen(values):
            if not values:
                return
            def export():
                Path(values["path"]).expanduser().parent.mkdir(parents=True, exist_ok=True)
                return contact_io.export_contacts(str(Path(values["path"]).expanduser()),
                                                  segment_no=self.segment_no, format=values["format"])

            self.run_long("Exporting contacts…", export,
                          lambda r: self.notify(f"{(r or {}).get('exported', 0):,} contacts written to "
                                                f"{values['path']}"))

        self.app.push_screen(FormDialog("Export contacts", [
            FormField("path", "File", self._out_dir("contacts") + ".csv", required=True),
            FormField("format", "Format", "csv", kind="select", options=[("CSV", "csv"), ("vCard", "vcard")]),
        ], ok="Export"), chosen)

    def action_log(self) -> None:
        if not self._idle():
            return

        def answered(answer):
            if not answer:
                return
            if "jump" in answer:
                self.jump_to_line(answer["jump"])
                return
            self.log_segment(answer["deliver"], answer["follow_up"])

        self.app.push_screen(LogDialog(self.segment_no, self.header_data.get("description", "")), answered)

    def log_segment(self, deliver: bool, follow_up: bool) -> None:
        from ...services import segment_log

        def done(result):
            result = result or {}
            text = (f"Segment {self.segment_no} logged: {result.get('interactions', 0):,} interactions"
                    f" (logged segment {result.get('logged_segment_entry_no')})")
            follow = result.get("follow_up_segment_no")
            if deliver:
                text += f"; {result.get('delivered', 0):,} delivered, {result.get('errors', 0):,} errors"
            if result.get("without_correspondence_type"):
                text += (f"; {result['without_correspondence_type']:,} e-mail lines had no address and were"
                         " logged without a correspondence type")
            self.app.notify(text, timeout=10)
            self.segment_logged(follow)

        self.run_long("Logging the segment…",
                      lambda: segment_log.log_segment(self.segment_no, deliver=deliver, follow_up=follow_up,
                                                      out_dir=self._out_dir("log") if deliver else None),
                      done)

    def segment_logged(self, follow_up_no: str | None) -> None:
        """The segment is gone once logged: open the follow-up, or go back to the list."""
        self.dismiss_or_pop()
        if follow_up_no:
            self.app.push_screen(WorksheetScreen(follow_up_no))

    def dismiss_or_pop(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()
        refresh = getattr(self.app.screen, "refresh_segments", None)
        if refresh:
            refresh()

    def action_new_segment(self) -> None:
        from ...services import segments

        if not self._idle():
            return

        def chosen(values):
            if not values:
                return
            try:
                header = segments.new_segment(values["description"],
                                              template_code=values["template"] or None)
            except SegtuiError as exc:
                self.notify(str(exc), severity="error")
                return
            self.app.switch_screen(WorksheetScreen(header["no"]))

        self.app.push_screen(new_segment_dialog(), chosen)

    # --- actions: lines ------------------------------------------------------------------------------

    def action_add_line(self) -> None:
        from ...services import segments

        if not self._idle():
            return

        def chosen(values):
            if not values:
                return
            try:
                line = segments.add_contact(self.segment_no, values["contact_no"])
            except SegtuiError as exc:
                self.notify(str(exc), severity="error", title="Add line")
                return
            self.reload()
            line_no = line.get("line_no") if isinstance(line, dict) else None
            if line_no:
                self.jump_to_line(line_no)
            self.notify(f"Line added for contact {values['contact_no'].upper()}")

        self.app.push_screen(FormDialog("Add line", [
            FormField("contact_no", "Contact no.", required=True, lookup=contact_search,
                      placeholder="contact no. (F4 or Enter: lookup)"),
        ], ok="Add"), chosen)

    def action_remove_line(self) -> None:
        from ...services import segments

        if not self._idle() or self.focused is not self.sheet:
            return
        row = self.sheet.current_row
        if not row:
            self.notify("There is no line to remove", severity="warning")
            return
        line_no = row["line_no"]
        who = " ".join(x for x in (row.get("contact_no"), str(row.get("contact_name") or "")) if x)

        def answered(ok):
            if not ok:
                return
            try:
                segments.remove_line(self.segment_no, line_no)
            except SegtuiError as exc:
                self.notify(str(exc), severity="error")
                return
            self.reload()
            self.notify(f"Line {line_no} removed")

        self.app.push_screen(ConfirmDialog(f"Remove line {line_no} ({who}) from the segment?",
                                           title="Remove line", yes="Remove", default_yes=False), answered)

    def action_edit_cell(self, key: str | None = None) -> None:
        if not self._idle():
            return
        if self.focused is not self.sheet:
            return
        row = self.sheet.current_row
        if not row:
            return
        key = key or self.sheet.current_column
        column = next((c for c in LINE_COLUMNS if c[0] == key), None)
        if column is None or column[3] is None:
            self.notify(f"{column[1] if column else 'This column'} comes from the contact card; "
                        "change it on the contact", severity="warning")
            return
        self.edit_line_field(row, column[3], column[1])

    def edit_line_field(self, row: dict, field: str, title: str) -> None:
        """Text and code cells are edited in place; a choice opens its short list."""
        current = row.get(field) or ""
        if field in ("correspondence_type", "evaluation"):
            values = CORRESPONDENCE_TYPES if field == "correspondence_type" else EVALUATIONS
            search = choice_search(values)

            def chosen(value):
                if value is None:
                    return
                value = "" if value == "''" else value
                refused = self._save_line(row["line_no"], field, value)
                if refused is not None:
                    self.notify(refused, title=title, severity="error")
                    return
                self._line_saved(row["line_no"], title)

            self.app.push_screen(LookupDialog(f"line {row['line_no']} {title}", search), chosen)
            return
        self.start_inline_edit(row, field, title, str(current))

    def start_inline_edit(self, row: dict, field: str, title: str, value: str) -> None:
        from textual.geometry import Offset

        sheet = self.sheet
        editor = self.query_one("#cell-editor", Input)
        cell = sheet.region_of_cursor()
        area = sheet.content_region
        editor.absolute_offset = Offset(area.x + cell.x, area.y + cell.y)
        editor.styles.width = max(cell.width + 1, 24 if field == "personal_note" else 14)
        kind = {"contact_no": "contact", "language_code": "language"}.get(field)
        editor.suggester = CodeSuggester(kind) if kind else None
        editor.remove_class("-invalid")
        editor.value = value
        editor.tooltip = f"{title}: Enter saves, Esc cancels" + (", F4 lookup" if kind else "")
        self._editing = (row, field, title)
        editor.display = True
        editor.focus()
        editor.cursor_position = len(value)

    def _stop_inline_edit(self) -> None:
        editor = self.query_one("#cell-editor", Input)
        self._editing = None
        editor.display = False
        self.sheet.focus()

    @on(Input.Submitted, "#cell-editor")
    def _inline_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not self._editing:
            return
        row, field, title = self._editing
        refused = self._save_line(row["line_no"], field, event.value.strip())
        if refused is not None:
            event.input.add_class("-invalid")
            self.notify(refused, title=f"Line {row['line_no']}: {title}", severity="error")
            return
        self._stop_inline_edit()
        self._line_saved(row["line_no"], title)

    @on(Input.Blurred, "#cell-editor")
    def _inline_blurred(self, event: Input.Blurred) -> None:
        # Leaving the cell (mouse, a dialog) cancels the edit; only Enter saves.
        if self._editing and not isinstance(self.app.screen, ModalScreen):
            self._stop_inline_edit()

    def _save_line(self, line_no: int, field: str, value) -> str | None:
        """Store one field; the refusal's message, or None when stored."""
        from ...services import segments

        try:
            segments.set_line(self.segment_no, line_no, {field: value})
        except SegtuiError as exc:
            return str(exc)
        return None

    def _line_saved(self, line_no, title) -> None:
        self.reload()
        self.notify(f"Line {line_no}: {title} saved", timeout=2)

    def jump_to_line(self, line_no: int) -> None:
        from ...services import lookups

        self.sheet.move_cursor(row=lookups.line_position(self.segment_no, int(line_no)))
        self.sheet.focus()

    # --- other keys ------------------------------------------------------------------------------------

    def action_lookup(self) -> None:
        if self._editing and self.focused is self.query_one("#cell-editor"):
            row, field, title = self._editing
            kind = {"contact_no": "contact", "language_code": "language"}.get(field)
            if kind:
                editor = self.query_one("#cell-editor", Input)

                def chosen(code):
                    editor.focus()
                    if code is not None:
                        editor.value = code
                        editor.cursor_position = len(code)

                search = contact_search if kind == "contact" else lookup_search(kind)
                self.app.push_screen(LookupDialog(title, search, editor.value), chosen)
            return
        name = self._header_name(self.focused)
        if name and HEADER_FIELDS[name][2] in ("code", "choice"):
            self._open_lookup(name, self.focused.value)
        elif self.focused is self.sheet and self.sheet.current_column in ("contact_no", "language_code"):
            self.action_edit_cell()
        else:
            self.notify("F4 opens the lookup of a code field", severity="information", timeout=2)

    def action_reload(self) -> None:
        self.reload()

    def action_escape(self) -> None:
        if self._busy:
            self.cancel_long()
            return
        if self._editing:
            self._stop_inline_edit()
            return
        if self._header_name(self.focused) or self.focused is self.query_one("#criteria"):
            self.sheet.focus()
            return
        if len(self.app.screen_stack) > 1:
            self.dismiss_or_pop()

    def check_action(self, action: str, parameters) -> bool | None:
        # While long work runs, only Esc (cancel) and help stay active; the others show dimmed.
        if self._busy and action not in ("escape", "help", "quit", "command_palette"):
            return None
        return True

    # Sheet messages: Enter or F2 on a cell edits it.
    def on_sheet_cell_edit(self, event) -> None:
        event.stop()
        self.action_edit_cell(event.column_key)


def header_refusal(name: str, value) -> str | None:
    """Why the service would refuse this header value, without changing anything (or None)."""
    from ...services import segments

    try:
        segments.check_header({name: value})
    except SegtuiError as exc:
        return str(exc)
    return None


def field_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, float):
        return f"{value:.2f}" if value != int(value) else str(int(value))
    if isinstance(value, decimal.Decimal):
        return field_text(float(value))
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def error_text(exc: Exception) -> str:
    text = str(exc)
    if "interrupted" in text.lower():
        return "Canceled: nothing was changed"
    return text


def criteria_row(action, index: int):
    """(number, action, filters text, contacts text) for the criteria panel."""
    if not isinstance(action, dict):
        return index, str(action), "", ""
    number = action.get("action_no", index)
    name = str(action.get("action", "")).replace("_", " ").capitalize()
    parts = []
    for f in action.get("filters") or []:
        if isinstance(f, dict):
            field = f.get("field", "")
            source = f.get("source", "contact")
            typed = field if source in ("", "contact") else (
                f"{source}.{field}" if source == "interaction" else (
                    source if field in ("code", f"{source}_code") else f"{source}.{field}"))
            parts.append(f"{typed}={f.get('expression', '')}")
        else:
            parts.append("=".join(map(str, f)) if isinstance(f, (list, tuple)) else str(f))
    if action.get("reference"):
        parts.append(str(action["reference"]))
    options = [label for key, label in (("allow_existing_contacts", "allow existing"),
                                        ("expand_contact", "expand contact"),
                                        ("allow_company_with_persons", "company with persons"),
                                        ("ignore_exclusion", "ignore exclusion"),
                                        ("entire_companies", "entire companies")) if action.get(key)]
    text = "  ".join(parts) + (f"  [{', '.join(options)}]" if options else "")
    count = int(action.get("no_of_contacts") or 0)
    sign = "−" if action.get("action") in ("reduce", "refine", "remove_line") else "+"
    return number, name, text, f"{sign}{count:,}"


def sheet_columns():
    """Columns for TUI-1's sheet (key, title, width, editable)."""
    from ..widgets.sheet import Column

    formats = {"correspondence_type": label_of, "evaluation": label_of}
    return [Column(key, title, width, format=formats.get(key)) for key, title, width, _editable in LINE_COLUMNS]


def new_segment_dialog() -> FormDialog:
    return FormDialog("New segment", [
        FormField("description", "Description", required=True, placeholder="e.g. Spring fair invitations"),
        FormField("template", "Template", lookup=lookup_search("template"), placeholder="code (F4 lookup)"),
    ], ok="Create")
