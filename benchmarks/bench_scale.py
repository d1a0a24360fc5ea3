"""Scaling of the map-reduce counting steps: time linear in the corpus, memory flat.

The UN General Debate Corpus (10,952 speeches, 32 million words) is replicated 1x, 2x and
4x (replica ``j`` of a speech has ``doc_id`` ``<id>~j``: distinct documents, same texts) and
written as partitioned Parquet (1,000 speeches a partition, a ``decade`` column added) to a
temporary folder. Then, for each size, in a fresh subprocess per measurement:

- ``terms``: :func:`analysis.scale.count_terms` by decade (the keyness inputs);
- ``mentions``: :func:`analysis.scale.count_mentions` of CSTO, NATO and UN by decade;

each on the streaming in-process path (``backend="local"``) and on Dask
(``backend="dask"``: a ``LocalCluster`` of 2 single-threaded worker processes on
127.0.0.1; its start-up is timed apart). A measurement reports wall time, CPU time
(workers included), the peak RSS of the measuring process (``VmHWM``) and the largest peak
RSS of a Dask worker. The run prints time ratios to the 1x corpus, the exponent ``b`` of
``time ~ size**b`` (least squares on logs; 1 is linear) for wall and CPU time, peak memory
at each size and the Dask/local ratios, and checks that the local and Dask results are
identical at every size (a hash of each table).

The machine this runs on has 2 cores and is usually shared with other processes, so the
Dask path cannot be much faster than one process here and wall times are noisy: read the
CPU times beside them. Total time: 7-10 minutes (the Parquet copies are kept in
``--work-dir`` and reused).

Run: ``python benchmarks/bench_scale.py [--scales 1 2 4] [--work-dir DIR]``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
UNGDC = SHARED / "corpora" / "UNGDC_1946-2024.tgz"
STEPS = ("terms", "mentions")
BACKENDS = ("local", "dask")
ROWS_PER_PARTITION = 1_000
ACTORS = ["CSTO", "NATO", "UN"]


def peak_mb() -> float:
    """Peak resident memory of this process in MB.

    ``VmHWM`` is reset by ``exec``, unlike ``ru_maxrss``, which a child started with
    fork + exec inherits from its parent.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    """CPU time of this process."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


def _worker_usage() -> tuple[float, float]:
    """(peak MB, CPU seconds) of a Dask worker process (run there by ``client.run``)."""
    return peak_mb(), cpu_seconds()


# -- data -------------------------------------------------------------------------------------
def replicas(docs, times: int):
    """The documents ``times`` over, replica ``j`` with ids ``<id>~j``, one table at a time."""
    for j in range(times):
        for a in range(0, len(docs), ROWS_PER_PARTITION):
            part = docs.iloc[a : a + ROWS_PER_PARTITION].copy()
            part["doc_id"] = part["doc_id"] + f"~{j}"
            yield part


def prepare(work: Path, scales: list[int]) -> dict[int, Path]:
    """Write the replicated corpora (kept between runs: a folder is reused if complete)."""
    import analysis
    from analysis.scale import read_parquet, write_parquet

    paths = {k: work / f"ungdc_{k}x" for k in scales}
    todo = [k for k, p in paths.items() if not _complete(p, k)]
    if todo:
        settings = analysis.get_settings(cache_dir=work / "cache")
        docs = analysis.load(UNGDC, settings=settings, progress=False).docs
        docs["decade"] = (docs["year"] // 10 * 10).astype("int64")
        for k in todo:
            write_parquet(
                replicas(docs, k), paths[k], rows_per_partition=ROWS_PER_PARTITION, overwrite=True
            )
    for k, p in paths.items():
        pc = read_parquet(p)
        print(f"  {k}x: {len(pc):,} documents in {len(pc.partitions())} partitions ({p})")
    return paths


def _complete(path: Path, k: int) -> bool:
    meta = path / "_corpus.json"
    return meta.is_file() and json.loads(meta.read_text())["n_docs"] == 10_952 * k


# -- one measurement (in its own process) -------------------------------------------------------
def measure(step: str, path: Path, backend: str) -> dict:
    """Run one step on one dataset; return seconds, CPU, memory and a digest of the result.

    On Dask, the cluster is started first (its start-up is timed apart), and each worker
    reports its own peak memory and CPU time before the cluster closes.
    """
    from analysis.scale import LOCAL_CLUSTER

    if backend == "local":
        return {**_count(step, path, "local", None), "startup": 0.0, "workers_mb": 0.0}
    from distributed import Client, LocalCluster

    start = time.perf_counter()
    with LocalCluster(**LOCAL_CLUSTER) as cluster, Client(cluster) as client:
        startup = time.perf_counter() - start
        out = _count(step, path, "dask", client)
        usage = client.run(_worker_usage).values()
    out["cpu"] += sum(cpu for _, cpu in usage)
    return {**out, "startup": startup, "workers_mb": max(mb for mb, _ in usage)}


def _count(step: str, path: Path, backend: str, client) -> dict:
    import pandas as pd

    from analysis.scale import count_mentions, count_terms

    start, cpu0 = time.perf_counter(), cpu_seconds()
    if step == "terms":
        table = count_terms(path, by="decade", backend=backend, scheduler=client)
    else:
        table = count_mentions(path, actors=ACTORS, by="decade", backend=backend, scheduler=client)
    seconds = time.perf_counter() - start
    digest = int(pd.util.hash_pandas_object(table, index=False).sum())
    return {
        "step": step,
        "backend": backend,
        "seconds": seconds,
        "cpu": cpu_seconds() - cpu0,
        "rows": len(table),
        "digest": digest,
        "peak_mb": peak_mb(),
    }


def run_measure(step: str, path: Path, backend: str, work: Path) -> dict:
    """:func:`measure` in a fresh Python process (so its peak memory is its own)."""
    return json.loads(_subprocess(["--measure", step, str(path), backend], work)[-1])


def _subprocess(args: list[str], work: Path) -> list[str]:
    env = {**os.environ, "ANALYSIS_CACHE_DIR": str(work / "cache")}
    out = subprocess.run(
        [sys.executable, __file__, *args, "--work-dir", str(work)],
        capture_output=True,
        text=True,
        env=env,
    )
    if out.returncode:
        sys.exit(f"{' '.join(args)} failed:\n{out.stderr[-3000:]}")
    return out.stdout.strip().splitlines()


# -- report -------------------------------------------------------------------------------------
def exponent(sizes: list[int], seconds: list[float]) -> float:
    """``b`` in ``seconds ~ a * size**b`` (least squares on logarithms)."""
    import numpy as np

    return float(np.polyfit(np.log(sizes), np.log(seconds), 1)[0])


def report(results: list[dict], scales: list[int]) -> None:
    print(
        f"\n{'step':9} {'backend':8} {'size':>4} {'wall s':>8} {'start s':>7} {'cpu s':>8} "
        f"{'x 1x':>6} {'peak MB':>8} {'worker MB':>9} {'rows':>9}"
    )
    for r in results:
        base = next(
            b
            for b in results
            if b["step"] == r["step"] and b["backend"] == r["backend"] and b["scale"] == scales[0]
        )
        print(
            f"{r['step']:9} {r['backend']:8} {r['scale']:>3}x {r['seconds']:8.1f} "
            f"{r['startup']:7.1f} {r['cpu']:8.1f} {r['seconds'] / base['seconds']:6.2f} "
            f"{r['peak_mb']:8.0f} {r['workers_mb']:9.0f} {r['rows']:9,}"
        )
    print()
    for step in STEPS:
        for backend in BACKENDS:
            rows = [r for r in results if r["step"] == step and r["backend"] == backend]
            if len(rows) > 1:
                b = exponent([r["scale"] for r in rows], [r["seconds"] for r in rows])
                c = exponent([r["scale"] for r in rows], [r["cpu"] for r in rows])
                mem = "workers_mb" if backend == "dask" else "peak_mb"
                print(
                    f"{step:9} {backend:8} wall ~ size^{b:.2f}, cpu ~ size^{c:.2f}, peak MB "
                    + " / ".join(f"{r[mem]:.0f}" for r in rows)
                )
        for k in scales:
            pair = {r["backend"]: r for r in results if r["step"] == step and r["scale"] == k}
            if len(pair) == 2:
                same = pair["local"]["digest"] == pair["dask"]["digest"]
                ratio = pair["dask"]["seconds"] / pair["local"]["seconds"]
                cpu = pair["dask"]["cpu"] / pair["local"]["cpu"]
                print(
                    f"{step:9} {k}x dask/local wall {ratio:.2f}, cpu {cpu:.2f}, "
                    f"identical results: {same}"
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument(
        "--work-dir", type=Path, default=Path(tempfile.gettempdir()) / "bench_scale"
    )
    parser.add_argument("--steps", nargs="+", default=list(STEPS), choices=STEPS)
    parser.add_argument("--backends", nargs="+", default=list(BACKENDS), choices=BACKENDS)
    parser.add_argument(
        "--measure", nargs=3, metavar=("STEP", "PATH", "BACKEND"), help=argparse.SUPPRESS
    )
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        prepare(args.work_dir, args.scales)
        return
    if args.measure:
        step, path, backend = args.measure
        print(json.dumps(measure(step, Path(path), backend)))
        return
    if not UNGDC.exists():
        sys.exit(f"{UNGDC} not found")
    started = time.perf_counter()
    args.work_dir.mkdir(parents=True, exist_ok=True)
    print("preparing replicated corpora")
    print("\n".join(_subprocess(["--prepare", "--scales", *map(str, args.scales)], args.work_dir)))
    paths = {k: args.work_dir / f"ungdc_{k}x" for k in args.scales}
    results = []
    for step in args.steps:
        for k in args.scales:
            for backend in args.backends:
                r = run_measure(step, paths[k], backend, args.work_dir)
                results.append({**r, "scale": k})
                print(
                    f"  {step} {k}x {backend}: {r['seconds']:.1f} s, peak {r['peak_mb']:.0f} MB",
                    flush=True,
                )
    report(results, args.scales)
    print(f"\ntotal {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
