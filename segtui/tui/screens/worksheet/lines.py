"""The worksheet's lines: the virtual sheet of contacts, edited in place or by lookup.

Every change to a line is one service call (segments.set_line / add_contact / remove_line).
"""
from __future__ import annotations

from textual.screen import ModalScreen
from textual.widgets import Input

from ....errors import Conflict, SegtuiError
from ....labels import label
from ....text import visible
from ...widgets.sheet import CountLaterSource, cell_text
from ..segment_dialogs import ConfirmDialog, FormDialog, FormField, LookupDialog
from .header import CodeSuggester, ask_unsaved, choice_search
from .line_form import LineForm

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


def lines_source(segment_no: str) -> CountLaterSource:
    """The lines sheet's data source: pages read by line no from either end (End / ctrl+End read
    the last ones by key), counted by the worksheet's worker while a first page stands in."""
    from ....services import segments

    return CountLaterSource(segments.line_fetcher(segment_no), lambda: segments.count_lines(segment_no), key="line_no")


def contact_search(text: str):
    """Contacts whose number or name contains the text (lookup of the Contact column)."""
    from ....services import lookups

    return lookups.search("contact", text, limit=100)



class LinesSheet:
    """The lines sheet's part of WorksheetScreen (a mixin: the screen routes its events here)."""

    def _make_sheet(self):
        from ...widgets.sheet import Sheet

        return Sheet(self.source, columns=sheet_columns(), key_field="line_no", id="lines",
                     empty_text="No lines yet: a adds contacts by criteria, Insert adds one contact")

    @property
    def sheet(self):
        return self.query_one("#lines")

    def action_add_line(self) -> None:
        from ....services import segments

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
            self.own_change()
            self.reload()
            self.jump_to_line(line["line_no"])
            self.notify(f"Line added for contact {values['contact_no'].upper()}")

        self.app.push_screen(FormDialog("Add line", [
            FormField("contact_no", "Contact no.", required=True, lookup=contact_search, lookup_kind="contact",
                      placeholder="contact no. (F4 or Enter: lookup)"),
        ], ok="Add"), chosen)

    def action_remove_line(self) -> None:
        from ....services import segments

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
            self.own_change()
            self.reload()
            self.notify(f"Removed {line_name(row)}")

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
            # The contact's own columns (name, company, e-mail) belong to the contact card: the
            # line's detail form opens instead, with every field of the line.
            self.action_line_details()
            return
        self.edit_line_field(row, column[3], column[1])

    def action_line_details(self) -> None:
        """F8: every field of the line in one form (what `segment set-line` can set)."""
        if not self._idle() or self.focused is not self.sheet:
            return
        row = self.sheet.current_row
        if not row:
            self.notify("There is no line: Insert adds one", severity="warning")
            return

        def saved(changes):
            if changes:
                self._line_saved(row, "Line details")

        self.app.push_screen(LineForm(row, f"Line: {line_name(row)}",
                                      lambda changes: self._save_line_fields(row, changes)), saved)

    def _save_line_fields(self, row: dict, changes: dict) -> str | None:
        """Store the line's changed fields in one call; the refusal's message, "" after another
        user's change (said and offered a reload), or None when stored."""
        from ....services import segments

        try:
            segments.set_line(self.segment_no, row["line_no"], changes, **line_version(row))
        except Conflict:
            self.stale(f"your change to {line_name(row)} was not saved")
            return ""
        except SegtuiError as exc:
            return str(exc)
        self.own_change()
        return None

    def edit_line_field(self, row: dict, field: str, title: str) -> None:
        """Text and code cells are edited in place; a choice opens its short list."""
        current = row.get(field) or ""
        if field in ("correspondence_type", "evaluation"):
            search = choice_search(field)

            def chosen(value):
                if value is None:
                    return
                value = "" if value == "''" else value
                refused = self._save_line(row, field, value)
                if refused is not None:
                    if refused:
                        self.notify(refused, title=title, severity="error")
                    return
                self._line_saved(row, title)

            # The line's choice highlighted among all of them ('' is the blank choice).
            self.app.push_screen(LookupDialog(f"{line_name(row)}: {title}", search,
                                              current=current or "''"), chosen)
            return
        self.start_inline_edit(row, field, title, shown(row, field))

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

    def _stop_inline_edit(self, focus: bool = True) -> None:
        editor = self.query_one("#cell-editor", Input)
        self._editing = None
        editor.display = False
        if focus:
            self.sheet.focus()

    def _inline_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not self._editing:
            return
        row, field, title = self._editing
        if event.value.strip() == shown(row, field) != str(row.get(field) or ""):
            self._stop_inline_edit()  # left as shown (escapes of control characters): not an edit
            return
        refused = self._save_line(row, field, event.value.strip())
        if refused is not None:
            if refused:
                event.input.add_class("-invalid")
                self.notify(refused, title=f"{line_name(row)}: {title}", severity="error")
            return
        self._stop_inline_edit()
        self._line_saved(row, title)

    def _inline_blurred(self, event: Input.Blurred) -> None:
        # Leaving the cell (a click elsewhere) stores a changed value, as the header's fields do;
        # a dialog on top (lookup, question) leaves the edit open.
        if not self._editing or isinstance(self.app.screen, ModalScreen) or not self.is_current:
            return
        row, field, title = self._editing
        value = event.value.strip()
        self._stop_inline_edit(focus=False)
        if value in (str(row.get(field) or ""), shown(row, field)):
            return
        refused = self._save_line(row, field, value)
        if refused is not None:
            if refused:
                self.notify(f"{refused}; the line is unchanged", title=f"{line_name(row)}: {title}",
                            severity="error")
            return
        self._line_saved(row, title)

    def leave_cell(self) -> None:
        """Esc in the cell editor: an edit not stored yet is asked about (save, discard, keep)."""
        row, field, title = self._editing
        editor = self.query_one("#cell-editor", Input)
        typed, stored = editor.value.strip(), shown(row, field)
        if typed == stored:
            self._stop_inline_edit()
            return

        def answered(save):
            if save is None:
                editor.focus()
                return
            if save:
                self._inline_submitted(Input.Submitted(editor, editor.value))
                return
            self._stop_inline_edit()

        self.app.push_screen(ask_unsaved(f"Line {row['line_no']} {title}", typed, stored), answered)

    def _save_line(self, row: dict, field: str, value) -> str | None:
        """Store one field of the line `row` as shown (see _save_line_fields)."""
        refused = self._save_line_fields(row, {field: value})
        if refused == "" and self._editing:  # another user's change: the edit is over
            self._stop_inline_edit()
        return refused

    def _line_saved(self, row: dict, title: str) -> None:
        self.reload()
        self.notify(f"{title} saved for {line_name(row)}", timeout=2)

    def jump_to_line(self, line_no: int) -> None:
        from ....services import lookups

        if self.source.provisional:  # the cursor may go past the stand-in count
            self.source.count_now()
            self.sheet.refresh_data()
        self.sheet.move_cursor(row=lookups.line_position(self.segment_no, int(line_no)))
        self.sheet.focus()



def line_name(row: dict) -> str:
    """A line in the user's words: its contact, not its internal line number."""
    name = " ".join(str(x) for x in (row.get("contact_no"), row.get("contact_name")) if x)
    return visible(name) or f"line {row['line_no']}"


def shown(row: dict, field: str) -> str:
    """A line field's text as the cell editor shows it (control characters as escapes)."""
    return visible(str(row.get(field) or ""))


def line_version(row: dict) -> dict:
    """The keyword that passes the line's version as shown. Pages read by key carry no version:
    it is worked out from the values shown, as the service does."""
    from ....services import segments

    version = row.get("version")
    return {"expected_version": segments.line_version(row) if version is None else version}


def cell(field: str):
    """How a line's cell shows its value: choices in words, stored text with control
    characters as visible escapes (an escape sequence in a description never reaches the terminal)."""
    if field in ("correspondence_type", "evaluation"):
        return lambda value: visible(label(field, value))
    return lambda value: visible(cell_text(value))


def sheet_columns():
    """The lines sheet's columns (key, title, width)."""
    from ...widgets.sheet import Column

    return [Column(key, title, width, format=cell(key)) for key, title, width, _editable in LINE_COLUMNS]

