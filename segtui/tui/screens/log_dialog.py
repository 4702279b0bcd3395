"""The Log dialog: options deliver and create follow-up, and what stands in the way.

On opening (and whenever *deliver* changes) the segment is checked in a worker thread; with
*deliver* ticked the check includes what the settings would make fail (SMTP server, sender,
output folder: services.delivery_check). When it cannot be logged, the refusals are listed and
Enter on one closes the dialog and jumps to its line. F9 or ctrl+s logs; the worksheet runs the
log itself, with a progress bar.
*One mail per address* (on by default) sends one e-mail to an address that several lines
share, as `segment log` does.
"""
from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from ...errors import SegtuiError
from ...labels import plural
from ...services.segment_log import problems
from ..widgets.progress import worker_connection
from ..widgets.tick import Tick
from .segment_dialogs import DIALOG_CSS


class LogDialog(ModalScreen[dict | None]):
    """Returns {"log": True, "deliver", "follow_up", "one_mail_per_address"}, {"jump": line_no},
    or None."""

    SCOPED_CSS = False  # the rules name the dialog class themselves
    DEFAULT_CSS = DIALOG_CSS + """
    LogDialog.segtui-dialog > #dialog {
        width: 96;
    }
    LogDialog.segtui-dialog #status {
        margin: 1 0 0 0;
        height: auto;
    }
    LogDialog.segtui-dialog #refusals {
        height: auto;
        max-height: 14;
    }
    LogDialog.segtui-dialog #refusals.-empty {
        display: none;
    }
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="log_cancel"),
        Binding("f9", "log", "Log", id="log_confirm"),
        Binding("ctrl+s", "log", "Log", show=False, id="log_confirm_alt"),
    ]

    def __init__(self, segment_no: str, description: str = "", refusals=None) -> None:
        """`refusals(segment_no, deliver)` lists what stands in the way, or gives (that list, a summary
        of what delivery would do, or without delivery of what the log changes); tests may swap it."""
        super().__init__(classes="segtui-dialog")
        self.segment_no = segment_no
        self.description = description
        self.refusals_fn = refusals or find_refusals
        self.refusals: list[dict] | None = None
        self.summary = ""

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as box:
            box.border_title = f"Log segment {self.segment_no}"
            if self.description:
                yield Static(self.description)
            yield Tick("Deliver (merge and send the documents)", False, id="deliver", compact=True)
            yield Tick("Create follow-up segment", False, id="follow_up", compact=True)
            # The explanation wraps on its own line: a checkbox label is cut at the dialog's edge.
            yield Tick("One mail per address", True, id="one_mail_per_address", compact=True)
            yield Static("    lines that share an e-mail address get one mail", classes="tick-note")
            yield Static("Checking…", id="status")
            yield OptionList(id="refusals", classes="-empty")
            with Horizontal(classes="buttons"):
                yield Button("Log (F9)", id="log", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#deliver", Checkbox).focus()
        self.check()

    def check(self) -> None:
        self.query_one("#status", Static).update("Checking…")
        self._check_worker(self.query_one("#deliver", Checkbox).value)

    @work(thread=True, exclusive=True, group="log-check", exit_on_error=False)
    def _check_worker(self, deliver: bool) -> None:
        worker = get_current_worker()
        with worker_connection():  # its own connection, closed before the screen hears
            try:
                found, error = self.refusals_fn(self.segment_no, deliver), None
            except SegtuiError as exc:
                found, error = None, str(exc)
            except Exception as exc:
                found, error = None, f"could not check the segment: {exc}"
        if not worker.is_cancelled:
            self.app.call_from_thread(self._show, found, error)

    def _show(self, found, error) -> None:
        status = self.query_one("#status", Static)
        listing = self.query_one("#refusals", OptionList)
        listing.clear_options()
        found, self.summary = found if isinstance(found, tuple) else (found, "")
        if error:
            self.refusals = None
            status.update(error)
            listing.add_class("-empty")
            return
        self.refusals = list(found or [])
        if not self.refusals:
            deliver = self.query_one("#deliver", Checkbox).value
            if deliver and self.summary:
                status.update(f"Ready to log and deliver: {self.summary}.")
            elif self.summary:  # without delivery: what the log changes, if anything
                status.update(f"Ready to log. {self.summary[0].upper()}{self.summary[1:]}.")
            else:
                status.update("Ready to log. Nothing stands in the way.")
            listing.add_class("-empty")
            return

        per_rule, line_problems = problems(self.refusals)
        kinds = len(per_rule)
        text = f"{plural(kinds, 'problem')} stand{'s' if kinds == 1 else ''} in the way"
        lines = sum(per_rule.values())
        if kinds == 1 and lines > 1:
            text += f" on {plural(lines, 'line')}"
        on_lines = [r for r in self.refusals if r.get("line_no") is not None]
        if sum(per_rule[k] for k in line_problems) > len(on_lines):
            text += f" (the first {len(on_lines)} listed)"
        status.update(text + ("; Enter on one goes to its line:" if on_lines else ":"))
        options = []
        said = set()
        for i, r in enumerate(self.refusals):
            text = r.get("message", "")
            lines = r.get("rule_total") or 1
            rule = r.get("rule") or text
            if lines > 1 and rule not in said and r.get("line_no") is not None:  # once per kind, for lines
                text += f"  ({lines:,} lines in all)"
                said.add(rule)
            options.append(Option(text, id=f"r{i}"))
        listing.add_options(options)
        listing.remove_class("-empty")
        listing.highlighted = 0

    @on(Checkbox.Changed, "#deliver")
    def _deliver_changed(self) -> None:
        self.check()

    @on(OptionList.OptionSelected, "#refusals")
    def _jump(self, event: OptionList.OptionSelected) -> None:
        refusal = self.refusals[event.option_index]
        if refusal.get("line_no"):
            self.dismiss({"jump": refusal["line_no"]})
        else:
            self.notify(refusal.get("message", ""), severity="warning")

    def action_log(self) -> None:
        if self.refusals:
            self.notify("The segment cannot be logged yet: see the list", severity="error")
            self.query_one("#refusals", OptionList).focus()
            return
        self.dismiss({"log": True, "deliver": self.query_one("#deliver", Checkbox).value,
                      "follow_up": self.query_one("#follow_up", Checkbox).value,
                      "one_mail_per_address": self.query_one("#one_mail_per_address", Checkbox).value})

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#log")
    def _log_pressed(self) -> None:
        self.action_log()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.dismiss(None)


def find_refusals(segment_no, deliver):
    """Logging's refusals and a summary: (refusals, summary). With deliver, also what the settings
    would make fail, and the summary says what delivery would do; without, what the log changes."""
    from ...services import delivery_check, segment_log

    if not deliver:
        # What logging will change without asking: e-mail lines whose contact has no address.
        preview = segment_log.log_preview(segment_no)
        n = preview["without_correspondence_type"]
        note = (f"{plural(n, 'e-mail line')} whose contact has no e-mail address "
                f"{'is' if n == 1 else 'are'} logged without a correspondence type") if n else ""
        return preview["refusals"], note
    found = segment_log.log_refusals(segment_no, deliver=deliver)
    found += delivery_check.settings_problems(segment_no)
    # What stops the whole mailing (no SMTP server, an empty description) first, then the lines.
    found.sort(key=lambda r: r.get("line_no") is not None)
    return found, delivery_check.summary(segment_no)
