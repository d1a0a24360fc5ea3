"""The framing pipeline from the command line: ``python -m analysis framing SPEC --out DIR``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis.atomic import atomic_path
from analysis.framing.actor_contexts import DEFAULT_ACTORS, contexts
from analysis.framing.compare import frame_differences, frame_profile
from analysis.framing.frames import score_frames
from analysis.framing.vocabulary import key_terms
from analysis.inputs import is_corpus


def run_cli(
    spec: Any,
    *,
    actors: Sequence[str] = DEFAULT_ACTORS,
    by: str | None = None,
    out_dir: str | Path,
    frames: str | Path | None = None,
    unit: str = "sentence",
    n_boot: int = 1000,
    random_state: int = 0,
    top: int = 30,
    method: str = "auto",
    labels: str | Path | None = None,
) -> dict[str, Path]:
    """The framing pipeline on a corpus spec, written as CSV tables.

    What ``python -m analysis framing SPEC --out DIR`` runs.

    Parameters
    ----------
    spec : corpus spec or Corpus
        Anything :func:`analysis.load` accepts.
    actors : list of str
    by : str, optional
        A metadata column, or ``bloc``/``origin``/``year`` (see
        :func:`analysis.groups.resolve_groups`).
    out_dir : str or Path
        Folder to write ``contexts.csv``, ``frames_by_actor.csv``, ``tone_by_doc.csv``,
        ``tone_by_actor.csv``, ``keyness_by_actor.csv`` and ``frame_differences.csv``.
    frames : path, optional
        Your frame dictionary YAML.
    unit : {"sentence", "window"}
    n_boot, random_state
        Bootstrap settings.
    top : int
        Key terms per actor.
    method : {"auto", "stance", "vader"}
        The tone scorer (:func:`analysis.framing.tone.score_tone`).
    labels : path, optional
        A CSV of hand labels (``doc_id, actor, label`` -1/0/+1; see
        :func:`analysis.framing.tone.read_labels`): also writes ``validation.csv``
        (:func:`~analysis.framing.tone.validate`) and ``confusion.csv`` for the labelled
        documents of this corpus.

    Returns
    -------
    dict of str to Path
        The files written, keyed by table name.

    Notes
    -----
    A corpus whose every document comes from the UN General Debate Corpus is searched
    with ``context_actors=["UN"]`` (there, "the Security Council" is the UN's).
    """
    from analysis import load
    from analysis.framing import tone
    from analysis.framing.actor_contexts import corpus_context_actors

    corpus = spec if is_corpus(spec) else load(spec)
    given = tone.read_labels(labels) if labels is not None else None
    ctx = contexts(
        corpus, list(actors), unit=unit, context_actors=corpus_context_actors(corpus.docs)
    )
    ctx = tone.score_tone(score_frames(ctx, frames=frames), method=method)
    tables = {
        "contexts": ctx,
        "frames_by_actor": frame_profile(
            ctx, by=by, frames=frames, n_boot=n_boot, random_state=random_state
        ),
        "frame_differences": frame_differences(
            ctx, by=by, frames=frames, n_boot=n_boot, random_state=random_state
        ),
        "tone_by_doc": tone.tone_by_doc(ctx),
        "tone_by_actor": tone.tone_by_actor(ctx, by=by, n_boot=n_boot, random_state=random_state),
        "keyness_by_actor": key_terms(ctx, top=top)
        if ctx["actor"].nunique() > 1
        else pd.DataFrame(),
    }
    if given is not None:
        here = _labels_of(given, corpus.docs, actors)
        tables["validation"] = tone.validate(here, tables["tone_by_doc"], n_boot=n_boot)
        tables["confusion"] = tone.confusion(here, tables["tone_by_doc"]).reset_index()
    return _write_tables(tables, Path(out_dir))


def _labels_of(labels: pd.DataFrame, docs: pd.DataFrame, actors: Sequence[str]) -> pd.DataFrame:
    """The labels of this corpus's documents and of the actors scored.

    A document is matched by ``doc_id``, and by ``lang`` too when both tables have it (a
    labels file may label several corpora whose ids repeat).
    """
    keys = ["doc_id", "lang"] if "lang" in labels.columns and "lang" in docs.columns else ["doc_id"]
    ours = set(map(tuple, docs[keys].astype(str).to_numpy()))
    mine = [tuple(k) in ours for k in labels[keys].astype(str).to_numpy()]
    return labels[np.array(mine, dtype=bool) & labels["actor"].isin(list(actors)).to_numpy()]


def _write_tables(tables: dict[str, pd.DataFrame], out: Path) -> dict[str, Path]:
    """Each table as ``<out>/<name>.csv``, written atomically; the paths by name."""
    written = {}
    for name, table in tables.items():
        with atomic_path(out / f"{name}.csv") as tmp:
            table.to_csv(tmp, index=False, lineterminator="\n")
        written[name] = out / f"{name}.csv"
    return written
