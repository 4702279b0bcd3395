"""The segment worksheet: header form, the lines (a virtual sheet), the criteria panel.

Layout and keys follow docs of the worksheet in the README. Every change goes through one
service call; long ones (add/reduce/refine, go back, reuse, log, merge, export, updating lines
from the header) run in a worker thread with a progress bar in place of the footer, and Esc
cancels them by interrupting the database statement (the service's transaction then rolls
back: nothing half done). The screen never runs SQL itself.

What a user sees lives in its own module: header.py (the form), lines.py (the sheet),
criteria.py (the panel and its actions), actions.py (long work, merge, export, log).
"""
from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
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

from ...widgets.keybar import AppKeys, refresh_app_keys
from ...widgets.progress import close_thread_connection
from ..segment_dialogs import LookupDialog
from .actions import SegmentActions
from .criteria import CriteriaPanel
from .header import (
    GENERAL_ROWS,
    HEADER_FIELDS,
    INTERACTION_ROWS,
    HeaderForm,
    lookup_search,
)
from .lines import LinesSheet, contact_search, lines_source


class WorksheetScreen(HeaderForm, LinesSheet, CriteriaPanel, SegmentActions, Screen):
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
        from ....services import segments

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


    # --- events, routed to the part they concern ----------------------------------------------------

    @on(Input.Submitted)
    def _input_submitted(self, event: Input.Submitted) -> None:
        self.header_submitted(event)

    @on(Input.Blurred)
    def _input_blurred(self, event: Input.Blurred) -> None:
        self.header_blurred(event)

    @on(Checkbox.Changed)
    def _checkbox_changed(self, event: Checkbox.Changed) -> None:
        self.header_ticked(event)

    @on(Input.Submitted, "#cell-editor")
    def _cell_submitted(self, event: Input.Submitted) -> None:
        self._inline_submitted(event)

    @on(Input.Blurred, "#cell-editor")
    def _cell_blurred(self, event: Input.Blurred) -> None:
        self._inline_blurred(event)

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

