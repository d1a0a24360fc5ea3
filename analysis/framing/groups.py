"""Groups of contexts (``by``): a column, labels, or a name derived from the metadata.

:func:`group_labels` resolves ``by``; :func:`member_bloc` and :func:`source_origin` derive
``"bloc"`` and ``"origin"`` from the dictionary's tables (see the "Groups" section of
:mod:`analysis.framing`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd

from analysis.framing.dictionary import FrameDictionary, load_frames

#: Group names :func:`group_labels` derives when the contexts lack such a column.
DERIVED_GROUPS = ("bloc", "origin", "year")
#: Label of documents outside every bloc, and of outlets not listed.
OTHER = "other"


def member_bloc(docs: pd.DataFrame, *, country: str = "country", year: str = "year",
                frames: FrameDictionary | str | Path | None = None) -> pd.Series:
    """Which bloc each document's country belonged to when it was written.

    Parameters
    ----------
    docs : DataFrame
        Contexts or documents with ``member_csto``/``member_nato`` flags (factbook), or an
        ISO3 ``country`` (or ``iso3``) column and, optionally, a ``year``.
    country, year : str
        Column names; without a year, current membership is used.
    frames : FrameDictionary or path, optional
        Where the ``blocs`` table comes from (default: the built-in ``frames.yml``).

    Returns
    -------
    pandas.Series of str
        ``"CSTO members"``, ``"NATO members"`` (one label per bloc in the table, in its
        order; the first matching bloc wins) or ``"other"``, aligned with ``docs``.
    """
    frames = load_frames(frames)
    flags = {b: f"member_{b.lower()}" for b in frames.blocs}
    if all(c in docs.columns for c in flags.values()):
        members = {b: docs[flags[b]].fillna(False).astype(bool) for b in frames.blocs}
    else:
        members = _members_by_country(docs, frames.blocs, country, year)
    labels = pd.Series(OTHER, index=docs.index, dtype=object)
    for bloc in reversed(list(frames.blocs)):
        labels[members[bloc]] = f"{bloc} members"
    return labels


def _members_by_country(docs: pd.DataFrame, blocs: dict, country: str,
                        year: str) -> dict[str, np.ndarray]:
    """``{bloc: member?}`` of each document, from its ISO3 country and (optional) year."""
    col = country if country in docs.columns else "iso3" if "iso3" in docs.columns else None
    if col is None:
        raise KeyError(f"member_bloc needs member_* flags or a {country!r} (ISO3) column; "
                       f"found {list(docs.columns)}")
    years = pd.to_numeric(docs[year], errors="coerce") if year in docs.columns else None
    codes = docs[col].astype(object).where(docs[col].notna(), "").astype(str).str.upper()
    when = years if years is not None else [None] * len(codes)
    return {bloc: np.asarray([_is_member(spans.get(c), None if years is None else y)
                              for c, y in zip(codes, when)], dtype=bool)
            for bloc, spans in blocs.items()}


def _is_member(spans: list | None, year: float | None) -> bool:
    if not spans:
        return False
    if year is None or pd.isna(year):
        return any(b is None for _, b in spans)
    return any(a <= year and (b is None or year <= b) for a, b in spans)


def source_origin(docs: pd.DataFrame, *, column: str = "source",
                  frames: FrameDictionary | str | Path | None = None) -> pd.Series:
    """Where each document's outlet comes from, by the ``outlets`` table of the dictionary.

    Parameters
    ----------
    docs : DataFrame
        Contexts or documents with a ``source`` column (an outlet's domain).
    column : str
    frames : FrameDictionary or path, optional

    Returns
    -------
    pandas.Series of str
        The origin (``"Russia/Belarus"``, ``"Western"``...) or ``"other"``. A domain
        matches its listed form with or without ``www.`` and as a sub-domain of it.
    """
    frames = load_frames(frames)
    lookup = {d: origin for origin, domains in frames.outlets.items() for d in domains}

    def origin(value: Any) -> str:
        host = str(value).lower().removeprefix("www.") if isinstance(value, str) else ""
        while host:
            if host in lookup:
                return lookup[host]
            host = host.partition(".")[2] if host.count(".") > 1 else ""
        return OTHER

    return docs[column].map(origin).astype(object)


def group_labels(contexts: pd.DataFrame, by: Any, *,
                 frames: FrameDictionary | str | Path | None = None) -> pd.Series:
    """One group label a context (missing: left out), from a column, a derived name or labels.

    ``by`` is a column of ``contexts``; ``"bloc"``, ``"origin"`` or ``"year"`` when there is
    no such column (see :func:`member_bloc`, :func:`source_origin`; the year of ``date``);
    or labels, one a context.
    """
    if isinstance(by, str):
        if by in contexts.columns:
            return contexts[by].astype(object).where(contexts[by].notna(), None)
        if by == "bloc":
            return member_bloc(contexts, frames=frames)
        if by == "origin":
            return source_origin(contexts, frames=frames)
        if by == "year" and "date" in contexts.columns:
            years = pd.to_datetime(contexts["date"], errors="coerce").dt.year.astype("Int64")
            return years.astype(object).where(years.notna(), None)
        raise KeyError(f"no column {by!r} in the contexts and not one of {DERIVED_GROUPS}; "
                       f"the columns are {list(contexts.columns)}")
    values = pd.Series(np.asarray(by, dtype=object), index=contexts.index)
    if len(values) != len(contexts):
        raise ValueError(f"by has {len(values)} labels for {len(contexts)} contexts")
    return values


def _with_groups(table: pd.DataFrame, by: Any, frames=None) -> pd.DataFrame:
    """``table`` with a ``group`` column (:func:`group_labels`), rows without one left out."""
    data = table.assign(group=group_labels(table, by, frames=frames).to_numpy())
    return data[data["group"].notna()]


def by_label(by: Any) -> str | None:
    """How ``by`` is recorded in ``attrs``: its name, or ``"<labels>"`` for an array."""
    return by if isinstance(by, str) or by is None else "<labels>"


def periods(years: Any, breaks: Sequence[int] = (1991, 2001, 2014, 2022)) -> pd.Series:
    """Period labels ``"1946-1991"``, ``"1992-2001"``... from years and the last year of each.

    Parameters
    ----------
    years : array-like of int
    breaks : list of int
        The last year of every period but the final one (default: the Soviet collapse,
        9/11, Crimea, the full-scale invasion of Ukraine).

    Returns
    -------
    pandas.Series of str (missing where the year is)
    """
    years = pd.to_numeric(pd.Series(years), errors="coerce")
    lo, hi = years.min(), years.max()
    edges = [lo - 1, *[b for b in sorted(breaks) if lo <= b < hi], hi]
    labels = [f"{int(a) + 1}-{int(b)}" for a, b in zip(edges[:-1], edges[1:])]
    cut = pd.cut(years, edges, labels=labels, include_lowest=True)
    return cut.astype(object).where(cut.notna(), None)
