"""A build run: fetch every target into the folder, resumably, without duplicates.

:func:`build` collects the targets of every source (each normalized URL once), skips those
an earlier run finished, interleaves the rest round-robin by host and fetches them on a
thread pool (``concurrency`` in all, :data:`~analysis.webcorpus.PER_HOST` per host), at
most ``4 * concurrency`` submitted ahead. Each result is settled in order: a redirect onto
another listed or already fetched URL is ``duplicate_url``, the same text hash as an
earlier article ``duplicate_text``; then the file and the ``metadata.csv`` row are written.
:class:`BuildReport` says what the run did.

The module is not called ``build`` so that the name ``analysis.webcorpus.build`` stays the
function.
"""

from __future__ import annotations

import itertools
import os
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd

from analysis import dedupe
from analysis.errors import OptionError
from analysis.webcorpus.article import fetch_article
from analysis.webcorpus.client import USER_AGENT, Client
from analysis.webcorpus.sources import Target, make_target, read_feed, read_sitemap, read_url_list
from analysis.webcorpus.store import DONE, METADATA_FILE, Metadata, write_article
from analysis.webcorpus.urls import is_valid_url, normalize_url


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
        """Articles fetched and written in this run."""
        return self.statuses["ok"]

    @property
    def n_failed(self) -> int:
        """URLs that failed in this run (any status but the done ones)."""
        return sum(n for status, n in self.statuses.items() if status not in DONE)

    def table(self) -> pd.DataFrame:
        """The outcomes of this run: ``doc_id, url, status, detail``."""
        return pd.DataFrame(self.rows, columns=["doc_id", "url", "status", "detail"])

    def summary(self) -> str:
        """One paragraph for the terminal: counts by status and where the files went."""
        counts = ", ".join(f"{status} {n}" for status, n in sorted(self.statuses.items()))
        lines = [
            f"{self.out_dir}: {self.n_targets} URL(s); {self.n_skipped} already fetched; "
            f"this run: {counts or 'nothing to fetch'} ({self.seconds:.1f} s)"
        ]
        lines += [
            f"  {r['status']}: {r['url']} ({r['detail']})"
            for r in self.rows
            if r["status"] not in DONE
        ][:20]
        lines += [
            f"  listed twice: {d['url']} = {d['duplicate_of']}" for d in self.input_duplicates
        ][:20]
        lines += [f"  warning: {w['origin']}: {w['message']}" for w in self.warnings][:20]
        return "\n".join(lines)


def build(
    out_dir: str | os.PathLike,
    *,
    urls: str | os.PathLike | Sequence[str] | None = None,
    feed: str | None = None,
    sitemap: str | None = None,
    rate: float = 1.0,
    concurrency: int = 4,
    timeout: float = 20.0,
    retries: int = 3,
    user_agent: str = USER_AGENT,
    respect_robots: bool = True,
    progress: bool = True,
) -> BuildReport:
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
        raise OptionError("give urls=, feed= or sitemap=")
    if concurrency < 1:
        raise OptionError("concurrency must be at least 1")
    start, out = time.monotonic(), Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    client = Client(
        rate=rate,
        timeout=timeout,
        retries=retries,
        user_agent=user_agent,
        respect_robots=respect_robots,
    )
    report = BuildReport(out_dir=out)
    targets = _collect(client, urls, feed, sitemap, report)
    table = Metadata(out / METADATA_FILE)
    todo = _todo(targets, table, out, report)
    state = _State.from_folder(table, out, targets)
    try:
        _run(client, todo, table, state, out, report, concurrency=concurrency, progress=progress)
    finally:
        table.flush(force=True)
        report.seconds = round(time.monotonic() - start, 2)
    return report


def _collect(client: Client, urls, feed, sitemap, report: BuildReport) -> list[Target]:
    """Every source's targets, each normalized URL once (later copies reported)."""
    found: list[Target] = []
    if urls:
        found += [make_target(u) for u in read_url_list(urls)]
    if feed:
        found += read_feed(client, feed)
    if sitemap:
        found += read_sitemap(client, sitemap, report.warnings)
    unique: dict[str, Target] = {}
    for target in found:
        if target.key in unique:
            report.input_duplicates.append(
                {"url": target.url, "duplicate_of": unique[target.key].url}
            )
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
                texts.setdefault(dedupe.text_hash(file.read_text(encoding="utf-8").strip()), doc_id)
                final = row.get("final_url") or row.get("url") or ""
                if is_valid_url(final):
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


def _run(
    client: Client,
    todo: list[Target],
    table: Metadata,
    state: _State,
    out: Path,
    report: BuildReport,
    *,
    concurrency: int,
    progress: bool,
) -> None:
    from analysis.parallel import progress_bar

    fetch = lambda t: fetch_article(client, t, state.listed)  # noqa: E731
    # closing(): on an error or Ctrl-C the queued fetches are cancelled before the pool waits
    with (
        ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="webcorpus") as pool,
        progress_bar(total=len(todo), desc="fetching", unit="page", disable=not progress) as bar,
        closing(_ordered(pool, fetch, todo, 4 * concurrency)) as rows,
    ):
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
