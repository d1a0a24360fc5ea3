"""Units a topic model is fitted on: documents, paragraphs, or the sentences around actors.

:func:`units` cuts a corpus into one row a unit (``doc_id`` and the corpus' metadata kept,
the actors each unit names in ``actors``). Every other module of :mod:`analysis.topics`
reads its input through :func:`as_units`, which also takes a corpus or any table with
``doc_id`` and ``text``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.errors import OptionError
from analysis.inputs import is_corpus

#: Kinds of unit a model can be fitted on.
TOPIC_UNITS = ("document", "paragraph", "actor_context")
#: Actors whose contexts :func:`units` annotates by default.
DEFAULT_ACTORS = ("CSTO", "NATO", "UN")
#: Columns of the documents table that do not describe a unit.
_DOC_ONLY = ("text", "n_chars", "n_words", "lang_detected", "lang_confidence")
#: Unit columns that are not metadata (left out of output tables).
UNIT_COLUMNS = (
    "unit_id",
    "doc_id",
    "unit",
    "position",
    "start",
    "end",
    "text",
    "n_words",
    "actors",
)
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
_LINE_BREAK = re.compile(r"\n\s*")


def units(
    corpus,
    unit: str = "document",
    *,
    actors: Sequence[str] = DEFAULT_ACTORS,
    window: int = 1,
    min_words: int = 15,
    mentions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Cut a corpus into the units a topic model is fitted on.

    Parameters
    ----------
    corpus : Corpus
    unit : {"document", "paragraph", "actor_context"}
        Whole documents; paragraphs (split at blank lines, or at line breaks in a
        document without blank lines, as the UN General Debate texts are); or the
        sentences around each mention of ``actors``.
    actors : sequence of str, default ("CSTO", "NATO", "UN")
        Actor ids. Every unit gets an ``actors`` column naming those mentioned in it
        (";"-joined), so prevalence can be grouped by actor; ``()`` skips the lookup.
    window : int, default 1
        For ``actor_context``: sentences kept before and after a mention's sentence.
        Overlapping windows of the same actor in a document merge into one unit.
    min_words : int, default 15
        For ``paragraph``: a shorter paragraph is merged with the next one (headings,
        one-line fields), the last one with the previous one.
    mentions : pandas.DataFrame, optional
        Precomputed :func:`analysis.actors.mentions` of ``corpus`` (to use its options,
        such as ``anaphora`` or ``context_actors``).

    Returns
    -------
    pandas.DataFrame
        One row a unit: ``unit_id, doc_id, unit, position, start, end, text, n_words,
        actors`` then the corpus' metadata columns. ``text == doc_text[start:end]``.
        ``attrs`` records the parameters.
    """
    if unit not in TOPIC_UNITS:
        raise OptionError(f"unit must be one of {TOPIC_UNITS}, not {unit!r}")
    docs = corpus.docs
    texts = docs["text"].tolist()
    wanted = tuple(actors) if unit != "actor_context" else tuple(actors or DEFAULT_ACTORS)
    found = _mentions(corpus, wanted, mentions) if wanted else None
    if unit == "document":
        spans = [(i, 0, len(t), None) for i, t in enumerate(texts)]
    elif unit == "paragraph":
        spans = [(i, s, e, None) for i, t in enumerate(texts) for s, e in _paragraphs(t, min_words)]
    else:
        spans = _context_spans(docs["doc_id"], texts, found, window)
        if not spans:
            raise OptionError(
                f"no mention of {list(wanted)} in corpus "
                f"{getattr(corpus, 'name', '')!r}: there are no actor contexts. "
                "Check the actor ids or use unit='paragraph'."
            )
    return _unit_table(
        docs,
        spans,
        unit,
        found,
        params={
            "unit": unit,
            "actors": list(wanted),
            "window": window,
            "min_words": min_words,
            "corpus": getattr(corpus, "name", None),
            "fingerprint": getattr(corpus, "fingerprint", None),
        },
    )


def sample_documents(
    units_: pd.DataFrame, max_docs: int | None, *, random_state: int | None = 0
) -> pd.DataFrame:
    """The units of a random sample of at most ``max_docs`` documents (all their units).

    Fitting, sweeping k and checking stability on a sample of documents keeps a large
    corpus (the UN General Debate's ~500,000 paragraphs) practical; sampling whole
    documents keeps each document's paragraphs together, so the document bootstrap of
    :func:`~analysis.topics.prevalence` still applies to the sample.

    Parameters
    ----------
    units_ : DataFrame
        The output of :func:`units`.
    max_docs : int or None
        Documents kept; None (or at least the number of documents) keeps all.
    random_state : int, optional

    Returns
    -------
    pandas.DataFrame
        The sampled documents' units, in their original order (``attrs`` kept, plus
        ``sampled_docs``).
    """
    doc_ids = units_["doc_id"].unique()
    if max_docs is None or max_docs >= len(doc_ids):
        return units_
    keep = np.random.default_rng(random_state).choice(doc_ids, size=max_docs, replace=False)
    out = units_[units_["doc_id"].isin(keep)]
    out.attrs.update(units_.attrs, sampled_docs=max_docs)
    return out


def _mentions(corpus, actors: Sequence[str], given: pd.DataFrame | None) -> pd.DataFrame:
    if given is None:
        from analysis.actors import mentions

        given = mentions(corpus, list(actors))
    found = given[given["actor"].isin(list(actors))]
    return pd.DataFrame(
        {
            "doc_id": found["doc_id"].astype(str).to_numpy(),
            "actor": found["actor"].astype(str).to_numpy(),
            "start": found["start"].to_numpy(np.int64),
            "sentence_id": found["sentence_id"].to_numpy(np.int64),
        }
    )


def _paragraphs(text: str, min_words: int) -> list[tuple[int, int]]:
    """(start, end) of each paragraph, short ones merged into the next (or previous)."""
    breaks = _PARAGRAPH_BREAK if _PARAGRAPH_BREAK.search(text) else _LINE_BREAK
    spans, pos = [], 0
    for m in breaks.finditer(text):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text.rstrip())))
    spans = [(s, e) for s, e in spans if text[s:e].strip()]
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and len(text[merged[-1][0] : merged[-1][1]].split()) < min_words:
            s = merged.pop()[0]
        merged.append((s, e))
    if len(merged) > 1 and len(text[merged[-1][0] : merged[-1][1]].split()) < min_words:
        e = merged.pop()[1]
        merged[-1] = (merged[-1][0], e)
    return merged or [(0, len(text))]


def _context_spans(
    doc_ids: pd.Series, texts: list[str], found: pd.DataFrame, window: int
) -> list[tuple[int, int, int, str]]:
    """(doc row, start, end, actor) of merged sentence windows around each mention."""
    row_of = {d: i for i, d in enumerate(doc_ids.astype(str))}
    spans: list[tuple[int, int, int, str]] = []
    for (doc, actor), group in found.groupby(["doc_id", "actor"], sort=False):
        i = row_of[doc]
        starts = unit_sentence_starts(texts[i])
        ends = starts[1:] + [len(texts[i])]
        current: list[int] | None = None
        for sent in sorted(set(group["sentence_id"])):
            lo, hi = max(0, sent - window), min(len(starts) - 1, sent + window)
            if current is not None and lo <= current[1] + 1:
                current[1] = hi
                continue
            if current is not None:
                spans.append((i, starts[current[0]], ends[current[1]], actor))
            current = [lo, hi]
        spans.append((i, starts[current[0]], ends[current[1]], actor))
    return sorted(spans, key=lambda s: (s[0], s[1], s[3]))


def unit_sentence_starts(text: str) -> list[int]:
    """Sentence starts of a text, as the mention layer finds them."""
    from analysis.actors import sentence_starts

    return sentence_starts(text)


def _unit_table(
    docs: pd.DataFrame, spans: list, unit: str, found: pd.DataFrame | None, params: dict
) -> pd.DataFrame:
    rows = np.fromiter((s[0] for s in spans), dtype=np.int64, count=len(spans))
    starts = np.fromiter((s[1] for s in spans), dtype=np.int64, count=len(spans))
    ends = np.fromiter((s[2] for s in spans), dtype=np.int64, count=len(spans))
    doc_texts = docs["text"].to_numpy()
    texts = [doc_texts[r][s:e] for r, s, e in zip(rows, starts, ends)]
    doc_ids = docs["doc_id"].astype(str).to_numpy()[rows]
    position = pd.Series(rows).groupby(rows).cumcount().to_numpy()
    if unit == "document":
        ids = doc_ids
    elif unit == "paragraph":
        ids = [f"{d}:{p}" for d, p in zip(doc_ids, position)]
    else:
        ids = [f"{d}:{s[3]}:{p}" for d, s, p in zip(doc_ids, spans, position)]
    out = pd.DataFrame(
        {
            "unit_id": pd.Series(ids, dtype=str),
            "doc_id": doc_ids,
            "unit": unit,
            "position": position,
            "start": starts,
            "end": ends,
            "text": pd.Series(texts, dtype=str),
            "n_words": [len(t.split()) for t in texts],
        }
    )
    if unit == "actor_context":
        out["actors"] = [s[3] for s in spans]
    elif found is not None:
        out["actors"] = _actors_in(out, found)
    meta = docs.drop(columns=[c for c in (*_DOC_ONLY, *out.columns) if c in docs.columns])
    out = pd.concat([out, meta.iloc[rows].reset_index(drop=True)], axis=1)
    out.attrs.update(params)
    return out


def _actors_in(table: pd.DataFrame, found: pd.DataFrame) -> list[str]:
    """The actors mentioned inside each unit, ";"-joined (start <= mention start < end)."""
    if found.empty:
        return [""] * len(table)
    left = found.assign(pos=found["start"]).sort_values("pos", kind="stable")
    right = (
        table[["doc_id", "start", "end"]]
        .reset_index(names="row")
        .rename(columns={"start": "pos"})
        .sort_values("pos", kind="stable")
    )
    hit = pd.merge_asof(left, right, on="pos", by="doc_id", direction="backward")
    hit = hit[hit["row"].notna() & (hit["pos"] < hit["end"])]
    names = hit.groupby(hit["row"].astype(np.int64))["actor"].agg(
        lambda a: ";".join(sorted(set(a)))
    )
    return [names.get(i, "") for i in range(len(table))]


def unit_kind(table: pd.DataFrame) -> str:
    """The kind of unit a units table holds ("document", "paragraph", "actor_context")."""
    if "unit" in table and len(table):
        return str(table["unit"].iloc[0])
    return str(table.attrs.get("unit", "document"))


def as_units(data) -> pd.DataFrame:
    """A units table from a units table, a corpus or any table with doc_id and text."""
    if is_corpus(data):
        return units(data, "document", actors=())
    if not isinstance(data, pd.DataFrame) or not {"doc_id", "text"} <= set(data.columns):
        raise OptionError(
            "topic models are fitted on topics.units(corpus, ...), a Corpus, or a "
            "DataFrame with 'doc_id' and 'text' columns (one row a unit)."
        )
    if "unit_id" not in data.columns:
        data = data.assign(unit_id=data["doc_id"].astype(str))
    if data["unit_id"].duplicated().any():
        dup = data.loc[data["unit_id"].duplicated(), "unit_id"].iloc[0]
        raise OptionError(
            f"unit_id values must be unique; {dup!r} repeats. Give each unit an id "
            "(topics.units does) or pass one row a document."
        )
    return data.reset_index(drop=True)
