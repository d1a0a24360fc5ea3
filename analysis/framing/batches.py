"""Scores of many texts, computed in batches (in a process pool when large) and cached.

The engine behind :func:`analysis.framing.score_frames` and
:func:`analysis.framing.tone.score`: any ``compute(texts) -> 2-D array`` is cached on disk by the
texts it scored.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import numpy as np
import pandas as pd

from analysis import parallel
from analysis.cache import Cache, make_key
from analysis.settings import get_settings

#: Contexts from which on scoring runs in a process pool (below it, one process is faster).
MIN_PARALLEL = 20_000


def cached_scores(
    step: str, key_parts: list, texts: list, compute: Callable, workers: int | None, cache: bool
) -> np.ndarray:
    """``compute(texts)``, a 2-D array, cached on disk by ``step``, ``key_parts`` and the texts.

    The key hashes every text, so any change to a context re-scores the table; entries are
    Parquet (never pickle), written atomically by :class:`analysis.cache.Cache`. Large
    inputs are scored in a process pool (:data:`MIN_PARALLEL`).
    """
    digest = hashlib.blake2b(digest_size=16)
    for t in texts:
        digest.update((t if isinstance(t, str) else "\x00").encode("utf-8", "replace") + b"\x1f")
    store = Cache(step, get_settings())
    key = make_key(step, key_parts, digest.hexdigest())
    found = store.get(key) if cache else None
    if found is not None and len(found[0]["scores"]) == len(texts):
        return found[0]["scores"].to_numpy()
    result = _map_batches(compute, texts, workers)
    if cache and len(texts):
        store.put(
            key, {"scores": pd.DataFrame(result, columns=[f"c{j}" for j in range(result.shape[1])])}
        )
    return result


def _map_batches(compute: Callable, texts: list, workers: int | None) -> np.ndarray:
    """``compute`` over batches, in a forked process pool when the input is large."""
    workers = parallel.worker_count(workers)
    if not parallel.use_pool(len(texts), workers, MIN_PARALLEL) or not parallel.can_fork():
        return compute(texts)
    batches = parallel.split_evenly(texts, 4 * workers)
    return np.concatenate(parallel.map_in_pool(compute, batches, workers), axis=0)
