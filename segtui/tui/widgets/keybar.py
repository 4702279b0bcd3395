"""Key hints: the app-wide keys (areas, theme, quit) on the status line, and KeyBar, a footer that
shows a screen's keys fitted to the width (whole keys only; F1 lists them all).

Built from the app's bindings after the settings' keymap, so a rebound key shows its new key.
"""
from __future__ import annotations

import dataclasses

from rich.style import Style
from rich.text import Text
from textual.dom import NoScreen
from textual.widgets import Static


def refresh_app_keys(screen) -> None:
    """Call from a screen's on_screen_resume: the area changed, so did the keys to show."""
    for keys in screen.query(AppKeys):
        keys.refresh_keys()


class AppKeys(Static):
    """The app's area keys. With fit=True it takes the room left on its line and shows only the
    keys that fit there whole (the rest are in F1 and the palette)."""

    DEFAULT_CSS = """
    AppKeys {
        width: auto;
        height: 1;
        padding: 0 1;
        color: $text-muted;
    }
    AppKeys.-fit {
        width: 1fr;
        text-align: right;
    }
    """

    def __init__(self, *args, fit: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fit = fit
        if fit:
            self.add_class("-fit")

    def on_mount(self) -> None:
        self.refresh_keys()

    def on_resize(self) -> None:
        if self.fit:
            self.refresh_keys()

    def refresh_keys(self) -> None:
        self.update(self.keys_text(self.content_region.width if self.fit else None))

    def items(self) -> list[tuple[str, str]]:
        """(key shown, description) of the app's area keys, after the keymap."""
        from ..app import MOVABLE_APP_KEYS

        app = self.app
        keymap = getattr(app, "_keymap", {}) or {}
        out = []
        for _key, binding in app._bindings:
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
            out.append((app.get_key_display(binding), binding.description))
        return out

    def keys_text(self, width: int | None = None) -> Text:
        items = self.items()
        if width is not None:
            items = items[:len(fit_items([f"{k} {d}" for k, d in items], width))]
        text = Text()
        for key, description in items:
            if text:
                text.append("  ")
            text.append(key, style="bold")
            text.append(f" {description}")
        return text


KEY_WORDS = {"⏎": "Enter", "enter": "Enter", "insert": "Ins", "delete": "Del", "escape": "Esc", "esc": "Esc"}


def key_label(app, binding) -> str:
    """A binding's key as the bars show it: as Textual's footer does (f9, ^n), with words for
    the keys it draws as symbols or spells long (Enter, Ins, Del, Esc)."""
    shown = app.get_key_display(binding)
    return KEY_WORDS.get(shown, shown)


def fit_items(items: list[str], width: int, sep: str = "  ") -> list[str]:
    """The leading items that fit in `width` columns whole (never one cut mid-word)."""
    out, used = [], 0
    for item in items:
        need = len(item) + (len(sep) if out else 0)
        if used + need > width:
            break
        out.append(item)
        used += need
    return out


class KeyBar(Static):
    """A screen's keys on one line, fitted to the width: whole keys only, most used first.

    The screen gives `key_hints()`: (binding id, short label) pairs in order of use for where the
    focus is. The key shown is the binding's current key (after the settings' keymap); a key
    that does nothing now is dimmed; F1 (every key) always shows, at the end. A click runs it.
    """

    DEFAULT_CSS = """
    KeyBar {
        height: 1;
        width: 1fr;
        background: $panel;
        padding: 0 1;
    }
    """

    def on_mount(self) -> None:
        self.call_after_refresh(self.refresh_keys)
        # The keys that act depend on where the focus is.
        self.watch(self.screen, "focused", lambda _focused: self.call_after_refresh(self.refresh_keys), init=False)

    def on_resize(self) -> None:
        self.refresh_keys()

    def _active(self) -> dict[str, tuple[str, str | None, bool]]:
        """binding id (or action) -> (key shown, click action or None, enabled)."""
        screen, found = self.screen, {}
        for _key, active in screen.active_bindings.items():
            binding = active.binding
            ident = binding.id or binding.action
            if ident in found:
                continue
            # A click runs the action where the binding lives: the screen or the app.
            where = "screen" if active.node is screen else ("app" if active.node is self.app else None)
            click = f"{where}.{binding.action}" if where and "." not in binding.action else None
            found[ident] = (key_label(self.app, binding), click, active.enabled)
        return found

    def _shown_bindings(self) -> list[tuple[str, str]]:
        """A screen without `key_hints`: its bindings marked to show, in order, by their descriptions
        (as Textual's footer would list them, but only whole keys fit)."""
        hints, seen = [], set()
        for _key, active in self.screen.active_bindings.items():
            binding = active.binding
            ident = binding.id or binding.action
            if binding.show and binding.description and ident not in seen and ident != "help":
                seen.add(ident)
                hints.append((ident, binding.description))
        return hints

    def entries(self) -> list[tuple[str, str, str | None, bool]]:
        """(key shown, label, click action, enabled) for the screen's hints that have a key now."""
        hints = getattr(self.screen, "key_hints", None)
        active = self._active()
        return [(active[ident][0], label, active[ident][1], active[ident][2])
                for ident, label in (hints() if hints else self._shown_bindings()) if ident in active]

    def keys_content(self, width: int) -> Text:
        entries = self.entries()
        help_key = self._active().get("help", ("f1", "app.help", True))[0]
        help_item = f"{help_key} Keys"
        items = fit_items([f"{key} {label}" for key, label, _a, _e in entries],
                          max(0, width - len(help_item) - 2))
        text = Text()
        for (key, label, click, enabled), _item in zip(entries, items):
            meta = {"@click": click} if click else {}
            text.append(key, style=Style(bold=True, dim=not enabled, meta=meta))
            text.append(f" {label}", style=Style(dim=not enabled, meta=meta))
            text.append("  ")
        text.append(help_key, style=Style(bold=True, meta={"@click": "app.help"}))
        text.append(" Keys", style=Style(meta={"@click": "app.help"}))
        return text

    def refresh_keys(self) -> None:
        if not self.is_mounted:
            return
        try:
            self.update(self.keys_content(self.content_region.width or self.size.width))
        except NoScreen:
            pass  # a refresh queued before the screen closed
