"""One article: fetch its page, check it is HTML, reduce it to text and metadata.

:func:`fetch_article` never raises for a bad page: what went wrong is the row's ``status``
and ``detail``. The page is decoded by its header's charset, else its ``<meta charset>``,
else by detection (:func:`analysis.text.decode`); its text and metadata come from
trafilatura (:func:`analysis.text.html_to_text`), normalized; fewer than
:data:`MIN_WORDS` words is ``empty_text``. A missing date is looked for by htmldate in the
bytes already fetched. The text's hash (:func:`analysis.dedupe.text_hash`) lets the build
find duplicate texts.

References
----------
Barbaresi, A. (2021). Trafilatura: A web scraping library and command-line tool for text
discovery and extraction. ACL-IJCNLP System Demonstrations, 122-131.
Barbaresi, A. (2020). htmldate: A Python package to extract publication dates from web
pages. JOSS 5(51), 2439.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from analysis import dedupe
from analysis import text as textmod
from analysis.webcorpus.client import Client, FetchError, Page
from analysis.webcorpus.sources import Target
from analysis.webcorpus.urls import is_valid_url, normalize_url

#: Articles with fewer words than this count as ``empty_text``.
MIN_WORDS = 5
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)


def fetch_article(client: Client, target: Target, listed: dict[str, str] | None = None) -> dict:
    """Fetch and extract one article: a row of ``metadata.csv`` plus ``text`` if ``ok``.

    Never raises for a bad page: the failure is the row's ``status`` and ``detail``.
    A redirect onto another URL in ``listed`` (normalized URL -> doc_id) is not followed:
    the row is ``duplicate_url``.
    """
    row: dict[str, Any] = {"doc_id": target.doc_id, "url": target.url, "fetched_at": _now()}

    def on_redirect(new: str) -> None:
        other = (listed or {}).get(normalize_url(new)) if is_valid_url(new) else None
        if other is not None and other != target.doc_id:
            raise FetchError("duplicate_url", f"redirects to {other}")

    try:
        page = client.get(target.url, on_redirect=on_redirect)
    except FetchError as err:
        return {**row, **dict(target.hints), "status": err.status, "detail": err.detail}
    row["final_url"] = page.url if page.url != target.url else None
    try:
        return {**row, **_extract(page, dict(target.hints))}
    except Exception as err:  # noqa: BLE001 - a bad page is recorded, never kills the run
        return {
            **row,
            **dict(target.hints),
            "status": "error",
            "detail": f"{type(err).__name__}: {err}",
        }


def _extract(page: Page, hints: dict) -> dict:
    if not _is_html(page):
        return {**hints, "status": "not_html", "detail": f"content type {page.content_type}"}
    try:
        html = _decode(page)
    except textmod.NotText as err:
        return {**hints, "status": "not_html", "detail": str(err)}
    text, meta = textmod.html_to_text(html, url=page.url)
    text = textmod.normalize(text)
    if len(text.split()) < MIN_WORDS or not any(ch.isalpha() for ch in text):
        return {
            **hints,
            "status": "empty_text",
            "detail": f"{len(text.split())} word(s) of article text extracted",
        }
    if not meta.get("date"):
        meta["date"] = _find_date(page.body, page.url)
    meta = {k: meta.get(k) for k in ("title", "author", "date", "source")}
    meta["source"] = meta["source"] or (urlsplit(page.url).hostname or "").removeprefix("www.")
    return {
        **meta,
        **hints,
        "status": "ok",
        "detail": None,
        "text": text,
        "hash": dedupe.text_hash(text),
    }


def _is_html(page: Page) -> bool:
    if page.content_type in _HTML_TYPES:
        return True
    head = page.body[:512].lstrip().lower()
    return page.content_type in ("text/plain", "application/octet-stream") and head.startswith(
        (b"<!doctype html", b"<html")
    )


def _decode(page: Page) -> str:
    """Page text: the header's charset, else a ``<meta charset>``, else detection."""
    match = _META_CHARSET.search(page.body[:4096])
    for charset in (page.charset, match and match.group(1).decode("ascii")):
        if charset:
            try:
                return page.body.decode(charset, errors="replace")
            except LookupError:
                continue
    return textmod.decode(page.body)[0]


def _find_date(body: bytes, url: str) -> str | None:
    """Publication date by htmldate (given bytes, so it never fetches anything itself)."""
    from htmldate import find_date

    try:
        return find_date(body, url=url, original_date=True, outputformat="%Y-%m-%d")
    except Exception:  # noqa: BLE001 - no date is better than no article
        return None


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
