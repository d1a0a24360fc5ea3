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

Modules
-------
One module per stage; everything public is re-exported here, so ``topics.TopicModel(...)``
is the way to call it.

=======================================  ==========================================================
:mod:`~analysis.topics.text_units`       :func:`units` (documents, paragraphs, actor contexts),
                                         :func:`sample_documents`
:mod:`~analysis.topics.matrix`           :func:`unit_dtm` (the document-term matrix of units)
:mod:`~analysis.topics.model`            :class:`TopicModel` (fit, fit cache, ``transform``,
                                         ``perplexity``)
:mod:`~analysis.topics.tables`           ``TopicModel.top_terms``, ``doc_topics``,
                                         ``representative``, ``diagnostics``, ``summary``
:mod:`~analysis.topics.store`            ``TopicModel.save``/``load``, the NPZ + JSON fit cache
:mod:`~analysis.topics.diagnostics`      :func:`coherence`, :func:`exclusivity`,
                                         :func:`diversity`, :func:`relevance`, :func:`frex`,
                                         :func:`auto_labels`, perplexity
:mod:`~analysis.topics.matching`         :func:`stability`, :func:`compare_runs`,
                                         :func:`match_topics`, :class:`Stability`
:mod:`~analysis.topics.selection`        :func:`sweep`, :func:`choose_k` (choosing k)
:mod:`~analysis.topics.bootstrap`        the cluster bootstrap of group shares
:mod:`~analysis.topics.compare`          :func:`prevalence`, :func:`prevalence_difference`,
                                         :func:`prevalence_trend`
:mod:`~analysis.topics.plots`            :func:`plot_sweep`, :func:`plot_trend`
:mod:`~analysis.topics.cli`              :func:`run_cli`, :func:`default_group`
=======================================  ==========================================================
"""

from __future__ import annotations

from analysis.topics.cli import default_group, run_cli
from analysis.topics.compare import (
    PREVALENCE_COLUMNS,
    prevalence,
    prevalence_difference,
    prevalence_trend,
)
from analysis.topics.diagnostics import (
    auto_labels,
    coherence,
    diversity,
    exclusivity,
    frex,
    relevance,
)
from analysis.topics.matching import Stability, compare_runs, match_topics, stability
from analysis.topics.matrix import unit_dtm
from analysis.topics.model import MODELS, TopicModel
from analysis.topics.plots import plot_sweep, plot_trend
from analysis.topics.selection import check_k, choose_k, feasible_ks, k_rule, max_k, sweep
from analysis.topics.tables import TOPIC_TERM_COLUMNS
from analysis.topics.text_units import DEFAULT_ACTORS, TOPIC_UNITS, sample_documents, units

__all__ = [
    "DEFAULT_ACTORS",
    "MODELS",
    "PREVALENCE_COLUMNS",
    "TOPIC_TERM_COLUMNS",
    "TOPIC_UNITS",
    "Stability",
    "TopicModel",
    "auto_labels",
    "check_k",
    "choose_k",
    "coherence",
    "compare_runs",
    "default_group",
    "diversity",
    "exclusivity",
    "feasible_ks",
    "frex",
    "k_rule",
    "match_topics",
    "max_k",
    "plot_sweep",
    "plot_trend",
    "prevalence",
    "prevalence_difference",
    "prevalence_trend",
    "relevance",
    "run_cli",
    "sample_documents",
    "stability",
    "sweep",
    "unit_dtm",
    "units",
]
