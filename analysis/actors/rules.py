"""Finding the mentions in one document: sentences and the rules that resolve each hit.

Given the hits of :mod:`analysis.actors.matcher`, a hit is dropped when it is an all-caps
word of the document's language next to other all-caps words (the registry's
``caps_words``, e.g. French "UN"). Names and one-word aliases count as their actor; a
multi-word alias counts unless it is part of a longer name it does not belong to (a
capitalised word, or one + "and", right before it: "National Security Council", "Peace and
Security Council"). A contextual form ("Security Council", "CST") counts when it
abbreviates the mention just before it ("Collective Security Treaty (CST)"); otherwise not
when it is part of another name (also "Security Council of Kyrgyzstan", and in Russian a
capitalised owner right after it: "Совбез Армении"; an ordinal before it is a session, not
a name: "Fifty-Ninth General Assembly"), and then only when its sentence names its actor
(or an ancestor), when the corpus is about the actor (``context_actors``), or when the
document named the actor earlier by a form that licenses it (its ``after`` list, or the
form itself; a headline, the first line, is licensed by the text under it too). Two
Russian mentions of one actor separated only by spaces are one mention (an organ and its
organization in the genitive: "Совета Безопасности ООН"). Latin or Greek look-alike
letters inside Cyrillic words are read as Cyrillic (:func:`analysis.text.fold_lookalikes`).
An anaphor after "the", "our" or "this" ("the Alliance") goes to the most recently named
actor that uses it. The rules are also written at the top of ``analysis/data/actors.yml``.

Sentences
---------
``sentence_id`` counts sentences from 0 within a document. A sentence ends at a line break,
or at ``. ! ? …`` (and ``؟ । 。``) plus optional closing quotes/brackets, followed by
whitespace and a capital letter, digit, opening quote or a letter of a script without case;
not after a single capital letter ("U.N.", "U.S.", initials) or Mr./Ms./Mrs./Dr./St./No./vs.
It is a fast approximation, good enough for "same sentence" co-mentions.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import TYPE_CHECKING

from analysis.patterns import form_key
from analysis.text import fold_lookalikes
from analysis.tokens.languages import base_language

if TYPE_CHECKING:
    from analysis.actors.matcher import ActorMatcher
    from analysis.actors.registry import ActorForm, Registry

_DETERMINERS = {"the", "our", "this"}
_SENTENCE_END = re.compile(
    r"[\n.!?…。؟।](?:(?<=\n)\s*|(?<![A-Z]\.[A-Z]\.)(?<!\b[A-Z]\.)(?<!\bMr\.)(?<!\bMs\.)"
    r"(?<!\bMrs\.)(?<!\bDr\.)(?<!\bSt\.)(?<!\bNo\.)(?<!\bvs\.)[.!?…]*[\"'”’»)\]]*\s+"
    r"(?=[\"'“‘«(\[]*[^\W_a-z]))"
)
_PREV_WORD = re.compile(r"([^\W\d_][\w'’.\-]*|&)\s+$")
_OF_NEXT = re.compile(r"\s+of\s+(?:the\s+)?(?=[^\W\d_])")
#: An ordinal before an organ is its session, not another name: "Fifty-Ninth General Assembly".
_ORDINAL = re.compile(
    r"(?i)(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)-)?"
    r"(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|"
    r"(?:thir|four|fif|six|seven|eigh|nine)teenth|(?:twen|thir|for|fif|six|seven|eigh|nine)tieth|"
    r"hundredth|\d+(?:st|nd|rd|th))$"
)
#: Russian puts the owner in the genitive right after an organ: "Совбез Армении".
_GENITIVE_NEXT = re.compile(r"[ \t\u00a0]+(?=[^\W\d_])")
_CYRILLIC = re.compile("[\u0400-\u04ff]")


@dataclass
class _Hit:
    start: int
    end: int
    surface: str
    forms: list[ActorForm]
    sentence: int = 0
    actor: str | None = None


def sentence_starts(text: str) -> list[int]:
    """Offsets at which the sentences of ``text`` start (see the module docstring)."""
    return [0] + [m.end() for m in _SENTENCE_END.finditer(text)]


def document_mentions(
    text: str, lang: str | None, matcher: ActorMatcher, context_actors: frozenset[str] = frozenset()
) -> list[_Hit]:
    """The resolved actor mentions of one document, in text order."""
    original, text = text, fold_lookalikes(text)
    hits = [_Hit(s, e, text[s:e], matcher.forms_of(text[s:e])) for s, e in matcher.hits(text)]
    hits = [h for h in hits if h.forms and not _caps_word(text, h, lang, matcher.registry)]
    if not hits:
        return []
    starts = sentence_starts(text)
    for i, h in enumerate(hits):
        h.sentence = bisect_right(starts, h.start) - 1
        form = h.forms[0]
        if form.type == "name" or (
            form.type == "alias"
            and (" " not in form.text or not _part_of_other_name(text, hits, i, starts, None))
        ):
            h.actor = form.actor
    named = _named_by_sentence(hits, matcher)
    for i, h in enumerate(hits):
        if h.forms[0].type == "contextual":
            h.actor = _resolve_contextual(text, hits, i, named, starts, matcher, context_actors)
        elif h.forms[0].type == "anaphora":
            h.actor = _resolve_anaphor(text, hits, i)
    found = _merge_adjacent(text, [h for h in hits if h.actor is not None])
    for h in found:
        h.surface = original[h.start : h.end]
    return found


_SPACES_ONLY = re.compile(r"[ \t\u00a0]+")


def _merge_adjacent(text: str, hits: list[_Hit]) -> list[_Hit]:
    """Two Russian mentions of one actor separated only by spaces are one mention.

    An organ followed by its organization in the genitive is one name in Russian:
    "Совета коллективной безопасности ОДКБ", "Совета Безопасности ООН". A line break,
    a bracket or any punctuation between them keeps two ("... (ОДКБ)").
    """
    out: list[_Hit] = []
    for h in hits:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.actor == h.actor
            and _CYRILLIC.match(prev.surface)
            and _CYRILLIC.match(h.surface)
            and _SPACES_ONLY.fullmatch(text, prev.end, h.start)
        ):
            prev.end = h.end
            continue
        out.append(h)
    return out


def _caps_word(text: str, hit: _Hit, lang: str | None, registry: Registry) -> bool:
    """An all-caps alias that is a word of the document's language, inside all-caps text."""
    langs = registry.caps_words.get(hit.surface)
    if not langs or base_language(lang) not in langs:
        return False
    before = re.search(r"([^\W\d_]+)[^\w]*$", text[max(0, hit.start - 40) : hit.start])
    after = re.match(r"[^\w]*([^\W\d_]+)", text[hit.end : hit.end + 40])
    return any(m and len(m.group(1)) > 1 and m.group(1).isupper() for m in (before, after))


def _named_by_sentence(hits: list[_Hit], matcher: ActorMatcher) -> dict[int, set[str]]:
    """Actors (and their ancestors) named by an alias or a name, per sentence."""
    named: dict[int, set[str]] = {}
    for h in hits:
        if h.actor is not None:
            named.setdefault(h.sentence, set()).update([h.actor, *matcher.ancestors[h.actor]])
    return named


def _resolve_contextual(
    text: str,
    hits: list[_Hit],
    i: int,
    named: dict[int, set[str]],
    starts: list[int],
    matcher: ActorMatcher,
    context_actors: frozenset[str],
) -> str | None:
    """The actor of a contextual hit, or None when the context does not make it clear."""
    hit, form = hits[i], hits[i].forms[0]
    family = {form.actor, *matcher.ancestors[form.actor]}
    if _bracketed_after(text, hits, i, family):
        return form.actor
    if _part_of_other_name(text, hits, i, starts, family):
        return None
    if family & (named.get(hit.sentence, set()) | context_actors):
        return form.actor
    # a headline (the first line) is licensed by the text under it too
    headline = "\n" in text[hit.end :] and "\n" not in text[: hit.start]
    earlier = {
        form_key(h.surface, False)
        for h in (hits if headline else hits[:i])
        if h.actor == form.actor and h is not hit
    }
    licensed = form.after | {form_key(form.text, False)}
    return form.actor if earlier & licensed else None


def _bracketed_after(text: str, hits: list[_Hit], i: int, family: set[str]) -> bool:
    """``<mention of actor> (FORM)``: the form abbreviates the mention just before it."""
    if i == 0 or hits[i - 1].actor not in family:
        return False
    between, after = text[hits[i - 1].end : hits[i].start], text[hits[i].end : hits[i].end + 3]
    return re.fullmatch(r"\s*\(\s*", between) is not None and after.lstrip().startswith(")")


def _part_of_other_name(
    text: str, hits: list[_Hit], i: int, starts: list[int], family: set[str] | None
) -> bool:
    """Whether a hit is part of a longer name it does not belong to.

    True for a capitalised word right before ("National Security Council", "South-East
    Asia Collective Security Treaty"; not a sentence's first word unless it ends another
    organization's name, "CSTO Security Council"; not "Moscow-led"),
    a capitalised word + "and" before ("Peace and Security Council"), or "of <Capital>"
    after ("Security Council of Kyrgyzstan"), unless those words belong to a mention of
    the same actor (``family``: the actor and its ancestors; None: any actor).
    """
    hit = hits[i]
    prev = None if starts[hit.sentence] == hit.start else _word_before(text, hit.start)
    if prev is not None and prev.group(1) in ("and", "&"):
        prev = _word_before(text, prev.start(1))
        if (
            prev is not None
            and _capitalised(prev.group(1))
            and not _ends_mention(hits, i, prev.start(1), family)
        ):
            return True
    elif prev is not None and _capitalised(prev.group(1)) and not _ORDINAL.match(prev.group(1)):
        at_sentence_start = starts[bisect_right(starts, prev.start(1)) - 1] == prev.start(1)
        if not at_sentence_start and not _ends_mention(hits, i, prev.start(1), family):
            return True
        if family is not None and _ends_mention(hits, i, prev.start(1), None):
            # another organization's name right before, even first in its sentence:
            # "NATO Secretary-General ..."
            return not _ends_mention(hits, i, prev.start(1), family)
    nxt = None
    if family is not None:
        nxt = (_GENITIVE_NEXT if _CYRILLIC.match(hit.surface) else _OF_NEXT).match(text, hit.end)
    if nxt and text[nxt.end()].isupper():
        following = hits[i + 1] if i + 1 < len(hits) else None
        return not (
            following
            and following.start == nxt.end()
            and (following.actor or following.forms[0].actor) in family
        )
    return False


def _word_before(text: str, pos: int) -> re.Match | None:
    return _PREV_WORD.search(text, max(0, pos - 60), pos)


def _capitalised(word: str) -> bool:
    """Whether a word is capitalised: "Kazakh", "South-East", "Kazakhstan's"; not "the"."""
    return word.split("-")[-1][:1].isupper()


def _ends_mention(hits: list[_Hit], i: int, word_start: int, family: set[str] | None) -> bool:
    """Whether the hit before ``hits[i]`` ends inside the word starting at ``word_start``."""
    if i == 0 or hits[i - 1].end <= word_start:
        return False
    before = hits[i - 1]
    return family is None or (before.actor or before.forms[0].actor) in family


def _resolve_anaphor(text: str, hits: list[_Hit], i: int) -> str | None:
    """``the Alliance`` -> the most recently named actor that uses this anaphor, if any."""
    hit = hits[i]
    prev = re.search(r"(\w+)\s+$", text[max(0, hit.start - 20) : hit.start])
    if not prev or prev.group(1).lower() not in _DETERMINERS:
        return None
    candidates = {f.actor for f in hit.forms}
    for h in reversed(hits[:i]):
        if h.forms[0].type in ("alias", "name") and h.actor in candidates:
            return h.actor
    return None
