"""Whose words? Whether a context is the outlet's own narration or a reported speaker's.

::

    from analysis import framing
    ctx = framing.attribute(framing.contexts(corpus))   # + voice, speaker, speaker_country
    tone.tone_by_actor(tone.score_tone(ctx), by="speaker_country")

Rules (English and Russian alike, on the tokens of :mod:`analysis.tokens`, Russian on
lemmas)
--------------------------------------------------------------------------------------
- A context is ``"reported"`` when it has a verb or phrase of saying ("said", "stressed",
  "according to", "заявил", "подчеркнул", "по словам", "по мнению"; :data:`SPEECH`) or
  a quotation of four words or more; otherwise it is the ``"outlet"``'s own voice.
- The **speaker** is the nearest run of capitalised words right after the verb ("said
  Sergei Lavrov", "по словам Пашиняна") or ending shortly before it ("Lavrov, the
  Russian foreign minister, said"; "Пашинян заявил"), without role words (minister,
  president, глава...) and country names, Russian surnames in their dictionary form
  (Пашиняна -> Пашинян). A pronoun ("he said") gives no speaker.
- The **speaker's country** (ISO3) is a country name or demonym in the speaker phrase or
  next to it ("Armenian Prime Minister Nikol Pashinyan", "глава МИД Армении",
  "Moscow says").

The rules see one sentence: a quotation spread over several sentences, or a speaker
named in the sentence before, is missed (the context is then "outlet" or has no speaker).
In a speech (the UN General Debate) the outlet IS the speaking delegation: use ``by=
"country"`` there.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd

from analysis.framing.frames import context_texts, lang_column, match_options

#: Columns :func:`attribute` adds.
VOICE_COLUMNS = ["voice", "speaker", "speaker_country"]

#: Tokens (English word forms, Russian lemmas) and phrases that report speech.
SPEECH = {
    "en": frozenset(
        "said says told tells stated stressed stresses noted added argued argues claimed "
        "warned warns insisted insists emphasised emphasized emphasises emphasizes declared "
        "announced asserted asserts explained explains acknowledged admitted complained "
        "accused urged believes recalled remarked wrote suggested".split()
    ),
    "ru": frozenset(
        "заявить заявлять сказать говорить отметить отмечать подчеркнуть подчеркивать "
        "сообщить сообщать добавить считать назвать называть пояснить пояснять указать "
        "указывать заметить признать признавать обвинить обвинять предупредить напомнить "
        "выразить констатировать утверждать процитировать цитировать высказаться "
        "пожаловаться упрекнуть раскритиковать критиковать осудить убежденный уверенный "
        "убеждать написать".split()
    ),
}
_SPEECH_PHRASES = {
    "en": (("according", "to"), ("in", "the", "words", "of"), ("pointed", "out"), ("quoted",)),
    "ru": (("по", "слово"), ("по", "мнение"), ("по", "оценка"), ("по", "данные")),
}
_ROLES = {
    "en": frozenset(
        "president minister foreign defence defense prime secretary general secretary-general "
        "deputy ambassador spokesman spokeswoman spokesperson head chief chairman commander "
        "director representative envoy official mr mrs ms dr colonel lieutenant senator "
        "vice-president first affairs ministry mfa press office the of".split()
    ),
    "ru": frozenset(
        "президент министр глава премьер-министр премьер секретарь генсек генеральный "
        "заместитель посол представитель пресс-секретарь председатель командующий директор "
        "официальный мид министерство замминистра спикер депутат вице-премьер "
        "начальник совет первый".split()
    ),
}
_PRONOUNS = frozenset(
    "he she they it we i you this that there his her its their он она они мы я вы это".split()
)
_CAPITALS = {
    "moscow": "RUS", "kremlin": "RUS", "yerevan": "ARM", "minsk": "BLR", "astana": "KAZ",
    "nur-sultan": "KAZ", "bishkek": "KGZ", "dushanbe": "TJK", "tashkent": "UZB",
    "baku": "AZE", "tbilisi": "GEO", "kyiv": "UKR", "kiev": "UKR", "washington": "USA",
    "beijing": "CHN", "москва": "RUS", "кремль": "RUS", "ереван": "ARM", "минск": "BLR",
    "астана": "KAZ", "бишкек": "KGZ", "душанбе": "TJK", "ташкент": "UZB", "баку": "AZE",
    "тбилиси": "GEO", "киев": "UKR", "вашингтон": "USA", "пекин": "CHN",
}  # fmt: skip
_RU_ADJECTIVES = {
    "российский": "RUS", "русский": "RUS", "армянский": "ARM", "белорусский": "BLR",
    "казахстанский": "KAZ", "казахский": "KAZ", "кыргызский": "KGZ", "киргизский": "KGZ",
    "таджикский": "TJK", "узбекский": "UZB", "азербайджанский": "AZE", "грузинский": "GEO",
    "украинский": "UKR", "американский": "USA", "китайский": "CHN", "британский": "GBR",
    "французский": "FRA", "турецкий": "TUR", "иранский": "IRN", "афганский": "AFG",
    "молдавский": "MDA", "туркменский": "TKM",
}  # fmt: skip
_QUOTE = re.compile(r"[\"“«„]([^\"“”«»„]+)[\"”»“]")


def _country_of(token: str, surface: str, language: str) -> str:
    """ISO3 of a country name, demonym or capital token, or ``""``.

    Names must be capitalised ("Того" is Togo, "того" a pronoun); Russian adjectives of
    nationality are not ("армянский").
    """
    if language == "ru" and token in _RU_ADJECTIVES:
        return _RU_ADJECTIVES[token]
    if not surface[:1].isupper():
        return ""
    if token in _CAPITALS:
        return _CAPITALS[token]
    if language == "ru":
        from analysis.entities.russian import russian_country_code

        return russian_country_code(surface)
    from analysis.entities.countries import country_code

    return country_code(surface)


def _speech_at(words: list[str], language: str) -> list[tuple[int, int]]:
    """``(first, last)`` token indices of each verb or phrase of saying."""
    verbs = SPEECH.get(language, frozenset())
    found = [(k, k) for k, w in enumerate(words) if w in verbs]
    for phrase in _SPEECH_PHRASES.get(language, ()):
        n = len(phrase)
        found += [
            (k, k + n - 1) for k in range(len(words) - n + 1) if tuple(words[k : k + n]) == phrase
        ]
    return sorted(found)


def context_voice(text: str, language: str) -> tuple[str, str, str]:
    """``(voice, speaker, speaker_country)`` of one context.

    Examples
    --------
    >>> context_voice("The CSTO failed us, said Armenian Prime Minister Nikol Pashinyan.", "en")
    ('reported', 'Nikol Pashinyan', 'ARM')
    >>> context_voice("The CSTO met in Moscow.", "en")
    ('outlet', '', '')
    """
    from analysis.tokens import token_spans

    if not isinstance(text, str) or language not in SPEECH:
        return ("", "", "")
    toks = token_spans(text, match_options(), lang=language)
    words = [t.token for t in toks]
    speech = _speech_at(words, language)
    quoted = any(len(m.group(1).split()) >= 4 for m in _QUOTE.finditer(text))
    if not speech:
        return ("reported" if quoted else "outlet", "", "")
    actor_tokens = _actor_tokens()
    capital = [
        text[t.start].isupper() and t.token not in _PRONOUNS and t.token not in actor_tokens
        for t in toks
    ]
    candidates = []
    for first, last in speech:
        candidates += _runs(capital, words, last + 1, +1, language)
        candidates += _runs(capital, words, first - 1, -1, language)
    found = [(d, run, _speaker(run, toks, text, language)) for d, run in candidates]
    named = sorted((d, who) for d, _, who in found if who[0])
    if named:
        return ("reported", *named[0][1])
    for _, run, (_, country) in sorted(found, key=lambda f: f[0]):
        if country:  # "Moscow says": the capital or country itself speaks
            words = [
                toks[k].token.capitalize()
                if language == "ru"
                else text[toks[k].start : toks[k].end]
                for k in run
                if toks[k].token not in _not_names(language)
            ]
            return ("reported", " ".join(words), country)
    return ("reported", "", "")


def _runs(capital: list[bool], words: list[str], start: int, step: int, language: str):
    """``(distance, token indices)`` of the capitalised runs near ``start``.

    After the verb: the run that starts within three tokens, only role words or "the"
    between ("said Russian Foreign Minister Lavrov"). Before it: every run ending within
    eight tokens, only role words between (the apposition "Lavrov, the Russian foreign
    minister, said").
    """
    limit = 3 if step > 0 else 8
    roles = _ROLES.get(language, frozenset())
    out, k, distance = [], start, 0
    while 0 <= k < len(words) and distance <= limit:
        if capital[k]:
            run = []
            while 0 <= k < len(words) and capital[k]:
                run.append(k)
                k += step
            out.append((distance, sorted(run)))
            if step > 0:
                break
            continue
        if words[k] not in roles and distance > (1 if step > 0 else 0):
            break
        k += step
        distance += 1
    return out


def _speaker(run: list[int], toks, text: str, language: str) -> tuple[str, str]:
    """The name (role words and countries dropped) and country of a capitalised run."""
    roles = _ROLES.get(language, frozenset())
    country, name = "", []
    lo, hi = max(0, run[0] - 4), min(len(toks), run[-1] + 4)
    for k in range(lo, hi):
        found = _country_of(toks[k].token, text[toks[k].start : toks[k].end], language)
        if found and not country:
            country = found
        if k in run and not found and toks[k].token not in roles | _not_names(language):
            name.append(toks[k].token if language == "ru" else text[toks[k].start : toks[k].end])
    if language == "ru":
        name = [w.capitalize() for w in name]
    return " ".join(name), country


@lru_cache(maxsize=2)
def _not_names(language: str) -> frozenset[str]:
    """Capitalised words that are not names: stop words ("In", "The"), months, weekdays."""
    from analysis.tokens import TokenOptions
    from analysis.tokens.options import stopword_set

    months = (
        "january february march april may june july august september october november december "
        "январь февраль март апрель май июнь июль август сентябрь октябрь ноябрь декабрь "
        "monday tuesday wednesday thursday friday saturday sunday понедельник вторник среда "
        "четверг пятница суббота воскресенье"
    ).split()
    return stopword_set(TokenOptions(), language) | frozenset(months)


@lru_cache(maxsize=1)
def _actor_tokens() -> frozenset[str]:
    """The tokens actor names become (:func:`analysis.tokens.actor_tokens`)."""
    from analysis.tokens import actor_tokens

    return frozenset(actor_tokens())


def attribute(contexts: pd.DataFrame) -> pd.DataFrame:
    """The contexts with ``voice`` (``outlet``/``reported``), ``speaker``, ``speaker_country``.

    Parameters
    ----------
    contexts : DataFrame
        The output of :func:`analysis.framing.contexts` (``context``, ``lang``).

    Returns
    -------
    pandas.DataFrame
        A copy with the three :data:`VOICE_COLUMNS`; empty strings where nothing was found
        (and all three empty for a language the rules do not cover).
    """
    from analysis.tokens.languages import text_languages

    texts = context_texts(contexts)
    langs = text_languages(lang_column(contexts), texts)
    found = [_voice_cached(t, lang) for t, lang in zip(texts, langs)]
    out = contexts.copy()
    for j, col in enumerate(VOICE_COLUMNS):
        out[col] = [f[j] for f in found]
    out.attrs.update(contexts.attrs)
    return out


@lru_cache(maxsize=65536)
def _voice_cached(text: str, language: str | None) -> tuple[str, str, str]:
    return context_voice(text, language or "")
