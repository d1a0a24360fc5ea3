"""Co-mentions: who is named with whom, as a weighted, tidy edge table."""

from __future__ import annotations

from typing import Any

import pandas as pd

from analysis.groups import by_label, with_groups

#: Columns of :func:`co_mention_network`.
EDGE_COLUMNS = [
    "group",
    "actor_a",
    "actor_b",
    "weight",
    "n_docs",
    "n_units_a",
    "n_units_b",
    "jaccard",
]


def co_mention_network(
    contexts: pd.DataFrame,
    *,
    by: Any = None,
    entities: pd.DataFrame | None = None,
    min_weight: int = 1,
    frames=None,
) -> pd.DataFrame:
    """Who is named with whom: a weighted, tidy edge table (per group).

    Parameters
    ----------
    contexts : DataFrame
        The output of :func:`~analysis.framing.contexts` (ask for more actors, e.g. SCO,
        CIS, EU, OSCE, for a wider network). Two actors are linked by every unit (sentence
        or window) naming both.
    by : str or array-like, optional
        Groups (see :func:`analysis.groups.resolve_groups`): one network per group.
    entities : DataFrame, optional
        The output of :func:`analysis.entities.entities` for the same documents: countries
        (``ent_id`` an ISO3 code of a GPE/NORP entity) named in an actor's sentence are
        added as nodes linked to that actor.
    min_weight : int, default 1
        Drop edges with fewer shared units.

    Returns
    -------
    pandas.DataFrame
        One row an edge: ``group`` ("all" without ``by``), ``actor_a``, ``actor_b``
        (``actor_a < actor_b``, as in :func:`analysis.actors.co_mentions`), ``weight``
        (units naming both), ``n_docs`` (documents with such a unit), ``n_units_a``,
        ``n_units_b`` (units naming each) and
        ``jaccard = weight / (n_units_a + n_units_b - weight)``; heaviest first.
    """
    data = contexts.assign(group="all") if by is None else with_groups(contexts, by, frames=frames)
    units = data[["group", "doc_id", "sentence_id", "actor"]].astype({"actor": str})
    pairs = _actor_pairs(data)
    if entities is not None:
        extra, units = _country_links(data, entities, units)
        pairs = pd.concat([pairs, extra], ignore_index=True)
    return _edges(pairs.drop_duplicates(), units.drop_duplicates(), min_weight, by)


def _actor_pairs(data: pd.DataFrame) -> pd.DataFrame:
    """``group, doc_id, sentence_id, actor_a, actor_b`` of each unit naming two actors."""
    links = data.assign(other=data["other_actors"].fillna("").str.split(";")).explode("other")
    other = links["other"].fillna("").astype(str)
    links = links[(other.str.len() > 0) & (links["actor"].astype(str) < other)]
    return (
        links[["group", "doc_id", "sentence_id", "actor", "other"]]
        .rename(columns={"actor": "actor_a", "other": "actor_b"})
        .astype({"actor_a": str})
    )


def _country_links(
    data: pd.DataFrame, entities: pd.DataFrame, units: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Actor-country pairs sharing a sentence, and the countries' own units."""
    countries = entities[
        entities["label"].isin(["GPE", "NORP"])
        & entities["ent_id"].astype(str).str.fullmatch(r"[A-Z]{3}")
    ]
    countries = countries[["doc_id", "sentence_id", "ent_id"]].astype({"doc_id": str})
    ctx = data[["group", "doc_id", "sentence_id", "actor"]].astype({"doc_id": str})
    both = ctx.merge(countries, on=["doc_id", "sentence_id"])
    src, tgt = both["actor"].astype(str), both["ent_id"].astype(str)
    pairs = pd.DataFrame(
        {
            "group": both["group"],
            "doc_id": both["doc_id"],
            "sentence_id": both["sentence_id"],
            "actor_a": src.where(src < tgt, tgt),
            "actor_b": tgt.where(src < tgt, src),
        }
    )
    own = both[["group", "doc_id", "sentence_id", "ent_id"]].rename(columns={"ent_id": "actor"})
    return pairs, pd.concat([units, own], ignore_index=True)


def _edges(pairs: pd.DataFrame, units: pd.DataFrame, min_weight: int, by: Any) -> pd.DataFrame:
    size = units.groupby(["group", "actor"], observed=True).size()
    out = (
        pairs.groupby(["group", "actor_a", "actor_b"], observed=True)
        .agg(weight=("doc_id", "size"), n_docs=("doc_id", "nunique"))
        .reset_index()
    )
    for end in ("a", "b"):
        actors = out[f"actor_{end}"]
        out[f"n_units_{end}"] = [int(size.get((g, a), 0)) for g, a in zip(out["group"], actors)]
    out["jaccard"] = out["weight"] / (out["n_units_a"] + out["n_units_b"] - out["weight"])
    out = out[out["weight"] >= min_weight].sort_values(
        ["group", "weight", "actor_a", "actor_b"], ascending=[True, False, True, True]
    )
    out = out.reset_index(drop=True)[EDGE_COLUMNS]
    out.attrs.update(by=by_label(by), min_weight=min_weight)
    return out
