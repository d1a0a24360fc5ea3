"""``analysis topics``: fit a model to a corpus spec and write its tables as CSV."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.atomic import atomic_path
from analysis.topics.compare import prevalence
from analysis.topics.model import TopicModel
from analysis.topics.text_units import DEFAULT_ACTORS, UNIT_COLUMNS, units

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
    k: int,
    model: str = "lda",
    seed: int = 0,
    out_dir: str | Path,
    unit: str = "document",
    n_boot: int = 1000,
) -> dict[str, Path]:
    """Fit a topic model to a corpus spec and write its tables (``analysis topics``).

    Parameters
    ----------
    spec : str or Path
        Anything :func:`analysis.load` accepts.
    k : int
    model : {"lda", "nmf"}
    seed : int, default 0
        Seeds the fit and the bootstrap: the same seed writes byte-identical files.
    out_dir : str or Path
    unit : {"document", "paragraph", "actor_context"}, default "document"
    n_boot : int, default 1000

    Returns
    -------
    dict of str to Path
        ``top_terms``, ``doc_topics`` (document level) and ``prevalence`` (by
        :func:`default_group`, or one group ``"all"`` when no field fits) CSV files.
    """
    import analysis

    corpus = analysis.load(spec)
    table = units(corpus, unit, actors=() if unit != "actor_context" else DEFAULT_ACTORS)
    tm = TopicModel(k, model=model, random_state=seed).fit(table)
    by = default_group(tm.units_)
    tables = {
        "top_terms": tm.top_terms(),
        "doc_topics": tm.doc_topics(level="document"),
        "prevalence": prevalence(tm, by, n_boot=n_boot, random_state=seed),
    }
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, frame in tables.items():
        paths[name] = out / f"{name}.csv"
        with atomic_path(paths[name]) as tmp:
            frame.to_csv(tmp, index=False, float_format="%.6g", lineterminator="\n")
    return paths
