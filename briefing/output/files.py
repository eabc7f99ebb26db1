"""The briefing's output files: briefing-DATE.html, .txt, .json and .eml, written as a set.

All four are written in full before any replaces its predecessor, so a full
disk leaves the previous complete set in place, never a mix of two runs.
"""

from __future__ import annotations

import json
from email.message import EmailMessage
from pathlib import Path

from briefing.output import Rendered
from briefing.storage import write_all_atomic


def briefing_paths(out_dir: Path, date_text: str) -> dict[str, Path]:
    """The four outputs of one briefing date."""
    stem = out_dir / f"briefing-{date_text}"
    return {kind: stem.with_suffix(f".{kind}") for kind in ("html", "txt", "json", "eml")}


def write_briefing(rendered: Rendered, message: EmailMessage, out_dir: Path) -> dict[str, Path]:
    """Write briefing-DATE.html/.txt/.json/.eml into `out_dir`; return their paths."""
    paths = briefing_paths(out_dir, rendered.data["date"])
    # Compact: for tools, not eyes (jq shows it indented), and the indented form takes
    # Python's slow encoder, a tenth of a second per thousand articles.
    data = json.dumps(rendered.data, ensure_ascii=False, separators=(",", ":")) + "\n"
    write_all_atomic({
        paths["html"]: rendered.html.encode("utf-8"),
        paths["txt"]: rendered.text.encode("utf-8"),
        paths["json"]: data.encode("utf-8"),
        paths["eml"]: message.as_bytes(),
    })
    return paths
