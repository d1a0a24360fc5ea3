"""The public mention layer: every mention of the registry's actors in a corpus, as a table.

:func:`mentions` accepts a corpus, a table or plain texts, runs the registry's compiled
matcher and the rules of :mod:`analysis.actors.rules` over each document, and reports each
hit as the actor asked for (optionally a child as its nearest listed ancestor). One row a
mention, with the columns of :data:`MENTION_COLUMNS`; character offsets index the text.

The module is not called ``mentions`` so that the name ``analysis.actors.mentions`` stays
the function.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from analysis.actors.registry import Registry, load_registry
from analysis.actors.rules import document_mentions
from analysis.cache import Cache, make_key
from analysis.errors import OptionError, did_you_mean
from analysis.inputs import is_corpus, text_table
from analysis.settings import get_settings

#: Columns of the table :func:`mentions` returns.
MENTION_COLUMNS = ["doc_id", "actor", "start", "end", "surface", "sentence_id"]


def mentions(
    corpus_or_docs: Any,
    actors: Sequence[str] | str | None = None,
    *,
    registry: Registry | None = None,
    include_children: bool = False,
    anaphora: bool = False,
    context_actors: Sequence[str] = (),
    progress: bool | None = None,
    cache: bool = True,
) -> pd.DataFrame:
    """Find every mention of the registry's actors in a corpus.

    Parameters
    ----------
    corpus_or_docs : Corpus, DataFrame, Series, str or list of str
        A corpus, a table with ``doc_id`` and ``text`` (and optionally ``lang``), texts
        indexed by doc id, or plain texts (doc ids ``"0"``, ``"1"``...).
    actors : str or list of str, optional
        Actor ids to report (default: all). Matching always uses the whole registry, so
        "UNESCO" stays UNESCO's even when only ``"UN"`` is asked for.
    registry : Registry, optional
        Default: :func:`load_registry()`.
    include_children : bool, default False
        Report a child's mentions (UNHCR, CRRF, NRC...) as its nearest listed ancestor
        (with ``actors=None``: as its top-level actor).
    anaphora : bool, default False
        Also count anaphora ("the Alliance" as NATO) in documents that named the actor before.
    context_actors : list of str, optional
        Actors the whole corpus is about, whose contextual forms count without further
        context, e.g. ``["UN"]`` for the UN General Debate, where "the Security Council" is
        always the UN's. The "National Security Council" rules still apply.
    progress : bool, optional
        Show a progress bar (default: for more than 2,000 documents).
    cache : bool, default True
        For a Corpus: read and write the table in the on-disk cache, keyed by the corpus
        fingerprint, these options and the registry's :meth:`~Registry.key`.

    Returns
    -------
    pandas.DataFrame
        Columns ``doc_id, actor, start, end, surface, sentence_id``, one row a mention, in
        document and text order; ``text[start:end] == surface``. ``attrs`` records the
        parameters and ``actors`` (the ids asked for, or those found).

    Examples
    --------
    >>> mentions("The UN-CSTO declaration.")[["actor", "surface"]].values.tolist()
    [['UN', 'UN'], ['CSTO', 'CSTO']]
    """
    from analysis.parallel import progress_bar

    registry = registry or load_registry()
    report = _report_map(registry, actors, include_children)
    always = frozenset(_asked(context_actors) or ())
    _report_map(registry, sorted(always), False)  # unknown ids raise
    params = {
        "actors": _asked(actors),
        "include_children": include_children,
        "anaphora": anaphora,
        "context_actors": sorted(always),
    }
    store = Cache("mentions", get_settings()) if cache and is_corpus(corpus_or_docs) else None
    key = make_key("mentions", getattr(corpus_or_docs, "fingerprint", ""), params, registry.key())
    hit = store.get(key) if store is not None else None
    if hit is not None:
        out = hit[0]["mentions"].astype(_mention_frame({c: [] for c in MENTION_COLUMNS}).dtypes)
        out.attrs.update(hit[1], registry=registry.source)
        return out
    docs = text_table(corpus_or_docs, what="mentions()")
    matcher = registry.matcher(anaphora=anaphora)
    show = progress if progress is not None else len(docs) > 2000
    cols: dict[str, list] = {c: [] for c in MENTION_COLUMNS}
    rows = zip(docs["doc_id"], docs["text"], docs["lang"])
    for doc_id, text, lang in progress_bar(
        rows, total=len(docs), desc="mentions", disable=not show
    ):
        if not isinstance(text, str):
            continue
        for h in document_mentions(text, lang if isinstance(lang, str) else None, matcher, always):
            actor = report.get(h.actor)
            if actor is not None:
                for col, value in zip(
                    MENTION_COLUMNS, (doc_id, actor, h.start, h.end, h.surface, h.sentence)
                ):
                    cols[col].append(value)
    out = _mention_frame(cols)
    attrs = {**params, "actors": _asked(actors) or sorted(out["actor"].unique())}
    if store is not None:
        store.put(key, {"mentions": out}, attrs)
    out.attrs.update(attrs, registry=registry.source)
    return out


def _asked(actors: Sequence[str] | str | None) -> list[str] | None:
    return [actors] if isinstance(actors, str) else (list(actors) if actors else None)


def _report_map(
    registry: Registry, actors: Sequence[str] | str | None, include_children: bool
) -> dict[str, str]:
    """Matched actor id -> reported actor id (absent: not reported)."""
    asked = _asked(actors)
    unknown = [a for a in asked or () if a not in registry]
    if unknown:
        forms = registry.forms()
        named = dict(zip(forms["form"].astype(str).str.casefold(), forms["actor"].astype(str)))
        hints = "".join(
            f" {u!r} is a name of {named[u.casefold()]!r}: use the id."
            if u.casefold() in named
            else did_you_mean(u, registry.ids)
            for u in unknown
        )
        raise OptionError(
            f"--actors / actors: unknown actor id(s) {unknown}.{hints} Known ids: "
            f"{', '.join(registry.ids)}. Check the spelling or add the actor to your "
            "registry YAML."
        )
    if asked is None:
        return {a: (registry.root(a) if include_children else a) for a in registry.ids}
    out = {a: a for a in asked}
    if include_children:
        for a in registry.ids:
            nearest = next((p for p in registry.ancestors(a) if p in out and out[p] == p), None)
            if a not in out and nearest is not None:
                out[a] = nearest
    return out


def _mention_frame(cols: dict[str, list]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "doc_id": pd.Series(cols["doc_id"], dtype="string"),
            "actor": pd.Series(cols["actor"], dtype="string"),
            "start": pd.Series(cols["start"], dtype="int64"),
            "end": pd.Series(cols["end"], dtype="int64"),
            "surface": pd.Series(cols["surface"], dtype="string"),
            "sentence_id": pd.Series(cols["sentence_id"], dtype="int64"),
        }
    )
