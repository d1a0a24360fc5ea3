"""The actor registry: who is searched for, under which forms, validated on loading.

The built-in registry is the package data file ``analysis/data/actors.yml``, read with
:func:`importlib.resources.files` (``files("analysis") / "data" / "actors.yml"``), so it is
found wherever the package is installed and whichever module reads it. A user's YAML file
extends it (``extends: builtin``: new ids are added, scalars replace, list fields extend,
``remove`` deletes forms) or replaces it (``extends: none``); see :func:`load_registry`.

Every actor has an id, a display name, a kind (:data:`KINDS`), an optional parent and the
forms of its name: case-sensitive ``aliases``, ``names`` matched ignoring case after their
first letter, ``contextual`` forms counted only in context, and ``anaphora``. A registry is
validated when built (:class:`Registry`): unique ids, known kinds and parents, no parent
cycles, no form claimed by two actors; a problem raises :class:`RegistryError` (E011)
naming the file and the fix. :meth:`Registry.matcher` compiles the forms once
(:mod:`analysis.actors.matcher`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from analysis.actors.matcher import ActorMatcher
from analysis.errors import AnalysisError, E
from analysis.inputs import load_yaml
from analysis.patterns import form_key

#: Allowed values of an actor's ``kind``.
KINDS = (
    "international_organization",
    "alliance",
    "regional_organization",
    "partnership",
    "military_force",
    "un_body",
    "un_agency",
    "un_related_organization",
    "un_mission",
)
#: List fields of an actor entry (merged, not replaced, by a user's file).
LIST_FIELDS = ("aliases", "names", "contextual", "anaphora")


class RegistryError(AnalysisError, ValueError):
    """A registry file that cannot be used (E011); the message names the file and the fix."""

    def __init__(self, message: str):
        super().__init__(E.E011, message=message)


@dataclass(frozen=True)
class Contextual:
    """A form counted only in context; ``after`` lists the forms that license it."""

    form: str
    after: tuple[str, ...] = ()


@dataclass(frozen=True)
class Actor:
    """One organization (or body, force, mission) and the forms of its name."""

    id: str
    name: str
    kind: str
    parent: str | None = None
    aliases: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    contextual: tuple[Contextual, ...] = ()
    anaphora: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class ActorForm:
    """One form of an actor's name: its actor id, type, text and licensing forms."""

    actor: str
    type: str  # alias | name | contextual | anaphora
    text: str
    after: frozenset[str] = frozenset()


class Registry:
    """The actors a corpus is searched for, validated on construction.

    Parameters
    ----------
    actors : iterable of Actor
    caps_words : dict, optional
        All-caps aliases that are ordinary words in some languages, e.g.
        ``{"UN": ("fr", "es", "it")}``.
    source : str
        Where the registry came from (named in error messages).

    Raises
    ------
    RegistryError
        Duplicate ids, unknown kinds or parents, parent cycles, or a form claimed by two actors.
    """

    def __init__(
        self, actors: Iterable[Actor], *, caps_words: dict | None = None, source: str = "actors.yml"
    ):
        self.source = source
        self.caps_words = {k: tuple(v) for k, v in (caps_words or {}).items()}
        self._actors: dict[str, Actor] = {}
        for actor in actors:
            if actor.id in self._actors:
                raise RegistryError(
                    f"{source}: actor id {actor.id!r} appears twice; "
                    "give each actor one entry with a unique id."
                )
            self._actors[actor.id] = actor
        self._validate()
        self._matchers: dict[bool, ActorMatcher] = {}
        self._key: str | None = None

    # -- access ---------------------------------------------------------------------------
    def __getitem__(self, actor_id: str) -> Actor:
        return self._actors[actor_id]

    def __contains__(self, actor_id: object) -> bool:
        return actor_id in self._actors

    def __iter__(self) -> Iterator[Actor]:
        return iter(self._actors.values())

    def __len__(self) -> int:
        return len(self._actors)

    def __repr__(self) -> str:
        return f"<Registry {self.source!r}: {len(self)} actors>"

    @property
    def ids(self) -> list[str]:
        """The actor ids, in registry order."""
        return list(self._actors)

    def children(self, actor_id: str) -> list[str]:
        """Ids of the actors whose parent is ``actor_id``."""
        return [a.id for a in self if a.parent == actor_id]

    def ancestors(self, actor_id: str) -> list[str]:
        """Parent, grandparent... of ``actor_id`` (nearest first)."""
        out, parent = [], self[actor_id].parent
        while parent is not None:
            out.append(parent)
            parent = self[parent].parent
        return out

    def root(self, actor_id: str) -> str:
        """The top-level actor ``actor_id`` belongs to (itself when it has no parent)."""
        chain = self.ancestors(actor_id)
        return chain[-1] if chain else actor_id

    def to_frame(self) -> pd.DataFrame:
        """One row an actor: ``id, name, kind, parent, n_forms, aliases, names, note``."""
        rows = [
            {
                "id": a.id,
                "name": a.name,
                "kind": a.kind,
                "parent": a.parent,
                "n_forms": len(a.aliases) + len(a.names) + len(a.contextual),
                "aliases": "; ".join(a.aliases),
                "names": "; ".join(a.names),
                "note": a.note,
            }
            for a in self
        ]
        return pd.DataFrame(rows)

    def key(self) -> str:
        """A hash of everything matching reads (forms, parents, ambiguous capitals).

        Cache keys of steps that find actors include it, so editing the registry (a new
        alias) is never served results found with the old one.
        """
        if self._key is None:
            from analysis.cache import make_key

            self._key = make_key(
                "registry",
                self.forms().to_dict(orient="split")["data"],
                [(a.id, a.parent) for a in self],
                self.caps_words,
            )
        return self._key

    def forms(self) -> pd.DataFrame:
        """One row a form: ``actor, type, form`` (type: alias, name, contextual, anaphora)."""
        rows = [(f.actor, f.type, f.text) for f in self.iter_forms(anaphora=True)]
        return pd.DataFrame(rows, columns=["actor", "type", "form"])

    def matcher(self, *, anaphora: bool = False) -> ActorMatcher:
        """The compiled matcher (built once per registry and ``anaphora`` setting)."""
        if anaphora not in self._matchers:
            self._matchers[anaphora] = ActorMatcher(self, anaphora=anaphora)
        return self._matchers[anaphora]

    def iter_forms(self, *, anaphora: bool) -> Iterator[ActorForm]:
        """Every form of every actor (anaphora only when ``anaphora`` is true)."""
        for a in self:
            yield from (ActorForm(a.id, "alias", t) for t in a.aliases)
            yield from (ActorForm(a.id, "name", t) for t in a.names)
            for c in a.contextual:
                yield ActorForm(
                    a.id, "contextual", c.form, frozenset(form_key(t, False) for t in c.after)
                )
            if anaphora:
                yield from (ActorForm(a.id, "anaphora", t) for t in a.anaphora)

    # -- internals ------------------------------------------------------------------------
    def _validate(self) -> None:
        for a in self:
            where = f"{self.source}: actor {a.id!r}"
            if a.kind not in KINDS:
                raise RegistryError(f"{where}: kind {a.kind!r} is not one of {', '.join(KINDS)}.")
            if a.parent is not None and a.parent not in self._actors:
                raise RegistryError(
                    f"{where}: parent {a.parent!r} is not an actor id; "
                    "add that actor or correct the parent."
                )
            if a.id in self._ancestors_safe(a.id):
                raise RegistryError(f"{where}: its parents lead back to itself; break the cycle.")
            for text in (*a.aliases, *a.names, *(c.form for c in a.contextual), *a.anaphora):
                if not isinstance(text, str) or not text.strip():
                    raise RegistryError(f"{where}: empty or non-text form {text!r}.")
                if "*" in text.replace("* ", " ").rstrip("*"):
                    raise RegistryError(
                        f"{where}: form {text!r} has a '*' inside a word; '*' may only end a word."
                    )
        self._check_unique_forms()

    def _ancestors_safe(self, actor_id: str) -> list[str]:
        out, parent = [], self._actors[actor_id].parent
        while parent is not None and parent in self._actors and parent not in out:
            out.append(parent)
            parent = self._actors[parent].parent
        return out

    def _check_unique_forms(self) -> None:
        owner: dict[tuple[bool, str], str] = {}
        for f in self.iter_forms(anaphora=False):
            key = (f.type != "name", form_key(f.text, f.type != "name"))
            if owner.setdefault(key, f.actor) != f.actor:
                raise RegistryError(
                    f"{self.source}: the form {f.text!r} belongs to both "
                    f"{owner[key]!r} and {f.actor!r}; keep it in one actor."
                )


def load_registry(path: str | Path | None = None) -> Registry:
    """Load the built-in actor registry, optionally extended by a user's YAML file.

    Parameters
    ----------
    path : str or Path, optional
        A YAML file in the layout of ``analysis/data/actors.yml``. With ``extends: builtin``
        (the default) its actors are merged into the built-in ones: new ids are added; for
        an existing id, given scalar fields replace and list fields extend, and ``remove``
        deletes forms. With ``extends: none`` the file is the whole registry.

    Returns
    -------
    Registry

    Raises
    ------
    RegistryError
        If the file cannot be read or the merged registry is inconsistent.

    Examples
    --------
    >>> reg = load_registry()
    >>> reg["UNHCR"].parent
    'UN'
    """
    if path is None:
        return _builtin_registry()
    path = Path(path).expanduser()
    user = _read_yaml(path.read_text(encoding="utf-8") if path.is_file() else None, str(path))
    extends = str(user.get("extends", "builtin")).lower()
    if extends not in ("builtin", "none"):
        raise RegistryError(f"{path}: 'extends' must be 'builtin' or 'none', not {extends!r}.")
    base = {} if extends == "none" else dict(_builtin_data())
    entries = {e["id"]: e for e in base.get("actors", [])}
    seen: set[str] = set()
    for entry in user.get("actors") or []:
        _check_entry(entry, str(path))
        if entry["id"] in seen:
            raise RegistryError(
                f"{path}: actor id {entry['id']!r} appears twice; "
                "give each actor one entry with a unique id."
            )
        seen.add(entry["id"])
        entries[entry["id"]] = _merge_entry(entries.get(entry["id"]), entry)
    caps = {**base.get("caps_words", {}), **(user.get("caps_words") or {})}
    return _registry_from(list(entries.values()), caps, str(path))


@lru_cache(maxsize=1)
def _builtin_registry() -> Registry:
    data = _builtin_data()
    return _registry_from(data["actors"], data.get("caps_words"), "analysis/data/actors.yml")


@lru_cache(maxsize=1)
def _builtin_data() -> dict:
    text = (files("analysis") / "data" / "actors.yml").read_text(encoding="utf-8")
    return _read_yaml(text, "analysis/data/actors.yml")


def _read_yaml(text: str | None, source: str) -> dict:
    if text is None:
        raise RegistryError(f"{source}: no such file; pass the path of a YAML actor registry.")
    try:
        data = load_yaml(text)
    except yaml.YAMLError as err:
        raise RegistryError(f"{source}: not valid YAML ({err}); fix the line it names.") from err
    if isinstance(data, list):
        data = {"actors": data}
    if not isinstance(data, dict) or not isinstance(data.get("actors", []), list):
        raise RegistryError(f"{source}: expected a mapping with an 'actors' list.")
    return data


def _check_entry(entry: Any, source: str) -> None:
    if not isinstance(entry, dict) or not entry.get("id"):
        raise RegistryError(f"{source}: every actor entry needs an 'id'; found {entry!r}.")


def _merge_entry(old: dict | None, new: dict) -> dict:
    """A user's entry merged into the built-in one: scalars replace, lists extend."""
    merged = dict(old or {})
    for key, value in new.items():
        if key in LIST_FIELDS and old is not None:
            merged[key] = list(old.get(key) or []) + [
                v for v in value or [] if v not in (old.get(key) or [])
            ]
        elif key != "remove":
            merged[key] = value
    drop = [str(t) for t in new.get("remove") or []]
    for key in ("aliases", "names", "anaphora"):
        cased = key != "names"  # names are matched ignoring case
        gone = {form_key(t, cased) for t in drop}
        merged[key] = [t for t in merged.get(key) or [] if form_key(t, cased) not in gone]
    gone = {form_key(t, True) for t in drop}
    merged["contextual"] = [
        c for c in merged.get("contextual") or [] if form_key(c.get("form", ""), True) not in gone
    ]
    return merged


def _registry_from(entries: list[dict], caps_words: dict | None, source: str) -> Registry:
    actors = []
    for e in entries:
        _check_entry(e, source)
        missing = [k for k in ("name", "kind") if not e.get(k)]
        if missing:
            raise RegistryError(f"{source}: actor {e['id']!r} lacks {', '.join(missing)}.")
        contextual = tuple(
            Contextual(str(c["form"]), tuple(map(str, c.get("after") or ())))
            for c in e.get("contextual") or []
        )
        actors.append(
            Actor(
                id=str(e["id"]),
                name=str(e["name"]),
                kind=str(e["kind"]),
                parent=e.get("parent"),
                aliases=_strings(e, "aliases"),
                names=_strings(e, "names"),
                contextual=contextual,
                anaphora=_strings(e, "anaphora"),
                note=str(e.get("note") or ""),
            )
        )
    return Registry(actors, caps_words=caps_words, source=source)


def _strings(entry: dict, key: str) -> tuple[str, ...]:
    return tuple(str(v) for v in entry.get(key) or ())
