"""Collocates and multiword expressions: counts and measures by hand, spans, nodes, articles."""

from __future__ import annotations

from math import log2, sqrt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from scipy.stats import chi2_contingency

import analysis
from analysis.collocations import (
    COLLOCATE_COLUMNS,
    MEASURES,
    NGRAM_COLUMNS,
    association,
    collocates,
    ngram_collocations,
    signed_g2,
    token_stream,
)
from analysis.tokens import TokenOptions, dtm

#: Every word is a token: no stopwords, no length limit, no actor merging.
ALL_WORDS = TokenOptions(stopwords=None, domain_stopwords=False, min_length=1, keep_actors=False)
#: Two documents of ten tokens; the node is "n" (positions 2 and 7 in d1, 1 in d2).
#:          0 1 2 3 4 5 6 7 8 9
HAND = {"d1": "p q n r s t u n r v", "d2": "r n q w x y z r l m"}


def docs(texts: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({"doc_id": list(texts), "text": list(texts.values())})


def row(table: pd.DataFrame, collocate: str) -> pd.Series:
    return table.set_index("collocate").loc[collocate]


# -- counts and measures by hand ----------------------------------------------------------
def test_counts_by_hand_window_2_both_sides():
    out = collocates(docs(HAND), "n", window=2, options=ALL_WORDS, min_count=1)
    assert list(out.columns) == COLLOCATE_COLUMNS
    # windows (2 left, 2 right): d1@2 -> p q | r s; d1@7 -> t u | r v; d2@1 -> r | q w
    assert dict(zip(out["collocate"], out["count"])) == {
        "r": 3,
        "q": 2,
        "p": 1,
        "s": 1,
        "t": 1,
        "u": 1,
        "v": 1,
        "w": 1,
    }
    r = row(out, "r")
    assert (r["count"], r["count_node"], r["count_collocate"], r["n_tokens"]) == (3, 3, 4, 20)
    # E = f(n) f(c) S / N with S = 2 * window = 4: 3 * 4 * 4 / 20 = 2.4
    expected = 3 * 4 * 4 / 20
    assert r["logdice"] == pytest.approx(14 + log2(2 * 3 / (3 + 4)))  # 13.7776
    assert r["mi"] == pytest.approx(log2(3 * 20 / (3 * 4 * 4)))  # log2(1.25)
    assert r["mi"] == pytest.approx(log2(3 / expected))
    assert r["mi3"] == pytest.approx(log2(3**3 * 20 / (3 * 4 * 4)))  # log2(11.25)
    assert r["t_score"] == pytest.approx((3 - expected) / sqrt(3))
    # the 2x2 table: node windows (f(n) S = 12 tokens) vs the other 8; "r" vs other tokens
    g2 = chi2_contingency(
        [[3, 12 - 3], [4 - 3, 20 - 12 - 4 + 3]], correction=False, lambda_="log-likelihood"
    )[0]
    assert r["g2"] == pytest.approx(g2)


def test_left_and_right_spans():
    left = collocates(docs(HAND), "n", window=2, span="left", options=ALL_WORDS, min_count=1)
    right = collocates(docs(HAND), "n", window=2, span="right", options=ALL_WORDS, min_count=1)
    assert dict(zip(left["collocate"], left["count"])) == {"p": 1, "q": 1, "t": 1, "u": 1, "r": 1}
    assert dict(zip(right["collocate"], right["count"])) == {"r": 2, "s": 1, "v": 1, "q": 1, "w": 1}
    assert left.attrs["span_size"] == right.attrs["span_size"] == 2
    # one side: S = window = 2, so E = 3 * 4 * 2 / 20 = 1.2 for "r"
    assert row(right, "r")["mi"] == pytest.approx(log2(2 / (3 * 4 * 2 / 20)))
    assert row(left, "r")["mi"] == pytest.approx(log2(1 / 1.2))
    assert row(left, "r")["logdice"] == pytest.approx(14 + log2(2 * 1 / (3 + 4)))


def test_window_1_and_document_edges():
    out = collocates(docs(HAND), "n", window=1, options=ALL_WORDS, min_count=1)
    # d1@2 -> q | r; d1@7 -> u | r; d2@1 -> r | q  (windows never cross documents)
    assert dict(zip(out["collocate"], out["count"])) == {"r": 3, "q": 2, "u": 1}


def test_node_tokens_are_not_collocates_and_a_token_in_two_windows_counts_once():
    out = collocates(docs({"a": "n n a n b"}), "n", window=1, options=ALL_WORDS, min_count=1)
    # n@0 -> | (n); n@1 -> (n) | a; n@3 -> a | b: "a" is in two windows, matched to one
    assert dict(zip(out["collocate"], out["count"])) == {"a": 1, "b": 1}
    assert out["count_node"].unique().tolist() == [3]
    # two tokens of a collocate in one node's window: one pair (f(n,c) <= f(n))
    out = collocates(docs({"a": "a n a"}), "n", window=1, options=ALL_WORDS, min_count=1)
    assert dict(zip(out["collocate"], out["count"])) == {"a": 1}


WORDS = st.lists(st.sampled_from(["n", "a", "b", "c"]), min_size=1, max_size=30)


@hsettings(max_examples=150, deadline=None)
@given(st.lists(WORDS, min_size=1, max_size=4), st.integers(1, 3))
def test_cooccurrence_counts_never_exceed_either_frequency(texts, window):
    """Checked against an independent count: a maximum bipartite matching (scipy)."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import maximum_bipartite_matching

    if not any("n" in t for t in texts):
        return
    out = collocates(
        docs({f"d{i}": " ".join(t) for i, t in enumerate(texts)}),
        "n",
        window=window,
        options=ALL_WORDS,
        min_count=1,
    )
    got = dict(zip(out["collocate"], out["count"]))
    nodes = [(d, i) for d, t in enumerate(texts) for i, w in enumerate(t) if w == "n"]
    for word in ("a", "b", "c"):
        tokens = [(d, i) for d, t in enumerate(texts) for i, w in enumerate(t) if w == word]
        edges = [
            (a, b)
            for a, (dn, i) in enumerate(nodes)
            for b, (dt, j) in enumerate(tokens)
            if dn == dt and 0 < abs(i - j) <= window
        ]
        if not edges:
            assert word not in got
            continue
        rows, cols = zip(*edges)
        graph = csr_matrix(([1] * len(edges), (rows, cols)), shape=(len(nodes), len(tokens)))
        expected = int((maximum_bipartite_matching(graph, perm_type="column") >= 0).sum())
        assert got[word] == expected
        assert got[word] <= min(len(nodes), len(tokens))


def test_phrase_and_glob_nodes():
    texts = {
        "a": "the security council met and the security forces left",
        "b": "a secure council and a securing council",
    }
    phrase = collocates(docs(texts), "Security Council", window=1, options=ALL_WORDS, min_count=1)
    assert dict(zip(phrase["collocate"], phrase["count"])) == {"the": 1, "met": 1}
    assert phrase["count_node"].iloc[0] == 1
    glob = collocates(docs(texts), "secur*", window=1, options=ALL_WORDS, min_count=1)
    assert glob["count_node"].iloc[0] == 4
    assert dict(zip(glob["collocate"], glob["count"])) == {
        "the": 2,
        "council": 3,
        "forces": 1,
        "a": 2,
    }
    both = collocates(docs(texts), "secur* council", window=1, options=ALL_WORDS, min_count=1)
    assert both["count_node"].iloc[0] == 3


def test_stopwords_are_skipped_by_the_window():
    text = {"a": "the treaty of the organization and the alliance"}
    out = collocates(
        docs(text), "organization", window=1, min_count=1, options=TokenOptions(keep_actors=False)
    )
    # "of the" and "and the" are removed first: the window reaches "treaty" and "alliance"
    assert sorted(out["collocate"]) == ["alliance", "treaty"]
    with pytest.raises(ValueError, match="no token the options keep"):
        collocates(docs(text), "the", options=TokenOptions(keep_actors=False))


def test_min_counts_sorting_and_top():
    out = collocates(docs(HAND), "n", window=2, options=ALL_WORDS, min_count=2)
    assert set(out["collocate"]) == {"r", "q"}
    for measure in MEASURES:
        ranked = collocates(
            docs(HAND), "n", window=2, options=ALL_WORDS, min_count=1, measure=measure
        )
        assert ranked[measure].is_monotonic_decreasing
        assert ranked.attrs["measure"] == measure
    assert len(collocates(docs(HAND), "n", options=ALL_WORDS, min_count=1, top=3)) == 3
    rare = collocates(docs(HAND), "n", options=ALL_WORDS, min_count=1, min_collocate_count=2)
    assert set(rare["collocate"]) == {"r", "q"}
    with pytest.raises(ValueError, match="measure must be one of"):
        collocates(docs(HAND), "n", measure="dice")


def test_absent_node_gives_an_empty_table():
    out = collocates(docs(HAND), "absent", options=ALL_WORDS)
    assert out.empty and list(out.columns) == COLLOCATE_COLUMNS


def test_association_matches_an_independent_computation():
    o, f_node, f_coll, n, span = np.array([5, 1, 40]), 20, np.array([10, 300, 60]), 5000, 6
    out = association(o, f_node, f_coll, n, span_size=span)
    for i in range(3):
        e = f_node * f_coll[i] * span / n
        assert out["mi"][i] == pytest.approx(np.log2(o[i] / e))
        assert out["mi3"][i] == pytest.approx(np.log2(o[i] ** 3 / e))
        assert out["logdice"][i] == pytest.approx(14 + np.log2(2 * o[i] / (f_node + f_coll[i])))
        assert out["t_score"][i] == pytest.approx((o[i] - e) / np.sqrt(o[i]))
        table = [
            [o[i], f_node * span - o[i]],
            [f_coll[i] - o[i], n - f_node * span - f_coll[i] + o[i]],
        ]
        g2 = chi2_contingency(table, correction=False, lambda_="log-likelihood")[0]
        assert abs(out["g2"][i]) == pytest.approx(g2)
        assert np.sign(out["g2"][i]) == np.sign(o[i] - e)  # signed: repulsion < 0
    assert signed_g2([0], [10], [10], 100)[0] < 0
    assert (out["logdice"] <= 14).all()


# -- actors -------------------------------------------------------------------------------
def test_actor_node_counts_every_alias():
    try:
        import analysis.actors  # noqa: F401
    except ImportError as err:  # pragma: no cover
        pytest.skip(f"analysis.actors is not importable yet ({err}): actor nodes need it")
    texts = {
        "a": "Leaders praised the CSTO. Critics said the Collective Security Treaty "
        "Organization failed. The ODKB responded."
    }
    out = collocates(docs(texts), "CSTO", kind="actor", window=1, options=ALL_WORDS, min_count=1)
    assert out["count_node"].iloc[0] == 3
    # the words of the long name are the node itself, never its collocates
    assert dict(zip(out["collocate"], out["count"])) == {
        "the": 3,
        "critics": 1,
        "failed": 1,
        "responded": 1,
    }


# -- multiword expressions ----------------------------------------------------------------
def test_ngram_collocations_by_hand():
    texts = {
        "a": "the security council met . the security council voted on security",
        "b": "council members and security forces met the council",
    }
    out = ngram_collocations(docs(texts), options=ALL_WORDS, min_count=2)
    assert list(out.columns) == NGRAM_COLUMNS
    # "." is no token, so "met . the" is the bigram "met the" (twice)
    assert set(out["ngram"]) == {"security council", "the security", "met the"}
    sc = out.set_index("ngram").loc["security council"]
    # N = 10 + 8 = 18 tokens; f(security) = 3 + 1 = 4, f(council) = 2 + 2 = 4
    assert (sc["count"], sc["count_prefix"], sc["count_last"], sc["n_tokens"]) == (2, 4, 4, 18)
    assert sc["logdice"] == pytest.approx(14 + log2(2 * 2 / (4 + 4)))  # 13
    assert sc["mi"] == pytest.approx(log2(2 * 18 / (4 * 4)))  # log2(2.25)
    assert sc["t_score"] == pytest.approx((2 - 4 * 4 / 18) / sqrt(2))
    g2 = chi2_contingency(
        [[2, 4 - 2], [4 - 2, 18 - 4 - 4 + 2]], correction=False, lambda_="log-likelihood"
    )[0]
    assert sc["g2"] == pytest.approx(g2)


def test_trigrams_and_removed_words():
    text = {"a": "weapons of mass destruction and weapons of mass destruction"}
    out = ngram_collocations(docs(text), n=2, min_count=2, options=TokenOptions(keep_actors=False))
    # "of" and "and" are stopwords: n-grams never span them (quanteda's padding)
    assert out["ngram"].tolist() == ["mass destruction"]
    tri = ngram_collocations(
        docs({"a": "united nations security council . " * 3}), n=3, options=ALL_WORDS, min_count=3
    )
    assert set(tri["ngram"]) == {"united nations security", "nations security council"}
    assert tri["count_prefix"].tolist() == [3, 3]  # the first two words


# -- the cached token stream --------------------------------------------------------------
def test_token_stream_is_cached_and_the_same_with_workers(tmp_path):
    texts = {f"d{i:03d}": f"alpha beta n{i % 7} gamma the delta" for i in range(600)}
    corpus = docs(texts)
    one = analysis.get_settings(cache_dir=tmp_path / "one", workers=1)
    two = analysis.get_settings(cache_dir=tmp_path / "two", workers=2)
    a, b = token_stream(corpus, settings=one), token_stream(corpus, settings=two)
    assert a.n_tokens == b.n_tokens == 600 * 5  # "the" is a stopword
    assert [a.vocab[i] for i in a.ids[:10]] == [b.vocab[i] for i in b.ids[:10]]
    assert list((tmp_path / "one" / "collocations").glob("*.npz"))
    again = token_stream(corpus, settings=one)
    assert (again.ids == a.ids).all() and (again.bounds == a.bounds).all()


# -- real articles ------------------------------------------------------------------------
def test_articles_csto_collocates(articles):
    out = collocates(articles, "CSTO", top=30)
    words = set(out["collocate"])
    assert {"kazakhstan", "peacekeeping", "forces", "collective", "armenia"} <= words
    assert out["count_node"].iloc[0] >= 150 and (out["count"] >= 3).all()
    assert out["logdice"].is_monotonic_decreasing
    actor = collocates(articles, "CSTO", kind="actor", top=30)
    assert len(words & set(actor["collocate"])) >= 25


def test_articles_counts_agree_with_the_dtm(articles):
    stream = token_stream(articles)
    matrix = dtm(articles)
    assert stream.n_tokens == matrix.n_tokens.sum()
    column_sums = np.asarray(matrix.matrix.sum(axis=0)).ravel()
    assert dict(zip(matrix.terms, column_sums)) == dict(zip(stream.vocab, stream.freq))


def test_articles_ngrams_agree_with_tokenize(articles):
    from collections import Counter
    from dataclasses import replace

    from analysis.tokens import NGRAM_SEP, tokenize

    for n in (2, 3):
        options = replace(TokenOptions(), ngram_range=(n, n))
        expected = Counter(g for t in articles.texts for g in tokenize(t, options))
        out = ngram_collocations(articles, n=n, min_count=2)
        assert dict(zip(out["ngram"], out["count"])) == {
            g.replace(NGRAM_SEP, " "): c for g, c in expected.items() if c >= 2
        }


def test_articles_multiword_expressions(articles):
    out = ngram_collocations(articles, min_count=5)
    assert {
        "security council",
        "peacekeeping forces",
        "secretary general",
        "rapid reaction",
    } <= set(out["ngram"])
    top = set(out.head(30)["ngram"])
    assert {"rapid reaction", "secretary general"} <= top
