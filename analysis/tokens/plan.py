"""The compiled plan: which tokens are kept and which names are actors, once per options.

Every alias and name of every actor in the registry (:func:`analysis.actors.load_registry`)
becomes one token, the actor id lower-cased. All forms are compiled into one trie regex
(:func:`analysis.patterns.trie_pattern`) that finds every hit, then per-kind tries give the
longest form at that position (leftmost-longest, not overlapping); aliases match
case-sensitively, names case-insensitively after the first letter. When ``analysis.actors``
cannot be imported :data:`FALLBACK_ACTOR_FORMS` (CSTO, NATO, UN) is used. A plan is built
once per :class:`~analysis.tokens.TokenOptions`, language and process (``lru_cache``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from analysis.patterns import form_atoms, form_key, trie_pattern
from analysis.text import fold_lookalikes
from analysis.tokens.languages import russian_word
from analysis.tokens.options import TokenOptions, stopword_set

#: Used when ``analysis.actors`` is unavailable: (form, actor id, case-sensitive).
FALLBACK_ACTOR_FORMS: tuple[tuple[str, str, bool], ...] = (
    ("CSTO", "CSTO", True),
    ("Collective Security Treaty Organization", "CSTO", False),
    ("Collective Security Treaty Organisation", "CSTO", False),
    ("Collective Security Treaty", "CSTO", True),
    ("NATO", "NATO", True),
    ("Nato", "NATO", True),
    ("North Atlantic Treaty Organization", "NATO", False),
    ("North Atlantic Treaty Organisation", "NATO", False),
    ("North Atlantic Treaty", "NATO", True),
    ("North Atlantic Alliance", "NATO", False),
    ("UN", "UN", True),
    ("U.N.", "UN", True),
    ("United Nations", "UN", False),
    ("UN Security Council", "UN", False),
    ("United Nations Security Council", "UN", False),
    ("UN General Assembly", "UN", False),
    ("United Nations General Assembly", "UN", False),
)
_HAS_LETTER = re.compile(r"[^\W\d_]")


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
    return [
        (str(f), str(a), t == "alias")
        for f, a, t in zip(forms["form"], forms["actor"], forms["type"])
    ]


def actor_tokens(options: TokenOptions | None = None) -> dict[str, str]:
    """Actor token -> actor id (``{"nato": "NATO", "un": "UN", ...}``), in every language."""
    plan = token_plan(options or TokenOptions())
    return dict(plan.actor_ids)


@dataclass
class TokenPlan:
    """Everything :func:`tokenize` needs, compiled once per options (and per process)."""

    options: TokenOptions
    drop: frozenset[str]
    language: str = "en"
    #: one lower-cased word -> its token (Russian: folded, lemmatized); None: as it is
    word_form: Callable[[str], str] | None = None
    actor_scan: re.Pattern | None = None
    actor_rxs: list[re.Pattern] = field(default_factory=list)
    cased: dict[str, str] = field(default_factory=dict)
    folded: dict[str, str] = field(default_factory=dict)
    wild: list[tuple[re.Pattern, str]] = field(default_factory=list)
    actor_ids: dict[str, str] = field(default_factory=dict)
    chunks: dict[str, tuple[str, ...]] = field(default_factory=dict)
    surfaces: dict[str, str | None] = field(default_factory=dict)

    @property
    def spacy_lemmas(self) -> bool:
        """Whether lemmas come from spaCy over whole texts (English with ``lemmas=True``)."""
        return self.language == "en" and self.options.lemmas_for("en")

    def prepare(self, text: str) -> str:
        """The text actor names are looked for in (same length: offsets index ``text``)."""
        return fold_lookalikes(text) if self.language == "ru" else text

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
def token_plan(options: TokenOptions, language: str = "en") -> TokenPlan:
    """The compiled :class:`TokenPlan` of ``options`` for documents tokenized as ``language``.

    Built once per options, language and process. ``options.language``, when set, wins.
    """
    language = options.language or language
    plan = TokenPlan(options, stopword_set(options, language), language)
    if language == "ru":
        plan.word_form = russian_word(options.lemmas_for("ru"))
    forms = actor_forms() if options.keep_actors else []
    if forms:  # one trie finds every hit; per-kind tries then give the longest form there
        plan.actor_scan = _compile_forms(forms)
        plan.actor_rxs = [
            _compile_forms(group)
            for group in ([f for f in forms if f[2]], [f for f in forms if not f[2]])
            if group
        ]
    for form, actor, is_cased in forms:
        if "*" in form:
            plan.wild.append((re.compile("".join(form_atoms(form, is_cased))), actor))
        elif is_cased:
            plan.cased.setdefault(form_key(form), actor)
        else:
            plan.folded.setdefault(form_key(form).casefold(), actor)
        plan.actor_ids[actor.lower() if options.lowercase else actor] = actor
    return plan


def _compile_forms(forms: list[tuple[str, str, bool]]) -> re.Pattern:
    return re.compile(trie_pattern(form_atoms(f, c) for f, _, c in forms) + r"(?![^\W\d_])")


def actor_hits(text: str, plan: TokenPlan) -> list[tuple[int, int, str]]:
    """(start, end, actor token) of actor forms, leftmost-longest, not overlapping.

    A hit glued to a preceding letter or digit ("MUN") is not a name.
    """
    out: list[tuple[int, int, str]] = []
    if plan.actor_scan is None:
        return out
    resume = 0
    text = plan.prepare(text)
    for m in plan.actor_scan.finditer(text):
        start = m.start()
        if start < resume or (start and text[start - 1].isalnum()):
            continue
        end = max(
            (found.end() for found in (rx.match(text, start) for rx in plan.actor_rxs) if found),
            default=m.end(),
        )
        token = plan.actor_token(text[start:end])
        if token is not None:
            out.append((start, end, token))
            resume = resume_after_actor(text, end)
    return out


_POSSESSIVE = re.compile(r"['’][sS](?![^\W_])")


def resume_after_actor(text: str, end: int) -> int:
    """Where words start again after an actor name: past a possessive ("NATO's")."""
    found = _POSSESSIVE.match(text, end)
    return found.end() if found else end
