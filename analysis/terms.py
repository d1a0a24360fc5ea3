"""Term frequencies as tidy tables, overall or by any metadata field.

::

    from analysis import load, terms
    corpus = load("factbook")
    terms.frequencies(corpus, by="region", top=20)
    terms.tfidf(corpus, by="region", top=10)

Every function takes a :class:`~analysis.corpus.Corpus` (counted with
:func:`analysis.tokens.dtm` and ``options``) or a ready :class:`~analysis.tokens.DTM`.
``by`` is a metadata column name (``source``, ``country``, ``year``, a membership flag...) or
one label a document (array-like, e.g. a period computed from ``year``); documents whose
label is missing are left out. Parameters are recorded in ``df.attrs``.

Denominators are each document's token count before ``min_df``/``max_df`` pruning
(``DTM.n_tokens``), so rates do not change when rare terms are pruned.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from analysis.errors import OptionError
from analysis.groups import group_strings, resolve_groups
from analysis.inputs import is_corpus
from analysis.tokens import DTM, TokenOptions, dtm

#: Columns of :func:`frequencies`.
FREQUENCY_COLUMNS = ["term", "group", "count", "per_10k_words", "doc_freq", "rank", "dispersion"]
#: Columns of :func:`tfidf`.
TFIDF_COLUMNS = ["term", "group", "count", "tf", "doc_freq", "idf", "tfidf", "rank"]
#: Above this many runs of consecutive rows of one group, grouped counts first sort the
#: matrix's rows by group rather than read each run in place.
MAX_RUNS = 10_000
By = str | Sequence[Any] | np.ndarray | pd.Series | None  # see analysis.groups


@dataclass
class Groups:
    """Term counts summed over groups of documents.

    Attributes
    ----------
    labels : numpy.ndarray of str, shape (n_groups,)
    counts : scipy.sparse.csr_matrix of shape (n_groups, n_terms), or None
        None when made with ``group(..., counts=False)``.
    n_tokens : numpy.ndarray of int64, shape (n_groups,)
    n_docs : numpy.ndarray of int64, shape (n_groups,)
    codes : numpy.ndarray of int64, shape (n_docs,)
        Each document's group (-1: left out).
    """

    labels: np.ndarray
    counts: sparse.csr_matrix
    n_tokens: np.ndarray
    n_docs: np.ndarray
    codes: np.ndarray


def as_dtm(data, options: TokenOptions | None = None) -> DTM:
    """``data`` itself if it is a DTM, else the (cached) DTM of the corpus ``data``."""
    if isinstance(data, DTM):
        if options is not None and options != data.options:
            raise OptionError(
                "options differ from the DTM's options; pass the corpus to "
                "count it with these options, or leave options out."
            )
        return data
    if not is_corpus(data):
        raise TypeError(f"expected a Corpus or a DTM, not {type(data).__name__}")
    return dtm(data, options)


def doc_labels(m: DTM, by: By) -> pd.Series:
    """One group label a document (str; missing where the document is left out).

    ``by`` means what it means everywhere (:func:`analysis.groups.resolve_groups`).
    """
    if by is None or m.docs is None:
        docs = pd.DataFrame(index=pd.RangeIndex(m.shape[0]))
    else:
        docs = m.docs.reset_index(drop=True)
    return group_strings(resolve_groups(docs, by)).reset_index(drop=True)


def group(m: DTM, by: By, *, counts: bool = True) -> Groups:
    """Sum a DTM's rows by group (see :class:`Groups`).

    ``counts=False`` computes the group sizes only (``Groups.counts`` is None), for callers
    that sum the cells themselves.
    """
    codes, labels = pd.factorize(doc_labels(m, by), sort=True)
    keep = codes >= 0
    indicator = sparse.csr_matrix(
        (np.ones(keep.sum(), dtype=np.int64), (codes[keep], np.flatnonzero(keep))),
        shape=(len(labels), m.shape[0]),
    )
    summed = None
    if counts:
        summed = (indicator @ m.matrix).tocsr()
        summed.sort_indices()
    return Groups(
        np.asarray(labels, dtype=object),
        summed,
        indicator @ m.n_tokens.astype(np.int64),
        np.asarray(indicator.sum(axis=1)).ravel().astype(np.int64),
        codes.astype(np.int64),
    )


def gries_dp(x: sparse.csr_matrix, sizes: np.ndarray) -> np.ndarray:
    r"""Gries' DP of every column of ``x`` across its rows (documents).

    Parameters
    ----------
    x : scipy.sparse.csr_matrix of shape (n_docs, n_terms)
    sizes : numpy.ndarray of shape (n_docs,)
        Document sizes in tokens.

    Returns
    -------
    numpy.ndarray of shape (n_terms,)
        NaN for a term that does not occur.

    Notes
    -----
    With ``s_i = sizes_i / sum(sizes)`` (document i's share of the tokens), ``v_i`` the
    term's count in document i and ``f = sum(v_i)``,

    .. math:: DP = \\tfrac12 \\sum_i \\left| \\frac{v_i}{f} - s_i \\right|

    0 means the term is spread exactly like the text (no document dominates); values near
    1 mean it is concentrated in a few (small) documents. Computed over non-zero cells only:
    ``DP = (1 + sum_{v_i > 0} (|v_i/f - s_i| - s_i)) / 2``.

    References
    ----------
    Gries, S. Th. (2008). Dispersions and adjusted frequencies in corpora.
    *International Journal of Corpus Linguistics* 13(4), 403-437.
    """
    coo = x.tocoo()
    total = float(np.sum(sizes))
    share = np.asarray(sizes, dtype=float) / total if total else np.zeros(len(sizes))
    freq = np.asarray(x.sum(axis=0), dtype=float).ravel()
    s = share[coo.row]
    part = np.abs(coo.data / freq[coo.col] - s) - s
    sums = np.bincount(coo.col, weights=part, minlength=x.shape[1])
    return np.where(freq > 0, 0.5 * (1.0 + sums), np.nan)


def _cells(m: DTM, groups: Groups, top: int | None = None) -> dict[str, np.ndarray]:
    """Count, document frequency and Gries' DP of every (group, term) that occurs.

    Cells come in (group, term) order. With few groups (the usual case) one pass over each
    group's rows sums its counts and document frequencies with :func:`numpy.bincount` and
    computes Gries' DP from them; with very many small groups, one search over all cells
    against the grouped counts does. With ``top``, a group's cells may stop at the terms
    whose count is among its ``top`` largest (ties included): all the cut keeps.
    """
    x = m.matrix.tocsr()
    n_groups, n_terms = len(groups.labels), m.shape[1]
    if n_groups * n_terms <= 4 * max(x.nnz, 1):
        return _cells_by_group(x, groups, m.n_tokens, top)
    return _cells_by_search(x, groups, m.n_tokens)


def _cells_by_group(
    x: sparse.csr_matrix, groups: Groups, n_tokens: np.ndarray, top: int | None = None
) -> dict[str, np.ndarray]:
    """:func:`_cells`, one group's rows at a time.

    A group's rows are read as runs of consecutive rows: documents stored group by group
    (speeches by year, say, in any order of the years) are read in place; only rows
    scattered in more than :data:`MAX_RUNS` runs are first sorted by group (a copy of the
    matrix).
    """
    n_terms = x.shape[1]
    codes = groups.codes
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]]) if len(codes) else codes
    if len(starts) > MAX_RUNS:
        order = np.argsort(codes, kind="stable")
        x, codes = x[order], codes[order]
        starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    else:
        order = np.arange(len(codes))
    ends = np.r_[starts[1:], len(codes)]
    runs: dict[int, list[tuple[int, int]]] = {}
    for lo, hi in zip(starts.tolist(), ends.tolist()):
        runs.setdefault(int(codes[lo]), []).append((lo, hi))
    parts: dict[str, list] = {k: [] for k in ("group", "term", "count", "doc_freq", "dispersion")}
    for g in range(len(groups.labels)):
        spans = [(x.indptr[lo], x.indptr[hi]) for lo, hi in runs.get(g, [])]
        if not any(b > a for a, b in spans):
            continue
        # bincount is several times faster on native-width indices and float weights; cast
        # a group at a time, so the buffers are reused rather than allocated for all cells
        cols = np.concatenate([x.indices[a:b] for a, b in spans]).astype(np.intp)
        values = np.concatenate([x.data[a:b] for a, b in spans]).astype(float)
        f = np.bincount(cols, weights=values, minlength=n_terms)
        df = np.bincount(cols, minlength=n_terms)
        total = float(groups.n_tokens[g])
        local = np.concatenate([np.arange(lo, hi) for lo, hi in runs[g]])
        rows = order[local]
        share = n_tokens[rows].astype(float) / total if total > 0 else np.zeros(len(rows))
        s = np.repeat(share, x.indptr[local + 1] - x.indptr[local])
        terms = np.flatnonzero(df)
        if top is not None and 0 < top < len(terms):
            # the counts of the top terms, ties at the cut included: DP only for those
            kth = np.partition(f[terms], len(terms) - top)[len(terms) - top]
            terms = terms[f[terms] >= kth]
            keep = np.zeros(n_terms, dtype=bool)
            keep[terms] = True
            inside = keep[cols]
            cols, values, s = cols[inside], values[inside], s[inside]
        part = np.abs(values / f[cols] - s) - s
        sums = np.bincount(cols, weights=part, minlength=n_terms)
        parts["group"].append(np.full(len(terms), g, dtype=np.int64))
        parts["term"].append(terms.astype(np.int64))
        parts["count"].append(f[terms].round().astype(np.int64))
        parts["doc_freq"].append(df[terms].astype(np.int64))
        parts["dispersion"].append(np.clip(0.5 * (1.0 + sums[terms]), 0.0, 1.0))
    empty = {"group": np.int64, "term": np.int64, "count": np.int64, "doc_freq": np.int64}
    return {
        k: np.concatenate(v) if v else np.zeros(0, dtype=empty.get(k, float))
        for k, v in parts.items()
    }


def _cells_by_search(
    x: sparse.csr_matrix, groups: Groups, n_tokens: np.ndarray
) -> dict[str, np.ndarray]:
    """:func:`_cells` for very many groups: the grouped counts, and each cell found in them."""
    counts = groups.counts
    if counts is None:
        keep = groups.codes >= 0
        indicator = sparse.csr_matrix(
            (np.ones(keep.sum(), dtype=np.int64), (groups.codes[keep], np.flatnonzero(keep))),
            shape=(len(groups.labels), x.shape[0]),
        )
        counts = (indicator @ x).tocsr()
    counts = counts.tocsr()
    counts.sort_indices()
    n_terms = counts.shape[1]
    row_of = np.repeat(np.arange(counts.shape[0]), np.diff(counts.indptr))
    keys = row_of * np.int64(n_terms) + counts.indices.astype(np.int64)
    coo = x.tocoo()
    g = groups.codes[coo.row]
    keep = g >= 0
    row, col, v, g = coo.row[keep], coo.col[keep], coo.data[keep].astype(float), g[keep]
    pos = np.searchsorted(keys, g * np.int64(n_terms) + col)
    total = groups.n_tokens[g].astype(float)
    share = np.divide(n_tokens[row], total, out=np.zeros_like(total), where=total > 0)
    part = np.abs(v / counts.data[pos] - share) - share
    dp = 0.5 * (1.0 + np.bincount(pos, weights=part, minlength=counts.nnz))
    return {
        "group": row_of.astype(np.int64),
        "term": counts.indices.astype(np.int64),
        "count": counts.data.astype(np.int64),
        "doc_freq": np.bincount(pos, minlength=counts.nnz).astype(np.int64),
        "dispersion": np.clip(dp, 0.0, 1.0),
    }


def frequencies(
    data, *, by: By = None, options: TokenOptions | None = None, top: int | None = None
) -> pd.DataFrame:
    """How often each term occurs, overall or in each group.

    Parameters
    ----------
    data : Corpus or DTM
    by : str or array-like, optional
        Metadata column, or one label a document; None: the whole corpus (group ``"all"``).
    options : TokenOptions, optional
        Tokenization when ``data`` is a corpus.
    top : int, optional
        Keep the ``top`` most frequent terms of each group (ties at the cut included).

    Returns
    -------
    pandas.DataFrame
        One row a (term, group) with ``count > 0``, columns :data:`FREQUENCY_COLUMNS`:

        - ``count``: occurrences in the group;
        - ``per_10k_words = 10_000 * count / n_tokens(group)``;
        - ``doc_freq``: documents of the group containing the term;
        - ``rank``: 1 = most frequent in the group (ties share the lowest rank);
        - ``dispersion``: Gries' DP across the group's documents (0 = spread like the
          text, near 1 = concentrated in a few documents; see :func:`gries_dp`), so a
          term that one long document repeats shows up as such.

        Sorted by group, then rank, then term. ``df.attrs``: ``by``, ``top``, ``options``,
        ``min_df``, ``max_df``, and ``n_tokens`` and ``n_docs`` per group.
    """
    m = as_dtm(data, options)
    groups = group(m, by, counts=False)
    cells = _cells(m, groups, top)
    g = cells["group"]
    cells.update(
        per_10k_words=1e4 * cells["count"] / groups.n_tokens[g],
        doc_freq=cells["doc_freq"].astype(np.int64),
    )
    out = _table(m, groups, cells, score=cells["count"], top=top)
    out.attrs.update(_attrs(m, by, top, groups))
    return out[FREQUENCY_COLUMNS]


def _table(
    m: DTM, groups: Groups, cells: dict[str, np.ndarray], *, score: np.ndarray, top: int | None
) -> pd.DataFrame:
    """Rank cells by ``score`` within their group, cut at ``top``, and make the table.

    ``cells`` come sorted by (group, term); ranking and ordering (group, rank, term) run on
    integer codes (labels and terms are both sorted), with a stable sort that keeps terms
    in order within ties, so strings are only made for the rows that are kept.
    """
    g, t = cells.pop("group"), cells.pop("term")
    order = np.lexsort((-score, g))
    pos = np.arange(len(order))
    new_group = _breaks(g[order])
    first = np.maximum.accumulate(np.where(new_group, pos, 0))
    tied = np.maximum.accumulate(np.where(new_group | _breaks(score[order]), pos, 0))
    rank = (tied - first + 1).astype(np.int64)  # ties share the lowest rank ("min")
    if top is not None:
        order, rank = order[rank <= top], rank[rank <= top]
    out = pd.DataFrame(
        {"term": m.terms[t[order]].astype(object), "group": groups.labels[g[order]].astype(object)}
    )
    for name, values in cells.items():
        out[name] = values[order]
    out["rank"] = rank
    return out


def _breaks(x: np.ndarray) -> np.ndarray:
    """True where a sorted array's value differs from the previous one (and at 0)."""
    out = np.ones(len(x), dtype=bool)
    out[1:] = x[1:] != x[:-1]
    return out


def _attrs(m: DTM, by: By, top: int | None, groups: Groups) -> dict:
    return {
        "by": by if isinstance(by, str) or by is None else "<labels>",
        "top": top,
        "options": m.options.to_dict(),
        "min_df": m.params.get("min_df"),
        "max_df": m.params.get("max_df"),
        "n_tokens": dict(zip(groups.labels.tolist(), groups.n_tokens.tolist())),
        "n_docs": dict(zip(groups.labels.tolist(), groups.n_docs.tolist())),
    }


def tfidf(
    data, *, by: By = None, options: TokenOptions | None = None, top: int | None = None
) -> pd.DataFrame:
    """Terms that distinguish each group (or each document) from the others.

    Parameters
    ----------
    data : Corpus or DTM
    by : str or array-like, optional
        Groups of documents, each treated as one text; None: every document on its own
        (group = ``doc_id``).
    options : TokenOptions, optional
    top : int, optional
        Keep the ``top`` highest-scoring terms of each group.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`TFIDF_COLUMNS`, one row a (term, group) with ``count > 0``, sorted
        by group, rank, term:
        ``tf = count / n_tokens(group)``, ``doc_freq`` = number of groups containing the
        term, ``idf = ln((1 + n_groups) / (1 + doc_freq)) + 1`` (scikit-learn's smoothed
        idf), ``tfidf = tf * idf``, ``rank`` by ``tfidf`` within the group.
    """
    m = as_dtm(data, options)
    groups = group(m, m.doc_ids if by is None else by)
    present = groups.counts.copy()
    present.data = np.ones_like(present.data)
    n_with = np.asarray(present.sum(axis=0)).ravel()
    idf = np.log((1 + len(groups.labels)) / (1 + n_with)) + 1
    coo = groups.counts.tocoo()
    tf = coo.data / groups.n_tokens[coo.row]
    cells = {
        "group": coo.row,
        "term": coo.col,
        "count": coo.data.astype(np.int64),
        "tf": tf,
        "doc_freq": n_with[coo.col].astype(np.int64),
        "idf": idf[coo.col],
        "tfidf": tf * idf[coo.col],
    }
    out = _table(m, groups, cells, score=cells["tfidf"], top=top)
    out.attrs.update(_attrs(m, by, top, groups), idf="ln((1 + n_groups) / (1 + doc_freq)) + 1")
    return out[TFIDF_COLUMNS]
