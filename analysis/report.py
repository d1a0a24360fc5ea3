"""Run the numbered notebooks on a corpus: the figures folder, rebuilt from one call.

:func:`run_notebooks` executes ``notebooks/NN-*.ipynb`` with papermill, one kernel each and
as many at once as there are cores (:func:`report_jobs`), injecting
``corpus_spec`` and ``out_dir`` into each notebook's ``parameters`` cell (only the parameters
a notebook declares), and writes the
executed copies to ``<out_dir>/_executed/`` (beside the figures of that run; git-ignored
for the default ``figures/``); the source notebooks are never overwritten. The jupytext
percent script ``NN-name.py`` is the source of truth: when its ``.ipynb`` is missing or
older, the ``.ipynb`` is regenerated from it first (without outputs, with stable cell
ids), so editing the script is enough.

A notebook about one particular corpus declares it as a further ``<name>_spec`` parameter
(the case study's ``ungdc_spec = "ungdc"``). It belongs to the built-in report: it runs
when the report is on the built-in corpus (:data:`BUILTIN_REPORT`), and is skipped, with
the reason printed, on any other corpus (its figures are not about that corpus) or when
its own corpus cannot be found; the others still run.
"""

from __future__ import annotations

import functools
import hashlib
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

from analysis.atomic import atomic_path
from analysis.errors import AnalysisError, E, OptionError
from analysis.settings import repo_root

_PATTERN = "[0-9][0-9]-*"
#: Kernel recorded in a regenerated notebook whose script's header names none.
_KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def default_notebooks_dir() -> Path:
    """``notebooks/`` of the checkout the package is installed from, else ``./notebooks``."""
    root = repo_root()
    return (root if root else Path.cwd()) / "notebooks"


def sync_notebook(script: Path) -> Path:
    """Regenerate ``<stem>.ipynb`` from the jupytext script ``script`` if it is missing or older.

    Parameters
    ----------
    script : Path
        A jupytext percent script (``NN-name.py``).

    Returns
    -------
    Path
        The ``.ipynb`` beside it (written without outputs; cell ids derived from the cells,
        so regenerating from the same script gives the same file).
    """
    ipynb = script.with_suffix(".ipynb")
    if ipynb.exists() and ipynb.stat().st_mtime >= script.stat().st_mtime:
        return ipynb
    _import_nbformat()
    import jupytext

    nb = jupytext.read(script, fmt="py:percent")
    nb.metadata.setdefault("jupytext", {}).setdefault("formats", "ipynb,py:percent")
    nb.metadata.setdefault("kernelspec", _KERNELSPEC)
    for i, cell in enumerate(nb.cells):
        cell.id = hashlib.blake2b(
            f"{i}\x00{cell.cell_type}\x00{cell.source}".encode(), digest_size=4
        ).hexdigest()
    with atomic_path(ipynb) as tmp:
        tmp.write_text(jupytext.writes(nb, fmt="ipynb") + "\n", encoding="utf-8")
    return ipynb


def find_notebooks(notebooks_dir: Path) -> list[Path]:
    """The numbered notebooks in ``notebooks_dir``, in order, synced from their scripts."""
    stems = sorted(
        {p.stem for p in notebooks_dir.glob(f"{_PATTERN}.ipynb")}
        | {p.stem for p in notebooks_dir.glob(f"{_PATTERN}.py")}
    )
    return [
        sync_notebook(notebooks_dir / f"{s}.py")
        if (notebooks_dir / f"{s}.py").is_file()
        else notebooks_dir / f"{s}.ipynb"
        for s in stems
    ]


@contextmanager
def _headless() -> Iterator[None]:
    """``ANALYSIS_HEADLESS=1`` for the kernels started inside (see :mod:`analysis.widgets`)."""
    before = os.environ.get("ANALYSIS_HEADLESS")
    os.environ["ANALYSIS_HEADLESS"] = "1"
    try:
        yield
    finally:
        if before is None:
            del os.environ["ANALYSIS_HEADLESS"]
        else:
            os.environ["ANALYSIS_HEADLESS"] = before


def _missing_corpus(declared: dict, given: dict) -> str | None:
    """Why a notebook's own ``<name>_spec`` corpus cannot be read, or None if it can."""
    import ast

    from analysis.corpus import reader_for
    from analysis.settings import get_settings

    for name, info in declared.items():
        if not name.endswith("_spec") or name == "corpus_spec":
            continue
        try:
            spec = given[name] if name in given else ast.literal_eval(info["default"])
            reader_for(spec, get_settings())
        except AnalysisError as err:
            return str(err)
        except (ValueError, SyntaxError):  # a default that is an expression: let it run
            continue
    return None


#: The corpus of the built-in report, the only one notebooks about their own corpus run with.
BUILTIN_REPORT = "factbook"


@functools.cache
def _local_kernel_manager() -> type:
    """A kernel manager that talks to its kernel over local IPC sockets, not TCP.

    The kernels run on this machine only; IPC keeps their traffic off the network (and
    the kernel's warning about unencrypted TCP out of every report). Each kernel's sockets
    get their own path in the temporary folder.
    """
    from jupyter_client.manager import AsyncKernelManager

    class LocalKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs: Any) -> None:
            # each kernel its own socket paths: kernels started at once must not share them
            ip = Path(tempfile.gettempdir()) / f"analysis-kernel-{uuid.uuid4().hex}"
            super().__init__(transport="ipc", ip=str(ip), **kwargs)

    return LocalKernelManager


def run_notebooks(
    corpus_spec: str | Path | Sequence[str | Path],
    out_dir: str | Path,
    *,
    notebooks_dir: str | Path | None = None,
    executed_dir: str | Path | None = None,
    kernel_name: str = "python3",
    parameters: dict[str, Any] | None = None,
    jobs: int | None = None,
) -> list[Path]:
    """Execute every numbered notebook on a corpus, writing figures to ``out_dir``.

    Parameters
    ----------
    corpus_spec : str, Path or list of them
        What :func:`analysis.load` should read (``"factbook"``, a folder, a table...);
        the notebooks run in the caller's working folder, so a relative path means the
        same as on the command line and figure captions name the corpus as given.
    out_dir : str or Path
        Folder for the figures, their data and the figures index.
    notebooks_dir : str or Path, optional
        Folder holding ``NN-name.py``/``.ipynb``; default the project's ``notebooks/``.
    executed_dir : str or Path, optional
        Where executed copies go; default ``<out_dir>/_executed``.
    kernel_name : str, default "python3"
        Jupyter kernel to run them in.
    parameters : dict, optional
        Further parameters for every notebook (e.g. ``{"group_field": "country"}``);
        ``corpus_spec`` and ``out_dir`` above take precedence.
    jobs : int, optional
        Notebooks run at once, each in its own kernel (default :func:`report_jobs`: one a
        core). Their figures do not depend on it: each notebook writes its own files, the
        index is locked while written, cache entries are never replaced under a reader.

    Returns
    -------
    list of Path
        The executed notebooks, in notebook order.

    Raises
    ------
    AnalysisError
        E009 naming the notebook, cell and error when a cell fails (the executed copy,
        with the traceback, is kept); E010 when there is no notebook to run.
    """
    source = Path(notebooks_dir) if notebooks_dir else default_notebooks_dir()
    target = Path(executed_dir) if executed_dir else Path(out_dir) / "_executed"
    notebooks = find_notebooks(source)
    if not notebooks:
        raise AnalysisError(E.E010, path=source)
    target.mkdir(parents=True, exist_ok=True)
    params = {
        **(parameters or {}),
        "corpus_spec": corpus_spec,
        "out_dir": str(Path(out_dir).resolve()),
    }
    plan = _plan(notebooks, params, target, corpus_spec)
    times = _last_times()
    took: dict[str, float] = {}

    def run(job: _Job) -> Path:
        took[job.notebook.name] = _execute(job, kernel_name)
        return job.out

    jobs = max(1, min(jobs or report_jobs(), len(plan) or 1))
    with _headless():
        if jobs == 1:
            done = [run(job) for job in plan]
            _save_times(times, took)
            return done
        from concurrent.futures import ThreadPoolExecutor

        # the longest last time first (new notebooks before all), so no long one runs alone
        order = sorted(plan, key=lambda job: -times.get(job.notebook.name, float("inf")))
        with ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="notebook") as pool:
            futures = {job.notebook: pool.submit(_in_worker, run, job) for job in order}
            # every notebook runs to its end; the first failure, in notebook order, is raised
            errors = [futures[job.notebook].exception() for job in plan]
    _save_times(times, took)
    failed = next((err for err in errors if err is not None), None)
    if failed is not None:
        raise failed
    return [futures[job.notebook].result() for job in plan]


class _Job(NamedTuple):
    step: str  # "[i/n] NN-name.ipynb", for progress lines
    notebook: Path
    out: Path  # the executed copy
    parameters: dict


def _import_nbformat() -> None:
    """Import nbformat (for papermill and jupytext) without the IRI checker of jsonschema.

    nbformat imports jsonschema, whose format checkers import ``rfc3987_syntax`` when it
    is installed (jupyter-events asks for it), and that module builds a lark grammar as it
    is imported: a second of every report's start (python-jsonschema/jsonschema#1392).
    Notebooks have no IRI fields to check, so the module is kept out while nbformat is
    first imported, and importable again afterwards.
    """
    if "nbformat" in sys.modules:
        return
    keep_out = "rfc3987_syntax" not in sys.modules
    if keep_out:
        sys.modules["rfc3987_syntax"] = None  # an import of it raises ImportError
    try:
        import nbformat  # noqa: F401
    finally:
        if keep_out and sys.modules.get("rfc3987_syntax", False) is None:
            del sys.modules["rfc3987_syntax"]


def _plan(notebooks: list[Path], params: dict, target: Path, corpus_spec: Any) -> list[_Job]:
    """The notebooks to run with their parameters; those skipped are said, with why."""
    _import_nbformat()
    import papermill

    plan = []
    for i, nb in enumerate(notebooks, 1):
        step = f"[{i}/{len(notebooks)}] {nb.name}"
        declared = papermill.inspect_notebook(nb)
        mine = {k: v for k, v in params.items() if k in declared}
        own = [n for n in declared if n.endswith("_spec") and n != "corpus_spec"]
        if own and corpus_spec != BUILTIN_REPORT:
            _say(
                f"{step}: skipped, it reads its own corpus ({', '.join(own)}), not "
                f"{corpus_spec!r}; it runs in the report on the built-in corpus (make report)"
            )
            continue
        missing = _missing_corpus(declared, mine)
        if missing:
            _say(f"{step}: skipped, its corpus is missing: {missing}")
            continue
        plan.append(_Job(step, nb, target / nb.name, mine))
    return plan


def _execute(job: _Job, kernel_name: str) -> float:
    """Run one notebook in its own kernel; the seconds it took, or E009 naming the cell."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    _say(f"{job.step}: running")
    start = time.perf_counter()
    try:
        papermill.execute_notebook(
            job.notebook,
            job.out,
            parameters=job.parameters,
            kernel_name=kernel_name,
            cwd=str(Path.cwd()),
            progress_bar=False,
            log_output=False,
            kernel_manager_class=_local_kernel_manager(),
        )
    except PapermillExecutionError as err:
        _say(f"{job.step}: failed after {time.perf_counter() - start:.1f} s")
        first = next((ln for ln in err.source.splitlines() if ln.strip()), "").strip()
        script = job.notebook.with_suffix(".py")
        raise AnalysisError(
            E.E009,
            notebook=job.notebook.name,
            cell=f"In [{err.exec_count}]",
            source=f"`{first[:60]}`",
            error=f"{err.ename}: {err.evalue}",
            executed=job.out,
            script=script if script.is_file() else job.notebook,
        ) from None
    seconds = time.perf_counter() - start
    _say(f"{job.step}: done in {seconds:.1f} s")
    return seconds


def _in_worker(fn, *args):
    """``fn(*args)`` in a pool thread, closing the event loop the kernel client opened there.

    jupyter's ``run_sync`` gives each thread its own loop and leaves it open; closed here
    when the notebook is done, so no loop or its sockets outlive the report.
    """
    try:
        return fn(*args)
    finally:
        from jupyter_core.utils import ensure_event_loop

        loop = ensure_event_loop()
        if not loop.is_running():
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()


def _times_file() -> Path:
    from analysis.settings import get_settings

    return Path(get_settings().cache_dir) / "report-times.json"


def _last_times() -> dict[str, float]:
    """Seconds each notebook took last time (the order of the next run), {} if unknown."""
    import json

    try:
        data = json.loads(_times_file().read_text(encoding="utf-8"))
        return {str(k): float(v) for k, v in data.items()}
    except (OSError, ValueError, TypeError, AttributeError):
        return {}


def _save_times(times: dict[str, float], took: dict[str, float]) -> None:
    import json

    from analysis.settings import get_settings

    if not took or not get_settings().use_cache:
        return
    path = _times_file()
    try:
        with atomic_path(path) as tmp:
            tmp.write_text(json.dumps({**times, **took}, sort_keys=True, indent=1), "utf-8")
    except OSError:  # a read-only cache folder: the next run starts in notebook order
        pass


def _say(line: str) -> None:
    """One progress line, written whole (notebooks running at once do not interleave)."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def report_jobs() -> int:
    """Notebooks the report runs at once: ``ANALYSIS_REPORT_JOBS``, else one a core (max 4)."""
    value = os.environ.get("ANALYSIS_REPORT_JOBS")
    if value:
        try:
            return max(1, int(value))
        except ValueError:
            raise OptionError(
                f"ANALYSIS_REPORT_JOBS={value!r} is not a whole number; set it to the "
                "notebooks to run at once (1 runs them one after another)."
            ) from None
    return max(1, min(4, os.cpu_count() or 1))
