"""Process pools: one policy for every stage that works in parallel.

- **How many workers**: :func:`worker_count`, the ``workers`` argument or
  ``settings.workers`` (``ANALYSIS_WORKERS``, default: the CPUs, at most 8).
- **When**: :func:`use_pool`. Only with more than one worker and at least a stage's
  threshold of items (each stage sets its own, from what one item costs: 200 documents to
  clean, 20,000 contexts to score...); below it one process is faster than starting a pool.
- **How**: on Linux workers are forked (:func:`start_method`), so they inherit what the
  parent loaded (language identifier, spaCy pipeline, registry) and scripts need no
  ``if __name__ == "__main__"`` guard; elsewhere they are spawned. Python >= 3.12 warns
  when forking beside threads; the workers run pure functions, so :func:`quiet_fork`
  silences that warning.
- **Reuse**: :func:`shared_pool` keeps one pool per (name, size) for the life of the
  process (loading a corpus and counting its tokens reuse theirs); :func:`process_pool`
  makes one for a ``with`` block.
- **Back-pressure**: :func:`bounded_map` keeps at most ``in_flight`` tasks submitted and
  yields results in input order, so memory stays bounded however many items there are;
  :func:`helped_map` does the same with the caller working too (for a caller that also
  produces the items, such as the loader reading an archive).
"""

from __future__ import annotations

import multiprocessing as mp
import sys
import warnings
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from itertools import islice
from typing import Any

import numpy as np

_SHARED: dict[tuple[str, int], ProcessPoolExecutor] = {}


def worker_count(workers: int | None = None) -> int:
    """``workers``, or ``settings.workers`` when not given; at least 1."""
    if workers is None or workers == 0:
        from analysis.settings import get_settings

        workers = get_settings().workers
    return max(1, int(workers))


def use_pool(n_items: int, workers: int, threshold: int) -> bool:
    """Whether ``n_items`` are worth a pool of ``workers``: more than one, and enough items."""
    return workers > 1 and n_items >= threshold


def start_method() -> str:
    """``"fork"`` on Linux (where available), ``"spawn"`` elsewhere."""
    return "fork" if sys.platform == "linux" and "fork" in mp.get_all_start_methods() else "spawn"


def can_fork() -> bool:
    """Whether workers are forked here (they then share the parent's loaded state)."""
    return start_method() == "fork"


@contextmanager
def quiet_fork() -> Iterator[None]:
    """Silence Python's warning about forking beside threads (the workers run pure code)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*fork.*", category=DeprecationWarning)
        yield


def process_pool(workers: int) -> ProcessPoolExecutor:
    """A new pool of ``workers`` processes started by :func:`start_method`."""
    return ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context(start_method()))


def shared_pool(name: str, workers: int) -> ProcessPoolExecutor:
    """The pool ``name`` of ``workers`` processes, made once and reused by later calls.

    Parameters
    ----------
    name : str
        Which stage's pool (``"corpus"``, ``"tokens"``...): stages do not share workers, so
        each pool's workers carry only what its stage loaded before they were forked.
    workers : int
    """
    key = (name, workers)
    if key not in _SHARED:
        _SHARED[key] = process_pool(workers)
    return _SHARED[key]


def pools() -> list[ProcessPoolExecutor]:
    """The pools :func:`shared_pool` has made and still keeps (for benchmarks)."""
    return list(_SHARED.values())


def shutdown_pools() -> None:
    """Shut down the pools :func:`shared_pool` keeps, waiting for their workers to exit."""
    while _SHARED:
        _SHARED.popitem()[1].shutdown(wait=True)


def submit(pool: ProcessPoolExecutor, fn: Callable, *args: Any, **kwargs: Any) -> Future:
    """``pool.submit(fn, ...)`` without the fork warning."""
    with quiet_fork():
        return pool.submit(fn, *args, **kwargs)


def bounded_map(
    pool: ProcessPoolExecutor, fn: Callable, items: Iterable[Any], in_flight: int
) -> Iterator[Any]:
    """``fn(item)`` for every item, in item order, with at most ``in_flight`` submitted."""
    queue = iter(items)
    pending = deque(submit(pool, fn, item) for item in islice(queue, max(1, in_flight)))
    while pending:
        result = pending.popleft().result()
        nxt = next(queue, _END)
        if nxt is not _END:
            pending.append(submit(pool, fn, nxt))
        yield result


_END = object()


def split_evenly(items: list, n_batches: int) -> list[list]:
    """``items`` cut into ``n_batches`` consecutive batches of (nearly) equal length."""
    bounds = np.linspace(0, len(items), n_batches + 1).astype(int)
    return [items[a:b] for a, b in zip(bounds[:-1], bounds[1:])]


def map_batches(
    fn: Callable,
    texts: list,
    *args: Any,
    workers: int,
    threshold: int,
    desc: str,
    progress: bool | None = None,
    shared: str | None = None,
) -> list:
    """``fn(batch, *args)`` over batches of ``texts``, in order; in a pool when it pays.

    Parameters
    ----------
    fn : callable
        A module-level function of a batch (list of texts) and ``args``.
    texts : list
    workers : int
        Processes; the texts are cut into ``min(len(texts) // 100, 8 * workers)`` batches
        (at least one).
    threshold : int
        Fewer texts than this are done in this process (:func:`use_pool`).
    desc : str
        Label of the progress bar.
    progress : bool, optional
        Show a progress bar (default: from 2,000 texts on).
    shared : str, optional
        Run in the reused pool of that name (:func:`shared_pool`) instead of a new one.

    Returns
    -------
    list
        One result a batch, in order.
    """
    batches = split_evenly(texts, max(1, min(len(texts) // 100, 8 * workers)))
    bar = progress_bar(
        total=len(texts),
        desc=desc,
        unit="doc",
        leave=False,
        disable=not progress if progress is not None else len(texts) < 2000,
    )
    parts = []
    try:
        if not use_pool(len(texts), workers, threshold):
            for batch in batches:
                parts.append(fn(batch, *args))
                bar.update(len(batch))
            return parts
        pool = shared_pool(shared, workers) if shared else process_pool(workers)
        try:
            futures = [submit(pool, fn, batch, *args) for batch in batches]
            for batch, fut in zip(batches, futures):
                parts.append(fut.result())
                bar.update(len(batch))
        finally:
            if not shared:
                pool.shutdown(wait=True)
        return parts
    finally:
        bar.close()


def map_in_pool(fn: Callable, items: list, workers: int, *args: Any) -> list:
    """``[fn(item, *args) for item in items]`` in a new pool of ``workers`` processes."""
    with quiet_fork(), process_pool(workers) as pool:
        return list(pool.map(fn, items, *[[a] * len(items) for a in args]))


def progress_bar(iterable=None, **options):
    """A tqdm progress bar: ``tqdm.auto``'s (a widget in Jupyter) when shown.

    A hidden one (``disable=True``) is the plain bar: importing ``tqdm.auto`` imports
    ``asyncio`` and ``ssl``, which a command that shows no bar need not pay for.
    """
    if options.get("disable"):
        from tqdm.std import tqdm
    else:
        from tqdm.auto import tqdm
    return tqdm(iterable, **options)


def helped_map(
    pool: ProcessPoolExecutor, fn: Callable, items: Iterable[Any], in_flight: int
) -> Iterator[Any]:
    """``fn(item)`` for every item, in item order, the caller's process taking its share.

    Like :func:`bounded_map`, but when ``in_flight`` items are already submitted the
    caller runs ``fn`` on the next item itself instead of waiting: with a pool one process
    smaller than the cores, every core works and no process waits on another. The caller's
    results wait, in order, behind the oldest unfinished item; once ``5 * in_flight``
    items are pending (a worker slow on one long item) the caller waits for the oldest,
    so memory stays bounded.
    """
    pending: deque = deque()  # futures and finished results, in item order
    submitted = 0
    for item in items:
        while pending and (
            not isinstance(pending[0], Future) or pending[0].done() or len(pending) >= 5 * in_flight
        ):
            head = pending.popleft()
            if isinstance(head, Future):
                submitted -= 1
                yield head.result()
            else:
                yield head[0]
        if submitted < in_flight:
            pending.append(submit(pool, fn, item))
            submitted += 1
        else:
            pending.append((fn(item),))
    for head in pending:
        yield head.result() if isinstance(head, Future) else head[0]
