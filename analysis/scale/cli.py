"""Command-line pieces for ``python -m analysis`` (wired in :mod:`analysis.cli`).

``counts SPEC --what terms|mentions|frames|tone [--by FIELD] [--actors A,B]
[--backend local|processes|dask] [--scheduler ADDRESS] --out FILE.csv``
    Counts by group as map-reduce over partitions (see :mod:`analysis.scale`).
``corpus to-parquet SPEC --out DIR [--rows-per-partition N] [--overwrite]``
    Store a corpus spec as partitioned Parquet, the input that scales.

The shared options (spec, ``--text-column``, ``--lang``, ``--by``, ``--outlets``) come from
:func:`analysis.options.corpus_arguments`, as for every command.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from analysis.options import SPEC_HELP, actor_list, corpus_arguments, groups_option, load_corpus
from analysis.scale.backends import BACKENDS, ROWS_PER_PARTITION

#: Values of ``--what``.
WHAT = ("terms", "mentions", "frames", "tone")


def add_scale_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add ``--backend`` and ``--scheduler`` to ``parser``."""
    parser.add_argument(
        "--backend",
        choices=BACKENDS,
        default="local",
        help="where counting runs: in this process (default), a local "
        "process pool, or a Dask cluster",
    )
    parser.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (default with "
        "--backend dask: a local cluster of 2 workers on 127.0.0.1)",
    )
    return parser


def add_counts_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add the arguments of the ``counts`` command (``--backend``/``--scheduler`` included)."""
    corpus_arguments(
        parser, by="optional", spec_help=f"{SPEC_HELP}, or a partitioned Parquet folder"
    )
    parser.add_argument("--what", choices=WHAT, default="terms", help="what to count")
    parser.add_argument(
        "--actors",
        default=None,
        help="comma-separated actor ids (mentions: default all found; "
        "frames/tone: default CSTO,NATO,UN)",
    )
    parser.add_argument("--out", required=True, help="CSV file to write")
    return add_scale_arguments(parser)


def add_to_parquet_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add the arguments of ``corpus to-parquet``."""
    parser.add_argument("spec", help="corpus spec ('factbook', folder, archive, table)")
    parser.add_argument("--out", required=True, help="dataset folder to create")
    parser.add_argument(
        "--rows-per-partition",
        type=int,
        default=ROWS_PER_PARTITION,
        help=f"documents a partition (default {ROWS_PER_PARTITION:,})",
    )
    parser.add_argument("--overwrite", action="store_true", help="replace an existing folder")
    return parser


def count_table(args: argparse.Namespace):
    """The table ``counts`` writes, from parsed arguments."""
    from analysis.scale import count_framing, count_mentions, count_terms

    common = {"by": groups_option(args), "backend": args.backend, "scheduler": args.scheduler}
    source = _source(args)
    if args.what == "terms":
        return count_terms(source, **common)
    if args.what == "mentions":
        return count_mentions(source, actors=actor_list(args.actors), **common)
    actors = actor_list(args.actors) or ["CSTO", "NATO", "UN"]
    return count_framing(source, actors=actors, **common)[args.what]


def _source(args: argparse.Namespace):
    """A partitioned Parquet folder as it is, else the corpus of the spec (``--lang`` kept)."""
    from analysis.errors import OptionError
    from analysis.scale.parquet import is_partitioned

    if not is_partitioned(args.spec):
        return load_corpus(args)
    if args.lang:
        raise OptionError(
            f"--lang {args.lang}: {args.spec} is a partitioned Parquet dataset, which is "
            "counted as written; write it from the documents you want "
            "(corpus to-parquet on a filtered corpus), or leave --lang out."
        )
    return args.spec


def run_counts(args: argparse.Namespace) -> int:
    """``counts``: write the table as CSV (atomically) and print a one-line summary."""
    import sys

    from analysis.atomic import atomic_path
    from analysis.errors import AnalysisError

    try:
        table = count_table(args)
    except AnalysisError:
        raise  # printed as one coded line by the command's entry point
    except (KeyError, ValueError, FileNotFoundError) as err:
        print(f"error: {err.args[0] if err.args else err}", file=sys.stderr)
        return 2
    out = Path(args.out)
    with atomic_path(out) as tmp:
        table.to_csv(tmp, index=False)
    groups = table["group"].nunique() if len(table) else 0
    print(
        f"{len(table):,} rows ({args.what}, {groups:,} group(s), backend {args.backend}) -> {out}"
    )
    return 0


def run_to_parquet(args: argparse.Namespace) -> int:
    """``corpus to-parquet``: load the spec and write it as partitioned Parquet."""
    import analysis
    from analysis.scale import write_parquet

    corpus = analysis.load(args.spec)
    written = write_parquet(
        corpus, args.out, rows_per_partition=args.rows_per_partition, overwrite=args.overwrite
    )
    print(
        f"{len(written):,} documents in {len(written.partitions()):,} partition(s) "
        f"-> {written.path}"
    )
    return 0
