"""Russian tokens: lemmas, stop words, actor names in every case, per-document language."""

from __future__ import annotations

import re
from collections import Counter

import pandas as pd
import pytest
from conftest import make_corpus

from analysis import kwic, tokens
from analysis.tokens import TokenOptions, dtm, token_spans, tokenize
from analysis.tokens.languages import token_language

# The first sentence of articles-ru/009 (tuning half), tokens written by hand: lemmas,
# "о", "с", "на", "в", "заявить" dropped (spaCy's list and the Russian domain list),
# "из-за" dropped (a preposition), both names of the CSTO one token each.
SENTENCE_009 = (
    "Организация Договора о коллективной безопасности приостанавливает диалог с НАТО "
    "из-за ситуации на Украине, заявил в четверг на пресс-конференции генеральный "
    "секретарь ОДКБ"
)
TOKENS_009 = [
    "csto",
    "приостанавливать",
    "диалог",
    "nato",
    "ситуация",
    "украина",
    "четверг",
    "пресс-конференция",
    "генеральный",
    "секретарь",
    "csto",
]


def test_russian_sentence_tokens_by_hand():
    assert tokenize(SENTENCE_009, lang="ru") == TOKENS_009
    assert tokenize(SENTENCE_009) == TOKENS_009  # a bare text: Cyrillic script -> Russian


def test_hand_checked_lemmas_of_inflected_forms():
    pairs = {
        "безопасности": "безопасность",
        "Армении": "армения",
        "России": "россия",
        "учений": "учение",
        "миротворческих": "миротворческий",
        "приглашены": "пригласить",
        "стран-участниц": "страна-участница",
        "государствами": "государство",
        "ёлки": "елка",  # "ё" read as "е"
    }
    got = {w: tokenize(w, TokenOptions(stopwords=None, domain_stopwords=False))[0] for w in pairs}
    assert got == pairs


@pytest.mark.parametrize(
    ("text", "actor"),
    [
        ("ОДКБ", "csto"),
        ("Организации Договора о коллективной безопасности", "csto"),
        ("Организацией Договора о коллективной безопасности", "csto"),
        ("НАТО", "nato"),
        ("натовских", "nato"),
        ("Североатлантическим альянсом", "nato"),
        ("ООН", "un"),
        ("Организации Объединённых Наций", "un"),
        ("Организацию Объединенных Наций", "un"),
        ("Шанхайской организации сотрудничества", "sco"),
    ],
)
def test_actor_names_are_one_token_in_every_case(text, actor):
    assert tokenize(f"встреча {text} прошла") == ["встреча", actor, "пройти"]


def test_stop_words_are_matched_against_the_lemma():
    drop = tokens.stopword_set(TokenOptions(), "ru")
    assert {"и", "в", "который", "быть", "заявить", "год"} <= drop
    assert "безопасность" not in drop and "война" not in drop
    # "заявил", "годом" are dropped through their lemmas
    assert tokenize("заявил годом война") == ["война"]


def test_lemma_switch_and_forced_language():
    assert tokenize("Учения прошли", TokenOptions(lemmas=False)) == ["учения", "прошли"]
    assert tokenize("Учения прошли") == ["учение", "пройти"]
    # English rules forced on Russian text: no lemmas, English stop words only
    assert tokenize("Учения на Армении", TokenOptions(language="en")) == ["учения", "на", "армении"]
    with pytest.raises(ValueError, match="language must be one of"):
        TokenOptions(language="de")


def test_english_text_is_tokenized_as_before():
    text = "The North Atlantic Treaty Organization's troops were said to be in Kabul."
    assert tokenize(text) == tokenize(text, TokenOptions(language="en"))
    assert tokenize(text) == ["nato", "troops", "kabul"]


def test_spans_keep_offsets_of_the_text_as_written():
    text = "Договοра о коллеκтивной безопасности"  # Greek omicron and kappa inside
    spans = token_spans(text, lang="ru")
    assert [s.token for s in spans] == ["договор", "о", "коллективный", "безопасность"]
    assert [text[s.start : s.end] for s in spans] == text.split()


def test_token_language_of_documents():
    assert token_language("ru") == token_language("ru-RU") == "ru"
    assert token_language("uk", "Україна") == "en"  # Ukrainian has no rules of its own yet
    assert token_language(None, "Совет ООН принял резолюцию") == "ru"
    assert token_language(float("nan"), "The UN met") == "en"


def test_dtm_counts_each_document_in_its_own_language(tmp_path):
    import analysis

    texts = [
        "Учения ОДКБ прошли в Армении. Учения прошли успешно.",
        "The CSTO exercises in Armenia.",
        "Армения и ОДКБ",
    ]
    corpus = make_corpus(texts, lang=["ru", "en", "ru"])
    m = dtm(corpus, settings=analysis.get_settings(cache_dir=tmp_path))
    for row, (text, lang) in enumerate(zip(texts, ["ru", "en", "ru"])):
        expected = Counter(tokenize(text, lang=lang))
        got = {m.terms[j]: int(m.matrix[row, j]) for j in m.matrix[row].indices if m.matrix[row, j]}
        assert got == expected
    assert "армения" in set(m.terms) and "armenia" in set(m.terms)
    assert "учение" in set(m.terms) and "учения" not in set(m.terms)
    # the same corpus with lemmas off is another cache entry, with other terms
    surface = dtm(
        corpus, TokenOptions(lemmas=False), settings=analysis.get_settings(cache_dir=tmp_path)
    )
    assert "учения" in set(surface.terms) and not surface.from_cache


def test_russian_corpus_lemma_counts_match_an_independent_regex_count(articles_ru):
    """Every inflected form of безопасность counts as the lemma; checked by a regex count."""
    m = dtm(articles_ru)
    col = list(m.terms).index("безопасность")
    texts = articles_ru.docs.set_index("doc_id")["text"]
    names = re.compile(
        r"(?i)(?:Организаци\w* Договора о коллективной|Совет\w* коллективной) безопасности"
    )
    for row, doc_id in enumerate(m.doc_ids):
        if articles_ru.docs.loc[articles_ru.docs["doc_id"] == doc_id, "lang"].item() != "ru":
            continue
        # inside a CSTO name it is the actor token; 010 writes a Greek kappa in one name
        text = names.sub(" ", texts[doc_id].replace("κ", "к").replace("ο", "о"))
        expected = len(re.findall(r"(?i)(?<!\w)безопасност(?:ь|и|ью|ей|ям|ями|ях)(?!\w)", text))
        assert m.matrix[row, col] == expected, doc_id


def test_kwic_finds_every_form_of_a_russian_lemma(articles_ru):
    lines = kwic.kwic(articles_ru, "безопасность", window=2)
    assert {"безопасности", "безопасность", "безопасностью"} <= set(lines["match"].str.lower())
    assert all(
        articles_ru.docs.set_index("doc_id").loc[d, "text"][s:e] == match
        for d, s, e, match in zip(lines["doc_id"], lines["start"], lines["end"], lines["match"])
    )
    surface = kwic.kwic(articles_ru, "безопасность", window=2, lemmas=False)
    assert set(surface["match"].str.lower()) == {"безопасность"}
    assert len(surface) < len(lines)
    phrase = kwic.kwic(articles_ru, "совет безопасности", window=1)
    assert {"Совета Безопасности", "Совет Безопасности"} <= set(phrase["match"])


def test_collocates_of_the_csto_in_russian_are_lemmas(articles_ru):
    from analysis import collocations

    found = collocations.collocates(articles_ru, "CSTO", kind="actor", top=30, min_count=2)
    terms = set(found["collocate"])
    assert {"генеральный", "секретарь"} <= terms  # "генеральный секретарь ОДКБ"
    assert not terms & {"секретаря", "генерального", "и", "в"}  # no inflected forms, no stop words


def test_a_topic_model_over_two_languages_warns():
    from analysis import topics

    units = pd.DataFrame(
        {
            "unit_id": [f"u{i}" for i in range(10)],
            "doc_id": [f"d{i}" for i in range(10)],
            "text": ["The CSTO held exercises in Armenia and Kazakhstan."] * 5
            + ["ОДКБ провела учения в Армении и Казахстане."] * 5,
            "lang": ["en"] * 5 + ["ru"] * 5,
        }
    )
    with pytest.warns(UserWarning, match="several languages"):
        topics.TopicModel(2, random_state=0, cache=False).fit(units)
