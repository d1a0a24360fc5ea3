"""The per-document cache of entity spans: Parquet shards keyed by document hash.

One folder per configuration (model, spaCy version, registry, mode); each run writes
shards of at most :data:`SHARD_DOCS` documents through :class:`analysis.cache.Cache`
(atomic), so an interrupted run keeps what it finished; more than :data:`MAX_SHARDS` are
merged into one. :class:`ShardWriter` collects parsed spans in document order, trims them
and assigns each its ``sentence_id`` (:func:`analysis.actors.sentence_starts`).
"""

from __future__ import annotations

import shutil
from bisect import bisect_right

import pandas as pd

from analysis.actors import sentence_starts
from analysis.cache import Cache, make_key
from analysis.settings import Settings
from analysis.text import strip_span

#: Documents per cache shard.
SHARD_DOCS = 1000
#: More shards than this in one cache folder are merged into one.
MAX_SHARDS = 16


_STORED = {
    "doc_hash": "string",
    "start": "int64",
    "end": "int64",
    "surface": "string",
    "label": "string",
    "actor": "string",
    "sentence_id": "int64",
}


def _empty_store_frame() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in _STORED.items()})


class EntityStore:
    """Per-document results of one configuration: Parquet shards keyed by document hash."""

    def __init__(self, config: str, settings: Settings, enabled: bool):
        self.cache = Cache(f"entities/{config}", settings)
        self.enabled = enabled and self.cache.enabled

    def keys(self) -> list[str]:
        """The keys of the shards stored for this corpus and pipeline."""
        root = self.cache.root
        if not self.enabled or not root.is_dir():
            return []
        return sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))

    def load(self, wanted: set[str]) -> tuple[pd.DataFrame, set[str]]:
        """Stored rows of the ``wanted`` documents, and which of them were stored."""
        frames, covered = [], set()
        for key in self.keys():
            hit = self.cache.get(key)
            if hit is None or not {"docs", "entities"} <= set(hit[0]):
                continue
            got = (set(hit[0]["docs"]["doc_hash"]) & wanted) - covered
            if got:
                ents = hit[0]["entities"]
                frames.append(ents[ents["doc_hash"].isin(got)])
                covered |= got
            if covered == wanted:
                break
        return concat_stored(frames), covered

    def put(self, rows: pd.DataFrame, hashes: list[str]) -> None:
        """Store the entities of the documents whose text hashes are ``hashes``."""
        if self.enabled and hashes:
            self.cache.put(
                make_key("shard", sorted(hashes)),
                {"docs": pd.DataFrame({"doc_hash": hashes}), "entities": rows},
            )

    def compact(self) -> None:
        """Merge the shards into one when there are more than :data:`MAX_SHARDS`."""
        keys = self.keys()
        if len(keys) <= MAX_SHARDS:
            return
        docs, ents = [], []
        for key in keys:
            hit = self.cache.get(key)
            if hit is not None:
                docs.extend(hit[0]["docs"]["doc_hash"])
                ents.append(hit[0]["entities"])
        hashes = list(dict.fromkeys(docs))
        rows = concat_stored(ents).drop_duplicates()
        self.put(rows, hashes)
        merged = make_key("shard", sorted(hashes))
        for key in keys:
            if key != merged:
                shutil.rmtree(self.cache.root / key, ignore_errors=True)


def concat_stored(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The non-empty frames of stored rows as one, with the stored dtypes (empty if none)."""
    frames = [f for f in frames if len(f)]
    if not frames:
        return _empty_store_frame()
    return pd.concat(frames, ignore_index=True).astype(_STORED)


class ShardWriter:
    """Collects parsed rows in document order and writes a shard every SHARD_DOCS documents."""

    def __init__(
        self,
        todo: list[tuple[str, str]],
        store: EntityStore,
        starts_of: dict[int, list[int]],
        *,
        keep_starts: bool,
        bar,
    ):
        self.todo, self.store, self.starts_of = todo, store, starts_of
        self.keep_starts, self.bar = keep_starts, bar
        self.rows: dict[str, list] = {c: [] for c in _STORED}
        self.hashes: list[str] = []
        self.finished = 0
        self.done: list[pd.DataFrame] = []
        self.failed: list[dict] = []
        self._bad: set[int] = set()

    def add(self, i: int, offset: int, found: list[tuple] | str) -> None:
        """Rows of one parsed text of document ``i`` (or the error spaCy raised on it)."""
        self.finish(i)
        doc_hash, text = self.todo[i]
        if isinstance(found, str):
            if i not in self._bad:
                self._bad.add(i)
                self.failed.append({"doc_hash": doc_hash, "reason": f"spaCy failed: {found}"})
            return
        starts = self.starts_of.get(i)
        if starts is None and found:
            starts = self.starts_of[i] = sentence_starts(text)
        rows = self.rows
        for start, end, label, ent_id in found:
            start, end = strip_span(text, start + offset, end + offset)  # spaCy may end on a \n
            if start < end:
                rows["doc_hash"].append(doc_hash)
                rows["start"].append(start)
                rows["end"].append(end)
                rows["surface"].append(text[start:end])
                rows["label"].append(label)
                rows["actor"].append(ent_id)
                rows["sentence_id"].append(bisect_right(starts, start) - 1)

    def finish(self, upto: int) -> None:
        """Documents before ``upto`` are complete: count them, write a shard when due."""
        while self.finished < upto:
            i = self.finished
            if i not in self._bad:
                self.hashes.append(self.todo[i][0])
            if not self.keep_starts:
                self.starts_of.pop(i, None)
            self.finished += 1
            self.bar.update(1)
        if len(self.hashes) >= SHARD_DOCS or (upto == len(self.todo) and self.hashes):
            frame = pd.DataFrame(self.rows).astype(_STORED)
            if self._bad:
                frame = frame[frame["doc_hash"].isin(set(self.hashes))]
            self.store.put(frame, self.hashes)
            self.done.append(frame)
            self.rows, self.hashes = {c: [] for c in _STORED}, []
