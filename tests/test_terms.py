"""Frequencies, dispersion and tf-idf against hand counts and scikit-learn."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import make_corpus
from sklearn.feature_extraction.text import TfidfTransformer

from analysis import groups, terms
from analysis.tokens import TokenOptions, dtm


@pytest.fixture
def corpus():
    # tokens: d0 peace peace war | d1 peace treaty treaty treaty
    #         d2 war war peace nato | d3 climate
    return make_corpus(
        [
            "Peace, peace and war.",
            "Peace treaty; the treaty, a treaty!",
            "War, war... peace and NATO",
            "climate",
        ],
        source=["A", "A", "B", "B"],
        year=[1990.0, 1991.0, 2000.0, np.nan],
    )


def row(df, term, group):
    hit = df[(df["term"] == term) & (df["group"] == group)]
    assert len(hit) == 1, (term, group)
    return hit.iloc[0]


def test_frequencies_by_source_match_hand_counts(corpus):
    df = terms.frequencies(corpus, by="source")
    assert list(df.columns) == terms.FREQUENCY_COLUMNS
    peace = row(df, "peace", "A")
    assert (peace["count"], peace["doc_freq"], peace["rank"]) == (3, 2, 1)
    assert peace["per_10k_words"] == pytest.approx(1e4 * 3 / 7)
    assert row(df, "treaty", "A")["rank"] == 1  # tie with peace
    assert row(df, "war", "A")["rank"] == 3
    war_b = row(df, "war", "B")
    assert (war_b["count"], war_b["doc_freq"], war_b["rank"]) == (2, 1, 1)
    assert war_b["per_10k_words"] == pytest.approx(1e4 * 2 / 5)
    assert row(df, "climate", "B")["rank"] == 2
    assert len(df) == 3 + 4
    assert df.attrs["n_tokens"] == {"A": 7, "B": 5} and df.attrs["n_docs"] == {"A": 2, "B": 2}
    assert df.attrs["by"] == "source" and df.attrs["options"]["stopwords"] == "auto"


def test_frequencies_overall_and_top(corpus):
    df = terms.frequencies(corpus)
    assert set(df["group"]) == {groups.ALL}
    assert row(df, "peace", "all")["count"] == 4 and row(df, "war", "all")["doc_freq"] == 2
    assert df["count"].sum() == 12
    ordered = df.sort_values(["group", "rank", "term"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(df, ordered, check_like=False)
    top = terms.frequencies(corpus, by="source", top=1)
    assert sorted(zip(top["group"], top["term"])) == [("A", "peace"), ("A", "treaty"), ("B", "war")]


def test_groups_from_float_years_and_labels_skip_missing(corpus):
    df = terms.frequencies(corpus, by="year")
    assert sorted(set(df["group"])) == ["1990", "1991", "2000"]
    assert "climate" not in set(df["term"])
    labels = ["x", None, "x", "y"]
    by_labels = terms.frequencies(corpus, by=labels)
    assert row(by_labels, "peace", "x")["count"] == 3
    assert row(by_labels, "climate", "y")["count"] == 1
    assert by_labels.attrs["by"] == "<labels>"


def test_dispersion_is_gries_dp_by_hand(corpus):
    df = terms.frequencies(corpus, by="source")
    assert row(df, "peace", "A")["dispersion"] == pytest.approx(5 / 21)
    assert row(df, "treaty", "A")["dispersion"] == pytest.approx(3 / 7)
    # B: sizes 4 and 1 -> shares 0.8, 0.2; war only in d2: |1 - .8| + |0 - .2| -> DP 0.2
    assert row(df, "war", "B")["dispersion"] == pytest.approx(0.2)
    assert row(df, "climate", "B")["dispersion"] == pytest.approx(0.8)
    m = dtm(corpus)
    a_rows = [0, 1]
    dp = terms.gries_dp(m.matrix[a_rows], m.n_tokens[a_rows])
    by_term = dict(zip(m.terms, dp))
    assert by_term["peace"] == pytest.approx(5 / 21) and np.isnan(by_term["climate"])


def test_dispersion_flags_a_term_one_document_repeats():
    texts = ["sanctions " * 60 + "peace talks " * 10] + ["peace talks " * 10] * 19
    df = terms.frequencies(make_corpus(texts))
    sanctions, peace = row(df, "sanctions", "all"), row(df, "peace", "all")
    assert (sanctions["count"], sanctions["doc_freq"]) == (60, 1)
    # DP of a term in one document = 1 - that document's share of the tokens (80 / 460)
    assert sanctions["dispersion"] == pytest.approx(1 - 80 / 460)
    assert peace["dispersion"] == pytest.approx(80 / 460 - 1 / 20)  # same count everywhere


def test_single_document_groups_have_zero_dispersion(corpus):
    df = terms.frequencies(corpus, by="year")
    assert np.allclose(df["dispersion"], 0.0)


def test_frequencies_accept_a_dtm_and_check_options(corpus):
    m = dtm(corpus)
    pd.testing.assert_frame_equal(
        terms.frequencies(m, by="source"), terms.frequencies(corpus, by="source")
    )
    with pytest.raises(ValueError, match="options differ"):
        terms.frequencies(m, options=TokenOptions(stopwords=None))
    with pytest.raises(KeyError, match="no metadata column 'region'"):
        terms.frequencies(m, by="region")
    with pytest.raises(ValueError, match="3 labels for 4 rows"):
        terms.frequencies(m, by=["a", "b", "c"])
    with pytest.raises(TypeError):
        terms.frequencies(["not a corpus"])


def test_tfidf_per_document_matches_scikit_learn_idf(corpus):
    m = dtm(corpus)
    df = terms.tfidf(m)
    assert list(df.columns) == terms.TFIDF_COLUMNS
    idf = TfidfTransformer(smooth_idf=True, norm=None).fit(m.matrix).idf_
    for term, value in zip(m.terms, idf):
        assert np.allclose(df.loc[df["term"] == term, "idf"], value)
    peace = row(df, "peace", "d0")
    assert peace["tf"] == pytest.approx(2 / 3) and peace["doc_freq"] == 3
    assert peace["tfidf"] == pytest.approx(2 / 3 * (np.log(5 / 4) + 1))
    assert row(df, "peace", "d0")["rank"] == 1


def test_tfidf_by_group_treats_each_group_as_one_text(corpus):
    df = terms.tfidf(corpus, by="source", top=1)
    assert dict(zip(df["group"], df["term"])) == {"A": "treaty", "B": "war"}
    treaty = row(df, "treaty", "A")
    assert treaty["tf"] == pytest.approx(3 / 7)
    assert treaty["idf"] == pytest.approx(np.log(3 / 2) + 1)


@pytest.mark.parametrize("layout", ["scattered", "blocks", "sorted first"])
def test_every_grouping_matches_gries_dp_per_group(layout, monkeypatch):
    """Few large groups and many small ones take different paths: both equal gries_dp.

    A group's rows are read in place as runs of consecutive rows (``blocks``: three runs,
    not in group order; ``scattered``: 60 runs of one row), or after sorting the rows by
    group when there are more runs than :data:`analysis.terms.MAX_RUNS`.
    """
    rng = np.random.default_rng(3)
    words = [f"term{chr(97 + i // 26)}{chr(97 + i % 26)}" for i in range(200)]
    texts = [" ".join(rng.choice(words, size=rng.integers(3, 9))) for _ in range(60)]
    # 200 terms: 3 regions take the group-by-group path, 60 one-document groups the sort
    region = [f"r{(i // 20 + 1) % 3 if layout == 'blocks' else i % 3}" for i in range(60)]
    if layout == "sorted first":
        monkeypatch.setattr(terms, "MAX_RUNS", 5)
    corpus = make_corpus(texts, region=region)
    m = dtm(corpus)
    for by in ("region", "doc_id"):
        df = terms.frequencies(corpus, by=by)
        labels = corpus.docs[by].astype(str).to_numpy()
        for group, rows in df.groupby("group"):
            docs = np.flatnonzero(labels == group)
            dp = dict(zip(m.terms, terms.gries_dp(m.matrix[docs], m.n_tokens[docs])))
            counts = dict(zip(m.terms, np.asarray(m.matrix[docs].sum(axis=0)).ravel()))
            dfs = dict(zip(m.terms, np.asarray((m.matrix[docs] > 0).sum(axis=0)).ravel()))
            for r in rows.itertuples():
                assert r.dispersion == pytest.approx(dp[r.term], abs=1e-12)
                assert r.count == counts[r.term] and r.doc_freq == dfs[r.term]


@pytest.mark.parametrize("top", [1, 3, 20])
def test_top_is_the_whole_table_cut_at_its_rank(factbook, top):
    # frequencies(top=k) skips Gries' DP of the terms it will not keep: the same rows
    whole = terms.frequencies(factbook, by="region")
    cut = terms.frequencies(factbook, by="region", top=top)
    expected = whole[whole["rank"] <= top].reset_index(drop=True)
    pd.testing.assert_frame_equal(cut.reset_index(drop=True), expected)
    assert cut.groupby("group").size().min() >= top  # ties at the cut are kept
