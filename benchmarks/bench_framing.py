"""Framing speed on every corpus kind, and the UNGDC bloc comparison it is for.

Prints, for the factbook, the article folder, a table (the articles as CSV) and the UN
General Debate archive, the seconds of each step of the framing pipeline, cold (empty
scoring cache; the corpus itself may come from the load cache) and warm (scores read
back):

    load -> contexts (mentions + sentences) -> score_frames -> tone.score_tone ->
    frame_profile(by="bloc") and tone_by_actor(by="bloc") with 1,000 bootstrap replicates

and, for the UNGDC, how CSTO member states' and NATO member states' speeches frame each
organization (shares with 95% cluster-bootstrap CIs), the table the bars are about.

Run: ``python benchmarks/bench_framing.py [--n-boot N] [--skip-ungdc]``; the cache goes to
a temporary folder unless ANALYSIS_CACHE_DIR is set.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
UNGDC = SHARED / "corpora" / "UNGDC_1946-2024.tgz"
ARTICLES = SHARED / "corpora" / "articles"


def run(spec, *, by: str | None, n_boot: int, context_actors=()) -> tuple[dict, object]:
    """Seconds of each step, and the frame profile."""
    import analysis
    from analysis import framing
    from analysis.framing import tone

    times, t0 = {}, time.perf_counter()
    corpus = analysis.load(spec)
    times["load"], t0 = time.perf_counter() - t0, time.perf_counter()
    ctx = framing.contexts(corpus, context_actors=context_actors)
    times["contexts"], t0 = time.perf_counter() - t0, time.perf_counter()
    ctx = framing.score_frames(ctx)
    times["frames"], t0 = time.perf_counter() - t0, time.perf_counter()
    ctx = tone.score_tone(ctx)
    times["tone"], t0 = time.perf_counter() - t0, time.perf_counter()
    profile = framing.frame_profile(ctx, by=by, n_boot=n_boot)
    tone.tone_by_actor(ctx, by=by, n_boot=n_boot)
    times["bootstrap"] = time.perf_counter() - t0
    times["n_docs"], times["n_contexts"] = len(corpus), len(ctx)
    return times, profile


def report(name: str, cold: dict, warm: dict) -> None:
    steps = ["load", "contexts", "frames", "tone", "bootstrap"]
    print(f"\n{name}: {cold['n_docs']:,} documents, {cold['n_contexts']:,} contexts")
    print("  step        cold s   warm s")
    for s in steps:
        print(f"  {s:<10} {cold[s]:7.2f}  {warm[s]:7.2f}")
    print(f"  {'total':<10} {sum(cold[s] for s in steps):7.2f}  {sum(warm[s] for s in steps):7.2f}")


def table_spec(tmp: Path) -> Path:
    """The article folder written as a CSV table (doc_id, source, date, text)."""
    import analysis

    docs = analysis.load(ARTICLES).docs[["doc_id", "source", "date", "text"]]
    path = tmp / "articles.csv"
    docs.to_csv(path, index=False)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-boot", type=int, default=1000)
    parser.add_argument("--skip-ungdc", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.setdefault("ANALYSIS_CACHE_DIR", str(Path(tmp) / "cache"))
        print(
            f"cache: {os.environ['ANALYSIS_CACHE_DIR']}; workers: "
            f"{__import__('analysis').get_settings().workers}"
        )
        kinds = [
            ("factbook", "factbook", "bloc", ()),
            ("articles folder", ARTICLES, "origin", ()),
            ("table (articles.csv)", table_spec(Path(tmp)), None, ()),
        ]
        if not args.skip_ungdc and UNGDC.exists():
            kinds.append(("UN General Debate", UNGDC, "bloc", ("UN",)))
        for name, spec, by, context_actors in kinds:
            cold, _ = run(spec, by=by, n_boot=args.n_boot, context_actors=context_actors)
            warm, profile = run(spec, by=by, n_boot=args.n_boot, context_actors=context_actors)
            report(name, cold, warm)
        if not args.skip_ungdc and UNGDC.exists():
            import pandas as pd

            with pd.option_context("display.width", 200, "display.max_rows", 200):
                rows = profile[profile["group"] != "other"]
                print(
                    "\nUNGDC: share of contexts invoking each frame, by speaker bloc "
                    "(95% CI, speeches resampled)"
                )
                print(rows.round(3).to_string(index=False))


if __name__ == "__main__":
    main()
