"""Actors: the registry of organizations and the alias-aware mention layer.

The registry (``analysis/data/actors.yml``, extendable with a user's YAML file) lists every
actor with its id, display name, kind, parent and the forms of its name in English and the
region's languages. :func:`mentions` finds them in a corpus and returns one row a mention::

    from analysis import actors, load
    corpus = load("factbook")
    m = actors.mentions(corpus, ["CSTO", "NATO", "UN"])
    actors.mention_counts(m, corpus, by="region")
    actors.co_mentions(m, level="sentence")

How matching works
------------------
All forms are compiled into two trie-shaped regular expressions (case-sensitive aliases;
names that are case-insensitive after their capital first letter), run over each text once.
At one position the longest form wins ("UN Security Council" is one UN mention); overlapping
hits keep the leftmost-longest. A hit is dropped when a letter precedes it (except a
lower-case letter, as in scraped "theUN", or Arabic clitics), when it lies in a URL-like
token, or when it is an all-caps word of the document's language (``caps_words``).
Contextual forms ("Security Council", "CST") and, with ``anaphora=True``, anaphora
("the Alliance") are then resolved against the rest of the document; the rules are written
at the top of ``actors.yml``.

Sentences
---------
``sentence_id`` counts sentences from 0 within a document, split by a fast rule (a line
break, or ``. ! ?`` ... before a capital letter, not after "U.N." or "Mr."): see
:func:`sentence_starts` and :mod:`analysis.actors.rules`.

Modules
-------
One module per stage; everything public is re-exported here, so ``actors.mentions(...)``
is the way to call it.

=========================================  ==================================================
:mod:`~analysis.actors.registry`           :class:`Registry`, :func:`load_registry`,
                                           :class:`Actor`, :class:`RegistryError`
:mod:`~analysis.actors.matcher`            the compiled forms and where a hit may stand
:mod:`~analysis.actors.rules`              :func:`sentence_starts`, resolving the hits of
                                           one document
:mod:`~analysis.actors.mention_layer`      :func:`mentions`, :data:`MENTION_COLUMNS`
:mod:`~analysis.actors.summaries`          :func:`mention_counts`, :func:`mention_shares`,
                                           :func:`co_mentions`
=========================================  ==================================================
"""

from __future__ import annotations

from analysis.actors.mention_layer import MENTION_COLUMNS, mentions
from analysis.actors.registry import (
    KINDS,
    LIST_FIELDS,
    Actor,
    Contextual,
    Registry,
    RegistryError,
    load_registry,
)
from analysis.actors.rules import sentence_starts
from analysis.actors.summaries import co_mentions, mention_counts, mention_shares

__all__ = [
    "KINDS",
    "LIST_FIELDS",
    "MENTION_COLUMNS",
    "Actor",
    "Contextual",
    "Registry",
    "RegistryError",
    "co_mentions",
    "load_registry",
    "mention_counts",
    "mention_shares",
    "mentions",
    "sentence_starts",
]
