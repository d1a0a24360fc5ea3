"""The cluster bootstrap behind every prevalence table: documents resampled with all their units.

:func:`prevalence_bootstrap` returns per-group sums of topic shares on the sample and on every
replicate (:class:`PrevalenceBoot`); :mod:`analysis.topics.compare` turns them into means,
differences and smoothed trends with percentile intervals
(:func:`analysis.stats.percentile_interval`). The replicate weights come from the package's
one bootstrap engine, :func:`analysis.stats.resample_counts`.

References
----------
Numbered as in :mod:`analysis.topics`, which gives them in full: [8] Cameron, Gelbach &
Miller 2008 (cluster bootstrap).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import sparse

from analysis.errors import MissingColumnError, OptionError, did_you_mean
from analysis.groups import DERIVED_GROUPS, resolve_groups
from analysis.stats import resample_counts
from analysis.topics.text_units import UNIT_COLUMNS

if TYPE_CHECKING:
    from analysis.topics.model import TopicModel


@dataclass
class PrevalenceBoot:
    """Per-group sums and counts, on the sample and on every bootstrap replicate."""

    groups: list
    sums: np.ndarray  # (G, k)
    counts: np.ndarray  # (G,)
    n_docs: np.ndarray  # (G,)
    rep_sums: np.ndarray  # (B, G, k)
    rep_counts: np.ndarray  # (B, G)


def group_keys(model: TopicModel, by: Any) -> tuple[np.ndarray, pd.Series]:
    """(unit row, group value) pairs; ``by="actor"`` gives a unit one row per actor named."""
    table = model.units_
    if by is None:
        return np.arange(len(table)), pd.Series(["all"] * len(table), dtype=object)
    if by == "actor":
        if "actors" not in table:
            raise OptionError(
                "the units have no 'actors' column; build them with "
                "topics.units(corpus, ..., actors=['CSTO', 'NATO', 'UN'])."
            )
        named = table["actors"].fillna("").astype(str).str.split(";").explode()
        named = named[named != ""]
        return named.index.to_numpy(np.int64), named.reset_index(drop=True).astype(object)
    if isinstance(by, str) and by not in table and by not in DERIVED_GROUPS:
        meta = [c for c in table.columns if c not in UNIT_COLUMNS]
        raise MissingColumnError(
            f"--by / by={by!r}: no column {by!r} to group by; the units have {meta} "
            "(or 'actor' for the actors named)." + did_you_mean(by, meta)
        )
    values = resolve_groups(table, by)
    ok = values.notna().to_numpy()
    return np.flatnonzero(ok), values[ok].reset_index(drop=True).astype(object)


def prevalence_bootstrap(
    model: TopicModel,
    rows: np.ndarray,
    keys: pd.Series,
    *,
    weight: str,
    n_boot: int,
    random_state: int,
) -> PrevalenceBoot:
    """Group sums of topic shares over documents, and over ``n_boot`` resamples of documents.

    Documents (not units) are drawn with replacement from all documents of the model, each
    carrying all its units: the cluster bootstrap [8]_. With ``weight="document"`` each
    document contributes its units' mean share (and counts once); with ``"unit"`` each
    unit counts once. Vectorized: replicate weights times a sparse (document x group*topic)
    matrix, in blocks of replicates.
    """
    if weight not in ("document", "unit"):
        raise OptionError(f"weight must be 'document' or 'unit', not {weight!r}")
    if len(rows) == 0:
        raise OptionError(
            "no unit belongs to any group (all values missing, or no actor "
            "named); choose another field or other units."
        )
    theta = model.doc_topic_
    k = theta.shape[1]
    doc_codes, doc_ids = pd.factorize(model.units_["doc_id"].astype(str))
    group_codes, groups = pd.factorize(keys, sort=True)
    n_docs, n_groups = len(doc_ids), len(groups)
    pair, pair_index = pd.factorize(doc_codes[rows].astype(np.int64) * n_groups + group_codes)
    n_pairs = len(pair_index)
    sums = (
        sparse.csr_matrix((np.ones(len(rows)), (pair, rows)), shape=(n_pairs, theta.shape[0]))
        @ theta
    )
    n_units = np.bincount(pair, minlength=n_pairs).astype(np.float64)
    p_doc, p_group = pair_index // n_groups, pair_index % n_groups
    values, counts = (
        (sums / n_units[:, None], np.ones(n_pairs)) if weight == "document" else (sums, n_units)
    )
    V = sparse.csr_matrix(
        (values.ravel(), (np.repeat(p_doc, k), (p_group[:, None] * k + np.arange(k)).ravel())),
        shape=(n_docs, n_groups * k),
    )
    C = sparse.csr_matrix((counts, (p_doc, p_group)), shape=(n_docs, n_groups))
    rep_sums = np.empty((n_boot, n_groups * k))
    rep_counts = np.empty((n_boot, n_groups))
    rng = np.random.default_rng(random_state)
    block = max(1, min(n_boot, 4_000_000 // max(n_docs, 1)))
    for lo in range(0, n_boot, block):
        b = min(block, n_boot - lo)
        W = resample_counts(rng, n_docs, b, method="indices")
        rep_sums[lo : lo + b] = (V.T @ W.T).T
        rep_counts[lo : lo + b] = (C.T @ W.T).T
    return PrevalenceBoot(
        list(groups),
        np.asarray(V.sum(axis=0)).reshape(n_groups, k),
        np.asarray(C.sum(axis=0)).ravel(),
        np.bincount(p_group, minlength=n_groups),
        rep_sums.reshape(n_boot, n_groups, k),
        rep_counts,
    )
