"""Actor contexts: the sentence (or word window) around each actor's mentions.

:func:`contexts` makes one row per document, actor and sentence (or window) from the
mentions of :func:`analysis.actors.mentions`; a unit naming two actors is a context of
each, flagged ``co_mentioned``. The "Contexts" section of :mod:`analysis.framing` says how.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from analysis import actors as actors_mod
from analysis.cache import Cache, make_key
from analysis.errors import OptionError
from analysis.inputs import as_docs, is_corpus
from analysis.settings import get_settings
from analysis.text import strip_span

#: The actors compared by default.
DEFAULT_ACTORS = ("CSTO", "NATO", "UN")
#: Context units of :func:`contexts`.
CONTEXT_UNITS = ("sentence", "window")
#: Columns of :func:`contexts` (document metadata follows).
CONTEXT_COLUMNS = [
    "doc_id",
    "actor",
    "sentence_id",
    "start",
    "end",
    "context",
    "co_mentioned",
    "other_actors",
    "n_mentions",
]
#: The dtype of each of :data:`CONTEXT_COLUMNS`.
_DTYPES = ["string", "string", "int64", "int64", "int64", "string", "bool", "string", "int64"]

_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")

#: ``(actor, sentence_id)`` -> ``(first start, last end, n_mentions)``.
_Spans = dict[tuple[str, int], tuple[int, int, int]]


def corpus_context_actors(docs: pd.DataFrame) -> list[str]:
    """``["UN"]`` for a corpus whose every document is a UN General Debate speech, else ``[]``.

    There "the Security Council" and "the General Assembly" are the UN's (the
    ``context_actors`` of :func:`analysis.actors.mentions`).
    """
    from analysis.readers.general_debate import SOURCE

    sources = set(docs["source"].dropna().unique()) if "source" in docs.columns else set()
    return ["UN"] if sources == {SOURCE} else []


def contexts(
    corpus: Any,
    actors: Sequence[str] | None = DEFAULT_ACTORS,
    *,
    unit: str = "sentence",
    window: int = 25,
    mentions: pd.DataFrame | None = None,
    registry: actors_mod.Registry | None = None,
    include_children: bool = False,
    context_actors: Sequence[str] = (),
    progress: bool | None = None,
    cache: bool = True,
) -> pd.DataFrame:
    """The sentence (or word window) around each actor's mentions, with document metadata.

    Parameters
    ----------
    corpus : Corpus or DataFrame
        A corpus, or a table with ``doc_id``, ``text`` and any metadata.
    actors : list of str, optional
        Actor ids (default CSTO, NATO, UN; None: every actor found).
    unit : {"sentence", "window"}
        The sentence of :func:`analysis.actors.sentence_starts`, or ``window`` word tokens
        either side of the actor's mentions in that sentence.
    window : int, default 25
        Word tokens before the first and after the last mention (``unit="window"``).
    mentions : DataFrame, optional
        The output of :func:`analysis.actors.mentions` for these documents, if already
        computed (otherwise it is computed with the options below).
    registry, include_children, context_actors, progress
        Passed to :func:`analysis.actors.mentions`; ``context_actors=["UN"]`` suits the
        UN General Debate, where "the Security Council" is always the UN's.
    cache : bool, default True
        For a Corpus (and no ``mentions``): read and write the contexts in the on-disk
        cache, keyed by the corpus fingerprint, these parameters and the registry's forms.

    Returns
    -------
    pandas.DataFrame
        One row a (document, actor, sentence): ``doc_id, actor, sentence_id, start, end``
        (character offsets, ``text[start:end] == context``), ``context``, ``co_mentioned``
        (another of the actors is named in the unit), ``other_actors`` (their ids, ``;``
        separated, "" if none), ``n_mentions`` (of the actor in the unit), then the
        document's metadata (every corpus column but ``text``). ``attrs`` records the
        parameters.

    Examples
    --------
    >>> ctx = contexts("The UN and the CSTO signed. NATO did not.")
    >>> ctx[["actor", "sentence_id", "co_mentioned", "other_actors"]].values.tolist()
    [['CSTO', 0, True, 'UN'], ['UN', 0, True, 'CSTO'], ['NATO', 1, False, '']]
    """
    if unit not in CONTEXT_UNITS:
        raise OptionError(f"unit must be one of {CONTEXT_UNITS}, not {unit!r}")
    asked = [actors] if isinstance(actors, str) else (list(actors) if actors else None)
    params = {
        "actors": asked,
        "unit": unit,
        "window": window if unit == "window" else None,
        "include_children": include_children,
        "context_actors": list(context_actors),
    }
    store, key = _contexts_cache(corpus, mentions, registry, params) if cache else (None, None)
    found = store.get(key) if store is not None else None
    if found is not None:
        out = found[0]["contexts"]
    else:
        out = _fresh_contexts(
            corpus,
            asked,
            mentions,
            unit,
            window,
            registry=registry,
            progress=progress,
            include_children=include_children,
            context_actors=context_actors,
        )
        if store is not None:
            store.put(key, {"contexts": out})
    out.attrs.update(params, actors=asked or sorted(out["actor"].unique()))
    return out


def _fresh_contexts(
    corpus: Any,
    asked: list[str] | None,
    mentions: pd.DataFrame | None,
    unit: str,
    window: int,
    **options,
) -> pd.DataFrame:
    """Contexts computed anew (``options`` go to :func:`analysis.actors.mentions`)."""
    docs = _docs_table(corpus)
    if mentions is None:
        mentions = actors_mod.mentions(docs, asked, **options)
    elif asked is not None:
        mentions = mentions[mentions["actor"].isin(asked)]
    return _context_frame(_all_contexts(docs, mentions, unit, window), docs)


def _contexts_cache(corpus: Any, mentions: pd.DataFrame | None, registry, params: dict):
    """The cache and key of a corpus' contexts (None when the input is not a Corpus)."""
    if mentions is not None or not is_corpus(corpus):
        return None, None
    signature = (registry or actors_mod.load_registry()).key()
    return Cache("contexts", get_settings()), make_key(
        "contexts", corpus.fingerprint, params, signature
    )


def _docs_table(corpus: Any) -> pd.DataFrame:
    """``doc_id, text`` + metadata from a Corpus, a table, texts, or one text."""
    return as_docs(corpus, what="contexts()")


def _all_contexts(
    docs: pd.DataFrame, mentions: pd.DataFrame, unit: str, window: int
) -> list[tuple]:
    """Context rows of every document with mentions (mention columns read once)."""
    if mentions.empty:
        return []
    texts = dict(zip(docs["doc_id"].astype(str), docs["text"]))
    doc_ids = mentions["doc_id"].astype(str).to_numpy()
    order = np.argsort(pd.factorize(doc_ids)[0], kind="stable")  # documents in corpus order
    cols = [
        mentions[c].to_numpy()[order].tolist() for c in ("actor", "sentence_id", "start", "end")
    ]
    doc_ids = doc_ids[order]
    bounds = np.flatnonzero(np.r_[True, doc_ids[1:] != doc_ids[:-1], True])
    rows: list[tuple] = []
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        text = texts.get(doc_ids[lo])
        if isinstance(text, str):
            hits = list(zip(*(c[lo:hi] for c in cols)))
            rows.extend(_doc_contexts(doc_ids[lo], text, hits, unit, window))
    return rows


def _doc_contexts(doc_id: str, text: str, hits: list[tuple], unit: str, window: int) -> list[tuple]:
    """The context rows of one document from its ``(actor, sentence_id, start, end)`` hits."""
    spans: _Spans = {}
    for actor, sid, s, e in hits:
        lo, hi, n = spans.get((actor, sid), (s, e, 0))
        spans[(actor, sid)] = (min(lo, s), max(hi, e), n + 1)
    units, others = (
        _sentence_units(text, spans) if unit == "sentence" else _window_units(text, spans, window)
    )
    rows = []
    for key in sorted(spans, key=lambda k: (k[1], k[0])):
        (a, b), other = units[key], ";".join(sorted(others[key]))
        rows.append((doc_id, key[0], key[1], a, b, text[a:b], bool(other), other, spans[key][2]))
    return rows


def _sentence_units(text: str, spans: _Spans) -> tuple[dict, dict]:
    """Each span's sentence offsets, and the other actors named in that sentence."""
    starts = actors_mod.sentence_starts(text) + [len(text)]
    units = {k: strip_span(text, starts[k[1]], starts[k[1] + 1]) for k in spans}
    named: dict[int, set[str]] = {}
    for actor, sid in spans:
        named.setdefault(sid, set()).add(actor)
    return units, {k: named[k[1]] - {k[0]} for k in spans}


def _window_units(text: str, spans: _Spans, window: int) -> tuple[dict, dict]:
    """Each span's word-window offsets, and the other actors' spans overlapping it."""
    words = [w.span() for w in _WORD.finditer(text)]
    word_starts = [w[0] for w in words]
    units = {
        k: strip_span(text, *_window(words, word_starts, lo, hi, window))
        for k, (lo, hi, _) in spans.items()
    }
    others = {
        k: {o for (o, osid), span in spans.items() if o != k[0] and _overlaps(span, *units[k])}
        for k in spans
    }
    return units, others


def _window(
    words: list[tuple[int, int]], starts: list[int], lo: int, hi: int, window: int
) -> tuple[int, int]:
    """Offsets spanning ``window`` words before ``lo`` and after ``hi``."""
    if not words:
        return lo, hi
    first = max(0, bisect_right(starts, lo) - 1 - window)
    last = min(len(words) - 1, bisect_left(starts, hi) - 1 + window)
    return min(lo, words[first][0]), max(hi, words[last][1]) if last >= 0 else hi


def _overlaps(span: tuple[int, int, int], a: int, b: int) -> bool:
    return span[0] < b and span[1] > a


def _context_frame(rows: list[tuple], docs: pd.DataFrame) -> pd.DataFrame:
    cols = CONTEXT_COLUMNS
    data = list(zip(*rows)) if rows else [[] for _ in cols]
    out = pd.DataFrame({c: pd.Series(v, dtype=t) for c, v, t in zip(cols, data, _DTYPES)})
    meta = docs.drop(
        columns=[c for c in docs.columns if c == "text" or (c in cols and c != "doc_id")]
    )
    meta = meta.assign(doc_id=meta["doc_id"].astype("string"))
    return out.merge(meta, on="doc_id", how="left", validate="many_to_one")
