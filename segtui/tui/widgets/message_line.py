"""A screen's messages on a line of their own, instead of toasts over the data.

Toasts cover the criteria panel and the status line for seconds and stack up. A screen that
shows a MessageLine gets one line, shown only while there is a message: the others make room
for it and nothing is hidden. Information goes after a few seconds; an error stays until it
is dismissed (a click on it, Esc, or the next message).
"""
from __future__ import annotations

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
