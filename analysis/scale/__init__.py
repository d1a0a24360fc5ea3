r"""Counting beyond one machine: the same counting steps as map-reduce on Dask.

::

    from analysis import load
    from analysis.scale import (count_framing, count_mentions, count_terms,
                                keyness_from_counts, read_parquet, write_parquet)

    write_parquet(load("UNGDC_1946-2024.tgz"), "ungdc.parquet", rows_per_partition=2_000)
    counts = count_terms("ungdc.parquet", by="year")                     # streamed
    counts = count_terms("ungdc.parquet", by="year", backend="dask")     # same table
    keyness_from_counts(counts, target="1990")          # = keyness.keyness(corpus, by="year", ...)
    count_mentions("ungdc.parquet", actors=["CSTO", "NATO", "UN"], by="year",
                   backend="dask", scheduler="tcp://10.0.0.5:8786")
    count_framing(corpus, actors=["CSTO", "NATO", "UN"], by="source")  # frames + tone

What runs where
---------------
A source (a :class:`~analysis.corpus.Corpus`, a partitioned Parquet folder, or any corpus
spec) is a list of partitions (:mod:`analysis.scale.parquet`). Each counting step maps a
partition to small integer count tables and sums them on their keys
(:mod:`analysis.scale.base`); a :class:`Backend` (:mod:`analysis.scale.backends`) decides
where the map calls run: ``"local"`` (this process, default), ``"processes"`` (a local
pool) or ``"dask"`` (``dask.bag`` with a tree ``reduction`` on ``dask.distributed``: a
``LocalCluster`` of 2 workers on 127.0.0.1 by default, or the cluster at ``scheduler``).
Because partial results are integer sums, the result does not depend on the backend, the
partitioning or the order of the reduction: it is IDENTICAL (tests compare the tables
exactly), and equal to the in-memory steps (:func:`analysis.terms.frequencies`,
:func:`analysis.keyness.keyness`, :func:`analysis.actors.mention_counts`, and the point
estimates of :func:`analysis.framing.frame_profile` and
:func:`analysis.framing.tone.tone_by_actor`).

=====================================  ===========================================
:func:`count_terms`                    ``term, group, count, doc_freq`` (+ token and
                                       document totals per group in ``attrs``)
:func:`keyness_from_counts`            :func:`analysis.keyness.keyness` of those counts
:func:`count_mentions`                 ``group, actor, n_docs, n_docs_mentioning,
                                       n_mentions, n_words, per_10k_words``
:func:`count_framing`                  ``{"frames": ..., "tone": ...}`` per (group, actor)
:class:`Backend`                       ``map_reduce(items, map_fn, combine_fn)``: plug in
                                       a new step with a map and a combine function
=====================================  ===========================================

Memory is bounded: a Parquet source is never loaded whole; each worker holds one
partition's texts and at most :data:`~analysis.scale.backends.FAN_IN` partials, and a
partial is a count table whose size is set by the vocabulary and the number of groups,
not by the number of documents. (Collocation counts are not yet ported.)

On a 10-node cluster over 10 million documents
----------------------------------------------
Nothing in the analysis changes; only where it runs::

    # once: the corpus as partitioned Parquet on storage every node mounts (NFS, Lustre,
    # a mounted bucket); write_parquet also takes a generator of tables, for corpora
    # larger than one machine's memory
    python -m analysis corpus to-parquet news/ --out /shared/news.parquet
    # the cluster (the same Python environment, with this package, on every node)
    dask scheduler                                                   # on node 0
    dask worker tcp://node0:8786 --nworkers 8 --nthreads 1 --memory-limit 4GB  # x 10
    # the analysis, from anywhere that reaches the scheduler
    python -m analysis counts /shared/news.parquet --what terms --by year \\
        --backend dask --scheduler tcp://node0:8786 --out terms.csv

Partitions
    10 million articles at 2,000 a partition are 5,000 Parquet files of about 1.2 million
    words (7 MB of text, 2-3 MB on disk). Workers read their files themselves; the
    client sends only paths. The graph has 5,000 map tasks and about 715 combine tasks
    (a tree with fan-in 8: 625 + 79 + 10 + 1): a few seconds of scheduler time.
Shuffle-free reduce
    Counts are added, never joined: there is no all-to-all shuffle. The only data that
    moves are partials going up the tree (a term partial is a few MB; a mention or frame
    partial a few KB): about 15 GB in all for term counts, 1.5 GB per node over the run.
Memory per worker
    Measured on the UN General Debate (1,000 speeches, 3 million words a partition): a
    worker process peaks at 0.45-0.56 GB and stays flat as the corpus grows 4-fold.
    Budget 2-4 GB a process for news partitions and the merge at the top of the tree.
    The one thing that grows is the final table, vocabulary x groups: keep ``by`` coarse
    (years, outlets), or prune rare terms before the final merge; a vocabulary of tens of
    millions of types by hundreds of groups would need the reduce sharded by term (the one
    place a shuffle would pay).
Cost
    Measured by ``benchmarks/bench_scale.py`` on this 2-core machine (shared, so wall
    times are noisy), per CPU core: term counting about 2 million words a second,
    mentions about 5 million, contexts + frames + tone about 0.65 million. CPU time grows
    linearly with the corpus (fitted exponent 0.9-1.0 from 1x to 4x the UN General
    Debate), and the Dask path costs about 1.3x the CPU of one process (serialization,
    imports on each worker). A decade of news, 10 million articles of about 600 words,
    is 6 billion words: terms about 0.8 core-hours, mentions 0.3, frames and tone 2.5;
    with the Dask overhead about 5 core-hours for all three. On 10 nodes x 8 cores that is
    4-5 minutes of wall time per full pass (plus cluster start-up and reading 12-15 GB of
    Parquet): about 1 node-hour in all, a few dollars at most at cloud prices. Speeches as
    long as the UN's (2,900 words) would cost about 5 times as much. One 8-core machine
    would finish the same pass in about 40 minutes; the cluster buys turnaround, and room
    for heavier steps (NER, topic models) that reuse the same :class:`Backend`.
"""

from analysis.lazy import lazy_attributes

#: Where each public name lives: imported on first use, so that ``python -m analysis``
#: building its parser (``analysis.scale.cli``) does not import the counting stack.
_WHERE = {
    "ALL": "analysis.groups",
    **dict.fromkeys(
        [
            "BACKENDS",
            "FAN_IN",
            "LOCAL_CLUSTER",
            "Backend",
            "DaskBackend",
            "LocalBackend",
            "ProcessBackend",
            "get_backend",
        ],
        "analysis.scale.backends",
    ),
    **dict.fromkeys(["doc_groups", "partitions_of", "sum_tables"], "analysis.scale.base"),
    **dict.fromkeys(
        [
            "add_counts_arguments",
            "add_scale_arguments",
            "add_to_parquet_arguments",
            "run_counts",
            "run_to_parquet",
        ],
        "analysis.scale.cli",
    ),
    **dict.fromkeys(
        [
            "MENTION_COUNT_COLUMNS",
            "TERM_COUNT_COLUMNS",
            "count_mentions",
            "count_terms",
            "counts_dtm",
            "keyness_from_counts",
        ],
        "analysis.scale.counts",
    ),
    **dict.fromkeys(
        ["FRAME_COUNT_COLUMNS", "TONE_COUNT_COLUMNS", "count_framing"],
        "analysis.scale.frames",
    ),
    **dict.fromkeys(
        ["Partition", "PartitionedCorpus", "read_parquet", "write_parquet"],
        "analysis.scale.parquet",
    ),
}


__getattr__, __dir__ = lazy_attributes(__name__, _WHERE)

__all__ = [
    "ALL",
    "BACKENDS",
    "FAN_IN",
    "FRAME_COUNT_COLUMNS",
    "LOCAL_CLUSTER",
    "MENTION_COUNT_COLUMNS",
    "TERM_COUNT_COLUMNS",
    "TONE_COUNT_COLUMNS",
    "Backend",
    "DaskBackend",
    "LocalBackend",
    "Partition",
    "PartitionedCorpus",
    "ProcessBackend",
    "add_counts_arguments",
    "add_scale_arguments",
    "add_to_parquet_arguments",
    "count_framing",
    "count_mentions",
    "count_terms",
    "counts_dtm",
    "doc_groups",
    "get_backend",
    "keyness_from_counts",
    "partitions_of",
    "read_parquet",
    "run_counts",
    "run_to_parquet",
    "sum_tables",
    "write_parquet",
]
