"""A table of documents: ``.csv``, ``.tsv``, ``.jsonl`` or ``.parquet`` with a text column.

Every other column becomes metadata. The id comes from a ``doc_id`` (or ``id``) column,
else from the row number (``<file stem>-<row>``).
"""

from __future__ import annotations

import csv
import json
import warnings
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from analysis.errors import AnalysisError, E
from analysis.readers.base import LoadReport, RawDoc

ID_COLUMNS = ("doc_id", "id")
#: Metadata columns whose names the corpus reserves are kept under another name.
RESERVED = {"text": "text_column", "doc_id": "doc_id_column"}


def read_table(path: Path, report: LoadReport) -> pd.DataFrame:
    """The file as a DataFrame of strings; a JSONL line that is not JSON is skipped and reported."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".parquet":
            return pd.read_parquet(path)
        if suffix in (".jsonl", ".ndjson"):
            return _read_jsonl(path, report)
        sep = "\t" if suffix == ".tsv" else ","
        with warnings.catch_warnings():
            # a row longer than the header: pandas would drop its extra fields with a warning
            warnings.simplefilter("error", pd.errors.ParserWarning)
            return pd.read_csv(
                path,
                sep=sep,
                dtype=str,
                keep_default_na=False,
                index_col=False,
                encoding="utf-8-sig",
                on_bad_lines="error",
            )
    except (ValueError, csv.Error, UnicodeDecodeError, OSError, pd.errors.ParserWarning) as err:
        raise AnalysisError(E.E003, path=str(path), reason=" ".join(str(err).split())) from err


def _read_jsonl(path: Path, report: LoadReport) -> pd.DataFrame:
    rows = []
    with path.open(encoding="utf-8-sig") as handle:
        for lineno, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as err:
                report.skip(f"{path}:{lineno}", f"line {lineno} is not valid JSON ({err.msg})")
                continue
            if not isinstance(row, dict):
                report.skip(f"{path}:{lineno}", f"line {lineno} is not a JSON object")
                continue
            if "\\ud" in line.lower() and _lone_surrogate(row):
                report.skip(
                    f"{path}:{lineno}",
                    f"line {lineno} holds a lone UTF-16 surrogate "
                    "escape (\\ud800-\\udfff without its pair), which is not text; "
                    "fix or remove that escape",
                )
                continue
            rows.append(row)
    return pd.DataFrame(rows)


def _lone_surrogate(row: dict) -> bool:
    """Whether a JSON object holds a string that UTF-8 cannot encode (a lone surrogate)."""
    try:
        json.dumps(row, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


class read:  # noqa: N801 - an iterable reader with a known total
    """Iterate the rows of a table as :class:`RawDoc`.

    Parameters
    ----------
    path : Path
        The table file.
    report : LoadReport
        Receives rows that were skipped.
    text_column : str, default "text"
        The column holding each document's text.
    """

    def __init__(self, path: Path, report: LoadReport, *, text_column: str = "text"):
        self.path, self.report = Path(path), report
        self.table = read_table(self.path, report)
        if text_column not in self.table.columns:
            raise AnalysisError(
                E.E004,
                path=str(path),
                column=text_column,
                found=", ".join(map(str, self.table.columns)) or "(none)",
            )
        self.text_column = text_column
        self.total = len(self.table)

    def __iter__(self) -> Iterator[RawDoc]:
        id_col = next((c for c in ID_COLUMNS if c in self.table.columns), None)
        meta_cols = [c for c in self.table.columns if c not in (self.text_column, id_col)]
        for row_no, row in enumerate(self.table.to_dict(orient="records"), 1):
            doc_id = str(row[id_col]).strip() if id_col and not _missing(row[id_col]) else ""
            doc_id = doc_id or f"{self.path.stem}-{row_no}"
            origin = f"{self.path}:row {row_no}"
            text = row[self.text_column]
            if _missing(text) or not str(text).strip():
                self.report.skip(origin, f"empty {self.text_column!r} cell")
                continue
            meta = {
                RESERVED.get(c, c): (None if _missing(row[c]) or row[c] == "" else row[c])
                for c in meta_cols
            }
            yield RawDoc(doc_id=doc_id, data=str(text), origin=origin, meta=meta, kind="text")


def _missing(value) -> bool:
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False
