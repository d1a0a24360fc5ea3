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
of the group tables, and a :class:`GroupingNote` warning says how many documents and why.
Stages that print labels use :func:`group_strings`, which writes a
label as text (a year read as ``1990.0`` as ``"1990"``).
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from analysis.errors import MissingColumnError, OptionError, did_you_mean

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

    Warns
    -----
    GroupingNote
        When some rows have no group: how many documents are left out, and why.
    """
    if by is None:
        return pd.Series([ALL] * len(table), index=table.index, dtype=object)
    labels = _labels(table, by, frames)
    missing = labels.isna().to_numpy()
    if missing.any():
        _note_left_out(table, by, missing)
    return labels


#: Why a row of a derived grouping has no group, for the note of :func:`resolve_groups`.
_WHY = {"bloc": "no country", "origin": "no source", "year": "no date"}


def _note_left_out(table: pd.DataFrame, by: By, missing: np.ndarray) -> None:
    """Warn how many documents ``by`` leaves out (rows without a label), and why."""
    if "doc_id" in table.columns:
        ids = table["doc_id"].astype(str).to_numpy()
        n_out, n_all = len(set(ids[missing]) - set(ids[~missing])), len(set(ids))
        unit = "documents"
    else:
        n_out, n_all, unit = int(missing.sum()), len(table), "rows"
    if n_out == 0:
        return
    name = by if isinstance(by, str) else by_label(by)
    why = (
        f"no {by!r} value"
        if isinstance(by, str) and by in table.columns
        else _WHY.get(str(by), "no label")
    )
    warnings.warn(
        f"by={name!r}: {n_out} of {n_all} {unit} have no group ({why}) and are left out "
        "of the group tables.",
        GroupingNote,
        stacklevel=3,
    )


def _labels(table: pd.DataFrame, by: By, frames) -> pd.Series:
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
        raise OptionError(
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
    """:func:`group_label` of every label (same index).

    Typed columns (years, categories, strings) are labelled once per distinct value; an
    object column value by value (there ``True`` and ``1`` are equal, but not the same label).
    """
    if labels.dtype == object:
        return pd.Series(_each_label(labels.tolist()), index=labels.index, dtype=object)
    codes, uniques = pd.factorize(labels, use_na_sentinel=True)
    names = np.array([group_label(v) for v in uniques] + [None], dtype=object)
    return pd.Series(names[codes], index=labels.index, dtype=object)


def _each_label(values: list) -> list[str | None]:
    """:func:`group_label` of each value, worked out once per distinct (type, value)."""
    seen: dict = {}
    out = []
    for value in values:
        try:
            key = (type(value), value)
            label = seen[key]
        except KeyError:
            label = seen[key] = group_label(value)
        except TypeError:  # unhashable, or a comparison with no truth value (pd.NA)
            label = group_label(value)
        out.append(label)
    return out


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
        order; the first matching bloc wins) or ``"other"``, aligned with ``docs``; None
        for a document without a country (no group).
    """
    frames = _frames(frames)
    flags = {b: f"member_{b.lower()}" for b in frames.blocs}
    if all(c in docs.columns for c in flags.values()):
        members = {b: docs[flags[b]].fillna(False).astype(bool) for b in frames.blocs}
        known = np.ones(len(docs), dtype=bool)
    else:
        members, known = _members_by_country(docs, frames.blocs, country, year)
    labels = pd.Series(OTHER, index=docs.index, dtype=object)
    for bloc in reversed(list(frames.blocs)):
        labels[members[bloc]] = f"{bloc} members"
    labels[~known] = None
    return labels


def _members_by_country(
    docs: pd.DataFrame, blocs: dict, country: str, year: str
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """``{bloc: member?}`` of each document, and which documents have a country at all.

    Membership is read from the ISO3 country and, when there is one, the year.
    """
    col = country if country in docs.columns else "iso3" if "iso3" in docs.columns else None
    if col is None:
        raise KeyError(
            f"member_bloc needs member_* flags or a {country!r} (ISO3) column; "
            f"found {list(docs.columns)}"
        )
    years = pd.to_numeric(docs[year], errors="coerce") if year in docs.columns else None
    codes = docs[col].astype(object).where(docs[col].notna(), "").astype(str).str.upper()
    when = years if years is not None else [None] * len(codes)
    members = {
        bloc: np.asarray(
            [_is_member(spans.get(c), None if years is None else y) for c, y in zip(codes, when)],
            dtype=bool,
        )
        for bloc, spans in blocs.items()
    }
    return members, (codes.str.strip() != "").to_numpy()


def _is_member(spans: list | None, year: float | None) -> bool:
    if not spans:
        return False
    if year is None or pd.isna(year):
        return any(b is None for _, b in spans)
    return any(a <= year and (b is None or year <= b) for a, b in spans)


#: The outlet table shipped with the package (see :func:`load_outlets`).
OUTLETS_FILE = Path(__file__).parent / "data" / "outlets.csv"
OUTLET_COLUMNS = ["source", "origin", "country"]


class GroupingNote(UserWarning):
    """Documents a grouping left out, or put in ``"other"`` for want of a listing."""


def load_outlets(path: str | Path | None = None) -> pd.DataFrame:
    """The table of where outlets come from: ``source, origin, country``.

    Parameters
    ----------
    path : str or Path, optional
        A CSV with the columns ``source`` (a web domain or an outlet's name) and
        ``origin`` (its group), optionally ``country`` (ISO3); lines starting with ``#``
        are comments. Its rows come first and win over the built-in ones
        (``analysis/data/outlets.csv``, which lists every outlet of the sample article
        folders and the main wire services). Default: the built-in table alone.

    Returns
    -------
    DataFrame
        One row per source, ``source`` lower-cased, the given file's rows first.

    Raises
    ------
    analysis.errors.OptionError
        When the file is missing or lacks ``source`` or ``origin``.
    """
    tables = ([_read_outlets(Path(path))] if path is not None else []) + [_builtin_outlets()]
    table = pd.concat(tables, ignore_index=True)
    table["source"] = table["source"].map(_outlet_key)
    table = table[table["source"] != ""]
    return table.drop_duplicates("source", keep="first").reset_index(drop=True)


@functools.cache
def _builtin_outlets() -> pd.DataFrame:
    """The shipped table, read once a process (every ``by="origin"`` call looks it up)."""
    return _read_outlets(OUTLETS_FILE)


def _read_outlets(file: Path) -> pd.DataFrame:
    from analysis.inputs import read_table_file

    return read_table_file(
        file,
        option="--outlets",
        need=["source", "origin"],
        what="an outlet table",
        comment="#",
        dtype=str,
        keep_default_na=False,
    ).reindex(columns=OUTLET_COLUMNS, fill_value="")


def _outlet_key(value: Any) -> str:
    """A source as looked up: lower case, single spaces, no ``www.``."""
    if not isinstance(value, str):
        return ""
    return " ".join(value.split()).lower().removeprefix("www.")


def source_origin(
    docs: pd.DataFrame,
    *,
    column: str = "source",
    frames: FrameDictionary | str | Path | None = None,
    outlets: str | Path | pd.DataFrame | None = None,
) -> pd.Series:
    """Where each document's outlet comes from, by the outlet table (:func:`load_outlets`).

    Parameters
    ----------
    docs : DataFrame
        Contexts or documents with a ``source`` column: an outlet's web domain or its name.
    column : str
    frames : FrameDictionary or path, optional
        A frame dictionary whose ``outlets`` section (``{origin: [source, ...]}``) adds
        rows to the table (the built-in dictionary has none).
    outlets : path or DataFrame, optional
        Your own outlet table (``source,origin[,country]``), whose rows win.

    Returns
    -------
    pandas.Series of object
        The origin (``"Russia/Belarus"``, ``"Western"``...); ``"other"`` for a source
        not in the table; None for a document without a source. A domain matches its
        listed form with or without ``www.`` and as a sub-domain of it; a name matches
        whatever its case.

    Warns
    -----
    GroupingNote
        Naming the sources grouped as ``"other"`` because the table does not list them.
    """
    table = outlets if isinstance(outlets, pd.DataFrame) else load_outlets(outlets)
    lookup = dict(zip(table["source"].map(_outlet_key), table["origin"]))
    extra = _frames(frames).outlets if frames is not None else {}
    lookup = {**{_outlet_key(d): o for o, ds in extra.items() for d in ds}, **lookup}
    unlisted: dict[str, None] = {}

    def origin(value: Any) -> str | None:
        key = _outlet_key(value)
        if not key:
            return None
        host = key
        while host:
            if host in lookup:
                return lookup[host]
            host = host.partition(".")[2] if host.count(".") > 1 else ""
        unlisted[str(value)] = None
        return OTHER

    labels = pd.Series([origin(v) for v in docs[column]], index=docs.index, dtype=object)
    if unlisted:
        names = list(unlisted)
        warnings.warn(
            f"by='origin': {len(names)} source(s) are not in the outlet table and are "
            f"grouped as 'other': {', '.join(names[:8])}{' ...' if len(names) > 8 else ''}. "
            "Add them to a CSV with source,origin columns and pass it as outlets= "
            "(--outlets FILE on the command line).",
            GroupingNote,
            stacklevel=2,
        )
    return labels


def origin_groups(outlets: str | Path | pd.DataFrame | None = None) -> Callable:
    """A ``by`` that groups documents by outlet origin with your own outlet table.

    ``by=origin_groups("my_outlets.csv")`` works wherever ``by="origin"`` does.
    """
    table = outlets if isinstance(outlets, pd.DataFrame) else load_outlets(outlets)

    def origin(docs: pd.DataFrame) -> pd.Series:
        return source_origin(docs, outlets=table)

    return origin


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
