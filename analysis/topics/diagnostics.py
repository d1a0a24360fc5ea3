"""Term scores and topic diagnostics: relevance, FREX, exclusivity, diversity, coherence.

All take a topic-term matrix (rows: topics, columns: terms; rows summing to 1) or the
column indices of each topic's top terms, so they work on any fitted model, not only a
:class:`~analysis.topics.TopicModel`. Held-out perplexity by document completion
(:func:`split_halves`, :func:`held_out_perplexity`) is here too; :meth:`TopicModel.perplexity
<analysis.topics.TopicModel.perplexity>` and :func:`~analysis.topics.sweep` use it.

References
----------
Numbered as in :mod:`analysis.topics`, which gives them in full: [2] Mimno et al. 2011
(UMass coherence); [3] Bouma 2009, Lau, Newman & Baldwin 2014 (NPMI coherence); [4] Roberts,
Stewart & Airoldi 2016, Bischof & Airoldi 2012 (FREX, exclusivity); [5] Sievert & Shirley
2014 (relevance); [6] Dieng, Ruiz & Blei 2020 (topic diversity); [9] Wallach et al. 2009
(held-out likelihood, document completion).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.stats import rankdata

from analysis.errors import OptionError

if TYPE_CHECKING:
    from analysis.topics.model import TopicModel


def top_indices(scores: np.ndarray, n: int) -> np.ndarray:
    """Column indices of the ``n`` highest scores of each row, best first (ties: lower index)."""
    n = min(int(n), scores.shape[1])
    return np.argsort(-scores, axis=1, kind="stable")[:, :n]


def relevance(
    topic_term: np.ndarray, term_frequency: np.ndarray, lambda_: float = 0.6
) -> np.ndarray:
    """Sievert & Shirley's relevance [5]_ of every term to every topic.

    ``r(w, k) = lambda * log p(w|k) + (1 - lambda) * log(p(w|k) / p(w))``, with ``p(w)``
    the term's share of all tokens. Shape (k, n_terms).
    """
    p_w = np.asarray(term_frequency, dtype=np.float64) / np.sum(term_frequency)
    with np.errstate(divide="ignore"):
        log_phi = np.log(topic_term)
    return lambda_ * log_phi + (1 - lambda_) * (log_phi - np.log(p_w))


def frex(topic_term: np.ndarray, weight: float = 0.5) -> np.ndarray:
    """FREX [4]_: harmonic mean of a term's frequency and exclusivity ranks in a topic.

    ``FREX(w, k) = 1 / (weight / ECDF_k(excl(w, k)) + (1 - weight) / ECDF_k(p(w|k)))``,
    where ``excl(w, k) = p(w|k) / sum_j p(w|j)`` and ``ECDF_k`` is the empirical CDF over
    the vocabulary within topic ``k`` (as stm's ``calcfrex``). Shape (k, n_terms).
    """
    excl = _exclusivity_matrix(topic_term)
    n = topic_term.shape[1]
    ex_rank = rankdata(excl, method="max", axis=1) / n
    fr_rank = rankdata(topic_term, method="max", axis=1) / n
    return 1.0 / (weight / ex_rank + (1 - weight) / fr_rank)


def exclusivity(topic_term: np.ndarray, *, n: int = 10) -> np.ndarray:
    """Mean exclusivity ``p(w|k) / sum_j p(w|j)`` of each topic's top ``n`` terms [4]_.

    1 when no other topic uses the topic's top terms; ``1/k`` when all topics share them.
    """
    excl = _exclusivity_matrix(topic_term)
    top = top_indices(topic_term, n)
    return np.take_along_axis(excl, top, axis=1).mean(axis=1)


def _exclusivity_matrix(topic_term: np.ndarray) -> np.ndarray:
    """``p(w|k) / sum_j p(w|j)``, 0 for a term no topic uses."""
    total = topic_term.sum(axis=0, keepdims=True)
    return np.divide(topic_term, total, out=np.zeros_like(topic_term), where=total > 0)


def diversity(topic_term: np.ndarray, *, n: int = 25) -> float:
    """Topic diversity [6]_: unique terms among all topics' top ``n`` / (n * k)."""
    top = top_indices(topic_term, n)
    return float(len(np.unique(top)) / top.size)


def coherence(top: Sequence[Sequence[int]] | np.ndarray, X, *, measure: str = "npmi") -> np.ndarray:
    """Coherence of each topic's top terms, from document co-occurrence in ``X``.

    Parameters
    ----------
    top : array-like of shape (k, n)
        Column indices of each topic's top terms, most probable first.
    X : sparse matrix or ndarray of shape (n_units, n_terms)
        Counts (only presence matters): the units the model was fitted on, or a
        reference corpus with the same columns.
    measure : {"npmi", "umass"}
        ``"umass"`` [2]_: mean over pairs ``m > l`` (``v_l`` the more probable term) of
        ``log((D(v_m, v_l) + 1) / D(v_l))``, with ``D`` counting units containing the
        term(s); Mimno et al. sum the pairs, the mean keeps scores comparable across ``n``.
        ``"npmi"`` [3]_: mean over pairs of
        ``log(P(wi, wj) / (P(wi) P(wj))) / -log P(wi, wj)``, probabilities being shares of
        units; -1 for pairs that never co-occur, 1 for pairs present in every unit.

    Returns
    -------
    ndarray of shape (k,)
        Higher is more coherent (UMass <= 0; NPMI in [-1, 1]).
    """
    if measure not in ("npmi", "umass"):
        raise OptionError(f"measure must be 'npmi' or 'umass', not {measure!r}")
    top = np.asarray(top, dtype=np.int64)
    cols, local = np.unique(top, return_inverse=True)
    local = local.reshape(top.shape)
    B = sparse.csc_matrix(X)[:, cols]
    B = sparse.csc_matrix((B != 0).astype(np.float64))
    co = np.asarray((B.T @ B).todense())
    n_docs = B.shape[0]
    lo, hi = np.triu_indices(top.shape[1], k=1)  # lo: the more probable term
    a, b = local[:, lo], local[:, hi]
    joint, d_a, d_b = co[a, b], co[a, a], co[b, b]
    with np.errstate(divide="ignore", invalid="ignore"):
        if measure == "umass":
            scores = np.log((joint + 1) / d_a)
        else:
            p_ab, p_a, p_b = joint / n_docs, d_a / n_docs, d_b / n_docs
            scores = np.log(p_ab / (p_a * p_b)) / -np.log(p_ab)
            scores = np.where(joint == 0, -1.0, np.where(joint == n_docs, 1.0, scores))
    return scores.mean(axis=1)


def auto_labels(model: TopicModel, *, n: int = 3, lambda_: float = 0.6) -> dict[int, str]:
    """Short labels: each topic's top ``n`` terms by relevance, joined with " · ".

    A label that repeats gets its topic number appended.
    """
    scores = relevance(model.topic_term_, model.term_frequency_, lambda_)
    top = top_indices(scores, n)
    labels = [" · ".join(model.terms_[row].astype(str)) for row in top]
    counts = pd.Series(labels).value_counts()
    return {t: (f"{lab} ({t})" if counts[lab] > 1 else lab) for t, lab in enumerate(labels)}


# -- perplexity by document completion -------------------------------------------------------
def split_halves(X: sparse.csr_matrix, random_state: int) -> tuple[sparse.csr_matrix, ...]:
    """Split every count at random into two halves (binomial, p = 1/2)."""
    rng = np.random.default_rng(random_state)
    first = X.copy()
    first.data = rng.binomial(X.data.astype(np.int64), 0.5).astype(np.float64)
    second = X.copy()
    second.data = X.data - first.data
    first.eliminate_zeros()
    second.eliminate_zeros()
    return first, second


def held_out_perplexity(
    X: sparse.csr_matrix, theta: np.ndarray, phi: np.ndarray, block: int = 1_000_000
) -> float:
    """``exp(-sum_dw n_dw log(theta_d . phi_w) / sum n)``, in blocks of non-zeros.

    The products are taken in float32 (twice as fast; perplexity to ~6 digits), the sum
    in float64.
    """
    coo = X.tocoo()
    total = 0.0
    theta32 = theta.astype(np.float32)
    phi_t = np.ascontiguousarray(phi.T, dtype=np.float32)
    for lo in range(0, coo.nnz, block):
        r, c = coo.row[lo : lo + block], coo.col[lo : lo + block]
        p = np.einsum("ik,ik->i", theta32[r], phi_t[c]).astype(np.float64)
        total += float(coo.data[lo : lo + block] @ np.log(np.maximum(p, 1e-300)))
    n = float(coo.data.sum())
    return float(np.exp(-total / n)) if n > 0 else float("nan")
