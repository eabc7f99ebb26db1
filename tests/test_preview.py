"""`preview`: the briefing served on loopback, rebuilt on the next load after an edit."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from briefing.app.config import load_config
from briefing.app.edition import Request, make_edition
from briefing.app.preview import LiveEdition, respond, watched_files
from briefing.output.render import BUNDLED_TEMPLATES

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DATE = "2026-11-28"
BUDGET = (
    "Council passes budget\n\n"
    "The city council of Riverton approved a new budget on Monday after a long debate "
    "about schools and roads. Mayor Jane Doe said the plan would cut costs by ten percent.\n"
)


def fetch(url: str) -> tuple[int, str, str]:
    """Status, content type and body of a GET."""
    try:
        with urllib.request.urlopen(url, timeout=20) as response:
            return response.status, response.headers["Content-Type"], response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read().decode()


def start_preview(folder: Path, environment: dict, *args: str):
    """`run_briefing.py preview ARGS --no-open` in `folder`, and a watchdog that kills it after
    a minute, so a hung server fails the test, not CI."""
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "run_briefing.py"), "--env-file", str(folder / "none"),
         "preview", *args, "--no-open"],
        cwd=folder, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    watchdog = threading.Timer(60, process.kill)
    watchdog.start()
    return process, watchdog


def address_printed(process: subprocess.Popen) -> tuple[str, str]:
    """What the preview printed up to its address line, and the address."""
    printed = ""
    while "http://" not in printed:
        line = process.stdout.readline()
        assert line, process.stderr.read()
        printed += line
    return printed, re.search(r"http://127\.0\.0\.1:(\d+)/", printed).group(0)


def test_preview_serves_the_emailed_bytes_rebuilds_after_edits_and_stops_on_ctrl_c(tmp_path):
    inputs = tmp_path / "in"
    shutil.copytree(SEEDS, inputs)
    templates = tmp_path / "templates"
    templates.mkdir()
    shutil.copy(BUNDLED_TEMPLATES / "briefing.html", templates)
    out = tmp_path / "out"
    environment = {**os.environ, "TEMPLATES_DIR": str(templates), "PYTHONUNBUFFERED": "1"}
    with socket.socket() as taken:  # the chosen port is busy: preview must pick a free one
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        process, watchdog = start_preview(
            tmp_path, environment, str(inputs), "--out", str(out), "--date", DATE,
            "--port", str(busy))
        try:
            printed, url = address_printed(process)
            assert f":{busy}/" not in url and f"Port {busy} is taken" in printed

            config = load_config(env_file=tmp_path / "none", environ=environment)
            edition = make_edition(config.with_values(output_dir=tmp_path / "mine"),
                                   dt.date.fromisoformat(DATE), Request(inputs=[inputs]))
            status, kind, body = fetch(url + "email.html")
            assert (status, kind) == (200, "text/html; charset=utf-8")
            assert body == edition.rendered.html  # exactly what is e-mailed
            assert fetch(url + "email.txt")[2] == edition.rendered.text
            status, _, page = fetch(url)
            assert status == 200 and 'src="/email.html"' in page
            assert 'src="/email.txt"' in fetch(url + "?view=text")[2]

            template = templates / "briefing.html"
            template.write_text(template.read_text().replace("Daily briefing<", "Morning notes<"))
            assert ">Morning notes<" in fetch(url + "email.html")[2]
            (inputs / "budget.txt").write_text(BUDGET)
            assert "Riverton" in fetch(url + "email.txt")[2]
            template.write_text("{% if %}")  # a typo shows as an error; the server stays up
            status, _, body = fetch(url)
            assert status == 500 and "could not be built" in body
            shutil.copy(BUNDLED_TEMPLATES / "briefing.html", template)
            assert fetch(url)[0] == 200
        finally:
            process.send_signal(signal.SIGINT)
            stdout, stderr = process.communicate(timeout=20)
            watchdog.cancel()
    assert process.returncode == 0, stderr
    assert "Preview stopped." in stdout
    assert "Traceback" not in stderr


def test_unchanged_files_are_not_built_again(tmp_path):
    watched = tmp_path / "in"
    watched.mkdir()
    (watched / "a.txt").write_text("one")
    builds = []
    live = LiveEdition(lambda: builds.append(1) or len(builds), watch=[watched])
    live.current()
    live.current()
    assert len(builds) == 1
    (watched / "b.txt").write_text("new file")
    live.current()
    (watched / "a.txt").unlink()
    live.current()
    assert len(builds) == 3


def test_outputs_inside_a_watched_folder_do_not_trigger_rebuilds(tmp_path):
    (tmp_path / "article.txt").write_text("text")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "briefing.html").write_text("<p>")
    files = watched_files([tmp_path], exclude=[tmp_path / "out"])
    assert files == [(tmp_path / "article.txt").resolve()]


@pytest.mark.parametrize(("path", "status"), [("/nothing", 404), ("/favicon.ico", 204)])
def test_unknown_addresses_are_not_found(path, status):
    live = LiveEdition(lambda: pytest.fail("no build needed"), watch=[])
    assert respond(path, live).status == status


def test_preview_help_names_its_options(capsys):
    from briefing.app.cli import main

    with pytest.raises(SystemExit):
        main(["preview", "--help"])
    help_text = capsys.readouterr().out
    for option in ("--port", "--host", "--no-open", "--date", "--out"):
        assert option in help_text



def test_preview_starts_with_a_broken_template_and_shows_the_error_until_it_is_fixed(tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "briefing.html").write_text("{% if %}")
    environment = {**os.environ, "TEMPLATES_DIR": str(templates), "PYTHONUNBUFFERED": "1"}
    refused = subprocess.run(
        [sys.executable, str(ROOT / "run_briefing.py"), "--env-file", str(tmp_path / "none"),
         "generate", str(SEEDS), "--out", str(tmp_path / "out")],
        cwd=tmp_path, env=environment, capture_output=True, text=True)
    assert refused.returncode == 2  # generate: one line naming the setting
    assert refused.stderr.startswith("error: TEMPLATES_DIR=") and "Traceback" not in refused.stderr
    process, watchdog = start_preview(tmp_path, environment, str(SEEDS),
                                      "--out", str(tmp_path / "out"), "--port", "0")
    try:
        printed, url = address_printed(process)
        assert "could not be built yet" in printed
        status, _, body = fetch(url)
        assert status == 500 and "Expected an expression" in body
        shutil.copy(BUNDLED_TEMPLATES / "briefing.html", templates / "briefing.html")
        assert fetch(url)[0] == 200
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=20)
        watchdog.cancel()
    assert process.returncode == 0 and "Traceback" not in stderr
