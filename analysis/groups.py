"""Groups (``by``): what it means, once, for every stage of the package.

Every function that compares groups (term frequencies, keyness, mention rates, frame
profiles, tone, topic prevalence, the scale path) takes ``by`` and resolves it here, with
:func:`resolve_groups`. ``by`` is one of:

``None``
    One group, labelled :data:`ALL` (``"all"``).
a column name
    The values of that document column (``source``, ``country``, ``year``, ``lang``...).
``"bloc"``, ``"origin"``, ``"year"`` (when there is no column of that name)
    Derived from the metadata (:data:`DERIVED_GROUPS`): the bloc a document's country
    belonged to when it was written (:func:`member_bloc`), where its outlet comes from
    (:func:`source_origin`), or the year of its ``date``.
labels
    A list, array or Series with one label a row.
a function
    Called with the table, it returns one label a row.

A row whose label is missing (NaN, None, an empty date) belongs to no group: it is left out
of the group tables. Stages that print labels use :func:`group_strings`, which writes a
label as text (a year read as ``1990.0`` as ``"1990"``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from analysis.errors import MissingColumnError, did_you_mean

if TYPE_CHECKING:
    from analysis.framing.dictionary import FrameDictionary

#: The label of the one group when ``by`` is None.
ALL = "all"
#: Group names derived from the metadata when the table has no such column.
DERIVED_GROUPS = ("bloc", "origin", "year")
#: Label of documents outside every bloc, and of outlets not listed.
OTHER = "other"

By = str | Sequence[Any] | Callable[[pd.DataFrame], Any] | None


def _frames(frames: FrameDictionary | str | Path | None) -> FrameDictionary:
    from analysis.framing.dictionary import load_frames  # lazy: framing imports this module

    return load_frames(frames)


def resolve_groups(
    table: pd.DataFrame, by: By, *, frames: FrameDictionary | str | Path | None = None
) -> pd.Series:
    """One group label a row of ``table``, None where it has none (see the module docstring).

    Parameters
    ----------
    table : DataFrame
        Documents, or rows that carry document metadata (contexts, units).
    by : None, str, array-like or callable
        A column, a derived name (``"bloc"``, ``"origin"``, ``"year"``), one label a row, or
        a function of ``table`` returning them.
    frames : FrameDictionary or path, optional
        Where the ``blocs`` and ``outlets`` tables of ``"bloc"`` and ``"origin"`` come from.

    Returns
    -------
    pandas.Series of object, aligned with ``table``
        The labels as found (a column's own values), None where missing.

    Raises
    ------
    KeyError
        When ``by`` is a name that is neither a column nor derived; the message lists the
        columns.
    ValueError
        When labels (or a function's result) do not have one label a row.
    """
    if by is None:
        return pd.Series([ALL] * len(table), index=table.index, dtype=object)
    if isinstance(by, str):
        if by in table.columns:
            return table[by].astype(object).where(table[by].notna(), None)
        if by == "bloc":
            return member_bloc(table, frames=frames)
        if by == "origin":
            return source_origin(table, frames=frames)
        if by == "year" and "date" in table.columns:
            years = pd.to_datetime(table["date"], errors="coerce").dt.year.astype("Int64")
            return years.astype(object).where(years.notna(), None)
        columns = [c for c in table.columns if c != "text"]
        raise MissingColumnError(
            f"--by / by={by!r}: no metadata column {by!r} (nor one of {DERIVED_GROUPS});"
            + f" the columns are {columns}."
            + did_you_mean(by, columns)
            + " Pass a column name, a derived name, one "
            "label a row, or a function of the table."
        )
    values = by(table) if callable(by) else by
    if len(values) != len(table):
        what = "by returned" if callable(by) else "by has"
        raise ValueError(
            f"{what} {len(values)} labels for {len(table)} rows; give one label a row."
        )
    values = pd.Series(np.asarray(values, dtype=object), index=table.index)
    return values.where(pd.notna(values), None)


def group_label(value: Any) -> str | None:
    """A group label as text: None for a missing value, ``1990.0`` as ``"1990"``."""
    if value is None or (np.ndim(value) == 0 and pd.isna(value)):
        return None
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value)


def group_strings(labels: pd.Series) -> pd.Series:
    """:func:`group_label` of every label (same index)."""
    return pd.Series([group_label(v) for v in labels], index=labels.index, dtype=object)


def with_groups(
    table: pd.DataFrame, by: By, *, frames: FrameDictionary | str | Path | None = None
) -> pd.DataFrame:
    """``table`` with a ``group`` column (:func:`resolve_groups`), rows without one left out."""
    data = table.assign(group=resolve_groups(table, by, frames=frames).to_numpy())
    return data[data["group"].notna()]


def by_label(by: By) -> str | None:
    """How ``by`` is recorded in ``attrs``: its name, a function's name, or ``"<labels>"``."""
    if isinstance(by, str) or by is None:
        return by
    if callable(by):
        return getattr(by, "__name__", "<function>")
    return "<labels>"


def member_bloc(
    docs: pd.DataFrame,
    *,
    country: str = "country",
    year: str = "year",
    frames: FrameDictionary | str | Path | None = None,
) -> pd.Series:
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
    frames = _frames(frames)
    flags = {b: f"member_{b.lower()}" for b in frames.blocs}
    if all(c in docs.columns for c in flags.values()):
        members = {b: docs[flags[b]].fillna(False).astype(bool) for b in frames.blocs}
    else:
        members = _members_by_country(docs, frames.blocs, country, year)
    labels = pd.Series(OTHER, index=docs.index, dtype=object)
    for bloc in reversed(list(frames.blocs)):
        labels[members[bloc]] = f"{bloc} members"
    return labels


def _members_by_country(
    docs: pd.DataFrame, blocs: dict, country: str, year: str
) -> dict[str, np.ndarray]:
    """``{bloc: member?}`` of each document, from its ISO3 country and (optional) year."""
    col = country if country in docs.columns else "iso3" if "iso3" in docs.columns else None
    if col is None:
        raise KeyError(
            f"member_bloc needs member_* flags or a {country!r} (ISO3) column; "
            f"found {list(docs.columns)}"
        )
    years = pd.to_numeric(docs[year], errors="coerce") if year in docs.columns else None
    codes = docs[col].astype(object).where(docs[col].notna(), "").astype(str).str.upper()
    when = years if years is not None else [None] * len(codes)
    return {
        bloc: np.asarray(
            [_is_member(spans.get(c), None if years is None else y) for c, y in zip(codes, when)],
            dtype=bool,
        )
        for bloc, spans in blocs.items()
    }


def _is_member(spans: list | None, year: float | None) -> bool:
    if not spans:
        return False
    if year is None or pd.isna(year):
        return any(b is None for _, b in spans)
    return any(a <= year and (b is None or year <= b) for a, b in spans)


def source_origin(
    docs: pd.DataFrame,
    *,
    column: str = "source",
    frames: FrameDictionary | str | Path | None = None,
) -> pd.Series:
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
    frames = _frames(frames)
    lookup = {d: origin for origin, domains in frames.outlets.items() for d in domains}

    def origin(value: Any) -> str:
        host = str(value).lower().removeprefix("www.") if isinstance(value, str) else ""
        while host:
            if host in lookup:
                return lookup[host]
            host = host.partition(".")[2] if host.count(".") > 1 else ""
        return OTHER

    return docs[column].map(origin).astype(object)


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
