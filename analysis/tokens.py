"""Tokens and the document-term matrix, controlled everywhere by one :class:`TokenOptions`.

Stable API (other modules — terms, keyness, kwic, collocations — build on these)::

    from analysis.tokens import TokenOptions, tokenize, token_spans, dtm

    opts = TokenOptions()                       # defaults below; frozen and hashable
    tokenize("NATO's North Atlantic Treaty Organization", opts)   # -> ['nato', 'nato']
    token_spans("The UN met.", opts)            # every word token with offsets, see below
    m = dtm(corpus, opts, min_df=5)             # DTM: matrix, terms, doc_ids, n_tokens, docs

Also public: :class:`Token`, :class:`DTM`, :func:`count_texts` (the map step of
:func:`dtm`: counts of a list of texts, no cache), :data:`NGRAM_SEP`, :func:`actor_tokens`
(actor token -> actor id), :func:`actor_forms`, :func:`stopword_set`,
:func:`domain_stopwords`, and ``TokenOptions.to_dict()`` for recording parameters.

``token_spans(text, options, *, filter=False) -> list[Token]``
    ``Token`` is a named tuple ``(token, start, end, keep)``: the *normalized* form
    (lower-cased, possessive ``'s`` dropped, curly apostrophe straightened, actor names
    merged, lemma when ``lemmas=True``), character offsets into ``text`` (``text[start:end]``
    is the surface; a dropped possessive ``'s`` lies just after ``end``; an actor token
    spans the whole name), and whether :func:`tokenize` keeps it
    (``False`` for stopwords, numbers, short tokens). All word tokens are returned, in
    order, unless ``filter=True`` (then only kept ones). Spans are unigrams: ``ngram_range``
    applies to :func:`tokenize` and :func:`dtm` only. Invariant:
    ``[t.token for t in token_spans(x, o) if t.keep] == tokenize(x, o)`` for unigram options.
``tokenize(text, options) -> list[str]``
    The kept tokens, then n-grams joined by :data:`NGRAM_SEP` (``"_"``). N-grams never span
    a removed token (quanteda's ``padding``): "weapons of mass destruction" gives the
    bigram ``mass_destruction`` only.

Tokenization rules
------------------
- A word is a run of letters/digits (``[^\\W_]+``), possibly joined by a hyphen or an
  apostrophe: "Secretary-General", "peace-keeping", "don't" are one token each. A
  possessive ``'s``/``’s`` is dropped ("nation's" -> "nation"). Underscore is never part
  of a word, so ``_`` in a term always means an n-gram. An actor name splits a compound:
  "CSTO-led" -> ``csto``, ``led``.
- ``numbers=False`` drops tokens that start with a digit and have no letter ("1945",
  "1990-1991"; "1,000" is two such tokens); "G20", "1990s" stay.
- ``min_length`` counts characters of the normalized token; stopwords are matched
  case-insensitively against the normalized token.
- ``stopwords="english"`` is scikit-learn's ``ENGLISH_STOP_WORDS`` (318 words). Beware: it
  contains content words of this domain ("system", "interest", "fire", "serious", "bill",
  "un"); pass your own iterable where that matters. ``domain_stopwords=True`` adds the
  editable list ``analysis/data/stopwords_domain.txt`` (forms of address, reporting verbs,
  web residue; no actor names). Both are part of the DTM cache key.

Actor names (``keep_actors=True``)
----------------------------------
Every alias and name of every actor in the registry (:func:`analysis.actors.load_registry`:
CSTO, NATO, UN, their bodies and missions, SCO, CIS, OSCE, EU...) becomes ONE token, the
actor id lower-cased: "North Atlantic Treaty Organization", "NATO", "OTAN" -> ``nato``;
"United Nations", "UN", "U.N.", "UN Security Council" -> ``un``; "United Nations Development
Programme" -> ``undp`` (longest form wins). So "treaty" or "nations" never leak into counts
from a name. Aliases match case-sensitively ("UN", not French "un"); names match
case-insensitively after their capital first letter; a space or hyphen in a form matches
any run of spaces/hyphens. Actor tokens are always kept (never stopwords, whatever their
length): ``un`` and ``who`` (WHO) are in the English list, yet "the UN" gives ``un`` while
the pronoun "who" is dropped. Contextual forms ("Security Council") and anaphora
("the Alliance") are NOT merged — they need the document context that
:func:`analysis.actors.mentions` resolves. When ``analysis.actors`` cannot be imported a
built-in list (:data:`FALLBACK_ACTOR_FORMS`) for CSTO/NATO/UN is used; ``actor_forms()`` is
the one place to switch.
"""

from __future__ import annotations

import gc
import hashlib
import json
import re
import sys
import warnings
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib.resources import files
from itertools import count
from pathlib import Path
from typing import Iterable, Iterator, NamedTuple, Sequence

import numpy as np
import pandas as pd
from scipy import sparse

from analysis.cache import atomic_path, make_key
from analysis.patterns import form_atoms, form_key, trie_pattern
from analysis.settings import Settings, get_settings

#: Joins the words of an n-gram term.
NGRAM_SEP = "_"
#: Prefix of actor tokens while counting (stripped before anything is returned).
_ACTOR_MARK = "\x00"
#: Used when ``analysis.actors`` is unavailable: (form, actor id, case-sensitive).
FALLBACK_ACTOR_FORMS: tuple[tuple[str, str, bool], ...] = (
    ("CSTO", "CSTO", True), ("Collective Security Treaty Organization", "CSTO", False),
    ("Collective Security Treaty Organisation", "CSTO", False),
    ("Collective Security Treaty", "CSTO", True),
    ("NATO", "NATO", True), ("Nato", "NATO", True),
    ("North Atlantic Treaty Organization", "NATO", False),
    ("North Atlantic Treaty Organisation", "NATO", False),
    ("North Atlantic Treaty", "NATO", True), ("North Atlantic Alliance", "NATO", False),
    ("UN", "UN", True), ("U.N.", "UN", True), ("United Nations", "UN", False),
    ("UN Security Council", "UN", False), ("United Nations Security Council", "UN", False),
    ("UN General Assembly", "UN", False), ("United Nations General Assembly", "UN", False),
)

_WORD = re.compile(r"(?<![^\W_]['’])[^\W_]+(?:[-'’](?![sS](?![^\W_]))[^\W_]+)*")
#: A maximal run of word characters joined by hyphens or apostrophes. Every word lies inside
#: one chunk, and a chunk's words do not depend on what surrounds it, so :func:`dtm` counts
#: raw chunks and turns each DISTINCT chunk into words once (:func:`_chunk_terms`).
_CHUNK = re.compile(r"\w+(?:[-'’]\w+)*+")
_HAS_LETTER = re.compile(r"[^\W\d_]")


@dataclass(frozen=True)
class TokenOptions:
    """How texts become tokens; one frozen, hashable object used by every counting step.

    Parameters
    ----------
    lowercase : bool, default True
    stopwords : "english", None or iterable of str, default "english"
        scikit-learn's ``ENGLISH_STOP_WORDS``, no list, or your own words.
    domain_stopwords : bool, default True
        Also drop the words in ``analysis/data/stopwords_domain.txt``.
    min_length : int, default 2
        Drop tokens with fewer characters (actor tokens excepted).
    numbers : bool, default False
        Keep tokens without any letter ("1945").
    ngram_range : (int, int), default (1, 1)
        Smallest and largest n-gram, as in scikit-learn.
    lemmas : bool, default False
        Replace words by spaCy lemmas (model ``settings.spacy_model``; slow on big corpora).
    keep_actors : bool, default True
        Merge actor names and aliases into one token each (the actor id, lower-cased).
    """

    lowercase: bool = True
    stopwords: str | None | tuple[str, ...] = "english"
    domain_stopwords: bool = True
    min_length: int = 2
    numbers: bool = False
    ngram_range: tuple[int, int] = (1, 1)
    lemmas: bool = False
    keep_actors: bool = True

    def __post_init__(self) -> None:
        if self.stopwords is not None and not isinstance(self.stopwords, str):
            object.__setattr__(self, "stopwords", tuple(sorted(set(map(str, self.stopwords)))))
        elif isinstance(self.stopwords, str) and self.stopwords != "english":
            raise ValueError(f"stopwords must be 'english', None or a list of words, "
                             f"not {self.stopwords!r}")
        lo, hi = (int(n) for n in self.ngram_range)
        if not 1 <= lo <= hi:
            raise ValueError(f"ngram_range must be (min_n, max_n) with 1 <= min_n <= max_n, "
                             f"not {self.ngram_range!r}")
        object.__setattr__(self, "ngram_range", (lo, hi))
        if int(self.min_length) < 1:
            raise ValueError(f"min_length must be at least 1, not {self.min_length!r}")

    def to_dict(self) -> dict:
        """JSON-ready parameters (recorded in ``df.attrs`` and cache keys)."""
        return {"lowercase": self.lowercase, "stopwords": self.stopwords,
                "domain_stopwords": self.domain_stopwords, "min_length": self.min_length,
                "numbers": self.numbers, "ngram_range": list(self.ngram_range),
                "lemmas": self.lemmas, "keep_actors": self.keep_actors}


class Token(NamedTuple):
    """One word token: normalized form, offsets into the text, kept by :func:`tokenize`."""

    token: str
    start: int
    end: int
    keep: bool


# -- stopwords and actor forms ------------------------------------------------------------
def domain_stopwords() -> frozenset[str]:
    """The words of ``analysis/data/stopwords_domain.txt`` (comments and blanks skipped)."""
    text = (files("analysis") / "data" / "stopwords_domain.txt").read_text(encoding="utf-8")
    lines = (line.split("#", 1)[0].strip().lower() for line in text.splitlines())
    return frozenset(w for w in lines if w)


def stopword_set(options: TokenOptions) -> frozenset[str]:
    """The lower-case words ``options`` drops."""
    if options.stopwords == "english":
        from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

        words = set(ENGLISH_STOP_WORDS)
    else:
        words = {w.lower() for w in options.stopwords or ()}
    if options.domain_stopwords:
        words |= domain_stopwords()
    return frozenset(words)


def actor_forms() -> list[tuple[str, str, bool]]:
    """(form, actor id, case-sensitive) for every alias and name the tokenizer merges.

    From the actor registry (``analysis.actors.load_registry()``: aliases case-sensitive,
    names case-insensitive after the first letter); :data:`FALLBACK_ACTOR_FORMS` when the
    registry module is not available.
    """
    try:
        from analysis.actors import load_registry
    except ImportError:
        return list(FALLBACK_ACTOR_FORMS)
    forms = load_registry().forms()
    forms = forms[forms["type"].isin(["alias", "name"])]
    return [(str(f), str(a), t == "alias") for f, a, t in
            zip(forms["form"], forms["actor"], forms["type"])]


def actor_tokens(options: TokenOptions | None = None) -> dict[str, str]:
    """Actor token -> actor id (``{"nato": "NATO", "un": "UN", ...}``)."""
    plan = _plan(options or TokenOptions())
    return dict(plan.actor_ids)


# -- the compiled plan ---------------------------------------------------------------------
@dataclass
class _Plan:
    """Everything :func:`tokenize` needs, compiled once per options (and per process)."""

    options: TokenOptions
    drop: frozenset[str]
    actor_scan: re.Pattern | None = None
    actor_rxs: list[re.Pattern] = field(default_factory=list)
    cased: dict[str, str] = field(default_factory=dict)
    folded: dict[str, str] = field(default_factory=dict)
    wild: list[tuple[re.Pattern, str]] = field(default_factory=list)
    actor_ids: dict[str, str] = field(default_factory=dict)
    chunks: dict[str, tuple[str, ...]] = field(default_factory=dict)
    surfaces: dict[str, str | None] = field(default_factory=dict)

    def keeps(self, token: str) -> bool:
        """Whether a (non-actor) normalized token survives the filters."""
        o = self.options
        if len(token) < o.min_length or token.lower() in self.drop:
            return False
        return o.numbers or not token[0].isdigit() or _HAS_LETTER.search(token) is not None

    def actor_token(self, surface: str) -> str | None:
        """The actor token of a matched surface, or None (memoized)."""
        if surface not in self.surfaces:
            self.surfaces[surface] = self._actor_token(surface)
        return self.surfaces[surface]

    def _actor_token(self, surface: str) -> str | None:
        actor = self.cased.get(form_key(surface))
        if actor is None:
            actor = self.folded.get(form_key(surface).casefold())
        if actor is None:
            actor = next((a for rx, a in self.wild if rx.fullmatch(surface)), None)
        if actor is None:
            return None
        return actor.lower() if self.options.lowercase else actor


@lru_cache(maxsize=16)
def _plan(options: TokenOptions) -> _Plan:
    plan = _Plan(options, stopword_set(options))
    forms = actor_forms() if options.keep_actors else []
    if forms:  # one trie finds every hit; per-kind tries then give the longest form there
        plan.actor_scan = _compile_forms(forms)
        plan.actor_rxs = [_compile_forms(group) for group in (
            [f for f in forms if f[2]], [f for f in forms if not f[2]]) if group]
    for form, actor, is_cased in forms:
        if "*" in form:
            plan.wild.append((re.compile("".join(form_atoms(form, is_cased))), actor))
        elif is_cased:
            plan.cased.setdefault(form_key(form), actor)
        else:
            plan.folded.setdefault(form_key(form).casefold(), actor)
        plan.actor_ids[actor.lower() if options.lowercase else actor] = actor
    return plan


@lru_cache(maxsize=16)
def _signature(options: TokenOptions) -> str:
    """Hash of what the options' word lists contain now (part of the DTM cache key).

    Cheap on purpose (no scikit-learn import, no regex compilation) so a warm
    :func:`dtm` stays fast: the English list is identified by scikit-learn's version.
    """
    from importlib.metadata import version

    parts = [options.to_dict(),
             version("scikit-learn") if options.stopwords == "english" else None,
             sorted(domain_stopwords()) if options.domain_stopwords else None,
             sorted(actor_forms()) if options.keep_actors else None]
    blob = json.dumps(parts, ensure_ascii=False).encode()
    return hashlib.blake2b(blob, digest_size=10).hexdigest()


def _compile_forms(forms: list[tuple[str, str, bool]]) -> re.Pattern:
    return re.compile(trie_pattern(form_atoms(f, c) for f, _, c in forms) + r"(?![^\W\d_])")


# -- tokenizing -----------------------------------------------------------------------------
def _actor_hits(text: str, plan: _Plan) -> list[tuple[int, int, str]]:
    """(start, end, actor token) of actor forms, leftmost-longest, not overlapping.

    A hit glued to a preceding letter or digit ("MUN") is not a name.
    """
    out: list[tuple[int, int, str]] = []
    if plan.actor_scan is None:
        return out
    resume = 0
    for m in plan.actor_scan.finditer(text):
        start = m.start()
        if start < resume or (start and text[start - 1].isalnum()):
            continue
        end = max((found.end() for found in (rx.match(text, start) for rx in plan.actor_rxs)
                   if found), default=m.end())
        token = plan.actor_token(text[start:end])
        if token is not None:
            out.append((start, end, token))
            resume = _resume(text, end)
    return out


_POSSESSIVE = re.compile(r"['’][sS](?![^\W_])")


def _resume(text: str, end: int) -> int:
    """Where words start again after an actor name: past a possessive ("NATO's")."""
    found = _POSSESSIVE.match(text, end)
    return found.end() if found else end


def _normalize(words: list[str], lowercase: bool) -> list[str]:
    """Lower-case and straighten apostrophes in one C-speed pass (words hold no spaces)."""
    if not words:
        return words
    joined = " ".join(words).replace("\u2019", "'")
    return (joined.lower() if lowercase else joined).split(" ")


def _prepared(text: str, lowercase: bool) -> tuple[str, bool]:
    """The text words are read from, and whether each word still needs :func:`_normalize`.

    Lower-casing and straightening apostrophes once per text is much faster than per word;
    it is only done when it keeps every offset (a few characters change length, e.g. "İ").
    """
    flat = text.replace("\u2019", "'")
    if not lowercase:
        return flat, False
    low = flat.lower()
    return (low, False) if len(low) == len(text) else (text, True)


def _chunk_words(chunk: str, lowercase: bool) -> list[tuple[str, int, int]]:
    """The normalized words of one chunk with their offsets in it."""
    flat, raw = _prepared(chunk, lowercase)
    matches = list(_WORD.finditer(flat))
    words = [m.group() for m in matches]
    words = _normalize(words, lowercase) if raw else words
    return [(w, m.start(), m.end()) for w, m in zip(words, matches)]


def _chunk_terms(chunk: str, plan: _Plan) -> tuple[str, ...]:
    """The kept words of one chunk (memoized per plan: a corpus has few distinct chunks)."""
    found = plan.chunks.get(chunk)
    if found is None:
        words = _chunk_words(chunk, plan.options.lowercase)
        found = tuple(w for w, _, _ in words if plan.keeps(w))
        if len(plan.chunks) > 2_000_000:
            plan.chunks.clear()
        plan.chunks[chunk] = found
    return found


def _raw_chunks(text: str, plan: _Plan) -> list[str]:
    """The chunks of a text in order, actor names replaced by marked actor tokens."""
    out: list[str] = []
    pos = 0
    for start, end, token in _actor_hits(text, plan):
        out += _CHUNK.findall(text, pos, start)
        out.append(_ACTOR_MARK + token)
        pos = _resume(text, end)
    out += _CHUNK.findall(text, pos)
    return out


def _terms_of_chunk(chunk: str, plan: _Plan) -> tuple[str, ...]:
    """What a raw chunk (or marked actor token) counts as."""
    if chunk.startswith(_ACTOR_MARK):
        return (chunk[1:],)
    return _chunk_terms(chunk, plan)


def _unigrams(text: str, plan: _Plan) -> list[str]:
    """Kept unigrams of one text, without spans (the same path :func:`dtm` counts)."""
    return [t for chunk in _raw_chunks(text, plan) for t in _terms_of_chunk(chunk, plan)]


def token_spans(text: str, options: TokenOptions | None = None, *,
                filter: bool = False) -> list[Token]:
    """Every word token of ``text`` with its offsets and whether it is kept.

    Parameters
    ----------
    text : str
    options : TokenOptions, optional
    filter : bool, default False
        Return only the tokens :func:`tokenize` keeps.

    Returns
    -------
    list of Token
        ``(token, start, end, keep)`` in text order; ``text[start:end]`` is the surface.
    """
    plan = _plan(options or TokenOptions())
    spans: list[Token] = []
    pos = 0
    for start, end, token in _actor_hits(text, plan):
        spans.extend(_word_spans(text, pos, start, plan))
        spans.append(Token(token, start, end, True))
        pos = _resume(text, end)
    spans.extend(_word_spans(text, pos, len(text), plan))
    if plan.options.lemmas:
        spans = _lemmatize(text, spans, plan)
    return [s for s in spans if s.keep] if filter else spans


def _word_spans(text: str, pos: int, endpos: int, plan: _Plan) -> list[Token]:
    """Word tokens of an actor-free stretch, chunk by chunk (as :func:`dtm` counts them)."""
    out = []
    for chunk in _CHUNK.finditer(text, pos, endpos):
        at = chunk.start()
        out += [Token(w, at + a, at + b, plan.keeps(w))
                for w, a, b in _chunk_words(chunk.group(), plan.options.lowercase)]
    return out


def tokenize(text: str, options: TokenOptions | None = None) -> list[str]:
    """The tokens of ``text`` that ``options`` keeps, then its n-grams.

    Parameters
    ----------
    text : str
    options : TokenOptions, optional
        Default ``TokenOptions()``.

    Returns
    -------
    list of str
        Unigrams in text order (when ``ngram_range`` starts at 1), then bigrams, trigrams...

    Examples
    --------
    >>> tokenize("The North Atlantic Treaty Organization met in 1949.")
    ['nato', 'met']
    """
    options = options or TokenOptions()
    plan = _plan(options)
    if options.ngram_range == (1, 1) and not options.lemmas:
        return _unigrams(text, plan)
    return _with_ngrams(token_spans(text, options), options.ngram_range)


def _with_ngrams(spans: Sequence[Token], ngram_range: tuple[int, int]) -> list[str]:
    """n-grams of consecutive kept tokens (never across a removed one)."""
    seq = [s.token if s.keep else None for s in spans]
    out: list[str] = []
    for n in range(ngram_range[0], ngram_range[1] + 1):
        for i in range(len(seq) - n + 1):
            window = seq[i:i + n]
            if None not in window:
                out.append(NGRAM_SEP.join(window))  # type: ignore[arg-type]
    return out


# -- lemmas (optional, slow) -----------------------------------------------------------------
@lru_cache(maxsize=2)
def _nlp(model: str):
    import spacy

    from analysis.errors import AnalysisError, E

    try:
        return spacy.load(model, disable=["parser", "ner"])
    except OSError as err:
        raise AnalysisError(E.E008, model=model) from err


def _lemmatize(text: str, spans: list[Token], plan: _Plan, doc=None) -> list[Token]:
    """Replace a word by its spaCy lemma where spaCy's token has the same offsets.

    Hyphenated words and actor tokens (which spaCy splits differently) keep their form.
    """
    if doc is None:
        doc = _nlp(get_settings().spacy_model)(text)
    lemmas = {(t.idx, t.idx + len(t.text)): t.lemma_ for t in doc}
    out = []
    for s in spans:
        lemma = lemmas.get((s.start, s.end)) if s.token not in plan.actor_ids else None
        if lemma and not lemma.isspace():
            token = _normalize([lemma.replace(" ", "")], plan.options.lowercase)[0]
            s = Token(token, s.start, s.end, plan.keeps(token))
        out.append(s)
    return out


def _tokens_of(texts: Sequence[str], options: TokenOptions) -> Iterator[list[str]]:
    """Token lists of many texts (spaCy's ``nlp.pipe`` batches them when lemmatizing)."""
    if not options.lemmas:
        yield from (tokenize(t, options) for t in texts)
        return
    plan = _plan(options)
    nlp = _nlp(get_settings().spacy_model)
    for text, doc in zip(texts, nlp.pipe(texts, batch_size=64)):
        spans = _lemmatize(text, token_spans(text, _no_lemmas(options)), plan, doc)
        yield _with_ngrams(spans, options.ngram_range)


def _no_lemmas(options: TokenOptions) -> TokenOptions:
    return replace(options, lemmas=False)


# -- the document-term matrix ------------------------------------------------------------------
@dataclass(eq=False)
class DTM:
    """A document-term matrix and what it was made from.

    Attributes
    ----------
    matrix : scipy.sparse.csr_matrix of shape (n_docs, n_terms), int32
        Counts; rows follow ``doc_ids``, columns ``terms`` (sorted).
    terms : numpy.ndarray of str, shape (n_terms,)
    doc_ids : numpy.ndarray of str, shape (n_docs,)
    options : TokenOptions
    n_tokens : numpy.ndarray of int64, shape (n_docs,)
        Tokens (all terms, n-grams included) of each document BEFORE ``min_df``/``max_df``
        pruning: the denominator of relative frequencies, so rates do not depend on pruning.
    docs : pandas.DataFrame or None
        The corpus' documents table without ``text`` (metadata for grouping), row-aligned.
    params : dict
        ``min_df``, ``max_df``, the options and the corpus fingerprint.
    from_cache : bool
    """

    matrix: sparse.csr_matrix
    terms: np.ndarray
    doc_ids: np.ndarray
    options: TokenOptions
    n_tokens: np.ndarray
    docs: pd.DataFrame | None = None
    params: dict = field(default_factory=dict)
    from_cache: bool = False

    @property
    def shape(self) -> tuple[int, int]:
        return self.matrix.shape

    def __repr__(self) -> str:
        return (f"<DTM {self.shape[0]} docs x {self.shape[1]} terms, "
                f"{self.matrix.nnz} non-zero, min_df={self.params.get('min_df')}>")


def dtm(corpus, options: TokenOptions | None = None, *, min_df: int | float = 1,
        max_df: int | float = 1.0, cache: bool = True, workers: int | None = None,
        settings: Settings | None = None, progress: bool | None = None) -> DTM:
    """Count the terms of every document of ``corpus``.

    Parameters
    ----------
    corpus : Corpus
    options : TokenOptions, optional
    min_df, max_df : int or float
        Keep terms in at least ``min_df`` and at most ``max_df`` documents; a float is a
        proportion of documents (scikit-learn's convention).
    cache : bool, default True
        Read and write the on-disk cache, ``<cache_dir>/dtm/<key>.npz`` (arrays only, read
        with ``allow_pickle=False``) beside ``<key>.json`` (its parameters), keyed by the
        corpus fingerprint, the options, the stopword and actor lists, ``min_df``,
        ``max_df`` and the package version.
    workers : int, optional
        Processes (default ``settings.workers``); batches are counted in parallel and their
        vocabularies merged, with the same result as one process.
    settings : Settings, optional
    progress : bool, optional
        Show a progress bar (default: for more than 2,000 documents).

    Returns
    -------
    DTM

    Notes
    -----
    Counts are exactly those of :func:`tokenize` (tested). For unigrams without lemmas,
    each document's raw chunks (runs of word characters joined by hyphens or apostrophes)
    are counted with :class:`collections.Counter`; lower-casing, splitting into words and
    the filters then run once per DISTINCT chunk, and columns are merged with one sparse
    product. That keeps per-token work in C and makes one core about as fast as
    scikit-learn's ``CountVectorizer``; batches of documents run on ``workers`` processes
    and their vocabularies are merged (``benchmarks/bench_terms.py`` measures both).
    """
    options = options or TokenOptions()
    settings = settings or get_settings()
    params = {"fingerprint": corpus.fingerprint, "options": options.to_dict(),
              "min_df": min_df, "max_df": max_df}
    path = Path(settings.cache_dir) / "dtm" / (make_key("dtm", params, _signature(options))
                                               + ".npz")
    use_cache = cache and settings.use_cache
    found = _read_npz(path, options) if use_cache else None
    docs = corpus.docs.drop(columns=["text"])
    if found is not None:
        found.docs, found.params = docs, params
        return found
    texts = corpus.docs["text"].tolist()
    counted = _count(texts, options, workers or settings.workers, progress)
    built = _prune(*counted, min_df, max_df)
    result = DTM(built[0], built[1], np.asarray(corpus.doc_ids, dtype=object), options,
                 built[2], docs, params)
    if use_cache:
        _write_entry(path, result)
    return result


def _write_entry(path: Path, m: DTM) -> None:
    """``<key>.json`` (what the entry is, for people) then ``<key>.npz`` (the data)."""
    from analysis import __version__

    about = {**m.params, "shape": list(m.shape), "nnz": int(m.matrix.nnz),
             "version": __version__}
    with atomic_path(path.with_suffix(".json")) as tmp:
        tmp.write_text(json.dumps(about, indent=1, default=str), encoding="utf-8")
    _write_npz(path, m)


def count_texts(texts: Sequence[str], options: TokenOptions | None = None, *,
                workers: int = 1) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Count texts exactly as :func:`dtm` does, without cache or pruning (a map step).

    Returns
    -------
    matrix : scipy.sparse.csr_matrix of shape (n_texts, n_terms), int32
    terms : numpy.ndarray of str, shape (n_terms,), sorted
    """
    return _count(list(texts), options or TokenOptions(), workers, False)


# -- counting: map over batches, reduce by merging vocabularies ----------------------------------
class _Part(NamedTuple):
    vocab: list[str]
    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray


def _fast_path(options: TokenOptions) -> bool:
    return options.ngram_range == (1, 1) and not options.lemmas


def _count_batch(texts: Sequence[str], options: TokenOptions) -> _Part:
    """Counts of one batch with its own vocabulary (pure: runs in a worker).

    The cyclic garbage collector is paused: nothing here makes cycles, and the millions of
    short-lived containers would trigger it constantly (in a forked worker each run also
    touches, and so copies, the parent's memory).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _count_batch_now(texts, options)
    finally:
        if enabled:
            gc.enable()


def _count_batch_now(texts: Sequence[str], options: TokenOptions) -> _Part:
    """On the fast path raw chunks are counted; words, filters and actor marks are
    resolved once per distinct chunk (:func:`_labels`), not once per token."""
    plan = _plan(options)
    docs = ((_raw_chunks(t, plan) for t in texts) if _fast_path(options)
            else _tokens_of(texts, options))
    vocab: dict[str, int] = {}
    fresh = count()  # ids for new terms: unique, not contiguous (compacted below)
    indices: list[int] = []
    data: list[int] = []
    indptr = [0]
    for tokens in docs:  # every step loops in C, not in Python bytecode
        counts = Counter(tokens)
        indices += map(vocab.setdefault, counts, fresh)
        data += counts.values()
        indptr.append(len(indices))
    compact = np.zeros(next(fresh), dtype=np.int32)
    compact[np.fromiter(vocab.values(), dtype=np.int64, count=len(vocab))] = np.arange(
        len(vocab), dtype=np.int32)
    return _Part(list(vocab), np.asarray(indptr, dtype=np.int64),
                 compact[np.asarray(indices, dtype=np.int64)], np.asarray(data, dtype=np.int32))


#: Below this many documents counting stays in-process (a pool costs more).
MIN_PARALLEL_DOCS = 500


def _count(texts: list[str], options: TokenOptions, workers: int, progress: bool | None):
    """Map :func:`_count_batch` over batches (in a process pool when it pays), then merge."""
    from tqdm.auto import tqdm

    n_batches = max(1, min(len(texts) // 100, 8 * workers))
    bounds = np.linspace(0, len(texts), n_batches + 1).astype(int)
    batches = [texts[a:b] for a, b in zip(bounds[:-1], bounds[1:])]
    bar = tqdm(total=len(texts), desc="counting terms", unit="doc", leave=False,
               disable=not progress if progress is not None else len(texts) < 2000)
    parts = []
    if workers <= 1 or len(texts) < MIN_PARALLEL_DOCS or options.lemmas:
        for batch in batches:
            parts.append(_count_batch(batch, options))
            bar.update(len(batch))
    else:
        pool = _pool(workers)
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*fork.*", category=DeprecationWarning)
            futures = [pool.submit(_count_batch, batch, options) for batch in batches]
        for batch, fut in zip(batches, futures):
            parts.append(fut.result())
            bar.update(len(batch))
    bar.close()
    matrix, terms = _merge(parts, len(texts))
    return _relabel(matrix, _labels(terms, options))


_POOLS: dict[int, ProcessPoolExecutor] = {}


def _pool(workers: int) -> ProcessPoolExecutor:
    """A reusable process pool (forked on Linux, so scripts need no ``__main__`` guard)."""
    if workers not in _POOLS:
        import multiprocessing as mp

        method = "fork" if sys.platform == "linux" else "spawn"
        _POOLS[workers] = ProcessPoolExecutor(max_workers=workers,
                                              mp_context=mp.get_context(method))
    return _POOLS[workers]


def _merge(parts: list[_Part], n_docs: int) -> tuple[sparse.csr_matrix, np.ndarray]:
    """One CSR matrix over the union of the batches' vocabularies (columns unsorted)."""
    vocab: dict[str, int] = {}
    indices, data, indptr, offset = [], [], [np.zeros(1, dtype=np.int64)], 0
    for part in parts:
        remap = np.fromiter((vocab.setdefault(t, len(vocab)) for t in part.vocab),
                            dtype=np.int64, count=len(part.vocab))
        indices.append(remap[part.indices] if len(remap) else part.indices.astype(np.int64))
        data.append(part.data)
        indptr.append(part.indptr[1:] + offset)
        offset += len(part.data)
    matrix = sparse.csr_matrix((np.concatenate(data), np.concatenate(indices),
                                np.concatenate(indptr)), shape=(n_docs, len(vocab)))
    return matrix, np.asarray(list(vocab), dtype=object)


def _labels(terms: np.ndarray, options: TokenOptions) -> list[tuple[str, ...]]:
    """What each counted term becomes: raw chunks -> kept words, actor marks stripped."""
    if not _fast_path(options):
        return [(t,) for t in terms]
    plan = _plan(options)
    return [_terms_of_chunk(t, plan) for t in terms]


def _relabel(matrix: sparse.csr_matrix, labels: list[tuple[str, ...]]):
    """Columns mapped to their words (summed where words repeat, dropped when none), sorted.

    ``matrix @ P`` with ``P[i, j]`` = how often word ``j`` occurs in counted term ``i``.
    """
    sizes = np.fromiter(map(len, labels), dtype=np.int64, count=len(labels))
    words = pd.Series([w for words in labels for w in words], dtype=object)
    codes, terms = pd.factorize(words, sort=True)
    mapping = sparse.csr_matrix(
        (np.ones(len(codes), dtype=np.int32), (np.repeat(np.arange(len(labels)), sizes), codes)),
        shape=(len(labels), len(terms)))
    out = (matrix @ mapping).tocsr()
    out.sort_indices()
    return out.astype(np.int32), np.asarray(terms, dtype=object)


def _prune(matrix: sparse.csr_matrix, terms: np.ndarray, min_df: int | float,
           max_df: int | float) -> tuple[sparse.csr_matrix, np.ndarray, np.ndarray]:
    """Drop rare and ubiquitous terms; return (matrix, terms, n_tokens before pruning)."""
    n_docs = matrix.shape[0]
    n_tokens = np.asarray(matrix.sum(axis=1), dtype=np.int64).ravel()
    low = min_df if isinstance(min_df, (int, np.integer)) else int(np.ceil(min_df * n_docs))
    high = max_df if isinstance(max_df, (int, np.integer)) else int(np.floor(max_df * n_docs))
    if low <= 1 and high >= n_docs:
        return matrix, terms, n_tokens
    df = np.bincount(matrix.indices, minlength=matrix.shape[1])
    keep = np.flatnonzero((df >= low) & (df <= high))
    return matrix[:, keep].tocsr(), terms[keep], n_tokens


# -- the cache file ------------------------------------------------------------------------------
def _write_npz(path: Path, m: DTM) -> None:
    """One NPZ file (no pickled objects), written atomically."""
    def text(items) -> np.ndarray:
        return np.frombuffer("\n".join(map(str, items)).encode("utf-8"), dtype=np.uint8)

    arrays = {"data": m.matrix.data, "indices": m.matrix.indices, "indptr": m.matrix.indptr,
              "shape": np.asarray(m.matrix.shape, dtype=np.int64), "terms": text(m.terms),
              "doc_ids": text(m.doc_ids), "n_tokens": m.n_tokens}
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        np.savez(fh, **arrays)


def _read_npz(path: Path, options: TokenOptions) -> DTM | None:
    """The cached DTM, or None when absent or unreadable (then it is rebuilt)."""
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as z:
            shape = tuple(int(n) for n in z["shape"])
            matrix = sparse.csr_matrix((z["data"], z["indices"], z["indptr"]), shape=shape)
            terms = _split(z["terms"], shape[1])
            doc_ids = _split(z["doc_ids"], shape[0])
            n_tokens = z["n_tokens"]
    except (OSError, ValueError, KeyError, EOFError):
        return None
    return DTM(matrix, terms, doc_ids, options, n_tokens, from_cache=True)


def _split(buf: np.ndarray, n: int) -> np.ndarray:
    items = buf.tobytes().decode("utf-8").split("\n") if n else []
    if len(items) != n:
        raise ValueError("cached DTM is inconsistent")
    return np.asarray(items, dtype=object)
