"""Where a map-reduce runs: in-process, on a local process pool, or on a Dask cluster.

A :class:`Backend` has one method, ``map_reduce(items, map_fn, combine_fn)``: apply
``map_fn`` to every item (a :class:`~analysis.scale.parquet.Partition`), and fold the
partial results with ``combine_fn(list_of_partials) -> partial``, which must be
associative and commutative (sums of count tables are). Partials are combined as they
arrive, at most :data:`FAN_IN` at a time, so memory holds a few partials, not all of them.

``"local"``
    In this process, one partition after the other (the default; no start-up cost).
``"processes"``
    A local process pool (forked on Linux) with a bounded number of partitions in flight.
``"dask"``
    ``dask.bag`` over the partitions with a tree ``reduction`` (``split_every`` =
    :data:`FAN_IN`) on the ``dask.distributed`` scheduler: a ``LocalCluster`` of 2 worker
    processes on 127.0.0.1 by default, or the cluster at ``scheduler`` (an address such as
    ``"tcp://10.0.0.5:8786"``, or a ``distributed.Client``). Parquet partitions travel as
    file paths (workers read the files, so they must see the same file system);
    in-memory partitions are scattered to the workers first.

Functions passed as ``map_fn``/``combine_fn`` must be picklable (module-level functions or
:func:`functools.partial` of them).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from typing import Any

from analysis import parallel
from analysis.errors import OptionError
from analysis.settings import get_settings

#: Backend names accepted by :func:`get_backend`.
BACKENDS = ("local", "processes", "dask")
#: Partials combined at once (and ``split_every`` of the Dask tree reduction).
FAN_IN = 8
#: Default documents a partition (about 60 MB of UN General Debate text); here, not in
#: :mod:`analysis.scale.parquet`, so the CLI's parser can name it without importing pandas.
ROWS_PER_PARTITION = 2_000
#: Dask's default local cluster: 2 single-threaded worker processes, loopback only, no
#: dashboard. The scheduler's small HTTP server (health checks) takes a free loopback port
#: instead of 8787, which a second cluster on the machine would find taken (and warn).
LOCAL_CLUSTER = {
    "n_workers": 2,
    "threads_per_worker": 1,
    "processes": True,
    "host": "127.0.0.1",
    "dashboard_address": None,
    "scheduler_kwargs": {"dashboard_address": "127.0.0.1:0"},
}

MapFn = Callable[[Any], Any]
CombineFn = Callable[[list], Any]


class Backend:
    """Runs ``map_reduce``; subclasses decide where the map calls run."""

    name = "backend"

    def map_reduce(self, items: Sequence[Any], map_fn: MapFn, combine_fn: CombineFn) -> Any:
        """``combine_fn`` of ``map_fn(item)`` over all items (``combine_fn([])`` if none).

        Parameters
        ----------
        items : sequence
            Picklable work items (partitions).
        map_fn : callable
            ``item -> partial``.
        combine_fn : callable
            ``list of partials -> partial``; associative and commutative.
        """
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"


def _fold(partials: Iterator[Any], combine_fn: CombineFn) -> Any:
    """Combine partials as they arrive, holding at most :data:`FAN_IN` at a time."""
    held: list = []
    for part in partials:
        held.append(part)
        if len(held) >= FAN_IN:
            held = [combine_fn(held)]
    return combine_fn(held)


class LocalBackend(Backend):
    """Map and reduce in this process, one partition at a time."""

    name = "local"

    def map_reduce(self, items, map_fn, combine_fn):
        """``combine_fn`` of ``map_fn`` over the items, in this process."""
        return _fold((map_fn(item) for item in items), combine_fn)


class ProcessBackend(Backend):
    """A local process pool; at most ``2 * workers`` partitions in flight.

    Parameters
    ----------
    workers : int, optional
        Processes (default ``settings.workers``).
    """

    name = "processes"

    def __init__(self, workers: int | None = None):
        self.workers = max(1, int(workers or get_settings().workers))

    def map_reduce(self, items, map_fn, combine_fn):
        """``combine_fn`` of ``map_fn`` over the items, mapped in the process pool."""
        with parallel.quiet_fork(), parallel.process_pool(self.workers) as pool:
            return _fold(parallel.bounded_map(pool, map_fn, items, 2 * self.workers), combine_fn)

    def __repr__(self) -> str:
        return f"<ProcessBackend workers={self.workers}>"


class DaskBackend(Backend):
    """``dask.bag`` map and tree reduction on the ``dask.distributed`` scheduler.

    Parameters
    ----------
    scheduler : str or distributed.Client, optional
        A scheduler address, or a connected client (left open). None: a
        :data:`LOCAL_CLUSTER` is started for each call and closed after it.
    """

    name = "dask"

    def __init__(self, scheduler: Any = None):
        self.scheduler = scheduler

    def map_reduce(self, items, map_fn, combine_fn):
        """``combine_fn`` of ``map_fn`` over the items, as a Dask bag and tree reduction."""
        import dask.bag as db
        from dask import delayed

        with self.client() as client:
            if not items:
                return combine_fn([])
            futures = client.scatter(list(items), hash=False)
            bag = db.from_delayed([delayed(_singleton)(f) for f in futures])
            total = bag.reduction(
                partial(_map_combine, map_fn=map_fn, combine_fn=combine_fn),
                partial(_combine_seq, combine_fn=combine_fn),
                split_every=FAN_IN,
            )
            return client.compute(total).result()

    @contextmanager
    def client(self) -> Iterator[Any]:
        """A connected ``distributed.Client`` (closed afterwards unless it was given)."""
        from distributed import Client, LocalCluster

        if self.scheduler is not None and not isinstance(self.scheduler, str):
            yield self.scheduler
        elif self.scheduler is not None:
            with Client(self.scheduler) as client:
                yield client
        else:
            with LocalCluster(**LOCAL_CLUSTER) as cluster, Client(cluster) as client:
                yield client

    def __repr__(self) -> str:
        return f"<DaskBackend scheduler={self.scheduler!r}>"


def _singleton(item: Any) -> list:
    return [item]


def _map_combine(items, *, map_fn: MapFn, combine_fn: CombineFn) -> Any:
    """The bag partition's partial (one item: no combine, which would only re-sort it)."""
    partials = [map_fn(item) for item in items]
    return partials[0] if len(partials) == 1 else combine_fn(partials)


def _combine_seq(partials, *, combine_fn: CombineFn) -> Any:
    return combine_fn(list(partials))


def get_backend(
    backend: str | Backend = "local", *, scheduler: Any = None, workers: int | None = None
) -> Backend:
    """The backend named ``backend`` (a :class:`Backend` is returned as it is).

    Parameters
    ----------
    backend : {"local", "processes", "dask"} or Backend
    scheduler : str or distributed.Client, optional
        For ``"dask"``: where the cluster is (default: a local cluster of 2 workers).
    workers : int, optional
        For ``"processes"``: pool size (default ``settings.workers``).
    """
    if isinstance(backend, Backend):
        return backend
    if backend == "local":
        return LocalBackend()
    if backend == "processes":
        return ProcessBackend(workers)
    if backend == "dask":
        return DaskBackend(scheduler)
    raise OptionError(f"backend must be one of {BACKENDS} or a Backend, not {backend!r}")
