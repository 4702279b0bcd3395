"""Long work in a worker thread with a progress bar and Esc to cancel.

`ProgressScreen(title, job)` is a modal: it runs `job(progress, cancelled)` in a thread, where
`progress(done, total)` moves the bar and `cancelled()` tells the job the user pressed Esc (the
job stops and its transaction rolls back). The screen dismisses with ("done", result),
("error", message) or ("cancelled", None). Database work is also interrupted on Esc when the
connection supports it (SQLite's interrupt), so even a single long statement stops.
"""
from __future__ import annotations

import threading
from typing import Any, Callable

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Label, ProgressBar, Static

from ...db import close_thread_connection, thread_connection  # noqa: F401 - screens take them from here
from ...errors import SegtuiError


class Cancelled(Exception):
    """Raised by a job's progress callback after the user cancelled."""


def interrupt_database(connection=None) -> None:
    """Stop the statement running on `connection` (SQLite; safe from another thread), if any."""
    try:
        connection = connection if connection is not None else thread_connection()
        interrupt = getattr(connection, "interrupt", None)
        if interrupt:
            interrupt()
    except Exception:  # noqa: BLE001 - nothing to interrupt is fine
        pass


class ProgressScreen(ModalScreen[tuple[str, Any]]):
    DEFAULT_CSS = """
    ProgressScreen {
        align: center middle;
    }
    ProgressScreen > #box {
        width: 64;
        height: auto;
        border: round $accent;
        padding: 1 2;
        background: $panel;
    }
    ProgressScreen #progress-text { color: $text-muted; margin-top: 1; }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="cancel_work")]

    def __init__(self, title: str, job: Callable[[Callable, Callable], Any]) -> None:
        super().__init__()
        self.title_text = title
        self.job = job
        self._cancel = threading.Event()
        self._connection = None  # the worker thread's connection, so Esc can interrupt its statement

    def compose(self) -> ComposeResult:
        with Vertical(id="box"):
            yield Label(self.title_text, id="progress-title")
            yield ProgressBar(total=None, id="progress-bar", show_eta=False)
            yield Static("Working… Esc cancels (nothing half done is kept)", id="progress-text")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.run_job()

    def _progress(self, done: int, total: int | None = None) -> None:
        if self._cancel.is_set():
            raise Cancelled()
        self.app.call_from_thread(self._show, done, total)

    def _show(self, done: int, total: int | None) -> None:
        bar = self.query_one("#progress-bar", ProgressBar)
        bar.update(total=total, progress=done)
        text = f"{done:,} of {total:,}" if total else f"{done:,}"
        self.query_one("#progress-text", Static).update(f"{text}   Esc cancels")

    @work(thread=True, exclusive=True, group="progress", exit_on_error=False)
    def run_job(self) -> None:
        self._connection = thread_connection()
        try:
            result = self.job(self._progress, self._cancel.is_set)
        except Cancelled:
            outcome = ("cancelled", None)
        except SegtuiError as exc:
            outcome = ("cancelled", None) if self._cancel.is_set() else ("error", str(exc))
        except Exception as exc:  # noqa: BLE001 - shown to the user, never a crash
            if self._cancel.is_set() or "interrupted" in str(exc).lower():
                outcome = ("cancelled", None)
            else:
                outcome = ("error", f"{exc.__class__.__name__}: {exc}")
        else:
            outcome = ("cancelled", None) if self._cancel.is_set() else ("done", result)
        finally:
            close_thread_connection()
        self.app.call_from_thread(self.dismiss, outcome)

    def action_cancel(self) -> None:
        self._cancel.set()
        self.query_one("#progress-text", Static).update("Cancelling…")
        interrupt_database(self._connection)
