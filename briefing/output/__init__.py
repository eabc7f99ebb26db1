"""Output stage: the briefing rendered (HTML, text, JSON), as an e-mail, and as files.

Each output file is an `OutputFormat` in the `FORMATS` table, keyed by its file
suffix: a new kind of file is one function and one entry here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any, Protocol


@dataclass(frozen=True)
class Rendered:
    """The briefing in every form we deliver it in."""

    subject: str
    html: str  # email-ready: CSS inlined
    text: str
    data: dict[str, Any]  # the JSON document


class OutputFormat(Protocol):
    """One file of a briefing: its bytes, from the renderings and the e-mail message."""

    def __call__(self, rendered: Rendered, message: EmailMessage) -> bytes: ...


def html_file(rendered: Rendered, message: EmailMessage) -> bytes:
    """The e-mail's HTML part, as sent."""
    return rendered.html.encode("utf-8")


def text_file(rendered: Rendered, message: EmailMessage) -> bytes:
    """The plain-text part."""
    return rendered.text.encode("utf-8")


def json_file(rendered: Rendered, message: EmailMessage) -> bytes:
    """The briefing for programs. Compact: for tools, not eyes (jq shows it indented), and the
    indented form takes Python's slow encoder, a tenth of a second per thousand articles."""
    return (json.dumps(rendered.data, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def eml_file(rendered: Rendered, message: EmailMessage) -> bytes:
    """The complete RFC 5322 message, ready to send."""
    return message.as_bytes()


FORMATS: dict[str, OutputFormat] = {
    "html": html_file,
    "txt": text_file,
    "json": json_file,
    "eml": eml_file,
}
