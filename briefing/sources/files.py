"""Sources stage: where articles come in.

Files and folders of `.txt`, `.md`, `.html`/`.htm` and `.jsonl`. Every input
that cannot be used becomes a Problem naming it and saying why; the rest
still make the briefing.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from briefing.models import Article, Problem

ARTICLE_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".jsonl")
DEFAULT_MAX_BYTES = 5_000_000


class UnusableInput(ValueError):
    """An input we must skip; the message is the reason shown to the user."""


@dataclass
class Harvest:
    """Articles read so far and the inputs that failed."""

    articles: list[Article] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def read_inputs(paths: Iterable[Path], max_bytes: int = DEFAULT_MAX_BYTES) -> Harvest:
    """Read every article under `paths` (files or folders, folders recursively)."""
    harvest = Harvest()
    for path in paths:
        if not path.exists():
            harvest.problems.append(Problem(str(path), "no such file or folder"))
            continue
        for file in _article_files(path):
            _read_file(file, max_bytes, harvest)
    harvest.articles = _unique_ids(harvest.articles)
    return harvest


def _article_files(path: Path) -> Iterator[Path]:
    if path.is_file():
        yield path
        return
    for file in sorted(path.rglob("*")):
        if file.is_file() and file.suffix.lower() in ARTICLE_SUFFIXES:
            if not any(part.startswith(".") for part in file.relative_to(path).parts):
                yield file


def _read_file(file: Path, max_bytes: int, harvest: Harvest) -> None:
    try:
        suffix = file.suffix.lower()
        if suffix not in ARTICLE_SUFFIXES:
            raise UnusableInput(f"unsupported file type {suffix or '(none)'}")
        text = decode_text(file.read_bytes(), max_bytes)
        if suffix == ".jsonl":
            articles, problems = parse_jsonl(text, origin=str(file))
            harvest.articles.extend(articles)
            harvest.problems.extend(problems)
            return
        parse = parse_html if suffix in (".html", ".htm") else parse_plain
        harvest.articles.append(parse(text, article_id=file.stem, origin=str(file)))
    except UnusableInput as reason:
        harvest.problems.append(Problem(str(file), str(reason)))
    except OSError as error:
        harvest.problems.append(Problem(str(file), f"cannot read: {error.strerror or error}"))


def decode_text(data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Bytes of a text file as str, or UnusableInput saying why not."""
    if len(data) > max_bytes:
        raise UnusableInput(f"too large ({len(data):,} bytes; the limit is {max_bytes:,})")
    if not data.strip():
        raise UnusableInput("empty file")
    if b"\x00" in data[:8192]:
        raise UnusableInput("binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnusableInput(
            f"not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start})"
        ) from None


_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1")


def parse_plain(text: str, article_id: str, origin: str = "") -> Article:
    """A `.txt` or `.md` article: the first non-empty line is the title."""
    lines = text.splitlines()
    while lines and not lines[0].strip():
        lines.pop(0)
    title = _MD_HEADING.sub("", lines[0]).strip() if lines else ""
    body = "\n".join(lines[1:])
    if origin.endswith((".md", ".markdown")):
        body = _MD_EMPHASIS.sub(r"\2", _MD_LINK.sub(r"\1", body))
        body = "\n".join(_MD_HEADING.sub("", line) for line in body.splitlines())
    if not body.strip():
        raise UnusableInput("no text after the title line")
    return Article(id=article_id, title=title, text=body, origin=origin)


def parse_html(html: str, article_id: str, origin: str = "", url: str | None = None) -> Article:
    """An HTML page: main text, title, site and date extracted by trafilatura.

    Only text comes out, so markup, scripts and event handlers in the page can
    never reach the briefing.
    """
    import trafilatura  # imported here: it is slow to load and only HTML needs it

    extracted = trafilatura.bare_extraction(
        html, url=url, include_comments=False, include_tables=False, with_metadata=True
    )
    text = getattr(extracted, "text", None) if extracted is not None else None
    if not text or not text.strip():
        raise UnusableInput("no article text found in the HTML")
    title = (getattr(extracted, "title", None) or "").strip()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if title and lines and lines[0] == title:
        lines = lines[1:]  # the page's own heading repeats the title
    published = _parse_date(getattr(extracted, "date", None))
    return Article(
        id=article_id,
        title=title or lines[0][:120],
        text="\n\n".join(lines),  # one paragraph a line; the text stage wants blank lines
        url=url or getattr(extracted, "url", None),
        source=getattr(extracted, "sitename", None),
        published=published,
        origin=origin,
        author=getattr(extracted, "author", None) or None,
    )


def parse_jsonl(text: str, origin: str) -> tuple[list[Article], list[Problem]]:
    """One article a line: `id`, `title`, `text`, optional `url`, `source`, `published`."""
    articles: list[Article] = []
    problems: list[Problem] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{origin}:{number}"
        try:
            articles.append(_article_from_record(json.loads(line), where))
        except json.JSONDecodeError as error:
            problems.append(Problem(where, f"not JSON ({error.msg} at column {error.colno})"))
        except UnusableInput as reason:
            problems.append(Problem(where, str(reason)))
    return articles, problems


def _article_from_record(record: object, origin: str) -> Article:
    if not isinstance(record, dict):
        raise UnusableInput("not a JSON object")
    missing = [key for key in ("id", "title", "text") if not str(record.get(key) or "").strip()]
    if missing:
        raise UnusableInput(f"missing {', '.join(missing)}")
    return Article(
        id=str(record["id"]),
        title=str(record["title"]).strip(),
        text=str(record["text"]),
        url=_optional_str(record.get("url")),
        source=_optional_str(record.get("source")),
        published=_parse_date(record.get("published")),
        origin=origin,
    )


def _optional_str(value: object) -> str | None:
    return str(value).strip() or None if value is not None else None


def _parse_date(value: object) -> dt.datetime | None:
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None


def _unique_ids(articles: list[Article]) -> list[Article]:
    """Keep ids unique within a briefing: a repeat gets `-2`, `-3` …"""
    seen: dict[str, int] = {}
    unique = []
    for article in articles:
        count = seen.get(article.id, 0) + 1
        seen[article.id] = count
        unique.append(article if count == 1 else replace(article, id=f"{article.id}-{count}"))
    return unique
