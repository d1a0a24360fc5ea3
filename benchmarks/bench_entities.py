"""NER speed: plain spaCy against ``analysis.entities``, cold and warm cache, peak memory.

Prints, in one run:

1. words/s of plain single-process ``nlp.pipe`` (same model, only ``ner``: what we keep
   of it, without our sentence marker and actor ruler; same batch size) against
   ``entities(..., n_process=2)`` on the same texts (the factbook), and their ratio; CPU
   seconds beside wall seconds, because a busy machine slows the wall clock of both;
2. cold (empty cache, model load included) and warm (cached) seconds of ``entities`` on
   the factbook (full mode) and on the UN General Debate Corpus (``actor_sentences``);
3. full-mode NER on the whole UNGDC, estimated from a sample of speeches (running it
   would take over an hour);
4. peak memory: max RSS of the measuring process and of its largest worker.

Every measurement runs in a fresh subprocess, so its peak memory is its own.

Run: ``python benchmarks/bench_entities.py [--repeat N] [--sample N] [--skip-ungdc]``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
UNGDC = SHARED / "corpora" / "UNGDC_1946-2024.tgz"
BATCH_SIZE = 32


# -- measurements (each in its own subprocess) --------------------------------------------
def _usage() -> dict:
    me, kids = (resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return {
        "cpu": me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime,
        "rss_mb": me.ru_maxrss / 1024,
        "worker_rss_mb": kids.ru_maxrss / 1024,
    }


def _corpus(spec: str, cache: Path, sample: int):
    import analysis

    corpus = analysis.load(
        spec, settings=analysis.get_settings(cache_dir=cache), progress=False
    ).english()
    if sample:
        keep = corpus.docs.sample(n=min(sample, len(corpus)), random_state=0).index
        corpus = corpus.filter(corpus.docs.index.isin(keep))
    return corpus


def measure(name: str, spec: str, cache: Path, sample: int, mode: str) -> dict:
    """Run one measurement; wall and CPU seconds cover the timed call only."""
    import analysis
    from analysis import entities as en

    corpus = _corpus(spec, cache, sample)
    words = int(corpus.docs["n_words"].sum())
    settings = analysis.get_settings(cache_dir=cache, workers=2)
    out = {"docs": len(corpus), "words": words}
    if name == "load":  # fills the corpus cache, nothing else
        return out
    if name == "plain":
        import spacy

        # ours minus what we add: ``ner`` alone (the shared tok2vec only feeds the parser)
        nlp = spacy.load(settings.spacy_model, exclude=[*en.EXCLUDE, "tok2vec"])
        assert nlp.pipe_names == ["ner"], nlp.pipe_names
        nlp.max_length = 10**8
        texts = corpus.docs["text"].tolist()
        before, start = _usage(), time.perf_counter()
        n = sum(len(doc.ents) for doc in nlp.pipe(texts, batch_size=BATCH_SIZE))
    else:
        before, start = _usage(), time.perf_counter()
        if name in ("ours", "nocache"):
            en.load_pipeline(settings.spacy_model)
            out["model_load"] = time.perf_counter() - start
        ents = en.entities(
            corpus,
            mode=mode,
            n_process=2 if name != "warm" else None,
            batch_size=BATCH_SIZE,
            cache=name != "nocache",
            settings=settings,
            progress=False,
        )
        n = len(ents)
        out.update(n_parsed=ents.attrs["n_parsed"], n_cached=ents.attrs["n_cached"])
    after = _usage()
    out.update(
        seconds=time.perf_counter() - start,
        cpu=after["cpu"] - before["cpu"],
        n_entities=n,
        rss_mb=after["rss_mb"],
        worker_rss_mb=after["worker_rss_mb"],
    )
    if "model_load" in out:
        out["ner_seconds"] = out["seconds"] - out["model_load"]
    return out


def run(name: str, spec: str, cache: Path, *, sample: int = 0, mode: str = "full") -> dict:
    cmd = [
        sys.executable,
        __file__,
        "--measure",
        name,
        "--spec",
        spec,
        "--cache",
        str(cache),
        "--sample",
        str(sample),
        "--mode",
        mode,
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode:
        sys.exit(f"{name} on {spec} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- the report ---------------------------------------------------------------------------
def _mem(r: dict) -> str:
    workers = f" + workers {r['worker_rss_mb']:.0f}" if r["worker_rss_mb"] > 1 else ""
    return f"peak {r['rss_mb']:.0f} MB{workers}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="throughput runs (median)")
    parser.add_argument(
        "--sample", type=int, default=100, help="UNGDC speeches for the full-mode estimate"
    )
    parser.add_argument("--skip-ungdc", action="store_true")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--spec", help=argparse.SUPPRESS)
    parser.add_argument("--cache", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--mode", default="full", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.spec, args.cache, args.sample, args.mode)))
        return

    root = Path(tempfile.mkdtemp(prefix="bench-entities-"))
    print(f"{os.cpu_count()} CPUs; {_contention()} at start")
    try:
        run("load", "factbook", root / "factbook")  # corpus cached before timing
        _throughput(root / "factbook", args.repeat)
        _cold_warm("factbook", "factbook", root / "factbook", "full")
        if args.skip_ungdc or not UNGDC.exists():
            print(f"UNGDC skipped ({UNGDC} {'missing' if not UNGDC.exists() else 'not asked'})")
        else:
            _cold_warm("UNGDC", str(UNGDC), root / "ungdc", "actor_sentences")
            _estimate(str(UNGDC), root / "ungdc", args.sample)
    finally:
        shutil.rmtree(root, ignore_errors=True)
        print(f"{_contention()} at end")


def _contention() -> str:
    """Load average and CPU pressure: what else competed for the CPUs while we measured.

    With ``kernel.sched_autogroup_enabled = 1`` the scheduler shares the CPUs between
    sessions, not processes: while another session is busy, two worker processes get no
    more CPU than one, and the wall-clock ratio below tells nothing about parallelism.
    """
    text = f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}"
    pressure = Path("/proc/pressure/cpu")
    if pressure.exists():
        some = pressure.read_text().split("\n")[0].split()
        text += f", CPU pressure {some[1].split('=')[1]} % (avg10)"
    autogroup = Path("/proc/sys/kernel/sched_autogroup_enabled")
    if autogroup.exists() and autogroup.read_text().strip() == "1":
        text += ", autogroup scheduling on"
    return text


def _throughput(cache: Path, repeat: int) -> None:
    plain, ours = [], []
    for _ in range(repeat):  # interleaved, so both see the same load
        plain.append(run("plain", "factbook", cache))
        shutil.rmtree(cache / "entities", ignore_errors=True)
        ours.append(run("ours", "factbook", cache))
    p = sorted(plain, key=lambda r: r["seconds"])[len(plain) // 2]
    o = sorted(ours, key=lambda r: r["ner_seconds"])[len(ours) // 2]
    wps_p, wps_o = p["words"] / p["seconds"], o["words"] / o["ner_seconds"]
    print(
        f"\nthroughput on the factbook ({p['docs']} docs, {p['words']:,} words, "
        f"batch_size {BATCH_SIZE}, model loaded before timing; median of {repeat})"
    )
    print(
        f"  plain nlp.pipe, 1 process  {wps_p:>9,.0f} words/s  {p['seconds']:6.1f} s wall "
        f"{p['cpu']:6.1f} s cpu  {_mem(p)}"
    )
    print(
        f"  entities(n_process=2)      {wps_o:>9,.0f} words/s  {o['ner_seconds']:6.1f} s wall "
        f"{o['cpu'] - o['model_load']:6.1f} s cpu  {_mem(o)}"
    )
    print(
        f"  ratio {wps_o / wps_p:.2f}x (target >= 1.7x on 2 cores); "
        f"cpu words/s: plain {p['words'] / p['cpu']:,.0f}, ours "
        f"{o['words'] / (o['cpu'] - o['model_load']):,.0f} (all processes)"
    )
    extra = (o["cpu"] - o["model_load"]) / p["cpu"]
    print(
        f"  ours spends {100 * (extra - 1):+.1f} % CPU per word against plain (all "
        f"processes): on otherwise idle CPUs, 2 processes would give at most "
        f"{2 / extra:.2f}x"
    )
    if len(plain) > 1:
        ratios = [
            r2["words"] / r2["ner_seconds"] / (r1["words"] / r1["seconds"])
            for r1, r2 in zip(plain, ours)
        ]
        print(
            f"  ratios of each pair: {', '.join(f'{r:.2f}' for r in ratios)} "
            f"(median {statistics.median(ratios):.2f})"
        )


def _cold_warm(label: str, spec: str, cache: Path, mode: str) -> None:
    run("load", spec, cache)
    shutil.rmtree(cache / "entities", ignore_errors=True)
    cold = run("ours", spec, cache, mode=mode)
    warm = run("warm", spec, cache, mode=mode)
    print(
        f"\n{label}, mode={mode}: {cold['docs']:,} docs, {cold['words']:,} words, "
        f"{cold['n_entities']:,} entities"
    )
    print(
        f"  cold (empty cache, 2 processes) {cold['seconds']:8.1f} s  (model load "
        f"{cold['model_load']:.1f} s; {cold['words'] / cold['ner_seconds']:,.0f} corpus "
        f"words/s)  {_mem(cold)}"
    )
    print(
        f"  warm (cached, no spaCy)         {warm['seconds']:8.2f} s  "
        f"({warm['n_cached']:,} of {warm['docs']:,} docs from cache)  {_mem(warm)}"
    )
    print(f"  cold/warm {cold['seconds'] / warm['seconds']:.0f}x")


def _estimate(spec: str, cache: Path, sample: int) -> None:
    whole = run("warm", spec, cache, mode="actor_sentences")
    part = run("nocache", spec, cache, sample=sample, mode="full")
    wps = part["words"] / part["ner_seconds"]
    minutes = whole["words"] / wps / 60
    print(
        f"\nUNGDC full mode, estimated from {part['docs']} random speeches "
        f"({part['words']:,} words, {part['ner_seconds']:.1f} s, 2 processes, model loaded): "
        f"{wps:,.0f} words/s -> {whole['words'] / 1e6:.1f} M words in ~{minutes:.0f} min "
        f"({_mem(part)})"
    )


if __name__ == "__main__":
    main()
