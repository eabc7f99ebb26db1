"""Links: one canonical form of an article's address, and the id it gives the article.

Two links to the same story that differ only in how they were shared
(tracking parameters, a fragment, the default port, a trailing slash)
canonicalise to the same string, so the story is kept once and its id is
the same in every feed and every run.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit


def article_id(url: str, extra: str = "") -> str:
    """A stable id from the page's address (and `extra`): its host and a short hash."""
    canonical = canonical_url(url)
    host = (urlsplit(canonical).hostname or "web").removeprefix("www.")
    digest = hashlib.sha256(f"{canonical}\n{extra}".encode()).hexdigest()[:10]
    return f"{host}-{digest}"


_TRACKING = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|yclid|igshid|mc_cid|mc_eid|_ga|"
    r"_gl|ref|ref_src|ref_url|referrer|cmpid|cmp|icid|ito|ncid|sr_share|share|smid|"
    r"at_medium|at_campaign|at_custom\d*|rss|feed|from|source|s_cid|xtor|__twitter_impression)$",
    re.IGNORECASE,
)


def without_tracking(url: str) -> str:
    """The address as shown in the briefing: tracking parameters and fragment removed."""
    parts = urlsplit(url.strip())
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not _TRACKING.match(k)]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def canonical_url(url: str) -> str:
    """The address with tracking parameters, fragment and default port removed.

    Two links to the same story that differ only in how they were shared
    canonicalise to the same string.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    if port and (scheme, port) not in (("http", 80), ("https", 443)):
        host = f"{host}:{port}"
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                   if not _TRACKING.match(k))
    path = parts.path or "/"
    if len(path) > 1:
        path = path.rstrip("/")
    return urlunsplit((scheme, host, path, urlencode(query), ""))
