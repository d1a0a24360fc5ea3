"""The identity of a URL: its normalized form, the doc id derived from it, and validity.

Two URLs are the same article when :func:`normalize_url` maps them to the same string
(lowercase scheme and host, no default port, fragment, ``utm_*`` parameters or trailing
slash). The article's ``doc_id`` (:func:`doc_id_for`), which names its file, is a 6-byte
BLAKE2b digest of that string in hex (RFC 7693), so it is stable across runs and machines.

References
----------
Saarinen, M.-J. & Aumasson, J.-P. (2015). The BLAKE2 Cryptographic Hash and Message
Authentication Code (MAC). RFC 7693.
"""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit


def normalize_url(url: str) -> str:
    """The identity of a URL.

    Lowercase scheme and host, no default port, no fragment, no ``utm_*`` parameters, no
    trailing slash.

    Examples
    --------
    >>> normalize_url("HTTPS://Example.ORG:443/News/CSTO/?utm_source=x&id=2#top")
    'https://example.org/News/CSTO?id=2'
    """
    parts = urlsplit(url.strip())
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    netloc = host if port in (None, {"http": 80, "https": 443}.get(scheme)) else f"{host}:{port}"
    path = parts.path.rstrip("/") or "/"
    query = urlencode(
        [
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not k.lower().startswith("utm_")
        ]
    )
    return urlunsplit((scheme, netloc, path, query, ""))


def doc_id_for(url: str) -> str:
    """A stable 12-character id: BLAKE2b of the normalized URL (file name of the article)."""
    try:
        key = normalize_url(url)
    except ValueError:  # a malformed port or host: hash the raw string
        key = url.strip()
    return hashlib.blake2b(key.encode("utf-8"), digest_size=6).hexdigest()


def is_valid_url(url: str) -> bool:
    """Whether ``url`` is a well-formed http(s) URL with a host and no whitespace."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        return False
    return (
        parts.scheme in ("http", "https")
        and bool(parts.hostname)
        and not any(c.isspace() for c in url)
    )
