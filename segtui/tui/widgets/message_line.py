"""A screen's messages on a line of their own, instead of toasts over the data.

The app sends every notification to the message line of the screen on top (SegtuiApp.notify);
a screen with one hides its toasts (the `-messages` class the line gives it).

Toasts cover the criteria panel and the status line for seconds and stack up. A screen that
shows a MessageLine gets one line, shown only while there is a message: the others make room
for it and nothing is hidden. Information goes after a few seconds; an error stays until it
is dismissed (a click on it, Esc, or the next message).
"""
from __future__ import annotations

import time
import weakref
from dataclasses import dataclass
from typing import Callable

from rich.text import Text
from textual.timer import Timer
from textual.widgets import Static

INFO_SECONDS = 6.0
STYLES = {"information": "", "warning": "bold", "error": "bold"}
MARKS = {"information": "", "warning": "! ", "error": "✗ "}


class MessageLine(Static):
    DEFAULT_CSS = """
    MessageLine {
        height: auto;
        max-height: 3;
        padding: 0 1;
        display: none;
        background: $boost;
    }
    MessageLine.-shown {
        display: block;
    }
    MessageLine.-warning {
        background: $warning 25%;
    }
    MessageLine.-error {
        background: $error 35%;
    }
    """

    def on_mount(self) -> None:
        self.screen.add_class("-messages")  # its screen shows no toasts (app.tcss)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__("", *args, **kwargs)
        self.severity = ""
        self.message = ""
        self._timer: Timer | None = None

    def show(self, message: str, title: str = "", severity: str = "information",
             timeout: float | None = None) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self.message = f"{title}: {message}" if title else message
        self.severity = severity
        text = Text(MARKS.get(severity, "") + self.message, style=STYLES.get(severity, ""))
        if severity == "error":
            text.append("   (Esc or a click dismisses)", style="dim")
        self.update(text)
        self.set_class(severity == "warning", "-warning")
        self.set_class(severity == "error", "-error")
        self.add_class("-shown")
        if severity != "error":
            self._timer = self.set_timer(timeout or INFO_SECONDS, self.dismiss)

    @property
    def shown(self) -> bool:
        return self.has_class("-shown")

    @property
    def error_shown(self) -> bool:
        return self.shown and self.severity == "error"

    def dismiss(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self.remove_class("-shown")
        self.message = ""
        self.severity = ""

    def on_click(self) -> None:
        self.dismiss()


def show_on(screen, message: str, title: str = "", severity: str = "information",
            timeout: float | None = None) -> None:
    """Show a message on the screen's message line, if it has one."""
    for line in screen.query("#message").results(MessageLine):
        line.show(message, title, severity, timeout)


def dismiss_error(screen) -> bool:
    """Esc on a screen whose message line shows an error takes the error away; False if none."""
    lines = [line for line in screen.query("#message").results(MessageLine) if line.error_shown]
    for line in lines:
        line.dismiss()
    return bool(lines)


def error_showing(screen) -> bool:
    return any(line.error_shown for line in screen.query("#message").results(MessageLine))


@dataclass(frozen=True)
class Given:
    """The app's newest message, until when it is due, and the screen it was given on (weakly:
    SegtuiApp.notify keeps it)."""
    message: str
    title: str
    severity: str
    due: float  # time.monotonic()
    given_on: Callable[[], object] = lambda: None

    @classmethod
    def now(cls, message, title, severity, timeout, screen=None) -> "Given":
        return cls(message, title, severity, time.monotonic() + timeout,
                   weakref.ref(screen) if screen is not None else (lambda: None))


def show_latest(screen) -> None:
    """A screen coming back shows the newest message still due (given while another screen was
    on top: "Segment … logged" as the worksheet closes), since its toasts are not shown. Not a
    message of a screen still open underneath: a filter error of the segments list is no news on
    the Contacts list opened from it."""
    latest = getattr(screen.app, "latest_message", None)  # (an app other than segtui's has none)
    left = latest.due - time.monotonic() if latest else 0
    given_on = latest.given_on() if latest else None
    is_open = getattr(screen.app, "is_open", None)
    if given_on is not None and given_on is not screen and is_open is not None and is_open(given_on):
        return
    if left > 0:
        show_on(screen, latest.message, latest.title, latest.severity, max(1.0, left))
