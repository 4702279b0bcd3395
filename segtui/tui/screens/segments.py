"""PLACEHOLDER by TUI-1 so the app starts: TUI-2 replaces this whole file with the real
Segments screen. Keep the class name `SegmentsScreen` (segtui/tui/app.py imports it as the
start screen of the "segments" mode) and a no-argument constructor.
"""
from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header, Static


class SegmentsScreen(Screen):
    HELP_TITLE = "Segments"

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Segments: coming soon", id="segments-placeholder")
        yield Footer()
