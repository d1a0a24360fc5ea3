"""A folder (or an archive) of article files: ``.txt``, ``.md``, ``.html``/``.htm``.

Metadata comes from an optional ``metadata.csv`` (keyed by ``doc_id``, the file name
without extension; columns such as ``title, source, url, date, lang``) and from YAML
front matter at the top of a text or Markdown file. ``metadata.csv`` wins where both
give a field; such conflicts, rows without a file and files without a row are reported.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

import pandas as pd

from analysis.errors import AnalysisError, E
from analysis.readers import archive
from analysis.readers.base import LoadReport, RawDoc, read_file

KINDS = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
}
METADATA_FILE = "metadata.csv"


def _doc_id(rel: str) -> str:
    path = PurePosixPath(rel)
    return str(path.with_suffix("")) if len(path.parts) > 1 else path.stem


def _common_top(names: Iterator[str]) -> str:
    """``"top/"`` when every archive member sits in one top folder (``tar czf x.tgz top``)."""
    tops = {PurePosixPath(n).parts[0] if len(PurePosixPath(n).parts) > 1 else None for n in names}
    return f"{tops.pop()}/" if len(tops) == 1 and None not in tops else ""


def read_metadata(data: bytes, origin: str) -> dict[str, dict]:
    """Rows of a ``metadata.csv`` by ``doc_id``; all values as strings, blanks as None."""
    try:
        table = pd.read_csv(
            io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig"
        )
    except (ValueError, csv.Error, UnicodeDecodeError) as err:
        raise AnalysisError(E.E006, path=origin, reason=str(err).strip()) from err
    if "doc_id" not in table.columns:
        raise AnalysisError(
            E.E006, path=origin, reason=f"no 'doc_id' column (columns: {', '.join(table.columns)})"
        )
    rows: dict[str, dict] = {}
    for row in table.to_dict(orient="records"):
        doc_id = row.pop("doc_id").strip()
        rows[doc_id] = {k.strip(): (v.strip() or None) for k, v in row.items()}
    return rows


class read:  # noqa: N801 - an iterable reader with a known total
    """Iterate the article files of a folder or archive as :class:`RawDoc`.

    Parameters
    ----------
    path : Path
        A folder (searched recursively) or a ``.tgz``/``.zip`` of article files.
    report : LoadReport
        Receives skipped files and metadata problems.
    """

    def __init__(self, path: Path, report: LoadReport):
        self.path, self.report = Path(path), report
        self.total = (
            sum(1 for p in self.path.rglob("*") if p.suffix.lower() in KINDS)
            if self.path.is_dir()
            else None
        )

    def _files(self) -> Iterator[tuple[str, bytes | None, str]]:
        if self.path.is_dir():
            for file in sorted(self.path.rglob("*")):
                if file.is_file() or file.is_symlink():
                    data = read_file(file, self.report)
                    if data is not None:
                        yield file.relative_to(self.path).as_posix(), data, str(file)
        else:
            for name, data in archive.members(self.path, self.report):
                yield name, data, f"{self.path.name}::{name}"

    def __iter__(self) -> Iterator[RawDoc]:
        metadata: dict[str, dict] = {}
        seen: set[str] = set()
        files = list(self._files())
        strip = _common_top(rel for rel, _, _ in files) if self.path.is_file() else ""
        pending: list[RawDoc] = []
        for rel, data, origin in files:
            rel = rel[len(strip) :]
            name = PurePosixPath(rel).name
            if name == METADATA_FILE:
                metadata = read_metadata(data, origin)
                continue
            kind = KINDS.get(PurePosixPath(rel).suffix.lower())
            if kind is None:
                self.report.skip(origin, "unsupported file type (expected .txt, .md, .html)")
                continue
            pending.append(RawDoc(doc_id=_doc_id(rel), data=data, origin=origin, kind=kind))
        # metadata.csv may come after the files in archive order: attach it at the end
        for raw in pending:
            raw.meta = dict(metadata.get(raw.doc_id, {}))
            if metadata and raw.doc_id not in metadata:
                self.report.warn(raw.origin, f"no row for {raw.doc_id!r} in {METADATA_FILE}")
            seen.add(raw.doc_id)
            yield raw
        for doc_id in metadata:
            if doc_id not in seen:
                self.report.warn(METADATA_FILE, f"row {doc_id!r} has no matching file")
