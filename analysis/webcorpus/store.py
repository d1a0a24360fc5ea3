"""The article folder on disk: ``<doc_id>.txt`` files and ``metadata.csv``, written atomically.

:class:`Metadata` keeps ``metadata.csv`` in memory, one row a URL keyed by ``doc_id``
(columns :data:`COLUMNS`, then any a user added), and rewrites it by temp file + rename
(:func:`analysis.cache.atomic_path`) at most every :data:`FLUSH_SECONDS`.
:func:`write_article` writes an article the same way, so an interrupted run leaves only
complete files. A row's ``status`` is a key of :data:`STATUSES`; those in :data:`DONE` are
not fetched again.
"""

from __future__ import annotations

import csv
import time
from pathlib import Path

from analysis.atomic import atomic_path
from analysis.errors import AnalysisError, E

METADATA_FILE = "metadata.csv"
#: Columns of ``metadata.csv``, in order (columns a user added are kept after them).
COLUMNS = [
    "doc_id",
    "title",
    "author",
    "date",
    "source",
    "url",
    "fetched_at",
    "status",
    "final_url",
    "detail",
]
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
#: ``metadata.csv`` is rewritten at most this often during a run (and always at its end).
FLUSH_SECONDS = 1.0


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
        """Add or update the row of ``row['doc_id']`` (written at the next flush)."""
        self.rows[row["doc_id"]] = {**self.rows.get(row["doc_id"], {}), **row}
        self._dirty = True

    def flush(self, *, force: bool = False) -> None:
        """Rewrite the file (temp file + rename) if rows changed and it is time to."""
        if not self._dirty or (not force and time.monotonic() - self._flushed < FLUSH_SECONDS):
            return
        with atomic_path(self.path) as tmp:
            with tmp.open("w", encoding="utf-8", newline="") as handle:
                writer = csv.DictWriter(
                    handle, self.columns, extrasaction="ignore", lineterminator="\n"
                )
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
