"""Logged segments (key g): list, cancel or restore, follow-up segment, open the entries, delete
canceled, deliver what is pending, cut off or failed."""
from __future__ import annotations

from textual import on
from textual.binding import Binding

from ...errors import SegtuiError
from ...labels import options, plural
from ..widgets.sheet import Column, ListSource, Sheet
from .base import ListScreen
from ..widgets.progress import ProgressScreen
from .dialogs import ConfirmDialog, Field, FormDialog

LOGGED_COLUMNS = [
    Column("entry_no", "Entry", 6, "right"),
    Column("segment_no", "Segment", 9),
    Column("description", "Description", 36),
    Column("creation_date", "Created", 10),
    Column("user_id", "User", 10),
    Column("no_of_interactions", "Interactions", 12, "right", format=lambda v: f"{int(v or 0):,}"),
    Column("no_of_campaign_entries", "Campaign entries", 16, "right", format=lambda v: f"{int(v or 0):,}"),
    Column("canceled", "Canceled", 8, "center", format=lambda v: "yes" if v else ""),
]


class LoggedSource(ListSource):
    """Logged segments are few (one per mailing): read them at once, newest last."""

    def __init__(self) -> None:
        super().__init__()
        self._loaded = False

    def _load(self) -> None:
        if not self._loaded:
            from ...services import logged

            self.data = logged.list_logged()
            self._loaded = True

    def count(self) -> int:
        self._load()
        return super().count()

    def rows(self, offset, limit):
        self._load()
        return super().rows(offset, limit)

    def invalidate(self) -> None:
        self._loaded = False


class LoggedSegmentsScreen(ListScreen):
    HELP_TITLE = "Logged segments"
    SHEET_TITLE = "Logged segments"
    KEY_FIELD = "entry_no"
    OPEN_LABEL = "Entries"
    OPEN_ID = "open_entries"
    BINDINGS = [
        Binding("f8", "toggle_canceled", "(Un)cancel", id="toggle_canceled",
                tooltip="Cancel or restore the logged segments"),
        Binding("f5", "follow_up", "Follow-up", id="follow_up"),
        Binding("ctrl+d", "delete_canceled", "Del. canceled", id="delete_canceled"),
        Binding("f4", "resend", "Resend", id="resend_logged",
                tooltip="Resend the documents as new entries: correspondence type, update merge fields"),
        Binding("f9", "deliver", "Deliver", id="deliver_logged",
                tooltip="Deliver the entries that are pending, were cut off or failed (never one already sent)"),
    ]

    def has_filter_bar(self) -> bool:
        return False

    def make_source(self, filters):
        return LoggedSource()

    def columns(self):
        return LOGGED_COLUMNS

    def empty_text(self) -> str:
        return "No logged segments yet: log a segment with F9 on its worksheet"

    def describe_filters(self) -> str:
        return "space marks rows"

    @on(Sheet.CellEdit)
    def _open(self, event: Sheet.CellEdit) -> None:
        event.stop()
        self.action_open_entries()

    def action_open_entries(self) -> None:
        row = self.sheet.current_row
        if not row:
            return
        from .interactions import InteractionsScreen

        no = row["entry_no"]
        self.app.push_screen(InteractionsScreen(filters=[("logged_segment_entry_no", str(no))],
                                                filter_text=f"logged_segment_entry_no={no}",
                                                title=f"Entries of logged segment {no} ({row['segment_no']})"))

    def action_toggle_canceled(self) -> None:
        keys = self.selected_keys()
        if not keys:
            return
        canceled = {r["entry_no"] for r in self.source.data if r.get("canceled")}
        to_cancel = [k for k in keys if k not in canceled]
        if not to_cancel:  # restoring only: nothing is lost
            self._toggle_canceled(keys)
            return
        which = "logged segment" if len(to_cancel) == 1 else "logged segments"
        self.app.push_screen(ConfirmDialog(
            "Cancel logged segments",
            f"Cancel {which} {', '.join(map(str, to_cancel))} with "
            f"{'its' if len(to_cancel) == 1 else 'their'} interactions and campaign entries? Canceled "
            "interactions leave the statistics and reuse; F8 again restores them.", yes="Cancel them"),
            lambda yes: self._toggle_canceled(keys) if yes else None)

    def _toggle_canceled(self, keys) -> None:
        from ...services import logged

        try:
            result = logged.toggle_canceled(keys)
        except SegtuiError as exc:
            self.error(exc, "Cancel or restore")
            return
        self.sheet.clear_marks()
        self.reload()
        parts = []
        for done in ("canceled", "restored"):
            nos = result[done]
            if nos:
                which = "logged segment" if len(nos) == 1 else "logged segments"
                parts.append(f"{done.capitalize()} {which} {', '.join(map(str, nos))}")
        changed = len(result["canceled"]) + len(result["restored"])
        self.notify("; ".join(parts) + (" with its" if changed == 1 else " with their")
                    + " interactions and campaign entries", title="Logged segments")

    def action_follow_up(self) -> None:
        row = self.sheet.current_row
        if not row:
            return
        from ...services import logged

        def answer(yes) -> None:
            if not yes:
                return
            try:
                header = logged.follow_up(row["entry_no"])
            except SegtuiError as exc:
                self.error(exc, "Follow-up")
                return
            self.notify(f"Segment {header['no']} created: {header.get('description', '')}. "
                        "F6 shows the segments.", title="Follow-up")
            self.app.refresh_screens()

        self.app.push_screen(ConfirmDialog(
            "Follow-up segment",
            f"Create a new segment with the {plural(int(row.get('no_of_interactions') or 0), 'contact')} of "
            f"logged segment "
            f"{row['entry_no']} ({row['segment_no']} {row.get('description', '')})?", yes="Create"), answer)

    def action_delete_canceled(self) -> None:
        from ...services import logged

        canceled = [r for r in self.source.data if r.get("canceled")]
        if not canceled:
            self.notify("No logged segment is canceled: nothing to delete", title="Delete canceled")
            return

        def answer(yes) -> None:
            if not yes:
                return
            try:
                result = logged.delete_canceled()
            except SegtuiError as exc:
                self.error(exc, "Delete canceled")
                return
            self.reload()
            self.notify(f"Deleted {plural(int(result['deleted']), 'canceled logged segment')} with "
                        f"{'its' if result['deleted'] == 1 else 'their'} entries",
                        title="Delete canceled")

        self.app.push_screen(ConfirmDialog(
            "Delete canceled", f"Delete {plural(len(canceled), 'canceled logged segment')} with "
            f"{'its' if len(canceled) == 1 else 'their'} interaction log entries and campaign entries? "
            "This cannot be undone.", yes="Delete"), answer)

    def action_deliver(self) -> None:
        """Deliver what is unfinished in the current logged segment, in a worker (mail takes time)."""
        from ...services import delivery

        row = self.sheet.current_row
        if not row:
            return
        no = row["entry_no"]
        try:
            state = delivery.delivery_state(no)
        except SegtuiError as exc:
            self.error(exc, "Deliver")
            return
        todo = state["pending"] + state["errors"]
        if not todo:
            self.notify(f"Logged segment {no}: nothing to deliver ({state['delivered']:,} delivered already)",
                        title="Deliver")
            return

        def job(progress, cancelled):
            progress(0, todo, "entries delivered")
            return delivery.deliver_logged_segment(no, progress=progress)

        def done(outcome) -> None:
            kind, result = outcome
            self.reload()
            if kind == "error":
                self.notify(result, severity="error", title="Deliver")
            elif kind == "cancelled":
                self.notify("Delivery stopped: what was sent stays sent; F9 resumes the rest", title="Deliver")
            else:
                text = (f"Logged segment {no}: delivered {result['delivered']:,}, errors {result['errors']:,}, "
                        f"skipped {result['skipped']:,}")
                if result.get("failure"):
                    text += f". {result['failure']}"
                self.notify(text, title="Deliver", severity="warning" if result["errors"] or result.get("failure")
                            else "information")

        def answer(yes) -> None:
            if yes:
                self.app.push_screen(ProgressScreen(f"Delivering {todo:,} entries of logged segment {no}…", job), done)

        self.app.push_screen(ConfirmDialog(
            "Deliver", f"Deliver {state['pending']:,} pending and {state['errors']:,} failed entries of logged segment "
            f"{no}? Entries already sent are not sent again.", yes="Deliver"), answer)

    def action_resend(self) -> None:
        """Business Central's Resend: choose the correspondence type and whether to merge again."""
        row = self.sheet.current_row
        if not row:
            return
        no = row["entry_no"]
        fields = [
            Field("correspondence_type", "Correspondence type", "same", "choice",
                  [("same", "Same as each entry"), *options("correspondence_type", blank=False)]),
            Field("update_merge_fields", "Update merge fields", False, "bool"),
        ]

        def chosen(values) -> None:
            if values is None:
                return
            from ...services import resend

            def job(progress, cancelled):
                return resend.resend_logged(no, correspondence_type=values["correspondence_type"],
                                            update_merge_fields=bool(values["update_merge_fields"]),
                                            progress=progress)

            def done(outcome) -> None:
                kind, result = outcome
                self.reload()
                if kind == "error":
                    self.notify(result, severity="error", title="Resend")
                    return
                if kind == "cancelled":
                    self.notify("Resend stopped: what was sent stays sent", title="Resend")
                    return
                text = (f"Logged segment {no}: resent {plural(len(result['entries']), 'entry')}; delivered "
                        f"{result['delivered']:,}, errors {result['errors']:,}")
                if result["skipped"]:
                    text += f"; skipped {len(result['skipped']):,} ({result['skipped'][0]['reason']}...)"
                if result["failure"]:
                    text += f". {result['failure']}"
                self.notify(text, title="Resend",
                            severity="warning" if result["errors"] or result["failure"] else "information")

            self.app.push_screen(ProgressScreen(f"Resending logged segment {no}…", job), done)

        self.app.push_screen(FormDialog(f"Resend logged segment {no}", fields,
                                        note="New entries \"Resend: …\" with today's date. ctrl+s resends, Esc "
                                             "cancels"), chosen)
