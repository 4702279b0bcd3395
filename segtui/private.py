"""Private by default: the contact data, the settings and the documents made from them are
readable by their owner only.

Our own folders (data, config, output) are 0700 and our files 0600. A team database lives in
a folder an administrator chose and marked setgid (chmod 2770, group of the team): there the
user's umask (e.g. 002) decides, so the database, its -wal and -shm keep the folder's group
and the team can share them. SQLite gives -wal and -shm the mode of the database file, so
setting the database's mode covers them too.
"""
import contextlib
import os
import stat
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600


def is_team_folder(folder):
    """A folder an administrator set up for sharing: setgid bit set."""
    try:
        return bool(Path(folder).stat().st_mode & stat.S_ISGID)
    except OSError:
        return False


def _owned(path):
    try:
        return path.stat().st_uid == os.getuid()
    except OSError:
        return False


def make_private_dir(path, ours=False):
    """Create `path` (and its parents) with the folder itself 0700.

    An existing folder is tightened only when it is one of ours (`ours`: the data, config or
    output folder), we own it and it is not a team folder: a folder a user or an administrator
    chose is left as they made it.
    """
    path = Path(path).expanduser()
    if not path.exists():
        with umask(0o077):
            path.mkdir(parents=True, exist_ok=True)
        if not is_team_folder(path.parent):
            path.chmod(DIR_MODE)
        return path
    if ours and path.is_dir() and _owned(path) and not is_team_folder(path):
        if stat.S_IMODE(path.stat().st_mode) != DIR_MODE:
            path.chmod(DIR_MODE)
    return path


@contextlib.contextmanager
def umask(mask):
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def current_umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def owner_only_files(folder):
    """Files created inside (a new database) are owner-only; in a team folder the umask decides."""
    if is_team_folder(folder):
        yield
        return
    with umask(current_umask() | 0o077):
        yield


def protect_sqlite_files(path, new=False):
    """The database, -wal and -shm: owner-only in a private folder. In a team folder a new
    database gets 0660 less the umask (umask 002: the team reads and writes, others nothing)
    and an existing one keeps the mode its administrator gave it."""
    path = Path(path)
    team = is_team_folder(path.parent)
    if team and not new:
        return
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        # Regular files only: run as root on `--db /dev/null`, a chmod here made /dev/null 0600.
        if not candidate.is_file() or candidate.is_symlink() or not _owned(candidate):
            continue
        mode = stat.S_IMODE(candidate.stat().st_mode)
        # The team's group reads and writes as the umask allows; others never, whatever the folder.
        wanted = (0o666 & ~current_umask() & ~0o007) if team else mode & FILE_MODE
        if wanted != mode:
            candidate.chmod(wanted)


def tighten_file(path):
    """An existing file of ours that others may read (written by an older segtui) becomes 0600,
    unless it lives in a team folder."""
    path = Path(path)
    try:
        if not path.is_file() or path.is_symlink():
            return  # a device, a pipe or a link is not a file of ours to tighten
        if _owned(path) and not is_team_folder(path.parent) and stat.S_IMODE(path.stat().st_mode) & 0o077:
            path.chmod(stat.S_IMODE(path.stat().st_mode) & FILE_MODE)
    except OSError:
        pass  # not ours to change (read-only file system...): reading it still works


def write_private_text(target, text):
    """Write a file atomically (a crash never leaves half of it), readable by its owner only.

    The temporary file has a unique name (mkstemp creates it 0600), so two processes saving at
    once each replace the whole file and never mix their writes.
    """
    import tempfile

    target = Path(target)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
