"""The estimator: :class:`TopicModel` fits LDA or NMF to units and caches its fits.

Fitting, the fit cache and inference on new units (``transform``, held-out ``perplexity``)
are here; the tables a fitted model gives are in :mod:`analysis.topics.tables`, saving
and loading in :mod:`analysis.topics.store`.

References
----------
Numbered as in :mod:`analysis.topics`, which gives them in full: [1] Blei, Ng & Jordan 2003,
Hoffman, Bach & Blei 2010 (LDA, online LDA); [9] Wallach et al. 2009 (held-out likelihood,
document completion).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.special import psi
from sklearn.base import BaseEstimator
from sklearn.decomposition import NMF, LatentDirichletAllocation

from analysis.cache import Cache, make_key
from analysis.errors import OptionError
from analysis.tokens import TokenOptions
from analysis.topics.diagnostics import (
    auto_labels,
    coherence,
    exclusivity,
    held_out_perplexity,
    split_halves,
    top_indices,
)
from analysis.topics.matrix import align_vocabulary, matrix_hash, smoothed_idf, tfidf_rows, unit_dtm
from analysis.topics.store import Persistence, read_state, write_state
from analysis.topics.tables import TopicTables
from analysis.topics.text_units import as_units, unit_kind

#: Models :class:`TopicModel` fits.
MODELS = ("lda", "nmf")


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


class TopicModel(TopicTables, Persistence, BaseEstimator):
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

    def __init__(
        self,
        k: int = 10,
        *,
        model: str = "lda",
        random_state: int = 0,
        options: TokenOptions | None = None,
        min_df: int | float = 2,
        max_df: int | float = 0.9,
        max_iter: int | None = None,
        learning_method: str = "batch",
        n_jobs: int | None = None,
        model_params: dict | None = None,
        cache: bool = True,
    ):
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
        table = as_units(units)
        warn_mixed_languages(table)
        counts = unit_dtm(
            table, self.token_options(), min_df=self.min_df, max_df=self.max_df, cache=self.cache
        )
        keep = np.diff(counts.matrix.indptr) > 0
        if not keep.any():
            raise OptionError(
                "no unit has a term left after tokenization and min_df/max_df "
                "pruning; lower min_df or check the texts."
            )
        X = counts.matrix[keep].astype(np.float64)
        from analysis.topics.selection import check_k  # lazy: selection imports this module

        check_k(int(self.k), n_units=X.shape[0], n_terms=X.shape[1])
        key = make_key(
            "topics",
            {
                "units": counts.params.get("fingerprint"),
                "unit": unit_kind(table),
                "dtm": matrix_hash(counts),
                "n_units": int(keep.sum()),
                **self._key_params(),
            },
        )
        store = Cache("topics")
        state = read_state(store.root / key) if self.cache and store.enabled else None
        if state is not None and state["doc_topic"].shape != (X.shape[0], int(self.k)):
            state = None  # not this model's entry: refit and overwrite it
        self.from_cache_ = state is not None
        if state is None:
            state = self._fit_arrays(X, counts.terms)
            if self.cache and store.enabled:
                write_state(store.root / key, state)
        self.set_state(state)
        self.units_ = table[keep].reset_index(drop=True)
        self.skipped_ = table.loc[~keep, "unit_id"].astype(str).tolist()
        return self

    def _check(self) -> None:
        from analysis.inputs import check_choice

        check_choice("model", self.model, MODELS)
        if int(self.k) < 2:
            raise OptionError(
                f"--k / k={self.k!r}: a topic model needs 2 <= k (at least two topics); "
                "choose k with topics.sweep (--sweep)."
            )
        check_choice("learning_method", self.learning_method, ["batch", "online"])

    def token_options(self) -> TokenOptions:
        """The tokenizer options of the fit (``options``, else the defaults)."""
        return self.options or TokenOptions()

    def _key_params(self) -> dict:
        import sklearn

        params = self.get_params()
        params["options"] = self.token_options().to_dict()
        params.pop("cache")
        return {**params, "sklearn": sklearn.__version__}

    def _estimator(self):
        """A fresh scikit-learn estimator with this model's parameters."""
        extra = dict(self.model_params or {})
        if self.model == "lda":
            return _LDA(
                n_components=int(self.k),
                learning_method=self.learning_method,
                max_iter=self.max_iter or 10,
                n_jobs=self.n_jobs,
                random_state=self.random_state,
                **extra,
            )
        extra.setdefault("init", "nndsvda")
        return NMF(
            n_components=int(self.k),
            max_iter=self.max_iter or 400,
            random_state=self.random_state,
            **extra,
        )

    def _fit_arrays(self, X: sparse.csr_matrix, terms: np.ndarray) -> dict:
        """Fit the estimator; return every array and value the fitted state is made of."""
        est = self._estimator()
        info: dict[str, Any] = {}
        if self.model == "lda":
            est.fit(X)
            distr = getattr(est, "_last_distr", None)
            if distr is None or distr.shape != (X.shape[0], int(self.k)):
                distr = est.transform(X, normalize=False)
            info.update(
                doc_topic_prior=est.doc_topic_prior_, topic_word_prior=est.topic_word_prior_
            )
            idf = np.zeros(0)
        else:
            idf = smoothed_idf(X)
            distr = est.fit_transform(tfidf_rows(X, idf))
            info.update(reconstruction_err=float(est.reconstruction_err_))
        doc_topic = _normalize_rows(np.asarray(distr, dtype=np.float64))
        order = np.argsort(-doc_topic.mean(axis=0), kind="stable")
        components = np.asarray(est.components_, dtype=np.float64)[order]
        doc_topic = doc_topic[:, order]
        freq = np.asarray(X.sum(axis=0), dtype=np.float64).ravel()
        top = top_indices(_normalize_rows(components), 10)
        if self.model == "lda":
            info["perplexity"] = held_out_perplexity(X, doc_topic, _normalize_rows(components))
        return {
            "components": components,
            "doc_topic": doc_topic,
            "term_frequency": freq,
            "terms": np.asarray(terms, dtype=object),
            "idf": idf,
            "umass": coherence(top, X, measure="umass"),
            "npmi": coherence(top, X, measure="npmi"),
            "info": {**info, "n_iter": int(est.n_iter_), "k": int(self.k), "model": self.model},
        }

    def set_state(self, state: dict) -> None:
        """Take the fitted arrays and diagnostics of ``state`` (a fit, or one read from disk)."""
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
        """Topic-term distributions: ``components_`` with rows summing to 1."""
        return _normalize_rows(self.components_)

    def _fitted(self) -> None:
        if not hasattr(self, "components_"):
            raise OptionError("this TopicModel is not fitted yet; call fit(units) first.")

    # -- applying the model to new units ------------------------------------------------------
    def transform(self, units) -> np.ndarray:
        """Topic shares of new units, shape (n_units, k) (units without known terms: 1/k)."""
        X = self._counts(units)
        est = self._restored()
        distr = est.transform(X if self.model == "lda" else tfidf_rows(X, self.idf_))
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
            raise OptionError(
                "perplexity is defined for LDA only; compare NMF models by "
                "coherence and exclusivity."
            )
        X = self._counts(units)
        X = X[np.diff(X.indptr) > 0]
        seen, scored = split_halves(X, random_state) if completion else (X, X)
        theta = _normalize_rows(self._restored().transform(seen))
        return held_out_perplexity(scored, theta, self.topic_term_)

    def _counts(self, units) -> sparse.csr_matrix:
        self._fitted()
        return align_vocabulary(
            unit_dtm(as_units(units), self.token_options(), cache=self.cache), self.terms_
        )

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

    # -- tables (top_terms, doc_topics...): TopicTables in analysis.topics.tables; save and load:
    # -- Persistence in analysis.topics.store ----------------------------------------------
    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "components_")


def _normalize_rows(a: np.ndarray) -> np.ndarray:
    """Rows divided by their sums; an all-zero row becomes uniform."""
    a = np.asarray(a, dtype=np.float64)
    sums = a.sum(axis=1, keepdims=True)
    out = np.divide(a, sums, out=np.full_like(a, 1.0 / a.shape[1]), where=sums > 0)
    return out


def warn_mixed_languages(table: pd.DataFrame) -> None:
    """Warn when the units are in several languages: one model should read one vocabulary."""
    if "lang" not in table.columns:
        return
    langs = table["lang"].dropna().astype(str).str.split("-").str[0].value_counts()
    if len(langs) > 1:
        import warnings

        counts = ", ".join(f"{n} in {lang!r}" for lang, n in langs.items())
        warnings.warn(
            f"the units are in several languages ({counts}): a topic model over several "
            "vocabularies mostly finds the languages. Fit one model per language, e.g. "
            f"TopicModel(k).fit(units[units['lang'] == {langs.index[0]!r}]).",
            UserWarning,
            stacklevel=3,
        )
