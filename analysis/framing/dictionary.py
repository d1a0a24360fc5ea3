"""The frame dictionary: categories, negation rules, member-state blocs, outlet origins.

:func:`load_frames` reads ``analysis/data/frames.yml`` (or your own YAML in that layout)
into a :class:`FrameDictionary`; the "Frames" section of :mod:`analysis.framing` and the
top of the YAML file say what the categories and negation rules mean.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from analysis.errors import AnalysisError, E, OptionError
from analysis.inputs import load_yaml

#: Where the built-in dictionary lives (named in errors and in ``attrs``).
_BUILTIN = "analysis/data/frames.yml"


class FrameDictionaryError(AnalysisError, ValueError):
    """A frame dictionary that cannot be used (E011); the message names the file and fix."""

    def __init__(self, message: str):
        super().__init__(E.E011, message=message)


@dataclass(frozen=True)
class Category:
    """One frame category: what it means, where it comes from, the words that invoke it.

    ``on_negation`` is ``"void"``, ``"keep"`` or ``"flip:<category id>"``.
    """

    id: str
    label: str
    description: str
    literature: tuple[str, ...]
    terms: tuple[str, ...]
    on_negation: str = "void"
    #: Russian terms, written as lemmas (see the top of ``frames.yml``).
    terms_ru: tuple[str, ...] = ()
    #: Signed weight of a hit in a stance lexicon (``stance.yml``); 0 in a frame dictionary.
    polarity: float = 0.0


@dataclass(frozen=True)
class Negation:
    """Negators (as token tuples), the window before a term they reach, the default action."""

    window: int = 3
    default: str = "void"
    negators: tuple[tuple[str, ...], ...] = ()
    not_negators: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True, eq=False)
class FrameDictionary:
    """Frame categories, negation rules, member-state blocs and outlet origins.

    Attributes
    ----------
    categories : dict of str to Category
    negation : Negation
    blocs : dict
        ``{bloc: {ISO3: [(from_year, to_year or None), ...]}}``.
    outlets : dict
        ``{origin: [domain, ...]}``.
    source : str
        The file it was read from (named in errors and recorded in ``attrs``).
    """

    categories: dict[str, Category]
    negation: Negation
    blocs: dict = field(default_factory=dict)
    outlets: dict = field(default_factory=dict)
    source: str = _BUILTIN
    negation_ru: Negation | None = None

    @property
    def languages(self) -> list[str]:
        """The languages the dictionary has terms for (``"en"``, and ``"ru"`` if any)."""
        return ["en"] + (["ru"] if any(c.terms_ru for c in self.categories.values()) else [])

    def for_language(self, language: str) -> FrameDictionary:
        """The dictionary as it reads texts of ``language``: its terms and negators.

        ``"en"`` is the dictionary itself; ``"ru"`` a view with each category's Russian
        terms (categories without any match nothing) and the Russian negation rules.
        """
        if language == "en":
            return self
        if language not in self.languages:
            raise OptionError(
                f"{self.source} has no terms for language {language!r}; it has "
                f"{', '.join(self.languages)}"
            )
        return _language_view(self, language)

    @property
    def ids(self) -> list[str]:
        """The frame ids, in dictionary order."""
        return list(self.categories)

    @property
    def labels(self) -> dict[str, str]:
        """``{category id: label}`` (the names figures show)."""
        return {c.id: c.label for c in self.categories.values()}

    @property
    def signature(self) -> str:
        """Hash of the categories and negation rules (a cache key part)."""
        parts: list = [
            [c.id, c.terms, c.on_negation] + ([c.polarity] if c.polarity else [])
            for c in self.categories.values()
        ] + [
            self.negation.window,
            self.negation.default,
            self.negation.negators,
            self.negation.not_negators,
        ]
        if "ru" in self.languages:
            ru = self.negation_ru or self.negation
            parts += [[c.terms_ru for c in self.categories.values()], ru.negators, ru.not_negators]
        blob = json.dumps(parts, ensure_ascii=False)
        return hashlib.blake2b(blob.encode(), digest_size=8).hexdigest()

    def to_frame(self) -> pd.DataFrame:
        """One row a category: ``frame, label, description, n_terms, terms, ..., literature``."""
        return pd.DataFrame(
            [
                {
                    "frame": c.id,
                    "label": c.label,
                    "description": c.description,
                    "n_terms": len(c.terms),
                    "terms": "; ".join(c.terms),
                    "n_terms_ru": len(c.terms_ru),
                    "terms_ru": "; ".join(c.terms_ru),
                    "on_negation": c.on_negation,
                    "literature": " | ".join(c.literature),
                }
                for c in self.categories.values()
            ]
        )


def load_frames(path: str | Path | FrameDictionary | None = None) -> FrameDictionary:
    """Read a frame dictionary (default: the built-in ``analysis/data/frames.yml``).

    Parameters
    ----------
    path : str or Path, optional
        A YAML file in the layout of the built-in one: ``negation`` (``window``,
        ``default``, ``negators``, ``not_negators``), ``categories`` (each with ``label``,
        ``description``, ``literature``, ``terms`` and optionally ``on_negation``), and
        optionally ``blocs`` and ``outlets``. Missing ``negation``, ``blocs`` or
        ``outlets`` sections are taken from the built-in file. A FrameDictionary is
        returned as it is.

    Returns
    -------
    FrameDictionary

    Raises
    ------
    FrameDictionaryError
        The file is missing, not YAML, or a category is incomplete or inconsistent.

    Examples
    --------
    >>> frames = load_frames()
    >>> "legitimacy" in frames.ids and frames.negation.window
    3
    """
    if isinstance(path, FrameDictionary):
        return path
    if path is None:
        return _builtin_frames()
    path = Path(path).expanduser()
    if not path.is_file():
        raise FrameDictionaryError(
            f"{path}: no such file; pass the path of a frame dictionary YAML (see {_BUILTIN})."
        )
    return _parse_frames(path.read_text(encoding="utf-8"), str(path), _builtin_data())


@lru_cache(maxsize=8)
def _language_view(frames: FrameDictionary, language: str) -> FrameDictionary:
    """``frames`` with the terms and negators of ``language`` in place of the English ones."""
    from dataclasses import replace

    categories = {k: replace(c, terms=c.terms_ru) for k, c in frames.categories.items()}
    return replace(
        frames,
        categories=categories,
        negation=frames.negation_ru or frames.negation,
        source=f"{frames.source} [{language}]",
    )


@lru_cache(maxsize=1)
def _builtin_text() -> str:
    return (files("analysis") / "data" / "frames.yml").read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _builtin_data() -> dict:
    return load_yaml(_builtin_text())


@lru_cache(maxsize=1)
def _builtin_frames() -> FrameDictionary:
    return _parse_frames(_builtin_text(), _BUILTIN, None)


def _parse_frames(text: str, source: str, defaults: dict | None) -> FrameDictionary:
    data = _load_yaml(text, source)
    defaults = defaults or {}
    negation = _parse_negation(data.get("negation") or defaults.get("negation") or {}, source)
    categories = {
        str(k): _parse_category(str(k), v, negation.default, source)
        for k, v in data["categories"].items()
    }
    for c in categories.values():
        if c.on_negation.startswith("flip:") and c.on_negation[5:] not in categories:
            raise FrameDictionaryError(
                f"{source}: category {c.id!r} flips negated hits to "
                f"{c.on_negation[5:]!r}, which is not a category."
            )
    blocs = _parse_blocs(data.get("blocs", defaults.get("blocs")) or {}, source)
    outlets = {
        str(k): [str(d).lower() for d in v or []]
        for k, v in (data.get("outlets", defaults.get("outlets")) or {}).items()
    }
    ru = (data.get("negation") or defaults.get("negation") or {}).get("ru")
    negation_ru = None
    if ru:
        negation_ru = _parse_negation(
            {"window": negation.window, "default": negation.default, **ru}, source, russian=True
        )
    return FrameDictionary(categories, negation, blocs, outlets, source, negation_ru)


def _load_yaml(text: str, source: str) -> dict:
    """The YAML mapping of a dictionary file, with a non-empty ``categories`` mapping."""
    try:
        data = load_yaml(text)
    except yaml.YAMLError as err:
        raise FrameDictionaryError(
            f"{source}: not valid YAML ({err}); fix the line it names."
        ) from err
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("categories"), dict)
        or not data["categories"]
    ):
        raise FrameDictionaryError(
            f"{source}: expected a mapping with a non-empty 'categories' mapping (see {_BUILTIN})."
        )
    return data


def _words(phrase: Any, source: str, where: str) -> tuple[str, ...]:
    if not isinstance(phrase, str) or not phrase.strip():
        raise FrameDictionaryError(
            f"{source}: {where}: {phrase!r} is not a word or phrase; "
            "quote it (YAML reads unquoted no/yes/on/off as booleans)."
        )
    words = tuple(phrase.lower().replace("’", "'").split())
    if any("*" in w[:-1] for w in words):
        raise FrameDictionaryError(
            f"{source}: {where}: {phrase!r} has a '*' inside a word; '*' may only end a word."
        )
    return words


def _parse_negation(data: dict, source: str, russian: bool = False) -> Negation:
    action = str(data.get("default", "void"))
    if action not in ("void", "keep"):
        raise FrameDictionaryError(
            f"{source}: negation.default must be 'void' or 'keep', not {action!r}."
        )
    window = data.get("window", 3)
    if not isinstance(window, int) or window < 0:
        raise FrameDictionaryError(
            f"{source}: negation.window must be a whole number of tokens >= 0, not {window!r}."
        )
    words = _russian_words if russian else _words
    return Negation(
        window,
        action,
        tuple(words(n, source, "negation.negators") for n in data.get("negators") or ()),
        tuple(words(n, source, "negation.not_negators") for n in data.get("not_negators") or ()),
    )


def _parse_category(cid: str, data: Any, default: str, source: str) -> Category:
    where = f"category {cid!r}"
    if not isinstance(data, dict) or not data.get("terms"):
        raise FrameDictionaryError(
            f"{source}: {where} needs a mapping with 'terms' (and "
            "'label', 'description', 'literature')."
        )
    terms = tuple(" ".join(_words(t, source, where)) for t in data["terms"])
    action = data.get("on_negation", default)
    if isinstance(action, dict) and set(action) == {"flip"}:
        action = f"flip:{action['flip']}"
    if action not in ("void", "keep") and not str(action).startswith("flip:"):
        raise FrameDictionaryError(
            f"{source}: {where}: on_negation must be void, keep or "
            f"{{flip: <category>}}, not {action!r}."
        )
    literature = data.get("literature") or ()
    polarity = data.get("polarity", 0)
    if isinstance(polarity, bool) or not isinstance(polarity, (int, float)):
        raise FrameDictionaryError(
            f"{source}: {where}: polarity must be a number (+1 favourable, -1 unfavourable), "
            f"not {polarity!r}."
        )
    return Category(
        cid,
        str(data.get("label") or cid),
        str(data.get("description") or ""),
        tuple(map(str, [literature] if isinstance(literature, str) else literature)),
        terms,
        str(action),
        tuple(" ".join(_russian_words(t, source, f"{where} (ru)")) for t in data.get("ru") or ()),
        float(polarity),
    )


def _russian_words(phrase: Any, source: str, where: str) -> tuple[str, ...]:
    """A Russian term's words as lemmas ("зона ответственности" -> зона ответственность).

    Words ending in ``*`` are prefixes of lemmas and stay as written ("ё" read as "е").
    """
    from analysis.tokens.languages import fold_yo, russian_word

    lemma = russian_word(True)
    return tuple(fold_yo(w) if w.endswith("*") else lemma(w) for w in _words(phrase, source, where))


def _parse_blocs(data: dict, source: str) -> dict:
    out: dict[str, dict[str, list[tuple[int, int | None]]]] = {}
    for bloc, members in data.items():
        out[str(bloc)] = {}
        for iso3, spans in (members or {}).items():
            try:
                out[str(bloc)][str(iso3)] = [
                    (int(a), None if b is None else int(b)) for a, b in spans
                ]
            except (TypeError, ValueError):
                raise FrameDictionaryError(
                    f"{source}: blocs.{bloc}.{iso3} must be a list of [from_year, to_year] "
                    f"pairs (to_year null while still a member), not {spans!r}."
                ) from None
    return out
