"""Where a researcher waits: warm reruns, a cold corpus summary and the report, in one run.

Prints each row as measured, with its baseline measured in the same run on this machine:

1. ``terms UNGDC --by year --top 20`` with the DTM cached (a command run end to end, in a
   fresh process, as a user runs it) against reading the archive in a plain loop and
   ``CountVectorizer(stop_words="english", min_df=5).fit_transform`` (goal: <= 0.05x);
2. ``corpus info UNGDC --json`` with an empty cache against a plain loop reading and
   decoding every member (goal: <= 2.0x), and the floors under them: decompressing the
   archive alone with zlib (as the loop does) and with ISA-L (as the loader does);
3. ``report`` on the built-in corpus, cold (empty cache) and warm (the same command again),
   with each notebook's seconds (goal: warm <= 20 s).

Commands are timed in subprocesses (median of ``--repeat`` runs for 1 and 2), and so are
the baselines (timed inside their process, start-up not counted), with Python's
bytecode cache on as on a user's machine (``PYTHONDONTWRITEBYTECODE`` is dropped: without
it every import recompiles the package); the machine's load average before and after is
printed so a noisy run can be told apart.

Run: ``python benchmarks/bench_warm.py [--repeat N] [--skip-report]``.
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
UNGDC = SHARED / "corpora" / "UNGDC_1946-2024.tgz"


def command(args: list[str], cache: Path, cwd: Path | None = None) -> tuple[float, str]:
    """Wall seconds of ``python -m analysis ARGS`` in a fresh process, and its output."""
    env = {**os.environ, "ANALYSIS_CACHE_DIR": str(cache), "PYTHONWARNINGS": "ignore"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # a user's Python caches bytecode
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "analysis", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    return time.perf_counter() - start, done.stdout + done.stderr


def read_texts(path: Path) -> list[str]:
    """Every ``.txt`` member of the archive, decoded: the plain loop."""
    texts = []
    with tarfile.open(path, "r:gz") as tf:
        for member in tf:
            if member.isfile() and member.name.endswith(".txt"):
                texts.append(tf.extractfile(member).read().decode("utf-8", "replace"))
    return texts


def decompress(path: Path, isal: bool = False) -> int:
    """Bytes of the archive after gzip, read and thrown away: the physical floor."""
    if isal:
        from isal import igzip as gzip_module
    else:
        gzip_module = gzip
    n = 0
    with gzip_module.open(path, "rb") as fh:
        while chunk := fh.read(1 << 22):
            n += len(chunk)
    return n


def baseline(name: str) -> float:
    """Seconds of one baseline, timed inside a fresh process (its start-up not counted)."""
    done = subprocess.run(
        [sys.executable, __file__, "--baseline", name],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(done.stdout.strip().splitlines()[-1])


def run_baseline(name: str) -> None:
    """Run one baseline here and print its seconds (the child side of :func:`baseline`)."""
    start = time.perf_counter()
    if name == "countvectorizer":
        from sklearn.feature_extraction.text import CountVectorizer

        CountVectorizer(stop_words="english", min_df=5).fit_transform(read_texts(UNGDC))
    elif name == "loop":
        read_texts(UNGDC)
    else:
        decompress(UNGDC, isal=name == "isal")
    print(time.perf_counter() - start)


def row(name: str, now: float, baseline: float | None, goal: str) -> None:
    ratio = f"{now / baseline:6.3f}x" if baseline else "      -"
    base = f"{baseline:8.2f} s" if baseline else "         -"
    print(f"{name:<50} {now:8.2f} s {base} {ratio}   goal {goal}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-report", action="store_true")
    parser.add_argument("--baseline", choices=["countvectorizer", "loop", "decompress", "isal"])
    args = parser.parse_args()
    if args.baseline:
        run_baseline(args.baseline)
        return
    print(f"load average before: {os.getloadavg()[0]:.2f} (cores: {os.cpu_count()})")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        warm_cache = tmp / "warm-cache"
        terms = ["terms", str(UNGDC), "--by", "year", "--top", "20", "--out", str(tmp / "t.csv")]
        command(terms, warm_cache)  # fills the corpus and DTM caches

        # every step in a fresh process, the baselines included, and the cold load
        # interleaved with its baseline: on this machine a process that touches memory
        # another one just freed is slowed (up to 1.5 s in a cold load after a 200 MB
        # read), so each step and its baseline meet the same conditions
        cv = statistics.median(baseline("countvectorizer") for _ in range(1))
        warm = statistics.median(command(terms, warm_cache)[0] for _ in range(args.repeat))
        floor = statistics.median(baseline("decompress") for _ in range(args.repeat))
        floor_isal = statistics.median(baseline("isal") for _ in range(args.repeat))
        loops, infos = [], []
        for k in range(args.repeat):
            loops.append(baseline("loop"))
            infos.append(command(["corpus", "info", str(UNGDC), "--json"], tmp / f"cold-{k}")[0])
            shutil.rmtree(tmp / f"cold-{k}")
        loop, info = statistics.median(loops), statistics.median(infos)
        print(f"\n{'step':<50} {'now':>10} {'baseline':>10} {'ratio':>7}")
        row("terms UNGDC --by year --top 20, warm", warm, cv, "<= 0.05x")
        row("corpus info UNGDC --json, cold", info, loop, "<= 2.0x")
        row("  floor: decompressing alone, zlib (the loop's)", floor, loop, "-")
        row("  floor: decompressing alone, ISA-L (the loader's)", floor_isal, loop, "-")
        if not args.skip_report:
            report_cache = tmp / "report-cache"
            out = ["report", "--corpus", "factbook", "--out", str(tmp / "figures")]
            cold, cold_log = command(out, report_cache)
            warm_report, warm_log = command(out, report_cache)
            row("report on the built-in corpus, cold", cold, None, "-")
            row("report on the built-in corpus, warm", warm_report, None, "<= 20 s")
            pattern = re.compile(r"\] (\S+\.ipynb): done in ([\d.]+) s")
            print("\n  notebook                          cold s   warm s")
            for (name, c), (_, w) in zip(pattern.findall(cold_log), pattern.findall(warm_log)):
                print(f"  {name:<32} {float(c):7.1f}  {float(w):7.1f}")
    print(f"\nload average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
