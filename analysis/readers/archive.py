"""Stream the members of a ``.tgz``/``.tar``/``.zip`` archive without extracting it.

Only regular files are read. Members with absolute paths, ``..`` components, links or
devices are skipped and reported: nothing is ever written to disk, and nothing outside
the archive is ever read through a link.
"""

from __future__ import annotations

import tarfile
import zipfile
from pathlib import Path, PurePosixPath
from typing import Iterator

from analysis.errors import AnalysisError, E
from analysis.readers.base import LoadReport, too_large



def _unsafe(name: str) -> str | None:
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        return "absolute path in archive"
    if ".." in path.parts:
        return "'..' in member path"
    return None


def members(path: Path, report: LoadReport) -> Iterator[tuple[str, bytes]]:
    """Yield ``(member name, content)`` for every safe regular file, in archive order."""
    name = path.name.lower()
    try:
        if name.endswith(".zip"):
            yield from _zip_members(path, report)
        else:
            yield from _tar_members(path, report)
    except (tarfile.TarError, zipfile.BadZipFile, EOFError, OSError) as err:
        raise AnalysisError(E.E005, path=str(path), reason=str(err) or type(err).__name__) from err


def _tar_members(path: Path, report: LoadReport) -> Iterator[tuple[str, bytes]]:
    with tarfile.open(path, mode="r:*") as tf:
        for member in tf:
            origin = f"{path.name}::{member.name}"
            if member.isdir():
                continue
            if not member.isfile():
                report.skip(origin, "not a regular file (link or device) in archive")
                continue
            if (why := _unsafe(member.name)) is not None:
                report.skip(origin, why)
                continue
            if (why := too_large(member.size)) is not None:
                report.skip(origin, why)
                continue
            handle = tf.extractfile(member)
            yield member.name, handle.read() if handle else b""


def _zip_members(path: Path, report: LoadReport) -> Iterator[tuple[str, bytes]]:
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            origin = f"{path.name}::{info.filename}"
            if info.is_dir():
                continue
            mode = (info.external_attr >> 16) & 0o170000
            if mode and mode != 0o100000:
                report.skip(origin, "not a regular file (link or device) in archive")
                continue
            if (why := _unsafe(info.filename)) is not None:
                report.skip(origin, why)
                continue
            if (why := too_large(info.file_size)) is not None:
                report.skip(origin, why)
                continue
            yield info.filename, zf.read(info)
