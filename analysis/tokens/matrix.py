"""The document-term matrix (:class:`DTM`, :func:`dtm`) and its on-disk cache.

:func:`dtm` counts a corpus (:mod:`analysis.tokens.counting`), drops rare and ubiquitous
terms (``min_df``/``max_df``, scikit-learn's convention) and caches the result as
``<cache_dir>/dtm/<key>/`` (one ``.npy`` file an array, read with ``allow_pickle=False``) beside
``<key>.json`` (its parameters), written atomically. The key is the corpus fingerprint, the
options (the language and lemma settings among them), a hash of the stopword and actor lists
and of the Russian lemmatizer's version (:func:`_signature`), ``min_df``, ``max_df`` and
the package's code version. Each document is counted in its own language (its ``lang``).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse

from analysis.atomic import atomic_dir, atomic_path
from analysis.cache import make_key
from analysis.settings import Settings, get_settings
from analysis.tokens.counting import count_in_batches
from analysis.tokens.languages import language_signature
from analysis.tokens.options import TokenOptions, domain_stopwords


@dataclass(eq=False)
class DTM:
    """A document-term matrix and what it was made from.

    Attributes
    ----------
    matrix : scipy.sparse.csr_matrix of shape (n_docs, n_terms), int32
        Counts; rows follow ``doc_ids``, columns ``terms`` (sorted).
    terms : numpy.ndarray of str, shape (n_terms,)
    doc_ids : numpy.ndarray of str, shape (n_docs,)
    options : TokenOptions
    n_tokens : numpy.ndarray of int64, shape (n_docs,)
        Tokens (all terms, n-grams included) of each document BEFORE ``min_df``/``max_df``
        pruning: the denominator of relative frequencies, so rates do not depend on pruning.
    docs : pandas.DataFrame or None
        The corpus' documents table without ``text`` (metadata for grouping), row-aligned.
    params : dict
        ``min_df``, ``max_df``, the options and the corpus fingerprint.
    from_cache : bool
    """

    matrix: sparse.csr_matrix
    terms: np.ndarray
    doc_ids: np.ndarray
    options: TokenOptions
    n_tokens: np.ndarray
    docs: pd.DataFrame | None = None
    params: dict = field(default_factory=dict)
    from_cache: bool = False

    @property
    def shape(self) -> tuple[int, int]:
        """``(n_docs, n_terms)``."""
        return self.matrix.shape

    def __repr__(self) -> str:
        return (
            f"<DTM {self.shape[0]} docs x {self.shape[1]} terms, "
            f"{self.matrix.nnz} non-zero, min_df={self.params.get('min_df')}>"
        )


def dtm(
    corpus,
    options: TokenOptions | None = None,
    *,
    min_df: int | float = 1,
    max_df: int | float = 1.0,
    cache: bool = True,
    workers: int | None = None,
    settings: Settings | None = None,
    progress: bool | None = None,
) -> DTM:
    """Count the terms of every document of ``corpus``.

    Parameters
    ----------
    corpus : Corpus
    options : TokenOptions, optional
    min_df, max_df : int or float
        Keep terms in at least ``min_df`` and at most ``max_df`` documents; a float is a
        proportion of documents (scikit-learn's convention).
    cache : bool, default True
        Read and write the on-disk cache, ``<cache_dir>/dtm/<key>/`` (one ``.npy`` file an
        array, no pickled objects; the matrix is memory-mapped copy-on-write when read)
        beside ``<key>.json`` (its parameters), keyed by the corpus fingerprint, the
        options, the stopword list, ``min_df``, ``max_df`` and the code version (which
        covers the actor registry).
    workers : int, optional
        Processes (default ``settings.workers``); batches are counted in parallel and their
        vocabularies merged, with the same result as one process.
    settings : Settings, optional
    progress : bool, optional
        Show a progress bar (default: for more than 2,000 documents).

    Returns
    -------
    DTM

    Notes
    -----
    Counts are exactly those of :func:`tokenize` (tested). For unigrams without lemmas,
    each document's raw chunks (runs of word characters joined by hyphens or apostrophes)
    are counted with :class:`collections.Counter`; lower-casing, splitting into words and
    the filters then run once per DISTINCT chunk, and columns are merged with one sparse
    product. That keeps per-token work in C and makes one core about as fast as
    scikit-learn's ``CountVectorizer``; batches of documents run on ``workers`` processes
    and their vocabularies are merged (``benchmarks/bench_terms.py`` measures both).
    """
    options = options or TokenOptions()
    settings = settings or get_settings()
    params = {
        "fingerprint": corpus.fingerprint,
        "options": options.to_dict(),
        "min_df": min_df,
        "max_df": max_df,
    }
    path = Path(settings.cache_dir) / "dtm" / make_key("dtm", params, _signature(options))
    use_cache = cache and settings.use_cache
    found = _read_entry(path, options) if use_cache else None
    docs = corpus.meta
    if found is not None:
        found.docs, found.params = docs, params
        return found
    if use_cache and path.exists():
        shutil.rmtree(path, ignore_errors=True)  # damaged: written anew below
    texts = corpus.docs["text"].tolist()
    langs = corpus.docs["lang"].tolist() if "lang" in corpus.docs.columns else None
    counted = count_in_batches(texts, options, workers or settings.workers, progress, langs)
    built = _prune(*counted, min_df, max_df)
    result = DTM(
        built[0],
        built[1],
        np.asarray(corpus.doc_ids, dtype=object),
        options,
        built[2],
        docs,
        params,
    )
    if use_cache:
        _write_entry(path, result)
    return result


def _prune(
    matrix: sparse.csr_matrix, terms: np.ndarray, min_df: int | float, max_df: int | float
) -> tuple[sparse.csr_matrix, np.ndarray, np.ndarray]:
    """Drop rare and ubiquitous terms; return (matrix, terms, n_tokens before pruning)."""
    n_docs = matrix.shape[0]
    n_tokens = np.asarray(matrix.sum(axis=1), dtype=np.int64).ravel()
    low = min_df if isinstance(min_df, (int, np.integer)) else int(np.ceil(min_df * n_docs))
    high = max_df if isinstance(max_df, (int, np.integer)) else int(np.floor(max_df * n_docs))
    if low <= 1 and high >= n_docs:
        return matrix, terms, n_tokens
    df = np.bincount(matrix.indices, minlength=matrix.shape[1])
    keep = np.flatnonzero((df >= low) & (df <= high))
    return matrix[:, keep].tocsr(), terms[keep], n_tokens


@lru_cache(maxsize=16)
def _signature(options: TokenOptions) -> str:
    """Hash of what the options' word lists contain now (part of the DTM cache key).

    Cheap on purpose (no scikit-learn import, no regex compilation, no actor registry) so
    a warm :func:`dtm` stays fast: the English list is identified by scikit-learn's
    version, the Russian lemmatizer by its own. The actor names merged into tokens come
    from the package's actor registry, a data file whose bytes are already in every key
    (:func:`analysis.cache.code_version`).
    """
    from importlib.metadata import version

    parts = [
        options.to_dict(),
        version("scikit-learn") if options.stopwords in ("auto", "english") else None,
        sorted(domain_stopwords()) if options.domain_stopwords else None,
    ]
    if options.language in (None, "ru"):
        parts.append(language_signature("ru", options.lemmas_for("ru")))
    blob = json.dumps(parts, ensure_ascii=False).encode()
    return hashlib.blake2b(blob, digest_size=10).hexdigest()


def _write_entry(path: Path, m: DTM) -> None:
    """``<key>.json`` (what the entry is, for people) then ``<key>/`` (the data)."""
    from analysis import __version__

    about = {**m.params, "shape": list(m.shape), "nnz": int(m.matrix.nnz), "version": __version__}
    with atomic_path(path.with_name(path.name + ".json")) as tmp:
        tmp.write_text(json.dumps(about, indent=1, default=str), encoding="utf-8")
    _write_arrays(path, m)


#: The arrays of a cached DTM, one ``<name>.npy`` file each in the entry's folder.
ENTRY_ARRAYS = ("data", "indices", "indptr", "shape", "terms", "doc_ids", "n_tokens")


def _write_arrays(path: Path, m: DTM) -> None:
    """One ``.npy`` file an array (no pickled objects) in a folder that appears whole.

    Plain ``.npy`` files, not one ``.npz``, so a warm read memory-maps the matrix instead
    of copying it out of a zip archive (a third of a warm ``terms`` run on the UN
    General Debate went to that copy).
    """

    def text(items) -> np.ndarray:
        return np.frombuffer("\n".join(map(str, items)).encode("utf-8"), dtype=np.uint8)

    arrays = {
        "data": m.matrix.data,
        "indices": m.matrix.indices,
        "indptr": m.matrix.indptr,
        "shape": np.asarray(m.matrix.shape, dtype=np.int64),
        "terms": text(m.terms),
        "doc_ids": text(m.doc_ids),
        "n_tokens": m.n_tokens,
    }
    with atomic_dir(path, keep_existing=True) as tmp:
        for name in ENTRY_ARRAYS:
            np.save(tmp / f"{name}.npy", np.ascontiguousarray(arrays[name]), allow_pickle=False)


def _read_entry(path: Path, options: TokenOptions) -> DTM | None:
    """The cached DTM, or None when absent or unreadable (then it is rebuilt).

    The matrix's three arrays are memory-mapped copy-on-write (``mmap_mode="c"``): pages
    are read from the file as they are used, and writing to them never reaches the file.
    A truncated or damaged file fails to map or to match the recorded shape.
    """
    if not path.is_dir():
        return None
    try:

        def load(name: str, mmap: bool = False) -> np.ndarray:
            mode = "c" if mmap else None
            return np.load(path / f"{name}.npy", mmap_mode=mode, allow_pickle=False)

        shape = tuple(int(n) for n in load("shape"))
        data, indices, indptr = (load(k, mmap=True) for k in ("data", "indices", "indptr"))
        if len(indptr) != shape[0] + 1 or len(data) != len(indices) or indptr[-1] != len(data):
            raise ValueError("cached DTM is inconsistent")
        matrix = sparse.csr_matrix((data, indices, indptr), shape=shape)
        terms = _split(load("terms"), shape[1])
        doc_ids = _split(load("doc_ids"), shape[0])
        n_tokens = load("n_tokens")
    except (OSError, ValueError, KeyError, EOFError):
        return None
    return DTM(matrix, terms, doc_ids, options, n_tokens, from_cache=True)


def _split(buf: np.ndarray, n: int) -> np.ndarray:
    items = buf.tobytes().decode("utf-8").split("\n") if n else []
    if len(items) != n:
        raise ValueError("cached DTM is inconsistent")
    return np.asarray(items, dtype=object)
