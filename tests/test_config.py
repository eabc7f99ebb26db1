"""Settings: defaults, .env, environment precedence, and clear errors."""

import re
from pathlib import Path

import pytest

from briefing.app.config import SETTINGS, ConfigError, load_config

ROOT = Path(__file__).resolve().parent.parent


def test_defaults_need_no_configuration(tmp_path):
    config = load_config(env_file=tmp_path / "missing.env", environ={})
    assert config.points == 3
    assert config.output_dir == Path("out")
    assert config.briefing_inputs == (Path("seeds"),)
    assert config.briefing_to == ()


def test_env_file_is_read_and_environment_wins(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("POINTS=5\nOUTPUT_DIR=elsewhere\n")
    config = load_config(env_file=env_file, environ={"POINTS": "2"})
    assert config.points == 2
    assert config.output_dir == Path("elsewhere")


@pytest.mark.parametrize(
    ("name", "value"),
    [("POINTS", "zero"), ("POINTS", "0"), ("BRIEFING_TO", "not-an-address"),
     ("LOG_LEVEL", "loud"), ("LANGUAGE", "klingon"), ("WORKERS", "0")],
)
def test_invalid_value_names_the_setting(tmp_path, name, value):
    with pytest.raises(ConfigError, match=rf"^{name}="):
        load_config(env_file=tmp_path / "none.env", environ={name: value})


def test_every_setting_is_documented_in_the_example_file():
    example = (ROOT / "config.example.env").read_text()
    documented = set(re.findall(r"^([A-Z][A-Z0-9_]+)=", example, flags=re.MULTILINE))
    declared = {setting.name for setting in SETTINGS}
    assert declared == documented


def test_example_file_loads_as_is():
    config = load_config(env_file=ROOT / "config.example.env", environ={})
    assert config.points == 3


# --- a hostile day (issue 16): every setting checked at start-up, one line each ----------


def _bad_settings(tmp_path):
    (tmp_path / "aliases-bad.toml").write_text("[people\nname = 'x'\n")
    (tmp_path / "aliases-shape.toml").write_text("people = 3\n")
    broken = tmp_path / "templates"
    broken.mkdir()
    (broken / "briefing.html").write_text("<p>{{ subject }</p>\n{% for x in %}\n")
    (tmp_path / "a-file").write_text("not a folder")
    return [
        ("ALIASES_FILE", str(tmp_path / "missing.toml"), "no such file"),
        ("ALIASES_FILE", str(tmp_path / "aliases-bad.toml"), "is not valid TOML"),
        ("ALIASES_FILE", str(tmp_path / "aliases-shape.toml"), "is not shaped like"),
        ("TEMPLATES_DIR", str(broken), "briefing.html line 1: unexpected '}'"),
        ("TEMPLATES_DIR", str(tmp_path / "nowhere"), "no such folder"),
        ("OUTPUT_DIR", str(tmp_path / "a-file"), "is a file, not a folder"),
        ("OUTPUT_DIR", str(tmp_path / "a-file" / "out"), "not a folder this user can write to"),
        ("BRIEFING_STATE_DIR", str(tmp_path / "a-file" / "state"),
         "not a folder this user can write to"),
        ("REPEAT_DAYS", "100000000", "must be from 0 to 366"),
        ("SMTP_TIMEOUT", "0", "more than 0 and at most 3600"),
        ("SMTP_TIMEOUT", "inf", "more than 0 and at most 3600"),
        ("SMTP_TIMEOUT", "1e300", "more than 0 and at most 3600"),
        ("FETCH_TIMEOUT", "nan", "more than 0 and at most 3600"),
        ("SEND_BACKOFF", "inf", "from 0 to 86400"),
        ("ALGORITHM", "bogus", "must be one of lead, "),
        ("SMTP_CA_FILE", str(tmp_path / "missing.pem"), "no such file"),
        ("SMTP_CA_FILE", str(tmp_path / "a-file"), "is not a readable PEM file"),
        ("FETCH_ALLOW_HOSTS", "10.0.0.0/8, not a host!", "is neither a host name nor a network"),
        ("CATCH_UP_DAYS", "400", "must be from 0 to 31"),
        ("WORKERS", "100000", "must be from 1 to 256"),
        ("FETCH_WORKERS", "5000", "must be from 1 to 64"),
        ("SEND_ATTEMPTS", "1000000", "must be from 1 to 100"),
        ("STORY_WINDOW_HOURS", "inf", "at most 8760"),
        ("SCHEDULE_CHECK_MINUTES", "0", "must be from 1 to 1440"),
    ]


def test_every_bad_setting_is_one_line_naming_it_at_start_up(tmp_path, capsys):
    for name, value, reason in _bad_settings(tmp_path):
        with pytest.raises(ConfigError) as error:
            load_config(env_file=tmp_path / "none.env", environ={name: value})
        message = str(error.value)
        assert message.startswith(f"{name}=") and reason in message, (name, value, message)
        assert "\n" not in message


@pytest.mark.parametrize("name", ["ALIASES_FILE", "TEMPLATES_DIR", "ALGORITHM", "SMTP_TIMEOUT"])
def test_the_cli_stops_with_the_setting_named_and_no_traceback(tmp_path, capsys, name):
    from briefing.app.cli import main

    value = next(v for n, v, _ in _bad_settings(tmp_path) if n == name)
    (tmp_path / "bad.env").write_text(f"{name}={value}\n")
    assert main(["--env-file", str(tmp_path / "bad.env"), "generate"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {name}=") and err.count("\n") == 1
    assert "Traceback" not in err


def test_an_output_folder_this_user_cannot_write_is_named(tmp_path, monkeypatch):
    import os

    (tmp_path / "readonly").mkdir()
    access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode: False
                        if Path(path) == tmp_path / "readonly" else access(path, mode))
    with pytest.raises(ConfigError, match=r"^OUTPUT_DIR=.* is invalid: is not a folder this "
                                          r"user can write to \("):
        load_config(env_file=tmp_path / "none.env",
                    environ={"OUTPUT_DIR": str(tmp_path / "readonly" / "out")})


def test_good_values_of_the_checked_settings_load(tmp_path):
    (tmp_path / "aliases.toml").write_text('[people."Jane Doe"]\naliases = ["Mayor Doe"]\n')
    (tmp_path / "templates").mkdir()
    config = load_config(env_file=tmp_path / "none.env", environ={
        "ALIASES_FILE": str(tmp_path / "aliases.toml"),
        "TEMPLATES_DIR": str(tmp_path / "templates"),
        "ALGORITHM": "lex-rank", "SMTP_TIMEOUT": "2.5", "REPEAT_DAYS": "7",
        "FETCH_ALLOW_HOSTS": "127.0.0.0/8, intranet.example", "OUTPUT_DIR": str(tmp_path / "o"),
    })
    assert config.algorithm == "lex-rank" and config.smtp_timeout == 2.5
    assert config.fetch_allow_hosts.names == frozenset({"intranet.example"})
