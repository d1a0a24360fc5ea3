"""The notebooks: stored in step with their scripts and output-free; they run and write figures.

Tests marked ``notebooks`` execute them for real in the ``python3`` kernel (a few seconds
each); they run on copies in ``tmp_path`` so nothing is written into the repository.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jupytext
import pytest
from PIL import Image

from analysis.errors import AnalysisError
from analysis.report import default_notebooks_dir, run_notebooks, sync_notebook

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
SCRIPTS = sorted(NOTEBOOKS.glob("[0-9][0-9]-*.py"))
ARTICLES = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "articles"
#: The figures each corpus should produce (the articles have no membership columns).
ACTOR_FIGURES = ["actors-co-mentions", "actors-rate-by-group", "actors-share-of-docs",
                 "terms-top", "keyness-by-group", "collocates-by-actor",
                 "framing-profile", "framing-profile-by-group", "framing-tone",
                 "framing-key-terms", "topics-sweep", "topics-top-terms",
                 "topics-prevalence"]
EXPECTED = {"factbook": ["overview-docs-by-group", "overview-length", "overview-memberships",
                         *ACTOR_FIGURES],
            "articles": ["overview-docs-by-group", "overview-length", "overview-languages",
                         *ACTOR_FIGURES]}


@pytest.fixture(autouse=True)
def cache_in_tmp(tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("ANALYSIS_FIGURES_DIR", str(tmp_path / "default-figures"))


@pytest.fixture
def notebooks_copy(tmp_path):
    """The repository's notebook scripts, copied without their .ipynb (the runner makes them)."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    for script in SCRIPTS:
        shutil.copy2(script, folder / script.name)
    return folder


def test_default_notebooks_dir_is_the_repositorys():
    assert default_notebooks_dir() == NOTEBOOKS
    assert SCRIPTS, "no numbered notebook scripts found"


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_stored_notebook_is_output_free_and_in_step_with_its_script(script, tmp_path):
    stored = script.with_suffix(".ipynb")
    assert stored.is_file(), f"{stored.name} is missing: run jupytext --sync {script.name}"
    nb = json.loads(stored.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in code)
    cells = lambda n: [(c.cell_type, c.source) for c in n.cells]  # noqa: E731
    assert cells(jupytext.read(stored)) == cells(jupytext.read(script)), \
        f"{stored.name} differs from {script.name}: run jupytext --sync {script.name}"
    params = [c for c in code if "parameters" in c["metadata"].get("tags", [])]
    assert len(params) == 1
    assert {"corpus_spec", "out_dir"} <= {ln.split("=")[0].strip()
                                          for ln in "".join(params[0]["source"]).splitlines()}


def test_sync_regenerates_the_same_ipynb(notebooks_copy):
    for script in SCRIPTS:
        made = sync_notebook(notebooks_copy / script.name)
        assert made.read_bytes() == script.with_suffix(".ipynb").read_bytes()


@pytest.mark.notebooks
@pytest.mark.parametrize("corpus", ["factbook", "articles"])
def test_run_notebooks_writes_the_figures(corpus, notebooks_copy, tmp_path, capsys):
    if corpus == "articles" and not ARTICLES.is_dir():
        pytest.skip(f"{ARTICLES} is not available")
    spec = "factbook" if corpus == "factbook" else str(ARTICLES)
    out = tmp_path / "figs"
    executed = run_notebooks(spec, out, notebooks_dir=notebooks_copy,
                             executed_dir=tmp_path / "exec")
    assert [p.name for p in executed] == [s.with_suffix(".ipynb").name for s in SCRIPTS]
    assert all(p.parent == tmp_path / "exec" and p.is_file() for p in executed)
    assert "done in" in capsys.readouterr().out
    index = (out / "index.md").read_text(encoding="utf-8")
    for name in EXPECTED[corpus]:
        for ext in ("png", "svg", "csv"):
            assert (out / f"{name}.{ext}").is_file(), f"{name}.{ext}"
        assert f"({name}.png)" in index and f"[{name}.csv]" in index
        assert (out / f"{name}.png").stat().st_size > 10_000
        with Image.open(out / f"{name}.png") as img:
            assert [round(v) for v in img.info["dpi"]] == [300, 300]
    entries = json.loads((out / "index.json").read_text(encoding="utf-8"))
    assert sorted(entries) == sorted(EXPECTED[corpus])
    assert {e["notebook"] for e in entries.values()} == {
        "01-corpus-overview", "02-actor-mentions", "03-terms-and-keyness", "04-framing",
        "05-topics"}
    assert all(e["corpus"].startswith(spec) for e in entries.values())


@pytest.mark.notebooks
def test_a_failing_cell_names_the_notebook_and_cell(tmp_path):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    script = folder / "99-broken.py"
    script.write_text('# %% tags=["parameters"]\ncorpus_spec = "factbook"\nout_dir = None\n\n'
                      "# %%\nratio = 1 / 0\n", encoding="utf-8")
    source = sync_notebook(script).read_bytes()
    with pytest.raises(AnalysisError, match=r"99-broken\.ipynb: cell In \[\d+\] "
                                            r"\(`ratio = 1 / 0`\) raised ZeroDivisionError"):
        run_notebooks("factbook", tmp_path / "figs", notebooks_dir=folder,
                      executed_dir=tmp_path / "exec")
    assert (folder / "99-broken.ipynb").read_bytes() == source  # source never overwritten
    assert (tmp_path / "exec" / "99-broken.ipynb").is_file()  # kept, with the traceback


def test_no_notebooks_is_an_error(tmp_path):
    with pytest.raises(AnalysisError, match="no numbered notebooks"):
        run_notebooks("factbook", tmp_path / "figs", notebooks_dir=tmp_path)
