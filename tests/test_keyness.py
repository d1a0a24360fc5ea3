"""Keyness statistics against scipy and hand computations; key terms of the real UNGDC."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import UNGDC, shared_path
from conftest import make_corpus as shared_factory
from scipy import stats

import analysis
from analysis import keyness as K
from analysis.corpus import Corpus
from analysis.tokens import dtm

TABLES = [
    (10, 5, 1000, 2000),
    (1, 40, 500, 800),
    (120, 3, 10_000, 9_000),
    (7, 7, 70, 700),
    (0, 12, 300, 400),
    (25, 0, 1000, 1000),
    (3, 2, 20, 15),
]


def scipy_stat(a, b, ta, tb, *, correction: bool, lambda_=None) -> float:
    table = np.array([[a, b], [ta - a, tb - b]])
    return stats.chi2_contingency(table, correction=correction, lambda_=lambda_)[0]


def williams_q(table: np.ndarray) -> float:
    """Williams (1976): q = 1 + (n sum 1/R_i - 1)(n sum 1/C_j - 1) / (6 n (r - 1)(c - 1))."""
    n, (r, c) = table.sum(), table.shape
    rows, cols = table.sum(axis=1), table.sum(axis=0)
    return 1 + (n * sum(1 / rows) - 1) * (n * sum(1 / cols) - 1) / (6 * n * (r - 1) * (c - 1))


# -- the statistics ----------------------------------------------------------------------------
@pytest.mark.parametrize("a, b, ta, tb", TABLES)
def test_chi2_matches_scipy_with_and_without_yates(a, b, ta, tb):
    assert K.table_stat(a, b, ta, tb, measure="chi2") == pytest.approx(
        scipy_stat(a, b, ta, tb, correction=False)
    )
    assert K.table_stat(a, b, ta, tb, measure="chi2", correction="yates") == pytest.approx(
        scipy_stat(a, b, ta, tb, correction=True)
    )


@pytest.mark.parametrize("a, b, ta, tb", TABLES)
def test_g2_matches_scipy_log_likelihood(a, b, ta, tb):
    assert K.table_stat(a, b, ta, tb) == pytest.approx(
        scipy_stat(a, b, ta, tb, correction=False, lambda_="log-likelihood")
    )
    assert K.table_stat(a, b, ta, tb, correction="yates") == pytest.approx(
        scipy_stat(a, b, ta, tb, correction=True, lambda_="log-likelihood")
    )


@pytest.mark.parametrize("a, b, ta, tb", TABLES)
@pytest.mark.parametrize("measure", ["g2", "chi2"])
def test_williams_correction_divides_by_q(a, b, ta, tb, measure):
    lambda_ = "log-likelihood" if measure == "g2" else None
    q = williams_q(np.array([[a, b], [ta - a, tb - b]], dtype=float))
    expected = scipy_stat(a, b, ta, tb, correction=False, lambda_=lambda_) / q
    got = K.table_stat(a, b, ta, tb, measure=measure, correction="williams")
    assert got == pytest.approx(expected)


def test_pinned_values():
    # a=10 of 1,000 tokens vs b=5 of 2,000 tokens, computed once by hand:
    # G2 = 2 * sum O ln(O/E) with E = [5, 10, 995, 1990]
    g2 = 2 * (
        10 * np.log(2) + 5 * np.log(0.5) + 990 * np.log(990 / 995) + 1995 * np.log(1995 / 1990)
    )
    assert g2 == pytest.approx(6.96919, abs=1e-5)
    assert K.table_stat(10, 5, 1000, 2000)[()] == pytest.approx(g2)
    assert K.table_stat(10, 5, 1000, 2000, measure="chi2")[()] == pytest.approx(
        25 / 5 + 25 / 10 + 25 / 995 + 25 / 1990
    )
    lr, pct = K.effect_sizes(10, 5, 1000, 2000)
    assert lr == pytest.approx(np.log2((10.5 / 1000) / (5.5 / 2000)))  # 1.9329
    assert lr == pytest.approx(1.93288, abs=1e-5)
    assert pct == pytest.approx(300.0)  # 1% vs 0.25%


def test_effect_sizes_at_zero_counts():
    lr, pct = K.effect_sizes([0, 4, 0], [3, 0, 0], 100, 100)
    assert lr == pytest.approx([np.log2(0.5 / 3.5), np.log2(4.5 / 0.5), 0.0])
    assert pct[0] == -100 and np.isinf(pct[1]) and pct[2] == 0


def test_chi2_sf_matches_scipy():
    x = np.array([0.0, 0.5, 3.84, 10.83, 250.0])
    np.testing.assert_allclose(K.chi2_sf(x), stats.chi2.sf(x, 1), rtol=1e-12)


def test_bh_matches_scipy_false_discovery_control():
    rng = np.random.default_rng(7)
    for p in (rng.uniform(size=50), rng.uniform(size=200) ** 4, np.array([0.01, 0.01, 0.5])):
        np.testing.assert_allclose(K.bh_adjust(p), stats.false_discovery_control(p))
    assert K.bh_adjust(np.array([])).size == 0


def test_bad_measure_or_correction():
    with pytest.raises(ValueError, match="measure"):
        K.table_stat(1, 2, 10, 10, measure="pmi")
    with pytest.raises(ValueError, match="correction"):
        K.table_stat(1, 2, 10, 10, correction="bonferroni")


# -- the table ---------------------------------------------------------------------------------
def make_corpus(texts, groups) -> Corpus:
    return shared_factory(texts, source=groups)


@pytest.fixture
def corpus():
    return make_corpus(
        [
            "soviet soviet soviet peace war",
            "soviet detente peace peace",  # cold: 9 tokens
            "climate climate terrorism peace",
            "climate peace war war",  # late: 8 tokens
            "peace peace treaty",
        ],  # other: 3 tokens
        ["cold", "cold", "late", "late", "other"],
    )


def test_target_vs_reference_counts_and_statistics(corpus):
    df = K.keyness(corpus, by="source", target="cold", reference="late", min_count=1)
    assert list(df.columns) == [c.format(measure="g2") for c in K.KEYNESS_COLUMNS]
    soviet = df.set_index("term").loc["soviet"]
    assert (soviet["count_target"], soviet["count_reference"]) == (4, 0)
    assert (soviet["total_target"], soviet["total_reference"]) == (9, 8)
    assert soviet["reference"] == "late" and soviet["direction"] == "target"
    assert soviet["g2"] == pytest.approx(
        scipy_stat(4, 0, 9, 8, correction=False, lambda_="log-likelihood")
    )
    assert soviet["p"] == pytest.approx(stats.chi2.sf(soviet["g2"], 1))
    np.testing.assert_allclose(df["p_adj"], stats.false_discovery_control(df["p"]))
    assert df.iloc[0]["term"] == "soviet"
    assert df.iloc[-1]["term"] == "climate" and df.iloc[-1]["direction"] == "reference"
    assert "treaty" not in set(df["term"])  # only in the third group


def test_every_row_recomputes(corpus):
    df = K.keyness(corpus, by="source", measure="chi2", correction="yates", min_count=1)
    for r in df.itertuples():
        assert r.chi2 == pytest.approx(
            scipy_stat(
                r.count_target,
                r.count_reference,
                r.total_target,
                r.total_reference,
                correction=True,
            )
        )


def test_one_vs_rest_covers_every_group(corpus):
    df = K.keyness(corpus, by="source", min_count=1)
    assert sorted(set(df["group"])) == ["cold", "late", "other"]
    assert set(df["reference"]) == {K.REST}
    treaty = df[(df["group"] == "other") & (df["term"] == "treaty")].iloc[0]
    assert (treaty["count_target"], treaty["count_reference"]) == (1, 0)
    assert (treaty["total_target"], treaty["total_reference"]) == (3, 17)
    for _, part in df.groupby("group"):
        assert part["count_target"].add(part["count_reference"]).ge(1).all()
        np.testing.assert_allclose(part["p_adj"], stats.false_discovery_control(part["p"]))


def test_min_count_top_labels_and_attrs(corpus):
    df = K.keyness(corpus, by="source", target="cold", min_count=3)
    assert (df["count_target"] + df["count_reference"] >= 3).all()
    top = K.keyness(corpus, by="source", target="late", top=1, min_count=1)
    assert list(top["term"]) == ["climate"] and list(top["direction"]) == ["target"]
    labels = ["a", "a", "b", "b", None]
    by_labels = K.keyness(corpus, by=labels, target="a", min_count=1)
    assert set(by_labels["reference"]) == {"b"}
    assert by_labels["total_reference"].iloc[0] == 8
    both = K.keyness(corpus, by="source", target="cold", reference=["late", "other"], min_count=1)
    assert set(both["reference"]) == {"late+other"}
    assert both["total_reference"].iloc[0] == 11
    assert df.attrs["measure"] == "g2" and df.attrs["min_count"] == 3
    assert df.attrs["options"]["keep_actors"] is True


def test_keyness_accepts_a_dtm(corpus):
    m = dtm(corpus)
    pd.testing.assert_frame_equal(
        K.keyness(m, by="source", target="cold"), K.keyness(corpus, by="source", target="cold")
    )


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(target="warm"), "no group 'warm'"),
        (dict(reference="late"), "reference needs a target"),
        (dict(target="cold", reference=["cold", "late"]), "also in the reference"),
        (dict(measure="pmi"), "measure"),
    ],
)
def test_keyness_errors(corpus, kwargs, message):
    with pytest.raises(ValueError, match=message):
        K.keyness(corpus, by="source", **kwargs)


# -- the real UN General Debate corpus (slow) ---------------------------------------------------
@pytest.fixture(scope="session")
def ungdc_dtm(tmp_path_factory):
    settings = analysis.get_settings(cache_dir=tmp_path_factory.mktemp("ungdc-terms"), workers=2)
    corpus = analysis.load(shared_path(UNGDC), settings=settings)
    return dtm(corpus, min_df=5, settings=settings)


@pytest.mark.slow
def test_ungdc_cold_war_and_later_key_terms(ungdc_dtm):
    year = ungdc_dtm.docs["year"].astype(float)
    period = np.where(year <= 1990, "1946-1990", np.where(year >= 1992, "1992-2024", None))
    early = K.keyness(ungdc_dtm, by=period, target="1946-1990", top=20)
    assert "soviet" in set(early["term"])
    assert (early["p_adj"] < 1e-10).all() and (early["log_ratio"] > 0).all()
    late = K.keyness(ungdc_dtm, by=period, target="1992-2024", top=30)
    assert {"terrorism", "climate"} <= set(late["term"])
    assert late.iloc[0]["reference"] == "1946-1990"
