"""On-disk cache for expensive steps: keyed, atomic, and safe to load.

A cache entry is a folder ``<cache_dir>/<step>/<key>/`` holding Parquet tables (or files
stored as they are, :meth:`Cache.put_files`) and a ``meta.json``; the key hashes the
inputs' identity, the step's parameters and the package version, so any change invalidates
it. Entries are written to a temporary folder and renamed into place, so an interrupted run
never leaves an entry a later run trusts. Only Parquet, NPZ (``allow_pickle=False``), JSON
and stored files (figures) are read back: never pickle.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.atomic import atomic_dir
from analysis.settings import Settings, get_settings

_DONE = "meta.json"
#: Columns of long texts, stored in Parquet without compression or dictionary (:meth:`Cache.put`).
PLAIN_COLUMNS = frozenset({"text", "context"})
#: Rows a Parquet row group of a table with long texts: :meth:`Cache.column` reads the
#: texts of a few documents without reading all (64 UN General Debate speeches: 1.2 MB).
ROWS_PER_GROUP = 64


def make_key(*parts: Any) -> str:
    """A short stable hash of JSON-serialisable parts (plus the package's code version)."""
    blob = json.dumps([code_version(), *parts], sort_keys=True, default=str).encode()
    return hashlib.blake2b(blob, digest_size=12).hexdigest()


@lru_cache(maxsize=1)
def code_version() -> str:
    """The package version and a hash of its source and data files.

    Part of every cache key, so a changed rule (a new actor alias, a fixed cleaning step)
    invalidates cached results even when the version number stays the same.
    """
    from analysis import __version__

    root = Path(__file__).resolve().parent
    h = hashlib.blake2b(digest_size=8)
    for path in sorted(root.rglob("*")):
        if path.suffix in (".py", ".yml", ".csv", ".txt") and "__pycache__" not in path.parts:
            h.update(str(path.relative_to(root)).encode())
            h.update(path.read_bytes())
    return f"{__version__}+{h.hexdigest()}"


class _Entry:
    """A cache entry being written (see :meth:`Cache.putting`); ``folder`` None: not stored.

    What is written goes, in order, to one thread; :meth:`join` waits for it all.
    """

    def __init__(self, folder: Path | None):
        self.folder, self.tables, self.data = folder, [], {}
        self._pending: list[Future] = []
        self._writers: dict[str, Any] = {}
        self._thread: ThreadPoolExecutor | None = None

    def _submit(self, fn, *args) -> None:
        if self._thread is None:
            self._thread = ThreadPoolExecutor(1, thread_name_prefix="cache-writer")
        self._pending.append(self._thread.submit(fn, *args))

    def write(self, tables: dict[str, pd.DataFrame], *, background: bool = True) -> None:
        """Write ``tables`` into the entry, in the writer thread unless ``background`` is False."""
        if self.folder is None:
            return
        self.tables += [t for t in tables if t not in self.tables]
        if background:
            self._submit(_write_tables, self.folder, tables)
        else:
            self.join()
            _write_tables(self.folder, tables)

    def append(self, name: str, rows) -> None:
        """Add ``rows`` (a pyarrow Table of one long-text column) to table ``name``.

        Written in the writer thread as it comes, :data:`ROWS_PER_GROUP` rows a row group at
        most, uncompressed (as :data:`PLAIN_COLUMNS` are).
        """
        if self.folder is None:
            return
        if name not in self.tables:
            self.tables.append(name)
        self._submit(self._append, name, rows)

    def _append(self, name: str, rows) -> None:
        import pyarrow.parquet as pq

        writer = self._writers.get(name)
        if writer is None:
            writer = self._writers[name] = pq.ParquetWriter(
                self.folder / f"{name}.parquet",
                rows.schema,
                compression="NONE",
                use_dictionary=False,
                write_statistics=False,
            )
        writer.write_table(rows, row_group_size=ROWS_PER_GROUP)

    def join(self) -> None:
        """Wait for everything written so far; raise the first error writing it raised."""
        if self._thread is None:
            return
        pending, self._pending = self._pending, []
        errors = [f.exception() for f in pending]
        self._thread.shutdown()
        self._thread = None
        for writer in self._writers.values():
            writer.close()
        self._writers = {}
        first = next((e for e in errors if e is not None), None)
        if first is not None:
            raise first


def _write_tables(folder: Path, tables: dict[str, pd.DataFrame]) -> None:
    for name, frame in tables.items():
        columns = [str(c) for c in frame.columns]
        texts = PLAIN_COLUMNS.intersection(columns)
        frame.to_parquet(
            folder / f"{name}.parquet",
            index=False,
            row_group_size=ROWS_PER_GROUP if texts else None,
            compression={c: "NONE" if c in PLAIN_COLUMNS else "SNAPPY" for c in columns},
            use_dictionary=[c for c in columns if c not in PLAIN_COLUMNS],
        )


class Cache:
    """Read and write cache entries for one step.

    Parameters
    ----------
    step : str
        Name of the step (``corpus``, ``ner``, ``dtm``...), a subfolder of the cache.
    settings : Settings, optional
        Where the cache lives and whether it is on.
    """

    def __init__(self, step: str, settings: Settings | None = None):
        self.settings = settings or get_settings()
        self.root = Path(self.settings.cache_dir) / step

    @property
    def enabled(self) -> bool:
        """Whether the cache is on (``ANALYSIS_CACHE``)."""
        return self.settings.use_cache

    def get(
        self, key: str, *, skip: dict[str, list[str]] | None = None
    ) -> tuple[dict[str, pd.DataFrame], dict] | None:
        """The tables and metadata stored under ``key``, or None if absent or unreadable.

        ``skip`` names columns not to read now, per table (``{"docs": ["text"]}``): read
        them later with :meth:`column`.
        """
        if not self.enabled:
            return None
        entry = self.root / key
        done = entry / _DONE
        if not done.is_file():
            return None
        skip = skip or {}
        try:
            meta = json.loads(done.read_text(encoding="utf-8"))
            tables = {
                name: self._read(entry / f"{name}.parquet", skip.get(name, ()))
                for name in meta["tables"]
            }
            data = meta.get("data", {})
            if not isinstance(data, dict):
                return None
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None  # a damaged entry is ignored and rewritten
        return tables, data

    @staticmethod
    def _read(path: Path, skip) -> pd.DataFrame:
        if not skip:
            return pd.read_parquet(path)
        import pyarrow.parquet as pq

        names = [n for n in pq.read_schema(path).names if n not in set(skip)]
        return pd.read_parquet(path, columns=names)

    def column(self, key: str, table: str, column: str, rows=None):
        """One column of a stored table, as a pyarrow Array (read now).

        Parameters
        ----------
        key, table, column
            The entry, its table and the column.
        rows : array of int, optional
            Only these rows (in this order): only the row groups holding them are read
            (tables with long texts are written :data:`ROWS_PER_GROUP` rows a group).

        Raises
        ------
        OSError
            When the entry has gone (the cache was cleared since it was read).
        """
        import numpy as np
        import pyarrow as pa
        import pyarrow.parquet as pq

        path = self.root / key / f"{table}.parquet"
        try:
            if rows is None:
                return pq.read_table(path, columns=[column]).column(0).combine_chunks()
            rows = np.asarray(rows, dtype=np.int64)
            handle = pq.ParquetFile(path)
            sizes = [handle.metadata.row_group(g).num_rows for g in range(handle.num_row_groups)]
            starts = np.concatenate([[0], np.cumsum(sizes, dtype=np.int64)])
            group_of = np.searchsorted(starts, rows, side="right") - 1
            groups = np.unique(group_of)
            if not len(groups):
                return pa.array([], type=handle.schema_arrow.field(column).type)
            part = handle.read_row_groups(groups.tolist(), columns=[column]).column(0)
            # where each wanted row sits among the groups read, one after another
            first_in_part = np.concatenate([[0], np.cumsum([sizes[g] for g in groups])])[:-1]
            k = np.searchsorted(groups, group_of)
            at = first_in_part[k] + rows - starts[group_of]
            return part.combine_chunks().take(pa.array(at))
        except FileNotFoundError as err:
            raise FileNotFoundError(
                f"{path}: the cache entry was removed after the corpus was loaded from it; "
                "load the corpus again."
            ) from err

    def put(self, key: str, tables: dict[str, pd.DataFrame], data: dict | None = None) -> None:
        """Store tables (Parquet) and JSON data under ``key`` atomically.

        An entry already complete under ``key`` (written by another process meanwhile:
        the same inputs) is kept; one without ``meta.json`` (interrupted, damaged) is
        replaced. Columns of long texts (:data:`PLAIN_COLUMNS`) are stored uncompressed
        and without a dictionary, the others with Snappy: for the UN General Debate the
        entry is twice the size (200 MB, not 107 MB), written three times and read ten
        times faster.
        """
        with self.putting(key) as entry:
            entry.write(tables, background=False)
            entry.data = data or {}

    @contextmanager
    def putting(self, key: str) -> Iterator[_Entry]:
        """An entry for ``key`` to fill while its data is still being worked out.

        ``entry.write(tables)`` starts writing the tables in a thread (Parquet writing
        releases the GIL: the loader finds duplicates meanwhile); ``entry.data`` is the JSON
        stored beside them. The entry is complete and in place when the block ends, and
        nothing is stored if it raises. With the cache off, or a whole entry already under
        ``key``, writing does nothing.
        """
        if not self.enabled or not self._make_room(key):
            yield _Entry(None)
            return
        with atomic_dir(self.root / key, keep_existing=True) as tmp:
            entry = _Entry(tmp)
            try:
                yield entry
            finally:
                entry.join()
            (tmp / _DONE).write_text(
                json.dumps({"tables": sorted(entry.tables), "data": entry.data}, default=str),
                encoding="utf-8",
            )

    def get_files(self, key: str) -> dict[str, bytes] | None:
        """The files stored under ``key`` by :meth:`put_files`, or None if absent or unreadable."""
        if not self.enabled:
            return None
        entry = self.root / key
        try:
            meta = json.loads((entry / _DONE).read_text(encoding="utf-8"))
            files = {name: (entry / name).read_bytes() for name in meta["files"]}
        except (OSError, ValueError, KeyError, TypeError):
            return None
        sizes = meta.get("sizes", {})
        if any(len(blob) != sizes.get(name) for name, blob in files.items()):
            return None  # damaged: ignored and rewritten
        return files

    def put_files(self, key: str, files: dict[str, bytes]) -> None:
        """Store files (name to bytes, written as they are) under ``key`` atomically."""
        if not self.enabled or not self._make_room(key):
            return
        with atomic_dir(self.root / key, keep_existing=True) as tmp:
            for name, blob in files.items():
                (tmp / name).write_bytes(blob)
            sizes = {name: len(blob) for name, blob in files.items()}
            (tmp / _DONE).write_text(
                json.dumps({"files": sorted(files), "sizes": sizes}, sort_keys=True),
                encoding="utf-8",
            )

    def _make_room(self, key: str) -> bool:
        """False when ``key`` holds a whole entry; a damaged or partial one is removed."""
        entry = self.root / key
        if _whole(entry):
            return False
        if entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
        return True


def _whole(entry: Path) -> bool:
    """Whether a cache entry is complete.

    Its ``meta.json`` reads, and every file it lists is there whole (Parquet begins and
    ends with ``PAR1``; stored files have the size recorded).
    """
    try:
        meta = json.loads((entry / _DONE).read_text(encoding="utf-8"))
        for name in meta.get("tables", []):
            with open(entry / f"{name}.parquet", "rb") as fh:
                head = fh.read(4)
                fh.seek(-4, 2)
                if head != b"PAR1" or fh.read(4) != b"PAR1":
                    return False
        sizes = meta.get("sizes", {})
        return all((entry / n).stat().st_size == sizes.get(n, -1) for n in meta.get("files", []))
    except (OSError, ValueError, TypeError, AttributeError):
        return False
