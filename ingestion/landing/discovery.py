"""Find the files to land under a raw root, and refuse the ones landing must not touch.

A candidate is a regular file below the root, laid out as ``<source>/<stream>/…``, whose name
ends in a landing format. Hidden files and folders (a leading dot: how a producer writes a file
before renaming it into place) are left alone. Refused, with a reason and nothing written:
files of an unknown stream or format, files whose real path leaves the raw root (a symlink
pointing elsewhere), and things that are not regular files (a FIFO would block the reader).
A file modified less than ``settle_seconds`` ago is *pending*: it may still be growing.
"""

from __future__ import annotations

import os
import stat
import time
from dataclasses import dataclass
from pathlib import Path

from ingestion.landing.report import FileResult
from ingestion.streams import Stream, UnknownFormatError, UnknownStreamError, file_format, stream_for


@dataclass(frozen=True)
class RawFile:
    path: Path
    rel: str  # relative to the raw root, '/'-separated
    stream: Stream
    fmt: str
    size: int


def walk(root: Path) -> list[Path]:
    """Every non-hidden entry below ``root`` that is not a folder (symlinks to folders included)."""
    found: list[Path] = []
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found += [Path(folder) / name for name in files if not name.startswith(".")]
        # a symlink to a folder is listed among dirs but not walked: treat it as a file to refuse
        found += [Path(folder) / d for d in list(dirs) if (Path(folder) / d).is_symlink()]
    return sorted(found)


def discover(
    raw_root: Path, *, settle_seconds: float = 0.0, now: float | None = None
) -> tuple[list[RawFile], list[FileResult]]:
    """The files to land (sorted by path) and the results of those refused or still pending."""
    raw_root = Path(raw_root)
    real_root = raw_root.resolve()
    now = time.time() if now is None else now
    candidates: list[RawFile] = []
    others: list[FileResult] = []
    for path in walk(raw_root):
        rel = path.relative_to(raw_root).as_posix()
        try:
            real = path.resolve()
            st = real.stat() if real.exists() else None
        except (OSError, RuntimeError) as exc:  # a symlink loop, a permission error
            others.append(FileResult(rel, None, "refused", message=f"{rel}: cannot read it ({exc})"))
            continue
        if real != real_root and real_root not in real.parents:
            others.append(
                FileResult(
                    rel,
                    None,
                    "refused",
                    message=f"{rel}: its real path {real} lies outside the raw root {real_root}; "
                    "copy the file into the raw folder instead of linking to it",
                )
            )
            continue
        if st is None or not stat.S_ISREG(st.st_mode):
            others.append(
                FileResult(
                    rel, None, "refused", message=f"{rel}: not a regular file; remove it from the raw folder"
                )
            )
            continue
        try:
            stream = stream_for(rel)
            fmt = file_format(rel)
        except (UnknownStreamError, UnknownFormatError) as exc:
            others.append(FileResult(rel, None, "refused", message=str(exc)))
            continue
        if settle_seconds and now - st.st_mtime < settle_seconds:
            others.append(
                FileResult(
                    rel,
                    stream.table,
                    "pending",
                    message=f"changed {now - st.st_mtime:.0f} s ago; lands once unchanged for {settle_seconds:.0f} s",
                )
            )
            continue
        candidates.append(RawFile(path, rel, stream, fmt, st.st_size))
    return candidates, others


def stream_folder_files(raw_root: Path, stream: Stream) -> list[Path]:
    """Every non-hidden file under ``<raw root>/<source>/<stream>/`` (for the sensor's scan)."""
    folder = Path(raw_root) / stream.source / stream.name
    return walk(folder) if folder.is_dir() else []
