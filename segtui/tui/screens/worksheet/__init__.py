"""The segment worksheet (one open segment), split by what a user sees: see screen.py."""
from .actions import new_segment_dialog
from .lines import contact_search
from .screen import WorksheetScreen

__all__ = ["WorksheetScreen", "contact_search", "new_segment_dialog"]
