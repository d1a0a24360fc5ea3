"""The entry point :func:`entities`: named entities of every English or Russian document.

Method: documents without text or in a language without a model are skipped and reported;
English documents go to spaCy, Russian ones to slovnet (:mod:`~analysis.entities.russian`),
each language with its own cache folder. Documents are hashed
(:func:`analysis.dedupe.text_hash`) and looked up in the per-document cache
(:mod:`~analysis.entities.store`); the rest are parsed (:mod:`~analysis.entities.parse`).
Rows are then put in document and text order, actor ids become ``ent_id`` and country
names their ISO3 code (:func:`~analysis.entities.countries.country_code`, looked up when
results are returned, not cached).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from importlib.metadata import version
from typing import Any

import numpy as np
import pandas as pd

from analysis import dedupe
from analysis.actors import Registry, load_registry
from analysis.cache import make_key
from analysis.entities.countries import COUNTRY_LABELS, country_code
from analysis.entities.parse import parse_documents
from analysis.entities.pipeline import model_info
from analysis.entities.ruler import ACTOR_LABEL
from analysis.entities.russian import russian_country_code
from analysis.entities.store import EntityStore, concat_stored
from analysis.errors import OptionError
from analysis.inputs import text_table
from analysis.settings import Settings, get_settings
from analysis.tokens.languages import base_language

#: Columns of the table :func:`entities` returns.
ENTITY_COLUMNS = ["doc_id", "start", "end", "surface", "label", "ent_id", "sentence_id"]
MODES = ("full", "actor_sentences", "auto")
#: ``mode="auto"`` parses whole documents up to this many characters of English text (about
#: 1.5 million words: a few minutes on two cores), only actor sentences beyond.
AUTO_FULL_CHARS = 10_000_000


def entities(
    corpus: Any,
    *,
    labels: Sequence[str] | None = None,
    mode: str = "full",
    window: int = 0,
    n_process: int | None = None,
    batch_size: int = 32,
    cache: bool = True,
    progress: bool | None = None,
    registry: Registry | None = None,
    settings: Settings | None = None,
) -> pd.DataFrame:
    """Named entities of every English and Russian document, actors and countries normalized.

    English documents are parsed by spaCy (``settings.spacy_model``), Russian ones by
    slovnet's news NER (:mod:`analysis.entities.russian`: labels mapped to ``PERSON``,
    ``GPE``, ``ORG``; always whole documents, whatever ``mode``); other languages are
    skipped and reported in ``attrs["skipped"]``.

    Parameters
    ----------
    corpus : Corpus or DataFrame
        A corpus, or a table with ``doc_id``, ``text`` and optionally ``lang`` (without
        it, or where it is missing, a document counts as English).
    labels : list of str, optional
        Entity labels to return (default: all the model's; actors are ``"ORG"``).
    mode : {"full", "actor_sentences", "auto"}
        ``"full"`` parses whole documents. ``"actor_sentences"`` parses only the sentences
        naming a registry actor (found by :func:`analysis.actors.mentions`), plus
        ``window`` sentences either side: about a fifth of the UN General Debate Corpus.
        Offsets still refer to the full text. Near a cut, the model sees less context, so
        a few entities can differ from full mode's. ``"auto"``: ``"full"`` for at most
        :data:`AUTO_FULL_CHARS` characters of English text, ``"actor_sentences"`` beyond
        (``attrs["mode"]`` says which).
    window : int, default 0
        Sentences before and after each actor sentence also parsed (``actor_sentences``).
    n_process : int, optional
        Processes that parse (default: ``settings.workers``, or 1 for inputs under
        :data:`MIN_PARALLEL_CHARS` characters). On Linux they are forked workers that
        share the loaded model and return only entity spans; elsewhere spaCy's own
        ``nlp.pipe(n_process=...)``.
    batch_size : int, default 32
        Texts per ``nlp.pipe`` batch (a worker gets about :data:`TASK_CHARS` characters
        at a time).
    cache : bool, default True
        Read and write per-document results in the on-disk cache.
    progress : bool, optional
        Show a progress bar (default: for more than a million characters to parse).
    registry : Registry, optional
        Actors for the ruler and the sentence selection (default: the built-in registry).
    settings : Settings, optional
        Model (``spacy_model``), workers and cache folder.

    Returns
    -------
    pandas.DataFrame
        Columns ``doc_id, start, end, text, label, ent_id, sentence_id``, one row an
        entity in document and text order; ``text == doc_text[start:end]``. ``ent_id`` is
        the actor id (``ORG`` from the registry), an ISO3 code (``GPE``/``LOC``/``NORP``,
        see :func:`country_code`) or ``""``; ``sentence_id`` is the sentence of
        :func:`analysis.actors.sentence_starts`. ``attrs`` records ``skipped`` (documents
        not in English, without text, or that spaCy failed on: ``doc_id, lang, reason``),
        ``model``, ``mode``, ``window``, ``labels``, ``n_docs``, ``n_parsed`` (documents
        parsed now), ``n_cached`` (read from the cache), ``n_process`` and ``seconds``.

    Raises
    ------
    AnalysisError
        E008 if ``settings.spacy_model`` is not installed.

    Examples
    --------
    >>> ents = entities(load("factbook"))          # doctest: +SKIP
    >>> ents[ents.ent_id == "KAZ"].text.value_counts()  # doctest: +SKIP
    """
    began = time.perf_counter()
    if mode not in MODES:
        raise OptionError(f"mode must be one of {MODES}, not {mode!r}")
    if window < 0:
        raise OptionError(f"window must be 0 or more sentences, not {window!r}")
    settings = settings or get_settings()
    registry = registry or load_registry()
    model_id, known = model_info(settings.spacy_model)
    unknown = sorted(set(labels or ()) - set(known) - {ACTOR_LABEL})
    if unknown:
        raise OptionError(
            f"unknown entity label(s) {unknown}; {settings.spacy_model} labels: {', '.join(known)}"
        )
    docs, russian, skipped = _by_language(text_table(corpus))
    if mode == "auto":
        mode = "full" if docs["text"].str.len().sum() <= AUTO_FULL_CHARS else "actor_sentences"
    hashes = [dedupe.text_hash(t) for t in docs["text"]]
    config = make_key(
        "entities",
        model_id,
        version("spacy"),
        registry.key(),
        ACTOR_LABEL,
        mode,
        window if mode == "actor_sentences" else 0,
    )
    store = EntityStore(config, settings, cache)
    wanted = set(hashes)
    table, covered = store.load(wanted)
    todo = list({h: t for h, t in zip(hashes, docs["text"]) if h not in covered}.items())
    if todo:
        fresh, failed, n_process = parse_documents(
            todo,
            store,
            mode=mode,
            window=window,
            registry=registry,
            model=settings.spacy_model,
            n_process=n_process,
            batch_size=batch_size,
            progress=progress,
            settings=settings,
        )
        table = concat_stored([table, fresh])
        bad = {f["doc_hash"]: f["reason"] for f in failed}
        skipped += [
            {"doc_id": str(d), "lang": "en", "reason": bad[h]}
            for d, h in zip(docs["doc_id"], hashes)
            if h in bad
        ]
    out = _assemble(table, docs["doc_id"], hashes, labels)
    n_parsed = len(todo)
    if len(russian):
        ru, ru_skipped, ru_parsed = _russian_entities(russian, registry, settings, cache, labels)
        out, skipped = _in_order(out, ru, text_table(corpus)["doc_id"]), skipped + ru_skipped
        n_parsed += ru_parsed
    out.attrs.update(
        skipped=skipped,
        model=model_id,
        mode=mode,
        window=window,
        labels=list(labels) if labels else None,
        n_docs=len(docs) + len(russian),
        n_parsed=n_parsed,
        n_cached=len(docs) + len(russian) - n_parsed,
        languages={"en": len(docs), "ru": len(russian)},
        n_process=n_process if todo else 0,
        seconds=round(time.perf_counter() - began, 3),
    )
    return out


def _by_language(docs: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, list[dict]]:
    """English and Russian documents with text; the others as ``{"doc_id", "lang", "reason"}``.

    A missing ``lang`` (plain tables, lists of texts) counts as English.
    """
    lang = docs["lang"].map(lambda v: base_language(v) or "en")
    has_text = docs["text"].map(lambda t: isinstance(t, str) and bool(t.strip()))
    english, russian = has_text & lang.eq("en"), has_text & lang.eq("ru")
    keep = english | russian
    skipped = [
        {
            "doc_id": str(d),
            "lang": None if not isinstance(lg, str) else lg,
            "reason": "no text"
            if not t
            else f"language {lg!r} has no entity model (English and Russian have)",
        }
        for d, lg, t in zip(docs["doc_id"][~keep], docs["lang"][~keep], has_text[~keep])
    ]
    return (
        docs[english.to_numpy()].reset_index(drop=True),
        docs[russian.to_numpy()].reset_index(drop=True),
        skipped,
    )


def _russian_entities(
    docs: pd.DataFrame,
    registry: Registry,
    settings: Settings,
    cache: bool,
    labels: Sequence[str] | None,
) -> tuple[pd.DataFrame, list[dict], int]:
    """Entities of the Russian documents (slovnet), cached per document like the English."""
    from analysis.entities import russian
    from analysis.entities.store import ShardWriter
    from analysis.parallel import progress_bar

    hashes = [dedupe.text_hash(t) for t in docs["text"]]
    store = EntityStore(
        make_key("entities-ru", russian.model_id(), registry.key()), settings, cache
    )
    table, covered = store.load(set(hashes))
    todo = list({h: t for h, t in zip(hashes, docs["text"]) if h not in covered}.items())
    skipped: list[dict] = []
    if todo:
        bar = progress_bar(total=len(todo), disable=True)
        writer = ShardWriter(todo, store, {}, keep_starts=False, bar=bar)
        for i, offset, found in russian.tag_texts(todo, registry):
            writer.add(i, offset, found)
        writer.finish(len(todo))
        store.compact()
        table = concat_stored([table, *writer.done])
        bad = {f["doc_hash"]: f["reason"] for f in writer.failed}
        skipped = [
            {"doc_id": str(d), "lang": "ru", "reason": bad[h]}
            for d, h in zip(docs["doc_id"], hashes)
            if h in bad
        ]
    return _assemble(table, docs["doc_id"], hashes, labels, "ru"), skipped, len(todo)


def _in_order(english: pd.DataFrame, russian: pd.DataFrame, doc_ids: Iterable) -> pd.DataFrame:
    """Both tables as one, in the corpus' document order and text order."""
    order = {str(d): i for i, d in enumerate(doc_ids)}
    both = pd.concat([english, russian], ignore_index=True)
    key = both["doc_id"].astype(str).map(order)
    both = both.assign(_o=key).sort_values(["_o", "start", "end"], kind="stable")
    return both.drop(columns="_o").reset_index(drop=True)[ENTITY_COLUMNS]


def _assemble(
    table: pd.DataFrame,
    doc_ids: Iterable,
    hashes: list[str],
    labels: Sequence[str] | None,
    language: str = "en",
) -> pd.DataFrame:
    index = pd.DataFrame(
        {
            "doc_id": pd.Series(list(doc_ids), dtype="string"),
            "doc_hash": pd.Series(hashes, dtype="string"),
            "_order": np.arange(len(hashes)),
        }
    )
    if labels:
        table = table[table["label"].isin(list(labels))]
    out = index.merge(table, on="doc_hash", how="inner")
    out = out.sort_values(["_order", "start", "end"], kind="stable").reset_index(drop=True)
    ent_id = np.array(out["actor"].fillna("").tolist(), dtype=object)
    is_country = out["label"].isin(COUNTRY_LABELS).to_numpy()
    if is_country.any():
        code = country_code if language == "en" else russian_country_code
        ent_id[is_country] = out.loc[is_country, "surface"].map(code).to_numpy()
    out["ent_id"] = pd.Series(ent_id, dtype="string")
    return out[ENTITY_COLUMNS]
