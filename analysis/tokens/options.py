"""Token options, the token record and the stopword lists.

:class:`TokenOptions` is the one frozen, hashable object that controls every counting step
(its :meth:`~TokenOptions.to_dict` goes into ``df.attrs`` and cache keys); :class:`Token` is
one word token with its offsets. ``stopwords="english"`` is scikit-learn's
``ENGLISH_STOP_WORDS`` (318 words); ``domain_stopwords=True`` adds the editable list
``analysis/data/stopwords_domain.txt``. See :mod:`analysis.tokens` for the rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from typing import NamedTuple

#: Joins the words of an n-gram term.
NGRAM_SEP = "_"


@dataclass(frozen=True)
class TokenOptions:
    """How texts become tokens; one frozen, hashable object used by every counting step.

    Parameters
    ----------
    lowercase : bool, default True
    stopwords : "english", None or iterable of str, default "english"
        scikit-learn's ``ENGLISH_STOP_WORDS``, no list, or your own words.
    domain_stopwords : bool, default True
        Also drop the words in ``analysis/data/stopwords_domain.txt``.
    min_length : int, default 2
        Drop tokens with fewer characters (actor tokens excepted).
    numbers : bool, default False
        Keep tokens without any letter ("1945").
    ngram_range : (int, int), default (1, 1)
        Smallest and largest n-gram, as in scikit-learn.
    lemmas : bool, default False
        Replace words by spaCy lemmas (model ``settings.spacy_model``; slow on big corpora).
    keep_actors : bool, default True
        Merge actor names and aliases into one token each (the actor id, lower-cased).
    """

    lowercase: bool = True
    stopwords: str | None | tuple[str, ...] = "english"
    domain_stopwords: bool = True
    min_length: int = 2
    numbers: bool = False
    ngram_range: tuple[int, int] = (1, 1)
    lemmas: bool = False
    keep_actors: bool = True

    def __post_init__(self) -> None:
        if self.stopwords is not None and not isinstance(self.stopwords, str):
            object.__setattr__(self, "stopwords", tuple(sorted(set(map(str, self.stopwords)))))
        elif isinstance(self.stopwords, str) and self.stopwords != "english":
            raise ValueError(
                f"stopwords must be 'english', None or a list of words, not {self.stopwords!r}"
            )
        lo, hi = (int(n) for n in self.ngram_range)
        if not 1 <= lo <= hi:
            raise ValueError(
                f"ngram_range must be (min_n, max_n) with 1 <= min_n <= max_n, "
                f"not {self.ngram_range!r}"
            )
        object.__setattr__(self, "ngram_range", (lo, hi))
        if int(self.min_length) < 1:
            raise ValueError(f"min_length must be at least 1, not {self.min_length!r}")

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
        }


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


def stopword_set(options: TokenOptions) -> frozenset[str]:
    """The lower-case words ``options`` drops."""
    if options.stopwords == "english":
        from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

        words = set(ENGLISH_STOP_WORDS)
    else:
        words = {w.lower() for w in options.stopwords or ()}
    if options.domain_stopwords:
        words |= domain_stopwords()
    return frozenset(words)
