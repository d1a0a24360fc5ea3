"""The languages the tokenizer knows: which rules a document gets, Russian lemmas and stop words.

Each document is tokenized in its own language: its ``lang`` column (ISO 639-1, as
:func:`analysis.text.detect_language` writes it), or, for a bare text, its script (a text
whose letters are mostly Cyrillic is Russian). :data:`LANGUAGES` are the rule sets:

``"en"``
    English rules (every language without rules of its own gets them, as before):
    scikit-learn's English stop words, optional spaCy lemmas.
``"ru"``
    Russian: words lower-cased, "ё" read as "е", look-alike Latin or Greek letters inside a
    Cyrillic word read as Cyrillic, each word replaced by its dictionary form (lemma) from
    pymorphy3 (Korobov 2015; OpenCorpora dictionaries), once per distinct word, not once per
    token; stop words are spaCy's Russian list (``spacy.lang.ru.stop_words``) plus the
    editable ``analysis/data/stopwords_domain_ru.txt``, matched against the lemma.

To add a language: a stop word list, a lemma function of one word (or None), a branch in
:func:`token_language` and a row in the README's table of languages.

References
----------
Korobov, M. (2015). Morphological analyzer and generator for Russian and Ukrainian
languages. In *Analysis of Images, Social Networks and Texts* (pp. 320-332). Springer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from importlib.resources import files

from analysis.text import fold_lookalikes

#: Rule sets of the tokenizer; any other language is tokenized with the English rules.
LANGUAGES = ("en", "ru")
_CYRILLIC = re.compile("[\u0400-\u04ff]")
_LETTER = re.compile(r"[^\W\d_]")


def token_language(lang: object = None, text: str | None = None) -> str:
    """The rule set (``"en"`` or ``"ru"``) for a document of language ``lang``.

    Parameters
    ----------
    lang : str, optional
        The document's language code ("ru", "ru-RU", "en", "fr"...). Missing or not a
        string: decided by the script of ``text``.
    text : str, optional
        Used only without ``lang``: more than half of its first 2,000 letters Cyrillic
        means Russian.

    Returns
    -------
    str
        ``"ru"`` for Russian, else ``"en"`` (English rules, also for languages without
        rules of their own).

    Examples
    --------
    >>> token_language("ru-RU"), token_language("fr"), token_language(None, "Совет ООН")
    ('ru', 'en', 'ru')
    """
    base = base_language(lang)
    if base is not None:
        return "ru" if base == "ru" else "en"
    if text:
        letters = _LETTER.findall(text[:4000])[:2000]
        cyrillic = sum(1 for ch in letters if _CYRILLIC.match(ch))
        if letters and cyrillic * 2 > len(letters):
            return "ru"
    return "en"


def base_language(lang: object) -> str | None:
    """The base code of a language code ("ru-RU", "RU", "ru_RU" -> "ru"); None if missing.

    Examples
    --------
    >>> base_language("ru-RU"), base_language(" EN "), base_language(float("nan"))
    ('ru', 'en', None)
    """
    if not isinstance(lang, str) or not lang.strip():
        return None
    return lang.strip().lower().split("-")[0].split("_")[0]


def text_languages(langs: Sequence | None, texts: Sequence) -> list[str | None]:
    """Each text's base language: its given code, else its script ("ru"/"en"); None if no text.

    Parameters
    ----------
    langs : sequence, optional
        The texts' language codes (a ``lang`` column), or None when there are none.
    texts : sequence
    """
    given = list(langs) if langs is not None else [None] * len(texts)
    return [
        None if not isinstance(t, str) else base_language(lang) or token_language(None, t)
        for lang, t in zip(given, texts)
    ]


def _read_list(name: str) -> frozenset[str]:
    text = (files("analysis") / "data" / name).read_text(encoding="utf-8")
    lines = (line.split("#", 1)[0].strip().lower() for line in text.splitlines())
    return frozenset(w for w in lines if w)


@lru_cache(maxsize=1)
def russian_domain_stopwords() -> frozenset[str]:
    """The lemmas of ``analysis/data/stopwords_domain_ru.txt`` ("ё" read as "е")."""
    return frozenset(fold_yo(w) for w in _read_list("stopwords_domain_ru.txt"))


@lru_cache(maxsize=1)
def russian_stopwords() -> frozenset[str]:
    """SpaCy's Russian stop words ("ё" read as "е"), lemmas and forms.

    Read from spaCy's ``lang/ru/stop_words.py`` without importing spaCy (0.9 s), by
    :func:`analysis.tokens.options.words_in_source`.
    """
    from analysis.tokens.options import words_in_source

    words = words_in_source("spacy", "lang/ru/stop_words.py", "STOP_WORDS")
    if words is None:
        from spacy.lang.ru.stop_words import STOP_WORDS

        words = STOP_WORDS
    return frozenset(fold_yo(w.lower()) for w in words)


def fold_yo(word: str) -> str:
    """Read "ё" as "е", as most Russian print does."""
    return word.replace("ё", "е").replace("Ё", "Е")


@lru_cache(maxsize=1)
def _analyzer():
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang="ru")


def russian_word(lemmas: bool) -> Callable[[str], str]:
    """The function that turns one lower-cased Russian word into its token.

    Look-alike letters folded, "ё" read as "е", then (``lemmas=True``) pymorphy3's most
    probable lemma (:func:`_best_lemma`). Words without Cyrillic letters ("nato", "g20")
    are left as they are. The function memoizes per word: a corpus has far fewer distinct
    words than tokens.
    """
    memo: dict[str, str] = {}
    parse = _analyzer().parse if lemmas else None

    def word(w: str) -> str:
        found = memo.get(w)
        if found is None:
            found = w
            if _CYRILLIC.search(w):
                found = fold_yo(fold_lookalikes(w))
                if parse is not None:  # whole hyphenated words too: "стран-участниц"
                    found = fold_yo(_best_lemma(parse(found)))
            if len(memo) > 2_000_000:
                memo.clear()
            memo[w] = found
        return found

    return word


def _best_lemma(parses) -> str:
    """The most probable lemma, its parses' scores summed; on a tie a noun's.

    pymorphy3 splits one lemma over several parses (cases, genders): "устав" is the noun
    (0.33 + 0.17) as often as the gerund of "устать" (0.5), and the tie goes to the noun,
    as it does for surnames read as short adjectives ("Бордюжа").
    """
    total: dict[str, list] = {}
    for p in parses:
        entry = total.setdefault(p.normal_form, [0.0, False])
        entry[0] += p.score
        entry[1] = entry[1] or p.tag.POS == "NOUN"
    return max(total, key=lambda lemma: (round(total[lemma][0], 3), total[lemma][1]))


def language_signature(language: str, lemmas: bool) -> list:
    """What a rule set's output depends on (versions, lists): part of the DTM cache key."""
    if language != "ru":
        return []
    from importlib.metadata import PackageNotFoundError, version

    try:
        morph = [version("pymorphy3"), version("pymorphy3-dicts-ru")] if lemmas else []
    except PackageNotFoundError:
        morph = ["missing"]
    return ["ru", morph, sorted(russian_domain_stopwords())]
