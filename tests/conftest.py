"""Shared test setup: the repository importable without installing it, and every test isolated.

Each test runs in its own empty folder (so no developer `.env` is read), with
none of our settings and no proxy inherited from the environment: loopback
traffic must go straight to the servers the tests start. Names other than
loopback do not resolve, so no test can reach past this machine, not even a
DNS server: a lookup of any other host fails as an unknown name would.
"""

import socket
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from briefing.app.config import SETTINGS  # noqa: E402  (needs the path above)

LOOPBACK_NAMES = frozenset({"127.0.0.1", "::1", "localhost", "", None})
PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY",
                   "ALL_PROXY")

# A small article written for the tests.
BUDGET = (
    "Council passes budget\n\n"
    "The city council of Riverton approved a new budget on Monday after a long debate "
    "about schools and roads.\n\n"
    "Mayor Jane Doe said the plan would cut costs by ten percent across all departments. "
    "Opposition leader Tom Baker called the cuts reckless and promised to fight them.\n\n"
    "The budget takes effect in January, officials said."
)


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """An empty working folder, default settings, no proxy."""
    monkeypatch.chdir(tmp_path)
    for setting in SETTINGS:
        monkeypatch.delenv(setting.name, raising=False)
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(socket, "getaddrinfo", _loopback_only(socket.getaddrinfo))


def _loopback_only(getaddrinfo):
    """`getaddrinfo` that resolves loopback names only and fails like DNS for the rest."""

    def resolve(host, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else host
        if name not in LOOPBACK_NAMES:
            raise socket.gaierror(socket.EAI_NONAME, f"{name}: not resolved in tests")
        return getaddrinfo(host, *args, **kwargs)

    return resolve


@pytest.fixture(autouse=True)
def loopback_fetching_allowed(isolated, monkeypatch):
    """The test web servers live on 127.0.0.1, which fetching refuses unless allowed."""
    monkeypatch.setenv("FETCH_ALLOW_HOSTS", "127.0.0.0/8")


def pytest_terminal_summary(terminalreporter) -> None:
    """Say once, at the end, why the browser checks were skipped (not once per test)."""
    reasons = {
        report.longrepr[2].removeprefix("Skipped: ")
        for report in terminalreporter.stats.get("skipped", [])
        if isinstance(report.longrepr, tuple) and "browser checks" in report.longrepr[2]
    }
    for reason in sorted(reasons):
        terminalreporter.write_line(f"NOTE: {reason}", yellow=True)
