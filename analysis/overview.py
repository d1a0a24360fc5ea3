"""Describe a corpus before analysing it: documents and words by group, lengths, memberships.

Each function takes a :class:`~analysis.corpus.Corpus` and returns a tidy table with fixed,
documented columns, ready to plot and to save beside the figure.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.errors import OptionError
from analysis.inputs import as_docs

#: Label of documents whose group value is missing or blank.
MISSING = "(missing)"
#: Label of the groups folded together by ``by_group(..., top=n)``.
OTHER = "(other)"


#: Columns tried, in order, when the asked-for grouping field cannot split the corpus.
GROUP_FALLBACKS = ("region", "country", "year", "source", "lang")


def group_field(corpus, preferred: str) -> str:
    """The metadata column to compare groups by: ``preferred`` if it splits the corpus.

    A column splits the corpus when it exists and has at least two distinct values;
    otherwise the first of :data:`GROUP_FALLBACKS` that does (the UN General Debate has no
    ``region`` and a single ``source``, so it falls back to ``country``).

    Parameters
    ----------
    corpus : Corpus or DataFrame
    preferred : str

    Returns
    -------
    str
        The column name; when nothing splits the corpus, ``preferred`` if it exists, else
        ``"lang"`` (a column every corpus has: one group).

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["a", "b"], "source": ["x", "x"], "lang": ["en", "ru"]})
    >>> group_field(docs, "region")
    'lang'
    """
    docs = as_docs(corpus, need=())
    for name in (preferred, *GROUP_FALLBACKS):
        if name in docs.columns and docs[name].nunique(dropna=True) >= 2:
            return name
    if preferred in docs.columns or "lang" not in docs.columns:
        return preferred
    return "lang"  # every corpus has it: one group, but a column that exists


def by_group(corpus, field: str, *, top: int | None = None) -> pd.DataFrame:
    """Documents and words per value of a metadata field.

    Parameters
    ----------
    corpus : Corpus
        The corpus to describe.
    field : str
        A column of ``corpus.docs`` (``"region"``, ``"source"``, ``"lang"``...).
    top : int, optional
        Keep the ``top`` largest groups (by documents) and fold the rest into one
        ``"(other)"`` row, listed last.

    Returns
    -------
    pandas.DataFrame
        One row a group, largest first (ties by name), with columns ``group`` (str; blank
        values are ``"(missing)"``), ``n_docs``, ``n_words``, ``share_docs`` and
        ``share_words`` (fractions of the corpus, each column summing to 1).
        ``attrs["field"]`` records the field.

    Raises
    ------
    ValueError
        If ``field`` is not a column of the corpus; the message lists the columns.

    Examples
    --------
    >>> by_group(analysis.load("factbook"), "region").head(2)  # doctest: +SKIP
        group  n_docs  n_words  share_docs  share_words
    0  africa      56    ...
    """
    docs = corpus.docs
    if field not in docs.columns:
        fields = [c for c in docs.columns if c not in ("doc_id", "text")]
        raise OptionError(f"corpus {corpus.name!r} has no field {field!r}; its fields are {fields}")
    groups = docs[field].astype("string").str.strip().replace("", pd.NA).fillna(MISSING)
    table = (
        pd.DataFrame({"group": groups.astype(str), "n_words": docs["n_words"]})
        .groupby("group", sort=False)
        .agg(n_docs=("n_words", "size"), n_words=("n_words", "sum"))
        .reset_index()
        .sort_values(["n_docs", "group"], ascending=[False, True], ignore_index=True)
    )
    if top is not None and len(table) > top:
        rest = table.iloc[top:]
        folded = pd.DataFrame(
            {"group": [OTHER], "n_docs": [rest["n_docs"].sum()], "n_words": [rest["n_words"].sum()]}
        )
        table = pd.concat([table.iloc[:top], folded], ignore_index=True)
    table = table.astype({"n_docs": "int64", "n_words": "int64"})
    table["share_docs"] = table["n_docs"] / table["n_docs"].sum()
    table["share_words"] = table["n_words"] / max(int(table["n_words"].sum()), 1)
    table.attrs["field"] = field
    return table


def lengths(corpus, *, bins: int = 30) -> pd.DataFrame:
    """Histogram of document lengths in words, on logarithmic bins.

    Parameters
    ----------
    corpus : Corpus
        The corpus to describe.
    bins : int, default 30
        Number of bins, evenly spaced in log(words) from the shortest to the longest document.

    Returns
    -------
    pandas.DataFrame
        One row a bin, columns ``bin_start``, ``bin_end`` (words; each bin holds
        ``bin_start <= n_words < bin_end``, the last one also its end) and ``n_docs``.
        The counts sum to the number of documents.
    """
    words = corpus.meta["n_words"].to_numpy()
    low, high = max(int(words.min()), 1), max(int(words.max()), 2)
    edges = np.geomspace(low, high if high > low else low + 1, bins + 1)
    counts, _ = np.histogram(np.clip(words, low, None), bins=edges)
    return pd.DataFrame({"bin_start": edges[:-1], "bin_end": edges[1:], "n_docs": counts})


def memberships(corpus) -> pd.DataFrame:
    """Documents per organization, from the boolean ``member_<org>`` columns.

    Parameters
    ----------
    corpus : Corpus
        A corpus with ``member_*`` columns (the built-in ``factbook`` has ``member_csto``,
        ``member_nato``, ``member_un``...); other corpora give an empty table.

    Returns
    -------
    pandas.DataFrame
        One row an organization, most members first, with columns ``organization``
        (upper case: ``"CSTO"``, ``"NATO"``, ``"UN"``...), ``n_docs`` (documents whose
        country is a member) and ``share_docs`` (fraction of all documents).
    """
    docs = corpus.docs
    cols = [c for c in docs.columns if c.startswith("member_")]
    table = pd.DataFrame(
        {
            "organization": [c.removeprefix("member_").upper() for c in cols],
            "n_docs": [int(docs[c].fillna(False).astype(bool).sum()) for c in cols],
        }
    )
    table["share_docs"] = table["n_docs"] / max(len(docs), 1)
    return table.sort_values(["n_docs", "organization"], ascending=[False, True], ignore_index=True)
