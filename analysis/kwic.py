r"""Concordances (keyword in context, KWIC): every hit of a query with its context.

The AntConc / quanteda ``kwic`` view for reading how texts use a word or name an actor::

    from analysis import kwic, load
    corpus = load("factbook")
    lines = kwic.kwic(corpus, "peacekeep*", window=6, sort="right", limit=500)
    kwic.kwic(corpus, "CSTO", kind="actor")           # every alias of the CSTO
    IPython.display.HTML(kwic.kwic_html(lines))        # in a notebook

Each line is one match: ``start``/``end`` are character offsets into the corpus's cleaned
``text`` (``text[start:end] == match``), so a line can always be traced back to its
document. The corpus texts are never changed; whitespace is collapsed only in the contexts.

Queries
-------
``kind="term"``
    Whole words, case-insensitive unless ``case=True``. Several words form a phrase
    (``"security council"``; any whitespace between them, line breaks included) and ``*``/``?``
    are globs for any/one word character (``"secur*"`` finds security, secure, securing).
    A list of terms finds any of them. Word edges are regex ``\\w`` edges, so ``"peace"``
    also finds the first half of "peace-keeping" (one token for :mod:`analysis.tokens`).
    In Russian documents (``lang`` "ru"; a table without ``lang``: by script) terms match
    by lemma (``lemmas=None``, the default): ``"безопасность"`` (or ``"безопасности"``)
    finds безопасности, безопасностью...; a glob applies to the lemma (``"миротвор*"``).
    The line shows the text as written. ``lemmas=False`` matches surfaces everywhere.
``kind="phrase"``
    Like ``"term"`` but literal: ``*`` and ``?`` are ordinary characters.
``kind="regex"``
    A Python :mod:`re` pattern, used as given (``case`` still sets ``re.IGNORECASE``).
``kind="actor"``
    Actor ids of the registry (``"CSTO"``, ``["NATO", "UN"]``): every alias and name of the
    actor, found by :func:`analysis.actors.mentions`. A mentions table (``doc_id, start,
    end``, e.g. from ``mentions(..., anaphora=True)``) may be passed instead of ids.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Sequence
from typing import Any, Literal

import pandas as pd

from analysis.corpus import STANDARD_COLUMNS
from analysis.errors import OptionError
from analysis.inputs import as_docs, is_corpus
from analysis.tokens import TokenOptions, token_spans, tokenize
from analysis.tokens.languages import token_language

try:  # the `regex` engine searches case-insensitive literals ~10x faster than `re`
    import regex as _engine
except ImportError:  # pragma: no cover - `regex` comes with trafilatura (via dateparser)
    _engine = re

#: Columns every concordance has, in this order (metadata columns follow).
KWIC_COLUMNS = ["doc_id", "start", "end", "left", "match", "right"]
KINDS = ("term", "regex", "actor", "phrase")
WINDOW_UNITS = ("tokens", "chars")
SORTS = (None, "left", "right", "doc")

Kind = Literal["term", "regex", "actor", "phrase"]
Unit = Literal["tokens", "chars"]
Sort = Literal["left", "right", "doc"] | None

#: Context words are every word token (no stopwords or actor merging): "peace-keeping"
#: and "nation's" are one word each, as in :func:`analysis.tokens.token_spans`.
_CONTEXT_OPTIONS = TokenOptions(
    lowercase=False,
    stopwords=None,
    domain_stopwords=False,
    min_length=1,
    numbers=True,
    keep_actors=False,
    language="en",  # offsets only: the same word edges in every language, no lemmas
)
#: Every word of a Russian document by its lemma, for term queries.
_LEMMA_OPTIONS = TokenOptions(
    stopwords=None,
    domain_stopwords=False,
    min_length=1,
    numbers=True,
    keep_actors=False,
    lemmas=True,
    language="ru",
)
_SPACE = re.compile(r"\s+")
#: Documents handed to :func:`analysis.actors.mentions` at a time (lets ``limit`` stop early).
_ACTOR_BATCH = 200


def kwic(
    corpus: Any,
    query: str | Sequence[str] | pd.DataFrame,
    *,
    kind: Kind = "term",
    window: int = 5,
    unit: Unit = "tokens",
    case: bool = False,
    meta: Sequence[str] | None = ("source", "date", "title"),
    sort: Sort = None,
    limit: int | None = None,
    lemmas: bool | None = None,
) -> pd.DataFrame:
    r"""Keyword-in-context lines for every match of ``query`` in a corpus.

    Parameters
    ----------
    corpus : Corpus or DataFrame
        A :class:`~analysis.corpus.Corpus`, or a table with ``doc_id`` and ``text``.
    query : str, list of str, or DataFrame
        What to find; read according to ``kind`` (see the module docstring). With
        ``kind="actor"``, a table of spans (``doc_id, start, end``) is used as it is.
    kind : {"term", "regex", "actor", "phrase"}, default "term"
        Whole words with globs, a Python regular expression, actor ids, or a literal phrase.
    window : int, default 5
        Context on each side, in ``unit``\\s.
    unit : {"tokens", "chars"}, default "tokens"
        Count the context in words (as :func:`analysis.tokens.token_spans` finds them:
        "peace-keeping" is one word; punctuation between words is kept) or in characters.
    case : bool, default False
        Match case exactly (ignored for actors, whose forms carry their own case rules).
    meta : list of str, optional
        Document columns to repeat beside each line (default ``source, date, title``).
        A name the corpus lacks raises ``ValueError`` (a plain table may lack the
        standard columns: they are then left out).
    sort : {None, "left", "right", "doc"}, default None
        Corpus order; by the words to the left of the match, nearest first (AntConc's
        1L, 2L, ...); by the words to the right (1R, 2R, ...); or by ``doc_id`` and offset.
        Sorting ignores case and punctuation.
    limit : int, optional
        Stop after this many matches (in corpus order, before sorting): fast previews
        of frequent words in large corpora.
    lemmas : bool, optional
        For ``kind="term"``: match Russian documents by lemma (None, the default, or
        True) or by surface (False). English documents are always matched by surface.

    Returns
    -------
    pandas.DataFrame
        One row a match: ``doc_id, start, end, left, match, right`` (plus ``actor`` for
        actor queries), then the ``meta`` columns. ``text[start:end] == match``; ``left``
        and ``right`` have whitespace collapsed to single spaces. ``attrs`` records the
        query and options, and ``n_matches`` before ``limit`` (None when stopped early).

    See Also
    --------
    kwic_html : the lines as an HTML table for notebooks.
    analysis.actors.mentions : the actor spans behind ``kind="actor"``.

    Examples
    --------
    >>> import pandas as pd
    >>> docs = pd.DataFrame({"doc_id": ["a"], "text": ["UN peacekeeping operations in Mali."]})
    >>> kwic(docs, "peacekeep*", window=2, meta=None)[["left", "match", "right"]].values.tolist()
    [['UN', 'peacekeeping', 'operations in']]
    """
    _check_choice("kind", kind, KINDS)
    _check_choice("unit", unit, WINDOW_UNITS)
    _check_choice("sort", sort, SORTS)
    if window < 0 or (limit is not None and limit < 0):
        raise OptionError(f"window ({window}) and limit ({limit}) must not be negative")
    spans = query
    if kind == "actor" and limit is None and is_corpus(corpus) and isinstance(query, (str, list)):
        from analysis import actors

        spans = actors.mentions(corpus, query, progress=False)  # cached for a corpus
        if not corpus.texts_loaded:  # read the texts of the documents with a mention only
            corpus = corpus.filter(corpus.meta["doc_id"].isin(set(spans["doc_id"])).to_numpy())
    docs = _docs_table(corpus)
    meta = _meta_columns(corpus, docs, meta)
    hits = list(_limited(_spans(docs, spans, kind=kind, case=case, lemmas=lemmas), limit))
    out = _lines(docs, hits, window=window, unit=unit, actor=kind == "actor")
    out = pd.concat([out, docs[meta].iloc[[h[0] for h in hits]].reset_index(drop=True)], axis=1)
    out = _sorted(out, sort)
    out.attrs.update(
        query=_describe(query),
        kind=kind,
        window=window,
        unit=unit,
        case=case,
        sort=sort,
        limit=limit,
        lemmas=lemmas,
        n_matches=None if limit is not None and len(hits) >= limit else len(hits),
    )
    return out


# -- finding matches ----------------------------------------------------------------------
def query_pattern(
    query: str | Sequence[str], *, kind: Kind = "term", case: bool = False
) -> re.Pattern:
    r"""The compiled pattern :func:`kwic` searches for a term, phrase or regex query.

    Parameters
    ----------
    query : str or list of str
        Terms (whole words; several words make a phrase; ``*``/``?`` are globs), literal
        phrases, or a regular expression; a list finds any of them.
    kind : {"term", "phrase", "regex"}
    case : bool, default False
        Match case exactly.

    Returns
    -------
    re.Pattern
        Term and phrase patterns are compiled with the ``regex`` engine (same syntax, much
        faster case-insensitive search), regular expressions with :mod:`re`.

    Examples
    --------
    >>> query_pattern("secur* council").pattern
    '(?<!\\\\w)secur\\\\w*\\\\s+council(?!\\\\w)'
    """
    queries = [query] if isinstance(query, str) else list(query)
    if not queries or not all(isinstance(q, str) and q.strip() for q in queries):
        raise OptionError(f"query must be a non-empty string or list of strings, not {query!r}")
    if kind == "regex":
        try:
            return re.compile("|".join(f"(?:{q})" for q in queries), 0 if case else re.I)
        except re.error as err:
            raise OptionError(
                f"--query {query!r} (--kind regex): not a valid Python regular expression "
                f"({err}); escape special characters with re.escape or use "
                "kind='phrase'."
            ) from err
    body = "|".join(_words_pattern(q, glob=kind == "term") for q in queries)
    return _engine.compile(body, 0 if case else _engine.I)


def _words_pattern(query: str, *, glob: bool) -> str:
    """Whole-word pattern of one term or phrase: words joined by any whitespace."""
    words = query.split()
    parts = [_glob(w) if glob else re.escape(w) for w in words]
    body = r"\s+".join(parts)
    first, last = words[0][0], words[-1][-1]
    before = r"(?<!\w)" if (first.isalnum() or first == "_" or glob and first in "*?") else ""
    after = r"(?!\w)" if (last.isalnum() or last == "_" or glob and last in "*?") else ""
    return before + body + after


def _glob(word: str) -> str:
    return "".join(r"\w*" if ch == "*" else r"\w" if ch == "?" else re.escape(ch) for ch in word)


def _spans(
    docs: pd.DataFrame, query: Any, *, kind: str, case: bool, lemmas: bool | None = None
) -> Iterator[tuple[int, int, int, str | None]]:
    """``(row, start, end, actor)`` of every match, in corpus and text order."""
    if kind == "actor":
        yield from _actor_spans(docs, query)
        return
    pattern = query_pattern(query, kind=kind, case=case)
    by_lemma = lemma_query(query) if kind == "term" and lemmas is not False else None
    langs = docs["lang"] if "lang" in docs.columns else pd.Series(None, index=docs.index)
    for row, (text, lang) in enumerate(zip(docs["text"], langs)):
        if not isinstance(text, str):
            continue
        if by_lemma is not None and token_language(lang, text) == "ru":
            for start, end in _lemma_matches(text, by_lemma):
                yield row, start, end, None
            continue
        for m in pattern.finditer(text):
            if m.end() > m.start():
                yield row, m.start(), m.end(), None


def lemma_query(query: str | Sequence[str]) -> list[list[re.Pattern]]:
    """Each term of a query as a list of lemma patterns, one per word (Russian lemmas).

    A word without a glob is lemmatized ("безопасности" -> "безопасность"); a word with
    ``*``/``?`` is a glob over lemmas. Matching ignores case.

    Examples
    --------
    >>> [[p.pattern for p in words] for words in lemma_query("Совета безопасности")]
    [['совет', 'безопасность']]
    """
    queries = [query] if isinstance(query, str) else list(query)
    out = []
    for q in queries:
        words = []
        for w in q.split():
            if "*" in w or "?" in w:
                words.append(re.compile(_glob(w.lower())))
            else:
                lemma = tokenize(w, _LEMMA_OPTIONS)
                words.append(re.compile(re.escape(lemma[0] if len(lemma) == 1 else w.lower())))
        out.append(words)
    return out


def _lemma_matches(text: str, queries: list[list[re.Pattern]]) -> Iterator[tuple[int, int]]:
    """(start, end) of runs of words whose lemmas match a query, words apart by spaces only."""
    spans = token_spans(text, _LEMMA_OPTIONS)
    resume = 0
    for i in range(len(spans)):
        if spans[i].start < resume:
            continue
        for words in queries:
            run = spans[i : i + len(words)]
            if (
                len(run) == len(words)
                and all(p.fullmatch(t.token) for p, t in zip(words, run))
                and all(text[a.end : b.start].isspace() for a, b in zip(run, run[1:]))
            ):
                yield run[0].start, run[-1].end
                resume = run[-1].end
                break


def _actor_spans(docs: pd.DataFrame, query: Any) -> Iterator[tuple[int, int, int, str | None]]:
    """Spans of actor mentions, found a batch of documents at a time."""
    if isinstance(query, pd.DataFrame):
        yield from _table_spans(docs, query)
        return
    try:
        from analysis import actors
    except ImportError as err:  # pragma: no cover - actors.py is part of the package
        raise ImportError(
            "kind='actor' needs analysis.actors (the actor registry), which "
            f"could not be imported ({err}); use kind='term' with the "
            "actor's names meanwhile."
        ) from err
    for lo in range(0, len(docs), _ACTOR_BATCH):
        batch = docs.iloc[lo : lo + _ACTOR_BATCH]
        found = actors.mentions(batch, query, progress=False)
        for row, start, end, actor in _table_spans(batch, found):
            yield lo + row, start, end, actor


def _table_spans(
    docs: pd.DataFrame, spans: pd.DataFrame
) -> Iterator[tuple[int, int, int, str | None]]:
    missing = {"doc_id", "start", "end"} - set(spans.columns)
    if missing:
        raise OptionError(
            f"a spans table needs doc_id, start and end columns; {sorted(missing)} "
            "missing. Pass the output of analysis.actors.mentions."
        )
    rows = {d: i for i, d in enumerate(docs["doc_id"].astype(str))}
    spans = spans.assign(_row=spans["doc_id"].astype(str).map(rows)).dropna(subset="_row")
    spans = spans.sort_values(["_row", "start"], kind="stable")
    actor = spans["actor"] if "actor" in spans else pd.Series(None, index=spans.index)
    for row, start, end, who in zip(spans["_row"], spans["start"], spans["end"], actor):
        yield int(row), int(start), int(end), None if pd.isna(who) else str(who)


def _limited(hits: Iterator, limit: int | None) -> Iterator:
    for i, hit in enumerate(hits):
        if limit is not None and i >= limit:
            return
        yield hit


# -- building lines -----------------------------------------------------------------------
def _lines(
    docs: pd.DataFrame, hits: list[tuple], *, window: int, unit: str, actor: bool
) -> pd.DataFrame:
    texts, ids = docs["text"].to_numpy(), docs["doc_id"].to_numpy()
    context = _token_context if unit == "tokens" else _char_context
    cols: dict[str, list] = {c: [] for c in KWIC_COLUMNS}
    for row, start, end, _ in hits:
        text = texts[row]
        left, right = context(text, start, end, window)
        for col, value in zip(KWIC_COLUMNS, (ids[row], start, end, left, text[start:end], right)):
            cols[col].append(value)
    out = pd.DataFrame(
        {
            "doc_id": pd.Series(cols["doc_id"], dtype="string"),
            "start": pd.Series(cols["start"], dtype="int64"),
            "end": pd.Series(cols["end"], dtype="int64"),
            **{c: pd.Series(cols[c], dtype=object) for c in KWIC_COLUMNS[3:]},
        }
    )
    if actor:
        out["actor"] = pd.Series([h[3] for h in hits], dtype="string")
    return out


def _char_context(text: str, start: int, end: int, window: int) -> tuple[str, str]:
    return (_squeeze(text[max(0, start - window) : start]), _squeeze(text[end : end + window]))


def _token_context(text: str, start: int, end: int, window: int) -> tuple[str, str]:
    """``window`` words each side (the punctuation between them included)."""
    if window == 0:
        return "", ""
    return (
        _squeeze(text[_left_edge(text, start, window) : start]),
        _squeeze(text[end : _right_edge(text, end, window)]),
    )


def _left_edge(text: str, start: int, window: int) -> int:
    """Start of the ``window``-th word before ``start`` (0 if there are fewer)."""
    reach = 16 * window + 64
    while True:
        lo = max(0, start - reach)
        words = _context_spans(text[lo:start])
        if lo > 0 and words and words[0][0] == 0:
            words = words[1:]  # that word may begin before ``lo``
        if len(words) >= window:
            return lo + words[-window][0]
        if lo == 0:
            return 0
        reach *= 4


def _right_edge(text: str, end: int, window: int) -> int:
    """End of the ``window``-th word after ``end`` (the text's end if there are fewer)."""
    reach = 16 * window + 64
    while True:
        hi = min(len(text), end + reach)
        words = _context_spans(text[end:hi])
        if hi < len(text) and words and words[-1][1] == hi - end:
            words = words[:-1]  # that word may go on beyond ``hi``
        if len(words) >= window:
            return end + words[window - 1][1]
        if hi == len(text):
            return hi
        reach *= 4


def _context_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every word, as :func:`analysis.tokens.token_spans` finds words."""
    return [(t.start, t.end) for t in token_spans(text, _CONTEXT_OPTIONS)]


def _squeeze(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


# -- sorting ------------------------------------------------------------------------------
def _sorted(lines: pd.DataFrame, sort: str | None) -> pd.DataFrame:
    """Lines in AntConc order: by 1L, 2L... or 1R, 2R..., then the match, then position."""
    if sort is None or lines.empty:
        return lines
    if sort == "doc":
        return lines.sort_values(["doc_id", "start"], kind="stable").reset_index(drop=True)
    left = [_words(s)[::-1] for s in lines["left"]]
    right = [_words(s) for s in lines["right"]]
    match = [s.casefold() for s in lines["match"]]
    first, second = (left, right) if sort == "left" else (right, left)
    order = sorted(range(len(lines)), key=lambda i: (first[i], match[i], second[i]))
    return lines.iloc[order].reset_index(drop=True)


def _words(text: str) -> list[str]:
    return [t.token for t in token_spans(text.casefold(), _CONTEXT_OPTIONS)]


# -- display ------------------------------------------------------------------------------
def kwic_html(
    lines: pd.DataFrame, *, max_rows: int = 200, meta: Sequence[str] | None = None
) -> str:
    """A concordance as an HTML table: left context right-aligned, the match highlighted.

    Parameters
    ----------
    lines : DataFrame
        The output of :func:`kwic`.
    max_rows : int, default 200
        Show at most this many lines (a note says how many were left out).
    meta : list of str, optional
        Columns to show before the context (default: ``doc_id`` and every metadata column).

    Returns
    -------
    str
        An HTML ``<table class="kwic">``; every value is escaped with :func:`html.escape`
        and each row has exactly one ``<mark>`` (the match).

    Examples
    --------
    >>> from IPython.display import HTML  # doctest: +SKIP
    >>> HTML(kwic_html(kwic(corpus, "CSTO", kind="actor")))  # doctest: +SKIP
    """
    if meta is None:
        meta = ["doc_id"] + [c for c in lines.columns if c not in KWIC_COLUMNS]
    head = "".join(f"<th>{_esc(c)}</th>" for c in meta)
    rows = [_html_row(line, meta) for line in lines.head(max_rows).itertuples(index=False)]
    note = ""
    if len(lines) > max_rows:
        note = (
            f"<caption>showing {max_rows:,} of {len(lines):,} lines "
            "(kwic_html(..., max_rows=...) shows more)</caption>"
        )
    return (
        '<table class="kwic" style="font-family:monospace;border-collapse:collapse">'
        f"{note}<thead><tr>{head}<th></th><th>match</th><th></th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _html_row(line: Any, meta: Sequence[str]) -> str:
    values = line._asdict()
    cells = "".join(f"<td>{_esc(values.get(c))}</td>" for c in meta)
    return (
        f"<tr>{cells}"
        f'<td style="text-align:right;white-space:nowrap">{_esc(values["left"])}</td>'
        f'<td style="text-align:center"><mark>{_esc(_squeeze(values["match"]))}</mark></td>'
        f'<td style="text-align:left;white-space:nowrap">{_esc(values["right"])}</td></tr>'
    )


def _esc(value: Any) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        value = value.date() if value == value.normalize() else value
    return html.escape(str(value))


# -- helpers ------------------------------------------------------------------------------
def _docs_table(corpus: Any) -> pd.DataFrame:
    return as_docs(corpus, what="kwic()").reset_index(drop=True)


def _meta_columns(corpus: Any, docs: pd.DataFrame, meta: Sequence[str] | None) -> list[str]:
    meta = [meta] if isinstance(meta, str) else list(meta or ())
    if not is_corpus(corpus):  # a plain table may lack the standard columns
        meta = [c for c in meta if c in docs.columns or c not in STANDARD_COLUMNS]
    missing = [c for c in meta if c not in docs.columns]
    if missing:
        raise OptionError(
            f"meta columns {missing} are not in the corpus; it has "
            f"{[c for c in docs.columns if c != 'text']}. Pass meta=[...] "
            "with some of those, or meta=None."
        )
    clash = [c for c in meta if c in KWIC_COLUMNS[1:] or c == "actor"]
    if clash:
        raise OptionError(f"meta columns {clash} would overwrite concordance columns")
    return meta


def _check_choice(name: str, value: Any, allowed: tuple) -> None:
    if value not in allowed:
        raise OptionError(f"{name} must be one of {', '.join(map(repr, allowed))}, not {value!r}")


def _describe(query: Any) -> Any:
    if isinstance(query, pd.DataFrame):
        return f"<{len(query)} spans>"
    return query if isinstance(query, str) else list(query)
