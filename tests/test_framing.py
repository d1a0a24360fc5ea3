"""Framing: the frame dictionary, contexts, frame scoring with negation, the cluster
bootstrap, comparisons, keyness and co-mentions on hand-made texts; behaviour on the factbook,
the article folder, a table and (slow) the UN General Debate Corpus."""

from __future__ import annotations

import time
import warnings

import matplotlib
import numpy as np
import pandas as pd
import pytest
from conftest import ARTICLES, ARTICLES_RU, UNGDC, shared_path

import analysis
from analysis import framing, groups, stats
from analysis.errors import OptionError
from analysis.framing import (
    FrameDictionaryError,
    contexts,
    frame_differences,
    frame_hits,
    frame_profile,
    load_frames,
    score_frames,
)

matplotlib.use("Agg")

REQUIRED = {
    "legitimacy",
    "threat",
    "cooperation",
    "peacekeeping",
    "sovereignty",
    "expansion",
    "terrorism",
    "effectiveness",
    "dominance",
}


def invoked(text: str, frames=None) -> set[str]:
    """The frames a text invokes (what its hits count as)."""
    hits = frame_hits(text, frames=frames)
    return set(hits.loc[hits["counted_as"] != "", "counted_as"])


def table(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    """A documents table from ``(doc_id, text, source)`` rows."""
    return pd.DataFrame(rows, columns=["doc_id", "text", "source"])


@pytest.fixture(scope="module")
def articles(tmp_path_factory):
    """The English articles, scored (loaded once, cache in a private folder)."""
    pytest.importorskip("vaderSentiment")
    from analysis.framing import tone

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ANALYSIS_CACHE_DIR", str(tmp_path_factory.mktemp("framing-cache")))
        corpus = analysis.load(shared_path(ARTICLES)).english()
        return tone.score_tone(score_frames(contexts(corpus)))


# -- the dictionary ---------------------------------------------------------------------------
def test_builtin_dictionary_documents_every_category():
    frames = load_frames()
    assert REQUIRED <= set(frames.ids)
    for c in frames.categories.values():
        assert c.label and len(c.description) > 50 and c.literature and c.terms
        assert c.on_negation in ("void", "keep") or c.on_negation[5:] in frames.ids
    terms = {t for c in frames.categories.values() for t in c.terms}
    assert {
        "zone* of responsibility",
        "sphere* of influence",
        "eastward expansion",
        "legitim*",
    } <= terms
    assert frames.negation.window == 3 and frames.negation.default == "void"
    assert {("not",), ("no",), ("never",), ("without",), ("lack", "of"), ("refuses", "to")} <= set(
        frames.negation.negators
    )
    assert load_frames() is frames and load_frames(frames) is frames
    assert list(frames.to_frame()["frame"]) == frames.ids


def test_builtin_blocs_and_outlets():
    blocs = load_frames().blocs
    assert set(blocs["CSTO"]) == {"ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK", "UZB", "AZE", "GEO"}
    assert blocs["CSTO"]["UZB"] == [(1994, 1999), (2006, 2012)]
    assert blocs["NATO"]["FIN"] == [(2023, None)] and blocs["NATO"]["SWE"] == [(2024, None)]
    assert blocs["NATO"]["USA"] == [(1949, None)] and len(blocs["NATO"]) == 32


# -- frame scoring on hand-made sentences -----------------------------------------------------
@pytest.mark.parametrize(
    "text, expected",
    [
        ("NATO's eastward expansion threatens Russia.", {"expansion", "threat"}),
        ("Moscow wants a zone of responsibility in Eurasia.", {"dominance"}),
        ("They carved out spheres of influence.", {"dominance"}),
        ("The UN recognized the CSTO and its legitimacy.", {"legitimacy"}),
        ("Its role was legitimized by the General Assembly.", {"legitimacy"}),
        ("CSTO peacekeepers were deployed to stabilize the situation.", {"peacekeeping"}),
        ("The bloc fights terrorism and drug trafficking.", {"terrorism"}),
        ("The Council was paralysed by the veto.", {"effectiveness", "authority"}),
        ("Respect for sovereignty and non-interference in internal affairs.", {"sovereignty"}),
        ("Sweden joined the Partnership for Peace in 1994.", set()),  # a name, not a frame
        ("The Collective Security Treaty Organization met.", set()),
    ],
)
def test_frames_of_hand_made_sentences(text, expected):
    assert invoked(text) == expected


@pytest.mark.parametrize(
    "text, absent, present",
    [
        ("NATO does not recognize the CSTO.", "legitimacy", None),  # void
        ("NATO doesn't recognize the CSTO.", "legitimacy", None),  # n't
        ("NATO refuses to recognize the CSTO.", "legitimacy", None),  # two-word negator
        ("Despite a lack of recognition, it acts.", "legitimacy", None),
        ("There is no threat from the alliance.", "threat", None),
        ("NATO refuses to cooperate with the CSTO.", "cooperation", "threat"),  # flip
        ("The CSTO was not effective in Karabakh.", None, "effectiveness"),  # keep
        ("It is not only a partner but an ally.", None, "cooperation"),  # not a negator
        ("We did not expect that the threat would grow.", None, "threat"),  # beyond 3 tokens
        ("Not so; threats remain.", None, "threat"),  # clause break
    ],
)
def test_negation(text, absent, present):
    found = invoked(text)
    assert absent is None or absent not in found
    assert present is None or present in found


def test_frame_hits_offsets_and_negators():
    text = "NATO does not recognize the CSTO, but the UN gave its blessing."
    hits = frame_hits(text)
    assert all(text[s:e] == surf for s, e, surf in zip(hits["start"], hits["end"], hits["surface"]))
    rec = hits[hits["term"] == "recogni*"].iloc[0]
    assert (rec["negated"], rec["negator"], rec["counted_as"]) == (True, "not", "")
    bless = hits[hits["term"] == "blessing"].iloc[0]
    assert (bless["negated"], bless["counted_as"]) == (False, "legitimacy")
    multi = frame_hits("It claims a zone of responsibility.")
    assert multi["surface"].tolist() == ["zone of responsibility"]


def test_score_frames_adds_one_column_per_frame(tmp_path):
    ctx = contexts("NATO expansion worries Moscow. The UN keeps the peace with peacekeepers.")
    scored = score_frames(ctx)
    cols = framing.frame_columns(scored)
    assert cols == [f"frame_{i}" for i in load_frames().ids]
    assert scored.set_index("actor").loc["NATO", "frame_expansion"]
    assert scored.set_index("actor").loc["UN", "frame_peacekeeping"]
    assert len(scored) == len(ctx) and scored["context"].equals(ctx["context"])
    again = score_frames(scored)  # re-scoring replaces, never duplicates, columns
    assert framing.frame_columns(again) == cols


def test_user_dictionary(tmp_path):
    path = tmp_path / "frames.yml"
    path.write_text(
        "categories:\n  trust:\n    label: Trust\n    description: d\n"
        "    literature: [x]\n    terms: [trust*, 'good faith']\n"
        "    on_negation: keep\n",
        encoding="utf-8",
    )
    frames = load_frames(path)
    assert frames.ids == ["trust"] and frames.negation.window == 3  # negation from built-in
    assert invoked("We do not trust NATO.", frames) == {"trust"}
    assert invoked("Acting in good faith.", frames) == {"trust"}
    assert frames.blocs == load_frames().blocs


@pytest.mark.parametrize(
    "body, message",
    [
        ("categories:\n  a:\n    terms: [yes, no]\n", "quote it"),
        ("categories:\n  a:\n    terms: [x]\n    on_negation: {flip: b}\n", "not a category"),
        ("categories:\n  a:\n    terms: ['wor*d']\n", "inside a word"),
        ("categories: [\n", "not valid YAML"),
        ("negation: {}\n", "'categories'"),
    ],
)
def test_bad_dictionaries_name_the_file_and_fix(tmp_path, body, message):
    path = tmp_path / "bad.yml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(FrameDictionaryError, match=message) as err:
        load_frames(path)
    assert str(path) in str(err.value) and err.value.code.name == "E011"
    with pytest.raises(FrameDictionaryError, match="no such file"):
        load_frames(tmp_path / "missing.yml")


# -- contexts ---------------------------------------------------------------------------------
def test_contexts_one_row_per_doc_actor_sentence():
    docs = table(
        [
            (
                "a",
                "The UN and the CSTO signed a declaration. NATO, NATO and again NATO "
                "refused.\nThe CSTO waited.",
                "x.org",
            ),
            ("b", "Nothing here.", "y.org"),
        ]
    )
    ctx = contexts(docs)
    assert ctx[
        ["doc_id", "actor", "sentence_id", "co_mentioned", "other_actors", "n_mentions"]
    ].values.tolist() == [
        ["a", "CSTO", 0, True, "UN", 1],
        ["a", "UN", 0, True, "CSTO", 1],
        ["a", "NATO", 1, False, "", 3],
        ["a", "CSTO", 2, False, "", 1],
    ]
    text = docs.at[0, "text"]
    assert all(text[s:e] == c for s, e, c in zip(ctx["start"], ctx["end"], ctx["context"]))
    assert ctx["context"].iloc[2] == "NATO, NATO and again NATO refused."
    assert (ctx["source"] == "x.org").all() and "text" not in ctx.columns
    assert list(ctx.columns[:9]) == framing.CONTEXT_COLUMNS
    assert ctx.attrs["actors"] == ["CSTO", "NATO", "UN"] and ctx.attrs["unit"] == "sentence"


def test_contexts_window_and_actor_choice():
    words = " ".join(f"w{i}" for i in range(40))
    text = f"{words} NATO {words}. The UN met."
    ctx = contexts(text, ["NATO", "UN"], unit="window", window=5)
    nato = ctx.set_index("actor").loc["NATO"]
    assert nato["context"] == "w35 w36 w37 w38 w39 NATO w0 w1 w2 w3 w4"
    assert not nato["co_mentioned"]
    near = contexts("The CSTO met. NATO did too.", unit="window", window=3)
    assert near["co_mentioned"].all()  # windows cross the sentence end
    assert set(contexts("The SCO and the CSTO.", None)["actor"]) == {"SCO", "CSTO"}
    with pytest.raises(ValueError, match="unit"):
        contexts(text, unit="paragraph")


def test_contexts_reuse_given_mentions():
    from analysis.actors import mentions

    docs = table([("a", "The CSTO and NATO. The UN.", "s")])
    m = mentions(docs)
    assert contexts(docs, ["CSTO"], mentions=m)["actor"].tolist() == ["CSTO"]


# -- the cluster bootstrap --------------------------------------------------------------------
def _toy(hits_per_doc: dict[str, list[int]], actor: str = "CSTO") -> pd.DataFrame:
    rows = [(d, actor, i, bool(h)) for d, hs in hits_per_doc.items() for i, h in enumerate(hs)]
    return pd.DataFrame(rows, columns=["doc_id", "actor", "sentence_id", "frame_x"])


def test_bootstrap_resamples_documents_not_contexts():
    one = stats.cluster_bootstrap(_toy({"d1": [1, 0] * 5}), ["frame_x"], n_boot=200)
    assert one.estimate[0, 0] == 0.5 and np.all(one.replicates == 0.5)  # one cluster: no spread
    two = stats.cluster_bootstrap(
        _toy({"d1": [1] * 6, "d2": [0] * 6}), ["frame_x"], n_boot=500, random_state=1
    )
    values = set(np.round(two.replicates.ravel(), 6))
    assert values <= {0.0, 0.5, 1.0} and len(values) == 3  # whole documents drawn
    assert abs((two.replicates == 0.5).mean() - 0.5) < 0.1  # P(one of each) = 1/2


def test_bootstrap_is_deterministic_and_stratified():
    data = pd.concat(
        [_toy({f"a{i}": [1, 0, 0] for i in range(8)}), _toy({"b0": [1, 1]})], ignore_index=True
    )
    data["grp"] = np.where(data["doc_id"].str.startswith("a"), "A", "B")
    first = stats.cluster_bootstrap(data, ["frame_x"], by="grp", random_state=3, n_boot=100)
    again = stats.cluster_bootstrap(data, ["frame_x"], by="grp", random_state=3, n_boot=100)
    assert np.array_equal(first.replicates, again.replicates)
    assert not np.isnan(first.replicates).any()  # each group keeps its documents
    assert first.cells["n_docs"].tolist() == [8, 1]


def test_profile_share_and_ci_cover_the_estimate(articles):
    p = frame_profile(articles, n_boot=300)
    assert list(p.columns) == [c for c in framing.PROFILE_COLUMNS if c != "group"]
    assert (p["ci_low"] <= p["share"] + 1e-12).all() and (p["share"] <= p["ci_high"] + 1e-12).all()
    by_hand = articles.groupby("actor")["frame_expansion"].mean()
    got = p[p["frame"] == "expansion"].set_index("actor")["share"]
    assert np.allclose(got.sort_index(), by_hand.sort_index())
    n_docs = articles.groupby("actor")["doc_id"].nunique()
    assert (p.groupby("actor")["n_docs"].first().sort_index() == n_docs.sort_index()).all()


def test_differences_effect_size_and_interval(articles):
    d = frame_differences(articles, n_boot=300)
    assert list(d.columns) == framing.DIFFERENCE_COLUMNS
    assert np.allclose(d["diff"], d["share_a"] - d["share_b"])
    h = 2 * np.arcsin(np.sqrt(d["share_a"])) - 2 * np.arcsin(np.sqrt(d["share_b"]))
    assert np.allclose(d["cohens_h"], h)
    assert ((d["ci_low"] <= d["diff"] + 1e-12) & (d["diff"] <= d["ci_high"] + 1e-12)).mean() > 0.95
    assert set(zip(d["a"], d["b"])) == {("CSTO", "NATO"), ("CSTO", "UN"), ("NATO", "UN")}
    with pytest.raises(ValueError, match="by="):
        frame_differences(articles, compare="group", n_boot=10)
    groups = frame_differences(articles, compare="group", by="origin", n_boot=50)
    assert set(groups["within"]) == {"CSTO", "NATO", "UN"} and (groups["a"] < groups["b"]).all()


def test_articles_frame_csto_and_nato_differently(articles):
    """The behaviour the package is for: on the sample articles the CSTO is framed by
    peacekeeping, NATO by enlargement, the UN by authority, with clear intervals."""
    d = frame_differences(articles, n_boot=500).set_index(["frame", "a", "b"])
    assert d.loc[("peacekeeping", "CSTO", "NATO"), "ci_low"] > 0
    assert d.loc[("expansion", "CSTO", "NATO"), "ci_high"] < 0
    assert d.loc[("authority", "NATO", "UN"), "ci_high"] < 0
    assert abs(d.loc[("expansion", "CSTO", "NATO"), "cohens_h"]) > 0.8


def test_no_mentions_give_empty_tables():
    ctx = contexts(table([("a", "Nothing about any organization here.", "s")]))
    assert ctx.empty and list(ctx.columns[:9]) == framing.CONTEXT_COLUMNS
    assert frame_profile(ctx, n_boot=10).empty
    assert frame_profile(ctx, by="source", n_boot=10).empty
    assert frame_differences(ctx, n_boot=10).empty
    assert framing.co_mention_network(ctx).empty


# -- groups -----------------------------------------------------------------------------------
def test_member_bloc_by_year_and_flags():
    docs = pd.DataFrame(
        {
            "country": ["UZB", "UZB", "FIN", "FIN", "RUS", "GEO", "USA", None],
            "year": [2008, 2013, 2022, 2023, 1993, 1998, 1970, 2000],
        }
    )
    assert groups.member_bloc(docs).tolist() == [
        "CSTO members",
        "other",
        "other",
        "NATO members",
        "other",
        "CSTO members",
        "NATO members",
        None,
    ]
    flags = pd.DataFrame({"member_csto": [True, False, False], "member_nato": [False, True, False]})
    assert groups.member_bloc(flags).tolist() == ["CSTO members", "NATO members", "other"]
    current = pd.DataFrame({"iso3": ["UZB", "SWE"]})
    assert groups.member_bloc(current).tolist() == ["other", "NATO members"]
    with pytest.raises(KeyError, match="ISO3"):
        groups.member_bloc(pd.DataFrame({"x": [1]}))


def test_source_origin_periods_and_group_labels():
    docs = pd.DataFrame(
        {
            "source": ["www.rt.com", "en.odkb-csto.org", "news.nato.int", "example.com", None],
            "date": pd.to_datetime(["2020-01-01", None, "1999-05-01", "2022-03-01", None]),
        }
    )
    with pytest.warns(groups.GroupingNote, match=r"1 source\(s\) .* 'other': example.com\."):
        origins = groups.source_origin(docs)
    assert origins.tolist() == [
        "Russia/Belarus",
        "international organization",
        "international organization",
        "other",
        None,
    ]
    with pytest.warns(
        groups.GroupingNote, match=r"by='year': 2 of 5 rows have no group \(no date\)"
    ):
        assert groups.resolve_groups(docs, "year").tolist() == [2020, None, 1999, 2022, None]
    assert groups.periods([1950, 1991, 1992, 2014, 2024]).tolist() == [
        "1950-1991",
        "1950-1991",
        "1992-2001",
        "2002-2014",
        "2023-2024",
    ]
    with pytest.raises(KeyError, match="no metadata column"):
        groups.resolve_groups(docs, "nope")


# -- keyness and co-mentions ------------------------------------------------------------------
def test_key_terms_per_actor():
    rows = [
        (
            f"d{i}",
            "The CSTO deployed peacekeepers to Kazakhstan. NATO enlargement "
            "reached Finland. The UN Security Council voted.",
            "s",
        )
        for i in range(6)
    ]
    ctx = contexts(table(rows))
    keys = framing.key_terms(ctx, top=3, min_count=2)
    top = keys.groupby("group")["term"].apply(set)
    assert {"kazakhstan", "peacekeepers"} & top["CSTO"] and "finland" in top["NATO"]
    assert not set(keys["term"]) & {"csto", "nato", "un"}
    assert (keys["direction"] == "target").all()


def test_co_mention_network_weights():
    docs = table(
        [
            ("a", "The CSTO and the UN. The CSTO and NATO. The UN and the CSTO.", "s1"),
            ("b", "NATO and the UN met. NATO alone.", "s2"),
        ]
    )
    edges = framing.co_mention_network(contexts(docs))
    got = {
        (s, t): (w, n)
        for s, t, w, n in zip(edges["actor_a"], edges["actor_b"], edges["weight"], edges["n_docs"])
    }
    assert got == {("CSTO", "UN"): (2, 1), ("CSTO", "NATO"): (1, 1), ("NATO", "UN"): (1, 1)}
    row = edges.iloc[0]
    assert row["jaccard"] == row["weight"] / (row["n_units_a"] + row["n_units_b"] - row["weight"])
    by = framing.co_mention_network(contexts(docs), by="source")
    assert set(by["group"]) == {"s1", "s2"}
    ents = pd.DataFrame({"doc_id": ["b"], "sentence_id": [0], "label": ["GPE"], "ent_id": ["KAZ"]})
    with_countries = framing.co_mention_network(contexts(docs), entities=ents)
    assert {("KAZ", "NATO"), ("KAZ", "UN")} <= set(
        zip(with_countries["actor_a"], with_countries["actor_b"])
    )


# -- figures and the CLI entry ----------------------------------------------------------------
def test_plots_draw_and_save(articles, tmp_path):
    from analysis.figures import save_figure
    from analysis.framing import tone

    profile = frame_profile(articles, n_boot=50)
    figs = {
        "frames": framing.plot_frame_profile(profile),
        "frames-by-origin": framing.plot_frame_profile(
            frame_profile(articles, by="origin", n_boot=50)
        ),
        "diffs": framing.plot_differences(frame_differences(articles, n_boot=50).head(6)),
        "tone": framing.plot_tone(tone.tone_by_actor(articles, by="origin", n_boot=50)),
        "keys": framing.plot_key_terms(framing.key_terms(articles, top=5)),
        "network": framing.plot_network(framing.co_mention_network(articles)),
        "trend": framing.plot_trend(framing.frame_trend(articles, n_boot=50), frame="cooperation"),
    }
    for name, fig in figs.items():
        written = save_figure(fig, f"framing-{name}", data=profile, caption=name, out_dir=tmp_path)
        assert written["png"].stat().st_size > 1000
        matplotlib.pyplot.close(fig)


def test_run_cli_writes_the_tables(tmp_path):
    pytest.importorskip("vaderSentiment")
    written = framing.run_cli(
        shared_path(ARTICLES), actors=["CSTO", "NATO"], by="origin", out_dir=tmp_path, n_boot=50
    )
    for name in ("contexts", "frames_by_actor", "tone_by_doc", "tone_by_actor", "keyness_by_actor"):
        assert written[name] == tmp_path / f"{name}.csv" and written[name].is_file()
    frames = pd.read_csv(written["frames_by_actor"])
    assert set(frames["actor"]) == {"CSTO", "NATO"} and "group" in frames
    from analysis.framing import tone

    assert list(pd.read_csv(written["tone_by_doc"]).columns) == tone.TONE_DOC_COLUMNS


# -- every corpus kind ------------------------------------------------------------------------
def test_factbook_smoke(settings):
    pytest.importorskip("vaderSentiment")
    from analysis.framing import tone

    corpus = analysis.load("factbook", settings=settings)
    ctx = tone.score_tone(score_frames(contexts(corpus)))
    assert set(ctx["actor"]) == {"CSTO", "NATO", "UN"} and len(ctx) > 300
    by_bloc = frame_profile(ctx, by="bloc", n_boot=100)
    assert {"CSTO members", "NATO members", "other"} <= set(by_bloc["group"])
    assert by_bloc["share"].between(0, 1).all()
    assert tone.tone_by_actor(ctx, by="bloc", n_boot=100)["tone"].between(-1, 1).all()


def test_table_corpus(tmp_path):
    docs = analysis.load(shared_path(ARTICLES)).docs[["doc_id", "source", "date", "text"]]
    path = tmp_path / "articles.csv"
    docs.to_csv(path, index=False)
    ctx = contexts(analysis.load(path))
    assert len(ctx) > 300 and ctx["source"].notna().all()
    assert frame_profile(ctx, by="origin", n_boot=50)["n_contexts"].gt(0).all()


@pytest.mark.slow
def test_ungdc_blocs_frame_each_organization():
    """CSTO and NATO members' General Debate speeches, with intervals, in reasonable time."""
    start = time.perf_counter()
    corpus = analysis.load(shared_path(UNGDC))
    ctx = contexts(corpus, context_actors=["UN"])
    profile = frame_profile(ctx, by="bloc", n_boot=200)
    seconds = time.perf_counter() - start
    nato = profile[(profile["actor"] == "NATO") & (profile["frame"] == "expansion")]
    shares = nato.set_index("group")["share"]
    print(
        f"\nUNGDC framing: {len(ctx):,} contexts in {seconds:.0f} s\n"
        f"{nato.round(3).to_string(index=False)}"
    )
    assert shares["CSTO members"] > shares["NATO members"]
    csto = profile[profile["actor"] == "CSTO"].groupby("group")["n_contexts"].first()
    assert csto.idxmax() == "CSTO members"  # the CSTO is named by its own members
    assert seconds < 600


def test_outlet_names_and_a_mapping_file_of_ones_own(tmp_path):
    docs = pd.DataFrame(
        {
            "doc_id": ["a", "b", "c", "d", "e"],
            "source": ["TASS", "  reuters ", "UN News", "Tass", "Daily Example"],
        }
    )
    with pytest.warns(groups.GroupingNote, match="Daily Example"):
        assert groups.resolve_groups(docs, "origin").tolist() == [
            "Russia/Belarus",
            "Western",
            "international organization",
            "Russia/Belarus",
            "other",
        ]
    mine = tmp_path / "outlets.csv"
    mine.write_text("# my outlets\nsource,origin\nDaily Example,local press\nTASS,wire\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # everything listed: no note
        labels = groups.resolve_groups(docs, groups.origin_groups(mine)).tolist()
    assert labels == ["wire", "Western", "international organization", "wire", "local press"]
    assert groups.load_outlets(mine).iloc[0].tolist() == ["daily example", "local press", ""]
    with pytest.raises(OptionError, match=r"--outlets .*nope.csv: no such file"):
        groups.load_outlets(tmp_path / "nope.csv")
    (tmp_path / "bad.csv").write_text("outlet,group\nTASS,wire\n")
    with pytest.raises(OptionError, match=r"no column \['source', 'origin'\]"):
        groups.load_outlets(tmp_path / "bad.csv")


def test_documents_left_out_of_a_grouping_are_counted():
    docs = pd.DataFrame(
        {
            "doc_id": ["a", "a", "b", "c"],
            "country": ["RUS", "RUS", None, "USA"],
            "x": [1, 1, 2, None],
        }
    )
    with pytest.warns(groups.GroupingNote, match=r"by='bloc': 1 of 3 documents .*\(no country\)"):
        assert groups.resolve_groups(docs, "bloc").tolist() == [
            "CSTO members",
            "CSTO members",
            None,
            "NATO members",
        ]
    with pytest.warns(groups.GroupingNote, match=r"by='x': 1 of 3 documents .*\(no 'x' value\)"):
        groups.resolve_groups(docs, "x")


def test_every_outlet_of_the_shared_article_folders_is_listed():
    listed = set(groups.load_outlets()["source"])
    for folder in (ARTICLES, ARTICLES_RU):
        sources = pd.read_csv(shared_path(folder) / "metadata.csv", dtype=str)["source"]
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            origins = groups.source_origin(pd.DataFrame({"source": sources}))
        assert origins.notna().all(), folder
    assert "tass.ru" in listed and "tass" in listed


def test_key_term_axis_names_the_statistic():
    keys = pd.DataFrame(
        {"group": ["CSTO"] * 2, "direction": ["target"] * 2, "term": ["a", "b"], "g2": [9.0, 4.0]}
    )
    fig = framing.plot_key_terms(keys)
    assert fig.axes[0].get_xlabel() == "G² (log-likelihood)"


def test_profile_legend_counts_in_words():
    profile = pd.DataFrame(
        {
            "actor": ["CSTO", "NATO"],
            "frame": ["threat", "threat"],
            "share": [0.0, 0.5],
            "ci_low": [0.0, 0.2],
            "ci_high": [0.0, 0.8],
            "n_hits": [0, 6],
            "n_contexts": [1, 12],
            "n_docs": [1, 6],
        }
    )
    fig = framing.plot_frame_profile(profile)
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend == ["CSTO (1 context, 1 doc)", "NATO (12 contexts, 6 docs)"]
    assert "CSTO (1)" in framing.profile_caption(profile)
