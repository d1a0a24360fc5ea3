"""Frame profiles and differences between actors or groups, with cluster-bootstrap CIs.

Intervals come from :func:`analysis.stats.cluster_bootstrap`; differences add a
bootstrap p-value and Cohen's h (see "Comparisons and intervals" in
:mod:`analysis.framing`).
"""

from __future__ import annotations

from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd

from analysis.errors import OptionError
from analysis.framing.frames import FRAME_PREFIX, frame_columns, scored_contexts
from analysis.groups import by_label
from analysis.stats import Bootstrap, cluster_bootstrap, cohens_h, p_boot

#: Columns of :func:`frame_profile` (``group`` only with ``by``).
PROFILE_COLUMNS = [
    "actor",
    "group",
    "frame",
    "share",
    "ci_low",
    "ci_high",
    "n_hits",
    "n_contexts",
    "n_docs",
]
#: Columns of :func:`frame_differences`.
DIFFERENCE_COLUMNS = [
    "frame",
    "compare",
    "within",
    "a",
    "b",
    "share_a",
    "share_b",
    "diff",
    "ci_low",
    "ci_high",
    "p_boot",
    "cohens_h",
    "n_contexts_a",
    "n_contexts_b",
]


def frame_profile(
    contexts: pd.DataFrame,
    *,
    by: Any = None,
    frames=None,
    n_boot: int = 1000,
    ci: float = 0.95,
    random_state: int | None = 0,
) -> pd.DataFrame:
    """Share of each actor's contexts invoking each frame, with cluster-bootstrap CIs.

    Parameters
    ----------
    contexts : DataFrame
        The output of :func:`~analysis.framing.contexts`, scored or not
        (:func:`~analysis.framing.score_frames` runs if no ``frame_*`` column is there).
    by : str or array-like, optional
        Groups (a column, ``"bloc"``, ``"origin"``, ``"year"``, or labels; see
        :func:`analysis.groups.resolve_groups`).
    frames : FrameDictionary or path, optional
        For scoring and for ``bloc``/``origin``.
    n_boot : int, default 1000
        Bootstrap replicates (documents resampled with replacement, within groups).
    ci : float, default 0.95
    random_state : int, optional

    Returns
    -------
    pandas.DataFrame
        One row a (actor, group, frame): ``actor``, ``group`` (only with ``by``),
        ``frame``, ``share`` (contexts invoking the frame / contexts), ``ci_low``,
        ``ci_high`` (percentile interval), ``n_hits``, ``n_contexts``, ``n_docs``.
        ``attrs`` records the parameters.

    Notes
    -----
    Read ``n_docs`` beside every interval: a cell whose contexts all come from one
    document has a zero-width interval (every resample draws that document), and with
    few documents the percentile interval is too narrow (Davison & Hinkley 1997, sec. 5.3).

    References
    ----------
    Field, C. A. & Welsh, A. H. (2007). Bootstrapping clustered data. *JRSS B* 69(3).
    """
    scored, cols, boot = _frame_bootstrap(contexts, by, frames, n_boot, random_state)
    columns = [c for c in PROFILE_COLUMNS if by is not None or c != "group"]
    out = pd.DataFrame(_profile_rows(boot, cols, ci, by is not None), columns=columns)
    out.attrs.update(
        by=by_label(by),
        n_boot=n_boot,
        ci=ci,
        random_state=random_state,
        unit=contexts.attrs.get("unit"),
        frames=scored.attrs.get("frames"),
    )
    return out


def _frame_bootstrap(
    contexts: pd.DataFrame, by: Any, frames, n_boot: int, random_state: int | None
) -> tuple[pd.DataFrame, list[str], Bootstrap]:
    """The scored contexts, their frame columns and the bootstrap of their shares."""
    scored = scored_contexts(contexts, frames)
    cols = frame_columns(scored)
    boot = cluster_bootstrap(
        scored, cols, by=by, n_boot=n_boot, random_state=random_state, frames=frames
    )
    return scored, cols, boot


def _profile_rows(boot: Bootstrap, cols: list[str], ci: float, grouped: bool) -> list[dict]:
    """One :data:`PROFILE_COLUMNS` row a (cell, frame)."""
    low, high = boot.interval(ci)
    rows = []
    for i, c in boot.cells.iterrows():
        for j, col in enumerate(cols):
            rows.append(
                {
                    "actor": c["actor"],
                    **({"group": c["group"]} if grouped else {}),
                    "frame": col[len(FRAME_PREFIX) :],
                    "share": boot.estimate[i, j],
                    "ci_low": low[i, j],
                    "ci_high": high[i, j],
                    "n_hits": int(boot.sums[i, j]),
                    "n_contexts": int(c["n_contexts"]),
                    "n_docs": int(c["n_docs"]),
                }
            )
    return rows


def frame_differences(
    contexts: pd.DataFrame,
    *,
    compare: str = "actor",
    by: Any = None,
    frames=None,
    n_boot: int = 1000,
    ci: float = 0.95,
    random_state: int | None = 0,
) -> pd.DataFrame:
    """Differences in frame shares between actors, or between groups, with bootstrap CIs.

    Parameters
    ----------
    contexts : DataFrame
        The output of :func:`~analysis.framing.contexts` (scored or not).
    compare : {"actor", "group"}
        ``"actor"``: every pair of actors (within each group when ``by`` is given);
        ``"group"``: every pair of groups, for each actor (needs ``by``).
    by : str or array-like, optional
        Groups, as in :func:`frame_profile`.
    frames, n_boot, ci, random_state
        As in :func:`frame_profile`.

    Returns
    -------
    pandas.DataFrame
        One row a (frame, pair): ``frame``, ``compare``, ``within`` (the group, or the
        actor, held fixed; "" for actors without ``by``), ``a``, ``b``, ``share_a``,
        ``share_b``, ``diff = share_a - share_b``, ``ci_low``, ``ci_high`` (percentile
        interval of the bootstrapped difference), ``p_boot`` (two-sided: twice the smaller
        tail of the bootstrapped difference beyond 0, at least ``1/n_boot``),
        ``cohens_h`` (``2 asin sqrt(share_a) - 2 asin sqrt(share_b)``), ``n_contexts_a``,
        ``n_contexts_b``.
    """
    _, cols, boot = _frame_bootstrap(contexts, by, frames, n_boot, random_state)
    rows = [
        _difference_row(boot, ia, ib, j, col[len(FRAME_PREFIX) :], compare, within, ci)
        for ia, ib, within in comparison_pairs(boot.cells, compare, by is not None)
        for j, col in enumerate(cols)
    ]
    out = pd.DataFrame(rows, columns=DIFFERENCE_COLUMNS)
    out["cohens_h"] = cohens_h(out["share_a"], out["share_b"])
    out.attrs.update(
        compare=compare, by=by_label(by), n_boot=n_boot, ci=ci, random_state=random_state
    )
    return out


def comparison_pairs(
    cells: pd.DataFrame, compare: str, grouped: bool
) -> list[tuple[int, int, str]]:
    """``(cell a, cell b, label held fixed)`` of every comparison asked for.

    ``compare="actor"``: every pair of actors (within each group when ``grouped``);
    ``compare="group"``: every pair of groups, for each actor. Indices are rows of
    ``cells`` (:attr:`analysis.stats.Bootstrap.cells`).
    """
    if compare not in ("actor", "group"):
        raise OptionError(f"compare must be 'actor' or 'group', not {compare!r}")
    if compare == "group" and not grouped:
        raise OptionError("compare='group' needs by= (the groups to compare)")
    fixed = "group" if compare == "actor" else "actor"
    if not grouped:
        return [(a, b, "") for a, b in combinations(range(len(cells)), 2)]
    out = []
    for value, part in cells.groupby(fixed, sort=False):
        out.extend((a, b, str(value)) for a, b in combinations(part.index.tolist(), 2))
    return out


def _difference_row(
    boot: Bootstrap, ia: int, ib: int, j: int, name: str, compare: str, within: str, ci: float
) -> dict:
    label = "actor" if compare == "actor" else "group"
    diff = boot.replicates[:, ia, j] - boot.replicates[:, ib, j]
    diff = diff[~np.isnan(diff)]
    alpha = (1 - ci) / 2
    low, high = np.quantile(diff, [alpha, 1 - alpha]) if len(diff) else (np.nan, np.nan)
    return {
        "frame": name,
        "compare": compare,
        "within": within,
        "a": str(boot.cells.at[ia, label]),
        "b": str(boot.cells.at[ib, label]),
        "share_a": boot.estimate[ia, j],
        "share_b": boot.estimate[ib, j],
        "diff": boot.estimate[ia, j] - boot.estimate[ib, j],
        "ci_low": low,
        "ci_high": high,
        "p_boot": p_boot(diff),
        "n_contexts_a": int(boot.cells.at[ia, "n_contexts"]),
        "n_contexts_b": int(boot.cells.at[ib, "n_contexts"]),
    }


def frame_trend(
    contexts: pd.DataFrame,
    *,
    time: str = "year",
    frames=None,
    n_boot: int = 1000,
    ci: float = 0.95,
    min_contexts: int = 1,
    random_state: int | None = 0,
) -> pd.DataFrame:
    """Yearly (or per period) frame shares with CIs: :func:`frame_profile` by ``time``.

    Parameters
    ----------
    contexts : DataFrame
    time : str, default "year"
        A column of the contexts, or ``"year"`` derived from ``date``.
    min_contexts : int, default 1
        Drop (actor, year) cells with fewer contexts.

    Returns
    -------
    pandas.DataFrame
        :func:`frame_profile` columns with ``group`` renamed to ``time``, sorted by time.
    """
    out = frame_profile(
        contexts, by=time, frames=frames, n_boot=n_boot, ci=ci, random_state=random_state
    )
    out = out[out["n_contexts"] >= min_contexts].rename(columns={"group": time})
    return out.sort_values(["actor", "frame", time]).reset_index(drop=True)
