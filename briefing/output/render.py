"""Render stage: a Briefing as HTML for email, plain text, and JSON for programs.

Templates are Jinja2 files: the bundled ones in this package's `templates/`
folder, overridden file by file by a user's TEMPLATES_DIR. HTML is
autoescaped, so nothing from an article can become markup; premailer then
inlines the CSS for mail clients, keeping media queries in a style tag.

Gmail clips a message whose HTML passes 102 KB and hides the rest, so the
HTML is kept under HTML_LIMIT bytes however many articles came in: the "Also
today" list is shortened to fit and ends with "and N more" (the text part and
the JSON keep every story).
"""

from __future__ import annotations

import importlib
import logging
import sys
import textwrap
import types
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2

if TYPE_CHECKING:
    from premailer import Premailer

from briefing.models import ActorSection, Article, Briefing, Story
from briefing.output import Rendered

# Inside the package, so a wheel or `pip install .` carries them.
BUNDLED_TEMPLATES = Path(__file__).resolve().parent / "templates"
HTML_TEMPLATE = "briefing.html"
TEXT_TEMPLATE = "briefing.txt"
TEXT_WIDTH = 76
HTML_LIMIT = 100_000  # bytes of inlined HTML; Gmail clips past 102 KB
SOURCES_SHOWN = 5  # outlets named beside a point; the others are counted


def template_dirs(user_dir: Path | None = None) -> list[Path]:
    """Where templates are looked up, the user's folder first."""
    dirs = [user_dir] if user_dir else []
    dirs.append(BUNDLED_TEMPLATES)
    return dirs


def make_environment(user_dir: Path | None = None) -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs(user_dir)]),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "htm")),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    environment.filters["wrap"] = wrap
    environment.filters["format_ref"] = lambda number: f"[{number}]"
    return environment


def wrap(text: str, width: int = TEXT_WIDTH, indent: str = "", first: str | None = None) -> str:
    """Fill text to `width` columns; `first` prefixes the first line (e.g. "1. ")."""
    first = indent if first is None else first
    return textwrap.fill(
        " ".join(text.split()),
        width=width,
        initial_indent=first,
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    )


def render(
    briefing: Briefing,
    subject: str,
    templates_dir: Path | None = None,
    language: str = "en",
) -> Rendered:
    """Render the briefing as inlined HTML, plain text and a JSON-ready dict.

    The HTML lists as many "Also today" stories as fit under HTML_LIMIT bytes.
    """
    environment = make_environment(templates_dir)
    context = template_context(briefing, subject, language)
    text = environment.get_template(TEXT_TEMPLATE).render(context)
    html = _html_within_limit(environment, context)
    return Rendered(subject=subject, html=html, text=text, data=to_json(briefing))


def _html_within_limit(environment: jinja2.Environment, context: dict[str, Any]) -> str:
    """The inlined HTML, its "Also today" list cut to fit HTML_LIMIT, "and N more" past it.

    Should the sections alone pass the limit (very long points), the last stories move to
    the head of "Also today" until they fit; the text part and the JSON keep them all.
    """
    template = environment.get_template(HTML_TEMPLATE)
    sections = [dict(section, stories=list(section["stories"])) for section in context["sections"]]
    moved: list[dict[str, Any]] = []

    def with_shown(count: int) -> str:
        also = moved + context["also_today"]
        shown = {**context, "sections": [s for s in sections if s["stories"] or s["nothing_new"]],
                 "also_today": also[:count], "also_today_more": len(also) - count}
        return inline_css(template.render(shown))

    def size(html: str) -> int:
        return len(html.encode("utf-8"))

    while size(bare := with_shown(0)) > HTML_LIMIT and any(s["stories"] for s in sections):
        last = next(s for s in reversed(sections) if s["stories"])
        moved.insert(0, _also_from_shown(last["stories"].pop()))
    total = len(moved) + len(context["also_today"])
    html = with_shown(total) if total else bare  # nothing for "Also today": inlined already
    if size(html) <= HTML_LIMIT or not total:
        return html
    each = max((size(html) - size(bare)) / total, 1.0)
    count = max(int((HTML_LIMIT - size(bare)) / each) - 1, 0)
    html = with_shown(count)
    while count and size(html) > HTML_LIMIT:
        count = count * 9 // 10
        html = with_shown(count)
    return html


def _also_from_shown(story: dict[str, Any]) -> dict[str, Any]:
    """A section's story as an "Also today" line, shaped like ``_left_out_view``'s."""
    first = story["sources"][0]
    return {"id": story["id"], "title": story["title"], "url": first["url"],
            "source": first["source"], "number": first["number"],
            "numbers": sorted(s["number"] for s in story["sources"]),
            "source_count": len(story["sources"])}


def inline_css(html: str) -> str:
    """Inline CSS for mail clients; media queries stay in <style> and keep `!important`."""
    return _premailer()(
        html,
        keep_style_tags=True,
        strip_important=False,
        allow_network=False,
        allow_loading_external_files=False,
        disable_validation=True,
        cssutils_logging_level=logging.CRITICAL,
    ).transform(pretty_print=False)


@cache
def _premailer() -> type[Premailer]:
    """premailer's class, imported when the first HTML is inlined, without `requests`.

    premailer imports requests (with urllib3, charset_normalizer and idna, a twentieth of a
    second) only to fetch external stylesheets, which `inline_css` never lets it do. While premailer
    is imported, `requests` stands for a module that imports the real one when any name of
    it is first used; afterwards any other `import requests` gets the real one.
    """
    stand_in = _OnFirstUse("requests")
    if sys.modules.setdefault("requests", stand_in) is stand_in:
        try:
            from premailer import Premailer
        finally:
            if sys.modules.get("requests") is stand_in:
                del sys.modules["requests"]
    from premailer import Premailer

    return Premailer


class _OnFirstUse(types.ModuleType):
    """A module that is imported for real when one of its names is first looked up."""

    def __getattr__(self, name: str) -> Any:
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        return getattr(importlib.import_module(self.__name__), name)


def template_context(briefing: Briefing, subject: str, language: str = "en") -> dict[str, Any]:
    """What every template receives (documented in the README)."""
    articles = {article.id: article for article in briefing.articles}
    numbers = {article_id: n for n, article_id in enumerate(articles, start=1)}
    stories = {story.id: story for story in briefing.stories}
    sections = [_section_view(section, articles, numbers) for section in briefing.sections]
    also = [_left_out_view(stories[i], articles, numbers) for i in briefing.left_out]
    return {
        "subject": subject,
        "date": briefing.date.isoformat(),
        "date_long": f"{briefing.date:%A} {briefing.date.day} {briefing.date:%B %Y}",
        "language": language,
        "preheader": top_line(briefing),
        "sections": sections,
        "articles": [_article_view(a, n) for n, a in enumerate(briefing.articles, start=1)],
        "article_count": len(briefing.articles),
        "point_count": sum(len(section["points"]) for section in sections),
        "story_count": len(briefing.stories),
        "shown_story_count": sum(len(section["stories"]) for section in sections),
        "also_today": also,
        "also_today_more": 0,
        "omitted": [_article_view(articles[i], numbers[i]) for i in briefing.omitted],
        "problems": [
            {"source": shown_source(p.source), "reason": p.reason} for p in briefing.problems
        ],
    }


def shown_source(source: str) -> str:
    """A failed input as readers see it: URLs whole, local paths without the folders.

    The e-mail goes to other people; where the files sit on this machine is
    none of their business (the log and the JSON keep the full path).
    """
    if "://" in source:
        return source
    return Path(source).name or source


def top_line(briefing: Briefing) -> str:
    """The day's top line: the best point of the heaviest group, shown as the inbox preview."""
    return next((s.points[0].point.text for s in briefing.sections if s.points), "")


def _article_view(article: Article, number: int) -> dict[str, Any]:
    return {
        "number": number,
        "id": article.id,
        "title": article.title,
        "url": article.url if _is_absolute_http(article.url) else None,
        "source": article.source,
        "published": article.published.isoformat() if article.published else None,
    }


def _is_absolute_http(url: str | None) -> bool:
    return bool(url) and url.lower().startswith(("http://", "https://"))


def _left_out_view(
    story: Story, articles: dict[str, Article], numbers: dict[str, int]
) -> dict[str, Any]:
    """A story the caps left out, as one "Also today" line: its headline and first source."""
    first = _article_view(articles[story.article_ids[0]], numbers[story.article_ids[0]])
    return {
        "id": story.id,
        "title": story.title,
        "url": first["url"],
        "source": first["source"],
        "number": first["number"],
        "numbers": sorted(numbers[i] for i in story.article_ids),
        "source_count": len(story.article_ids),
    }


def _section_view(
    section: ActorSection, articles: dict[str, Article], numbers: dict[str, int]
) -> dict[str, Any]:
    def view(article_id: str) -> dict[str, Any]:
        return _article_view(articles[article_id], numbers[article_id])

    actor = section.actor
    stories = []
    for story in section.stories:
        points = []
        for item in story.points:
            sources = [view(source) for source in item.sources or (item.point.article_id,)]
            points.append({
                "text": item.point.text,
                "others": list(item.others),
                "article": view(item.point.article_id),
                "sources": sources,
                "sources_shown": sources[:SOURCES_SHOWN],
                "sources_more": max(len(sources) - SOURCES_SHOWN, 0),
                "story": story.title,
                "earlier": item.earlier,
                "index": item.point.index,
            })
        sources = [view(source) for source in story.sources]
        outlets = [source["source"] for source in sources]
        for source in sources:  # one outlet twice ("CNN · CNN") says nothing: name the article
            unique = source["source"] and outlets.count(source["source"]) == 1
            source["label"] = source["source"] if unique else source["title"]
        stories.append({
            "id": story.story,
            "title": story.title,
            "others": list(story.others),
            "sources": sources,
            "sources_shown": sources[:SOURCES_SHOWN],
            "sources_more": max(len(sources) - SOURCES_SHOWN, 0),
            "points": points,
        })
    return {
        "name": actor.name if actor else None,
        "kind": actor.kind if actor else None,
        "aliases": list(actor.aliases) if actor else [],
        "nothing_new": section.nothing_new,
        "stories": stories,
        "points": [point for story in stories for point in story["points"]],
    }


def to_json(briefing: Briefing) -> dict[str, Any]:
    """The briefing for programs: articles with their points, actors with theirs."""
    involvement: dict[str, list[dict[str, Any]]] = {name: [] for name in briefing.actors}
    for section in briefing.sections:
        for item in section.points:
            for name in ([item.primary] if item.primary else []) + list(item.others):
                involvement.setdefault(name, []).append({
                    "text": item.point.text,
                    "article_id": item.point.article_id,
                    "index": item.point.index,
                    "primary": name == item.primary,
                })
    order = {s.actor.name: n for n, s in enumerate(briefing.sections) if s.actor}
    actors = sorted(
        briefing.actors.values(),
        key=lambda a: (order.get(a.name, len(order)), -a.mentions, a.name),
    )
    return {
        "date": briefing.date.isoformat(),
        "articles": [
            {
                "id": article.id,
                "title": article.title,
                "url": article.url,
                "source": article.source,
                "author": article.author,
                "published": article.published.isoformat() if article.published else None,
                "points": [
                    {"text": p.text, "index": p.index, "score": round(p.score, 6)}
                    for p in briefing.points.get(article.id, ())
                ],
            }
            for article in briefing.articles
        ],
        "actors": [
            {
                "name": actor.name,
                "kind": actor.kind,
                "aliases": list(actor.aliases),
                "mentions": actor.mentions,
                "not_a_heading": actor.not_a_heading,
                "points": involvement.get(actor.name, []),
            }
            for actor in actors
        ],
        "stories": [
            {
                "id": story.id,
                "title": story.title,
                "articles": list(story.article_ids),
                "points": [
                    {"text": sp.point.text, "sources": list(sp.sources),
                     "article_id": sp.point.article_id, "index": sp.point.index}
                    for sp in story.points
                ],
            }
            for story in briefing.stories
        ],
        "sections": [
            {
                "actor": section.actor.name if section.actor else None,
                "nothing_new": section.nothing_new,
                "stories": [
                    {"id": story.story, "title": story.title, "articles": list(story.sources),
                     "others": list(story.others),
                     "points": [{"article_id": i.point.article_id, "index": i.point.index}
                                for i in story.points]}
                    for story in section.stories
                ],
                "points": [
                    {"article_id": i.point.article_id, "index": i.point.index,
                     "text": i.point.text, "others": list(i.others), "story": i.story,
                     "sources": list(i.sources), "earlier": i.earlier}
                    for i in section.points
                ],
            }
            for section in briefing.sections
        ],
        "omitted_articles": list(briefing.omitted),
        "left_out_stories": list(briefing.left_out),
        "problems": [{"source": p.source, "reason": p.reason} for p in briefing.problems],
    }
