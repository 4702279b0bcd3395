"""The app-wide keys (areas, theme, quit) on one line, so the footer keeps room for the screen's own.

Built from the app's bindings after the settings' keymap, so a rebound key shows its new key.
"""
from __future__ import annotations

import dataclasses

from rich.text import Text
from textual.widgets import Static


def refresh_app_keys(screen) -> None:
    """Call from a screen's on_screen_resume: the area changed, so did the keys to show."""
    for keys in screen.query(AppKeys):
        keys.refresh_keys()


class AppKeys(Static):
    DEFAULT_CSS = """
    AppKeys {
        width: auto;
        height: 1;
        padding: 0 1;
        color: $text-muted;
    }
    """

    def on_mount(self) -> None:
        self.refresh_keys()

    def refresh_keys(self) -> None:
        self.update(self.keys_text())

    def keys_text(self) -> Text:
        app = self.app
        text = Text()
        keymap = getattr(app, "_keymap", {}) or {}
        for _key, binding in app._bindings:
            from ..app import MOVABLE_APP_KEYS

            if binding.id not in MOVABLE_APP_KEYS:
                continue  # help stays in the footer
            if binding.id and binding.id in keymap:
                # The settings rebound it: show the key the user chose.
                binding = dataclasses.replace(binding, key=keymap[binding.id].split(",")[0].strip())
            action, params = binding.action, ""
            if "(" in action:
                action, _, params = action.partition("(")
                params = params.rstrip(")").strip("'\"")
            if action == "go" and getattr(app, "current_mode", None) == params:
                continue  # the area the user is in
            if text:
                text.append("  ")
            text.append(app.get_key_display(binding), style="bold")
            text.append(f" {binding.description}")
        return text
