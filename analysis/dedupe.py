"""Exact and near-duplicate documents.

Exact duplicates share a BLAKE2 hash of their cleaned text. Near duplicates are found
with bottom-k sketches (Broder 1997; Cohen & Kaplan 2007) of each document's set of
sentence-like pieces: two documents whose sketches estimate a Jaccard resemblance of at
least ``threshold`` are reported. Sketching is one pass over the text in C-speed string
operations, so it costs little next to reading the corpus.

References
----------
Broder, A. (1997). On the resemblance and containment of documents. SEQUENCES '97.
Cohen, E., & Kaplan, H. (2007). Summarizing data using bottom-k sketches. PODC '07.
"""

from __future__ import annotations

import hashlib
import zlib
from collections import defaultdict
from typing import Sequence

import pandas as pd

#: Sketch size: the k smallest piece hashes kept per document.
K = 64
#: Pieces shorter than this (headings, "Thank you.") do not count.
MIN_PIECE = 25
#: Bytes sketched from each end of a long text: near duplicates share most of their text,
#: so its first and last 6 KB resemble as the whole does, at a bounded cost per document.
SAMPLE_BYTES = 6144
#: Candidate pairs share one of their ``BANDS`` smallest hashes (each is shared with
#: probability equal to the resemblance, so a pair at 0.7 misses all 16 with p < 1e-8);
#: the full sketches then estimate the resemblance.
BANDS = 16
#: A hash shared by more documents than this is boilerplate and is not used for pairing.
MAX_POSTING = 20


def encode(text: str) -> bytes:
    """The UTF-8 bytes that :func:`text_hash` and :func:`sketch` read."""
    return text.encode("utf-8", "surrogatepass")


def text_hash(data: str | bytes) -> str:
    """Hex BLAKE2b-128 of the text's UTF-8 bytes."""
    data = encode(data) if isinstance(data, str) else data
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def sketch(data: str | bytes, k: int = K) -> tuple[int, ...]:
    """Bottom-k sketch of the set of sentence-like pieces of a text.

    Pieces are clauses: the text split at ". " and ", ", each hashed with CRC-32, case and
    spacing kept. Clauses rather than sentences, so that a corrected typo changes one short
    piece, not a whole sentence (the CAF/ZAF 1984 speeches of the UN General Debate Corpus,
    99 % identical, resemble at 0.88 by clauses but 0.66 by sentences). Two byte-level
    passes and one hash per piece keep this cheap next to reading the text; texts longer
    than ``2 * SAMPLE_BYTES`` are sketched from their first and last ``SAMPLE_BYTES``.
    """
    data = encode(data) if isinstance(data, str) else data
    if len(data) > 2 * SAMPLE_BYTES:  # bounded cost: the start and the end of a long text
        data = data[:SAMPLE_BYTES] + b". " + data[-SAMPLE_BYTES:]
    crc = zlib.crc32
    hashes = {crc(p) for p in data.replace(b", ", b". ").split(b". ") if len(p) >= MIN_PIECE}
    return tuple(sorted(hashes)[:k])


def resemblance(a: Sequence[int], b: Sequence[int], k: int = K) -> float:
    """Estimated Jaccard resemblance of two bottom-k sketches."""
    if not a or not b:
        return 0.0
    union = sorted(set(a) | set(b))[:k]
    sa, sb = set(a), set(b)
    return sum(1 for h in union if h in sa and h in sb) / len(union)


def find_duplicates(doc_ids: Sequence[str], hashes: Sequence[str],
                    sketches: Sequence[Sequence[int]], *, threshold: float = 0.7) -> pd.DataFrame:
    """Pairs of exact and near-duplicate documents.

    Parameters
    ----------
    doc_ids, hashes, sketches : sequences of equal length n_docs
        Document ids, :func:`text_hash` values and :func:`sketch` values.
    threshold : float, default 0.7
        Minimum estimated resemblance for a near duplicate.

    Returns
    -------
    pandas.DataFrame
        Columns ``doc_id, duplicate_of, kind, similarity``: one row a later document
        that duplicates an earlier one (``kind`` is ``exact`` or ``near``).
    """
    rows: list[dict] = []
    first_by_hash: dict[str, int] = {}
    exact_of: dict[int, int] = {}
    for i, h in enumerate(hashes):
        if h in first_by_hash:
            exact_of[i] = first_by_hash[h]
            rows.append({"doc_id": doc_ids[i], "duplicate_of": doc_ids[first_by_hash[h]],
                         "kind": "exact", "similarity": 1.0})
        else:
            first_by_hash[h] = i
    postings: dict[int, list[int]] = defaultdict(list)
    for i, sk in enumerate(sketches):
        if i in exact_of:
            continue
        for value in sk[:BANDS]:
            postings[value].append(i)
    candidates: dict[tuple[int, int], int] = defaultdict(int)
    for docs in postings.values():
        if 1 < len(docs) <= MAX_POSTING:
            for x in range(len(docs)):
                for y in range(x + 1, len(docs)):
                    candidates[(docs[x], docs[y])] += 1
    seen: set[int] = set()
    for (i, j), shared in sorted(candidates.items()):
        if j in seen:
            continue
        sim = resemblance(sketches[i], sketches[j])
        if sim >= threshold:
            seen.add(j)
            rows.append({"doc_id": doc_ids[j], "duplicate_of": doc_ids[i],
                         "kind": "near", "similarity": round(sim, 3)})
    return pd.DataFrame(rows, columns=["doc_id", "duplicate_of", "kind", "similarity"])
