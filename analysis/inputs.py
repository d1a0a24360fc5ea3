"""Input checks shared by every stage: what a "corpus" argument may be, and clear refusals.

Every stage that reads documents accepts the same things (:func:`as_docs`): a
:class:`~analysis.corpus.Corpus`, its ``docs`` table or any DataFrame with ``doc_id`` and
``text`` columns, a Series of texts (its index becomes ``doc_id``), a list of texts
(``doc_id`` ``"0"``, ``"1"``...), or one text. :func:`is_corpus` tells a Corpus (which
has a fingerprint, so its results can be cached) from a plain table.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from analysis.errors import OptionError, did_you_mean


def is_corpus(obj: Any) -> bool:
    """Whether ``obj`` is a loaded :class:`~analysis.corpus.Corpus`."""
    from analysis.corpus import Corpus  # lazy: the corpus module imports most of the package

    return isinstance(obj, Corpus)


def as_docs(
    data: Any, *, need: Sequence[str] = ("doc_id", "text"), what: str = "this step"
) -> pd.DataFrame:
    """The documents table of any input a stage accepts (see the module docstring).

    Parameters
    ----------
    data : Corpus, DataFrame, Series, list of str or str
    need : list of str
        Columns the table must have.
    what : str
        The caller, named in the error (``"mentions()"``).

    Returns
    -------
    pandas.DataFrame
        ``corpus.docs`` (``corpus.meta`` when ``text`` is not needed and not read yet), or
        the table itself (not copied), or a new ``doc_id, text`` table.

    Raises
    ------
    ValueError
        Naming the missing columns and what to pass instead.
    """
    if is_corpus(data):
        # a corpus whose texts are not read yet (from the cache) stays so when none is needed
        table = data.meta if "text" not in need and not data.texts_loaded else data.docs
    elif isinstance(data, pd.DataFrame):
        table = data
    elif isinstance(data, pd.Series):
        table = pd.DataFrame({"doc_id": data.index.astype(str), "text": data.to_numpy()})
    else:
        texts = [data] if isinstance(data, str) else list(data)
        table = pd.DataFrame({"doc_id": [str(i) for i in range(len(texts))], "text": texts})
    missing = [c for c in need if c not in table.columns]
    if missing:
        raise OptionError(
            f"{what} needs a Corpus or a table with columns {list(need)}; "
            f"{missing} missing (found {list(table.columns)}). Load one with "
            "analysis.load(...) or add the columns."
        )
    return table


def text_table(data: Any, *, what: str = "this step") -> pd.DataFrame:
    """``doc_id, text, lang`` (lang None where unknown) of any input :func:`as_docs` takes."""
    table = as_docs(data, what=what)
    lang = table["lang"] if "lang" in table else pd.Series([None] * len(table), index=table.index)
    return pd.DataFrame(
        {
            "doc_id": table["doc_id"].to_numpy(),
            "text": table["text"].to_numpy(),
            "lang": lang.to_numpy(),
        }
    )


def check_choice(name: str, value: Any, allowed: Sequence[str]) -> str:
    """``value`` if it is one of ``allowed``, else an :class:`~analysis.errors.OptionError`.

    The message names the option, the closest allowed values and all of them::

        E019 ... method='vadr' is not one of 'stance', 'vader'. Did you mean 'vader'?
    """
    if value not in allowed:
        raise OptionError(
            f"{name}={value!r} is not one of {', '.join(map(repr, allowed))}."
            + did_you_mean(value, list(allowed))
        )
    return value


def select_languages(corpus: Any, option: str, *, spec: Any) -> Any:
    """The documents of ``corpus`` in the languages of a ``--lang en,ru`` option.

    Raises
    ------
    analysis.errors.OptionError
        When no document is in those languages; the message lists the corpus's languages.
    """
    langs = [code.strip().lower() for code in str(option).split(",") if code.strip()]
    kept = corpus.in_languages(*langs)
    if not len(kept):
        found = ", ".join(f"{k} {v}" for k, v in corpus.left_out(kept).items())
        raise OptionError(
            f"--lang {option}: no document of {spec} is in {langs}; its languages are "
            f"{found}. Pass one of those codes, or leave --lang out."
        )
    return kept


def read_table_file(
    path: Any, *, option: str, need: Sequence[str], what: str, **read_csv: Any
) -> pd.DataFrame:
    """A CSV a user passes with an option, refused with one clear line when unusable.

    Parameters
    ----------
    path : str or Path
    option : str
        How the user gave it (``"--labels"``, ``"--outlets"``), named in the message.
    need : list of str
        Columns it must have.
    what : str
        What the file is (``"a labels file"``), for the message.
    **read_csv
        Passed to :func:`pandas.read_csv`.

    Raises
    ------
    analysis.errors.OptionError
        No such file, not a readable CSV, or a needed column missing; the message names
        the file, the columns found and the columns needed.
    """
    from pathlib import Path

    path = Path(path).expanduser()
    if not path.is_file():
        raise OptionError(f"{option} {path}: no such file; pass {what}, a CSV with {list(need)}.")
    try:
        table = pd.read_csv(path, **read_csv)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as err:
        raise OptionError(f"{option} {path}: not a readable CSV ({err}).") from err
    table.columns = [str(c).strip() for c in table.columns]
    missing = [c for c in need if c not in table.columns]
    if missing:
        raise OptionError(
            f"{option} {path}: no column {missing}; the columns are {list(table.columns)}. "
            f"{what[0].upper() + what[1:]} needs {list(need)}."
        )
    return table


def load_yaml(text: str) -> Any:
    """``yaml.safe_load`` with libyaml's C loader when PyYAML has it (same result, faster).

    Raises
    ------
    yaml.YAMLError
        As ``yaml.safe_load`` does.
    """
    import yaml

    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506
