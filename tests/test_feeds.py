"""Briefings from feeds and pages served on 127.0.0.1, through the real CLI.

Every failure the issue lists appears in the briefing's footer, named by
source; everything else still makes the briefing.
"""

import datetime as dt
import io
import json
import socket
import sys
from pathlib import Path

import pytest
from localweb import (
    STORIES,
    LocalWeb,
    article_page,
    atom,
    rfc822,
    rss,
    story_html,
    story_text,
)

from briefing.app.cli import TerminalProgress, main
from briefing.models import Article
from briefing.sources.feeds import entry_article, html_to_text, is_teaser, parse_feed
from briefing.sources.files import UnusableInput
from briefing.sources.links import canonical_url
from briefing.sources.pages import decode_html
from briefing.sources.seen import STATE_FILE, window_start
from briefing.sources.web import drop_duplicates, read_url_list

DATE = "2026-11-28"
NOW = dt.datetime.now(dt.UTC)
RECENT = NOW - dt.timedelta(hours=2)
OLD = NOW - dt.timedelta(days=3)


@pytest.fixture(autouse=True)
def quick_fetches(monkeypatch):
    """Fetches give up quickly (conftest already isolates settings and proxies)."""
    monkeypatch.setenv("FETCH_TIMEOUT", "0.5")
    monkeypatch.setenv("FETCH_MAX_BYTES", "200000")


@pytest.fixture
def web():
    with LocalWeb() as server:
        yield server


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nobody listens once the block ends


def generate(out: Path, *args: str) -> int:
    return main(["--quiet", "generate", "--out", str(out), "--date", DATE, *args])


def outputs(out: Path) -> tuple[str, dict, str]:
    stem = out / f"briefing-{DATE}"
    text = stem.with_suffix(".txt").read_text()
    data = json.loads(stem.with_suffix(".json").read_text())
    return text, data, stem.with_suffix(".html").read_text()


def serve_news(web: LocalWeb) -> dict[str, str]:
    """A full-text RSS feed, an Atom feed sharing one story, a teaser feed and its pages."""
    web.add("/bridge", article_page("bridge"))
    web.add("/library", article_page("library", site="City Paper"))
    web.add("/harvest", article_page("harvest"))
    full = rss("Valley News", [
        {"title": "Riverton opens its new river bridge", "link": web.url("/bridge"),
         "date": rfc822(RECENT), "description": "Short blurb.", "content": story_html("bridge")},
        {"title": "Farmers report record apple harvest", "link": web.url("/harvest"),
         "date": rfc822(OLD), "content": story_html("harvest")},  # before the window
    ])
    mirror = atom("Regional Wire", [
        {"title": "Riverton opens its new river bridge (wire copy)",
         "link": web.url("/bridge?utm_source=wire&utm_medium=rss#top"),
         "date": RECENT.isoformat(), "content": story_html("bridge")},
        {"title": "Storm closes mountain roads", "link": web.url("/storm"),
         "date": RECENT.isoformat(), "content": story_html("storm")},
    ])
    teasers = rss("City Paper", [
        {"title": "City library extends opening hours", "link": web.url("/library"),
         "date": rfc822(RECENT), "description": "The library will stay open later. Read more"},
    ])
    return {
        "rss": web.add("/news.rss", full, content_type="application/rss+xml"),
        "atom": web.add("/wire.atom", mirror, content_type="application/atom+xml"),
        "teasers": web.add("/city.rss", teasers, content_type="application/rss+xml"),
    }


# --- The briefing users get ---------------------------------------------------------


def test_feeds_make_a_briefing_of_recent_stories_each_once(web, tmp_path):
    feeds = serve_news(web)
    out = tmp_path / "out"
    args = [arg for url in feeds.values() for arg in ("--feed", url)]
    assert generate(out, *args) == 0
    text, data, _ = outputs(out)
    titles = [article["title"] for article in data["articles"]]
    assert titles == ["Riverton opens its new river bridge", "Storm closes mountain roads",
                      "City library extends opening hours"]
    assert data["problems"] == []
    # the teaser feed still yields the full article, from its page
    library = data["articles"][2]
    assert library["source"] == "City Paper"
    assert library["url"] == web.url("/library")
    assert library["author"] == "Sam Reporter"  # extracted from the page
    bridge = data["articles"][0]
    assert bridge["url"] == web.url("/bridge")  # the feed's link had no tracking
    assert len(library["points"]) == 3
    assert "Read more" not in text and "Share this story" not in text
    assert "Valley News" in text and web.url("/bridge") in text
    assert "apple harvest" not in text  # published before the window
    assert (out / "state" / STATE_FILE).is_file()
    assert all(h["User-Agent"].startswith("briefing/") for _, h in web.requests)


def test_the_next_briefing_covers_only_what_was_published_since(web, tmp_path):
    feeds = serve_news(web)
    out = tmp_path / "out"
    assert generate(out, "--feed", feeds["rss"]) == 0
    state = out / "state"
    assert window_start(state, NOW) >= NOW - dt.timedelta(minutes=5)
    assert generate(out, "--feed", feeds["rss"]) == 1  # nothing new since the last briefing
    assert generate(out, "--feed", feeds["rss"], "--since",
                    (NOW - dt.timedelta(days=4)).isoformat()) == 0
    _, data, _ = outputs(out)
    assert len(data["articles"]) == 2  # --since reaches back to the older story


def test_a_feed_that_was_down_catches_up_at_the_next_briefing(web, tmp_path):
    feeds = serve_news(web)
    flaky = web.add("/flaky.rss", "down for maintenance", 503)
    out = tmp_path / "out"
    assert generate(out, "--feed", feeds["rss"], "--feed", flaky) == 0
    _, data, _ = outputs(out)
    assert data["problems"] == [{"source": flaky, "reason": "HTTP 503 Service Unavailable"}]
    web.add("/flaky.rss", rss("Mountain Post", [
        {"title": "Storm closes mountain roads", "link": web.url("/storm"),
         "date": rfc822(RECENT), "content": story_html("storm")},  # before the first run
    ]), content_type="application/rss+xml")
    assert generate(out, "--feed", feeds["rss"], "--feed", flaky) == 0
    _, data, _ = outputs(out)
    assert [article["title"] for article in data["articles"]] == ["Storm closes mountain roads"]
    record = json.loads((out / "state" / STATE_FILE).read_text())
    assert record["behind"] == {}


def test_every_failing_source_is_named_in_the_footer_and_the_rest_still_brief(web, tmp_path):
    feeds = serve_news(web)
    web.add("/bad.xml", "<?xml version='1.0'?><rss><channel><<title>>&&& broken",
            content_type="application/rss+xml")
    web.add("/homepage", "<!DOCTYPE html><html><head><link rel='alternate' "
            "type='application/rss+xml' href='/news.rss'></head><body><p>Hi</p></body></html>")
    web.add("/gone.rss", "gone", 410)
    web.add("/broken.rss", "boom", 500)
    web.add("/slow.rss", rss("Slow", []), delay=2.0)
    web.add("/huge", b"<p>" + b"word " * 100_000 + b"</p>")
    web.add("/loop", status=302, headers={"Location": "/loop"})
    latin1 = article_page("storm").replace("mountain roads", "routes de montagne près du café")
    web.add("/latin1", latin1.encode("latin-1"), content_type="text/html")
    wrong = article_page("harvest").replace("apple harvest", "pomme récolte à Genève")
    web.add("/wrong-charset", wrong.encode("latin-1"), content_type="text/html; charset=utf-8")
    out = tmp_path / "out"
    failing = {
        web.url("/bad.xml"): "malformed XML",
        web.url("/homepage"): "not a feed but an HTML page; it links to a feed at "
                              + web.url("/news.rss"),
        web.url("/missing.rss"): "HTTP 404 Not Found",
        web.url("/gone.rss"): "HTTP 410 Gone (removed for good)",
        web.url("/broken.rss"): "HTTP 500 Internal Server Error",
        web.url("/slow.rss"): "timed out after 0.5 s",
        f"http://127.0.0.1:{closed_port()}/feed.rss": "connection refused",
        "http://nonexistent.invalid/feed.rss": "host not found (DNS lookup failed)",
    }
    pages = {
        web.url("/huge"): "too large (500,007 bytes; the limit is 200,000)",
        web.url("/loop"): "redirect loop",
    }
    args = ["--feed", feeds["rss"]]
    for url in failing:
        args += ["--feed", url]
    for url in [*pages, web.url("/latin1"), web.url("/wrong-charset")]:
        args += ["--url", url]
    assert generate(out, *args) == 0
    text, data, html = outputs(out)
    reasons = {problem["source"]: problem["reason"] for problem in data["problems"]}
    for url, reason in {**failing, **pages}.items():
        assert reasons[url].startswith(reason), (url, reasons[url])
    assert len(reasons) == len(failing) + len(pages)
    footer = text.split("Not included")[1]
    for url in [*failing, *pages]:
        assert f"- {url}: " in footer
    # undeclared or wrongly declared Latin-1 is read correctly
    titles = [article["title"] for article in data["articles"]]
    assert "Storm closes routes de montagne près du café" in titles
    assert any("pomme récolte à Genève" in title for title in titles)
    assert "Riverton opens its new river bridge" in titles
    assert "Ã" not in text and "\ufffd" not in text
    assert "Not included" in html


def test_config_lists_feeds_and_pages_and_accepts_opml(web, tmp_path):
    feeds = serve_news(web)
    (tmp_path / "feeds.opml").write_text(
        '<?xml version="1.0"?><opml version="2.0"><head><title>mine</title></head><body>'
        f'<outline text="News"><outline text="wire" type="rss" xmlUrl="{feeds["atom"]}"/>'
        "</outline></body></opml>"
    )
    (tmp_path / ".env").write_text(
        f"FEEDS={feeds['teasers']}\nFEEDS_FILE=feeds.opml\nURLS={web.url('/harvest')}\n"
    )
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "demo.txt").write_text("Demo\n\nThis demo must not be read.")
    out = tmp_path / "out"
    assert generate(out) == 0
    _, data, _ = outputs(out)
    assert all("utm_" not in article["url"] for article in data["articles"])
    titles = sorted(article["title"] for article in data["articles"])
    assert titles == ["City library extends opening hours", "Farmers report record apple harvest",
                      "Riverton opens its new river bridge (wire copy)",
                      "Storm closes mountain roads"]


def test_files_given_on_the_command_line_combine_with_feeds(web, tmp_path):
    feeds = serve_news(web)
    (tmp_path / "extra.txt").write_text("Extra story\n\n" + story_text("harvest"))
    out = tmp_path / "out"
    assert generate(out, str(tmp_path / "extra.txt"), "--feed", feeds["atom"]) == 0
    _, data, _ = outputs(out)
    assert len(data["articles"]) == 3


def test_markup_from_a_feed_never_reaches_the_briefing_as_html(web, tmp_path):
    evil = atom("Evil <b>Feed</b>", [{
        "title": "<script>alert('title')</script>Storm closes mountain roads",
        "link": "file:///etc/passwd",
        "date": RECENT.isoformat(),
        "content": "<script>alert('body')</script><img src=x onerror=alert(1)>"
                   + story_html("storm"),
    }, {
        "title": "Teaser pointing at a local file", "link": "file:///etc/passwd",
        "date": RECENT.isoformat(), "content": "Short.",
    }])
    out = tmp_path / "out"
    assert generate(out, "--feed", web.add("/evil.atom", evil,
                                           content_type="application/atom+xml")) == 0
    text, data, html = outputs(out)
    assert "<script" not in html and "onerror" not in html and "alert(" not in text
    assert "root:" not in text
    [article] = data["articles"]
    assert article["title"] == "Storm closes mountain roads"
    assert article["url"] is None  # a file: link is neither fetched nor shown
    assert "file:" not in html
    assert data["problems"] == [{
        "source": web.url("/evil.atom") + " (Teaser pointing at a local file)",
        "reason": "teaser only, and no http(s) link to the full article",
    }]


def test_a_non_http_url_on_the_command_line_is_refused(tmp_path, capsys):
    with pytest.raises(SystemExit):
        generate(tmp_path / "out", "--feed", "file:///etc/passwd")
    assert "is not an http(s) URL" in capsys.readouterr().err


# --- The pieces ---------------------------------------------------------------------


def test_feedparser_is_never_handed_something_it_could_open(tmp_path):
    secret = tmp_path / "secret.xml"
    secret.write_text(rss("Secret", [{"title": "leaked", "link": "http://x.test/",
                                      "date": rfc822(RECENT), "content": "leaked"}]))
    with pytest.raises(UnusableInput):
        parse_feed(str(secret).encode(), "http://127.0.0.1/feed")


def test_rss_and_atom_entries_carry_title_link_date_and_source():
    feed = rss("Valley News", [{"title": "A &amp; B", "link": "/a", "date": rfc822(RECENT),
                                "description": "<p>One.</p><p>Two.</p>"}])
    [entry] = parse_feed(feed.encode(), "http://news.test/feed", "application/rss+xml")
    assert (entry.title, entry.link, entry.feed_title) == (
        "A & B", "http://news.test/a", "Valley News")
    assert entry.published == RECENT.replace(microsecond=0)
    assert entry.text == "One.\n\nTwo."
    [entry] = parse_feed(atom("Wire", [{"title": "T", "link": "http://w.test/t",
                                        "date": "2026-11-27T08:00:00Z",
                                        "content": story_html("bridge")}]).encode(),
                         "http://w.test/atom")
    assert entry.published == dt.datetime(2026, 11, 27, 8, tzinfo=dt.UTC)
    assert not is_teaser(entry.text)


def test_rss_091_and_rdf_feeds_are_read():
    rss091 = ('<?xml version="1.0"?><rss version="0.91"><channel><title>Old</title>'
              "<item><title>Legacy item</title><link>http://o.test/1</link></item>"
              "</channel></rss>")
    rdf = ('<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
           ' xmlns="http://purl.org/rss/1.0/"><channel rdf:about="http://r.test/">'
           "<title>RDF</title></channel><item rdf:about=\"http://r.test/1\">"
           "<title>RDF item</title><link>http://r.test/1</link></item></rdf:RDF>")
    assert parse_feed(rss091.encode(), "http://o.test/")[0].title == "Legacy item"
    assert parse_feed(rdf.encode(), "http://r.test/")[0].link == "http://r.test/1"


def test_teasers_are_short_or_cut_off():
    assert is_teaser("The council met. Read more")
    assert is_teaser(" ".join(["word"] * 200) + "…")
    assert not is_teaser(story_text("bridge"))


def test_tracking_parameters_fragments_and_case_do_not_make_a_new_story():
    assert canonical_url("HTTPS://News.test:443/a/?utm_source=x&b=2&a=1&fbclid=z#top") == \
        "https://news.test/a?a=1&b=2"
    assert canonical_url("http://news.test/story?id=7") != canonical_url(
        "http://news.test/story?id=8")


def test_a_republished_copy_is_kept_once():
    original = Article("a", "Bridge opens", story_text("bridge"), url="http://a.test/1")
    copy = Article("b", "Bridge opens | Wire", "Wire service.\n\n" + story_text("bridge"),
                   url="http://b.test/99")
    other = Article("c", "Storm", story_text("storm"), url="http://a.test/2")
    kept, dropped = drop_duplicates([original, copy, other])
    assert kept == [original, other] and dropped == [copy]


def test_pages_decode_by_declaration_then_utf8_then_windows_1252():
    assert decode_html("café".encode("latin-1")) == ("café", "no charset declared; "
                                                     "read as Windows-1252")
    assert decode_html("café".encode("latin-1"), "utf-8")[0] == "café"
    assert decode_html("café".encode(), "iso-8859-1") == (
        "café", "declared iso-8859-1 but the page is UTF-8")
    assert decode_html(b"<meta charset=utf-16><p>plain</p>")[0] == \
        "<meta charset=utf-16><p>plain</p>"
    meta = '<meta charset="iso-8859-15"><p>€</p>'.encode("iso-8859-15")
    assert decode_html(meta) == ('<meta charset="iso-8859-15"><p>€</p>', None)


def test_markup_becomes_paragraphs_of_text():
    assert html_to_text("<p>One <b>bold</b></p><script>x()</script><p>Two &amp; three</p>") \
        == "One bold\n\nTwo & three"


def test_lists_of_feeds_are_lines_or_opml(tmp_path):
    (tmp_path / "list.txt").write_text("# mine\nhttp://a.test/feed\n\n  http://b.test/rss  \n")
    assert read_url_list(tmp_path / "list.txt") == (
        ["http://a.test/feed", "http://b.test/rss"], [])
    (tmp_path / "bad.opml").write_text("<opml><body><outline xmlUrl='x'>")
    urls, [problem] = read_url_list(tmp_path / "bad.opml")
    assert urls == [] and problem.reason.startswith("malformed OPML")


@pytest.mark.parametrize("declared", ["utf-8", None])
def test_a_latin1_feed_with_a_wrong_or_missing_charset_is_still_read(declared):
    feed = rss("Café News", [{"title": "Le café ouvre", "link": "http://a.test/1",
                              "date": rfc822(RECENT), "description": "Un café."}])
    data = feed.replace(' encoding="utf-8"', "").encode("latin-1")
    [entry] = parse_feed(data, "http://a.test/feed", "application/rss+xml", declared)
    assert (entry.feed_title, entry.title) == ("Café News", "Le café ouvre")


def test_an_empty_feed_is_not_a_failure():
    assert parse_feed(rss("Quiet", []).encode(), "http://q.test/feed") == []


def test_a_feed_served_as_text_html_is_still_read():
    feed = rss("Mislabelled", [{"title": "T", "link": "http://m.test/1", "date": rfc822(RECENT),
                                "content": story_html("storm")}])
    [entry] = parse_feed(feed.encode(), "http://m.test/feed", "text/html")
    assert entry.title == "T"


def test_progress_shows_on_a_terminal_only(monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    screen = Terminal()
    monkeypatch.setattr(sys, "stderr", screen)
    progress = TerminalProgress(enabled=True)
    for done in (1, 2):
        progress("pages", done, 2)
    progress("summarize", 1, 1)
    assert screen.getvalue() == "\rpages: 2/2 pages\x1b[K\n\rsummarize: 1/1 articles\x1b[K\n"
    quiet = TerminalProgress(enabled=False)
    quiet("pages", 1, 1)
    assert screen.getvalue().count("pages:") == 1


def test_entries_without_links_still_get_distinct_ids():
    feed = atom("No links", [
        {"title": "Bridge", "link": "", "date": RECENT.isoformat(),
         "content": story_html("bridge")},
        {"title": "Storm", "link": "", "date": RECENT.isoformat(), "content": story_html("storm")},
    ])
    entries = parse_feed(feed.encode(), "http://n.test/atom")
    ids = {entry_article(entry).id for entry in entries}
    assert len(ids) == 2 and all(i.startswith("n.test-") for i in ids)


# --- a hostile day (issue 16): feeds behave like a good feed reader -----------------


def undated_feed(web: LocalWeb, keys: list[str]) -> str:
    items = "".join(
        f"<item><title>{STORIES[key][0]}</title><guid>urn:story:{key}</guid>"
        f"<description>{story_html(key).replace('<', '&lt;')}</description></item>"
        for key in keys)
    feed = (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Undated</title>'
            f"<link>http://127.0.0.1/</link><description>d</description>{items}</channel></rss>")
    return web.add("/undated.rss", feed, content_type="application/rss+xml")


def test_an_undated_entry_is_taken_once_not_every_day(web, tmp_path):
    out = tmp_path / "out"
    feed = undated_feed(web, ["bridge"])
    assert generate(out, "--feed", feed) == 0
    assert [a["title"] for a in outputs(out)[1]["articles"]] == [STORIES["bridge"][0]]
    undated_feed(web, ["bridge", "storm"])  # the next day: one new entry beside the old one
    assert generate(out, "--feed", feed) == 0
    assert [a["title"] for a in outputs(out)[1]["articles"]] == [STORIES["storm"][0]]
    assert generate(out, "--feed", feed) == 1  # nothing new on the third day


def test_a_feed_that_answers_410_is_dropped_with_a_line_to_remove_it(web, tmp_path, capsys):
    out = tmp_path / "out"
    good = web.add("/good.rss", rss("Valley News", [
        {"title": STORIES["storm"][0], "link": web.url("/storm"), "date": rfc822(RECENT),
         "content": story_html("storm")}]), content_type="application/rss+xml")
    gone = web.gone("/gone.rss")
    assert main(["generate", "--out", str(out), "--date", DATE, "--feed", good,
                 "--feed", gone]) == 0
    assert "HTTP 410 Gone (removed for good): remove it from FEEDS or FEEDS_FILE" in \
        capsys.readouterr().err
    since = (RECENT - dt.timedelta(hours=1)).isoformat()  # the good feed has news again
    assert main(["generate", "--out", str(out), "--date", DATE, "--feed", good,
                 "--feed", gone, "--since", since]) == 0
    assert len(web.hits("/gone.rss")) == 1  # not asked again
    [problem] = outputs(out)[1]["problems"]
    assert problem["source"] == gone
    assert problem["reason"].startswith("HTTP 410 Gone since ")
    assert problem["reason"].endswith("remove it from FEEDS or FEEDS_FILE")
    record = json.loads((out / "state" / STATE_FILE).read_text())
    assert list(record["gone"]) == [gone] and record["behind"] == {}


@pytest.mark.parametrize("status", [301, 308])
def test_a_feed_moved_for_good_is_read_and_the_user_told_to_update_it(web, tmp_path, capsys,
                                                                     status):
    new = web.add("/new.rss", rss("Valley News", [
        {"title": STORIES["storm"][0], "link": web.url("/storm"), "date": rfc822(RECENT),
         "content": story_html("storm")}]), content_type="application/rss+xml")
    old = web.redirect("/old.rss", new, status)
    assert main(["generate", "--out", str(tmp_path / "out"), "--date", DATE,
                 "--feed", old]) == 0
    assert f"{old} has moved for good to {new}: update it in FEEDS or FEEDS_FILE" in \
        capsys.readouterr().err
    assert [a["title"] for a in outputs(tmp_path / "out")[1]["articles"]] == \
        [STORIES["storm"][0]]


def test_a_temporary_redirect_is_followed_without_a_word(web, tmp_path, capsys):
    new = web.add("/new.rss", rss("Valley News", []), content_type="application/rss+xml")
    main(["generate", "--out", str(tmp_path / "out"), "--feed", web.redirect("/o.rss", new)])
    assert "moved for good" not in capsys.readouterr().err


def test_a_damaged_feed_state_is_moved_aside_and_named(web, tmp_path, capsys):
    out = tmp_path / "out"
    (out / "state").mkdir(parents=True)
    (out / "state" / STATE_FILE).write_text('{"generated_at": "yesterday"')
    feeds = serve_news(web)
    assert main(["generate", "--out", str(out), "--date", DATE, "--feed", feeds["rss"]]) == 0
    assert f"{out / 'state' / STATE_FILE} was damaged" in capsys.readouterr().err
    assert len(list((out / "state" / "damaged").iterdir())) == 1
    assert json.loads((out / "state" / STATE_FILE).read_text())["generated_at"]


def test_a_billion_laughs_feed_stays_small():
    """Held up before issue 16 and must keep holding: entities are not expanded a billion
    times (expat refuses, and feedparser falls back to its loose parser)."""
    entities = "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'
                       for i in range(9))
    feed = (f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">{entities}]>'
            '<rss version="2.0"><channel><title>&j;</title><item><title>x</title>'
            "<description>&j;</description></item></channel></rss>")
    try:
        entries = parse_feed(feed.encode(), "http://127.0.0.1/lol.rss")
    except UnusableInput:
        return
    assert all(len(entry.text) < 1_000 and len(entry.feed_title) < 1_000 for entry in entries)
