"""Build an article folder from the web: a URL list, an RSS/Atom feed or an XML sitemap.

:func:`build` fetches each article politely (robots.txt, a per-host rate limit and
concurrency cap, a User-Agent naming the project, timeouts, retries with exponential
backoff on 429/5xx honouring ``Retry-After``), reduces it to its text with trafilatura and
writes the folder that :func:`analysis.load` reads: one ``<doc_id>.txt`` per article plus
``metadata.csv``. Every URL gets a row whose ``status`` says what happened (see
:data:`STATUSES`); a second run skips what is already fetched and retries the rest.
Files are written atomically, so an interrupted run leaves only complete articles.

:func:`fetch_dataset` downloads a published dataset and keeps it only if its SHA-256
checksum matches.

The CLI plugs in :func:`add_build_arguments`/:func:`run_build` and
:func:`add_fetch_arguments`/:func:`run_fetch`.

References
----------
Koster, M., Illyes, G., Zeller, H., & Sassman, L. (2022). Robots Exclusion Protocol.
RFC 9309. (An unreachable robots.txt - a 5xx answer - means "disallow everything".)
"""

from __future__ import annotations

import argparse
import csv
import email.utils
import gzip
import hashlib
import http.client
import io
import itertools
import os
import re
import sys
import threading
import time
import urllib.error
import urllib.request
import urllib.robotparser
from collections import Counter, deque
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath
from typing import Any, Callable, Iterable, Iterator, Sequence
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import pandas as pd

from analysis import __version__, dedupe
from analysis import text as textmod
from analysis.cache import atomic_path
from analysis.errors import AnalysisError, E

#: Sent with every request; pass ``user_agent=`` with your own contact address.
USER_AGENT = (f"analysis-corpus-builder/{__version__} (academic research on how texts frame "
              "the CSTO, NATO and the UN; contact: research-contact@example.org)")
METADATA_FILE = "metadata.csv"
#: Columns of ``metadata.csv``, in order (columns a user added are kept after them).
COLUMNS = ["doc_id", "title", "author", "date", "source", "url", "fetched_at", "status",
           "final_url", "detail"]
#: What each ``status`` means. ``ok`` and the duplicates are done (:data:`DONE`); the
#: other URLs are tried again by the next run.
STATUSES = {
    "ok": "fetched and written to <doc_id>.txt",
    "duplicate_url": "redirects to another listed URL (detail names its doc_id); no file",
    "duplicate_text": "same text as another article (detail names its doc_id); no file",
    "http_<code>": "the server answered with this HTTP error (4xx: no retry; 429/5xx: retried)",
    "timeout": "no complete answer within `timeout` seconds, after every retry",
    "network_error": "connection refused, reset or name not resolved, after every retry",
    "robots_disallowed": "robots.txt disallows this URL for our User-Agent (or answers 5xx)",
    "not_html": "the response is not an HTML page (PDF, JSON, image...)",
    "empty_text": "no article text (fewer than MIN_WORDS words) could be extracted",
    "too_large": "the page is larger than MAX_BYTES",
    "bad_url": "not an http(s) URL",
    "too_many_redirects": "more than MAX_REDIRECTS redirects (or a redirect loop)",
    "error": "extraction failed unexpectedly (detail has the exception)",
}
DONE = {"ok", "duplicate_url", "duplicate_text"}
#: Articles with fewer words than this count as ``empty_text``.
MIN_WORDS = 5
#: Largest page read (bytes).
MAX_BYTES = 20_000_000
#: Redirects followed from one URL.
MAX_REDIRECTS = 5
#: Simultaneous requests to one host (whatever ``concurrency`` is).
PER_HOST = 2
#: First backoff pause (seconds) before retrying; doubled on each further attempt.
BACKOFF_SECONDS = 1.0
#: Longest ``Retry-After`` honoured (a longer one gives up); robots.txt ``Crawl-delay`` is
#: capped to it.
MAX_WAIT_SECONDS = 300.0
#: ``metadata.csv`` is rewritten at most this often during a run (and always at its end).
FLUSH_SECONDS = 1.0
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)


# -- URLs -------------------------------------------------------------------------------------
def normalize_url(url: str) -> str:
    """The identity of a URL: lowercase scheme and host, no default port, no fragment,
    no ``utm_*`` parameters, no trailing slash.

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
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                       if not k.lower().startswith("utm_")])
    return urlunsplit((scheme, netloc, path, query, ""))


def doc_id_for(url: str) -> str:
    """A stable 12-character id: BLAKE2b of the normalized URL (file name of the article)."""
    try:
        key = normalize_url(url)
    except ValueError:  # a malformed port or host: hash the raw string
        key = url.strip()
    return hashlib.blake2b(key.encode("utf-8"), digest_size=6).hexdigest()


def _valid(url: str) -> bool:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and \
        not any(c.isspace() for c in url)


# -- fetching ---------------------------------------------------------------------------------
class FetchError(Exception):
    """A request that failed for good: ``status`` is a :data:`STATUSES` key."""

    def __init__(self, status: str, detail: str):
        super().__init__(f"{status}: {detail}")
        self.status, self.detail = status, detail


@dataclass
class Page:
    """A fetched response: final URL (after redirects), headers and body."""

    url: str
    content_type: str
    charset: str | None
    body: bytes


@dataclass
class _Redirect:
    location: str


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Hand 3xx answers back as errors: :meth:`Client.request` follows them itself."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class _Host:
    """Per-host politeness: at most :data:`PER_HOST` requests at once, one start per interval."""

    def __init__(self, interval: float):
        self.interval = interval
        self.gate = threading.Semaphore(PER_HOST)
        self.lock = threading.Lock()
        self.next_start = 0.0
        self.robots: urllib.robotparser.RobotFileParser | FetchError | None = None
        self.robots_lock = threading.Lock()

    @contextmanager
    def slot(self) -> Iterator[None]:
        with self.gate:
            with self.lock:
                now = time.monotonic()
                start = max(now, self.next_start)
                self.next_start = start + self.interval
            if start > now:
                time.sleep(start - now)
            yield

    def defer(self, seconds: float) -> None:
        """No request to this host starts in the next ``seconds`` (backoff, Retry-After)."""
        with self.lock:
            self.next_start = max(self.next_start, time.monotonic() + seconds)


class Client:
    """A polite HTTP client (urllib): robots.txt, rate limit, retries, timeouts.

    Parameters
    ----------
    rate : float
        Requests per second started per host.
    timeout : float
        Seconds for connecting and for each read; a page must also arrive within it.
    retries : int
        Further attempts after a 429, a 5xx, a timeout or a network error (none after
        another 4xx), waiting ``Retry-After`` or ``BACKOFF_SECONDS * 2**attempt``.
    user_agent : str
        Sent with every request and matched against robots.txt.
    respect_robots : bool
        Check robots.txt (once per host) before fetching a URL.
    """

    def __init__(self, *, rate: float = 1.0, timeout: float = 20.0, retries: int = 3,
                 user_agent: str = USER_AGENT, respect_robots: bool = True):
        if rate <= 0 or timeout <= 0 or retries < 0:
            raise ValueError("rate and timeout must be > 0 and retries >= 0")
        self.interval, self.timeout, self.retries = 1.0 / rate, timeout, retries
        self.user_agent, self.respect_robots = user_agent, respect_robots
        self._opener = urllib.request.build_opener(_NoRedirect)
        self._hosts: dict[str, _Host] = {}
        self._lock = threading.Lock()

    def _host(self, url: str) -> _Host:
        parts = urlsplit(url)
        origin = f"{parts.scheme.lower()}://{parts.netloc.lower()}"
        with self._lock:
            return self._hosts.setdefault(origin, _Host(self.interval))

    def get(self, url: str, *, check_robots: bool = True, max_bytes: int = MAX_BYTES,
            on_redirect: Callable[[str], None] | None = None) -> Page:
        """Fetch a page into memory; raises :class:`FetchError`."""
        def consume(resp) -> Page:
            deadline = time.monotonic() + self.timeout
            chunks, size = [], 0
            while chunk := resp.read(65536):
                size += len(chunk)
                if size > max_bytes:
                    raise FetchError("too_large", f"larger than {max_bytes:,} bytes")
                if time.monotonic() > deadline:
                    raise TimeoutError("body not complete in time")
                chunks.append(chunk)
            return Page(resp.geturl(), resp.headers.get_content_type(),
                        resp.headers.get_content_charset(), b"".join(chunks))
        return self.request(url, consume, check_robots=check_robots, on_redirect=on_redirect)

    def request(self, url: str, consume: Callable[[Any], Any], *, check_robots: bool = True,
                on_redirect: Callable[[str], None] | None = None):
        """Open ``url`` and return ``consume(response)``; raises :class:`FetchError`.

        Redirects are followed here, hop by hop (at most :data:`MAX_REDIRECTS`), so each
        target is checked against robots.txt and ``on_redirect(new_url)``, which may raise
        :class:`FetchError` to stop (e.g. a redirect onto a URL fetched anyway).
        """
        for _ in range(MAX_REDIRECTS + 1):
            result = self._attempts(url, consume, check_robots)
            if not isinstance(result, _Redirect):
                return result
            url = result.location
            if on_redirect is not None:
                on_redirect(url)
        raise FetchError("too_many_redirects", f"more than {MAX_REDIRECTS} redirects")

    def _attempts(self, url: str, consume: Callable[[Any], Any], check_robots: bool):
        """One URL, retried on 429/5xx/timeouts/network errors; a redirect is returned."""
        if not _valid(url):
            raise FetchError("bad_url", f"not an http(s) URL: {url!r}")
        host = self._host(url)
        if check_robots and self.respect_robots:
            self._check_robots(host, url)
        req = urllib.request.Request(url, headers={"User-Agent": self.user_agent})
        for attempt in range(self.retries + 1):
            last, backoff = attempt == self.retries, BACKOFF_SECONDS * 2 ** attempt
            try:
                with host.slot(), self._opener.open(req, timeout=self.timeout) as resp:
                    return consume(resp)
            except urllib.error.HTTPError as err:
                code, reason, wait = err.code, err.reason, _retry_after(err.headers)
                location = err.headers.get("Location") if err.headers is not None else None
                err.close()
                if code in (301, 302, 303, 307, 308) and location:
                    return _Redirect(urljoin(url, location.strip()))
                status, detail = f"http_{code}", f"HTTP {code} {reason}".strip()
                if last or not (code == 429 or 500 <= code < 600):
                    raise FetchError(status, f"{detail} (attempt {attempt + 1})") from None
                if wait is not None and wait > MAX_WAIT_SECONDS:
                    raise FetchError(status, f"{detail}; Retry-After {wait:.0f} s is more "
                                             f"than {MAX_WAIT_SECONDS:.0f} s") from None
                host.defer(backoff if wait is None else wait)
            except FetchError:
                raise
            except ValueError as err:  # http.client.InvalidURL and the like
                raise FetchError("bad_url", str(err)) from None
            except (OSError, http.client.HTTPException) as err:
                timed_out = isinstance(err, TimeoutError) or isinstance(
                    getattr(err, "reason", None), TimeoutError)
                if last:
                    status = "timeout" if timed_out else "network_error"
                    detail = (f"no complete answer within {self.timeout:g} s" if timed_out
                              else str(getattr(err, "reason", err)))
                    raise FetchError(status, f"{detail} ({attempt + 1} attempt(s))") from None
                host.defer(backoff)
        raise AssertionError("unreachable")  # pragma: no cover

    def _check_robots(self, host: _Host, url: str) -> None:
        with host.robots_lock:
            if host.robots is None:
                host.robots = self._load_robots(host, url)
        robots = host.robots
        if isinstance(robots, FetchError):
            raise FetchError(robots.status, robots.detail)
        if not robots.can_fetch(self.user_agent, url):
            raise FetchError("robots_disallowed", "robots.txt disallows it for this User-Agent")

    def _load_robots(self, host: _Host, url: str):
        robots_url = urljoin(url, "/robots.txt")
        parser = urllib.robotparser.RobotFileParser(robots_url)
        try:
            page = self.get(robots_url, check_robots=False, max_bytes=512 * 1024)
        except FetchError as err:
            if err.status in ("http_401", "http_403"):
                parser.disallow_all = True
            elif err.status.startswith("http_4"):
                parser.allow_all = True
            elif err.status.startswith("http_"):  # RFC 9309: unreachable means disallow all
                return FetchError("robots_disallowed", f"robots.txt unreachable: {err.detail}")
            else:
                return FetchError(err.status, f"robots.txt: {err.detail}")
            return parser
        parser.parse(page.body.decode("utf-8", errors="replace").splitlines())
        delay = parser.crawl_delay(self.user_agent)
        if delay:
            host.interval = max(host.interval, min(float(delay), MAX_WAIT_SECONDS))
        return parser


def _retry_after(headers) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP date), or None."""
    value = (headers.get("Retry-After") if headers is not None else None) or ""
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


# -- sources: URL list, feed, sitemap ---------------------------------------------------------
@dataclass(frozen=True)
class Target:
    """One URL to fetch, with what its source said about it (a feed's title, date...)."""

    url: str
    key: str
    doc_id: str
    hints: tuple = ()


def _target(url: str, hints: dict | None = None) -> Target:
    url = url.strip()
    try:
        key = normalize_url(url) if _valid(url) else url
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
            raise AnalysisError(E.E012, source=path, kind="URL list",
                                reason=getattr(err, "strerror", None) or str(err)) from err
        return [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]
    return [str(u).strip() for u in urls if str(u).strip()]


def read_feed(client: Client, url: str) -> list[Target]:
    """Entries of an RSS or Atom feed (feedparser) with their title, author and date."""
    import feedparser

    page = _source_page(client, url, "feed")
    parsed = feedparser.parse(io.BytesIO(page.body), response_headers={
        "content-location": page.url, "content-type": page.content_type})
    if not parsed.entries and (parsed.bozo or not parsed.version):
        reason = parsed.get("bozo_exception") or "no RSS or Atom entries found"
        raise AnalysisError(E.E012, source=url, kind="feed", reason=str(reason))
    targets = []
    for entry in parsed.entries:
        link = entry.get("link")
        if not link:
            continue
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        targets.append(_target(urljoin(page.url, link), {
            "title": (entry.get("title") or "").strip(), "author": entry.get("author"),
            "date": time.strftime("%Y-%m-%d", stamp) if stamp else None}))
    return targets


def read_sitemap(client: Client, url: str, warnings: list[dict], *,
                 _depth: int = 0, _seen: set[str] | None = None) -> list[Target]:
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
        return [_target(urljoin(page.url, loc)) for loc in locs]
    targets: list[Target] = []
    for loc in locs:
        child = urljoin(page.url, loc)
        if not _valid(child) or normalize_url(child) in seen or _depth >= 3:
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
        hint = " (pass respect_robots=False / --no-robots only with the site's permission)" \
            if err.status == "robots_disallowed" else ""
        raise AnalysisError(E.E012, source=url, kind=kind,
                            reason=f"{err.status}: {err.detail}{hint}") from None


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
    locs = [(loc.text or "").strip() for child in root if local(child.tag) == item
            for loc in child if local(loc.tag) == "loc"]
    return kind, [loc for loc in locs if loc]


# -- one article ------------------------------------------------------------------------------
def fetch_article(client: Client, target: Target, listed: dict[str, str] | None = None) -> dict:
    """Fetch and extract one article: a row of ``metadata.csv`` plus ``text`` if ``ok``.

    Never raises for a bad page: the failure is the row's ``status`` and ``detail``.
    A redirect onto another URL in ``listed`` (normalized URL -> doc_id) is not followed:
    the row is ``duplicate_url``.
    """
    row: dict[str, Any] = {"doc_id": target.doc_id, "url": target.url,
                           "fetched_at": _now()}

    def on_redirect(new: str) -> None:
        other = (listed or {}).get(normalize_url(new)) if _valid(new) else None
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
        return {**row, **dict(target.hints), "status": "error",
                "detail": f"{type(err).__name__}: {err}"}


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
        return {**hints, "status": "empty_text",
                "detail": f"{len(text.split())} word(s) of article text extracted"}
    if not meta.get("date"):
        meta["date"] = _find_date(page.body, page.url)
    meta = {k: meta.get(k) for k in ("title", "author", "date", "source")}
    meta["source"] = meta["source"] or (urlsplit(page.url).hostname or "").removeprefix("www.")
    return {**meta, **hints, "status": "ok", "detail": None, "text": text,
            "hash": dedupe.text_hash(text)}


def _is_html(page: Page) -> bool:
    if page.content_type in _HTML_TYPES:
        return True
    head = page.body[:512].lstrip().lower()
    return page.content_type in ("text/plain", "application/octet-stream") and \
        head.startswith((b"<!doctype html", b"<html"))


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
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# -- the folder -------------------------------------------------------------------------------
class Metadata:
    """``metadata.csv`` in memory: rows by ``doc_id``, rewritten atomically."""

    def __init__(self, path: Path):
        self.path, self.rows, self.columns = Path(path), {}, list(COLUMNS)
        self._dirty, self._flushed = False, 0.0
        if self.path.exists():
            try:
                with self.path.open(encoding="utf-8-sig", newline="") as handle:
                    reader = csv.DictReader(handle)
                    if "doc_id" not in (reader.fieldnames or []):
                        raise csv.Error("no 'doc_id' column")
                    self.columns += [c for c in reader.fieldnames if c not in self.columns]
                    self.rows = {row["doc_id"]: row for row in reader}
            except (OSError, csv.Error, UnicodeDecodeError) as err:
                raise AnalysisError(E.E006, path=self.path, reason=str(err)) from err

    def put(self, row: dict) -> None:
        self.rows[row["doc_id"]] = {**self.rows.get(row["doc_id"], {}), **row}
        self._dirty = True

    def flush(self, *, force: bool = False) -> None:
        """Rewrite the file (temp file + rename) if rows changed and it is time to."""
        if not self._dirty or (not force and time.monotonic() - self._flushed < FLUSH_SECONDS):
            return
        with atomic_path(self.path) as tmp:
            with tmp.open("w", encoding="utf-8", newline="") as handle:
                writer = csv.DictWriter(handle, self.columns, extrasaction="ignore",
                                        lineterminator="\n")
                writer.writeheader()
                for row in self.rows.values():
                    writer.writerow({k: ("" if v is None else v) for k, v in row.items()})
        self._dirty, self._flushed = False, time.monotonic()


def _write_text(path: Path, text: str) -> None:
    path.write_text(text + "\n", encoding="utf-8")


def write_article(folder: Path, doc_id: str, text: str) -> None:
    """Write ``<doc_id>.txt`` atomically: a temp file renamed into place when complete."""
    with atomic_path(folder / f"{doc_id}.txt") as tmp:
        _write_text(tmp, text)


@dataclass
class BuildReport:
    """What a :func:`build` run did.

    Attributes
    ----------
    rows : list of dict
        This run's outcome per URL fetched: ``doc_id, url, status, detail``.
    n_skipped : int
        URLs already done in an earlier run (status ok or duplicate), not fetched again.
    input_duplicates : list of dict
        URLs listed more than once (same after normalization): ``url, duplicate_of``.
    warnings : list of dict
        Problems that did not stop the run (a child sitemap that failed).
    """

    out_dir: Path
    n_targets: int = 0
    n_skipped: int = 0
    rows: list[dict] = field(default_factory=list)
    input_duplicates: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    seconds: float = 0.0
    _counts: Counter = field(default_factory=Counter, repr=False)

    def add(self, row: dict) -> None:
        """Record one URL's outcome."""
        self.rows.append({k: row.get(k) for k in ("doc_id", "url", "status", "detail")})
        self._counts[row["status"]] += 1

    @property
    def statuses(self) -> Counter:
        """URLs fetched in this run by status."""
        return Counter(self._counts)

    @property
    def n_ok(self) -> int:
        return self.statuses["ok"]

    @property
    def n_failed(self) -> int:
        return sum(n for status, n in self.statuses.items() if status not in DONE)

    def table(self) -> pd.DataFrame:
        """This run's outcomes: ``doc_id, url, status, detail``."""
        return pd.DataFrame(self.rows, columns=["doc_id", "url", "status", "detail"])

    def summary(self) -> str:
        counts = ", ".join(f"{status} {n}" for status, n in sorted(self.statuses.items()))
        lines = [f"{self.out_dir}: {self.n_targets} URL(s); {self.n_skipped} already fetched; "
                 f"this run: {counts or 'nothing to fetch'} ({self.seconds:.1f} s)"]
        lines += [f"  {r['status']}: {r['url']} ({r['detail']})" for r in self.rows
                  if r["status"] not in DONE][:20]
        lines += [f"  listed twice: {d['url']} = {d['duplicate_of']}"
                  for d in self.input_duplicates][:20]
        lines += [f"  warning: {w['origin']}: {w['message']}" for w in self.warnings][:20]
        return "\n".join(lines)


def build(out_dir: str | os.PathLike, *, urls: str | os.PathLike | Sequence[str] | None = None,
          feed: str | None = None, sitemap: str | None = None, rate: float = 1.0,
          concurrency: int = 4, timeout: float = 20.0, retries: int = 3,
          user_agent: str = USER_AGENT, respect_robots: bool = True,
          progress: bool = True) -> BuildReport:
    """Fetch articles into a folder that :func:`analysis.load` reads.

    Parameters
    ----------
    out_dir : path
        Folder to create or complete: ``<doc_id>.txt`` per article and ``metadata.csv``
        (``doc_id, title, author, date, source, url, fetched_at, status, final_url,
        detail``). ``doc_id`` is :func:`doc_id_for` the URL.
    urls : path or list of str, optional
        A text file of URLs (one a line, ``#`` comments) or the URLs themselves.
    feed, sitemap : str, optional
        An RSS/Atom feed URL (its titles, authors and dates win over the page's) and an
        XML sitemap or sitemap index URL. Sources can be combined.
    rate : float
        Requests per second per host (robots.txt ``Crawl-delay`` slows it further).
    concurrency : int
        Requests in flight in all; at most :data:`PER_HOST` to one host.
    timeout, retries : float, int
        See :class:`Client`.
    user_agent : str
        Name yourself: the default names the project and a placeholder contact.
    respect_robots : bool
        Skip URLs robots.txt disallows (status ``robots_disallowed``).
    progress : bool
        Show a progress bar.

    Returns
    -------
    BuildReport

    Notes
    -----
    Resumable: URLs whose row says ``ok`` (with its file present) or a duplicate are
    skipped; every other URL is tried again. Articles are written atomically and
    ``metadata.csv`` is rewritten atomically at least every :data:`FLUSH_SECONDS` and when
    the run ends, however it ends, so an interrupted run leaves only complete files.
    Duplicates: the same URL after :func:`normalize_url` is fetched once (reported in
    ``input_duplicates``); a redirect onto another listed URL is ``duplicate_url``; the
    same extracted text as an earlier article is ``duplicate_text``.
    """
    if not (urls or feed or sitemap):
        raise ValueError("give urls=, feed= or sitemap=")
    if concurrency < 1:
        raise ValueError("concurrency must be at least 1")
    start, out = time.monotonic(), Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    client = Client(rate=rate, timeout=timeout, retries=retries, user_agent=user_agent,
                    respect_robots=respect_robots)
    report = BuildReport(out_dir=out)
    targets = _collect(client, urls, feed, sitemap, report)
    table = Metadata(out / METADATA_FILE)
    todo = _todo(targets, table, out, report)
    state = _State.from_folder(table, out, targets)
    try:
        _run(client, todo, table, state, out, report, concurrency=concurrency,
             progress=progress)
    finally:
        table.flush(force=True)
        report.seconds = round(time.monotonic() - start, 2)
    return report


def _collect(client: Client, urls, feed, sitemap, report: BuildReport) -> list[Target]:
    """Every source's targets, each normalized URL once (later copies reported)."""
    found: list[Target] = []
    if urls:
        found += [_target(u) for u in read_url_list(urls)]
    if feed:
        found += read_feed(client, feed)
    if sitemap:
        found += read_sitemap(client, sitemap, report.warnings)
    unique: dict[str, Target] = {}
    for target in found:
        if target.key in unique:
            report.input_duplicates.append({"url": target.url,
                                            "duplicate_of": unique[target.key].url})
        else:
            unique[target.key] = target
    report.n_targets = len(unique)
    return list(unique.values())


def _todo(targets: list[Target], table: Metadata, out: Path, report: BuildReport) -> list[Target]:
    """Targets not done yet, interleaved round-robin by host so workers spread over hosts."""
    def done(t: Target) -> bool:
        status = (table.rows.get(t.doc_id) or {}).get("status")
        return status in DONE and (status != "ok" or (out / f"{t.doc_id}.txt").is_file())

    todo = [t for t in targets if not done(t)]
    report.n_skipped = len(targets) - len(todo)
    by_host: dict[str, list[Target]] = {}
    for t in todo:
        by_host.setdefault(urlsplit(t.key).netloc, []).append(t)
    return [t for group in itertools.zip_longest(*by_host.values()) for t in group if t]


@dataclass
class _State:
    """What decides duplicates: text hashes and URLs already in the folder or listed."""

    texts: dict[str, str]
    listed: dict[str, str]
    landed: dict[str, str]

    @classmethod
    def from_folder(cls, table: Metadata, out: Path, targets: list[Target]) -> _State:
        texts, landed = {}, {}
        for doc_id, row in table.rows.items():
            file = out / f"{doc_id}.txt"
            if row.get("status") == "ok" and file.is_file():
                texts.setdefault(dedupe.text_hash(file.read_text(encoding="utf-8").strip()),
                                 doc_id)
                final = row.get("final_url") or row.get("url") or ""
                if _valid(final):
                    landed.setdefault(normalize_url(final), doc_id)
        return cls(texts, {t.key: t.doc_id for t in targets}, landed)

    def settle(self, row: dict) -> dict:
        """Mark a fetched row ``duplicate_url``/``duplicate_text`` if it repeats another."""
        if row["status"] != "ok":
            return row
        final = normalize_url(row.get("final_url") or row["url"])
        other = self.listed.get(final, self.landed.get(final))
        if other is not None and other != row["doc_id"]:
            return {**row, "status": "duplicate_url", "detail": f"redirects to {other}"}
        other = self.texts.setdefault(row["hash"], row["doc_id"])
        if other != row["doc_id"]:
            return {**row, "status": "duplicate_text", "detail": f"same text as {other}"}
        self.landed.setdefault(final, row["doc_id"])
        return row


def _run(client: Client, todo: list[Target], table: Metadata, state: _State, out: Path,
         report: BuildReport, *, concurrency: int, progress: bool) -> None:
    from tqdm.auto import tqdm

    fetch = lambda t: fetch_article(client, t, state.listed)  # noqa: E731
    # closing(): on an error or Ctrl-C the queued fetches are cancelled before the pool waits
    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="webcorpus") as pool, \
            tqdm(total=len(todo), desc="fetching", unit="page", disable=not progress) as bar, \
            closing(_ordered(pool, fetch, todo, 4 * concurrency)) as rows:
        for row in rows:
            row = state.settle(row)
            text = row.pop("text", None)
            row.pop("hash", None)
            if row["status"] == "ok":
                write_article(out, row["doc_id"], text)
            else:  # a file left by a run that died before recording it
                (out / f"{row['doc_id']}.txt").unlink(missing_ok=True)
            table.put(row)
            table.flush()
            report.add(row)
            bar.update()
            bar.set_postfix_str(f"ok {report.n_ok}, failed {report.n_failed}", refresh=False)


def _ordered(pool: ThreadPoolExecutor, fn: Callable, items: Iterable, window: int) -> Iterator:
    """``fn(item)`` for each item, in order, with at most ``window`` submitted ahead."""
    items = iter(items)
    pending = deque(pool.submit(fn, item) for item in itertools.islice(items, window))
    try:
        while pending:
            result = pending.popleft().result()
            for item in itertools.islice(items, 1):
                pending.append(pool.submit(fn, item))
            yield result
    finally:
        for future in pending:
            future.cancel()


# -- datasets ---------------------------------------------------------------------------------
def fetch_dataset(url: str, dest: str | os.PathLike, *, sha256: str, timeout: float = 60.0,
                  retries: int = 3, user_agent: str = USER_AGENT,
                  progress: bool = True) -> Path:
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
    client = Client(rate=1000.0, timeout=timeout, retries=retries, user_agent=user_agent,
                    respect_robots=False)
    with atomic_path(dest) as tmp:
        try:
            actual = client.request(url, lambda resp: _stream(resp, tmp, progress))
        except FetchError as err:
            raise AnalysisError(E.E014, url=url, reason=f"{err.status}: {err.detail}",
                                path=dest) from None
        if actual != expected:
            raise AnalysisError(E.E013, url=url, actual=actual, expected=expected, path=dest)
    return dest


def _stream(resp, path: Path, progress: bool) -> str:
    """Copy a response into ``path`` (from scratch on each attempt); its SHA-256."""
    from tqdm.auto import tqdm

    digest = hashlib.sha256()
    total = resp.headers.get("Content-Length")
    with path.open("wb") as handle, tqdm(total=int(total) if total and total.isdigit() else None,
                                         unit="B", unit_scale=True, desc=path.name[:30],
                                         disable=not progress) as bar:
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


# -- CLI --------------------------------------------------------------------------------------
def add_build_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``corpus build``: ``--urls FILE | --feed URL | --sitemap URL --out DIR``."""
    parser.add_argument("--urls", help="text file of article URLs, one a line")
    parser.add_argument("--feed", help="RSS or Atom feed URL")
    parser.add_argument("--sitemap", help="XML sitemap (or sitemap index) URL")
    parser.add_argument("--out", required=True, help="folder to build, e.g. corpus/NAME/")
    parser.add_argument("--rate", type=float, default=1.0,
                        help="requests per second per host (default: 1)")
    parser.add_argument("--concurrency", type=int, default=4,
                        help=f"requests in flight (default: 4; at most {PER_HOST} per host)")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds (default: 20)")
    parser.add_argument("--retries", type=int, default=3,
                        help="retries on 429/5xx/timeouts (default: 3)")
    parser.add_argument("--user-agent", default=USER_AGENT,
                        help="User-Agent with your contact address")
    parser.add_argument("--no-robots", action="store_true",
                        help="ignore robots.txt (only with the site's permission)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


def run_build(args: argparse.Namespace) -> int:
    """Run ``corpus build``; 0 unless no source was given or every URL fetched failed.

    An :class:`AnalysisError` (unreadable feed/sitemap/URL list) propagates to the CLI.
    """
    if not (args.urls or args.feed or args.sitemap):
        print("error: give --urls FILE, --feed URL or --sitemap URL", file=sys.stderr)
        return 2
    report = build(args.out, urls=args.urls, feed=args.feed, sitemap=args.sitemap,
                   rate=args.rate, concurrency=args.concurrency, timeout=args.timeout,
                   retries=args.retries, user_agent=args.user_agent,
                   respect_robots=not args.no_robots, progress=not args.no_progress)
    print(report.summary())
    return 1 if report.rows and report.n_failed == len(report.rows) else 0


def add_fetch_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``corpus fetch URL --sha256 HEX --out FILE``."""
    parser.add_argument("url", help="http(s) address of the dataset")
    parser.add_argument("--sha256", required=True, help="the published SHA-256 checksum")
    parser.add_argument("--out", required=True, help="file (or existing folder) to write")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per read")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


def run_fetch(args: argparse.Namespace) -> int:
    """Run ``corpus fetch``; an :class:`AnalysisError` (E013-E016) propagates to the CLI."""
    path = fetch_dataset(args.url, args.out, sha256=args.sha256, timeout=args.timeout,
                         progress=not args.no_progress)
    print(f"{path} (sha256 verified)")
    return 0
