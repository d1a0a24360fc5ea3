"""Stability across seeds: topics of runs matched one to one on their top terms.

:func:`stability` refits a model with several seeds; :func:`compare_runs` matches every
pair of runs (:func:`match_topics`: Hungarian assignment on the Jaccard overlap of top-term
sets [7]_) and picks the run most like the others as the representative one.

References
----------
Numbered as in :mod:`analysis.topics`, which gives them in full: [7] Greene, O'Callaghan &
Cunningham 2014 (stability by matching top words).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from analysis.errors import OptionError
from analysis.topics.diagnostics import top_indices
from analysis.topics.model import TopicModel
from analysis.topics.text_units import as_units


@dataclass
class Stability:
    """Topics matched across runs fitted with different seeds.

    Attributes
    ----------
    runs : pandas.DataFrame
        ``run, seed, mean_match, representative``: each run's mean matched top-term
        Jaccard with the other runs; the representative run has the highest.
    pairs : pandas.DataFrame
        ``run_a, run_b, seed_a, seed_b, mean_jaccard``.
    topics : pandas.DataFrame
        For the representative run: ``topic, label, mean_jaccard, min_jaccard`` of each
        topic's best matches in the other runs (low: the topic does not come back).
    representative : int
        Index of the representative run.
    models : list of TopicModel
        The runs (empty when :func:`compare_runs` was given term lists).
    """

    runs: pd.DataFrame
    pairs: pd.DataFrame
    topics: pd.DataFrame
    representative: int
    models: list = field(default_factory=list)

    @property
    def model(self) -> TopicModel | None:
        """The representative run's model."""
        return self.models[self.representative] if self.models else None

    @property
    def mean_match(self) -> float:
        """Mean matched Jaccard over all pairs of runs (1: identical top terms)."""
        return float(self.pairs["mean_jaccard"].mean()) if len(self.pairs) else 1.0


def _term_sets(run, n: int) -> list[set[str]]:
    if isinstance(run, TopicModel):
        top = top_indices(run.topic_term_, n)
        return [set(run.terms_[row].astype(str)) for row in top]
    return [set(list(terms)[:n]) for terms in run]


def match_topics(a, b, *, n: int = 10) -> pd.DataFrame:
    """Match the topics of two runs one to one, maximizing top-term overlap [7]_.

    Parameters
    ----------
    a, b : TopicModel or list of lists of str
        Two fitted models, or each topic's top terms (best first).
    n : int, default 10
        Top terms compared.

    Returns
    -------
    pandas.DataFrame
        ``topic_a, topic_b, jaccard``, one row a topic of ``a`` (Hungarian assignment,
        :func:`scipy.optimize.linear_sum_assignment`, on the Jaccard similarity of top-term
        sets).
    """
    sa, sb = _term_sets(a, n), _term_sets(b, n)
    J = np.array([[len(x & y) / len(x | y) if x | y else 1.0 for y in sb] for x in sa])
    rows, cols = linear_sum_assignment(J, maximize=True)
    return pd.DataFrame({"topic_a": rows, "topic_b": cols, "jaccard": J[rows, cols]})


def compare_runs(runs: Sequence, *, n: int = 10, seeds: Sequence[int] | None = None) -> Stability:
    """Match every pair of runs and pick the representative one.

    Parameters
    ----------
    runs : list of TopicModel or of lists of top terms
    n : int, default 10
    seeds : list of int, optional
        Seeds of the runs (default: their ``random_state``, else 0, 1, ...).

    Returns
    -------
    Stability
    """
    if len(runs) < 2:
        raise OptionError("stability needs at least two runs (two seeds).")
    seeds = (
        list(seeds)
        if seeds is not None
        else [r.random_state if isinstance(r, TopicModel) else i for i, r in enumerate(runs)]
    )
    m = len(runs)
    score = np.eye(m)
    matches: dict[tuple[int, int], pd.DataFrame] = {}
    pair_rows = []
    for i in range(m):
        for j in range(i + 1, m):
            matched = match_topics(runs[i], runs[j], n=n)
            matches[i, j] = matched
            score[i, j] = score[j, i] = matched["jaccard"].mean()
            pair_rows.append(
                {
                    "run_a": i,
                    "run_b": j,
                    "seed_a": seeds[i],
                    "seed_b": seeds[j],
                    "mean_jaccard": score[i, j],
                }
            )
    mean_match = (score.sum(axis=1) - 1) / (m - 1)
    best = int(np.argmax(mean_match))
    runs_table = pd.DataFrame(
        {
            "run": range(m),
            "seed": seeds,
            "mean_match": mean_match,
            "representative": np.arange(m) == best,
        }
    )
    return Stability(
        runs_table,
        pd.DataFrame(pair_rows),
        _topic_stability(runs, best, matches),
        best,
        [r for r in runs if isinstance(r, TopicModel)],
    )


def _topic_stability(runs: Sequence, best: int, matches: dict) -> pd.DataFrame:
    per_topic = []
    for other in range(len(runs)):
        if other == best:
            continue
        if (best, other) in matches:
            j = matches[best, other].set_index("topic_a")["jaccard"]
        else:
            j = matches[other, best].set_index("topic_b")["jaccard"]
        per_topic.append(j.sort_index().to_numpy())
    arr = np.vstack(per_topic)
    run = runs[best]
    labels = (
        [run.labels_[t] for t in range(arr.shape[1])]
        if isinstance(run, TopicModel)
        else [" · ".join(list(t)[:3]) for t in run]
    )
    return pd.DataFrame(
        {
            "topic": range(arr.shape[1]),
            "label": labels,
            "mean_jaccard": arr.mean(axis=0),
            "min_jaccard": arr.min(axis=0),
        }
    )


def stability(
    units, k: int, *, seeds: Sequence[int] = (0, 1, 2, 3, 4), n: int = 10, **params
) -> Stability:
    """Refit with several seeds, match topics across runs, pick the representative run.

    Parameters
    ----------
    units : pandas.DataFrame or Corpus
    k : int
    seeds : list of int, default (0, 1, 2, 3, 4)
    n : int, default 10
        Top terms compared (Jaccard of top-``n`` sets, Hungarian matching [7]_).
    **params
        Further :class:`TopicModel` parameters (``model``, ``options``, ``min_df``...).

    Returns
    -------
    Stability
        ``.model`` is the run with the highest mean match to the others.
    """
    from analysis.parallel import progress_bar

    table = as_units(units)
    models = [
        TopicModel(k, random_state=s, **params).fit(table)
        for s in progress_bar(
            list(seeds), desc=f"stability k={k}", leave=False, disable=len(table) < 2000
        )
    ]
    return compare_runs(models, n=n, seeds=list(seeds))
