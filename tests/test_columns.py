"""One column vocabulary: every public table function's columns are in ``analysis.columns``.

Each table is computed for real on a few documents of the built-in factbook (CSTO members,
NATO members and others, so every grouping has groups), then its columns are checked: known
names, the documents' own metadata, or a ``frame_``/``topic_``/``member_`` family, and none of
the names that were replaced (``low`` for ``ci_low``, ``rel_per_10k`` for ``per_10k_words``).
"""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

import analysis
from analysis import (
    actors,
    collocations,
    columns,
    entities,
    framing,
    keyness,
    kwic,
    overview,
    scale,
    terms,
    topics,
)
from analysis.framing import tone

#: Countries of each bloc (and two others), so ``by="bloc"`` has three groups.
COUNTRIES = ["Russia", "Kazakhstan", "Armenia", "Belarus", "France", "Germany", "Poland"]
COUNTRIES += ["United States", "Turkey", "China", "India", "Brazil"]


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    settings = analysis.get_settings(cache_dir=tmp_path_factory.mktemp("columns"), workers=1)
    full = analysis.load("factbook", settings=settings)
    corpus = full.filter(full.docs["country"].isin(COUNTRIES).to_numpy())
    assert len(corpus) == len(COUNTRIES)
    found = actors.mentions(corpus)
    ents = entities.entities(corpus)
    ctx = framing.contexts(corpus)
    scored = tone.score_tone(framing.attribute(framing.score_frames(ctx)))
    units = topics.units(corpus, "paragraph")
    model = topics.TopicModel(k=3, random_state=0).fit(units)
    counts = scale.count_terms(corpus, by="bloc")
    out = {
        "terms.frequencies": terms.frequencies(corpus, by="bloc"),
        "terms.tfidf": terms.tfidf(corpus, by="bloc"),
        "keyness.keyness": keyness.keyness(corpus, by="bloc", target="CSTO members"),
        "kwic.kwic": kwic.kwic(corpus, "NATO"),
        "collocations.collocates": collocations.collocates(corpus, "security"),
        "collocations.ngram_collocations": collocations.ngram_collocations(corpus),
        "overview.by_group": overview.by_group(corpus, "region"),
        "overview.lengths": overview.lengths(corpus),
        "overview.memberships": overview.memberships(corpus),
        "actors.mentions": found,
        "actors.mention_counts": actors.mention_counts(found, corpus, by="bloc"),
        "actors.mention_counts per doc": actors.mention_counts(found, corpus),
        "actors.mention_shares": actors.mention_shares(found, corpus, "bloc", n_boot=20),
        "actors.co_mentions": actors.co_mentions(found),
        "entities.entities": ents,
        "entities.entity_frequencies": entities.entity_frequencies(ents),
        "entities.actor_cooccurrence": entities.actor_cooccurrence(ents, found),
        "framing.contexts": ctx,
        "framing.scored": scored,
        "framing.frame_hits": framing.frame_hits(ctx),
        "framing.frame_profile": framing.frame_profile(scored, by="bloc", n_boot=20),
        "framing.frame_differences": framing.frame_differences(scored, n_boot=20),
        "framing.frame_trend": framing.frame_trend(scored, time="region", n_boot=20),
        "framing.co_mention_network": framing.co_mention_network(ctx, entities=ents),
        "framing.footing": framing.footing(scored, n_boot=20, n_perm=10),
        "framing.key_terms": framing.key_terms(ctx),
        "tone.tone_by_doc": tone.tone_by_doc(scored),
        "tone.tone_by_actor": tone.tone_by_actor(scored, by="bloc", n_boot=20),
        "tone.tone_differences": tone.tone_differences(scored, n_boot=20),
        "topics.units": units,
        "TopicModel.top_terms": model.top_terms(),
        "TopicModel.doc_topics": model.doc_topics(),
        "TopicModel.representative": model.representative(),
        "TopicModel.diagnostics": model.diagnostics(),
        "topics.prevalence": topics.prevalence(model, by="bloc", n_boot=20),
        "topics.prevalence_difference": topics.prevalence_difference(model, by="bloc", n_boot=20),
        "topics.sweep": topics.sweep(units, ks=[2, 3]),
        "scale.count_terms": counts,
        "scale.keyness_from_counts": scale.keyness_from_counts(counts, target="CSTO members"),
        "scale.count_mentions": scale.count_mentions(corpus, by="bloc"),
        **{
            f"scale.count_framing {k}": v for k, v in scale.count_framing(corpus, by="bloc").items()
        },
    }
    return out, list(corpus.docs.columns)


def test_every_public_table_uses_the_one_vocabulary(tables):
    out, metadata = tables
    bad = {
        name: columns.unknown_columns(table.columns, metadata)
        for name, table in out.items()
        if columns.unknown_columns(table.columns, metadata)
    }
    assert not bad, f"columns outside analysis.columns.COLUMNS: {bad}"
    assert all(len(table) for table in out.values()), [n for n, t in out.items() if not len(t)]


def test_group_tables_name_their_groups_group_on_both_paths(tables):
    out, _ = tables
    grouped = [n for n in out if n.startswith(("scale.", "actors.mention_")) and "per doc" not in n]
    for name in grouped:
        assert "group" in out[name].columns, name
        assert set(out[name]["group"].astype(str)) <= {"CSTO members", "NATO members", "other"}
    memory = out["actors.mention_counts"].astype({"group": str, "actor": str})
    on_scale = out["scale.count_mentions"].astype({"group": str, "actor": str})
    pd.testing.assert_frame_equal(
        memory.set_index(["group", "actor"]).sort_index(),
        on_scale.set_index(["group", "actor"]).sort_index()[
            memory.columns.drop(["group", "actor"])
        ],
        check_dtype=False,
    )


def test_the_check_catches_replaced_and_unknown_names():
    assert columns.unknown_columns(["share", "low", "high"]) == ["low", "high"]
    assert columns.unknown_columns(["frame_threat", "topic_3", "member_csto"]) == []
    assert columns.unknown_columns(["region", "wordcount"], metadata=["region"]) == ["wordcount"]
    # a replaced name stays refused even when a corpus happens to have such a column
    assert columns.unknown_columns(["rel_per_10k"], metadata=["rel_per_10k"]) == ["rel_per_10k"]


def test_every_documented_column_has_a_meaning():
    assert all(isinstance(v, str) and v for v in columns.COLUMNS.values())
    assert not set(columns.REPLACED) & set(columns.COLUMNS)
    assert set(columns.REPLACED.values()) <= set(columns.COLUMNS)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert columns.unknown_columns([]) == []
