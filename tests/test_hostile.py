"""A hostile day (issue 16): slow servers, redirects to private addresses, damaged state,
careless input. Each case ends in one clear line and a briefing from everything else.

Every server is real and on 127.0.0.1; private addresses appear only as redirect or
link targets that the fetcher must refuse before it connects.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import time
from pathlib import Path

import pytest
from localweb import LocalWeb, rfc822, rss, story_html

from briefing.app.cli import main
from briefing.sources.fetch import FetchError, FetchPolicy, fetch

DATE = "2026-11-28"
RECENT = dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)


@pytest.fixture
def web():
    with LocalWeb() as server:
        yield server


@pytest.fixture
def connections(monkeypatch):
    """Every address a socket tried to connect to, to prove where we never went."""
    tried: list[str] = []
    original = socket.socket.connect

    def connect(self, address):
        tried.append(address[0])
        if address[0] not in ("127.0.0.1", "::1"):
            raise AssertionError(f"the test tried to reach {address[0]}")
        return original(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    return tried


def generate(out: Path, *args: str) -> int:
    return main(["--quiet", "generate", "--out", str(out), "--date", DATE, *args])


def briefing_data(out: Path) -> dict:
    return json.loads((out / f"briefing-{DATE}.json").read_text())


def good_feed(web: LocalWeb, path: str = "/good.rss", key: str = "bridge") -> str:
    items = [{"title": "Riverton opens its new river bridge", "link": web.url(f"/{key}"),
              "date": rfc822(RECENT), "content": story_html(key)}]
    return web.add(path, rss("Valley News", items), content_type="application/rss+xml")


# --- 1. Slow headers -----------------------------------------------------------------


def test_slow_headers_do_not_hold_up_the_run(web, tmp_path, monkeypatch):
    monkeypatch.setenv("FETCH_TIMEOUT", "1")
    slow = web.slow_headers("/slow.rss", byte_delay=0.1)  # ~13 s of headers, 0.1 s per read
    good = good_feed(web)
    started = time.monotonic()
    assert generate(tmp_path / "out", "--feed", slow, "--feed", good) == 0
    assert time.monotonic() - started < 5
    data = briefing_data(tmp_path / "out")
    assert [a["title"] for a in data["articles"]] == ["Riverton opens its new river bridge"]
    assert data["problems"] == [{"source": slow, "reason": "timed out after 1 s"}]


def test_one_deadline_covers_a_source_with_all_its_redirects(web):
    for hop in range(4):  # each hop alone is quick enough; together they are not
        web.add(f"/hop{hop}", status=302, headers={"Location": f"/hop{hop + 1}"}, delay=0.3)
    web.add("/hop4", "<p>arrived</p>")
    policy = FetchPolicy(timeout=0.8, max_redirects=5, allow=_loopback())
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"^timed out after 0.8 s"):
        fetch(web.url("/hop0"), policy)
    assert time.monotonic() - started < 1.5


def reason_for(url: str) -> str:
    """Why a fetch with no exceptions to the public-web rule refuses `url`."""
    with pytest.raises(FetchError) as refused:
        fetch(url, FetchPolicy(timeout=2))
    return str(refused.value)


def _loopback():
    from briefing.network import parse_host_rules

    return parse_host_rules("127.0.0.0/8")


# --- 6. Only the public web ------------------------------------------------------------


@pytest.mark.parametrize(("target", "kind"), [
    ("http://169.254.169.254/latest/meta-data/", "a link-local address"),
    ("http://10.0.0.1/admin", "a private address"),
    ("http://[::ffff:192.168.1.1]/", "a private address"),
    ("http://224.0.0.1/", "a multicast address"),
])
def test_a_redirect_to_a_private_address_is_refused_before_connecting(
        web, connections, target, kind):
    url = web.redirect("/feed.rss", target)
    with pytest.raises(FetchError) as refused:
        fetch(url, FetchPolicy(timeout=2, allow=_loopback()))
    assert str(refused.value).startswith("refused: ")
    assert kind in str(refused.value)
    assert "FETCH_ALLOW_HOSTS" in str(refused.value)
    assert set(connections) == {"127.0.0.1"}  # the feed itself, nothing else


def test_a_feed_linking_to_cloud_metadata_gets_nothing_from_it(web, tmp_path, connections):
    metadata = "http://169.254.169.254/latest/meta-data/iam/security-credentials/"
    feed = web.add("/teasers.rss", rss("Sneaky", [
        {"title": "Read this", "link": metadata, "date": rfc822(RECENT),
         "description": "Short teaser. Read more"},
    ]), content_type="application/rss+xml")
    good = good_feed(web)
    assert generate(tmp_path / "out", "--feed", feed, "--feed", good) == 0
    problems = briefing_data(tmp_path / "out")["problems"]
    assert [p["source"] for p in problems] == [metadata]
    assert problems[0]["reason"].startswith("refused: 169.254.169.254 is a link-local address")
    assert set(connections) == {"127.0.0.1"}


def test_loopback_is_refused_unless_fetch_allow_hosts_names_it(web, tmp_path, monkeypatch,
                                                               capsys):
    monkeypatch.delenv("FETCH_ALLOW_HOSTS")
    feed = good_feed(web)
    assert main(["generate", "--out", str(tmp_path / "out"), "--feed", feed]) == 1
    err = capsys.readouterr().err
    assert "refused: 127.0.0.1 is a loopback address" in err
    assert "Traceback" not in err
    assert web.requests == []
    err_named = reason_for(feed.replace("127.0.0.1", "localhost"))
    assert err_named.startswith("refused: localhost is at 127.0.0.1, a loopback address")
    monkeypatch.setenv("FETCH_ALLOW_HOSTS", "localhost")  # by name this time
    assert generate(tmp_path / "out", "--feed", feed.replace("127.0.0.1", "localhost")) == 0


def test_the_connection_goes_to_the_address_that_was_checked(web, monkeypatch, connections):
    """A name that resolves to an allowed address first and a private one later (a DNS
    rebind) is fetched from the first: we connect to what we checked, not to a new answer."""
    answers = iter(["127.0.0.1", "10.0.0.1", "10.0.0.1"])
    resolve = socket.getaddrinfo

    def rebinding(host, port, *args, **kwargs):
        if host == "news.test":
            return resolve(next(answers), port, *args, **kwargs)
        return resolve(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    web.add("/page", "<p>hello</p>")
    url = web.url("/page").replace("127.0.0.1", "news.test")
    assert fetch(url, FetchPolicy(timeout=2, allow=_loopback())).body == b"<p>hello</p>"
    assert web.hits("/page")[0]["Host"] == f"news.test:{web.server.server_port}"
    assert set(connections) == {"127.0.0.1"}


# --- 10. A full disk, a closed pipe --------------------------------------------------


def test_a_full_disk_leaves_the_previous_complete_set_of_outputs(tmp_path, monkeypatch,
                                                                 capsys):
    import errno

    from conftest import BUDGET

    (tmp_path / "news").mkdir()
    (tmp_path / "news" / "budget.txt").write_text(BUDGET)
    out = tmp_path / "out"
    assert generate(out, str(tmp_path / "news")) == 0
    before = {path.name: path.read_bytes() for path in out.iterdir() if path.is_file()}
    assert len(before) == 4
    (tmp_path / "news" / "budget.txt").write_text(BUDGET.replace("Riverton", "Lakeside"))

    real_fdopen, opened = os.fdopen, []

    class FullDisk:
        def __init__(self, file):
            self.file = file

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.file.close()

        def write(self, data):
            raise OSError(errno.ENOSPC, "No space left on device", self.file.name)

        def __getattr__(self, name):
            return getattr(self.file, name)

    def second_write_fails(handle, *args, **kwargs):
        opened.append(handle)
        file = real_fdopen(handle, *args, **kwargs)
        return FullDisk(file) if len(opened) == 2 else file

    monkeypatch.setattr(os, "fdopen", second_write_fails)
    capsys.readouterr()
    assert generate(out, str(tmp_path / "news")) == 1
    monkeypatch.undo()
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ")
    assert "No space left on device" in err and "Traceback" not in err
    after = {path.name: path.read_bytes() for path in out.iterdir() if path.is_file()}
    assert after == before  # the old set, whole; nothing of the new one, no temp files


def test_a_closed_pipe_ends_quietly(tmp_path):
    import subprocess
    import sys

    from conftest import BUDGET, ROOT

    (tmp_path / "news").mkdir()
    (tmp_path / "news" / "budget.txt").write_text(BUDGET)
    reader, writer = os.pipe()
    os.close(reader)  # `| head -1` that has already gone
    done = subprocess.run(
        [sys.executable, str(ROOT / "run_briefing.py"), "generate", str(tmp_path / "news"),
         "--out", str(tmp_path / "out"), "--workers", "1"],
        stdout=writer, stderr=subprocess.PIPE, cwd=tmp_path, timeout=120, check=False)
    os.close(writer)
    assert "Traceback" not in done.stderr.decode()
    assert "BrokenPipeError" not in done.stderr.decode()
    assert (tmp_path / "out").is_dir()


# --- 5 and 7 through the command line ---------------------------------------------------


def test_bad_jsonl_lines_leave_a_briefing_of_the_good_ones(tmp_path, capsys):
    from conftest import BUDGET

    title, text = BUDGET.split("\n\n", 1)
    lines = [json.dumps({"id": "budget", "title": title, "text": text}),
             '{"id": "x", "n": ' + "1" * 4301 + "}", "[" * 1500,
             json.dumps({"id": "untitled", "text": text})]
    (tmp_path / "day.jsonl").write_text("\n".join(lines) + "\n")
    assert generate(tmp_path / "out", str(tmp_path / "day.jsonl")) == 0
    data = briefing_data(tmp_path / "out")
    assert [a["id"] for a in data["articles"]] == ["budget", "untitled"]
    assert [p["source"].rsplit(":", 1)[1] for p in data["problems"]] == ["2", "3"]
    assert "Traceback" not in capsys.readouterr().err


def test_an_unreadable_folder_is_the_line_above_no_usable_articles(tmp_path, monkeypatch,
                                                                  capsys):
    locked = tmp_path / "news"
    locked.mkdir()
    scandir = os.scandir

    def refusing(path="."):
        if os.fspath(path) == os.fspath(locked):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", refusing)
    assert main(["generate", "--out", str(tmp_path / "out"), str(locked)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == f"WARNING: skipped {locked}: cannot read this folder: Permission denied"
    assert err[1].startswith("error: no usable articles for ")
    assert err[1].endswith(": nothing to brief (see the lines above)") and len(err) == 2


# --- 8. A point has a length limit ----------------------------------------------------


def test_a_line_without_a_full_stop_does_not_become_a_huge_point(tmp_path):
    from conftest import BUDGET

    title, text = BUDGET.split("\n\n", 1)
    endless = " ".join(["the council talked about roads and schools"] * 20_000)  # ~850 kB
    lines = [json.dumps({"id": "budget", "title": title, "text": text}),
             json.dumps({"id": "endless", "title": "Endless", "text": endless})]
    (tmp_path / "day.jsonl").write_text("\n".join(lines) + "\n")
    assert generate(tmp_path / "out", str(tmp_path / "day.jsonl")) == 0
    points = [p["text"] for a in briefing_data(tmp_path / "out")["articles"]
              for p in a["points"]]
    assert max(len(point) for point in points) <= 1_000
    assert (tmp_path / "out" / f"briefing-{DATE}.eml").stat().st_size < 200_000
