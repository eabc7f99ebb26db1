"""Installs anywhere: a built wheel in a fresh virtual environment, and a quick start.

The wheel is built from a copy of the package alone, so nothing outside it (the
repository's folders, an editable install) can make it work by accident.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import venv
from pathlib import Path

from conftest import BUDGET

from briefing.app.cli import main

ROOT = Path(__file__).resolve().parent.parent
# What a briefing from files must not load: our fetching and mail stacks, nor the `requests`
# premailer imports only to fetch stylesheets. `--help` loads none of the pipeline either.
WEB_AND_MAIL = {"feedparser", "trafilatura", "briefing.sources.fetch", "briefing.sources.feeds",
                "smtplib", "briefing.deliver", "schedule", "requests", "urllib3"}
PIPELINE = {"jinja2", "premailer", "requests", "urllib3", "sumy", "numpy", "http.server"}


def test_a_built_wheel_installs_in_a_fresh_venv_and_generates_a_briefing(tmp_path):
    source = tmp_path / "source"
    shutil.copytree(ROOT / "briefing", source / "briefing",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(dist),
                    str(source)], check=True, cwd=tmp_path)
    (wheel,) = dist.glob("briefing-*.whl")

    environment = tmp_path / "venv"
    venv.create(environment, with_pip=True)
    python = environment / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(wheel)], check=True,
                   cwd=tmp_path)

    # Every data file and template the package reads is in the installed copy, and the same
    # briefing comes out of it as out of the repository (a missing word list would only
    # degrade the briefing quietly, so compare the outputs too).
    shipped = subprocess.run(
        [str(python), "-c", "import briefing, pathlib; root = pathlib.Path(briefing.__file__)"
         ".parent; print('\\n'.join(str(p.relative_to(root)) for p in root.rglob('*')"
         " if p.is_file()))"], cwd=tmp_path, capture_output=True, text=True, check=True)
    wanted = {str(p.relative_to(ROOT / "briefing")) for p in (ROOT / "briefing").rglob("*")
              if p.is_file() and p.suffix not in (".py", ".pyc")}
    assert wanted - set(shipped.stdout.split()) == set()

    work = tmp_path / "work"  # no repository here: templates and data must come from the wheel
    work.mkdir()
    (work / "a.txt").write_text(BUDGET)
    shutil.copytree(ROOT / "seeds", work / "seeds")
    done = subprocess.run([str(environment / "bin" / "briefing"), "generate", "a.txt", "seeds",
                           "--date", "2026-11-28"],
                          cwd=work, capture_output=True, text=True, timeout=120)
    assert main(["--quiet", "generate", str(work / "a.txt"), str(work / "seeds"),
                 "--date", "2026-11-28", "--out", str(tmp_path / "from-repository")]) == 0
    for suffix in ("json", "txt", "html"):
        name = f"briefing-2026-11-28.{suffix}"
        assert (work / "out" / name).read_bytes() == (
            tmp_path / "from-repository" / name).read_bytes(), name
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    html = (work / "out" / "briefing-2026-11-28.html").read_text()
    assert "Council passes budget" in html
    data = json.loads((work / "out" / "briefing-2026-11-28.json").read_text())
    assert "Council passes budget" in [article["title"] for article in data["articles"]]
    assert (work / "out" / "briefing-2026-11-28.eml").stat().st_size > 0


def loaded_modules(*argv: str, cwd: Path) -> set[str]:
    """The modules a run of the CLI with `argv` imported, in a fresh process."""
    script = ("import sys\nfrom briefing.app.cli import main\n"
              "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
              "sys.stderr.write('\\nMODULES ' + ' '.join(sys.modules))")
    done = subprocess.run([sys.executable, "-c", script, *argv], cwd=cwd, capture_output=True,
                          text=True, check=True, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin"})
    return set(done.stderr.rpartition("MODULES ")[2].split())


def test_help_and_a_briefing_from_files_load_no_web_or_mail_stack(tmp_path):
    helped = loaded_modules("--help", cwd=tmp_path)
    assert helped & (WEB_AND_MAIL | PIPELINE) == set()
    (tmp_path / "a.txt").write_text(BUDGET)
    generated = loaded_modules("--quiet", "generate", "a.txt", cwd=tmp_path)
    assert {"jinja2", "premailer"} <= generated  # it did render and inline
    assert generated & WEB_AND_MAIL == set()
    assert "numpy" not in generated  # a small day's stories are compared without it


def test_premailer_gets_the_real_requests_when_it_uses_it():
    script = ("import sys\nfrom briefing.output.render import inline_css\n"
              "html = inline_css('<html><head><style>p{color:red}</style></head><p>x</p></html>')\n"
              "assert 'style=\"color:red\"' in html, html\n"
              "assert 'requests' not in sys.modules\n"
              "import premailer.premailer as inliner\n"
              "session = inliner.requests.Session\n"  # first use: the real module comes in
              "import requests\n"
              "assert session is requests.Session and type(requests).__name__ == 'module'\n"
              "assert sys.modules['requests'] is requests\n")
    subprocess.run([sys.executable, "-c", script], check=True, env={"PYTHONPATH": str(ROOT)})
