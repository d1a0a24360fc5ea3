"""Countries as ISO 3166-1 alpha-3 codes: :func:`country_code` for GPE, LOC and NORP entities.

Method: an entity's text is folded (accents dropped, case folded, spacing collapsed, no
"the ", no "'s") and looked up, in this order, in :data:`COUNTRY_ALIASES` (forms pycountry
does not know, dissolved states as ISO 3166-3 codes), in pycountry's names, common names
and official names (also with a comma inverted: "Korea, Republic of" -> "Republic of
Korea"; a shortened form shared by two countries is left out), and in :data:`DEMONYMS`
(singular or plural). Exact look-ups only, no fuzzy matching; cities and regions get ``""``.

References
----------
ISO 3166-1 (country codes) and ISO 3166-3 (formerly used names), via the ``pycountry``
package.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

#: Labels whose entities are looked up as countries.
COUNTRY_LABELS = ("GPE", "LOC", "NORP")


#: Forms pycountry does not resolve (checked against pycountry 26), folded on look-up.
COUNTRY_ALIASES = {
    # short forms, abbreviations and codes used as names in running text
    "Russia": "RUS",
    "US": "USA",
    "U.S.": "USA",
    "USA": "USA",
    "U.S.A.": "USA",
    "America": "USA",
    "UK": "GBR",
    "U.K.": "GBR",
    "Britain": "GBR",
    "Great Britain": "GBR",
    "Turkey": "TUR",
    "Turkiye": "TUR",
    "UAE": "ARE",
    "DRC": "COD",
    "DPRK": "PRK",
    "ROK": "KOR",
    "PRC": "CHN",
    "Holland": "NLD",
    "Vatican": "VAT",
    "Brunei": "BRN",
    "Ivory Coast": "CIV",
    "Cape Verde": "CPV",
    "Kosovo": "XKX",  # not in ISO 3166; the code the factbook, EU and IMF use
    # former names of countries that continue: today's code
    "Kirghizia": "KGZ",
    "Kirgizia": "KGZ",
    "Byelorussia": "BLR",
    "Belorussia": "BLR",
    "Moldavia": "MDA",
    "Burma": "MMR",
    "Zaire": "COD",
    "Swaziland": "SWZ",
    "Macedonia": "MKD",
    "East Timor": "TLS",
    "Upper Volta": "BFA",
    "Dahomey": "BEN",
    # dissolved states: their ISO 3166-3 codes
    "Soviet Union": "SUN",
    "USSR": "SUN",
    "Union of Soviet Socialist Republics": "SUN",
    "Yugoslavia": "YUG",
    "Czechoslovakia": "CSK",
    "East Germany": "DDR",
    "German Democratic Republic": "DDR",
    "Serbia and Montenegro": "SCG",
    "West Germany": "DEU",
}


#: Demonyms (singular; a plural "s" is accepted) of the CSTO/post-Soviet region, its
#: neighbours and the permanent members of the Security Council. Others keep ``ent_id == ""``.
DEMONYMS = {
    "Russian": "RUS",
    "Armenian": "ARM",
    "Belarusian": "BLR",
    "Belarussian": "BLR",
    "Kazakh": "KAZ",
    "Kazakhstani": "KAZ",
    "Kyrgyz": "KGZ",
    "Tajik": "TJK",
    "Uzbek": "UZB",
    "Turkmen": "TKM",
    "Azerbaijani": "AZE",
    "Georgian": "GEO",
    "Ukrainian": "UKR",
    "Moldovan": "MDA",
    "Afghan": "AFG",
    "Iranian": "IRN",
    "Turkish": "TUR",
    "Chinese": "CHN",
    "American": "USA",
    "British": "GBR",
    "French": "FRA",
    "Soviet": "SUN",
}


_THE = re.compile(r"^the\s+")
_POSSESSIVE = re.compile(r"'s?$")


def _fold(name: str) -> str:
    """Look-up key: accents dropped, case folded, spacing collapsed, no "the", no "'s"."""
    name = unicodedata.normalize("NFKD", name.replace("\u2019", "'"))
    name = " ".join("".join(c for c in name if not unicodedata.combining(c)).split())
    return _POSSESSIVE.sub("", _THE.sub("", name.casefold())).strip(" .,;:")


@lru_cache(maxsize=1)
def _country_index() -> dict[str, str]:
    """Folded name -> alpha-3, from pycountry's names plus the two tables above."""
    import pycountry

    index: dict[str, str] = {}
    derived: dict[str, set[str]] = {}
    for country in pycountry.countries:
        for field in ("name", "common_name", "official_name"):
            value = getattr(country, field, None)
            if not value:
                continue
            index.setdefault(_fold(value), country.alpha_3)
            base = value.split(" (")[0]  # "Holy See (Vatican City State)"
            head, _, tail = base.partition(", ")  # "Korea, Republic of"
            for form in (base, head, f"{tail} {head}" if tail else ""):
                if form:
                    derived.setdefault(_fold(form), set()).add(country.alpha_3)
    for key, codes in derived.items():  # "Korea" is KOR and PRK: left out
        if len(codes) == 1 and key not in index:
            index[key] = next(iter(codes))
    index.update({_fold(k): v for k, v in COUNTRY_ALIASES.items()})
    return index


@lru_cache(maxsize=65536)
def country_code(name: str) -> str:
    """ISO 3166-1 alpha-3 of a country's name or demonym, or ``""``.

    Examples
    --------
    >>> country_code("the Russian Federation"), country_code("Kyrgyzstan's")
    ('RUS', 'KGZ')
    >>> country_code("Russians"), country_code("Moscow")
    ('RUS', '')
    """
    key = _fold(name)
    code = _country_index().get(key)
    if code is None:
        demonyms = _demonym_index()
        code = demonyms.get(key) or (demonyms.get(key[:-1], "") if key.endswith("s") else "")
    return code


@lru_cache(maxsize=1)
def _demonym_index() -> dict[str, str]:
    return {_fold(k): v for k, v in DEMONYMS.items()}
