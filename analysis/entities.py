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
"""

from __future__ import annotations

import importlib.util
import json
import multiprocessing as mp
import re
import shutil
import sys
import time
import unicodedata
import warnings
from bisect import bisect_right
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache
from importlib.metadata import version
from itertools import islice, product
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

import numpy as np
import pandas as pd

from analysis import dedupe
from analysis.actors import Registry, _as_docs, load_registry, mentions, sentence_starts
from analysis.cache import Cache, make_key
from analysis.errors import AnalysisError, E
from analysis.settings import Settings, get_settings

#: The label the ruler gives registry actors (their id goes to ``ent_id``).
ACTOR_LABEL = "ORG"
#: Labels whose entities are looked up as countries.
COUNTRY_LABELS = ("GPE", "LOC", "NORP")
#: Labels of names (not numbers, dates or amounts): the default of :func:`actor_cooccurrence`.
NAMED_LABELS = ("PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT",
                "WORK_OF_ART", "LAW", "LANGUAGE")
#: Columns of the table :func:`entities` returns.
ENTITY_COLUMNS = ["doc_id", "start", "end", "text", "label", "ent_id", "sentence_id"]
MODES = ("full", "actor_sentences")
#: Components NER does not need; never loaded.
EXCLUDE = ("tagger", "parser", "attribute_ruler", "lemmatizer", "trainable_lemmatizer",
           "senter", "morphologizer", "textcat", "textcat_multilabel", "spancat",
           "entity_linker")
#: Documents per cache shard.
SHARD_DOCS = 1000
#: More shards than this in one cache folder are merged into one.
MAX_SHARDS = 16
#: Characters of text a worker process gets at a time (a few documents or many sentences).
TASK_CHARS = 40_000
#: With ``n_process=None``, inputs shorter than this (characters) are parsed in-process.
MIN_PARALLEL_CHARS = 200_000

#: Forms pycountry does not resolve (checked against pycountry 26), folded on look-up.
COUNTRY_ALIASES = {
    # short forms, abbreviations and codes used as names in running text
    "Russia": "RUS", "US": "USA", "U.S.": "USA", "USA": "USA", "U.S.A.": "USA",
    "America": "USA", "UK": "GBR", "U.K.": "GBR", "Britain": "GBR", "Great Britain": "GBR",
    "Turkey": "TUR", "Turkiye": "TUR", "UAE": "ARE", "DRC": "COD", "DPRK": "PRK",
    "ROK": "KOR", "PRC": "CHN", "Holland": "NLD", "Vatican": "VAT", "Brunei": "BRN",
    "Ivory Coast": "CIV", "Cape Verde": "CPV",
    "Kosovo": "XKX",            # not in ISO 3166; the code the factbook, EU and IMF use
    # former names of countries that continue: today's code
    "Kirghizia": "KGZ", "Kirgizia": "KGZ", "Byelorussia": "BLR", "Belorussia": "BLR",
    "Moldavia": "MDA", "Burma": "MMR", "Zaire": "COD", "Swaziland": "SWZ",
    "Macedonia": "MKD", "East Timor": "TLS", "Upper Volta": "BFA", "Dahomey": "BEN",
    # dissolved states: their ISO 3166-3 codes
    "Soviet Union": "SUN", "USSR": "SUN", "Union of Soviet Socialist Republics": "SUN",
    "Yugoslavia": "YUG", "Czechoslovakia": "CSK", "East Germany": "DDR",
    "German Democratic Republic": "DDR", "Serbia and Montenegro": "SCG",
    "West Germany": "DEU",
}
#: Demonyms (singular; a plural "s" is accepted) of the CSTO/post-Soviet region, its
#: neighbours and the permanent members of the Security Council. Others keep ``ent_id == ""``.
DEMONYMS = {
    "Russian": "RUS", "Armenian": "ARM", "Belarusian": "BLR", "Belarussian": "BLR",
    "Kazakh": "KAZ", "Kazakhstani": "KAZ", "Kyrgyz": "KGZ", "Tajik": "TJK",
    "Uzbek": "UZB", "Turkmen": "TKM", "Azerbaijani": "AZE", "Georgian": "GEO",
    "Ukrainian": "UKR", "Moldovan": "MDA", "Afghan": "AFG", "Iranian": "IRN",
    "Turkish": "TUR", "Chinese": "CHN", "American": "USA", "British": "GBR",
    "French": "FRA", "Soviet": "SUN",
}

_THE = re.compile(r"^the\s+")
_POSSESSIVE = re.compile(r"'s?$")


# -- countries ----------------------------------------------------------------------------
def _fold(name: str) -> str:
    """Look-up key: accents dropped, case folded, spacing collapsed, no "the", no "'s"."""
    name = unicodedata.normalize("NFKD", name.replace("\u2019", "'"))
    name = " ".join("".join(c for c in name if not unicodedata.combining(c)).split())
    return _POSSESSIVE.sub("", _THE.sub("", name.casefold())).strip(" .,;:")


@lru_cache(maxsize=1)
def _country_index() -> dict[str, str]:
    """Folded name -> alpha-3, from pycountry's names plus the two tables above."""
    import pycountry

    index: dict[str, str] = {}
    derived: dict[str, set[str]] = {}
    for country in pycountry.countries:
        for field in ("name", "common_name", "official_name"):
            value = getattr(country, field, None)
            if not value:
                continue
            index.setdefault(_fold(value), country.alpha_3)
            base = value.split(" (")[0]                       # "Holy See (Vatican City State)"
            head, _, tail = base.partition(", ")              # "Korea, Republic of"
            for form in (base, head, f"{tail} {head}" if tail else ""):
                if form:
                    derived.setdefault(_fold(form), set()).add(country.alpha_3)
    for key, codes in derived.items():                       # "Korea" is KOR and PRK: left out
        if len(codes) == 1 and key not in index:
            index[key] = next(iter(codes))
    index.update({_fold(k): v for k, v in COUNTRY_ALIASES.items()})
    return index


@lru_cache(maxsize=65536)
def country_code(name: str) -> str:
    """ISO 3166-1 alpha-3 of a country's name or demonym, or ``""``.

    Examples
    --------
    >>> country_code("the Russian Federation"), country_code("Kyrgyzstan's")
    ('RUS', 'KGZ')
    >>> country_code("Russians"), country_code("Moscow")
    ('RUS', '')
    """
    key = _fold(name)
    code = _country_index().get(key)
    if code is None:
        demonyms = _demonym_index()
        code = demonyms.get(key) or (demonyms.get(key[:-1], "") if key.endswith("s") else "")
    return code


@lru_cache(maxsize=1)
def _demonym_index() -> dict[str, str]:
    return {_fold(k): v for k, v in DEMONYMS.items()}


# -- the ruler ----------------------------------------------------------------------------
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
    forms = [form] if cased else [form, _title(form), form.upper(),
                                  form[:1] + form[1:].lower()]
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
    return ["".join(p + s for p, s in zip(parts, (*choice, ""))) for choice in
            product(options, repeat=len(parts) - 1)]


def _registry_key(registry: Registry) -> str:
    """Hash of what the ruler and the sentence selection read from a registry."""
    forms = registry.forms().to_dict(orient="split")["data"]
    parents = [(a.id, a.parent) for a in registry]
    return make_key("registry", forms, parents, registry.caps_words)


# -- the pipeline -------------------------------------------------------------------------
def _set_sentence_starts(doc):
    """spaCy component: mark the sentence starts of :func:`analysis.actors.sentence_starts`."""
    from spacy.attrs import IDX

    starts = sentence_starts(doc.text)
    if len(starts) > 1 and len(doc):
        idx = doc.to_array(IDX)
        for i in np.searchsorted(idx, starts[1:]):
            if i < len(doc):
                doc[int(i)].is_sent_start = True
    return doc


_SENTENCE_FACTORY = "analysis_sentence_starts"


def _register_component() -> None:
    from spacy.language import Language

    if not Language.has_factory(_SENTENCE_FACTORY):
        Language.component(_SENTENCE_FACTORY, func=_set_sentence_starts)


@lru_cache(maxsize=4)
def _model_info(model: str) -> tuple[str, tuple[str, ...]]:
    """``(lang_name-version, NER labels)`` of an installed pipeline, from its ``meta.json``.

    Read without importing spaCy or the model, so that a fully cached run stays fast.
    """
    meta_path = Path(model).expanduser() / "meta.json"
    if not meta_path.is_file():
        try:
            spec = importlib.util.find_spec(model)
        except (ImportError, ValueError):
            spec = None
        folders = list(spec.submodule_search_locations or []) if spec else []
        meta_path = Path(folders[0]) / "meta.json" if folders else meta_path
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise AnalysisError(E.E008, model=model) from err
    labels = tuple(meta.get("labels", {}).get("ner", ()))
    return f"{meta.get('lang')}_{meta.get('name')}-{meta.get('version')}", labels


_PIPELINES: dict[tuple[str, str], Any] = {}


def load_pipeline(model: str | None = None, *, registry: Registry | None = None):
    """The NER pipeline :func:`entities` runs (loaded once per model and registry).

    Parameters
    ----------
    model : str, optional
        An installed spaCy pipeline (default: ``settings.spacy_model``).
    registry : Registry, optional
        Default: :func:`analysis.actors.load_registry()`.

    Returns
    -------
    spacy.language.Language
        Components ``sentence_starts``, ``actor_ruler`` and ``ner`` (and an embedding
        component only if ``ner`` listens to it).

    Raises
    ------
    AnalysisError
        E008 if the model is not installed.
    """
    import spacy

    model = model or get_settings().spacy_model
    registry = registry or load_registry()
    key = (model, _registry_key(registry))
    if key not in _PIPELINES:
        _model_info(model)                                   # E008 before spaCy's OSError
        try:
            nlp = spacy.load(model, exclude=list(EXCLUDE))
        except OSError as err:
            raise AnalysisError(E.E008, model=model) from err
        for name in ("tok2vec", "transformer"):
            if name in nlp.pipe_names and "ner" not in getattr(
                    nlp.get_pipe(name), "listening_components", ["ner"]):
                nlp.remove_pipe(name)
        _register_component()
        nlp.add_pipe(_SENTENCE_FACTORY, name="sentence_starts", first=True)
        ruler = nlp.add_pipe("entity_ruler", name="actor_ruler", before="ner",
                             config={"overwrite_ents": False, "validate": False})
        ruler.add_patterns(ruler_patterns(registry))
        _PIPELINES.clear()                                   # one pipeline in memory
        _PIPELINES[key] = nlp
    return _PIPELINES[key]


# -- the per-document store ---------------------------------------------------------------
_STORED = {"doc_hash": "string", "start": "int64", "end": "int64", "text": "string",
           "label": "string", "actor": "string", "sentence_id": "int64"}


def _empty_store_frame() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in _STORED.items()})


class _Store:
    """Per-document results of one configuration: Parquet shards keyed by document hash."""

    def __init__(self, config: str, settings: Settings, enabled: bool):
        self.cache = Cache(f"entities/{config}", settings)
        self.enabled = enabled and self.cache.enabled

    def keys(self) -> list[str]:
        root = self.cache.root
        if not self.enabled or not root.is_dir():
            return []
        return sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))

    def load(self, wanted: set[str]) -> tuple[pd.DataFrame, set[str]]:
        """Stored rows of the ``wanted`` documents, and which of them were stored."""
        frames, covered = [], set()
        for key in self.keys():
            hit = self.cache.get(key)
            if hit is None or not {"docs", "entities"} <= set(hit[0]):
                continue
            got = (set(hit[0]["docs"]["doc_hash"]) & wanted) - covered
            if got:
                ents = hit[0]["entities"]
                frames.append(ents[ents["doc_hash"].isin(got)])
                covered |= got
            if covered == wanted:
                break
        return _concat(frames), covered

    def put(self, rows: pd.DataFrame, hashes: list[str]) -> None:
        if self.enabled and hashes:
            self.cache.put(make_key("shard", sorted(hashes)),
                           {"docs": pd.DataFrame({"doc_hash": hashes}), "entities": rows})

    def compact(self) -> None:
        """Merge the shards into one when there are more than :data:`MAX_SHARDS`."""
        keys = self.keys()
        if len(keys) <= MAX_SHARDS:
            return
        docs, ents = [], []
        for key in keys:
            hit = self.cache.get(key)
            if hit is not None:
                docs.extend(hit[0]["docs"]["doc_hash"])
                ents.append(hit[0]["entities"])
        hashes = list(dict.fromkeys(docs))
        rows = _concat(ents).drop_duplicates()
        self.put(rows, hashes)
        merged = make_key("shard", sorted(hashes))
        for key in keys:
            if key != merged:
                shutil.rmtree(self.cache.root / key, ignore_errors=True)


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    if not frames:
        return _empty_store_frame()
    return pd.concat(frames, ignore_index=True).astype(_STORED)


# -- parsing ------------------------------------------------------------------------------
_Job = tuple[str, tuple[int, int]]     # (text, (document index, offset of the text))


def _jobs(todo: list[tuple[str, str]], mode: str, window: int, registry: Registry,
          progress: bool) -> tuple[list[tuple[str, tuple[int, int]]], dict[int, list[int]]]:
    """Texts to parse as ``(text, (doc index, offset))``, and the sentence starts found."""
    if mode == "full":
        return [(text, (i, 0)) for i, (_, text) in enumerate(todo)], {}
    frame = pd.DataFrame({"doc_id": [str(i) for i in range(len(todo))],   # object dtype:
                          "text": pd.Series([t for _, t in todo], dtype=object),  # no copy
                          "lang": "en"})
    found = mentions(frame, registry=registry, progress=progress)
    by_doc = found.groupby("doc_id", sort=False)["sentence_id"].unique()
    jobs, starts_of = [], {}
    for doc_id, sids in by_doc.items():
        i = int(doc_id)
        text = todo[i][1]
        starts = starts_of[i] = sentence_starts(text)
        bounds = [*starts, len(text)]
        keep = sorted({j for s in sids for j in range(s - window, s + window + 1)
                       if 0 <= j < len(starts)})
        runs: list[list[int]] = []
        for j in keep:
            if runs and j == runs[-1][1] + 1:
                runs[-1][1] = j
            else:
                runs.append([j, j])
        jobs.extend((text[bounds[a]:bounds[b + 1]], (i, bounds[a])) for a, b in runs)
    jobs.sort(key=lambda job: job[1])
    return jobs, starts_of


def _run(todo: list[tuple[str, str]], store: _Store, *, mode: str, window: int,
         registry: Registry, model: str, n_process: int | None, batch_size: int,
         progress: bool | None, settings: Settings) -> tuple[pd.DataFrame, list[dict], int]:
    """Parse the documents ``todo`` (``(hash, text)``) and store their rows.

    Returns the rows, the documents spaCy failed on (``doc_hash, reason``; not stored)
    and the number of processes used.
    """
    from tqdm.auto import tqdm

    total_chars = sum(len(t) for _, t in todo)
    show = progress if progress is not None else total_chars > 1_000_000
    jobs, starts_of = _jobs(todo, mode, window, registry, show)
    if n_process is None:
        n_process = settings.workers if total_chars >= MIN_PARALLEL_CHARS else 1
    tasks = _tasks(jobs, TASK_CHARS)
    n_process = max(1, min(n_process, len(tasks)))
    nlp = load_pipeline(model, registry=registry) if jobs else None
    if nlp is not None:
        nlp.max_length = max(nlp.max_length, max(len(t) for t, _ in jobs) + 1)
    bar = tqdm(total=len(todo), desc="entities", unit="doc", disable=not show, leave=False)
    writer = _Writer(todo, store, starts_of, keep_starts=mode != "full", bar=bar)
    try:
        for i, offset, found in _pipe(nlp, tasks, n_process, batch_size):
            writer.add(i, offset, found)
        writer.finish(len(todo))
    finally:
        bar.close()
    store.compact()
    return _concat(writer.done), writer.failed, n_process


class _Writer:
    """Collects parsed rows in document order and writes a shard every SHARD_DOCS documents."""

    def __init__(self, todo: list[tuple[str, str]], store: _Store,
                 starts_of: dict[int, list[int]], *, keep_starts: bool, bar):
        self.todo, self.store, self.starts_of = todo, store, starts_of
        self.keep_starts, self.bar = keep_starts, bar
        self.rows: dict[str, list] = {c: [] for c in _STORED}
        self.hashes: list[str] = []
        self.finished = 0
        self.done: list[pd.DataFrame] = []
        self.failed: list[dict] = []
        self._bad: set[int] = set()

    def add(self, i: int, offset: int, found: list[tuple] | str) -> None:
        """Rows of one parsed text of document ``i`` (or the error spaCy raised on it)."""
        self.finish(i)
        doc_hash, text = self.todo[i]
        if isinstance(found, str):
            if i not in self._bad:
                self._bad.add(i)
                self.failed.append({"doc_hash": doc_hash, "reason": f"spaCy failed: {found}"})
            return
        starts = self.starts_of.get(i)
        if starts is None and found:
            starts = self.starts_of[i] = sentence_starts(text)
        rows = self.rows
        for start, end, label, ent_id in found:
            start, end = _trimmed(text, start + offset, end + offset)
            if start < end:
                rows["doc_hash"].append(doc_hash)
                rows["start"].append(start)
                rows["end"].append(end)
                rows["text"].append(text[start:end])
                rows["label"].append(label)
                rows["actor"].append(ent_id)
                rows["sentence_id"].append(bisect_right(starts, start) - 1)

    def finish(self, upto: int) -> None:
        """Documents before ``upto`` are complete: count them, write a shard when due."""
        while self.finished < upto:
            i = self.finished
            if i not in self._bad:
                self.hashes.append(self.todo[i][0])
            if not self.keep_starts:
                self.starts_of.pop(i, None)
            self.finished += 1
            self.bar.update(1)
        if len(self.hashes) >= SHARD_DOCS or (upto == len(self.todo) and self.hashes):
            frame = pd.DataFrame(self.rows).astype(_STORED)
            if self._bad:
                frame = frame[frame["doc_hash"].isin(set(self.hashes))]
            self.store.put(frame, self.hashes)
            self.done.append(frame)
            self.rows, self.hashes = {c: [] for c in _STORED}, []


#: The pipeline forked workers use (set in the parent just before they fork).
_WORKER_NLP: Any = None


def _tasks(jobs: list[_Job], size: int) -> list[list[_Job]]:
    """Consecutive jobs of about ``size`` characters: many short sentences or a few documents."""
    tasks: list[list[_Job]] = []
    chars = size
    for job in jobs:
        if chars >= size:
            tasks.append([])
            chars = 0
        tasks[-1].append(job)
        chars += len(job[0])
    return tasks


def _pipe(nlp, tasks: list[list[_Job]], n_process: int,
          batch_size: int) -> Iterator[tuple[int, int, list[tuple] | str]]:
    """``(doc index, offset, entities or error)`` for every job, in order.

    With several processes on Linux, forked workers (which share the loaded pipeline)
    each run ``nlp.pipe`` on a task and send back only ``(start, end, label, id)``
    tuples: cheaper than ``nlp.pipe(n_process=...)``, which pickles whole ``Doc`` objects
    for the parent to rebuild. Elsewhere spaCy's own ``n_process`` is used.
    """
    if n_process <= 1:
        for task in tasks:
            yield from _parse_task(nlp, task, batch_size)
        return
    if sys.platform != "linux" or "fork" not in mp.get_all_start_methods():
        jobs = [job for task in tasks for job in task]
        for doc, (i, offset) in nlp.pipe(jobs, as_tuples=True, n_process=n_process,
                                         batch_size=batch_size):
            yield i, offset, _ents(doc)
        return
    global _WORKER_NLP
    _WORKER_NLP = nlp
    pool = ProcessPoolExecutor(max_workers=n_process, mp_context=mp.get_context("fork"))
    queue = iter(tasks)
    try:
        pending = deque(_submit(pool, t, batch_size) for t in islice(queue, 3 * n_process))
        while pending:
            result = pending.popleft().result()
            nxt = next(queue, None)
            if nxt is not None:
                pending.append(_submit(pool, nxt, batch_size))
            yield from result
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        _WORKER_NLP = None


def _submit(pool: ProcessPoolExecutor, task: list[_Job], batch_size: int):
    with warnings.catch_warnings():
        # Python >= 3.12 warns on fork() beside threads; the workers only run spaCy.
        warnings.filterwarnings("ignore", message=".*fork.*", category=DeprecationWarning)
        return pool.submit(_worker_task, task, batch_size)


def _worker_task(task: list[_Job], batch_size: int) -> list[tuple[int, int, list[tuple] | str]]:
    return list(_parse_task(_WORKER_NLP, task, batch_size))


def _parse_task(nlp, task: list[_Job],
                batch_size: int) -> Iterator[tuple[int, int, list[tuple] | str]]:
    """Parse a task; if spaCy fails on it, parse its texts one by one to find the bad one."""
    try:
        docs = list(nlp.pipe(task, as_tuples=True, batch_size=batch_size))
    except Exception:  # noqa: BLE001 - a bad document is reported, never kills the run
        for text, (i, offset) in task:
            try:
                yield i, offset, _ents(nlp(text))
            except Exception as err:  # noqa: BLE001
                yield i, offset, f"{type(err).__name__}: {err}"[:300]
        return
    for doc, (i, offset) in docs:
        yield i, offset, _ents(doc)


def _ents(doc) -> list[tuple[int, int, str, str]]:
    return [(e.start_char, e.end_char, e.label_, e.ent_id_) for e in doc.ents]


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without surrounding whitespace (spaCy may end an entity on a line break)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


# -- the public API -----------------------------------------------------------------------
def entities(corpus: Any, *, labels: Sequence[str] | None = None, mode: str = "full",
             window: int = 0, n_process: int | None = None, batch_size: int = 32,
             cache: bool = True, progress: bool | None = None,
             registry: Registry | None = None, settings: Settings | None = None
             ) -> pd.DataFrame:
    """Named entities of every English document, actors and countries normalized.

    Parameters
    ----------
    corpus : Corpus or DataFrame
        A corpus, or a table with ``doc_id``, ``text`` and optionally ``lang`` (without
        it, or where it is missing, a document counts as English).
    labels : list of str, optional
        Entity labels to return (default: all the model's; actors are ``"ORG"``).
    mode : {"full", "actor_sentences"}
        ``"full"`` parses whole documents. ``"actor_sentences"`` parses only the sentences
        naming a registry actor (found by :func:`analysis.actors.mentions`), plus
        ``window`` sentences either side: about a fifth of the UN General Debate Corpus.
        Offsets still refer to the full text. Near a cut, the model sees less context, so
        a few entities can differ from full mode's.
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
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    if window < 0:
        raise ValueError(f"window must be 0 or more sentences, not {window!r}")
    settings = settings or get_settings()
    registry = registry or load_registry()
    model_id, known = _model_info(settings.spacy_model)
    unknown = sorted(set(labels or ()) - set(known) - {ACTOR_LABEL})
    if unknown:
        raise ValueError(f"unknown entity label(s) {unknown}; {settings.spacy_model} labels: "
                         f"{', '.join(known)}")
    docs, skipped = _english(_as_docs(corpus))
    hashes = [dedupe.text_hash(t) for t in docs["text"]]
    config = make_key("entities", model_id, version("spacy"), _registry_key(registry),
                      ACTOR_LABEL, mode, window if mode == "actor_sentences" else 0)
    store = _Store(config, settings, cache)
    wanted = set(hashes)
    table, covered = store.load(wanted)
    todo = list({h: t for h, t in zip(hashes, docs["text"]) if h not in covered}.items())
    if todo:
        fresh, failed, n_process = _run(
            todo, store, mode=mode, window=window, registry=registry,
            model=settings.spacy_model, n_process=n_process, batch_size=batch_size,
            progress=progress, settings=settings)
        table = _concat([table, fresh])
        bad = {f["doc_hash"]: f["reason"] for f in failed}
        skipped += [{"doc_id": str(d), "lang": "en", "reason": bad[h]}
                    for d, h in zip(docs["doc_id"], hashes) if h in bad]
    out = _assemble(table, docs["doc_id"], hashes, labels)
    out.attrs.update(skipped=skipped, model=model_id, mode=mode, window=window,
                     labels=list(labels) if labels else None, n_docs=len(docs),
                     n_parsed=len(todo), n_cached=len(wanted) - len(todo),
                     n_process=n_process if todo else 0,
                     seconds=round(time.perf_counter() - began, 3))
    return out


def _english(docs: pd.DataFrame) -> tuple[pd.DataFrame, list[dict]]:
    """English documents with text; the others as ``{"doc_id", "lang", "reason"}``.

    A missing ``lang`` (plain tables, lists of texts) counts as English.
    """
    lang = docs["lang"].map(lambda v: str(v).split("-")[0].lower()
                            if isinstance(v, str) and v else "en")
    has_text = docs["text"].map(lambda t: isinstance(t, str) and bool(t.strip()))
    keep = has_text & lang.eq("en")
    skipped = [{"doc_id": str(d), "lang": None if not isinstance(lg, str) else lg,
                "reason": "no text" if not t else
                f"language {lg!r} is not English (the model is English)"}
               for d, lg, t in zip(docs["doc_id"][~keep], docs["lang"][~keep],
                                   has_text[~keep])]
    return docs[keep.to_numpy()].reset_index(drop=True), skipped


def _assemble(table: pd.DataFrame, doc_ids: Iterable, hashes: list[str],
              labels: Sequence[str] | None) -> pd.DataFrame:
    index = pd.DataFrame({"doc_id": pd.Series(list(doc_ids), dtype="string"),
                          "doc_hash": pd.Series(hashes, dtype="string"),
                          "_order": np.arange(len(hashes))})
    if labels:
        table = table[table["label"].isin(list(labels))]
    out = index.merge(table, on="doc_hash", how="inner")
    out = out.sort_values(["_order", "start", "end"], kind="stable").reset_index(drop=True)
    ent_id = np.array(out["actor"].fillna("").tolist(), dtype=object)
    is_country = out["label"].isin(COUNTRY_LABELS).to_numpy()
    if is_country.any():
        ent_id[is_country] = out.loc[is_country, "text"].map(country_code).to_numpy()
    out["ent_id"] = pd.Series(ent_id, dtype="string")
    return out[ENTITY_COLUMNS]


# -- tables -------------------------------------------------------------------------------
def _entity_key(ents: pd.DataFrame) -> pd.Series:
    """``ent_id`` where there is one, else the text without "the ", "'s" and extra spaces."""
    surface = (ents["text"].astype(str).str.split().str.join(" ")
               .str.replace(r"^[Tt]he\s+", "", regex=True)
               .str.replace(r"['\u2019]s?$", "", regex=True))
    has_id = ents["ent_id"].fillna("").ne("")
    return surface.where(~has_id, "\x00" + ents["ent_id"].astype(str))


def _names(data: pd.DataFrame) -> pd.Series:
    """The most frequent surface of each ``(label, key)`` (ties: alphabetical)."""
    counts = data.groupby(["label", "key", "text"], observed=True).size().rename("n")
    counts = counts.reset_index().sort_values(["n", "text"], ascending=[False, True])
    return counts.drop_duplicates(["label", "key"]).set_index(["label", "key"])["text"]


def _ranked(data: pd.DataFrame, keys: list[str], top: int | None) -> pd.DataFrame:
    """Count ``data`` rows by ``keys + label + key``: name, count, n_docs; most first."""
    names = _names(data)
    out = (data.groupby([*keys, "label", "key"], observed=True, dropna=False)
           .agg(ent_id=("ent_id", "first"), count=("doc_id", "size"),
                n_docs=("doc_id", "nunique")).reset_index())
    out = out.merge(names.rename("name").reset_index(), on=["label", "key"], how="left")
    out["ent_id"] = out["ent_id"].fillna("").astype("string")
    out = out.sort_values([*keys, "count", "n_docs", "label", "name"],
                          ascending=[True] * len(keys) + [False, False, True, True])
    if top is not None:
        out = out.groupby(keys, observed=True, dropna=False).head(top) if keys else out.head(top)
    out = out[[*keys, "label", "ent_id", "name", "count", "n_docs"]].reset_index(drop=True)
    return out.astype({"count": "int64", "n_docs": "int64"})


def entity_frequencies(ents: pd.DataFrame, docs: Any = None, *,
                       by: str | Sequence[str] | None = None,
                       labels: Sequence[str] | None = None,
                       top: int | None = None) -> pd.DataFrame:
    """How often each entity occurs, overall or per metadata group.

    Entities with an ``ent_id`` (actors, countries) are counted by it, so "Russia", "the
    Russian Federation" and "Russians" (``NORP``) are one ``RUS`` per label; others by
    their text without "the", "'s" and extra spaces.

    Parameters
    ----------
    ents : DataFrame
        The output of :func:`entities`.
    docs : Corpus or DataFrame, optional
        Needed with ``by``: ``doc_id`` and the ``by`` columns.
    by : str or list of str, optional
        Metadata column(s) to count within (e.g. ``"region"``, ``"year"``).
    labels : list of str, optional
        Only these labels.
    top : int, optional
        Keep the ``top`` most frequent entities (per group).

    Returns
    -------
    pandas.DataFrame
        ``[by...,] label, ent_id, name, count, n_docs``: ``name`` is the entity's most
        frequent surface in ``ents`` (the same in every group), ``count`` its occurrences,
        ``n_docs`` the documents naming it; most frequent first.
    """
    keys = [] if by is None else ([by] if isinstance(by, str) else list(by))
    data = ents if labels is None else ents[ents["label"].isin(list(labels))]
    missing = [k for k in keys if k not in data.columns]
    if missing:
        if docs is None:
            raise ValueError(f"by={keys} needs docs (a Corpus or table with doc_id and "
                             f"{missing})")
        table = docs.docs if hasattr(docs, "fingerprint") else pd.DataFrame(docs)
        meta = table[["doc_id", *missing]].astype({"doc_id": "string"})
        data = data.astype({"doc_id": "string"}).merge(meta, on="doc_id", how="left")
    data = data.assign(key=_entity_key(data))
    out = _ranked(data, keys, top)
    out.attrs.update(by=keys, labels=list(labels) if labels else None, top=top)
    return out


def actor_cooccurrence(ents: pd.DataFrame, mentions: pd.DataFrame, *,
                       level: str = "sentence", top: int | None = 10,
                       labels: Sequence[str] | None = NAMED_LABELS,
                       max_orgs: int | None = None) -> pd.DataFrame:
    """The entities named most often in the same sentence (or document) as each actor.

    An entity counts once for each actor named in its unit, except where it is that
    actor's own mention (overlapping spans: "CSTO" is not CSTO's neighbour; NATO in a
    CSTO sentence is).

    Parameters
    ----------
    ents : DataFrame
        The output of :func:`entities` (with ``mode="actor_sentences"``, document level
        only sees the parsed sentences).
    mentions : DataFrame
        The output of :func:`analysis.actors.mentions` for the same documents.
    level : {"sentence", "document"}
        The unit an actor and an entity must share.
    top : int, optional
        Entities kept per actor (None: all).
    labels : list of str, optional
        Entity labels counted (default: :data:`NAMED_LABELS`, names rather than numbers
        and dates; None: all).
    max_orgs : int, optional
        Leave out units naming more than ``max_orgs`` organizations (``ORG`` entities):
        lists such as the factbook's membership lines, where every acronym sits beside
        every other and the model mislabels some of them as people or places.

    Returns
    -------
    pandas.DataFrame
        ``actor, label, ent_id, name, count, n_docs``: ``count`` is the entity's
        occurrences in units naming the actor, ``n_docs`` the documents where they meet;
        most frequent first within each actor.
    """
    if level not in ("sentence", "document"):
        raise ValueError(f"level must be 'sentence' or 'document', not {level!r}")
    unit = ["doc_id", "sentence_id"] if level == "sentence" else ["doc_id"]
    if max_orgs is not None:
        n_orgs = ents[ents["label"] == "ORG"].groupby(unit).size()
        lists = n_orgs[n_orgs > max_orgs].index
        ents = ents[~pd.MultiIndex.from_frame(ents[unit]).isin(lists)] if len(unit) > 1 \
            else ents[~ents["doc_id"].isin(lists)]
        mentions = mentions[~pd.MultiIndex.from_frame(mentions[unit]).isin(lists)] \
            if len(unit) > 1 else mentions[~mentions["doc_id"].isin(lists)]
    e = ents if labels is None else ents[ents["label"].isin(list(labels))]
    e = e.astype({"doc_id": "string"}).reset_index(drop=True)
    e = e.assign(_row=np.arange(len(e)), key=_entity_key(e))
    m = mentions.astype({"doc_id": "string", "actor": "string"})
    same = e[["doc_id", "sentence_id", "_row", "start", "end"]].merge(
        m[["doc_id", "sentence_id", "actor", "start", "end"]],
        on=["doc_id", "sentence_id"], suffixes=("", "_m"))
    own = same.loc[(same["start"] < same["end_m"]) & (same["start_m"] < same["end"]),
                   ["_row", "actor"]].drop_duplicates()
    present = m[[*unit, "actor"]].drop_duplicates()
    pairs = e[[*unit, "_row"]].merge(present, on=unit)[["_row", "actor"]]
    pairs = pairs.merge(own.assign(_own=True), on=["_row", "actor"], how="left")
    pairs = pairs[pairs["_own"].isna()].drop(columns="_own")
    data = pairs.merge(e[["_row", "doc_id", "label", "ent_id", "text", "key"]], on="_row")
    out = _ranked(data, ["actor"], top)
    out.attrs.update(level=level, top=top, labels=list(labels) if labels else None)
    return out
