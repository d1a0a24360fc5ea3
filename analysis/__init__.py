"""analysis: how texts frame the CSTO, NATO and the UN.

The package is a pipeline of small stages, each returning tidy pandas tables::

    import analysis
    corpus = analysis.load("factbook")          # or a folder, a table, the UNGDC archive
    corpus.docs.head()                          # one row a document
    corpus.report.summary()                     # what was skipped, duplicated, detected

See ``notebooks/`` for the narrated walkthrough.
"""

#: The package version (``pyproject.toml`` reads it from here: no metadata lookup at import).
__version__ = "0.1.0"

from analysis.lazy import lazy_attributes  # noqa: E402

__all__ = ["AnalysisError", "Corpus", "Settings", "__version__", "get_settings", "load"]

#: The names ``import analysis`` offers, imported on first use (:mod:`analysis.lazy`).
__getattr__, __dir__ = lazy_attributes(
    __name__,
    {
        "Corpus": "analysis.corpus",
        "load": "analysis.corpus",
        "AnalysisError": "analysis.errors",
        "Settings": "analysis.settings",
        "get_settings": "analysis.settings",
    },
    submodules=True,
)
