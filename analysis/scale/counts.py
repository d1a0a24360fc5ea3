"""Term counts (the keyness inputs) and actor mentions by group, as map-reduce.

::

    from analysis.scale import count_terms, count_mentions, keyness_from_counts

    counts = count_terms("ungdc.parquet", by="year", backend="dask")
    keyness_from_counts(counts, target="1990")          # = analysis.keyness on the corpus
    count_mentions("ungdc.parquet", actors=["CSTO", "NATO", "UN"], by="year")

The map steps (:func:`term_partial`, :func:`mention_partial`) turn one partition into
integer count tables; :func:`~analysis.scale.base.sum_tables` merges them.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from analysis import tokens
from analysis.errors import OptionError
from analysis.groups import by_label
from analysis.scale.backends import Backend
from analysis.scale.base import By, Tables, as_source, check_by, doc_groups, needed, run, sum_tables
from analysis.tokens import TokenOptions

#: Columns of :func:`count_terms`.
TERM_COUNT_COLUMNS = ["term", "group", "count", "doc_freq"]
#: Columns of :func:`count_mentions`.
MENTION_COUNT_COLUMNS = [
    "group",
    "actor",
    "n_docs",
    "n_docs_mentioning",
    "n_mentions",
    "n_words",
    "per_10k_words",
]


# -- term counts ----------------------------------------------------------------------------
TERM_KEYS = {"cells": ["group", "term"], "totals": ["group"]}


def doc_term_matrix(texts: list, options: TokenOptions) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Counts of one partition's texts, exactly as :func:`analysis.tokens.dtm` counts them.

    Returns
    -------
    matrix : scipy.sparse.csr_matrix of shape (n_docs, n_terms)
    terms : numpy.ndarray of str, shape (n_terms,), sorted
    """
    texts = [t if isinstance(t, str) else "" for t in texts]
    return tokens.count_texts(texts, options)


def term_partial(docs: pd.DataFrame, *, by: By, options: TokenOptions) -> Tables:
    """Map step: (group, term) counts and document frequencies, group token totals."""
    codes, labels = pd.factorize(doc_groups(docs, by), sort=True)
    labels = np.asarray(labels, dtype=object)
    matrix, terms = doc_term_matrix(docs["text"].tolist(), options)
    n_tokens = np.asarray(matrix.sum(axis=1), dtype=np.int64).ravel()
    present = codes >= 0
    totals = pd.DataFrame(
        {
            "group": labels[codes[present]],
            "n_tokens": n_tokens[present],
            "n_docs": np.ones(int(present.sum()), dtype=np.int64),
        }
    )
    return {"cells": _group_cells(matrix, terms, codes, labels), "totals": totals}


def _group_cells(
    matrix: sparse.csr_matrix, terms: np.ndarray, codes: np.ndarray, labels: np.ndarray
) -> pd.DataFrame:
    """Count and document frequency of every (group, term) that occurs.

    Documents with code -1 are left out; cells are keyed ``group * n_terms + term``.
    """
    coo = matrix.tocoo()
    g = codes[coo.row]
    keep = g >= 0
    width = max(len(terms), 1)
    uniq, inverse = np.unique(g[keep].astype(np.int64) * width + coo.col[keep], return_inverse=True)
    count = np.zeros(len(uniq), dtype=np.int64)
    np.add.at(count, inverse, coo.data[keep].astype(np.int64))
    return pd.DataFrame(
        {
            "group": labels[uniq // width],
            "term": np.asarray(terms, dtype=object)[uniq % width],
            "count": count,
            "doc_freq": np.bincount(inverse, minlength=len(uniq)).astype(np.int64),
        }
    )


def finish_terms(tables: Tables, by: By, options: TokenOptions) -> pd.DataFrame:
    """The merged term counts as a tidy table, totals in ``attrs``."""
    cells = tables["cells"]
    out = pd.DataFrame(
        {
            "term": cells["term"].astype(object).to_numpy(),
            "group": cells["group"].astype(object).to_numpy(),
            "count": cells["count"].to_numpy(dtype=np.int64),
            "doc_freq": cells["doc_freq"].to_numpy(dtype=np.int64),
        }
    )
    totals = tables["totals"]
    out.attrs.update(
        by=by_label(by),
        options=options.to_dict(),
        n_tokens={str(g): int(n) for g, n in zip(totals["group"], totals["n_tokens"])},
        n_docs={str(g): int(n) for g, n in zip(totals["group"], totals["n_docs"])},
    )
    return out[TERM_COUNT_COLUMNS]


def count_terms(
    source: Any,
    *,
    by: By = None,
    options: TokenOptions | None = None,
    backend: str | Backend = "local",
    scheduler: Any = None,
) -> pd.DataFrame:
    """Term counts and document frequencies by group, as a map-reduce over partitions.

    Parameters
    ----------
    source : Corpus, PartitionedCorpus, path or corpus spec
        A partitioned Parquet folder is streamed one partition at a time; anything else is
        loaded (:func:`analysis.load`) and sliced.
    by : str or callable, optional
        A metadata column, or a function of a partition's documents table returning one
        label a document (picklable for ``"processes"``). None: one group, ``"all"``.
    options : TokenOptions, optional
        Tokenization (default ``TokenOptions()``), as in :func:`analysis.tokens.dtm`.
    backend : {"local", "processes", "dask"} or Backend, default "local"
    scheduler : str or distributed.Client, optional
        For ``backend="dask"`` (default: a local cluster of 2 workers on 127.0.0.1).

    Returns
    -------
    pandas.DataFrame
        Columns ``term, group, count, doc_freq``, one row a (group, term) with
        ``count > 0``, sorted by group then term. ``count`` and ``doc_freq`` equal those of
        :func:`analysis.terms.frequencies` (with ``min_df=1``). ``attrs``: ``by``,
        ``options``, and ``n_tokens`` (tokens before pruning) and ``n_docs`` per group.

    See Also
    --------
    keyness_from_counts : keyness of these counts.
    """
    options = options or TokenOptions()
    source = as_source(source)
    check_by(source, by)
    tables = run(
        source,
        partial(term_partial, by=by, options=options),
        partial(sum_tables, keys=TERM_KEYS),
        columns=needed(["text"], by),
        backend=backend,
        scheduler=scheduler,
    )
    return finish_terms(tables, by, options)


def counts_dtm(counts: pd.DataFrame) -> tokens.DTM:
    """The group x term matrix of :func:`count_terms` as a DTM, one row a group.

    Its ``docs`` table has one column, ``group``; ``n_tokens`` are the groups' token
    totals. Grouping it ``by="group"`` gives back the counts, so every function that takes
    a DTM (:func:`analysis.keyness.keyness`, :func:`analysis.terms.tfidf`...) works on it.
    """
    totals = counts.attrs.get("n_tokens")
    if totals is None:
        raise OptionError("counts lack attrs['n_tokens']; pass the output of count_terms")
    labels = np.asarray(sorted(totals), dtype=object)
    term_codes, terms = pd.factorize(counts["term"].astype(object), sort=True)
    group_codes = pd.Index(labels).get_indexer(counts["group"].astype(object))
    matrix = sparse.csr_matrix(
        (counts["count"].to_numpy(dtype=np.int64), (group_codes, term_codes)),
        shape=(len(labels), len(terms)),
    )
    options = TokenOptions(**_options_args(counts.attrs.get("options") or {}))
    return tokens.DTM(
        matrix,
        np.asarray(terms, dtype=object),
        labels,
        options,
        np.asarray([totals[g] for g in labels], dtype=np.int64),
        pd.DataFrame({"group": labels}),
        {"min_df": 1, "max_df": 1.0, "counts": True},
    )


def _options_args(data: dict) -> dict:
    args = dict(data)
    if "ngram_range" in args:
        args["ngram_range"] = tuple(args["ngram_range"])
    if isinstance(args.get("stopwords"), list):
        args["stopwords"] = tuple(args["stopwords"])
    return args


def keyness_from_counts(counts: pd.DataFrame, **kwargs) -> pd.DataFrame:
    """:func:`analysis.keyness.keyness` of merged counts (``by`` is the ``group`` column).

    Parameters
    ----------
    counts : DataFrame
        The output of :func:`count_terms` with ``by`` set.
    **kwargs
        ``target``, ``reference``, ``measure``, ``correction``, ``min_count``, ``top``.

    Returns
    -------
    pandas.DataFrame
        The same table :func:`analysis.keyness.keyness` gives on the corpus in memory.
    """
    from analysis.keyness import keyness

    return keyness(counts_dtm(counts), by="group", **kwargs)


# -- mentions -------------------------------------------------------------------------------
MENTION_KEYS = {"cells": ["group", "actor"], "totals": ["group"]}


def mention_partial(
    docs: pd.DataFrame,
    *,
    by: By,
    actors: list[str] | None,
    registry: str | None,
    include_children: bool,
    anaphora: bool,
    context_actors: tuple[str, ...],
) -> Tables:
    """Map step: mentions and documents mentioning each actor, document and word totals."""
    from analysis import actors as actors_mod

    reg = actors_mod.load_registry(registry)
    groups = doc_groups(docs, by)
    docs = docs[groups.notna().to_numpy()]
    groups = groups[groups.notna()]
    found = actors_mod.mentions(
        docs,
        actors,
        registry=reg,
        include_children=include_children,
        anaphora=anaphora,
        context_actors=context_actors,
        progress=False,
    )
    per_doc = found.groupby(["doc_id", "actor"], observed=True).size().rename("n_mentions")
    per_doc = per_doc.reset_index()
    per_doc["group"] = per_doc["doc_id"].map(dict(zip(docs["doc_id"], groups)))
    per_doc["n_docs_mentioning"] = np.int64(1)
    cells = per_doc[["group", "actor", "n_mentions", "n_docs_mentioning"]].astype(
        {"group": object, "actor": object, "n_mentions": np.int64}
    )
    totals = pd.DataFrame(
        {"group": groups.to_numpy(), "n_docs": np.int64(1), "n_words": _n_words(docs)}
    )
    return sum_tables([{"cells": cells, "totals": totals}], MENTION_KEYS)


def _n_words(docs: pd.DataFrame) -> np.ndarray:
    if "n_words" in docs.columns:
        return docs["n_words"].to_numpy(dtype=np.int64)
    return docs["text"].str.split().str.len().fillna(0).to_numpy(dtype=np.int64)


def finish_mentions(tables: Tables, actors: list[str]) -> pd.DataFrame:
    """One row a (group, actor), zeros included, with the rate per 10,000 words."""
    totals, cells = tables["totals"], tables["cells"]
    if not actors:
        actors = sorted(cells["actor"].astype(str).unique())
    grid = pd.DataFrame(
        {
            "group": np.repeat(totals["group"].to_numpy(dtype=object), len(actors)),
            "actor": np.tile(np.asarray(actors, dtype=object), len(totals)),
        }
    )
    out = grid.merge(totals, on="group", how="left").merge(cells, on=["group", "actor"], how="left")
    for col in ("n_docs", "n_words", "n_mentions", "n_docs_mentioning"):
        out[col] = out[col].fillna(0).astype(np.int64)
    words = out["n_words"].where(out["n_words"] > 0).astype(float)
    out["per_10k_words"] = 10_000 * out["n_mentions"] / words
    return out[MENTION_COUNT_COLUMNS].sort_values(["group", "actor"]).reset_index(drop=True)


def count_mentions(
    source: Any,
    *,
    actors: Sequence[str] | str | None = None,
    by: By = None,
    registry: str | Path | None = None,
    include_children: bool = False,
    anaphora: bool = False,
    context_actors: Sequence[str] = (),
    backend: str | Backend = "local",
    scheduler: Any = None,
) -> pd.DataFrame:
    """Mentions of each actor per group, as a map-reduce over partitions.

    Parameters
    ----------
    source : Corpus, PartitionedCorpus, path or corpus spec
    actors : str or list of str, optional
        Actor ids (default: every actor that is mentioned).
    by : str or callable, optional
        As in :func:`count_terms`.
    registry, include_children, anaphora, context_actors
        As in :func:`analysis.actors.mentions` (``registry`` as a YAML path).
    backend, scheduler
        As in :func:`count_terms`.

    Returns
    -------
    pandas.DataFrame
        Columns ``group, actor, n_docs, n_docs_mentioning, n_mentions, n_words,
        per_10k_words`` (the columns of :func:`analysis.actors.mention_counts`, the group
        labels in ``group``), one row a (group, actor), sorted.
    """
    asked = [actors] if isinstance(actors, str) else (list(actors) if actors else None)
    step = partial(
        mention_partial,
        by=by,
        actors=asked,
        registry=str(registry) if registry else None,
        include_children=include_children,
        anaphora=anaphora,
        context_actors=tuple(context_actors),
    )
    source = as_source(source)
    check_by(source, by)
    tables = run(
        source,
        step,
        partial(sum_tables, keys=MENTION_KEYS),
        columns=needed(["doc_id", "text", "lang", "n_words"], by),
        backend=backend,
        scheduler=scheduler,
    )
    out = finish_mentions(tables, asked or [])
    out.attrs.update(
        by=by_label(by),
        actors=asked,
        include_children=include_children,
        anaphora=anaphora,
        context_actors=list(context_actors),
    )
    return out
