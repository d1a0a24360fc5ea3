"""Optional lemmas (``TokenOptions(lemmas=True)``): spaCy's lemma where its token has our offsets.

Slow on big corpora: the model ``settings.spacy_model`` runs without parser and NER.
Hyphenated words and actor tokens (which spaCy splits differently) keep their form.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

from analysis.settings import get_settings
from analysis.tokens.options import Token, TokenOptions
from analysis.tokens.plan import TokenPlan
from analysis.tokens.words import normalize_words


@lru_cache(maxsize=2)
def lemma_pipeline(model: str):
    """The spaCy pipeline ``model`` without parser and NER (loaded once per model)."""
    import spacy

    from analysis.errors import AnalysisError, E

    try:
        return spacy.load(model, disable=["parser", "ner"])
    except OSError as err:
        raise AnalysisError(E.E008, model=model) from err


def lemmatize_spans(text: str, spans: list[Token], plan: TokenPlan, doc=None) -> list[Token]:
    """Replace a word by its spaCy lemma where spaCy's token has the same offsets.

    Hyphenated words and actor tokens (which spaCy splits differently) keep their form.
    """
    if doc is None:
        doc = lemma_pipeline(get_settings().spacy_model)(text)
    lemmas = {(t.idx, t.idx + len(t.text)): t.lemma_ for t in doc}
    out = []
    for s in spans:
        lemma = lemmas.get((s.start, s.end)) if s.token not in plan.actor_ids else None
        if lemma and not lemma.isspace():
            token = normalize_words([lemma.replace(" ", "")], plan.options.lowercase)[0]
            s = Token(token, s.start, s.end, plan.keeps(token))
        out.append(s)
    return out


def without_lemmas(options: TokenOptions) -> TokenOptions:
    """The same options with ``lemmas=False``."""
    return replace(options, lemmas=False)
