"""Fitted models on disk without pickle: ``model.npz`` (arrays) and ``model.json`` (the rest).

The same two files serve the fit cache of :meth:`TopicModel.fit
<analysis.topics.TopicModel.fit>` (under ``settings.cache_dir/topics``) and
:meth:`TopicModel.save` / :meth:`TopicModel.load`, which add ``units.parquet``. Arrays are
read back with ``allow_pickle=False``; terms are stored as one UTF-8 byte array.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from analysis.atomic import atomic_dir, atomic_path
from analysis.errors import OptionError
from analysis.tokens import TokenOptions

if TYPE_CHECKING:
    from analysis.topics.model import TopicModel


_ARRAYS = ("components", "doc_topic", "term_frequency", "idf", "umass", "npmi")


def _text_array(items: Iterable) -> np.ndarray:
    return np.frombuffer("\x1f".join(map(str, items)).encode("utf-8"), dtype=np.uint8)


def write_state(folder: Path, state: dict) -> None:
    """``model.npz`` and ``model.json`` in ``folder``, written to a temp folder then renamed."""
    with atomic_dir(folder, merge=True) as tmp:
        arrays = {name: np.asarray(state[name]) for name in _ARRAYS}
        arrays["terms"] = _text_array(state["terms"])
        with open(tmp / "model.npz", "wb") as fh:
            np.savez(fh, **arrays)
        info = {**state["info"], "n_terms": len(state["terms"])}
        for extra in ("params", "skipped"):
            if extra in state:
                info[extra] = state[extra]
        if "labels" in state:
            info["labels"] = {str(t): str(v) for t, v in state["labels"].items()}
        (tmp / "model.json").write_text(
            json.dumps(info, sort_keys=True, default=str), encoding="utf-8"
        )


def read_state(folder: Path) -> dict | None:
    """The stored state, or None when absent or unreadable (then the model is refitted)."""
    try:
        info = json.loads((Path(folder) / "model.json").read_text(encoding="utf-8"))
        with np.load(Path(folder) / "model.npz", allow_pickle=False) as z:
            state = {name: z[name] for name in _ARRAYS}
            terms = z["terms"].tobytes().decode("utf-8").split("\x1f")
    except (OSError, ValueError, KeyError, EOFError):
        return None
    if len(terms) != info.get("n_terms") or state["components"].shape[1] != len(terms):
        return None
    state["terms"] = np.asarray(terms, dtype=object)
    state["info"] = info
    if "labels" in info:
        state["labels"] = {int(t): v for t, v in info["labels"].items()}
    return state


class Persistence:
    """:class:`~analysis.topics.TopicModel`'s ``save`` and ``load`` (a mixin)."""

    def save(self, path: str | Path) -> Path:
        """Write the fitted model to a folder: ``model.npz``, ``model.json``, ``units.parquet``.

        Nothing is pickled; :meth:`load` reads it back with ``allow_pickle=False``.
        """
        self._fitted()
        path = Path(path)
        write_state(
            path,
            {
                **self._state(),
                "labels": self.labels_,
                "params": self._json_params(),
                "skipped": self.skipped_,
            },
        )
        with atomic_path(path / "units.parquet") as tmp:
            self.units_.to_parquet(tmp, index=False)
        return path

    @classmethod
    def load(cls, path: str | Path) -> TopicModel:
        """A model saved by :meth:`save`."""
        path = Path(path)
        state = read_state(path)
        if state is None:
            raise OptionError(
                f"{path}: no readable model.npz/model.json; save one with TopicModel.save(path)."
            )
        params = dict(state["info"]["params"])
        if params.get("options") is not None:
            opts = params["options"]
            opts["ngram_range"] = tuple(opts["ngram_range"])
            if isinstance(opts.get("stopwords"), list):
                opts["stopwords"] = tuple(opts["stopwords"])
            params["options"] = TokenOptions(**opts)
        tm = cls(**params)
        tm.set_state(state)
        tm.units_ = pd.read_parquet(path / "units.parquet")
        tm.skipped_ = list(state["info"].get("skipped", []))
        tm.from_cache_ = True
        return tm

    def _state(self) -> dict:
        return {
            "components": self.components_,
            "doc_topic": self.doc_topic_,
            "term_frequency": self.term_frequency_,
            "terms": self.terms_,
            "idf": self.idf_,
            "umass": self.umass_,
            "npmi": self.npmi_,
            "info": dict(self._info),
        }

    def _json_params(self) -> dict:
        params = self.get_params()
        params["options"] = self.options.to_dict() if self.options is not None else None
        return params
