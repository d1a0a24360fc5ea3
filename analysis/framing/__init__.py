"""Framing: the sentences around each actor, the frames they invoke, and comparisons with CIs.

The research question of the package, step by step::

    from analysis import framing, load
    from analysis.framing import tone
    corpus = load("../shared/corpora/articles").english()
    ctx = framing.contexts(corpus, ("CSTO", "NATO", "UN"))   # one row a (doc, actor, sentence)
    ctx = framing.score_frames(ctx)                          # + frame_<id> columns
    framing.frame_profile(ctx)                               # share of contexts per frame, 95% CI
    framing.frame_differences(ctx, compare="actor")          # CSTO - NATO ... with CI, Cohen's h
    framing.frame_profile(ctx, by="origin")                  # Russian vs Western outlets...
    framing.key_terms(ctx)                                   # distinctive words of each actor
    framing.co_mention_network(ctx)                          # who is named with whom
    tone.tone_by_actor(tone.score_tone(ctx))                 # tone toward each actor
    tone.tone_by_actor(tone.score_tone(ctx), by="voice")     # outlet vs reported speakers
    framing.footing(ctx, [("CSTO", "NATO")], by="year")      # how alike two are framed

Contexts
--------
:func:`contexts` turns the mentions of :func:`analysis.actors.mentions` into one row per
document, actor and sentence: several mentions of an actor in one sentence make one
context. With ``unit="window"`` the context is instead the ``window`` word tokens before
the first and after the last mention of the actor in that sentence. A sentence (window)
naming two of the actors asked for is a context of each and is flagged ``co_mentioned``;
its frames and tone are then counted for both actors alike.

Frames
------
A frame dictionary (``analysis/data/frames.yml``, or your own YAML in that layout; see
:func:`load_frames`) lists categories, each with a description, the literature it draws
on and its terms (words, phrases, ``stem*`` patterns). A context invokes a category when
one of its terms occurs and is not voided by a negator within ``negation.window`` tokens
before it; what a negator does (void the hit, keep it, flip it to another category) is set
per category and documented at the top of the YAML file.

Comparisons and intervals
-------------------------
Shares (and mean tone) are ratios over contexts, and contexts of one document are not
independent. Every interval is therefore a percentile CLUSTER bootstrap (Davison &
Hinkley 1997, sec. 3.8; Field & Welsh 2007): documents are resampled with replacement
(within each group when ``by`` is a document attribute, so group sizes stay fixed), each
keeping all its contexts, and the statistic is recomputed ``n_boot`` times. All cells are
computed from the SAME resamples, so the interval of a difference (actor A - actor B in
the same documents, or group 1 - group 2) comes from the bootstrap distribution of the
difference itself. Differences also report a two-sided bootstrap p-value and an effect
size: Cohen's h for shares, ``h = 2 asin sqrt(p1) - 2 asin sqrt(p2)`` (0.2 small, 0.5
medium, 0.8 large; Cohen 1988).

Groups (``by``)
---------------
As everywhere in the package (:mod:`analysis.groups`): a column of the contexts (any
document metadata: ``source``, ``country``, ``year``...), labels (one a context), a
function of the table, or a name derived when there is no such column: ``"bloc"`` (CSTO
members, NATO members, others), ``"origin"`` (where an outlet comes from) and ``"year"``.
The engine behind every interval is :func:`analysis.stats.cluster_bootstrap`.

References
----------
Entman, R. M. (1993). Framing: Toward clarification of a fractured paradigm. *Journal of
Communication* 43(4), 51-58.
Cohen, J. (1988). *Statistical Power Analysis for the Behavioral Sciences* (2nd ed.).
Hillsdale, NJ: Erlbaum.
Davison, A. C. & Hinkley, D. V. (1997). *Bootstrap Methods and their Application*.
Cambridge University Press.
Field, C. A. & Welsh, A. H. (2007). Bootstrapping clustered data. *Journal of the Royal
Statistical Society B* 69(3), 369-390.

Modules
-------
One module per stage; everything public is re-exported here, so ``framing.contexts(...)``
is the way to call it.

=========================================  ==================================================
:mod:`~analysis.framing.actor_contexts`    :func:`contexts`
:mod:`~analysis.framing.dictionary`        :func:`load_frames`, :class:`FrameDictionary`
:mod:`~analysis.framing.frames`            :func:`score_frames`, :func:`frame_hits` (negation)
:mod:`~analysis.framing.batches`           :func:`cached_scores` (cache, process pool)
:mod:`~analysis.framing.compare`           :func:`frame_profile`, :func:`frame_differences`
:mod:`~analysis.framing.vocabulary`        :func:`key_terms`
:mod:`~analysis.framing.network`           :func:`co_mention_network`
:mod:`~analysis.framing.tone`              tone toward each actor (``framing.tone.*``),
                                           validation against hand labels
:mod:`~analysis.framing.stance`            the target-scoped stance scorer
:mod:`~analysis.framing.attribution`       :func:`attribute` (voice, speaker, country)
:mod:`~analysis.framing.same_footing`      :func:`footing` ("same footing" distances)
:mod:`~analysis.framing.plots`             ``plot_*``
:mod:`~analysis.framing.cli`               :func:`run_cli`
=========================================  ==================================================
"""

from __future__ import annotations

from analysis.framing import tone  # noqa: E402  (after the modules it uses)
from analysis.framing.actor_contexts import CONTEXT_COLUMNS, CONTEXT_UNITS, DEFAULT_ACTORS, contexts
from analysis.framing.attribution import VOICE_COLUMNS, attribute
from analysis.framing.batches import MIN_PARALLEL, cached_scores
from analysis.framing.cli import run_cli
from analysis.framing.compare import (
    DIFFERENCE_COLUMNS,
    PROFILE_COLUMNS,
    comparison_pairs,
    frame_differences,
    frame_profile,
    frame_trend,
)
from analysis.framing.dictionary import (
    Category,
    FrameDictionary,
    FrameDictionaryError,
    Negation,
    load_frames,
)
from analysis.framing.frames import (
    FRAME_PREFIX,
    context_texts,
    frame_columns,
    frame_hits,
    score_frames,
)
from analysis.framing.network import EDGE_COLUMNS, co_mention_network
from analysis.framing.plots import (
    plot_differences,
    plot_footing,
    plot_frame_profile,
    plot_key_terms,
    plot_network,
    plot_tone,
    plot_trend,
    profile_caption,
    too_few_docs,
)
from analysis.framing.same_footing import FOOTING_COLUMNS, footing, js_distance
from analysis.framing.vocabulary import key_terms

__all__ = [
    "CONTEXT_COLUMNS",
    "DEFAULT_ACTORS",
    "DIFFERENCE_COLUMNS",
    "EDGE_COLUMNS",
    "FOOTING_COLUMNS",
    "FRAME_PREFIX",
    "MIN_PARALLEL",
    "PROFILE_COLUMNS",
    "CONTEXT_UNITS",
    "VOICE_COLUMNS",
    "Category",
    "FrameDictionary",
    "FrameDictionaryError",
    "Negation",
    "attribute",
    "cached_scores",
    "co_mention_network",
    "comparison_pairs",
    "context_texts",
    "contexts",
    "frame_columns",
    "frame_differences",
    "frame_hits",
    "frame_profile",
    "footing",
    "frame_trend",
    "js_distance",
    "key_terms",
    "load_frames",
    "plot_differences",
    "plot_footing",
    "plot_frame_profile",
    "plot_key_terms",
    "plot_network",
    "plot_tone",
    "plot_trend",
    "profile_caption",
    "too_few_docs",
    "run_cli",
    "score_frames",
    "tone",
]
