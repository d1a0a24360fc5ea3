"""Loading tables of documents: csv, tsv, jsonl and parquet."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import analysis
from analysis import AnalysisError
from analysis.errors import E

A = "The Collective Security Treaty Organization held joint exercises in Tajikistan in May."
B = "NATO foreign ministers met in Brussels to discuss the accession of Finland and Sweden."
C = "The United Nations Security Council adopted a resolution on peacekeeping reform."


def test_csv_with_id_column_and_metadata(tmp_path, settings):
    path = tmp_path / "t.csv"
    path.write_text(
        f'id,title,date,source,text\nx1,Alpha,2020-01-02,a.org,"{A}"\n'
        f'x2,Beta,2021-12-31,b.org,"{B}"\n',
        encoding="utf-8",
    )
    corpus = analysis.load(path, settings=settings)
    docs = corpus.docs
    assert corpus.doc_ids == ["x1", "x2"]
    assert docs["text"].tolist() == [A, B]
    assert docs["title"].tolist() == ["Alpha", "Beta"]
    assert docs["source"].tolist() == ["a.org", "b.org"]
    assert docs["date"].tolist() == [pd.Timestamp("2020-01-02"), pd.Timestamp("2021-12-31")]
    assert docs["lang"].tolist() == ["en", "en"]
    assert corpus.report.skipped == [] and corpus.report.warnings == []
    assert corpus.report.n_read == 2


def test_csv_doc_id_column_wins_over_id(tmp_path, settings):
    path = tmp_path / "t.csv"
    path.write_text(f'doc_id,id,text\nd1,i1,"{A}"\nd2,i2,"{B}"\n', encoding="utf-8")
    corpus = analysis.load(path, settings=settings)
    assert corpus.doc_ids == ["d1", "d2"]
    assert corpus.docs["id"].tolist() == ["i1", "i2"]  # the other id column is metadata


def test_doc_id_from_row_number_without_id_column(tmp_path, settings):
    path = tmp_path / "news.csv"
    path.write_text(f'text\n"{A}"\n"{B}"\n"{C}"\n', encoding="utf-8")
    assert analysis.load(path, settings=settings).doc_ids == ["news-1", "news-2", "news-3"]


def test_blank_id_falls_back_to_row_number(tmp_path, settings):
    path = tmp_path / "t.csv"
    path.write_text(f'id,text\nfirst,"{A}"\n,"{B}"\n,"{C}"\n', encoding="utf-8")
    assert analysis.load(path, settings=settings).doc_ids == ["first", "t-2", "t-3"]


def test_null_id_in_jsonl_falls_back_to_row_number(tmp_path, settings):
    path = tmp_path / "t.jsonl"
    path.write_text(
        json.dumps({"id": "first", "text": A}) + "\n" + json.dumps({"id": None, "text": B}) + "\n",
        encoding="utf-8",
    )
    assert analysis.load(path, settings=settings).doc_ids == ["first", "t-2"]


def test_tsv_with_text_column_option(tmp_path, settings):
    path = tmp_path / "t.tsv"
    path.write_text(f"title\tbody\nAlpha\t{A}\nBeta\t{B}\n", encoding="utf-8")
    corpus = analysis.load(path, settings=settings, text_column="body")
    assert corpus.doc_ids == ["t-1", "t-2"]
    assert corpus.texts.tolist() == [A, B]
    assert corpus.docs["title"].tolist() == ["Alpha", "Beta"]
    assert "body" not in corpus.docs.columns


def test_text_column_option_with_a_text_column_present(tmp_path, settings):
    path = tmp_path / "t.csv"
    path.write_text(f'id,text,body\na,"{A}","{B}"\n', encoding="utf-8")
    corpus = analysis.load(path, settings=settings, text_column="body")
    assert corpus.texts["a"] == B


def test_missing_text_column_is_e004_listing_columns(tmp_path, settings):
    path = tmp_path / "t.tsv"
    path.write_text(f"title\tbody\nAlpha\t{A}\n", encoding="utf-8")
    with pytest.raises(AnalysisError) as info:
        analysis.load(path, settings=settings)
    err = info.value
    assert err.code is E.E004
    assert err.exit_code == 4
    assert err.fields["found"] == "title, body"
    assert "no text column 'text'; the columns found are title, body" in str(err)
    with pytest.raises(AnalysisError, match="no text column 'content'"):
        analysis.load(path, settings=settings, text_column="content")


def test_empty_text_cells_are_skipped(tmp_path, settings):
    path = tmp_path / "t.csv"
    path.write_text(f'id,text\na,"{A}"\nb,""\nc,"   "\n', encoding="utf-8")
    corpus = analysis.load(path, settings=settings)
    assert corpus.doc_ids == ["a"]
    assert corpus.report.skipped == [
        {"origin": f"{path}:row 2", "reason": "empty 'text' cell"},
        {"origin": f"{path}:row 3", "reason": "empty 'text' cell"},
    ]


def test_jsonl_bad_lines_skipped_with_line_numbers(tmp_path, settings):
    path = tmp_path / "t.jsonl"
    path.write_text(
        "\n".join(
            [
                json.dumps({"doc_id": "j1", "text": A, "n": 1}),
                "{not json",
                json.dumps({"doc_id": "j3", "text": B, "n": 3}),
                "",
                "[1, 2]",
                json.dumps({"doc_id": "j6", "text": C}),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    corpus = analysis.load(path, settings=settings)
    assert corpus.doc_ids == ["j1", "j3", "j6"]
    assert corpus.texts.tolist() == [A, B, C]
    assert corpus.report.skipped == [
        {
            "origin": f"{path}:2",
            "reason": "line 2 is not valid JSON "
            "(Expecting property name enclosed in double quotes)",
        },
        {"origin": f"{path}:5", "reason": "line 5 is not a JSON object"},
    ]
    assert corpus.docs["n"].tolist()[:2] == [1, 3]
    assert pd.isna(corpus.docs["n"].iloc[2])


def test_jsonl_lone_surrogate_is_skipped_not_fatal(tmp_path, settings):
    path = tmp_path / "t.jsonl"
    path.write_text(
        "\n".join(
            [
                json.dumps({"doc_id": "j1", "text": A}),
                '{"doc_id": "j2", "text": "The CSTO met \\ud800 in Moscow."}',
                '{"doc_id": "j3", "text": "A pair \\ud83d\\ude00 is fine. ' + B + '"}',
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    corpus = analysis.load(path, settings=settings)
    assert corpus.doc_ids == ["j1", "j3"]
    assert "\U0001f600" in corpus.texts.iloc[1]
    [skip] = corpus.report.skipped
    assert skip["origin"] == f"{path}:2" and "lone UTF-16 surrogate" in skip["reason"]


def test_parquet(tmp_path, settings):
    path = tmp_path / "t.parquet"
    pd.DataFrame(
        {
            "doc_id": ["p1", "p2"],
            "text": [A, B],
            "year": [2020, 2021],
            "date": pd.to_datetime(["2020-05-01", "2021-06-02"]),
        }
    ).to_parquet(path)
    corpus = analysis.load(path, settings=settings)
    assert corpus.doc_ids == ["p1", "p2"]
    assert corpus.texts.tolist() == [A, B]
    assert corpus.docs["year"].tolist() == [2020, 2021]
    assert corpus.docs["date"].tolist() == [pd.Timestamp("2020-05-01"), pd.Timestamp("2021-06-02")]


def test_ragged_row_is_e003(tmp_path, settings):
    path = tmp_path / "bad.csv"
    path.write_text(f'id,text\n1,"{A}"\n2,"{B}",extra\n', encoding="utf-8")
    with pytest.raises(AnalysisError) as info:
        analysis.load(path, settings=settings)
    assert info.value.code is E.E003
    assert "Expected 2 fields in line 3, saw 3" in str(info.value)


def test_unclosed_quote_is_e003(tmp_path, settings):
    path = tmp_path / "bad.csv"
    path.write_text('id,text\n1,"hello world\n', encoding="utf-8")
    with pytest.raises(AnalysisError) as info:
        analysis.load(path, settings=settings)
    assert info.value.code is E.E003


def test_ragged_first_row_is_e003(tmp_path, settings):
    path = tmp_path / "bad.csv"
    path.write_text(f'id,text\n1,"{A}",extra,more\n2,"{B}"\n', encoding="utf-8")
    with pytest.raises(AnalysisError) as info:
        analysis.load(path, settings=settings)
    assert info.value.code is E.E003


def test_bad_date_is_a_warning_and_nat(tmp_path, settings):
    path = tmp_path / "t.csv"
    path.write_text(
        f'id,date,text\nx1,2020-01-02,"{A}"\nx2,not a date,"{B}"\nx3,,"{C}"\n', encoding="utf-8"
    )
    corpus = analysis.load(path, settings=settings)
    dates = corpus.docs["date"]
    assert dates.iloc[0] == pd.Timestamp("2020-01-02")
    assert pd.isna(dates.iloc[1]) and pd.isna(dates.iloc[2])
    assert corpus.report.warnings == [
        {"origin": "x2", "message": "date 'not a date' could not be read as a date; left blank"}
    ]


def test_csv_with_bom_and_utf8_text(tmp_path, settings):
    path = tmp_path / "t.csv"
    path.write_bytes(
        b"\xef\xbb\xbf" + 'id,text\nr,"Договор о коллективной безопасности, ОДКБ."\n'.encode()
    )
    corpus = analysis.load(path, settings=settings)
    assert corpus.doc_ids == ["r"]  # the BOM is not part of the first column's name
    assert corpus.texts["r"] == "Договор о коллективной безопасности, ОДКБ."


def test_out_of_range_date_is_a_warning_not_a_crash(tmp_path, settings):
    """Regression: the date "-1" raised OutOfBoundsDatetime (found by the property test)."""
    path = tmp_path / "t.csv"
    path.write_text("text,date\nThe CSTO met.,-1\nNATO met.,2024-05-01\n", encoding="utf-8")
    corpus = analysis.load(path, settings=settings)
    assert corpus.docs["date"].isna().tolist() == [True, False]
    assert any("-1" in w["message"] for w in corpus.report.warnings)
