"""The worksheet's layout and looks (Textual CSS): compact by default on small terminals."""

WORKSHEET_CSS = """
WorksheetScreen {
    layout: vertical;
}
/* The full header form shows on a key (F3) or by itself on a tall screen; otherwise the
   two-line summary stands in for it, so 80x24 keeps room for the lines. */
WorksheetScreen #header {
    height: 8;
    display: none;
}
WorksheetScreen.-header-open #header {
    display: block;
}
WorksheetScreen.-header-open #header-summary {
    display: none;
}
WorksheetScreen.-narrow #header {
    layout: vertical;
    height: auto;
}
WorksheetScreen.-narrow .hgroup {
    height: auto;
}
WorksheetScreen #header-summary {
    height: 2;
    padding: 0 1;
    background: $boost;
}
WorksheetScreen .hgroup {
    border: round $primary;
    border-title-color: $accent;
    height: 100%;
    width: 1fr;
    padding: 0 1;
}
WorksheetScreen .hgroup:focus-within {
    border: heavy $accent;
}
/* A field with the focus stands out clearly, whatever the theme. */
WorksheetScreen .hrow Input:focus {
    background: $accent 35%;
    text-style: bold;
}
WorksheetScreen .hrow Checkbox:focus {
    background: $accent 35%;
}
WorksheetScreen .hrow {
    height: 1;
    width: 100%;
}
WorksheetScreen .hrow Label {
    width: 12;
    color: $text-muted;
}
WorksheetScreen .hrow Label.lbl2 {
    width: auto;
    padding: 0 1 0 2;
}
WorksheetScreen .hrow Input {
    width: 1fr;
}
WorksheetScreen .hrow Input.code {
    width: 12;
}
WorksheetScreen .hrow Input.short {
    width: 12;
}
WorksheetScreen .hrow Input.-invalid {
    background: $error 30%;
}
WorksheetScreen .hrow Checkbox {
    width: auto;
    margin-left: 2;
}
WorksheetScreen .hrow .desc {
    width: 1fr;
    color: $text-muted;
    padding-left: 1;
}
WorksheetScreen #header-error {
    color: $error;
    height: auto;
    display: none;
    padding: 0 1;
}
WorksheetScreen #header-error.-shown {
    display: block;
}
WorksheetScreen #lines {
    height: 1fr;
}
WorksheetScreen #criteria-box {
    height: 8;
    border: round $primary;
    border-title-color: $accent;
}
WorksheetScreen #criteria-box:focus-within {
    border: heavy $accent;
}
/* Folded, the criteria panel is one line: the number of actions and the last ones. */
WorksheetScreen.-criteria-folded #criteria-box {
    height: 1;
    border: none;
}
WorksheetScreen.-criteria-folded #criteria {
    display: none;
}
WorksheetScreen #criteria-folded {
    display: none;
    height: 1;
    padding: 0 1;
    background: $boost;
}
WorksheetScreen.-criteria-folded #criteria-folded {
    display: block;
}
WorksheetScreen #criteria {
    height: 1fr;
}
WorksheetScreen #status-row {
    height: 1;
    background: $panel;
}
WorksheetScreen #status {
    width: auto;
    height: 1;
    padding: 0 1;
    color: $text;
}
WorksheetScreen #cell-editor {
    overlay: screen;
    position: absolute;
    display: none;
    width: 20;
    height: 1;
    background: $boost;
    color: $foreground;
}
WorksheetScreen #cell-editor.-invalid {
    background: $error 40%;
}
WorksheetScreen #busy {
    height: 1;
    dock: bottom;
    display: none;
    background: $panel;
}
WorksheetScreen #busy.-shown {
    display: block;
}
WorksheetScreen #busy Label {
    width: auto;
    padding: 0 1;
}
WorksheetScreen #busy ProgressBar {
    width: 1fr;  /* the words first: the count must show whole at 80 columns */
}
WorksheetScreen #busy ProgressBar Bar {
    width: 1fr;
}
"""
