"""``python -m analysis``: the command-line interface (see :mod:`analysis.cli`)."""

from analysis.cli import run

run()
