"""pyproject.toml and environment.yml pin the same bounded ranges."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
_REQ = re.compile(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$")


def _split(requirement: str) -> tuple[str, str]:
    name, spec = _REQ.match(requirement).groups()
    return name.lower().replace("_", "-"), spec.replace(" ", "")


def _pyproject() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = project["dependencies"] + project["optional-dependencies"]["test"]
    return dict(_split(r) for r in reqs)


def _environment() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    reqs = []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            reqs += dep["pip"]
        elif not dep.startswith(("python", "pip")):
            reqs.append(dep)
        elif dep.startswith("python"):
            reqs.append(dep)
    return dict(_split(r) for r in reqs)


def test_same_packages_and_ranges():
    py, conda = _pyproject(), _environment()
    conda.pop("python")
    assert py == conda


def test_every_range_is_bounded():
    for name, spec in _pyproject().items():
        assert spec.startswith("==") or ("<" in spec and ">=" in spec), f"{name}{spec} is unbounded"


def test_python_version_agrees():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert _environment()["python"] == project["requires-python"].replace(" ", "")
