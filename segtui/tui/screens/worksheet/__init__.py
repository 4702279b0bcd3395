"""The segment worksheet (one open segment), split by what a user sees: see screen.py."""
from .actions import new_segment_dialog
from .screen import WorksheetScreen

__all__ = ["WorksheetScreen", "new_segment_dialog"]
