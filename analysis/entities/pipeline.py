"""The NER pipeline: the installed spaCy model, cut to what NER needs, plus two components.

``spacy.load(model)`` without the components in :data:`EXCLUDE` (and without a shared
``tok2vec``/``transformer`` that ``ner`` does not listen to), then ``sentence_starts``
(the sentence starts of :func:`analysis.actors.sentence_starts`, so no entity crosses a
sentence) and ``actor_ruler`` (:func:`~analysis.entities.ruler.ruler_patterns`) before
``ner``. :func:`model_info` reads the model's name, version and labels from its
``meta.json`` without importing spaCy, so a fully cached run stays fast.
"""

from __future__ import annotations

import importlib.util
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from analysis.actors import Registry, load_registry, sentence_starts
from analysis.entities.ruler import ruler_patterns
from analysis.errors import AnalysisError, E
from analysis.settings import get_settings

#: Components NER does not need; never loaded.
EXCLUDE = (
    "tagger",
    "parser",
    "attribute_ruler",
    "lemmatizer",
    "trainable_lemmatizer",
    "senter",
    "morphologizer",
    "textcat",
    "textcat_multilabel",
    "spancat",
    "entity_linker",
)


def _set_sentence_starts(doc):
    """SpaCy component: mark the sentence starts of :func:`analysis.actors.sentence_starts`."""
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
def model_info(model: str) -> tuple[str, tuple[str, ...]]:
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
    key = (model, registry.key())
    if key not in _PIPELINES:
        model_info(model)  # E008 before spaCy's OSError
        try:
            nlp = spacy.load(model, exclude=list(EXCLUDE))
        except OSError as err:
            raise AnalysisError(E.E008, model=model) from err
        for name in ("tok2vec", "transformer"):
            if name in nlp.pipe_names and "ner" not in getattr(
                nlp.get_pipe(name), "listening_components", ["ner"]
            ):
                nlp.remove_pipe(name)
        _register_component()
        nlp.add_pipe(_SENTENCE_FACTORY, name="sentence_starts", first=True)
        ruler = nlp.add_pipe(
            "entity_ruler",
            name="actor_ruler",
            before="ner",
            config={"overwrite_ents": False, "validate": False},
        )
        ruler.add_patterns(ruler_patterns(registry))
        _PIPELINES.clear()  # one pipeline in memory
        _PIPELINES[key] = nlp
    return _PIPELINES[key]
