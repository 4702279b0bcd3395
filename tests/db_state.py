"""The rows of every table that segment work (an add, a removal, a log, a merge) can change, to
compare before and after: a canceled or refused action must leave them as they were."""
from segtui.models import (
    InteractionLogEntry,
    LoggedSegment,
    SegmentCriteriaLine,
    SegmentHeader,
    SegmentHistory,
    SegmentLine,
)

WORK_TABLES = (SegmentHeader, SegmentLine, SegmentCriteriaLine, SegmentHistory, LoggedSegment, InteractionLogEntry)


def state():
    """Every work table, row by row, in a fixed order."""
    return {model.__name__: sorted(tuple(row.values()) for row in model.select().dicts()) for model in WORK_TABLES}
