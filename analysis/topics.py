"""Topic models (LDA, NMF) with diagnostics, stability checks and prevalence by group.

One estimator, :class:`TopicModel`, fits scikit-learn's LDA (on raw counts) or NMF (on
TF-IDF) to *units* of text: whole documents, paragraphs, or the sentences around actor
mentions (long UN speeches cover many themes; a CSTO communiqué's paragraph on
peacekeeping is a better unit than the whole communiqué)::

    from analysis import load, topics
    corpus = load("factbook")
    units = topics.units(corpus, "paragraph")              # doc_id + metadata kept
    tm = topics.TopicModel(k=8, random_state=0).fit(units)
    tm.top_terms()                                         # topic, rank, term, weight, ...
    tm.labels_[3] = "Arms control"                         # labels are editable
    topics.prevalence(tm, by="region")                     # mean share with bootstrap CIs
    topics.prevalence(tm, by="actor")                      # ... in units naming CSTO/NATO/UN

Choosing k: :func:`sweep` fits several k (and seeds) and returns coherence (UMass, NPMI),
exclusivity, diversity, held-out perplexity and stability in one tidy table;
:func:`plot_sweep` draws it. :func:`stability` refits with several seeds, matches topics
across runs (Hungarian matching on the Jaccard overlap of top words) and returns the most
typical run. Fits are cached on disk (NPZ without pickle + JSON) keyed by the units
(ids and texts, so the corpus and the unit kind), the token options and document-term
matrix, the model's parameters (k, model, seed...) and the package and scikit-learn versions.

Prevalence is the mean topic share of a group's documents; uncertainty comes from a
cluster bootstrap that resamples *documents* (with all their units), so paragraphs of one
speech are never treated as independent evidence. Differences between groups
(:func:`prevalence_difference`) and smoothed trends over time (:func:`prevalence_trend`)
use the same replicates.

Topic numbers start at 0 and follow overall prevalence (topic 0 is the most common).

Large corpora
-------------
For the UN General Debate corpus (10,952 speeches, 268,359 paragraphs) fit paragraphs with
``TopicModel(k, min_df=20, max_df=0.5, learning_method="online", max_iter=5)``: about
3 CPU-minutes for k=20 (whole speeches: about 40 s), as fast as scikit-learn alone
(``benchmarks/bench_topics.py``). Choose k with a :func:`sweep` on a sample of speeches
(``units[units.doc_id.isin(sample)]``) first. ``n_jobs=2`` was slower on two cores
(joblib's cost per mini-batch); ``model_params={"batch_size": 1024}`` gives lower held-out
perplexity but less exclusive topics than the default 128.

References
----------
.. [1] Blei, D. M., Ng, A. Y., & Jordan, M. I. (2003). Latent Dirichlet allocation.
   JMLR 3, 993-1022. Hoffman, M., Bach, F., & Blei, D. (2010). Online learning for latent
   Dirichlet allocation. NIPS.
.. [2] Mimno, D., Wallach, H., Talley, E., Leenders, M., & McCallum, A. (2011). Optimizing
   semantic coherence in topic models. EMNLP, 262-272. (UMass coherence)
.. [3] Bouma, G. (2009). Normalized (pointwise) mutual information in collocation
   extraction. GSCL, 31-40. Lau, J. H., Newman, D., & Baldwin, T. (2014). Machine reading
   tea leaves. EACL, 530-539. (NPMI coherence)
.. [4] Roberts, M. E., Stewart, B. M., & Airoldi, E. M. (2016). A model of text for
   experimentation in the social sciences. JASA 111(515), 988-1003; Bischof, J., & Airoldi,
   E. (2012). Summarizing topical content with word frequency and exclusivity. ICML.
   (FREX, exclusivity; stm's ``estimateEffect`` for prevalence by covariates)
.. [5] Sievert, C., & Shirley, K. (2014). LDAvis: A method for visualizing and interpreting
   topics. Workshop on Interactive Language Learning, 63-70. (relevance)
.. [6] Dieng, A. B., Ruiz, F. J. R., & Blei, D. M. (2020). Topic modeling in embedding
   spaces. TACL 8, 439-453. (topic diversity)
.. [7] Greene, D., O'Callaghan, D., & Cunningham, P. (2014). How many topics? Stability
   analysis for topic models. ECML PKDD, 498-513. (stability by matching top words)
.. [8] Cameron, A. C., Gelbach, J. B., & Miller, D. L. (2008). Bootstrap-based improvements
   for inference with clustered errors. REStat 90(3), 414-427. (cluster bootstrap)
.. [9] Wallach, H. M., Murray, I., Salakhutdinov, R., & Mimno, D. (2009). Evaluation
   methods for topic models. ICML, 1105-1112. (held-out likelihood, document completion)
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import linear_sum_assignment
from scipy.special import psi
from scipy.stats import rankdata
from sklearn.base import BaseEstimator
from sklearn.decomposition import NMF, LatentDirichletAllocation

from analysis.cache import Cache, atomic_path, make_key
from analysis.settings import Settings
from analysis.tokens import DTM, TokenOptions, dtm, tokenize

#: Kinds of unit a model can be fitted on.
UNITS = ("document", "paragraph", "actor_context")
#: Models :class:`TopicModel` fits.
MODELS = ("lda", "nmf")
#: Columns of every prevalence table.
PREVALENCE_COLUMNS = ["topic", "label", "group", "mean", "ci_low", "ci_high", "n_docs"]
#: Columns of :meth:`TopicModel.top_terms`.
TERM_COLUMNS = ["topic", "label", "rank", "term", "weight", "relevance", "frex"]
#: Actors whose contexts :func:`units` annotates by default.
DEFAULT_ACTORS = ("CSTO", "NATO", "UN")
#: Columns of the documents table that do not describe a unit.
_DOC_ONLY = ("text", "n_chars", "n_words", "lang_detected", "lang_confidence")
#: Unit columns that are not metadata (left out of output tables).
_UNIT_COLUMNS = ("unit_id", "doc_id", "unit", "position", "start", "end", "text", "n_words",
                 "actors")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
_LINE_BREAK = re.compile(r"\n\s*")
_SPACES = re.compile(r"\s+")


# == units ====================================================================================
def units(corpus, unit: str = "document", *, actors: Sequence[str] = DEFAULT_ACTORS,
          window: int = 1, min_words: int = 15, mentions: pd.DataFrame | None = None
          ) -> pd.DataFrame:
    """Cut a corpus into the units a topic model is fitted on.

    Parameters
    ----------
    corpus : Corpus
    unit : {"document", "paragraph", "actor_context"}
        Whole documents; paragraphs (split at blank lines, or at line breaks in a
        document without blank lines, as the UN General Debate texts are); or the
        sentences around each mention of ``actors``.
    actors : sequence of str, default ("CSTO", "NATO", "UN")
        Actor ids. Every unit gets an ``actors`` column naming those mentioned in it
        (";"-joined), so prevalence can be grouped by actor; ``()`` skips the lookup.
    window : int, default 1
        For ``actor_context``: sentences kept before and after a mention's sentence.
        Overlapping windows of the same actor in a document merge into one unit.
    min_words : int, default 15
        For ``paragraph``: a shorter paragraph is merged with the next one (headings,
        one-line fields), the last one with the previous one.
    mentions : pandas.DataFrame, optional
        Precomputed :func:`analysis.actors.mentions` of ``corpus`` (to use its options,
        such as ``anaphora`` or ``context_actors``).

    Returns
    -------
    pandas.DataFrame
        One row a unit: ``unit_id, doc_id, unit, position, start, end, text, n_words,
        actors`` then the corpus' metadata columns. ``text == doc_text[start:end]``.
        ``attrs`` records the parameters.
    """
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {UNITS}, not {unit!r}")
    docs = corpus.docs
    texts = docs["text"].tolist()
    wanted = tuple(actors) if unit != "actor_context" else tuple(actors or DEFAULT_ACTORS)
    found = _mentions(corpus, wanted, mentions) if wanted else None
    if unit == "document":
        spans = [(i, 0, len(t), None) for i, t in enumerate(texts)]
    elif unit == "paragraph":
        spans = [(i, s, e, None) for i, t in enumerate(texts)
                 for s, e in _paragraphs(t, min_words)]
    else:
        spans = _context_spans(docs["doc_id"], texts, found, window)
        if not spans:
            raise ValueError(f"no mention of {list(wanted)} in corpus "
                             f"{getattr(corpus, 'name', '')!r}: there are no actor contexts. "
                             "Check the actor ids or use unit='paragraph'.")
    return _unit_table(docs, spans, unit, found, params={
        "unit": unit, "actors": list(wanted), "window": window, "min_words": min_words,
        "corpus": getattr(corpus, "name", None),
        "fingerprint": getattr(corpus, "fingerprint", None)})


def _mentions(corpus, actors: Sequence[str], given: pd.DataFrame | None) -> pd.DataFrame:
    if given is None:
        from analysis.actors import mentions

        given = mentions(corpus, list(actors))
    found = given[given["actor"].isin(list(actors))]
    return pd.DataFrame({"doc_id": found["doc_id"].astype(str).to_numpy(),
                         "actor": found["actor"].astype(str).to_numpy(),
                         "start": found["start"].to_numpy(np.int64),
                         "sentence_id": found["sentence_id"].to_numpy(np.int64)})


def _paragraphs(text: str, min_words: int) -> list[tuple[int, int]]:
    """(start, end) of each paragraph, short ones merged into the next (or previous)."""
    breaks = _PARAGRAPH_BREAK if _PARAGRAPH_BREAK.search(text) else _LINE_BREAK
    spans, pos = [], 0
    for m in breaks.finditer(text):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text.rstrip())))
    spans = [(s, e) for s, e in spans if text[s:e].strip()]
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and len(text[merged[-1][0]:merged[-1][1]].split()) < min_words:
            s = merged.pop()[0]
        merged.append((s, e))
    if len(merged) > 1 and len(text[merged[-1][0]:merged[-1][1]].split()) < min_words:
        e = merged.pop()[1]
        merged[-1] = (merged[-1][0], e)
    return merged or [(0, len(text))]


def _context_spans(doc_ids: pd.Series, texts: list[str], found: pd.DataFrame,
                   window: int) -> list[tuple[int, int, int, str]]:
    """(doc row, start, end, actor) of merged sentence windows around each mention."""
    row_of = {d: i for i, d in enumerate(doc_ids.astype(str))}
    spans: list[tuple[int, int, int, str]] = []
    for (doc, actor), group in found.groupby(["doc_id", "actor"], sort=False):
        i = row_of[doc]
        starts = _sentence_starts(texts[i])
        ends = starts[1:] + [len(texts[i])]
        current: list[int] | None = None
        for sent in sorted(set(group["sentence_id"])):
            lo, hi = max(0, sent - window), min(len(starts) - 1, sent + window)
            if current is not None and lo <= current[1] + 1:
                current[1] = hi
                continue
            if current is not None:
                spans.append((i, starts[current[0]], ends[current[1]], actor))
            current = [lo, hi]
        spans.append((i, starts[current[0]], ends[current[1]], actor))
    return sorted(spans, key=lambda s: (s[0], s[1], s[3]))


def _sentence_starts(text: str) -> list[int]:
    from analysis.actors import sentence_starts

    return sentence_starts(text)


def _unit_table(docs: pd.DataFrame, spans: list, unit: str, found: pd.DataFrame | None,
                params: dict) -> pd.DataFrame:
    rows = np.fromiter((s[0] for s in spans), dtype=np.int64, count=len(spans))
    starts = np.fromiter((s[1] for s in spans), dtype=np.int64, count=len(spans))
    ends = np.fromiter((s[2] for s in spans), dtype=np.int64, count=len(spans))
    doc_texts = docs["text"].to_numpy()
    texts = [doc_texts[r][s:e] for r, s, e in zip(rows, starts, ends)]
    doc_ids = docs["doc_id"].astype(str).to_numpy()[rows]
    position = pd.Series(rows).groupby(rows).cumcount().to_numpy()
    if unit == "document":
        ids = doc_ids
    elif unit == "paragraph":
        ids = [f"{d}:{p}" for d, p in zip(doc_ids, position)]
    else:
        ids = [f"{d}:{s[3]}:{p}" for d, s, p in zip(doc_ids, spans, position)]
    out = pd.DataFrame({"unit_id": pd.Series(ids, dtype=str), "doc_id": doc_ids,
                        "unit": unit, "position": position, "start": starts, "end": ends,
                        "text": pd.Series(texts, dtype=str),
                        "n_words": [len(t.split()) for t in texts]})
    if unit == "actor_context":
        out["actors"] = [s[3] for s in spans]
    elif found is not None:
        out["actors"] = _actors_in(out, found)
    meta = docs.drop(columns=[c for c in (*_DOC_ONLY, *out.columns) if c in docs.columns])
    out = pd.concat([out, meta.iloc[rows].reset_index(drop=True)], axis=1)
    out.attrs.update(params)
    return out


def _actors_in(table: pd.DataFrame, found: pd.DataFrame) -> list[str]:
    """";"-joined actors mentioned inside each unit (start <= mention start < end)."""
    if found.empty:
        return [""] * len(table)
    left = found.assign(pos=found["start"]).sort_values("pos", kind="stable")
    right = (table[["doc_id", "start", "end"]].reset_index(names="row")
             .rename(columns={"start": "pos"}).sort_values("pos", kind="stable"))
    hit = pd.merge_asof(left, right, on="pos", by="doc_id", direction="backward")
    hit = hit[hit["row"].notna() & (hit["pos"] < hit["end"])]
    names = (hit.groupby(hit["row"].astype(np.int64))["actor"]
             .agg(lambda a: ";".join(sorted(set(a)))))
    return [names.get(i, "") for i in range(len(table))]


def _unit_kind(table: pd.DataFrame) -> str:
    if "unit" in table and len(table):
        return str(table["unit"].iloc[0])
    return str(table.attrs.get("unit", "document"))


def _as_units(data) -> pd.DataFrame:
    """A units table from a units table, a corpus or any table with doc_id and text."""
    if hasattr(data, "fingerprint") and hasattr(data, "docs"):
        return units(data, "document", actors=())
    if not isinstance(data, pd.DataFrame) or not {"doc_id", "text"} <= set(data.columns):
        raise ValueError("topic models are fitted on topics.units(corpus, ...), a Corpus, or a "
                         "DataFrame with 'doc_id' and 'text' columns (one row a unit).")
    if "unit_id" not in data.columns:
        data = data.assign(unit_id=data["doc_id"].astype(str))
    if data["unit_id"].duplicated().any():
        dup = data.loc[data["unit_id"].duplicated(), "unit_id"].iloc[0]
        raise ValueError(f"unit_id values must be unique; {dup!r} repeats. Give each unit an id "
                         "(topics.units does) or pass one row a document.")
    return data.reset_index(drop=True)


# == the document-term matrix of units ========================================================
def _units_hash(table: pd.DataFrame) -> str:
    h = hashlib.blake2b(digest_size=16)
    h.update("\x1f".join(table["unit_id"].astype(str)).encode("utf-8"))
    for text in table["text"]:
        h.update(str(text).encode("utf-8"))
        h.update(b"\x1e")
    return h.hexdigest()


def unit_dtm(table: pd.DataFrame, options: TokenOptions | None = None, *,
             min_df: int | float = 1, max_df: int | float = 1.0, cache: bool = True,
             settings: Settings | None = None) -> DTM:
    """The document-term matrix of a units table (rows follow ``unit_id``).

    A thin wrapper around :func:`analysis.tokens.dtm` (same counting, same NPZ cache),
    treating each unit as a document.
    """
    from analysis.corpus import Corpus

    table = _as_units(table)
    n = len(table)
    blank = pd.Series([None] * n, dtype=object)
    docs = pd.DataFrame({"doc_id": table["unit_id"].astype(str), "text": table["text"],
                         "title": blank, "date": pd.Series(pd.NaT, index=range(n)),
                         "source": blank, "author": blank, "url": blank, "lang": blank})
    pseudo = Corpus(docs, name="topic units", fingerprint="units-" + _units_hash(table))
    return dtm(pseudo, options, min_df=min_df, max_df=max_df, cache=cache, settings=settings)


def _matrix_hash(m: DTM) -> str:
    h = hashlib.blake2b(digest_size=16)
    h.update("\x1f".join(map(str, m.terms)).encode("utf-8"))
    for arr in (m.matrix.indptr, m.matrix.indices, m.matrix.data):
        h.update(np.ascontiguousarray(arr).tobytes())
    return h.hexdigest()


def _align(m: DTM, terms: np.ndarray) -> sparse.csr_matrix:
    """``m``'s counts re-indexed to the columns ``terms`` (unknown terms dropped)."""
    col = pd.Index(terms).get_indexer(pd.Index(m.terms))
    coo = m.matrix.tocoo()
    keep = col[coo.col] >= 0
    return sparse.csr_matrix((coo.data[keep].astype(np.float64),
                              (coo.row[keep], col[coo.col[keep]])),
                             shape=(m.matrix.shape[0], len(terms)))


def _idf(X: sparse.csr_matrix) -> np.ndarray:
    """Smoothed inverse document frequency, as scikit-learn's ``TfidfTransformer``."""
    df = np.bincount(X.indices, minlength=X.shape[1])
    return np.log((1 + X.shape[0]) / (1 + df)) + 1.0


def _tfidf(X: sparse.csr_matrix, idf: np.ndarray) -> sparse.csr_matrix:
    from sklearn.preprocessing import normalize

    return normalize(sparse.csr_matrix(X @ sparse.diags(idf)), norm="l2")


# == the estimator ===========================================================================
class _LDA(LatentDirichletAllocation):
    """scikit-learn's LDA, keeping the document-topic matrix its ``fit`` computes anyway.

    ``LatentDirichletAllocation.fit`` ends with an E-step over all documents (for
    ``bound_``) whose result is exactly ``transform(X, normalize=False)``; keeping it saves
    the second pass ``fit_transform`` would make. If a scikit-learn release changes this,
    :meth:`TopicModel.fit` notices the missing matrix and calls ``transform``.
    """

    def _e_step(self, X, *args, **kwargs):
        out = super()._e_step(X, *args, **kwargs)
        cal_sstats = kwargs.get("cal_sstats", args[0] if args else True)
        if not cal_sstats:
            self._last_distr = out[0]
        return out


class TopicModel(BaseEstimator):
    """A topic model (LDA or NMF) over units of text, with labels, diagnostics and tables.

    Parameters
    ----------
    k : int, default 10
        Number of topics.
    model : {"lda", "nmf"}, default "lda"
        LDA [1]_ on raw counts (scikit-learn's variational Bayes) or NMF on TF-IDF
        (smoothed idf, l2-normalized rows; ``init="nndsvda"``).
    random_state : int, default 0
        Seed of the fit; the same seed gives the same topics.
    options : TokenOptions, optional
        How texts become terms (default ``TokenOptions()``: stopwords out, actor names
        merged into ``csto``, ``nato``, ``un``).
    min_df, max_df : int or float, default 2 and 0.9
        Keep terms in at least ``min_df`` and at most ``max_df`` units (a float is a share).
    max_iter : int, optional
        Passes over the data (default 10 for LDA, 400 for NMF).
    learning_method : {"batch", "online"}, default "batch"
        LDA only: "online" (mini-batches) is faster on large corpora.
    n_jobs : int, optional
        LDA only: processes for the E-step (results depend on it, so it is in the cache key).
    model_params : dict, optional
        Further arguments of the scikit-learn estimator, e.g. ``doc_topic_prior``,
        ``batch_size`` (LDA) or ``alpha_W``, ``beta_loss`` (NMF).
    cache : bool, default True
        Read and write fits in the on-disk cache (``settings.cache_dir/topics``).

    Attributes
    ----------
    components_ : ndarray of shape (k, n_terms)
        Topic-term weights (LDA: variational parameters; NMF: ``H``), topics ordered by
        prevalence.
    topic_term_ : ndarray of shape (k, n_terms)
        ``components_`` with rows normalized to sum to 1.
    doc_topic_ : ndarray of shape (n_units, k)
        Topic shares of each unit (rows sum to 1).
    terms_ : ndarray of str, shape (n_terms,)
    term_frequency_ : ndarray of shape (n_terms,)
        Count of each term over the units.
    units_ : pandas.DataFrame
        The units the model was fitted on (those with at least one term), row-aligned
        with ``doc_topic_``.
    labels_ : dict of int to str
        Short labels (top three terms by relevance); overwrite freely, every table uses
        the current labels.
    skipped_ : list of str
        Units left out because no term survived tokenization and pruning.
    umass_, npmi_, exclusivity_ : ndarray of shape (k,)
        Per-topic diagnostics over the top 10 terms (see :func:`coherence`, :func:`exclusivity`).
    perplexity_ : float
        LDA: in-sample perplexity, ``exp(-sum log p(w|d) / n_tokens)`` with
        ``p(w|d) = sum_k theta_dk phi_kw`` (NaN for NMF). It falls as k grows; to choose k
        use held-out perplexity (:meth:`perplexity`, :func:`sweep`).
    reconstruction_err_ : float
        NMF: Frobenius norm of the residual (NaN for LDA).
    n_iter_ : int
    from_cache_ : bool

    See Also
    --------
    units, prevalence, sweep, stability

    Examples
    --------
    >>> from analysis import load
    >>> tm = TopicModel(k=8, random_state=0).fit(units(load("factbook")))  # doctest: +SKIP
    >>> tm.top_terms(n=5).head()                                            # doctest: +SKIP
    """

    def __init__(self, k: int = 10, *, model: str = "lda", random_state: int = 0,
                 options: TokenOptions | None = None, min_df: int | float = 2,
                 max_df: int | float = 0.9, max_iter: int | None = None,
                 learning_method: str = "batch", n_jobs: int | None = None,
                 model_params: dict | None = None, cache: bool = True):
        self.k = k
        self.model = model
        self.random_state = random_state
        self.options = options
        self.min_df = min_df
        self.max_df = max_df
        self.max_iter = max_iter
        self.learning_method = learning_method
        self.n_jobs = n_jobs
        self.model_params = model_params
        self.cache = cache

    # -- fitting ------------------------------------------------------------------------------
    def fit(self, units, y=None) -> TopicModel:
        """Fit the model to units of text.

        Parameters
        ----------
        units : pandas.DataFrame or Corpus
            A table from :func:`units` (or any table with ``doc_id`` and ``text``); a
            corpus is fitted document by document.
        y : ignored

        Returns
        -------
        self
        """
        self._check()
        table = _as_units(units)
        counts = unit_dtm(table, self._options(), min_df=self.min_df, max_df=self.max_df,
                          cache=self.cache)
        keep = np.diff(counts.matrix.indptr) > 0
        if not keep.any():
            raise ValueError("no unit has a term left after tokenization and min_df/max_df "
                             "pruning; lower min_df or check the texts.")
        X = counts.matrix[keep].astype(np.float64)
        key = make_key("topics", {"units": counts.params.get("fingerprint"),
                                  "unit": _unit_kind(table), "dtm": _matrix_hash(counts),
                                  "n_units": int(keep.sum()), **self._key_params()})
        store = Cache("topics")
        state = _read_state(store.root / key) if self.cache and store.enabled else None
        if state is not None and state["doc_topic"].shape != (X.shape[0], int(self.k)):
            state = None  # not this model's entry: refit and overwrite it
        self.from_cache_ = state is not None
        if state is None:
            state = self._fit_arrays(X, counts.terms)
            if self.cache and store.enabled:
                _write_state(store.root / key, state)
        self._set_state(state)
        self.units_ = table[keep].reset_index(drop=True)
        self.skipped_ = table.loc[~keep, "unit_id"].astype(str).tolist()
        return self

    def _check(self) -> None:
        if self.model not in MODELS:
            raise ValueError(f"model must be one of {MODELS}, not {self.model!r}")
        if int(self.k) < 2:
            raise ValueError(f"k must be at least 2, not {self.k!r}")
        if self.learning_method not in ("batch", "online"):
            raise ValueError(f"learning_method must be 'batch' or 'online', not "
                             f"{self.learning_method!r}")

    def _options(self) -> TokenOptions:
        return self.options or TokenOptions()

    def _key_params(self) -> dict:
        import sklearn

        params = self.get_params()
        params["options"] = self._options().to_dict()
        params.pop("cache")
        return {**params, "sklearn": sklearn.__version__}

    def _estimator(self):
        """A fresh scikit-learn estimator with this model's parameters."""
        extra = dict(self.model_params or {})
        if self.model == "lda":
            return _LDA(n_components=int(self.k), learning_method=self.learning_method,
                        max_iter=self.max_iter or 10, n_jobs=self.n_jobs,
                        random_state=self.random_state, **extra)
        extra.setdefault("init", "nndsvda")
        return NMF(n_components=int(self.k), max_iter=self.max_iter or 400,
                   random_state=self.random_state, **extra)

    def _fit_arrays(self, X: sparse.csr_matrix, terms: np.ndarray) -> dict:
        """Fit the estimator; return every array and value the fitted state is made of."""
        est = self._estimator()
        info: dict[str, Any] = {}
        if self.model == "lda":
            est.fit(X)
            distr = getattr(est, "_last_distr", None)
            if distr is None or distr.shape != (X.shape[0], int(self.k)):
                distr = est.transform(X, normalize=False)
            info.update(doc_topic_prior=est.doc_topic_prior_,
                        topic_word_prior=est.topic_word_prior_)
            idf = np.zeros(0)
        else:
            idf = _idf(X)
            distr = est.fit_transform(_tfidf(X, idf))
            info.update(reconstruction_err=float(est.reconstruction_err_))
        doc_topic = _normalize_rows(np.asarray(distr, dtype=np.float64))
        order = np.argsort(-doc_topic.mean(axis=0), kind="stable")
        components = np.asarray(est.components_, dtype=np.float64)[order]
        doc_topic = doc_topic[:, order]
        freq = np.asarray(X.sum(axis=0), dtype=np.float64).ravel()
        top = _top_indices(_normalize_rows(components), 10)
        if self.model == "lda":
            info["perplexity"] = _perplexity(X, doc_topic, _normalize_rows(components))
        return {"components": components, "doc_topic": doc_topic, "term_frequency": freq,
                "terms": np.asarray(terms, dtype=object), "idf": idf,
                "umass": coherence(top, X, measure="umass"),
                "npmi": coherence(top, X, measure="npmi"),
                "info": {**info, "n_iter": int(est.n_iter_), "k": int(self.k),
                         "model": self.model}}

    def _set_state(self, state: dict) -> None:
        info = state["info"]
        self.components_ = state["components"]
        self.doc_topic_ = state["doc_topic"]
        self.terms_ = state["terms"]
        self.term_frequency_ = state["term_frequency"]
        self.idf_ = state["idf"]
        self.umass_, self.npmi_ = state["umass"], state["npmi"]
        self.exclusivity_ = exclusivity(self.topic_term_, n=10)
        self.perplexity_ = float(info.get("perplexity", np.nan))
        self.reconstruction_err_ = float(info.get("reconstruction_err", np.nan))
        self.n_iter_ = int(info["n_iter"])
        self._info = info
        self.labels_ = state.get("labels") or auto_labels(self)

    @property
    def topic_term_(self) -> np.ndarray:
        return _normalize_rows(self.components_)

    def _fitted(self) -> None:
        if not hasattr(self, "components_"):
            raise ValueError("this TopicModel is not fitted yet; call fit(units) first.")

    # -- applying the model to new units ------------------------------------------------------
    def transform(self, units) -> np.ndarray:
        """Topic shares of new units, shape (n_units, k) (units without known terms: 1/k)."""
        X = self._counts(units)
        est = self._restored()
        distr = est.transform(X if self.model == "lda" else _tfidf(X, self.idf_))
        return _normalize_rows(np.asarray(distr, dtype=np.float64))

    def perplexity(self, units, *, completion: bool = True, random_state: int = 0) -> float:
        """LDA perplexity of (held-out) units by document completion.

        Each unit's tokens are split at random in two halves; topic shares are inferred
        from the first (scikit-learn's ``transform``) and the second is scored:
        ``exp(-sum log p(w|d) / n_tokens)`` with ``p(w|d) = sum_k theta_dk phi_kw`` and
        ``phi`` the model's topic-term probabilities (Wallach et al. 2009 [9]_). Unlike
        scikit-learn's ``perplexity`` (a variational bound including a corpus-level term),
        it does not depend on how many units are scored.

        Parameters
        ----------
        units : pandas.DataFrame
            Units the model was not fitted on (terms it does not know are ignored).
        completion : bool, default True
            False infers and scores the same tokens (optimistic, for comparison).
        random_state : int, default 0
            Seed of the split.

        Returns
        -------
        float
            Lower is better; compare models only on the same units and vocabulary.
        """
        if self.model != "lda":
            raise ValueError("perplexity is defined for LDA only; compare NMF models by "
                             "coherence and exclusivity.")
        X = self._counts(units)
        X = X[np.diff(X.indptr) > 0]
        seen, scored = _halves(X, random_state) if completion else (X, X)
        theta = _normalize_rows(self._restored().transform(seen))
        return _perplexity(scored, theta, self.topic_term_)

    def _counts(self, units) -> sparse.csr_matrix:
        self._fitted()
        return _align(unit_dtm(_as_units(units), self._options(), cache=self.cache),
                      self.terms_)

    def _restored(self):
        """The scikit-learn estimator rebuilt from the stored arrays (no pickle needed)."""
        est = self._estimator()
        est.components_ = self.components_.copy()
        est.n_features_in_ = len(self.terms_)
        est.n_iter_ = self.n_iter_
        if self.model == "lda":
            lam = self.components_
            est.exp_dirichlet_component_ = np.exp(psi(lam) - psi(lam.sum(axis=1))[:, None])
            est.doc_topic_prior_ = float(self._info["doc_topic_prior"])
            est.topic_word_prior_ = float(self._info["topic_word_prior"])
            est.n_batch_iter_ = self.n_iter_ + 1
            est.random_state_ = np.random.RandomState(self.random_state)
        else:
            est.n_components_ = int(self.k)
            est.reconstruction_err_ = self.reconstruction_err_
        return est

    # -- tables --------------------------------------------------------------------------------
    def top_terms(self, n: int = 10, *, sort: str = "weight", lambda_: float = 0.6,
                  frex_weight: float = 0.5) -> pd.DataFrame:
        """The top terms of every topic.

        Parameters
        ----------
        n : int, default 10
        sort : {"weight", "relevance", "frex"}
            What ranks the terms.
        lambda_ : float, default 0.6
            Relevance weight [5]_: ``lambda * log p(w|k) + (1 - lambda) * log(p(w|k) / p(w))``
            (0.6 is the value Sievert & Shirley's users found most interpretable).
        frex_weight : float, default 0.5
            Weight of exclusivity in FREX [4]_ (stm's ``labelTopics`` default).

        Returns
        -------
        pandas.DataFrame
            ``topic, label, rank, term, weight, relevance, frex`` (rank from 1); ``weight``
            is p(term | topic).
        """
        self._fitted()
        if sort not in ("weight", "relevance", "frex"):
            raise ValueError(f"sort must be 'weight', 'relevance' or 'frex', not {sort!r}")
        phi = self.topic_term_
        scores = {"weight": phi, "relevance": relevance(phi, self.term_frequency_, lambda_),
                  "frex": frex(phi, frex_weight)}
        idx = _top_indices(scores[sort], n)
        topic = np.repeat(np.arange(phi.shape[0]), idx.shape[1])
        flat = idx.ravel()
        out = pd.DataFrame({"topic": topic, "label": [self.labels_[t] for t in topic],
                            "rank": np.tile(np.arange(1, idx.shape[1] + 1), phi.shape[0]),
                            "term": self.terms_[flat].astype(str)})
        for name, values in scores.items():
            out[name] = values[topic, flat]
        out.attrs.update(sort=sort, lambda_=lambda_, frex_weight=frex_weight, **self._about())
        return out

    def doc_topics(self, *, level: str = "unit") -> pd.DataFrame:
        """Topic shares joined to metadata, one row a unit (or a document).

        Parameters
        ----------
        level : {"unit", "document"}
            ``"document"`` averages the shares of each document's units.

        Returns
        -------
        pandas.DataFrame
            ``unit_id`` (unit level), ``doc_id``, metadata, ``top_topic``, ``top_label``,
            then one column ``topic_<t>`` a topic.
        """
        self._fitted()
        if level not in ("unit", "document"):
            raise ValueError(f"level must be 'unit' or 'document', not {level!r}")
        shares, meta = self.doc_topic_, self.units_
        if level == "document":
            codes, uniques = pd.factorize(meta["doc_id"].astype(str))
            shares = _group_mean(shares, codes, len(uniques))
            meta = meta.drop_duplicates("doc_id").reset_index(drop=True)
        cols = [c for c in meta.columns if c not in _UNIT_COLUMNS
                or c == "doc_id" or (c == "unit_id" and level == "unit")]
        out = meta[cols].copy()
        top = shares.argmax(axis=1)
        out["top_topic"] = top
        out["top_label"] = [self.labels_[t] for t in top]
        topic_cols = pd.DataFrame(shares, columns=[f"topic_{t}" for t in range(shares.shape[1])])
        out = pd.concat([out.reset_index(drop=True), topic_cols], axis=1)
        out.attrs.update(level=level, **self._about())
        return out

    def representative(self, n: int = 3, *, per_doc: bool = True,
                       width: int = 240) -> pd.DataFrame:
        """The units most devoted to each topic, with a snippet.

        Parameters
        ----------
        n : int, default 3
            Units a topic.
        per_doc : bool, default True
            At most one unit of a document per topic.
        width : int, default 240
            Characters of the snippet: the sentence of the unit richest in the topic's top
            terms, whitespace collapsed, cut with "…".

        Returns
        -------
        pandas.DataFrame
            ``topic, label, rank, unit_id, doc_id, title, share, snippet``.
        """
        self._fitted()
        rows = []
        top_terms = self.top_terms(20)
        for t in range(self.doc_topic_.shape[1]):
            order = np.argsort(-self.doc_topic_[:, t], kind="stable")
            picked = self.units_.iloc[order]
            if per_doc:
                picked = picked.drop_duplicates("doc_id")
            weights = dict(zip(top_terms.loc[top_terms["topic"] == t, "term"],
                               top_terms.loc[top_terms["topic"] == t, "weight"]))
            for rank, (i, row) in enumerate(picked.head(n).iterrows(), start=1):
                rows.append({"topic": t, "label": self.labels_[t], "rank": rank,
                             "unit_id": row["unit_id"], "doc_id": row["doc_id"],
                             "title": row.get("title"), "share": self.doc_topic_[i, t],
                             "snippet": _snippet(row["text"], weights, self._options(), width)})
        out = pd.DataFrame(rows)
        out.attrs.update(**self._about())
        return out

    def diagnostics(self) -> pd.DataFrame:
        """Per-topic ``topic, label, prevalence, umass, npmi, exclusivity`` (top 10 terms)."""
        self._fitted()
        return pd.DataFrame({"topic": np.arange(len(self.labels_)),
                             "label": [self.labels_[t] for t in range(len(self.labels_))],
                             "prevalence": self.doc_topic_.mean(axis=0),
                             "umass": self.umass_, "npmi": self.npmi_,
                             "exclusivity": self.exclusivity_})

    def summary(self) -> dict:
        """Model-level means of the diagnostics, diversity and perplexity."""
        self._fitted()
        return {"k": int(self.k), "model": self.model, "seed": self.random_state,
                "umass": float(np.mean(self.umass_)), "npmi": float(np.mean(self.npmi_)),
                "exclusivity": float(np.mean(self.exclusivity_)),
                "diversity": diversity(self.topic_term_, n=25),
                "perplexity_in_sample": self.perplexity_, "n_units": len(self.units_),
                "n_terms": len(self.terms_)}

    def _about(self) -> dict:
        return {"k": int(self.k), "model": self.model, "seed": self.random_state,
                "unit": _unit_kind(self.units_) if hasattr(self, "units_") else None}

    # -- saving without pickle -----------------------------------------------------------------
    def save(self, path: str | Path) -> Path:
        """Write the fitted model to a folder: ``model.npz``, ``model.json``, ``units.parquet``.

        Nothing is pickled; :meth:`load` reads it back with ``allow_pickle=False``.
        """
        self._fitted()
        path = Path(path)
        _write_state(path, {**self._state(), "labels": self.labels_,
                            "params": self._json_params(), "skipped": self.skipped_})
        with atomic_path(path / "units.parquet") as tmp:
            self.units_.to_parquet(tmp, index=False)
        return path

    @classmethod
    def load(cls, path: str | Path) -> TopicModel:
        """A model saved by :meth:`save`."""
        path = Path(path)
        state = _read_state(path)
        if state is None:
            raise ValueError(f"{path}: no readable model.npz/model.json; save one with "
                             "TopicModel.save(path).")
        params = dict(state["info"]["params"])
        if params.get("options") is not None:
            opts = params["options"]
            opts["ngram_range"] = tuple(opts["ngram_range"])
            if isinstance(opts.get("stopwords"), list):
                opts["stopwords"] = tuple(opts["stopwords"])
            params["options"] = TokenOptions(**opts)
        tm = cls(**params)
        tm._set_state(state)
        tm.units_ = pd.read_parquet(path / "units.parquet")
        tm.skipped_ = list(state["info"].get("skipped", []))
        tm.from_cache_ = True
        return tm

    def _state(self) -> dict:
        return {"components": self.components_, "doc_topic": self.doc_topic_,
                "term_frequency": self.term_frequency_, "terms": self.terms_, "idf": self.idf_,
                "umass": self.umass_, "npmi": self.npmi_, "info": dict(self._info)}

    def _json_params(self) -> dict:
        params = self.get_params()
        params["options"] = self.options.to_dict() if self.options is not None else None
        return params

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "components_")


def _halves(X: sparse.csr_matrix, random_state: int) -> tuple[sparse.csr_matrix, ...]:
    """Split every count at random into two halves (binomial, p = 1/2)."""
    rng = np.random.default_rng(random_state)
    first = X.copy()
    first.data = rng.binomial(X.data.astype(np.int64), 0.5).astype(np.float64)
    second = X.copy()
    second.data = X.data - first.data
    first.eliminate_zeros()
    second.eliminate_zeros()
    return first, second


def _perplexity(X: sparse.csr_matrix, theta: np.ndarray, phi: np.ndarray,
                block: int = 1_000_000) -> float:
    """``exp(-sum_dw n_dw log(theta_d . phi_w) / sum n)``, in blocks of non-zeros.

    The products are taken in float32 (twice as fast; perplexity to ~6 digits), the sum
    in float64.
    """
    coo = X.tocoo()
    total = 0.0
    theta32 = theta.astype(np.float32)
    phi_t = np.ascontiguousarray(phi.T, dtype=np.float32)
    for lo in range(0, coo.nnz, block):
        r, c = coo.row[lo:lo + block], coo.col[lo:lo + block]
        p = np.einsum("ik,ik->i", theta32[r], phi_t[c]).astype(np.float64)
        total += float(coo.data[lo:lo + block] @ np.log(np.maximum(p, 1e-300)))
    n = float(coo.data.sum())
    return float(np.exp(-total / n)) if n > 0 else float("nan")


def _normalize_rows(a: np.ndarray) -> np.ndarray:
    """Rows divided by their sums; an all-zero row becomes uniform."""
    a = np.asarray(a, dtype=np.float64)
    sums = a.sum(axis=1, keepdims=True)
    out = np.divide(a, sums, out=np.full_like(a, 1.0 / a.shape[1]), where=sums > 0)
    return out


def _group_mean(values: np.ndarray, codes: np.ndarray, n_groups: int) -> np.ndarray:
    sums = np.zeros((n_groups, values.shape[1]))
    np.add.at(sums, codes, values)
    return sums / np.bincount(codes, minlength=n_groups)[:, None]


def _snippet(text: str, weights: dict[str, float], options: TokenOptions, width: int) -> str:
    starts = _sentence_starts(text)
    ends = starts[1:] + [len(text)]
    best, best_score = (0, len(text)), -1.0
    for s, e in zip(starts, ends):
        score = sum(weights.get(t, 0.0) for t in tokenize(text[s:e], options))
        if score > best_score:
            best, best_score = (s, e), score
    snippet = _SPACES.sub(" ", text[best[0]:best[1]]).strip()
    return snippet if len(snippet) <= width else snippet[:width - 1].rstrip() + "…"


# -- the cache file: NPZ (no pickle) + JSON --------------------------------------------------
_ARRAYS = ("components", "doc_topic", "term_frequency", "idf", "umass", "npmi")


def _text_array(items: Iterable) -> np.ndarray:
    return np.frombuffer("\x1f".join(map(str, items)).encode("utf-8"), dtype=np.uint8)


def _write_state(folder: Path, state: dict) -> None:
    """``model.npz`` and ``model.json`` in ``folder``, written to a temp folder then renamed."""
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
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
        (tmp / "model.json").write_text(json.dumps(info, sort_keys=True, default=str),
                                        encoding="utf-8")
        if folder.exists():
            for name in ("model.npz", "model.json"):
                os.replace(tmp / name, folder / name)
        else:
            os.replace(tmp, folder)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def _read_state(folder: Path) -> dict | None:
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


# == term scores and diagnostics ================================================================
def _top_indices(scores: np.ndarray, n: int) -> np.ndarray:
    """Column indices of the ``n`` highest scores of each row, best first (ties: lower index)."""
    n = min(int(n), scores.shape[1])
    return np.argsort(-scores, axis=1, kind="stable")[:, :n]


def relevance(topic_term: np.ndarray, term_frequency: np.ndarray,
              lambda_: float = 0.6) -> np.ndarray:
    """Sievert & Shirley's relevance [5]_ of every term to every topic.

    ``r(w, k) = lambda * log p(w|k) + (1 - lambda) * log(p(w|k) / p(w))``, with ``p(w)``
    the term's share of all tokens. Shape (k, n_terms).
    """
    p_w = np.asarray(term_frequency, dtype=np.float64) / np.sum(term_frequency)
    with np.errstate(divide="ignore"):
        log_phi = np.log(topic_term)
    return lambda_ * log_phi + (1 - lambda_) * (log_phi - np.log(p_w))


def frex(topic_term: np.ndarray, weight: float = 0.5) -> np.ndarray:
    """FREX [4]_: harmonic mean of a term's frequency and exclusivity ranks in a topic.

    ``FREX(w, k) = 1 / (weight / ECDF_k(excl(w, k)) + (1 - weight) / ECDF_k(p(w|k)))``,
    where ``excl(w, k) = p(w|k) / sum_j p(w|j)`` and ``ECDF_k`` is the empirical CDF over
    the vocabulary within topic ``k`` (as stm's ``calcfrex``). Shape (k, n_terms).
    """
    excl = _exclusivity_matrix(topic_term)
    n = topic_term.shape[1]
    ex_rank = rankdata(excl, method="max", axis=1) / n
    fr_rank = rankdata(topic_term, method="max", axis=1) / n
    return 1.0 / (weight / ex_rank + (1 - weight) / fr_rank)


def exclusivity(topic_term: np.ndarray, *, n: int = 10) -> np.ndarray:
    """Mean exclusivity ``p(w|k) / sum_j p(w|j)`` of each topic's top ``n`` terms [4]_.

    1 when no other topic uses the topic's top terms; ``1/k`` when all topics share them.
    """
    excl = _exclusivity_matrix(topic_term)
    top = _top_indices(topic_term, n)
    return np.take_along_axis(excl, top, axis=1).mean(axis=1)


def _exclusivity_matrix(topic_term: np.ndarray) -> np.ndarray:
    """``p(w|k) / sum_j p(w|j)``, 0 for a term no topic uses."""
    total = topic_term.sum(axis=0, keepdims=True)
    return np.divide(topic_term, total, out=np.zeros_like(topic_term), where=total > 0)


def diversity(topic_term: np.ndarray, *, n: int = 25) -> float:
    """Topic diversity [6]_: unique terms among all topics' top ``n`` / (n * k)."""
    top = _top_indices(topic_term, n)
    return float(len(np.unique(top)) / top.size)


def coherence(top: Sequence[Sequence[int]] | np.ndarray, X, *,
              measure: str = "npmi") -> np.ndarray:
    """Coherence of each topic's top terms, from document co-occurrence in ``X``.

    Parameters
    ----------
    top : array-like of shape (k, n)
        Column indices of each topic's top terms, most probable first.
    X : sparse matrix or ndarray of shape (n_units, n_terms)
        Counts (only presence matters): the units the model was fitted on, or a
        reference corpus with the same columns.
    measure : {"npmi", "umass"}
        ``"umass"`` [2]_: mean over pairs ``m > l`` (``v_l`` the more probable term) of
        ``log((D(v_m, v_l) + 1) / D(v_l))``, with ``D`` counting units containing the
        term(s); Mimno et al. sum the pairs, the mean keeps scores comparable across ``n``.
        ``"npmi"`` [3]_: mean over pairs of
        ``log(P(wi, wj) / (P(wi) P(wj))) / -log P(wi, wj)``, probabilities being shares of
        units; -1 for pairs that never co-occur, 1 for pairs present in every unit.

    Returns
    -------
    ndarray of shape (k,)
        Higher is more coherent (UMass <= 0; NPMI in [-1, 1]).
    """
    if measure not in ("npmi", "umass"):
        raise ValueError(f"measure must be 'npmi' or 'umass', not {measure!r}")
    top = np.asarray(top, dtype=np.int64)
    cols, local = np.unique(top, return_inverse=True)
    local = local.reshape(top.shape)
    B = sparse.csc_matrix(X)[:, cols]
    B = sparse.csc_matrix((B != 0).astype(np.float64))
    co = np.asarray((B.T @ B).todense())
    n_docs = B.shape[0]
    lo, hi = np.triu_indices(top.shape[1], k=1)        # lo: the more probable term
    a, b = local[:, lo], local[:, hi]
    joint, d_a, d_b = co[a, b], co[a, a], co[b, b]
    with np.errstate(divide="ignore", invalid="ignore"):
        if measure == "umass":
            scores = np.log((joint + 1) / d_a)
        else:
            p_ab, p_a, p_b = joint / n_docs, d_a / n_docs, d_b / n_docs
            scores = np.log(p_ab / (p_a * p_b)) / -np.log(p_ab)
            scores = np.where(joint == 0, -1.0, np.where(joint == n_docs, 1.0, scores))
    return scores.mean(axis=1)


def auto_labels(model: TopicModel, *, n: int = 3, lambda_: float = 0.6) -> dict[int, str]:
    """Short labels: each topic's top ``n`` terms by relevance, joined with " · ".

    A label that repeats gets its topic number appended.
    """
    scores = relevance(model.topic_term_, model.term_frequency_, lambda_)
    top = _top_indices(scores, n)
    labels = [" · ".join(model.terms_[row].astype(str)) for row in top]
    counts = pd.Series(labels).value_counts()
    return {t: (f"{lab} ({t})" if counts[lab] > 1 else lab) for t, lab in enumerate(labels)}


# == stability across seeds ======================================================================
@dataclass
class Stability:
    """Topics matched across runs fitted with different seeds.

    Attributes
    ----------
    runs : pandas.DataFrame
        ``run, seed, mean_match, representative``: each run's mean matched top-term
        Jaccard with the other runs; the representative run has the highest.
    pairs : pandas.DataFrame
        ``run_a, run_b, seed_a, seed_b, mean_jaccard``.
    topics : pandas.DataFrame
        For the representative run: ``topic, label, mean_jaccard, min_jaccard`` of each
        topic's best matches in the other runs (low: the topic does not come back).
    representative : int
        Index of the representative run.
    models : list of TopicModel
        The runs (empty when :func:`compare_runs` was given term lists).
    """

    runs: pd.DataFrame
    pairs: pd.DataFrame
    topics: pd.DataFrame
    representative: int
    models: list = field(default_factory=list)

    @property
    def model(self) -> TopicModel | None:
        """The representative run's model."""
        return self.models[self.representative] if self.models else None

    @property
    def mean_match(self) -> float:
        """Mean matched Jaccard over all pairs of runs (1: identical top terms)."""
        return float(self.pairs["mean_jaccard"].mean()) if len(self.pairs) else 1.0


def _term_sets(run, n: int) -> list[set[str]]:
    if isinstance(run, TopicModel):
        top = _top_indices(run.topic_term_, n)
        return [set(run.terms_[row].astype(str)) for row in top]
    return [set(list(terms)[:n]) for terms in run]


def match_topics(a, b, *, n: int = 10) -> pd.DataFrame:
    """Match the topics of two runs one to one, maximizing top-term overlap [7]_.

    Parameters
    ----------
    a, b : TopicModel or list of lists of str
        Two fitted models, or each topic's top terms (best first).
    n : int, default 10
        Top terms compared.

    Returns
    -------
    pandas.DataFrame
        ``topic_a, topic_b, jaccard``, one row a topic of ``a`` (Hungarian assignment,
        :func:`scipy.optimize.linear_sum_assignment`, on the Jaccard similarity of top-term
        sets).
    """
    sa, sb = _term_sets(a, n), _term_sets(b, n)
    J = np.array([[len(x & y) / len(x | y) if x | y else 1.0 for y in sb] for x in sa])
    rows, cols = linear_sum_assignment(J, maximize=True)
    return pd.DataFrame({"topic_a": rows, "topic_b": cols, "jaccard": J[rows, cols]})


def compare_runs(runs: Sequence, *, n: int = 10,
                 seeds: Sequence[int] | None = None) -> Stability:
    """Match every pair of runs and pick the representative one.

    Parameters
    ----------
    runs : list of TopicModel or of lists of top terms
    n : int, default 10
    seeds : list of int, optional
        Seeds of the runs (default: their ``random_state``, else 0, 1, ...).

    Returns
    -------
    Stability
    """
    if len(runs) < 2:
        raise ValueError("stability needs at least two runs (two seeds).")
    seeds = list(seeds) if seeds is not None else [
        r.random_state if isinstance(r, TopicModel) else i for i, r in enumerate(runs)]
    m = len(runs)
    score = np.eye(m)
    matches: dict[tuple[int, int], pd.DataFrame] = {}
    pair_rows = []
    for i in range(m):
        for j in range(i + 1, m):
            matched = match_topics(runs[i], runs[j], n=n)
            matches[i, j] = matched
            score[i, j] = score[j, i] = matched["jaccard"].mean()
            pair_rows.append({"run_a": i, "run_b": j, "seed_a": seeds[i], "seed_b": seeds[j],
                              "mean_jaccard": score[i, j]})
    mean_match = (score.sum(axis=1) - 1) / (m - 1)
    best = int(np.argmax(mean_match))
    runs_table = pd.DataFrame({"run": range(m), "seed": seeds, "mean_match": mean_match,
                               "representative": np.arange(m) == best})
    return Stability(runs_table, pd.DataFrame(pair_rows), _topic_stability(runs, best, matches),
                     best, [r for r in runs if isinstance(r, TopicModel)])


def _topic_stability(runs: Sequence, best: int, matches: dict) -> pd.DataFrame:
    per_topic = []
    for other in range(len(runs)):
        if other == best:
            continue
        if (best, other) in matches:
            j = matches[best, other].set_index("topic_a")["jaccard"]
        else:
            j = matches[other, best].set_index("topic_b")["jaccard"]
        per_topic.append(j.sort_index().to_numpy())
    arr = np.vstack(per_topic)
    run = runs[best]
    labels = ([run.labels_[t] for t in range(arr.shape[1])] if isinstance(run, TopicModel)
              else [" · ".join(list(t)[:3]) for t in run])
    return pd.DataFrame({"topic": range(arr.shape[1]), "label": labels,
                         "mean_jaccard": arr.mean(axis=0), "min_jaccard": arr.min(axis=0)})


def stability(units, k: int, *, seeds: Sequence[int] = (0, 1, 2, 3, 4), n: int = 10,
              **params) -> Stability:
    """Refit with several seeds, match topics across runs, pick the representative run.

    Parameters
    ----------
    units : pandas.DataFrame or Corpus
    k : int
    seeds : list of int, default (0, 1, 2, 3, 4)
    n : int, default 10
        Top terms compared (Jaccard of top-``n`` sets, Hungarian matching [7]_).
    **params
        Further :class:`TopicModel` parameters (``model``, ``options``, ``min_df``...).

    Returns
    -------
    Stability
        ``.model`` is the run with the highest mean match to the others.
    """
    from tqdm.auto import tqdm

    table = _as_units(units)
    models = [TopicModel(k, random_state=s, **params).fit(table)
              for s in tqdm(list(seeds), desc=f"stability k={k}", leave=False,
                            disable=len(table) < 2000)]
    return compare_runs(models, n=n, seeds=list(seeds))


# == choosing k ===================================================================================
def sweep(units, ks: Sequence[int], *, model: str = "lda", seeds: Sequence[int] = (0,),
          holdout: float = 0.1, n: int = 10, **params) -> pd.DataFrame:
    """Fit several numbers of topics (and seeds) and measure each fit.

    Parameters
    ----------
    units : pandas.DataFrame or Corpus
    ks : list of int
    model : {"lda", "nmf"}
    seeds : list of int, default (0,)
        With two or more seeds the table also reports stability.
    holdout : float, default 0.1
        LDA: share of *documents* (all their units) held out, the same for every fit, to
        measure held-out perplexity by document completion (:meth:`TopicModel.perplexity`);
        the other diagnostics come from the fit on the rest.
        0 fits on everything and reports in-sample perplexity. Ignored for NMF.
    n : int, default 10
        Top terms for coherence, exclusivity and stability (diversity uses 25).
    **params
        Further :class:`TopicModel` parameters.

    Returns
    -------
    pandas.DataFrame
        One row a fit: ``model, k, seed, umass, npmi, exclusivity, diversity, perplexity,
        stability`` (mean matched Jaccard of this k's runs; NaN with one seed).
    """
    from tqdm.auto import tqdm

    table = _as_units(units)
    train, test = _split(table, holdout if model == "lda" else 0.0)
    rows = []
    jobs = [(k, s) for k in ks for s in seeds]
    fitted: dict[int, list[TopicModel]] = {}
    for k, seed in tqdm(jobs, desc="topic sweep", leave=False, disable=len(jobs) < 3):
        tm = TopicModel(k, model=model, random_state=seed, **params).fit(train)
        fitted.setdefault(k, []).append(tm)
        rows.append(_fit_metrics(tm, n, test))
    out = pd.DataFrame(rows)
    stab = {k: compare_runs(ms, n=n).mean_match if len(ms) > 1 else np.nan
            for k, ms in fitted.items()}
    out["stability"] = out["k"].map(stab).astype(float)
    out.attrs.update(holdout=holdout if model == "lda" else 0.0, n=n,
                     perplexity="held-out" if len(test) else "in-sample",
                     params={k: v for k, v in params.items() if k != "options"})
    return out


def _split(table: pd.DataFrame, holdout: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Units of a seeded random ``holdout`` share of documents apart (fixed seed 0)."""
    docs = pd.unique(table["doc_id"].astype(str))
    n_test = int(round(holdout * len(docs)))
    if n_test == 0 or len(docs) - n_test < 2:
        return table, table.iloc[:0]
    test_docs = set(np.random.default_rng(0).choice(docs, n_test, replace=False))
    is_test = table["doc_id"].astype(str).isin(test_docs).to_numpy()
    return table[~is_test].reset_index(drop=True), table[is_test].reset_index(drop=True)


def _fit_metrics(tm: TopicModel, n: int, test: pd.DataFrame) -> dict:
    phi = tm.topic_term_
    if n == 10:
        umass, npmi = tm.umass_, tm.npmi_
    else:
        X = unit_dtm(tm.units_, tm._options(), cache=tm.cache)
        X = _align(X, tm.terms_)
        top = _top_indices(phi, n)
        umass, npmi = coherence(top, X, measure="umass"), coherence(top, X, measure="npmi")
    if tm.model == "lda":
        perplexity = tm.perplexity(test) if len(test) else tm.perplexity_
    else:
        perplexity = np.nan
    return {"model": tm.model, "k": int(tm.k), "seed": tm.random_state,
            "umass": float(np.mean(umass)), "npmi": float(np.mean(npmi)),
            "exclusivity": float(np.mean(exclusivity(phi, n=n))),
            "diversity": diversity(phi, n=25), "perplexity": float(perplexity)}


_SWEEP_PANELS = (("npmi", "NPMI coherence (higher better)"),
                 ("umass", "UMass coherence (higher better)"),
                 ("exclusivity", "Exclusivity"), ("diversity", "Diversity (top 25)"),
                 ("perplexity", "Perplexity (lower better)"),
                 ("stability", "Stability across seeds"))


def plot_sweep(table: pd.DataFrame):
    """Small multiples of :func:`sweep`'s metrics against k (points: seeds; line: mean).

    Returns
    -------
    matplotlib.figure.Figure
        Save it with :func:`analysis.figures.save_figure` (pass ``data=table``).
    """
    import matplotlib as mpl
    from matplotlib.figure import Figure

    from analysis.figures import style

    panels = [(c, t) for c, t in _SWEEP_PANELS if c in table and table[c].notna().any()]
    with mpl.rc_context(style()):
        fig = Figure(figsize=(3.0 * min(3, len(panels)), 2.6 * -(-len(panels) // 3)))
        axes = fig.subplots(-(-len(panels) // 3), min(3, len(panels)), squeeze=False).ravel()
        for ax, (col, title) in zip(axes, panels):
            ax.scatter(table["k"], table[col], s=12, alpha=0.6)
            means = table.groupby("k")[col].mean()
            ax.plot(means.index, means.to_numpy(), marker="o", ms=3)
            ax.set_title(title, fontsize=9)
            ax.set_xlabel("k")
        for ax in axes[len(panels):]:
            ax.set_visible(False)
    return fig


# == prevalence with cluster-bootstrap intervals ==================================================
@dataclass
class _Boot:
    """Per-group sums and counts, on the sample and on every bootstrap replicate."""

    groups: list
    sums: np.ndarray        # (G, k)
    counts: np.ndarray      # (G,)
    n_docs: np.ndarray      # (G,)
    rep_sums: np.ndarray    # (B, G, k)
    rep_counts: np.ndarray  # (B, G)


def _group_keys(model: TopicModel, by: str | None) -> tuple[np.ndarray, pd.Series]:
    """(unit row, group value) pairs; ``by="actor"`` gives a unit one row per actor named."""
    table = model.units_
    if by is None:
        return np.arange(len(table)), pd.Series(["all"] * len(table), dtype=object)
    if by == "actor":
        if "actors" not in table:
            raise ValueError("the units have no 'actors' column; build them with "
                             "topics.units(corpus, ..., actors=['CSTO', 'NATO', 'UN']).")
        named = table["actors"].fillna("").astype(str).str.split(";").explode()
        named = named[named != ""]
        return named.index.to_numpy(np.int64), named.reset_index(drop=True).astype(object)
    if by not in table:
        meta = [c for c in table.columns if c not in _UNIT_COLUMNS]
        raise ValueError(f"no column {by!r} to group by; the units have {meta} "
                         "(or 'actor' for the actors named).")
    values = table[by]
    ok = values.notna().to_numpy()
    return np.flatnonzero(ok), values[ok].reset_index(drop=True).astype(object)


def _bootstrap(model: TopicModel, rows: np.ndarray, keys: pd.Series, *, weight: str,
               n_boot: int, random_state: int) -> _Boot:
    """Group sums of topic shares over documents, and over ``n_boot`` resamples of documents.

    Documents (not units) are drawn with replacement from all documents of the model, each
    carrying all its units: the cluster bootstrap [8]_. With ``weight="document"`` each
    document contributes its units' mean share (and counts once); with ``"unit"`` each
    unit counts once. Vectorized: replicate weights times a sparse (document x group*topic)
    matrix, in blocks of replicates.
    """
    if weight not in ("document", "unit"):
        raise ValueError(f"weight must be 'document' or 'unit', not {weight!r}")
    if len(rows) == 0:
        raise ValueError("no unit belongs to any group (all values missing, or no actor "
                         "named); choose another field or other units.")
    theta = model.doc_topic_
    k = theta.shape[1]
    doc_codes, doc_ids = pd.factorize(model.units_["doc_id"].astype(str))
    group_codes, groups = pd.factorize(keys, sort=True)
    n_docs, n_groups = len(doc_ids), len(groups)
    pair, pair_index = pd.factorize(doc_codes[rows].astype(np.int64) * n_groups + group_codes)
    n_pairs = len(pair_index)
    sums = sparse.csr_matrix((np.ones(len(rows)), (pair, rows)),
                             shape=(n_pairs, theta.shape[0])) @ theta
    n_units = np.bincount(pair, minlength=n_pairs).astype(np.float64)
    p_doc, p_group = pair_index // n_groups, pair_index % n_groups
    values, counts = (sums / n_units[:, None], np.ones(n_pairs)) if weight == "document" \
        else (sums, n_units)
    V = sparse.csr_matrix((values.ravel(), (np.repeat(p_doc, k),
                           (p_group[:, None] * k + np.arange(k)).ravel())),
                          shape=(n_docs, n_groups * k))
    C = sparse.csr_matrix((counts, (p_doc, p_group)), shape=(n_docs, n_groups))
    rep_sums = np.empty((n_boot, n_groups * k))
    rep_counts = np.empty((n_boot, n_groups))
    rng = np.random.default_rng(random_state)
    block = max(1, min(n_boot, 4_000_000 // max(n_docs, 1)))
    for lo in range(0, n_boot, block):
        b = min(block, n_boot - lo)
        draws = rng.integers(0, n_docs, size=(b, n_docs))
        W = np.bincount((draws + n_docs * np.arange(b)[:, None]).ravel(),
                        minlength=b * n_docs).reshape(b, n_docs).astype(np.float64)
        rep_sums[lo:lo + b] = (V.T @ W.T).T
        rep_counts[lo:lo + b] = (C.T @ W.T).T
    return _Boot(list(groups), np.asarray(V.sum(axis=0)).reshape(n_groups, k),
                 np.asarray(C.sum(axis=0)).ravel(), np.bincount(p_group, minlength=n_groups),
                 rep_sums.reshape(n_boot, n_groups, k), rep_counts)


def _interval(reps: np.ndarray, ci: float) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval over the first axis (replicates where undefined are skipped)."""
    tail = (1 - ci) / 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN: a group never drawn
        return np.nanquantile(reps, tail, axis=0), np.nanquantile(reps, 1 - tail, axis=0)


def _check_ci(ci: float, n_boot: int) -> None:
    if not 0 < ci < 1:
        raise ValueError(f"ci must be between 0 and 1, not {ci!r}")
    if int(n_boot) < 10:
        raise ValueError(f"n_boot must be at least 10, not {n_boot!r}")


def prevalence(model: TopicModel, by: str | None = None, *, weight: str = "document",
               n_boot: int = 1000, ci: float = 0.95, random_state: int = 0) -> pd.DataFrame:
    """Mean topic share by group, with cluster-bootstrap confidence intervals.

    The Python counterpart of the group means of stm's ``estimateEffect`` [4]_, with
    intervals from resampling documents [8]_ rather than from a regression.

    Parameters
    ----------
    model : TopicModel
        A fitted model.
    by : str, optional
        A metadata column of the units (``region``, ``source``, ``year``...), or
        ``"actor"``: units naming each actor (a unit naming two actors counts for both).
        None: one group, ``"all"``.
    weight : {"document", "unit"}, default "document"
        ``"document"``: mean over documents of each document's mean unit share (every
        speech counts once); ``"unit"``: mean over units.
    n_boot : int, default 1000
        Bootstrap replicates; documents are resampled with replacement, with all their
        units (cluster bootstrap), from all documents, so groups sharing documents (actors)
        are resampled jointly.
    ci : float, default 0.95
        Percentile interval.
    random_state : int, default 0

    Returns
    -------
    pandas.DataFrame
        ``topic, label, group, mean, ci_low, ci_high, n_docs`` (documents in the group).
        ``attrs`` records the parameters.
    """
    _check_ci(ci, n_boot)
    rows, keys = _group_keys(model, by)
    boot = _bootstrap(model, rows, keys, weight=weight, n_boot=n_boot,
                      random_state=random_state)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = boot.sums / boot.counts[:, None]
        reps = boot.rep_sums / boot.rep_counts[:, :, None]
    low, high = _interval(reps, ci)
    out = _tidy(model, boot.groups, {"mean": means, "ci_low": low, "ci_high": high},
                boot.n_docs)
    out.attrs.update(by=by, weight=weight, n_boot=n_boot, ci=ci, random_state=random_state,
                     **model._about())
    return out


def _tidy(model: TopicModel, groups: list, columns: dict[str, np.ndarray],
          n_docs: np.ndarray) -> pd.DataFrame:
    """One row a (topic, group) from (G, k) arrays."""
    n_groups, k = len(groups), model.doc_topic_.shape[1]
    topic = np.tile(np.arange(k), n_groups)
    out = pd.DataFrame({"topic": topic, "label": [model.labels_[t] for t in topic],
                        "group": np.repeat(np.asarray(groups, dtype=object), k)})
    for name, values in columns.items():
        out[name] = np.asarray(values).ravel()
    out["n_docs"] = np.repeat(np.asarray(n_docs, dtype=np.int64), k)
    return out.sort_values(["topic", "group"], kind="stable").reset_index(drop=True)


def prevalence_difference(model: TopicModel, by: str, *, reference: Any = None,
                          weight: str = "document", n_boot: int = 1000, ci: float = 0.95,
                          random_state: int = 0) -> pd.DataFrame:
    """Differences of mean topic share between each group and a reference group.

    Parameters
    ----------
    model : TopicModel
    by : str
        A metadata column or ``"actor"`` (see :func:`prevalence`).
    reference : optional
        The reference group (default: the first in sorted order, as R's treatment
        contrasts).
    weight, n_boot, ci, random_state
        As in :func:`prevalence`; both groups' means come from the same replicates, so
        documents in both groups (actors named together) are handled.

    Returns
    -------
    pandas.DataFrame
        ``topic, label, group, reference, diff, ci_low, ci_high, p, n_docs,
        n_docs_reference``; ``diff = mean(group) - mean(reference)`` (the effect size),
        ``p`` a two-sided bootstrap p-value (twice the smaller share of replicate
        differences on either side of 0).
    """
    _check_ci(ci, n_boot)
    rows, keys = _group_keys(model, by)
    boot = _bootstrap(model, rows, keys, weight=weight, n_boot=n_boot,
                      random_state=random_state)
    if reference is None:
        reference = boot.groups[0]
    if reference not in boot.groups:
        raise ValueError(f"reference {reference!r} is not a group of {by!r}; groups: "
                         f"{boot.groups[:20]}")
    r = boot.groups.index(reference)
    others = [g for g in range(len(boot.groups)) if g != r]
    with np.errstate(invalid="ignore", divide="ignore"):
        means = boot.sums / boot.counts[:, None]
        reps = boot.rep_sums / boot.rep_counts[:, :, None]
    diff = means[others] - means[r]
    rep_diff = reps[:, others] - reps[:, [r]]
    low, high = _interval(rep_diff, ci)
    valid = np.isfinite(rep_diff).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = 2 * np.minimum((rep_diff <= 0).sum(axis=0), (rep_diff >= 0).sum(axis=0)) / valid
    out = _tidy(model, [boot.groups[g] for g in others],
                {"diff": diff, "ci_low": low, "ci_high": high, "p": np.minimum(p, 1.0)},
                boot.n_docs[others])
    out.insert(3, "reference", reference)
    out["n_docs_reference"] = int(boot.n_docs[r])
    out.attrs.update(by=by, reference=reference, weight=weight, n_boot=n_boot, ci=ci,
                     random_state=random_state, **model._about())
    return out


def _time_values(table: pd.DataFrame, time: str) -> pd.Series:
    if time in table:
        return pd.to_numeric(table[time], errors="coerce")
    if time == "year" and "date" in table:
        return pd.to_datetime(table["date"], errors="coerce").dt.year.astype(float)
    raise ValueError(f"no column {time!r} (nor a 'date' to take the year from) in the units.")


def prevalence_trend(model: TopicModel, *, time: str = "year", by: str | None = None,
                     bandwidth: float = 2.0, weight: str = "document", n_boot: int = 500,
                     ci: float = 0.95, random_state: int = 0) -> pd.DataFrame:
    """Topic shares over time, smoothed with a Gaussian kernel, with a bootstrap band.

    At each time point ``t`` of the data the estimate is the kernel-weighted mean of
    document shares (Nadaraya-Watson): ``sum_d K((t_d - t)/h) x_d / sum_d K((t_d - t)/h)``
    with a Gaussian ``K`` and bandwidth ``h``. The band comes from the same cluster
    bootstrap as :func:`prevalence` (documents resampled, the smoother re-applied).

    Parameters
    ----------
    model : TopicModel
    time : str, default "year"
        A numeric column of the units (``year`` falls back to the year of ``date``).
    by : str, optional
        Also split by a metadata column or ``"actor"`` (one curve a group).
    bandwidth : float, default 2.0
        Standard deviation of the kernel, in units of ``time``; 0 gives raw means.
    weight, n_boot, ci, random_state
        As in :func:`prevalence`.

    Returns
    -------
    pandas.DataFrame
        ``topic, label, group, time, mean, ci_low, ci_high, n_docs`` (documents at exactly
        that time).
    """
    _check_ci(ci, n_boot)
    rows, keys = _group_keys(model, by)
    when = _time_values(model.units_, time).to_numpy()[rows]
    ok = np.isfinite(when)
    pairs = pd.Series(list(zip(keys[ok], when[ok])), dtype=object)
    boot = _bootstrap(model, rows[ok], pairs, weight=weight, n_boot=n_boot,
                      random_state=random_state)
    frames = []
    for group in sorted({g for g, _ in boot.groups}, key=str):
        idx = [i for i, (g, _) in enumerate(boot.groups) if g == group]
        t = np.array([boot.groups[i][1] for i in idx], dtype=float)
        K = _kernel(t, bandwidth)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = (K @ boot.sums[idx]) / (K @ boot.counts[idx])[:, None]
            reps = (np.einsum("ty,byk->btk", K, boot.rep_sums[:, idx])
                    / np.einsum("ty,by->bt", K, boot.rep_counts[:, idx])[:, :, None])
        low, high = _interval(reps, ci)
        part = _tidy(model, list(t), {"mean": mean, "ci_low": low, "ci_high": high},
                     boot.n_docs[idx]).rename(columns={"group": "time"})
        part.insert(2, "group", group)
        frames.append(part)
    out = pd.concat(frames, ignore_index=True)
    out["time"] = out["time"].astype(float)
    out = out[["topic", "label", "group", "time", "mean", "ci_low", "ci_high", "n_docs"]]
    out.attrs.update(time=time, by=by, bandwidth=bandwidth, weight=weight, n_boot=n_boot,
                     ci=ci, random_state=random_state, **model._about())
    return out.sort_values(["topic", "group", "time"], kind="stable").reset_index(drop=True)


def _kernel(t: np.ndarray, bandwidth: float) -> np.ndarray:
    """Gaussian kernel weights between time points, shape (n_t, n_t)."""
    if bandwidth <= 0:
        return np.eye(len(t))
    return np.exp(-0.5 * ((t[:, None] - t[None, :]) / bandwidth) ** 2)


def plot_trend(table: pd.DataFrame, *, topics: Sequence[int] | None = None, ncols: int = 3):
    """Small multiples of :func:`prevalence_trend`: one panel a topic, a line and band a group.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib as mpl
    from matplotlib.figure import Figure

    from analysis.figures import actor_color, style

    shown = list(topics) if topics is not None else sorted(table["topic"].unique())
    nrows = -(-len(shown) // ncols)
    with mpl.rc_context(style()):
        fig = Figure(figsize=(3.0 * min(ncols, len(shown)), 2.3 * nrows))
        axes = fig.subplots(nrows, min(ncols, len(shown)), squeeze=False, sharey=True).ravel()
        for ax, t in zip(axes, shown):
            part = table[table["topic"] == t]
            for group, g in part.groupby("group", sort=True):
                color = actor_color(str(group)) if str(group) in ("CSTO", "NATO", "UN") else None
                line, = ax.plot(g["time"], g["mean"], label=str(group), color=color)
                ax.fill_between(g["time"], g["ci_low"], g["ci_high"], alpha=0.2,
                                color=line.get_color(), linewidth=0)
            ax.set_title(str(part["label"].iloc[0]), fontsize=9)
        for ax in axes[len(shown):]:
            ax.set_visible(False)
        if table["group"].nunique() > 1:
            axes[0].legend()
    return fig


# == the command line ============================================================================
#: Metadata tried first when the CLI picks a field to group prevalence by.
_PREFERRED_FIELDS = ("source", "corpus", "region", "year", "session", "kind", "lang")
_NOT_GROUPS = {"title", "date", "author", "url", "fips", "iso3", "country_name",
               "memberships", "observer_of", "other_participation"}


def default_group(table: pd.DataFrame, *, max_groups: int = 100) -> str | None:
    """The first metadata column that makes sensible groups (2 to ``max_groups`` values)."""
    candidates = [c for c in _PREFERRED_FIELDS if c in table] + [
        c for c in table.columns if c not in _PREFERRED_FIELDS]
    for col in candidates:
        if col in _UNIT_COLUMNS or col in _NOT_GROUPS:
            continue
        per_doc = table.drop_duplicates("doc_id")[col]
        n = per_doc.nunique(dropna=True)
        if 2 <= n <= max_groups and n < len(per_doc) / 2:
            return col
    return None


def run_cli(spec, *, k: int, model: str = "lda", seed: int = 0, out_dir: str | Path,
            unit: str = "document", n_boot: int = 1000) -> dict[str, Path]:
    """Fit a topic model to a corpus spec and write its tables (``analysis topics``).

    Parameters
    ----------
    spec : str or Path
        Anything :func:`analysis.load` accepts.
    k : int
    model : {"lda", "nmf"}
    seed : int, default 0
        Seeds the fit and the bootstrap: the same seed writes byte-identical files.
    out_dir : str or Path
    unit : {"document", "paragraph", "actor_context"}, default "document"
    n_boot : int, default 1000

    Returns
    -------
    dict of str to Path
        ``top_terms``, ``doc_topics`` (document level) and ``prevalence`` (by
        :func:`default_group`, or one group ``"all"`` when no field fits) CSV files.
    """
    import analysis

    corpus = analysis.load(spec)
    table = units(corpus, unit, actors=() if unit != "actor_context" else DEFAULT_ACTORS)
    tm = TopicModel(k, model=model, random_state=seed).fit(table)
    by = default_group(tm.units_)
    tables = {"top_terms": tm.top_terms(),
              "doc_topics": tm.doc_topics(level="document"),
              "prevalence": prevalence(tm, by, n_boot=n_boot, random_state=seed)}
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, frame in tables.items():
        paths[name] = out / f"{name}.csv"
        with atomic_path(paths[name]) as tmp:
            frame.to_csv(tmp, index=False, float_format="%.6g", lineterminator="\n")
    return paths
