"""``analysis topics``: fit a model to a corpus spec and write its tables as CSV."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.atomic import atomic_path
from analysis.topics.compare import prevalence
from analysis.topics.model import TopicModel
from analysis.topics.text_units import DEFAULT_ACTORS, UNIT_COLUMNS, units

#: The ks the command tries when no ``--k`` is given.
DEFAULT_KS = (4, 6, 8, 10, 12)
#: Metadata tried first when the CLI picks a field to group prevalence by.
_PREFERRED_FIELDS = ("source", "corpus", "region", "year", "session", "kind", "lang")
_NOT_GROUPS = {
    "title",
    "date",
    "author",
    "url",
    "fips",
    "iso3",
    "country_name",
    "memberships",
    "observer_of",
    "other_participation",
}


def default_group(table: pd.DataFrame, *, max_groups: int = 100) -> str | None:
    """The first metadata column that makes sensible groups (2 to ``max_groups`` values)."""
    candidates = [c for c in _PREFERRED_FIELDS if c in table] + [
        c for c in table.columns if c not in _PREFERRED_FIELDS
    ]
    for col in candidates:
        if col in UNIT_COLUMNS or col in _NOT_GROUPS:
            continue
        per_doc = table.drop_duplicates("doc_id")[col]
        n = per_doc.nunique(dropna=True)
        if 2 <= n <= max_groups and n < len(per_doc) / 2:
            return col
    return None


def run_cli(
    spec,
    *,
    k: int | None = None,
    ks: Sequence[int] = DEFAULT_KS,
    by: Any = "auto",
    model: str = "lda",
    seed: int = 0,
    out_dir: str | Path,
    unit: str = "document",
    n_boot: int = 1000,
) -> dict[str, Any]:
    """Fit a topic model to a corpus spec and write its tables (``analysis topics``).

    Parameters
    ----------
    spec : str, Path or Corpus
        Anything :func:`analysis.load` accepts.
    k : int, optional
        Topics; None chooses k from a sweep over ``ks`` (:func:`~analysis.topics.choose_k`)
        and writes the sweep as ``sweep.csv``.
    ks : list of int, default (4, 6, 8, 10, 12)
        The ks tried when ``k`` is None; those the data cannot carry
        (:func:`~analysis.topics.max_k`) are left out.
    by : str, callable or None, default "auto"
        Groups of the prevalence table (:func:`analysis.groups.resolve_groups`);
        ``"auto"`` takes :func:`default_group` (one group ``"all"`` when no field fits).
    model : {"lda", "nmf"}
    seed : int, default 0
        Seeds the fit and the bootstrap: the same seed writes byte-identical files.
    out_dir : str or Path
    unit : {"document", "paragraph", "actor_context"}, default "document"
    n_boot : int, default 1000

    Returns
    -------
    dict of str to Path
        The CSV files written by name: ``top_terms``, ``doc_topics`` (document level),
        ``prevalence``, and ``sweep`` when k was chosen (:func:`~analysis.topics.choose_k`
        of it gives the k).
    """
    import analysis
    from analysis.inputs import check_choice, is_corpus
    from analysis.topics.selection import choose_k, feasible_ks, sweep

    check_choice("--unit", unit, ["document", "paragraph", "actor_context"])
    corpus = spec if is_corpus(spec) else analysis.load(spec)
    table = units(corpus, unit, actors=() if unit != "actor_context" else DEFAULT_ACTORS)
    tables: dict[str, pd.DataFrame] = {}
    if k is None:
        tables["sweep"] = sweep(table, feasible_ks(ks, len(table)), model=model, seeds=(seed,))
        k = choose_k(tables["sweep"])
    tm = TopicModel(k, model=model, random_state=seed).fit(table)
    group = default_group(tm.units_) if isinstance(by, str) and by == "auto" else by
    tables.update(
        top_terms=tm.top_terms(),
        doc_topics=tm.doc_topics(level="document"),
        prevalence=prevalence(tm, group, n_boot=n_boot, random_state=seed),
    )
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for name, frame in tables.items():
        paths[name] = out / f"{name}.csv"
        with atomic_path(paths[name]) as tmp:
            frame.to_csv(tmp, index=False, float_format="%.6g", lineterminator="\n")
    return paths
