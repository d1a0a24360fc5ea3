"""The package's own grammar, checked on its source: coded errors, no private imports.

Every failure a user can meet is an :class:`analysis.errors.AnalysisError` with a code
(``OptionError`` for an option that cannot be used); a bare ``ValueError`` is allowed only
where the same module catches it. No module reaches into another's private names (what is
shared is public, or lives in its own module).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted((ROOT / "analysis").rglob("*.py"))

#: Modules whose bare ValueErrors never leave them (each is caught where it is raised).
CAUGHT_INSIDE = {
    "analysis/tokens/matrix.py": "an unreadable cached DTM is rebuilt",
    "analysis/webcorpus/sources.py": "a broken sitemap becomes E012 naming the address",
}


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text("utf-8"), filename=str(path))


def _bare_value_errors(tree: ast.Module) -> list[int]:
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Raise)
        and isinstance(node.exc, ast.Call)
        and isinstance(node.exc.func, ast.Name)
        and node.exc.func.id == "ValueError"
    ]


def _private_imports(tree: ast.Module) -> list[str]:
    """``from analysis.x import _y``, and ``module._y`` where ``module`` is one of ours."""
    found, modules = [], set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("analysis"):
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    found.append(f"{node.lineno}: from {node.module} import {alias.name}")
                modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            modules.update(
                a.asname or a.name.split(".")[0]
                for a in node.names
                if a.name.split(".")[0] == "analysis"
            )
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in modules
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
        ):
            found.append(f"{node.lineno}: {node.value.id}.{node.attr}")
    return found


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_user_facing_errors_are_coded(path):
    rel = path.relative_to(ROOT).as_posix()
    lines = _bare_value_errors(_tree(path))
    if rel in CAUGHT_INSIDE:
        assert lines, f"{rel} raises no bare ValueError any more: drop it from CAUGHT_INSIDE"
        return
    assert not lines, f"{rel}: bare ValueError at lines {lines}; raise OptionError (E019)"


@pytest.mark.parametrize(
    "path", [*SOURCES, *sorted((ROOT / "tests").glob("*.py"))], ids=lambda p: p.name
)
def test_no_module_imports_another_modules_private_names(path):
    assert not _private_imports(_tree(path)), path.relative_to(ROOT).as_posix()


def test_the_checks_find_what_they_look_for():
    code = ast.parse(
        "from analysis.corpus import _reader_for\nimport analysis.figures as figures\n"
        "figures._atomic()\nraise ValueError('x')\n"
    )
    assert _bare_value_errors(code) == [4]
    assert _private_imports(code) == [
        "1: from analysis.corpus import _reader_for",
        "3: figures._atomic",
    ]
