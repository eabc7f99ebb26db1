"""The briefing's output files, one per format in `briefing.output.FORMATS`, written as a set.

All are written in full before any replaces its predecessor, so a full disk
leaves the previous complete set in place, never a mix of two runs.
"""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

from briefing.output import FORMATS, Rendered
from briefing.storage import write_all_atomic


def briefing_paths(out_dir: Path, date_text: str) -> dict[str, Path]:
    """The outputs of one briefing date: briefing-DATE.html, .txt, .json, .eml."""
    stem = out_dir / f"briefing-{date_text}"
    return {suffix: stem.with_suffix(f".{suffix}") for suffix in FORMATS}


def write_briefing(rendered: Rendered, message: EmailMessage, out_dir: Path) -> dict[str, Path]:
    """Write every format's file into `out_dir`; return their paths by suffix."""
    paths = briefing_paths(out_dir, rendered.data["date"])
    write_all_atomic({paths[suffix]: encode(rendered, message)
                      for suffix, encode in FORMATS.items()})
    return paths
