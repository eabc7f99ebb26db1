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
