"""Tone toward each actor: VADER scores on hand-made sentences (negation included), document
and actor aggregates with cluster-bootstrap CIs, and validation against hand labels of the
tone toward the CSTO, NATO and the UN in every English article of ../shared.

The labels (``tests/data/tone_labels.csv``: ``doc_id, actor, label, note``) were made by
reading each English document as ``analysis.load`` returns it, before looking at the tool's
score for it: the tone the TEXT takes toward the actor, on a five-point scale from -2
(strongly negative) through 0 (neutral, factual or mixed) to +2 (strongly positive), one
row per (document, actor) where the actor is mentioned. Neutral reporting of an actor's
actions is 0; quoted praise or criticism that the text adopts counts.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("vaderSentiment")

from conftest import ARTICLES, shared_path  # noqa: E402

import analysis  # noqa: E402
from analysis import framing  # noqa: E402
from analysis.framing import tone  # noqa: E402

LABELS = Path(__file__).parent / "data" / "tone_labels.csv"
#: Floors the validation must reach (reached: see test_tone_agrees_with_hand_labels).
MIN_SPEARMAN, MIN_SIGN_ACCURACY, MIN_PAIRS = 0.2, 0.6, 60


@pytest.fixture(scope="module")
def articles(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ANALYSIS_CACHE_DIR", str(tmp_path_factory.mktemp("tone-cache")))
        corpus = analysis.load(shared_path(ARTICLES)).english()
        return tone.score_tone(framing.contexts(corpus))


# -- scoring ----------------------------------------------------------------------------------
def test_scores_of_hand_made_sentences():
    good, bad, neutral, negated = tone.score(
        [
            "The UN welcomed the excellent cooperation with the CSTO.",
            "NATO is a dangerous and aggressive bloc.",
            "The CSTO met in Moscow on Tuesday.",
            "The CSTO's response was not good.",
        ]
    )
    assert good > 0.5 and bad < -0.5 and neutral == 0 and negated < 0
    assert tone.score("The response was good.")[0] > 0  # negation flips it
    assert np.isnan(tone.score(["", None]).astype(float)).all()
    assert tone.score("It failed.")[0] == tone.analyzer().polarity_scores("It failed.")["compound"]


def test_co_mentioned_sentences_share_their_tone():
    ctx = tone.score_tone(framing.contexts("NATO attacked the CSTO viciously. The UN is great."))
    by_actor = ctx.set_index("actor")["tone"]
    assert by_actor["NATO"] == by_actor["CSTO"] < 0 < by_actor["UN"]


def test_tone_by_doc_is_the_mean_of_the_contexts(articles):
    by_doc = tone.tone_by_doc(articles)
    assert list(by_doc.columns) == tone.TONE_DOC_COLUMNS
    by_hand = articles.groupby(["doc_id", "actor"])["tone"].agg(["mean", "size"])
    merged = by_doc.set_index(["doc_id", "actor"]).join(by_hand)
    assert np.allclose(merged["tone"], merged["mean"])
    assert (merged["n_contexts"] == merged["size"]).all()


def test_tone_by_actor_with_ci_and_groups(articles):
    out = tone.tone_by_actor(articles, n_boot=300)
    assert list(out.columns) == [c for c in tone.TONE_COLUMNS if c != "group"]
    assert ((out["ci_low"] <= out["tone"]) & (out["tone"] <= out["ci_high"])).all()
    by_hand = articles.groupby("actor")["tone"].agg(["mean", "std"]).sort_index()
    assert np.allclose(out.set_index("actor").sort_index()["tone"], by_hand["mean"])
    assert np.allclose(out.set_index("actor").sort_index()["sd"], by_hand["std"])
    grouped = tone.tone_by_actor(articles, by="origin", n_boot=100)
    assert "group" in grouped and grouped["n_contexts"].sum() == len(articles)


def test_tone_differences(articles):
    d = tone.tone_differences(articles, n_boot=300)
    assert list(d.columns) == tone.TONE_DIFFERENCE_COLUMNS
    assert np.allclose(d["diff"], d["tone_a"] - d["tone_b"])
    row = d.set_index(["a", "b"]).loc[("CSTO", "UN")]
    a, b = (articles.loc[articles["actor"] == x, "tone"] for x in ("CSTO", "UN"))
    pooled = np.sqrt(((len(a) - 1) * a.var() + (len(b) - 1) * b.var()) / (len(a) + len(b) - 2))
    assert row["cohens_d"] == pytest.approx((a.mean() - b.mean()) / pooled)
    assert row["ci_low"] <= row["diff"] <= row["ci_high"]


def test_agreement_on_toy_labels():
    labels = pd.DataFrame(
        {"doc_id": ["a", "b", "c", "d"], "actor": ["UN"] * 4, "label": [-1, 0, 1, 2]}
    )
    by_doc = pd.DataFrame(
        {"doc_id": ["a", "b", "c"], "actor": ["UN"] * 3, "tone": [-0.5, 0.01, 0.3]}
    )
    got = tone.agreement(labels, by_doc)
    assert got["n"] == 3 and got["n_missing"] == 1
    assert got["spearman"] == pytest.approx(1.0) and got["agreement"] == 1.0
    assert got["sign_accuracy"] == 1.0 and got["n_signed"] == 2


# -- validation against hand labels -----------------------------------------------------------
def test_labels_cover_every_mentioned_actor(articles):
    labels = pd.read_csv(LABELS, dtype={"doc_id": str})
    assert list(labels.columns) == ["doc_id", "actor", "label", "note"]
    assert labels["label"].between(-2, 2).all() and labels["note"].str.len().gt(0).all()
    mentioned = set(zip(articles["doc_id"], articles["actor"]))
    assert set(zip(labels["doc_id"], labels["actor"])) == mentioned


def test_tone_agrees_with_hand_labels(articles):
    labels = pd.read_csv(LABELS, dtype={"doc_id": str})
    got = tone.agreement(labels, tone.tone_by_doc(articles))
    print(
        f"\ntone vs hand labels: n={got['n']}, Spearman rho={got['spearman']:.3f} "
        f"(p={got['spearman_p']:.3f}), sign accuracy={got['sign_accuracy']:.3f} "
        f"on {got['n_signed']} non-neutral labels, 3-class agreement "
        f"(neutral band ±{tone.NEUTRAL_BAND})={got['agreement']:.3f}"
    )
    assert got["n"] >= MIN_PAIRS and got["n_missing"] == 0
    assert got["spearman"] > MIN_SPEARMAN
    assert got["sign_accuracy"] > MIN_SIGN_ACCURACY
