"""Property-based tests: whatever bytes, text or table shape comes in, loading either
returns a corpus or raises a documented :class:`AnalysisError` — never another exception."""

from __future__ import annotations

import csv
import io
import json
import shutil
import tempfile
import zlib
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

import analysis
from analysis import dedupe
from analysis import text as textmod
from analysis.corpus import count_words
from analysis.errors import AnalysisError

FAST = hsettings(
    max_examples=40,
    deadline=None,
    database=None,  # writes nothing to the repo
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
NAMES = st.sampled_from(["a.txt", "b.md", "c.html", "d.htm", "e.txt"])


def _load_folder(files: dict[str, bytes]):
    root = Path(tempfile.mkdtemp(prefix="prop-"))
    try:
        for name, data in files.items():
            (root / name).write_bytes(data)
        opts = analysis.get_settings(cache_dir=root / ".cache", workers=1, use_cache=False)
        try:
            corpus = analysis.load(root / "", settings=opts) if files else None
        except AnalysisError as err:
            assert err.code.name in {"E002", "E006"}, err
            return None
        return corpus
    finally:
        shutil.rmtree(root, ignore_errors=True)


@FAST
@given(st.dictionaries(NAMES, st.binary(max_size=2000), min_size=1, max_size=4))
def test_random_bytes_in_a_folder(files):
    corpus = _load_folder(files)
    if corpus is not None:
        report = corpus.report
        # every file is either a document or reported as skipped
        assert len(corpus) + len(report.skipped) == len(files)
        assert all(corpus.docs["text"].str.len() > 0)


@FAST
@given(
    st.dictionaries(NAMES, st.text(max_size=3000), min_size=1, max_size=4),
    st.sampled_from(["utf-8", "utf-16", "utf-8-sig", "cp1251", "latin-1"]),
)
def test_random_unicode_in_any_encoding(texts, encoding):
    files = {name: text.encode(encoding, errors="replace") for name, text in texts.items()}
    corpus = _load_folder(files)
    if corpus is not None:
        for text in corpus.docs["text"]:
            assert text == text.strip() and "\x00" not in text and "\ufeff" not in text


@FAST
@given(st.text(max_size=5000))
def test_cleaning_functions_are_total(text):
    cleaned = textmod.repair_wraps(textmod.normalize(text))
    stripped, found = textmod.strip_page_clutter(cleaned)
    assert isinstance(stripped, str) and isinstance(found, dict)
    assert textmod.detect_language(cleaned)[0]
    assert textmod.normalize(cleaned) == cleaned  # normalizing twice changes nothing


def _reference_sketch(data: bytes, k: int = dedupe.K) -> tuple[int, ...]:
    """Bottom-k clause sketch as first written: split, hash, sort, one text at a time."""
    if len(data) > 2 * dedupe.SAMPLE_BYTES:
        data = data[: dedupe.SAMPLE_BYTES] + b". " + data[-dedupe.SAMPLE_BYTES :]
    pieces = data.replace(b", ", b". ").split(b". ")
    return tuple(sorted({zlib.crc32(p) for p in pieces if len(p) >= dedupe.MIN_PIECE})[:k])


CLAUSY = st.lists(
    st.sampled_from(
        [".", ",", " ", ". ", ", ", ",.", "é", "\n", "word " * 6, "x" * 30, "y" * 7000]
    ),
    max_size=60,
).map("".join)


@FAST
@given(st.lists(CLAUSY, max_size=6), st.sampled_from([dedupe.K, 3]))
def test_sketches_of_many_texts_are_each_texts_sketch(texts, k):
    data = [t.encode() for t in texts]
    assert dedupe.sketches(data, k) == [_reference_sketch(d, k) for d in data]


@FAST
@given(st.text(st.sampled_from(list(" \n.aé")), max_size=200))
def test_count_words_counts_as_str_count_does(text):
    expected = (
        (text.count(" ") + text.count("\n") - text.count("\n\n") - text.count("\n ") + 1)
        if text
        else 0
    )
    assert count_words(text) == count_words(text.encode()) == expected


cells = st.one_of(st.none(), st.text(max_size=40), st.integers(), st.floats(allow_nan=True))


@FAST
@given(
    st.lists(st.lists(cells, min_size=0, max_size=5), min_size=0, max_size=8),
    st.lists(
        st.sampled_from(["text", "doc_id", "date", "source", "x", ""]), min_size=0, max_size=5
    ),
    st.sampled_from([".csv", ".tsv", ".jsonl", ".parquet"]),
)
def test_random_table_shapes(rows, header, suffix):
    root = Path(tempfile.mkdtemp(prefix="prop-table-"))
    path = root / f"t{suffix}"
    try:
        _write_table(path, header, rows)
        opts = analysis.get_settings(cache_dir=root / ".cache", workers=1, use_cache=False)
        try:
            corpus = analysis.load(path, settings=opts)
        except AnalysisError as err:
            assert err.code.name in {"E002", "E003", "E004"}, err
        else:
            assert corpus.docs["doc_id"].is_unique
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _write_table(path: Path, header: list[str], rows: list[list]) -> None:
    if path.suffix in (".csv", ".tsv"):
        out = io.StringIO()
        writer = csv.writer(out, delimiter="\t" if path.suffix == ".tsv" else ",")
        writer.writerow(header)
        writer.writerows([["" if c is None else c for c in row] for row in rows])
        path.write_text(out.getvalue(), encoding="utf-8")
    elif path.suffix == ".jsonl":
        lines = [
            json.dumps(dict(zip(header, row))) if i % 3 else json.dumps(row)[:-1]
            for i, row in enumerate(rows)
        ]
        path.write_text("\n".join(lines), encoding="utf-8")
    else:
        names = list(dict.fromkeys(h or "unnamed" for h in header)) or ["empty"]
        frame = pd.DataFrame(
            [
                [str(c) for c in row[: len(names)]] + [None] * (len(names) - len(row[: len(names)]))
                for row in rows
            ],
            columns=names,
            dtype=object,
        )
        frame.to_parquet(path)
