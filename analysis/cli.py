"""Command-line interface: ``python -m analysis <command>``.

Commands
--------
``corpus info SPEC [--json]``
    Documents, words, languages, date range, metadata fields, fingerprint, duplicates and
    skipped files (with reasons) of a corpus spec.
``corpus build --urls FILE | --feed URL | --sitemap URL --out corpus/NAME/``
    Fetch articles politely (robots.txt, rate limits, retries, resumable) into a folder
    of ``.txt`` files and ``metadata.csv`` that ``corpus info`` and the notebooks read.
``corpus fetch URL --sha256 HEX --out FILE``
    Download a published dataset and refuse it if its checksum does not match.
``mentions SPEC [--actors CSTO,NATO,UN] --out FILE.csv``
    Every mention of the registry's actors: ``doc_id, actor, start, end, surface,
    sentence_id`` (character offsets into the cleaned text).
``framing SPEC [--actors CSTO,NATO,UN] [--by FIELD] [--method auto|stance|vader]
[--labels CSV] --out DIR``
    Actor contexts, frame profiles and differences with bootstrap intervals, tone toward
    each actor (``tone_by_doc.csv``...), key words of each actor's contexts.
``terms SPEC [--by FIELD] [--top N] --out FILE.csv``, ``keyness SPEC --by FIELD
[--target VALUE] [--reference VALUE] --out FILE.csv``, ``kwic SPEC --query Q``
    Frequencies, keyness (G² with log ratio, BH-adjusted p) and concordance lines.
``collocates SPEC --node WORD|ACTOR [--kind term|actor] [--window N] [--out FILE.csv]``
    Words within a window of a node, with logDice, MI, MI3, t and G².
``dtm SPEC [--min-df N] --out DIR``
    The document-term matrix as Matrix Market (``dtm.mtx``) with ``terms.csv`` and
    ``documents.csv``, for quanteda, gensim or scipy.
``topics SPEC [--k K | --sweep 4,6,8] [--by FIELD] [--unit document|paragraph|actor_context]
[--model lda|nmf] [--seed S] --out DIR``
    Top terms, document-topic shares and prevalence by group with bootstrap intervals; without
    ``--k`` the number of topics is chosen from a sweep (``sweep.csv``) by a stated rule.
``counts SPEC --what terms|mentions|frames [--by FIELD] [--backend local|processes|dask]
[--scheduler ADDRESS] --out FILE.csv``
    The counting steps as map-reduce over document partitions, with identical results on
    every backend. ``corpus to-parquet SPEC --out DIR`` stores a corpus as partitions.
``report [--corpus SPEC] [--out DIR]``
    Execute every numbered notebook on the corpus and write the figures to DIR.

Every analysis command takes ``SPEC``, ``--text-column`` (of a table spec) and ``--lang
en,ru`` (keep only documents in these languages; what is left out is said); those that
compare groups take ``--by`` and, with ``--by origin``, ``--outlets FILE`` (your own outlet
table). Notes on documents a grouping left out are printed as ``note: ...`` lines.

Every failure prints one line ``error E###: <what is wrong, which file, what to do>`` and
exits with the error's own non-zero code (see :mod:`analysis.errors`).
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import sys
from pathlib import Path
from typing import NoReturn

from analysis.errors import AnalysisError, OptionError
from analysis.options import SPEC_HELP, actor_list, corpus_arguments, groups_option, load_corpus


def build_parser() -> argparse.ArgumentParser:
    """The parser of ``python -m analysis``: one sub-parser a command, its handler in ``run``."""
    parser = argparse.ArgumentParser(
        prog="python -m analysis", description="How texts frame the CSTO, NATO and the UN."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    _corpus_command(commands)
    _counts_command(commands)
    _mentions_command(commands)
    _entities_command(commands)
    _framing_command(commands)
    _terms_command(commands)
    _keyness_command(commands)
    _kwic_command(commands)
    _collocates_command(commands)
    _dtm_command(commands)
    _topics_command(commands)
    _report_command(commands)
    return parser


def _corpus_command(commands) -> None:
    """The ``corpus`` command and its sub-commands."""
    corpus = commands.add_parser("corpus", help="inspect a corpus")
    corpus_cmds = corpus.add_subparsers(dest="corpus_command", required=True)
    info = corpus_cmds.add_parser("info", help="summarize a corpus spec")
    info.set_defaults(run=_corpus_info)
    info.add_argument("spec", help=f"corpus spec: {SPEC_HELP}")
    info.add_argument("--json", action="store_true", help="print the summary as JSON")
    info.add_argument("--text-column", default="text", help="text column of a table spec")
    info.add_argument("--speakers", help="UNGDC speaker table (.xlsx) to join, or 'auto'")
    info.add_argument(
        "--strict", action="store_true", help="fail (exit 5) if any document had to be skipped"
    )
    from analysis.webcorpus import cli as web_cli

    build = corpus_cmds.add_parser(
        "build", help="build an article folder from URLs, a feed or a sitemap"
    )
    web_cli.add_build_arguments(build)
    build.set_defaults(run=web_cli.run_build)
    fetch = corpus_cmds.add_parser(
        "fetch", help="download a published dataset, checking its sha256"
    )
    web_cli.add_fetch_arguments(fetch)
    fetch.set_defaults(run=web_cli.run_fetch)
    from analysis.scale import cli as scale_cli

    to_parquet = corpus_cmds.add_parser(
        "to-parquet", help="store a corpus as partitioned Parquet (for the scale path)"
    )
    scale_cli.add_to_parquet_arguments(to_parquet).set_defaults(run=scale_cli.run_to_parquet)


def _counts_command(commands) -> None:
    """The ``counts`` command."""
    from analysis.scale import cli as scale_cli

    counts = commands.add_parser(
        "counts", help="term, mention or frame counts by group on a local pool or Dask"
    )
    scale_cli.add_counts_arguments(counts).set_defaults(run=scale_cli.run_counts)


def _mentions_command(commands) -> None:
    """The ``mentions`` command."""
    mentions = commands.add_parser("mentions", help="where each actor is named (CSV)")
    corpus_arguments(mentions)
    mentions.add_argument(
        "--actors", help="comma-separated actor ids (default: all), e.g. CSTO,NATO,UN"
    )
    mentions.set_defaults(run=_mentions)
    mentions.add_argument("--registry", help="your own actors YAML (extends the built-in one)")
    mentions.add_argument(
        "--include-children",
        action="store_true",
        help="count UNHCR, CRRF... as their parent organization",
    )
    mentions.add_argument("--out", required=True, help="CSV file to write")


def _entities_command(commands) -> None:
    """The ``entities`` command."""
    ents = commands.add_parser(
        "entities", help="spaCy entities with actors and countries normalized (CSVs)"
    )
    ents.set_defaults(run=_entities)
    corpus_arguments(ents, by="optional")
    ents.add_argument(
        "--mode",
        choices=["full", "actor_sentences", "auto"],
        default="auto",
        help="parse whole documents, or only sentences naming an actor "
        "(fast on large corpora such as the UNGDC); auto: full up to "
        "about 1.5 million words",
    )
    ents.add_argument(
        "--window",
        type=int,
        default=0,
        help="sentences either side of an actor sentence (actor_sentences)",
    )
    ents.add_argument(
        "--actors", default="CSTO,NATO,UN", help="actors whose co-occurring entities are listed"
    )
    ents.add_argument("--top", type=int, default=50, help="entities kept per group / actor")
    ents.add_argument(
        "--out", required=True, help="folder for entities.csv, frequencies.csv, cooccurrence.csv"
    )


def _framing_command(commands) -> None:
    """The ``framing`` command."""
    framing = commands.add_parser("framing", help="frames and tone toward each actor (CSVs)")
    corpus_arguments(framing, by="optional")
    framing.add_argument("--actors", default="CSTO,NATO,UN", help="comma-separated actor ids")
    framing.add_argument("--frames", help="your own frame dictionary (YAML)")
    framing.add_argument("--n-boot", type=int, default=1000, help="bootstrap resamples")
    framing.add_argument(
        "--method",
        default="auto",
        choices=["auto", "stance", "vader"],
        help="tone scorer: target-scoped stance, the VADER baseline, or auto (per language "
        "the one that agreed best with held-out hand labels)",
    )
    framing.set_defaults(run=_framing)
    framing.add_argument(
        "--labels",
        help="a CSV of hand labels (doc_id,actor,label -1/0/+1): also write validation.csv "
        "(Spearman with bootstrap CI, sign accuracy per actor and language) and confusion.csv",
    )
    framing.add_argument("--out", required=True, help="folder for the tables")


def _terms_command(commands) -> None:
    """The ``terms`` command."""
    terms = commands.add_parser("terms", help="term frequencies (overall or by group)")
    corpus_arguments(terms, by="optional")
    terms.add_argument(
        "--top",
        type=int,
        default=50,
        help="terms per group (default 50; terms tied with the last one are kept too)",
    )
    terms.set_defaults(run=_terms)
    terms.add_argument("--out", required=True, help="CSV file to write")


def _keyness_command(commands) -> None:
    """The ``keyness`` command."""
    key = commands.add_parser("keyness", help="key terms of a group against a reference")
    key.set_defaults(run=_keyness)
    corpus_arguments(key, by="required")
    key.add_argument("--target", help="target group (default: every group against the rest)")
    key.add_argument("--reference", help="reference group (default: all other groups)")
    key.add_argument("--measure", choices=["g2", "chi2"], default="g2")
    key.add_argument("--min-count", type=int, default=5)
    key.add_argument("--top", type=int, default=None, help="key terms kept per group")
    key.add_argument("--out", required=True, help="CSV file to write")


def _kwic_command(commands) -> None:
    """The ``kwic`` command."""
    kw = commands.add_parser("kwic", help="concordance lines for a term, regex or actor")
    kw.set_defaults(run=_kwic)
    corpus_arguments(kw)
    kw.add_argument("--query", required=True, help="word, phrase, glob (secur*), regex or actor")
    kw.add_argument("--kind", choices=["term", "regex", "actor", "phrase"], default="term")
    kw.add_argument("--window", type=int, default=7, help="tokens of context on each side")
    kw.add_argument("--limit", type=int, default=50, help="lines at most (default 50)")
    kw.add_argument("--out", help="CSV file (default: print the lines)")


def _collocates_command(commands) -> None:
    """The ``collocates`` command."""
    col = commands.add_parser("collocates", help="words within a window of a term or actor")
    corpus_arguments(col)
    col.add_argument("--node", required=True, help="word, phrase, glob (secur*) or actor id(s)")
    col.add_argument("--kind", choices=["term", "actor"], default="term")
    col.add_argument("--window", type=int, default=5, help="tokens on each side (default 5)")
    col.add_argument("--span", choices=["both", "left", "right"], default="both")
    col.add_argument(
        "--min-count", type=int, default=3, help="co-occurrences a collocate needs (default 3)"
    )
    col.set_defaults(run=_collocates)
    col.add_argument(
        "--measure", choices=["logdice", "mi", "mi3", "t_score", "g2"], default="logdice"
    )
    col.add_argument("--top", type=int, default=50, help="collocates kept (default 50)")
    col.add_argument("--out", help="CSV file (default: print the table)")


def _dtm_command(commands) -> None:
    """The ``dtm`` command."""
    mat = commands.add_parser(
        "dtm", help="export the document-term matrix (Matrix Market + CSV, for R or gensim)"
    )
    mat.set_defaults(run=_dtm)
    corpus_arguments(mat)
    mat.add_argument(
        "--min-df", type=int, default=1, help="keep terms in at least this many documents"
    )
    mat.add_argument("--out", required=True, help="folder for dtm.mtx, terms.csv, documents.csv")


def _topics_command(commands) -> None:
    """The ``topics`` command."""
    topics = commands.add_parser("topics", help="fit a topic model, write its tables")
    corpus_arguments(topics, by="optional")
    topics.add_argument(
        "--k", type=int, help="number of topics (default: chosen from the --sweep by a stated rule)"
    )
    topics.set_defaults(run=_topics)
    topics.add_argument(
        "--sweep",
        default="4,6,8,10,12",
        help="ks to try when --k is not given, comma-separated (default 4,6,8,10,12)",
    )
    topics.add_argument(
        "--unit",
        choices=["document", "paragraph", "actor_context"],
        default="document",
        help="what a topic model reads as one text (default: document)",
    )
    topics.add_argument("--model", choices=["lda", "nmf"], default="lda")
    topics.add_argument("--seed", type=int, default=0, help="random_state (same seed, same files)")
    topics.add_argument(
        "--out",
        required=True,
        help="folder for top_terms.csv, doc_topics.csv, prevalence.csv (and sweep.csv)",
    )


def _report_command(commands) -> None:
    """The ``report`` command."""
    report = commands.add_parser("report", help="run every notebook and write figures")
    report.set_defaults(run=_report)
    report.add_argument(
        "--corpus",
        action="append",
        help="corpus spec (default: factbook); give it twice or more to combine corpora, "
        "e.g. --corpus articles --corpus articles-ru",
    )
    report.add_argument("--out", default=None, help="figures folder (default: figures/)")
    report.add_argument(
        "--jobs",
        type=int,
        default=None,
        help="notebooks to run at once (default: ANALYSIS_REPORT_JOBS, else one a core, max 4)",
    )


def _corpus_info(args: argparse.Namespace) -> int:
    import analysis

    options = {"speakers": args.speakers} if args.speakers else {}
    corpus = analysis.load(args.spec, text_column=args.text_column, strict=args.strict, **options)
    info = corpus.info()
    if args.json:
        print(json.dumps(info, indent=2, ensure_ascii=False, default=str))
        return 0
    print(f"corpus       {info['name']}")
    print(f"documents    {info['n_docs']:,}")
    print(f"words        {info['n_words']:,}")
    print("languages    " + ", ".join(f"{k} {v}" for k, v in info["languages"].items()))
    print(f"dates        {' to '.join(info['date_range']) if info['date_range'] else '(none)'}")
    print(f"metadata     {', '.join(info['metadata_fields'])}")
    print(f"fingerprint  {info['fingerprint']}")
    print(f"load         {info['load_seconds']} s{' (cache)' if info['from_cache'] else ''}")
    print(f"duplicates   {info['n_duplicates']}")
    for row in info["duplicates"][:20]:
        print(f"  {row['doc_id']} ~ {row['duplicate_of']} ({row['kind']}, {row['similarity']})")
    for row in info["guessed_encodings"][:20]:
        print(
            f"  encoding guessed: {row['origin']}: {row['encoding']} "
            f"(confidence {row['confidence']})"
        )
    for row in info["warnings"][:20]:
        print(f"  warning: {row['origin']}: {row['message']}")
    print(f"skipped      {info['n_skipped']}")
    for row in info["skipped"]:
        print(f"  {row['origin']}: {row['reason']}")
    return 0


def _mentions(args: argparse.Namespace) -> int:
    from analysis import actors
    from analysis.atomic import atomic_path

    registry = actors.load_registry(args.registry) if args.registry else None
    wanted = actor_list(args.actors)
    corpus = load_corpus(args)
    table = actors.mentions(
        corpus, wanted, registry=registry, include_children=args.include_children
    )
    out = Path(args.out)
    with atomic_path(out) as tmp:
        table.to_csv(tmp, index=False)
    counts = table["actor"].value_counts()
    print(
        f"{len(table):,} mentions in {table['doc_id'].nunique():,} of {len(corpus):,} "
        f"documents -> {out}"
    )
    print("  " + ", ".join(f"{actor} {n:,}" for actor, n in counts.items()))
    _print_skipped(corpus)
    return 0


def _entities(args: argparse.Namespace) -> int:
    from analysis import actors, entities

    wanted = actor_list(args.actors) or []
    corpus = load_corpus(args)
    ents = entities.entities(corpus, mode=args.mode, window=args.window)
    by = groups_option(args)
    found = actors.mentions(corpus, wanted)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    _write(ents, out / "entities.csv")
    _write(entities.entity_frequencies(ents, corpus, by=by, top=args.top), out / "frequencies.csv")
    _write(entities.actor_cooccurrence(ents, found, top=args.top), out / "cooccurrence.csv")
    a = ents.attrs
    print(
        f"{len(ents):,} entities in {a['n_docs']:,} documents ({a['n_parsed']:,} parsed now, "
        f"{a['n_cached']:,} from the cache, {len(a['skipped']):,} skipped: not English, "
        "empty or failed)"
    )
    _print_skipped(corpus)
    return 0


def _framing(args: argparse.Namespace) -> int:
    from analysis import framing

    actors = actor_list(args.actors) or []
    written = framing.run_cli(
        load_corpus(args),
        actors=actors,
        by=groups_option(args),
        out_dir=args.out,
        frames=args.frames,
        n_boot=args.n_boot,
        method=args.method,
        labels=args.labels,
    )
    for name, path in written.items():
        print(f"{name:22} {path}")
    return 0


def _write(table, out: str | Path) -> None:
    from analysis.atomic import atomic_path

    with atomic_path(Path(out)) as tmp:
        table.to_csv(tmp, index=False)
    print(f"{len(table):,} rows -> {out}")


def _terms(args: argparse.Namespace) -> int:
    from analysis import terms

    corpus = load_corpus(args)
    _write(terms.frequencies(corpus, by=groups_option(args), top=args.top), args.out)
    _print_skipped(corpus)
    return 0


def _keyness(args: argparse.Namespace) -> int:
    from analysis import keyness

    corpus = load_corpus(args)
    table = keyness.keyness(
        corpus,
        by=groups_option(args),
        target=args.target,
        reference=args.reference,
        measure=args.measure,
        min_count=args.min_count,
        top=args.top,
    )
    _write(table, args.out)
    _print_skipped(corpus)
    return 0


def _kwic(args: argparse.Namespace) -> int:
    from analysis import kwic

    corpus = load_corpus(args)
    lines = kwic.kwic(
        corpus, args.query, kind=args.kind, window=args.window, sort="right", limit=args.limit
    )
    if args.out:
        _write(lines, args.out)
    else:
        width = max((len(x) for x in lines["left"]), default=0)
        for row in lines.itertuples():
            print(f"{row.doc_id:>12}  {row.left:>{width}} [{row.match}] {row.right}")
    return 0


def _collocates(args: argparse.Namespace) -> int:
    from analysis import collocations

    corpus = load_corpus(args)
    node = [n.strip() for n in args.node.split(",")] if args.kind == "actor" else args.node
    table = collocations.collocates(
        corpus,
        node,
        kind=args.kind,
        window=args.window,
        span=args.span,
        min_count=args.min_count,
        measure=args.measure,
        top=args.top,
    )
    if args.out:
        _write(table, args.out)
    elif table.empty:
        print(f"no collocate of {args.node!r} occurs {args.min_count} times or more")
    else:
        print(table.drop(columns=["node", "n_tokens"]).to_string(index=False, float_format="%.2f"))
    return 0


def _dtm(args: argparse.Namespace) -> int:
    from analysis import tokens

    corpus = load_corpus(args)
    matrix = tokens.dtm(corpus, min_df=args.min_df)
    written = tokens.write_dtm(matrix, args.out)
    print(
        f"{matrix.shape[0]:,} documents x {matrix.shape[1]:,} terms, "
        f"{matrix.matrix.nnz:,} non-zero cells -> {Path(args.out)}"
    )
    for name, path in written.items():
        print(f"  {name:10} {path}")
    return 0


def _topics(args: argparse.Namespace) -> int:
    from analysis import topics

    try:
        ks = [int(x) for x in args.sweep.split(",") if x.strip()]
    except ValueError:
        raise OptionError(
            f"--sweep {args.sweep}: give whole numbers separated by commas, e.g. 4,6,8."
        ) from None
    written = topics.run_cli(
        load_corpus(args),
        k=args.k,
        ks=ks,
        by=groups_option(args),
        unit=args.unit,
        model=args.model,
        seed=args.seed,
        out_dir=args.out,
    )
    if "sweep" in written:
        import pandas as pd

        chosen = topics.choose_k(pd.read_csv(written["sweep"]))
        print(f"k = {chosen}: chosen from the sweep for {topics.k_rule()}")
    for name, path in written.items():
        print(f"{name:16} {path}")
    return 0


def _print_skipped(corpus) -> None:
    skipped = corpus.report.skipped
    if skipped:
        print(f"skipped {len(skipped)} file(s) while loading:")
        for row in skipped[:20]:
            print(f"  {row['origin']}: {row['reason']}")


def _report(args: argparse.Namespace) -> int:
    from analysis.report import run_notebooks
    from analysis.settings import get_settings

    out = Path(args.out) if args.out else get_settings().figures_dir
    specs = args.corpus or ["factbook"]
    run_notebooks(specs[0] if len(specs) == 1 else specs, out, jobs=args.jobs)
    print(f"figures written to {out} (index: {out / 'index.md'})")
    return 0


def _notes_on_stderr() -> None:
    """Print the package's grouping notes as ``note: ...`` lines (other warnings as usual)."""
    import warnings

    shown = warnings.showwarning

    def show(message, category, filename, lineno, file=None, line=None):
        if category.__name__ == "GroupingNote":
            print(f"note: {message}", file=sys.stderr)
        else:
            shown(message, category, filename, lineno, file, line)

    warnings.showwarning = show


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    args = build_parser().parse_args(argv)
    _notes_on_stderr()
    try:
        return args.run(args)
    except AnalysisError as err:
        print(f"error {err}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away ("| head"): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def run() -> NoReturn:
    """``python -m analysis`` and the ``analysis`` command: :func:`main`, then the exit.

    The process ends without tearing its modules down: with pandas, pyarrow and numpy
    loaded, Python's own shutdown takes a tenth of a second (as long as the rest of a
    warm ``terms``) and does nothing a finished command needs. The worker pools are shut
    down and the exit handlers run (temporary folders, logging), the output flushed.
    """
    from analysis.parallel import shutdown_pools

    code = main()
    run_exit_handlers = getattr(atexit, "_run_exitfuncs", None)  # CPython's
    if run_exit_handlers is None:  # pragma: no cover - another Python: its own shutdown
        raise SystemExit(code)
    shutdown_pools()  # (their own exit hook runs in threading's shutdown, not atexit's)
    run_exit_handlers()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe ("| head"), a closed stream
            pass
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    run()
