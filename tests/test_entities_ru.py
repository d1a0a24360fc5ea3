"""Russian entities: slovnet's NER from the natasha wheel, English labels, actors and ISO3."""

from __future__ import annotations

import pandas as pd
import pytest

import analysis
from analysis import entities
from analysis.entities.russian import russian_country_code


@pytest.fixture(scope="module")
def ents_ru(articles_ru, tmp_path_factory):
    settings = analysis.get_settings(cache_dir=tmp_path_factory.mktemp("ents-ru"), workers=1)
    return entities.entities(articles_ru, settings=settings), settings


def test_first_sentence_of_009_by_hand(ents_ru):
    """Read by hand: the CSTO (full name), NATO, Ukraine, the CSTO, Bordyuzha, ITAR-TASS."""
    ents, _ = ents_ru
    first = ents[(ents["doc_id"] == "009") & (ents["start"] < 216)]
    assert list(zip(first["surface"], first["label"], first["ent_id"])) == [
        ("Организация Договора о коллективной безопасности", "ORG", "CSTO"),
        ("НАТО", "ORG", "NATO"),
        ("Украине", "GPE", "UKR"),
        ("ОДКБ", "ORG", "CSTO"),
        ("Николай Бордюжа", "PERSON", ""),
        ("ИТАР-ТАСС", "ORG", ""),
    ]


def test_russian_documents_are_parsed_and_others_reported(ents_ru, articles_ru):
    ents, _ = ents_ru
    assert ents.attrs["languages"] == {"en": 0, "ru": 45}
    assert ents.attrs["skipped"] == []  # the folder's URLS.txt is no document any more
    assert set(ents["label"]) <= {"ORG", "GPE", "PERSON"}
    texts = articles_ru.docs.set_index("doc_id")["text"]
    assert all(
        texts[d][s:e] == t for d, s, e, t in ents[["doc_id", "start", "end", "surface"]].values
    )


def test_every_actor_mention_is_an_org_with_its_id(ents_ru, articles_ru):
    ents, _ = ents_ru
    found = analysis.actors.mentions(articles_ru.docs[articles_ru.docs["lang"] == "ru"])
    spans = set(zip(found["doc_id"], found["start"], found["end"], found["actor"]))
    orgs = ents[ents["ent_id"].isin(set(found["actor"]))]
    assert set(zip(orgs["doc_id"], orgs["start"], orgs["end"], orgs["ent_id"])) == spans


def test_second_run_reads_the_cache(ents_ru, articles_ru):
    _, settings = ents_ru
    again = entities.entities(articles_ru, settings=settings)
    assert again.attrs["n_parsed"] == 0 and again.attrs["n_cached"] == 45


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Киргизии", "KGZ"),
        ("Кыргызстаном", "KGZ"),
        ("Российской Федерации", "RUS"),
        ("России", "RUS"),
        ("США", "USA"),
        ("Соединенных Штатов", "USA"),
        ("Белоруссии", "BLR"),
        ("Республике Беларусь", "BLR"),
        ("Южной Кореи", "KOR"),
        ("Советского Союза", "SUN"),
        ("Германии", "DEU"),
        ("Москве", ""),
        ("Центральной Азии", ""),
    ],
)
def test_russian_country_names_in_any_case(name, code):
    assert russian_country_code(name) == code


def test_a_mixed_table_keeps_document_order():
    docs = pd.DataFrame(
        {
            "doc_id": ["ru1", "en1", "ru2"],
            "text": ["Лавров прибыл в Казахстан.", "Lavrov arrived in Kazakhstan.", "ООН"],
            "lang": ["ru", "en", "ru"],
        }
    )
    ents = entities.entities(docs, cache=False)
    assert list(dict.fromkeys(ents["doc_id"])) == ["ru1", "en1", "ru2"]
    kaz = ents[ents["ent_id"] == "KAZ"]
    assert list(kaz["doc_id"]) == ["ru1", "en1"]
