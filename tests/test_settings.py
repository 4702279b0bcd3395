"""Settings are checked when read and by `config set`; a password is never stored or shown."""
import pytest

from segtui import config
from segtui.errors import SegtuiError


@pytest.fixture
def settings_file(tmp_path, monkeypatch):
    path = tmp_path / "settings.toml"
    monkeypatch.setenv("SEGTUI_CONFIG", str(path))
    return path


@pytest.mark.parametrize("key, typed, message", [
    ("smtp.port", "abc", "smtp.port: 'abc' is not a whole number"),
    ("smtp.port", "0", "not a TCP port"),
    ("smtp.port", "70000", "not a TCP port"),
    ("smtp.starttls", "maybe", "is not true or false"),
    ("mouse", "3", "is not true or false"),
    ("smtp.colour", "red", "unknown setting 'smtp.colour'; known: theme, mouse"),
    ("thme", "x", "unknown setting 'thme'"),
    ("smtp", "5", "smtp is a table of settings: set one of its keys (smtp.host"),
    ("keymap", "5", "keymap is a table of settings: set one of its keys, e.g. keymap.go_back"),
    ("keymap.go_back.x", "5", "unknown setting 'keymap.go_back.x'"),
    ("smtp.password_env", "NOT A NAME", "is not an environment variable name"),
    ("theme", "[1, 2]", "must be text"),
    ("smtp.sender", "not an address", "is not an e-mail address"),
    ("smtp.host", "mail.example.com evil", "is not a host name"),
    ("smtp.user", '"a\\nb"', "contains a control character"),
    ("smtp.sender", "a@b.example\r\nBcc: victim@x.example", "is not an e-mail address"),
    ("theme", "[" * 3000 + "]" * 3000, "nested too deeply"),
], ids=lambda v: str(v).replace(" ", "_")[:30])
def test_config_set_refuses_a_wrong_value_and_keeps_the_file(cli_main, settings_file, key, typed, message):
    assert cli_main("config", "set", "smtp.host", "mail.example.com")[0] == 0
    before = settings_file.read_bytes()
    code, out, err = cli_main("config", "set", key, typed)
    assert code == 1 and out is None and message in err, err
    assert settings_file.read_bytes() == before


@pytest.mark.parametrize("key", ["smtp.password", "smtp.Password", "api_token"])
def test_a_password_is_refused_and_never_written(cli_main, settings_file, key):
    code, _, err = cli_main("config", "set", key, "hunter2")
    assert code == 1 and "never kept in the settings" in err and "SEGTUI_SMTP_PASSWORD" in err
    assert not settings_file.exists() or "hunter2" not in settings_file.read_text()


def test_yes_no_words_and_numbers_are_stored_in_their_type(cli_main, settings_file):
    assert cli_main("config", "set", "smtp.starttls", "yes")[1] == {"smtp.starttls": True}
    assert cli_main("config", "set", "smtp.port", "587")[1] == {"smtp.port": 587}
    assert cli_main("config", "set", "keymap.go_back", "ctrl+z")[1] == {"keymap.go_back": "ctrl+z"}
    assert cli_main("config", "set", "user_id", "1234")[1] == {"user_id": "1234"}
    assert cli_main("config", "set", "smtp.sender", "Letters <letters@ourco.example>")[0] == 0
    assert cli_main("config", "set", "smtp.sender", "letters@ourco.example")[0] == 0
    loaded = config.load()
    assert loaded["smtp"]["starttls"] is True and loaded["smtp"]["port"] == 587 and loaded["user_id"] == "1234"


@pytest.mark.parametrize("text, message", [
    ("[smtp]\nport = \"abc\"\n", "smtp.port: 'abc' is not a whole number"),
    ("colour = 1\n", "unknown setting 'colour'"),
    ("[smtp]\npassword = \"hunter2\"\n", "smtp.password: a password is never kept"),
    ("[smtp.host]\nx = 1\n", "smtp.host must be a value, not a table"),
    ("[keymap]\ngo_back = 5\n", "keymap.go_back: 5 must be text"),
], ids=["port-word", "unknown-key", "password", "table-for-value", "keymap-number"])
def test_a_wrong_settings_file_is_refused_when_read_naming_file_and_key(settings_file, text, message):
    settings_file.write_text(text, encoding="utf-8")
    with pytest.raises(SegtuiError) as info:
        config.load()
    assert message in str(info.value) and str(settings_file) in str(info.value)


def test_a_wrong_settings_file_is_named_by_config_show_without_a_traceback(run_cli, settings_file):
    assert run_cli("init")[0] == 0
    settings_file.write_text("[smtp]\nport = \"abc\"\n", encoding="utf-8")
    code, _, err = run_cli("segment", "new", "--description", "x")
    # segment new does not read the settings; config show (and delivery) read them and refuse.
    assert code == 0, err
    code, out, err = run_cli("config", "show")
    assert code == 1 and "smtp.port" in err and "Traceback" not in err


def test_config_show_never_prints_a_secret(cli_main, settings_file, monkeypatch):
    monkeypatch.setenv("SEGTUI_SMTP_PASSWORD", "hunter2")
    cli_main("config", "set", "smtp.user", "mailer")
    code, text, _ = cli_main("config", "show", json_out=False)
    assert code == 0 and "hunter2" not in text and "password_env" in text
    code, data, _ = cli_main("config", "show")
    assert data["smtp"]["password_set"] is True and "hunter2" not in str(data)
    assert config.shown({"smtp": {"password": "x", "password_env": "NOPE_UNSET"}})["smtp"] == {
        "password": "(hidden)", "password_env": "NOPE_UNSET", "password_set": False}
