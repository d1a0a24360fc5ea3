"""Tone toward each actor: how the sentences naming it judge it, and how far to trust that.

::

    from analysis import framing
    from analysis.framing import tone
    ctx = tone.score_tone(framing.contexts(corpus))     # + tone in [-1, 1], voice, speaker
    tone.tone_by_doc(ctx)                               # doc_id, actor, tone, stance, n_contexts
    tone.tone_by_actor(ctx, by="origin")                # mean tone, cluster-bootstrap 95% CI
    tone.tone_by_actor(ctx, by="voice")                 # the outlet's words vs reported speech
    tone.tone_differences(ctx, compare="actor")         # CSTO - NATO ..., CI, Cohen's d
    tone.validate(tone.read_labels("my_labels.csv"), tone.tone_by_doc(ctx))

Two scorers
-----------
``method="stance"`` (:mod:`analysis.framing.stance`): a lexicon of how security
organizations are judged (effective/failing, legitimate/a tool, partner/threat,
defensive/aggressive, united/divided; English word forms and Russian lemmas), scored in
the clause of the organization's mention, with negation, countering words, intensifiers,
contrast and scare quotes. A sentence naming two organizations can judge them differently.

``method="vader"``: VADER's compound score of the whole sentence (Hutto & Gilbert 2014),
English only: the sum of its lexicon words' valences, adjusted for negation, intensifiers,
contrast, capitals and exclamation marks, squashed to [-1, 1]; kept as the named baseline.

``method="auto"`` (the default) takes per language the scorer that agreed best with the
held-out half of the project's hand labels (:data:`AUTO_METHODS`): VADER for English,
where the stance scorer did not beat it, and the stance scorer for Russian, which VADER
cannot read. Other languages get NaN ("not scored", never 0.0). To compare tone ACROSS
languages pass one method for all, ``method="stance"``.

A document's tone toward an actor is the mean over that actor's contexts in it, with a
label (:data:`STANCE_THRESHOLDS`: -1, 0, +1); an actor's (or group's) tone is the mean over
all its contexts, with a cluster bootstrap over documents for the interval (the engine of
:func:`analysis.framing.frame_profile`). ``by="voice"``, ``by="speaker"`` and
``by="speaker_country"`` split it by who speaks (:mod:`analysis.framing.attribution`).

How far to trust it
-------------------
Measured on document x organization pairs nobody tuned on (the held-out half of
``tests/data/stance_labels.csv``; ``benchmarks/bench_stance.py`` prints the table):
English, 90 pairs: stance Spearman 0.52, correct sign on 77 % of the non-neutral pairs;
VADER 0.54 and 75 %. Russian, 42 pairs: stance 0.19 and 50 %. Read a tone difference as a
pointer to the contexts, to be read (``stance.stance_hits`` shows the words behind every
score), not as a measurement of attitude; Russian tone is weak evidence. What neither
scorer sees: irony beyond scare quotes, judgement spread over several sentences, and whose
side a reported speaker is on. :func:`validate` repeats the check on your own labels.

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
#: The scorers :func:`score_tone` offers: target-scoped stance, VADER (the baseline), and
#: ``"auto"``: per language, the one that agreed best with the held-out hand labels.
METHODS = ("auto", "stance", "vader")
#: The scorer used when none is named.
DEFAULT_METHOD = "auto"
#: What ``method="auto"`` uses per language, from the held-out half of
#: tests/data/stance_labels.csv (90 English, 42 Russian document x actor pairs):
#: English: VADER Spearman 0.537, sign 0.755; stance 0.520, sign 0.774 -- the stance scorer
#: does not beat VADER, so VADER stays. Russian: VADER cannot score it; stance 0.186, sign
#: 0.500. To compare tone ACROSS languages use one method for all (``method="stance"``).
AUTO_METHODS = {"en": "vader", "ru": "stance"}
#: ``(negative below or at, positive from)``: the document tone that makes a stance label
#: of -1 or +1, per method. VADER's are Hutto & Gilbert's band; the stance scorer's were
#: chosen on the tuning half of the hand labels (tests/data/stance_labels.csv): the pair
#: of cut points that maximizes 3-class agreement there.
STANCE_THRESHOLDS = {"stance": (-0.10, 0.60), "vader": (-NEUTRAL_BAND, NEUTRAL_BAND)}
#: Columns of :func:`tone_by_doc`.
TONE_DOC_COLUMNS = ["doc_id", "actor", "tone", "stance", "n_contexts"]
#: Columns of :func:`validate`.
VALIDATION_COLUMNS = [
    "method",
    "scope",
    "value",
    "n",
    "spearman",
    "ci_low",
    "ci_high",
    "sign_accuracy",
    "n_signed",
    "accuracy",
    "n_missing",
]
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
    contexts: pd.DataFrame,
    *,
    method: str = DEFAULT_METHOD,
    lexicon=None,
    workers: int | None = None,
    cache: bool = True,
) -> pd.DataFrame:
    """The contexts with a ``tone`` column in [-1, 1] and who speaks in them.

    Parameters
    ----------
    contexts : DataFrame
        The output of :func:`analysis.framing.contexts`.
    method : {"auto", "stance", "vader"}
        ``"stance"``: the target-scoped stance of :mod:`analysis.framing.stance` (English
        and Russian; NaN for other languages). ``"vader"``: VADER's compound score of the
        whole sentence (English only), the baseline. ``"auto"`` (default): per language
        the method of :data:`AUTO_METHODS` (the one that agreed best with held-out hand
        labels); comparing tone across languages then mixes methods, so pass
        ``method="stance"`` for that.
    lexicon : path or FrameDictionary, optional
        Your stance lexicon (``method="stance"``).
    workers, cache
        As in :func:`score`.

    Returns
    -------
    pandas.DataFrame
        A copy with ``tone``, ``tone_method`` (the scorer of each context; "" where
        none could score it) and the attribution columns ``voice``, ``speaker``,
        ``speaker_country`` (:func:`analysis.framing.attribute`); ``attrs["tone"]`` names
        the method asked for, ``attrs["tone_not_scored"]`` counts the contexts left NaN
        by language.
    """
    from analysis.framing import stance
    from analysis.framing.attribution import attribute
    from analysis.inputs import check_choice

    check_choice("method", method, METHODS)
    out = attribute(contexts)
    languages = np.array(text_languages(lang_column(contexts), context_texts(contexts)), object)
    methods = (
        np.array([AUTO_METHODS.get(lang, "stance") for lang in languages], dtype=object)
        if method == "auto"
        else np.full(len(out), method, dtype=object)
    )
    tone = np.full(len(out), np.nan)
    for name in sorted(set(methods)):
        rows = np.flatnonzero(methods == name)
        part = contexts.iloc[rows]
        tone[rows] = (
            score(part, workers=workers, cache=cache)
            if name == "vader"
            else stance.score(part, lexicon=lexicon, workers=workers, cache=cache)
        )
    out["tone"] = tone
    out["tone_method"] = np.where(np.isnan(tone), "", methods)
    langs = contexts["lang"] if "lang" in contexts.columns else pd.Series("", index=out.index)
    missing = langs[np.isnan(tone)].fillna("unknown").astype(str).value_counts()
    out.attrs.update(contexts.attrs)
    out.attrs.update(tone=method, tone_not_scored={str(k): int(v) for k, v in missing.items()})
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
        ``doc_id, actor, tone, stance, n_contexts``, one row a (document, actor):
        ``stance`` is -1, 0 or +1 by the :data:`STANCE_THRESHOLDS` of the method that
        scored the contexts (NaN where the tone is NaN).
    """
    scored = _scored(contexts)
    if "tone_method" not in scored.columns:  # scored by hand: one method, from attrs
        scored = scored.assign(tone_method=scored.attrs.get("tone", "vader"))
    out = (
        scored.groupby(["doc_id", "actor"], observed=True, sort=True)
        .agg(tone=("tone", "mean"), n_contexts=("tone", "size"), method=("tone_method", "max"))
        .reset_index()
    )
    out["stance"] = np.nan
    for name, rows in out.groupby("method").groups.items():
        if name:
            out.loc[rows, "stance"] = stance_labels(out.loc[rows, "tone"], str(name))
    out.attrs.update(tone=scored.attrs.get("tone", DEFAULT_METHOD))
    return out[TONE_DOC_COLUMNS]


def stance_labels(tone: Any, method: str = "stance") -> np.ndarray:
    """-1, 0 or +1 for each tone by the method's :data:`STANCE_THRESHOLDS` (NaN stays NaN)."""
    low, high = STANCE_THRESHOLDS[method]
    tone = np.asarray(tone, dtype=float)
    out = np.where(tone >= high, 1.0, np.where(tone <= low, -1.0, 0.0))
    return np.where(np.isnan(tone), np.nan, out)


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
    scored = _scored(contexts)
    methods = scored["tone_method"] if "tone_method" in scored.columns else pd.Series(["vader"])
    out.attrs.update(
        by=by_label(by),
        n_boot=n_boot,
        ci=ci,
        random_state=random_state,
        tone_methods=sorted(m for m in set(methods) if m),
    )
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


def _labelled(labels: pd.DataFrame, by_doc: pd.DataFrame) -> pd.DataFrame:
    """The labels with the tone and stance of each labelled (document, actor)."""
    keys = ["doc_id", "actor"]
    left = labels.astype({"doc_id": str, "actor": str})
    right = by_doc.astype({"doc_id": str, "actor": str})
    cols = keys + [c for c in ("tone", "stance") if c in right.columns]
    return left.merge(right[cols], on=keys, how="left")


def validate(
    labels: pd.DataFrame,
    by_doc: pd.DataFrame,
    *,
    n_boot: int = 1000,
    ci: float = 0.95,
    random_state: int | None = 0,
) -> pd.DataFrame:
    """How well document-level tone agrees with hand labels: overall, per actor, per language.

    Parameters
    ----------
    labels : DataFrame
        ``doc_id, actor, label`` (-1/0/+1, or any ordinal scale centred on 0), optionally
        ``lang`` (rows per language) and anything else (notes are ignored).
    by_doc : DataFrame
        The output of :func:`tone_by_doc`.
    n_boot, ci, random_state
        Percentile bootstrap over the labelled pairs for the interval of Spearman's rho.

    Returns
    -------
    pandas.DataFrame
        :data:`VALIDATION_COLUMNS`, one row a scope (``all``; ``actor`` = each actor;
        ``lang`` = each language): ``n`` pairs scored, Spearman's rho (scipy) of label and
        tone with its bootstrap interval, ``sign_accuracy`` (among labels that are not 0,
        the share whose tone has the label's sign; a tone of exactly 0 has no sign),
        ``accuracy`` (3-class: the share whose ``stance`` equals the label's sign) and
        ``n_missing`` (labelled pairs without a scored context, left out). Rows with fewer
        than 3 pairs get NaN statistics.
    """
    both = _labelled(labels, by_doc)
    method = by_doc.attrs.get("tone", "")
    scopes = [("all", "all", both)]
    for scope in ("actor", "lang"):
        if scope in both.columns:
            scopes += [(scope, str(v), g) for v, g in both.groupby(scope, sort=True)]
    rows = [
        {
            "method": method,
            "scope": scope,
            "value": value,
            **_agreement_row(g, n_boot, ci, random_state),
        }
        for scope, value, g in scopes
    ]
    out = pd.DataFrame(rows, columns=VALIDATION_COLUMNS)
    out.attrs.update(method=method, n_boot=n_boot, ci=ci, random_state=random_state)
    return out


def _agreement_row(both: pd.DataFrame, n_boot: int, ci: float, random_state) -> dict:
    from scipy.stats import spearmanr

    missing = int(both["tone"].isna().sum())
    both = both.dropna(subset=["tone"])
    label = np.sign(both["label"].astype(float).to_numpy())
    tone = both["tone"].to_numpy(dtype=float)
    n = len(both)
    row = {
        "n": n,
        "n_missing": missing,
        "n_signed": int((label != 0).sum()),
        "sign_accuracy": _sign_accuracy(label, tone),
        "accuracy": _accuracy(both, label),
    }
    if n < 3 or np.ptp(label) == 0 or np.ptp(tone) == 0:
        return {**row, "spearman": np.nan, "ci_low": np.nan, "ci_high": np.nan}
    rho = spearmanr(label, tone)[0]
    idx = np.random.default_rng(random_state).integers(0, n, (n_boot, n))
    reps = _spearman_rows(label[idx], tone[idx])
    reps = reps[~np.isnan(reps)]
    alpha = (1 - ci) / 2
    low, high = np.quantile(reps, [alpha, 1 - alpha]) if len(reps) else (np.nan, np.nan)
    return {**row, "spearman": float(rho), "ci_low": float(low), "ci_high": float(high)}


def _spearman_rows(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Spearman's rho of each row pair: Pearson's r of the average ranks (NaN if constant)."""
    from scipy.stats import rankdata

    ra, rb = rankdata(a, axis=1), rankdata(b, axis=1)
    ra -= ra.mean(axis=1, keepdims=True)
    rb -= rb.mean(axis=1, keepdims=True)
    denom = np.sqrt((ra**2).sum(axis=1) * (rb**2).sum(axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denom > 0, (ra * rb).sum(axis=1) / denom, np.nan)


def _sign_accuracy(label: np.ndarray, tone: np.ndarray) -> float:
    signed = label != 0
    return float(np.mean(np.sign(tone[signed]) == label[signed])) if signed.any() else np.nan


def _accuracy(both: pd.DataFrame, label: np.ndarray) -> float:
    if "stance" not in both.columns or not len(both):
        return np.nan
    return float(np.mean(both["stance"].to_numpy(dtype=float) == label))


def confusion(labels: pd.DataFrame, by_doc: pd.DataFrame | None = None) -> pd.DataFrame:
    """Hand label (rows) by the scorer's stance label (columns), counts of (document, actor).

    ``labels`` joined with ``by_doc`` (:func:`tone_by_doc`), or labels that carry their
    ``stance`` already (``validate_corpora(...).attrs["scores"][method]``).

    Returns
    -------
    pandas.DataFrame
        Index ``label`` -1, 0, 1; columns ``stance_-1``, ``stance_0``, ``stance_1`` and
        ``not_scored`` (labelled pairs without a scored context).
    """
    both = labels if by_doc is None else _labelled(labels, by_doc)
    label = np.sign(both["label"].astype(float)).astype(int)
    stance = both["stance"].map(lambda v: "not_scored" if pd.isna(v) else f"stance_{int(v)}")
    cols = ["stance_-1", "stance_0", "stance_1", "not_scored"]
    table = pd.crosstab(label.rename("label"), stance).reindex(index=[-1, 0, 1], columns=cols)
    return table.fillna(0).astype(int)


#: Columns a labels file must have (:func:`read_labels`).
LABEL_COLUMNS = ["doc_id", "actor", "label"]


def read_labels(path: Any) -> pd.DataFrame:
    """A CSV of hand labels: ``doc_id, actor, label`` (-1/0/+1) and any other columns.

    ``lang`` (rows of :func:`validate` per language) and ``half`` (e.g. ``tune``/``held``)
    are used when present; a note column such as ``reason`` is kept as it is.

    Raises
    ------
    OptionError
        The file is missing, not a CSV with those columns, or a label is not a number;
        the message names the file and what to fix.
    """
    from analysis.errors import OptionError
    from analysis.inputs import read_table_file

    labels = read_table_file(
        path,
        option="--labels",
        need=LABEL_COLUMNS,
        what="a labels file (label -1, 0 or +1)",
        dtype={"doc_id": str, "actor": str},
    )
    values = pd.to_numeric(labels["label"], errors="coerce")
    if values.isna().any():
        bad = labels.loc[values.isna(), "label"].head(3).tolist()
        raise OptionError(
            f"--labels {path}: labels must be numbers (-1, 0, +1), not {bad} "
            f"(rows {[int(i) + 2 for i in labels.index[values.isna()][:3]]})."
        )
    return labels.assign(label=values)


def validate_corpora(
    labels: pd.DataFrame,
    corpora: dict[str, Any],
    *,
    methods: tuple[str, ...] = ("vader", "stance"),
    n_boot: int = 1000,
    random_state: int | None = 0,
) -> pd.DataFrame:
    """Each scorer against hand labels of several corpora, per language and half.

    Parameters
    ----------
    labels : DataFrame
        ``corpus, doc_id, actor, label`` and ``lang``, optionally ``half`` (e.g.
        ``tests/data/stance_labels.csv``, read with :func:`read_labels`).
    corpora : dict of str to corpus spec or Corpus
        The corpus behind each value of ``labels["corpus"]`` (labels of other corpora are
        left out). Only the labelled documents are scored; a corpus of UN General Debate
        speeches is read with ``context_actors=["UN"]``.
    methods : tuple of str
        Scorers of :func:`score_tone`.
    n_boot, random_state
        As in :func:`validate`.

    Returns
    -------
    pandas.DataFrame
        :data:`VALIDATION_COLUMNS` with ``value`` = ``"<lang>/<half>"`` (or ``<lang>``), one
        row a method, language and half; ``attrs["scores"]`` holds, per method, the labels
        with the ``tone`` and ``stance`` of each pair (doc ids prefixed by the corpus name,
        as they may repeat across corpora), for :func:`confusion`.
    """
    from analysis import load
    from analysis.framing.actor_contexts import contexts, corpus_context_actors
    from analysis.inputs import is_corpus

    parts = []
    for name, spec in corpora.items():
        wanted = labels[labels["corpus"] == name]
        if wanted.empty:
            continue
        corpus = spec if is_corpus(spec) else load(spec)
        corpus = corpus.filter(corpus.meta["doc_id"].astype(str).isin(set(wanted["doc_id"])))
        ctx = contexts(
            corpus, None, context_actors=corpus_context_actors(corpus.docs), progress=False
        )
        parts.append((name, wanted, ctx))
    rows, scores = [], {}
    for method in methods:
        by_doc = pd.concat(
            [
                tone_by_doc(score_tone(ctx, method=method)).assign(
                    doc_id=lambda d, n=name: n + ":" + d["doc_id"]
                )
                for name, _, ctx in parts
            ],
            ignore_index=True,
        )
        by_doc.attrs["tone"] = method
        mine = pd.concat(
            [w.assign(doc_id=name + ":" + w["doc_id"]) for name, w, _ in parts], ignore_index=True
        )
        if "half" in mine.columns:
            mine = mine.assign(lang=mine["lang"].astype(str) + "/" + mine["half"].astype(str))
        table = validate(mine, by_doc, n_boot=n_boot, random_state=random_state)
        rows.append(table[table["scope"] == "lang"])
        scores[method] = _labelled(mine, by_doc)
    out = pd.concat(rows, ignore_index=True)
    out.attrs.update(scores=scores, n_boot=n_boot, random_state=random_state)
    return out
