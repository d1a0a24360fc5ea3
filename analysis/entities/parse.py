"""Parsing: which texts go to spaCy, in tasks of about :data:`TASK_CHARS`, on which processes.

``mode="full"`` parses whole documents; ``"actor_sentences"`` only the runs of sentences
naming a registry actor (:func:`analysis.actors.mentions`) plus ``window`` either side,
with offsets kept relative to the full text. With several processes on Linux, forked
workers share the loaded pipeline and send back only ``(start, end, label, id)`` tuples;
elsewhere spaCy's own ``nlp.pipe(n_process=...)`` runs. A task spaCy fails on is parsed
text by text, so one bad document is reported and never kills the run.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

import pandas as pd

from analysis import parallel
from analysis.actors import Registry, mentions, sentence_starts
from analysis.entities.pipeline import load_pipeline
from analysis.entities.store import EntityStore, ShardWriter, concat_stored
from analysis.settings import Settings

#: Characters of text a worker process gets at a time (a few documents or many sentences).
TASK_CHARS = 40_000
#: With ``n_process=None``, inputs shorter than this (characters) are parsed in-process.
MIN_PARALLEL_CHARS = 200_000


_Job = tuple[str, tuple[int, int]]  # (text, (document index, offset of the text))


def _jobs(
    todo: list[tuple[str, str]], mode: str, window: int, registry: Registry, progress: bool
) -> tuple[list[tuple[str, tuple[int, int]]], dict[int, list[int]]]:
    """Texts to parse as ``(text, (doc index, offset))``, and the sentence starts found."""
    if mode == "full":
        return [(text, (i, 0)) for i, (_, text) in enumerate(todo)], {}
    frame = pd.DataFrame(
        {
            "doc_id": [str(i) for i in range(len(todo))],  # object dtype:
            "text": pd.Series([t for _, t in todo], dtype=object),  # no copy
            "lang": "en",
        }
    )
    found = mentions(frame, registry=registry, progress=progress)
    by_doc = found.groupby("doc_id", sort=False)["sentence_id"].unique()
    jobs, starts_of = [], {}
    for doc_id, sids in by_doc.items():
        i = int(doc_id)
        text = todo[i][1]
        starts = starts_of[i] = sentence_starts(text)
        bounds = [*starts, len(text)]
        keep = sorted(
            {j for s in sids for j in range(s - window, s + window + 1) if 0 <= j < len(starts)}
        )
        runs: list[list[int]] = []
        for j in keep:
            if runs and j == runs[-1][1] + 1:
                runs[-1][1] = j
            else:
                runs.append([j, j])
        jobs.extend((text[bounds[a] : bounds[b + 1]], (i, bounds[a])) for a, b in runs)
    jobs.sort(key=lambda job: job[1])
    return jobs, starts_of


def parse_documents(
    todo: list[tuple[str, str]],
    store: EntityStore,
    *,
    mode: str,
    window: int,
    registry: Registry,
    model: str,
    n_process: int | None,
    batch_size: int,
    progress: bool | None,
    settings: Settings,
) -> tuple[pd.DataFrame, list[dict], int]:
    """Parse the documents ``todo`` (``(hash, text)``) and store their rows.

    Returns the rows, the documents spaCy failed on (``doc_hash, reason``; not stored)
    and the number of processes used.
    """
    from analysis.parallel import progress_bar

    total_chars = sum(len(t) for _, t in todo)
    show = progress if progress is not None else total_chars > 1_000_000
    jobs, starts_of = _jobs(todo, mode, window, registry, show)
    if n_process is None:
        n_process = settings.workers if total_chars >= MIN_PARALLEL_CHARS else 1
    tasks = _tasks(jobs, TASK_CHARS)
    n_process = max(1, min(n_process, len(tasks)))
    nlp = load_pipeline(model, registry=registry) if jobs else None
    if nlp is not None:
        nlp.max_length = max(nlp.max_length, max(len(t) for t, _ in jobs) + 1)
    bar = progress_bar(total=len(todo), desc="entities", unit="doc", disable=not show, leave=False)
    writer = ShardWriter(todo, store, starts_of, keep_starts=mode != "full", bar=bar)
    try:
        for i, offset, found in _pipe(nlp, tasks, n_process, batch_size):
            writer.add(i, offset, found)
        writer.finish(len(todo))
    finally:
        bar.close()
    store.compact()
    return concat_stored(writer.done), writer.failed, n_process


#: The pipeline forked workers use (set in the parent just before they fork).
_WORKER_NLP: Any = None


def _tasks(jobs: list[_Job], size: int) -> list[list[_Job]]:
    """Consecutive jobs of about ``size`` characters: many short sentences or a few documents."""
    tasks: list[list[_Job]] = []
    chars = size
    for job in jobs:
        if chars >= size:
            tasks.append([])
            chars = 0
        tasks[-1].append(job)
        chars += len(job[0])
    return tasks


def _pipe(
    nlp, tasks: list[list[_Job]], n_process: int, batch_size: int
) -> Iterator[tuple[int, int, list[tuple] | str]]:
    """``(doc index, offset, entities or error)`` for every job, in order.

    With several processes on Linux, forked workers (which share the loaded pipeline)
    each run ``nlp.pipe`` on a task and send back only ``(start, end, label, id)``
    tuples: cheaper than ``nlp.pipe(n_process=...)``, which pickles whole ``Doc`` objects
    for the parent to rebuild. Elsewhere spaCy's own ``n_process`` is used.
    """
    if n_process <= 1:
        for task in tasks:
            yield from _parse_task(nlp, task, batch_size)
        return
    if not parallel.can_fork():
        jobs = [job for task in tasks for job in task]
        for doc, (i, offset) in nlp.pipe(
            jobs, as_tuples=True, n_process=n_process, batch_size=batch_size
        ):
            yield i, offset, _ents(doc)
        return
    global _WORKER_NLP
    _WORKER_NLP = nlp
    pool = parallel.process_pool(n_process)  # forked: the workers share the pipeline
    try:
        for result in parallel.bounded_map(
            pool, partial(_worker_task, batch_size=batch_size), tasks, 3 * n_process
        ):
            yield from result
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        _WORKER_NLP = None


def _worker_task(task: list[_Job], batch_size: int) -> list[tuple[int, int, list[tuple] | str]]:
    return list(_parse_task(_WORKER_NLP, task, batch_size))


def _parse_task(
    nlp, task: list[_Job], batch_size: int
) -> Iterator[tuple[int, int, list[tuple] | str]]:
    """Parse a task; if spaCy fails on it, parse its texts one by one to find the bad one."""
    try:
        docs = list(nlp.pipe(task, as_tuples=True, batch_size=batch_size))
    except Exception:  # noqa: BLE001 - a bad document is reported, never kills the run
        for text, (i, offset) in task:
            try:
                yield i, offset, _ents(nlp(text))
            except Exception as err:  # noqa: BLE001
                yield i, offset, f"{type(err).__name__}: {err}"[:300]
        return
    for doc, (i, offset) in docs:
        yield i, offset, _ents(doc)


def _ents(doc) -> list[tuple[int, int, str, str]]:
    return [(e.start_char, e.end_char, e.label_, e.ent_id_) for e in doc.ents]
