"""Contacts (key c): every contact in a virtual list with a filter bar; new, delete, Create
Interaction; the contact card (contact_card.py); import."""
from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Footer, Input, Label, Select, Static

from ...errors import SegtuiError
from ...labels import plural
from ..widgets.progress import ProgressScreen
from ..widgets.sheet import Column, CountLaterSource, Sheet, option_text
from .base import ListScreen
from .contact_card import ContactCard, open_interaction_dialog, open_new_contact_dialog
from .dialogs import ConfirmDialog

CONTACT_COLUMNS = [
    Column("no", "No.", 9),
    Column("type", "Type", 7, format=option_text),
    Column("name", "Name", 26),
    Column("company_name", "Company", 26),
    Column("city", "City", 14),
    Column("post_code", "Post code", 9),
    Column("country_code", "Ctry", 4),
    Column("salesperson_code", "Salesp.", 7),
    Column("correspondence_type", "Corresp.", 9, format=option_text),
    Column("email", "E-mail", 30),
    Column("phone", "Phone", 16),
]


def contacts_source(filters) -> CountLaterSource:
    """Contacts read by number from either end (ctrl+End reads the last ones by key, never an
    OFFSET), counted by the screen's worker while a first page stands in for the count."""
    from ...services import contacts

    filters = list(filters)

    def fetch(limit, after=None, before=None, last=False, offset=0):
        return contacts.list_contacts(filters, limit=limit, offset=offset, after_no=after, before_no=before,
                                      last=last)

    return CountLaterSource(fetch, lambda: contacts.count_contacts(filters), "no")


class ContactsScreen(ListScreen):
    HELP_TITLE = "Contacts"
    SHEET_TITLE = "Contacts"
    FILTER_PLACEHOLDER = "filter contacts: city=@malmö|lund  mailing_group=FAIR  (Enter applies)"
    FILTER_HINT = ("FIELD=EXPRESSION …  city=@ber*  type=company  salesperson_code=JO|KL  "
                   "mailing_group=FAIR  interaction.date=2026-01-01..")
    OPEN_LABEL = "Card"
    OPEN_ID = "contact_card"
    BINDINGS = [
        Binding("ctrl+o", "import_contacts", "Import", id="import_contacts"),
        Binding("ctrl+n", "new_contact", "New", id="new_contact"),
        Binding("delete", "delete_contact", "Delete", id="delete_contact"),
        Binding("f9", "new_interaction", "Interaction", id="new_interaction"),
    ]

    def make_source(self, filters):
        return contacts_source(filters)

    def columns(self):
        return CONTACT_COLUMNS

    def validate_filters(self, pairs) -> None:
        from ...services import contacts

        contacts.check_filters(pairs)

    def describe_filters(self) -> str:
        if not self.filters:
            return "All contacts"
        return super().describe_filters()

    def empty_text(self) -> str:
        if self.filters:
            return "No contact matches this filter"
        return "No contacts yet: ctrl+o imports a CSV or vCard file"

    @on(Sheet.CellEdit)
    def _cell(self, event: Sheet.CellEdit) -> None:
        event.stop()
        self.action_open_card()

    def action_open_card(self) -> None:
        row = self.sheet.current_row
        if not row:
            return
        from ...services import contacts

        try:
            card = contacts.contact_card(row["no"])
        except SegtuiError as exc:
            self.error(exc, "Contact")
            return
        def closed(changed) -> None:
            if changed:
                self.reload()

        self.app.push_screen(ContactCard(card), closed)

    def action_new_contact(self) -> None:
        def done(contact) -> None:
            if contact:
                self.reload()

        open_new_contact_dialog(self, done)

    def action_delete_contact(self) -> None:
        row = self.sheet.current_row
        if not row:
            return
        from ...services import contact_edit

        def answer(yes) -> None:
            if not yes:
                return
            try:
                contact_edit.delete_contact(row["no"])
            except SegtuiError as exc:
                self.error(exc, "Delete")
                return
            self.reload()
            self.notify(f"Contact {row['no']} deleted", timeout=2)

        self.app.push_screen(ConfirmDialog("Delete contact", f"Delete {row['no']} {row.get('name', '')}?",
                                           yes="Delete"), answer)

    def action_new_interaction(self) -> None:
        row = self.sheet.current_row
        if row:
            open_interaction_dialog(self, row["no"], lambda entry: None)

    def action_import_contacts(self) -> None:
        def done(result) -> None:
            if result:
                self.reload()

        self.app.push_screen(ImportDialog(), done)


# --- import ----------------------------------------------------------------------------------------------

FORMATS = [("Recognise from the file", ""), ("CSV", "csv"), ("vCard", "vcard")]


class ImportDialog(ModalScreen[bool]):
    """Choose a file, see its first rows and every rejected one, then import (in a worker)."""

    DEFAULT_CSS = """
    ImportDialog { align: center middle; }
    ImportDialog > #import {
        width: 110; max-width: 98%; height: 90%;
        border: round $accent; border-title-color: $accent; background: $panel; padding: 0 1;
    }
    ImportDialog .form-row { height: 1; margin-bottom: 1; }
    ImportDialog #import-summary { height: auto; margin: 1 0; }
    ImportDialog #import-preview { height: 1fr; }
    ImportDialog #import-rejected { height: auto; max-height: 10; color: $warning; }
    ImportDialog #import-buttons { height: auto; align-horizontal: right; }
    ImportDialog Button { margin-left: 2; }
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="cancel_import"),
        Binding("f5", "preview", "Preview", id="preview_import"),
        Binding("ctrl+s", "commit", "Import", id="commit_import"),
    ]

    def __init__(self, path: str = "") -> None:
        super().__init__()
        self.path = path
        self.preview: dict | None = None
        self.previewed: tuple | None = None

    def compose(self) -> ComposeResult:
        box = Vertical(id="import")
        box.border_title = "Import contacts"
        with box:
            with Horizontal(classes="form-row"):
                yield Label("File")
                yield Input(self.path, placeholder="path to a .csv or .vcf file (Outlook and Google exports "
                            "are recognised)", id="import-path", compact=True)
            with Horizontal(classes="form-row"):
                yield Label("Format")
                yield Select(FORMATS, value="", allow_blank=False, id="import-format", compact=True)
            with Horizontal(classes="form-row"):
                yield Label("Columns")
                yield Input("", placeholder="only for unusual CSV headers: Firma=company_name Ort=city "
                            "(COLUMN=FIELD, quote names with spaces)", id="import-map", compact=True)
            yield Static("Enter or F5 shows a preview; nothing is imported before ctrl+s.", id="import-summary")
            yield DataTable(id="import-preview", cursor_type="row", zebra_stripes=True)
            yield Static("", id="import-rejected", markup=False)
            with Horizontal(id="import-buttons"):
                yield Button("Cancel (Esc)", id="cancel")
                yield Button("Import (ctrl+s)", id="commit", variant="primary", disabled=True)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#import-path", Input).focus()

    def _choice(self) -> tuple[str, str | None, tuple]:
        path = self.query_one("#import-path", Input).value.strip()
        fmt = self.query_one("#import-format", Select).value or None
        return path, fmt, tuple(self._mapping().items())

    def _mapping(self) -> dict:
        """COLUMN=FIELD pairs typed in the Columns field; "Post Ort"=city quotes a name with spaces."""
        import shlex

        try:
            words = shlex.split(self.query_one("#import-map", Input).value)
        except ValueError as exc:
            raise SegtuiError(f"a quote is not closed ({exc})") from None
        mapping = {}
        for word in words:
            column, sep, field = word.partition("=")
            if not sep or not column or not field:
                raise SegtuiError(f"{word!r} must be COLUMN=FIELD, e.g. Ort=city")
            mapping[column] = field
        return mapping

    @on(Input.Submitted, "#import-path, #import-map")
    def _submitted(self) -> None:
        self.action_preview()

    def action_preview(self) -> None:
        from ...services import contact_io

        try:
            path, fmt, mapping = self._choice()
        except SegtuiError as exc:
            self.notify(f"Columns: {exc}", severity="error", title="Import")
            return
        if not path:
            self.notify("Type the path of the file to import", severity="warning", title="Import")
            return
        if not Path(path).expanduser().is_file():
            self.notify(f"There is no file {path}", severity="error", title="Import")
            return
        try:
            parsed = contact_io.read_file(str(Path(path).expanduser()), format=fmt, mapping=dict(mapping) or None)
        except SegtuiError as exc:
            self.notify(str(exc), severity="error", title="Import")
            self.query_one("#commit", Button).disabled = True
            return
        self.preview = parsed.preview(20)
        self.previewed = (path, fmt, mapping)
        self._show_preview()

    def _show_preview(self) -> None:
        preview = self.preview or {}
        rows = preview.get("rows") or []
        table = self.query_one("#import-preview", DataTable)
        table.clear(columns=True)
        keys = ["line", "type", "name", "company_name", "city", "email", "problem"]
        for key in keys:
            table.add_column(key.replace("_", " ").capitalize(), key=key)
        for row in rows:
            fields = row.get("fields") or {}
            table.add_row(str(row.get("line", "")), fields.get("type", ""), fields.get("name", ""),
                          fields.get("company_name") or row.get("organisation", ""), fields.get("city", ""),
                          fields.get("email", ""), "; ".join(row.get("errors") or []))
        rejected = preview.get("rejected") or []
        warnings = preview.get("warnings") or []
        unmapped = preview.get("unmapped_columns") or []
        total = preview.get("total", 0)
        below = ("It is below." if len(rows) == 1 else f"All {len(rows):,} are below." if len(rows) == total
                 else f"The first {len(rows):,} are below.")
        summary = (f"{plural(total, 'row')} read as {preview.get('format', '')} "
                   f"({preview.get('source', '')}, {preview.get('encoding', '')}): {preview.get('good', 0):,} "
                   f"can be imported, {len(rejected):,} rejected, {plural(len(warnings), 'warning')}; a company a "
                   f"row names is created when it is not there yet. {below}")
        self.query_one("#import-summary", Static).update(summary)
        # First the columns left behind (one line, said even when nothing in them looks like
        # contact data), then the rejected rows and the warnings: the box shows ten lines.
        lines = ["Columns not read: " + ", ".join(unmapped)] if unmapped else []
        lines += [f"line {r['line']}: {r['reason']}" for r in rejected[:50]]
        if len(rejected) > 50:
            lines.append(f"… and {len(rejected) - 50:,} more rejected")
        lines += [f"warning, line {w['line']}, {w['field']}: {w['reason']}" for w in warnings[:50]]
        if len(warnings) > 50:
            lines.append(f"… and {len(warnings) - 50:,} more warnings")
        self.query_one("#import-rejected", Static).update(Text("\n".join(lines)) if lines else "")
        self.query_one("#commit", Button).disabled = not preview.get("good")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "commit":
            self.action_commit()
        else:
            self.action_cancel()

    def action_cancel(self) -> None:
        self.dismiss(False)

    def action_commit(self) -> None:
        try:
            choice = self._choice()
        except SegtuiError:
            choice = None
        if self.preview is None or self.previewed != choice:
            self.notify("Look at the preview first (Enter or F5)", severity="warning", title="Import")
            return
        if not self.preview.get("good"):
            self.notify("No row of this file can be imported", severity="error", title="Import")
            return
        path, fmt, mapping = self.previewed
        full = str(Path(path).expanduser())

        def job(progress, cancelled):
            from ...services import contact_io

            return contact_io.import_contacts(full, format=fmt, mapping=dict(mapping) or None, progress=progress)

        def done(outcome) -> None:
            kind, value = outcome
            if kind == "done":
                self.notify(import_summary(value), title="Import")
                self.dismiss(True)
            elif kind == "error":
                self.notify(f"Nothing was imported: {value}", severity="error", title="Import")
            else:
                self.notify("Import cancelled: nothing was imported", title="Import")

        self.app.push_screen(ProgressScreen(f"Importing {Path(path).name}…", job), done)


def import_summary(result: dict) -> str:
    """What an import did, in words that explain the count: companies it created are contacts too."""
    from ...labels import plural

    new, companies = int(result.get("imported") or 0), int(result.get("companies") or 0)
    text = f"Imported {plural(new, 'new contact')}"
    if companies:
        text += f" ({plural(companies, 'company', 'companies')} among them, created for the people who name them)"
    text += f", updated {int(result.get('updated') or 0):,}"
    rejected = len(result.get("rejected") or [])
    if rejected:
        text += f"; {plural(rejected, 'row')} rejected"
    return text
