"""Russian named entities: slovnet's NER with navec embeddings, labels and ids as in English.

The model is the Natasha project's ``slovnet_ner_news_v1`` (a CNN-CRF tagger trained on
Russian news, Nerus corpus; PER, LOC, ORG) over ``navec_news_v1`` word embeddings; both ship
inside the ``natasha`` wheel (MIT licence) and are loaded from its data folder with
``slovnet`` and ``navec`` (MIT) WITHOUT importing ``natasha`` itself, which imports
``pymorphy2`` (not maintained; this package lemmatizes with pymorphy3). Nothing is
downloaded at run time.

To match the English scheme, ``PER`` becomes ``PERSON``, ``LOC`` becomes ``GPE`` (slovnet does
not tell countries and cities from other places; spaCy's English ``GPE`` holds both) and
``ORG`` stays ``ORG``. The registry's actors win over the model, as the English entity
ruler does: every mention of :func:`analysis.actors.mentions` is an ``ORG`` with the actor
id, and model spans overlapping one are dropped. Countries get their ISO3 code from their
lemmatized Russian names (:func:`russian_country_code`: pycountry's Russian translations
plus :data:`RUSSIAN_COUNTRY_ALIASES`).

References
----------
Kukushkin, A. (2020). Natasha: Russian NLP tools (slovnet, navec, razdel).
https://github.com/natasha/slovnet (model card of ``slovnet_ner_news_v1``).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pandas as pd

from analysis.actors import Registry, mentions, sentence_starts
from analysis.errors import AnalysisError, E

#: Files of the ``natasha`` wheel this module loads (relative to its package folder).
MODEL_FILES = (
    "data/emb/navec_news_v1_1B_250K_300d_100q.tar",
    "data/model/slovnet_ner_news_v1.tar",
)
#: slovnet's labels in the scheme of the English model.
LABELS = {"PER": "PERSON", "LOC": "GPE", "ORG": "ORG"}
#: Texts are tagged in pieces of at most this many characters, cut at sentence starts.
PIECE_CHARS = 20_000

#: Russian names of countries pycountry's translations miss or give in another form.
RUSSIAN_COUNTRY_ALIASES = {
    "Россия": "RUS",
    "РФ": "RUS",
    "Российская Федерация": "RUS",
    "США": "USA",
    "Америка": "USA",
    "Соединённые Штаты": "USA",
    "Соединённые Штаты Америки": "USA",
    "Великобритания": "GBR",
    "Британия": "GBR",
    "Англия": "GBR",
    "Киргизия": "KGZ",
    "Кыргызстан": "KGZ",
    "Киргизстан": "KGZ",
    "Кыргызская Республика": "KGZ",
    "Белоруссия": "BLR",
    "Беларусь": "BLR",
    "Республика Беларусь": "BLR",
    "Молдавия": "MDA",
    "Молдова": "MDA",
    "Туркмения": "TKM",
    "Туркменистан": "TKM",
    "Таджикистан": "TJK",
    "Республика Таджикистан": "TJK",
    "Узбекистан": "UZB",
    "Казахстан": "KAZ",
    "Республика Казахстан": "KAZ",
    "Армения": "ARM",
    "Республика Армения": "ARM",
    "Азербайджан": "AZE",
    "Грузия": "GEO",
    "Украина": "UKR",
    "Китай": "CHN",
    "КНР": "CHN",
    "Иран": "IRN",
    "Афганистан": "AFG",
    "Турция": "TUR",
    "Германия": "DEU",
    "ФРГ": "DEU",
    "Франция": "FRA",
    "Индия": "IND",
    "Пакистан": "PAK",
    "Сирия": "SYR",
    "Ливия": "LBY",
    "Ирак": "IRQ",
    "Южная Корея": "KOR",
    "Северная Корея": "PRK",
    "КНДР": "PRK",
    "Чехия": "CZE",
    "Монголия": "MNG",
    "СССР": "SUN",
    "Советский Союз": "SUN",
    "Югославия": "YUG",
}


def model_dir() -> Path:
    """The ``natasha`` package folder holding :data:`MODEL_FILES` (not imported).

    Raises
    ------
    AnalysisError
        E018 when ``natasha`` is not installed or lacks the model files.
    """
    spec = importlib.util.find_spec("natasha")
    root = Path(next(iter(spec.submodule_search_locations))) if spec else None
    if root is None or not all((root / f).is_file() for f in MODEL_FILES):
        raise AnalysisError(E.E018, model="slovnet_ner_news_v1")
    return root


def model_id() -> str:
    """Name and versions of the Russian NER model (a cache key part)."""
    try:
        parts = [version(p) for p in ("natasha", "slovnet", "navec")]
    except PackageNotFoundError:
        parts = ["missing"]
    return "slovnet_ner_news_v1 " + " ".join(parts)


@lru_cache(maxsize=1)
def load_ner():
    """Slovnet's NER tagger with its navec embeddings, loaded once per process."""
    from navec import Navec
    from slovnet import NER

    root = model_dir()
    ner = NER.load(str(root / MODEL_FILES[1]))
    ner.navec(Navec.load(str(root / MODEL_FILES[0])))
    return ner


def _pieces(text: str) -> list[tuple[int, str]]:
    """``(offset, piece)``: the text cut at sentence starts into pieces of PIECE_CHARS."""
    if len(text) <= PIECE_CHARS:
        return [(0, text)]
    out, start = [], 0
    for s in sentence_starts(text)[1:]:
        if s - start >= PIECE_CHARS:
            out.append((start, text[start:s]))
            start = s
    out.append((start, text[start:]))
    return out


def tag_texts(
    todo: list[tuple[str, str]], registry: Registry
) -> Iterator[tuple[int, int, list[tuple] | str]]:
    """``(document index, 0, entities or error)`` for each ``(hash, text)`` of ``todo``.

    Entities are ``(start, end, label, actor id)`` in the English scheme; the registry's
    actor mentions replace the model spans they overlap.
    """
    ner = load_ner()
    frame = pd.DataFrame(
        {
            "doc_id": [str(i) for i in range(len(todo))],
            "text": pd.Series([t for _, t in todo], dtype=object),
            "lang": "ru",
        }
    )
    found = mentions(frame, registry=registry, progress=False, cache=False)
    by_doc = {
        int(d): list(zip(g["start"], g["end"], g["actor"]))
        for d, g in found.groupby("doc_id", sort=False)
    }
    for i, (_, text) in enumerate(todo):
        try:
            spans = [
                (at + s.start, at + s.stop, LABELS.get(s.type, s.type))
                for at, piece in _pieces(text)
                for s in ner(piece).spans
            ]
        except Exception as err:  # noqa: BLE001 - a bad document is reported, never kills the run
            yield i, 0, f"{type(err).__name__}: {err}"[:300]
            continue
        actors = by_doc.get(i, [])
        kept = [
            (s, e, label, "")
            for s, e, label in spans
            if not any(s < ae and as_ < e for as_, ae, _ in actors)
        ]
        rows = kept + [(s, e, "ORG", str(a)) for s, e, a in actors]
        yield i, 0, sorted(rows)


@lru_cache(maxsize=1)
def _russian_index() -> dict[str, str]:
    """Lemmatized Russian country name -> alpha-3 (pycountry's translations + aliases)."""
    import gettext

    import pycountry

    try:
        ru = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ru"])
    except OSError:  # pragma: no cover - pycountry ships its translations
        ru = gettext.NullTranslations()
    index: dict[str, str] = {}
    for country in pycountry.countries:
        for field in ("name", "common_name", "official_name"):
            value = getattr(country, field, None)
            if value:
                index.setdefault(_lemma_key(ru.gettext(value)), country.alpha_3)
    index.update({_lemma_key(k): v for k, v in RUSSIAN_COUNTRY_ALIASES.items()})
    return index


def _lemma_key(name: str) -> str:
    from analysis.tokens.languages import russian_word

    word = russian_word(True)
    return " ".join(word(w) for w in name.replace("-", " ").lower().split())


@lru_cache(maxsize=65536)
def russian_country_code(name: str) -> str:
    """ISO 3166-1 alpha-3 of a country's Russian name in any case form, or ``""``.

    Examples
    --------
    >>> russian_country_code("Киргизии"), russian_country_code("Российской Федерацией")
    ('KGZ', 'RUS')
    >>> russian_country_code("Москве")
    ''
    """
    return _russian_index().get(_lemma_key(name), "")
