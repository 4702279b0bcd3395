"""Interaction log entries (key i): a virtual list with a filter bar; cancel or restore,
evaluate, resend, the document's name and saving it, statistics, delete canceled."""
from __future__ import annotations

from rich.table import Table
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from ...errors import SegtuiError
from ...models import CORRESPONDENCE_TYPES, EVALUATIONS
from ..widgets.progress import ProgressScreen
from ..widgets.sheet import Column, Sheet, option_text
from .base import KeyPagedSource, ListScreen
from .dialogs import ChoiceDialog, ConfirmDialog, Field, FormDialog

ENTRY_COLUMNS = [
    Column("entry_no", "Entry", 7, "right"),
    Column("canceled", "Canc.", 5, "center", format=lambda v: "yes" if v else ""),
    Column("date", "Date", 10),
    Column("contact_no", "Contact", 9),
    Column("contact_name", "Name", 20),
    Column("interaction_template_code", "Template", 8),
    Column("description", "Description", 24),
    Column("correspondence_type", "Corresp.", 9, format=option_text),
    Column("evaluation", "Evaluation", 13, format=option_text),
    Column("segment_no", "Segment", 8),
    Column("delivery_status", "Delivery", 11, format=option_text),
    Column("has_attachment", "Doc", 3, "center", format=lambda v: "✓" if v else ""),
]


def option_label(value: str) -> str:
    return value.replace("_", " ").capitalize() if value else "(blank)"


def entries_source(filters) -> KeyPagedSource:
    from ...services import interactions

    filters = list(filters)

    def fetch(limit, after, offset):
        return interactions.list_interactions(filters, limit=limit, offset=offset, after_entry_no=after)

    return KeyPagedSource(fetch, lambda: interactions.count_interactions(filters), "entry_no")


class InteractionsScreen(ListScreen):
    HELP_TITLE = "Interaction log entries"
    SHEET_TITLE = "Interaction log entries"
    KEY_FIELD = "entry_no"
    OPEN_LABEL = "Open"
    OPEN_ID = "entry_details"
    FILTER_PLACEHOLDER = "filter entries: date=2026-01-01..  evaluation=positive  contact_name=@*berg*  (Enter)"
    FILTER_HINT = ("FIELD=EXPRESSION …  date=t  template_code=LETTER  segment_no=SM00001  canceled=false  "
                   "contact_name=@nord*")
    BINDINGS = [
        Binding("f8", "toggle_canceled", "(Un)cancel", id="toggle_canceled_entries",
                tooltip="Cancel or restore the entries"),
        Binding("ctrl+e", "evaluate", "Evaluate", id="evaluate"),
        Binding("f5", "resend", "Resend", id="resend"),
        Binding("ctrl+s", "save_document", "Save doc", id="save_document", tooltip="Save the document of the entry"),
        Binding("ctrl+t", "statistics", "Stats", id="statistics", tooltip="Statistics per template and group"),
        Binding("ctrl+d", "delete_canceled", "Del. canceled", id="delete_canceled_entries"),
    ]

    def __init__(self, filters=None, filter_text: str = "", title: str = "") -> None:
        super().__init__(filters, filter_text)
        self.heading = title

    def on_mount(self) -> None:
        super().on_mount()
        if self.heading:
            self.sub_title = self.heading

    def make_source(self, filters):
        return entries_source(filters)

    def columns(self):
        return ENTRY_COLUMNS

    def validate_filters(self, pairs) -> None:
        from ...services import interactions

        interactions.condition(pairs)

    def describe_filters(self) -> str:
        text = "All entries" if not self.filters else super().describe_filters()
        return text + "   space marks rows"

    def empty_text(self) -> str:
        if self.filters:
            return "No interaction log entry matches this filter"
        return "No interactions yet: they are created when a segment is logged"

    # --- actions ----------------------------------------------------------------------------------

    def _keys(self) -> list:
        keys = self.selected_keys()
        if not keys:
            self.notify("There is no entry here", severity="warning")
        return keys

    def _done(self, text: str, title: str) -> None:
        self.sheet.clear_marks()
        self.reload()
        self.notify(text, title=title)

    @on(Sheet.CellEdit)
    def _open(self, event: Sheet.CellEdit) -> None:
        event.stop()
        self.action_details()

    def action_details(self) -> None:
        row = self.sheet.current_row
        if not row:
            return
        from ...services import documents

        try:
            document = documents.entry_document(row["entry_no"])
        except SegtuiError as exc:
            self.error(exc, "Entry")
            return
        self.app.push_screen(EntryDetails(row, document))

    def action_toggle_canceled(self) -> None:
        from ...services import interactions

        keys = self._keys()
        if not keys:
            return
        try:
            result = interactions.toggle_canceled(keys)
        except SegtuiError as exc:
            self.error(exc, "Cancel or restore")
            return
        parts = []
        if result["canceled"]:
            parts.append(f"canceled {len(result['canceled']):,}")
        if result["restored"]:
            parts.append(f"restored {len(result['restored']):,}")
        self._done("Entries " + ", ".join(parts), "Interaction log entries")

    def action_evaluate(self) -> None:
        from ...services import interactions

        keys = self._keys()
        if not keys:
            return

        def chosen(value) -> None:
            if value is None:
                return
            try:
                result = interactions.evaluate(keys, value)
            except SegtuiError as exc:
                self.error(exc, "Evaluate")
                return
            self._done(f"Evaluation {option_label(value).lower()} set on {result['updated']:,} entries", "Evaluate")

        self.app.push_screen(ChoiceDialog(f"Evaluate {len(keys):,} entries",
                                          [(v, option_label(v)) for v in EVALUATIONS]), chosen)

    def action_resend(self) -> None:
        from ...services import interactions

        keys = self._keys()
        if not keys:
            return
        choices = [("", "Same correspondence type")] + [(v, option_label(v)) for v in CORRESPONDENCE_TYPES if v]

        def chosen(value) -> None:
            if value is None:
                return

            def job(progress, cancelled):
                progress(0, len(keys))
                return interactions.resend(keys, correspondence_type=value or None)

            def done(outcome) -> None:
                kind, result = outcome
                if kind == "error":
                    self.notify(result, severity="error", title="Resend")
                    return
                if kind == "cancelled":
                    self.notify("Resend cancelled: nothing was resent", title="Resend")
                    return
                new = result.get("entries") or []
                errors = result.get("errors", 0)
                self._done(f"Resent as {len(new):,} new entries; delivered {result.get('delivered', 0):,}"
                           + (f", {errors:,} failed (see Delivery)" if errors else ""), "Resend")

            # Delivery merges and sends documents: it can take a while, so it runs in a worker.
            self.app.push_screen(ProgressScreen(f"Resending {len(keys):,} entries…", job), done)

        self.app.push_screen(ChoiceDialog(f"Resend {len(keys):,} entries", choices,
                                          note="New entries \"Resend: …\" with today's date"), chosen)

    def action_save_document(self) -> None:
        row = self.sheet.current_row
        if not row:
            return
        from ...services import documents

        try:
            document = documents.entry_document(row["entry_no"])
        except SegtuiError as exc:
            self.error(exc, "Document")
            return
        if not document["bytes"]:
            self.notify(f"Entry {row['entry_no']} has no document", severity="warning", title="Document")
            return

        def save(values) -> None:
            documents.save_entry_document(row["entry_no"], values["path"])

        def saved(values) -> None:
            if values:
                self.notify(f"Document saved as {values['path']}", title="Document")

        self.app.push_screen(FormDialog(f"Save the document of entry {row['entry_no']}", [
            Field("path", "Save as", document["name"] or f"entry-{row['entry_no']}.docx"),
        ], save=save, note=f"{document['name']} ({document['bytes']:,} bytes)   ctrl+s or Enter saves"), saved)

    def action_statistics(self) -> None:
        from ...services import interactions

        try:
            by_template = interactions.statistics("template")
            by_group = interactions.statistics("group")
        except SegtuiError as exc:
            self.error(exc, "Statistics")
            return
        self.app.push_screen(StatisticsScreen(by_template, by_group))

    def action_delete_canceled(self) -> None:
        from ...services import interactions

        def answer(yes) -> None:
            if not yes:
                return
            try:
                result = interactions.delete_canceled()
            except SegtuiError as exc:
                self.error(exc, "Delete canceled")
                return
            self._done(f"Deleted {result['deleted']:,} canceled entries", "Delete canceled")

        self.app.push_screen(ConfirmDialog("Delete canceled", "Delete every canceled interaction log entry? "
                                           "This cannot be undone.", yes="Delete"), answer)


class EntryDetails(ModalScreen[None]):
    DEFAULT_CSS = """
    EntryDetails { align: center middle; }
    EntryDetails > #box { width: 90; max-width: 95%; height: auto; max-height: 90%;
        border: round $accent; border-title-color: $accent; background: $panel; padding: 0 1; }
    """
    BINDINGS = [Binding("escape", "close", "Close", id="close_details"),
                Binding("ctrl+n", "add_comment", "Comment", id="add_comment")]

    def __init__(self, row: dict, document: dict) -> None:
        super().__init__()
        self.row, self.document = row, document

    def compose(self) -> ComposeResult:
        row = self.row
        table = Table.grid(padding=(0, 2))
        table.add_column(style="dim", no_wrap=True)
        table.add_column()
        for key in ("entry_no", "date", "time_of_interaction", "contact_no", "contact_name", "contact_company_name",
                    "interaction_template_code", "interaction_group_code", "description", "subject",
                    "correspondence_type", "language_code", "salesperson_code", "campaign_no", "cost",
                    "duration_min", "evaluation", "segment_no", "logged_segment_entry_no", "user_id",
                    "canceled", "delivery_status", "delivery_error"):
            value = row.get(key)
            if isinstance(value, bool):
                value = "yes" if value else "no"
            table.add_row(key.replace("_", " ").capitalize(), "" if value is None else str(value))
        doc = self.document
        table.add_row("Document", f"{doc['name']} ({doc['bytes']:,} bytes): ctrl+s on the list saves it"
                      if doc["bytes"] else "none")
        box = Vertical(id="box")
        box.border_title = f"Interaction log entry {row['entry_no']}"
        with box:
            with VerticalScroll():
                yield Static(table)
                yield Static(self._comments(), id="entry-comments", markup=False)
        yield Footer(compact=True)

    def _comments(self) -> str:
        from ...services import interaction_entry

        lines = [f"{c['date']}  {c['user_id']:<10} {c['comment']}"
                 for c in interaction_entry.comments(self.row["entry_no"])]
        return "Comments (ctrl+n adds one)\n" + ("\n".join(lines) if lines else "none")

    def action_add_comment(self) -> None:
        from ...services import interaction_entry

        no = self.row["entry_no"]

        def save(values) -> None:
            interaction_entry.add_comment(no, values["comment"])

        def done(values) -> None:
            if values is not None:
                self.query_one("#entry-comments", Static).update(self._comments())

        self.app.push_screen(FormDialog(f"Comment on entry {no}", [Field("comment", "Comment")], save=save), done)

    def action_close(self) -> None:
        self.dismiss(None)


class StatisticsScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    StatisticsScreen { align: center middle; }
    StatisticsScreen > #box { width: 90; max-width: 95%; height: auto; max-height: 90%;
        border: round $accent; border-title-color: $accent; background: $panel; padding: 0 1; }
    """
    BINDINGS = [Binding("escape", "close", "Close", id="close_statistics")]

    def __init__(self, by_template: list, by_group: list) -> None:
        super().__init__()
        self.by_template, self.by_group = by_template, by_group

    def compose(self) -> ComposeResult:
        box = Vertical(id="box")
        box.border_title = "Statistics (canceled entries left out)"
        with box:
            for title, rows in (("Per interaction template", self.by_template),
                                ("Per interaction group", self.by_group)):
                table = Table(title=title, expand=True, title_justify="left")
                for name, justify in (("Code", "left"), ("Description", "left"), ("Count", "right"),
                                      ("Cost", "right"), ("Duration (min)", "right")):
                    table.add_column(name, justify=justify)
                for r in rows:
                    table.add_row(r["code"], r["description"], f"{r['count']:,}", f"{r['cost']:,.2f}",
                                  f"{r['duration']:,.2f}")
                yield Static(table)
        yield Footer(compact=True)

    def action_close(self) -> None:
        self.dismiss(None)
