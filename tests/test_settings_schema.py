"""One typed settings schema (config.SCHEMA) checks the file at start and `config set` alike;
--config is passed to the settings module, never written into the environment."""
import os

import pytest

from segtui import config
from segtui.errors import SegtuiError
from segtui.text import FALSE_WORDS, TRUE_WORDS, yes_no


def test_defaults_come_from_the_schema_and_pass_their_own_checks():
    for setting in config.SCHEMA:
        node = config.DEFAULTS
        for part in setting.key.split("."):
            node = node[part]
        assert node == setting.default and setting.label
        if not setting.table:
            assert config.check_value(setting.key, setting.default) == setting.default
    assert config.validate(config.DEFAULTS) == config.DEFAULTS


@pytest.mark.parametrize("key, value, wanted", [
    ("smtp.port", 587, 587), ("mouse", "OFF", False), ("mouse", " on ", True), ("user_id", 12, "12"),
], ids=["port", "off-word", "on-word", "number-as-text"])
def test_a_value_is_stored_in_the_type_the_schema_gives(key, value, wanted):
    assert config.check_value(key, value) == wanted
    assert type(config.check_value(key, value)) is config.BY_KEY[key].type


def test_the_same_check_refuses_in_the_file_and_on_config_set(tmp_path):
    path = tmp_path / "s.toml"
    with pytest.raises(SegtuiError, match="smtp.port: 70000 is not a TCP port"):
        config.set_value("smtp.port", 70000, path)
    assert not path.exists()
    path.write_text("[smtp]\nport = 70000\n", encoding="utf-8")
    with pytest.raises(SegtuiError, match="smtp.port: 70000 is not a TCP port"):
        config.load(path)


def test_a_new_setting_in_the_schema_is_known_everywhere(monkeypatch, tmp_path):
    extra = config.Setting("smtp.timeout", 10, "seconds to wait for the server")
    monkeypatch.setattr(config, "SCHEMA", (*config.SCHEMA, extra))
    monkeypatch.setitem(config.BY_KEY, extra.key, extra)
    assert config.check_value("smtp.timeout", 30) == 30
    with pytest.raises(SegtuiError, match="smtp.timeout: 'soon' is not a whole number"):
        config.check_value("smtp.timeout", "soon")
    assert "smtp.timeout" in str(pytest.raises(SegtuiError, config.check_value, "smtp.colour", 1).value)


def test_yes_no_words_are_one_list():
    assert all(yes_no(w.upper()) is True for w in TRUE_WORDS)
    assert all(yes_no(f" {w} ") is False for w in FALSE_WORDS)
    assert yes_no("maybe") is None and yes_no("maybe", False) is False
    with pytest.raises(SegtuiError, match="is not true or false"):
        config.check_value("smtp.starttls", "maybe")


def test_config_option_is_passed_not_put_in_the_environment(cli_main, tmp_path, monkeypatch):
    chosen, other = tmp_path / "chosen.toml", tmp_path / "settings.toml"  # cli_main's SEGTUI_CONFIG is `other`
    code, data, err = cli_main("--config", chosen, "config", "set", "user_id", "ANNA")
    assert code == 0, err
    assert "ANNA" in chosen.read_text(encoding="utf-8") and not other.exists()
    assert os.environ["SEGTUI_CONFIG"] == str(other)
    # The next run without --config reads SEGTUI_CONFIG again, not the file of the run before.
    code, data, _ = cli_main("config", "show")
    assert code == 0 and data["user_id"] == ""
    code, data, _ = cli_main("config", "show", "--config", chosen)
    assert code == 0 and data["user_id"] == "ANNA"


def test_a_config_file_chosen_without_the_environment(cli_main, tmp_path, monkeypatch):
    monkeypatch.delenv("SEGTUI_CONFIG")
    chosen = tmp_path / "only.toml"
    assert cli_main("config", "set", "smtp.port", "2525", "--config", chosen)[0] == 0
    assert "SEGTUI_CONFIG" not in os.environ
    assert config.load(chosen)["smtp"]["port"] == 2525
