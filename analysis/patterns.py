"""Regular expressions for the many written forms of an actor's names.

One place turns a registry form ("North Atlantic Treaty Organization", "UN", "Secur*")
into regex atoms and many forms into one trie-factored pattern, so the mention layer
(:mod:`analysis.actors`) and the tokenizer (:mod:`analysis.tokens`) match names alike.

Rules: a space or hyphen in a form matches any run of spaces, hyphens and zero-width
non-joiners (or none); ``*`` matches any word ending; a straight or curly apostrophe
matches either; case-insensitive forms keep their first character as written and match
the rest in any case.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: A space or hyphen in a form: any run of separators, or none ("UN-CSTO", "NorthAtlantic").
SEP = r"[\s\u200c\-\u2010\u2011\u2012\u2013]*"
#: ``*`` at the end of a form: any word ending.
TAIL = r"[^\W\d_]*"
#: An apostrophe, straight or curly.
APOS = "['\u2019]"
_SEPARATORS = " -\u2010\u2011\u2012\u2013"
_SEP_RUN = re.compile(r"[\s\u200c\-\u2010\u2011\u2012\u2013]+")


def form_key(text: str, cased: bool = True) -> str:
    """Lookup key of a form or a matched surface: separators removed, case folded for names."""
    key = _SEP_RUN.sub("", text).replace("\u2019", "'")
    return key if cased else key.casefold()


def form_atoms(text: str, cased: bool) -> tuple[str, ...]:
    """Regex atoms of a form: one a character, separators and ``*`` made flexible."""
    out: list[str] = []
    for i, ch in enumerate(text):
        if ch in _SEPARATORS:
            if not out or out[-1] != SEP:
                out.append(SEP)
        elif ch == "*":
            out.append(TAIL)
        elif ch in "'\u2019":
            out.append(APOS)
        elif (
            cased
            or i == 0
            or len(ch.lower()) != 1
            or len(ch.upper()) != 1
            or ch.lower() == ch.upper()
        ):
            out.append(re.escape(ch))
        else:
            out.append(f"[{re.escape(ch.lower())}{re.escape(ch.upper())}]")
    return tuple(out)


def trie_pattern(sequences: Iterable[tuple[str, ...]]) -> str:
    """One regex for many atom sequences, factored as a trie (longest match first).

    At each branch literal atoms are tried before the flexible ones (:data:`SEP`,
    :data:`TAIL`), which can also match nothing.
    """
    root: dict = {}
    for seq in sequences:
        node = root
        for atom in seq:
            node = node.setdefault(atom, {})
        node[None] = {}
    return _emit(root)


def _emit(node: dict) -> str:
    kids = sorted((a for a in node if a is not None), key=lambda a: (a in (SEP, TAIL), a))
    if not kids:
        return ""
    alts = [atom + _emit(node[atom]) for atom in kids]
    body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
    return f"(?:{body})?" if None in node else body
