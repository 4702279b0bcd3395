"""Delivery of logged interactions: merge each entry's document, print hard copies, send e-mail.

(Being written: the signatures below are final.)
"""


def delivery_refusals(segment_no):
    """Reasons the segment's lines cannot be delivered: a list of
    {"segment_no", "line_no", "contact_no", "message"} (empty when delivery can go ahead)."""
    return []


def deliver_logged(logged_entry_no, out_dir=None, settings=None):
    """Deliver a logged segment's unfinished entries; {"delivered", "errors", "combined"}."""
    raise NotImplementedError("delivery is being written")


def deliver_entries(entry_nos, out_dir=None, settings=None):
    """Deliver the given interaction log entries (resend); {"delivered", "errors", "combined"}."""
    raise NotImplementedError("delivery is being written")
