"""Choosing k: fit several numbers of topics (and seeds) and measure each fit.

:func:`sweep` returns coherence (UMass, NPMI), exclusivity, diversity, held-out perplexity
(document completion on held-out documents) and stability across seeds in one tidy table;
:func:`~analysis.topics.plot_sweep` draws it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.errors import OptionError
from analysis.topics.diagnostics import coherence, diversity, exclusivity, top_indices
from analysis.topics.matching import compare_runs
from analysis.topics.matrix import align_vocabulary, unit_dtm
from analysis.topics.model import TopicModel
from analysis.topics.text_units import as_units


def sweep(
    units,
    ks: Sequence[int],
    *,
    model: str = "lda",
    seeds: Sequence[int] = (0,),
    holdout: float = 0.1,
    n: int = 10,
    **params,
) -> pd.DataFrame:
    """Fit several numbers of topics (and seeds) and measure each fit.

    Parameters
    ----------
    units : pandas.DataFrame or Corpus
    ks : list of int
    model : {"lda", "nmf"}
    seeds : list of int, default (0,)
        With two or more seeds the table also reports stability.
    holdout : float, default 0.1
        LDA: share of *documents* (all their units) held out, the same for every fit, to
        measure held-out perplexity by document completion (:meth:`TopicModel.perplexity`);
        the other diagnostics come from the fit on the rest.
        0 fits on everything and reports in-sample perplexity. Ignored for NMF.
    n : int, default 10
        Top terms for coherence, exclusivity and stability (diversity uses 25).
    **params
        Further :class:`TopicModel` parameters.

    Returns
    -------
    pandas.DataFrame
        One row a fit: ``model, k, seed, umass, npmi, exclusivity, diversity, perplexity,
        stability`` (mean matched Jaccard of this k's runs; NaN with one seed).
    """
    from analysis.parallel import progress_bar

    table = as_units(units)
    train, test = _split(table, holdout if model == "lda" else 0.0)
    rows = []
    jobs = [(k, s) for k in ks for s in seeds]
    fitted: dict[int, list[TopicModel]] = {}
    for k, seed in progress_bar(jobs, desc="topic sweep", leave=False, disable=len(jobs) < 3):
        tm = TopicModel(k, model=model, random_state=seed, **params).fit(train)
        fitted.setdefault(k, []).append(tm)
        rows.append(_fit_metrics(tm, n, test))
    out = pd.DataFrame(rows)
    stab = {
        k: compare_runs(ms, n=n).mean_match if len(ms) > 1 else np.nan for k, ms in fitted.items()
    }
    out["stability"] = out["k"].map(stab).astype(float)
    out.attrs.update(
        holdout=holdout if model == "lda" else 0.0,
        n=n,
        perplexity="held-out" if len(test) else "in-sample",
        params={k: v for k, v in params.items() if k != "options"},
    )
    return out


#: Units a topic needs on average before a fit is trusted (see :func:`check_k`).
UNITS_PER_TOPIC = 5
#: Diversity a chosen k keeps at least (see :func:`choose_k`): at most 30 % of the top
#: words repeated across topics.
MIN_DIVERSITY = 0.7


def max_k(n_units: int) -> int:
    """The largest k the data can carry: one topic per :data:`UNITS_PER_TOPIC` units (>= 2)."""
    return max(2, int(n_units) // UNITS_PER_TOPIC)


def feasible_ks(ks: Sequence[int], n_units: int) -> list[int]:
    """The ks of a sweep the data can carry (:func:`max_k`); ``[max_k]`` when none can."""
    return [k for k in ks if k <= max_k(n_units)] or [max_k(n_units)]


def check_k(k: int, *, n_units: int, n_terms: int) -> None:
    """Refuse a k the data cannot carry, and warn when it is thinly spread.

    Raises
    ------
    analysis.errors.OptionError
        When ``k`` < 2, or is larger than the units or the vocabulary (each topic would
        have less than one unit or term).

    Warns
    -----
    UserWarning
        When there are fewer than :data:`UNITS_PER_TOPIC` units a topic: on 17 paragraphs
        eight topics give empty, duplicate topics.
    """
    if k < 2 or k > n_units or k > n_terms:
        raise OptionError(
            f"--k / k={k}: a topic model needs 2 <= k <= the units ({n_units:,}) and the "
            f"terms ({n_terms:,}); try k={min(max_k(n_units), max(n_terms, 2))} or choose k "
            "with topics.sweep (--sweep)."
        )
    if n_units < UNITS_PER_TOPIC * k:
        import warnings

        warnings.warn(
            f"k={k} topics on {n_units:,} units: fewer than {UNITS_PER_TOPIC} units a topic "
            f"gives empty or duplicate topics; k <= {max_k(n_units)} suits these data.",
            UserWarning,
            stacklevel=3,
        )


def choose_k(table: pd.DataFrame, *, min_diversity: float = MIN_DIVERSITY) -> int:
    """The number of topics a :func:`sweep` supports, by a stated rule.

    Among the ks whose mean diversity (over seeds) is at least ``min_diversity``, the one
    with the highest mean NPMI coherence (Bouma 2009; Röder, Both & Hinneburg 2015); ties
    go to the smaller k. When no k keeps that diversity, the k with the highest diversity.
    Coherence rewards topics whose top words occur together, diversity penalizes topics
    that repeat each other (Dieng, Ruiz & Blei 2020); together they guard against both
    too few (mixed) and too many (split, duplicated) topics.

    Parameters
    ----------
    table : DataFrame
        The output of :func:`sweep` (``k``, ``npmi``, ``diversity``).
    min_diversity : float, default 0.7

    Returns
    -------
    int

    References
    ----------
    Bouma, G. (2009). Normalized (pointwise) mutual information in collocation
    extraction. *Proceedings of GSCL*, 31-40.
    Dieng, A. B., Ruiz, F. J. R. & Blei, D. M. (2020). Topic modeling in embedding spaces.
    *TACL* 8, 439-453.
    Röder, M., Both, A. & Hinneburg, A. (2015). Exploring the space of topic coherence
    measures. *WSDM '15*, 399-408.
    """
    if table.empty:
        raise OptionError("the sweep is empty: fit at least one k.")
    by_k = table.groupby("k")[["npmi", "diversity"]].mean().sort_index()
    diverse = by_k[by_k["diversity"] >= min_diversity]
    if diverse.empty:
        return int(by_k["diversity"].idxmax())
    return int(diverse["npmi"].idxmax())


def k_rule(min_diversity: float = MIN_DIVERSITY) -> str:
    """:func:`choose_k`'s rule in words, for captions and notes."""
    return (
        f"the highest NPMI coherence among the ks whose diversity is at least {min_diversity:.2f}"
    )


def _split(table: pd.DataFrame, holdout: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Units of a seeded random ``holdout`` share of documents apart (fixed seed 0)."""
    docs = pd.unique(table["doc_id"].astype(str))
    n_test = int(round(holdout * len(docs)))
    if n_test == 0 or len(docs) - n_test < 2:
        return table, table.iloc[:0]
    test_docs = set(np.random.default_rng(0).choice(docs, n_test, replace=False))
    is_test = table["doc_id"].astype(str).isin(test_docs).to_numpy()
    return table[~is_test].reset_index(drop=True), table[is_test].reset_index(drop=True)


def _fit_metrics(tm: TopicModel, n: int, test: pd.DataFrame) -> dict:
    phi = tm.topic_term_
    if n == 10:
        umass, npmi = tm.umass_, tm.npmi_
    else:
        X = unit_dtm(tm.units_, tm.token_options(), cache=tm.cache)
        X = align_vocabulary(X, tm.terms_)
        top = top_indices(phi, n)
        umass, npmi = coherence(top, X, measure="umass"), coherence(top, X, measure="npmi")
    if tm.model == "lda":
        perplexity = tm.perplexity(test) if len(test) else tm.perplexity_
    else:
        perplexity = np.nan
    return {
        "model": tm.model,
        "k": int(tm.k),
        "seed": tm.random_state,
        "umass": float(np.mean(umass)),
        "npmi": float(np.mean(npmi)),
        "exclusivity": float(np.mean(exclusivity(phi, n=n))),
        "diversity": diversity(phi, n=25),
        "perplexity": float(perplexity),
    }
