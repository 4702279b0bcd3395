"""What the list screens share: a filter bar over a virtual sheet, counted in a worker.

A list screen gives `make_source(filters)` (a data source for the sheet) and its columns. A long
list's source is a CountLaterSource (widgets/sources.py): its first page shows at once and the
screen counts its rows in a worker (`_count_rows`), so neither opening the list, a reload nor a
new filter waits for the count of a million rows; a new filter's first page is read in a worker
too and the sheet switches to the new source only when it is ready: typing never waits.
"""
from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Header, Static

from ...errors import SegtuiError
from ..widgets.filter_bar import FilterBar
from ..widgets.keybar import KeyBar, AppKeys, refresh_app_keys
from ..widgets.message_line import MessageLine, dismiss_error, error_showing, show_latest
from ..widgets.progress import worker_connection
from ..widgets.sheet import Column, Sheet
from ..widgets.sources import read_around


class ListScreen(Screen):
    """A filter bar, a virtual sheet and a status line."""

    HELP_TITLE = "List"
    SHEET_TITLE = "Rows"
    KEY_FIELD = "no"
    OPEN_LABEL: str | None = None  # Enter on a row: its footer label and binding id
    OPEN_ID: str | None = None
    FILTER_HINT = ""
    FILTER_PLACEHOLDER = ""
    BINDINGS = [
        Binding("ctrl+f", "focus_filter", "Filter", id="filter"),
        Binding("ctrl+r", "reload", "Reload", id="reload", show=False),
        Binding("escape", "back", "Back", id="back"),
    ]

    def __init__(self, filters: list[tuple[str, str]] | None = None, filter_text: str = "") -> None:
        super().__init__()
        self.filters = list(filters or [])
        self.filter_text = filter_text
        self.source = self.make_source(self.filters)

    # what a list screen provides
    def make_source(self, filters):
        raise NotImplementedError

    def columns(self) -> list[Column]:
        raise NotImplementedError

    def validate_filters(self, pairs) -> None:
        """Raise FilterError for a filter this list cannot use."""

    def compose(self) -> ComposeResult:
        yield Header()
        if self.has_filter_bar():
            yield FilterBar(self.validate_filters, placeholder=self.FILTER_PLACEHOLDER, hint=self.FILTER_HINT,
                            value=self.filter_text, id="filter-bar")
        sheet = Sheet(self.source, self.columns(), key_field=self.KEY_FIELD, id="sheet",
                      empty_text=self.empty_text(), open_label=self.OPEN_LABEL, open_id=self.OPEN_ID)
        sheet.border_title = self.SHEET_TITLE
        yield sheet
        yield MessageLine(id="message")
        with Horizontal(id="status-row"):
            yield Static("", id="status", classes="status-line")
            yield AppKeys(id="app-keys")
        yield KeyBar(id="keys")  # whole keys only, fitted to the width; F1 lists them all

    def has_filter_bar(self) -> bool:
        return True

    def empty_text(self) -> str:
        return "Nothing to show" + (" for this filter" if self.filters else "")

    @property
    def sheet(self) -> Sheet:
        return self.query_one("#sheet", Sheet)

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "focus_filter" and not self.has_filter_bar():
            return False
        if action == "back" and len(self.app.screen_stack) < 2 and not error_showing(self):
            return False  # the first screen of an area has nowhere to go back to
        return True

    def action_back(self) -> None:
        if dismiss_error(self):  # Esc takes an error away first, as on the worksheet
            return
        if len(self.app.screen_stack) > 1:
            self.dismiss()

    def on_screen_resume(self) -> None:
        refresh_app_keys(self)
        show_latest(self)

    def on_mount(self) -> None:
        self.sub_title = self.HELP_TITLE
        self.sheet.focus()
        self.show_count()

    def show_count(self) -> None:
        count = self.sheet.row_count
        self.sheet.border_subtitle = f"{count:,}"
        self.update_status()
        if getattr(self.source, "provisional", 0):  # a first page stands in: the count comes later
            self.sheet.border_subtitle = "counting…"
            self._count_rows(self.source)

    @work(thread=True, exclusive=True, group="list-count-rows", exit_on_error=False)
    def _count_rows(self, source) -> None:
        with worker_connection():  # its own connection, closed before the screen hears
            try:
                count = source.counter()
            except Exception as exc:  # noqa: BLE001 - shown, the list stays usable
                self.app.call_from_thread(self.notify, f"The list could not be counted: {exc}", severity="error",
                                          title=self.HELP_TITLE)
                return
        self.app.call_from_thread(self._rows_counted, source, count)

    def _rows_counted(self, source, count: int) -> None:
        if source is not self.source or not self.is_attached:
            return  # another filter (or a reload) came meanwhile: its own count follows
        if source.provisional:
            source.counted(count)
            self.sheet.recount()
        self.show_count()

    def update_status(self) -> None:
        sheet = self.sheet
        marked = f"   {len(sheet.marked):,} marked" if sheet.marked else ""
        text = f"{self.describe_filters()}{marked}"
        self.query_one("#status", Static).update(text)

    def describe_filters(self) -> str:
        if not self.filters:
            return "All rows"
        return "Filter: " + "  ".join(f"{f}={e}" for f, e in self.filters)

    # --- filtering -----------------------------------------------------------------------------------

    def action_focus_filter(self) -> None:
        if self.has_filter_bar():
            self.query_one("#filter-bar", FilterBar).input.focus()

    @on(FilterBar.Left)
    def _filter_left(self) -> None:
        self.sheet.focus()

    @on(FilterBar.Applied)
    def _filter_applied(self, event: FilterBar.Applied) -> None:
        self.apply_filters(event.filters)

    def apply_filters(self, filters) -> None:
        self.filters = list(filters)
        self.sheet.border_subtitle = "counting…"
        self.count_new_source(self.filters)

    @work(thread=True, exclusive=True, group="list-count", exit_on_error=False)
    def count_new_source(self, filters) -> None:
        source = self.make_source(filters)
        with worker_connection():  # its own connection, closed before the screen hears
            try:
                source.count()
                source.rows(0, self.sheet.page_size)  # warm: the first page is what the user sees
            except SegtuiError as exc:
                self.app.call_from_thread(self.notify, str(exc), severity="error", title="Filter")
                return
            except Exception as exc:  # noqa: BLE001
                self.app.call_from_thread(self.notify, f"The list could not be read: {exc}", severity="error")
                return
        self.app.call_from_thread(self._use_source, source)

    def _use_source(self, source) -> None:
        self.source = source
        self.sheet.empty_text = self.empty_text()
        self.sheet.set_source(source)
        self.show_count()
        self.sheet.focus()

    def action_reload(self) -> None:
        self.reload()

    def reload(self) -> None:
        sheet = self.sheet
        probe = getattr(self.source, "PROBE", 0)
        if probe and sheet.cursor_row >= probe:
            # Deep in a long list: a first page standing in for the count would pull the cursor
            # back to it, so the rows are counted first (in a worker; the list shows what it had).
            self._reload_at(list(self.filters), sheet.cursor_row, sheet.page_size)
            return
        invalidate = getattr(self.source, "invalidate", None)
        if invalidate:
            invalidate()
        sheet.refresh_data()
        self.show_count()

    @work(thread=True, exclusive=True, group="list-count", exit_on_error=False)
    def _reload_at(self, filters, row: int, page_size: int) -> None:
        source = self.make_source(filters)
        with worker_connection():  # its own connection, closed before the screen hears
            try:
                read_around(source, row, page_size)
            except Exception as exc:  # noqa: BLE001
                self.app.call_from_thread(self.notify, f"The list could not be read: {exc}", severity="error")
                return
        self.app.call_from_thread(self._reloaded, filters, source)

    def _reloaded(self, filters, source) -> None:
        if not self.is_attached or filters != self.filters:
            return  # another filter came meanwhile: its own source follows
        self.source = source
        self.sheet.source = source
        self.sheet.refresh_data()  # keeps the cursor (within the new count)
        self.show_count()

    @on(Sheet.MarksChanged)
    def _marks(self) -> None:
        self.update_status()

    def selected_keys(self) -> list:
        return self.sheet.selected_keys()

    def error(self, exc: Exception, title: str = "") -> None:
        self.notify(str(exc), severity="error", title=title or self.HELP_TITLE)
