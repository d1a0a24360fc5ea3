"""Stance against hand labels (both scorers, both languages, both halves) and its cost.

Prints
------
1. For ``method="vader"`` and ``method="stance"``: Spearman's rho with a bootstrap 95 %
   interval, sign accuracy on the non-neutral labels and 3-class accuracy, per language
   and half of ``tests/data/stance_labels.csv`` (``tune``: what the lexicon and thresholds
   were set on; ``held``: never used for that), and the held-out confusion matrices; then
   the stance scorer again with the syntactic scope (``stance.SYNTAX = True``: sentences
   naming several organizations scoped by their dependency parse).
2. With ``--timing``: the framing run on the whole UN General Debate (contexts of the
   CSTO, NATO and the UN, frames, tone, cold scoring cache) with the VADER tone, and the
   stance scoring of the same contexts; the ratio of the run with stance to the run
   without (the goal: at most 2x).

Run: ``python benchmarks/bench_stance.py [--timing] [--n-boot N]``.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
LABELS = ROOT / "tests" / "data" / "stance_labels.csv"
CORPORA = {
    "articles": SHARED / "corpora" / "articles",
    "articles-ru": SHARED / "corpora" / "articles-ru",
    "ungdc": SHARED / "corpora" / "UNGDC_1946-2024.tgz",
}


def timing() -> None:
    """Seconds of the UNGDC framing run with VADER tone, and of stance scoring on top."""
    import analysis
    from analysis import framing
    from analysis.framing import stance, tone

    with tempfile.TemporaryDirectory() as cache:
        os.environ["ANALYSIS_CACHE_DIR"] = cache
        corpus = analysis.load(CORPORA["ungdc"])
        t0 = time.perf_counter()
        ctx = framing.contexts(corpus, context_actors=["UN"], progress=False)
        ctx = framing.score_frames(ctx)
        ctx = tone.score_tone(ctx, method="vader")
        base = time.perf_counter() - t0
        t0 = time.perf_counter()
        stance.score(ctx)
        extra = time.perf_counter() - t0
    print(f"\nUN General Debate: {len(corpus):,} speeches, {len(ctx):,} contexts (CSTO, NATO, UN)")
    print(f"  framing run (contexts, frames, VADER tone), cold   {base:8.1f} s")
    print(f"  stance scoring of the same contexts, cold          {extra:8.1f} s")
    print(f"  run with stance / run without                      {(base + extra) / base:8.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timing", action="store_true", help="also time the UNGDC run")
    parser.add_argument("--n-boot", type=int, default=1000)
    args = parser.parse_args()
    from analysis.framing import stance, tone

    labels = tone.read_labels(LABELS)
    with tempfile.TemporaryDirectory() as cache:
        os.environ.setdefault("ANALYSIS_CACHE_DIR", cache)
        table = tone.validate_corpora(labels, CORPORA, n_boot=args.n_boot)
    cols = ["n", "spearman", "ci_low", "ci_high", "sign_accuracy", "n_signed", "accuracy"]
    for method in ("vader", "stance"):
        print(f"\n== method={method!r}: agreement with the hand labels")
        print(table[table["method"] == method].set_index("value")[cols].round(3).to_string())
        scored = table.attrs["scores"][method]
        for lang in ("en", "ru"):
            held = scored[scored["lang"] == f"{lang}/held"]
            print(f"  held-out {lang}: hand label (rows) x stance label (columns)")
            print("  " + tone.confusion(held).to_string().replace("\n", "\n  "))
    stance.SYNTAX = True
    try:
        with tempfile.TemporaryDirectory() as cache:
            os.environ["ANALYSIS_CACHE_DIR"] = cache
            syntactic = tone.validate_corpora(
                labels, CORPORA, methods=("stance",), n_boot=args.n_boot
            )
    finally:
        stance.SYNTAX = False
    print("\n== method='stance' with the syntactic scope (stance.SYNTAX = True)")
    print(syntactic.set_index("value")[cols].round(3).to_string())
    if args.timing:
        timing()


if __name__ == "__main__":
    main()
