"""Stream the members of a ``.tgz``/``.tar``/``.zip`` archive without extracting it.

Only regular files are read. Members with absolute paths, ``..`` components, links or
devices are skipped and reported: nothing is ever written to disk, and nothing outside
the archive is ever read through a link.
"""

from __future__ import annotations

import io
import tarfile
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from analysis.errors import AnalysisError, E
from analysis.readers.base import LoadReport, too_large


def _unsafe(name: str) -> str | None:
    if ".." not in name and not name.startswith(("/", "\\")) and name[1:2] != ":":
        return None  # the common case, decided without building a path
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
    except (tarfile.TarError, zipfile.BadZipFile, EOFError, OSError, zlib.error) as err:
        raise AnalysisError(E.E005, path=str(path), reason=str(err) or type(err).__name__) from err


def _tar_members(path: Path, report: LoadReport) -> Iterator[tuple[str, bytes]]:
    with open(path, "rb") as raw:
        tf, stream = _open_tar(raw)
        with tf:
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
                yield member.name, _member_bytes(tf, member, stream)


def _open_tar(raw: BinaryIO) -> tuple[tarfile.TarFile, BinaryIO | None]:
    """A tar archive read from an open file, and the uncompressed stream if that is ours.

    Gzip is read through :class:`_Gunzip`; other compressions (or none) as :mod:`tarfile`
    detects them.
    """
    gzipped = raw.read(2) == b"\x1f\x8b"
    raw.seek(0)
    if not gzipped:
        return tarfile.open(fileobj=raw, mode="r:*"), None
    stream = io.BufferedReader(_Gunzip(raw), 2**20)
    return tarfile.open(fileobj=stream, mode="r:"), stream


def _member_bytes(tf: tarfile.TarFile, member: tarfile.TarInfo, stream: BinaryIO | None) -> bytes:
    """A regular member's content.

    Read straight from ``stream`` if known (no file object per member), else through
    :meth:`tarfile.TarFile.extractfile`.
    """
    if stream is not None and not member.sparse:
        stream.seek(member.offset_data)
        return stream.read(member.size)
    handle = tf.extractfile(member)
    return handle.read() if handle else b""


class _Gunzip(io.RawIOBase):
    """The decompressed bytes of a gzip file, read forward only.

    Does what :class:`gzip.GzipFile` does for :mod:`tarfile`, with a fifth less CPU: zlib
    checks the gzip framing and CRC itself, and reads come in large blocks (behind an
    :class:`io.BufferedReader`). Seeking forward reads and drops the bytes in between.
    """

    def __init__(self, raw: BinaryIO):
        self._raw, self._zlib, self._out, self._pos = raw, zlib.decompressobj(wbits=31), b"", 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def readinto(self, buffer) -> int:
        while not self._out:
            if self._zlib.eof:  # more gzip members may follow, after zero bytes of padding
                data = self._zlib.unused_data.lstrip(b"\0")
                while not data:
                    more = self._raw.read(2**17)
                    if not more:
                        return 0
                    data = more.lstrip(b"\0")
                self._zlib = zlib.decompressobj(wbits=31)
            else:
                data = self._zlib.unconsumed_tail or self._raw.read(2**17)
                if not data:
                    raise EOFError(
                        "Compressed file ended before the end-of-stream marker was reached"
                    )  # gzip's words
            self._out = self._zlib.decompress(data, len(buffer))
        n = min(len(buffer), len(self._out))
        buffer[:n], self._out = self._out[:n], self._out[n:]
        self._pos += n
        return n

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        target = offset + (self._pos if whence == io.SEEK_CUR else 0)
        if whence == io.SEEK_END or target < self._pos:
            raise io.UnsupportedOperation("a gzip stream only seeks forward")
        while self._pos < target and self.read(min(target - self._pos, 2**20)):
            pass
        return self._pos


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
