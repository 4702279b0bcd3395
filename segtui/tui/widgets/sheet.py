"""A virtual sheet: shows any number of rows while reading only the pages it draws.

Textual's DataTable keeps every row in memory (seconds for 100k rows, minutes for a million).
This sheet asks a data source for `count()` and for pages of rows (`rows(offset, limit)`), renders
only the visible lines (`render_line`) and keeps a few pages in a small LRU cache, so a million
rows open and scroll as fast as ten.

The owner reacts to messages: `Sheet.CursorMoved` when the cursor moves, `Sheet.CellEdit` when
Enter or F2 is pressed on a cell (edit in place, or open the row), `Sheet.MarksChanged` when
space marks or unmarks a row (a selection for actions on several rows).
"""
from __future__ import annotations

import datetime as dt
import decimal
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Callable

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ...text import visible
from .sources import CountLaterSource, DataSource, EndsPagedSource, ListSource

__all__ = ["Column", "CountLaterSource", "DataSource", "EndsPagedSource", "ListSource", "Sheet", "cell_text",
           "option_text"]


@dataclass
class Column:
    key: str
    label: str
    width: int = 12
    align: str = "left"  # left | right | center
    format: Callable[[Any], str] | None = None


def cell_text(value) -> str:
    """A value as the sheet shows it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "✓" if value else ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (float, decimal.Decimal)):
        return f"{value:,.2f}"
    return str(value)


def option_text(value) -> str:
    """An option value in the user's words from the labels table (hard_copy -> Hard copy,
    very_positive -> Very positive), for a column whose choice the caller does not name."""
    from ...labels import CHOICES

    if not value:
        return ""
    for words in CHOICES.values():
        if value in words:
            return words[value]
    return str(value).replace("_", " ").capitalize()


class Sheet(ScrollView, can_focus=True):
    """A read-mostly grid over a DataSource with a cursor cell."""

    BINDINGS = [
        Binding("up", "cursor_up", "Up", show=False),
        Binding("down", "cursor_down", "Down", show=False),
        Binding("left", "cursor_left", "Left", show=False),
        Binding("right", "cursor_right", "Right", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home", "first_column", "First column", show=False),
        Binding("end", "last_column", "Last column", show=False),
        Binding("ctrl+home", "first_row", "First row", show=False),
        Binding("ctrl+end", "last_row", "Last row", show=False),
        Binding("enter", "edit_cell", "Open", show=False),
        Binding("f2", "edit_cell(True)", "Edit", show=False),
        Binding("space", "toggle_mark", "Mark", show=False),
    ]

    COMPONENT_CLASSES = {
        "sheet--header",
        "sheet--cursor",
        "sheet--cursor-row",
        "sheet--marked",
        "sheet--even-row",
        "sheet--empty",
    }

    DEFAULT_CSS = """
    Sheet {
        background: $surface;
        color: $foreground;
        height: 1fr;
        scrollbar-size-horizontal: 1;
        & > .sheet--header { text-style: bold; background: $panel; color: $foreground; }
        & > .sheet--cursor { background: $block-cursor-blurred-background;
                             color: $block-cursor-blurred-foreground; }
        & > .sheet--cursor-row { background: $boost; }
        & > .sheet--marked { color: $accent; text-style: bold; }
        & > .sheet--even-row { background: $surface-lighten-1 30%; }
        & > .sheet--empty { color: $text-muted; text-style: italic; }
        &:focus > .sheet--cursor { background: $block-cursor-background;
                                   color: $block-cursor-foreground; text-style: bold; }
        &:ansi > .sheet--header { background: ansi_blue; color: ansi_bright_white; }
        &:ansi > .sheet--cursor-row { background: ansi_default; }
        &:ansi > .sheet--even-row { background: ansi_default; }
    }
    """

    cursor_row: reactive[int] = reactive(0, always_update=False, repaint=True)
    cursor_column: reactive[int] = reactive(0, repaint=True)

    class CursorMoved(Message):
        """The cursor moved to another row or column."""

        def __init__(self, sheet: "Sheet", row: int, column: int, column_key: str | None,
                     row_data: dict | None) -> None:
            super().__init__()
            self.sheet = sheet
            self.row = row
            self.column = column
            self.column_key = column_key
            self.row_data = row_data

        @property
        def control(self) -> "Sheet":
            return self.sheet

    class CellEdit(Message):
        """Enter (edit=False) or F2 (edit=True) on a cell: the owner edits it or opens the row."""

        def __init__(self, sheet: "Sheet", row: int, column: int, column_key: str | None,
                     row_data: dict | None, edit: bool) -> None:
            super().__init__()
            self.sheet = sheet
            self.row = row
            self.column = column
            self.column_key = column_key
            self.row_data = row_data
            self.value = (row_data or {}).get(column_key) if column_key else None
            self.edit = edit

        @property
        def control(self) -> "Sheet":
            return self.sheet

    class MarksChanged(Message):
        def __init__(self, sheet: "Sheet", marked: set) -> None:
            super().__init__()
            self.sheet = sheet
            self.marked = marked

        @property
        def control(self) -> "Sheet":
            return self.sheet

    def __init__(self, source: DataSource, columns: list[Column], *, key_field: str | None = None,
                 page_size: int = 100, cache_pages: int = 12, empty_text: str = "Nothing to show",
                 zebra: bool = False, open_label: str | None = None, open_id: str | None = None,
                 name: str | None = None, id: str | None = None,
                 classes: str | None = None, disabled: bool = False) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self.source = source
        self.columns = list(columns)
        self.key_field = key_field or (self.columns[0].key if self.columns else None)
        self.page_size = max(1, page_size)
        self.cache_pages = max(2, cache_pages)
        self.empty_text = empty_text
        self.zebra = zebra
        self._pages: OrderedDict[int, list[dict]] = OrderedDict()
        self._count: int | None = None
        self.marked: set = set()
        self.pages_read = 0  # for tests and benchmarks
        self.rows_read = 0
        self.error: str | None = None
        if open_label:
            # The owner opens rows with Enter: show it in the footer under the owner's words and id.
            self._bindings.key_to_bindings["enter"] = [
                Binding("enter", "edit_cell", open_label, id=open_id, show=True)]
        self._update_virtual_size()

    # --- data ------------------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        if self._count is None:
            try:
                self._count = max(0, int(self.source.count()))
                self.error = None
            except Exception as exc:  # noqa: BLE001 - a failing source shows its error, never crashes
                self._count = 0
                self._report(exc)
        return self._count

    def _report(self, exc: Exception) -> None:
        text = str(exc) or exc.__class__.__name__
        if text != self.error:
            self.error = text
            if self.is_attached:
                self.notify(text, severity="error", title="Reading the list")

    def _page(self, number: int) -> list[dict]:
        page = self._pages.get(number)
        if page is not None:
            self._pages.move_to_end(number)
            return page
        try:
            page = list(self.source.rows(number * self.page_size, self.page_size))
        except Exception as exc:  # noqa: BLE001
            self._report(exc)
            return []
        self.pages_read += 1
        self.rows_read += len(page)
        self._pages[number] = page
        while len(self._pages) > self.cache_pages:
            self._pages.popitem(last=False)
        return page

    def get_row(self, index: int) -> dict | None:
        """The row at `index` (0-based), read through the page cache."""
        if index < 0 or index >= self.row_count:
            return None
        page = self._page(index // self.page_size)
        offset = index % self.page_size
        return page[offset] if offset < len(page) else None

    @property
    def current_row(self) -> dict | None:
        return self.get_row(self.cursor_row)

    @property
    def current_column(self) -> str | None:
        if not self.columns:
            return None
        return self.columns[min(self.cursor_column, len(self.columns) - 1)].key

    def refresh_data(self, keep_cursor: bool = True) -> None:
        """Forget cached pages and the count, and read again what is on screen."""
        self._pages.clear()
        self._count = None
        self.error = None
        self._update_virtual_size()
        if not keep_cursor:
            self.cursor_row = 0
        count = self.row_count
        if self.cursor_row >= count:
            self.cursor_row = max(0, count - 1)
        self._scroll_cursor_into_view()
        self.refresh()
        self._post_moved()

    def recount(self) -> None:
        """The source's count changed (it was worked out in the background): take it, keep the
        pages read and the cursor."""
        self._count = None
        self._update_virtual_size()
        if self.cursor_row >= self.row_count:
            self.cursor_row = max(0, self.row_count - 1)
        self.refresh()

    def set_source(self, source: DataSource, columns: list[Column] | None = None) -> None:
        """Show another source (a new filter), cursor back at the top."""
        self.source = source
        if columns is not None:
            self.columns = list(columns)
        self.marked.clear()
        self.cursor_column = min(self.cursor_column, max(0, len(self.columns) - 1))
        self.refresh_data(keep_cursor=False)
        self.scroll_to(y=0, animate=False)

    # --- geometry ----------------------------------------------------------------------------------

    @property
    def total_width(self) -> int:
        return sum(c.width + 1 for c in self.columns) + 1

    def _update_virtual_size(self) -> None:
        self.virtual_size = Size(self.total_width, self.row_count + 1)  # +1: the header line

    @property
    def visible_rows(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def _column_x(self, index: int) -> int:
        return 1 + sum(c.width + 1 for c in self.columns[:index])

    def _scroll_cursor_into_view(self) -> None:
        top = round(self.scroll_y)
        height = self.visible_rows
        row = self.cursor_row
        if row < top:
            self.scroll_to(y=row, animate=False, immediate=True)
        elif row >= top + height:
            self.scroll_to(y=row - height + 1, animate=False, immediate=True)
        if self.columns:
            x = self._column_x(self.cursor_column)
            width = self.columns[self.cursor_column].width
            left = round(self.scroll_x)
            view = self.scrollable_content_region.width
            if x < left:
                self.scroll_to(x=max(0, x - 1), animate=False, immediate=True)
            elif view and x + width > left + view:
                self.scroll_to(x=x + width - view + 1, animate=False, immediate=True)

    # --- rendering -------------------------------------------------------------------------------

    def _cells(self, values: list[str], styles: list[Style], base: Style, lead: str = " ") -> list[Segment]:
        """A line's segments: cells padded to their columns, neighbours of one style in one
        segment (a line is two or three segments, not two per column: cheaper to crop and draw)."""
        runs: list[Segment] = []
        texts, run_style = [lead], base
        for column, text, style in zip(self.columns, values, styles):
            width = column.width
            if len(text) > width:
                text = text[: max(0, width - 1)] + "…"
            if column.align == "right":
                text = text.rjust(width)
            elif column.align == "center":
                text = text.center(width)
            else:
                text = text.ljust(width)
            if style is not run_style:
                runs.append(Segment("".join(texts), run_style))
                texts, run_style = [], style
            texts.append(text)
            if base is not run_style:
                runs.append(Segment("".join(texts), run_style))
                texts, run_style = [], base
            texts.append(" ")
        runs.append(Segment("".join(texts), run_style))
        return runs

    def render_lines(self, crop: Region) -> list[Strip]:
        # The widget's own style is worked out once per frame, not once per line.
        self._frame_style = self.rich_style
        try:
            return super().render_lines(crop)
        finally:
            self._frame_style = None

    _frame_style: Style | None = None

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        base = self._frame_style or self.rich_style
        if y == 0:
            style = base + self.get_component_rich_style("sheet--header")
            strip = Strip(self._cells([c.label for c in self.columns], [style] * len(self.columns), style))
            return strip.crop_extend(scroll_x, scroll_x + width, style)
        index = scroll_y + y - 1
        count = self.row_count
        if count == 0:
            if y == 1:
                style = base + self.get_component_rich_style("sheet--empty")
                return Strip([Segment(" " + (self.error or self.empty_text), style)]).crop_extend(
                    0, width, base)
            return Strip.blank(width, base)
        if index >= count:
            return Strip.blank(width, base)
        row = self.get_row(index)
        if row is None:
            return Strip.blank(width, base)
        values = []
        for column in self.columns:
            value = row.get(column.key)
            # Stored text may hold escape sequences: shown as visible escapes, never sent to the terminal.
            values.append(visible(column.format(value) if column.format else cell_text(value)))
        line_style = base
        if self.zebra and index % 2:
            line_style = base + self.get_component_rich_style("sheet--even-row")
        if index == self.cursor_row:
            line_style = line_style + self.get_component_rich_style("sheet--cursor-row")
        key = row.get(self.key_field) if self.key_field else None
        marked = key is not None and key in self.marked
        if marked:
            line_style = line_style + self.get_component_rich_style("sheet--marked")
        styles = [line_style] * len(self.columns)
        if index == self.cursor_row and self.columns:
            styles[min(self.cursor_column, len(styles) - 1)] = line_style + self.get_component_rich_style(
                "sheet--cursor")
        strip = Strip(self._cells(values, styles, line_style, "▸" if marked else " "))
        return strip.crop_extend(scroll_x, scroll_x + width, line_style)

    # --- cursor --------------------------------------------------------------------------------------

    def watch_cursor_row(self, old: int, new: int) -> None:
        self._scroll_cursor_into_view()
        self._post_moved()

    def watch_cursor_column(self, old: int, new: int) -> None:
        self._scroll_cursor_into_view()
        self._post_moved()

    def _post_moved(self) -> None:
        if self.is_attached:
            self.post_message(self.CursorMoved(self, self.cursor_row, self.cursor_column, self.current_column,
                                               self.current_row))

    def move_cursor(self, row: int | None = None, column: int | str | None = None) -> None:
        """Put the cursor on a row (0-based) and/or a column (index or key)."""
        if column is not None:
            if isinstance(column, str):
                keys = [c.key for c in self.columns]
                column = keys.index(column) if column in keys else self.cursor_column
            self.cursor_column = max(0, min(int(column), len(self.columns) - 1))
        if row is not None:
            self.cursor_row = max(0, min(int(row), max(0, self.row_count - 1)))

    go_to_row = move_cursor

    def action_cursor_up(self) -> None:
        self.move_cursor(row=self.cursor_row - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(row=self.cursor_row + 1)

    def action_cursor_left(self) -> None:
        self.move_cursor(column=self.cursor_column - 1)

    def action_cursor_right(self) -> None:
        self.move_cursor(column=self.cursor_column + 1)

    def action_page_up(self) -> None:
        self.move_cursor(row=self.cursor_row - self.visible_rows)

    def action_page_down(self) -> None:
        self.move_cursor(row=self.cursor_row + self.visible_rows)

    def action_first_column(self) -> None:
        self.move_cursor(column=0)

    def action_last_column(self) -> None:
        self.move_cursor(column=len(self.columns) - 1)

    def action_first_row(self) -> None:
        self.move_cursor(row=0)

    def action_last_row(self) -> None:
        if getattr(self.source, "provisional", 0):
            # Only a stand-in count is known yet: the end needs the real one (the owner's worker
            # would bring it a moment later).
            try:
                self.source.count_now()
            except Exception as exc:  # noqa: BLE001
                self._report(exc)
                return
            self.recount()
        self.move_cursor(row=self.row_count - 1)

    def action_edit_cell(self, edit: bool = False) -> None:
        if self.row_count == 0:
            return
        self.post_message(self.CellEdit(self, self.cursor_row, self.cursor_column, self.current_column,
                                        self.current_row, edit))

    def action_toggle_mark(self) -> None:
        row = self.current_row
        if row is None or self.key_field is None:
            return
        key = row.get(self.key_field)
        if key in self.marked:
            self.marked.discard(key)
        else:
            self.marked.add(key)
        self.refresh()
        self.post_message(self.MarksChanged(self, set(self.marked)))
        self.move_cursor(row=self.cursor_row + 1)

    def selected_keys(self) -> list:
        """The marked rows' keys, or the cursor row's key when nothing is marked."""
        if self.marked:
            return sorted(self.marked)
        row = self.current_row
        if row is None or self.key_field is None:
            return []
        return [row.get(self.key_field)]

    def clear_marks(self) -> None:
        if self.marked:
            self.marked.clear()
            self.refresh()
            self.post_message(self.MarksChanged(self, set()))

    # --- mouse ----------------------------------------------------------------------------------------

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        x = offset.x + round(self.scroll_x)
        if offset.y == 0:
            return
        row = round(self.scroll_y) + offset.y - 1
        if row >= self.row_count:
            return
        column = self.cursor_column
        for index in range(len(self.columns)):
            start = self._column_x(index)
            if start <= x < start + self.columns[index].width + 1:
                column = index
                break
        self.move_cursor(row=row, column=column)
        if event.chain >= 2:
            self.action_edit_cell()

    def on_resize(self, event: events.Resize) -> None:
        self._scroll_cursor_into_view()

    def region_of_cursor(self) -> Region:
        """Where the cursor cell is on screen (for placing an in-place editor)."""
        x = self._column_x(self.cursor_column) - round(self.scroll_x)
        y = self.cursor_row - round(self.scroll_y) + 1
        width = self.columns[self.cursor_column].width if self.columns else 1
        return Region(x, y, width, 1)
