"""Where the URLs come from: a URL list, an RSS/Atom feed, an XML sitemap (or index).

Each source gives :class:`Target` objects: the URL, its normalized key, its doc id and what
the source said about it (a feed entry's title, author and date, which win over the
page's). Feeds are parsed by feedparser; sitemaps (``<urlset>`` or ``<sitemapindex>``,
gzipped or not) with defusedxml, which refuses entity expansion and external entities;
a sitemap index is followed three levels deep, and a failing child is a warning, not an
error. An unreadable source raises :class:`~analysis.errors.AnalysisError` E012.

References
----------
RSS Advisory Board (2009). RSS 2.0 Specification. Nottingham, M. & Sayre, R. (2005). The
Atom Syndication Format. RFC 4287. sitemaps.org: Sitemaps XML format (protocol 0.9).
"""

from __future__ import annotations

import gzip
import io
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from analysis.errors import AnalysisError, E
from analysis.webcorpus.client import MAX_BYTES, Client, FetchError, Page
from analysis.webcorpus.urls import doc_id_for, is_valid_url, normalize_url


@dataclass(frozen=True)
class Target:
    """One URL to fetch, with what its source said about it (a feed's title, date...)."""

    url: str
    key: str
    doc_id: str
    hints: tuple = ()


def make_target(url: str, hints: dict | None = None) -> Target:
    """The :class:`Target` of ``url``: its normalized key, doc id and non-empty ``hints``."""
    url = url.strip()
    try:
        key = normalize_url(url) if is_valid_url(url) else url
    except ValueError:
        key = url
    clean = tuple((k, v) for k, v in (hints or {}).items() if v)
    return Target(url, key, doc_id_for(url), clean)


def read_url_list(urls: str | os.PathLike | Sequence[str]) -> list[str]:
    """URLs from a list, a single URL, or a text file (one a line; blanks and ``#`` skipped)."""
    if isinstance(urls, str) and "://" in urls and not Path(urls).exists():
        return [urls]
    if isinstance(urls, (str, os.PathLike)):
        path = Path(urls)
        try:
            lines = path.read_text(encoding="utf-8-sig").splitlines()
        except (OSError, UnicodeDecodeError) as err:
            raise AnalysisError(
                E.E012,
                source=path,
                kind="URL list",
                reason=getattr(err, "strerror", None) or str(err),
            ) from err
        return [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]
    return [str(u).strip() for u in urls if str(u).strip()]


def read_feed(client: Client, url: str) -> list[Target]:
    """Entries of an RSS or Atom feed (feedparser) with their title, author and date."""
    import feedparser

    page = _source_page(client, url, "feed")
    parsed = feedparser.parse(
        io.BytesIO(page.body),
        response_headers={"content-location": page.url, "content-type": page.content_type},
    )
    if not parsed.entries and (parsed.bozo or not parsed.version):
        reason = parsed.get("bozo_exception") or "no RSS or Atom entries found"
        raise AnalysisError(E.E012, source=url, kind="feed", reason=str(reason))
    targets = []
    for entry in parsed.entries:
        link = entry.get("link")
        if not link:
            continue
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        targets.append(
            make_target(
                urljoin(page.url, link),
                {
                    "title": (entry.get("title") or "").strip(),
                    "author": entry.get("author"),
                    "date": time.strftime("%Y-%m-%d", stamp) if stamp else None,
                },
            )
        )
    return targets


def read_sitemap(
    client: Client,
    url: str,
    warnings: list[dict],
    *,
    _depth: int = 0,
    _seen: set[str] | None = None,
) -> list[Target]:
    """Page URLs of an XML sitemap (``<urlset>``), following a sitemap index (``.xml.gz`` too).

    A failing child sitemap of an index is recorded in ``warnings`` and skipped.
    """
    seen = set() if _seen is None else _seen
    page = _source_page(client, url, "sitemap")
    seen.add(normalize_url(page.url))
    try:
        kind, locs = _parse_sitemap(page.body)
    except ValueError as err:
        raise AnalysisError(E.E012, source=url, kind="sitemap", reason=str(err)) from err
    if kind == "urlset":
        return [make_target(urljoin(page.url, loc)) for loc in locs]
    targets: list[Target] = []
    for loc in locs:
        child = urljoin(page.url, loc)
        if not is_valid_url(child) or normalize_url(child) in seen or _depth >= 3:
            continue
        try:
            targets += read_sitemap(client, child, warnings, _depth=_depth + 1, _seen=seen)
        except AnalysisError as err:
            warnings.append({"origin": child, "message": str(err)})
    return targets


def _source_page(client: Client, url: str, kind: str) -> Page:
    try:
        return client.get(url)
    except FetchError as err:
        hint = (
            " (pass respect_robots=False / --no-robots only with the site's permission)"
            if err.status == "robots_disallowed"
            else ""
        )
        raise AnalysisError(
            E.E012, source=url, kind=kind, reason=f"{err.status}: {err.detail}{hint}"
        ) from None


def _parse_sitemap(data: bytes) -> tuple[str, list[str]]:
    """``("urlset" | "sitemapindex", [loc, ...])``; raises ValueError for anything else."""
    if data[:2] == b"\x1f\x8b":
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as handle:
                data = handle.read(MAX_BYTES + 1)
        except (OSError, EOFError) as err:
            raise ValueError(f"broken gzip file: {err}") from None
    try:  # defusedxml refuses entity expansion and external entities
        from defusedxml.ElementTree import ParseError, fromstring
    except ImportError:  # pragma: no cover - optional; expat's own limits then apply
        from xml.etree.ElementTree import ParseError, fromstring
    try:
        root = fromstring(data)
    except ParseError as err:
        raise ValueError(f"not XML: {err}") from None

    def local(tag: Any) -> str:
        return str(tag).rsplit("}", 1)[-1]

    kind = local(root.tag)
    item = {"urlset": "url", "sitemapindex": "sitemap"}.get(kind)
    if item is None:
        raise ValueError(f"root element <{kind}> is neither <urlset> nor <sitemapindex>")
    locs = [
        (loc.text or "").strip()
        for child in root
        if local(child.tag) == item
        for loc in child
        if local(loc.tag) == "loc"
    ]
    return kind, [loc for loc in locs if loc]
