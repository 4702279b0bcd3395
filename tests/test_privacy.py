"""Private by default: folders 0700, database/-wal/-shm/settings/output 0600; a team folder
(setgid, umask 002) keeps its group and shares the database with the team."""
import os
import stat
import subprocess
import sys

import pytest

from segtui import config, private

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def run(tmp_path, *args, umask="022", extra_env=None):
    """The real entry point under a given umask, with the data and config folders in tmp_path."""
    env = dict(os.environ, SEGTUI_DATA_DIR=str(tmp_path / "data"),
               SEGTUI_CONFIG=str(tmp_path / "config" / "settings.toml"), **(extra_env or {}))
    env.pop("SEGTUI_DB", None)
    code = f"import os, sys; os.umask(0o{umask}); from segtui.cli import main; sys.exit(main({list(args)!r}))"
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)


def test_default_database_folder_and_files_are_owner_only(tmp_path):
    p = run(tmp_path, "init")
    assert p.returncode == 0, p.stderr
    p = run(tmp_path, "segment", "new", "--description", "private")
    assert p.returncode == 0, p.stderr
    data = tmp_path / "data"
    assert mode(data) == 0o700 and mode(data / "output") == 0o700
    database = data / "segtui.db"
    assert mode(database) == 0o600
    # Keep a connection open so -wal and -shm exist, then look at them.
    import sqlite3

    keep = sqlite3.connect(database)
    keep.execute("PRAGMA journal_mode=wal")
    keep.execute("select count(*) from segment_header").fetchone()
    try:
        for suffix in ("-wal", "-shm"):
            assert mode(f"{database}{suffix}") & 0o077 == 0, suffix
    finally:
        keep.close()


def test_an_old_world_readable_database_and_data_folder_are_tightened(tmp_path):
    assert run(tmp_path, "init").returncode == 0
    for command in (["init"], ["segment", "list"]):
        (tmp_path / "data").chmod(0o755)
        (tmp_path / "data" / "segtui.db").chmod(0o644)
        assert run(tmp_path, *command).returncode == 0
        assert mode(tmp_path / "data") == 0o700 and mode(tmp_path / "data" / "segtui.db") == 0o600, command


def test_settings_file_and_config_folder_are_owner_only(tmp_path):
    p = run(tmp_path, "config", "set", "smtp.port", "587")
    assert p.returncode == 0, p.stderr
    assert mode(tmp_path / "config") == 0o700 and mode(tmp_path / "config" / "settings.toml") == 0o600
    assert not list((tmp_path / "config").glob("*.tmp"))


def test_a_new_output_folder_from_the_settings_is_owner_only(tmp_path, monkeypatch):
    monkeypatch.setenv("SEGTUI_CONFIG", str(tmp_path / "s.toml"))
    config.set_value("output_dir", str(tmp_path / "letters"))
    assert mode(tmp_path / "letters") == 0o700 and mode(tmp_path / "s.toml") == 0o600


def test_a_team_database_in_a_setgid_folder_keeps_the_folder_group(tmp_path):
    team = tmp_path / "team"
    team.mkdir()
    # A group other than the user's own, so keeping it proves the setgid folder gave it.
    others = [g for g in os.getgroups() if g != os.getegid()]
    group = 4242 if os.geteuid() == 0 else (others[0] if others else None)
    if group is None:
        pytest.skip("the user belongs to no second group to share with")
    os.chown(team, -1, group)
    team.chmod(0o2770)
    if not mode(team) & stat.S_ISGID:
        pytest.skip("this file system does not keep the setgid bit")
    database = team / "crm.db"
    p = run(tmp_path, "--db", str(database), "init", umask="002")
    assert p.returncode == 0, p.stderr
    assert os.stat(database).st_gid == group
    assert mode(database) == 0o660  # the team reads and writes; others nothing
    assert mode(team) == 0o2770  # a folder the administrator chose is left as it is
    p = run(tmp_path, "--db", str(database), "segment", "new", "--description", "team", umask="002")
    assert p.returncode == 0, p.stderr
    assert mode(database) == 0o660
    import sqlite3

    keep = sqlite3.connect(database)  # -wal and -shm exist while a connection is open
    keep.execute("select count(*) from segment_header").fetchone()
    try:
        for suffix in ("-wal", "-shm"):
            side = f"{database}{suffix}"
            assert os.stat(side).st_gid == group and mode(side) == 0o660, suffix
    finally:
        keep.close()


def test_a_folder_the_user_chose_is_not_changed(tmp_path):
    chosen = tmp_path / "shared"
    chosen.mkdir()
    chosen.chmod(0o755)
    assert run(tmp_path, "--db", str(chosen / "x.db"), "init").returncode == 0
    assert mode(chosen) == 0o755 and mode(chosen / "x.db") == 0o600


def test_write_private_text_is_atomic_and_owner_only(tmp_path):
    target = tmp_path / "f.toml"
    target.write_text("old")
    target.chmod(0o644)
    private.write_private_text(target, "new")
    assert target.read_text() == "new" and mode(target) == 0o600


def test_a_backup_is_owner_only(tmp_path):
    assert run(tmp_path, "init").returncode == 0
    p = run(tmp_path, "backup", str(tmp_path / "copy.db"))
    assert p.returncode == 0, p.stderr
    assert mode(tmp_path / "copy.db") == 0o600
    p = run(tmp_path, "backup", str(tmp_path / "no" / "such" / "copy.db"))
    assert p.returncode == 1 and "does not exist" in p.stderr


def test_an_old_world_readable_settings_file_is_tightened_when_read(tmp_path, monkeypatch):
    path = tmp_path / "settings.toml"
    path.write_text('theme = "segtui-dark"\n')
    path.chmod(0o644)
    monkeypatch.setenv("SEGTUI_CONFIG", str(path))
    assert config.load()["theme"] == "segtui-dark"
    assert mode(path) == 0o600
