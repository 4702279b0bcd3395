"""Segments and their lines: header, lines, line defaults, manual line changes.

A segment is a header (what the interaction will be: template, salesperson, campaign...) and
lines (who it goes to). Lines get their values from the header and the contact by the rules of
docs/domain.md, section 3 (the line defaults); those rules are written once as SQL expressions so that adding
a million contacts is one INSERT ... SELECT and adding one contact by hand uses the same rules.

Callers use this package as one module (`from segtui.services import segments`; segments.x). It is
split by what the code does, each part importing only the ones listed before it:
  values         typed values a user gives (codes that must exist, choices, amounts, dates)
  statements     the line defaults as SQL, INSERT ... SELECT of lines, criteria action rows
  headers        reading, listing, creating, changing and deleting a segment (its header)
  segment_lines  pages of lines, one line, and changing lines by hand

Every function that changes data is one transaction (segtui.db.transaction()).
"""
# The undo history's names are used as segments.x too.
from ..history import (
    ADDED, delete_recorded, history_columns, park_copy, record_added, remove_lines,
    record_history)
from .headers import (
    ALIASES, DERIVED, HEADER_ALIASES, HEADER_FIELDS, HEADER_KINDS, HEADER_TO_LINE, RULE_FIELDS, TEMPLATE_TO_HEADER,
    _was_issued, action_done, actions_from_rows, check_header, check_segment_filters, criteria_actions, delete_segment,
    delete_segment_rows, filter_segments, get_header, get_segment, give_back_segment_no, header_dict, list_segments,
    new_segment, set_header, take_segment_no, template_defaults, touch_header)
from .segment_lines import (
    LINE_ALIASES, LINE_COLUMNS, LINE_KINDS, LINE_VERSION_FIELDS, add_contact, count_lines, get_line, line_fetcher,
    line_select, line_version, lines, lines_now, remove_line, set_line)
from .statements import (
    LINE_STEP, default_expressions, insert_lines, insert_removed, last_line_no, line_insert_columns, max_line_no,
    next_action_no, record_action)
from .values import FALSE_WORDS, LOOKUPS, MAX_AMOUNT, TRUE_WORDS, parse_date

__all__ = [
    # the undo history
    "ADDED", "delete_recorded", "history_columns", "park_copy",
    "record_added", "record_history", "remove_lines",
    # headers
    "ALIASES", "DERIVED", "HEADER_ALIASES", "HEADER_FIELDS", "HEADER_KINDS", "HEADER_TO_LINE", "RULE_FIELDS",
    "TEMPLATE_TO_HEADER", "_was_issued", "action_done", "actions_from_rows", "check_header", "check_segment_filters",
    "criteria_actions", "delete_segment", "delete_segment_rows", "filter_segments", "get_header", "get_segment",
    "give_back_segment_no", "header_dict", "list_segments", "new_segment", "set_header", "take_segment_no",
    "template_defaults", "touch_header",
    # lines
    "LINE_ALIASES", "LINE_COLUMNS", "LINE_KINDS", "LINE_VERSION_FIELDS", "add_contact", "count_lines", "get_line",
    "line_fetcher", "line_select", "line_version", "lines", "lines_now", "remove_line", "set_line",
    # set statements
    "LINE_STEP", "default_expressions", "insert_lines", "insert_removed", "last_line_no", "line_insert_columns",
    "max_line_no", "next_action_no", "record_action",
    # typed values
    "FALSE_WORDS", "LOOKUPS", "MAX_AMOUNT", "TRUE_WORDS", "parse_date",
]
