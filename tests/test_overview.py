"""analysis.overview: exact counts on a hand-made corpus, behaviour on the real factbook."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import overview
from analysis.corpus import Corpus


@pytest.fixture
def tiny():
    docs = pd.DataFrame(
        {
            "doc_id": ["a", "b", "c", "d", "e"],
            "text": ["x"] * 5,
            "title": None,
            "date": pd.NaT,
            "source": "hand",
            "author": None,
            "url": None,
            "lang": "en",
            "region": ["europe", "asia", "europe", None, " "],
            "member_csto": [False, True, False, False, False],
            "member_nato": [True, False, True, False, False],
            "n_words": [10, 100, 30, 1000, 5],
        }
    )
    return Corpus(docs, name="tiny")


def test_by_group_counts_by_hand(tiny):
    table = overview.by_group(tiny, "region")
    assert table.columns.tolist() == ["group", "n_docs", "n_words", "share_docs", "share_words"]
    # europe: a, c; missing: d and the blank e; asia: b. Ties by name: "(missing)" < "europe".
    assert table["group"].tolist() == ["(missing)", "europe", "asia"]
    assert table["n_docs"].tolist() == [2, 2, 1]
    assert table["n_words"].tolist() == [1005, 40, 100]
    assert table["share_docs"].tolist() == pytest.approx([0.4, 0.4, 0.2])
    assert table["share_words"].tolist() == pytest.approx([1005 / 1145, 40 / 1145, 100 / 1145])
    assert table.attrs["field"] == "region"


def test_by_group_top_folds_the_rest_into_other(tiny):
    table = overview.by_group(tiny, "region", top=1)
    assert table["group"].tolist() == ["(missing)", "(other)"]
    assert table["n_docs"].tolist() == [2, 3]
    assert table["n_words"].tolist() == [1005, 140]
    assert table["share_docs"].sum() == pytest.approx(1)


def test_by_group_unknown_field_names_the_fields(tiny):
    with pytest.raises(ValueError, match=r"no field 'country'.*'region'"):
        overview.by_group(tiny, "country")


def test_lengths_match_numpy_histogram(tiny):
    table = overview.lengths(tiny, bins=4)
    assert table.columns.tolist() == ["bin_start", "bin_end", "n_docs"]
    assert table["bin_start"].iloc[0] == 5 and table["bin_end"].iloc[-1] == pytest.approx(1000)
    assert np.allclose(
        np.log(table["bin_end"]) - np.log(table["bin_start"]), np.log(1000 / 5) / 4
    )  # equal widths on the log scale
    expected, _ = np.histogram(
        [10, 100, 30, 1000, 5], bins=np.r_[table["bin_start"], table["bin_end"].iloc[-1]]
    )
    assert table["n_docs"].tolist() == expected.tolist()
    assert table["n_docs"].sum() == len(tiny)


def test_memberships_by_hand_and_empty_without_columns(tiny):
    table = overview.memberships(tiny)
    assert table.to_dict(orient="list") == {
        "organization": ["NATO", "CSTO"],
        "n_docs": [2, 1],
        "share_docs": [0.4, 0.2],
    }
    plain = Corpus(tiny.docs.drop(columns=["member_csto", "member_nato"]), name="plain")
    empty = overview.memberships(plain)
    assert empty.empty and empty.columns.tolist() == ["organization", "n_docs", "share_docs"]


def test_factbook_overview_adds_up(factbook):
    info = factbook.info()
    regions = overview.by_group(factbook, "region")
    assert regions["n_docs"].sum() == info["n_docs"] == 255
    assert regions["n_words"].sum() == info["n_words"]
    assert "(missing)" not in set(regions["group"])
    assert overview.lengths(factbook)["n_docs"].sum() == 255
    members = overview.memberships(factbook).set_index("organization")["n_docs"]
    assert (members["CSTO"], members["NATO"], members["UN"]) == (6, 32, 193)


def test_group_field_falls_back_to_a_column_that_splits_the_corpus():
    docs = pd.DataFrame(
        {
            "doc_id": ["a", "b", "c"],
            "source": ["UNGDC"] * 3,
            "country": ["RUS", "KAZ", "RUS"],
            "lang": ["en"] * 3,
        }
    )
    assert overview.group_field(docs, "country") == "country"
    assert overview.group_field(docs, "region") == "country"  # no region; one source
    assert overview.group_field(docs, "source") == "country"  # a single source splits nothing
    # nothing splits: a column that exists (one group), never a missing one
    assert overview.group_field(docs.drop(columns="country"), "source") == "source"
    assert overview.group_field(docs.drop(columns="country"), "region") == "lang"
