"""How long service work says how far it is, without knowing who listens.

A service that may run long takes an optional keyword `progress`: a callable
`progress(done, total, what="")` (the `Progress` protocol). `done` counts rows (letters,
entries, contacts, lines) finished of `total` (None while unknown); `what` names them in the
user's words ("letters merged", "lines logged"). Without a listener (the default) nothing is
called and nothing is counted, so the command line and the benchmarks pay nothing.

A listener stops the work by raising `Cancelled` from the call: the service lets it pass, so
its transaction rolls back. Set-based statements report before and after the statement (the
count is read first only when someone listens), never per row.
"""
from __future__ import annotations

from typing import Callable, Optional, Protocol


class Progress(Protocol):
    def __call__(self, done: int, total: Optional[int] = None, what: str = "") -> None: ...


class Cancelled(Exception):
    """Raised by a progress listener after the user cancelled; the work stops and rolls back."""


def report(progress: Optional[Progress], done: int, total: Optional[int] = None, what: str = "") -> None:
    """Tell `progress` (if any) how far the work is."""
    if progress is not None:
        progress(done, total, what)


def steps(progress: Optional[Progress], total: int, what: str, every: int = 0) -> Callable[[int], None]:
    """A counter for per-row work: `step(n)` adds n rows done and reports at most about 200
    times in all (every `every` rows, or total/200), and always at the end. Reports 0 first."""
    if progress is None:
        return _nothing
    every = every or max(1, total // 200)
    state = {"done": 0, "shown": 0}
    progress(0, total, what)

    def step(n: int = 1) -> None:
        state["done"] += n
        done = state["done"]
        if done >= total or done - state["shown"] >= every:
            state["shown"] = done
            progress(done, total, what)

    return step


def _nothing(n: int = 1) -> None:
    return None


def phase(progress: Optional[Progress], what: str) -> Optional[Progress]:
    """`progress` with its `what` replaced (a service passes it on to another one it calls)."""
    if progress is None:
        return None
    return lambda done, total=None, _what="": progress(done, total, what)
