"""Build an article folder from the web: a URL list, an RSS/Atom feed or an XML sitemap.

:func:`build` fetches each article politely (robots.txt, a per-host rate limit and
concurrency cap, a User-Agent naming the project, timeouts, retries with exponential
backoff on 429/5xx honouring ``Retry-After``), reduces it to its text with trafilatura and
writes the folder that :func:`analysis.load` reads: one ``<doc_id>.txt`` per article plus
``metadata.csv``. Every URL gets a row whose ``status`` says what happened (see
:data:`STATUSES`); a second run skips what is already fetched and retries the rest.
Files are written atomically, so an interrupted run leaves only complete articles.

:func:`fetch_dataset` downloads a published dataset and keeps it only if its SHA-256
checksum matches.

The CLI plugs in :func:`add_build_arguments`/:func:`run_build` and
:func:`add_fetch_arguments`/:func:`run_fetch`.

References
----------
Koster, M., Illyes, G., Zeller, H., & Sassman, L. (2022). Robots Exclusion Protocol.
RFC 9309. (An unreachable robots.txt - a 5xx answer - means "disallow everything".)

Modules
-------
One module per stage; everything public is re-exported here, so ``webcorpus.build(...)``
is the way to call it.

=========================================  ==================================================
:mod:`~analysis.webcorpus.urls`            :func:`normalize_url`, :func:`doc_id_for`
:mod:`~analysis.webcorpus.client`          :class:`Client` (robots.txt, rate, retries),
                                           :class:`FetchError`, :class:`Page`, limits
:mod:`~analysis.webcorpus.sources`         :func:`read_url_list`, :func:`read_feed`,
                                           :func:`read_sitemap`, :class:`Target`
:mod:`~analysis.webcorpus.article`         :func:`fetch_article` (fetch, extract one page)
:mod:`~analysis.webcorpus.store`           :class:`Metadata`, :func:`write_article`,
                                           :data:`COLUMNS`, :data:`STATUSES`
:mod:`~analysis.webcorpus.builder`         :func:`build`, :class:`BuildReport`
:mod:`~analysis.webcorpus.datasets`        :func:`fetch_dataset` (SHA-256 checked)
:mod:`~analysis.webcorpus.cli`             ``corpus build`` and ``corpus fetch``
=========================================  ==================================================
"""

from __future__ import annotations

from analysis.lazy import lazy_attributes

#: Where each public name lives, imported on first use (the CLI's parser needs only
#: :mod:`analysis.webcorpus.cli`).
__getattr__, __dir__ = lazy_attributes(
    __name__,
    {
        **dict.fromkeys(["MIN_WORDS", "fetch_article"], "analysis.webcorpus.article"),
        **dict.fromkeys(["BuildReport", "build"], "analysis.webcorpus.builder"),
        **dict.fromkeys(
            ["add_build_arguments", "add_fetch_arguments", "run_build", "run_fetch"],
            "analysis.webcorpus.cli",
        ),
        **dict.fromkeys(
            [
                "BACKOFF_SECONDS",
                "MAX_BYTES",
                "MAX_REDIRECTS",
                "MAX_WAIT_SECONDS",
                "Client",
                "FetchError",
                "Page",
            ],
            "analysis.webcorpus.client",
        ),
        **dict.fromkeys(["PER_HOST", "USER_AGENT"], "analysis.webcorpus.etiquette"),
        "fetch_dataset": "analysis.webcorpus.datasets",
        **dict.fromkeys(
            ["Target", "read_feed", "read_sitemap", "read_url_list"], "analysis.webcorpus.sources"
        ),
        **dict.fromkeys(
            [
                "COLUMNS",
                "DONE",
                "FLUSH_SECONDS",
                "METADATA_FILE",
                "STATUSES",
                "Metadata",
                "write_article",
            ],
            "analysis.webcorpus.store",
        ),  # fmt: skip
        **dict.fromkeys(["doc_id_for", "normalize_url"], "analysis.webcorpus.urls"),
    },
)

__all__ = [
    "BACKOFF_SECONDS",
    "COLUMNS",
    "DONE",
    "FLUSH_SECONDS",
    "MAX_BYTES",
    "MAX_REDIRECTS",
    "MAX_WAIT_SECONDS",
    "METADATA_FILE",
    "MIN_WORDS",
    "PER_HOST",
    "STATUSES",
    "USER_AGENT",
    "BuildReport",
    "Client",
    "FetchError",
    "Metadata",
    "Page",
    "Target",
    "add_build_arguments",
    "add_fetch_arguments",
    "build",
    "doc_id_for",
    "fetch_article",
    "fetch_dataset",
    "normalize_url",
    "read_feed",
    "read_sitemap",
    "read_url_list",
    "run_build",
    "run_fetch",
    "write_article",
]
