"""The command-line options every command shares, and what they become.

Each command of ``python -m analysis`` adds its arguments to its own sub-parser and names
its handler with ``parser.set_defaults(run=handler)``; the handler takes the parsed
arguments and returns the exit code. The options an analysis command shares come from
:func:`corpus_arguments` (the corpus ``spec``, ``--text-column``, ``--lang``, and for
commands that compare groups ``--by`` and ``--outlets``); :func:`load_corpus` and
:func:`groups_option` turn them into a corpus and a ``by`` (the same ``by`` as in Python:
:func:`analysis.groups.resolve_groups`).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from analysis.errors import OptionError

#: What a corpus spec may be, for help texts.
SPEC_HELP = "'factbook', 'ungdc', a folder, an archive (.tgz/.zip) or a table"


def corpus_arguments(
    parser: argparse.ArgumentParser, *, by: str | None = None, spec_help: str = ""
) -> argparse.ArgumentParser:
    """Add the options every analysis command shares to ``parser``.

    Parameters
    ----------
    parser : argparse.ArgumentParser
    by : {None, "optional", "required"}
        Also add ``--by`` (required or not) and ``--outlets``.
    spec_help : str
        What the spec may be, when more than a corpus spec (e.g. a Parquet dataset).
    """
    parser.add_argument("spec", help=f"corpus spec: {spec_help or SPEC_HELP}")
    parser.add_argument("--text-column", default="text", help="text column of a table spec")
    parser.add_argument(
        "--lang",
        help="keep only documents in these languages, comma-separated ISO codes "
        "(e.g. en or en,ru; default: every document)",
    )
    if by is None:
        return parser
    parser.add_argument(
        "--by",
        required=by == "required",
        help="group documents by a metadata column or 'bloc', 'origin', 'year'",
    )
    parser.add_argument(
        "--outlets",
        help="with --by origin: your own CSV of source,origin[,country] (its rows win over "
        "the built-in outlet table)",
    )
    return parser


def load_corpus(args: argparse.Namespace) -> Any:
    """The corpus of ``spec``, ``--text-column`` and ``--lang`` (what was left out is said)."""
    import analysis
    from analysis.inputs import select_languages

    corpus = analysis.load(args.spec, text_column=args.text_column)
    if not getattr(args, "lang", None):
        return corpus
    kept = select_languages(corpus, args.lang, spec=args.spec)
    gone = corpus.left_out(kept)
    left = "; left out: " + ", ".join(f"{n} {k}" for k, n in gone.items()) if gone else ""
    print(f"--lang {args.lang}: {len(kept):,} of {len(corpus):,} documents{left}", file=sys.stderr)
    return kept


def groups_option(args: argparse.Namespace) -> Any:
    """``--by``, with ``--outlets`` a grouping by origin through the user's outlet table."""
    by = getattr(args, "by", None)
    if not getattr(args, "outlets", None):
        return by
    if by != "origin":
        raise OptionError(
            f"--outlets {args.outlets}: an outlet table is used by --by origin only "
            f"(--by is {by!r}); add --by origin or leave --outlets out."
        )
    from analysis import groups

    return groups.origin_groups(args.outlets)


def actor_list(value: str | None) -> list[str] | None:
    """``"CSTO, NATO"`` -> ``["CSTO", "NATO"]``; None or empty -> None."""
    found = [a.strip() for a in value.split(",") if a.strip()] if value else []
    return found or None
