r"""Tokens and the document-term matrix, controlled everywhere by one :class:`TokenOptions`.

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

Modules
-------
One module per stage; everything public is re-exported here, so ``tokens.dtm(...)`` and
``from analysis.tokens import TokenOptions`` are the way to call it.

=======================================  ==========================================================
:mod:`~analysis.tokens.options`          :class:`TokenOptions`, :class:`Token`, :data:`NGRAM_SEP`,
                                         :func:`stopword_set`, :func:`domain_stopwords`
:mod:`~analysis.tokens.plan`             the compiled plan per options: filters, actor names
                                         (:func:`actor_forms`, :func:`actor_tokens`,
                                         :data:`FALLBACK_ACTOR_FORMS`)
:mod:`~analysis.tokens.words`            chunks and words of a text, normalization
:mod:`~analysis.tokens.lemmas`           spaCy lemmas (``lemmas=True``)
:mod:`~analysis.tokens.tokenizer`        :func:`tokenize`, :func:`token_spans`, n-grams
:mod:`~analysis.tokens.counting`         :func:`count_texts`, the map/reduce count over batches
                                         and worker processes (:data:`MIN_PARALLEL_DOCS`)
:mod:`~analysis.tokens.matrix`           :class:`DTM`, :func:`dtm`, pruning, the NPZ + JSON cache
:mod:`~analysis.tokens.export`           :func:`write_dtm`: Matrix Market + CSV for R, gensim
=======================================  ==========================================================
"""

from __future__ import annotations

from analysis.tokens.counting import MIN_PARALLEL_DOCS, count_texts
from analysis.tokens.export import DTM_FILES, write_dtm
from analysis.tokens.matrix import DTM, dtm
from analysis.tokens.options import NGRAM_SEP, Token, TokenOptions, domain_stopwords, stopword_set
from analysis.tokens.plan import FALLBACK_ACTOR_FORMS, actor_forms, actor_tokens
from analysis.tokens.tokenizer import token_spans, tokenize

__all__ = [
    "DTM",
    "DTM_FILES",
    "FALLBACK_ACTOR_FORMS",
    "MIN_PARALLEL_DOCS",
    "NGRAM_SEP",
    "Token",
    "TokenOptions",
    "actor_forms",
    "actor_tokens",
    "count_texts",
    "domain_stopwords",
    "dtm",
    "stopword_set",
    "token_spans",
    "tokenize",
    "write_dtm",
]
