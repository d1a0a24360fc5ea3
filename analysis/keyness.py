r"""Keyness: which terms a target group uses more (or less) than a reference.

::

    from analysis import keyness, load
    corpus = load("UNGDC_1946-2024.tgz")
    period = corpus.docs["year"].map(lambda y: "1946-1990" if y <= 1990 else
                                     "1992-2024" if y >= 1992 else None)
    keyness.keyness(corpus, by=period, target="1946-1990", top=30)
    keyness.keyness(corpus, by="region")        # every region against all the others

Each term gets a 2x2 contingency table

===============  ==============  ==================
\\                target          reference
===============  ==============  ==================
term             a               b
all other terms  T1 - a          T2 - b
===============  ==============  ==================

with ``T1``, ``T2`` the tokens of the target and reference documents (before
``min_df``/``max_df`` pruning, ``DTM.n_tokens``), ``N = T1 + T2`` and expected counts
``E_ij = row_i * col_j / N``. Every row of the result carries ``a, b, T1, T2`` so anyone
can recompute it.

Statistics
----------
g2 (default)
    Log-likelihood ratio, :math:`G^2 = 2 \\sum_{ij} O_{ij} \\ln(O_{ij}/E_{ij})`
    (``0 ln 0 = 0``; Dunning 1993).
chi2
    Pearson's :math:`\\chi^2 = \\sum_{ij} (O_{ij} - E_{ij})^2 / E_{ij}`.
correction
    ``"none"``; ``"yates"``: every observed count is moved 0.5 toward its expected count
    (never past it) before either statistic is computed, as in
    ``scipy.stats.chi2_contingency(correction=True)``; ``"williams"``: the statistic is
    divided by :math:`q = 1 + (N/R_1 + N/R_2 - 1)(N/C_1 + N/C_2 - 1) / (6N)`, the 2x2 case of
    Williams (1976) with row totals R and column totals C.
p, p_adj
    Upper tail of chi-square with 1 degree of freedom; ``p_adj`` is Benjamini-Hochberg over
    the terms tested for the same target.
log_ratio
    :math:`\\log_2 \\frac{(a + 0.5)/T_1}{(b + 0.5)/T_2}` (Hardie 2014): the binary log of the
    ratio of relative frequencies; 1 means twice as frequent in the target. 0.5 is added
    to both counts so that a term absent from one side has a finite value.
pct_diff
    :math:`100 (a/T_1 - b/T_2) / (b/T_2)` (Gabrielatos & Marchi 2011); ``inf`` when the
    reference count is 0.
direction
    ``"target"`` when the term is relatively more frequent in the target, else
    ``"reference"``.

References
----------
Dunning, T. (1993). Accurate methods for the statistics of surprise and coincidence.
*Computational Linguistics* 19(1), 61-74.
Williams, D. A. (1976). Improved likelihood ratio tests for complete contingency tables.
*Biometrika* 63(1), 33-37.
Benjamini, Y. & Hochberg, Y. (1995). Controlling the false discovery rate. *Journal of the
Royal Statistical Society B* 57(1), 289-300.
Gabrielatos, C. & Marchi, A. (2011). Keyness: matching metrics to definitions. Corpus
Linguistics in the South 1, University of Portsmouth.
Hardie, A. (2014). Log Ratio: an informal introduction. ESRC Centre for Corpus Approaches
to Social Science (CASS), Lancaster University.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import special

from analysis.errors import OptionError, did_you_mean
from analysis.terms import By, Groups, as_dtm, group
from analysis.tokens import DTM, TokenOptions

MEASURES = ("g2", "chi2")
CORRECTIONS = ("none", "yates", "williams")
#: Columns of :func:`keyness` (the statistic column is named after ``measure``).
KEYNESS_COLUMNS = [
    "term",
    "group",
    "reference",
    "count_target",
    "count_reference",
    "total_target",
    "total_reference",
    "{measure}",
    "p",
    "p_adj",
    "log_ratio",
    "pct_diff",
    "direction",
]
#: The reference label when the reference is "every other group".
REST = "rest"


def table_stat(
    a, b, total_a, total_b, *, measure: str = "g2", correction: str = "none"
) -> np.ndarray:
    """G² or chi² of the 2x2 tables ``[[a, b], [total_a - a, total_b - b]]`` (vectorized).

    Parameters
    ----------
    a, b : array-like
        Counts of the term in the target and in the reference.
    total_a, total_b : array-like
        Tokens of the target and of the reference.
    measure : {"g2", "chi2"}
    correction : {"none", "yates", "williams"}

    Returns
    -------
    numpy.ndarray
        The statistic (>= 0) for each table; see the module docstring for the formulas.
    """
    _check(measure, correction)
    obs = np.stack(
        np.broadcast_arrays(
            *(
                np.asarray(x, dtype=float)
                for x in (a, b, np.subtract(total_a, a), np.subtract(total_b, b))
            )
        )
    )
    rows = np.stack([obs[0] + obs[1], obs[0] + obs[1], obs[2] + obs[3], obs[2] + obs[3]])
    cols = np.stack([obs[0] + obs[2], obs[1] + obs[3], obs[0] + obs[2], obs[1] + obs[3]])
    n = obs.sum(axis=0)
    expected = rows * cols / n
    if correction == "yates":
        diff = expected - obs
        obs = obs + np.sign(diff) * np.minimum(0.5, np.abs(diff))
    with np.errstate(divide="ignore", invalid="ignore"):
        if measure == "g2":
            cells = np.where(obs > 0, obs * np.log(obs / expected), 0.0)
            value = 2.0 * cells.sum(axis=0)
        else:
            value = ((obs - expected) ** 2 / expected).sum(axis=0)
        if correction == "williams":
            q = 1 + (n / rows[0] + n / rows[2] - 1) * (n / cols[0] + n / cols[1] - 1) / (6 * n)
            value = value / q
    return np.maximum(np.nan_to_num(value, nan=0.0), 0.0)


def _check(measure: str, correction: str) -> None:
    if measure not in MEASURES:
        raise OptionError(f"measure must be one of {MEASURES}, not {measure!r}")
    if correction not in CORRECTIONS:
        raise OptionError(f"correction must be one of {CORRECTIONS}, not {correction!r}")


def bh_adjust(p: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (step-up, monotone, capped at 1)."""
    p = np.asarray(p, dtype=float)
    if p.size == 0:
        return p
    order = np.argsort(p)
    scaled = p[order] * p.size / np.arange(1, p.size + 1)
    adjusted = np.minimum.accumulate(scaled[::-1])[::-1]
    out = np.empty_like(p)
    out[order] = np.minimum(adjusted, 1.0)
    return out


def effect_sizes(a, b, total_a, total_b) -> tuple[np.ndarray, np.ndarray]:
    """``(log_ratio, pct_diff)`` of each term (formulas in the module docstring)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    rel_a, rel_b = a / np.asarray(total_a, float), b / np.asarray(total_b, float)
    log_ratio = np.log2(((a + 0.5) / total_a) / ((b + 0.5) / total_b))
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(
            b > 0, 100 * (rel_a - rel_b) / np.where(b > 0, rel_b, 1.0), np.where(a > 0, np.inf, 0.0)
        )
    return log_ratio, pct


def keyness(
    data,
    *,
    by: By,
    target: Any = None,
    reference: Any = None,
    measure: str = "g2",
    correction: str = "none",
    min_count: int = 5,
    top: int | None = None,
    options: TokenOptions | None = None,
) -> pd.DataFrame:
    """Key terms of a target group against a reference, or of every group against the rest.

    Parameters
    ----------
    data : Corpus or DTM
    by : str or array-like
        Metadata column, or one label a document (missing: the document is left out).
    target : label, optional
        The target group. None: every group in turn against all the others (one-vs-rest).
    reference : label or list of labels, optional
        The reference group(s); default every group except the target.
    measure : {"g2", "chi2"}
        Log-likelihood G² (Dunning 1993) or Pearson's chi².
    correction : {"none", "yates", "williams"}
    min_count : int, default 5
        Test only terms with ``count_target + count_reference >= min_count``.
    top : int, optional
        Keep, per target, the ``top`` terms most key FOR the target (direction "target").
    options : TokenOptions, optional
        Tokenization when ``data`` is a corpus.

    Returns
    -------
    pandas.DataFrame
        Columns ``term, group, reference, count_target, count_reference, total_target,
        total_reference, <measure>, p, p_adj, log_ratio, pct_diff, direction``; per
        group, terms key for the target first (strongest first), then those key for the
        reference (weakest first). ``df.attrs`` records every parameter.

    See Also
    --------
    analysis.terms.frequencies
    """
    _check(measure, correction)
    m = as_dtm(data, options)
    groups = group(m, by)
    pairs = _comparisons(groups, target, reference)
    frames = [
        _compare(
            m,
            groups,
            t,
            r,
            label,
            measure=measure,
            correction=correction,
            min_count=min_count,
            top=top,
        )
        for t, r, label in pairs
    ]
    columns = [c.format(measure=measure) for c in KEYNESS_COLUMNS]
    frames = [f for f in frames if len(f)]
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
    out.attrs.update(
        by=by if isinstance(by, str) else "<labels>",
        target=target,
        reference=reference,
        measure=measure,
        correction=correction,
        min_count=min_count,
        top=top,
        options=m.options.to_dict(),
        min_df=m.params.get("min_df"),
        max_df=m.params.get("max_df"),
    )
    return out[columns]


def _comparisons(groups: Groups, target: Any, reference: Any) -> list[tuple[int, list[int], str]]:
    """(target index, reference indices, reference label) of each comparison asked for."""
    labels = groups.labels.tolist()
    if target is None:
        if reference is not None:
            raise OptionError(
                "reference needs a target; with target=None every group is "
                "compared with all the others"
            )
        return [
            (i, others, _rest(labels, others))
            for i in range(len(labels))
            for others in [[j for j in range(len(labels)) if j != i]]
        ]
    t = _index(labels, target)
    if reference is None:
        others = [j for j in range(len(labels)) if j != t]
        return [(t, others, _rest(labels, others))]
    refs = [reference] if np.ndim(reference) == 0 else list(reference)
    ref_idx = [_index(labels, r) for r in refs]
    if t in ref_idx:
        raise OptionError(f"the target {target!r} is also in the reference")
    return [(t, ref_idx, "+".join(labels[j] for j in ref_idx))]


def _index(labels: list[str], label: Any) -> int:
    if str(label) not in labels:
        raise OptionError(
            f"no group {label!r} (--target/--reference)."
            + did_you_mean(label, labels)
            + f" The groups are {labels}."
        )
    return labels.index(str(label))


def _rest(labels: list[str], others: list[int]) -> str:
    """The reference label of "every other group": that group's label when it is one."""
    return labels[others[0]] if len(others) == 1 else REST


def _compare(
    m: DTM,
    groups: Groups,
    t: int,
    refs: Sequence[int],
    ref_label: str,
    *,
    measure: str,
    correction: str,
    min_count: int,
    top: int | None,
) -> pd.DataFrame:
    """One target against its reference: the tidy rows."""
    a = groups.counts[t].toarray().ravel().astype(np.int64)
    if len(refs) == len(groups.labels) - 1:  # the rest: all counts minus the target's
        b = np.asarray(groups.counts.sum(axis=0)).ravel().astype(np.int64) - a
    else:
        b = np.asarray(groups.counts[list(refs)].sum(axis=0)).ravel().astype(np.int64)
    total_a, total_b = int(groups.n_tokens[t]), int(groups.n_tokens[list(refs)].sum())
    if not (total_a and total_b):
        return pd.DataFrame()  # a side without tokens: nothing to compare
    keep = np.flatnonzero(a + b >= max(min_count, 1))
    a, b = a[keep], b[keep]
    value = table_stat(a, b, total_a, total_b, measure=measure, correction=correction)
    p = chi2_sf(value)
    p_adj = bh_adjust(p)
    is_target = a * total_b > b * total_a
    order = np.argsort(np.where(is_target, -value, value), kind="stable")  # terms sorted
    if top is not None:
        order = order[is_target[order]][:top]
    log_ratio, pct = effect_sizes(a[order], b[order], total_a, total_b)
    return pd.DataFrame(
        {
            "term": m.terms[keep[order]].astype(object),
            "group": groups.labels[t],
            "reference": ref_label,
            "count_target": a[order],
            "count_reference": b[order],
            "total_target": total_a,
            "total_reference": total_b,
            measure: value[order],
            "p": p[order],
            "p_adj": p_adj[order],
            "log_ratio": log_ratio,
            "pct_diff": pct,
            "direction": np.where(is_target[order], "target", "reference"),
        }
    )


def chi2_sf(value: np.ndarray) -> np.ndarray:
    """Upper tail of chi-square with 1 degree of freedom: ``erfc(sqrt(x / 2))``.

    The same as ``scipy.stats.chi2.sf(x, 1)``, many times faster.
    """
    return special.erfc(np.sqrt(np.asarray(value, dtype=float) / 2.0))
