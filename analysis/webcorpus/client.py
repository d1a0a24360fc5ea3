"""A polite HTTP client: robots.txt, a per-host rate limit, retries, timeouts.

:class:`Client` (urllib) sends a User-Agent naming the project (:data:`USER_AGENT`), checks
robots.txt once per host before fetching from it, starts at most ``rate`` requests a second
and runs at most :data:`PER_HOST` at once per host, follows redirects itself (each target
checked again, at most :data:`MAX_REDIRECTS`), and retries a 429, a 5xx, a timeout or a
network error with exponential backoff (``BACKOFF_SECONDS * 2**attempt``), honouring
``Retry-After`` up to :data:`MAX_WAIT_SECONDS`. A robots.txt ``Crawl-delay`` slows the host
further. Every failure that remains is a :class:`FetchError` whose ``status`` is a key of
:data:`~analysis.webcorpus.STATUSES`.

References
----------
Koster, M., Illyes, G., Zeller, H., & Sassman, L. (2022). Robots Exclusion Protocol.
RFC 9309. (An unreachable robots.txt - a 5xx answer - means "disallow everything".)
Fielding, R., Nottingham, M., & Reschke, J. (2022). HTTP Semantics. RFC 9110, sec. 10.2.3
(``Retry-After``).
"""

from __future__ import annotations

import email.utils
import http.client
import threading
import time
import urllib.error
import urllib.request
import urllib.robotparser
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from analysis.errors import OptionError
from analysis.webcorpus.etiquette import PER_HOST, USER_AGENT
from analysis.webcorpus.urls import is_valid_url

#: Largest page read (bytes).
MAX_BYTES = 20_000_000
#: Redirects followed from one URL.
MAX_REDIRECTS = 5
#: First backoff pause (seconds) before retrying; doubled on each further attempt.
BACKOFF_SECONDS = 1.0
#: Longest ``Retry-After`` honoured (a longer one gives up); robots.txt ``Crawl-delay`` is
#: capped to it.
MAX_WAIT_SECONDS = 300.0


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

    def __init__(
        self,
        *,
        rate: float = 1.0,
        timeout: float = 20.0,
        retries: int = 3,
        user_agent: str = USER_AGENT,
        respect_robots: bool = True,
    ):
        if rate <= 0 or timeout <= 0 or retries < 0:
            raise OptionError("rate and timeout must be > 0 and retries >= 0")
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

    def get(
        self,
        url: str,
        *,
        check_robots: bool = True,
        max_bytes: int = MAX_BYTES,
        on_redirect: Callable[[str], None] | None = None,
    ) -> Page:
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
            return Page(
                resp.geturl(),
                resp.headers.get_content_type(),
                resp.headers.get_content_charset(),
                b"".join(chunks),
            )

        return self.request(url, consume, check_robots=check_robots, on_redirect=on_redirect)

    def request(
        self,
        url: str,
        consume: Callable[[Any], Any],
        *,
        check_robots: bool = True,
        on_redirect: Callable[[str], None] | None = None,
    ):
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
        if not is_valid_url(url):
            raise FetchError("bad_url", f"not an http(s) URL: {url!r}")
        host = self._host(url)
        if check_robots and self.respect_robots:
            self._check_robots(host, url)
        req = urllib.request.Request(url, headers={"User-Agent": self.user_agent})
        for attempt in range(self.retries + 1):
            last, backoff = attempt == self.retries, BACKOFF_SECONDS * 2**attempt
            try:
                with host.slot(), self._opener.open(req, timeout=self.timeout) as resp:
                    return consume(resp)
            except urllib.error.HTTPError as err:
                code, reason, wait = err.code, err.reason, retry_after(err.headers)
                location = err.headers.get("Location") if err.headers is not None else None
                err.close()
                if code in (301, 302, 303, 307, 308) and location:
                    return _Redirect(urljoin(url, location.strip()))
                status, detail = f"http_{code}", f"HTTP {code} {reason}".strip()
                if last or not (code == 429 or 500 <= code < 600):
                    raise FetchError(status, f"{detail} (attempt {attempt + 1})") from None
                if wait is not None and wait > MAX_WAIT_SECONDS:
                    raise FetchError(
                        status,
                        f"{detail}; Retry-After {wait:.0f} s is more than {MAX_WAIT_SECONDS:.0f} s",
                    ) from None
                host.defer(backoff if wait is None else wait)
            except FetchError:
                raise
            except ValueError as err:  # http.client.InvalidURL and the like
                raise FetchError("bad_url", str(err)) from None
            except (OSError, http.client.HTTPException) as err:
                timed_out = isinstance(err, TimeoutError) or isinstance(
                    getattr(err, "reason", None), TimeoutError
                )
                if last:
                    status = "timeout" if timed_out else "network_error"
                    detail = (
                        f"no complete answer within {self.timeout:g} s"
                        if timed_out
                        else str(getattr(err, "reason", err))
                    )
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


def retry_after(headers) -> float | None:
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
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
