"""Atomic writes: a file or a folder appears whole, or not at all.

Everything the package writes (cache entries, figures and their data, the figures index,
executed notebooks, Parquet corpora, topic models, downloaded datasets, scraped articles)
is first written beside its destination under a temporary name and renamed into place
only when complete (``os.replace``, atomic on one file system). An interrupted run never
leaves a half-written file that a later run would trust, and a failed write leaves the
earlier version untouched.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary file path beside ``path``; rename it onto ``path`` only on success.

    The file gets the permissions a new file would (``0o666`` less the umask), not the
    ``0o600`` of a temporary file.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o666 & ~_umask())
        os.replace(tmp_path, path)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


@contextmanager
def atomic_dir(
    path: str | Path, *, merge: bool = False, keep_existing: bool = False
) -> Iterator[Path]:
    """Yield a temporary folder beside ``path``; move it onto ``path`` only on success.

    Parameters
    ----------
    path : str or Path
        The folder to write.
    merge : bool, default False
        False: an existing folder at ``path`` is replaced whole. True: the files written
        replace their namesakes in an existing folder, one ``os.replace`` each, and other
        files there are kept.
    keep_existing : bool, default False
        A folder that is at ``path`` when the new one is complete (another process wrote
        the same thing meanwhile) is kept and the new one discarded, so a reader of the
        existing folder never sees it vanish. For entries whose name says their content
        (cache keys).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    try:
        yield tmp
        if merge and path.exists():
            for item in sorted(tmp.iterdir()):
                os.replace(item, path / item.name)
        elif keep_existing:
            try:
                os.rename(tmp, path)  # fails when path is a non-empty folder: keep it
            except OSError:
                if not path.is_dir():
                    raise
        else:
            if path.exists():
                shutil.rmtree(path)
            os.replace(tmp, path)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
