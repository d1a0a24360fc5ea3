"""The document-term matrix written for other tools: Matrix Market plus two CSV tables.

:func:`write_dtm` writes a folder that R (quanteda via ``Matrix::readMM``), Python
(``scipy.io.mmread``, gensim's ``MmCorpus``) and anything else reading the NIST Matrix
Market exchange format (Boisvert, Pozo & Remington 1997) can load without this package:

``dtm.mtx``
    ``%%MatrixMarket matrix coordinate real general``: one line ``row col count`` per
    non-zero cell, 1-based, documents as rows and terms as columns, rows in document order
    and columns ascending within a row (counts are whole numbers; the ``real`` field is
    the one gensim reads).
``terms.csv``
    ``column, term, count, n_docs``: column number (1-based), the term, its count and its
    document frequency.
``documents.csv``
    ``row, doc_id, n_tokens`` and the corpus metadata: row number (1-based), the id, the
    document's tokens before ``min_df``/``max_df`` pruning (the denominator of rates).

In R::

    m <- Matrix::readMM("dtm.mtx")
    docs <- read.csv("documents.csv"); terms <- read.csv("terms.csv")
    dimnames(m) <- list(docs$doc_id, terms$term)
    x <- quanteda::as.dfm(m); quanteda::docvars(x) <- docs

References
----------
Boisvert, R. F., Pozo, R. & Remington, K. A. (1997). *The Matrix Market exchange formats:
initial design*. NISTIR 5935, National Institute of Standards and Technology.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analysis.atomic import atomic_dir
from analysis.tokens.matrix import DTM

#: The files :func:`write_dtm` writes.
DTM_FILES = ("dtm.mtx", "terms.csv", "documents.csv")


def write_dtm(matrix: DTM, out_dir: str | Path) -> dict[str, Path]:
    """Write a document-term matrix with its vocabulary and metadata (module docstring).

    Parameters
    ----------
    matrix : DTM
        From :func:`analysis.tokens.dtm`.
    out_dir : str or Path
        Folder to write (created if needed). The three files are written into a
        temporary folder first and then replace their namesakes; other files there stay.

    Returns
    -------
    dict of str to Path
        ``{"dtm": ..., "terms": ..., "documents": ...}``.
    """
    out = Path(out_dir)
    m = matrix.matrix.tocsr()
    m.sort_indices()
    n_docs, n_terms = m.shape
    rows = np.repeat(np.arange(1, n_docs + 1), np.diff(m.indptr))
    terms = pd.DataFrame(
        {
            "column": np.arange(1, n_terms + 1),
            "term": matrix.terms,
            "count": np.asarray(m.sum(axis=0)).ravel().astype(np.int64),
            "n_docs": np.diff(m.tocsc().indptr),
        }
    )
    meta = matrix.docs.drop(columns=["text"], errors="ignore") if matrix.docs is not None else None
    documents = pd.DataFrame(
        {"row": np.arange(1, n_docs + 1), "doc_id": matrix.doc_ids, "n_tokens": matrix.n_tokens}
    )
    if meta is not None:
        extra = meta.drop(columns=[c for c in meta.columns if c in documents.columns])
        documents = pd.concat([documents, extra.reset_index(drop=True)], axis=1)
    with atomic_dir(out, merge=True) as tmp:
        with open(tmp / "dtm.mtx", "w", encoding="ascii", newline="\n") as fh:
            fh.write("%%MatrixMarket matrix coordinate real general\n")
            fh.write("% documents x terms; rows: documents.csv, columns: terms.csv\n")
            fh.write(f"{n_docs} {n_terms} {m.nnz}\n")
            cells = np.column_stack([rows, m.indices + 1, m.data.astype(np.int64)])
            np.savetxt(fh, cells, fmt="%d")
        terms.to_csv(tmp / "terms.csv", index=False, lineterminator="\n")
        documents.to_csv(tmp / "documents.csv", index=False, lineterminator="\n")
    return {name.split(".")[0]: out / name for name in DTM_FILES}
