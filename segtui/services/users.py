"""Who is at the keyboard: the name logged segments, entries and criteria actions record."""
import getpass


def current_user():
    """The login name (what BC shows as User ID), or blank when there is none."""
    try:
        return getpass.getuser()
    except Exception:  # e.g. a container user without a passwd entry
        return ""
