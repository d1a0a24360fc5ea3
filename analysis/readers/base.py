"""What readers yield (:class:`RawDoc`) and what loading reports (:class:`LoadReport`)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

#: Files (or archive members) larger than this are skipped and reported, not read: a
#: text of tens of MB is almost always a mistake (a whole dump in one file). Raise it
#: (``analysis.readers.base.MAX_DOC_BYTES = ...``) to load such files anyway.
MAX_DOC_BYTES = 64 * 2**20


def too_large(size: int) -> str | None:
    """The skip reason for a file of ``size`` bytes, or None if it may be read."""
    if size <= MAX_DOC_BYTES:
        return None
    return (
        f"{size / 2**20:.0f} MiB is larger than the {MAX_DOC_BYTES // 2**20} MiB limit "
        "for one document: split the file, or raise analysis.readers.base.MAX_DOC_BYTES"
    )


def read_file(path: Path, report: LoadReport) -> bytes | None:
    """A file's bytes, or None after reporting why it was skipped (too large, unreadable)."""
    try:
        if (why := too_large(path.stat().st_size)) is not None:
            report.skip(str(path), why)
            return None
        return path.read_bytes()
    except OSError as err:
        report.skip(str(path), f"cannot be read: {err.strerror or err}")
        return None


@dataclass
class RawDoc:
    """One document as read, before cleaning.

    Parameters
    ----------
    doc_id : str
        Unique, stable identifier (file stem, member stem, table id...).
    data : bytes or str
        File content; bytes are decoded by the cleaning step with encoding detection.
    origin : str
        Where it came from, for messages: a path, or ``archive.tgz::member``.
    meta : dict
        Metadata the source carries (title, date, country...).
    kind : {"text", "markdown", "html", "plain"}
        How to reduce the content to text: ``html`` is reduced to its article text; ``text``,
        ``markdown`` and ``html`` have page clutter (navigation lines, date lines, bylines)
        removed from their edges; ``plain`` (curated sources) is only normalized.
    """

    doc_id: str
    data: bytes | str
    origin: str
    meta: dict[str, Any] = field(default_factory=dict)
    kind: str = "text"


@dataclass
class LoadReport:
    """Everything loading noticed: skipped files, encodings, duplicates, metadata problems.

    Nothing is dropped silently: a file that is not loaded has a row in ``skipped``.
    """

    spec: str = ""
    skipped: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    encodings: Counter = field(default_factory=Counter)
    guessed_encodings: list[dict] = field(default_factory=list)
    duplicates: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(
            columns=["doc_id", "duplicate_of", "kind", "similarity"]
        )
    )
    n_read: int = 0
    seconds: float = 0.0
    from_cache: bool = False

    def skip(self, origin: str, reason: str) -> None:
        """Record a file or document that was not loaded, and why."""
        self.skipped.append({"origin": str(origin), "reason": reason})

    def warn(self, origin: str, message: str) -> None:
        """Record a problem with a document that was still loaded."""
        self.warnings.append({"origin": str(origin), "message": message})

    def restricted_to(self, doc_ids: set[str]) -> LoadReport:
        """A copy whose duplicates table only keeps pairs among ``doc_ids``."""
        from copy import copy

        new = copy(self)
        dup = self.duplicates
        new.duplicates = dup[dup["doc_id"].isin(doc_ids) & dup["duplicate_of"].isin(doc_ids)]
        new.duplicates = new.duplicates.reset_index(drop=True)
        return new

    def to_dict(self) -> dict:
        """A JSON-ready summary."""
        return {
            "spec": self.spec,
            "n_read": self.n_read,
            "skipped": self.skipped,
            "warnings": self.warnings,
            "encodings": dict(self.encodings),
            "guessed_encodings": self.guessed_encodings,
            "duplicates": self.duplicates.to_dict(orient="records"),
            "seconds": round(self.seconds, 3),
            "from_cache": self.from_cache,
        }

    @classmethod
    def from_dict(cls, data: dict) -> LoadReport:
        """A report rebuilt from :meth:`to_dict` (as stored in the cache)."""
        dup = pd.DataFrame(
            data.get("duplicates") or [], columns=["doc_id", "duplicate_of", "kind", "similarity"]
        )
        return cls(
            spec=data.get("spec", ""),
            skipped=list(data.get("skipped", [])),
            warnings=list(data.get("warnings", [])),
            encodings=Counter(data.get("encodings", {})),
            guessed_encodings=list(data.get("guessed_encodings", [])),
            duplicates=dup,
            n_read=int(data.get("n_read", 0)),
            seconds=float(data.get("seconds", 0.0)),
        )

    def summary(self) -> str:
        """A few human-readable lines: counts, then each skipped file with its reason."""
        lines = [
            f"{self.spec}: {self.n_read} read, {len(self.skipped)} skipped, "
            f"{len(self.warnings)} warnings, {len(self.duplicates)} duplicates"
        ]
        lines += [f"  skipped {s['origin']}: {s['reason']}" for s in self.skipped]
        lines += [f"  warning {w['origin']}: {w['message']}" for w in self.warnings[:20]]
        if len(self.warnings) > 20:
            lines.append(f"  ... and {len(self.warnings) - 20} more warnings")
        return "\n".join(lines)
