"""Statistics shared by every stage: the cluster bootstrap, percentile intervals, effect sizes.

One engine draws every interval in the package. Documents (clusters) are resampled with
replacement, each keeping all its rows (contexts, units, mentions), and a ratio of sums is
recomputed on every replicate: the cluster bootstrap (Davison & Hinkley 1997, sec. 3.8;
Field & Welsh 2007; Cameron, Gelbach & Miller 2008). :func:`cluster_bootstrap` does so for
rows of a table crossed by a cell (actor) and a group; topic prevalence
(:mod:`analysis.topics.compare`) builds its own per-document sums and draws its replicate
weights with :func:`resample_counts`. Intervals are percentile intervals
(:func:`percentile_interval`); differences report :func:`p_boot` and Cohen's h
(:func:`cohens_h`, Cohen 1988).

References
----------
Cameron, A. C., Gelbach, J. B. & Miller, D. L. (2008). Bootstrap-based improvements for
inference with clustered errors. *Review of Economics and Statistics* 90(3), 414-427.
Cohen, J. (1988). *Statistical Power Analysis for the Behavioral Sciences* (2nd ed.).
Hillsdale, NJ: Erlbaum.
Davison, A. C. & Hinkley, D. V. (1997). *Bootstrap Methods and their Application*.
Cambridge University Press.
Field, C. A. & Welsh, A. H. (2007). Bootstrapping clustered data. *Journal of the Royal
Statistical Society B* 69(3), 369-390.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from analysis.errors import OptionError
from analysis.groups import with_groups

#: Documents a cell needs before its bootstrap interval is drawn: with one document every
#: replicate is the same (a zero-width interval), with two to four the percentile interval
#: spans little more than the few possible resamples (often 0-100 %). Figures draw such
#: cells without whiskers and say so.
MIN_INTERVAL_DOCS = 5


def resample_counts(
    rng: np.random.Generator, n: int, size: int, *, method: str = "multinomial"
) -> np.ndarray:
    """How often each of ``n`` clusters is drawn in ``size`` resamples of ``n`` draws.

    Parameters
    ----------
    rng : numpy.random.Generator
    n : int
        Clusters (documents) to resample.
    size : int
        Replicates.
    method : {"multinomial", "indices"}
        Both give Multinomial(n, 1/n) counts; they consume the generator differently, so
        each stage keeps the one its published numbers were drawn with: ``"multinomial"``
        draws the counts directly (framing, tone, mention shares), ``"indices"`` draws
        ``n`` cluster indices per replicate and counts them (topic prevalence).

    Returns
    -------
    numpy.ndarray of float, shape (size, n)
    """
    if method == "multinomial":
        return rng.multinomial(n, np.full(n, 1 / n), size=size).astype(float)
    if method == "indices":
        draws = rng.integers(0, n, size=(size, n))
        return (
            np.bincount((draws + n * np.arange(size)[:, None]).ravel(), minlength=size * n)
            .reshape(size, n)
            .astype(np.float64)
        )
    raise OptionError(f"method must be 'multinomial' or 'indices', not {method!r}")


def percentile_interval(replicates: np.ndarray, ci: float) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval over the first axis; replicates where undefined (NaN) are skipped.

    Parameters
    ----------
    replicates : numpy.ndarray of shape (n_boot, ...)
    ci : float
        Coverage, e.g. 0.95 for the 2.5th and 97.5th percentiles.

    Returns
    -------
    (low, high) : numpy.ndarrays of shape ``replicates.shape[1:]``
    """
    alpha = (1 - ci) / 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN cells: never drawn
        low, high = np.nanquantile(replicates, [alpha, 1 - alpha], axis=0)
    return low, high


def check_interval_options(ci: float, n_boot: int) -> None:
    """Raise ValueError unless ``0 < ci < 1`` and ``n_boot >= 10``."""
    if not 0 < ci < 1:
        raise OptionError(f"ci must be between 0 and 1, not {ci!r}")
    if int(n_boot) < 10:
        raise OptionError(f"n_boot must be at least 10, not {n_boot!r}")


@dataclass
class Bootstrap:
    """Cell estimates and their cluster-bootstrap replicates (see the module docstring).

    Attributes
    ----------
    cells : DataFrame
        One row a cell: ``actor`` (and ``group``), ``n_contexts``, ``n_docs``.
    variables : list of str
    estimate : numpy.ndarray of shape (n_cells, n_vars)
        Ratio of sums over the cell's contexts (a share for 0/1 values, a mean otherwise).
    replicates : numpy.ndarray of shape (n_boot, n_cells, n_vars)
    sums : numpy.ndarray of shape (n_cells, n_vars)
    """

    cells: pd.DataFrame
    variables: list[str]
    estimate: np.ndarray
    replicates: np.ndarray
    sums: np.ndarray

    def interval(self, ci: float) -> tuple[np.ndarray, np.ndarray]:
        """Percentile interval of every cell and variable."""
        if not self.replicates.size:
            return np.full_like(self.estimate, np.nan), np.full_like(self.estimate, np.nan)
        return percentile_interval(self.replicates, ci)


def cluster_bootstrap(
    table: pd.DataFrame,
    values: Sequence[str],
    *,
    by: Any = None,
    cell: str = "actor",
    cluster: str = "doc_id",
    n_boot: int = 1000,
    random_state: int | None = 0,
    frames=None,
) -> Bootstrap:
    """Ratio-of-sums estimates per cell with a cluster (document) bootstrap.

    Parameters
    ----------
    table : DataFrame
        One row a context with ``cluster``, ``cell`` and the ``values`` columns.
    values : list of str
        Numeric or boolean columns; each cell's estimate is their mean over its contexts.
        Missing values are left out of that variable's sums.
    by : column name, derived name or labels, optional
        Groups crossed with ``cell`` (see :func:`analysis.groups.resolve_groups`); contexts
        without a group are left out. When every document has one group, documents are
        resampled within their group (a stratified bootstrap: group sizes stay fixed).
    cell, cluster : str
        The column naming a context's cell (the actor) and its cluster (the document).
    n_boot : int, default 1000
    random_state : int, optional
    frames : FrameDictionary or path, optional
        For ``by="bloc"`` or ``"origin"``.

    Returns
    -------
    Bootstrap

    Notes
    -----
    Replicate ``r`` draws, in each stratum of ``m`` documents, ``m`` documents with
    replacement (multinomial counts ``w``), and estimates each cell as
    ``sum_d w_d num_d / sum_d w_d den_d`` over the cell's per-document sums. A cell none
    of whose documents was drawn is NaN in that replicate (possible only without strata).
    """
    keys = [cell]
    data = table
    if by is not None:
        data = with_groups(table, by, frames=frames)
        keys = [cell, "group"]
    doc_codes = pd.factorize(data[cluster], sort=True)[0]
    grouper = data.groupby(keys, sort=True, observed=True)
    cell_codes = grouper.ngroup().to_numpy()
    cells = grouper.agg(n_contexts=(cluster, "size"), n_docs=(cluster, "nunique")).reset_index()
    vals = data[list(values)].astype(float).to_numpy().reshape(len(data), len(values))
    present = ~np.isnan(vals)
    filled = np.where(present, vals, 0.0)
    sums, counts = _sums((len(cells), len(values)), cell_codes, filled, present)
    reps = np.full((n_boot, len(cells), len(values)), np.nan)
    rng = np.random.default_rng(random_state)
    for rows in _strata(data, doc_codes, by is not None):
        _stratum_replicates(
            doc_codes[rows], cell_codes[rows], filled[rows], present[rows], rng, reps
        )
    with np.errstate(invalid="ignore", divide="ignore"):
        estimate = sums / counts
    return Bootstrap(cells, list(values), estimate, reps, sums)


def _sums(
    shape: tuple[int, ...], index: Any, values: np.ndarray, present: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Sums of ``values`` and counts of ``present`` ones, added up at ``index``."""
    num, den = np.zeros(shape), np.zeros(shape)
    np.add.at(num, index, values)
    np.add.at(den, index, present.astype(float))
    return num, den


def _strata(data: pd.DataFrame, doc_codes: np.ndarray, grouped: bool) -> list[np.ndarray]:
    """Row indices of each stratum: one per group if every document has one group."""
    if not len(data):
        return []
    if grouped:
        labels = pd.Series(data["group"].astype(str).to_numpy())
        if (labels.groupby(doc_codes).nunique() <= 1).all():
            return [idx for _, idx in labels.groupby(labels, sort=True).indices.items()]
    return [np.arange(len(data))]


def _stratum_replicates(
    docs: np.ndarray,
    cells: np.ndarray,
    values: np.ndarray,
    present: np.ndarray,
    rng: np.random.Generator,
    out: np.ndarray,
    chunk: int = 100,
) -> None:
    """Fill ``out[:, cells of the stratum, :]`` with its resampled ratios of sums."""
    doc_idx, doc_local = np.unique(docs, return_inverse=True)
    cell_idx, cell_local = np.unique(cells, return_inverse=True)
    m, n_vars = len(doc_idx), values.shape[1]
    num, den = _sums((m, len(cell_idx), n_vars), (doc_local, cell_local), values, present)
    num, den = num.reshape(m, -1), den.reshape(m, -1)
    n_boot = out.shape[0]
    for lo in range(0, n_boot, chunk):
        size = min(chunk, n_boot - lo)
        weights = resample_counts(rng, m, size)
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = (weights @ num) / (weights @ den)
        out[lo : lo + size, cell_idx, :] = ratio.reshape(size, len(cell_idx), n_vars)


def p_boot(diff: np.ndarray) -> float:
    """Two-sided bootstrap p-value of ``diff == 0``: twice the smaller tail, >= 1/len."""
    diff = np.asarray(diff, dtype=float)
    if not len(diff):
        return float("nan")
    tail = min((diff <= 0).mean(), (diff >= 0).mean())
    return float(min(1.0, max(2 * tail, 1 / len(diff))))


def cohens_h(p1: Any, p2: Any) -> np.ndarray:
    """Cohen's h of two proportions: ``2 asin sqrt(p1) - 2 asin sqrt(p2)`` (Cohen 1988)."""
    p1 = np.clip(np.asarray(p1, dtype=float), 0, 1)
    p2 = np.clip(np.asarray(p2, dtype=float), 0, 1)
    return 2 * np.arcsin(np.sqrt(p1)) - 2 * np.arcsin(np.sqrt(p2))
