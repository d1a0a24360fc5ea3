"""The actor registry and the mention layer: hand-made sentences, the seed article counted by
hand, the factbook, and precision/recall against hand annotations of the real articles."""

from __future__ import annotations

import time
from importlib.resources import files
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import SEED, UNGDC, shared_path

import analysis
from analysis import actors
from analysis.actors import RegistryError, load_registry, mention_counts, mention_shares, mentions

ANNOTATIONS = Path(__file__).parent / "data" / "actor_annotations.csv"
ANNOTATIONS_RU = Path(__file__).parent / "data" / "actor_annotations_ru.csv"
CSTO_PROFILES = {"arm", "blr", "kaz", "kgz", "rus", "tjk", "tkm", "uzb"}
#: The seed article, counted by reading it (see test_seed_article_counts_by_hand).
SEED_COUNTS = {"CSTO": 39, "UN": 26, "NATO": 3}
#: Precision and recall every actor must reach on each half of the annotated articles.
BAR_PRECISION, BAR_RECALL = 0.97, 0.95


def found(text, actors_=None, **options):
    """``[(actor, surface), ...]`` of the mentions in one text."""
    m = mentions(text, actors_, **options)
    assert all(text[s:e] == surf for s, e, surf in zip(m["start"], m["end"], m["surface"]))
    return list(zip(m["actor"], m["surface"]))


def _settings(tmp_path_factory):
    return analysis.get_settings(cache_dir=tmp_path_factory.mktemp("actors-cache"), workers=1)


# -- the registry -----------------------------------------------------------------------------
def test_builtin_registry_is_the_package_data_file():
    path = files("analysis") / "data" / "actors.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    reg = load_registry()
    assert [a["id"] for a in data["actors"]] == reg.ids
    assert reg is load_registry()  # parsed once


def test_builtin_registry_ids_kinds_and_parents():
    reg = load_registry()
    assert len(set(reg.ids)) == len(reg.ids)
    assert {
        "CSTO",
        "NATO",
        "UN",
        "SCO",
        "CIS",
        "OSCE",
        "EU",
        "EAEU",
        "CRRF",
        "PfP",
        "NRC",
        "EAPC",
        "UNHCR",
        "UNODC",
        "UNIFIL",
        "UNAMA",
        "UNDP",
        "UNICEF",
        "UNESCO",
        "UNMIK",
        "MONUSCO",
        "UNPROFOR",
    } <= set(reg.ids)
    for actor in reg:
        assert actor.kind in actors.KINDS
        assert actor.parent is None or actor.parent in reg
    assert {reg[a].parent for a in ("UNHCR", "UNODC", "UNESCO", "IAEA", "UNIFIL")} == {"UN"}
    assert (reg["CRRF"].parent, reg["CPF"].parent) == ("CSTO", "CSTO")
    assert (reg["NRC"].parent, reg["PfP"].parent, reg["EAPC"].parent) == ("NATO",) * 3
    assert {reg[a].parent for a in ("CSTO", "NATO", "UN", "SCO", "EU")} == {None}
    assert reg.root("CRRF") == "CSTO" and reg.ancestors("UN") == []
    assert set(reg.children("CSTO")) == {"CRRF", "CPF", "CRDF"}
    table = reg.to_frame()
    assert list(table.columns[:4]) == ["id", "name", "kind", "parent"]
    assert set(reg.forms()["type"]) == {"alias", "name", "contextual", "anaphora"}


def test_every_alias_and_name_finds_its_own_actor():
    reg = load_registry()
    forms = reg.forms()
    plain = forms[
        forms["type"].isin(["alias", "name"]) & ~forms["form"].str.contains("*", regex=False)
    ]
    wrong = [
        (row.actor, row.form, found(row.form))
        for row in plain.itertuples()
        if found(row.form) != [(row.actor, row.form)]
    ]
    assert wrong == []
    assert len(plain) > 250


def test_wildcard_forms_match_declensions():
    assert found("Организации Договора о коллективной безопасности") == [
        ("CSTO", "Организации Договора о коллективной безопасности")
    ]
    assert found("der Vereinten Nationen") == [("UN", "Vereinten Nationen")]
    assert found("Organizáciu Spojených národov") == [("UN", "Organizáciu Spojených národov")]


def _write(path: Path, data) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_user_yaml_extends_and_overrides(tmp_path):
    path = _write(
        tmp_path / "mine.yml",
        {
            "actors": [
                {"id": "CSTO", "aliases": ["Tashkent Treaty"], "note": "mine"},
                {"id": "NATO", "remove": ["Nato"]},
                {
                    "id": "GUAM",
                    "name": "GUAM Organization for Democracy and Economic Development",
                    "kind": "regional_organization",
                    "aliases": ["GUAM"],
                },
            ]
        },
    )
    reg = load_registry(path)
    assert len(reg) == len(load_registry()) + 1
    assert "CSTO" in reg["CSTO"].aliases and "Tashkent Treaty" in reg["CSTO"].aliases
    assert reg["CSTO"].note == "mine" and reg["CSTO"].name == load_registry()["CSTO"].name
    text = "The Tashkent Treaty, GUAM and Nato; the CSTO and NATO."
    assert found(text, registry=reg) == [
        ("CSTO", "Tashkent Treaty"),
        ("GUAM", "GUAM"),
        ("CSTO", "CSTO"),
        ("NATO", "NATO"),
    ]
    assert found(text) == [("NATO", "Nato"), ("CSTO", "CSTO"), ("NATO", "NATO")]


def test_user_yaml_alone(tmp_path):
    path = _write(
        tmp_path / "alone.yml",
        {
            "extends": "none",
            "actors": [
                {"id": "GUAM", "name": "GUAM", "kind": "regional_organization", "aliases": ["GUAM"]}
            ],
        },
    )
    reg = load_registry(path)
    assert reg.ids == ["GUAM"]
    assert found("GUAM, not the UN.", registry=reg) == [("GUAM", "GUAM")]


@pytest.mark.parametrize(
    "actors_, message",
    [
        ([{"id": "X", "name": "X", "kind": "alliance"}] * 2, "appears twice"),
        ([{"id": "X", "name": "X", "kind": "alliance", "parent": "Y"}], "parent 'Y'"),
        ([{"id": "X", "name": "X", "kind": "club"}], "kind 'club'"),
        (
            [
                {"id": "X", "name": "X", "kind": "alliance", "parent": "Y"},
                {"id": "Y", "name": "Y", "kind": "alliance", "parent": "X"},
            ],
            "back to itself",
        ),
        (
            [
                {"id": "X", "name": "X", "kind": "alliance", "aliases": ["XO"]},
                {"id": "Y", "name": "Y", "kind": "alliance", "aliases": ["XO"]},
            ],
            "belongs to both",
        ),
        ([{"id": "X", "name": "X", "kind": "alliance", "names": ["Ab*cd"]}], "inside a word"),
        ([{"id": "X", "kind": "alliance"}], "lacks name"),
        ([{"name": "X", "kind": "alliance"}], "needs an 'id'"),
    ],
)
def test_registry_errors_name_the_file_and_the_fix(tmp_path, actors_, message):
    path = _write(tmp_path / "bad.yml", {"extends": "none", "actors": actors_})
    with pytest.raises(RegistryError, match=message) as err:
        load_registry(path)
    assert "bad.yml" in str(err.value)


def test_registry_file_errors(tmp_path):
    with pytest.raises(RegistryError, match="no such file"):
        load_registry(tmp_path / "missing.yml")
    bad = tmp_path / "broken.yml"
    bad.write_text("actors: [\n", encoding="utf-8")
    with pytest.raises(RegistryError, match="not valid YAML"):
        load_registry(bad)
    with pytest.raises(RegistryError, match="form 'NATO' belongs to both"):
        load_registry(
            _write(
                tmp_path / "dup.yml",
                {"actors": [{"id": "X", "name": "X", "kind": "alliance", "aliases": ["NATO"]}]},
            )
        )


# -- matching: the tricky cases ---------------------------------------------------------------
def test_longest_form_wins():
    assert found("The UN Security Council met.") == [("UN", "UN Security Council")]
    assert found("the Collective Security Treaty Organization (CSTO)") == [
        ("CSTO", "Collective Security Treaty Organization"),
        ("CSTO", "CSTO"),
    ]
    assert found("United Nations Security Council (UNSC)") == [
        ("UN", "United Nations Security Council"),
        ("UN", "UNSC"),
    ]
    assert found("Chairman of the CSTO Collective Security Council") == [
        ("CSTO", "CSTO Collective Security Council")
    ]
    assert found("the CSTO's Collective Security Council") == [
        ("CSTO", "CSTO"),
        ("CSTO", "Collective Security Council"),
    ]


def test_un_never_inside_words_or_other_abbreviations():
    assert found("UNESCO, UNHCR and UNODC in Tunisia; UNited; fUNd; UNSCOM.") == [
        ("UNESCO", "UNESCO"),
        ("UNHCR", "UNHCR"),
        ("UNODC", "UNODC"),
    ]
    assert found("the United Nations Office on Drugs and Crime") == [
        ("UNODC", "United Nations Office on Drugs and Crime")
    ]
    assert found("Office of the United Nations High Commissioner for Refugees") == [
        ("UNHCR", "United Nations High Commissioner for Refugees")
    ]


def test_lower_case_words_of_other_languages_are_not_the_un():
    assert found("C'est un pays. Un accord, un Vertrag und un tratado.") == []
    assert found("L'ONU a un rôle.") == [("UN", "ONU")]


def test_all_caps_un_in_spanish_or_french_text_is_a_word():
    docs = pd.DataFrame(
        {
            "doc_id": ["es", "en", "es2"],
            "lang": ["es", "en", "es"],
            "text": [
                "ES UN PAIS LIBRE. La ONU lo sabe.",
                "THE UN MUST ACT NOW.",
                "El UN Security Council votó.",
            ],
        }
    )
    m = mentions(docs)
    assert list(zip(m["doc_id"], m["surface"])) == [
        ("es", "ONU"),
        ("en", "UN"),
        ("es2", "UN Security Council"),
    ]


def test_compounds_possessives_and_dotted_forms():
    assert found("The UN-CSTO declaration.") == [("UN", "UN"), ("CSTO", "CSTO")]
    assert found("the UN/CSTO Secretariat") == [("UN", "UN"), ("CSTO", "CSTO")]
    assert (
        found("the CSTO's forces, the CSTO’s chief, CSTO-led troops, #CSTO")
        == [("CSTO", "CSTO")] * 4
    )
    assert found("U.N. peacekeeping and the U.S. Army") == [("UN", "U.N.")]
    assert found("The U.N. Security Council") == [("UN", "U.N. Security Council")]
    assert found("NATO-Russia relations; the NATO-Russia Council (NRC).") == [
        ("NATO", "NATO"),
        ("NRC", "NATO-Russia Council"),
        ("NRC", "NRC"),
    ]


def test_not_inside_urls_or_email_addresses():
    text = (
        "See https://www.un.org/UN/CSTO and www.NATO.int/NATO, nato.int, "
        "en.odkb-csto.org/CSTO/news or press@UN.org; the UN and NATO.The end."
    )
    assert found(text) == [("UN", "UN"), ("NATO", "NATO")]


def test_glued_words_and_spacing_from_scraping():
    assert found("joined NATO'sPartnership for Peace") == [
        ("NATO", "NATO"),
        ("PfP", "Partnership for Peace"),
    ]
    assert found("from 9th to 11thNATO countries met") == [("NATO", "NATO")]
    assert found("the NorthAtlantic Treaty Organization") == [
        ("NATO", "NorthAtlantic Treaty Organization")
    ]
    assert found("the United Nations\n\nGeneral Assembly") == [
        ("UN", "United Nations\n\nGeneral Assembly")
    ]
    assert found("the Secretary General of the United Nations") == [("UN", "United Nations")]


def test_other_scripts_and_arabic_clitics():
    assert found("Заявление НАТО и ООН об ОДКБ") == [
        ("NATO", "НАТО"),
        ("UN", "ООН"),
        ("CSTO", "ОДКБ"),
    ]
    assert found("OSN a ODKB (Organizácia dohody o kolektívnej bezpečnosti)") == [
        ("UN", "OSN"),
        ("CSTO", "ODKB"),
        ("CSTO", "Organizácia dohody o kolektívnej bezpečnosti"),
    ]
    assert found("حلف شمال الأطلسي الناتو والناتو للناتو") == [
        ("NATO", "حلف شمال الأطلسي"),
        ("NATO", "الناتو"),
        ("NATO", "الناتو"),
        ("NATO", "ناتو"),
    ]
    assert found("گسترش ناتو و ناتوانی سازمان ملل") == [("NATO", "ناتو"), ("UN", "سازمان ملل")]
    assert found("नाटो और एससीओ") == [("NATO", "नाटो"), ("SCO", "एससीओ")]
    assert found("la Nato e la NATO; nato a Roma") == [("NATO", "Nato"), ("NATO", "NATO")]


# -- contextual forms ---------------------------------------------------------------------------
def test_bare_security_council_needs_the_un_in_context():
    assert found("During the Security Council meeting, Tokayev spoke.") == []
    assert found("The Security Council is the arm of the United Nations.") == [
        ("UN", "Security Council"),
        ("UN", "United Nations"),
    ]
    assert found("The UN spoke. Later the Security Council met.") == [("UN", "UN")]
    assert found("The UN Security Council met. Later the Security Council voted.") == [
        ("UN", "UN Security Council"),
        ("UN", "Security Council"),
    ]
    assert found("The Security Council of the United Nations") == [
        ("UN", "Security Council"),
        ("UN", "United Nations"),
    ]


def test_national_and_other_security_councils_are_never_the_un():
    text = (
        "The UN Security Council met. The National Security Council, Kazakhstan's "
        "Security Council, the Security Council of Kyrgyzstan and the AU Peace and "
        "Security Council did too, as did the Collective Security Council."
    )
    assert found(text) == [
        ("UN", "UN Security Council"),
        ("AU", "AU"),
        ("CSTO", "Collective Security Council"),
    ]
    assert found("The General Assembly and Security Council of the UN agreed.") == [
        ("UN", "General Assembly"),
        ("UN", "Security Council"),
        ("UN", "UN"),
    ]


def test_context_actors_license_bare_forms_in_a_un_corpus():
    assert found("The Security Council met.", context_actors=["UN"]) == [("UN", "Security Council")]
    assert found("The National Security Council met.", context_actors=["UN"]) == []


def test_cst_only_after_the_treaty_name_or_in_brackets():
    assert found("the CIS Collective Security Treaty (CST) of 1992") == [
        ("CIS", "CIS"),
        ("CSTO", "Collective Security Treaty"),
        ("CSTO", "CST"),
    ]
    assert found("They signed the Collective Security Treaty. Later CST members met.") == [
        ("CSTO", "Collective Security Treaty"),
        ("CSTO", "CST"),
    ]
    assert found("The meeting starts at 10:00 CST. The CST rules.") == []
    assert found("the South-East Asia Collective Security Treaty") == []


def test_nrc_and_peacekeeping_forces_are_contextual():
    assert found("The NRC helps refugees.") == []
    assert found("The CSTO Collective Peacekeeping Forces landed.") == [
        ("CSTO", "CSTO"),
        ("CPF", "Collective Peacekeeping Forces"),
    ]
    assert found(
        "the Collective Peacekeeping Forces of the Commonwealth of Independent States"
    ) == [("CIS", "Commonwealth of Independent States")]


def test_anaphora_only_on_request_and_after_the_name():
    text = "The Alliance met. NATO agreed. The Alliance grew and our Alliance is open."
    assert found(text) == [("NATO", "NATO")]
    assert found(text, anaphora=True) == [
        ("NATO", "NATO"),
        ("NATO", "Alliance"),
        ("NATO", "Alliance"),
    ]
    assert found(
        "The CSTO met. The Organization's forces. The UN and this Organization.", anaphora=True
    ) == [("CSTO", "CSTO"), ("CSTO", "Organization"), ("UN", "UN"), ("UN", "Organization")]


# -- options, inputs and outputs ------------------------------------------------------------
def test_actor_selection_and_children():
    text = "UNHCR and UNODC briefed the UN; the CSTO CRRF and NATO's PfP."
    assert found(text, ["UN"]) == [("UN", "UN")]
    assert found(text, ["UN"], include_children=True) == [
        ("UN", "UNHCR"),
        ("UN", "UNODC"),
        ("UN", "UN"),
    ]
    assert found(text, include_children=True) == [
        ("UN", "UNHCR"),
        ("UN", "UNODC"),
        ("UN", "UN"),
        ("CSTO", "CSTO"),
        ("CSTO", "CRRF"),
        ("NATO", "NATO"),
        ("NATO", "PfP"),
    ]
    assert found(text, ["CSTO", "CRRF"], include_children=True) == [
        ("CSTO", "CSTO"),
        ("CRRF", "CRRF"),
    ]
    with pytest.raises(ValueError, match="unknown actor id"):
        mentions(text, ["CTSO"])


def test_inputs_and_columns():
    texts = ["The UN met.", "NATO and the CSTO."]
    m = mentions(texts)
    assert list(m.columns) == actors.MENTION_COLUMNS
    assert m["doc_id"].tolist() == ["0", "1", "1"]
    series = pd.Series(texts, index=["a", "b"])
    assert mentions(series)["doc_id"].tolist() == ["a", "b", "b"]
    frame = pd.DataFrame({"doc_id": ["a", "b"], "text": texts})
    pd.testing.assert_frame_equal(mentions(frame), mentions(series))
    assert m.attrs["actors"] == ["CSTO", "NATO", "UN"]
    assert mentions(texts, ["UN", "NATO"]).attrs["actors"] == ["UN", "NATO"]
    empty = mentions("Nothing here.")
    assert empty.empty and list(empty.columns) == actors.MENTION_COLUMNS
    with pytest.raises(ValueError, match=r"mentions\(\) needs .*\['doc_id', 'text'\] missing"):
        mentions(pd.DataFrame({"body": texts}))


def test_sentence_ids():
    text = (
        "The U.N. Security Council met. Mr. Lavrov said the CSTO would act! "
        "“NATO disagrees,” he said.\nUN\n\nThe EU. NATO"
    )
    m = mentions(text)
    assert list(zip(m["surface"], m["sentence_id"])) == [
        ("U.N. Security Council", 0),
        ("CSTO", 1),
        ("NATO", 2),
        ("UN", 3),
        ("EU", 4),
        ("NATO", 5),
    ]
    assert actors.sentence_starts("One. Two") == [0, 5]


def test_mention_counts_per_document_and_group():
    docs = pd.DataFrame(
        {
            "doc_id": ["a", "b", "c"],
            "text": ["x"] * 3,
            "n_words": [100, 200, 700],
            "bloc": ["east", "east", "west"],
        }
    )
    m = mentions(
        pd.Series(["NATO, NATO and the UN.", "The UN.", "Nothing."], index=["a", "b", "c"]),
        ["NATO", "UN"],
    )
    per_doc = mention_counts(m, docs).set_index(["doc_id", "actor"])
    assert per_doc.loc[("a", "NATO"), "n_mentions"] == 2
    assert per_doc.loc[("a", "NATO"), "per_10k_words"] == pytest.approx(200.0)
    assert per_doc.loc[("c", "UN"), ["n_docs", "n_docs_mentioning", "n_mentions"]].tolist() == [
        1,
        0,
        0,
    ]
    by = mention_counts(m, docs, by="bloc").set_index(["group", "actor"])
    assert by.loc[("east", "UN")].to_dict() == {
        "n_docs": 2,
        "n_docs_mentioning": 2,
        "n_mentions": 2,
        "n_words": 300,
        "per_10k_words": pytest.approx(2 / 300 * 10_000),
    }
    assert by.loc[("west", "NATO"), "n_mentions"] == 0
    assert len(by) == 4


def test_mention_shares_with_bootstrap_intervals():
    n = 40  # period "early": 4 of 20 documents name NATO; "late": 15 of 20
    texts = pd.Series(
        ["NATO met." if (i < 4 or 20 <= i < 35) else "Nothing here." for i in range(n)],
        index=[f"d{i}" for i in range(n)],
    )
    docs = pd.DataFrame(
        {"doc_id": texts.index, "text": texts.values, "period": ["early"] * 20 + ["late"] * 20}
    )
    m = mentions(texts, ["NATO", "UN"])
    shares = mention_shares(m, docs, "period", n_boot=500).set_index(["group", "actor"])
    early, late = shares.loc[("early", "NATO")], shares.loc[("late", "NATO")]
    assert (early["n_docs"], early["n_docs_mentioning"], early["share"]) == (20, 4, 0.2)
    assert late["share"] == 0.75
    assert 0.0 <= early["ci_low"] < 0.2 < early["ci_high"] <= 0.5
    assert early["ci_high"] < late["ci_low"]  # clearly apart
    assert shares.loc[("late", "UN"), ["share", "ci_low", "ci_high"]].tolist() == [0.0, 0.0, 0.0]
    again = mention_shares(m, docs, "period", n_boot=500).set_index(["group", "actor"])
    assert again.equals(shares)  # seeded


def test_mentions_of_a_corpus_are_cached_per_registry(tmp_path, monkeypatch):
    from analysis.actors import mention_layer

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.txt").write_text("The Tashkent Treaty and the CSTO met.", "utf-8")
    (tmp_path / "docs" / "b.txt").write_text("NATO and the UN.", "utf-8")
    corpus = analysis.load(tmp_path / "docs")
    first = mentions(corpus, ["CSTO", "NATO"])
    calls = []
    real = mention_layer.document_mentions
    monkeypatch.setattr(mention_layer, "document_mentions", lambda *a: calls.append(1) or real(*a))
    again = mentions(corpus, ["CSTO", "NATO"])
    assert calls == [] and again.equals(first) and again.attrs["actors"] == ["CSTO", "NATO"]
    assert not mentions(corpus, ["UN"]).empty and calls  # other actors: other entry
    calls.clear()
    mine = load_registry(
        _write(tmp_path / "mine.yml", {"actors": [{"id": "CSTO", "aliases": ["Tashkent Treaty"]}]})
    )
    edited = mentions(corpus, ["CSTO", "NATO"], registry=mine)  # a new alias: a cache miss
    assert calls and len(edited) == len(first) + 1
    calls.clear()
    mentions(corpus, ["CSTO", "NATO"], cache=False)
    assert calls  # cache=False reads nothing


def test_co_mentions_by_sentence_and_document():
    m = mentions(
        pd.Series(["The UN and NATO. The CSTO.", "CSTO and UN. UN again."], index=["a", "b"])
    )
    sentence = actors.co_mentions(m, level="sentence")
    assert sentence[["actor_a", "actor_b", "n_units"]].values.tolist() == [
        ["CSTO", "UN", 1],
        ["NATO", "UN", 1],
    ]
    document = actors.co_mentions(m, level="document").set_index(["actor_a", "actor_b"])
    assert document.loc[("CSTO", "UN"), ["n_units", "n_units_a", "n_units_b"]].tolist() == [2, 2, 2]
    assert document.loc[("CSTO", "UN"), "jaccard"] == 1.0
    assert document.loc[("NATO", "UN"), "jaccard"] == pytest.approx(0.5)
    with pytest.raises(ValueError, match="level"):
        actors.co_mentions(m, level="paragraph")


# -- real texts -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def seed(tmp_path_factory):
    path = shared_path(SEED)
    return analysis.load(path.parent, settings=_settings(tmp_path_factory)).filter(
        lambda d: d["doc_id"] == path.stem
    )


def test_seed_article_counts_by_hand(seed):
    """Counted by reading the loaded text. UN 26: "UN" x21 (UN's, UN-CSTO, UN-mandated...),
    "UN Security Council", "UN General Assembly" x2, "United Nations" x2. CSTO 39: "CSTO" x36
    (with the "(CSTO)" after the full name), the full name, "the Collective Security
    Treaty", and the Collective Security Council of "the CSTO's Collective Security
    Council" (the CSTO, then its council: 2). NATO 3."""
    m = mentions(seed)
    assert m["actor"].value_counts().to_dict() == SEED_COUNTS
    text = seed.docs["text"].iloc[0]
    assert all(text[s:e] == surf for s, e, surf in zip(m["start"], m["end"], m["surface"]))
    assert m["surface"].value_counts()["UN"] == 21


def test_factbook_profiles_naming_the_csto(factbook):
    m = mentions(factbook, "CSTO")
    assert set(m["doc_id"]) == CSTO_PROFILES
    docs = factbook.docs.set_index("doc_id")
    assert set(docs.loc[sorted(CSTO_PROFILES), "iso3"]) == {
        "ARM",
        "BLR",
        "KAZ",
        "KGZ",
        "RUS",
        "TJK",
        "TKM",
        "UZB",
    }
    counts = mention_counts(m, factbook, by="member_csto").set_index("group")
    assert counts.loc[True, "n_docs_mentioning"] == 6  # Uzbekistan withdrew in 2012
    assert counts.loc[False, "n_docs_mentioning"] == 2  # Turkmenistan and Uzbekistan


@pytest.fixture(scope="module")
def annotations():
    return pd.read_csv(ANNOTATIONS, dtype={"doc_id": str}, keep_default_na=False)


def test_annotation_file_covers_every_article(annotations, articles):
    assert list(annotations.columns) == ["doc_id", "actor", "n_mentions", "notes"]
    assert set(annotations["doc_id"]) == set(articles.doc_ids)
    per_doc = annotations.groupby("doc_id")["actor"].apply(lambda a: tuple(sorted(a)))
    assert set(per_doc) == {("CSTO", "NATO", "UN")}
    assert (annotations["n_mentions"] >= 0).all()


def precision_recall(pred: pd.DataFrame, gold: pd.DataFrame) -> pd.DataFrame:
    """Micro precision and recall per actor from per-document counts (tp = min(pred, gold))."""
    counts = pred.groupby(["doc_id", "actor"]).size().rename("pred").reset_index()
    counts = counts.astype({"doc_id": str, "actor": str})
    both = gold.merge(counts, on=["doc_id", "actor"], how="left").fillna({"pred": 0})
    both["tp"] = both[["pred", "n_mentions"]].min(axis=1)
    sums = both.groupby("actor")[["tp", "pred", "n_mentions"]].sum()
    return pd.DataFrame(
        {"precision": sums["tp"] / sums["pred"], "recall": sums["tp"] / sums["n_mentions"]}
    )


@pytest.mark.parametrize("half", ["tuned (<= 030)", "held out (> 030)"])
def test_precision_and_recall_against_hand_counts(articles, annotations, half):
    gold = annotations[(annotations["doc_id"] <= "030") == half.startswith("tuned")]
    docs = articles.docs[articles.docs["doc_id"].isin(gold["doc_id"])]
    scores = precision_recall(mentions(docs, ["CSTO", "NATO", "UN"]), gold)
    assert (scores["precision"] >= BAR_PRECISION).all(), scores
    assert (scores["recall"] >= BAR_RECALL).all(), scores


@pytest.fixture(scope="module")
def annotations_ru():
    return pd.read_csv(ANNOTATIONS_RU, dtype={"doc_id": str}, keep_default_na=False)


def test_russian_annotation_file_covers_every_excerpt(annotations_ru, articles_ru):
    assert list(annotations_ru.columns) == ["doc_id", "actor", "n_mentions", "notes"]
    russian = articles_ru.docs.loc[articles_ru.docs["lang"] == "ru", "doc_id"]
    assert set(annotations_ru["doc_id"]) == set(russian)  # the folder's URLS.txt is no article
    assert len(russian) == 45
    assert (annotations_ru.groupby("doc_id").size() == 3).all()


@pytest.mark.parametrize("half", ["tuned (<= 022)", "held out (> 022)"])
def test_russian_precision_and_recall_against_hand_counts(articles_ru, annotations_ru, half):
    gold = annotations_ru[(annotations_ru["doc_id"] <= "022") == half.startswith("tuned")]
    docs = articles_ru.docs[articles_ru.docs["doc_id"].isin(gold["doc_id"])]
    scores = precision_recall(mentions(docs, ["CSTO", "NATO", "UN"]), gold)
    assert (scores["precision"] >= BAR_PRECISION).all(), scores
    assert (scores["recall"] >= BAR_RECALL).all(), scores


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an organ and its organization in the genitive: one mention
        (
            "Совета коллективной безопасности ОДКБ",
            [("CSTO", "Совета коллективной безопасности ОДКБ")],
        ),
        ("решение Совета Безопасности ООН", [("UN", "Совета Безопасности ООН")]),
        ("на Генассамблее ООН", [("UN", "Генассамблее ООН")]),
        # ... but a bracket or a line break between them keeps two
        (
            "Организации Договора о коллективной безопасности (ОДКБ)",
            [
                ("CSTO", "Организации Договора о коллективной безопасности"),
                ("CSTO", "ОДКБ"),
            ],
        ),
        ("ОДКБ\nОДКБ провела", [("CSTO", "ОДКБ"), ("CSTO", "ОДКБ")]),
        # a bare organ counts in a text about its organization, a national one never
        ("ООН призвала. Вопрос обсудят в Совбезе.", [("UN", "ООН"), ("UN", "Совбезе")]),
        ("ООН призвала. Секретарь Совбеза Армении заявил.", [("UN", "ООН")]),
        ("ООН призвала. Совета безопасности РФ", [("UN", "ООН")]),
        ("Вопрос обсудят в Совбезе.", []),
        # the 1992 treaty is not the organization; the lower-case first word still is
        ("Договор о коллективной безопасности подписан в 1992 году", []),
        (
            "организация Договора о коллективной безопасности",
            [("CSTO", "организация Договора о коллективной безопасности")],
        ),
        # the NATO-Russia Council in any case form
        ("заседание Совета Россия – НАТО", [("NRC", "Совета Россия – НАТО")]),
        # look-alike Greek and Latin letters inside a Cyrillic name
        (
            "Организации Договοра о коллеκтивной безопасности",
            [("CSTO", "Организации Договοра о коллеκтивной безопасности")],
        ),
        ("генсек OДКБ", [("CSTO", "OДКБ")]),
    ],
)
def test_russian_mention_rules(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an ordinal before an organ is its session
        (
            "At the UN, the Fifty-Ninth General Assembly voted.",
            [("UN", "UN"), ("UN", "General Assembly")],
        ),
        ("The Kazakh Security Council met at the UN.", [("UN", "UN")]),
        # another organization's name first in the sentence still owns the organ
        (
            "CSTO Security Council secretaries met; the UN was absent.",
            [("CSTO", "CSTO"), ("UN", "UN")],
        ),
        # a headline in capitals is licensed by the text under it
        (
            "SECURITY COUNCIL EXTENDS MANDATE\nThe UN Security Council voted.",
            [("UN", "SECURITY COUNCIL"), ("UN", "UN Security Council")],
        ),
        ("SECURITY COUNCIL MEETS\nKazakhstan's council met.", []),
    ],
)
def test_english_organ_rules(text, expected):
    assert found(text) == expected


@pytest.mark.slow
def test_whole_un_general_debate_in_well_under_a_minute(tmp_path_factory):
    corpus = analysis.load(shared_path(UNGDC), settings=_settings(tmp_path_factory))
    start = time.perf_counter()
    m = mentions(corpus, progress=False)
    seconds = time.perf_counter() - start
    assert seconds < 30, f"{seconds:.1f} s"
    assert m["actor"].value_counts().idxmax() == "UN"
    assert {"CSTO", "NATO", "SCO", "CIS"} <= set(m["actor"])


def test_co_mentions_leave_out_enumerations_and_filter_pairs():
    texts = [
        "The CSTO and NATO met. Members: UN, OSCE, CIS, SCO, EU.",
        "NATO criticised the CSTO. The UN stayed out.",
    ]
    found = actors.mentions(texts)
    every = actors.co_mentions(found)
    assert ("OSCE", "SCO") in set(zip(every["actor_a"], every["actor_b"]))
    lean = actors.co_mentions(found, max_actors=4, involving=["CSTO"])
    assert list(zip(lean["actor_a"], lean["actor_b"], lean["n_units"])) == [("CSTO", "NATO", 2)]
