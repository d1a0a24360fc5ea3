"""The actor ruler: the registry's names and aliases as patterns for spaCy's ``entity_ruler``.

Registry actors become ``ORG`` entities (:data:`ACTOR_LABEL`) whose ``ent_id`` is the actor
id. Aliases are patterns as written (case-sensitive); names are expanded into the forms a
text writes them in (see :func:`ruler_patterns`). ``Registry.key()`` hashes what the
ruler and the sentence selection read from a registry (part of the cache key).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import product

from analysis.actors import Registry, load_registry

#: The label the ruler gives registry actors (their id goes to ``ent_id``).
ACTOR_LABEL = "ORG"


def ruler_patterns(registry: Registry | None = None) -> list[dict]:
    """Phrase patterns of the registry's names and aliases for spaCy's ``entity_ruler``.

    Aliases are case-sensitive, as the registry says: each is one pattern as written.
    Names are matched by the registry ignoring case after the first letter; phrase
    patterns match exact tokens, so each name becomes the forms a text writes it in: as
    written, In Title Case, IN CAPITALS, and Capitalised first word only. In both, a
    hyphen also stands for a space or nothing ("Co-operation", "Co operation",
    "Cooperation"), an apostrophe for a curly one, and a final ``*`` of a word in a
    Latin-script form for "" or "s" ("Forces"); forms with ``*`` in other scripts
    (declined Russian) are left out, as the model is English. Contextual forms and
    anaphora ("Security Council", "the Alliance") need the context rules of
    :func:`analysis.actors.mentions` and are not patterns.

    Returns
    -------
    list of dict
        ``{"label": "ORG", "pattern": <text>, "id": <actor id>}``, each text once (the
        first actor claiming it keeps it: aliases before names).
    """
    registry = registry or load_registry()
    out: list[dict] = []
    seen: set[str] = set()
    for kind in ("aliases", "names"):
        for actor in registry:
            for form in getattr(actor, kind):
                for text in _variants(form, cased=kind == "aliases"):
                    if text not in seen:
                        seen.add(text)
                        out.append({"label": ACTOR_LABEL, "pattern": text, "id": actor.id})
    return out


def _variants(form: str, *, cased: bool) -> list[str]:
    """The spellings of one registry form (see :func:`ruler_patterns`)."""
    if "*" in form and not form.isascii():
        return []
    forms = [form] if cased else [form, _title(form), form.upper(), form[:1] + form[1:].lower()]
    out: list[str] = []
    for f in forms:
        for g in _expand(f, "*", ("", "s")):
            for h in _expand(g, "-", ("-", " ", "")):
                out.extend(_expand(h, "'", ("'", "\u2019")))
    return list(dict.fromkeys(out))


def _title(form: str) -> str:
    return re.sub(r"(^|[\s-])(\w)", lambda m: m.group(1) + m.group(2).upper(), form)


def _expand(text: str, char: str, options: Sequence[str], limit: int = 3) -> list[str]:
    """Every way of writing ``char`` as one of ``options`` (at most ``limit`` occurrences)."""
    parts = text.split(char)
    if len(parts) == 1 or len(parts) > limit + 1:
        return [text]
    return [
        "".join(p + s for p, s in zip(parts, (*choice, "")))
        for choice in product(options, repeat=len(parts) - 1)
    ]
