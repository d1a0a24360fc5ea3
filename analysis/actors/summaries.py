"""Summaries of a mention table: counts and rates, shares with intervals, co-mentions.

:func:`mention_counts` counts mentions per document or metadata group, zeros included,
with ``per_10k_words = 10_000 * n_mentions / n_words``. :func:`mention_shares` gives the
share of a group's documents naming each actor with a percentile interval from a
stratified nonparametric bootstrap (documents resampled within their group; Efron &
Tibshirani 1993, ch. 13), computed by :func:`analysis.stats.cluster_bootstrap`.
:func:`co_mentions` counts the sentences (or documents) naming two actors and their
Jaccard similarity, ``n_units / (n_units_a + n_units_b - n_units)`` (Jaccard 1912).

References
----------
Efron, B. & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*. New York:
Chapman & Hall.
Jaccard, P. (1912). The distribution of the flora in the alpine zone. *New Phytologist*
11(2), 37-50.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from analysis.errors import OptionError
from analysis.groups import by_label, resolve_groups
from analysis.inputs import as_docs
from analysis.stats import cluster_bootstrap


def mention_counts(
    mentions: pd.DataFrame,
    docs: Any,
    by: Any = None,
    *,
    actors: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Mentions per document or per group, with rates per 10,000 words.

    Parameters
    ----------
    mentions : DataFrame
        The output of :func:`mentions`.
    docs : Corpus or DataFrame
        The documents the mentions came from: ``doc_id``, ``n_words`` (or ``text``) and the
        metadata ``by`` reads.
    by : column name, derived name, labels or function, optional
        Groups, as everywhere (:func:`analysis.groups.resolve_groups`); documents without
        a group are left out. Default: one row a document.
    actors : list of str, optional
        Actors to report, zeros included (default: ``mentions.attrs["actors"]``, else those
        found).

    Returns
    -------
    pandas.DataFrame
        One row a (group, actor): ``group`` (``doc_id`` without ``by``), ``actor``,
        ``n_docs``, ``n_docs_mentioning``, ``n_mentions``, ``n_words`` and
        ``per_10k_words = 10_000 * n_mentions / n_words``.
    """
    docs = as_docs(docs, need=("doc_id",))
    n_words = docs["n_words"] if "n_words" in docs else docs["text"].str.split().str.len()
    table = pd.DataFrame({"doc_id": docs["doc_id"].to_numpy(), "n_words": n_words.to_numpy()})
    key = "doc_id"
    if by is not None:
        key = "group"
        table = table.assign(group=resolve_groups(docs, by).to_numpy())
        table = table[table["group"].notna()]
    actors = list(actors or mentions.attrs.get("actors") or sorted(mentions["actor"].unique()))
    per_doc = (
        mentions.groupby(["doc_id", "actor"], observed=True)
        .size()
        .rename("n_mentions")
        .reset_index()
    )
    grid = table.merge(pd.DataFrame({"actor": pd.Series(actors, dtype="string")}), how="cross")
    grid["doc_id"] = grid["doc_id"].astype("string")
    per_doc["doc_id"] = per_doc["doc_id"].astype("string")
    grid = grid.merge(per_doc, on=["doc_id", "actor"], how="left")
    grid["n_mentions"] = grid["n_mentions"].fillna(0).astype("int64")
    grid["mentioning"] = grid["n_mentions"] > 0
    out = (
        grid.groupby([key, "actor"], observed=True, dropna=False, sort=True)
        .agg(
            n_docs=("doc_id", "size"),
            n_docs_mentioning=("mentioning", "sum"),
            n_mentions=("n_mentions", "sum"),
            n_words=("n_words", "sum"),
        )
        .reset_index()
    )
    out["per_10k_words"] = 10_000 * out["n_mentions"] / out["n_words"].where(out["n_words"] > 0)
    out.attrs.update(by=by_label(by), actors=actors)
    return out


def mention_shares(
    mentions: pd.DataFrame,
    docs: Any,
    by: Any,
    *,
    actors: Sequence[str] | None = None,
    n_boot: int = 1000,
    ci: float = 0.95,
    random_state: int | None = 0,
) -> pd.DataFrame:
    """Share of the documents in each group that name each actor, with bootstrap intervals.

    Documents are resampled with replacement within their group (a stratified
    nonparametric bootstrap, Efron & Tibshirani 1993, ch. 13), and the interval is the
    percentile interval of the resampled shares.

    Parameters
    ----------
    mentions : DataFrame
        The output of :func:`mentions`.
    docs : Corpus or DataFrame
        ``doc_id``, ``n_words`` (or ``text``) and the metadata ``by`` reads.
    by : column name, derived name, labels or function
        The groups (e.g. a period or ``"bloc"``; :func:`analysis.groups.resolve_groups`).
    actors : list of str, optional
        As in :func:`mention_counts`.
    n_boot : int, default 1000
    ci : float, default 0.95
    random_state : int, optional

    Returns
    -------
    pandas.DataFrame
        ``group, actor, n_docs, n_docs_mentioning, share, ci_low, ci_high``.
    """
    table = as_docs(docs, need=("doc_id",))
    per_doc = mention_counts(mentions, table, actors=actors)
    groups = pd.DataFrame(
        {
            "doc_id": table["doc_id"].astype("string").to_numpy(),
            "group": resolve_groups(table, by).to_numpy(),
        }
    )
    per_doc = per_doc.merge(groups[groups["group"].notna()], on="doc_id")
    per_doc["named"] = per_doc["n_mentions"] > 0
    boot = cluster_bootstrap(
        per_doc, ["named"], by="group", n_boot=n_boot, random_state=random_state
    )
    low, high = boot.interval(ci)
    out = boot.cells[["group", "actor", "n_docs"]].copy()
    out["n_docs_mentioning"] = boot.sums[:, 0].astype("int64")
    out["share"], out["ci_low"], out["ci_high"] = boot.estimate[:, 0], low[:, 0], high[:, 0]
    out.attrs.update(by=by_label(by), n_boot=n_boot, ci=ci)
    return out


def co_mentions(
    mentions: pd.DataFrame,
    level: str = "sentence",
    *,
    max_actors: int | None = None,
    involving: Sequence[str] = (),
) -> pd.DataFrame:
    """Pairs of actors named in the same sentence (or document).

    Parameters
    ----------
    mentions : DataFrame
        The output of :func:`mentions`.
    level : {"sentence", "document"}
        The unit two actors must share.
    max_actors : int, optional
        Leave out units naming more than this many distinct actors: enumerations such as
        a list of memberships name organizations together without relating them.
    involving : list of str, optional
        Keep only pairs with at least one of these actors.

    Returns
    -------
    pandas.DataFrame
        One row a pair (``actor_a < actor_b``): ``n_units`` (units naming both),
        ``n_units_a``, ``n_units_b`` (units naming each) and ``jaccard =
        n_units / (n_units_a + n_units_b - n_units)``; most frequent pairs first.
    """
    if level not in ("sentence", "document"):
        raise OptionError(f"level must be 'sentence' or 'document', not {level!r}")
    unit = ["doc_id", "sentence_id"] if level == "sentence" else ["doc_id"]
    present = mentions[[*unit, "actor"]].drop_duplicates()
    if max_actors is not None:
        size = present.groupby(unit, observed=True)["actor"].transform("size")
        present = present[size <= max_actors]
    per_actor = present.groupby("actor", observed=True).size()
    pairs = present.merge(present, on=unit, suffixes=("_a", "_b"))
    pairs = pairs[pairs["actor_a"] < pairs["actor_b"]]
    out = (
        pairs.groupby(["actor_a", "actor_b"], observed=True).size().rename("n_units").reset_index()
    )
    out["n_units_a"] = out["actor_a"].map(per_actor).astype("int64")
    out["n_units_b"] = out["actor_b"].map(per_actor).astype("int64")
    out["jaccard"] = out["n_units"] / (out["n_units_a"] + out["n_units_b"] - out["n_units"])
    if involving:
        out = out[out["actor_a"].isin(involving) | out["actor_b"].isin(involving)]
    out = out.sort_values(["n_units", "actor_a", "actor_b"], ascending=[False, True, True])
    out = out.reset_index(drop=True)
    out.attrs.update(level=level, max_actors=max_actors, involving=list(involving))
    return out
