"""Output stage: the briefing rendered (HTML, text, JSON), as an e-mail, and as files."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Rendered:
    """The briefing in every form we deliver it in."""

    subject: str
    html: str  # email-ready: CSS inlined
    text: str
    data: dict[str, Any]  # the JSON document
