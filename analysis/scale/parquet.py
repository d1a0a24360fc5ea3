"""Corpora stored as partitioned Parquet, and the partitions every counting step maps over.

::

    from analysis import load
    from analysis.scale import read_parquet, write_parquet

    write_parquet(load("UNGDC_1946-2024.tgz"), "ungdc.parquet", rows_per_partition=2_000)
    pc = read_parquet("ungdc.parquet")       # lazy: reads footers, not texts
    for docs in pc.iter_docs(["doc_id", "text", "year"]):
        ...                                  # one pandas partition at a time

Layout of a dataset folder: ``part-00000.parquet``, ``part-00001.parquet``... (one row
group each, ``rows_per_partition`` documents; every file has the same Arrow schema) and
``_corpus.json`` (name, document count, fingerprint, columns, files). A folder of Parquet
files written by another tool (with ``doc_id`` and ``text`` columns) is read too; then each
row group is a partition.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from analysis.atomic import atomic_dir
from analysis.errors import OptionError
from analysis.inputs import is_corpus
from analysis.scale.backends import ROWS_PER_PARTITION

#: The metadata file of a dataset folder.
META_FILE = "_corpus.json"
#: ``format`` in :data:`META_FILE`.
FORMAT = "analysis.partitioned/1"


@dataclass(frozen=True, eq=False)
class Partition:
    """One slice of documents that a worker can load on its own.

    Either a row group of a Parquet file (``path``, ``row_group``: only the path travels
    to the worker, which reads the file itself) or an in-memory table (``frame``).
    """

    index: int
    path: str | None = None
    row_group: int = 0
    frame: pd.DataFrame | None = None
    n_rows: int = 0

    def load(self, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """The partition's documents (only ``columns``, when given) as a pandas table."""
        if self.frame is not None:
            return self.frame if columns is None else self.frame[list(columns)]
        with pq.ParquetFile(self.path) as f:
            table = f.read_row_group(
                self.row_group, columns=None if columns is None else list(columns)
            )
        return table.to_pandas()


class PartitionedCorpus:
    """A corpus on disk as partitioned Parquet, read one partition at a time.

    Parameters
    ----------
    path : str or Path
        A dataset folder (see the module docstring) or a single Parquet file.

    Attributes
    ----------
    files : list of Path
    name : str
    fingerprint : str
        The source corpus' fingerprint when :func:`write_parquet` wrote the folder, else a
        hash of the files' names, sizes and modification times.
    """

    def __init__(self, path: str | Path):
        self.path = Path(path).expanduser()
        self.files = _parquet_files(self.path)
        meta_path = self.path / META_FILE if self.path.is_dir() else None
        self.meta = (
            json.loads(meta_path.read_text(encoding="utf-8"))
            if meta_path is not None and meta_path.is_file()
            else {}
        )
        self.name = str(self.meta.get("name") or self.path)
        self._groups = [group for f in self.files for group in _row_groups(f)]
        self.columns = list(pq.read_schema(self.files[0]).names)
        missing = {"doc_id", "text"} - set(self.columns)
        if missing:
            raise OptionError(
                f"{self.files[0]} lacks the column(s) {sorted(missing)}; a "
                "partitioned corpus needs 'doc_id' and 'text'."
            )

    @property
    def fingerprint(self) -> str:
        """The corpus fingerprint (stored, or the hash of the partitions' contents)."""
        if self.meta.get("fingerprint"):
            return str(self.meta["fingerprint"])
        h = hashlib.blake2b(digest_size=16)
        for f in self.files:
            st = f.stat()
            h.update(f"{f.name}\x1f{st.st_size}\x1f{st.st_mtime_ns}\n".encode())
        return h.hexdigest()

    def __len__(self) -> int:
        return sum(n for _, _, n in self._groups)

    def __repr__(self) -> str:
        return (
            f"<PartitionedCorpus {self.name!r}: {len(self)} documents in "
            f"{len(self._groups)} partitions, {self.path}>"
        )

    def partitions(self) -> list[Partition]:
        """One :class:`Partition` a row group, in file order."""
        return [Partition(i, str(f), g, n_rows=n) for i, (f, g, n) in enumerate(self._groups)]

    def iter_docs(self, columns: Sequence[str] | None = None) -> Iterator[pd.DataFrame]:
        """Yield the documents one partition (pandas table) at a time."""
        for part in self.partitions():
            yield part.load(columns)

    def to_corpus(self):
        """Everything in memory as a :class:`~analysis.corpus.Corpus` (small corpora only)."""
        from analysis.corpus import Corpus, standard_dtypes

        docs = pd.concat(list(self.iter_docs()), ignore_index=True)
        return Corpus(
            standard_dtypes(docs), name=self.name, fingerprint=self.meta.get("fingerprint")
        )

    def to_dask(self, columns: Sequence[str] | None = None):
        """The dataset as a lazy ``dask.dataframe.DataFrame`` (one partition a file)."""
        import dask.dataframe as dd

        return dd.read_parquet([str(f) for f in self.files], columns=columns)


def _row_groups(path: Path) -> list[tuple[Path, int, int]]:
    """(file, row group, rows) of each row group of a Parquet file (footer only)."""
    meta = pq.read_metadata(path)
    return [(path, i, meta.row_group(i).num_rows) for i in range(meta.num_row_groups)]


def _parquet_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    files = sorted(p for p in path.glob("*.parquet") if not p.name.startswith((".", "_")))
    if not files:
        raise FileNotFoundError(
            f"no Parquet files in {path}; write a partitioned corpus with "
            "analysis.scale.write_parquet(corpus, path)"
        )
    return files


def is_partitioned(spec: Any) -> bool:
    """Whether ``spec`` names a partitioned Parquet dataset folder (or is one)."""
    if isinstance(spec, PartitionedCorpus):
        return True
    if not isinstance(spec, (str, Path)) or str(spec).strip().lower() == "factbook":
        return False
    path = Path(spec).expanduser()
    if not path.is_dir():
        return False
    if (path / META_FILE).is_file():
        return True
    entries = [p for p in path.iterdir() if not p.name.startswith((".", "_"))]
    return bool(entries) and all(p.suffix == ".parquet" and p.is_file() for p in entries)


def read_parquet(path: str | Path) -> PartitionedCorpus:
    """Open a partitioned corpus lazily (only the Parquet footers are read).

    Parameters
    ----------
    path : str or Path
        A folder written by :func:`write_parquet`, another folder of Parquet files with
        ``doc_id`` and ``text`` columns, or one such file.

    Returns
    -------
    PartitionedCorpus
    """
    return PartitionedCorpus(path)


def write_parquet(
    corpus: Any,
    path: str | Path,
    *,
    rows_per_partition: int = ROWS_PER_PARTITION,
    overwrite: bool = False,
) -> PartitionedCorpus:
    """Store a corpus as partitioned Parquet, one file (one row group) a partition.

    Parameters
    ----------
    corpus : Corpus, DataFrame, PartitionedCorpus or iterable of DataFrame
        A loaded corpus or its documents table; or document tables streamed one at a time
        (e.g. a generator), so a corpus larger than memory can be written piece by piece.
    path : str or Path
        The dataset folder to create (written to a temporary folder, then renamed).
    rows_per_partition : int, default 2,000
        Documents a partition.
    overwrite : bool, default False
        Replace an existing folder.

    Returns
    -------
    PartitionedCorpus

    Raises
    ------
    FileExistsError
        When ``path`` exists and ``overwrite`` is False.
    ValueError
        When a ``doc_id`` repeats (across partitions too) or ``doc_id``/``text`` is missing.
    """
    if rows_per_partition < 1:
        raise OptionError(f"rows_per_partition must be at least 1, not {rows_per_partition}")
    path = Path(path).expanduser()
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path} exists; pass overwrite=True to replace it")
    name, fingerprint, frames = _frames_of(corpus)
    with atomic_dir(path) as tmp:
        meta = _write_parts(_rechunk(frames, rows_per_partition), tmp)
        content = meta.pop("content_hash")
        meta.update(
            name=name, rows_per_partition=rows_per_partition, fingerprint=fingerprint or content
        )
        (tmp / META_FILE).write_text(json.dumps(meta, indent=1, default=str), encoding="utf-8")
    return PartitionedCorpus(path)


def _frames_of(corpus: Any) -> tuple[str, str | None, Iterable[pd.DataFrame]]:
    """(name, fingerprint if known, document tables) of anything :func:`write_parquet` takes."""
    if isinstance(corpus, PartitionedCorpus):
        return corpus.name, corpus.fingerprint, corpus.iter_docs()
    if is_corpus(corpus):
        return corpus.name, corpus.fingerprint, [corpus.docs]
    if isinstance(corpus, pd.DataFrame):
        return "corpus", None, [corpus]
    return "corpus", None, corpus


def _rechunk(frames: Iterable[pd.DataFrame], rows: int) -> Iterator[pd.DataFrame]:
    """The same rows, in tables of exactly ``rows`` (the last one shorter)."""
    buffer: list[pd.DataFrame] = []
    held = 0
    for frame in frames:
        buffer.append(frame)
        held += len(frame)
        while held >= rows:
            joined = pd.concat(buffer, ignore_index=True) if len(buffer) > 1 else buffer[0]
            yield joined.iloc[:rows].reset_index(drop=True)
            rest = joined.iloc[rows:]
            buffer, held = ([rest] if len(rest) else []), len(rest)
    if held:
        yield pd.concat(buffer, ignore_index=True) if len(buffer) > 1 else buffer[0]


def _write_parts(chunks: Iterable[pd.DataFrame], folder: Path) -> dict:
    """Write every chunk as ``part-NNNNN.parquet``; check ids; return the metadata."""
    schema, files, id_hashes = None, [], []
    content = hashlib.blake2b(digest_size=16)
    n_docs = 0
    for i, chunk in enumerate(chunks):
        if schema is None:
            _check_columns(chunk)
            schema = pa.Schema.from_pandas(chunk, preserve_index=False)
        table = pa.Table.from_pandas(chunk, schema=schema, preserve_index=False)
        name = f"part-{i:05d}.parquet"
        pq.write_table(table, folder / name, row_group_size=max(len(chunk), 1))
        files.append(name)
        n_docs += len(chunk)
        id_hashes.append(pd.util.hash_array(chunk["doc_id"].astype(str).to_numpy(dtype=object)))
        content.update(pd.util.hash_pandas_object(chunk, index=False).to_numpy().tobytes())
    if schema is None:
        raise OptionError("nothing to write: the corpus has no documents")
    _check_unique(np.concatenate(id_hashes))
    return {
        "format": FORMAT,
        "n_docs": n_docs,
        "n_partitions": len(files),
        "files": files,
        "columns": schema.names,
        "content_hash": content.hexdigest(),
    }


def _check_columns(frame: pd.DataFrame) -> None:
    missing = {"doc_id", "text"} - set(frame.columns)
    if missing:
        raise OptionError(f"documents lack the column(s) {sorted(missing)}")


def _check_unique(hashes: np.ndarray) -> None:
    """Raise if a doc id (by its 64-bit hash: 8 bytes a document in memory) repeats."""
    ordered = np.sort(hashes)
    if len(ordered) > 1 and bool((ordered[1:] == ordered[:-1]).any()):
        raise OptionError(
            "doc_id values must be unique across partitions; give replicated documents distinct ids"
        )
