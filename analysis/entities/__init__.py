"""Named entities: spaCy NER with the actor registry as an entity ruler, countries as ISO3.

::

    from analysis import actors, entities, load
    corpus = load("factbook")
    ents = entities.entities(corpus)                    # one row an entity
    entities.entity_frequencies(ents, corpus, by="region", labels=["GPE"], top=10)
    entities.actor_cooccurrence(ents, actors.mentions(corpus), level="sentence")

The pipeline
------------
``spacy.load(settings.spacy_model)`` without what NER does not need (tagger, parser,
lemmatizer, attribute_ruler, senter, and a shared ``tok2vec`` that ``ner`` does not listen
to: in the ``en_core_web_*`` CNN pipelines ``ner`` embeds tokens itself), plus two
components before ``ner``:

``sentence_starts``
    marks the sentence starts of :func:`analysis.actors.sentence_starts` (the parser's job
    in the full pipeline), so no entity crosses a sentence or a line break and each
    entity has one ``sentence_id``, the one :func:`analysis.actors.mentions` reports.
``actor_ruler``
    an ``entity_ruler`` whose phrase patterns are the registry's names and aliases (see
    :func:`ruler_patterns`). Its spans are labelled ``ORG`` (:data:`ACTOR_LABEL`) with
    ``ent_id_`` = the actor id; the statistical ``ner`` keeps them and labels the text
    around them, so "the CSTO Nikolai Bordyuzha" is ORG CSTO + PERSON, not one ORG.

Actors are ``ORG`` + id rather than a label of their own because they are organizations
in the model's own scheme: ``label == "ORG"`` lists the CSTO beside every other
organization the model found, and a non-empty ``ent_id`` marks the registry's actors.

Countries
---------
``GPE``, ``LOC`` and ``NORP`` entities get an ISO 3166-1 alpha-3 code in ``ent_id`` when
their text (folded: case, accents, "the ", "'s") is, in this order, an entry of
:data:`COUNTRY_ALIASES` (forms pycountry does not know: "Russia", "Britain", "the U.S.",
"Turkey", "Kirghizia", "Soviet Union" -> ISO 3166-3 "SUN"...) or :data:`DEMONYMS`
("Russian(s)", for the project's region and the Security Council's permanent members
only), or a name, common name or official name in ``pycountry`` (also with its comma
inverted: "Korea, Republic of" -> "Republic of Korea"). Exact look-ups only, no fuzzy
matching; cities and regions ("Moscow", "Central Asia") keep ``ent_id == ""``.

Caching
-------
Results are cached per document, keyed by the hash of its text, inside a folder keyed by
the model (name, version, spaCy version), the ruler (the registry) and the mode: a
second run reads them back without loading spaCy, and a corpus that shares documents
with an earlier one parses only the new ones. Each run writes Parquet shards of at most
:data:`SHARD_DOCS` documents (an interrupted run keeps what it finished) through
:class:`analysis.cache.Cache` (atomic); more than :data:`MAX_SHARDS` are merged.
Country codes are looked up when results are returned, not cached.

Modules
-------
One module per stage; everything public is re-exported here, so ``entities.entities(...)``
and ``from analysis.entities import country_code`` are the way to call it.

=======================================  ==========================================================
:mod:`~analysis.entities.ner`            :func:`entities` (the entry point),
                                         :data:`ENTITY_COLUMNS`, :data:`MODES`
:mod:`~analysis.entities.countries`      :func:`country_code`, :data:`COUNTRY_ALIASES`,
                                         :data:`DEMONYMS`, :data:`COUNTRY_LABELS`
:mod:`~analysis.entities.ruler`          :func:`ruler_patterns`, :data:`ACTOR_LABEL`
:mod:`~analysis.entities.pipeline`       :func:`load_pipeline`, :data:`EXCLUDE`
:mod:`~analysis.entities.parse`          what is parsed, tasks, forked workers
                                         (:data:`TASK_CHARS`, :data:`MIN_PARALLEL_CHARS`)
:mod:`~analysis.entities.store`          the per-document Parquet cache (:data:`SHARD_DOCS`,
                                         :data:`MAX_SHARDS`)
:mod:`~analysis.entities.tables`         :func:`entity_frequencies`, :func:`actor_cooccurrence`,
                                         :data:`NAMED_LABELS`
=======================================  ==========================================================
"""

from __future__ import annotations

from analysis.entities.countries import COUNTRY_ALIASES, COUNTRY_LABELS, DEMONYMS, country_code
from analysis.entities.ner import AUTO_FULL_CHARS, ENTITY_COLUMNS, MODES, entities
from analysis.entities.parse import MIN_PARALLEL_CHARS, TASK_CHARS
from analysis.entities.pipeline import EXCLUDE, load_pipeline
from analysis.entities.ruler import ACTOR_LABEL, ruler_patterns
from analysis.entities.store import MAX_SHARDS, SHARD_DOCS
from analysis.entities.tables import NAMED_LABELS, actor_cooccurrence, entity_frequencies

__all__ = [
    "AUTO_FULL_CHARS",
    "ACTOR_LABEL",
    "COUNTRY_ALIASES",
    "COUNTRY_LABELS",
    "DEMONYMS",
    "ENTITY_COLUMNS",
    "EXCLUDE",
    "MAX_SHARDS",
    "MIN_PARALLEL_CHARS",
    "MODES",
    "NAMED_LABELS",
    "SHARD_DOCS",
    "TASK_CHARS",
    "actor_cooccurrence",
    "country_code",
    "entities",
    "entity_frequencies",
    "load_pipeline",
    "ruler_patterns",
]
