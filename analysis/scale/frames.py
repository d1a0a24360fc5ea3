"""Frame and tone counts of each actor's contexts by group, as map-reduce.

::

    from analysis.scale import count_framing
    out = count_framing("news.parquet", actors=["CSTO", "NATO", "UN"], by="source",
                        backend="dask")
    out["frames"]     # group, actor, frame, n_hits, n_contexts, n_docs, share
    out["tone"]       # group, actor, tone, sd, share_positive, share_negative, ...

The map step (:func:`frame_partial`) builds one partition's contexts
(:func:`analysis.framing.contexts`), scores their frames
(:func:`analysis.framing.score_frames`, which leaves out contexts in languages the
dictionary has no terms for) and tone (:func:`analysis.framing.tone.score`, NaN where not
English) and sums
them per (group, actor). Tone is summed exactly, in units of 1e-4: VADER's compound score
has four decimals. The shares and means are the point estimates of
:func:`analysis.framing.frame_profile` and :func:`analysis.framing.tone.tone_by_actor`; their
bootstrap intervals need the contexts themselves, so they stay in-memory steps.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis.groups import by_label, group_strings, resolve_groups
from analysis.scale.backends import Backend
from analysis.scale.base import By, Tables, as_source, check_by, needed, run, sum_tables

#: Columns of the frame table of :func:`count_framing`.
FRAME_COUNT_COLUMNS = ["group", "actor", "frame", "n_hits", "n_contexts", "n_docs", "share"]
#: Columns of the tone table of :func:`count_framing`.
TONE_COUNT_COLUMNS = [
    "group",
    "actor",
    "tone",
    "sd",
    "share_positive",
    "share_negative",
    "n_contexts",
    "n_scored",
    "n_docs",
]
FRAME_KEYS = {"cells": ["group", "actor"]}
#: Tone is summed as integers of this unit (VADER rounds compound scores to 4 decimals).
TONE_UNIT = 1e-4
_SUMS = [
    "n_contexts",
    "n_docs",
    "n_scored",
    "tone_units",
    "tone_units_sq",
    "n_positive",
    "n_negative",
]


def frame_partial(
    docs: pd.DataFrame,
    *,
    by: By,
    actors: list[str] | None,
    unit: str,
    window: int,
    frames: str | None,
    registry: str | None,
    include_children: bool,
    context_actors: tuple[str, ...],
) -> Tables:
    """Map step: contexts, frame hits and tone sums per (group, actor) of one partition."""
    from analysis import actors as actors_mod
    from analysis import framing
    from analysis.framing import tone

    dictionary = framing.load_frames(frames)
    ctx = framing.contexts(
        docs,
        actors,
        unit=unit,
        window=window,
        cache=False,
        registry=actors_mod.load_registry(registry),
        include_children=include_children,
        context_actors=context_actors,
        progress=False,
    )
    ctx = framing.score_frames(ctx, frames=dictionary, workers=1, cache=False)
    ctx["tone"] = tone.score_tone(ctx, workers=1, cache=False)["tone"].to_numpy()
    ctx["group"] = _context_groups(ctx, docs, by, dictionary)
    ctx = ctx[ctx["group"].notna()]
    return {"cells": _cells(ctx, [f"frame_{i}" for i in dictionary.ids])}


def _context_groups(ctx: pd.DataFrame, docs: pd.DataFrame, by: By, dictionary) -> np.ndarray:
    """Each context's group: its document's label (:func:`analysis.groups.resolve_groups`)."""
    labels = group_strings(resolve_groups(docs, by, frames=dictionary))
    lookup = dict(zip(docs["doc_id"].astype(str), labels))
    return ctx["doc_id"].astype(str).map(lookup).to_numpy(dtype=object)


def _cells(ctx: pd.DataFrame, frame_cols: list[str]) -> pd.DataFrame:
    """Integer sums per (group, actor) of the contexts and their scores."""
    tone = ctx["tone"].to_numpy(dtype=float)
    scored = ~np.isnan(tone)
    units = np.where(scored, np.rint(np.nan_to_num(tone) / TONE_UNIT), 0).astype(np.int64)
    first = ~ctx.duplicated(["group", "actor", "doc_id"]).to_numpy()
    data = pd.DataFrame(
        {
            "group": ctx["group"].to_numpy(dtype=object),
            "actor": ctx["actor"].astype(str).to_numpy(dtype=object),
            "n_contexts": np.ones(len(ctx), dtype=np.int64),
            "n_docs": first.astype(np.int64),
            "n_scored": scored.astype(np.int64),
            "tone_units": units,
            "tone_units_sq": units**2,
            "n_positive": (scored & (tone >= 0.05)).astype(np.int64),
            "n_negative": (scored & (tone <= -0.05)).astype(np.int64),
            **{"hits_" + c[len("frame_") :]: ctx[c].to_numpy(dtype=np.int64) for c in frame_cols},
        }
    )
    return sum_tables([{"cells": data}], FRAME_KEYS)["cells"]


def finish_frames(cells: pd.DataFrame, frame_ids: list[str]) -> pd.DataFrame:
    """One row a (group, actor, frame): hits, contexts, documents and the share."""
    rows = [
        pd.DataFrame(
            {
                "group": cells["group"].to_numpy(dtype=object),
                "actor": cells["actor"].to_numpy(dtype=object),
                "frame": f,
                "n_hits": _ints(cells, "hits_" + f),
                "n_contexts": _ints(cells, "n_contexts"),
                "n_docs": _ints(cells, "n_docs"),
                "order": k,
            }
        )
        for k, f in enumerate(frame_ids)
    ]
    out = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=FRAME_COUNT_COLUMNS)
    out["share"] = out["n_hits"] / out["n_contexts"].where(out["n_contexts"] > 0)
    out = out.sort_values(["group", "actor", "order"], kind="stable").reset_index(drop=True)
    return out[FRAME_COUNT_COLUMNS]


def finish_tone(cells: pd.DataFrame) -> pd.DataFrame:
    """One row a (group, actor): mean tone, its SD and the shares beyond the neutral band."""
    n = _ints(cells, "n_scored").astype(float)
    total = _ints(cells, "tone_units").astype(float)
    sq = _ints(cells, "tone_units_sq").astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(n > 0, total / n, np.nan)
        var = np.where(n > 1, (sq - total * mean) / (n - 1), np.nan)
        out = pd.DataFrame(
            {
                "group": cells["group"].to_numpy(dtype=object),
                "actor": cells["actor"].to_numpy(dtype=object),
                "tone": mean * TONE_UNIT,
                "sd": np.sqrt(np.clip(var, 0, None)) * TONE_UNIT,
                "share_positive": np.where(n > 0, _ints(cells, "n_positive") / n, np.nan),
                "share_negative": np.where(n > 0, _ints(cells, "n_negative") / n, np.nan),
                "n_contexts": _ints(cells, "n_contexts"),
                "n_scored": _ints(cells, "n_scored"),
                "n_docs": _ints(cells, "n_docs"),
            }
        )
    return out[TONE_COUNT_COLUMNS]


def _ints(cells: pd.DataFrame, col: str) -> np.ndarray:
    return (
        cells[col].to_numpy(dtype=np.int64)
        if col in cells
        else np.zeros(len(cells), dtype=np.int64)
    )


def count_framing(
    source: Any,
    *,
    actors: Sequence[str] | None = ("CSTO", "NATO", "UN"),
    by: By = None,
    unit: str = "sentence",
    window: int = 25,
    frames: str | Path | None = None,
    registry: str | Path | None = None,
    include_children: bool = False,
    context_actors: Sequence[str] = (),
    backend: str | Backend = "local",
    scheduler: Any = None,
) -> dict[str, pd.DataFrame]:
    """Frame and tone counts of each actor's contexts per group, in one pass.

    Parameters
    ----------
    source : Corpus, PartitionedCorpus, path or corpus spec
    actors : list of str, optional
        Actor ids (default CSTO, NATO, UN; None: every actor found).
    by : str or callable, optional
        A column, a function of the documents (see :func:`~analysis.scale.count_terms`),
        or ``"bloc"``/``"origin"``/``"year"`` derived as in :mod:`analysis.framing`.
    unit, window, include_children, context_actors, registry
        As in :func:`analysis.framing.contexts`.
    frames : path, optional
        A frame dictionary YAML (default: the built-in one).
    backend, scheduler
        As in :func:`~analysis.scale.count_terms`.

    Returns
    -------
    dict
        ``"frames"``: columns ``group, actor, frame, n_hits, n_contexts, n_docs, share``
        (contexts invoking the frame / contexts); ``"tone"``: columns ``group, actor,
        tone, sd, share_positive, share_negative, n_contexts, n_scored, n_docs``.
    """
    from analysis.framing import load_frames

    asked = [actors] if isinstance(actors, str) else (list(actors) if actors else None)
    source = as_source(source)
    check_by(source, by)
    step = partial(
        frame_partial,
        by=by,
        actors=asked,
        unit=unit,
        window=window,
        frames=str(frames) if frames else None,
        registry=str(registry) if registry else None,
        include_children=include_children,
        context_actors=tuple(context_actors),
    )
    columns = needed(["doc_id", "text", "lang"], by)
    cells = run(
        source,
        step,
        partial(sum_tables, keys=FRAME_KEYS),
        columns=columns,
        backend=backend,
        scheduler=scheduler,
    )["cells"]
    ids = load_frames(frames).ids
    params = {"by": by_label(by), "actors": asked, "unit": unit, "frames": ids}
    out = {"frames": finish_frames(cells, ids), "tone": finish_tone(cells)}
    for table in out.values():
        table.attrs.update(params)
    return out
