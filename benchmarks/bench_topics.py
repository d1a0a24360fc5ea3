"""Topic-model fitting speed against a bare scikit-learn estimator on the same matrix.

For the UN General Debate corpus (and the factbook), in one run: the units' document-term
matrix is built once (cached), then timed

- ``bare fit``: ``LatentDirichletAllocation(...).fit(X)`` on that matrix;
- ``bare fit_transform``: the same, also returning document-topic shares (what a user
  needs, and what ``TopicModel`` returns);
- ``TopicModel.fit``: the project's fit with the same parameters (units hashed, DTM read
  from its cache, LDA, topics sorted, labels, coherence, in-sample perplexity, the fit
  written to the topic cache), the topic cache emptied first so the model really is fitted;

with ratios to the bare fit, as wall-clock and as CPU seconds of this process (the best of
``--repeat`` interleaved runs). ``TopicModel`` keeps the document-topic matrix scikit-learn's
``fit`` computes in its last E-step, so it needs no second pass.

Defaults for the UNGDC: document units, ``min_df=20``, ``max_df=0.5``, k=20, online LDA,
``max_iter=5``, ``n_jobs=1`` (2 jobs were slower on a 2-core machine: joblib's overhead per
mini-batch). The factbook runs with the package defaults (batch, 10 iterations, k=8).

Run: ``python benchmarks/bench_topics.py [--unit paragraph] [--min-df 20] [--k 20]
[--max-iter 5] [--learning-method online] [--n-jobs 1] [--repeat 1] [--corpus ungdc]``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
from sklearn.decomposition import LatentDirichletAllocation

import analysis
from analysis import topics
from analysis.settings import get_settings
from analysis.tokens import TokenOptions

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
UNGDC = SHARED / "corpora" / "UNGDC_1946-2024.tgz"


def interleaved(cases: dict, repeat: int) -> dict[str, tuple[float, float]]:
    """(best wall seconds, best CPU seconds) of each case, run in turn ``repeat`` times.

    Interleaving and keeping the best run make the ratios robust to other processes on a
    shared machine; CPU time (this process) is what load disturbs least.
    """
    wall: dict[str, list[float]] = {name: [] for name in cases}
    cpu: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(repeat):
        for name, fn in cases.items():
            w, c = time.perf_counter(), time.process_time()
            fn()
            wall[name].append(time.perf_counter() - w)
            cpu[name].append(time.process_time() - c)
    return {name: (min(wall[name]), min(cpu[name])) for name in cases}


def bench(name: str, corpus, args: argparse.Namespace, cache: Path) -> None:
    table = topics.units(corpus, args.unit, actors=())
    params = dict(
        k=args.k,
        max_iter=args.max_iter,
        learning_method=args.learning_method,
        n_jobs=args.n_jobs,
        min_df=args.min_df,
        max_df=args.max_df,
        random_state=0,
    )
    start = time.perf_counter()  # also fills the DTM cache, which TopicModel.fit then reads
    counts = topics.unit_dtm(table, TokenOptions(), min_df=args.min_df, max_df=args.max_df)
    t_dtm = time.perf_counter() - start
    X = counts.matrix[np.diff(counts.matrix.indptr) > 0].astype(np.float64)

    def bare(method: str):
        lda = LatentDirichletAllocation(
            args.k,
            learning_method=args.learning_method,
            max_iter=args.max_iter,
            n_jobs=args.n_jobs,
            random_state=0,
        )
        return getattr(lda, method)(X)

    def ours():
        shutil.rmtree(cache / "topics", ignore_errors=True)  # a real fit, DTM from its cache
        tm = topics.TopicModel(**params).fit(table)
        assert not tm.from_cache_

    res = interleaved(
        {"fit": lambda: bare("fit"), "f_t": lambda: bare("fit_transform"), "ours": ours},
        args.repeat,
    )
    for i, kind in enumerate(("wall", "cpu")):
        fit, ft, mine = res["fit"][i], res["f_t"][i], res["ours"][i]
        print(
            f"{name:9} {args.unit:10} {X.shape[0]:>8} {X.shape[1]:>6} {X.nnz:>10} "
            f"{t_dtm:>7.1f} {kind:>5} {fit:>9.1f} {ft:>9.1f} {mine:>9.1f} "
            f"{mine / fit:>9.2f} {mine / ft:>9.2f}",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=["ungdc", "factbook", "both"], default="both")
    parser.add_argument("--unit", default="document", choices=list(topics.TOPIC_UNITS))
    parser.add_argument("--k", type=int, default=20)
    parser.add_argument("--min-df", type=int, default=20)
    parser.add_argument("--max-df", type=float, default=0.5)
    parser.add_argument("--max-iter", type=int, default=5)
    parser.add_argument("--learning-method", default="online", choices=["online", "batch"])
    parser.add_argument("--n-jobs", type=int, default=1)
    parser.add_argument(
        "--repeat", type=int, default=3, help="interleaved runs per measurement (best kept)"
    )
    parser.add_argument("--cache-dir", help="cache folder (default: a new temporary one)")
    args = parser.parse_args()
    cache = Path(args.cache_dir or tempfile.mkdtemp(prefix="bench-topics-"))
    settings = get_settings(cache_dir=cache)
    os.environ["ANALYSIS_CACHE_DIR"] = str(cache)  # TopicModel reads its settings from here
    print(
        f"k={args.k} max_iter={args.max_iter} learning_method={args.learning_method} "
        f"n_jobs={args.n_jobs} min_df={args.min_df} max_df={args.max_df} "
        f"repeat={args.repeat} (interleaved, best); seconds. Factbook: package defaults "
        f"(k=8, batch, max_iter=10, min_df=2, max_df=0.9)"
    )
    print(
        f"{'corpus':9} {'unit':10} {'units':>8} {'terms':>6} {'nnz':>10} {'dtm s':>7} "
        f"{'time':>5} {'bare fit':>9} {'bare f_t':>9} {'ours':>9} {'ours/fit':>9} "
        f"{'ours/f_t':>9}"
    )
    if args.corpus in ("factbook", "both"):
        fb = argparse.Namespace(
            **{
                **vars(args),
                "min_df": 2,
                "max_df": 0.9,
                "k": 8,
                "max_iter": 10,
                "learning_method": "batch",
            }
        )
        bench("factbook", analysis.load("factbook", settings=settings), fb, cache)
    if args.corpus in ("ungdc", "both"):
        if not UNGDC.exists():
            print(f"ungdc     missing: {UNGDC}")
            return
        bench("ungdc", analysis.load(UNGDC, settings=settings, progress=False), args, cache)


if __name__ == "__main__":
    main()
