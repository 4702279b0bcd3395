"""The worksheet's long work (a worker thread, a progress bar, Esc cancels) and its actions
on the whole segment: merge preview, export, log, new segment."""
from __future__ import annotations

import os
from pathlib import Path

from textual import work
from textual.widgets import Label, ProgressBar
from textual.worker import Worker, WorkerState

from ....errors import SegtuiError
from ....labels import plural
from ...widgets.progress import LongWork, Outcome, cancelled_text, progress_text
from ..log_dialog import LogDialog
from ..segment_dialogs import FormDialog, FormField
from .header import lookup_search


class SegmentActions:
    """Long work and the whole-segment actions of WorksheetScreen (a mixin)."""

    _long: LongWork | None = None

    @property
    def _cancel_requested(self) -> bool:
        return self._long is not None and self._long.cancelled.is_set()

    def run_long(self, label: str, fn, done, failed=None, progress: bool = False, cancelled=None) -> bool:
        """Run `fn` in a worker thread (widgets.progress.LongWork) with the bar under the lines;
        `done(result)` / `failed(exc)` after, `cancelled(text)` (default: a message) on Esc.

        With progress=True, `fn(progress=report)` is given the services' Progress listener: the
        bar then fills and counts ("Merging 120 of 300 letters"); otherwise it shows that work
        goes on. Esc stops the work at its next report or interrupts its statement.
        """
        if not self._idle():
            return False
        self._busy = True
        self.busy_what = label  # what runs, in the user's words (quitting asks about it)
        self._long = LongWork(self.app, self.show_progress)
        self.query_one("#busy-label", Label).update(label)
        self.query_one("#busy-label", Label).display = True
        self.query_one("#busy-bar", ProgressBar).update(total=None, progress=0)
        self.query_one("#busy-count", Label).update("")
        job = (lambda report: fn(progress=report)) if progress else (lambda report: fn())
        self.query_one("#busy").add_class("-shown")
        self.query_one("#keys").display = False
        self.refresh_keys()
        self._long_worker(self._long, job, done, failed, cancelled)
        return True

    @work(thread=True, group="worksheet-long", exit_on_error=False)
    def _long_worker(self, long_work: LongWork, job, done, failed, cancelled):
        return long_work.run(job), done, failed, cancelled

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # Finished once the worker has ended: `done` may close the worksheet, which would
        # cancel a worker still on its way out.
        if event.worker.group != "worksheet-long":
            return
        if event.state == WorkerState.SUCCESS:
            self._long_finished(*event.worker.result)
        elif event.state == WorkerState.ERROR:  # LongWork catches what the work raises: a bug of ours
            self._long_finished(Outcome("error", error=event.worker.error, message=str(event.worker.error)),
                                None, None, None)

    def show_progress(self, done: int, total: int | None, what: str = "") -> None:
        if self._cancel_requested:
            return  # "Canceling…" stays until the work has stopped
        self.query_one("#busy-bar", ProgressBar).update(total=total or None, progress=done)
        text = progress_text(done, total, what)
        # "Merging 120 of 300 letters" says what runs: the label before the bar would repeat it.
        self.query_one("#busy-label", Label).display = not text or text[0].isdigit()
        self.query_one("#busy-count", Label).update(text)

    def _long_finished(self, outcome: Outcome, done, failed, cancelled) -> None:
        self._busy = False
        self.query_one("#busy").remove_class("-shown")
        self.query_one("#keys").display = True
        self.refresh_keys()
        if outcome.kind == "done":
            done(outcome.result)
            return
        if outcome.kind == "cancelled":
            if cancelled is not None:
                cancelled(cancelled_text(outcome))
            else:
                self.notify(cancelled_text(outcome), severity="warning")
            self.reload()
            return
        error = outcome.error
        if failed is not None and isinstance(error, SegtuiError):
            failed(error)
            return
        self.notify(outcome.message, title="Refused" if isinstance(error, SegtuiError) else "Error",
                    severity="error", timeout=8)
        self.reload()

    def cancel_long(self) -> None:
        if self._long is None or not self._busy:
            return
        self._long.cancel()
        self.query_one("#busy-label", Label).update("Canceling…")
        self.query_one("#busy-label", Label).display = True

    # --- actions: criteria ---------------------------------------------------------------------------

    def _idle(self) -> bool:
        if self._busy:
            self.notify("Still working on the last action: wait, or Esc to cancel it", severity="warning")
            return False
        return True


    def _out_dir(self, what: str) -> str:
        from .... import config

        try:
            base = config.load().get("output_dir") or ""
        except SegtuiError:
            base = ""
        base = base or os.path.join(config.data_dir(), "output")
        return str(Path(base) / f"{self.segment_no}-{what}")

    def action_merge(self) -> None:
        from ....services import merge

        if not self._idle():
            return

        def chosen(values):
            if not values:
                return

            def done(result):
                result = result or {}
                unknown = result.get("unknown_fields") or []
                text = f"{plural(result.get('documents', 0), 'document')} in {values['out_dir']}"
                if unknown:
                    self.notify(text + f"; unknown merge fields: {', '.join(map(str, unknown))}",
                                severity="warning", timeout=10)
                else:
                    self.notify(text, timeout=8)

            self.run_long("Merging documents…",
                          lambda progress: merge.merge_segment(self.segment_no, values["out_dir"],
                                                               combined=values["combined"] or None,
                                                               progress=progress), done, progress=True)

        self.app.push_screen(FormDialog("Merge preview", [
            FormField("out_dir", "Folder", self._out_dir("merge"), required=True),
            FormField("combined", "Combined file", "", placeholder="optional, e.g. all.docx"),
        ], ok="Merge", hint="One merged document per line, without logging."), chosen)

    def action_labels(self) -> None:
        from ..print_dialogs import labels_dialog

        labels_dialog(self)

    def action_cover_sheets(self) -> None:
        from ..print_dialogs import cover_dialog

        cover_dialog(self)

    def action_export_contacts(self) -> None:
        from ....services import contact_io

        if not self._idle():
            return

        def chosen(values):
            if not values:
                return
            def export():
                Path(values["path"]).expanduser().parent.mkdir(parents=True, exist_ok=True)
                return contact_io.export_contacts(str(Path(values["path"]).expanduser()),
                                                  segment_no=self.segment_no, format=values["format"])

            self.run_long("Exporting contacts…", export,
                          lambda r: self.notify(f"{(r or {}).get('exported', 0):,} contacts written to "
                                                f"{values['path']}"))

        self.app.push_screen(FormDialog("Export contacts", [
            FormField("path", "File", self._out_dir("contacts") + ".csv", required=True),
            FormField("format", "Format", "csv", kind="select", options=[("CSV", "csv"), ("vCard", "vcard")]),
        ], ok="Export"), chosen)

    def action_log(self) -> None:
        if not self._idle():
            return

        def answered(answer):
            if not answer:
                return
            if "jump" in answer:
                self.jump_to_line(answer["jump"])
                return
            self.log_segment(answer["deliver"], answer["follow_up"],
                             answer.get("one_mail_per_address", True))

        self.app.push_screen(LogDialog(self.segment_no, self.header_data.get("description", "")), answered)

    def log_segment(self, deliver: bool, follow_up: bool, one_mail_per_address: bool = True) -> None:
        from ....services import segment_log

        def done(result):
            result = result or {}
            text = (f"Segment {self.segment_no} logged: {plural(result.get('interactions', 0), 'interaction')}"
                    f" (logged segment {result.get('logged_segment_entry_no')})")
            follow = result.get("follow_up_segment_no")
            if deliver:
                text += f"; {result.get('delivered', 0):,} delivered, {result.get('errors', 0):,} errors"
                if result.get("failure"):  # stopped or canceled: the rest stays pending, F9 resumes it
                    text += f". {result['failure']}"
            if result.get("without_correspondence_type"):
                text += (f"; {result['without_correspondence_type']:,} e-mail lines had no address and were"
                         " logged without a correspondence type")
            self.app.notify(text, timeout=10, severity="warning" if result.get("failure") else "information")
            self.segment_logged(follow)

        self.run_long("Logging the segment…",
                      lambda progress: segment_log.log_segment(
                          self.segment_no, deliver=deliver, follow_up=follow_up,
                          out_dir=self._out_dir("log") if deliver else None,
                          one_mail_per_address=one_mail_per_address, progress=progress),
                      done, progress=True)

    def segment_logged(self, follow_up_no: str | None) -> None:
        """The segment is gone once logged: open the follow-up, or go back to the list."""
        self.dismiss_or_pop()
        if follow_up_no:
            from .screen import WorksheetScreen

            self.app.push_screen(WorksheetScreen(follow_up_no))

    def dismiss_or_pop(self) -> None:
        # The Segments screen re-reads its list when it comes back (on_screen_resume); a second
        # read asked here cancelled the first one on its way.
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def action_new_segment(self) -> None:
        from ....services import segments

        if not self._idle():
            return

        def chosen(values):
            if not values:
                return
            try:
                header = segments.new_segment(values["description"],
                                              template_code=values["template"] or None)
            except SegtuiError as exc:
                self.notify(str(exc), severity="error")
                return
            from .screen import WorksheetScreen

            self.app.switch_screen(WorksheetScreen(header["no"]))

        self.app.push_screen(new_segment_dialog(), chosen)


def new_segment_dialog() -> FormDialog:
    return FormDialog("New segment", [
        FormField("description", "Description", required=True, placeholder="e.g. Spring fair invitations"),
        FormField("template", "Template", lookup=lookup_search("template"), placeholder="code (F4 lookup)"),
    ], ok="Create")
