"""Delivery that resumes (issue 10, point 2): `segtui logged deliver`, settings checked before
logging, nothing failing after the log's commit, and a real process killed mid-delivery."""
import os
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest
import tomli_w
from aiosmtpd.controller import Controller

from segtui.models import InteractionLogEntry, LoggedSegment, SegmentHeader
from segtui.services import delivery, templates
from word_helpers import DATA, SlowRecorder, add_contact, add_line, free_port, make_segment, make_world

LINES = 20


def _settings(tmp_path, port, **smtp):
    values = {"host": "127.0.0.1", "port": port, "starttls": False, "user": "",
              "password_env": "SEGTUI_TEST_SMTP_PASSWORD", "sender": "letters@ourco.example"}
    values.update(smtp)
    path = tmp_path / "settings.toml"
    path.write_text(tomli_w.dumps({"smtp": values, "output_dir": str(tmp_path / "printed")}))
    return path


@pytest.fixture
def mailing(db):
    """Segment SM00001 with LINES e-mail lines, each to its own address."""
    contacts = make_world()
    templates.attach("LETTER", DATA / "letter_macword2011.docx")
    make_segment()
    for i in range(LINES):
        contact = add_contact(f"CT1{i:05d}", f"Person Number{i}", email=f"p{i}@example.org")
        add_line("SM00001", contact, 10000 * (i + 1), correspondence_type="email")
    return contacts


def _env(db_path, tmp_path):
    return dict(os.environ, SEGTUI_DB=str(db_path), SEGTUI_CONFIG=str(tmp_path / "settings.toml"),
                SEGTUI_DATA_DIR=str(tmp_path / "data"))


def _statuses():
    return Counter(e.delivery_status for e in InteractionLogEntry.select())


def test_a_bad_smtp_port_refuses_the_log_and_changes_nothing(mailing, run_cli, tmp_path):
    _settings(tmp_path, "abc")
    code, out, err = run_cli("segment", "log", "SM00001", "--deliver", json_out=False)
    assert code == 1, (out, err)
    assert "smtp.port: 'abc' is not a whole number" in err and "Traceback" not in err
    assert SegmentHeader.select().count() == 1 and LoggedSegment.select().count() == 0
    assert InteractionLogEntry.select().count() == 0


def test_a_missing_password_variable_refuses_the_log(mailing, run_cli, tmp_path, server):
    _settings(tmp_path, server.port, user="letters", password_env="SEGTUI_NO_SUCH_VARIABLE")
    code, out, err = run_cli("segment", "log", "SM00001", "--deliver", json_out=False)
    assert code == 1 and "SEGTUI_NO_SUCH_VARIABLE" in err
    assert LoggedSegment.select().count() == 0


class Refuser:
    """A server that answers (so the check before logging passes) but takes no message."""

    async def handle_DATA(self, server, session, envelope):
        return "554 not today"


def test_a_server_that_fails_after_the_log_is_reported_not_an_error_exit(mailing, run_cli, tmp_path, server):
    # A server that does not answer at all is refused before logging (tests/test_log_conflicts.py);
    # one that fails once the log is committed must not turn the command into an error.
    refusing = Controller(Refuser(), hostname="127.0.0.1", port=free_port())
    refusing.start()
    try:
        _settings(tmp_path, refusing.port)
        code, out, err = run_cli("segment", "log", "SM00001", "--deliver", json_out=False)
    finally:
        refusing.stop()
    assert code == 0, err
    assert "logged as logged segment 1" in out and f"errors {LINES}" in out
    assert "segtui logged deliver 1" in out and "Traceback" not in err
    # The server comes back: the rest is delivered, once each.
    _settings(tmp_path, server.port)
    code, out, err = run_cli("logged", "deliver", "1")
    assert code == 0, err
    assert out["delivered"] == LINES and out["errors"] == 0 and out["skipped"] == 0
    assert sorted(str(m["To"]) for m in server.handler.received) == sorted(f"p{i}@example.org" for i in range(LINES))
    code, out, err = run_cli("logged", "deliver", "1")
    assert out["delivered"] == 0 and out["skipped"] == LINES and len(server.handler.received) == LINES


def test_logged_deliver_refuses_bad_settings_and_unknown_numbers(mailing, run_cli, tmp_path, server):
    _settings(tmp_path, server.port)
    code, out, err = run_cli("logged", "deliver", "99", json_out=False)
    assert code == 1 and "99" in err
    _settings(tmp_path, 70000)
    from segtui.services import segment_log

    segment_log.log_segment("SM00001")  # logged without delivery: nothing pending
    InteractionLogEntry.update(delivery_status="in_progress").execute()
    code, out, err = run_cli("logged", "deliver", "1", json_out=False)
    assert code == 1 and "smtp.port: 70000 is not a TCP port" in err and "nothing was sent" in err
    assert _statuses() == {"in_progress": LINES}
    from segtui.services import logged

    logged.toggle_canceled([1])
    _settings(tmp_path, server.port)
    code, out, err = run_cli("logged", "deliver", "1", json_out=False)
    assert code == 1 and "is canceled: restore it" in err and server.handler.received == []


def test_deliver_logged_skips_sent_and_canceled_entries(mailing, server, tmp_path):
    from segtui.services import segment_log

    settings = {"smtp": {"host": "127.0.0.1", "port": server.port, "sender": "a@b.example"}}
    segment_log.log_segment("SM00001")
    entries = list(InteractionLogEntry.select().order_by(InteractionLogEntry.entry_no))
    InteractionLogEntry.update(delivery_status="in_progress").execute()
    InteractionLogEntry.update(delivery_status="").where(InteractionLogEntry.entry_no == entries[0].entry_no).execute()
    InteractionLogEntry.update(delivery_status="error", delivery_error="old").where(
        InteractionLogEntry.entry_no == entries[1].entry_no).execute()
    InteractionLogEntry.update(canceled=True).where(InteractionLogEntry.entry_no == entries[2].entry_no).execute()
    result = delivery.deliver_logged(1, settings=settings)
    assert (result["delivered"], result["errors"], result["skipped"]) == (LINES - 2, 0, 2)
    sent_to = {str(m["To"]) for m in server.handler.received}
    assert entries[1].contact_no and "p1@example.org" in sent_to  # the failed one is retried
    assert "p0@example.org" not in sent_to and "p2@example.org" not in sent_to


def test_an_unexpected_failure_after_the_commit_is_reported_and_resumable(mailing, server, tmp_path, monkeypatch):
    from segtui.services import segment_log

    def boom(*a, **k):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(delivery.merge, "values_for", boom)
    settings = {"smtp": {"host": "127.0.0.1", "port": server.port, "sender": "a@b.example"}}
    monkeypatch.setattr(delivery.config, "load", lambda *a, **k: dict(delivery.config.DEFAULTS, **settings))
    result = segment_log.log_segment("SM00001", deliver=True)  # does not raise
    assert result["interactions"] == LINES and result["delivered"] == 0
    monkeypatch.undo()
    assert delivery.delivery_state(1)["pending"] == LINES
    monkeypatch.setattr(delivery.merge, "values_for", boom)
    failed = delivery.deliver_logged(1, settings=settings)
    assert "disk on fire" in failed["failure"] and failed["delivered"] == 0
    monkeypatch.undo()
    result = delivery.deliver_logged(1, settings=settings)
    assert result["delivered"] == LINES and result["failure"] == ""


def test_sigkill_during_segment_log_deliver_then_logged_deliver_finishes_with_no_duplicate(
        mailing, db_path, tmp_path):
    handler = SlowRecorder(delay=1.0)
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        _settings(tmp_path, controller.port)
        env = _env(db_path, tmp_path)
        proc = subprocess.Popen([sys.executable, "-m", "segtui", "segment", "log", "SM00001", "--deliver"],
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 120
        while len(handler.received) < 4 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.02)
        assert len(handler.received) >= 4, proc.communicate()
        proc.send_signal(signal.SIGKILL)  # the 4th message is in flight: received, not yet answered
        proc.wait()
        in_flight = handler.received[-1]
        before = len(handler.received)
        assert before < LINES

        states = _statuses()
        # The in-flight message had no answer yet when the process died (the server waits 1 s).
        assert states[""] == before - 1 and states["in_progress"] == LINES - before + 1, states
        # Its Message-ID was stored before it went.
        flying = InteractionLogEntry.get(InteractionLogEntry.message_id == in_flight["Message-ID"])
        assert flying.delivery_status == "in_progress"

        handler.delay = 0
        p = subprocess.run([sys.executable, "-m", "segtui", "logged", "deliver", "1", "--json"], env=env,
                           capture_output=True, text=True, timeout=120)
        assert p.returncode == 0, p.stderr
        import json

        out = json.loads(p.stdout)
        assert out["delivered"] == LINES - before + 1 and out["errors"] == 0 and out["skipped"] == before - 1
    finally:
        controller.stop()
    counts = Counter(str(m["To"]) for m in handler.received)
    assert set(counts) == {f"p{i}@example.org" for i in range(LINES)}
    twice = [to for to, n in counts.items() if n > 1]
    assert twice in ([], [str(in_flight["To"])])  # at most the one in flight went twice
    assert _statuses() == {"": LINES}
