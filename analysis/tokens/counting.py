"""Counting terms: map over batches of documents, reduce by merging vocabularies.

Method: on the fast path (unigrams, no lemmas) each document's raw chunks are counted with
:class:`collections.Counter`; a batch keeps its own vocabulary (:func:`_count_batch`, pure,
so it runs in a worker). Batches run in-process or on a reusable forked process pool, their
vocabularies are merged into one CSR matrix (:func:`_merge`), and the columns (raw chunks)
are mapped to their words by one sparse product (:func:`_relabel`). The result is the
same for any number of workers. Documents are counted in their own language
(:func:`analysis.tokens.languages.token_language`): each language's documents are counted
with its plan and the matrices are joined over the union of their terms, rows in input
order. :func:`count_texts` is this map step without cache or pruning (used by the scale
path, :mod:`analysis.scale.counts`).
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Sequence
from itertools import count
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import sparse

from analysis import parallel
from analysis.tokens.languages import token_language
from analysis.tokens.options import TokenOptions
from analysis.tokens.plan import token_plan
from analysis.tokens.tokenizer import tokenize_texts
from analysis.tokens.words import raw_chunks, terms_of_chunk


def count_texts(
    texts: Sequence[str],
    options: TokenOptions | None = None,
    *,
    workers: int = 1,
    langs: Sequence | None = None,
) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Count texts exactly as :func:`dtm` does, without cache or pruning (a map step).

    Parameters
    ----------
    texts : sequence of str
    options : TokenOptions, optional
    workers : int, default 1
    langs : sequence of str, optional
        Each text's language; without it each text's script decides.

    Returns
    -------
    matrix : scipy.sparse.csr_matrix of shape (n_texts, n_terms), int32
    terms : numpy.ndarray of str, shape (n_terms,), sorted
    """
    return count_in_batches(list(texts), options or TokenOptions(), workers, False, langs)


class _Part(NamedTuple):
    vocab: list[str]
    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray


def _fast_path(options: TokenOptions, language: str = "en") -> bool:
    return options.ngram_range == (1, 1) and not token_plan(options, language).spacy_lemmas


def _count_batch(texts: Sequence[str], options: TokenOptions, language: str = "en") -> _Part:
    """Counts of one batch with its own vocabulary (pure: runs in a worker).

    The cyclic garbage collector is paused: nothing here makes cycles, and the millions of
    short-lived containers would trigger it constantly (in a forked worker each run also
    touches, and so copies, the parent's memory).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _count_batch_now(texts, options, language)
    finally:
        if enabled:
            gc.enable()


def _count_batch_now(texts: Sequence[str], options: TokenOptions, language: str) -> _Part:
    """Count a batch now.

    On the fast path raw chunks are counted; words, filters and actor marks are resolved
    once per distinct chunk (:func:`_labels`), not once per token.
    """
    plan = token_plan(options, language)
    docs = (
        (raw_chunks(t, plan) for t in texts)
        if _fast_path(options, language)
        else tokenize_texts(texts, options, language)
    )
    vocab: dict[str, int] = {}
    fresh = count()  # ids for new terms: unique, not contiguous (compacted below)
    indices: list[int] = []
    data: list[int] = []
    indptr = [0]
    for tokens in docs:  # every step loops in C, not in Python bytecode
        counts = Counter(tokens)
        indices += map(vocab.setdefault, counts, fresh)
        data += counts.values()
        indptr.append(len(indices))
    compact = np.zeros(next(fresh), dtype=np.int32)
    compact[np.fromiter(vocab.values(), dtype=np.int64, count=len(vocab))] = np.arange(
        len(vocab), dtype=np.int32
    )
    return _Part(
        list(vocab),
        np.asarray(indptr, dtype=np.int64),
        compact[np.asarray(indices, dtype=np.int64)],
        np.asarray(data, dtype=np.int32),
    )


#: Below this many documents counting stays in-process (a pool costs more).
MIN_PARALLEL_DOCS = 500


def count_in_batches(
    texts: list[str],
    options: TokenOptions,
    workers: int,
    progress: bool | None,
    langs: Sequence | None = None,
):
    """Count each language's texts (:func:`_count_language`), then join them in input order."""
    if options.language is not None:
        languages = [options.language] * len(texts)
    elif langs is not None:
        languages = [token_language(lang, text) for lang, text in zip(langs, texts)]
    else:
        languages = [token_language(None, text) for text in texts]
    kinds = sorted(set(languages))
    if len(kinds) <= 1:
        return _count_language(texts, options, kinds[0] if kinds else "en", workers, progress)
    order = np.asarray(languages, dtype=object)
    rows, parts = [], []
    for language in kinds:
        at = np.flatnonzero(order == language)
        rows.append(at)
        parts.append(_count_language([texts[i] for i in at], options, language, workers, progress))
    return _join_rows(parts, np.concatenate(rows), len(texts))


def _count_language(
    texts: list[str], options: TokenOptions, language: str, workers: int, progress: bool | None
):
    """Map :func:`_count_batch` over batches (in a process pool when it pays), then merge."""
    parts = parallel.map_batches(
        _count_batch,
        texts,
        options,
        language,
        workers=1 if token_plan(options, language).spacy_lemmas else workers,
        threshold=MIN_PARALLEL_DOCS,
        desc="counting terms",
        progress=progress,
        shared="tokens",
    )
    matrix, terms = _merge(parts, len(texts))
    return _relabel(matrix, _labels(terms, options, language))


def _join_rows(parts: list[tuple[sparse.csr_matrix, np.ndarray]], rows: np.ndarray, n_docs: int):
    """Matrices of disjoint row sets over the union of their (sorted) terms, rows in order."""
    terms = np.asarray(sorted(set().union(*(set(t) for _, t in parts))), dtype=object)
    where = {t: i for i, t in enumerate(terms)}
    blocks = []
    for matrix, own in parts:
        cols = np.fromiter((where[t] for t in own), dtype=np.int64, count=len(own))
        coo = matrix.tocoo()
        blocks.append(
            sparse.csr_matrix(
                (coo.data, (coo.row, cols[coo.col])), shape=(coo.shape[0], len(terms))
            )
        )
    stacked = sparse.vstack(blocks, format="csr")
    inverse = np.empty(n_docs, dtype=np.int64)
    inverse[rows] = np.arange(n_docs)
    out = stacked[inverse].tocsr()
    out.sort_indices()
    return out.astype(np.int32), terms


def _merge(parts: list[_Part], n_docs: int) -> tuple[sparse.csr_matrix, np.ndarray]:
    """One CSR matrix over the union of the batches' vocabularies (columns unsorted)."""
    vocab: dict[str, int] = {}
    indices, data, indptr, offset = [], [], [np.zeros(1, dtype=np.int64)], 0
    for part in parts:
        remap = np.fromiter(
            (vocab.setdefault(t, len(vocab)) for t in part.vocab),
            dtype=np.int64,
            count=len(part.vocab),
        )
        indices.append(remap[part.indices] if len(remap) else part.indices.astype(np.int64))
        data.append(part.data)
        indptr.append(part.indptr[1:] + offset)
        offset += len(part.data)
    matrix = sparse.csr_matrix(
        (np.concatenate(data), np.concatenate(indices), np.concatenate(indptr)),
        shape=(n_docs, len(vocab)),
    )
    return matrix, np.asarray(list(vocab), dtype=object)


def _labels(terms: np.ndarray, options: TokenOptions, language: str) -> list[tuple[str, ...]]:
    """What each counted term becomes: raw chunks -> kept words, actor marks stripped."""
    if not _fast_path(options, language):
        return [(t,) for t in terms]
    plan = token_plan(options, language)
    return [terms_of_chunk(t, plan) for t in terms]


def _relabel(matrix: sparse.csr_matrix, labels: list[tuple[str, ...]]):
    """Columns mapped to their words (summed where words repeat, dropped when none), sorted.

    ``matrix @ P`` with ``P[i, j]`` = how often word ``j`` occurs in counted term ``i``.
    """
    sizes = np.fromiter(map(len, labels), dtype=np.int64, count=len(labels))
    words = pd.Series([w for words in labels for w in words], dtype=object)
    codes, terms = pd.factorize(words, sort=True)
    mapping = sparse.csr_matrix(
        (np.ones(len(codes), dtype=np.int32), (np.repeat(np.arange(len(labels)), sizes), codes)),
        shape=(len(labels), len(terms)),
    )
    out = (matrix @ mapping).tocsr()
    out.sort_indices()
    return out.astype(np.int32), np.asarray(terms, dtype=object)
