"""Token options, the token record and the stopword lists.

:class:`TokenOptions` is the one frozen, hashable object that controls every counting step
(its :meth:`~TokenOptions.to_dict` goes into ``df.attrs`` and cache keys); :class:`Token` is
one word token with its offsets. ``stopwords="auto"`` is the list of each document's
language (English: scikit-learn's ``ENGLISH_STOP_WORDS``, 318 words; Russian: spaCy's list,
:mod:`analysis.tokens.languages`); ``domain_stopwords=True`` adds the editable list
``analysis/data/stopwords_domain.txt`` (``stopwords_domain_ru.txt`` for Russian). See
:mod:`analysis.tokens` for the rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import NamedTuple

from analysis.errors import OptionError
from analysis.tokens.languages import LANGUAGES

#: Joins the words of an n-gram term.
NGRAM_SEP = "_"


@dataclass(frozen=True)
class TokenOptions:
    """How texts become tokens; one frozen, hashable object used by every counting step.

    Parameters
    ----------
    lowercase : bool, default True
    stopwords : "auto", "english", None or iterable of str, default "auto"
        The list of each document's language (English: scikit-learn's
        ``ENGLISH_STOP_WORDS``; Russian: spaCy's Russian list), the English list for every
        document, no list, or your own words.
    domain_stopwords : bool, default True
        Also drop the words in ``analysis/data/stopwords_domain.txt`` (Russian documents:
        ``stopwords_domain_ru.txt``).
    min_length : int, default 2
        Drop tokens with fewer characters (actor tokens excepted).
    numbers : bool, default False
        Keep tokens without any letter ("1945").
    ngram_range : (int, int), default (1, 1)
        Smallest and largest n-gram, as in scikit-learn.
    lemmas : bool, optional
        Replace words by their lemmas. Default (None): the language's default, which is
        lemmas for Russian (pymorphy3, one lookup per distinct word) and surface forms for
        English; True for English uses spaCy (model ``settings.spacy_model``; slow on big
        corpora).
    keep_actors : bool, default True
        Merge actor names and aliases into one token each (the actor id, lower-cased).
    language : "en", "ru" or None, default None
        Tokenize every document with these rules. None: each document in its own language
        (its ``lang``; a bare text by its script), see
        :func:`analysis.tokens.languages.token_language`.
    """

    lowercase: bool = True
    stopwords: str | None | tuple[str, ...] = "auto"
    domain_stopwords: bool = True
    min_length: int = 2
    numbers: bool = False
    ngram_range: tuple[int, int] = (1, 1)
    lemmas: bool | None = None
    keep_actors: bool = True
    language: str | None = None

    def __post_init__(self) -> None:
        if self.stopwords is not None and not isinstance(self.stopwords, str):
            object.__setattr__(self, "stopwords", tuple(sorted(set(map(str, self.stopwords)))))
        elif isinstance(self.stopwords, str) and self.stopwords not in ("auto", "english"):
            raise OptionError(
                "stopwords must be 'auto', 'english', None or a list of words, "
                f"not {self.stopwords!r}"
            )
        if self.language is not None and self.language not in LANGUAGES:
            raise OptionError(
                f"language must be one of {', '.join(LANGUAGES)} or None (each document's "
                f"own), not {self.language!r}"
            )
        lo, hi = (int(n) for n in self.ngram_range)
        if not 1 <= lo <= hi:
            raise OptionError(
                f"ngram_range must be (min_n, max_n) with 1 <= min_n <= max_n, "
                f"not {self.ngram_range!r}"
            )
        object.__setattr__(self, "ngram_range", (lo, hi))
        if int(self.min_length) < 1:
            raise OptionError(f"min_length must be at least 1, not {self.min_length!r}")

    def to_dict(self) -> dict:
        """JSON-ready parameters (recorded in ``df.attrs`` and cache keys)."""
        return {
            "lowercase": self.lowercase,
            "stopwords": self.stopwords,
            "domain_stopwords": self.domain_stopwords,
            "min_length": self.min_length,
            "numbers": self.numbers,
            "ngram_range": list(self.ngram_range),
            "lemmas": self.lemmas,
            "keep_actors": self.keep_actors,
            "language": self.language,
        }

    def lemmas_for(self, language: str) -> bool:
        """Whether words of a document tokenized by the rules of ``language`` become lemmas."""
        return (language == "ru") if self.lemmas is None else bool(self.lemmas)


class Token(NamedTuple):
    """One word token: normalized form, offsets into the text, kept by :func:`tokenize`."""

    token: str
    start: int
    end: int
    keep: bool


def domain_stopwords() -> frozenset[str]:
    """The words of ``analysis/data/stopwords_domain.txt`` (comments and blanks skipped)."""
    text = (files("analysis") / "data" / "stopwords_domain.txt").read_text(encoding="utf-8")
    lines = (line.split("#", 1)[0].strip().lower() for line in text.splitlines())
    return frozenset(w for w in lines if w)


@lru_cache(maxsize=1)
def english_stopwords() -> frozenset[str]:
    """scikit-learn's ``ENGLISH_STOP_WORDS``, read from its source file without importing it.

    Importing ``sklearn.feature_extraction.text`` takes 0.6 s (it imports ``scipy.stats``);
    the list is a literal in ``sklearn/feature_extraction/_stop_words.py``, read by
    :func:`words_in_source` (and imported only if that file has another shape).
    """
    words = words_in_source("sklearn", "feature_extraction/_stop_words.py", "ENGLISH_STOP_WORDS")
    if words is None:
        from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

        words = frozenset(ENGLISH_STOP_WORDS)
    return words


def words_in_source(package: str, path: str, name: str) -> frozenset[str] | None:
    """The words a package's source file assigns to ``name``, read without importing it.

    For a word list written as a literal: ``NAME = frozenset({...})``, ``set([...])``, or
    ``set("a b c".split())`` (as spaCy writes its stop words). Read with :mod:`ast`
    (:func:`ast.literal_eval`, so nothing in the file is run). None when the package or
    file is missing or the assignment has another shape: the caller then imports it.

    Parameters
    ----------
    package : str
        The installed package (``"sklearn"``, ``"spacy"``).
    path : str
        The file inside it (``"lang/ru/stop_words.py"``).
    name : str
        The name the list is assigned to.
    """
    import ast
    import importlib.util

    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    file = Path(next(iter(spec.submodule_search_locations))) / path
    try:
        tree = ast.parse(file.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return None
    for node in tree.body:
        if not (
            isinstance(node, ast.Assign)
            and [getattr(t, "id", None) for t in node.targets] == [name]
            and isinstance(node.value, ast.Call)
            and getattr(node.value.func, "id", None) in ("frozenset", "set")
            and len(node.value.args) == 1
        ):
            continue
        arg = node.value.args[0]
        try:
            if (  # "a b c".split()
                isinstance(arg, ast.Call)
                and isinstance(arg.func, ast.Attribute)
                and arg.func.attr == "split"
                and not arg.args
                and not arg.keywords
            ):
                text = ast.literal_eval(arg.func.value)
                return frozenset(text.split()) if isinstance(text, str) else None
            return frozenset(ast.literal_eval(arg))
        except (ValueError, TypeError, SyntaxError):
            return None
    return None


def stopword_set(options: TokenOptions, language: str = "en") -> frozenset[str]:
    """The lower-case words ``options`` drops in a document tokenized as ``language``."""
    from analysis.tokens.languages import russian_domain_stopwords, russian_stopwords

    russian = language == "ru" and options.stopwords == "auto"
    if options.stopwords in ("auto", "english") and not russian:
        words = set(english_stopwords())
    elif russian:
        words = set(russian_stopwords())
    else:
        words = {w.lower() for w in options.stopwords or ()}
    if options.domain_stopwords:
        words |= russian_domain_stopwords() if language == "ru" else domain_stopwords()
    return frozenset(words)
