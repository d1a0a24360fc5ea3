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

from isal import isal_zlib

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
    except (
        tarfile.TarError,
        zipfile.BadZipFile,
        EOFError,
        OSError,
        zlib.error,
        isal_zlib.error,
    ) as err:
        raise AnalysisError(E.E005, path=str(path), reason=str(err) or type(err).__name__) from err


def _tar_members(path: Path, report: LoadReport) -> Iterator[tuple[str, bytes]]:
    """The members of a tar archive: gzip'd ones by :func:`_ustar_members` as far as it goes."""
    done = 0
    with open(path, "rb") as raw:
        if raw.read(2) == b"\x1f\x8b":
            raw.seek(0)
            stream = io.BufferedReader(_Gunzip(raw), 2**20)
            for item in _ustar_members(stream, path, report):
                if isinstance(item, int):  # a header it does not read: tarfile from here
                    done = item
                    break
                yield item
            else:
                return
        raw.seek(0)
        tf, stream = _open_tar(raw)
        with tf:
            for index, member in enumerate(tf):
                if index < done:
                    continue
                if (
                    why := _why_skipped(member.name, member.isdir(), member.isfile(), member.size)
                ) is not None:
                    if why:
                        report.skip(f"{path.name}::{member.name}", why)
                    continue
                yield member.name, _member_bytes(tf, member, stream)


def _why_skipped(name: str, is_dir: bool, is_file: bool, size: int) -> str | None:
    """Why a member is not read ("" for a folder, which is not reported), or None."""
    if is_dir:
        return ""
    if not is_file:
        return "not a regular file (link or device) in archive"
    if (why := _unsafe(name)) is not None:
        return why
    return too_large(size)


_BLOCK = 512
_ZEROS = bytes(_BLOCK)
_REGULAR = (b"0", b"\0", b"7")
_OTHER = (b"1", b"2", b"3", b"4", b"6")  # links, devices, FIFOs: reported, not read
_PAX_KEYS = frozenset(
    "path size linkpath mtime atime ctime uid gid uname gname mode comment charset".split()
)


def _octal(field: bytes) -> int:
    """A numeric header field, as :func:`tarfile.nti` reads it (octal, or base-256)."""
    if field[0] in (0o200, 0o377):
        n = int.from_bytes(field[1:], "big")
        return -(256 ** (len(field) - 1) - n) if field[0] == 0o377 else n
    digits = field.split(b"\0", 1)[0].strip()
    try:
        return int(digits or b"0", 8)
    except ValueError:
        raise tarfile.ReadError("invalid header") from None


def _text(field: bytes) -> str:
    return field.split(b"\0", 1)[0].decode("utf-8", "surrogateescape")


def _checksum_ok(block: bytes) -> bool:
    """The header checksum, as :func:`tarfile.calc_chksums` (unsigned or signed bytes)."""
    stored = _octal(block[148:156])
    unsigned = 256 + sum(block) - sum(block[148:156])
    if stored == unsigned:
        return True
    signed = unsigned - 256 * sum(1 for b in block[:148] + block[156:] if b > 127)
    return stored == signed


def _pax(data: bytes) -> dict[str, str] | None:
    """The records of a pax extended header; None if one is not plain (sparse files...)."""
    out, pos = {}, 0
    while pos < len(data) and data[pos] != 0:
        space = data.index(b" ", pos)
        length = int(data[pos:space])
        key, _, value = data[space + 1 : pos + length - 1].partition(b"=")
        name = key.decode("utf-8", "surrogateescape")
        if name not in _PAX_KEYS:
            return None
        out[name] = value.decode("utf-8", "surrogateescape")
        pos += length
    return out


def _ustar_members(stream: BinaryIO, path: Path, report: LoadReport) -> Iterator:
    """The members of a tar stream, read from their 512-byte headers without :mod:`tarfile`.

    Yields ``(name, content)`` for the regular files, in archive order, with the same
    names, skips and errors as :mod:`tarfile` (ustar, GNU long names, plain pax headers;
    a test compares the two on archives of every format). At a header it does not read
    (a sparse file, a global or unusual pax header, a multi-volume archive) it yields the
    number of members read so far instead, and stops: the caller reads on with
    :mod:`tarfile`. For the UN General Debate archive this is a third of the CPU time
    :mod:`tarfile` takes (which builds a :class:`tarfile.TarInfo` of 20 fields a member).
    """
    index, offset, long_name, pax = 0, 0, None, None
    while True:
        block = stream.read(_BLOCK)
        if len(block) < _BLOCK or block == _ZEROS:
            if offset == 0 and len(block) < _BLOCK:
                raise tarfile.ReadError("empty file" if not block else "truncated header")
            return  # the end (tarfile also stops at a truncated last header)
        try:
            if not _checksum_ok(block):
                raise tarfile.ReadError("bad checksum")
            kind, size = block[156:157], _octal(block[124:136])
        except tarfile.ReadError:
            if offset == 0:
                raise
            return  # tarfile, too, takes a bad header after the first for the end
        if kind in (b"L", b"K", b"x"):
            data = _read(stream, size)
            offset += _BLOCK + size + (-size % _BLOCK)
            if kind == b"L":
                long_name = _text(data)
            elif kind == b"x":
                try:
                    pax = _pax(data)
                except ValueError:
                    pax = None
                if pax is None:
                    yield index
                    return
            continue
        if kind not in _REGULAR and kind not in _OTHER and kind != b"5":
            yield index  # sparse, global pax, volume labels, unknown types: tarfile decides
            return
        name = _text(block[0:100])
        prefix = _text(block[345:500])
        if kind == b"\0" and name.endswith("/"):
            kind = b"5"  # the old V7 way of writing a folder
        if prefix:
            name = prefix + "/" + name
        if long_name is not None:
            name, long_name = long_name, None
        if pax:
            name = pax.get("path", name)
            size = int(pax["size"]) if "size" in pax else size
        pax = None
        regular = kind in _REGULAR
        why = _why_skipped(name, kind == b"5", regular, size)
        if why:
            report.skip(f"{path.name}::{name}", why)
        if regular:
            content = _read(stream, size, keep=why is None)
            offset += size + (-size % _BLOCK)
        offset += _BLOCK
        index += 1
        if why is None:
            yield name, content


def _read(stream: BinaryIO, size: int, keep: bool = True) -> bytes:
    """A member's ``size`` bytes and the padding to its last block (dropped if not ``keep``)."""
    pad = -size % _BLOCK
    if keep:
        data = stream.read(size)
        if len(data) < size or len(stream.read(pad)) < pad:
            raise tarfile.ReadError("unexpected end of data")
        return data
    left = size + pad
    while left > 0:
        got = len(stream.read(min(left, 2**20)))
        if not got:
            raise tarfile.ReadError("unexpected end of data")
        left -= got
    return b""


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

    Does what :class:`gzip.GzipFile` does for :mod:`tarfile`, in a third of the CPU: the
    inflating is ISA-L's (python-isal, 2.8x zlib's speed on the UN General Debate archive),
    which checks the gzip framing and CRC itself, and reads come in large blocks (behind an
    :class:`io.BufferedReader`). Seeking forward reads and drops the bytes in between.
    """

    def __init__(self, raw: BinaryIO):
        self._raw, self._zlib, self._out, self._pos = raw, _inflater(), b"", 0

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
                self._zlib = _inflater()
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


def _inflater():
    """A gzip decompressor (ISA-L's, with zlib's interface)."""
    return isal_zlib.decompressobj(wbits=31)


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
