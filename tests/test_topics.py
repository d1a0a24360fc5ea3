"""Topic models: units, coherence by hand, stability matching, cluster-bootstrap prevalence,
the NPZ/JSON cache, the CLI helper's byte-identical files, and the factbook."""

from __future__ import annotations

import json
from math import log

import numpy as np
import pandas as pd
import pytest
from conftest import make_corpus as shared_factory
from scipy import sparse
from sklearn.decomposition import LatentDirichletAllocation

from analysis import topics
from analysis.corpus import Corpus
from analysis.tokens import TokenOptions


# -- helpers -----------------------------------------------------------------------------------
def make_corpus(texts: list[str], **meta) -> Corpus:
    """:func:`conftest.make_corpus` with titles T0, T1, ... and source "test"."""
    titles = [f"T{i}" for i in range(len(texts))]
    return shared_factory(texts, name="toy", **{"title": titles, "source": "test", **meta})


def fake_model(theta, doc_ids, **meta) -> topics.TopicModel:
    """A 'fitted' model with given unit shares: prevalence needs nothing else."""
    theta = np.asarray(theta, dtype=float)
    tm = topics.TopicModel(k=theta.shape[1])
    tm.doc_topic_ = theta
    tm.units_ = pd.DataFrame(
        {"unit_id": [f"u{i}" for i in range(len(theta))], "doc_id": list(doc_ids), **meta}
    )
    tm.labels_ = {t: f"t{t}" for t in range(theta.shape[1])}
    return tm


def dirichlet_docs(n, alpha, seed):
    return np.random.default_rng(seed).dirichlet(alpha, size=n)


@pytest.fixture(scope="module")
def fb_model(factbook):
    """k=8 LDA on the factbook's documents (cache off: module fixtures precede the tmp cache)."""
    return topics.TopicModel(8, random_state=0, cache=False).fit(topics.units(factbook))


# -- units -------------------------------------------------------------------------------------
def test_paragraphs_split_at_blank_lines_else_line_breaks_and_merge_short_ones():
    long_a, long_b = "alpha " * 20, "beta " * 20
    corpus = make_corpus(
        [
            f"Heading\n\n{long_a}\n\n{long_b}",  # heading merged forward
            f"{long_a}\n{long_b}",  # no blank line: line breaks
            "only one",
        ],
        region=["x", "y", "x"],
    )
    u = topics.units(corpus, "paragraph", actors=())
    assert u.groupby("doc_id").size().to_dict() == {"d0": 2, "d1": 2, "d2": 1}
    assert u["unit_id"].tolist() == ["d0:0", "d0:1", "d1:0", "d1:1", "d2:0"]
    texts = dict(zip(corpus.docs["doc_id"], corpus.docs["text"]))
    for row in u.itertuples():
        assert texts[row.doc_id][row.start : row.end] == row.text
    assert u.loc[0, "text"].startswith("Heading\n\nalpha")
    assert u["region"].tolist() == ["x", "x", "y", "y", "x"] and (u["unit"] == "paragraph").all()


def test_actor_context_windows_merge_per_actor_and_name_the_actor():
    text = (
        "The weather was fine. NATO met in Brussels. Leaders spoke. Nothing else happened. "
        "Tea was served. More tea came. The CSTO answered. Then NATO replied. The end."
    )
    u = topics.units(make_corpus([text]), "actor_context", window=1)
    assert u[["actors", "text"]].values.tolist() == [
        ["NATO", "The weather was fine. NATO met in Brussels. Leaders spoke. "],
        ["CSTO", "More tea came. The CSTO answered. Then NATO replied. "],
        ["NATO", "The CSTO answered. Then NATO replied. The end."],
    ]
    doc = topics.units(make_corpus([text]), "document")
    assert doc.loc[0, "actors"] == "CSTO;NATO"


def test_units_reject_unknown_kind_and_fit_rejects_duplicate_ids():
    with pytest.raises(ValueError, match="unit must be one of"):
        topics.units(make_corpus(["x"]), "sentence")
    table = pd.DataFrame({"unit_id": ["a", "a"], "doc_id": ["d", "d"], "text": ["x y", "y z"]})
    with pytest.raises(ValueError, match="unique"):
        topics.TopicModel(2).fit(table)


# -- diagnostics against hand computation ------------------------------------------------------
#: 4 documents x 5 terms (a b c d e); counts above 1 must not matter (presence only).
TOY = np.array([[1, 1, 0, 0, 1], [3, 1, 1, 0, 0], [1, 0, 1, 1, 0], [0, 0, 2, 1, 1]])
TOP = [
    [0, 1, 2],  # topic 0: a, b, c (most probable first)
    [3, 4, 1],
]  # topic 1: d, e, b


def test_umass_by_hand():
    # D(a)=3 D(b)=2 D(c)=3 D(d)=2 D(e)=2; D(a,b)=2 D(a,c)=2 D(b,c)=1 D(d,e)=1 D(d,b)=0 D(e,b)=1
    # UMass pair (m, l): log((D(v_m, v_l) + 1) / D(v_l)), v_l the more probable word.
    topic0 = [log((2 + 1) / 3), log((2 + 1) / 3), log((1 + 1) / 2)]  # b|a, c|a, c|b
    topic1 = [log((1 + 1) / 2), log((0 + 1) / 2), log((1 + 1) / 2)]  # e|d, b|d, b|e
    got = topics.coherence(TOP, sparse.csr_matrix(TOY), measure="umass")
    np.testing.assert_allclose(got, [np.mean(topic0), np.mean(topic1)])
    assert got[1] == pytest.approx(log(0.5) / 3)


def test_npmi_by_hand():
    # NPMI = log(P(i,j) / (P(i) P(j))) / -log P(i,j); P = share of the 4 documents
    ab = log((2 / 4) / ((3 / 4) * (2 / 4))) / -log(2 / 4)
    ac = log((2 / 4) / ((3 / 4) * (3 / 4))) / -log(2 / 4)
    bc = log((1 / 4) / ((2 / 4) * (3 / 4))) / -log(1 / 4)
    de = log((1 / 4) / ((2 / 4) * (2 / 4))) / -log(1 / 4)  # = 0: independent
    db = -1.0  # never together
    eb = log((1 / 4) / ((2 / 4) * (2 / 4))) / -log(1 / 4)  # = 0
    got = topics.coherence(TOP, TOY, measure="npmi")
    np.testing.assert_allclose(got, [(ab + ac + bc) / 3, (de + db + eb) / 3], atol=1e-12)
    assert got[1] == pytest.approx(-1 / 3)


def test_exclusivity_diversity_relevance_frex_small_cases():
    phi = np.array([[0.5, 0.3, 0.2, 0.0], [0.0, 0.3, 0.2, 0.5]])
    # top 2 of topic 0: terms 0 (excl 1) and 1 (excl 0.5); topic 1: terms 3 (1) and 1 (0.5)
    np.testing.assert_allclose(topics.exclusivity(phi, n=2), [0.75, 0.75])
    assert topics.diversity(phi, n=2) == 3 / 4  # {0, 1} and {3, 1}
    freq = np.array([5, 6, 4, 5])
    rel = topics.relevance(phi, freq, lambda_=0.6)
    assert rel[0, 0] == pytest.approx(0.6 * log(0.5) + 0.4 * log(0.5 / (5 / 20)))
    fx = topics.frex(phi, weight=0.5)
    assert fx[0].argmax() == 0 and fx[1].argmax() == 3  # frequent AND exclusive wins
    assert fx[0, 0] == pytest.approx(1.0)  # top rank on both counts


# -- stability ---------------------------------------------------------------------------------
RUN_A = [
    ["nato", "alliance", "troops"],
    ["un", "peacekeeping", "mission"],
    ["csto", "russia", "collective"],
]


def test_match_topics_recovers_a_known_permutation():
    run_b = [RUN_A[2], RUN_A[0], RUN_A[1]]  # b's topic 1 is a's topic 0...
    m = topics.match_topics(RUN_A, run_b, n=3)
    assert m[["topic_a", "topic_b"]].values.tolist() == [[0, 1], [1, 2], [2, 0]]
    assert (m["jaccard"] == 1.0).all()
    noisy = [
        ["csto", "russia", "treaty"],
        ["nato", "alliance", "troops"],
        ["un", "mission", "blue"],
    ]
    m = topics.match_topics(RUN_A, noisy, n=3)
    assert m["topic_b"].tolist() == [1, 2, 0]
    np.testing.assert_allclose(m["jaccard"], [1.0, 0.5, 0.5])  # 2 shared of 4 distinct


def test_compare_runs_picks_the_run_closest_to_the_others():
    # the CSTO topic drifts: RUN_A -> middle shares 1 of 5 words, middle -> far 2 of 4
    middle = [RUN_A[1], ["csto", "treaty", "armenia"], RUN_A[0]]  # order shuffled
    far = [RUN_A[0], RUN_A[1], ["treaty", "armenia", "kazakhstan"]]
    st = topics.compare_runs([RUN_A, middle, far], n=3)
    np.testing.assert_allclose(st.pairs["mean_jaccard"], [2.2 / 3, 2 / 3, 2.5 / 3])
    np.testing.assert_allclose(st.runs["mean_match"], [4.2 / 6, 4.7 / 6, 4.5 / 6])
    assert st.representative == 1
    assert st.runs["representative"].tolist() == [False, True, False]
    assert st.topics["mean_jaccard"].tolist() == [1.0, pytest.approx((0.2 + 0.5) / 2), 1.0]
    assert st.topics["min_jaccard"].tolist() == [1.0, 0.2, 1.0]


# -- prevalence with the cluster bootstrap -----------------------------------------------------
def test_bootstrap_ci_covers_the_mean_and_narrows_with_more_documents():
    alpha = [2.0, 1.0, 1.0]
    widths = []
    for n in (40, 2000):
        theta = dirichlet_docs(n, alpha, seed=n)
        p = topics.prevalence(fake_model(theta, range(n)), n_boot=400)
        assert list(p.columns) == topics.PREVALENCE_COLUMNS
        np.testing.assert_allclose(p["mean"], theta.mean(axis=0))
        assert ((p["ci_low"] < p["mean"]) & (p["mean"] < p["ci_high"])).all()
        assert (p["n_docs"] == n).all()
        widths.append((p["ci_high"] - p["ci_low"]).to_numpy())
    assert (widths[1] < widths[0] / 4).all()  # ~ 1/sqrt(50) narrower
    last = topics.prevalence(fake_model(dirichlet_docs(2000, alpha, 2000), range(2000)))
    truth = np.array(alpha) / sum(alpha)
    assert ((last["ci_low"] < truth) & (truth < last["ci_high"])).all()


def test_bootstrap_is_seeded():
    model = fake_model(dirichlet_docs(50, [1, 1], 0), range(50))
    a = topics.prevalence(model, random_state=7)
    pd.testing.assert_frame_equal(a, topics.prevalence(model, random_state=7))
    assert not a.equals(topics.prevalence(model, random_state=8))


def test_cluster_bootstrap_resamples_documents_not_units():
    n_docs, per_doc = 30, 20
    doc_theta = dirichlet_docs(n_docs, [1.0, 1.0], seed=1)
    units = np.repeat(doc_theta, per_doc, axis=0)  # 20 identical units a doc
    doc_ids = np.repeat([f"d{i}" for i in range(n_docs)], per_doc)
    by_units = topics.prevalence(fake_model(units, doc_ids), n_boot=300)
    by_docs = topics.prevalence(fake_model(doc_theta, [f"d{i}" for i in range(n_docs)]), n_boot=300)
    # the same documents drawn: identical intervals, whatever the number of units
    pd.testing.assert_frame_equal(by_units, by_docs)
    # treating the 600 units as independent would make the interval ~sqrt(20) too narrow
    naive = topics.prevalence(fake_model(units, [f"u{i}" for i in range(len(units))]), n_boot=300)
    ratio = (by_units["ci_high"] - by_units["ci_low"]) / (naive["ci_high"] - naive["ci_low"])
    assert (ratio > 3).all()
    assert (by_units["n_docs"] == n_docs).all()


def test_unit_weighting_counts_units_but_still_resamples_documents():
    theta = np.array([[1.0, 0.0], [1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    model = fake_model(theta, ["a", "a", "a", "b"])
    doc = topics.prevalence(model, weight="document", n_boot=50)
    unit = topics.prevalence(model, weight="unit", n_boot=50)
    assert doc["mean"].tolist() == [0.5, 0.5] and unit["mean"].tolist() == [0.75, 0.25]


def test_prevalence_differences_have_intervals_and_detect_a_real_difference():
    n = 300
    theta = np.vstack(
        [dirichlet_docs(n, [3, 1], 1), dirichlet_docs(n, [1, 3], 2), dirichlet_docs(n, [3, 1], 3)]
    )
    group = ["a"] * n + ["b"] * n + ["c"] * n
    model = fake_model(theta, range(3 * n), bloc=group)
    d = topics.prevalence_difference(model, "bloc", n_boot=500)
    assert list(d.columns) == [
        "topic",
        "label",
        "group",
        "reference",
        "diff",
        "ci_low",
        "ci_high",
        "p",
        "n_docs",
        "n_docs_reference",
    ]
    assert (d["reference"] == "a").all() and (d["n_docs_reference"] == n).all()
    b0 = d[(d["group"] == "b") & (d["topic"] == 0)].iloc[0]
    assert b0["ci_low"] < b0["diff"] < b0["ci_high"] < 0  # 0.25 - 0.75 = -0.5
    assert b0["ci_low"] < -0.5 < b0["ci_high"] and b0["p"] < 0.01
    c0 = d[(d["group"] == "c") & (d["topic"] == 0)].iloc[0]
    assert c0["ci_low"] < 0 < c0["ci_high"] and c0["p"] > 0.05  # same distribution
    means = topics.prevalence(model, by="bloc", n_boot=500).set_index(["topic", "group"])["mean"]
    assert b0["diff"] == pytest.approx(means[0, "b"] - means[0, "a"])
    with pytest.raises(ValueError, match="not a group"):
        topics.prevalence_difference(model, "bloc", reference="z")


def test_prevalence_by_actor_counts_a_unit_for_every_actor_it_names():
    theta = np.array([[0.9, 0.1], [0.2, 0.8], [0.5, 0.5], [0.4, 0.6]])
    model = fake_model(theta, ["a", "b", "c", "d"], actors=["NATO", "CSTO;NATO", "", "UN"])
    p = topics.prevalence(model, by="actor", n_boot=50).query("topic == 0")
    assert p.set_index("group")["mean"].round(6).to_dict() == {"CSTO": 0.2, "NATO": 0.55, "UN": 0.4}
    assert p.set_index("group")["n_docs"].to_dict() == {"CSTO": 1, "NATO": 2, "UN": 1}
    with pytest.raises(ValueError, match="no column 'party'"):
        topics.prevalence(model, by="party")


def test_trend_without_smoothing_equals_yearly_prevalence_and_smooths_by_hand():
    theta = dirichlet_docs(60, [1, 1], 5)
    years = np.repeat([2000, 2001, 2003], 20)
    model = fake_model(theta, range(60), year=years)
    raw = topics.prevalence_trend(model, bandwidth=0, n_boot=200)
    yearly = topics.prevalence(model, by="year", n_boot=200)
    for col in ("mean", "ci_low", "ci_high", "n_docs"):
        np.testing.assert_allclose(raw[col].to_numpy(float), yearly[col].to_numpy(float))
    smooth = topics.prevalence_trend(model, bandwidth=1.0, n_boot=200)
    w = np.exp(-0.5 * (np.array([2000, 2001, 2003]) - 2001) ** 2)  # kernel at t = 2001
    sums = np.array([theta[years == y, 0].sum() for y in (2000, 2001, 2003)])
    expected = (w @ sums) / (w @ np.array([20, 20, 20]))
    got = smooth[(smooth["topic"] == 0) & (smooth["time"] == 2001)].iloc[0]
    assert got["mean"] == pytest.approx(expected)
    assert got["ci_low"] < got["mean"] < got["ci_high"]
    assert list(smooth.columns) == [
        "topic",
        "label",
        "group",
        "time",
        "mean",
        "ci_low",
        "ci_high",
        "n_docs",
    ]
    fig = topics.plot_trend(smooth)
    assert [ax.get_title(loc="left") for ax in fig.axes if ax.get_visible()] == ["t0", "t1"]


# -- fitting, determinism, cache ---------------------------------------------------------------
def test_same_seed_gives_identical_tables_and_another_seed_differs(factbook):
    table = topics.units(factbook, actors=()).head(150)
    a = topics.TopicModel(5, random_state=1, max_iter=5, cache=False).fit(table)
    b = topics.TopicModel(5, random_state=1, max_iter=5, cache=False).fit(table)
    pd.testing.assert_frame_equal(a.top_terms(), b.top_terms())
    pd.testing.assert_frame_equal(a.doc_topics(), b.doc_topics())
    pd.testing.assert_frame_equal(topics.prevalence(a, "region"), topics.prevalence(b, "region"))
    c = topics.TopicModel(5, random_state=2, max_iter=5, cache=False).fit(table)
    assert not np.array_equal(a.doc_topic_, c.doc_topic_)


def test_doc_topics_equal_sklearn_fit_transform_on_the_same_matrix(factbook):
    table = topics.units(factbook, actors=())
    tm = topics.TopicModel(6, random_state=0, cache=False).fit(table)
    counts = topics.unit_dtm(table, TokenOptions(), min_df=2, max_df=0.9, cache=False)
    X = counts.matrix[np.diff(counts.matrix.indptr) > 0].astype(float)
    bare = LatentDirichletAllocation(6, random_state=0)
    theta = bare.fit_transform(X)
    order = np.argsort(-theta.mean(axis=0), kind="stable")
    np.testing.assert_allclose(tm.doc_topic_, theta[:, order], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(tm.components_, bare.components_[order])
    assert list(tm.terms_) == list(counts.terms)
    assert np.allclose(tm.doc_topic_.sum(axis=1), 1)
    assert (np.diff(tm.doc_topic_.mean(axis=0)) <= 0).all()  # topic 0 most prevalent


def test_cache_round_trip_npz_json_gives_identical_results(factbook, _private_cache):
    table = topics.units(factbook, actors=())
    first = topics.TopicModel(5, random_state=3).fit(table)
    second = topics.TopicModel(5, random_state=3).fit(table)
    assert (first.from_cache_, second.from_cache_) == (False, True)
    for name in ("components_", "doc_topic_", "term_frequency_", "umass_", "npmi_"):
        np.testing.assert_array_equal(getattr(first, name), getattr(second, name))
    pd.testing.assert_frame_equal(first.top_terms(), second.top_terms())
    pd.testing.assert_frame_equal(first.doc_topics(), second.doc_topics())
    pd.testing.assert_frame_equal(
        topics.prevalence(first, "region"), topics.prevalence(second, "region")
    )
    entries = list((_private_cache / "topics").iterdir())
    assert len(entries) == 1
    assert sorted(p.name for p in entries[0].iterdir()) == ["model.json", "model.npz"]
    with np.load(entries[0] / "model.npz", allow_pickle=False) as z:
        assert z["doc_topic"].shape == first.doc_topic_.shape
    assert json.loads((entries[0] / "model.json").read_text())["k"] == 5
    other = topics.TopicModel(5, random_state=3, min_df=3).fit(table)
    assert not other.from_cache_  # parameters are in the key


def test_save_and_load_keep_edited_labels_and_every_table(fb_model, tmp_path):
    fb_model.labels_[0] = "Edited label"
    try:
        loaded = topics.TopicModel.load(fb_model.save(tmp_path / "model"))
        assert loaded.labels_[0] == "Edited label"
        pd.testing.assert_frame_equal(loaded.top_terms(), fb_model.top_terms())
        pd.testing.assert_frame_equal(loaded.doc_topics(), fb_model.doc_topics())
        np.testing.assert_allclose(
            loaded.transform(fb_model.units_.head(5)), fb_model.transform(fb_model.units_.head(5))
        )
    finally:
        fb_model.labels_ = topics.auto_labels(fb_model)


def test_run_cli_same_seed_writes_byte_identical_files(tmp_path):
    first = topics.run_cli("factbook", k=4, seed=5, out_dir=tmp_path / "a", n_boot=200)
    second = topics.run_cli("factbook", k=4, seed=5, out_dir=tmp_path / "b", n_boot=200)
    assert sorted(first) == ["doc_topics", "prevalence", "top_terms"]
    for name, path in first.items():
        assert path.read_bytes() == second[name].read_bytes(), name
    prev = pd.read_csv(first["prevalence"])
    assert list(prev.columns) == topics.PREVALENCE_COLUMNS
    assert "africa" in set(prev["group"])  # grouped by region
    assert len(pd.read_csv(first["doc_topics"])) == 255


# -- the factbook ------------------------------------------------------------------------------
def test_factbook_has_a_nato_or_military_topic_and_complete_tables(fb_model):
    terms = fb_model.top_terms(10)
    assert len(terms) == 80 and list(terms.columns) == topics.TOPIC_TERM_COLUMNS
    by_topic = terms.groupby("topic")["term"].apply(set)
    assert any({"nato", "military"} & t for t in by_topic)
    assert len(set(fb_model.labels_.values())) == 8
    rep = fb_model.representative(2)
    assert len(rep) == 16 and rep["snippet"].str.len().le(240).all()
    diag = fb_model.diagnostics()
    assert diag["npmi"].between(-1, 1).all() and (diag["umass"] <= 0).all()
    docs = fb_model.doc_topics(level="document")
    assert len(docs) == 255 and {"region", "topic_7", "top_label"} <= set(docs.columns)
    assert fb_model.perplexity_ > 1 and np.isnan(fb_model.reconstruction_err_)


def test_held_out_perplexity_sweep_and_plot(factbook):
    table = topics.units(factbook, actors=()).head(150)
    sw = topics.sweep(table, [3, 5], seeds=[0, 1], max_iter=5, cache=False)
    assert list(sw.columns) == [
        "model",
        "k",
        "seed",
        "umass",
        "npmi",
        "exclusivity",
        "diversity",
        "perplexity",
        "stability",
    ]
    assert len(sw) == 4 and sw["stability"].between(0, 1).all()
    assert (sw["perplexity"] > 1).all() and sw.attrs["perplexity"] == "held-out"
    fig = topics.plot_sweep(sw)
    assert len([ax for ax in fig.axes if ax.get_visible()]) == 6


def test_nmf_fits_tfidf_and_transforms_new_units(factbook):
    table = topics.units(factbook, actors=())
    nmf = topics.TopicModel(5, model="nmf", cache=False).fit(table)
    assert nmf.doc_topic_.shape == (255, 5) and np.isnan(nmf.perplexity_)
    np.testing.assert_allclose(nmf.transform(table.head(10)), nmf.doc_topic_[:10], atol=1e-3)
    with pytest.raises(ValueError, match="LDA only"):
        nmf.perplexity(table.head(10))


def test_bad_parameters_say_what_to_do(fb_model):
    with pytest.raises(ValueError, match="model='plsa' is not one of"):
        topics.TopicModel(3, model="plsa").fit(make_corpus(["a b c"]))
    with pytest.raises(ValueError, match="build them with"):
        topics.prevalence(fake_model([[0.5, 0.5]], ["d"]), by="actor")
    with pytest.raises(ValueError, match="weight must be"):
        topics.prevalence(fb_model, weight="token")


def test_sample_documents_keeps_whole_documents():
    sample_documents = topics.sample_documents
    table = pd.DataFrame({"doc_id": ["a", "a", "b", "c", "c", "c", "d"], "text": list("pqrstuv")})
    assert sample_documents(table, None) is table and sample_documents(table, 4) is table
    two = sample_documents(table, 2, random_state=1)
    assert two["doc_id"].nunique() == 2
    counts = table["doc_id"].value_counts()
    assert all((two["doc_id"] == d).sum() == counts[d] for d in two["doc_id"].unique())
    assert two.index.is_monotonic_increasing and two.attrs["sampled_docs"] == 2
    assert two.equals(sample_documents(table, 2, random_state=1))  # seeded


def test_k_too_large_for_the_data_is_refused_or_warned():
    """topics --k 20 on 7 documents was accepted silently; 8 topics on 17 paragraphs gave
    empty duplicate topics."""
    from analysis.errors import OptionError

    words = "summit moscow peacekeeping border security drills troops treaty council".split()
    texts = [" ".join(words[i : i + 4] * 3) for i in range(7)]
    with pytest.raises(OptionError, match=r"k=20: .* units \(7\)"):
        topics.TopicModel(20).fit(make_corpus(texts))
    with pytest.warns(UserWarning, match=r"k=3 topics on 7 units: fewer than 5 units a topic"):
        topics.TopicModel(3).fit(make_corpus(texts))
    assert topics.max_k(7) == 2 and topics.max_k(17) == 3 and topics.max_k(3093) == 618


def test_choose_k_rule():
    sweep = pd.DataFrame(
        {
            "k": [4, 6, 8, 10, 4],
            "npmi": [0.20, 0.30, 0.35, 0.40, 0.20],
            "diversity": [0.90, 0.80, 0.72, 0.60, 0.90],
        }
    )
    assert topics.choose_k(sweep) == 8  # k=10 is more coherent but repeats its top words
    assert topics.choose_k(sweep, min_diversity=0.5) == 10
    assert topics.choose_k(sweep, min_diversity=0.95) == 4  # none diverse enough: most diverse
    tie = pd.DataFrame({"k": [4, 6], "npmi": [0.3, 0.3], "diversity": [0.9, 0.9]})
    assert topics.choose_k(tie) == 4
    assert "0.70" in topics.k_rule()
