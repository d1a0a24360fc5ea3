"""Entity tables: :func:`entity_frequencies` and :func:`actor_cooccurrence`.

Entities with an ``ent_id`` (actors, countries) are counted by it, others by their text
without "the", "'s" and extra spaces; each is named by its most frequent surface.
Co-occurrence counts an entity once for each actor named in its sentence (or document),
except where the entity is that actor's own mention (overlapping spans).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from analysis.errors import OptionError
from analysis.groups import by_label, resolve_groups
from analysis.inputs import as_docs

#: Labels of names (not numbers, dates or amounts): the default of :func:`actor_cooccurrence`.
NAMED_LABELS = (
    "PERSON",
    "NORP",
    "FAC",
    "ORG",
    "GPE",
    "LOC",
    "PRODUCT",
    "EVENT",
    "WORK_OF_ART",
    "LAW",
    "LANGUAGE",
)


def _entity_key(ents: pd.DataFrame) -> pd.Series:
    """``ent_id`` where there is one, else the text without "the ", "'s" and extra spaces."""
    surface = (
        ents["surface"]
        .astype(str)
        .str.split()
        .str.join(" ")
        .str.replace(r"^[Tt]he\s+", "", regex=True)
        .str.replace(r"['\u2019]s?$", "", regex=True)
    )
    has_id = ents["ent_id"].fillna("").ne("")
    return surface.where(~has_id, "\x00" + ents["ent_id"].astype(str))


def _names(data: pd.DataFrame) -> pd.Series:
    """The most frequent surface of each ``(label, key)`` (ties: alphabetical).

    An entity with an ``ent_id`` named in several scripts (a mixed English and Russian
    corpus: "Afghanistan", "Афганистане") is named by its most frequent Latin-script
    surface, so one label reads the same in every panel.
    """
    counts = data.groupby(["label", "key", "surface"], observed=True).size().rename("n")
    counts = counts.reset_index()
    counts["other_script"] = counts["key"].astype(str).str.startswith("\x00") & counts[
        "surface"
    ].astype(str).str.contains("[\u0400-\u04ff]", regex=True)
    counts = counts.sort_values(["other_script", "n", "surface"], ascending=[True, False, True])
    return counts.drop_duplicates(["label", "key"]).set_index(["label", "key"])["surface"]


def _ranked(data: pd.DataFrame, keys: list[str], top: int | None) -> pd.DataFrame:
    """Count ``data`` rows by ``keys + label + key``: name, count, n_docs; most first."""
    names = _names(data)
    out = (
        data.groupby([*keys, "label", "key"], observed=True, dropna=False)
        .agg(ent_id=("ent_id", "first"), count=("doc_id", "size"), n_docs=("doc_id", "nunique"))
        .reset_index()
    )
    out = out.merge(names.rename("name").reset_index(), on=["label", "key"], how="left")
    out["ent_id"] = out["ent_id"].fillna("").astype("string")
    out = out.sort_values(
        [*keys, "count", "n_docs", "label", "name"],
        ascending=[True] * len(keys) + [False, False, True, True],
    )
    if top is not None:
        out = out.groupby(keys, observed=True, dropna=False).head(top) if keys else out.head(top)
    out = out[[*keys, "label", "ent_id", "name", "count", "n_docs"]].reset_index(drop=True)
    return out.astype({"count": "int64", "n_docs": "int64"})


def entity_frequencies(
    ents: pd.DataFrame,
    docs: Any = None,
    *,
    by: str | Sequence[str] | None = None,
    labels: Sequence[str] | None = None,
    top: int | None = None,
) -> pd.DataFrame:
    """How often each entity occurs, overall or per metadata group.

    Entities with an ``ent_id`` (actors, countries) are counted by it, so "Russia", "the
    Russian Federation" and "Russians" (``NORP``) are one ``RUS`` per label; others by
    their text without "the", "'s" and extra spaces.

    Parameters
    ----------
    ents : DataFrame
        The output of :func:`entities`.
    docs : Corpus or DataFrame, optional
        Needed with ``by``: ``doc_id`` and the metadata ``by`` reads.
    by : column name, derived name, labels or function, optional
        Groups to count within (e.g. ``"region"``, ``"year"``, ``"bloc"``; see
        :func:`analysis.groups.resolve_groups`); documents without a group are left out.
    labels : list of str, optional
        Only these labels.
    top : int, optional
        Keep the ``top`` most frequent entities (per group).

    Returns
    -------
    pandas.DataFrame
        ``[group,] label, ent_id, name, count, n_docs``: ``name`` is the entity's most
        frequent surface in ``ents`` (the same in every group), ``count`` its occurrences,
        ``n_docs`` the documents naming it; most frequent first.
    """
    data = ents if labels is None else ents[ents["label"].isin(list(labels))]
    keys = []
    if by is not None:
        if docs is None:
            raise OptionError(
                f"entity_frequencies(by={by_label(by)!r}) needs docs=, the documents the "
                "entities came from (a Corpus or a table with doc_id and the metadata by reads)."
            )
        table = as_docs(docs, need=("doc_id",), what="entity_frequencies()")
        groups = pd.DataFrame(
            {
                "doc_id": table["doc_id"].astype("string").to_numpy(),
                "group": resolve_groups(table, by).to_numpy(),
            }
        )
        data = data.astype({"doc_id": "string"}).merge(groups[groups["group"].notna()], on="doc_id")
        keys = ["group"]
    data = data.assign(key=_entity_key(data))
    out = _ranked(data, keys, top)
    out.attrs.update(by=by_label(by), labels=list(labels) if labels else None, top=top)
    return out


def actor_cooccurrence(
    ents: pd.DataFrame,
    mentions: pd.DataFrame,
    *,
    level: str = "sentence",
    top: int | None = 10,
    labels: Sequence[str] | None = NAMED_LABELS,
    max_orgs: int | None = None,
) -> pd.DataFrame:
    """The entities named most often in the same sentence (or document) as each actor.

    An entity counts once for each actor named in its unit, except where it is that
    actor's own mention (overlapping spans: "CSTO" is not CSTO's neighbour; NATO in a
    CSTO sentence is).

    Parameters
    ----------
    ents : DataFrame
        The output of :func:`entities` (with ``mode="actor_sentences"``, document level
        only sees the parsed sentences).
    mentions : DataFrame
        The output of :func:`analysis.actors.mentions` for the same documents.
    level : {"sentence", "document"}
        The unit an actor and an entity must share.
    top : int, optional
        Entities kept per actor (None: all).
    labels : list of str, optional
        Entity labels counted (default: :data:`NAMED_LABELS`, names rather than numbers
        and dates; None: all).
    max_orgs : int, optional
        Leave out units naming more than ``max_orgs`` organizations (``ORG`` entities):
        lists such as the factbook's membership lines, where every acronym sits beside
        every other and the model mislabels some of them as people or places.

    Returns
    -------
    pandas.DataFrame
        ``actor, label, ent_id, name, count, n_docs``: ``count`` is the entity's
        occurrences in units naming the actor, ``n_docs`` the documents where they meet;
        most frequent first within each actor.
    """
    if level not in ("sentence", "document"):
        raise OptionError(f"level must be 'sentence' or 'document', not {level!r}")
    unit = ["doc_id", "sentence_id"] if level == "sentence" else ["doc_id"]
    if max_orgs is not None:
        n_orgs = ents[ents["label"] == "ORG"].groupby(unit).size()
        lists = n_orgs[n_orgs > max_orgs].index
        ents = (
            ents[~pd.MultiIndex.from_frame(ents[unit]).isin(lists)]
            if len(unit) > 1
            else ents[~ents["doc_id"].isin(lists)]
        )
        mentions = (
            mentions[~pd.MultiIndex.from_frame(mentions[unit]).isin(lists)]
            if len(unit) > 1
            else mentions[~mentions["doc_id"].isin(lists)]
        )
    e = ents if labels is None else ents[ents["label"].isin(list(labels))]
    e = e.astype({"doc_id": "string"}).reset_index(drop=True)
    e = e.assign(_row=np.arange(len(e)), key=_entity_key(e))
    m = mentions.astype({"doc_id": "string", "actor": "string"})
    same = e[["doc_id", "sentence_id", "_row", "start", "end"]].merge(
        m[["doc_id", "sentence_id", "actor", "start", "end"]],
        on=["doc_id", "sentence_id"],
        suffixes=("", "_m"),
    )
    own = same.loc[
        (same["start"] < same["end_m"]) & (same["start_m"] < same["end"]), ["_row", "actor"]
    ].drop_duplicates()
    present = m[[*unit, "actor"]].drop_duplicates()
    pairs = e[[*unit, "_row"]].merge(present, on=unit)[["_row", "actor"]]
    pairs = pairs.merge(own.assign(_own=True), on=["_row", "actor"], how="left")
    pairs = pairs[pairs["_own"].isna()].drop(columns="_own")
    data = pairs.merge(e[["_row", "doc_id", "label", "ent_id", "surface", "key"]], on="_row")
    out = _ranked(data, ["actor"], top)
    out.attrs.update(level=level, top=top, labels=list(labels) if labels else None)
    return out
