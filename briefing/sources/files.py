"""Sources stage: where articles come in.

Files and folders of `.txt`, `.md`, `.html`/`.htm` and `.jsonl`. Every input
that cannot be used becomes a Problem naming it and saying why; the rest
still make the briefing.
"""

from __future__ import annotations

import codecs
import datetime as dt
import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from briefing.models import Article, Problem

ARTICLE_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".jsonl")
DEFAULT_MAX_BYTES = 5_000_000
TITLE_CHARACTERS = 120  # a title made from a first sentence is cut to this
# Longest first: the UTF-32 LE mark starts with the UTF-16 LE one.
BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


# A byte that makes a file more than blank; searched for, it costs no copy of the file.
_NOT_BLANK = re.compile(rb"[^\x00 \t\r\n]")


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
        for file in _article_files(path, harvest.problems):
            _read_file(file, max_bytes, harvest)
    harvest.articles = _unique_ids(harvest.articles)
    return harvest


def _article_files(path: Path, problems: list[Problem]) -> Iterator[Path]:
    """Article files under `path`, sorted; a folder that cannot be listed is a Problem.

    `Path.rglob` skips an unreadable folder without a word, and the user was
    then told to "see the lines above" with no line there; os.walk reports it.
    """
    if path.is_file():
        yield path
        return

    def unreadable(error: OSError) -> None:
        problems.append(Problem(str(error.filename or path),
                                f"cannot read this folder: {error.strerror or error}"))

    found = []
    for folder, subfolders, names in os.walk(path, onerror=unreadable):
        subfolders[:] = [name for name in subfolders if not name.startswith(".")]
        found.extend(Path(folder, name) for name in names
                     if not name.startswith(".") and Path(name).suffix.lower() in ARTICLE_SUFFIXES)
    yield from sorted(found)


def _read_file(file: Path, max_bytes: int, harvest: Harvest) -> None:
    try:
        suffix = file.suffix.lower()
        if suffix not in ARTICLE_SUFFIXES:
            raise UnusableInput(f"unsupported file type {suffix or '(none)'}")
        text = read_text(file, max_bytes)
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


def read_text(file: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """A text file's contents, refused by its size before a byte is read (and if it grows
    while read); UnusableInput says why it cannot be used, OSError why it cannot be read."""
    size = file.stat().st_size
    if size > max_bytes:
        raise UnusableInput(f"too large ({size:,} bytes; the limit is {max_bytes:,})")
    with file.open("rb") as handle:
        return decode_text(handle.read(max_bytes + 1), max_bytes)


def bom_codec(data: bytes) -> tuple[str, int] | None:
    """The codec a byte-order mark announces and the mark's length, or None without one."""
    for mark, codec in BYTE_ORDER_MARKS:
        if data.startswith(mark):
            return codec, len(mark)
    return None


def decode_text(data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Bytes of a text file as str, or UnusableInput saying why not.

    A byte-order mark decides the encoding (UTF-8, UTF-16 or UTF-32, as
    Windows editors save); without one the text must be UTF-8.
    """
    if len(data) > max_bytes:
        raise UnusableInput(f"too large (over {max_bytes:,} bytes, the limit)")
    marked = bom_codec(data)
    codec, start = marked or ("utf-8", 0)
    if _NOT_BLANK.search(data, start) is None:
        raise UnusableInput("empty file")
    if marked is None and b"\x00" in data[:8192]:
        raise UnusableInput("binary file, not text")
    try:
        text = data[start:].decode(codec)
    except UnicodeDecodeError as error:
        offset = start + error.start
        raise UnusableInput(
            f"not {codec.upper().removesuffix('-LE').removesuffix('-BE')} text "
            f"(byte 0x{data[offset]:02x} at offset {offset})"
        ) from None
    if "\x00" in text[:8192]:
        raise UnusableInput("binary file, not text")
    return text


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
            articles.append(_article_from_record(_json_line(line), where))
        except UnusableInput as reason:
            problems.append(Problem(where, str(reason)))
    return articles, problems


def _json_line(line: str) -> object:
    """One JSONL line parsed, or UnusableInput for anything the parser rejects.

    Not only syntax: an integer of more than 4,300 digits is a ValueError and
    deep nesting a RecursionError, and either must cost this line only.
    """
    try:
        return json.loads(line)
    except json.JSONDecodeError as error:
        raise UnusableInput(f"not JSON ({error.msg} at column {error.colno})") from None
    except ValueError as error:
        raise UnusableInput(f"not usable JSON ({' '.join(str(error).split())[:100]})") from None
    except RecursionError:
        raise UnusableInput("not usable JSON (nested too deeply)") from None


def _article_from_record(record: object, origin: str) -> Article:
    """An Article from a JSONL object; without a title, its text's first sentence is one."""
    if not isinstance(record, dict):
        raise UnusableInput("not a JSON object")
    missing = [key for key in ("id", "text") if not _field(record.get(key))]
    if missing:
        raise UnusableInput(f"missing {', '.join(missing)}")
    text = _field(record["text"])
    return Article(
        id=_field(record["id"]),
        title=_field(record.get("title")) or title_from_text(text),
        text=text,
        url=_optional_str(record.get("url")),
        source=_optional_str(record.get("source")),
        published=_parse_date(record.get("published")),
        origin=origin,
    )


def _field(value: object) -> str:
    """A JSONL field as stripped text; only strings and numbers count as text."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def title_from_text(text: str) -> str:
    """A title for an article that has none: its first sentence, cut at a word if long."""
    from briefing.nlp.sentences import split_sentences

    first_paragraph = next((p for p in text.split("\n\n") if p.strip()), text)
    sentences = split_sentences(" ".join(first_paragraph.split())[:2000])
    first = sentences[0] if sentences else " ".join(text.split())
    if len(first) <= TITLE_CHARACTERS:
        return first
    return first[:TITLE_CHARACTERS].rsplit(" ", 1)[0].rstrip(",;:") + "…"


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
