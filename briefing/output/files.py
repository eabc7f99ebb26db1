"""Writing files that matter, atomically: temp file, fsync, rename into place.

A crash mid-write leaves the old file or the new one, never half of either.
"""

from __future__ import annotations

import json
import os
import tempfile
from email.message import EmailMessage
from pathlib import Path

from briefing.output.render import Rendered


def write_atomic(path: Path, data: bytes) -> Path:
    """Replace `path` with `data` in one step."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _fsync_directory(path.parent)
    return path


def _fsync_directory(directory: Path) -> None:
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return  # not possible on every platform; the rename is still atomic
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def briefing_paths(out_dir: Path, date_text: str) -> dict[str, Path]:
    """The four outputs of one briefing date."""
    stem = out_dir / f"briefing-{date_text}"
    return {kind: stem.with_suffix(f".{kind}") for kind in ("html", "txt", "json", "eml")}


def write_briefing(rendered: Rendered, message: EmailMessage, out_dir: Path) -> dict[str, Path]:
    """Write briefing-DATE.html/.txt/.json/.eml into `out_dir`; return their paths."""
    paths = briefing_paths(out_dir, rendered.data["date"])
    write_atomic(paths["html"], rendered.html.encode("utf-8"))
    write_atomic(paths["txt"], rendered.text.encode("utf-8"))
    # Compact: for tools, not eyes (jq shows it indented), and the indented form takes
    # Python's slow encoder, a tenth of a second per thousand articles.
    data = json.dumps(rendered.data, ensure_ascii=False, separators=(",", ":")) + "\n"
    write_atomic(paths["json"], data.encode("utf-8"))
    write_atomic(paths["eml"], message.as_bytes())
    return paths


def move_into(path: Path, folder: Path) -> Path:
    """Move a file into `folder` (same file system) in one step, and make the move durable."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / path.name
    os.replace(path, target)
    _fsync_directory(folder)
    _fsync_directory(path.parent)
    return target
