"""Dependency parses of contexts, for the stance scorer's scope (English and Russian).

::

    from analysis.framing import syntax
    parsed = syntax.parse(["NATO is not ready for a dialogue with the CSTO."], "en")
    syntax.tree_distances(parsed[0], [3])     # edges from token 3 to every token

English sentences are parsed by the installed spaCy model's dependency parser
(``settings.spacy_model``, only its ``tok2vec`` and ``parser``), Russian ones by the
Natasha project's ``slovnet_syntax_news_v1`` (a CNN parser trained on Russian news in the
Universal Dependencies scheme, Nerus corpus) over ``navec_news_v1`` embeddings, both in the
``natasha`` wheel (MIT licence), after tokenizing with ``razdel`` (MIT), the tokenizer the
model was trained on. Nothing is downloaded at run time.

A parse is three arrays of one entry a token: its start and end offsets in the text and the
index of its head (a root is its own head). :func:`tree_distances` counts the edges between
tokens with the tree taken as undirected: a parse with several roots is several trees, and
tokens in different trees are unreachable (``-1``).

References
----------
Honnibal, M. & Montani, I. (2017). spaCy 2: natural language understanding with Bloom
embeddings, convolutional neural networks and incremental parsing.
Kukushkin, A. (2020). Natasha: Russian NLP tools (slovnet, navec, razdel).
https://github.com/natasha/slovnet (model card of ``slovnet_syntax_news_v1``).
"""

from __future__ import annotations

from collections import deque
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from typing import NamedTuple

import numpy as np

from analysis.errors import AnalysisError, OptionError

#: Languages with a parser.
LANGUAGES = ("en", "ru")
#: Files of the ``natasha`` wheel the Russian parser loads (relative to its package folder).
RUSSIAN_MODEL_FILES = (
    "data/emb/navec_news_v1_1B_250K_300d_100q.tar",
    "data/model/slovnet_syntax_news_v1.tar",
)
#: Sentences the Russian parser reads at once (its speed per sentence is best near this).
RUSSIAN_BATCH = 16


class Parse(NamedTuple):
    """One text's tokens (``starts``, ``ends``: offsets) and each token's ``heads`` index."""

    starts: np.ndarray
    ends: np.ndarray
    heads: np.ndarray


@lru_cache(maxsize=2)
def english_parser(model: str | None = None):
    """The spaCy model's tokenizer, ``tok2vec`` and ``parser`` (loaded once a process)."""
    import spacy

    from analysis.settings import get_settings

    model = model or get_settings().spacy_model
    nlp = spacy.load(model)
    for name in list(nlp.pipe_names):
        if name not in ("tok2vec", "parser"):
            nlp.remove_pipe(name)
    return nlp


@lru_cache(maxsize=1)
def russian_parser():
    """The slovnet syntax model with its navec embeddings (loaded once a process)."""
    from navec import Navec
    from slovnet import Syntax

    from analysis.entities.russian import model_dir

    root = model_dir()
    parser = Syntax.load(str(root / RUSSIAN_MODEL_FILES[1]))
    parser.navec(Navec.load(str(root / RUSSIAN_MODEL_FILES[0])))
    return parser


def available(language: str) -> bool:
    """Whether ``language`` has a parser installed (else the scorer's clause rules apply)."""
    try:
        if language == "en":
            english_parser()
        elif language == "ru":
            russian_parser()
        else:
            return False
    except (ImportError, OSError, AnalysisError):  # not installed, or without its model files
        return False
    return True


def parser_id(language: str) -> str:
    """Name and versions of the parser of ``language`` (a cache key part)."""
    try:
        if language == "en":
            from analysis.settings import get_settings

            return f"spacy {version('spacy')} {get_settings().spacy_model}"
        if language == "ru":
            names = ("slovnet", "navec", "razdel", "natasha")
            return "slovnet_syntax_news_v1 " + " ".join(version(p) for p in names)
    except PackageNotFoundError:
        return "missing"
    return "none"


def parse(texts: list[str], language: str) -> list[Parse]:
    """The dependency parse of each text (one :class:`Parse` a text, in order).

    Parameters
    ----------
    texts : list of str
        Short texts (the scorer's contexts: a sentence each).
    language : {"en", "ru"}

    Returns
    -------
    list of Parse
    """
    if not texts:
        return []
    if language == "en":
        return [_spacy_parse(doc) for doc in english_parser().pipe(texts, batch_size=64)]
    if language == "ru":
        return _russian_parses(texts)
    raise OptionError(f"no parser for language {language!r}; parsed are {LANGUAGES}.")


def _spacy_parse(doc) -> Parse:
    starts = np.fromiter((t.idx for t in doc), dtype=np.int64, count=len(doc))
    ends = starts + np.fromiter((len(t.text) for t in doc), dtype=np.int64, count=len(doc))
    heads = np.fromiter((t.head.i for t in doc), dtype=np.int64, count=len(doc))
    return Parse(starts, ends, heads)


def _russian_parses(texts: list[str]) -> list[Parse]:
    from razdel import tokenize

    tokens = [list(tokenize(text)) for text in texts]
    words = [[t.text for t in toks] or ["."] for toks in tokens]
    out: list[Parse] = []
    parser = russian_parser()
    for lo in range(0, len(words), RUSSIAN_BATCH):
        for toks, markup in zip(
            tokens[lo : lo + RUSSIAN_BATCH], parser.map(words[lo : lo + RUSSIAN_BATCH])
        ):
            starts = np.array([t.start for t in toks], dtype=np.int64)
            ends = np.array([t.stop for t in toks], dtype=np.int64)
            # slovnet numbers tokens from 1 and gives head 0 for a root
            heads = np.array(
                [
                    int(m.head_id) - 1 if int(m.head_id) > 0 else i
                    for i, m in enumerate(markup.tokens)
                ],
                dtype=np.int64,
            )[: len(toks)]
            out.append(Parse(starts, ends, heads))
    return out


def tokens_at(parsed: Parse, start: int, end: int) -> np.ndarray:
    """Indices of the parse's tokens that overlap the characters ``[start, end)``."""
    return np.flatnonzero((parsed.starts < end) & (parsed.ends > start))


def tree_distances(parsed: Parse, sources) -> np.ndarray:
    """Edges from the nearest of ``sources`` (token indices) to every token; -1 if unreachable."""
    n = len(parsed.heads)
    neighbours: list[list[int]] = [[] for _ in range(n)]
    for child, head in enumerate(parsed.heads.tolist()):
        if head != child and 0 <= head < n:
            neighbours[child].append(head)
            neighbours[head].append(child)
    dist = np.full(n, -1, dtype=np.int64)
    queue = deque()
    for s in sources:
        if 0 <= s < n and dist[s] < 0:
            dist[s] = 0
            queue.append(s)
    while queue:
        k = queue.popleft()
        for j in neighbours[k]:
            if dist[j] < 0:
                dist[j] = dist[k] + 1
                queue.append(j)
    return dist
