"""One edition, every command: `generate`, `preview`, `send` and `schedule` brief the same
articles, from files and from feeds and pages served on 127.0.0.1, mailed to aiosmtpd."""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path

import pytest
import time_machine
from localweb import LocalWeb, article_page, rfc822, rss, story_html
from mailservers import HOST, mail_server

from briefing.app.cli import main
from briefing.app.config import load_config
from briefing.app.edition import Request, make_edition
from briefing.sources.seen import STATE_FILE
from briefing.sources.web import FETCHED_FILE

SENDER = "briefing@example.test"
READERS = ("ana@example.test",)
UTC = dt.UTC


@pytest.fixture
def web():
    with LocalWeb() as server:
        yield server


def serve(web: LocalWeb, published: dt.datetime) -> tuple[str, str]:
    """A feed with one full-text story and an article page of another; their URLs."""
    web.add("/bridge", article_page("bridge"))
    feed = rss("Valley News", [
        {"title": "Riverton opens its new river bridge", "link": web.url("/bridge"),
         "date": rfc822(published), "content": story_html("bridge")},
    ])
    page = web.add("/library", article_page("library", site="City Paper"))
    return web.add("/news.rss", feed, content_type="application/rss+xml"), page


def settings(tmp_path: Path, port: int, feed: str, page: str, **values: object) -> Path:
    """A .env with a feed and a page, no input files, and the loopback mail server."""
    lines = {
        "FEEDS": feed, "URLS": page, "BRIEFING_INPUTS": "", "OUTPUT_DIR": "out",
        "FETCH_TIMEOUT": 2, "BRIEFING_FROM": SENDER, "BRIEFING_TO": ",".join(READERS),
        "SMTP_HOST": HOST, "SMTP_PORT": port, "SMTP_SECURITY": "none", "SMTP_TIMEOUT": 2,
        "SEND_ATTEMPTS": 1, "BRIEFING_TIMEZONE": "UTC", **values,
    }
    path = tmp_path / ".env"
    path.write_text("".join(f"{name}={value}\n" for name, value in lines.items()))
    return path


def run(env: Path, *args: str) -> int:
    return main(["--quiet", "--env-file", str(env), *args])


def mailed_text(delivery) -> str:
    return delivery.message.get_body(("plain",)).get_content()


def test_send_mails_the_feeds_and_pages_articles_once(web, tmp_path, capsys):
    feed, page = serve(web, dt.datetime.now(UTC) - dt.timedelta(hours=2))
    with mail_server() as (port, server):
        env = settings(tmp_path, port, feed, page)
        assert run(env, "send") == 0
        assert run(env, "send") == 0  # the ledger has today: nothing is sent again
    assert len(server.deliveries) == 1
    text = mailed_text(server.deliveries[0])
    assert "Riverton opens its new river bridge" in text  # from the feed
    assert "City library extends opening hours" in text  # from the page
    assert "was sent already" in capsys.readouterr().out
    assert (tmp_path / "out" / "state" / STATE_FILE).is_file()


def test_schedule_once_at_the_due_time_mails_the_feeds_article_once(web, tmp_path):
    due = dt.datetime(2026, 11, 28, 7, 30, tzinfo=UTC)
    feed, page = serve(web, due - dt.timedelta(hours=3))
    with mail_server() as (port, server), \
            time_machine.travel(due - dt.timedelta(hours=1.5)) as clock:  # ticking: real servers
        env = settings(tmp_path, port, feed, page, BRIEFING_TIME="07:00")
        assert run(env, "schedule", "--once") == 0
        assert server.deliveries == []  # 06:00: not due yet, and nothing fetched for it
        assert web.hits("/news.rss") == []
        clock.move_to(due)
        assert run(env, "schedule", "--once") == 0
        assert run(env, "schedule", "--once") == 0
    assert len(server.deliveries) == 1
    assert "Riverton opens its new river bridge" in mailed_text(server.deliveries[0])
    assert len(web.hits("/news.rss")) == 1  # the settled day is not built again


def test_feed_state_moves_only_once_the_briefing_is_in_the_outbox(web, tmp_path, monkeypatch):
    feed, page = serve(web, dt.datetime.now(UTC) - dt.timedelta(hours=2))
    state = tmp_path / "out" / "state"
    with mail_server() as (port, server):
        env = settings(tmp_path, port, feed, page)

        def outbox_full(*args, **kwargs):
            raise OSError(28, "No space left on device")

        with monkeypatch.context() as patch:
            patch.setattr("briefing.deliver.queue", outbox_full)
            assert run(env, "send") == 1  # one line: "error: No space left on device"
        assert not (state / STATE_FILE).exists()  # not queued: the window stays where it was
        assert server.deliveries == []

        assert run(env, "send", "--dry-run") == 0  # queued, not sent: the window moves on
        assert (state / STATE_FILE).is_file()
        assert list((state / "outbox").glob("briefing-*.eml"))
        assert run(env, "send") == 0  # the queued file goes out, once
    assert len(server.deliveries) == 1
    assert "Riverton opens its new river bridge" in mailed_text(server.deliveries[0])


def test_generate_send_and_preview_make_the_same_briefing(web, tmp_path, monkeypatch):
    feed, page = serve(web, dt.datetime.now(UTC) - dt.timedelta(hours=2))
    (tmp_path / "extra.txt").write_text(
        "Council passes budget\n\nThe city council of Riverton approved a new budget on "
        "Monday after a long debate about schools and roads in the north of the town.\n")
    with mail_server() as (port, _server):
        env = settings(tmp_path, port, feed, page)
        assert run(env, "generate", "extra.txt", "--out", "generated") == 0
        monkeypatch.setenv("OUTPUT_DIR", "sent")  # its own state folder, so its own window
        monkeypatch.setenv("BRIEFING_INPUTS", "extra.txt")  # set: read beside the feeds
        assert run(env, "send", "--dry-run") == 0
    today = dt.datetime.now(UTC).date()
    generated = json.loads((tmp_path / "generated" / f"briefing-{today}.json").read_text())
    sent = json.loads((tmp_path / "sent" / f"briefing-{today}.json").read_text())
    assert generated == sent
    assert {article["title"] for article in sent["articles"]} == {
        "Council passes budget", "Riverton opens its new river bridge",
        "City library extends opening hours"}

    # The preview's builds fetch nothing: they reuse what the last fetch brought.
    fetches = len(web.hits("/news.rss"))
    config = load_config(env_file=env, environ={"OUTPUT_DIR": "generated"})
    assert (config.state_dir / FETCHED_FILE).is_file()
    previewed = make_edition(config, today,
                             Request(inputs=[Path("extra.txt")], fetch=False))
    assert len(web.hits("/news.rss")) == fetches
    assert previewed.rendered.data == generated


def test_every_command_takes_today_in_the_readers_time_zone(tmp_path):
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "budget.txt").write_text(
        "Council passes budget\n\nThe city council of Riverton approved a new budget on "
        "Monday after a long debate about schools and roads in the north of the town.\n")
    env = tmp_path / ".env"
    env.write_text("BRIEFING_INPUTS=articles\nBRIEFING_TIMEZONE=Asia/Tokyo\n")
    # 23:30 on 1 December in London is already 2 December in Tokyo.
    with time_machine.travel(dt.datetime(2026, 12, 1, 23, 30, tzinfo=UTC)):
        assert run(env, "generate") == 0
        assert run(env, "send", "--dry-run") == 0
    assert (tmp_path / "out" / "briefing-2026-12-02.html").is_file()
    assert (tmp_path / "out" / "state" / "outbox" / "briefing-2026-12-02.eml").is_file()
    assert not list((tmp_path / "out").glob("briefing-2026-12-01.*"))


def test_quiet_and_verbose_work_after_the_command_name(tmp_path, capsys):
    (tmp_path / "a.txt").write_text(
        "Council passes budget\n\nThe city council of Riverton approved a new budget on "
        "Monday after a long debate about schools and roads in the north of the town.\n")
    assert main(["generate", "a.txt", "missing.txt", "--out", "out", "-v"]) == 0
    assert logging.getLogger().level == logging.DEBUG
    assert "WARNING: skipped missing.txt" in capsys.readouterr().err
    assert main(["generate", "a.txt", "missing.txt", "--out", "out", "-q"]) == 0
    assert logging.getLogger().level == logging.ERROR
    assert "skipped" not in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["generate", "a.txt", "-q", "-v"])  # one or the other
