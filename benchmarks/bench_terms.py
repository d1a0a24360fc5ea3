"""Document-term matrix and keyness speed against scikit-learn's CountVectorizer.

Prints, for the UN General Debate archive, in one run: plain
``CountVectorizer(stop_words="english", min_df=5)``, our cold ``tokens.dtm`` (counting and
writing the cache) and its ratio to the baseline, the warm ``dtm`` (read from the cache)
and the cold/warm ratio, and keyness of 1946-1990 against 1992-2024 speeches from the
cached DTM. Each measurement runs in its own subprocess, which reports its wall time, its
CPU time (worker processes included: a fairer comparison on a busy machine), its peak
memory (``ru_maxrss``, workers included) and the memory it had after loading the corpus,
so one step's memory does not hide another's. Loading the corpus (from the cache) and
compiling the tokenizer happen before the clock starts; CountVectorizer and ``dtm`` are
run alternately and the best run of each is kept (``--repeat``).

Run: ``python benchmarks/bench_terms.py [--repeat N] [--workers N] [--cache-dir DIR]``.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
UNGDC = SHARED / "corpora" / "UNGDC_1946-2024.tgz"
STEPS = ("countvectorizer", "dtm_cold", "dtm_warm", "keyness")


def peak_mb() -> float:
    """Peak resident memory of this process and its finished children, in MB (Linux: KB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, kids) / 1024


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (robust to a busy machine)."""
    own, kids = (
        resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def measure(step: str, cache_dir: Path, workers: int) -> dict:
    """Run one step (in this process) and return its seconds and memory."""
    import numpy as np

    import analysis
    from analysis import keyness, parallel, tokens

    settings = analysis.get_settings(cache_dir=cache_dir, workers=workers)
    corpus = analysis.load(UNGDC, settings=settings, progress=False)
    texts = corpus.docs["text"].tolist()
    loaded_mb = peak_mb()
    if step == "keyness":
        m = tokens.dtm(corpus, min_df=5, settings=settings, progress=False)
        year = m.docs["year"].astype(float)
        period = np.where(year <= 1990, "1946-1990", np.where(year >= 1992, "1992-2024", None))
    from sklearn.feature_extraction.text import CountVectorizer

    tokens.plan.token_plan(tokens.TokenOptions())  # compile once, before the clock (as a session)
    start, cpu_start = time.perf_counter(), cpu_seconds()
    if step == "countvectorizer":
        CountVectorizer(stop_words="english", min_df=5).fit_transform(texts)
    elif step in ("dtm_cold", "dtm_warm"):
        m = tokens.dtm(corpus, min_df=5, settings=settings, progress=False)
        assert m.from_cache == (step == "dtm_warm"), "cache state is not what the step needs"
    else:
        keyness.keyness(m, by=period, target="1946-1990", reference="1992-2024")
    seconds = time.perf_counter() - start
    for pool in parallel.pools():  # collect the workers' CPU time and memory
        pool.shutdown(wait=True)
    return {
        "step": step,
        "seconds": seconds,
        "cpu": cpu_seconds() - cpu_start,
        "peak_mb": peak_mb(),
        "loaded_mb": loaded_mb,
    }


def run_step(step: str, cache_dir: Path, workers: int) -> dict:
    """``measure`` in a fresh subprocess (so peak memory is the step's own)."""
    cmd = [
        sys.executable,
        __file__,
        "--step",
        step,
        "--cache-dir",
        str(cache_dir),
        "--workers",
        str(workers),
    ]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def run_cold(cache_dir: Path, workers: int) -> dict:
    shutil.rmtree(cache_dir / "dtm", ignore_errors=True)
    return run_step("dtm_cold", cache_dir, workers)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="runs per step (best kept)")
    parser.add_argument("--workers", type=int, default=None, help="processes for dtm")
    parser.add_argument("--cache-dir", type=Path, default=None)
    parser.add_argument("--step", choices=STEPS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not UNGDC.exists():
        sys.exit(f"{UNGDC} not found: the benchmark needs ../shared/corpora")
    import analysis

    workers = args.workers or analysis.get_settings().workers
    if args.step:
        print(json.dumps(measure(args.step, args.cache_dir, workers)))
        return
    cache_dir = args.cache_dir or Path(tempfile.mkdtemp(prefix="bench-terms-"))
    print(f"UN General Debate corpus, {workers} worker(s), cache {cache_dir}")
    analysis.load(UNGDC, settings=analysis.get_settings(cache_dir=cache_dir), progress=False)
    results = {}
    for step in ("countvectorizer", "dtm_cold") * args.repeat + ("dtm_warm", "keyness"):
        r = (
            run_cold(cache_dir, workers)
            if step == "dtm_cold"
            else run_step(step, cache_dir, workers)
        )
        results[step] = min(r, results.get(step, r), key=lambda x: x["seconds"])
    report(results)
    if args.cache_dir is None:
        shutil.rmtree(cache_dir, ignore_errors=True)


def report(results: dict) -> None:
    base = results["countvectorizer"]["seconds"]
    cold, warm = results["dtm_cold"]["seconds"], results["dtm_warm"]["seconds"]
    print(f"{'step':<34}{'seconds':>9}{'CPU s':>8}{'peak MB':>10}{'after load MB':>15}")
    names = {
        "countvectorizer": 'CountVectorizer(stop_words="english", min_df=5)',
        "dtm_cold": "tokens.dtm cold (count + write)",
        "dtm_warm": "tokens.dtm warm (cache)",
        "keyness": "keyness 1946-1990 vs 1992-2024",
    }
    for step, r in results.items():
        print(
            f"{names[step][:33]:<34}{r['seconds']:>9.2f}{r['cpu']:>8.2f}"
            f"{r['peak_mb']:>10.0f}{r['loaded_mb']:>15.0f}"
        )
    cpu_ratio = results["dtm_cold"]["cpu"] / results["countvectorizer"]["cpu"]
    print(
        f"cold dtm / CountVectorizer: {cold / base:.2f}  (<= 1.0 is the bar; "
        f"CPU time {cpu_ratio:.2f})"
    )
    print(f"cold / warm dtm:            {cold / warm:.0f}x  (>= 20x is the bar)")


if __name__ == "__main__":
    main()
