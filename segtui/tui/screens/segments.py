"""The Segments screen (start screen): the open segments; new, open, delete; a filter bar.

Open segments are few (dozens, not millions), so the list is read once per change and filtered
in memory with the same filter language users type everywhere (`description=@*fair*`,
`date=2026-01-01..`, `no_of_lines=>100`).
"""
from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Header, Static
from textual.worker import get_current_worker

from ...errors import SegtuiError
from ...services import segments
from ..widgets.filter_bar import FilterBar
from ..widgets.keybar import KeyBar, AppKeys, refresh_app_keys
from ..widgets.message_line import MessageLine, show_latest
from ..widgets.progress import worker_connection
from ..widgets.sheet import Column, ListSource, Sheet
from .segment_dialogs import ConfirmDialog
from .worksheet import WorksheetScreen, new_segment_dialog

COLUMNS = [
    Column("no", "No.", 9),
    Column("description", "Description", 30),
    Column("date", "Date", 10),
    Column("no_of_lines", "Lines", 9, align="right", format=lambda v: f"{int(v or 0):,}"),
    Column("interaction_template_code", "Template", 10),
    Column("salesperson_code", "Salesperson", 11),
    Column("campaign_no", "Campaign", 9),
    Column("no_of_criteria_actions", "Actions", 7, align="right"),
    Column("cost", "Cost", 10, align="right", format=lambda v: f"{float(v or 0):,.2f}"),
]
class SegmentsScreen(Screen):
    """The open segments. Enter opens one; ctrl+n creates one; Delete deletes one."""

    HELP_TITLE = "Segments"

    DEFAULT_CSS = """
    SegmentsScreen #segments {
        height: 1fr;
    }
    SegmentsScreen #segments-status-row {
        height: 1;
    }
    SegmentsScreen #segments-status {
        width: 1fr;
        height: 1;
        padding: 0 1;
        color: $text-muted;
    }
    """

    BINDINGS = [
        Binding("ctrl+n", "new_segment", "New segment", id="new_segment"),
        Binding("delete", "delete_segment", "Delete", id="delete_segment"),
        Binding("ctrl+f", "focus_filter", "Filter", id="filter"),  # same key and id as the other lists
        Binding("ctrl+r", "reload", "Reload", show=False, id="reload"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.all_segments: list[dict] = []
        self.filters: list[tuple[str, str]] = []
        self.source = ListSource([])

    def compose(self) -> ComposeResult:
        yield Header()
        yield FilterBar(validate=segments.check_segment_filters, id="segments-filter",
                        placeholder="filter: description=@*fair*  date=2026-01-01..  lines=>100  (Enter applies)",
                        hint="FIELD=EXPRESSION … e.g. description=@*fair*  salesperson_code=JO  no_of_lines=>0")
        sheet = Sheet(self.source, COLUMNS, key_field="no", id="segments",
                      empty_text="No open segments: ctrl+n creates one",
                      open_label="Open", open_id="open_segment")
        sheet.border_title = "Open segments"
        yield sheet
        yield MessageLine(id="message")
        with Horizontal(id="segments-status-row"):
            yield Static("", id="segments-status")
            yield AppKeys(id="app-keys")
        yield KeyBar(id="keys")  # whole keys only, fitted to the width; F1 lists them all

    @property
    def sheet(self) -> Sheet:
        return self.query_one("#segments", Sheet)

    def on_mount(self) -> None:
        self.title = "Segments"
        self.refresh_segments()
        self.sheet.focus()

    def on_screen_resume(self) -> None:
        refresh_app_keys(self)
        show_latest(self)
        # Back from a worksheet: lines, descriptions or the segment itself may have changed.
        if self.is_mounted:
            self.refresh_segments()

    def reload(self) -> None:
        self.refresh_segments()

    def refresh_segments(self, keep_no: str | None = None) -> None:
        """Read the open segments in a worker (their totals sum every line: slow on huge ones)."""
        current = self.sheet.current_row
        self._list_worker(keep_no or (current or {}).get("no"))

    @work(thread=True, exclusive=True, group="segments-list", exit_on_error=False)
    def _list_worker(self, keep_no: str | None) -> None:

        worker = get_current_worker()
        with worker_connection():  # its own connection, closed before the screen hears
            try:
                found, error = segments.list_segments(), None
            except Exception as exc:  # shown on screen
                found, error = [], exc
        if not worker.is_cancelled:
            self.app.call_from_thread(self._show_segments, found, error, keep_no)

    def _show_segments(self, found, error, keep_no) -> None:
        if error is not None:
            self.notify(str(error), severity="error", title="Segments")
        self.all_segments = found
        self.show_filtered(keep_no)

    def show_filtered(self, keep_no: str | None = None) -> None:
        shown = segments.filter_segments(self.all_segments, self.filters)
        self.source.data = shown
        self.sheet.refresh_data()
        if keep_no:
            for index, segment in enumerate(shown):
                if segment["no"] == keep_no:
                    self.sheet.move_cursor(row=index)
                    break
        total = len(self.all_segments)
        plural = "s" if total != 1 else ""
        text = f"{total:,} open segment{plural}"
        if self.filters:
            text = f"{len(shown):,} of {text}"
        self.query_one("#segments-status", Static).update(text)
        self.sheet.border_title = f"Open segments  {len(shown):,}"

    # --- actions ------------------------------------------------------------------------------------

    def open(self, no: str) -> None:
        self.app.push_screen(WorksheetScreen(no))

    def on_sheet_cell_edit(self, event: Sheet.CellEdit) -> None:
        event.stop()
        if event.row_data:
            self.open(event.row_data["no"])

    def action_new_segment(self) -> None:

        def chosen(values):
            if not values:
                return
            try:
                header = segments.new_segment(values["description"], template_code=values["template"] or None)
            except SegtuiError as exc:
                self.notify(str(exc), severity="error", title="New segment")
                return
            self.refresh_segments(keep_no=header["no"])
            self.open(header["no"])

        self.app.push_screen(new_segment_dialog(), chosen)

    def action_delete_segment(self) -> None:

        row = self.sheet.current_row
        if not row:
            self.notify("There is no segment to delete", severity="warning")
            return
        no = row["no"]
        lines = int(row.get("no_of_lines") or 0)

        def answered(ok):
            if not ok:
                return
            try:
                segments.delete_segment(no)
            except SegtuiError as exc:
                self.notify(str(exc), severity="error", title="Delete segment")
                return
            self.refresh_segments()
            self.notify(f"Segment {no} deleted")

        self.app.push_screen(ConfirmDialog(
            f"Delete segment {no} {row.get('description', '')} with its {lines:,} lines? "
            "It has not been logged, so nothing of it is kept.",
            title="Delete segment", yes="Delete", default_yes=False), answered)

    def action_focus_filter(self) -> None:
        self.query_one("#segments-filter", FilterBar).input.focus()

    def action_reload(self) -> None:
        self.refresh_segments()

    @on(FilterBar.Applied, "#segments-filter")
    def _filter_applied(self, event: FilterBar.Applied) -> None:
        self.filters = event.filters
        self.show_filtered()
        self.sheet.focus()

    @on(FilterBar.Left, "#segments-filter")
    def _filter_left(self) -> None:
        self.sheet.focus()
