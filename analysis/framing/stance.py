"""Target-scoped stance: how a sentence judges the organization it names, in English and Russian.

::

    from analysis import framing
    from analysis.framing import stance
    ctx = framing.contexts(corpus)
    stance.score(ctx)            # one score in [-1, 1] a context (NaN: language not covered)
    stance.stance_hits(ctx)      # every lexicon word found, with the weight it was given

This is the scorer behind :func:`analysis.framing.tone.score_tone` (``method="stance"``,
the default); VADER stays available there as ``method="vader"``.

How a context is scored
-----------------------
1. **Lexicon.** The words of the stance lexicon (``analysis/data/stance.yml``: facets
   such as effective/failing, legitimate/illegitimate, partner/threat, each with a signed
   ``polarity`` and English and Russian terms; see the provenance written in the file)
   are found with the frame matcher of :mod:`analysis.framing.frames`: English word
   forms, Russian lemmas, phrases, ``stem*`` patterns. A negator just before a word
   ("not effective", "не смогла") sends a favourable hit to the unfavourable facet it
   names (keeping its weight: "не сотрудничать" is -0.25) and voids an unfavourable one
   ("no threat"); so do countering words before a threat ("responding to threats",
   "борьба с агрессией").
2. **Scope.** The sentence is cut into clauses at ``; : ( ) --``, at contrastive
   conjunctions ("but", "however", "while", "но", "однако", ", а") and around relative
   clauses opened after a comma ("which", "который") and closed by the next comma. In a
   sentence that names no other organization every hit counts fully (:data:`W_TARGET`:
   "it" and "the alliance" are the organization). Otherwise a hit in a clause naming the
   organization counts fully, in a clause naming only other organizations little
   (:data:`W_OTHER`), elsewhere in the sentence :data:`W_NEAR`. As in VADER (Hutto &
   Gilbert 2014), words before the last contrastive conjunction count half and words
   after it one and a half times.
3. **Modifiers.** An intensifier right before a hit ("very", "deeply", "крайне")
   multiplies it by 1.5, a diminisher ("somewhat", "отчасти") by 0.5. A favourable word
   in scare quotes of at most three words ("peacekeepers", «миротворцы», "partners")
   counts as unfavourable (irony).
4. **Squashing.** The weighted sum ``s`` becomes ``s / sqrt(s**2 + 1)``: one plain hit in
   the organization's clause scores +-0.71, two +-0.89.

Which organization a clause names is read from the tokens: every name and alias of the
actor registry is one token (the actor's id). A context whose organization is named only
by an organ the registry does not tokenize ("the Security Council" in a UN text) is
scored over the whole sentence.

The clause rules are a documented heuristic, not a parser, and Russian and English are
read by the same rules. They were set on the tuning half of the hand labels and checked on
the held-out half (``tests/data/stance_labels.csv``; :func:`analysis.framing.tone.validate`).

**The syntactic scope** (:data:`SYNTAX`, off by default) replaces the clause rules in a
sentence that names the organization and another one: each judging word bears on the
organization nearest to it in the sentence's dependency tree (spaCy's parser for English,
slovnet's for Russian: :mod:`analysis.framing.syntax`), so "NATO is not ready for a
dialogue with the CSTO" judges NATO. Only such sentences with a hit are parsed (13 % of the
UN General Debate contexts of the CSTO, NATO and the UN; 31 % of the Russian excerpts'),
at about 2 ms a sentence. Measured against the hand labels it did not help: tune half
English rho 0.417 (clause rules 0.430) for the excerpts and 0.890 (0.889) for the
speeches, Russian 0.493 (0.457); held-out half English rho 0.492 and sign 0.755 (clause
rules 0.517 and 0.774), Russian 0.167 and 0.500 (0.193 and 0.500). Most disagreements with
the readers are words the lexicon lacks or misreads, not words given to the wrong
organization. ``benchmarks/bench_stance.py`` prints both.

References
----------
Hutto, C. J. & Gilbert, E. (2014). VADER: A parsimonious rule-based model for sentiment
analysis of social media text. *ICWSM-14*, 216-225 (the contrast and intensifier rules).
Mohammad, S. M. et al. (2016). Stance and sentiment in tweets. *ACM Transactions on
Internet Technology* 17(3) (stance as the attitude toward a given target).
"""

from __future__ import annotations

import re
from functools import lru_cache, partial
from importlib.resources import files
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from analysis.framing.batches import cached_scores
from analysis.framing.dictionary import FrameDictionary, load_frames
from analysis.framing.frames import context_texts, match_options, text_hits, text_languages

#: Weight of a hit in a clause that names the organization.
W_TARGET = 1.0
#: Weight of a hit in another clause of the sentence.
W_NEAR = 0.5
#: Weight of a hit in a clause that names only other organizations.
W_OTHER = 0.15
#: Multipliers before and after the last contrastive conjunction (Hutto & Gilbert 2014).
CONTRAST_BEFORE, CONTRAST_AFTER = 0.5, 1.5
#: Multipliers of an intensifier and a diminisher right before a hit.
INTENSIFY, DIMINISH = 1.5, 0.5

#: Whether a sentence naming several organizations is scoped by its dependency parse
#: (:mod:`analysis.framing.syntax`) rather than by the clause rules alone (see above: off,
#: as it agreed less with the held-out hand labels). Part of the cache key.
SYNTAX = False
#: Bumped when the scoring rules change (part of the cache key).
_RULES_VERSION = "2"
_STRONG_BREAK = {
    "en": re.compile(r"[;:!?()\[\]\u2013\u2014]|\s-\s"),
    # a Russian dash is mostly the copula ("ОДКБ – организация"), not a break
    "ru": re.compile(r"[;:!?()\[\]]"),
}
_CONTRAST = {
    "en": frozenset(
        "but however whereas while although though yet nevertheless nonetheless".split()
    ),
    "ru": frozenset("но однако хотя зато тогда впрочем".split()),
}
#: Conjunctions that open a contrast only after a comma (", а").
_CONTRAST_AFTER_COMMA = {"en": frozenset(), "ru": frozenset({"а"})}
_RELATIVE = {
    "en": frozenset("which who whom whose where when".split()),
    "ru": frozenset("который где когда чей".split()),
}
_INTENSIFIERS = {
    "en": frozenset(
        "very highly extremely deeply increasingly truly really utterly completely totally "
        "absolutely particularly especially most so entirely clearly".split()
    ),
    "ru": frozenset(
        "очень крайне весьма абсолютно совершенно особенно чрезвычайно наиболее максимально "
        "глубоко полностью явно исключительно".split()
    ),
}
_DIMINISHERS = {
    "en": frozenset("somewhat slightly partly partially rather marginally".split()),
    "ru": frozenset("несколько слегка отчасти частично немного".split()),
}
_QUOTED = re.compile(r"[\"“«„‘']([^\"“”«»„‘’']{1,60})[\"”»“’']")
#: Roles whose name in scare quotes mocks the organization ("peacekeepers", «миротворцы»).
_MOCKED_ROLES = re.compile(
    r"peace-?keep|peacemak|partner|ally|allies|alliance|guarant|defen[cs]|security|"
    r"миротвор|партн[её]р|союз|альянс|гарант|защит|безопасн",
    re.IGNORECASE,
)


@lru_cache(maxsize=8)
def load_lexicon(path: str | Path | None = None) -> FrameDictionary:
    """The stance lexicon (default: the built-in ``analysis/data/stance.yml``).

    Parameters
    ----------
    path : str or Path, optional
        Your lexicon, in the layout of the built-in file (a frame dictionary whose
        categories carry a ``polarity``).

    Returns
    -------
    FrameDictionary
    """
    if path is None:
        path = Path(str(files("analysis") / "data" / "stance.yml"))
    return load_frames(path)


def _lexicon(lexicon: Any) -> FrameDictionary:
    return lexicon if isinstance(lexicon, FrameDictionary) else load_lexicon(lexicon)


def _clauses(text: str, toks: list, language: str) -> tuple[np.ndarray, int | None]:
    """Clause id of each token, and the index of the last contrastive conjunction."""
    contrast_words = _CONTRAST.get(language, frozenset())
    after_comma = _CONTRAST_AFTER_COMMA.get(language, frozenset())
    relative = _RELATIVE.get(language, frozenset())
    strong = _STRONG_BREAK.get(language, _STRONG_BREAK["en"])
    ids = np.zeros(len(toks), dtype=int)
    clause, last_contrast, outer = 0, None, None
    for k in range(1, len(toks)):
        gap = text[toks[k - 1].end : toks[k].start]
        word = toks[k].token
        comma = "," in gap
        if strong.search(gap):
            clause, outer = clause + 1, None
        elif word in contrast_words or (comma and word in after_comma):
            clause, outer, last_contrast = clause + 1, None, k
        elif comma and word in relative:
            outer, clause = clause, clause + 1
        elif comma and outer is not None:
            clause, outer = outer, None
        ids[k] = clause
    return ids, last_contrast


def _scare_quoted(text: str) -> list[tuple[int, int]]:
    """Spans of up to three words in quotation marks (scare quotes, not quoted speech)."""
    return [m.span(1) for m in _QUOTED.finditer(text) if len(m.group(1).split()) <= 3]


class _Context(NamedTuple):
    """What scoring one context needs before its scope is weighed."""

    text: str
    language: str
    toks: list
    hits: list
    target: str
    target_clauses: set
    other_clauses: set
    names_other: bool

    @property
    def needs_parse(self) -> bool:
        """Whether scope decides anything: hits in a sentence naming other organizations."""
        return bool(self.hits and self.target_clauses and self.names_other)


def _read_context(text: str, actor: str, lexicon: FrameDictionary, language: str) -> _Context:
    from analysis.tokens import token_spans

    toks = token_spans(text, match_options(), lang=language)
    hits = text_hits(text, lexicon, language, toks)
    ids, _ = _clauses(text, toks, language)
    target = actor.lower()
    actor_tokens = _actor_tokens()
    target_clauses = {ids[k] for k, t in enumerate(toks) if t.token == target}
    other_clauses = {ids[k] for k, t in enumerate(toks) if t.token in actor_tokens} - (
        target_clauses
    )
    names_other = any(t.token in actor_tokens and t.token != target for t in toks)
    return _Context(text, language, toks, hits, target, target_clauses, other_clauses, names_other)


def _syntactic_scope(ctx: _Context, parsed) -> dict[int, str]:
    """Scope of each hit (by start offset) from tree distances to the organizations named.

    A judging word bears on the organization nearest to it in the dependency tree ("NATO
    is not ready for a dialogue with the CSTO": "ready" is one edge from NATO, its subject,
    and three from the CSTO): ``target`` when the target is nearer than every other
    organization, ``near`` at the same distance, ``other`` when another is nearer (or the
    target is in another tree of the parse and another organization is not).
    """
    from analysis.framing import syntax

    actor_tokens = _actor_tokens()
    target_at, other_at = [], []
    for t in ctx.toks:
        if t.token in actor_tokens:
            found = syntax.tokens_at(parsed, t.start, t.end).tolist()
            (target_at if t.token == ctx.target else other_at).extend(found)
    to_target = syntax.tree_distances(parsed, target_at)
    to_other = syntax.tree_distances(parsed, other_at)
    out = {}
    for hit in ctx.hits:
        at = syntax.tokens_at(parsed, hit[2], hit[3])
        d_t = _nearest(to_target[at])
        d_o = _nearest(to_other[at])
        if d_t is None and d_o is None:
            continue  # no organization in the hit's tree: the clause rules decide
        if d_o is None or (d_t is not None and d_t < d_o):
            out[hit[2]] = "target"
        elif d_t == d_o:
            out[hit[2]] = "near"
        else:
            out[hit[2]] = "other"
    return out


def _nearest(distances: np.ndarray) -> int | None:
    reached = distances[distances >= 0]
    return int(reached.min()) if len(reached) else None


def context_hits(
    text: str, actor: str, lexicon: FrameDictionary, language: str, parsed: Any = None
) -> list[tuple]:
    """The weighted lexicon hits of one context toward ``actor``.

    Parameters
    ----------
    text, actor, lexicon, language
        The context, the organization it is scored toward, the stance lexicon and the
        context's language.
    parsed : syntax.Parse, optional
        The context's dependency parse (:func:`analysis.framing.syntax.parse`); parsed
        here when the scope needs it (a sentence naming other organizations) and a
        parser for the language is installed.

    Returns
    -------
    list of tuple
        ``(facet, term, start, end, negated, polarity, weight, scope)``: the facet the hit
        counts for (after negation), the term, offsets into ``text``, whether it was
        negated, the facet's polarity (sign flipped in scare quotes), the weight given by
        scope, contrast and intensifiers, and the scope (``target``, ``near``, ``other``).
    """
    return _weigh(_read_context(text, actor, lexicon, language), lexicon, parsed)


def _weigh(ctx: _Context, lexicon: FrameDictionary, parsed: Any = None) -> list[tuple]:
    from analysis.framing import syntax

    text, language, toks, hits = ctx.text, ctx.language, ctx.toks, ctx.hits
    categories = lexicon.categories
    ids, contrast = _clauses(text, toks, language)
    target_clauses, other_clauses = ctx.target_clauses, ctx.other_clauses
    actor_tokens = _actor_tokens()
    syntactic: dict[int, str] = {}
    if ctx.needs_parse and SYNTAX and syntax_available(language):
        if parsed is None:
            parsed = syntax.parse([text], language)[0]
        syntactic = _syntactic_scope(ctx, parsed)
    first_token = {t.start: k for k, t in enumerate(toks)}
    quoted = _scare_quoted(text)
    intensifiers = _INTENSIFIERS.get(language, frozenset())
    diminishers = _DIMINISHERS.get(language, frozenset())
    out = [
        ("illegitimate", "scare quotes", a, b, False, -1.0, W_TARGET, "target")
        for a, b in quoted
        if _MOCKED_ROLES.search(text[a:b]) and not any(a <= h[2] < b for h in hits)
    ]
    if (
        contrast is not None
        and ids[contrast] not in target_clauses
        and any(ids[k] == ids[contrast] for k, t in enumerate(toks) if t.token in actor_tokens)
    ):
        contrast = None  # "X failed, but NATO ...": the contrast turns to another actor
    weights = {"target": W_TARGET, "near": W_NEAR, "other": W_OTHER}
    for frame, term, start, end, negated, _negator, counted in hits:
        if not counted:
            continue
        k = first_token.get(start, 0)
        # a negated word keeps its own weight and takes the sign of the facet it flips to
        polarity = np.sign(categories[counted].polarity) * abs(categories[frame].polarity)
        if polarity > 0 and any(a <= start and end <= b for a, b in quoted):
            polarity = -polarity
        if start in syntactic:
            scope = syntactic[start]
        elif not target_clauses or not other_clauses or ids[k] in target_clauses:
            scope = "target"
        elif ids[k] in other_clauses:
            scope = "other"
        else:
            scope = "near"
        weight = weights[scope]
        if contrast is not None:
            weight *= CONTRAST_BEFORE if k < contrast else CONTRAST_AFTER
        before = toks[k - 1].token if k > 0 else ""
        if before in intensifiers:
            weight *= INTENSIFY
        elif before in diminishers:
            weight *= DIMINISH
        out.append((counted, term, start, end, negated, polarity, weight, scope))
    return out


@lru_cache(maxsize=4)
def syntax_available(language: str) -> bool:
    """Whether contexts in ``language`` get the syntactic scope (a parser is installed)."""
    from analysis.framing import syntax

    return language in syntax.LANGUAGES and syntax.available(language)


@lru_cache(maxsize=1)
def _actor_tokens() -> frozenset[str]:
    """The tokens actor names become (:func:`analysis.tokens.actor_tokens`)."""
    from analysis.tokens import actor_tokens

    return frozenset(actor_tokens())


def squash(total: float) -> float:
    """``s / sqrt(s**2 + 1)``: a weighted sum of hits mapped into (-1, 1)."""
    return float(total / np.sqrt(total**2 + 1.0))


def context_score(text: Any, actor: str, lexicon: FrameDictionary, language: str) -> float:
    """The stance of one context toward ``actor`` in [-1, 1] (0.0 when no word judges it)."""
    if not isinstance(text, str) or not text.strip():
        return float("nan")
    hits = context_hits(text, actor, lexicon, language)
    return squash(sum(h[5] * h[6] for h in hits))


def _batch_hits(items: list, lexicon: FrameDictionary, language: str) -> list[list[tuple]]:
    """:func:`context_hits` of ``actor + US + context`` items (``[]`` for a missing one).

    The contexts whose scope needs a parse are parsed together, in one batch.
    """
    from analysis.framing import syntax

    read = {}
    for i, item in enumerate(items):
        if isinstance(item, str):
            actor, _, text = item.partition("\x1f")
            if text.strip():
                read[i] = _read_context(text, actor, lexicon, language)
    todo = [i for i, ctx in read.items() if ctx.needs_parse]
    parses = {}
    if todo and SYNTAX and syntax_available(language):
        parses = dict(zip(todo, syntax.parse([read[i].text for i in todo], language)))
    return [_weigh(read[i], lexicon, parses.get(i)) if i in read else [] for i in range(len(items))]


def _stance_batch(items: list, lexicon: FrameDictionary, language: str) -> np.ndarray:
    """Scores of ``actor + US + context`` items (NaN for a missing or empty context)."""
    out = np.full((len(items), 1), np.nan)
    for i, (item, hits) in enumerate(zip(items, _batch_hits(items, lexicon, language))):
        if isinstance(item, str) and item.partition("\x1f")[2].strip():
            out[i, 0] = squash(sum(h[5] * h[6] for h in hits))
    return out


def score(
    contexts: pd.DataFrame,
    *,
    lexicon: str | Path | FrameDictionary | None = None,
    workers: int | None = None,
    cache: bool = True,
) -> np.ndarray:
    """The stance of each context toward its actor, in [-1, 1].

    Parameters
    ----------
    contexts : DataFrame
        The output of :func:`analysis.framing.contexts` (``context``, ``actor``, ``lang``).
    lexicon : path or FrameDictionary, optional
        Default: the built-in stance lexicon (:func:`load_lexicon`).
    workers : int, optional
        Processes for large tables (see :data:`analysis.framing.MIN_PARALLEL`).
    cache : bool, default True
        Read and write scores in the on-disk cache, keyed by the contexts and the lexicon.

    Returns
    -------
    numpy.ndarray of shape (n_contexts,)
        NaN for an empty context and for a language the lexicon has no terms for (never
        0.0, which means "no judging word found").
    """
    lexicon = _lexicon(lexicon)
    texts = context_texts(contexts)
    actors = contexts["actor"].astype(str).tolist()
    langs = text_languages(contexts, texts, lexicon)
    out = np.full(len(texts), np.nan)
    for language in sorted({lang for lang in langs if lang is not None}):
        rows = [i for i, lang in enumerate(langs) if lang == language]
        items = [f"{actors[i]}\x1f{texts[i]}" if isinstance(texts[i], str) else None for i in rows]
        key = [lexicon.signature, language, _RULES_VERSION, SYNTAX and _parser_key(language)]
        batch = partial(_stance_batch, lexicon=lexicon, language=language)
        out[rows] = cached_scores("stance", key, items, batch, workers, cache)[:, 0]
    return out


def _parser_key(language: str) -> str:
    from analysis.framing import syntax

    return syntax.parser_id(language) if syntax_available(language) else "clause rules"


def stance_hits(
    contexts: pd.DataFrame, *, lexicon: str | Path | FrameDictionary | None = None
) -> pd.DataFrame:
    """Every stance word found in each context, with the weight the scorer gave it.

    Returns
    -------
    pandas.DataFrame
        ``row, doc_id, actor, facet, term, surface, start, end, negated, polarity,
        weight, scope``, one row a hit: read it to see why a context scored as it did.
    """
    lexicon = _lexicon(lexicon)
    texts = context_texts(contexts)
    langs = text_languages(contexts, texts, lexicon)
    actors = contexts["actor"].astype(str).tolist()
    rows = []
    for language in sorted({lang for lang in langs if lang is not None}):
        mine = [r for r, lang in enumerate(langs) if lang == language and isinstance(texts[r], str)]
        items = [f"{actors[r]}\x1f{texts[r]}" for r in mine]
        for r, hits in zip(mine, _batch_hits(items, lexicon, language)):
            rows.extend((r, *h) for h in hits)
    rows.sort(key=lambda row: row[0])
    cols = ["facet", "term", "start", "end", "negated", "polarity", "weight", "scope"]
    out = pd.DataFrame(rows, columns=["row", *cols])
    out.insert(
        3, "surface", [texts[r][s:e] for r, s, e in zip(out["row"], out["start"], out["end"])]
    )
    out.insert(1, "actor", [actors[r] for r in out["row"]])
    if "doc_id" in contexts.columns:
        out.insert(1, "doc_id", contexts["doc_id"].to_numpy()[out["row"].to_numpy()])
    return out
