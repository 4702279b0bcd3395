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
from textual.lazy import Lazy
from textual.screen import Screen
from textual.widgets import (
    Checkbox,
    DataTable,
    Header,
    Input,
    Label,
    ProgressBar,
    Static,
)
from textual.worker import get_current_worker

from ....text import visible
from ...widgets.keybar import AppKeys, KeyBar, refresh_app_keys
from ...widgets.message_line import MessageLine, show_on
from ...widgets.progress import worker_connection
from ...widgets.sources import read_around
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
from .style import WORKSHEET_CSS


class HeaderBox(Horizontal):
    """The header form's box: tells the screen when it is mounted (it mounts lazily)."""

    def on_mount(self) -> None:
        self.screen.header_mounted()


class WorksheetScreen(HeaderForm, LinesSheet, CriteriaPanel, SegmentActions, Screen):
    """One open segment: header, lines, criteria; every action a key and a palette command."""

    HELP_TITLE = "Segment worksheet"

    DEFAULT_CSS = WORKSHEET_CSS

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
        Binding("f8", "line_details", "Line details", id="line_details"),
        Binding("f3", "toggle_header", "Header / lines", id="header"),
        Binding("f5", "toggle_criteria", "Criteria panel", id="criteria_panel"),
        Binding("p", "apply_mailing_group", "Apply mailing group", show=False, id="apply_mailing_group"),
        Binding("x", "export_contacts", "Export contacts", show=False, id="export_contacts"),
        Binding("k", "labels", "Address labels", show=False, id="address_labels"),
        Binding("o", "cover_sheets", "Cover sheets", show=False, id="cover_sheets"),
        Binding("ctrl+r", "reload", "Reload", show=False, id="reload"),
        Binding("escape", "escape", "Back: leave the field, or close", id="worksheet_escape"),
    ]

    def __init__(self, segment_no: str, name: str | None = None) -> None:
        super().__init__(name=name)
        self.segment_no = segment_no
        self.header_data: dict = {}
        self.criteria: list = []
        self.source = lines_source(segment_no)
        self._busy = False
        self._applying = False  # header values being written back; ignore change events
        self._editing = None  # (row, field, title) while a cell is edited in place
        self._loaded = False
        self._header_ready = False  # the header form mounts after the first frame (HeaderBox)
        self._focus_header = False
        # None: decided by the terminal's size; True/False once the user toggled it (F3 / F5).
        self._descriptions = {}
        self.header_open: bool | None = None
        self.criteria_open: bool | None = None

    # --- layout --------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        # The layout's classes for the terminal's size before the first styling, so that mounting
        # does not style the whole screen again once per class added (at 80x24: twice).
        self._set_layout_classes(*self.app.size, update=False)
        yield Header()
        yield Static("", id="header-summary")
        # The header form (two thirds of the screen's widgets, folded on most terminals) mounts
        # just after the first frame: the lines show without waiting for its styling.
        with Lazy(HeaderBox(id="header")):
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
            yield Static("", id="criteria-folded")
            table = DataTable(id="criteria", cursor_type="row", zebra_stripes=False)
            yield table
        yield MessageLine(id="message")
        with Horizontal(id="status-row"):
            yield Static("", id="status")
            yield AppKeys(id="app-keys", fit=True)
        yield Input("", id="cell-editor", compact=True, select_on_focus=False)
        with Horizontal(id="busy"):
            yield Label("Working…", id="busy-label")
            yield ProgressBar(total=None, show_eta=False, show_percentage=False, id="busy-bar")
            yield Label("", id="busy-count")
            yield Label("Esc cancel")
        yield KeyBar(id="keys")


    def on_screen_resume(self) -> None:
        refresh_app_keys(self)  # the keymap or the area may have changed meanwhile
        self.refresh_keys()

    # --- what shows: compact or full header, criteria folded or not, the keys --------------------

    def on_resize(self) -> None:
        self.apply_layout()

    def _set_layout_classes(self, width: int, height: int, update: bool = True) -> None:
        header_open = self.header_open if self.header_open is not None else (height >= 36 and width >= 100)
        criteria_open = self.criteria_open if self.criteria_open is not None else height >= 30
        self.set_class(header_open, "-header-open", update=update)
        self.set_class(not criteria_open, "-criteria-folded", update=update)
        self.set_class(width < 100, "-narrow", update=update)

    def apply_layout(self) -> None:
        """Fold the header and the criteria when the terminal is small, unless the user chose."""
        width, height = self.size
        self._set_layout_classes(width, height)
        self._fill_summary()
        self._fill_criteria_folded()
        self.refresh_keys()
        self.call_after_refresh(self._fit_descriptions)  # the labels' room is known after layout

    def _fit_descriptions(self) -> None:
        if self._header_ready:
            self.fit_descriptions()

    def header_mounted(self) -> None:
        """The lazily mounted header form is there: show what was read meanwhile."""
        self._header_ready = True
        if self.header_data:
            self._fill_header()
            self._fill_summary()  # the codes' descriptions came with the form
        self.call_after_refresh(self._fit_descriptions)
        if self._focus_header:
            self._focus_header = False
            self.query_one("#h-description", Input).focus()

    def notify(self, message: str, *, title: str = "", severity="information", timeout: float | None = None,
               markup: bool = True) -> None:
        """Messages go to the message line above the status, not to toasts over the data: the app
        puts them on the screen on top; under a dialog this screen shows them too."""
        self.app.notify(message, title=title, severity=severity, timeout=timeout, markup=markup)
        if self.app.screen is not self:
            show_on(self, message, title, severity, timeout)

    def own_change(self) -> None:
        """A change of ours to the lines bumped the header's version once: keep up with it, so
        the next header edit is not taken for another user's change."""
        if self.header_data.get("version") is not None:
            self.header_data["version"] = int(self.header_data["version"]) + 1

    def in_header(self) -> bool:
        return self._header_name(self.focused) is not None

    def action_toggle_header(self) -> None:
        """F3: from the lines to the header form (opened if folded); from the header back."""
        if self.in_header():
            self.leave_field(then=self._fold_header)
            return
        if self._editing:
            self._stop_inline_edit()
        self.header_open = True
        self.apply_layout()
        if self._header_ready:
            self.query_one("#h-description", Input).focus()
        else:  # F3 in the moment before the form is mounted: focus it once there
            self._focus_header = True

    def _fold_header(self) -> None:
        self.header_open = None  # back to what suits the terminal
        self.apply_layout()
        self.sheet.focus()

    def action_toggle_criteria(self) -> None:
        """F5: open the criteria panel and go there; again: fold it and back to the lines."""
        table = self.query_one("#criteria", DataTable)
        if self.focused is table:
            self.criteria_open = False if self.size.height < 30 else None
            self.apply_layout()
            self.sheet.focus()
            return
        self.criteria_open = True
        self.apply_layout()
        table.focus()

    def key_hints(self) -> list[tuple[str, str]]:
        """The keys the key bar shows, most used first, for where the focus is (F1 lists all)."""
        if self._busy:
            return [("worksheet_escape", "Cancel")]
        if self._editing:
            return [("lookup", "Lookup"), ("worksheet_escape", "Cancel edit")]
        if self.in_header():
            return [("header", "Lines"), ("lookup", "Lookup"), ("worksheet_escape", "Back to lines"),
                    ("log", "Log")]
        if self.focused is self.query_one("#criteria"):
            return [("go_back", "Go back to here"), ("criteria_panel", "Fold"), ("save_criteria", "Save"),
                    ("reuse_criteria", "Reuse"), ("worksheet_escape", "Lines")]
        return [("header", "Header"), ("add_contacts", "Add"), ("reduce_contacts", "Reduce"),
                ("refine_contacts", "Refine"), ("go_back", "Go back"), ("edit_cell", "Edit"),
                ("line_details", "Line"), ("log", "Log"), ("merge", "Merge"), ("add_line", "Add line"),
                ("criteria_panel", "Criteria"), ("remove_line", "Remove line"), ("lookup", "Lookup"),
                ("save_criteria", "Save criteria"), ("reuse_criteria", "Reuse criteria"),
                ("worksheet_escape", "Close")]

    def refresh_keys(self) -> None:
        for bar in self.query(KeyBar):
            bar.refresh_keys()

    def on_descendant_focus(self) -> None:
        self.refresh_keys()

    def on_mount(self) -> None:
        table = self.query_one("#criteria", DataTable)
        table.add_column("#", key="no", width=3)
        table.add_column("Action", key="action", width=15)  # "Reduce contacts" whole
        # Contacts before the filters: a long filter never pushes the count off a narrow screen.
        table.add_column("Contacts", key="contacts", width=9)
        table.add_column("Filters", key="filters", width=90)
        self.apply_layout()
        self.reload()
        self.sheet.focus()

    # --- loading ---------------------------------------------------------------------------------

    def reload(self, data=None) -> None:
        """Read the lines again now, and count them, the header, totals and criteria in a worker.

        Counting and the totals (cost, duration) go through every line: on a million lines that
        takes seconds, so they arrive when ready while the sheet already shows the first page.
        """
        deep = self._loaded and self.sheet.cursor_row >= self.source.PROBE
        if deep:
            # Deep in a long segment: a first page standing in for the count would pull the cursor
            # back to it, so the lines around the cursor are read again in a worker first (that
            # worker counts them: the other one does not count again).
            self._reload_lines_at(self.sheet.cursor_row, self.sheet.page_size)
        elif self._loaded:  # the first time, the sheet reads what it draws by itself
            self.source.invalidate()
            self.sheet.refresh_data()
        self._loaded = True
        if data is not None:
            self._show_segment(data, None)
        elif not self.header_data:
            self.query_one("#status", Static).update("Reading the segment…")
        self._reload_worker(data is None, count=not deep)

    @work(thread=True, exclusive=True, group="worksheet-reload", exit_on_error=False)
    def _reload_worker(self, header: bool = True, count: bool = True) -> None:
        from ....services import segments

        worker = get_current_worker()
        data = error = None
        with worker_connection():  # its own connection, closed before the screen hears
            try:
                if count:
                    lines = segments.count_lines(self.segment_no)
                    if not worker.is_cancelled:
                        self.app.call_from_thread(self._lines_counted, lines)
                if header:
                    data = segments.get_segment(self.segment_no)
            except Exception as exc:  # shown on screen
                error = exc
        if header and not worker.is_cancelled:
            self.app.call_from_thread(self._show_segment, data, error)

    @work(thread=True, exclusive=True, group="worksheet-lines", exit_on_error=False)
    def _reload_lines_at(self, row: int, page_size: int) -> None:
        source = lines_source(self.segment_no)
        with worker_connection():  # its own connection, closed before the screen hears
            try:
                read_around(source, row, page_size)
            except Exception as exc:  # noqa: BLE001 - shown on screen
                self.app.call_from_thread(self.notify, f"The lines could not be read: {exc}", severity="error")
                return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._lines_reloaded, source)

    def _lines_reloaded(self, source) -> None:
        self.source = source
        self.sheet.source = source
        self.sheet.refresh_data()  # keeps the cursor (within the new count)

    def _lines_counted(self, count: int) -> None:
        """The worker counted the lines: the sheet's scroll range becomes exact."""
        if self.source.provisional or self.source._count != count:
            self.source.counted(count)
            self.sheet.recount()

    def _show_segment(self, data, error) -> None:
        if error is not None:
            self.notify(str(error), severity="error", title="Segment")
            return
        self.header_data = data
        self.criteria = list(self.header_data.get("criteria") or [])
        self.title = visible(f"{self.segment_no} {self.header_data.get('description', '')}".strip())
        self.sub_title = "Segment"
        if self._header_ready:  # else header_mounted() fills it
            self._fill_header()
        self._fill_summary()
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
        """Esc always backs out one level: running work (cancelled), a field being edited (an
        unsaved edit is asked about), the header or the criteria panel (back to the lines), an
        error message, then the worksheet itself (back to the list)."""
        if self._busy:
            self.cancel_long()
            return
        if self._editing:
            self.leave_cell()
            return
        if self.in_header():
            self.leave_field(then=self._fold_header)
            return
        if self.focused is self.query_one("#criteria"):
            self.criteria_open = None
            self.apply_layout()
            self.sheet.focus()
            return
        message = self.query_one("#message", MessageLine)
        if message.error_shown:
            message.dismiss()
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

