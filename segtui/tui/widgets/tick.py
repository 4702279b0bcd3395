"""A checkbox whose mark says its state: ✓ when ticked, blank when not.

Textual's checkbox shows an X either way and tells the states apart by colour only, which is
lost in ANSI themes, in 16-colour terminals over SSH and in a copied screen.
"""
from textual.widgets import Checkbox


class Tick(Checkbox):
    @property
    def BUTTON_INNER(self) -> str:  # noqa: N802 - Textual's name for the mark
        return "✓" if self.value else " "
