"""The notebooks: stored in step with their scripts and output-free; they run and write figures.

Tests marked ``notebooks`` execute them for real in the ``python3`` kernel (a few seconds
each); they run on copies in ``tmp_path`` so nothing is written into the repository.
"""

from __future__ import annotations

import base64
import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import jupytext
import pandas as pd
import pytest
from PIL import Image

from analysis.errors import AnalysisError
from analysis.report import default_notebooks_dir, run_notebooks, sync_notebook

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
SCRIPTS = sorted(NOTEBOOKS.glob("[0-9][0-9]-*.py"))
#: The figures each corpus should produce (the articles have no membership columns).
ACTOR_FIGURES = [
    "actors-co-mentions",
    "actors-rate-by-group",
    "actors-share-of-docs",
    "entities-beside-actors",
    "terms-top",
    "keyness-by-group",
    "collocates-by-actor",
    "framing-profile",
    "framing-profile-by-group",
    "framing-tone",
    "framing-key-terms",
    "topics-sweep",
    "topics-top-terms",
    "topics-prevalence",
]
WALKTHROUGH = ["walkthrough-mentions", "walkthrough-keyness", "walkthrough-framing"]
EXPECTED = {
    "factbook": [
        *WALKTHROUGH,
        "overview-docs-by-group",
        "overview-length",
        "overview-memberships",
        *ACTOR_FIGURES,
    ],
    "articles": [
        *WALKTHROUGH,
        "overview-docs-by-group",
        "overview-length",
        "overview-languages",
        *ACTOR_FIGURES,
    ],
    # Russian only: the tone figure from the stance scorer (method="auto"), no keyness figure
    # (45 outlets of one document each: no word is key)
    "articles-ru": [
        *WALKTHROUGH,
        "overview-docs-by-group",
        "overview-length",
        "overview-languages",
        *[f for f in ACTOR_FIGURES if f != "keyness-by-group"],
    ],
    # both folders: the English-Russian comparison and a second topic model
    "mixed": [
        *WALKTHROUGH,
        "overview-docs-by-group",
        "overview-length",
        "overview-languages",
        *ACTOR_FIGURES,
        "framing-profile-by-language",
        "topics-top-terms-ru",
    ],
}
#: Lines the walkthrough prints on each corpus (loader report; the running example's counts).
WALKTHROUGH_SAYS = {
    "factbook": {
        "factbook: 255 read, 1 skipped, 0 warnings, 0 duplicates",
        "The CSTO is named 27 times in 8 of 255 documents (3.1%)",
    },
    "articles": {
        "57 read, 0 skipped, 0 warnings, 0 duplicates",
        "The CSTO is named 202 times in 28 of 57 documents (49.1%)",
    },
    "articles-ru": {
        "46 read, 1 skipped, 1 warnings, 0 duplicates",
    },
    "mixed": {
        "103 read, 1 skipped",
        "The CSTO is named 341 times in 53 of 102 documents (52.0%)",
        "Topics of the 49 documents in 'en' only.",
    },
}
SPECS = {"articles": ["corpora/articles"], "articles-ru": ["corpora/articles-ru"]}
SPECS["mixed"] = SPECS["articles"] + SPECS["articles-ru"]
#: The case study reads the UN General Debate Corpus whatever corpus the others run on.
CASE_STUDY = "06-case-study-un-csto"
CASE_FIGURES = [
    "case-csto-speeches-per-year",
    "case-csto-share-by-period",
    "case-csto-speakers",
    "case-csto-frames",
]


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
    assert cells(jupytext.read(stored)) == cells(jupytext.read(script)), (
        f"{stored.name} differs from {script.name}: run jupytext --sync {script.name}"
    )
    params = [c for c in code if "parameters" in c["metadata"].get("tags", [])]
    assert len(params) == 1
    names = {ln.split("=")[0].strip() for ln in "".join(params[0]["source"]).splitlines()}
    # the corpus to run on (the case study names its own corpus: ungdc_spec)
    assert "out_dir" in names and ("corpus_spec" in names or script.stem == CASE_STUDY)
    assert any(n.endswith("_spec") for n in names)


def test_sync_regenerates_the_same_ipynb(notebooks_copy):
    for script in SCRIPTS:
        made = sync_notebook(notebooks_copy / script.name)
        assert made.read_bytes() == script.with_suffix(".ipynb").read_bytes()


@pytest.mark.notebooks
@pytest.mark.parametrize("corpus", ["factbook", "articles", "articles-ru", "mixed"])
def test_run_notebooks_writes_the_figures(
    corpus, notebooks_copy, tmp_path, capsys, monkeypatch, shared_file
):
    specs = [str(shared_file(p)) for p in SPECS.get(corpus, [])] or ["factbook"]
    spec = specs[0] if len(specs) == 1 else specs
    # the case study is skipped (no archive; or not the built-in corpus), the rest still run
    monkeypatch.setenv("ANALYSIS_UNGDC", str(tmp_path / "absent" / "UNGDC_1946-2024.tgz"))
    out = tmp_path / "figs"
    executed = run_notebooks(
        spec, out, notebooks_dir=notebooks_copy, executed_dir=tmp_path / "exec"
    )
    others = [s for s in SCRIPTS if s.stem != CASE_STUDY]
    assert [p.name for p in executed] == [s.with_suffix(".ipynb").name for s in others]
    assert all(p.parent == tmp_path / "exec" and p.is_file() for p in executed)
    printed = capsys.readouterr().out
    assert "done in" in printed
    if corpus == "factbook":  # the built-in report: it would run, but its corpus is absent
        assert f"{CASE_STUDY}.ipynb: skipped, its corpus is missing: E017" in printed
    else:  # another corpus: the case study is not about it
        assert f"{CASE_STUDY}.ipynb: skipped, it reads its own corpus (ungdc_spec)" in printed
    _check_figures(out, EXPECTED[corpus])
    entries = json.loads((out / "index.json").read_text(encoding="utf-8"))
    assert sorted(entries) == sorted(EXPECTED[corpus])
    assert {e["notebook"] for e in entries.values()} == {s.stem for s in others}
    assert all(e["corpus"].startswith(specs[0]) for e in entries.values())
    # the notebooks show the very files written (not a second drawing of each figure)
    written = {p.read_bytes() for p in out.glob("*.png")}
    shown = [base64.b64decode(o["data"]["image/png"]) for o in _outputs(executed[0], "image/png")]
    assert shown and all(png in written for png in shown)
    # key results the walkthrough's worked examples print
    walk = _printed(executed[0])
    assert executed[0].stem == "00-walkthrough"
    for phrase in WALKTHROUGH_SAYS[corpus]:
        assert phrase in walk, phrase


def _outputs(notebook: Path, mime: str) -> list[dict]:
    """The executed notebook's outputs that hold ``mime``."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return [o for c in cells for o in c.get("outputs", []) if mime in o.get("data", {})]


def _printed(notebook: Path) -> str:
    """Everything the executed notebook's cells printed (stream outputs)."""
    return "".join(
        "".join(o.get("text", ""))
        for c in jupytext.read(notebook).cells
        for o in c.get("outputs", [])
    )


def _check_figures(out: Path, names: list[str]) -> None:
    index = (out / "index.md").read_text(encoding="utf-8")
    for name in names:
        for ext in ("png", "svg", "csv"):
            assert (out / f"{name}.{ext}").is_file(), f"{name}.{ext}"
        assert f"({name}.png)" in index and f"[{name}.csv]" in index
        assert (out / f"{name}.png").stat().st_size > 10_000
        with Image.open(out / f"{name}.png") as img:
            assert [round(v) for v in img.info["dpi"]] == [300, 300]


@pytest.mark.notebooks
def test_case_study_on_the_general_debate(tmp_path, monkeypatch, shared_file):
    monkeypatch.setenv("ANALYSIS_UNGDC", str(shared_file("corpora/UNGDC_1946-2024.tgz")))
    folder = tmp_path / "notebooks"
    folder.mkdir()
    shutil.copy2(NOTEBOOKS / f"{CASE_STUDY}.py", folder)
    out = tmp_path / "figs"
    [executed] = run_notebooks(
        "factbook", out, notebooks_dir=folder, executed_dir=tmp_path / "exec"
    )
    _check_figures(out, CASE_FIGURES)
    entries = json.loads((out / "index.json").read_text(encoding="utf-8"))
    assert {e["corpus"].split(" ")[0] for e in entries.values()} == {"ungdc"}
    text = _printed(executed)
    # the key results the notebook's conclusions quote (the 1946-2024 release)
    assert "6,204 speeches, 1992–2024" in text
    assert "1992-2004 -> 2005-2009: 3/83 -> 9/34 speeches" in text
    assert "2005-2009 -> 2010-2024: 9/34 -> 23/92 speeches" in text and "p = 1" in text
    assert "96% of the CSTO's 48 mentions come from its members' speeches, 42% from" in text
    assert text.count("dialogue with NATO, including through the Collective Security") == 1
    shares = pd.read_csv(out / "case-csto-share-by-period.csv")
    members = shares.query("actor == 'CSTO' and speakers == 'CSTO members'")
    assert (members["ci_low"] <= members["share"]).all() and (
        members["share"] <= members["ci_high"]
    ).all()


@pytest.mark.notebooks
def test_a_failing_cell_names_the_notebook_and_cell(tmp_path):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    script = folder / "99-broken.py"
    script.write_text(
        '# %% tags=["parameters"]\ncorpus_spec = "factbook"\nout_dir = None\n\n'
        "# %%\nratio = 1 / 0\n",
        encoding="utf-8",
    )
    source = sync_notebook(script).read_bytes()
    with pytest.raises(
        AnalysisError,
        match=r"99-broken\.ipynb: cell In \[\d+\] "
        r"\(`ratio = 1 / 0`\) raised ZeroDivisionError",
    ):
        run_notebooks(
            "factbook", tmp_path / "figs", notebooks_dir=folder, executed_dir=tmp_path / "exec"
        )
    assert (folder / "99-broken.ipynb").read_bytes() == source  # source never overwritten
    assert (tmp_path / "exec" / "99-broken.ipynb").is_file()  # kept, with the traceback


def test_no_notebooks_is_an_error(tmp_path):
    with pytest.raises(AnalysisError, match="no numbered notebooks"):
        run_notebooks("factbook", tmp_path / "figs", notebooks_dir=tmp_path)


@pytest.mark.notebooks
def test_executed_copies_go_beside_the_figures_and_own_corpus_notebooks_stay_built_in(
    tmp_path, capsys
):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    (folder / "01-tiny.py").write_text(
        '# %% tags=["parameters"]\ncorpus_spec = "factbook"\nout_dir = None\n\n'
        "# %%\nprint(corpus_spec)\n",
        encoding="utf-8",
    )
    (folder / "02-own.py").write_text(
        '# %% tags=["parameters"]\ncorpus_spec = "factbook"\nout_dir = None\n'
        'other_spec = "factbook"\n\n# %%\nprint(other_spec)\n',
        encoding="utf-8",
    )
    for spec, ran in (("factbook", ["01-tiny", "02-own"]), ("some/folder", ["01-tiny"])):
        out = tmp_path / spec.replace("/", "-")
        executed = run_notebooks(spec, out, notebooks_dir=folder)
        assert [p.stem for p in executed] == ran
        assert all(p.parent == out / "_executed" for p in executed)
    assert "02-own.ipynb: skipped, it reads its own corpus (other_spec)" in capsys.readouterr().out
    assert not (folder / "_executed").exists()


def _excerpt_folder(folder: Path, shared_file, picks: dict[str, str], metadata: str | None):
    """A tiny corpus folder of excerpts of the shared articles (written to a temp folder)."""
    folder.mkdir()
    for name, rel in picks.items():
        text = shared_file(rel).read_text(encoding="utf-8")[:3000]
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    if metadata is not None:
        (folder / "metadata.csv").write_text(metadata, encoding="utf-8")
    return folder


SHAPES = {
    # a few .txt files, no metadata.csv, English and Russian mixed
    "no-metadata": (
        {
            "a": "corpora/articles/031.txt",
            "b": "corpora/articles/040.txt",
            "c": "corpora/articles-ru/030.txt",
        },
        None,
    ),
    "one-document": ({"a": "corpora/articles/031.txt"}, None),
    # only one document has a source; the others belong to no group
    "partial-metadata": (
        {
            "a": "corpora/articles/031.txt",
            "b": "corpora/articles/040.txt",
            "c": "corpora/articles/045.txt",
        },
        "doc_id,source\na,tass.com\n",
    ),
}


@pytest.mark.notebooks
@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_the_report_runs_on_any_corpus_shape(shape, tmp_path, shared_file, monkeypatch):
    picks, metadata = SHAPES[shape]
    folder = _excerpt_folder(tmp_path / shape, shared_file, picks, metadata)
    monkeypatch.setenv("ANALYSIS_UNGDC", str(tmp_path / "absent" / "UNGDC_1946-2024.tgz"))
    out = tmp_path / "figs"
    executed = run_notebooks(str(folder), out, executed_dir=tmp_path / "exec")
    assert [p.stem for p in executed] == [s.stem for s in SCRIPTS if s.stem != CASE_STUDY]
    entries = json.loads((out / "index.json").read_text(encoding="utf-8"))
    assert {"walkthrough-mentions", "terms-top", "framing-profile"} <= set(entries)
    walk = _printed(executed[0])
    assert f"{len(picks)} read" in walk


def test_nbformat_is_imported_without_the_slow_iri_checker():
    """The report imports nbformat without rfc3987_syntax (a second to import), which stays
    importable afterwards."""
    if importlib.util.find_spec("rfc3987_syntax") is None:
        pytest.skip("rfc3987_syntax is not installed here")
    probe = (
        "import sys\n"
        "from analysis import report\n"
        "report._import_nbformat()\n"
        "print('nbformat' in sys.modules, 'rfc3987_syntax' in sys.modules)\n"
        "import rfc3987_syntax\n"
        "print(rfc3987_syntax.__name__)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["True", "False", "rfc3987_syntax"]
