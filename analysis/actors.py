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
``sentence_id`` counts sentences from 0 within a document. A sentence ends at a line break,
or at ``. ! ? …`` (and ``؟ । 。``) plus optional closing quotes/brackets, followed by
whitespace and a capital letter, digit, opening quote or a letter of a script without case;
not after a single capital letter ("U.N.", "U.S.", initials) or Mr./Ms./Mrs./Dr./St./No./vs.
It is a fast approximation, good enough for "same sentence" co-mentions.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

import pandas as pd
import yaml

from analysis.errors import AnalysisError, E
from analysis.patterns import form_atoms, form_key, trie_pattern

#: Allowed values of an actor's ``kind``.
KINDS = ("international_organization", "alliance", "regional_organization", "partnership",
         "military_force", "un_body", "un_agency", "un_related_organization", "un_mission")
#: Columns of the table :func:`mentions` returns.
MENTION_COLUMNS = ["doc_id", "actor", "start", "end", "surface", "sentence_id"]
#: List fields of an actor entry (merged, not replaced, by a user's file).
LIST_FIELDS = ("aliases", "names", "contextual", "anaphora")

_RIGHT_EDGE = r"(?![^\W\d_])"                              # no letter right after a hit
_ARABIC_CLITICS = set("وفبكل")
_DETERMINERS = {"the", "our", "this"}
_TLDS = ("com|org|net|int|gov|edu|info|biz|io|news|ru|su|kz|by|am|az|kg|tj|uz|ua|ge|md|sk|"
         "cz|pl|de|fr|es|uk|eu|ir|pk|cn|jp|ng|gh|tr|ch|nl|ro|hu|fi|se|dk|ca|au")
_URL_LIKE = re.compile(r"(?i:://|^\W*www\.)|@[\w-]+\.|\.[a-z]{2,}/|[\w-]\.(?:%s)\b" % _TLDS)
_SENTENCE_END = re.compile(
    r"[\n.!?…。؟।](?:(?<=\n)\s*|(?<![A-Z]\.[A-Z]\.)(?<!\b[A-Z]\.)(?<!\bMr\.)(?<!\bMs\.)"
    r"(?<!\bMrs\.)(?<!\bDr\.)(?<!\bSt\.)(?<!\bNo\.)(?<!\bvs\.)[.!?…]*[\"'”’»)\]]*\s+"
    r"(?=[\"'“‘«(\[]*[^\W_a-z]))")
_PREV_WORD = re.compile(r"([^\W\d_][\w'’.\-]*|&)\s+$")
_OF_NEXT = re.compile(r"\s+of\s+(?:the\s+)?(?=[^\W\d_])")


class RegistryError(AnalysisError, ValueError):
    """A registry file that cannot be used (E011); the message names the file and the fix."""

    def __init__(self, message: str):
        super().__init__(E.E011, message=message)


# -- the registry -------------------------------------------------------------------------
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
class _Form:
    actor: str
    type: str          # alias | name | contextual | anaphora
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

    def __init__(self, actors: Iterable[Actor], *, caps_words: dict | None = None,
                 source: str = "actors.yml"):
        self.source = source
        self.caps_words = {k: tuple(v) for k, v in (caps_words or {}).items()}
        self._actors: dict[str, Actor] = {}
        for actor in actors:
            if actor.id in self._actors:
                raise RegistryError(f"{source}: actor id {actor.id!r} appears twice; "
                                    "give each actor one entry with a unique id.")
            self._actors[actor.id] = actor
        self._validate()
        self._matchers: dict[bool, _Matcher] = {}

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
        rows = [{"id": a.id, "name": a.name, "kind": a.kind, "parent": a.parent,
                 "n_forms": len(a.aliases) + len(a.names) + len(a.contextual),
                 "aliases": "; ".join(a.aliases), "names": "; ".join(a.names),
                 "note": a.note} for a in self]
        return pd.DataFrame(rows)

    def forms(self) -> pd.DataFrame:
        """One row a form: ``actor, type, form`` (type: alias, name, contextual, anaphora)."""
        rows = [(f.actor, f.type, f.text) for f in self._forms(anaphora=True)]
        return pd.DataFrame(rows, columns=["actor", "type", "form"])

    def matcher(self, *, anaphora: bool = False) -> _Matcher:
        """The compiled matcher (built once per registry and ``anaphora`` setting)."""
        if anaphora not in self._matchers:
            self._matchers[anaphora] = _Matcher(self, anaphora=anaphora)
        return self._matchers[anaphora]

    # -- internals ------------------------------------------------------------------------
    def _forms(self, *, anaphora: bool) -> Iterator[_Form]:
        for a in self:
            yield from (_Form(a.id, "alias", t) for t in a.aliases)
            yield from (_Form(a.id, "name", t) for t in a.names)
            for c in a.contextual:
                yield _Form(a.id, "contextual", c.form,
                            frozenset(form_key(t, False) for t in c.after))
            if anaphora:
                yield from (_Form(a.id, "anaphora", t) for t in a.anaphora)

    def _validate(self) -> None:
        for a in self:
            where = f"{self.source}: actor {a.id!r}"
            if a.kind not in KINDS:
                raise RegistryError(f"{where}: kind {a.kind!r} is not one of {', '.join(KINDS)}.")
            if a.parent is not None and a.parent not in self._actors:
                raise RegistryError(f"{where}: parent {a.parent!r} is not an actor id; "
                                    "add that actor or correct the parent.")
            if a.id in self._ancestors_safe(a.id):
                raise RegistryError(f"{where}: its parents lead back to itself; "
                                    "break the cycle.")
            for text in (*a.aliases, *a.names, *(c.form for c in a.contextual), *a.anaphora):
                if not isinstance(text, str) or not text.strip():
                    raise RegistryError(f"{where}: empty or non-text form {text!r}.")
                if "*" in text.replace("* ", " ").rstrip("*"):
                    raise RegistryError(f"{where}: form {text!r} has a '*' inside a word; "
                                        "'*' may only end a word.")
        self._check_unique_forms()

    def _ancestors_safe(self, actor_id: str) -> list[str]:
        out, parent = [], self._actors[actor_id].parent
        while parent is not None and parent in self._actors and parent not in out:
            out.append(parent)
            parent = self._actors[parent].parent
        return out

    def _check_unique_forms(self) -> None:
        owner: dict[tuple[bool, str], str] = {}
        for f in self._forms(anaphora=False):
            key = (f.type != "name", form_key(f.text, f.type != "name"))
            if owner.setdefault(key, f.actor) != f.actor:
                raise RegistryError(f"{self.source}: the form {f.text!r} belongs to both "
                                    f"{owner[key]!r} and {f.actor!r}; keep it in one actor.")


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
            raise RegistryError(f"{path}: actor id {entry['id']!r} appears twice; "
                                "give each actor one entry with a unique id.")
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
        data = yaml.safe_load(text)
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
            merged[key] = list(old.get(key) or []) + [v for v in value or []
                                                       if v not in (old.get(key) or [])]
        elif key != "remove":
            merged[key] = value
    drop = [str(t) for t in new.get("remove") or []]
    for key in ("aliases", "names", "anaphora"):
        cased = key != "names"                    # names are matched ignoring case
        gone = {form_key(t, cased) for t in drop}
        merged[key] = [t for t in merged.get(key) or [] if form_key(t, cased) not in gone]
    gone = {form_key(t, True) for t in drop}
    merged["contextual"] = [c for c in merged.get("contextual") or []
                            if form_key(c.get("form", ""), True) not in gone]
    return merged


def _registry_from(entries: list[dict], caps_words: dict | None, source: str) -> Registry:
    actors = []
    for e in entries:
        _check_entry(e, source)
        missing = [k for k in ("name", "kind") if not e.get(k)]
        if missing:
            raise RegistryError(f"{source}: actor {e['id']!r} lacks {', '.join(missing)}.")
        contextual = tuple(Contextual(str(c["form"]), tuple(map(str, c.get("after") or ())))
                           for c in e.get("contextual") or [])
        actors.append(Actor(id=str(e["id"]), name=str(e["name"]), kind=str(e["kind"]),
                            parent=e.get("parent"), aliases=_strings(e, "aliases"),
                            names=_strings(e, "names"), contextual=contextual,
                            anaphora=_strings(e, "anaphora"), note=str(e.get("note") or "")))
    return Registry(actors, caps_words=caps_words, source=source)


def _strings(entry: dict, key: str) -> tuple[str, ...]:
    return tuple(str(v) for v in entry.get(key) or ())


# -- compiling the forms ------------------------------------------------------------------
class _Matcher:
    """Compiled regexes and lookups for one registry (see the module docstring)."""

    def __init__(self, registry: Registry, *, anaphora: bool):
        self.registry = registry
        forms = list(registry._forms(anaphora=anaphora))
        cased = [f for f in forms if f.type != "name"]
        names = [f for f in forms if f.type == "name"]
        self.regexes = [re.compile(f"(?:{trie_pattern(form_atoms(f.text, c) for f in group)})"
                                   + _RIGHT_EDGE)
                        for group, c in ((cased, True), (names, False)) if group]
        self.lookup: dict[tuple[bool, str], list[_Form]] = {}
        self.wild: list[tuple[re.Pattern, _Form]] = []
        for f in forms:
            is_cased = f.type != "name"
            if "*" in f.text:
                self.wild.append((re.compile("".join(form_atoms(f.text, is_cased))), f))
            else:
                self.lookup.setdefault((is_cased, form_key(f.text, is_cased)), []).append(f)
        self.ancestors = {a.id: registry.ancestors(a.id) for a in registry}

    def forms_of(self, surface: str) -> list[_Form]:
        """The registry forms a matched surface came from (several only for anaphora)."""
        found = self.lookup.get((True, form_key(surface, True)))
        if found is None:
            found = self.lookup.get((False, form_key(surface, False)))
        if found is None:
            found = [f for rx, f in self.wild if rx.fullmatch(surface)]
        return found or []

    def hits(self, text: str) -> list[tuple[int, int]]:
        """Non-overlapping (start, end) spans of forms that pass the word-boundary checks."""
        spans = [(m.start(), m.end()) for rx in self.regexes for m in rx.finditer(text)]
        spans = [s for s in spans if _left_edge_ok(text, s[0]) and not _in_url(text, *s)]
        spans.sort(key=lambda s: (s[0], -s[1]))
        out: list[tuple[int, int]] = []
        for start, end in spans:
            if not out or start >= out[-1][1]:
                out.append((start, end))
        return out


def _left_edge_ok(text: str, start: int) -> bool:
    """No letter before a hit, except a lower-case one before a capital or Arabic clitics."""
    if start == 0 or not text[start - 1].isalpha():
        return True
    first, prev = text[start], text[start - 1]
    if prev.islower() and first.isupper():
        return True                                    # glued words: "theUN", "4thNATO"
    if "\u0600" <= first <= "\u06ff":
        i = start
        while i > 0 and text[i - 1].isalpha():
            i -= 1
        run = text[i:start]
        return len(run) <= 2 and set(run) <= _ARABIC_CLITICS
    return False


def _in_url(text: str, start: int, end: int) -> bool:
    """Whether the whitespace-delimited token around a hit looks like a URL or e-mail."""
    left = text.rfind(" ", max(0, start - 300), start)
    left = max(left, text.rfind("\n", max(0, start - 300), start)) + 1
    right = end
    while right < len(text) and right - end < 300 and not text[right].isspace():
        right += 1
    return bool(_URL_LIKE.search(text[left:right]))


# -- finding mentions in one document -----------------------------------------------------
@dataclass
class _Hit:
    start: int
    end: int
    surface: str
    forms: list[_Form]
    sentence: int = 0
    actor: str | None = None


def sentence_starts(text: str) -> list[int]:
    """Offsets at which the sentences of ``text`` start (see the module docstring)."""
    return [0] + [m.end() for m in _SENTENCE_END.finditer(text)]


def _doc_mentions(text: str, lang: str | None, matcher: _Matcher,
                  context_actors: frozenset[str] = frozenset()) -> list[_Hit]:
    hits = [_Hit(s, e, text[s:e], matcher.forms_of(text[s:e])) for s, e in matcher.hits(text)]
    hits = [h for h in hits if h.forms and not _caps_word(text, h, lang, matcher.registry)]
    if not hits:
        return []
    starts = sentence_starts(text)
    for i, h in enumerate(hits):
        h.sentence = bisect_right(starts, h.start) - 1
        form = h.forms[0]
        if form.type == "name" or (form.type == "alias" and (
                " " not in form.text or not _part_of_other_name(text, hits, i, starts, None))):
            h.actor = form.actor
    named = _named_by_sentence(hits, matcher)
    for i, h in enumerate(hits):
        if h.forms[0].type == "contextual":
            h.actor = _resolve_contextual(text, hits, i, named, starts, matcher, context_actors)
        elif h.forms[0].type == "anaphora":
            h.actor = _resolve_anaphor(text, hits, i)
    return [h for h in hits if h.actor is not None]


def _caps_word(text: str, hit: _Hit, lang: str | None, registry: Registry) -> bool:
    """An all-caps alias that is a word of the document's language, inside all-caps text."""
    langs = registry.caps_words.get(hit.surface)
    if not langs or not lang or str(lang).split("-")[0].lower() not in langs:
        return False
    before = re.search(r"([^\W\d_]+)[^\w]*$", text[max(0, hit.start - 40):hit.start])
    after = re.match(r"[^\w]*([^\W\d_]+)", text[hit.end:hit.end + 40])
    return any(m and len(m.group(1)) > 1 and m.group(1).isupper() for m in (before, after))


def _named_by_sentence(hits: list[_Hit], matcher: _Matcher) -> dict[int, set[str]]:
    """Actors (and their ancestors) named by an alias or a name, per sentence."""
    named: dict[int, set[str]] = {}
    for h in hits:
        if h.actor is not None:
            named.setdefault(h.sentence, set()).update([h.actor, *matcher.ancestors[h.actor]])
    return named


def _resolve_contextual(text: str, hits: list[_Hit], i: int, named: dict[int, set[str]],
                        starts: list[int], matcher: _Matcher,
                        context_actors: frozenset[str]) -> str | None:
    """The actor of a contextual hit, or None when the context does not make it clear."""
    hit, form = hits[i], hits[i].forms[0]
    family = {form.actor, *matcher.ancestors[form.actor]}
    if _bracketed_after(text, hits, i, family):
        return form.actor
    if _part_of_other_name(text, hits, i, starts, family):
        return None
    if family & (named.get(hit.sentence, set()) | context_actors):
        return form.actor
    earlier = {form_key(h.surface, False) for h in hits[:i] if h.actor == form.actor}
    licensed = form.after | {form_key(form.text, False)}
    return form.actor if earlier & licensed else None


def _bracketed_after(text: str, hits: list[_Hit], i: int, family: set[str]) -> bool:
    """``<mention of actor> (FORM)``: the form abbreviates the mention just before it."""
    if i == 0 or hits[i - 1].actor not in family:
        return False
    between, after = text[hits[i - 1].end:hits[i].start], text[hits[i].end:hits[i].end + 3]
    return re.fullmatch(r"\s*\(\s*", between) is not None and after.lstrip().startswith(")")


def _part_of_other_name(text: str, hits: list[_Hit], i: int, starts: list[int],
                        family: set[str] | None) -> bool:
    """Whether a hit is part of a longer name it does not belong to.

    True for a capitalised word right before ("National Security Council", "South-East
    Asia Collective Security Treaty"; not a sentence's first word, not "Moscow-led"),
    a capitalised word + "and" before ("Peace and Security Council"), or "of <Capital>"
    after ("Security Council of Kyrgyzstan"), unless those words belong to a mention of
    the same actor (``family``: the actor and its ancestors; None: any actor).
    """
    hit = hits[i]
    prev = None if starts[hit.sentence] == hit.start else _word_before(text, hit.start)
    if prev is not None and prev.group(1) in ("and", "&"):
        prev = _word_before(text, prev.start(1))
        if prev is not None and _capitalised(prev.group(1)) \
                and not _ends_mention(hits, i, prev.start(1), family):
            return True
    elif prev is not None and _capitalised(prev.group(1)):
        at_sentence_start = starts[bisect_right(starts, prev.start(1)) - 1] == prev.start(1)
        if not at_sentence_start and not _ends_mention(hits, i, prev.start(1), family):
            return True
    nxt = _OF_NEXT.match(text, hit.end) if family is not None else None
    if nxt and text[nxt.end()].isupper():
        following = hits[i + 1] if i + 1 < len(hits) else None
        return not (following and following.start == nxt.end()
                    and (following.actor or following.forms[0].actor) in family)
    return False


def _word_before(text: str, pos: int) -> re.Match | None:
    return _PREV_WORD.search(text, max(0, pos - 60), pos)


def _capitalised(word: str) -> bool:
    """"Kazakh", "South-East", "Kazakhstan's" yes; "the", "Moscow-led" no."""
    return word.split("-")[-1][:1].isupper()


def _ends_mention(hits: list[_Hit], i: int, word_start: int, family: set[str] | None) -> bool:
    """Whether the hit before ``hits[i]`` ends inside the word starting at ``word_start``."""
    if i == 0 or hits[i - 1].end <= word_start:
        return False
    before = hits[i - 1]
    return family is None or (before.actor or before.forms[0].actor) in family


def _resolve_anaphor(text: str, hits: list[_Hit], i: int) -> str | None:
    """``the Alliance`` -> the most recently named actor that uses this anaphor, if any."""
    hit = hits[i]
    prev = re.search(r"(\w+)\s+$", text[max(0, hit.start - 20):hit.start])
    if not prev or prev.group(1).lower() not in _DETERMINERS:
        return None
    candidates = {f.actor for f in hit.forms}
    for h in reversed(hits[:i]):
        if h.forms[0].type in ("alias", "name") and h.actor in candidates:
            return h.actor
    return None


# -- the public mention layer -------------------------------------------------------------
def mentions(corpus_or_docs: Any, actors: Sequence[str] | str | None = None, *,
             registry: Registry | None = None, include_children: bool = False,
             anaphora: bool = False, context_actors: Sequence[str] = (),
             progress: bool | None = None) -> pd.DataFrame:
    """Find every mention of the registry's actors in a corpus.

    Parameters
    ----------
    corpus_or_docs : Corpus, DataFrame, Series, str or list of str
        A corpus, a table with ``doc_id`` and ``text`` (and optionally ``lang``), texts
        indexed by doc id, or plain texts (doc ids ``"0"``, ``"1"``...).
    actors : str or list of str, optional
        Actor ids to report (default: all). Matching always uses the whole registry, so
        "UNESCO" stays UNESCO's even when only ``"UN"`` is asked for.
    registry : Registry, optional
        Default: :func:`load_registry()`.
    include_children : bool, default False
        Report a child's mentions (UNHCR, CRRF, NRC...) as its nearest listed ancestor
        (with ``actors=None``: as its top-level actor).
    anaphora : bool, default False
        Also count anaphora ("the Alliance" as NATO) in documents that named the actor before.
    context_actors : list of str, optional
        Actors the whole corpus is about, whose contextual forms count without further
        context, e.g. ``["UN"]`` for the UN General Debate, where "the Security Council" is
        always the UN's. The "National Security Council" rules still apply.
    progress : bool, optional
        Show a progress bar (default: for more than 2,000 documents).

    Returns
    -------
    pandas.DataFrame
        Columns ``doc_id, actor, start, end, surface, sentence_id``, one row a mention, in
        document and text order; ``text[start:end] == surface``. ``attrs`` records the
        parameters and ``actors`` (the ids asked for, or those found).

    Examples
    --------
    >>> mentions("The UN-CSTO declaration.")[["actor", "surface"]].values.tolist()
    [['UN', 'UN'], ['CSTO', 'CSTO']]
    """
    from tqdm.auto import tqdm

    registry = registry or load_registry()
    docs = _as_docs(corpus_or_docs)
    report = _report_map(registry, actors, include_children)
    matcher = registry.matcher(anaphora=anaphora)
    always = frozenset(_asked(context_actors) or ())
    _report_map(registry, sorted(always), False)          # unknown ids raise
    show = progress if progress is not None else len(docs) > 2000
    cols: dict[str, list] = {c: [] for c in MENTION_COLUMNS}
    rows = zip(docs["doc_id"], docs["text"], docs["lang"])
    for doc_id, text, lang in tqdm(rows, total=len(docs), desc="mentions", disable=not show):
        if not isinstance(text, str):
            continue
        for h in _doc_mentions(text, lang if isinstance(lang, str) else None, matcher, always):
            actor = report.get(h.actor)
            if actor is not None:
                for col, value in zip(MENTION_COLUMNS,
                                      (doc_id, actor, h.start, h.end, h.surface, h.sentence)):
                    cols[col].append(value)
    out = _mention_frame(cols)
    out.attrs.update(actors=_asked(actors) or sorted(out["actor"].unique()),
                     include_children=include_children, anaphora=anaphora,
                     context_actors=sorted(always),
                     registry=registry.source)
    return out


def _as_docs(obj: Any) -> pd.DataFrame:
    """``doc_id, text, lang`` from any of the inputs :func:`mentions` accepts."""
    if hasattr(obj, "docs") and hasattr(obj, "fingerprint"):
        obj = obj.docs
    if isinstance(obj, str):
        obj = [obj]
    if isinstance(obj, pd.Series):
        obj = pd.DataFrame({"doc_id": obj.index.astype(str), "text": obj.to_numpy()})
    elif not isinstance(obj, pd.DataFrame):
        texts = list(obj)
        obj = pd.DataFrame({"doc_id": [str(i) for i in range(len(texts))], "text": texts})
    missing = {"doc_id", "text"} - set(obj.columns)
    if missing:
        raise ValueError(f"mentions() needs 'doc_id' and 'text' columns; {sorted(missing)} "
                         "missing. Pass a Corpus or corpus.docs.")
    lang = obj["lang"] if "lang" in obj else pd.Series([None] * len(obj), index=obj.index)
    return pd.DataFrame({"doc_id": obj["doc_id"].to_numpy(), "text": obj["text"].to_numpy(),
                         "lang": lang.to_numpy()})


def _asked(actors: Sequence[str] | str | None) -> list[str] | None:
    return [actors] if isinstance(actors, str) else (list(actors) if actors else None)


def _report_map(registry: Registry, actors: Sequence[str] | str | None,
                include_children: bool) -> dict[str, str]:
    """matched actor id -> reported actor id (absent: not reported)."""
    asked = _asked(actors)
    unknown = [a for a in asked or () if a not in registry]
    if unknown:
        raise ValueError(f"unknown actor id(s) {unknown}; known ids: {', '.join(registry.ids)}. "
                         "Check the spelling or add the actor to your registry YAML.")
    if asked is None:
        return {a: (registry.root(a) if include_children else a) for a in registry.ids}
    out = {a: a for a in asked}
    if include_children:
        for a in registry.ids:
            nearest = next((p for p in registry.ancestors(a) if p in out and out[p] == p), None)
            if a not in out and nearest is not None:
                out[a] = nearest
    return out


def _mention_frame(cols: dict[str, list]) -> pd.DataFrame:
    return pd.DataFrame({
        "doc_id": pd.Series(cols["doc_id"], dtype="string"),
        "actor": pd.Series(cols["actor"], dtype="string"),
        "start": pd.Series(cols["start"], dtype="int64"),
        "end": pd.Series(cols["end"], dtype="int64"),
        "surface": pd.Series(cols["surface"], dtype="string"),
        "sentence_id": pd.Series(cols["sentence_id"], dtype="int64"),
    })


# -- summaries ----------------------------------------------------------------------------
def mention_counts(mentions: pd.DataFrame, docs: Any, by: str | Sequence[str] | None = None,
                   *, actors: Sequence[str] | None = None) -> pd.DataFrame:
    """Mentions per document or per metadata group, with rates per 10,000 words.

    Parameters
    ----------
    mentions : DataFrame
        The output of :func:`mentions`.
    docs : Corpus or DataFrame
        The documents the mentions came from: ``doc_id``, ``n_words`` (or ``text``) and the
        ``by`` columns.
    by : str or list of str, optional
        Metadata column(s) to group documents by (default: one row a document).
    actors : list of str, optional
        Actors to report, zeros included (default: ``mentions.attrs["actors"]``, else those
        found).

    Returns
    -------
    pandas.DataFrame
        One row a (group, actor): the ``by`` columns (or ``doc_id``), ``actor``, ``n_docs``,
        ``n_docs_mentioning``, ``n_mentions``, ``n_words`` and
        ``per_10k_words = 10_000 * n_mentions / n_words``.
    """
    table = docs.docs if hasattr(docs, "fingerprint") else pd.DataFrame(docs)
    keys = ["doc_id"] if by is None else ([by] if isinstance(by, str) else list(by))
    if "n_words" not in table:
        table = table.assign(n_words=table["text"].str.split().str.len())
    table = table[list(dict.fromkeys(["doc_id", *keys, "n_words"]))]
    actors = list(actors or mentions.attrs.get("actors") or sorted(mentions["actor"].unique()))
    per_doc = (mentions.groupby(["doc_id", "actor"], observed=True).size()
               .rename("n_mentions").reset_index())
    grid = table.merge(pd.DataFrame({"actor": pd.Series(actors, dtype="string")}), how="cross")
    grid["doc_id"] = grid["doc_id"].astype("string")
    per_doc["doc_id"] = per_doc["doc_id"].astype("string")
    grid = grid.merge(per_doc, on=["doc_id", "actor"], how="left")
    grid["n_mentions"] = grid["n_mentions"].fillna(0).astype("int64")
    grid["mentioning"] = grid["n_mentions"] > 0
    out = (grid.groupby([*keys, "actor"], observed=True, dropna=False, sort=True)
           .agg(n_docs=("doc_id", "size"), n_docs_mentioning=("mentioning", "sum"),
                n_mentions=("n_mentions", "sum"), n_words=("n_words", "sum"))
           .reset_index())
    out["per_10k_words"] = 10_000 * out["n_mentions"] / out["n_words"].where(out["n_words"] > 0)
    out.attrs.update(by=keys, actors=actors)
    return out


def mention_shares(mentions: pd.DataFrame, docs: Any, by: str, *,
                   actors: Sequence[str] | None = None, n_boot: int = 1000, ci: float = 0.95,
                   random_state: int | None = 0) -> pd.DataFrame:
    """Share of the documents in each group that name each actor, with bootstrap intervals.

    Documents are resampled with replacement within their group (a stratified
    nonparametric bootstrap, Efron & Tibshirani 1993, ch. 13), and the interval is the
    percentile interval of the resampled shares.

    Parameters
    ----------
    mentions : DataFrame
        The output of :func:`mentions`.
    docs : Corpus or DataFrame
        ``doc_id``, ``n_words`` (or ``text``) and the ``by`` column.
    by : str
        Metadata column that defines the groups (e.g. a period or a bloc).
    actors : list of str, optional
        As in :func:`mention_counts`.
    n_boot : int, default 1000
    ci : float, default 0.95
    random_state : int, optional

    Returns
    -------
    pandas.DataFrame
        ``by, actor, n_docs, n_docs_mentioning, share, low, high``.
    """
    from analysis.framing.bootstrap import cluster_bootstrap

    table = docs.docs if hasattr(docs, "fingerprint") else pd.DataFrame(docs)
    per_doc = mention_counts(mentions, table, actors=actors)
    per_doc = per_doc.merge(table[["doc_id", by]].astype({"doc_id": "string"}), on="doc_id")
    per_doc["named"] = per_doc["n_mentions"] > 0
    boot = cluster_bootstrap(per_doc, ["named"], by=by, n_boot=n_boot,
                             random_state=random_state)
    low, high = boot.interval(ci)
    out = boot.cells.rename(columns={"group": by})[[by, "actor", "n_docs"]]
    out["n_docs_mentioning"] = boot.sums[:, 0].astype("int64")
    out["share"], out["low"], out["high"] = boot.estimate[:, 0], low[:, 0], high[:, 0]
    out.attrs.update(by=by, n_boot=n_boot, ci=ci)
    return out


def co_mentions(mentions: pd.DataFrame, level: str = "sentence", *,
                max_actors: int | None = None, involving: Sequence[str] = ()) -> pd.DataFrame:
    """Pairs of actors named in the same sentence (or document).

    Parameters
    ----------
    mentions : DataFrame
        The output of :func:`mentions`.
    level : {"sentence", "document"}
        The unit two actors must share.
    max_actors : int, optional
        Leave out units naming more than this many distinct actors: enumerations such as
        a list of memberships name organizations together without relating them.
    involving : list of str, optional
        Keep only pairs with at least one of these actors.

    Returns
    -------
    pandas.DataFrame
        One row a pair (``actor_a < actor_b``): ``n_units`` (units naming both),
        ``n_units_a``, ``n_units_b`` (units naming each) and ``jaccard =
        n_units / (n_units_a + n_units_b - n_units)``; most frequent pairs first.
    """
    if level not in ("sentence", "document"):
        raise ValueError(f"level must be 'sentence' or 'document', not {level!r}")
    unit = ["doc_id", "sentence_id"] if level == "sentence" else ["doc_id"]
    present = mentions[[*unit, "actor"]].drop_duplicates()
    if max_actors is not None:
        size = present.groupby(unit, observed=True)["actor"].transform("size")
        present = present[size <= max_actors]
    per_actor = present.groupby("actor", observed=True).size()
    pairs = present.merge(present, on=unit, suffixes=("_a", "_b"))
    pairs = pairs[pairs["actor_a"] < pairs["actor_b"]]
    out = (pairs.groupby(["actor_a", "actor_b"], observed=True).size()
           .rename("n_units").reset_index())
    out["n_units_a"] = out["actor_a"].map(per_actor).astype("int64")
    out["n_units_b"] = out["actor_b"].map(per_actor).astype("int64")
    out["jaccard"] = out["n_units"] / (out["n_units_a"] + out["n_units_b"] - out["n_units"])
    if involving:
        out = out[out["actor_a"].isin(involving) | out["actor_b"].isin(involving)]
    out = out.sort_values(["n_units", "actor_a", "actor_b"], ascending=[False, True, True])
    out = out.reset_index(drop=True)
    out.attrs.update(level=level, max_actors=max_actors, involving=list(involving))
    return out
