"""Frames and tone on Russian text: the same ten categories, on lemmas, with Russian negation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import framing
from analysis.framing import tone


def invoked(text: str, lang: str = "ru") -> set[str]:
    hits = framing.frame_hits(pd.DataFrame({"context": [text], "lang": [lang]}))
    return set(hits.loc[hits["counted_as"] != "", "counted_as"])


@pytest.mark.parametrize(
    ("text", "frames"),
    [
        # sentences written for the test, one category each (inflected forms on purpose)
        ("ООН признала ОДКБ и предоставила ей статус наблюдателя.", {"legitimacy"}),
        ("Расширение НАТО на восток угрожает безопасности России.", {"expansion", "threat"}),
        ("ОДКБ и ШОС договорились о сотрудничестве.", {"cooperation"}),
        ("Миротворческие силы ОДКБ прибыли в Казахстан.", {"peacekeeping"}),
        ("Москва выступает за невмешательство во внутренние дела.", {"sovereignty"}),
        ("Грузия хочет вступить в НАТО.", {"expansion"}),
        ("ОДКБ борется с терроризмом и наркотрафиком.", {"terrorism"}),
        ("Критики называют ОДКБ неэффективной организацией.", {"effectiveness"}),
        ("Россия считает Центральную Азию зоной своей ответственности.", {"dominance"}),
        ("Совбез ООН действует на основе международного права.", {"authority"}),
        # inflected set phrases and lemma globs
        ("в зоне ответственности ОДКБ", {"dominance"}),
        ("миротворцы ОДКБ", {"peacekeeping"}),
        # "вступление в силу" is entry into force, not accession
        ("Соглашение вступило в силу в 2009 году.", set()),
    ],
)
def test_russian_sentences_invoke_their_category(text, frames):
    assert invoked(text) == frames


def test_russian_negation_voids_keeps_and_flips():
    assert invoked("Это не угроза для ОДКБ.") == set()  # void
    assert invoked("НАТО не готов к диалогу с ОДКБ.") == {"threat"}  # cooperation flips
    assert invoked("ОДКБ не эффективна.") == {"effectiveness"}  # kept
    assert invoked("ОДКБ не только сотрудничает с ООН.") == {"cooperation"}  # not a negator


def test_the_same_categories_in_both_languages():
    frames = framing.load_frames()
    assert frames.languages == ["en", "ru"]
    ru = frames.for_language("ru")
    assert ru.ids == frames.ids
    assert all(c.terms for c in ru.categories.values())
    assert frames.for_language("en") is frames


def test_contexts_in_languages_without_terms_are_left_out_and_counted():
    ctx = pd.DataFrame(
        {
            "doc_id": ["a", "b", "c"],
            "actor": ["CSTO", "CSTO", "CSTO"],
            "context": [
                "The CSTO is a threat.",
                "ОДКБ представляет угрозу.",
                "La OTSC es una amenaza.",
            ],
            "lang": ["en", "ru", "es"],
        }
    )
    scored = framing.score_frames(ctx, cache=False)
    assert list(scored["doc_id"]) == ["a", "b"]
    assert scored["frame_threat"].tolist() == [True, True]
    assert scored.attrs["frames_not_scored"] == {"es": 1}
    assert scored.attrs["frames_languages"] == {"en": 1, "ru": 1}


def test_tone_is_not_scored_for_russian_text():
    scores = tone.score(
        pd.DataFrame({"context": ["The UN failed.", "ООН провалилась."], "lang": ["en", "ru"]}),
        cache=False,
    )
    assert scores[0] < 0 and np.isnan(scores[1])
    assert np.isnan(tone.score(["ООН провалилась."], cache=False)[0])  # by script


def test_frame_profile_of_the_russian_excerpts(articles_ru):
    ctx = framing.score_frames(framing.contexts(articles_ru, ["CSTO", "NATO", "UN"]))
    assert ctx.attrs["frames_not_scored"] == {}
    profile = framing.frame_profile(ctx, n_boot=50)
    share = profile.set_index(["actor", "frame"])["share"]
    # every organization is framed by some category: not the zeros of an English dictionary
    assert (share.groupby(level="actor").max() > 0.1).all()
    # the UN is the organization of authority (charter, mandates, the Security Council)
    assert share["UN", "authority"] > max(share["CSTO", "authority"], share["NATO", "authority"])
