"""Shared fixtures: real data under ``../shared``, a private cache, test settings."""

from __future__ import annotations

import ast
import atexit
import inspect
import os
import shutil
import tempfile
from functools import cache
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from hypothesis.configuration import set_hypothesis_home_dir

import analysis

# property-based tests keep no example database, nor their Unicode tables, in the working tree
hypothesis_settings.register_profile("project", database=None)
hypothesis_settings.load_profile("project")
_HYPOTHESIS_HOME = tempfile.mkdtemp(prefix="hypothesis-")
set_hypothesis_home_dir(_HYPOTHESIS_HOME)
atexit.register(shutil.rmtree, _HYPOTHESIS_HOME, ignore_errors=True)

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


#: Fixtures of this file that read ``../shared``.
SHARED_FIXTURES = frozenset({"articles", "articles_ru", "shared_file"})


@cache
def _shared_fixtures_of(module) -> frozenset[str]:
    """Names of the functions of a test module that read ``../shared``, directly or through
    another function of the module that does."""
    try:
        tree = ast.parse(inspect.getsource(module))
    except (OSError, TypeError):
        return frozenset()
    uses = {
        node.name: {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef)
    }
    reading = {"shared_path", "SHARED"}
    while True:
        more = {name for name, names in uses.items() if names & reading} - reading
        if not more:
            return frozenset(reading - {"shared_path", "SHARED"})
        reading |= more


def pytest_collection_modifyitems(items):
    """Mark ``shared`` every test that reads ``../shared`` (by itself or through a fixture)."""
    for item in items:
        module = getattr(item, "module", None)
        if module is None:
            continue
        reading = SHARED_FIXTURES | _shared_fixtures_of(module)
        name = getattr(item, "originalname", item.name)
        if reading & set(item.fixturenames) or name in reading:
            item.add_marker(pytest.mark.shared)


@pytest.fixture
def shared_file():
    """``shared_file(relpath)`` -> Path under ``../shared`` (skip, or fail in CI, if missing)."""
    return shared_path


@pytest.fixture(scope="session")
def factbook_settings(tmp_path_factory):
    """Settings of the shared factbook fixture: its own cache folder, one worker."""
    return analysis.get_settings(cache_dir=tmp_path_factory.mktemp("factbook-cache"), workers=1)


@pytest.fixture(scope="session")
def factbook(factbook_settings):
    """The built-in factbook corpus, loaded once per run; read-only use."""
    return analysis.load("factbook", settings=factbook_settings, progress=False)


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
