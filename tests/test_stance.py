"""Target-scoped stance, attribution, validation against hand labels, and "same footing".

The hand labels (``tests/data/stance_labels.csv``: ``corpus, doc_id, lang, actor, label,
half, voice, speaker, reason``) say how each document portrays each organization it names
(-1/0/+1, one line of reason), for every (document, organization) pair the actor layer
finds in the English and Russian excerpts of ``../shared/corpora/articles`` and
``articles-ru``, and for the CSTO and NATO in 54 UN General Debate speeches (the 22 that
name the CSTO and 32 drawn at random, four a decade, among those naming NATO). They were
made by reading the texts, blind to any score, and split before tuning: ``tune`` (articles
<= 030, articles-ru <= 022, speeches of even years) and ``held`` (the rest, never used to
choose a word, a weight or a threshold). Two independent readings of the 63 English pairs
that ``tone_labels.csv`` also labels agree on the sign in 52 (82.5 %), and never in
opposite directions.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import ARTICLES, ARTICLES_RU, UNGDC, shared_path

from analysis import framing
from analysis.errors import OptionError
from analysis.framing import attribution, same_footing, stance, tone

LABELS = Path(__file__).parent / "data" / "stance_labels.csv"
LEX = stance.load_lexicon()


def _score(text: str, actor: str, lang: str = "en") -> float:
    return stance.context_score(text, actor, LEX, lang)


# -- the scorer on hand-made sentences --------------------------------------------------------
def test_judging_words_give_the_sign():
    assert _score("The CSTO has proven its effectiveness.", "CSTO") > 0.5
    assert _score("NATO expansion to the east is a threat to Russia.", "NATO") < -0.5
    assert _score("The CSTO met in Moscow on Tuesday.", "CSTO") == 0.0
    assert _score("ОДКБ является эффективным инструментом безопасности.", "CSTO", "ru") > 0.5
    assert _score("ОДКБ провела учения в Таджикистане.", "CSTO", "ru") == 0.0


def test_negation_flips_a_favourable_word_and_voids_an_unfavourable_one():
    assert (
        _score("The CSTO was not effective.", "CSTO")
        < 0
        < _score("The CSTO was effective.", "CSTO")
    )
    assert _score("ОДКБ не смогла помочь Армении.", "CSTO", "ru") < 0
    # "would not expand NATO eastward" is no praise of NATO: the negated threat is voided
    assert _score("They promised they would not expand NATO eastward.", "NATO") == 0.0
    # a negated word keeps its own weight: "не сотрудничать" is a quarter of a judgement
    weak = _score("ОДКБ не собирается сотрудничать с НАТО.", "CSTO", "ru")
    assert -0.5 < weak < 0


def test_countering_a_threat_is_not_a_threat():
    assert _score("The CSTO is responding to threats to the security of members.", "CSTO") == 0
    assert _score("ОДКБ ведёт борьбу с агрессией и экстремизмом.", "CSTO", "ru") >= 0


def test_the_clause_of_the_mention_decides_between_two_actors():
    text = "The CSTO failed to help Armenia, but NATO is effective."
    assert _score(text, "CSTO") < 0 < _score(text, "NATO")
    ru = "По словам Пашиняна, ОДКБ бездействует, а НАТО продолжает расширение."
    csto, nato = _score(ru, "CSTO", "ru"), _score(ru, "NATO", "ru")
    assert csto < 0 and nato < 0
    hits = stance.context_hits(ru, "CSTO", LEX, "ru")
    scopes = {h[1]: h[7] for h in hits}
    assert scopes["бездействовать"] == "target" and scopes["расширение"] == "other"


def test_scare_quotes_mock_a_role():
    assert _score('The "peacekeepers" of the CSTO arrived.', "CSTO") < 0
    assert _score("«Миротворцы» ОДКБ вошли в Казахстан.", "CSTO", "ru") < 0
    assert _score("The peacekeepers of the CSTO arrived.", "CSTO") == 0


def test_intensifier_and_contrast_weights():
    plain = stance.context_hits("The CSTO is effective.", "CSTO", LEX, "en")[0][6]
    strong = stance.context_hits("The CSTO is very effective.", "CSTO", LEX, "en")[0][6]
    assert strong == pytest.approx(plain * stance.INTENSIFY)
    hits = stance.context_hits("The CSTO is weak, but it is effective.", "CSTO", LEX, "en")
    weights = {h[1]: h[6] for h in hits}
    assert weights["weak"] == pytest.approx(stance.CONTRAST_BEFORE)
    assert weights["effective"] == pytest.approx(stance.CONTRAST_AFTER)
    assert _score("The CSTO is weak, but it is effective.", "CSTO") > 0


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_parses_line_up_with_the_text(lang):
    from analysis.framing import syntax

    texts = {
        "en": ["NATO is not ready for a dialogue with the CSTO.", "The CSTO, in short, works."],
        "ru": ["Николай Бордюжа: НАТО не готов к диалогу с ОДКБ.", "ОДКБ работает."],
    }[lang]
    for text, parsed in zip(texts, syntax.parse(texts, lang)):
        words = [text[a:b] for a, b in zip(parsed.starts, parsed.ends)]
        assert "".join(words) == "".join(text.split())  # every character but spaces, once
        assert ((parsed.heads >= 0) & (parsed.heads < len(words))).all()
        roots = parsed.heads == np.arange(len(words))
        assert roots.any()
        # from a root every token of its tree is reached, a tree no longer than the sentence
        dist = syntax.tree_distances(parsed, np.flatnonzero(roots).tolist())
        assert (dist >= 0).all() and dist.max() < len(words)
    first = syntax.parse(texts[:1], lang)[0]
    words = ("NATO", "ready", "CSTO") if lang == "en" else ("НАТО", "готов", "ОДКБ")
    starts = [texts[0].index(w) for w in words]
    (nato,), (ready,), (csto,) = (
        syntax.tokens_at(first, at, at + len(w)) for at, w in zip(starts, words)
    )
    dist = syntax.tree_distances(first, [ready])
    assert dist[nato] < dist[csto]  # "ready" is said of NATO, its subject


def test_tree_distances_by_hand():
    from analysis.framing import syntax

    # 0 <- 1 -> 2 -> 3, and 4 a root of its own (two trees)
    parsed = syntax.Parse(np.arange(5), np.arange(5) + 1, np.array([1, 1, 1, 2, 4]))
    assert syntax.tree_distances(parsed, [0]).tolist() == [0, 1, 2, 3, -1]
    assert syntax.tree_distances(parsed, [3, 0]).tolist() == [0, 1, 1, 0, -1]
    assert syntax.tree_distances(parsed, []).tolist() == [-1] * 5


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_syntactic_scope_gives_a_word_to_the_nearest_organization(lang, monkeypatch):
    text = {
        "en": "NATO is not ready for a dialogue with the CSTO.",
        "ru": "Николай Бордюжа: НАТО не готов к диалогу с ОДКБ.",
    }[lang]
    # the clause rules give the word to both: one clause names both organizations
    assert _score(text, "CSTO", lang) == _score(text, "NATO", lang) < 0
    monkeypatch.setattr(stance, "SYNTAX", True)
    hits = {a: stance.context_hits(text, a, LEX, lang) for a in ("CSTO", "NATO")}
    assert [h[7] for h in hits["NATO"]] == ["target"] and [h[7] for h in hits["CSTO"]] == ["other"]
    assert _score(text, "NATO", lang) < _score(text, "CSTO", lang) < 0
    # a sentence naming one organization is not parsed: the same hits either way
    alone = "The CSTO is not ready." if lang == "en" else "ОДКБ не готова."
    with_syntax = stance.context_hits(alone, "CSTO", LEX, lang)
    monkeypatch.setattr(stance, "SYNTAX", False)
    assert with_syntax == stance.context_hits(alone, "CSTO", LEX, lang)


def test_score_table_languages_and_cache(tmp_path):
    ctx = pd.DataFrame(
        {
            "doc_id": ["a", "b", "c", "d"],
            "actor": ["CSTO", "CSTO", "NATO", "UN"],
            "context": [
                "The CSTO failed.",
                "ОДКБ провалилась.",
                "La OTAN es fuerte.",
                None,
            ],
            "lang": ["en", "ru", "es", "en"],
        }
    )
    got = stance.score(ctx, cache=False)
    assert got[0] < 0 and got[1] < 0 and np.isnan(got[2]) and np.isnan(got[3])
    again = stance.score(ctx)  # through the on-disk cache, twice
    assert np.allclose(stance.score(ctx), again, equal_nan=True)
    hits = stance.stance_hits(ctx)
    assert list(hits["doc_id"]) == ["a", "b"] and set(hits["facet"]) == {"failing"}


# -- attribution ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "lang", "want"),
    [
        ("The CSTO met in Moscow.", "en", ("outlet", "", "")),
        (
            "The CSTO failed us, said Armenian Prime Minister Nikol Pashinyan.",
            "en",
            ("reported", "Nikol Pashinyan", "ARM"),
        ),
        (
            "Lavrov, the Russian foreign minister, said NATO is a threat.",
            "en",
            ("reported", "Lavrov", "RUS"),
        ),
        ("According to Sergei Lavrov, NATO is dangerous.", "en", ("reported", "Sergei Lavrov", "")),
        ("He said NATO was weak.", "en", ("reported", "", "")),
        ("Moscow says NATO expansion is a threat.", "en", ("reported", "Moscow", "RUS")),
        ("По словам Пашиняна, ОДКБ бездействует.", "ru", ("reported", "Пашинян", "")),
        (
            "Глава МИД Армении Арарат Мирзоян заявил, что ОДКБ не выполнила обязательства.",
            "ru",
            ("reported", "Арарат Мирзоян", "ARM"),
        ),
        (
            "«ОДКБ доказала свою эффективность», — подчеркнул Лавров.",
            "ru",
            ("reported", "Лавров", ""),
        ),
        ("ОДКБ провела учения в Таджикистане.", "ru", ("outlet", "", "")),
    ],
)
def test_voice_and_speaker(text, lang, want):
    assert attribution.context_voice(text, lang) == want


def test_attribute_adds_the_columns():
    ctx = framing.contexts("NATO is weak, said Lavrov. The CSTO met.", ["NATO", "CSTO"])
    out = attribution.attribute(ctx)
    assert list(out.columns[-3:]) == attribution.VOICE_COLUMNS
    assert dict(zip(out["actor"], out["voice"])) == {"NATO": "reported", "CSTO": "outlet"}


# -- score_tone, tone_by_doc, validation ------------------------------------------------------
def test_score_tone_methods():
    ctx = framing.contexts("NATO attacked the CSTO viciously. The UN failed.")
    vader = tone.score_tone(ctx, method="vader")
    st = tone.score_tone(ctx, method="stance")
    auto = tone.score_tone(ctx)
    assert np.allclose(auto["tone"], vader["tone"])  # English: auto is VADER
    assert set(auto["tone_method"]) == {"vader"} and set(st["tone_method"]) == {"stance"}
    assert st.set_index("actor").loc["UN", "tone"] < 0
    with pytest.raises(OptionError, match="Did you mean 'vader'"):
        tone.score_tone(ctx, method="vadr")
    ru = framing.contexts(
        pd.DataFrame({"doc_id": ["r"], "text": ["ОДКБ провалилась."], "lang": ["ru"]})
    )
    assert tone.score_tone(ru)["tone_method"].tolist() == ["stance"]


def test_tone_by_doc_stance_labels():
    ctx = pd.DataFrame(
        {
            "doc_id": ["a", "a", "b", "c"],
            "actor": ["UN"] * 4,
            "tone": [0.9, 0.7, -0.2, 0.1],
            "tone_method": ["stance"] * 4,
        }
    )
    got = tone.tone_by_doc(ctx).set_index("doc_id")
    low, high = tone.STANCE_THRESHOLDS["stance"]
    assert got.loc["a", "tone"] == pytest.approx(0.8) and got.loc["a", "stance"] == 1
    assert got.loc["b", "stance"] == (-1 if -0.2 <= low else 0) and got.loc["c", "stance"] == 0
    assert high > low


def test_validate_and_confusion_on_toy_labels():
    labels = pd.DataFrame(
        {
            "doc_id": list("abcde"),
            "actor": ["UN"] * 5,
            "label": [-1, 0, 1, 1, -1],
            "lang": ["en", "en", "en", "ru", "ru"],
        }
    )
    by_doc = pd.DataFrame(
        {
            "doc_id": list("abcd"),
            "actor": ["UN"] * 4,
            "tone": [-0.5, 0.01, 0.3, -0.2],
            "stance": [-1.0, 0.0, 0.0, -1.0],
        }
    )
    flat = tone.validate(labels, by_doc, n_boot=200)
    assert list(flat.columns) == tone.VALIDATION_COLUMNS
    table = flat.set_index(["scope", "value"])
    overall = table.loc[("all", "all")]
    assert overall["n"] == 4 and overall["n_missing"] == 1 and overall["n_signed"] == 3
    assert overall["sign_accuracy"] == pytest.approx(2 / 3)  # d: +1 scored negative
    assert overall["accuracy"] == pytest.approx(2 / 4)
    assert overall["ci_low"] <= overall["spearman"] <= overall["ci_high"]
    assert table.loc[("lang", "ru"), "n"] == 1 and np.isnan(table.loc[("lang", "ru"), "spearman"])
    conf = tone.confusion(labels, by_doc)
    assert conf.loc[1, "stance_0"] == 1 and conf.loc[1, "stance_-1"] == 1
    assert conf.loc[-1, "not_scored"] == 1 and conf.to_numpy().sum() == 5


def test_read_labels_refuses_bad_files(tmp_path):
    with pytest.raises(OptionError, match="no such file"):
        tone.read_labels(tmp_path / "nope.csv")
    bad = tmp_path / "bad.csv"
    bad.write_text("doc,actor,label\n1,UN,1\n")
    with pytest.raises(OptionError, match=r"no column \['doc_id'\]"):
        tone.read_labels(bad)
    bad.write_text("doc_id,actor,label\n1,UN,good\n")
    with pytest.raises(OptionError, match="must be numbers"):
        tone.read_labels(bad)
    assert tone.read_labels(LABELS)["label"].isin([-1, 0, 1]).all()


# -- the hand labels --------------------------------------------------------------------------
def _labels() -> pd.DataFrame:
    return pd.read_csv(LABELS, dtype={"doc_id": str}, keep_default_na=False)


def test_labels_file_is_complete_and_split():
    labels = _labels()
    assert list(labels.columns) == [
        "corpus", "doc_id", "lang", "actor", "label", "half", "voice", "speaker", "reason",
    ]  # fmt: skip
    assert labels["label"].isin([-1, 0, 1]).all() and labels["reason"].str.len().gt(0).all()
    assert set(labels["half"]) == {"tune", "held"}
    counts = labels.groupby("lang").size()
    assert counts["en"] >= 150 and counts["ru"] >= 80
    assert not labels.duplicated(["corpus", "doc_id", "actor"]).any()


_CORPORA = {"articles": ARTICLES, "articles-ru": ARTICLES_RU, "ungdc": UNGDC}


@pytest.fixture(scope="module")
def agreement(tmp_path_factory):
    """Both scorers against every hand label, per language and half."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ANALYSIS_CACHE_DIR", str(tmp_path_factory.mktemp("stance-cache")))
        corpora = {name: shared_path(rel) for name, rel in _CORPORA.items()}
        table = tone.validate_corpora(tone.read_labels(LABELS), corpora, n_boot=200)
    return table


def _rows(agreement, method: str) -> pd.DataFrame:
    return agreement[agreement["method"] == method].set_index("value")


def test_labels_cover_every_pair_the_tool_finds(agreement):
    scored = agreement.attrs["scores"]["stance"]
    assert scored["tone"].notna().all()  # every labelled pair has contexts
    found = scored.groupby("corpus").size()
    assert found.sum() == len(_labels())


def test_stance_agrees_with_held_out_labels(agreement):
    """Floors a little under what the held-out half gave (benchmarks/bench_stance.py)."""
    got = _rows(agreement, "stance")
    print(
        "\n" + got[["n", "spearman", "ci_low", "ci_high", "sign_accuracy", "accuracy"]].to_string()
    )
    en, ru = got.loc["en/held"], got.loc["ru/held"]
    assert en["n"] >= 85 and en["n_missing"] == 0
    assert en["spearman"] > 0.45 and en["sign_accuracy"] > 0.72
    assert ru["n"] >= 40 and ru["spearman"] > 0.1 and ru["sign_accuracy"] > 0.4
    assert got.loc["en/tune", "spearman"] > 0.65  # what it was tuned to


def test_vader_baseline_on_the_same_labels(agreement):
    got = _rows(agreement, "vader")
    assert got.loc["en/held", "spearman"] > 0.45
    assert got.loc["ru/held", "n"] == 0 and got.loc["ru/held", "n_missing"] == 42  # NaN, not 0.0
    conf = tone.confusion(agreement.attrs["scores"]["vader"])
    assert conf.to_numpy().sum() == len(_labels())


# -- same footing -----------------------------------------------------------------------------
def test_js_distance():
    assert same_footing.js_distance([1, 0], [0, 1]) == pytest.approx(1.0)
    assert same_footing.js_distance([2, 2], [1, 1]) == pytest.approx(0.0)
    from scipy.spatial.distance import jensenshannon

    p, q = np.array([3, 1, 0, 2]), np.array([1, 1, 4, 0])
    assert same_footing.js_distance(p, q) == pytest.approx(jensenshannon(p, q, base=2))
    # many rows at once give what one row at a time gives, within the tie tolerance of
    # the permutation null (a reassignment tying with the observed distance stays a tie)
    rng = np.random.default_rng(0)
    for width in (3, 17, 1000, 4099):
        a, b = rng.poisson(0.4, (40, width)), rng.poisson(0.4, (40, width))
        rows = [float(same_footing.js_distance(x, y)) for x, y in zip(a, b)]
        together = same_footing.js_distance(a, b)
        np.testing.assert_allclose(together, rows, rtol=0, atol=same_footing.TIE / 100)


def _framed(rows):
    """Contexts with frame columns: rows of (doc_id, actor, context, {frame: bool})."""
    frames = framing.load_frames()
    data = []
    for doc, actor, text, on in rows:
        data.append(
            {"doc_id": doc, "actor": actor, "context": text, "lang": "en", "period": "p1"}
            | {framing.FRAME_PREFIX + f: f in on for f in frames.ids}
        )
    out = pd.DataFrame(data)
    out.attrs["frames"] = frames.ids
    return out


def test_footing_distances_and_null():
    same = _framed(
        [(f"d{i}", a, f"{a.lower()} cooperation treaty signed", {"cooperation"})
         for i in range(6) for a in ("CSTO", "NATO")]
    )  # fmt: skip
    got = same_footing.footing(same, [("CSTO", "NATO")], n_boot=100, n_perm=50).set_index("measure")
    assert got.loc["frames", "distance"] == pytest.approx(0.0)
    assert got.loc["vocabulary", "distance"] == pytest.approx(0.0)
    # every reassignment of identical sentences ties with the observed distance
    assert got["null_distance"].tolist() == pytest.approx([0.0, 0.0])
    assert (got["p_perm"] == 1.0).all()
    no_null = same_footing.footing(same, [("CSTO", "NATO")], n_boot=100, n_perm=0)
    assert no_null["null_distance"].isna().all() and no_null["p_perm"].isna().all()
    apart = _framed(
        [(f"d{i}", "CSTO", "peacekeeping troops deployed", {"peacekeeping"}) for i in range(6)]
        + [(f"e{i}", "NATO", "expansion threatens borders", {"threat"}) for i in range(6)]
    )
    got = same_footing.footing(apart, [("CSTO", "NATO")], n_boot=100, n_perm=200).set_index(
        "measure"
    )
    assert got.loc["frames", "distance"] == pytest.approx(1.0)
    assert got.loc["frames", "null_distance"] < 0.9 and got.loc["frames", "p_perm"] < 0.05
    assert sorted(got.reset_index().columns) == sorted(same_footing.FOOTING_COLUMNS)
    assert got.loc["frames", "n_contexts_a"] == 6 and got.loc["frames", "n_docs"] == 12


def test_footing_by_group_and_missing_actor():
    ctx = _framed(
        [("d1", "CSTO", "csto cooperation", {"cooperation"}), ("d2", "NATO", "nato", set())]
    )
    ctx["period"] = ["early", "late"]
    got = same_footing.footing(ctx, [("CSTO", "NATO")], by="period", measures=["frames"], n_boot=20)
    assert list(got["group"]) == ["early", "late"] and got["distance"].isna().all()


def test_validate_interval_is_the_bootstrap_of_scipy_spearman():
    from scipy.stats import spearmanr

    rng = np.random.default_rng(5)
    labels = pd.DataFrame(
        {"doc_id": [f"d{i}" for i in range(40)], "actor": "UN", "label": rng.integers(-1, 2, 40)}
    )
    by_doc = labels.assign(tone=labels["label"] * 0.3 + rng.normal(0, 0.4, 40), stance=0.0)
    got = tone.validate(labels, by_doc.drop(columns="label"), n_boot=300, random_state=7)
    x, y = labels["label"].to_numpy(float), by_doc["tone"].to_numpy()
    idx = np.random.default_rng(7).integers(0, 40, (300, 40))
    reps = [spearmanr(x[i], y[i])[0] for i in idx]
    low, high = np.quantile(reps, [0.025, 0.975])
    row = got.iloc[0]
    assert row["spearman"] == pytest.approx(spearmanr(x, y)[0])
    assert (row["ci_low"], row["ci_high"]) == (pytest.approx(low), pytest.approx(high))
