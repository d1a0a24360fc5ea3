"""Packages whose public names are imported on first use (PEP 562).

``python -m analysis --help``, ``corpus info`` and a warm ``terms`` should pay only for the
modules they touch: the package ``__init__`` files name where each public name lives and
import it when it is first asked for::

    __getattr__, __dir__ = lazy_attributes(__name__, {"load": "analysis.corpus", ...})
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable


def lazy_attributes(
    package: str, where: dict[str, str], *, submodules: bool = False
) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for ``package``.

    Parameters
    ----------
    package : str
        The package's ``__name__``.
    where : dict of str to str
        Public name -> the module that defines it.
    submodules : bool, default False
        Also resolve any other name as a submodule (``analysis.terms`` after a bare
        ``import analysis``).
    """

    def __getattr__(name: str):
        if name in where:
            value = getattr(importlib.import_module(where[name]), name)
        elif submodules and not name.startswith("__"):
            try:
                value = importlib.import_module(f"{package}.{name}")
            except ModuleNotFoundError as err:
                if err.name != f"{package}.{name}":
                    raise
                raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        else:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(where))

    return __getattr__, __dir__
