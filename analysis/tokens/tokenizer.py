"""Tokenizing: :func:`tokenize` (kept tokens, then n-grams) and :func:`token_spans` (offsets).

Unigrams without lemmas take the same path the document-term matrix counts (raw chunks,
then the kept words of each chunk), so ``tokenize`` and :func:`analysis.tokens.dtm` agree
by construction. N-grams never span a removed token (quanteda's ``padding``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from analysis.settings import get_settings
from analysis.text import blank_urls
from analysis.tokens.languages import token_language
from analysis.tokens.lemmas import lemma_pipeline, lemmatize_spans, without_lemmas
from analysis.tokens.options import NGRAM_SEP, Token, TokenOptions
from analysis.tokens.plan import TokenPlan, actor_hits, resume_after_actor, token_plan
from analysis.tokens.words import raw_chunks, terms_of_chunk, word_spans


def _unigrams(text: str, plan: TokenPlan) -> list[str]:
    """Kept unigrams of one text, without spans (the same path :func:`dtm` counts)."""
    return [t for chunk in raw_chunks(text, plan) for t in terms_of_chunk(chunk, plan)]


def plan_for(options: TokenOptions, lang: object = None, text: str | None = None) -> TokenPlan:
    """The plan of a document of language ``lang`` (a bare text: by its script)."""
    if options.language is not None:
        return token_plan(options, options.language)
    return token_plan(options, token_language(lang, text))


def token_spans(
    text: str, options: TokenOptions | None = None, *, filter: bool = False, lang: object = None
) -> list[Token]:
    """Every word token of ``text`` with its offsets and whether it is kept.

    Parameters
    ----------
    text : str
    options : TokenOptions, optional
    filter : bool, default False
        Return only the tokens :func:`tokenize` keeps.
    lang : str, optional
        The document's language ("ru", "en"...); without it, the script of ``text``
        decides (:func:`analysis.tokens.languages.token_language`).

    Returns
    -------
    list of Token
        ``(token, start, end, keep)`` in text order; ``text[start:end]`` is the surface.
    """
    plan = plan_for(options or TokenOptions(), lang, text)
    spans: list[Token] = []
    pos = 0
    text = blank_urls(text)  # offsets into the text as given still hold
    for start, end, token in actor_hits(text, plan):
        spans.extend(word_spans(text, pos, start, plan))
        spans.append(Token(token, start, end, True))
        pos = resume_after_actor(text, end)
    spans.extend(word_spans(text, pos, len(text), plan))
    if plan.spacy_lemmas:
        spans = lemmatize_spans(text, spans, plan)
    return [s for s in spans if s.keep] if filter else spans


def tokenize(text: str, options: TokenOptions | None = None, *, lang: object = None) -> list[str]:
    """The tokens of ``text`` that ``options`` keeps, then its n-grams.

    Parameters
    ----------
    text : str
    options : TokenOptions, optional
        Default ``TokenOptions()``.
    lang : str, optional
        The document's language; without it, the script of ``text`` decides.

    Returns
    -------
    list of str
        Unigrams in text order (when ``ngram_range`` starts at 1), then bigrams, trigrams...

    Examples
    --------
    >>> tokenize("The North Atlantic Treaty Organization met in 1949.")
    ['nato', 'met']
    >>> tokenize("Учения ОДКБ прошли в Армении")
    ['учение', 'csto', 'пройти', 'армения']
    """
    options = options or TokenOptions()
    plan = plan_for(options, lang, text)
    if options.ngram_range == (1, 1) and not plan.spacy_lemmas:
        return _unigrams(text, plan)
    return _with_ngrams(token_spans(text, options, lang=plan.language), options.ngram_range)


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


def tokenize_texts(
    texts: Sequence[str], options: TokenOptions, language: str = "en"
) -> Iterator[list[str]]:
    """Token lists of many texts of one language (spaCy's ``nlp.pipe`` batches English lemmas)."""
    plan = token_plan(options, language)
    if not plan.spacy_lemmas:
        yield from (tokenize(t, options, lang=plan.language) for t in texts)
        return
    nlp = lemma_pipeline(get_settings().spacy_model)
    bare = without_lemmas(options)
    for text, doc in zip(texts, nlp.pipe(texts, batch_size=64)):
        spans = lemmatize_spans(text, token_spans(text, bare, lang="en"), plan, doc)
        yield _with_ngrams(spans, options.ngram_range)
