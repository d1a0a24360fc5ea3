"""Compiling the registry's forms into regular expressions, and where a hit may stand.

All forms are compiled into two trie-shaped regular expressions
(:func:`analysis.patterns.trie_pattern`): one for the case-sensitive aliases (and contextual
forms and anaphora), one for the names, which are case-insensitive after their capital
first letter. Each runs over a text once. At one position the longest form wins ("UN
Security Council" is one UN mention); overlapping hits keep the leftmost-longest.

A hit is dropped when a letter follows it, when a letter precedes it (except a lower-case
letter before a capital, as in scraped "theUN", or one or two Arabic clitics before an
Arabic form), or when the whitespace-delimited token around it looks like a URL or an
e-mail address. Which actor a surviving hit names is decided by
:mod:`analysis.actors.rules`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from analysis.patterns import form_atoms, form_key, trie_pattern

if TYPE_CHECKING:
    from analysis.actors.registry import ActorForm, Registry

_RIGHT_EDGE = r"(?![^\W\d_])"  # no letter right after a hit
_ARABIC_CLITICS = set("وفبكل")
_TLDS = (
    "com|org|net|int|gov|edu|info|biz|io|news|ru|su|kz|by|am|az|kg|tj|uz|ua|ge|md|sk|"
    "cz|pl|de|fr|es|uk|eu|ir|pk|cn|jp|ng|gh|tr|ch|nl|ro|hu|fi|se|dk|ca|au"
)
_URL_LIKE = re.compile(rf"(?i:://|^\W*www\.)|@[\w-]+\.|\.[a-z]{{2,}}/|[\w-]\.(?:{_TLDS})\b")


class ActorMatcher:
    """Compiled regexes and lookups for one registry (see the module docstring)."""

    def __init__(self, registry: Registry, *, anaphora: bool):
        self.registry = registry
        forms = list(registry.iter_forms(anaphora=anaphora))
        cased = [f for f in forms if f.type != "name"]
        names = [f for f in forms if f.type == "name"]
        self.regexes = [
            re.compile(f"(?:{trie_pattern(form_atoms(f.text, c) for f in group)})" + _RIGHT_EDGE)
            for group, c in ((cased, True), (names, False))
            if group
        ]
        self.lookup: dict[tuple[bool, str], list[ActorForm]] = {}
        self.wild: list[tuple[re.Pattern, ActorForm]] = []
        for f in forms:
            is_cased = f.type != "name"
            if "*" in f.text:
                self.wild.append((re.compile("".join(form_atoms(f.text, is_cased))), f))
            else:
                self.lookup.setdefault((is_cased, form_key(f.text, is_cased)), []).append(f)
        self.ancestors = {a.id: registry.ancestors(a.id) for a in registry}

    def forms_of(self, surface: str) -> list[ActorForm]:
        """The registry forms a matched surface came from (several only for anaphora)."""
        found = self.lookup.get((True, form_key(surface, True)))
        if found is None:
            found = self.lookup.get((False, form_key(surface, False)))
        if found is None:
            found = [f for rx, f in self.wild if rx.fullmatch(surface)]
        return found or []

    def hits(self, text: str) -> list[tuple[int, int]]:
        """Non-overlapping (start, end) spans of forms that pass the word-boundary checks."""
        spans = [(m.start(), m.end()) for rx in self.regexes for m in rx.finditer(text)]
        spans = [s for s in spans if _left_edge_ok(text, s[0]) and not _in_url(text, *s)]
        spans.sort(key=lambda s: (s[0], -s[1]))
        out: list[tuple[int, int]] = []
        for start, end in spans:
            if not out or start >= out[-1][1]:
                out.append((start, end))
        return out


def _left_edge_ok(text: str, start: int) -> bool:
    """No letter before a hit, except a lower-case one before a capital or Arabic clitics."""
    if start == 0 or not text[start - 1].isalpha():
        return True
    first, prev = text[start], text[start - 1]
    if prev.islower() and first.isupper():
        return True  # glued words: "theUN", "4thNATO"
    if "\u0600" <= first <= "\u06ff":
        i = start
        while i > 0 and text[i - 1].isalpha():
            i -= 1
        run = text[i:start]
        return len(run) <= 2 and set(run) <= _ARABIC_CLITICS
    return False


def _in_url(text: str, start: int, end: int) -> bool:
    """Whether the whitespace-delimited token around a hit looks like a URL or e-mail."""
    left = text.rfind(" ", max(0, start - 300), start)
    left = max(left, text.rfind("\n", max(0, start - 300), start)) + 1
    right = end
    while right < len(text) and right - end < 300 and not text[right].isspace():
        right += 1
    return bool(_URL_LIKE.search(text[left:right]))
