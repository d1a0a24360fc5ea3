"""The "same footing" measure: how similarly a group of texts frames two organizations.

::

    from analysis import framing
    ctx = framing.score_frames(framing.contexts(corpus, ["CSTO", "NATO", "SCO"]))
    framing.footing(ctx, pairs=[("CSTO", "NATO"), ("CSTO", "SCO")], by="period")
    framing.plot_footing(table)

The seed article claims that the UN's steps put the CSTO "on the same footing as genuine
alliances such as NATO". A text (or a group of texts) puts two organizations on the same
footing when it speaks of them in the same terms. Two distances measure that, each between
the two organizations' contexts (the sentences naming them) in the same group of texts:

- ``frames``: between their frame profiles, the distribution of their contexts' frame
  invocations over the categories of the frame dictionary (a context invoking no frame
  counts in a ``none`` bin, so "rarely framed at all" is part of the profile);
- ``vocabulary``: between the distributions of the words of their contexts (the tokens of
  :func:`analysis.tokens.tokenize` in each context's language: stop words out, Russian
  lemmas; actor names left out, so naming each other does not make them alike).

The distance is the Jensen-Shannon distance (the square root of the Jensen-Shannon
divergence with base-2 logarithms; Lin 1991, Endres & Schindelin 2003): 0 for identical
distributions, 1 for distributions with nothing in common; it is a metric, so distances
can be compared and averaged. Intervals come from the cluster bootstrap over documents
(:func:`analysis.stats.resample_counts`, within each group). A distance between samples is
biased upward (resampling repeats documents, which pulls distributions apart), so the
percentile interval can miss the estimate; the interval is therefore the BASIC bootstrap
interval, ``[2d - q(1 - a/2), 2d - q(a/2)]`` (Davison & Hinkley 1997, sec. 5.2), which
corrects for that bias, clipped to [0, 1].

Reading a distance needs its floor: two samples drawn from the SAME distribution are at a
positive distance, larger the smaller they are (vocabulary distances between a few dozen
sentences are large whatever they say). ``null_distance`` is that floor: the mean distance
over ``n_perm`` random reassignments of the two organizations' contexts to each other
(keeping their numbers). A distance near its null is "the same footing" as far as these
texts can tell; ``p_perm`` is the share of reassignments at least as distant as observed.

References
----------
Lin, J. (1991). Divergence measures based on the Shannon entropy. *IEEE Transactions on
Information Theory* 37(1), 145-151.
Davison, A. C. & Hinkley, D. V. (1997). *Bootstrap Methods and their Application*.
Cambridge University Press.
Endres, D. M. & Schindelin, J. E. (2003). A new metric for probability distributions.
*IEEE Transactions on Information Theory* 49(7), 1858-1860.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from analysis.framing.frames import frame_columns, scored_contexts
from analysis.groups import ALL, by_label, group_strings, with_groups
from analysis.stats import check_interval_options, percentile_interval, resample_counts

#: The distances :func:`footing` computes.
MEASURES = ("frames", "vocabulary")
#: Columns of :func:`footing`.
FOOTING_COLUMNS = [
    "a",
    "b",
    "group",
    "measure",
    "distance",
    "ci_low",
    "ci_high",
    "null_distance",
    "p_perm",
    "n_contexts_a",
    "n_contexts_b",
    "n_docs",
]


#: Distances closer than this are equal (rounding of the same counts summed in another order).
TIE = 1e-12


def js_distance(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Jensen-Shannon distance (base 2) between the rows of ``p`` and ``q`` (counts or shares).

    Rows are normalized first; a row summing to 0 gives NaN.

    Examples
    --------
    >>> float(js_distance(np.array([1, 0]), np.array([0, 1])))
    1.0
    >>> float(js_distance(np.array([2, 2]), np.array([1, 1])))
    0.0
    """
    p, q = np.atleast_2d(np.asarray(p, float)), np.atleast_2d(np.asarray(q, float))
    with np.errstate(invalid="ignore", divide="ignore"):
        p = p / p.sum(axis=1, keepdims=True)
        q = q / q.sum(axis=1, keepdims=True)
        m = (p + q) / 2
        kl_p = np.where(p > 0, p * np.log2(p / m), 0.0).sum(axis=1)
        kl_q = np.where(q > 0, q * np.log2(q / m), 0.0).sum(axis=1)
    out = np.sqrt(np.clip((kl_p + kl_q) / 2, 0, 1))
    return out if out.size > 1 else out.reshape(())


def _frame_counts(contexts: pd.DataFrame) -> tuple[sparse.csr_matrix, list[str]]:
    cols = frame_columns(contexts)
    hits = contexts[cols].to_numpy(dtype=float)
    none = (hits.sum(axis=1) == 0).astype(float)[:, None]
    return sparse.csr_matrix(np.hstack([hits, none])), [*cols, "none"]


def _word_counts(contexts: pd.DataFrame) -> tuple[sparse.csr_matrix, list[str]]:
    from analysis.tokens import TokenOptions, actor_tokens, tokenize

    names = set(actor_tokens())
    langs = contexts["lang"] if "lang" in contexts.columns else [None] * len(contexts)
    vocab: dict[str, int] = {}
    rows, cols = [], []
    options = TokenOptions()
    for i, (text, lang) in enumerate(zip(contexts["context"], langs)):
        for tok in tokenize(text if isinstance(text, str) else "", options, lang=lang):
            if tok not in names:
                rows.append(i)
                cols.append(vocab.setdefault(tok, len(vocab)))
    matrix = sparse.csr_matrix(
        (np.ones(len(rows)), (rows, cols)), shape=(len(contexts), max(len(vocab), 1))
    )
    return matrix, list(vocab)


def footing(
    contexts: pd.DataFrame,
    pairs: Sequence[tuple[str, str]] = (("CSTO", "NATO"),),
    *,
    by: Any = None,
    measures: Sequence[str] = MEASURES,
    n_boot: int = 1000,
    n_perm: int = 200,
    ci: float = 0.95,
    random_state: int | None = 0,
    frames=None,
) -> pd.DataFrame:
    """How far apart two organizations are framed, per group, with intervals and a null.

    Parameters
    ----------
    contexts : DataFrame
        The output of :func:`analysis.framing.contexts` (scored with
        :func:`~analysis.framing.score_frames` or not) naming both organizations of each
        pair.
    pairs : list of (str, str)
        The organizations to compare, e.g. ``[("CSTO", "NATO"), ("CSTO", "SCO")]``.
    by : str, array-like or callable, optional
        Groups (:func:`analysis.groups.resolve_groups`): ``"period"``, ``"bloc"``,
        ``"year"``, ``"lang"``... Without it, all contexts form one group.
    measures : list of {"frames", "vocabulary"}
    n_boot, ci, random_state
        Cluster bootstrap over the group's documents.
    n_perm : int
        Reassignments for ``null_distance`` and ``p_perm``.
    frames : FrameDictionary or path, optional
        For scoring unscored contexts and for ``by="bloc"``/``"origin"``.

    Returns
    -------
    pandas.DataFrame
        :data:`FOOTING_COLUMNS`, one row a (pair, group, measure). ``distance`` is NaN
        where one organization has no context in the group. ``attrs["left_out"]`` counts
        the contexts without a group.
    """
    from analysis.inputs import check_choice

    check_interval_options(ci, n_boot)
    for m in measures:
        check_choice("measures", m, MEASURES)
    wanted = {a for pair in pairs for a in pair}
    ctx = contexts[contexts["actor"].isin(wanted)].reset_index(drop=True)
    if "frames" in measures:
        ctx = scored_contexts(ctx, frames)
    data = with_groups(ctx, by, frames=frames).reset_index(drop=True)
    data["group"] = group_strings(data["group"]).to_numpy()
    counts = {}
    if "frames" in measures:
        counts["frames"] = _frame_counts(data)[0]
    if "vocabulary" in measures:
        counts["vocabulary"] = _word_counts(data)[0]
    rng = np.random.default_rng(random_state)
    rows = []
    for a, b in pairs:
        for group in sorted(data["group"].unique(), key=_group_order):
            sub = data.index[(data["group"] == group) & data["actor"].isin([a, b])].to_numpy()
            for measure in measures:
                rows.append(
                    _one(
                        data.loc[sub],
                        counts[measure][sub],
                        a,
                        b,
                        group,
                        measure,
                        rng,
                        n_boot,
                        n_perm,
                        ci,
                    )
                )
    out = pd.DataFrame(rows, columns=FOOTING_COLUMNS)
    out.attrs.update(
        by=by_label(by),
        n_boot=n_boot,
        n_perm=n_perm,
        ci=ci,
        random_state=random_state,
        left_out=int(len(ctx) - len(data)),
    )
    return out


def _group_order(value: str):
    return (0, float(value)) if _is_number(value) else (1, value)


def _is_number(value: str) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


def _one(rows, x, a, b, group, measure, rng, n_boot, n_perm, ci) -> dict:
    """One (pair, group, measure) row: distance, bootstrap interval, permutation null."""
    is_a = (rows["actor"] == a).to_numpy()
    is_b = (rows["actor"] == b).to_numpy()
    docs, doc_codes = np.unique(rows["doc_id"].astype(str).to_numpy(), return_inverse=True)
    row = {
        "a": a,
        "b": b,
        "group": group if group != ALL else None,
        "measure": measure,
        "n_contexts_a": int(is_a.sum()),
        "n_contexts_b": int(is_b.sum()),
        "n_docs": int(len(docs)),
    }
    if not is_a.any() or not is_b.any():
        return {**row, "distance": np.nan, "ci_low": np.nan, "ci_high": np.nan,
                "null_distance": np.nan, "p_perm": np.nan}  # fmt: skip
    x = sparse.csr_matrix(x)
    to_doc = sparse.csr_matrix(
        (np.ones(len(rows)), (doc_codes, np.arange(len(rows)))), shape=(len(docs), len(rows))
    )
    sum_a = to_doc @ x.multiply(is_a[:, None]).tocsr()
    sum_b = to_doc @ x.multiply(is_b[:, None]).tocsr()
    observed = float(js_distance(sum_a.sum(axis=0).A1, sum_b.sum(axis=0).A1))
    weights = resample_counts(rng, len(docs), n_boot)
    reps = js_distance(np.asarray(weights @ sum_a), np.asarray(weights @ sum_b))
    q_low, q_high = percentile_interval(np.atleast_1d(reps)[:, None], ci)
    low = np.clip(2 * observed - q_high, 0, 1)  # the basic bootstrap interval
    high = np.clip(2 * observed - q_low, 0, 1)
    both = np.flatnonzero(is_a | is_b)
    n_a = int(is_a.sum())
    fake_a = np.zeros((n_perm, len(rows)))  # one reassignment of the contexts a row
    fake_b = np.zeros((n_perm, len(rows)))
    for k in range(n_perm):
        pick = rng.permutation(both)
        fake_a[k, pick[:n_a]] = 1.0
        fake_b[k, pick[n_a:]] = 1.0
    # all reassignments in one product each (integer counts: the sums are exact), and
    # their distances at once; a distance within TIE of the observed one is a tie (a
    # reassignment giving the same counts may differ from it in the last bit)
    counts_a, counts_b = np.asarray(x.T @ fake_a.T).T, np.asarray(x.T @ fake_b.T).T
    null = np.atleast_1d(js_distance(counts_a, counts_b)) if n_perm else np.zeros(0)
    return {
        **row,
        "distance": observed,
        "ci_low": float(low[0]),
        "ci_high": float(high[0]),
        "null_distance": float(null.mean()) if n_perm else np.nan,
        "p_perm": float((1 + (null >= observed - TIE).sum()) / (1 + n_perm)) if n_perm else np.nan,
    }
