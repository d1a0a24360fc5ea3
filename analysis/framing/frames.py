"""Frame scoring: which dictionary terms a context contains, and whether they are negated.

A context invokes a category when one of its terms occurs and is not voided by a negator
within ``negation.window`` tokens before it (see :mod:`analysis.framing.dictionary` for
the dictionary and what a negator does to each category).
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis.errors import OptionError
from analysis.framing.batches import cached_scores
from analysis.framing.dictionary import Category, FrameDictionary, load_frames

#: Prefix of the frame indicator columns :func:`score_frames` adds.
FRAME_PREFIX = "frame_"

_CLAUSE_BREAK = re.compile(r"[.;:!?\u2013\u2014]|\s-\s")
_NT = ("n't", "n’t")


class _Matcher:
    """The compiled terms and negators of a dictionary (one lookup per token)."""

    def __init__(self, frames: FrameDictionary):
        self.frames = frames
        self.exact: dict[str, list[tuple[str, tuple[str, ...], str]]] = {}
        self.prefix: dict[str, list[tuple[str, tuple[str, ...], str]]] = {}
        for c in frames.categories.values():
            for term in c.terms:
                words = tuple(term.split())
                table = self.prefix if words[0].endswith("*") else self.exact
                table.setdefault(words[0].rstrip("*"), []).append((c.id, words, term))
        self.lengths = sorted({len(k) for k in self.prefix}, reverse=True)
        self._seen: dict[str, list] = {}
        self.negators = frames.negation.negators
        self.not_negators = frames.negation.not_negators

    def candidates(self, token: str) -> list[tuple[str, tuple[str, ...], str]]:
        """Patterns whose first word matches ``token`` (memoized per distinct token)."""
        found = self._seen.get(token)
        if found is None:
            found = list(self.exact.get(token, ()))
            for n in self.lengths:
                if n <= len(token):
                    found.extend(self.prefix.get(token[:n], ()))
            self._seen[token] = found
        return found


def _word_ok(pattern: str, token: str) -> bool:
    return token.startswith(pattern[:-1]) if pattern.endswith("*") else token == pattern


@lru_cache(maxsize=8)
def _matcher(frames: FrameDictionary) -> _Matcher:
    return _Matcher(frames)


@lru_cache(maxsize=1)
def match_options():
    """The token options dictionary terms are matched on: every word, no stop words."""
    from analysis.tokens import TokenOptions

    return TokenOptions(stopwords=None, domain_stopwords=False, min_length=1, numbers=True)


def text_hits(
    text: str, frames: FrameDictionary, language: str = "en", tokens: list | None = None
) -> list[tuple]:
    """``(frame, term, start, end, negated, negator, counted_as)`` of one text.

    ``language`` ("en" or "ru") chooses the terms and negators; Russian tokens are lemmas.
    ``tokens`` are the text's :func:`analysis.tokens.token_spans` under
    :func:`match_options`, when the caller has them already.
    """
    from analysis.tokens import token_spans

    frames = frames.for_language(language)
    matcher = _matcher(frames)
    toks = tokens if tokens is not None else token_spans(text, match_options(), lang=language)
    words = [t.token.replace("’", "'") for t in toks]
    hits = []
    for (cid, i), (j, term) in sorted(
        _longest_matches(words, matcher).items(), key=lambda kv: (kv[0][1], kv[0][0])
    ):
        negator = _negator(text, toks, words, i, matcher)
        counted = _counted_as(frames.categories[cid], negator)
        hits.append(
            (cid, term, toks[i].start, toks[j - 1].end, negator is not None, negator or "", counted)
        )
    return hits


def _longest_matches(words: list[str], matcher: _Matcher) -> dict[tuple[str, int], tuple[int, str]]:
    """``{(category, first token): (end token, term)}``: the longest term of each start."""
    best: dict[tuple[str, int], tuple[int, str]] = {}
    for i, w in enumerate(words):
        for cid, pattern, term in matcher.candidates(w):
            j = i + len(pattern)
            if j <= len(words) and all(_word_ok(p, x) for p, x in zip(pattern, words[i:j])):
                if j > best.get((cid, i), (0, ""))[0]:
                    best[(cid, i)] = (j, term)
    return best


def _negator(text: str, toks, words: list[str], i: int, matcher: _Matcher) -> str | None:
    """The negator ending within the window before token ``i``, if any."""
    lo = max(0, i - matcher.frames.negation.window)
    for k in range(i - 1, lo - 1, -1):
        if _CLAUSE_BREAK.search(text, toks[k].end, toks[i].start):
            return None
        found = [
            n
            for n in matcher.negators
            if k - len(n) + 1 >= 0 and tuple(words[k - len(n) + 1 : k + 1]) == n
        ]
        if words[k].endswith(_NT):
            found.append((words[k],))
        for n in found:
            first = k - len(n) + 1
            if not any(tuple(words[first : first + len(p)]) == p for p in matcher.not_negators):
                return " ".join(n)
    return None


def _counted_as(category: Category, negator: str | None) -> str:
    """The category a hit counts for ("" when a negator voids it)."""
    if negator is None or category.on_negation == "keep":
        return category.id
    if category.on_negation.startswith("flip:"):
        return category.on_negation[5:]
    return ""


def frame_hits(texts: Any, *, frames: str | Path | FrameDictionary | None = None) -> pd.DataFrame:
    """Every dictionary term found in each text, with its negation and what it counts for.

    Parameters
    ----------
    texts : DataFrame with a ``context`` column, Series, list of str or str
    frames : FrameDictionary or path, optional
        Default: the built-in dictionary.

    Returns
    -------
    pandas.DataFrame
        One row a hit: ``row`` (position of the text in ``texts``), ``frame`` (the term's
        category), ``term``, ``surface``, ``start``, ``end`` (offsets into the text),
        ``negated``, ``negator`` and ``counted_as`` (the category the hit invokes; "" when
        voided). With a contexts table, ``doc_id`` and ``actor`` come first.

    Examples
    --------
    >>> frame_hits("NATO does not recognize the CSTO.")[["frame", "negated", "counted_as"]
    ...                                                ].values.tolist()
    [['legitimacy', True, '']]
    """
    frames = load_frames(frames)
    values = context_texts(texts)
    langs = text_languages(texts, values, frames)
    rows = [
        (r, *h)
        for r, (t, lang) in enumerate(zip(values, langs))
        if isinstance(t, str) and lang is not None
        for h in text_hits(t, frames, lang)
    ]
    out = pd.DataFrame(
        rows, columns=["row", "frame", "term", "start", "end", "negated", "negator", "counted_as"]
    )
    out.insert(
        3, "surface", [values[r][s:e] for r, s, e in zip(out["row"], out["start"], out["end"])]
    )
    if isinstance(texts, pd.DataFrame) and {"doc_id", "actor"} <= set(texts.columns):
        out.insert(0, "actor", texts["actor"].to_numpy()[out["row"].to_numpy()])
        out.insert(0, "doc_id", texts["doc_id"].to_numpy()[out["row"].to_numpy()])
    out.attrs.update(frames=frames.source)
    return out


def text_languages(texts: Any, values: list, frames: FrameDictionary) -> list[str | None]:
    """The dictionary language each text is read in, or None where it has no terms.

    A table's ``lang`` column decides ("ru", "ru-RU" -> "ru"; "fr" -> None when the
    dictionary has no French terms); without it (or where it is missing) the script of the
    text does (:func:`analysis.tokens.languages.text_languages`).
    """
    from analysis.tokens.languages import text_languages as languages_of

    known = set(frames.languages)
    return [lang if lang in known else None for lang in languages_of(lang_column(texts), values)]


def lang_column(texts: Any) -> list | None:
    """The ``lang`` column of a table of texts, or None (plain texts, or no such column)."""
    if isinstance(texts, pd.DataFrame) and "lang" in texts.columns:
        return texts["lang"].tolist()
    return None


def context_texts(texts: Any) -> list:
    """The texts to score: a contexts table's ``context`` column, a Series, a list, a str."""
    if isinstance(texts, str):
        return [texts]
    if isinstance(texts, pd.DataFrame):
        if "context" not in texts.columns:
            raise OptionError(
                "expected a contexts table (a 'context' column); build it with "
                "framing.contexts(corpus)."
            )
        return texts["context"].tolist()
    return list(texts)


def _frame_row(text: Any, frames: FrameDictionary, language: str) -> list[bool]:
    counted = {h[-1] for h in text_hits(text, frames, language)} if isinstance(text, str) else set()
    return [cid in counted for cid in frames.ids]


def _frame_batch(texts: list, frames: FrameDictionary, language: str = "en") -> np.ndarray:
    return np.array([_frame_row(t, frames, language) for t in texts], dtype=bool).reshape(
        len(texts), len(frames.ids)
    )


def score_frames(
    contexts: pd.DataFrame,
    *,
    frames: str | Path | FrameDictionary | None = None,
    workers: int | None = None,
    cache: bool = True,
) -> pd.DataFrame:
    """The contexts with one boolean column per frame: whether the context invokes it.

    Parameters
    ----------
    contexts : DataFrame
        The output of :func:`~analysis.framing.contexts` (any table with a ``context``
        column).
    frames : FrameDictionary or path, optional
        Default: the built-in dictionary (:func:`~analysis.framing.load_frames`).
    workers : int, optional
        Processes for large tables (default ``settings.workers``; used from
        :data:`~analysis.framing.MIN_PARALLEL` contexts on).
    cache : bool, default True
        Read and write the scores in the on-disk cache, keyed by the context texts and the
        dictionary.

    Returns
    -------
    pandas.DataFrame
        A copy of ``contexts`` with columns ``frame_<id>`` (bool), in dictionary order;
        ``attrs["frames"]`` lists the ids and ``attrs["frames_source"]`` the file. Each
        context is read in its language (``lang``; English terms, or the Russian ones on
        lemmas). Contexts in a language the dictionary has no terms for are LEFT OUT
        (never scored as invoking nothing): ``attrs["frames_not_scored"]`` counts them by
        language, ``attrs["frames_languages"]`` counts the scored ones.
    """
    frames = load_frames(frames)
    texts = context_texts(contexts)
    langs = text_languages(contexts, texts, frames)
    matrix = np.zeros((len(texts), len(frames.ids)), dtype=bool)
    for language in sorted({lang for lang in langs if lang is not None}):
        rows = [i for i, lang in enumerate(langs) if lang == language]
        key = [frames.signature] + ([] if language == "en" else [language])
        matrix[rows] = cached_scores(
            "frames",
            key,
            [texts[i] for i in rows],
            partial(_frame_batch, frames=frames, language=language),
            workers,
            cache,
        )
    keep = np.array([lang is not None for lang in langs], dtype=bool)
    out = contexts.drop(columns=[c for c in contexts.columns if c.startswith(FRAME_PREFIX)])
    for j, cid in enumerate(frames.ids):
        out[FRAME_PREFIX + cid] = matrix[:, j].astype(bool)
    given = contexts["lang"] if "lang" in contexts.columns else pd.Series(None, index=out.index)
    not_scored = given[~keep].fillna("unknown").astype(str).value_counts()
    out = out[keep] if not keep.all() else out
    out.attrs.update(contexts.attrs)
    out.attrs.update(
        frames=frames.ids,
        frames_source=frames.source,
        frames_languages=dict(Counter(lang for lang in langs if lang is not None)),
        frames_not_scored={str(k): int(v) for k, v in not_scored.items()},
    )
    return out


def frame_columns(contexts: pd.DataFrame) -> list[str]:
    """The ``frame_<id>`` columns of a scored contexts table (scoring order)."""
    ids = contexts.attrs.get("frames")
    cols = (
        [FRAME_PREFIX + i for i in ids]
        if ids
        else [c for c in contexts.columns if c.startswith(FRAME_PREFIX)]
    )
    return [c for c in cols if c in contexts.columns]


def scored_contexts(contexts: pd.DataFrame, frames=None) -> pd.DataFrame:
    """The contexts as they are if they carry ``frame_*`` columns, else :func:`score_frames`."""
    return contexts if frame_columns(contexts) else score_frames(contexts, frames=frames)
