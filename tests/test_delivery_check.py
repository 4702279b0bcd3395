"""Checking delivery before logging: SMTP settings, sender addresses and the output folder,
read from the settings and the segment's lines (services.delivery_check)."""
import socket

import pytest

from logging_data import contact_no, segment, set_line, world
from segtui import config
from segtui.models import Salesperson
from segtui.services import delivery_check
from word_helpers import free_port


@pytest.fixture
def setup(db):
    world(contacts=5)
    return db


def rules(problems):
    return {p["rule"]: p for p in problems}


def email_segment(lines=3):
    no = segment(lines=lines)
    for i in range(1, lines + 1):
        set_line(no, i * 10000, correspondence_type="email")
    return no


@pytest.fixture
def listening():
    """A TCP port on loopback that accepts connections (what the probe needs to see)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    yield server.getsockname()[1]
    server.close()


def test_no_smtp_server_set_is_named_with_the_number_of_email_lines(setup):
    no = email_segment(3)
    found = rules(delivery_check.settings_problems(no, probe=False))
    problem = found["smtp_not_set"]
    assert problem["rule_total"] == 3 and problem["line_no"] is None
    assert "3 e-mail lines to send, but no SMTP server is set" in problem["message"]
    assert "segtui config set smtp.host" in problem["message"]


def test_hard_copy_lines_need_no_smtp_server(setup):
    no = segment(lines=2)
    set_line(no, 10000, correspondence_type="hard_copy")
    set_line(no, 20000, correspondence_type="")
    assert delivery_check.settings_problems(no) == []
    assert delivery_check.summary(no) == "1 hard copy"


def test_a_server_that_answers_passes_and_one_that_does_not_is_named(setup, listening):
    no = email_segment(2)
    Salesperson.update(email="anna@example.com").execute()
    config.set_value("smtp.host", "127.0.0.1")
    config.set_value("smtp.port", listening)
    assert delivery_check.settings_problems(no) == []
    assert delivery_check.summary(no) == f"2 e-mails through 127.0.0.1:{listening}"
    port = free_port()
    config.set_value("smtp.port", port)
    problem = rules(delivery_check.settings_problems(no))["smtp_unreachable"]
    assert f"the SMTP server 127.0.0.1:{port} cannot be reached" in problem["message"]


def test_user_without_password_in_its_variable(setup, monkeypatch):
    no = email_segment(1)
    Salesperson.update(email="anna@example.com").execute()
    for key, value in (("smtp.host", "mail.example.com"), ("smtp.user", "anna"), ("smtp.password_env", "SEG_PW")):
        config.set_value(key, value)
    monkeypatch.delenv("SEG_PW", raising=False)
    found = rules(delivery_check.settings_problems(no, probe=False))
    assert "environment variable SEG_PW" in found["smtp_password"]["message"]
    monkeypatch.setenv("SEG_PW", "secret")
    assert delivery_check.settings_problems(no, probe=False) == []


def test_email_lines_without_a_sender_are_listed_by_line(setup):
    no = email_segment(3)
    config.set_value("smtp.host", "mail.example.com")
    found = [p for p in delivery_check.settings_problems(no, probe=False) if p["rule"] == "no_sender"]
    assert [p["line_no"] for p in found] == [10000, 20000, 30000]
    assert found[0]["contact_no"] == contact_no(1) and found[0]["rule_total"] == 3
    assert "give salesperson AK an e-mail" in found[0]["message"]
    config.set_value("smtp.sender", "office@example.com")  # one sender for all: nothing missing
    assert delivery_check.settings_problems(no, probe=False) == []


def test_output_folder_that_is_a_file_stops_hard_copies(setup, tmp_path):
    no = segment(lines=1)
    set_line(no, 10000, correspondence_type="hard_copy")
    assert delivery_check.settings_problems(no) == []
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    # Written by hand: `config set` itself refuses a folder it cannot make.
    config.config_path().write_text(f"output_dir = {str(blocker / 'letters')!r}\n", encoding="utf-8")
    problem = rules(delivery_check.settings_problems(no))["output_folder"]
    assert "1 hard-copy line to print" in problem["message"] and "is a file" in problem["message"]


def test_settings_given_by_the_caller_win_over_the_file(setup):
    no = email_segment(1)
    settings = {"smtp": {"host": "mail.example.com", "sender": "me@example.com"}}
    assert delivery_check.settings_problems(no, settings=settings, probe=False) == []
