"""Shared fixtures: real data under ``../shared``, a private cache, test settings."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

import analysis

# property-based tests keep no example database in the working tree
hypothesis_settings.register_profile("project", database=None)
hypothesis_settings.load_profile("project")

#: ``../shared`` beside the repository root: third-party corpora, never copied into the repo.
SHARED = Path(__file__).resolve().parents[1].parent / "shared"

ARTICLES = "corpora/articles"
ARTICLES_RU = "corpora/articles-ru"
SEED = "seeds/000_2c3026d0221f2492.txt"
UNGDC = "corpora/UNGDC_1946-2024.tgz"
SPEAKERS = "corpora/UNGDC_Speakers_by_session.xlsx"


def make_corpus(texts, *, name: str | None = None, **columns) -> analysis.corpus.Corpus:
    """The one test corpus factory: plain texts as documents d0, d1, ... (English, source "s").

    Any standard or metadata column can be given as a list (or one value for all):
    ``make_corpus(texts, source=["a", "b"], lang=["en", "ru"])``.
    """
    import pandas as pd

    n = len(texts)
    docs = pd.DataFrame(
        {
            "doc_id": [f"d{i}" for i in range(n)],
            "text": texts,
            "title": [None] * n,
            "date": pd.NaT,
            "source": ["s"] * n,
            "author": [None] * n,
            "url": [None] * n,
            "lang": ["en"] * n,
            **columns,
        }
    )
    return analysis.corpus.Corpus(docs, **({"name": name} if name else {}))


def shared_path(relpath: str) -> Path:
    """Path of ``relpath`` under ``../shared``; fail in CI, skip elsewhere, when it is missing."""
    path = SHARED / relpath
    if not path.exists():
        message = f"shared test data {relpath!r} not found at {path}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture
def shared_file():
    """``shared_file(relpath)`` -> Path under ``../shared`` (skip, or fail in CI, if missing)."""
    return shared_path


@pytest.fixture(scope="session")
def articles(tmp_path_factory):
    """The real article corpus, loaded once per run (its own cache folder); read-only use."""
    settings = analysis.get_settings(cache_dir=tmp_path_factory.mktemp("articles-cache"), workers=1)
    return analysis.load(shared_path(ARTICLES), settings=settings)


@pytest.fixture(scope="session")
def articles_ru(tmp_path_factory):
    """The real Russian-language excerpts, loaded once per run; read-only use."""
    settings = analysis.get_settings(cache_dir=tmp_path_factory.mktemp("articles-ru"), workers=1)
    return analysis.load(shared_path(ARTICLES_RU), settings=settings)


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory, monkeypatch):
    """Every test writes its cache into a temporary folder, never into the repository."""
    cache = tmp_path_factory.mktemp("analysis-cache")
    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(cache))
    monkeypatch.delenv("ANALYSIS_CACHE", raising=False)
    monkeypatch.delenv("ANALYSIS_WORKERS", raising=False)
    return cache


@pytest.fixture
def settings(tmp_path_factory):
    """In-process settings with a fresh cache folder."""
    return analysis.get_settings(cache_dir=tmp_path_factory.mktemp("cache"), workers=1)
