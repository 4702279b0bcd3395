"""Interaction log entries (key i): a virtual list with a filter bar; cancel or restore,
evaluate, resend, the document's name and saving it, statistics, delete canceled."""
from __future__ import annotations

from rich.table import Table
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from ...errors import SegtuiError
from ...labels import field_label, label, options, plural
from ..widgets.progress import ProgressScreen, worker_connection
from ..widgets.sheet import Column, CountLaterSource, Sheet
from ..widgets.sources import read_around
from .base import ListScreen
from .dialogs import ChoiceDialog, ConfirmDialog, Field, FormDialog

# Delivery comes before Segment so that it is on screen at 120 columns (Segment is in the details).
ENTRY_COLUMNS = [
    Column("entry_no", "Entry", 6, "right"),
    Column("canceled", "Canc.", 5, "center", format=lambda v: "yes" if v else ""),
    Column("date", "Date", 10),
    Column("contact_no", "Contact", 9),
    Column("contact_name", "Name", 18),
    Column("interaction_template_code", "Template", 8),
    Column("description", "Description", 19),
    Column("correspondence_type", "Corresp.", 9, format=lambda v: label("correspondence_type", v)),
    Column("evaluation", "Evaluation", 13, format=lambda v: label("evaluation", v)),
    Column("delivery_status", "Delivery", 8, format=lambda v: label("delivery_status", v)),
    Column("has_attachment", "Doc", 3, "center", format=lambda v: "✓" if v else ""),
    Column("segment_no", "Segment", 8),
]

# The details of an entry: (field, title), titles in the user's words.
DETAIL_FIELDS = [
    ("entry_no", "Entry no."), ("date", "Date"), ("time_of_interaction", "Time"), ("contact_no", "Contact no."),
    ("contact_name", "Contact name"), ("contact_company_name", "Company"),
    ("interaction_template_code", "Interaction template"), ("interaction_group_code", "Interaction group"),
    ("description", "Description"), ("subject", "Subject"), ("correspondence_type", "Correspondence type"),
    ("information_flow", "Information flow"), ("initiated_by", "Initiated by"), ("language_code", "Language"),
    ("salesperson_code", "Salesperson"), ("campaign_no", "Campaign"), ("cost", "Cost"),
    ("duration_min", "Duration (min)"), ("evaluation", "Evaluation"), ("attempt_failed", "Attempt failed"),
    ("segment_no", "Segment"), ("logged_segment_entry_no", "Logged segment"), ("user_id", "User"),
    ("canceled", "Canceled"), ("delivery_status", "Delivery"), ("delivery_error", "Delivery error"),
]


def entries_source(filters) -> CountLaterSource:
    """Entries read by number from either end (ctrl+End reads the last ones by key, never an
    OFFSET), counted by the screen's worker while a first page stands in for the count."""
    from ...services import interactions

    filters = list(filters)

    def fetch(limit, after=None, before=None, last=False, offset=0):
        return interactions.list_interactions(filters, limit=limit, offset=offset, after_entry_no=after,
                                              before_entry_no=before, last=last)

    return CountLaterSource(fetch, lambda: interactions.count_interactions(filters), "entry_no")


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
        Binding("f3", "delivery_error", "Delivery error", id="delivery_error",
                tooltip="Show the delivery error of the entry, or go to the next entry with one"),
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
            parts.append(f"canceled {plural(len(result['canceled']), 'entry')}")
        if result["restored"]:
            parts.append(f"restored {plural(len(result['restored']), 'entry')}")
        self._done((", ".join(parts) or "nothing changed").capitalize(), "Interaction log entries")

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
            words = label("evaluation", value).lower() or "cleared"
            self._done(f"Evaluation {words} on {plural(result['updated'], 'entry')}", "Evaluate")

        self.app.push_screen(ChoiceDialog(f"Evaluate {plural(len(keys), 'entry')}", options("evaluation")),
                             chosen)

    def action_resend(self) -> None:
        from ...services import interactions

        keys = self._keys()
        if not keys:
            return
        choices = [("", "Same correspondence type")] + options("correspondence_type", blank=False)

        def chosen(value) -> None:
            if value is None:
                return

            def job(progress, cancelled):
                return interactions.resend(keys, correspondence_type=value or None, progress=progress)

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
                failure = f". {result['failure']}" if result.get("failure") else ""  # e.g. a canceled delivery
                self._done(f"Resent as {plural(len(new), 'new entry')}; delivered {result.get('delivered', 0):,}"
                           + (f", {errors:,} failed (F3 shows why)" if errors else "") + failure, "Resend")

            # Delivery merges and sends documents: it can take a while, so it runs in a worker.
            self.app.push_screen(ProgressScreen(f"Resending {plural(len(keys), 'entry')}…", job), done)

        self.app.push_screen(ChoiceDialog(f"Resend {plural(len(keys), 'entry')}", choices,
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

    def action_delivery_error(self) -> None:
        """F3: the current entry's delivery error; on an entry without one, the next entry with one."""
        row = self.sheet.current_row
        if not row:
            self.notify("There is no entry here", severity="warning")
            return
        if row.get("delivery_status") == "error":
            self.app.push_screen(DeliveryErrorDialog(row), self._after_error_dialog)
            return
        self.next_delivery_error(row["entry_no"])

    def next_delivery_error(self, after_entry_no: int) -> None:
        self._find_delivery_error(list(self.filters), after_entry_no, self.source, self.sheet.page_size)

    @work(thread=True, exclusive=True, group="entries-delivery-error", exit_on_error=False)
    def _find_delivery_error(self, filters, after_entry_no: int, source, page_size: int) -> None:
        """The next entry with an error and its row are found in a worker: on a million entries its
        row is a count, and its page deep in the list (read by key afterwards)."""
        from ...services import interactions

        wanted = [*filters, ("delivery_status", "error")]
        with worker_connection():
            try:
                found = interactions.list_interactions(wanted, limit=1, after_entry_no=after_entry_no)
                if not found and after_entry_no:  # wrap around to the first one
                    found = interactions.list_interactions(wanted, limit=1)
                position = None
                if found:
                    before = ("entry_no", f"..{found[0]['entry_no'] - 1}")
                    position = interactions.count_interactions([*filters, before])
                    read_around(source, position, page_size)
            except SegtuiError as exc:
                self.app.call_from_thread(self.error, exc, "Delivery error")
                return
            except Exception as exc:  # noqa: BLE001
                self.app.call_from_thread(self.notify, f"The list could not be read: {exc}", severity="error")
                return
        self.app.call_from_thread(self._show_delivery_error, filters, source, found, position)

    def _show_delivery_error(self, filters, source, found, position) -> None:
        if not self.is_attached or filters != self.filters or source is not self.source:
            return  # another filter came meanwhile
        if not found:
            self.notify("No entry in this list has a delivery error", title="Delivery")
            return
        self.sheet.recount()  # the worker may have counted the rows
        self.show_count()
        self.sheet.move_cursor(row=position)
        self.app.push_screen(DeliveryErrorDialog(found[0]), self._after_error_dialog)

    def _after_error_dialog(self, answer) -> None:
        if answer and answer.get("next"):
            self.next_delivery_error(answer["entry_no"])

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
            self._done(f"Deleted {plural(result['deleted'], 'canceled entry')}", "Delete canceled")

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
        for key, title in DETAIL_FIELDS:
            value = row.get(key)
            if isinstance(value, bool):
                value = "yes" if value else "no"
            elif isinstance(value, float):
                value = f"{value:,.2f}"
            else:
                value = field_label(key, value)
            table.add_row(title, value)
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


class DeliveryErrorDialog(ModalScreen[dict | None]):
    """Why an entry was not delivered; F3 goes on to the next entry with an error."""

    DEFAULT_CSS = """
    DeliveryErrorDialog { align: center middle; }
    DeliveryErrorDialog > #box { width: 76; max-width: 95%; height: auto; max-height: 90%;
        border: round $error; border-title-color: $error; background: $panel; padding: 0 1; }
    DeliveryErrorDialog #error { margin: 1 0; }
    DeliveryErrorDialog .note { color: $text-muted; }
    """
    BINDINGS = [Binding("escape", "close", "Close", id="close_delivery_error"),
                Binding("f3", "next", "Next error", id="next_delivery_error")]

    def __init__(self, row: dict) -> None:
        super().__init__()
        self.row = row

    def compose(self) -> ComposeResult:
        row = self.row
        box = Vertical(id="box")
        box.border_title = f"Delivery of entry {row['entry_no']}"
        who = " ".join(str(x) for x in (row.get("contact_no"), row.get("contact_name")) if x)
        kind = label("correspondence_type", row.get("correspondence_type")) or "no correspondence type"
        with box:
            yield Static(f"{who}   {kind}   {label('delivery_status', row.get('delivery_status')) or 'Delivered'}")
            yield Static(row.get("delivery_error") or "No delivery error", id="error")
            yield Static("F5 on the list resends it   F3 next error   Esc closes", classes="note")
        yield Footer(compact=True)

    def action_next(self) -> None:
        self.dismiss({"next": True, "entry_no": self.row["entry_no"]})

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
