"""Issue 10 point 8's leftover for `segment log`: a segment another user deleted or logged
meanwhile is a conflict (exit 3), and `segment log --deliver` runs the log dialog's delivery
check (services.delivery_check) first, refusing with its sentences (exit 1, nothing logged)."""
import os
import subprocess
import sys

import pytest

from logging_data import segment, set_line, world
from segtui import config
from segtui.errors import NoLongerOpen, NotFound
from segtui.models import InteractionLogEntry, LoggedSegment, Salesperson, SegmentHeader
from segtui.services import delivery_check, segment_log, segments
from word_helpers import free_port


@pytest.fixture
def setup(db):
    world(contacts=5)
    return db


def nothing_logged(no):
    assert LoggedSegment.select().count() == 0
    assert InteractionLogEntry.select().count() == 0
    assert SegmentHeader.get_or_none(SegmentHeader.no == no) is not None


def email_segment(lines=3):
    no = segment(lines=lines)
    for i in range(1, lines + 1):
        set_line(no, i * 10000, correspondence_type="email")
    return no


# --- deleted or logged meanwhile: exit 3 ----------------------------------------------------------

def test_a_segment_deleted_meanwhile_is_a_conflict_and_a_never_issued_one_not_found(setup, run_cli):
    no = segment(lines=2)
    segments.delete_segment(no)  # another user, between reading the segment and logging it
    with pytest.raises(NoLongerOpen, match="was deleted"):
        segment_log.log_segment(no)
    code, _data, err = run_cli("segment", "log", no)
    assert code == 3 and f"segment {no} was deleted" in err and "nothing was logged" in err
    code, _data, err = run_cli("segment", "log", no, "--deliver")
    assert code == 3, err
    with pytest.raises(NotFound) as caught:
        segment_log.log_segment("SM99999")
    assert not isinstance(caught.value, NoLongerOpen)
    code, _data, err = run_cli("segment", "log", "SM99999")
    assert code == 1 and "does not exist" in err
    assert LoggedSegment.select().count() == 0


def test_two_processes_log_one_segment_one_wins_the_other_exits_3(setup, db_path, tmp_path):
    no = segment(lines=5)
    env = dict(os.environ, SEGTUI_DB=str(db_path), SEGTUI_CONFIG=str(tmp_path / "settings.toml"),
               SEGTUI_DATA_DIR=str(tmp_path / "data"))
    procs = [subprocess.Popen([sys.executable, "-m", "segtui", "segment", "log", no], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = sorted((p.wait(timeout=120), p.stderr.read()) for p in procs)
    for p in procs:
        p.stdout.close()
        p.stderr.close()
    assert [code for code, _ in results] == [0, 3], results
    assert "already logged" in results[1][1]
    assert LoggedSegment.select().count() == 1
    assert InteractionLogEntry.select().count() == 5


# --- segment log --deliver checks the delivery settings first -------------------------------------

def test_log_deliver_without_smtp_server_is_refused_with_the_dialogs_sentences(setup, run_cli):
    no = email_segment(3)
    expected = [p["message"] for p in delivery_check.settings_problems(no)]
    assert any("no SMTP server is set" in m for m in expected)
    code, _data, err = run_cli("segment", "log", no, "--deliver")
    assert code == 1 and err.startswith("error:")
    assert f"segment {no} cannot be logged" in err
    for message in expected:
        assert message in err
    nothing_logged(no)
    # Without --deliver nothing about delivery is asked: the segment logs.
    code, data, err = run_cli("segment", "log", no)
    assert code == 0 and data["interactions"] == 3, err


def test_log_deliver_to_an_smtp_server_that_does_not_answer_is_refused(setup, run_cli):
    no = email_segment(2)
    Salesperson.update(email="anna@example.com").execute()
    port = free_port()
    config.set_value("smtp.host", "127.0.0.1")
    config.set_value("smtp.port", port)
    code, _data, err = run_cli("segment", "log", no, "--deliver")
    assert code == 1, err
    assert f"the SMTP server 127.0.0.1:{port} cannot be reached" in err
    nothing_logged(no)


def test_log_deliver_with_settings_right_goes_on_to_the_logs_own_checks(setup, run_cli):
    # Hard copies need only a writable output folder: the settings check passes, and the log's
    # own refusal (no Word template for delivery) is what stops it, exit 1 all the same.
    no = segment(lines=2)
    assert segment_log.delivery_settings_refusal(no) is None
    code, _data, err = run_cli("segment", "log", no, "--deliver")
    assert code == 1 and f"segment {no} cannot be logged" in err
    nothing_logged(no)
