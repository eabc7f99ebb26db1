"""Fetching over HTTP from a real server on 127.0.0.1: limits, failures, cache, politeness."""

import socket
import threading
import time

import pytest
from localweb import LocalWeb

from briefing.network import parse_host_rules
from briefing.sources.fetch import FetchError, FetchPolicy, HttpCache, fetch, fetch_all

LOOPBACK_ALLOWED = parse_host_rules("127.0.0.0/8")  # the test server; nothing else private
QUICK = FetchPolicy(timeout=0.5, max_bytes=50_000, max_redirects=3, workers=6, per_host=2,
                    allow=LOOPBACK_ALLOWED)


@pytest.fixture
def web():
    with LocalWeb() as server:
        yield server


def reason(url, policy=QUICK, **options) -> str:
    with pytest.raises(FetchError) as failure:
        fetch(url, policy, **options)
    return str(failure.value)


def test_a_page_is_fetched_with_our_user_agent(web):
    url = web.add("/page", "<p>hello</p>", content_type="text/html; charset=ISO-8859-1")
    response = fetch(url, QUICK)
    assert response.body == b"<p>hello</p>"
    assert (response.content_type, response.charset) == ("text/html", "iso-8859-1")
    assert web.hits("/page")[0]["User-Agent"] == QUICK.user_agent


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/x", "data:,hello",
                                 "/etc/passwd", "javascript:alert(1)"])
def test_only_http_and_https_are_fetched(url):
    assert reason(url).startswith("only http and https URLs are fetched")


def test_a_redirect_to_a_local_file_is_refused(web):
    url = web.add("/sneaky", status=302, headers={"Location": "file:///etc/passwd"})
    assert reason(url).startswith("only http and https URLs are fetched")


@pytest.mark.parametrize(("status", "expected"), [
    (404, "HTTP 404 Not Found"),
    (410, "HTTP 410 Gone (removed for good)"),
    (500, "HTTP 500 Internal Server Error"),
])
def test_http_errors_name_the_status(web, status, expected):
    assert reason(web.add(f"/status-{status}", "oops", status)) == expected


def test_a_slow_answer_times_out(web):
    url = web.add("/slow", "<p>late</p>", delay=2.0)
    started = time.monotonic()
    assert reason(url) == "timed out after 0.5 s"
    assert time.monotonic() - started < 1.5


def test_a_body_trickling_past_the_deadline_times_out(web):
    def trickle(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Connection", "close")
        handler.end_headers()
        for _ in range(20):
            handler.wfile.write(b"<p>x</p>")
            handler.wfile.flush()
            time.sleep(0.1)

    assert reason(web.add("/trickle", answer=trickle)).startswith("timed out after 0.5 s")


def test_a_body_declared_over_the_cap_is_refused_unread(web):
    url = web.add("/huge", b"x" * 10, headers={"Content-Length": "900000000"})
    assert reason(url) == "too large (900,000,000 bytes; the limit is 50,000)"


def test_a_body_growing_over_the_cap_is_cut_off(web):
    def endless(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Connection", "close")
        handler.end_headers()
        for _ in range(100):
            handler.wfile.write(b"<p>" + b"a" * 10_000 + b"</p>")

    assert reason(web.add("/endless", answer=endless)) == \
        "too large (over 50,000 bytes, the limit)"


def test_a_redirect_loop_is_named(web):
    web.add("/loop-a", status=302, headers={"Location": "/loop-b"})
    web.add("/loop-b", status=301, headers={"Location": web.url("/loop-a")})
    text = reason(web.url("/loop-a"))
    assert text.startswith("redirect loop (")
    assert text.count("/loop-a") == 2


def test_redirects_beyond_the_cap_are_refused(web):
    for n in range(6):
        web.add(f"/hop{n}", status=307, headers={"Location": f"/hop{n + 1}"})
    web.add("/hop6", "<p>arrived</p>")
    assert reason(web.url("/hop0")) == "too many redirects (more than 3)"
    assert fetch(web.url("/hop3"), QUICK).final_url == web.url("/hop6")


def test_a_refused_connection_is_named():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again when the block ends: nobody listens
    assert reason(f"http://127.0.0.1:{port}/feed.xml") == "connection refused"


def test_an_unknown_host_is_a_dns_failure():
    # `.invalid` never resolves (RFC 2606); conftest fails every lookup but loopback locally.
    assert reason("http://nonexistent.invalid/feed.xml") == "host not found (DNS lookup failed)"


def test_an_unchanged_page_is_asked_for_conditionally_and_read_from_the_cache(web, tmp_path):
    def tagged(handler):
        if handler.headers.get("If-None-Match") == '"v1"':
            handler.send_response(304)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        body = b"<p>first edition</p>"
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html; charset=utf-8")
        handler.send_header("ETag", '"v1"')
        handler.send_header("Last-Modified", "Fri, 27 Nov 2026 08:00:00 GMT")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    url = web.add("/tagged", answer=tagged)
    cache = HttpCache(tmp_path / "cache")
    first = fetch(url, QUICK, cache)
    second = fetch(url, QUICK, HttpCache(tmp_path / "cache"))  # a later run
    assert not first.from_cache and second.from_cache
    assert second.body == first.body == b"<p>first edition</p>"
    assert second.content_type == "text/html"
    asked = web.hits("/tagged")[1]
    assert asked["If-None-Match"] == '"v1"'
    assert asked["If-Modified-Since"] == "Fri, 27 Nov 2026 08:00:00 GMT"


def test_fetches_run_in_parallel_but_never_more_than_the_cap_per_host(web):
    lock = threading.Lock()
    state = {"now": 0, "most": 0}

    def counted(handler):
        with lock:
            state["now"] += 1
            state["most"] = max(state["most"], state["now"])
        time.sleep(0.1)
        with lock:
            state["now"] -= 1
        handler.send_response(200)
        handler.send_header("Content-Length", "2")
        handler.end_headers()
        handler.wfile.write(b"ok")

    urls = [web.add(f"/p{n}", answer=counted) for n in range(6)]
    urls.append(web.url("/missing"))
    seen = []
    results = fetch_all(urls, QUICK, progress=lambda stage, done, total: seen.append(done))
    assert state["most"] == 2
    assert isinstance(results[web.url("/missing")], FetchError)
    assert sum(1 for r in results.values() if not isinstance(r, FetchError)) == 6
    assert seen == list(range(1, 8))


# --- issue 16: retries that honour Retry-After, and a cap after decompression ----------


def _flaky(statuses, retry_after=None):
    """Answer with each status in turn (the last one from then on)."""
    answers = list(statuses)

    def answer(handler):
        status = answers.pop(0) if len(answers) > 1 else answers[0]
        body = b"<p>back</p>" if status == 200 else b"busy"
        handler.send_response(status)
        if retry_after is not None and status != 200:
            handler.send_header("Retry-After", retry_after)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return answer


def test_a_busy_server_is_asked_again_after_its_retry_after(web):
    url = web.add("/busy", answer=_flaky([503, 200], retry_after="1"))
    started = time.monotonic()
    assert fetch(url, FetchPolicy(timeout=3, allow=LOOPBACK_ALLOWED)).body == b"<p>back</p>"
    assert 1 <= time.monotonic() - started < 2.5
    assert len(web.hits("/busy")) == 2


def test_a_retry_after_past_the_deadline_gives_up_at_once(web):
    url = web.add("/later", answer=_flaky([429], retry_after="3600"))
    started = time.monotonic()
    assert reason(url, FetchPolicy(timeout=2, allow=LOOPBACK_ALLOWED)) == \
        "HTTP 429 Too Many Requests"
    assert time.monotonic() - started < 0.5
    assert len(web.hits("/later")) == 1


def test_a_compressed_body_is_read_and_a_gzip_bomb_is_cut_off_after_inflating(web):
    import gzip

    page = b"<p>" + b"news " * 1000 + b"</p>"
    web.add("/zipped", gzip.compress(page), headers={"Content-Encoding": "gzip"})
    assert fetch(web.url("/zipped"), QUICK).body == page
    bomb = gzip.compress(b"\0" * 50_000_000)  # 50 MB inflated from about 50 KB
    web.add("/bomb", bomb, headers={"Content-Encoding": "gzip"})
    assert reason(web.url("/bomb")) == "too large (over 50,000 bytes, the limit)"


def test_https_is_verified_against_the_name_in_the_url(tmp_path, monkeypatch):
    from mailservers import make_certificates

    certificates = make_certificates(tmp_path, names=("localhost",))
    with LocalWeb(tls=certificates.server_context) as secure:
        secure.add("/page", "<p>secret</p>")
        url = secure.url("/page").replace("127.0.0.1", "localhost")
        assert reason(url).startswith("TLS error (certificate not trusted")  # unknown CA
        monkeypatch.setenv("SSL_CERT_FILE", str(certificates.ca_file))
        assert fetch(url, QUICK).body == b"<p>secret</p>"  # connected to 127.0.0.1
        wrong_name = secure.url("/page")  # the certificate is for localhost only
        assert reason(wrong_name).startswith("TLS error (certificate not valid for this host")
        assert "127.0.0.1" in reason(wrong_name)


def test_every_checked_address_is_tried_in_turn(web, monkeypatch):
    resolve = socket.getaddrinfo

    def two_addresses(host, port, *args, **kwargs):
        if host == "news.test":  # first an address where nothing listens, then the server
            return resolve("::1", port, *args, **kwargs) + resolve("127.0.0.1", port, *args,
                                                                   **kwargs)
        return resolve(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", two_addresses)
    web.add("/page", "<p>hello</p>")
    url = web.url("/page").replace("127.0.0.1", "news.test")
    policy = FetchPolicy(timeout=2, allow=parse_host_rules("127.0.0.0/8,::1"))
    assert fetch(url, policy).body == b"<p>hello</p>"


def test_a_resolver_that_does_not_answer_costs_the_deadline_only(monkeypatch):
    resolve = socket.getaddrinfo

    def slow(host, *args, **kwargs):
        if host == "slow-dns.test":
            time.sleep(3)
        return resolve(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", slow)
    started = time.monotonic()
    assert reason("http://slow-dns.test/feed.xml") == \
        "timed out after 0.5 s (looking up slow-dns.test)"
    assert time.monotonic() - started < 1.5
