"""Tone toward each actor: the lexicon tone of the sentences that name it.

::

    from analysis import framing
    from analysis.framing import tone
    ctx = tone.score_tone(framing.contexts(corpus))     # + a "tone" column in [-1, 1]
    tone.tone_by_doc(ctx)                               # doc_id, actor, tone, n_contexts
    tone.tone_by_actor(ctx, by="origin")                # mean tone, cluster-bootstrap 95% CI
    tone.tone_differences(ctx, compare="actor")         # CSTO - NATO ..., CI, Cohen's d

How tone is scored
------------------
Each context (see :func:`analysis.framing.contexts`) gets VADER's compound score (Hutto &
Gilbert 2014): the sum of the valences of its lexicon words, adjusted for negation ("not
good"), intensifiers ("very"), contrast ("but"), capitals and exclamation marks, squashed
to [-1, 1] by ``x / sqrt(x**2 + 15)``. VADER's own convention calls a text positive from
+0.05 and negative from -0.05 (:data:`NEUTRAL_BAND`). A document's tone toward an actor is
the mean over that actor's contexts in it; an actor's (or group's) tone is the mean over
all its contexts, with a cluster bootstrap over documents for the interval (the same
engine as :func:`analysis.framing.frame_profile`).

Limits (read before citing a number)
------------------------------------
- The lexicon was built for social-media text (tweets, reviews, news snippets rated by
  crowd workers). Diplomatic and news language is mostly neutral to it; many sentences
  score exactly 0, and formulaic politeness ("welcome", "appreciation", "support")
  pushes official texts towards positive whatever their substance.
- It scores the SENTENCE, not the attitude toward the actor: "the CSTO helped avert
  terrorist threats" is negative ("terrorist", "threats"), "NATO seeks to contain Russia
  with support for Ukraine" positive ("support"). Security vocabulary (threat, conflict,
  attack, terrorism, war) is negative in the lexicon, so drill reports and peacekeeping
  news about an actor read as hostile to it.
- A sentence naming two actors gives both the same tone.
- Irony, quotation marks ("peacekeepers" in scare quotes), reported speech and
  attribution (a complaint BY the CSTO vs a complaint ABOUT it) are invisible to it.
- It is English only: non-English contexts are scored as if English (mostly 0); filter
  with ``corpus.english()`` first.

Validated on the sample article folder against hand labels of the tone toward each actor
(``tests/data/tone_labels.csv``, tests/test_tone.py): treat differences between actors or
groups as a rough signal to be read against the contexts, not as a measurement of
attitude. :func:`agreement` repeats that check on your own labels.

References
----------
Hutto, C. J. & Gilbert, E. (2014). VADER: A parsimonious rule-based model for sentiment
analysis of social media text. *Proceedings of the Eighth International AAAI Conference
on Weblogs and Social Media (ICWSM-14)*, 216-225.
Young, L. & Soroka, S. (2012). Affective news: The automated coding of sentiment in
political texts. *Political Communication* 29(2), 205-231.
"""

from __future__ import annotations

import warnings
from functools import lru_cache, partial
from typing import Any

import numpy as np
import pandas as pd

from analysis.framing.batches import cached_scores
from analysis.framing.compare import comparison_pairs
from analysis.framing.frames import context_texts, lang_column
from analysis.groups import by_label
from analysis.stats import Bootstrap, cluster_bootstrap, p_boot
from analysis.tokens.languages import text_languages

#: Compound scores inside (-0.05, 0.05) are neutral (Hutto & Gilbert's convention).
NEUTRAL_BAND = 0.05
#: Columns of :func:`tone_by_doc`.
TONE_DOC_COLUMNS = ["doc_id", "actor", "tone", "n_contexts"]
#: Columns of :func:`tone_by_actor` (``group`` only with ``by``).
TONE_COLUMNS = [
    "actor",
    "group",
    "tone",
    "ci_low",
    "ci_high",
    "sd",
    "share_positive",
    "share_negative",
    "n_contexts",
    "n_docs",
]
#: Columns of :func:`tone_differences`.
TONE_DIFFERENCE_COLUMNS = [
    "compare",
    "within",
    "a",
    "b",
    "tone_a",
    "tone_b",
    "diff",
    "ci_low",
    "ci_high",
    "p_boot",
    "cohens_d",
    "n_contexts_a",
    "n_contexts_b",
]


@lru_cache(maxsize=1)
def analyzer():
    """The VADER analyzer (lexicon loaded once per process).

    Raises
    ------
    ImportError
        With the install command, when ``vaderSentiment`` is missing.
    """
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError(
            "tone needs the vaderSentiment package: pip install 'vaderSentiment>=3.3.2,<4'"
        ) from err
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # codecs.open on newer Pythons
        return SentimentIntensityAnalyzer()


def _tone_batch(texts: list) -> np.ndarray:
    vader = analyzer()
    return np.array(
        [
            [vader.polarity_scores(t)["compound"] if isinstance(t, str) and t.strip() else np.nan]
            for t in texts
        ],
        dtype=float,
    ).reshape(len(texts), 1)


def score(texts: Any, *, workers: int | None = None, cache: bool = True) -> np.ndarray:
    """VADER compound score of each text, in [-1, 1] (NaN for a missing or empty text).

    VADER is an English lexicon: texts in any other language (a table's ``lang``, else
    the script) get NaN, "not scored", never 0.0.

    Parameters
    ----------
    texts : str, list of str, Series, or a contexts table (its ``context`` column)
    workers : int, optional
        Processes for large inputs (see :data:`analysis.framing.MIN_PARALLEL`).
    cache : bool, default True
        Read and write scores in the on-disk cache, keyed by the texts.

    Returns
    -------
    numpy.ndarray of shape (n_texts,)

    Examples
    --------
    >>> float(score("The UN failed miserably.")[0]) < 0 < float(score("A great success.")[0])
    True
    """
    values = context_texts(texts)
    english = [lang == "en" for lang in text_languages(lang_column(texts), values)]
    values = [t if ok else None for t, ok in zip(values, english)]
    return cached_scores(
        "tone", ["vader", _vader_version()], values, partial(_tone_batch), workers, cache
    )[:, 0]


def _vader_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("vaderSentiment")
    except PackageNotFoundError:  # pragma: no cover
        return "unknown"


def score_tone(
    contexts: pd.DataFrame, *, workers: int | None = None, cache: bool = True
) -> pd.DataFrame:
    """The contexts with a ``tone`` column (VADER compound of the context; NaN if not English)."""
    out = contexts.copy()
    out["tone"] = score(contexts, workers=workers, cache=cache)
    out.attrs.update(contexts.attrs)
    out.attrs.update(tone="vader compound")
    return out


def _scored(contexts: pd.DataFrame) -> pd.DataFrame:
    return contexts if "tone" in contexts.columns else score_tone(contexts)


def tone_by_doc(contexts: pd.DataFrame) -> pd.DataFrame:
    """Each document's tone toward each actor: the mean tone of the actor's contexts in it.

    Parameters
    ----------
    contexts : DataFrame
        The output of :func:`analysis.framing.contexts` (scored with :func:`score_tone`
        or not).

    Returns
    -------
    pandas.DataFrame
        ``doc_id, actor, tone, n_contexts``, one row a (document, actor).
    """
    scored = _scored(contexts)
    out = (
        scored.groupby(["doc_id", "actor"], observed=True, sort=True)
        .agg(tone=("tone", "mean"), n_contexts=("tone", "size"))
        .reset_index()
    )
    return out[TONE_DOC_COLUMNS]


def tone_by_actor(
    contexts: pd.DataFrame,
    *,
    by: Any = None,
    n_boot: int = 1000,
    ci: float = 0.95,
    random_state: int | None = 0,
    frames=None,
) -> pd.DataFrame:
    """Mean tone of each actor's contexts (per group), with cluster-bootstrap CIs.

    Parameters
    ----------
    contexts : DataFrame
        The output of :func:`analysis.framing.contexts` (scored or not).
    by : str or array-like, optional
        Groups (see :func:`analysis.groups.resolve_groups`).
    n_boot, ci, random_state
        Bootstrap over documents, as in :func:`analysis.framing.frame_profile`.
    frames : FrameDictionary or path, optional
        For ``by="bloc"`` or ``"origin"``.

    Returns
    -------
    pandas.DataFrame
        ``actor, group (with by), tone, ci_low, ci_high, sd`` (of the contexts' scores),
        ``share_positive``, ``share_negative`` (beyond :data:`NEUTRAL_BAND`),
        ``n_contexts, n_docs``.
    """
    boot = _tone_bootstrap(contexts, by, n_boot, random_state, frames)
    low, high = boot.interval(ci)
    out = boot.cells.copy()
    out["tone"], out["ci_low"], out["ci_high"] = boot.estimate[:, 0], low[:, 0], high[:, 0]
    out["sd"] = _sd(boot)
    out["share_positive"], out["share_negative"] = boot.estimate[:, 1], boot.estimate[:, 2]
    out = out[[c for c in TONE_COLUMNS if c in out.columns]]
    out.attrs.update(by=by_label(by), n_boot=n_boot, ci=ci, random_state=random_state)
    return out


def _tone_bootstrap(
    contexts: pd.DataFrame, by: Any, n_boot: int, random_state: int | None, frames
) -> Bootstrap:
    """Bootstrap of mean tone, shares beyond the neutral band and mean squared tone."""
    scored = _scored(contexts)
    tone = scored["tone"]
    data = scored.assign(
        _pos=(tone >= NEUTRAL_BAND).astype(float).where(tone.notna()),
        _neg=(tone <= -NEUTRAL_BAND).astype(float).where(tone.notna()),
        _sq=tone**2,
    )
    return cluster_bootstrap(
        data,
        ["tone", "_pos", "_neg", "_sq"],
        by=by,
        n_boot=n_boot,
        random_state=random_state,
        frames=frames,
    )


def _sd(boot: Bootstrap) -> np.ndarray:
    """Sample SD of each cell's context scores, from the mean and the mean square."""
    n = boot.cells["n_contexts"].to_numpy().astype(float)
    var = (boot.estimate[:, 3] - boot.estimate[:, 0] ** 2) * n / np.maximum(n - 1, 1)
    return np.sqrt(np.clip(var, 0, None))


def tone_differences(
    contexts: pd.DataFrame,
    *,
    compare: str = "actor",
    by: Any = None,
    n_boot: int = 1000,
    ci: float = 0.95,
    random_state: int | None = 0,
    frames=None,
) -> pd.DataFrame:
    """Differences in mean tone between actors or groups, with bootstrap CIs and Cohen's d.

    Parameters
    ----------
    contexts : DataFrame
    compare : {"actor", "group"}
        As in :func:`analysis.framing.frame_differences`.
    by, n_boot, ci, random_state, frames
        As in :func:`tone_by_actor`.

    Returns
    -------
    pandas.DataFrame
        ``compare, within, a, b, tone_a, tone_b, diff, ci_low, ci_high, p_boot,
        cohens_d`` (difference over the pooled SD of the two cells' context scores),
        ``n_contexts_a, n_contexts_b``.
    """
    boot = _tone_bootstrap(contexts, by, n_boot, random_state, frames)
    sd, n, est = _sd(boot), boot.cells["n_contexts"].to_numpy(), boot.estimate[:, 0]
    label = "actor" if compare == "actor" else "group"
    alpha = (1 - ci) / 2
    rows = []
    for ia, ib, within in comparison_pairs(boot.cells, compare, by is not None):
        diff = boot.replicates[:, ia, 0] - boot.replicates[:, ib, 0]
        diff = diff[~np.isnan(diff)]
        pooled = np.sqrt(
            ((n[ia] - 1) * sd[ia] ** 2 + (n[ib] - 1) * sd[ib] ** 2) / max(n[ia] + n[ib] - 2, 1)
        )
        low, high = np.quantile(diff, [alpha, 1 - alpha]) if len(diff) else (np.nan, np.nan)
        rows.append(
            {
                "compare": compare,
                "within": within,
                "a": str(boot.cells.at[ia, label]),
                "b": str(boot.cells.at[ib, label]),
                "tone_a": est[ia],
                "tone_b": est[ib],
                "diff": est[ia] - est[ib],
                "ci_low": low,
                "ci_high": high,
                "p_boot": p_boot(diff),
                "cohens_d": (est[ia] - est[ib]) / pooled if pooled > 0 else np.nan,
                "n_contexts_a": int(n[ia]),
                "n_contexts_b": int(n[ib]),
            }
        )
    out = pd.DataFrame(rows, columns=TONE_DIFFERENCE_COLUMNS)
    out.attrs.update(
        compare=compare, by=by_label(by), n_boot=n_boot, ci=ci, random_state=random_state
    )
    return out


def agreement(labels: pd.DataFrame, by_doc: pd.DataFrame, *, band: float = NEUTRAL_BAND) -> dict:
    """How well document-level tone matches hand labels of the tone toward each actor.

    Parameters
    ----------
    labels : DataFrame
        ``doc_id, actor, label`` (any ordinal scale centred on 0, e.g. -2..2 or -1/0/1).
    by_doc : DataFrame
        The output of :func:`tone_by_doc`.
    band : float
        Tone within ``(-band, band)`` counts as neutral.

    Returns
    -------
    dict
        ``n`` (pairs found in both), ``n_missing`` (labelled pairs without contexts),
        ``spearman`` and ``spearman_p`` (scipy.stats.spearmanr), ``agreement`` (share with
        the same sign, 0 = neutral, on both sides), ``sign_accuracy`` (among labels that are
        not 0: share whose tone has the label's sign) and ``n_signed``.
    """
    from scipy.stats import spearmanr

    keys = ["doc_id", "actor"]
    left = labels.astype({"doc_id": str, "actor": str})
    right = by_doc.astype({"doc_id": str, "actor": str})
    both = left.merge(right[keys + ["tone"]], on=keys, how="left")
    missing = int(both["tone"].isna().sum())
    both = both.dropna(subset=["tone"])
    label, tone = both["label"].astype(float).to_numpy(), both["tone"].to_numpy()
    tone_sign = np.where(tone >= band, 1, np.where(tone <= -band, -1, 0))
    signed = label != 0
    rho, p = spearmanr(label, tone) if len(both) > 2 else (np.nan, np.nan)
    return {
        "n": int(len(both)),
        "n_missing": missing,
        "spearman": float(rho),
        "spearman_p": float(p),
        "agreement": float(np.mean(np.sign(label) == tone_sign)),
        "sign_accuracy": float(np.mean(np.sign(label[signed]) == np.sign(tone[signed])))
        if signed.any()
        else float("nan"),
        "n_signed": int(signed.sum()),
    }
