"""Writing files that matter, atomically: temp file, fsync, rename into place.

A crash mid-write leaves the old file or the new one, never half of either.
Every stage that keeps state (outbox, ledger, feed state, HTTP cache,
archive, the briefing's outputs) writes through here.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path


def write_atomic(path: Path, data: bytes) -> Path:
    """Replace `path` with `data` in one step."""
    write_all_atomic({path: data})
    return path


def write_all_atomic(files: Mapping[Path, bytes]) -> None:
    """Replace several files together: every one is written in full before any is renamed.

    A full disk or a crash while writing leaves all the old files in place
    and no temporary file behind; only the renames, which need no space,
    come after the last byte is safely on disk.
    """
    staged: list[tuple[str, Path]] = []
    try:
        for path, data in files.items():
            staged.append((_stage(path, data), path))
        for temporary, path in staged:
            os.replace(temporary, path)
    except BaseException:
        for temporary, _ in staged:
            Path(temporary).unlink(missing_ok=True)
        raise
    for folder in dict.fromkeys(path.parent for path in files):
        _fsync_directory(folder)


def _stage(path: Path, data: bytes) -> str:
    """`data` in a temporary file beside `path`, flushed to disk; its name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return temporary


def _fsync_directory(directory: Path) -> None:
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return  # not possible on every platform; the rename is still atomic
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def move_into(path: Path, folder: Path) -> Path:
    """Move a file into `folder` (same file system) in one step, and make the move durable."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / path.name
    os.replace(path, target)
    _fsync_directory(folder)
    _fsync_directory(path.parent)
    return target


def move_aside(path: Path, folder: Path) -> Path:
    """Move a file that cannot be used into `folder`, stamped so that none is overwritten.

    Damaged state is kept for a person to look at, never deleted.
    """
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{path.name}.{stamp}"
    os.replace(path, target)
    _fsync_directory(folder)
    return target
