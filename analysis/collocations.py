"""Collocations: the words that keep company with a node, and multiword expressions.

::

    from analysis import collocations, load
    corpus = load("../shared/corpora/articles")
    collocations.collocates(corpus, "CSTO", kind="actor", window=5, top=20)
    collocations.collocates(corpus, "secur*", span="right", measure="mi3")
    collocations.ngram_collocations(corpus, n=2, min_count=5, top=30)

Counting
--------
Texts are tokenized with :func:`analysis.tokens.tokenize` and one
:class:`~analysis.tokens.TokenOptions` (default: lower-cased, English and domain stopwords
removed, actor names merged into one token). Windows count the tokens the options keep,
so with stopwords removed ``window=5`` means five content words each side; windows stop
at document edges but cross sentences (as in AntConc). N (``n_tokens``) and f(c)
(``count_collocate``) are the corpus-wide counts of the same tokens, from one
:class:`TokenStream` of the corpus built once and cached on disk (their counts equal
those of :func:`analysis.tokens.dtm`).

f(n,c) (``count``) counts (node occurrence, collocate token) pairs within the window, each
token and each occurrence in at most one pair: where the windows of two nearby node
occurrences overlap, a token in both counts once (a maximum matching, see
:func:`_window_counts`). Counting it twice, as plain surface co-occurrence does (Evert
2008), lets f(n,c) exceed f(c) and pushes logDice past its maximum of 14; matched, f(n,c)
<= min(f(n), f(c)) always. Tokens that belong to a node occurrence (the words of a phrase
node or of an actor's name, or the node itself) are never counted as collocates.

Association measures
--------------------
With O = f(n,c), f(n) node occurrences, f(c) collocate frequency, N tokens and S the
window span (``2 * window`` for ``span="both"``, ``window`` for one side), every row
carries all of:

- expected co-occurrence E = f(n) f(c) S / N: the span-adjusted convention of Evert (2008)
  and BNCweb/AntConc, so that MI is not inflated by the window size;
- ``logdice`` = 14 + log2(2 O / (f(n) + f(c))) (Rychlý 2008): independent of N and S,
  at most 14; comparable across corpora;
- ``mi`` = log2(O / E) = log2(O N / (f(n) f(c) S)) (Church & Hanks 1990): favours rare
  collocates, hence ``min_count``;
- ``mi3`` = log2(O^3 / E) = log2(O^3 N / (f(n) f(c) S)) (Daille 1994);
- ``t_score`` = (O - E) / sqrt(O) (Church et al. 1991): favours frequent collocates;
- ``g2``: Dunning's (1993) log-likelihood of the 2x2 table (node windows vs. the rest of
  the corpus; collocate vs. other tokens): O11 = O, O12 = f(n) S - O, O21 = f(c) - O,
  O22 = N - f(n) S - f(c) + O, G2 = 2 sum O_ij ln(O_ij / E_ij) with E_ij = R_i C_j / N.
  It is signed: negative when O < E (the words repel each other). Cells that overlapping
  windows in tiny texts would make negative are set to 0.

References
----------
Church, K. W., & Hanks, P. (1990). Word association norms, mutual information, and
lexicography. Computational Linguistics, 16(1), 22-29.
Church, K., Gale, W., Hanks, P., & Hindle, D. (1991). Using statistics in lexical analysis.
In U. Zernik (Ed.), Lexical acquisition (pp. 115-164). Erlbaum.
Daille, B. (1994). Approche mixte pour l'extraction automatique de terminologie. PhD
thesis, Université Paris 7.
Dunning, T. (1993). Accurate methods for the statistics of surprise and coincidence.
Computational Linguistics, 19(1), 61-74.
Evert, S. (2008). Corpora and collocations. In A. Lüdeling & M. Kytö (Eds.), Corpus
linguistics: An international handbook (Vol. 2, pp. 1212-1248). De Gruyter.
Rychlý, P. (2008). A lexicographer-friendly association score. Proceedings of RASLAN
2008, 6-9.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from analysis import parallel
from analysis import tokens as tok
from analysis.atomic import atomic_path
from analysis.cache import make_key
from analysis.errors import OptionError
from analysis.inputs import is_corpus
from analysis.settings import Settings, get_settings
from analysis.tokens import TokenOptions

#: Association measures, each a column of every result (the default first).
MEASURES = ("logdice", "mi", "mi3", "t_score", "g2")
SPANS = ("both", "left", "right")
NODE_KINDS = ("term", "actor")
#: Columns of :func:`collocates`.
COLLOCATE_COLUMNS = [
    "collocate",
    "node",
    "count",
    "count_node",
    "count_collocate",
    "n_tokens",
    *MEASURES,
]
#: Columns of :func:`ngram_collocations`.
NGRAM_COLUMNS = ["ngram", "count", "count_prefix", "count_last", "n_tokens", *MEASURES]

Measure = Literal["logdice", "mi", "mi3", "t_score", "g2"]


# -- the measures -------------------------------------------------------------------------
def association(
    count: Any, count_node: Any, count_collocate: Any, n_tokens: int, *, span_size: int = 1
) -> pd.DataFrame:
    """All association measures of (node, collocate) pairs, vectorized.

    Parameters
    ----------
    count : array-like of int, shape (n_pairs,)
        O = f(n,c), co-occurrences within the window (at least 1).
    count_node, count_collocate : array-like of int, shape (n_pairs,) or scalar
        f(n) and f(c).
    n_tokens : int
        N, tokens in the corpus.
    span_size : int, default 1
        S, the tokens a window holds (``2 * window`` for both sides; 1 for adjacent words).

    Returns
    -------
    pandas.DataFrame of shape (n_pairs, 5)
        ``logdice, mi, mi3, t_score, g2`` (formulas and references in the module docstring).

    Examples
    --------
    >>> association([2], [2], [4], 20, span_size=2).round(3).to_dict("records")
    [{'logdice': 13.415, 'mi': 1.322, 'mi3': 3.322, 't_score': 0.849, 'g2': 2.414}]
    """
    o = np.asarray(count, dtype=float)
    f_node = np.broadcast_to(np.asarray(count_node, dtype=float), o.shape)
    f_coll = np.broadcast_to(np.asarray(count_collocate, dtype=float), o.shape)
    expected = f_node * f_coll * span_size / n_tokens
    with np.errstate(divide="ignore", invalid="ignore"):
        return pd.DataFrame(
            {
                "logdice": 14 + np.log2(2 * o / (f_node + f_coll)),
                "mi": np.log2(o / expected),
                "mi3": np.log2(o**3 / expected),
                "t_score": (o - expected) / np.sqrt(o),
                "g2": signed_g2(o, f_node * span_size, f_coll, n_tokens),
            }
        )


def signed_g2(o11: Any, row1: Any, col1: Any, n: Any) -> np.ndarray:
    """Dunning's G2 of 2x2 tables given by a cell and its margins, negative when O11 < E11.

    Parameters
    ----------
    o11 : array-like, shape (n_tables,)
        The co-occurrence cell.
    row1, col1 : array-like, shape (n_tables,)
        Its row and column totals (node windows' tokens; the collocate's frequency).
    n : array-like or scalar
        The table total.

    Returns
    -------
    numpy.ndarray of shape (n_tables,)
        ``sign(O11 - E11) * 2 * sum O_ij ln(O_ij / E_ij)``, computed by
        :func:`analysis.keyness.table_stat`; cells that would be negative (possible with
        overlapping windows in tiny texts) are set to 0 first.
    """
    from analysis.keyness import table_stat

    o11, row1, col1, n = (np.asarray(x, dtype=float) for x in (o11, row1, col1, n))
    cells = np.clip(
        np.stack(np.broadcast_arrays(o11, col1 - o11, row1 - o11, n - row1 - col1 + o11)), 0, None
    )
    windows, rest = cells[0] + cells[2], cells[1] + cells[3]
    g2 = table_stat(cells[0], cells[1], windows, rest, measure="g2")
    with np.errstate(divide="ignore", invalid="ignore"):
        expected = windows * (cells[0] + cells[1]) / (windows + rest)
    return np.where(cells[0] < expected, -g2, g2)


# -- collocates of a node -----------------------------------------------------------------
def collocates(
    corpus: Any,
    node: str | Sequence[str],
    *,
    kind: Literal["term", "actor"] = "term",
    window: int = 5,
    span: Literal["both", "left", "right"] = "both",
    options: TokenOptions | None = None,
    min_count: int = 3,
    min_collocate_count: int = 1,
    measure: Measure = "logdice",
    top: int | None = None,
) -> pd.DataFrame:
    """The words that co-occur with a node within a window, with association measures.

    Parameters
    ----------
    corpus : Corpus or DataFrame
        A :class:`~analysis.corpus.Corpus` (or a table with ``doc_id`` and ``text``).
    node : str or list of str
        ``kind="term"``: a word or phrase, tokenized with ``options`` (so "CSTO" is the actor
        token ``csto`` when ``keep_actors``); ``*``/``?`` are globs over tokens ("secur*").
        ``kind="actor"``: actor id(s); every mention :func:`analysis.actors.mentions` finds
        (aliases, names, contextual forms) is a node occurrence.
    kind : {"term", "actor"}, default "term"
    window : int, default 5
        Kept tokens on each side of the node.
    span : {"both", "left", "right"}, default "both"
        Count collocates on both sides, only before, or only after the node.
    options : TokenOptions, optional
        Tokenization (default ``TokenOptions()``); ``ngram_range`` is ignored.
    min_count : int, default 3
        Keep collocates with f(n,c) >= ``min_count``.
    min_collocate_count : int, default 1
        Keep collocates with f(c) >= this (raise it to tame MI's love of rare words).
    measure : {"logdice", "mi", "mi3", "t_score", "g2"}, default "logdice"
        Sort by this measure, highest first (all are computed).
    top : int, optional
        Keep the first ``top`` rows.

    Returns
    -------
    pandas.DataFrame
        One row a collocate: ``collocate, node, count`` (f(n,c)), ``count_node`` (f(n)),
        ``count_collocate`` (f(c)), ``n_tokens`` (N), ``logdice, mi, mi3, t_score, g2``.
        ``attrs`` records the parameters and ``span_size`` (S). Empty (same columns) when
        the node does not occur.

    Notes
    -----
    Formulas, counting conventions and references are in the module docstring; in short
    E = f(n) f(c) S / N, logDice = 14 + log2(2 f(n,c) / (f(n) + f(c))),
    MI = log2(f(n,c) / E), MI3 = log2(f(n,c)^3 / E), t = (f(n,c) - E) / sqrt(f(n,c)).

    See Also
    --------
    analysis.kwic.kwic : read the lines behind a collocate.
    ngram_collocations : multiword expressions without a node.

    Examples
    --------
    >>> collocates(corpus, "CSTO", kind="actor", top=10)  # doctest: +SKIP
    """
    _check(kind=(kind, NODE_KINDS), span=(span, SPANS), measure=(measure, MEASURES))
    if window < 1 or min_count < 1:
        raise OptionError(f"window ({window}) and min_count ({min_count}) must be at least 1")
    corpus = _as_corpus(corpus)
    options = replace(options or TokenOptions(), ngram_range=(1, 1))
    stream = token_stream(corpus, options)
    sides = (window if span != "right" else 0, window if span != "left" else 0)
    if kind == "term":
        starts, ends = _term_occurrences(stream, _node_pattern(node, options))
    else:
        starts, ends = _actor_occurrences(corpus, stream, node, options)
    pairs = _window_counts(stream, starts, ends, sides)
    table = _collocate_table(stream, pairs, len(starts), span_size=sum(sides))
    table.insert(1, "node", node if isinstance(node, str) else " | ".join(node))
    table = table[(table["count"] >= min_count) & (table["count_collocate"] >= min_collocate_count)]
    table = _ranked(table, measure, "collocate", top)
    table.attrs.update(
        node=node,
        kind=kind,
        window=window,
        span=span,
        span_size=sum(sides),
        options=options.to_dict(),
        min_count=min_count,
        min_collocate_count=min_collocate_count,
        measure=measure,
        count_node=len(starts),
        n_tokens=stream.n_tokens,
    )
    return table


def _node_pattern(node: str | Sequence[str], options: TokenOptions) -> list[str | re.Pattern]:
    """The node as a token sequence: exact tokens and glob patterns (``*``, ``?``)."""
    if not isinstance(node, str):
        raise OptionError(
            "a term node is one word or phrase (a string); pass several "
            "actor ids with kind='actor', or a glob such as 'secur*'"
        )
    out: list[str | re.Pattern] = []
    run: list[str] = []
    for word in [*node.split(), None]:
        if word is None or "*" in word or "?" in word:
            out.extend(tok.tokenize(" ".join(run), options) if run else [])
            run = []
            if word is not None:
                out.append(_glob_token(word, options))
        else:
            run.append(word)
    if not out:
        raise OptionError(
            f"node {node!r} has no token the options keep (a stopword, a number "
            "or too short?); pass options=TokenOptions(stopwords=None, "
            "min_length=1) to count it."
        )
    return out


def _glob_token(word: str, options: TokenOptions) -> re.Pattern:
    word = word.lower() if options.lowercase else word
    body = "".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in word)
    return re.compile(body)


def _term_occurrences(
    stream: TokenStream, pattern: list[str | re.Pattern]
) -> tuple[np.ndarray, np.ndarray]:
    """``[start, end)`` stream positions of the node, non-overlapping, within documents."""
    k = len(pattern)
    hit = np.ones(max(stream.n_tokens - k + 1, 0), dtype=bool)
    for offset, element in enumerate(pattern):
        hit &= stream.matches(element)[offset : offset + len(hit)]
    starts = np.flatnonzero(hit)
    if k > 1:  # a phrase must not run over the end of its document
        doc_end = stream.bounds[np.searchsorted(stream.bounds, starts, side="right")]
        starts = _non_overlapping(starts[starts + k <= doc_end], k)
    return starts, starts + k


def _non_overlapping(starts: np.ndarray, k: int) -> np.ndarray:
    keep, last = [], -k
    for s in starts.tolist():
        if s >= last + k:
            keep.append(s)
            last = s
    return np.asarray(keep, dtype=np.int64)


def _actor_occurrences(
    corpus: Any, stream: TokenStream, actor: str | Sequence[str], options: TokenOptions
) -> tuple[np.ndarray, np.ndarray]:
    """Stream positions ``[start, end)`` of the kept tokens each actor mention overlaps."""
    from analysis import actors

    found = actors.mentions(corpus, actor)
    rows = {d: i for i, d in enumerate(corpus.docs["doc_id"].astype(str))}
    texts = corpus.docs["text"].to_numpy()
    starts, ends = [], []
    for doc_id, spans in found.groupby("doc_id", sort=False, observed=True):
        row = rows[str(doc_id)]
        kept = tok.token_spans(texts[row], options, filter=True)
        first, last = _token_positions(kept, spans["start"].to_numpy(), spans["end"].to_numpy())
        starts.append(stream.bounds[row] + first)
        ends.append(stream.bounds[row] + last)
    if not starts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(starts), np.concatenate(ends)


def _token_positions(
    kept: Sequence[tok.Token], starts: np.ndarray, ends: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Character spans -> ``[i, j)`` of the kept tokens they overlap (maybe empty)."""
    tok_starts = np.asarray([t.start for t in kept], dtype=np.int64)
    tok_ends = np.asarray([t.end for t in kept], dtype=np.int64)
    first = np.searchsorted(tok_ends, starts, side="right")
    last = np.searchsorted(tok_starts, ends, side="left")
    return first, np.maximum(first, last)


def _window_counts(
    stream: TokenStream, starts: np.ndarray, ends: np.ndarray, sides: tuple[int, int]
) -> np.ndarray:
    """f(n,c) of every vocabulary entry: collocate tokens matched to node occurrences.

    A token is in a node's window when it lies within ``sides`` (left, right) tokens of the
    occurrence, in the same document and not inside an occurrence. Where windows overlap
    (two mentions a few words apart), a token is matched to ONE occurrence and an
    occurrence to one token of each collocate: f(n,c) is the size of a maximum matching
    between occurrences and the collocate's tokens in their windows (found greedily, which
    is optimal for intervals in order), so it never exceeds f(n) nor f(c) and logDice stays
    at most 14.
    """
    out = np.zeros(len(stream.vocab), dtype=np.int64)
    if len(starts) == 0:
        return out
    order = np.lexsort((ends, starts))
    starts, ends = starts[order], ends[order]
    doc = np.searchsorted(stream.bounds, starts, side="right") - 1
    left, right = sides
    lo = np.maximum(starts - left, stream.bounds[doc])
    hi = np.minimum(ends + right, stream.bounds[doc + 1])
    inside = np.zeros(stream.n_tokens + 1, dtype=bool)
    for offset in range(int((ends - starts).max(initial=0))):
        inside[(starts + offset)[starts + offset < ends]] = True
    near = [starts - d for d in range(1, left + 1)] + [ends + d for d in range(right)]
    pos = np.concatenate([p[(p >= lo) & (p < hi)] for p in near]) if near else np.zeros(0, int)
    pos = np.unique(pos[~inside[pos]])
    if len(pos) == 0:
        return out
    types = stream.ids[pos]
    by_type = np.lexsort((pos, types))
    pos, types = pos[by_type], types[by_type]
    cuts = np.flatnonzero(np.diff(types)) + 1
    for t, points in zip(types[np.r_[0, cuts]], np.split(pos, cuts)):
        out[t] = _matched(points, lo, hi)
    return out


def _matched(points: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> int:
    """Size of a maximum matching of sorted points to windows ``[lo, hi)`` sorted by both ends."""
    if len(points) == 1:
        return 1  # the point lies in some window by construction
    first = np.searchsorted(hi, points, side="right")  # first window not over before the point
    n, w, matched = len(lo), 0, 0
    for p, f in zip(points.tolist(), first.tolist()):
        w = max(w, f)
        if w < n and lo[w] <= p:
            matched += 1
            w += 1
    return matched


def _collocate_table(
    stream: TokenStream, pairs: np.ndarray, n_node: int, *, span_size: int
) -> pd.DataFrame:
    seen = np.flatnonzero(pairs)
    n = len(seen)
    table = pd.DataFrame(
        {
            "collocate": pd.Series(stream.vocab[seen], dtype="string"),
            "count": pd.Series(pairs[seen], dtype="int64"),
            "count_node": pd.Series(np.full(n, n_node), dtype="int64"),
            "count_collocate": pd.Series(stream.freq[seen], dtype="int64"),
            "n_tokens": pd.Series(np.full(n, stream.n_tokens), dtype="int64"),
        }
    )
    measures = association(
        table["count"], n_node, table["count_collocate"], stream.n_tokens, span_size=span_size
    )
    return pd.concat([table, measures], axis=1)


# -- the token stream ---------------------------------------------------------------------
class TokenStream:
    """Every kept token of a corpus as one array of vocabulary ids, documents end to end.

    Attributes
    ----------
    ids : numpy.ndarray of int32, shape (n_tokens,)
        Index into ``vocab`` of each kept token, in document and text order.
    bounds : numpy.ndarray of int64, shape (n_docs + 1,)
        Document ``i`` holds ``ids[bounds[i]:bounds[i + 1]]`` (corpus row order).
    vocab : numpy.ndarray of str, shape (n_types,)
    freq : numpy.ndarray of int64, shape (n_types,)
        Corpus frequency of each type: the f(c) of every measure (equal to the column sums
        of :func:`analysis.tokens.dtm` with the same options).
    """

    def __init__(self, ids: np.ndarray, bounds: np.ndarray, vocab: np.ndarray):
        self.ids, self.bounds, self.vocab = ids, bounds, vocab
        self.freq = np.bincount(ids, minlength=len(vocab)).astype(np.int64)
        self.index = {t: i for i, t in enumerate(vocab.tolist())}

    @property
    def n_tokens(self) -> int:
        """Tokens in the stream."""
        return len(self.ids)

    def matches(self, element: str | re.Pattern) -> np.ndarray:
        """Boolean mask of shape (n_tokens,): positions holding ``element`` (a token or glob)."""
        table = np.zeros(len(self.vocab) + 1, dtype=bool)
        if isinstance(element, str):
            table[self.index.get(element, -1)] = True
        else:
            table[[i for i, t in enumerate(self.vocab.tolist()) if element.fullmatch(t)]] = True
        table[-1] = False
        return table[self.ids]


def token_stream(
    corpus: Any, options: TokenOptions | None = None, *, settings: Settings | None = None
) -> TokenStream:
    """The corpus' kept tokens as a :class:`TokenStream`, cached on disk.

    Parameters
    ----------
    corpus : Corpus or DataFrame
    options : TokenOptions, optional
        Unigram options (``ngram_range`` is ignored).
    settings : Settings, optional
        Cache folder and worker processes (default :func:`analysis.get_settings`).

    Returns
    -------
    TokenStream

    Notes
    -----
    Built once per corpus fingerprint, options, stopword and actor lists and package
    version (as an NPZ file, no pickle, written atomically), by mapping
    :func:`analysis.tokens.tokenize` over batches of documents (on ``settings.workers``
    processes for large corpora) and merging their vocabularies. Later calls load it in
    well under a second, so collocates of any node are quick on the UN General Debates.
    """
    settings = settings or get_settings()
    corpus = _as_corpus(corpus)
    options = replace(options or TokenOptions(), ngram_range=(1, 1))
    path = Path(settings.cache_dir) / "collocations" / (_stream_key(corpus, options) + ".npz")
    found = _read_stream(path) if settings.use_cache else None
    if found is not None and len(found.bounds) == len(corpus) + 1:
        return found
    parts = _map_batches(
        corpus.docs["text"].tolist(), _stream_batch, options, settings.workers, "tokenizing"
    )
    stream = _merge_parts(parts)
    if settings.use_cache:
        _write_stream(path, stream)
    return stream


def _stream_key(corpus: Any, options: TokenOptions) -> str:
    actor_forms = sorted(tok.actor_forms()) if options.keep_actors else []
    return make_key(
        "token-stream",
        corpus.fingerprint,
        options.to_dict(),
        sorted(tok.stopword_set(options)),
        actor_forms,
    )


#: Below this many documents the stream is built in-process (a pool costs more).
MIN_PARALLEL_DOCS = 500


def _map_batches(texts: list[str], fn: Any, options: TokenOptions, workers: int, desc: str) -> list:
    """``fn(batch, options)`` over batches of texts, in order (on a process pool when it pays)."""
    return parallel.map_batches(
        fn,
        texts,
        options,
        workers=1 if options.lemmas else workers,
        threshold=MIN_PARALLEL_DOCS,
        desc=desc,
    )


def _stream_batch(texts: Sequence[str], options: TokenOptions):
    """(vocabulary, ids, tokens per text) of one batch (pure: runs in a worker)."""
    vocab: dict[str, int] = {}
    ids: list[int] = []
    lengths: list[int] = []
    for text in texts:
        tokens = tok.tokenize(text, options) if isinstance(text, str) else []
        ids.extend([vocab.setdefault(t, len(vocab)) for t in tokens])
        lengths.append(len(tokens))
    return list(vocab), np.asarray(ids, dtype=np.int32), np.asarray(lengths, dtype=np.int64)


def _merge_parts(parts) -> TokenStream:
    vocab: dict[str, int] = {}
    ids, lengths = [], []
    for part_vocab, part_ids, part_lengths in parts:
        remap = np.fromiter(
            (vocab.setdefault(t, len(vocab)) for t in part_vocab),
            dtype=np.int32,
            count=len(part_vocab),
        )
        ids.append(remap[part_ids] if len(remap) else part_ids)
        lengths.append(part_lengths)
    bounds = np.concatenate([[0], np.cumsum(np.concatenate(lengths))]).astype(np.int64)
    return TokenStream(
        np.concatenate(ids).astype(np.int32), bounds, np.asarray(list(vocab), dtype=object)
    )


def _write_stream(path: Path, stream: TokenStream) -> None:
    vocab = np.frombuffer("\n".join(stream.vocab.tolist()).encode("utf-8"), dtype=np.uint8)
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        np.savez(
            fh,
            ids=stream.ids,
            bounds=stream.bounds,
            vocab=vocab,
            n_types=np.asarray([len(stream.vocab)]),
        )


def _read_stream(path: Path) -> TokenStream | None:
    """The cached stream, or None when absent or unreadable (then it is rebuilt)."""
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as z:
            n_types = int(z["n_types"][0])
            words = z["vocab"].tobytes().decode("utf-8").split("\n") if n_types else []
            if len(words) != n_types:
                return None
            return TokenStream(z["ids"], z["bounds"], np.asarray(words, dtype=object))
    except (OSError, ValueError, KeyError, EOFError):
        return None


# -- multiword expressions ----------------------------------------------------------------
def ngram_collocations(
    corpus: Any,
    *,
    n: int = 2,
    options: TokenOptions | None = None,
    min_count: int = 5,
    measure: Measure = "logdice",
    top: int | None = None,
) -> pd.DataFrame:
    """Multiword expressions: n-grams whose words occur together more than by chance.

    Parameters
    ----------
    corpus : Corpus or DataFrame
    n : int, default 2
        Words per expression (2 to 5).
    options : TokenOptions, optional
        Tokenization (default ``TokenOptions()``). As in :func:`analysis.tokens.tokenize`,
        n-grams never span a removed token, so "weapons of mass destruction" gives
        "mass destruction" with the default stopwords.
    min_count : int, default 5
        Keep n-grams occurring at least this often.
    measure : {"logdice", "mi", "mi3", "t_score", "g2"}, default "logdice"
        Sort by this measure, highest first (all are computed). logDice and MI put fixed
        names first ("buenos aires"); ``g2`` and ``t_score`` frequent expressions
        ("security council", "peacekeeping operations").
    top : int, optional
        Keep the first ``top`` rows.

    Returns
    -------
    pandas.DataFrame
        One row an n-gram: ``ngram`` (words joined by a space), ``count``, ``count_prefix``
        (its first n-1 words), ``count_last`` (its last word), ``n_tokens`` (N, kept
        unigrams) and ``logdice, mi, mi3, t_score, g2``.

    Notes
    -----
    An n-gram is scored as the association of its first n-1 words (the "node") with its
    last word, adjacent (S = 1): for bigrams this is the usual table, O = f(w1 w2),
    E = f(w1) f(w2) / N, MI = log2(O / E), logDice = 14 + log2(2 O / (f(w1) + f(w2))),
    G2 over the 2x2 table (Dunning 1993). See the module docstring for every formula.
    Counting runs on the cached token stream; the first call on a corpus also records
    where removed tokens were (cached too).

    Examples
    --------
    >>> ngram_collocations(corpus, n=2, min_count=10, measure="g2", top=20)  # doctest: +SKIP
    """
    _check(measure=(measure, MEASURES))
    if not 2 <= n <= 5 or min_count < 1:
        raise OptionError(f"n must be 2 to 5 (got {n}) and min_count at least 1 (got {min_count})")
    corpus = _as_corpus(corpus)
    options = replace(options or TokenOptions(), ngram_range=(1, 1))
    stream = token_stream(corpus, options)
    gaps = _gaps(corpus, stream, options)
    table = _ngram_table(stream, gaps, n, min_count)
    table = _ranked(table, measure, "ngram", top)
    table.attrs.update(
        n=n,
        options=options.to_dict(),
        min_count=min_count,
        measure=measure,
        n_tokens=stream.n_tokens,
    )
    return table


def _ngram_table(stream: TokenStream, gaps: np.ndarray, n: int, min_count: int) -> pd.DataFrame:
    grams = _ngram_counts(stream, gaps, n)
    grams = grams[grams["count"] >= min_count].reset_index(drop=True)
    words = [f"w{k}" for k in range(n)]
    if n == 2:
        prefix = stream.freq[grams["w0"].to_numpy()]
    else:
        prefixes = _ngram_counts(stream, gaps, n - 1).rename(columns={"count": "prefix"})
        prefix = grams.merge(prefixes, on=words[:-1], how="left")["prefix"].to_numpy()
    vocab = stream.vocab
    table = pd.DataFrame(
        {
            "ngram": pd.Series(
                [" ".join(vocab[list(ids)]) for ids in zip(*(grams[w].to_numpy() for w in words))],
                dtype="string",
            ),
            "count": grams["count"].astype("int64"),
            "count_prefix": pd.Series(prefix, dtype="int64"),
            "count_last": pd.Series(stream.freq[grams[words[-1]].to_numpy()], dtype="int64"),
            "n_tokens": pd.Series(np.full(len(grams), stream.n_tokens), dtype="int64"),
        }
    )
    measures = association(
        table["count"], table["count_prefix"], table["count_last"], stream.n_tokens
    )
    return pd.concat([table, measures], axis=1)


def _ngram_counts(stream: TokenStream, gaps: np.ndarray, n: int) -> pd.DataFrame:
    """Every n-gram of the stream (within documents, not across a removed token) counted.

    Returns ``w0 ... w{n-1}`` (vocabulary ids) and ``count``, one row a distinct n-gram.
    """
    size = max(stream.n_tokens - n + 1, 0)
    starts = np.arange(size, dtype=np.int64)
    doc_end = stream.bounds[np.searchsorted(stream.bounds, starts, side="right")]
    ok = starts + n <= doc_end
    for k in range(1, n):
        ok &= ~gaps[k : k + size]
    starts = starts[ok]
    key = stream.ids[starts].astype(np.int64)
    for k in range(1, n):
        if k > 1:  # renumber the (k)-grams densely so the key stays within int64
            key = np.unique(key, return_inverse=True)[1].astype(np.int64)
        key = key * len(stream.vocab) + stream.ids[starts + k]
    _, first, counts = np.unique(key, return_index=True, return_counts=True)
    out = {f"w{k}": stream.ids[starts[first] + k] for k in range(n)}
    return pd.DataFrame({**out, "count": counts.astype(np.int64)})


def _gaps(
    corpus: Any, stream: TokenStream, options: TokenOptions, settings: Settings | None = None
) -> np.ndarray:
    """Bool array of shape (n_tokens,): a removed token comes before this kept one (cached)."""
    settings = settings or get_settings()
    path = Path(settings.cache_dir) / "collocations" / (_stream_key(corpus, options) + "-gaps.npz")
    if settings.use_cache and path.is_file():
        try:
            with np.load(path, allow_pickle=False) as z:
                if len(z["gaps"]) == stream.n_tokens:
                    return z["gaps"]
        except (OSError, ValueError, KeyError, EOFError):
            pass
    gaps = np.concatenate(
        [
            np.zeros(0, dtype=bool),
            *_map_batches(
                corpus.docs["text"].tolist(), _gaps_batch, options, settings.workers, "n-grams"
            ),
        ]
    )
    if len(gaps) != stream.n_tokens:
        raise RuntimeError(
            "analysis.tokens.token_spans and tokenize disagree on the kept "
            "tokens; please report this with the TokenOptions used."
        )
    if settings.use_cache:
        with atomic_path(path) as tmp, open(tmp, "wb") as fh:
            np.savez(fh, gaps=gaps)
    return gaps


def _gaps_batch(texts: Sequence[str], options: TokenOptions) -> np.ndarray:
    """For each kept token of the batch: whether a removed token precedes it (pure)."""
    out: list[bool] = []
    for text in texts:
        removed = False
        for t in tok.token_spans(text, options) if isinstance(text, str) else ():
            if t.keep:
                out.append(removed)
            removed = not t.keep
    return np.asarray(out, dtype=bool)


# -- helpers ------------------------------------------------------------------------------
def _ranked(table: pd.DataFrame, measure: str, name: str, top: int | None) -> pd.DataFrame:
    table = table.sort_values(
        [measure, "count", name], ascending=[False, False, True], kind="stable"
    ).reset_index(drop=True)
    return table.head(top) if top is not None else table


def _as_corpus(obj: Any) -> Any:
    """A Corpus as it is; a table with ``doc_id`` and ``text`` wrapped into one."""
    if is_corpus(obj):
        return obj
    from analysis.corpus import STANDARD_COLUMNS, Corpus

    if not isinstance(obj, pd.DataFrame) or not {"doc_id", "text"} <= set(obj.columns):
        raise OptionError(
            "pass a Corpus (analysis.load(...)) or a DataFrame with 'doc_id' and "
            f"'text' columns, not {type(obj).__name__}"
        )
    docs = obj.copy()
    for col in STANDARD_COLUMNS:
        if col not in docs:
            docs[col] = None
    docs["doc_id"] = docs["doc_id"].astype(str)
    return Corpus(docs, name="table")


def _check(**choices: tuple[Any, tuple]) -> None:
    for name, (value, allowed) in choices.items():
        if value not in allowed:
            raise OptionError(
                f"{name} must be one of {', '.join(map(repr, allowed))}, not {value!r}"
            )
