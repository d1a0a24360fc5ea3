"""Words of a text: chunks, normalization, actor names cut out.

A chunk is a maximal run of word characters joined by hyphens or apostrophes; every word
lies inside one chunk and a chunk's words do not depend on what surrounds it, so a corpus
is counted by raw chunks and each DISTINCT chunk is turned into words once
(:func:`_chunk_terms`, memoized in the plan). Lower-casing and straightening apostrophes
run once per text where that keeps every offset, else once per word. A plan's
``word_form`` (Russian: folding and lemmas) maps each word after that.

Nothing inside a web address is a word: a run of non-space characters from a scheme
(``https://``) or ``www.`` is blanked before chunking (:func:`analysis.text.blank_urls`,
same length, so offsets hold), as the mention layer ignores names inside addresses.
Otherwise a list of percent-encoded links ranks "d0" and "ru" among a Russian corpus's top
terms.
"""

from __future__ import annotations

import re

from analysis.text import blank_urls
from analysis.tokens.options import Token
from analysis.tokens.plan import TokenPlan, actor_hits, resume_after_actor

#: Prefix of actor tokens while counting (stripped before anything is returned).
_ACTOR_MARK = "\x00"
_WORD = re.compile(r"(?<![^\W_]['’])[^\W_]+(?:[-'’](?![sS](?![^\W_]))[^\W_]+)*")
#: A maximal run of word characters joined by hyphens or apostrophes. Every word lies inside
#: one chunk, and a chunk's words do not depend on what surrounds it, so :func:`dtm` counts
#: raw chunks and turns each DISTINCT chunk into words once (:func:`_chunk_terms`).
_CHUNK = re.compile(r"\w+(?:[-'’]\w+)*+")


def normalize_words(words: list[str], lowercase: bool) -> list[str]:
    """Lower-case and straighten apostrophes in one C-speed pass (words hold no spaces)."""
    if not words:
        return words
    joined = " ".join(words).replace("\u2019", "'")
    return (joined.lower() if lowercase else joined).split(" ")


def _prepared(text: str, lowercase: bool) -> tuple[str, bool]:
    """The text words are read from, and whether each word still needs :func:`normalize_words`.

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
    words = normalize_words(words, lowercase) if raw else words
    return [(w, m.start(), m.end()) for w, m in zip(words, matches)]


def _chunk_terms(chunk: str, plan: TokenPlan) -> tuple[str, ...]:
    """The kept words of one chunk (memoized per plan: a corpus has few distinct chunks)."""
    found = plan.chunks.get(chunk)
    if found is None:
        words = _chunk_words(chunk, plan.options.lowercase)
        form = plan.word_form
        found = tuple(t for t in (form(w) if form else w for w, _, _ in words) if plan.keeps(t))
        if len(plan.chunks) > 2_000_000:
            plan.chunks.clear()
        plan.chunks[chunk] = found
    return found


def raw_chunks(text: str, plan: TokenPlan) -> list[str]:
    """The chunks of a text in order, actor names replaced by marked actor tokens."""
    out: list[str] = []
    pos = 0
    text = blank_urls(text)
    for start, end, token in actor_hits(text, plan):
        out += _CHUNK.findall(text, pos, start)
        out.append(_ACTOR_MARK + token)
        pos = resume_after_actor(text, end)
    out += _CHUNK.findall(text, pos)
    return out


def terms_of_chunk(chunk: str, plan: TokenPlan) -> tuple[str, ...]:
    """What a raw chunk (or marked actor token) counts as."""
    if chunk.startswith(_ACTOR_MARK):
        return (chunk[1:],)
    return _chunk_terms(chunk, plan)


def word_spans(text: str, pos: int, endpos: int, plan: TokenPlan) -> list[Token]:
    """Word tokens of an actor-free stretch, chunk by chunk (as :func:`dtm` counts them)."""
    out = []
    form = plan.word_form
    for chunk in _CHUNK.finditer(text, pos, endpos):
        at = chunk.start()
        for w, a, b in _chunk_words(chunk.group(), plan.options.lowercase):
            t = form(w) if form else w
            out.append(Token(t, at + a, at + b, plan.keeps(t)))
    return out
