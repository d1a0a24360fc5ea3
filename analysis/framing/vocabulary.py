"""Distinctive vocabulary of actor contexts: N-way keyness, each group against the rest.

Each context becomes a document of a small corpus, its group (the actor by default) its
label, and :func:`analysis.keyness.keyness` compares the groups.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from analysis.groups import by_label, resolve_groups

#: Metadata columns a :class:`~analysis.corpus.Corpus` of contexts needs (left empty).
_EMPTY_META = ("title", "date", "source", "author", "url", "lang")


def key_terms(
    contexts: pd.DataFrame,
    *,
    by: Any = "actor",
    target: Any = None,
    top: int | None = 20,
    min_count: int = 5,
    measure: str = "g2",
    options=None,
    drop_actor_tokens: bool = True,
) -> pd.DataFrame:
    """Distinctive words of each group of contexts: N-way keyness, one group against the rest.

    Parameters
    ----------
    contexts : DataFrame
        The output of :func:`~analysis.framing.contexts`; filter it first to compare one
        actor's contexts across sources (``key_terms(ctx[ctx.actor == "CSTO"],
        by="origin")``).
    by : str or array-like, default "actor"
        The groups (see :func:`analysis.groups.resolve_groups`).
    target : label, optional
        One group against all the others (default: every group in turn).
    top : int, optional
        Terms kept per group, most key FOR the group first.
    min_count : int, default 5
    measure : {"g2", "chi2"}
    options : TokenOptions, optional
    drop_actor_tokens : bool, default True
        Leave out the tokens of the actors compared (``csto``, ``nato``, ``un``): each is
        key for its own contexts by construction.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`analysis.keyness.keyness` (``term, group, reference,
        count_target, count_reference, ..., log_ratio, ...``). A co-mention sentence
        counts in both actors' groups.

    See Also
    --------
    analysis.keyness.keyness
    """
    from analysis import keyness as keyness_mod
    from analysis.tokens import dtm

    labels = resolve_groups(contexts, by)
    keep = labels.notna().to_numpy()
    m = dtm(_contexts_corpus(contexts[keep]), options, cache=False)
    out = keyness_mod.keyness(
        m,
        by=labels[keep].astype(str).to_numpy(),
        target=target,
        measure=measure,
        min_count=min_count,
        top=None,
    )
    if drop_actor_tokens:
        out = out[~out["term"].isin({str(a).lower() for a in contexts["actor"].unique()})]
    if top is not None:
        out = out[out["direction"] == "target"].groupby("group", sort=False).head(top)
    out = out.reset_index(drop=True)
    out.attrs.update(by=by_label(by), target=target, top=top, min_count=min_count, measure=measure)
    return out


def _contexts_corpus(table: pd.DataFrame):
    """A :class:`~analysis.corpus.Corpus` of contexts, one document each (unique ids)."""
    from analysis.corpus import Corpus

    ids = (
        table["doc_id"].astype(str)
        + "|"
        + table["actor"].astype(str)
        + "|"
        + table["sentence_id"].astype(str)
        + "|"
        + pd.Series(range(len(table)), index=table.index).astype(str)
    )
    docs = pd.DataFrame(
        {
            "doc_id": ids.to_numpy(),
            "text": table["context"].astype(str).to_numpy(),
            **{c: None for c in _EMPTY_META},
        }
    )
    return Corpus(docs, name="contexts")
