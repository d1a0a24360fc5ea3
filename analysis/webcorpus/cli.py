"""The ``corpus build`` and ``corpus fetch`` commands, plugged into :mod:`analysis.cli`.

``corpus build --urls FILE | --feed URL | --sitemap URL --out DIR`` runs
:func:`~analysis.webcorpus.build` and prints its report (exit 1 when every URL fetched
failed); ``corpus fetch URL --sha256 HEX --out FILE`` runs
:func:`~analysis.webcorpus.fetch_dataset`. Errors (:class:`~analysis.errors.AnalysisError`)
propagate to the CLI, which prints them.
"""

from __future__ import annotations

import argparse
import sys

from analysis.webcorpus.etiquette import PER_HOST, USER_AGENT


def add_build_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``corpus build``: ``--urls FILE | --feed URL | --sitemap URL --out DIR``."""
    parser.add_argument("--urls", help="text file of article URLs, one a line")
    parser.add_argument("--feed", help="RSS or Atom feed URL")
    parser.add_argument("--sitemap", help="XML sitemap (or sitemap index) URL")
    parser.add_argument("--out", required=True, help="folder to build, e.g. corpus/NAME/")
    parser.add_argument(
        "--rate", type=float, default=1.0, help="requests per second per host (default: 1)"
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        default=4,
        help=f"requests in flight (default: 4; at most {PER_HOST} per host)",
    )
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds (default: 20)")
    parser.add_argument(
        "--retries", type=int, default=3, help="retries on 429/5xx/timeouts (default: 3)"
    )
    parser.add_argument(
        "--user-agent", default=USER_AGENT, help="User-Agent with your contact address"
    )
    parser.add_argument(
        "--no-robots",
        action="store_true",
        help="ignore robots.txt (only with the site's permission)",
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


def run_build(args: argparse.Namespace) -> int:
    """Run ``corpus build``; 0 unless no source was given or every URL fetched failed.

    An :class:`AnalysisError` (unreadable feed/sitemap/URL list) propagates to the CLI.
    """
    from analysis.webcorpus.builder import build

    if not (args.urls or args.feed or args.sitemap):
        print("error: give --urls FILE, --feed URL or --sitemap URL", file=sys.stderr)
        return 2
    report = build(
        args.out,
        urls=args.urls,
        feed=args.feed,
        sitemap=args.sitemap,
        rate=args.rate,
        concurrency=args.concurrency,
        timeout=args.timeout,
        retries=args.retries,
        user_agent=args.user_agent,
        respect_robots=not args.no_robots,
        progress=not args.no_progress,
    )
    print(report.summary())
    return 1 if report.rows and report.n_failed == len(report.rows) else 0


def add_fetch_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``corpus fetch URL --sha256 HEX --out FILE``."""
    parser.add_argument("url", help="http(s) address of the dataset")
    parser.add_argument("--sha256", required=True, help="the published SHA-256 checksum")
    parser.add_argument("--out", required=True, help="file (or existing folder) to write")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per read")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


def run_fetch(args: argparse.Namespace) -> int:
    """Run ``corpus fetch``; an :class:`AnalysisError` (E013-E016) propagates to the CLI."""
    from analysis.webcorpus.datasets import fetch_dataset

    path = fetch_dataset(
        args.url, args.out, sha256=args.sha256, timeout=args.timeout, progress=not args.no_progress
    )
    print(f"{path} (sha256 verified)")
    return 0
