"""Logged segments (docs/domain.md, section 5): list, open, cancel or restore, follow up, delete canceled.

Canceling a logged segment carries to its interaction log entries and campaign entries, so
statistics and interaction filters stop counting them; restoring brings them all back.
"""
from peewee import SQL, fn

from .. import db as dbmod
from ..errors import NotFound
from ..models import CampaignEntry, InteractionLogEntry, LoggedSegment, to_dict
from . import interactions
from .results import CanceledRestored

SHOW_LIMIT = 100


def _count(model, column):
    """Correlated COUNT of `model` rows that belong to the outer logged segment."""
    return (model.select(fn.COUNT(SQL("*")))
            .where(column == LoggedSegment.entry_no))


def _select():
    return LoggedSegment.select(
        LoggedSegment,
        _count(InteractionLogEntry, InteractionLogEntry.logged_segment_entry_no).alias("no_of_interactions"),
        _count(CampaignEntry, CampaignEntry.logged_segment_entry_no).alias("no_of_campaign_entries"),
    )


def _dict(row):
    data = to_dict(row)
    data["canceled"] = bool(data["canceled"])
    data["no_of_interactions"] = row.no_of_interactions
    data["no_of_campaign_entries"] = row.no_of_campaign_entries
    return data


def list_logged(limit=None, offset=0):
    """Logged segments in entry order, with how many interactions and campaign entries each has."""
    query = _select().order_by(LoggedSegment.entry_no)
    if limit:
        query = query.limit(limit).offset(offset)
    return [_dict(r) for r in query]


def get_logged(entry_no):
    (no,) = interactions.parse_entry_nos([entry_no])
    row = _select().where(LoggedSegment.entry_no == no).first()
    if row is None:
        raise NotFound(f"logged segment {entry_no} does not exist")
    return row


def show_logged(entry_no, limit=SHOW_LIMIT, offset=0):
    """One logged segment with its campaign entries and a page of its interaction log entries."""
    row = get_logged(entry_no)
    data = _dict(row)
    data["campaign_entries"] = [
        dict(to_dict(c), canceled=bool(c.canceled))
        for c in CampaignEntry.select().where(CampaignEntry.logged_segment_entry_no == row.entry_no)
        .order_by(CampaignEntry.entry_no)]
    data["entries"] = interactions.entries_of_logged(row.entry_no, limit=limit, offset=offset)
    data["entries_limit"] = limit
    data["entries_offset"] = offset
    return data


def toggle_canceled(entry_nos_) -> CanceledRestored:
    """Cancel the logged segments that are not canceled and restore those that are, with their entries.

    Returns {"canceled": [...], "restored": [...]}. An unknown entry number refuses the whole call.
    """
    wanted = interactions.parse_entry_nos(entry_nos_)
    with dbmod.transaction():
        state = dict(LoggedSegment.select(LoggedSegment.entry_no, LoggedSegment.canceled)
                     .where(LoggedSegment.entry_no.in_(wanted)).tuples())
        unknown = [n for n in wanted if n not in state]
        if unknown:
            raise NotFound(f"logged segment {', '.join(map(str, unknown))} does not exist")
        cancel = [n for n in wanted if not state[n]]
        restore = [n for n in wanted if state[n]]
        for nos, canceled in ((cancel, True), (restore, False)):
            if not nos:
                continue
            LoggedSegment.update(canceled=canceled).where(LoggedSegment.entry_no.in_(nos)).execute()
            InteractionLogEntry.update(canceled=canceled).where(
                InteractionLogEntry.logged_segment_entry_no.in_(nos)).execute()
            CampaignEntry.update(canceled=canceled).where(CampaignEntry.logged_segment_entry_no.in_(nos)).execute()
    return CanceledRestored(canceled=cancel, restored=restore)


def follow_up(entry_no):
    """A new segment "Follow-up on segment SM00001" with the logged segment's contacts and campaign."""
    from .segment_log import create_follow_up

    from . import segments

    get_logged(entry_no)  # refuse an unknown entry before taking a number
    number = segments.take_segment_no()  # not held while the follow-up's lines are written
    try:
        with dbmod.transaction():
            row = get_logged(entry_no)
            campaign = (CampaignEntry.select(CampaignEntry.campaign_no)
                        .where(CampaignEntry.logged_segment_entry_no == row.entry_no)
                        .order_by(CampaignEntry.entry_no).scalar()) or ""
            new_no = create_follow_up(row.entry_no, row.segment_no, campaign, number=number)
    except BaseException:
        segments.give_back_segment_no(number)
        raise

    return segments.get_segment(new_no)


def delete_canceled():
    """Delete canceled logged segments with their interaction log entries and campaign entries."""
    with dbmod.transaction():
        canceled = LoggedSegment.select(LoggedSegment.entry_no).where(LoggedSegment.canceled == True)  # noqa: E712
        InteractionLogEntry.delete().where(InteractionLogEntry.logged_segment_entry_no.in_(canceled)).execute()
        CampaignEntry.delete().where(CampaignEntry.logged_segment_entry_no.in_(canceled)).execute()
        deleted = LoggedSegment.delete().where(LoggedSegment.canceled == True).execute()  # noqa: E712
        from .interactions import delete_orphan_comments

        delete_orphan_comments()
    return {"deleted": deleted}
