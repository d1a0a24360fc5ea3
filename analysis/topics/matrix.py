"""The document-term matrix of a units table, and the weighting NMF is fitted on.

:func:`unit_dtm` counts terms with :func:`analysis.tokens.dtm` (same tokenizer, same NPZ
cache), one row a unit; :func:`align_vocabulary` re-indexes counts of new units to a fitted model's
vocabulary; :func:`smoothed_idf` and :func:`tfidf_rows` weight counts as scikit-learn's
``TfidfTransformer`` does.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
from scipy import sparse

from analysis.settings import Settings
from analysis.tokens import DTM, TokenOptions, dtm
from analysis.topics.text_units import as_units


def _units_hash(table: pd.DataFrame) -> str:
    h = hashlib.blake2b(digest_size=16)
    h.update("\x1f".join(table["unit_id"].astype(str)).encode("utf-8"))
    for text in table["text"]:
        h.update(str(text).encode("utf-8"))
        h.update(b"\x1e")
    return h.hexdigest()


def unit_dtm(
    table: pd.DataFrame,
    options: TokenOptions | None = None,
    *,
    min_df: int | float = 1,
    max_df: int | float = 1.0,
    cache: bool = True,
    settings: Settings | None = None,
) -> DTM:
    """The document-term matrix of a units table (rows follow ``unit_id``).

    A thin wrapper around :func:`analysis.tokens.dtm` (same counting, same NPZ cache),
    treating each unit as a document.
    """
    from analysis.corpus import Corpus

    table = as_units(table)
    n = len(table)
    blank = pd.Series([None] * n, dtype=object)
    docs = pd.DataFrame(
        {
            "doc_id": table["unit_id"].astype(str),
            "text": table["text"],
            "title": blank,
            "date": pd.Series(pd.NaT, index=range(n)),
            "source": blank,
            "author": blank,
            "url": blank,
            "lang": table["lang"].reset_index(drop=True) if "lang" in table.columns else blank,
        }
    )
    pseudo = Corpus(docs, name="topic units", fingerprint="units-" + _units_hash(table))
    return dtm(pseudo, options, min_df=min_df, max_df=max_df, cache=cache, settings=settings)


def matrix_hash(m: DTM) -> str:
    """Hash of a DTM's terms and counts (a cache key part)."""
    h = hashlib.blake2b(digest_size=16)
    h.update("\x1f".join(map(str, m.terms)).encode("utf-8"))
    for arr in (m.matrix.indptr, m.matrix.indices, m.matrix.data):
        h.update(np.ascontiguousarray(arr).tobytes())
    return h.hexdigest()


def align_vocabulary(m: DTM, terms: np.ndarray) -> sparse.csr_matrix:
    """``m``'s counts re-indexed to the columns ``terms`` (unknown terms dropped)."""
    col = pd.Index(terms).get_indexer(pd.Index(m.terms))
    coo = m.matrix.tocoo()
    keep = col[coo.col] >= 0
    return sparse.csr_matrix(
        (coo.data[keep].astype(np.float64), (coo.row[keep], col[coo.col[keep]])),
        shape=(m.matrix.shape[0], len(terms)),
    )


def smoothed_idf(X: sparse.csr_matrix) -> np.ndarray:
    """Smoothed inverse document frequency, as scikit-learn's ``TfidfTransformer``."""
    df = np.bincount(X.indices, minlength=X.shape[1])
    return np.log((1 + X.shape[0]) / (1 + df)) + 1.0


def tfidf_rows(X: sparse.csr_matrix, idf: np.ndarray) -> sparse.csr_matrix:
    """Rows of ``X`` weighted by ``idf`` and l2-normalized (the NMF input)."""
    from sklearn.preprocessing import normalize

    return normalize(sparse.csr_matrix(X @ sparse.diags(idf)), norm="l2")
