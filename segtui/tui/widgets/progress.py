"""Long work, one way for every screen: a worker thread on its own database connection, a bar
that counts what the service reports, Esc that cancels.

- `worker_connection()`: a context manager for the database work of a worker thread, on the
  thread's own connection (Peewee keeps one per thread), always closed when it ends; a
  worker hands its result to the screen after it (a connection kept open while the screen
  runs the result made a list worker of the Segments screen end "cancelled").
- `LongWork`: one run. `LongWork.run(fn)` (in the worker thread) calls `fn(report)`, where
  `report(done, total, what)` is the services' Progress listener: it moves the bar and, after
  `cancel()`, raises Cancelled so the service stops and its transaction rolls back. `cancel()`
  also interrupts the statement running on the worker's connection (SQLite's interrupt,
  PostgreSQL's cancel), so a single long statement stops too. The outcome says "done",
  "cancelled" (with what the service said was left) or "error".
- Two ways to show it: the worksheet's bar under its lines (worksheet/actions.py run_long) and
  `ProgressScreen`, a modal for the other screens.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Label, ProgressBar, Static
from textual.worker import Worker, WorkerState

from ...db import close_thread_connection, thread_connection
from ...errors import SegtuiError
from ...services.progress import Cancelled

__all__ = ["Cancelled", "LongWork", "Outcome", "ProgressScreen", "interrupt_database",
           "progress_text", "worker_connection"]


@contextmanager
def worker_connection():
    """This thread's database connection for the work inside; closed after, whatever happens."""
    try:
        yield thread_connection()
    finally:
        close_thread_connection()


def interrupt_database(connection) -> bool:
    """Stop the statement running on `connection`, safe from another thread: SQLite's
    interrupt() or psycopg's cancel(). True when there was something to ask."""
    if connection is None:
        return False
    for name in ("interrupt", "cancel"):  # sqlite3 / psycopg
        stop = getattr(connection, name, None)
        if stop is not None:
            try:
                stop()
            except Exception:  # noqa: BLE001 - nothing running is fine
                pass
            return True
    return False


# What a service counts, said as the work going on ("Merging 120 of 300 letters").
_DOING = {
    "letters merged": ("Merging", "letters"),
    "entries delivered": ("Delivering", "entries"),
    "lines logged": ("Logging", "lines"),
    "contacts added": ("Adding", "contacts"),
    "lines removed": ("Removing", "lines"),
    "contacts imported": ("Importing", "contacts"),
    "criteria actions replayed": ("Replaying", "criteria actions"),
}
# Set-based work writes all its rows in one statement: no "0 of n" while it runs.
_AT_ONCE = {"lines logged", "contacts added", "lines removed"}


def progress_text(done: int, total: int | None, what: str = "") -> str:
    verb, things = _DOING.get(what, ("", what))
    if total is None:
        return f"{verb} {done:,} {things}".strip()
    if what in _AT_ONCE and done < total:
        return f"{verb} {total:,} {things}…"
    if verb:
        return f"{verb} {done:,} of {total:,} {things}"
    return f"{done:,} of {total:,} {things}".strip()


@dataclass
class Outcome:
    kind: str  # "done", "cancelled" or "error"
    result: Any = None
    error: Exception | None = None
    message: str = ""  # for "cancelled": what the service said it left; for "error": in words


class LongWork:
    """One run of long work; `show(done, total, what)` is called on the screen's thread."""

    def __init__(self, app, show: Callable[[int, int | None, str], None]) -> None:
        self.app = app
        self.show = show
        self.cancelled = threading.Event()
        self.connection = None

    def report(self, done: int, total: int | None = None, what: str = "") -> None:
        if self.cancelled.is_set():
            raise Cancelled()
        self.app.call_from_thread(self.show, done, total, what)

    def cancel(self) -> None:
        self.cancelled.set()
        interrupt_database(self.connection)

    def run(self, fn: Callable[[Callable], Any]) -> Outcome:
        """Call `fn(report)` in this (worker) thread on its own connection."""
        with worker_connection() as connection:
            self.connection = connection
            try:
                result = fn(self.report)
            except Cancelled as exc:
                return Outcome("cancelled", message=str(exc))
            except Exception as exc:  # noqa: BLE001 - shown to the user, never a crash
                if self.cancelled.is_set() or "interrupted" in str(exc).lower() or _pg_cancel(exc):
                    return Outcome("cancelled")
                return Outcome("error", error=exc, message=error_text(exc))
            finally:
                self.connection = None
        # Finished before the cancel was heard: what it did is done, and is said so.
        return Outcome("done", result)


def _pg_cancel(exc: Exception) -> bool:
    return exc.__class__.__name__ == "QueryCanceled" or "canceling statement" in str(exc)


def error_text(exc: Exception) -> str:
    if isinstance(exc, SegtuiError):
        return str(exc)
    return f"{exc.__class__.__name__}: {exc}"


def cancelled_text(outcome: Outcome) -> str:
    """What a cancel left, in words: the service's own account, or that nothing changed."""
    said = outcome.message.strip()
    if said:
        return said[0].upper() + said[1:]
    return "Canceled: nothing was changed"


class ProgressScreen(ModalScreen[tuple[str, Any]]):
    """A modal for long work outside the worksheet: runs `job(progress, cancelled)` through
    LongWork and dismisses with ("done", result), ("error", message) or ("cancelled", text)."""

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
        self.work: LongWork | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="box"):
            yield Label(self.title_text, id="progress-title")
            yield ProgressBar(total=None, id="progress-bar", show_eta=False)
            yield Static("Working… Esc cancels (nothing half done is kept)", id="progress-text")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.work = LongWork(self.app, self._show)
        self.run_job()

    def _show(self, done: int, total: int | None, what: str = "") -> None:
        if self.work is not None and self.work.cancelled.is_set():
            return
        self.query_one("#progress-bar", ProgressBar).update(total=total, progress=done)
        self.query_one("#progress-text", Static).update(f"{progress_text(done, total, what)}   Esc cancels")

    @work(thread=True, exclusive=True, group="progress", exit_on_error=False)
    def run_job(self) -> tuple[str, Any]:
        long_work = self.work
        outcome = long_work.run(lambda report: self.job(report, long_work.cancelled.is_set))
        if outcome.kind == "done":
            return ("done", outcome.result)
        if outcome.kind == "cancelled":
            return ("cancelled", cancelled_text(outcome))
        return ("error", outcome.message)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # Dismissed once the worker has ended: closing the screen from inside its worker would
        # cancel the worker on its way out.
        if event.worker.group != "progress":
            return
        if event.state == WorkerState.SUCCESS:
            self.dismiss(event.worker.result)
        elif event.state == WorkerState.ERROR:
            self.dismiss(("error", error_text(event.worker.error)))

    def action_cancel(self) -> None:
        self.query_one("#progress-text", Static).update("Cancelling…")
        if self.work is not None:
            self.work.cancel()
