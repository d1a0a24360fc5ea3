"""Tokenizing: :func:`tokenize` (kept tokens, then n-grams) and :func:`token_spans` (offsets).

Unigrams without lemmas take the same path the document-term matrix counts (raw chunks,
then the kept words of each chunk), so ``tokenize`` and :func:`analysis.tokens.dtm` agree
by construction. N-grams never span a removed token (quanteda's ``padding``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from analysis.settings import get_settings
from analysis.tokens.lemmas import lemma_pipeline, lemmatize_spans, without_lemmas
from analysis.tokens.options import NGRAM_SEP, Token, TokenOptions
from analysis.tokens.plan import TokenPlan, actor_hits, resume_after_actor, token_plan
from analysis.tokens.words import raw_chunks, terms_of_chunk, word_spans


def _unigrams(text: str, plan: TokenPlan) -> list[str]:
    """Kept unigrams of one text, without spans (the same path :func:`dtm` counts)."""
    return [t for chunk in raw_chunks(text, plan) for t in terms_of_chunk(chunk, plan)]


def token_spans(
    text: str, options: TokenOptions | None = None, *, filter: bool = False
) -> list[Token]:
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
    plan = token_plan(options or TokenOptions())
    spans: list[Token] = []
    pos = 0
    for start, end, token in actor_hits(text, plan):
        spans.extend(word_spans(text, pos, start, plan))
        spans.append(Token(token, start, end, True))
        pos = resume_after_actor(text, end)
    spans.extend(word_spans(text, pos, len(text), plan))
    if plan.options.lemmas:
        spans = lemmatize_spans(text, spans, plan)
    return [s for s in spans if s.keep] if filter else spans


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
    plan = token_plan(options)
    if options.ngram_range == (1, 1) and not options.lemmas:
        return _unigrams(text, plan)
    return _with_ngrams(token_spans(text, options), options.ngram_range)


def _with_ngrams(spans: Sequence[Token], ngram_range: tuple[int, int]) -> list[str]:
    """n-grams of consecutive kept tokens (never across a removed one)."""
    seq = [s.token if s.keep else None for s in spans]
    out: list[str] = []
    for n in range(ngram_range[0], ngram_range[1] + 1):
        for i in range(len(seq) - n + 1):
            window = seq[i : i + n]
            if None not in window:
                out.append(NGRAM_SEP.join(window))  # type: ignore[arg-type]
    return out


def tokenize_texts(texts: Sequence[str], options: TokenOptions) -> Iterator[list[str]]:
    """Token lists of many texts (spaCy's ``nlp.pipe`` batches them when lemmatizing)."""
    if not options.lemmas:
        yield from (tokenize(t, options) for t in texts)
        return
    plan = token_plan(options)
    nlp = lemma_pipeline(get_settings().spacy_model)
    for text, doc in zip(texts, nlp.pipe(texts, batch_size=64)):
        spans = lemmatize_spans(text, token_spans(text, without_lemmas(options)), plan, doc)
        yield _with_ngrams(spans, options.ngram_range)
