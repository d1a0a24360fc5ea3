"""Named entities with the real spaCy model: the actor ruler, country codes, offsets, the
per-document cache, actor-sentence mode on the seed article, the factbook; and the
frequency and co-occurrence tables against hand counts."""

from __future__ import annotations

import shutil

import pandas as pd
import pycountry
import pytest
from conftest import SEED

import analysis
from analysis import entities as en
from analysis.actors import load_registry, mentions, sentence_starts
from analysis.entities import (
    ACTOR_LABEL,
    COUNTRY_ALIASES,
    DEMONYMS,
    ENTITY_COLUMNS,
    actor_cooccurrence,
    country_code,
    entities,
    entity_frequencies,
    ruler_patterns,
)
from analysis.errors import AnalysisError, E

SENTENCES = {
    "moscow": "The CSTO met the UN Secretary-General in Moscow.",
    "countries": "Russia and Kazakhstan signed a treaty with the United States and Britain.",
    "bordyuzha": "Secretary General of the CSTO Nikolai Bordyuzha met the NATO-Russia Council.",
}


def table(**texts: str) -> pd.DataFrame:
    return pd.DataFrame({"doc_id": list(texts), "text": list(texts.values()), "lang": "en"})


def triples(ents: pd.DataFrame, doc_id: str | None = None) -> list[tuple[str, str, str]]:
    rows = ents if doc_id is None else ents[ents["doc_id"] == doc_id]
    return list(zip(rows["surface"], rows["label"], rows["ent_id"]))


def key(ents: pd.DataFrame) -> set[tuple]:
    return set(ents[["doc_id", "start", "end", "label", "ent_id"]].itertuples(index=False))


# -- the ruler ----------------------------------------------------------------------------
def test_ruler_patterns_follow_the_registry():
    reg = load_registry()
    patterns = ruler_patterns(reg)
    by_text = {p["pattern"]: p["id"] for p in patterns}
    assert len(by_text) == len(patterns)
    assert {p["label"] for p in patterns} == {ACTOR_LABEL}
    for actor in reg:
        for alias in actor.aliases:
            assert by_text.get(alias) == actor.id  # as written
        for name in actor.names:
            if "*" not in name:
                assert by_text.get(name) == actor.id
                assert by_text.get(name.upper()) == actor.id  # case-insensitive names
    assert by_text["Organization For Security And Co-Operation In Europe"] == "OSCE"
    assert by_text["Organization for Security and Cooperation in Europe"] == "OSCE"
    assert by_text["Collective Rapid Reaction Forces"] == "CRRF"  # "Force*"
    assert by_text["United Nations Children\u2019s Fund"] == "UNICEF"
    # aliases keep their case; contextual forms, anaphora and Russian "*" forms are left out
    assert "Csto" not in by_text and "un" not in by_text
    assert not {"Security Council", "General Assembly", "CST", "NRC", "Alliance"} & set(by_text)
    assert not any("*" in t or t.startswith("Организаци") for t in by_text)


def test_pipeline_keeps_only_what_ner_needs():
    nlp = en.load_pipeline()
    assert nlp.pipe_names == ["sentence_starts", "actor_ruler", "ner"]
    assert en.load_pipeline() is nlp


def test_actors_get_org_and_their_id_countries_iso3():
    ents = entities(table(**SENTENCES), n_process=1)
    assert triples(ents, "moscow") == [
        ("CSTO", "ORG", "CSTO"),
        ("UN", "ORG", "UN"),
        ("Moscow", "GPE", ""),
    ]
    assert triples(ents, "countries") == [
        ("Russia", "GPE", "RUS"),
        ("Kazakhstan", "GPE", "KAZ"),
        ("the United States", "GPE", "USA"),
        ("Britain", "GPE", "GBR"),
    ]
    assert list(ents.columns) == ENTITY_COLUMNS
    assert ents.attrs["skipped"] == [] and ents.attrs["n_docs"] == 3


def test_ruler_wins_over_the_statistical_org():
    import spacy

    text = SENTENCES["bordyuzha"] + " " + SENTENCES["moscow"]
    plain = spacy.load(analysis.get_settings().spacy_model, exclude=list(en.EXCLUDE))
    plain_ents = [(e.text, e.label_) for e in plain(text).ents]
    # without the ruler, the model swallows the CSTO into a person's "ORG" and misses it later
    assert ("the CSTO Nikolai Bordyuzha", "ORG") in plain_ents
    assert ("CSTO", "ORG") not in plain_ents
    ours = triples(entities(table(a=text), n_process=1))
    assert ours.count(("CSTO", "ORG", "CSTO")) == 2
    assert ("Nikolai Bordyuzha", "PERSON", "") in ours
    assert ("NATO-Russia Council", "ORG", "NRC") in ours


def test_offsets_and_sentence_ids_index_the_text():
    texts = {
        "x": "Kyrgyzstan's army.\n\nUzbekistan and the Russian Federation met NATO.   "
        "Then Vladimir\nPutin spoke in the U.S. about the Collective Security "
        "Treaty Organization (CSTO)."
    }
    ents = entities(table(**texts), n_process=1)
    text = texts["x"]
    starts = sentence_starts(text)
    for row in ents.itertuples():
        assert text[row.start : row.end] == row.surface
        assert row.surface == row.surface.strip()
        assert starts[row.sentence_id] <= row.start and (
            row.sentence_id + 1 == len(starts) or row.end <= starts[row.sentence_id + 1]
        )
    found = triples(ents)
    assert ("Kyrgyzstan", "GPE", "KGZ") in found  # "'s" is not part of it
    assert ("Collective Security Treaty Organization", "ORG", "CSTO") in found
    assert ("CSTO", "ORG", "CSTO") in found
    assert all("\n" not in t for t, _, _ in found)  # no entity crosses a line


def test_non_english_documents_are_skipped_and_reported():
    docs = pd.DataFrame(
        {
            "doc_id": ["en", "de", "empty"],
            "text": ["NATO met in Brussels.", "Die NATO tagte in Brüssel.", " "],
            "lang": ["en", "de", "en"],
        }
    )
    ents = entities(docs, n_process=1)
    assert set(ents["doc_id"]) == {"en"}
    skipped = {s["doc_id"]: s for s in ents.attrs["skipped"]}
    assert set(skipped) == {"de", "empty"}
    assert skipped["de"]["lang"] == "de" and "no entity model" in skipped["de"]["reason"]
    assert skipped["empty"]["reason"] == "no text"


def test_labels_filter_and_unknown_labels():
    ents = entities(table(**SENTENCES), labels=["GPE"], n_process=1)
    assert set(ents["label"]) == {"GPE"}
    with pytest.raises(ValueError, match="unknown entity label"):
        entities(table(**SENTENCES), labels=["COUNTRY"])
    with pytest.raises(ValueError, match="mode"):
        entities(table(**SENTENCES), mode="sentences")


def test_missing_model_raises_e008():
    settings = analysis.get_settings(spacy_model="en_core_web_not_installed")
    with pytest.raises(AnalysisError) as err:
        entities(table(**SENTENCES), settings=settings)
    assert err.value.code is E.E008 and "en_core_web_not_installed" in str(err.value)
    with pytest.raises(AnalysisError, match="E008"):
        en.load_pipeline("en_core_web_not_installed")


# -- countries ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name, code",
    [
        ("Kazakhstan", "KAZ"),
        ("the Russian Federation", "RUS"),
        ("Russia", "RUS"),
        ("Russia's", "RUS"),
        ("Russians", "RUS"),
        ("Kyrgyz", "KGZ"),
        ("Kirghizia", "KGZ"),
        ("Iran", "IRN"),
        ("the Islamic Republic of Iran", "IRN"),
        ("Syria", "SYR"),
        ("South Korea", "KOR"),
        ("Republic of Korea", "KOR"),
        ("North Korea", "PRK"),
        ("the United States", "USA"),
        ("U.S.", "USA"),
        ("Britain", "GBR"),
        ("UK", "GBR"),
        ("Côte d'Ivoire", "CIV"),
        ("Cote d\u2019Ivoire", "CIV"),
        ("Türkiye", "TUR"),
        ("Democratic Republic of the Congo", "COD"),
        ("Bolivia", "BOL"),
        ("Burma", "MMR"),
        ("the Soviet Union", "SUN"),
        ("Kosovo", "XKX"),
        ("the Netherlands", "NLD"),
        ("  Viet   Nam ", "VNM"),
        ("Moscow", ""),
        ("Central Asia", ""),
        ("Korea", ""),
        ("AL", ""),
        ("Europe", ""),
    ],
)
def test_country_codes(name, code):
    assert country_code(name) == code


def test_country_tables_hold_only_what_pycountry_cannot_resolve():
    valid = {c.alpha_3 for c in pycountry.countries} | {"XKX"}
    historic = {c.alpha_3 for c in pycountry.historic_countries}
    for name, code in {**COUNTRY_ALIASES, **DEMONYMS}.items():
        assert code in valid or code in historic, name
        bare = name.replace(".", "")
        if not (bare.isupper() and len(bare) <= 4):  # codes are resolved as codes
            with pytest.raises(LookupError):
                pycountry.countries.lookup(name)


# -- cache --------------------------------------------------------------------------------
def test_second_run_reads_the_cache_without_spacy(settings, monkeypatch):
    import spacy

    docs = table(**SENTENCES)
    first = entities(docs, settings=settings, n_process=1)
    assert first.attrs["n_parsed"] == 3

    def no_spacy(*args, **kwargs):
        raise AssertionError("spaCy was loaded although every document is cached")

    monkeypatch.setattr(spacy, "load", no_spacy)
    monkeypatch.setattr(en.pipeline, "_PIPELINES", {})
    second = entities(docs, settings=settings)
    pd.testing.assert_frame_equal(first, second)
    assert (second.attrs["n_parsed"], second.attrs["n_cached"]) == (0, 3)
    # the same texts under other ids, in another order: still cached
    renamed = pd.DataFrame(
        {"doc_id": ["z", "y"], "text": [SENTENCES["countries"], SENTENCES["moscow"]]}
    )
    third = entities(renamed, settings=settings)
    assert triples(third, "z") == triples(first, "countries")
    assert list(third["doc_id"].unique()) == ["z", "y"]
    # the cache is per configuration: another mode is not served from it
    with pytest.raises(AssertionError, match="spaCy was loaded"):
        entities(docs, settings=settings, mode="actor_sentences")


def test_shared_documents_are_parsed_once_and_shards_merge(settings, monkeypatch):
    monkeypatch.setattr(en.store, "SHARD_DOCS", 2)
    monkeypatch.setattr(en.store, "MAX_SHARDS", 2)
    texts = {f"d{i}": f"Talks {i} between Armenia and NATO in Yerevan." for i in range(5)}
    first = entities(table(**dict(list(texts.items())[:3])), settings=settings, n_process=1)
    store = en.store.EntityStore(_config_of(settings), settings, True)
    assert len(store.keys()) == 2  # 2 + 1 documents
    both = entities(table(**texts), settings=settings, n_process=1)
    assert (both.attrs["n_parsed"], both.attrs["n_cached"]) == (2, 3)
    assert len(store.keys()) == 1  # 4 shards merged
    again = entities(table(**texts), settings=settings, n_process=1)
    assert again.attrs["n_parsed"] == 0
    pd.testing.assert_frame_equal(both, again)
    pd.testing.assert_frame_equal(first, both[both["doc_id"].isin(["d0", "d1", "d2"])])


def test_cache_off_writes_nothing(settings):
    entities(table(**SENTENCES), settings=settings, cache=False, n_process=1)
    assert not (settings.cache_dir / "entities").exists()


def _config_of(settings) -> str:
    """The one configuration folder the test wrote."""
    (folder,) = (settings.cache_dir / "entities").iterdir()
    return folder.name


# -- processes ----------------------------------------------------------------------------
def test_two_processes_give_the_same_table(monkeypatch):
    monkeypatch.setattr(en.parse, "TASK_CHARS", 1_000)  # several tasks a worker
    sentences = list(SENTENCES.values()) + [
        "Kazakhstan and Uzbekistan left the CSTO in 2012, while Tajikistan hosted Russian troops.",
        "The United Nations Development Programme worked with Kyrgyzstan and UNICEF.",
    ]
    docs = table(
        **{f"d{i:02d}": " ".join(sentences[i % 5 :] + sentences[: i % 5]) for i in range(20)}
    )
    one = entities(docs, n_process=1, cache=False)
    two = entities(docs, n_process=2, batch_size=4, cache=False)
    assert (one.attrs["n_process"], two.attrs["n_process"]) == (1, 2)
    pd.testing.assert_frame_equal(one, two)
    assert {"CSTO", "NRC", "UNDP", "UNICEF", "UZB", "TJK"} <= set(two["ent_id"])


# -- real documents -----------------------------------------------------------------------
@pytest.fixture(scope="module")
def seed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("seed-folder")
    shutil.copy(_shared(SEED), folder / "seed.txt")
    settings = analysis.get_settings(cache_dir=tmp_path_factory.mktemp("seed-cache"), workers=1)
    return analysis.load(folder, settings=settings), settings


def _shared(relpath):
    from conftest import shared_path

    return shared_path(relpath)


def test_actor_sentences_are_a_subset_of_full_mode(seed):
    corpus, settings = seed
    full = entities(corpus, settings=settings, n_process=1)
    part = entities(corpus, settings=settings, n_process=1, mode="actor_sentences")
    assert part.attrs["mode"] == "actor_sentences" and part.attrs["n_parsed"] == 1
    assert 0 < len(part) < len(full)
    assert key(part) <= key(full)
    named = set(zip(*[mentions(corpus)[c] for c in ("doc_id", "sentence_id")]))
    assert set(zip(part["doc_id"], part["sentence_id"])) <= named
    # the ruler finds the actors as often as the mention layer counts them in this article
    actors = full[full["ent_id"].isin(["CSTO", "UN", "NATO"])]["ent_id"].value_counts()
    assert actors.to_dict() == {"CSTO": 39, "UN": 26, "NATO": 3}
    wider = entities(corpus, settings=settings, n_process=1, mode="actor_sentences", window=1)
    assert len(part) < len(wider) <= len(full)


def test_factbook_russia_names_its_neighbours(factbook, factbook_settings):
    corpus, settings = factbook, factbook_settings
    docs = corpus.docs
    russia = corpus.filter(docs["iso3"].isin(["RUS", "KAZ"]).to_numpy())
    ents = entities(russia, settings=settings, n_process=1)
    freq = entity_frequencies(ents, russia, by="iso3", labels=["GPE"])
    rus = freq[freq["group"] == "RUS"]
    assert rus.iloc[0][["ent_id", "name"]].tolist() == ["RUS", "Russia"]
    assert {"UKR", "KAZ", "BLR", "GEO"} & set(rus["ent_id"])
    assert "RUS" in set(freq.loc[freq["group"] == "KAZ", "ent_id"])
    orgs = entity_frequencies(ents, labels=["ORG"])
    assert {"CSTO", "UN", "SCO", "CIS"} <= set(orgs["ent_id"])


# -- tables, against hand counts ----------------------------------------------------------
def _hand_ents() -> pd.DataFrame:
    rows = [  # doc, sentence, start, end, text, label, ent_id
        ("a", 0, 0, 4, "CSTO", "ORG", "CSTO"),
        ("a", 0, 10, 16, "Russia", "GPE", "RUS"),
        ("a", 0, 20, 30, "Kazakhstan", "GPE", "KAZ"),
        ("a", 1, 40, 58, "the Russian Federation", "GPE", "RUS"),
        ("a", 1, 60, 64, "NATO", "ORG", "NATO"),
        ("a", 1, 70, 75, "Putin", "PERSON", ""),
        ("b", 0, 0, 6, "Russia", "GPE", "RUS"),
        ("b", 0, 10, 15, "Putin", "PERSON", ""),
        ("b", 0, 20, 24, "2010", "DATE", ""),
        ("b", 1, 30, 34, "CSTO", "ORG", "CSTO"),
        ("c", 0, 0, 13, "the Kremlin's", "FAC", ""),
        ("c", 0, 20, 27, "Kremlin", "FAC", ""),
    ]
    frame = pd.DataFrame(
        rows, columns=["doc_id", "sentence_id", "start", "end", "surface", "label", "ent_id"]
    )
    return frame[ENTITY_COLUMNS]


def test_entity_frequencies_by_hand():
    ents = _hand_ents()
    freq = entity_frequencies(ents)
    rows = {(r.label, r.ent_id, r.name): (r.count, r.n_docs) for r in freq.itertuples()}
    assert rows[("GPE", "RUS", "Russia")] == (3, 2)  # "the Russian Federation" too
    assert rows[("ORG", "CSTO", "CSTO")] == (2, 2)
    assert rows[("PERSON", "", "Putin")] == (2, 2)
    assert rows[("FAC", "", "Kremlin")] == (2, 1)  # "the", "'s" dropped for the key
    assert freq.iloc[0][["name", "count"]].tolist() == ["Russia", 3]
    assert freq["count"].sum() == len(ents)
    docs = pd.DataFrame({"doc_id": ["a", "b", "c"], "side": ["x", "y", "y"]})
    by = entity_frequencies(ents, docs, by="side", labels=["GPE", "ORG"], top=2)
    assert by.groupby("group").size().to_dict() == {"x": 2, "y": 2}
    x = by[by["group"] == "x"]
    assert x.iloc[0][["ent_id", "count"]].tolist() == ["RUS", 2]
    with pytest.raises(ValueError, match="needs docs"):
        entity_frequencies(ents, by="side")


def test_actor_cooccurrence_by_hand():
    ents = _hand_ents()
    ments = pd.DataFrame(
        {
            "doc_id": ["a", "a", "b"],
            "actor": ["CSTO", "NATO", "CSTO"],
            "start": [0, 60, 30],
            "end": [4, 64, 34],
            "surface": ["CSTO", "NATO", "CSTO"],
            "sentence_id": [0, 1, 1],
        }
    )
    sent = actor_cooccurrence(ents, ments, level="sentence")
    got = {(r.actor, r.ent_id or r.name): (r.count, r.n_docs) for r in sent.itertuples()}
    # CSTO: sentence a/0 (Russia, Kazakhstan; not itself), sentence b/1 (nothing else)
    assert got == {
        ("CSTO", "RUS"): (1, 1),
        ("CSTO", "KAZ"): (1, 1),
        ("NATO", "RUS"): (1, 1),
        ("NATO", "Putin"): (1, 1),
    }
    doc = actor_cooccurrence(ents, ments, level="document", top=2)
    csto = doc[doc["actor"] == "CSTO"]
    # a: Russia x2, Kazakhstan, NATO, Putin; b: Russia, Putin (2010 is a DATE: not a name)
    assert csto[["ent_id", "name", "count", "n_docs"]].values.tolist() == [
        ["RUS", "Russia", 3, 2],
        ["", "Putin", 2, 2],
    ]
    everything = actor_cooccurrence(ents, ments, level="document", top=None, labels=None)
    assert "DATE" in set(everything["label"])
    with pytest.raises(ValueError, match="level"):
        actor_cooccurrence(ents, ments, level="paragraph")


def test_actor_cooccurrence_leaves_out_lists_of_organizations():
    ents = _hand_ents()  # sentence a/0 names one organization (CSTO), a/1 one (NATO)
    ments = pd.DataFrame(
        {
            "doc_id": ["a", "a"],
            "actor": ["CSTO", "NATO"],
            "start": [0, 60],
            "end": [4, 64],
            "surface": ["CSTO", "NATO"],
            "sentence_id": [0, 1],
        }
    )
    assert len(actor_cooccurrence(ents, ments, max_orgs=1)) == 4  # nothing left out
    listed = pd.concat(
        [
            ents,
            pd.DataFrame(  # a/0 becomes a list: CSTO, CIS, SCO
                {
                    "doc_id": "a",
                    "start": [32, 36],
                    "end": [35, 39],
                    "surface": ["CIS", "SCO"],
                    "label": "ORG",
                    "ent_id": ["CIS", "SCO"],
                    "sentence_id": 0,
                }
            ),
        ],
        ignore_index=True,
    )
    kept = actor_cooccurrence(listed, ments, max_orgs=2)
    assert set(kept["actor"]) == {"NATO"}  # the CSTO's only sentence was a list
    assert {(r.actor, r.ent_id or r.name) for r in kept.itertuples()} == {
        ("NATO", "RUS"),
        ("NATO", "Putin"),
    }
    assert len(actor_cooccurrence(listed, ments, max_orgs=3)) == 6  # RUS, KAZ, CIS, SCO too
    doc = actor_cooccurrence(listed, ments, level="document", max_orgs=2)
    assert doc.empty  # document a names 4 organizations


# -- every corpus kind ----------------------------------------------------------------------
def _small(kind: str, tmp_path) -> analysis.Corpus:
    """A few documents naming the CSTO, read through each kind of loader."""
    from conftest import shared_path

    if kind == "archive":  # the UN General Debate archive: Russia and Kazakhstan, 2011
        corpus = analysis.load(shared_path("corpora/UNGDC_1946-2024.tgz"))
        return corpus.filter(corpus.docs["doc_id"].isin(["RUS_66_2011", "KAZ_66_2011"]))
    articles = shared_path("corpora/articles")
    if kind == "folder":
        corpus = analysis.load(articles)
        return corpus.filter(corpus.docs["doc_id"].isin(["002", "010"]))
    if kind == "table":
        path = tmp_path / "t.jsonl"
        docs = analysis.load(articles).docs.head(4)
        docs[["doc_id", "text", "source"]].to_json(path, orient="records", lines=True)
        return analysis.load(path)
    corpus = analysis.load("factbook")
    return corpus.filter(corpus.docs["iso3"].isin(["KAZ", "ARM"]))


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["factbook", "folder", "archive", "table"])
def test_mentions_and_entities_on_every_corpus_kind(kind, tmp_path):
    corpus = _small(kind, tmp_path)
    assert 2 <= len(corpus) <= 4
    found = mentions(corpus, ["CSTO", "NATO", "UN"])
    ents = entities(corpus, mode="actor_sentences")
    texts = corpus.docs.set_index("doc_id")["text"]
    assert all(texts[r.doc_id][r.start : r.end] == r.surface for r in ents.itertuples())
    csto = ents[ents["ent_id"] == "CSTO"]
    assert (csto["label"] == "ORG").all()
    # every CSTO mention in an English document is the ruler's CSTO entity, at the same place
    english = found[found["doc_id"].isin(corpus.english().doc_ids) & (found["actor"] == "CSTO")]
    assert set(zip(csto["doc_id"], csto["start"])) == set(zip(english["doc_id"], english["start"]))
    assert len(csto) >= 2
    freq = entity_frequencies(ents, corpus, by="doc_id")
    assert set(freq["group"]) <= set(corpus.doc_ids)
    near = actor_cooccurrence(ents, found, top=5)
    assert "CSTO" in set(near["actor"])


def test_auto_mode_parses_whole_small_corpora_and_actor_sentences_of_large_ones(monkeypatch):
    docs = table(a="Kazakhstan hosted the CSTO. Putin then flew to France.", b="Nothing here.")
    small = entities(docs, mode="auto", cache=False)
    assert small.attrs["mode"] == "full" and "FRA" in set(small["ent_id"])
    monkeypatch.setattr(en.ner, "AUTO_FULL_CHARS", 10)
    large = entities(docs, mode="auto", cache=False)
    assert large.attrs["mode"] == "actor_sentences"
    assert "KAZ" in set(large["ent_id"]) and "FRA" not in set(large["ent_id"])
