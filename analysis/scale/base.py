"""What every counting step shares: sources, partitions, group labels, summing partials.

Each step maps one partition (a pandas table of documents) to small count tables with
integer columns, and combines partials by summing them on their keys
(:func:`sum_tables`). Integer sums do not depend on the order in which partials are
combined, so every backend and every partitioning gives the same numbers; rates and
shares are computed once, from the merged counts.

Group labels (``by``, as everywhere: :mod:`analysis.groups`) are computed per document
(:func:`doc_groups`) and written as strings (integral floats as integers: ``1990.0`` ->
``"1990"``). Documents whose label is missing are left out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

import pandas as pd

from analysis.groups import DERIVED_GROUPS, group_strings, resolve_groups
from analysis.inputs import is_corpus
from analysis.scale.backends import Backend, get_backend
from analysis.scale.parquet import Partition, PartitionedCorpus, is_partitioned

#: Documents a partition when counting an in-memory corpus.
MEMORY_PARTITION_ROWS = 1_000

By = str | Callable[[pd.DataFrame], Any] | None  # see analysis.groups
Tables = dict[str, pd.DataFrame]


def as_source(source: Any, *, settings=None):
    """A :class:`PartitionedCorpus` or a :class:`~analysis.corpus.Corpus` for ``source``.

    ``source`` is a Corpus, a PartitionedCorpus, a partitioned Parquet folder, or any
    corpus spec :func:`analysis.load` reads (then loaded into memory).
    """
    if isinstance(source, PartitionedCorpus) or is_corpus(source):
        return source
    if is_partitioned(source):
        return PartitionedCorpus(source)
    from analysis.corpus import load

    return load(source, settings=settings, progress=False)


def columns_of(source: Any) -> list[str]:
    """The document columns of a source from :func:`as_source`."""
    if isinstance(source, PartitionedCorpus):
        return list(source.columns)
    return list(source.docs.columns)


def check_by(source: Any, by: By) -> None:
    """Raise KeyError, naming the columns, when ``by`` is neither a column nor derived."""
    if isinstance(by, str) and by not in DERIVED_GROUPS:
        found = columns_of(source)
        if by not in found:
            raise KeyError(
                f"no metadata column {by!r}; the columns are {found}. Pass a "
                "column name or a function of the documents table."
            )


def partitions_of(source: Any, rows: int = MEMORY_PARTITION_ROWS) -> list[Partition]:
    """The partitions of a source (a Corpus is sliced into tables of ``rows`` documents)."""
    if isinstance(source, PartitionedCorpus):
        return source.partitions()
    docs = source.docs
    return [
        Partition(i, frame=docs.iloc[a : a + rows], n_rows=min(rows, len(docs) - a))
        for i, a in enumerate(range(0, len(docs), rows))
    ]


def run(
    source: Any,
    map_fn: Callable,
    combine_fn: Callable,
    *,
    columns: Sequence[str] | None,
    backend: str | Backend,
    scheduler: Any,
    rows: int = MEMORY_PARTITION_ROWS,
) -> Any:
    """Map ``map_fn`` over the partitions of ``source`` (loading ``columns``) and reduce.

    Columns the source does not have are not asked for.
    """
    if columns is not None:
        available = set(columns_of(source))
        columns = [c for c in columns if c in available]
    task = partial(_load_and_map, map_fn=map_fn, columns=columns)
    parts = partitions_of(source, rows)
    return get_backend(backend, scheduler=scheduler).map_reduce(parts, task, combine_fn)


def _load_and_map(part: Partition, *, map_fn: Callable, columns: Sequence[str] | None) -> Any:
    return map_fn(part.load(columns))


def needed(base: Sequence[str], by: By) -> list[str] | None:
    """Columns to read: ``base`` plus the ``by`` column.

    All columns (None) for a function, or a derived grouping (``"bloc"``, ``"origin"``,
    ``"year"``) that is not a column of its own: those read whatever metadata they find.
    """
    if callable(by) or (isinstance(by, str) and by in DERIVED_GROUPS):
        return None
    return list(dict.fromkeys([*base, *([by] if isinstance(by, str) else [])]))


def doc_groups(docs: pd.DataFrame, by: By) -> pd.Series:
    """One label a document (str), None where it is missing (the document is left out).

    ``by`` means what it means everywhere (:func:`analysis.groups.resolve_groups`).
    """
    return group_strings(resolve_groups(docs, by))


def sum_tables(parts: list[Tables], keys: dict[str, list[str]]) -> Tables:
    """Sum each table of the partials on its key columns (rows sorted by the keys).

    Parameters
    ----------
    parts : list of dict of str to DataFrame
        Partials, each with one table a name of ``keys``: key columns and integer columns.
    keys : dict of str to list of str
        Each table's key columns.
    """
    out: Tables = {}
    for name, cols in keys.items():
        frames = [p[name] for p in parts if len(p[name])]
        if not frames:
            out[name] = parts[0][name] if parts else pd.DataFrame(columns=cols)
            continue
        joined = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
        out[name] = joined.groupby(cols, sort=True).sum().reset_index()
    return out
