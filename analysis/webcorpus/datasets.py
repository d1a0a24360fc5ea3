"""A published dataset, downloaded and kept only if its SHA-256 checksum matches.

:func:`fetch_dataset` streams the file into a temp file while hashing it (SHA-256, FIPS
180-4) and renames it into place only when the digest equals the published one; otherwise
the download is deleted and ``dest`` left untouched. An existing ``dest`` with the right
checksum is kept without downloading. One file the user asked for is not a crawl, so
robots.txt is not consulted; retries and timeouts are those of
:class:`~analysis.webcorpus.Client`.

References
----------
NIST (2015). Secure Hash Standard (SHS). FIPS PUB 180-4.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from analysis.atomic import atomic_path
from analysis.errors import AnalysisError, E
from analysis.webcorpus.client import USER_AGENT, Client, FetchError


def fetch_dataset(
    url: str,
    dest: str | os.PathLike,
    *,
    sha256: str,
    timeout: float = 60.0,
    retries: int = 3,
    user_agent: str = USER_AGENT,
    progress: bool = True,
) -> Path:
    """Download a published dataset, keeping it only if its SHA-256 matches.

    Parameters
    ----------
    url : str
        The file's http(s) address.
    dest : path
        File to write (or an existing folder: the URL's file name inside it).
    sha256 : str
        The published checksum (64 hex digits, optionally prefixed ``sha256:``).
    timeout, retries, user_agent, progress
        As for :func:`build` (``timeout`` bounds each read, not the whole download).

    Returns
    -------
    Path
        ``dest``. An existing file with the right checksum is returned without downloading.

    Raises
    ------
    AnalysisError
        E013 the download's checksum does not match (it is deleted, ``dest`` untouched);
        E014 the download failed; E015 ``dest`` exists with another checksum (untouched);
        E016 ``sha256`` is not a checksum.
    """
    expected = sha256.strip().lower().removeprefix("sha256:")
    if not re.fullmatch(r"[0-9a-f]{64}", expected):
        raise AnalysisError(E.E016, value=sha256)
    dest = Path(dest)
    if dest.is_dir():
        dest = dest / (PurePosixPath(urlsplit(url).path).name or "download")
    if dest.exists():
        actual = _file_sha256(dest)
        if actual == expected:
            return dest
        raise AnalysisError(E.E015, path=dest, actual=actual, expected=expected)
    # one file the user asked for, not a crawl: no robots.txt; retries paced by the backoff
    client = Client(
        rate=1000.0, timeout=timeout, retries=retries, user_agent=user_agent, respect_robots=False
    )
    with atomic_path(dest) as tmp:
        try:
            actual = client.request(url, lambda resp: _stream(resp, tmp, progress))
        except FetchError as err:
            raise AnalysisError(
                E.E014, url=url, reason=f"{err.status}: {err.detail}", path=dest
            ) from None
        if actual != expected:
            raise AnalysisError(E.E013, url=url, actual=actual, expected=expected, path=dest)
    return dest


def _stream(resp, path: Path, progress: bool) -> str:
    """Copy a response into ``path`` (from scratch on each attempt); its SHA-256."""
    from analysis.parallel import progress_bar

    digest = hashlib.sha256()
    total = resp.headers.get("Content-Length")
    with (
        path.open("wb") as handle,
        progress_bar(
            total=int(total) if total and total.isdigit() else None,
            unit="B",
            unit_scale=True,
            desc=path.name[:30],
            disable=not progress,
        ) as bar,
    ):
        while chunk := resp.read(1 << 20):
            digest.update(chunk)
            handle.write(chunk)
            bar.update(len(chunk))
    return digest.hexdigest()


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
