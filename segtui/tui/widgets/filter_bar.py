"""A filter bar: FIELD=EXPRESSION pairs in the filter language, checked as they are typed.

`city=Malmö|Lund name=@nord*` holds two filters; a value keeps spaces inside single quotes
(`name='Nordisk Möbel*'`, the language's own quoting) or inside double quotes around the whole
value (`name="Nordisk Möbel*"`). An error is shown under the bar with a caret at its position in
the bar's text; Enter on a valid bar posts `FilterBar.Applied` with the (field, expression) pairs.
"""
from __future__ import annotations

from typing import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static

from ...errors import FilterError, SegtuiError


class BarError(SegtuiError):
    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.position = position  # 1-based in the bar's text


def split_bar(text: str) -> list[tuple[str, str, int]]:
    """The bar's text as (field, expression, 0-based start of the expression in the text)."""
    pairs = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        start = i
        while i < n and text[i] != "=" and not text[i].isspace():
            i += 1
        if i >= n or text[i] != "=":
            raise BarError(f"'{text[start:i]}' needs =EXPRESSION, e.g. city=@ber*", start + 1)
        field = text[start:i]
        if not field:
            raise BarError("a field name is missing before '='", start + 1)
        i += 1
        value_start = i
        if i < n and text[i] == '"':
            end = text.find('"', i + 1)
            if end < 0:
                raise BarError('unbalanced quote: this " is never closed', i + 1)
            pairs.append((field, text[i + 1:end], i + 1))
            i = end + 1
            if i < n and not text[i].isspace():
                raise BarError("put a space after the closing quote", i + 1)
            continue
        while i < n and not text[i].isspace():
            if text[i] == "'":
                # The language's quoting: '' inside quotes is a quote; spaces inside are kept.
                i += 1
                while i < n:
                    if text[i] == "'":
                        if i + 1 < n and text[i + 1] == "'":
                            i += 2
                            continue
                        break
                    i += 1
                if i >= n:
                    break  # the filter itself reports the unbalanced quote with its position
            i += 1
        pairs.append((field, text[value_start:i], value_start))
    return pairs


def parse_bar(text: str, validate: Callable[[list[tuple[str, str]]], None] | None = None
              ) -> list[tuple[str, str]]:
    """The (field, expression) pairs of the bar's text; BarError with the position of a problem."""
    found = split_bar(text)
    pairs = [(field, expression) for field, expression, _ in found]
    if validate is not None:
        for field, expression, start in found:
            try:
                validate([(field, expression)])
            except FilterError as exc:
                position = start + (exc.position or 1)
                if exc.position is None and exc.unknown_field:
                    position = start - len(field)  # the field itself is wrong
                raise BarError(f"{field}: {exc.reason}", position) from exc
            except SegtuiError as exc:
                raise BarError(f"{field}: {exc}", start + 1) from exc
    return pairs


def contact_filters(pairs):
    from ...services import contacts

    contacts.check_filters(pairs)


class FilterBar(Vertical):
    """An Input for filters with the error (and a caret at its position) under it."""

    DEFAULT_CSS = """
    FilterBar {
        height: auto;
        padding: 0 1;
    }
    FilterBar > Input {
        width: 1fr;
    }
    FilterBar > #filter-error {
        color: $error;
        height: auto;
        display: none;
    }
    FilterBar.-invalid > #filter-error {
        display: block;
    }
    FilterBar > #filter-hint {
        color: $text-muted;
        height: 1;
    }
    FilterBar.-invalid > #filter-hint {
        display: none;
    }
    """

    BINDINGS = [Binding("escape", "leave", "Leave filter", show=False)]

    class Applied(Message):
        """Enter on a valid bar: the filters to apply (an empty list shows everything)."""

        def __init__(self, bar: "FilterBar", filters: list[tuple[str, str]]) -> None:
            super().__init__()
            self.bar = bar
            self.filters = filters

        @property
        def control(self) -> "FilterBar":
            return self.bar

    class Left(Message):
        def __init__(self, bar: "FilterBar") -> None:
            super().__init__()
            self.bar = bar

        @property
        def control(self) -> "FilterBar":
            return self.bar

    def __init__(self, validate: Callable | None = contact_filters, placeholder: str = "",
                 hint: str = "", value: str = "", *, id: str | None = None, classes: str | None = None
                 ) -> None:
        super().__init__(id=id, classes=classes)
        self.validate = validate
        self.placeholder = placeholder or "filter: city=@malmö|lund  name=@nord*  (Enter applies)"
        self.hint = hint or "FIELD=EXPRESSION … e.g. city=@ber*  salesperson_code=JO|KL  mailing_group=FAIR"
        self.initial = value
        self.filters: list[tuple[str, str]] = []
        self.error: BarError | None = None

    def compose(self) -> ComposeResult:
        yield Input(self.initial, placeholder=self.placeholder, id="filter-input", compact=True)
        yield Static("", id="filter-error", markup=False)
        yield Static(self.hint, id="filter-hint", markup=False)

    @property
    def input(self) -> Input:
        return self.query_one("#filter-input", Input)

    @property
    def value(self) -> str:
        return self.input.value

    @value.setter
    def value(self, text: str) -> None:
        self.input.value = text

    def check(self, text: str | None = None) -> list[tuple[str, str]] | None:
        """Parse and validate; show the error under the bar. Returns the filters or None."""
        text = self.input.value if text is None else text
        try:
            filters = parse_bar(text, self.validate)
        except BarError as exc:
            self.error = exc
            caret = " " * max(0, exc.position - 1) + "^"
            self.query_one("#filter-error", Static).update(f"{caret}\n{exc} (position {exc.position})")
            self.add_class("-invalid")
            return None
        self.error = None
        self.remove_class("-invalid")
        return filters

    @on(Input.Changed, "#filter-input")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self.check(event.value)

    @on(Input.Submitted, "#filter-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        filters = self.check(event.value)
        if filters is None:
            self.notify(str(self.error), severity="error", title="Filter")
            return
        self.filters = filters
        self.post_message(self.Applied(self, filters))

    def action_leave(self) -> None:
        self.post_message(self.Left(self))
