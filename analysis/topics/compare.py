"""Prevalence: mean topic share by group, differences between groups, trends over time.

All three come with intervals from the same cluster bootstrap
(:mod:`analysis.topics.bootstrap`), so paragraphs of one speech are never treated as
independent evidence.

References
----------
Numbered as in :mod:`analysis.topics`, which gives them in full: [4] Roberts, Stewart &
Airoldi 2016 (stm's ``estimateEffect`` for prevalence by covariates); [8] Cameron, Gelbach &
Miller 2008 (cluster bootstrap).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from analysis.errors import OptionError
from analysis.stats import check_interval_options, percentile_interval
from analysis.topics.bootstrap import group_keys, prevalence_bootstrap

if TYPE_CHECKING:
    from analysis.topics.model import TopicModel

#: Columns of every prevalence table.
PREVALENCE_COLUMNS = ["topic", "label", "group", "mean", "ci_low", "ci_high", "n_docs"]


def prevalence(
    model: TopicModel,
    by: str | None = None,
    *,
    weight: str = "document",
    n_boot: int = 1000,
    ci: float = 0.95,
    random_state: int = 0,
) -> pd.DataFrame:
    """Mean topic share by group, with cluster-bootstrap confidence intervals.

    The Python counterpart of the group means of stm's ``estimateEffect`` [4]_, with
    intervals from resampling documents [8]_ rather than from a regression.

    Parameters
    ----------
    model : TopicModel
        A fitted model.
    by : str, optional
        A metadata column of the units (``region``, ``source``, ``year``...), or
        ``"actor"``: units naming each actor (a unit naming two actors counts for both).
        None: one group, ``"all"``.
    weight : {"document", "unit"}, default "document"
        ``"document"``: mean over documents of each document's mean unit share (every
        speech counts once); ``"unit"``: mean over units.
    n_boot : int, default 1000
        Bootstrap replicates; documents are resampled with replacement, with all their
        units (cluster bootstrap), from all documents, so groups sharing documents (actors)
        are resampled jointly.
    ci : float, default 0.95
        Percentile interval.
    random_state : int, default 0

    Returns
    -------
    pandas.DataFrame
        ``topic, label, group, mean, ci_low, ci_high, n_docs`` (documents in the group).
        ``attrs`` records the parameters.
    """
    check_interval_options(ci, n_boot)
    rows, keys = group_keys(model, by)
    boot = prevalence_bootstrap(
        model, rows, keys, weight=weight, n_boot=n_boot, random_state=random_state
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        means = boot.sums / boot.counts[:, None]
        reps = boot.rep_sums / boot.rep_counts[:, :, None]
    low, high = percentile_interval(reps, ci)
    out = _tidy(model, boot.groups, {"mean": means, "ci_low": low, "ci_high": high}, boot.n_docs)
    out.attrs.update(
        by=by, weight=weight, n_boot=n_boot, ci=ci, random_state=random_state, **model.about()
    )
    return out


def _tidy(
    model: TopicModel, groups: list, columns: dict[str, np.ndarray], n_docs: np.ndarray
) -> pd.DataFrame:
    """One row a (topic, group) from (G, k) arrays."""
    n_groups, k = len(groups), model.doc_topic_.shape[1]
    topic = np.tile(np.arange(k), n_groups)
    out = pd.DataFrame(
        {
            "topic": topic,
            "label": [model.labels_[t] for t in topic],
            "group": np.repeat(np.asarray(groups, dtype=object), k),
        }
    )
    for name, values in columns.items():
        out[name] = np.asarray(values).ravel()
    out["n_docs"] = np.repeat(np.asarray(n_docs, dtype=np.int64), k)
    return out.sort_values(["topic", "group"], kind="stable").reset_index(drop=True)


def prevalence_difference(
    model: TopicModel,
    by: str,
    *,
    reference: Any = None,
    weight: str = "document",
    n_boot: int = 1000,
    ci: float = 0.95,
    random_state: int = 0,
) -> pd.DataFrame:
    """Differences of mean topic share between each group and a reference group.

    Parameters
    ----------
    model : TopicModel
    by : str
        A metadata column or ``"actor"`` (see :func:`prevalence`).
    reference : optional
        The reference group (default: the first in sorted order, as R's treatment
        contrasts).
    weight, n_boot, ci, random_state
        As in :func:`prevalence`; both groups' means come from the same replicates, so
        documents in both groups (actors named together) are handled.

    Returns
    -------
    pandas.DataFrame
        ``topic, label, group, reference, diff, ci_low, ci_high, p, n_docs,
        n_docs_reference``; ``diff = mean(group) - mean(reference)`` (the effect size),
        ``p`` a two-sided bootstrap p-value (twice the smaller share of replicate
        differences on either side of 0).
    """
    check_interval_options(ci, n_boot)
    rows, keys = group_keys(model, by)
    boot = prevalence_bootstrap(
        model, rows, keys, weight=weight, n_boot=n_boot, random_state=random_state
    )
    if reference is None:
        reference = boot.groups[0]
    if reference not in boot.groups:
        raise OptionError(
            f"reference {reference!r} is not a group of {by!r}; groups: {boot.groups[:20]}"
        )
    r = boot.groups.index(reference)
    others = [g for g in range(len(boot.groups)) if g != r]
    with np.errstate(invalid="ignore", divide="ignore"):
        means = boot.sums / boot.counts[:, None]
        reps = boot.rep_sums / boot.rep_counts[:, :, None]
    diff = means[others] - means[r]
    rep_diff = reps[:, others] - reps[:, [r]]
    low, high = percentile_interval(rep_diff, ci)
    valid = np.isfinite(rep_diff).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = 2 * np.minimum((rep_diff <= 0).sum(axis=0), (rep_diff >= 0).sum(axis=0)) / valid
    out = _tidy(
        model,
        [boot.groups[g] for g in others],
        {"diff": diff, "ci_low": low, "ci_high": high, "p": np.minimum(p, 1.0)},
        boot.n_docs[others],
    )
    out.insert(3, "reference", reference)
    out["n_docs_reference"] = int(boot.n_docs[r])
    out.attrs.update(
        by=by,
        reference=reference,
        weight=weight,
        n_boot=n_boot,
        ci=ci,
        random_state=random_state,
        **model.about(),
    )
    return out


def _time_values(table: pd.DataFrame, time: str) -> pd.Series:
    if time in table:
        return pd.to_numeric(table[time], errors="coerce")
    if time == "year" and "date" in table:
        return pd.to_datetime(table["date"], errors="coerce").dt.year.astype(float)
    raise OptionError(f"no column {time!r} (nor a 'date' to take the year from) in the units.")


def prevalence_trend(
    model: TopicModel,
    *,
    time: str = "year",
    by: str | None = None,
    bandwidth: float = 2.0,
    weight: str = "document",
    n_boot: int = 500,
    ci: float = 0.95,
    random_state: int = 0,
) -> pd.DataFrame:
    """Topic shares over time, smoothed with a Gaussian kernel, with a bootstrap band.

    At each time point ``t`` of the data the estimate is the kernel-weighted mean of
    document shares (Nadaraya-Watson): ``sum_d K((t_d - t)/h) x_d / sum_d K((t_d - t)/h)``
    with a Gaussian ``K`` and bandwidth ``h``. The band comes from the same cluster
    bootstrap as :func:`prevalence` (documents resampled, the smoother re-applied).

    Parameters
    ----------
    model : TopicModel
    time : str, default "year"
        A numeric column of the units (``year`` falls back to the year of ``date``).
    by : str, optional
        Also split by a metadata column or ``"actor"`` (one curve a group).
    bandwidth : float, default 2.0
        Standard deviation of the kernel, in units of ``time``; 0 gives raw means.
    weight, n_boot, ci, random_state
        As in :func:`prevalence`.

    Returns
    -------
    pandas.DataFrame
        ``topic, label, group, time, mean, ci_low, ci_high, n_docs`` (documents at exactly
        that time).
    """
    check_interval_options(ci, n_boot)
    rows, keys = group_keys(model, by)
    when = _time_values(model.units_, time).to_numpy()[rows]
    ok = np.isfinite(when)
    pairs = pd.Series(list(zip(keys[ok], when[ok])), dtype=object)
    boot = prevalence_bootstrap(
        model, rows[ok], pairs, weight=weight, n_boot=n_boot, random_state=random_state
    )
    frames = []
    for group in sorted({g for g, _ in boot.groups}, key=str):
        idx = [i for i, (g, _) in enumerate(boot.groups) if g == group]
        t = np.array([boot.groups[i][1] for i in idx], dtype=float)
        K = _kernel(t, bandwidth)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = (K @ boot.sums[idx]) / (K @ boot.counts[idx])[:, None]
            reps = (
                np.einsum("ty,byk->btk", K, boot.rep_sums[:, idx])
                / np.einsum("ty,by->bt", K, boot.rep_counts[:, idx])[:, :, None]
            )
        low, high = percentile_interval(reps, ci)
        part = _tidy(
            model, list(t), {"mean": mean, "ci_low": low, "ci_high": high}, boot.n_docs[idx]
        ).rename(columns={"group": "time"})
        part.insert(2, "group", group)
        frames.append(part)
    out = pd.concat(frames, ignore_index=True)
    out["time"] = out["time"].astype(float)
    out = out[["topic", "label", "group", "time", "mean", "ci_low", "ci_high", "n_docs"]]
    out.attrs.update(
        time=time,
        by=by,
        bandwidth=bandwidth,
        weight=weight,
        n_boot=n_boot,
        ci=ci,
        random_state=random_state,
        **model.about(),
    )
    return out.sort_values(["topic", "group", "time"], kind="stable").reset_index(drop=True)


def _kernel(t: np.ndarray, bandwidth: float) -> np.ndarray:
    """Gaussian kernel weights between time points, shape (n_t, n_t)."""
    if bandwidth <= 0:
        return np.eye(len(t))
    return np.exp(-0.5 * ((t[:, None] - t[None, :]) / bandwidth) ** 2)
