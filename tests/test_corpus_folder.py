"""Loading folders (and archives) of article files: the real articles and tiny hand-made ones."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import shutil
import tarfile
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from conftest import ARTICLES, SEED, shared_path

import analysis
from analysis import AnalysisError
from analysis.corpus import DERIVED_COLUMNS, STANDARD_COLUMNS, prepare
from analysis.errors import E
from analysis.readers.base import RawDoc

ARTICLE_IDS = [f"{i:03d}" for i in range(1, 61) if i not in (5, 12, 53)]
CSTO = "The Collective Security Treaty Organization held joint exercises in Tajikistan this spring."
NATO = "NATO foreign ministers met in Brussels to discuss the accession of Finland and Sweden."
RUSSIAN = (
    "Организация Договора о коллективной безопасности провела совместные учения в Москве. "
    "Генеральный секретарь подписал декларацию о сотрудничестве с Организацией "
    "Объединённых Наций. Стороны договорились расширять взаимодействие в борьбе с "
    "терроризмом и незаконным оборотом оружия."
)


def _digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


# -- the real articles folder ---------------------------------------------------------------
@pytest.fixture(scope="module")
def articles_dir():
    return shared_path(ARTICLES)


@pytest.fixture(scope="module")
def metadata(articles_dir):
    with (articles_dir / "metadata.csv").open(encoding="utf-8", newline="") as handle:
        return {row["doc_id"]: row for row in csv.DictReader(handle)}


@pytest.fixture(scope="module")
def articles(articles_dir, tmp_path_factory):
    before = _digest(articles_dir)
    settings = analysis.get_settings(cache_dir=tmp_path_factory.mktemp("articles-cache"), workers=1)
    corpus = analysis.load(articles_dir, settings=settings)
    assert _digest(articles_dir) == before  # inputs are only ever read
    return corpus


def test_articles_ids_follow_metadata(articles, metadata):
    assert len(articles) == 57
    assert articles.doc_ids == ARTICLE_IDS
    assert articles.doc_ids == sorted(metadata)
    assert articles.docs.columns.tolist() == STANDARD_COLUMNS + DERIVED_COLUMNS


def test_articles_report_is_clean(articles):
    report = articles.report
    assert report.n_read == 57
    assert report.skipped == []
    assert report.warnings == []
    assert dict(report.encodings) == {"utf-8": 57}
    assert report.guessed_encodings == []
    assert report.duplicates.empty
    assert report.from_cache is False


def test_articles_metadata_values(articles, metadata):
    docs = articles.docs.set_index("doc_id")
    assert docs.loc["004", "title"] == "The UN Accepts CSTO as a Regional Security Organization"
    assert docs.loc["004", "source"] == "jamestown.org"
    assert docs.loc["004", "url"] == metadata["004"]["url"]
    assert pd.isna(docs.loc["004", "date"])
    assert docs.loc["001", "lang"] == "sk"
    assert docs.loc["001", "title"] == "OSN a ODKB podpísali deklaráciu o spolupráci"
    assert docs.loc["001", "date"] == pd.Timestamp("2012-08-04")
    for doc_id, row in metadata.items():
        assert docs.loc[doc_id, "source"] == row["source"]
        assert docs.loc[doc_id, "lang"] == row["lang"]
        if row["date"]:
            assert docs.loc[doc_id, "date"] == pd.Timestamp(row["date"]), doc_id
        else:
            assert pd.isna(docs.loc[doc_id, "date"]), doc_id
        if row["title"]:
            assert docs.loc[doc_id, "title"] == row["title"], doc_id


def test_articles_languages(articles):
    assert articles.docs["lang"].value_counts().to_dict() == {
        "en": 49,
        "fa": 2,
        "ar": 2,
        "sk": 1,
        "de": 1,
        "hi": 1,
        "it": 1,
    }
    # the detector agrees with metadata.csv on every article
    assert (articles.docs["lang"] == articles.docs["lang_detected"]).all()
    assert len(articles.english()) == 49


def test_articles_date_prefix_removed_but_text_kept(articles):
    text = articles.texts["006"]
    assert text.startswith("The collective peacekeeping forces of the Collective Security")
    assert "date 2022-01-06" not in text


def test_articles_derived_columns(articles):
    docs = articles.docs
    assert (docs["n_chars"] == docs["text"].str.len()).all()
    assert docs["lang_confidence"].between(0, 1).all()
    assert not docs["text"].str.contains("\ufeff|\r", regex=True).any()


def test_corpus_docs_is_a_copy(articles):
    docs = articles.docs
    docs.loc[0, "text"] = "changed"
    assert articles.docs.loc[0, "text"] != "changed"


def test_fingerprint_stable_and_content_sensitive(articles_dir, tmp_path):
    folder = tmp_path / "articles"
    shutil.copytree(articles_dir, folder)
    off = analysis.get_settings(cache_dir=tmp_path / "cache", use_cache=False, workers=1)
    first = analysis.load(folder, settings=off)
    second = analysis.load(folder, settings=off)
    assert first.fingerprint == second.fingerprint
    assert len(first.fingerprint) == 32
    target = folder / "010.txt"
    target.write_bytes(target.read_bytes() + b"\n\nOne added sentence about NATO.")
    third = analysis.load(folder, settings=off)
    assert third.fingerprint != first.fingerprint
    assert third.texts["010"].endswith("One added sentence about NATO.")
    assert (third.texts.drop("010") == first.texts.drop("010")).all()


def test_seed_article_as_one_file_folder(tmp_path, settings, shared_file):
    folder = tmp_path / "seed"
    folder.mkdir()
    shutil.copy(shared_file(SEED), folder)
    corpus = analysis.load(folder, settings=settings)
    assert corpus.doc_ids == ["000_2c3026d0221f2492"]
    row = corpus.docs.iloc[0]
    assert row["title"] == "The UN Accepts CSTO as a Regional Security Organization"
    assert row["author"] == "Vladimir Socor"
    assert row["source"] == "Eurasia Daily Monitor"
    assert row["date"] == pd.Timestamp("2010-03-31")
    assert row["lang"] == "en"
    assert "Nikolay-BordyuzhaMoscow declares" in row["text"]
    assert not row["text"].startswith("Home")
    assert not row["text"].rstrip().endswith("31.03.2010")


def test_archive_with_top_folder_matches_folder(articles_dir, articles, tmp_path, settings):
    archive = tmp_path / "articles.tgz"
    with tarfile.open(archive, "w:gz") as tf:
        tf.add(articles_dir, arcname="articles")
    corpus = analysis.load(archive, settings=settings)
    assert corpus.report.warnings == []
    assert corpus.doc_ids == articles.doc_ids
    assert corpus.docs["source"].tolist() == articles.docs["source"].tolist()


# -- tiny hand-made folders -----------------------------------------------------------------
def test_markdown_front_matter(tmp_path, settings):
    (tmp_path / "a.md").write_text(
        "---\ntitle: Front Title\nauthor: Jane Doe\ndate: 2021-05-04\nsource: Fm Source\n"
        f"custom: 7\n---\n\n{CSTO}\n",
        encoding="utf-8",
    )
    corpus = analysis.load(tmp_path, settings=settings)
    row = corpus.docs.iloc[0]
    assert row["doc_id"] == "a"
    assert row["text"] == CSTO
    assert (row["title"], row["author"], row["source"]) == ("Front Title", "Jane Doe", "Fm Source")
    assert row["date"] == pd.Timestamp("2021-05-04")
    assert row["custom"] == "7"
    assert corpus.report.warnings == []


def test_front_matter_conflict_keeps_metadata_csv(tmp_path, settings):
    (tmp_path / "a.md").write_text(
        f"---\ntitle: Front Title\nauthor: Jane Doe\n---\n{CSTO}\n", encoding="utf-8"
    )
    (tmp_path / "metadata.csv").write_text("doc_id,title\na,CSV Title\n", encoding="utf-8")
    corpus = analysis.load(tmp_path, settings=settings)
    row = corpus.docs.iloc[0]
    assert (row["title"], row["author"]) == ("CSV Title", "Jane Doe")
    assert corpus.report.warnings == [
        {
            "origin": str(tmp_path / "a.md"),
            "message": "front matter says title='Front Title' but the metadata says 'CSV Title'; "
            "kept the metadata's value",
        }
    ]


def test_html_reduced_to_article_text(tmp_path, settings):
    (tmp_path / "page.html").write_text(
        """<html><head><title>Page T</title>
<style>body { color: red } .STYLETEXT {}</style>
<script>var secret = "SCRIPTTEXT";</script></head>
<body><nav><a href="/">NAVLINK Home</a> <a href="/x">NAVLINK About</a></nav>
<article><h1>NATO &amp; the CSTO</h1>
<p>The North Atlantic Treaty Organization &amp; the Collective Security Treaty Organization
compared &mdash; a long paragraph about both alliances and &quot;their&quot; differences in
Central Asia and Europe.</p>
<p>A second paragraph with more words about peacekeeping operations, mandates and the
United Nations Security Council.</p></article></body></html>""",
        encoding="utf-8",
    )
    corpus = analysis.load(tmp_path, settings=settings)
    text = corpus.texts["page"]
    for junk in (
        "SCRIPTTEXT",
        "STYLETEXT",
        "color: red",
        "NAVLINK",
        "<p>",
        "&amp;",
        "&quot;",
        "&mdash;",
    ):
        assert junk not in text
    assert "The North Atlantic Treaty Organization & the Collective Security Treaty" in text
    assert "compared — a long paragraph" in text
    assert 'and "their" differences' in text
    assert "United Nations Security Council." in text
    assert corpus.docs.iloc[0]["lang"] == "en"


def test_metadata_row_without_file_and_file_without_row(tmp_path, settings):
    (tmp_path / "a.txt").write_text(CSTO, encoding="utf-8")
    (tmp_path / "b.txt").write_text(NATO, encoding="utf-8")
    (tmp_path / "metadata.csv").write_text(
        "doc_id,title,source\na,Alpha,example.org\nghost,Ghost,nowhere.org\n", encoding="utf-8"
    )
    corpus = analysis.load(tmp_path, settings=settings)
    assert corpus.doc_ids == ["a", "b"]
    assert corpus.docs["source"].iloc[0] == "example.org"
    assert pd.isna(corpus.docs["source"].iloc[1])
    assert corpus.report.warnings == [
        {"origin": str(tmp_path / "b.txt"), "message": "no row for 'b' in metadata.csv"},
        {"origin": "metadata.csv", "message": "row 'ghost' has no matching file"},
    ]


def test_metadata_csv_without_doc_id_column_is_e006(tmp_path, settings):
    (tmp_path / "a.txt").write_text(CSTO, encoding="utf-8")
    (tmp_path / "metadata.csv").write_text("id,title\na,Alpha\n", encoding="utf-8")
    with pytest.raises(AnalysisError) as info:
        analysis.load(tmp_path, settings=settings)
    assert info.value.code is E.E006
    assert "no 'doc_id' column (columns: id, title)" in str(info.value)


def test_empty_binary_and_unsupported_files_are_skipped(tmp_path, settings):
    (tmp_path / "good.txt").write_text(CSTO, encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_bytes(b"  \n\n \t ")
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    (tmp_path / "digits.txt").write_text("12345 678 -- 90\n", encoding="utf-8")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    links = "https://tass.ru/politika/1\nhttp://www.odkb-csto.org/news/2\nwww.nato.int/cps\n"
    (tmp_path / "URLS.txt").write_text(links, encoding="utf-8")  # where the articles came from
    (tmp_path / "cited.txt").write_text(f"{CSTO}\nSource: https://tass.ru/1\n", encoding="utf-8")
    corpus = analysis.load(tmp_path, settings=settings)
    assert corpus.doc_ids == ["cited", "good"]  # a text that cites a link is a text
    assert sorted((Path(s["origin"]).name, s["reason"]) for s in corpus.report.skipped) == [
        ("URLS.txt", "only web addresses (a list of links, not a text)"),
        ("blank.txt", "empty file"),
        ("digits.txt", "no letters (not a text document)"),
        ("empty.txt", "empty file"),
        ("image.txt", "not text: binary data (NUL bytes)"),
        ("notes.pdf", "unsupported file type (expected .txt, .md, .html)"),
    ]
    assert corpus.report.n_read == 7  # the .pdf is refused before cleaning


def test_strict_mode_raises_e007(tmp_path, settings):
    (tmp_path / "good.txt").write_text(CSTO, encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    with pytest.raises(AnalysisError) as info:
        analysis.load(tmp_path, settings=settings, strict=True)
    assert info.value.code is E.E007
    assert info.value.exit_code == 5
    assert (
        f"1 document(s) were skipped and strict mode is on: {tmp_path / 'empty.txt'} "
        "(empty file)" in str(info.value)
    )
    # not strict: the same folder loads
    assert analysis.load(tmp_path, settings=settings).doc_ids == ["good"]
    # strict also applies when the result comes from the cache
    with pytest.raises(AnalysisError):
        analysis.load(tmp_path, settings=settings, strict=True)


def test_nothing_readable_is_e002(tmp_path, settings):
    (tmp_path / "empty.txt").write_bytes(b"")
    with pytest.raises(AnalysisError) as info:
        analysis.load(tmp_path, settings=settings)
    assert info.value.code is E.E002
    assert "1 skipped" in str(info.value)
    assert "empty.txt" in str(info.value)


def test_cp1251_file_is_reported_as_guessed(tmp_path, settings):
    (tmp_path / "ru.txt").write_bytes(RUSSIAN.encode("cp1251"))
    (tmp_path / "en.txt").write_text(CSTO, encoding="utf-8")
    corpus = analysis.load(tmp_path, settings=settings)
    assert corpus.texts["ru"] == RUSSIAN
    assert corpus.docs.set_index("doc_id").loc["ru", "lang"] == "ru"
    assert dict(corpus.report.encodings) == {"cp1251": 1, "utf-8": 1}
    assert corpus.report.guessed_encodings == [
        {"origin": str(tmp_path / "ru.txt"), "encoding": "cp1251", "confidence": 1.0}
    ]


def test_utf8_bom_file_not_reported_as_guess(tmp_path, settings):
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbf" + CSTO.encode())
    corpus = analysis.load(tmp_path, settings=settings)
    assert corpus.texts["bom"] == CSTO
    assert corpus.report.guessed_encodings == []
    assert dict(corpus.report.encodings) == {"utf-8-sig": 1}


SENTENCES = [
    f"Sentence number {i} talks about the Collective Security Treaty Organization and "
    "its member states."
    for i in range(10)
]


def _dup_folder(folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    base = " ".join(SENTENCES)
    near = " ".join(
        SENTENCES[:5]
        + ["This one sentence was rewritten completely by an editor at the newspaper."]
        + SENTENCES[6:]
    )
    (folder / "a_original.txt").write_text(base, encoding="utf-8")
    (folder / "b_copy.txt").write_text(base, encoding="utf-8")
    (folder / "c_near.txt").write_text(near, encoding="utf-8")
    (folder / "sub").mkdir()
    (folder / "sub" / "other.txt").write_text(NATO + " " + CSTO, encoding="utf-8")
    return folder


def test_duplicates_exact_and_near(tmp_path, settings):
    corpus = analysis.load(_dup_folder(tmp_path / "f"), settings=settings)
    assert corpus.doc_ids == ["a_original", "b_copy", "c_near", "sub/other"]
    assert corpus.report.duplicates.to_dict(orient="records") == [
        {"doc_id": "b_copy", "duplicate_of": "a_original", "kind": "exact", "similarity": 1.0},
        {"doc_id": "c_near", "duplicate_of": "a_original", "kind": "near", "similarity": 0.818},
    ]
    assert corpus.without_duplicates().doc_ids == ["a_original", "sub/other"]
    assert len(corpus) == 4  # selections return new corpora


def test_same_doc_id_twice_is_skipped(tmp_path, settings):
    (tmp_path / "a.md").write_text(CSTO, encoding="utf-8")
    (tmp_path / "a.txt").write_text(NATO, encoding="utf-8")
    corpus = analysis.load(tmp_path, settings=settings)
    assert corpus.doc_ids == ["a"]
    assert corpus.texts["a"] == CSTO  # sorted order: a.md first
    assert corpus.report.skipped == [
        {
            "origin": str(tmp_path / "a.txt"),
            "reason": "duplicate doc_id 'a' (an earlier document has the same id)",
        }
    ]


def _zip_folder(folder: Path, target: Path, extra: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(target, "w") as zf:
        for p in sorted(folder.rglob("*")):
            if p.is_file():
                zf.write(p, p.relative_to(folder).as_posix())
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return target


def _tar_folder(folder: Path, target: Path, extra: dict[str, bytes] | None = None) -> Path:
    with tarfile.open(target, "w:gz") as tf:
        for p in sorted(folder.rglob("*")):
            if p.is_file():
                tf.add(p, p.relative_to(folder).as_posix())
        for name, data in (extra or {}).items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return target


def test_zip_and_tgz_give_the_folders_texts(tmp_path, settings):
    folder = _dup_folder(tmp_path / "f")
    (folder / "metadata.csv").write_text("doc_id,title\na_original,Original\n", encoding="utf-8")
    from_folder = analysis.load(folder, settings=settings)
    for archive in (
        _zip_folder(folder, tmp_path / "f.zip"),
        _tar_folder(folder, tmp_path / "f.tgz"),
    ):
        corpus = analysis.load(archive, settings=settings)
        assert corpus.doc_ids == from_folder.doc_ids
        assert corpus.texts.to_dict() == from_folder.texts.to_dict()
        assert corpus.docs["title"].tolist() == from_folder.docs["title"].tolist()
        assert corpus.report.duplicates.equals(from_folder.report.duplicates)
        assert corpus.report.skipped == []
        assert corpus.fingerprint == from_folder.fingerprint


def test_unsafe_archive_members_are_skipped(tmp_path, settings):
    folder = tmp_path / "f"
    folder.mkdir()
    (folder / "good.txt").write_text(CSTO, encoding="utf-8")
    evil = {
        "../evil.txt": b"Evil text outside the archive, about the alliance.",
        "/etc/evil2.txt": b"Evil text with an absolute path, about the alliance.",
    }
    zipped = analysis.load(_zip_folder(folder, tmp_path / "f.zip", evil), settings=settings)
    assert zipped.doc_ids == ["good"]
    assert zipped.report.skipped == [
        {"origin": "f.zip::../evil.txt", "reason": "'..' in member path"},
        {"origin": "f.zip::/etc/evil2.txt", "reason": "absolute path in archive"},
    ]

    target = _tar_folder(folder, tmp_path / "f.tgz", evil)
    with tarfile.open(tmp_path / "g.tar", "w") as tf:
        with tarfile.open(target) as src:
            for member in src:
                tf.addfile(member, src.extractfile(member))
        link = tarfile.TarInfo("link.txt")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        tf.addfile(link)
    for archive in (target, tmp_path / "g.tar"):
        corpus = analysis.load(archive, settings=settings)
        assert corpus.doc_ids == ["good"]
        reasons = [(s["origin"], s["reason"]) for s in corpus.report.skipped]
        assert reasons[:2] == [
            (f"{archive.name}::../evil.txt", "'..' in member path"),
            (f"{archive.name}::/etc/evil2.txt", "absolute path in archive"),
        ]
    assert reasons[2:] == [("g.tar::link.txt", "not a regular file (link or device) in archive")]
    assert not (tmp_path / "evil.txt").exists()


def test_tgz_of_several_gzip_members_is_read_whole(tmp_path, settings):
    folder = _dup_folder(tmp_path / "f")
    data = gzip.decompress(_tar_folder(folder, tmp_path / "f.tgz").read_bytes())
    half = len(data) // 2  # "cat a.gz b.gz" is a valid gzip file too
    (tmp_path / "two.tgz").write_bytes(gzip.compress(data[:half]) + gzip.compress(data[half:]))
    two = analysis.load(tmp_path / "two.tgz", settings=settings)
    assert two.fingerprint == analysis.load(tmp_path / "f.tgz", settings=settings).fingerprint


def test_broken_archive_is_e005(tmp_path, settings):
    folder = tmp_path / "f"
    folder.mkdir()
    (folder / "good.txt").write_text(CSTO * 50, encoding="utf-8")
    good = _tar_folder(folder, tmp_path / "good.tgz")
    broken = tmp_path / "broken.tgz"
    broken.write_bytes(good.read_bytes()[:200])
    with pytest.raises(AnalysisError) as info:
        analysis.load(broken, settings=settings)
    assert info.value.code is E.E005
    (tmp_path / "fake.zip").write_bytes(b"this is not a zip file")
    with pytest.raises(AnalysisError) as info:
        analysis.load(tmp_path / "fake.zip", settings=settings)
    assert info.value.code is E.E005


def test_corrupt_gzip_is_e005_naming_the_archive(tmp_path, settings):
    """Damaged compressed data (a flipped byte, a wrong checksum) is refused, not half-read."""
    folder = tmp_path / "f"
    folder.mkdir()
    for i in range(3):
        (folder / f"{i}.txt").write_text(f"{i} {CSTO}" * 400, encoding="utf-8")
    good = _tar_folder(folder, tmp_path / "good.tgz").read_bytes()
    flipped = bytearray(good)
    flipped[len(good) // 2] ^= 0xFF
    checksum = bytearray(good)
    checksum[-8] ^= 0xFF  # the CRC-32 in the gzip trailer
    for name, data in (("flipped.tgz", flipped), ("checksum.tgz", checksum)):
        (tmp_path / name).write_bytes(bytes(data))
        with pytest.raises(AnalysisError) as info:
            analysis.load(tmp_path / name, settings=settings)
        assert info.value.code is E.E005
        assert name in str(info.value)


def test_the_language_identifier_is_loaded_only_when_a_text_needs_it(tmp_path):
    """English texts take the fast path: a pool of workers loads no language model for them;
    a corpus with Russian texts after its first chunk still has them identified."""
    from analysis import text

    english = tmp_path / "en"
    english.mkdir()
    for i in range(250):
        (english / f"{i:03d}.txt").write_text(f"Report {i}. {CSTO} " * 8, encoding="utf-8")
    settings = analysis.get_settings(cache_dir=tmp_path / "cache", workers=2)
    text.language_identifier.cache_clear()
    corpus = analysis.load(english, settings=settings)
    assert set(corpus.docs["lang"]) == {"en"}
    assert text.language_identifier.cache_info().currsize == 0
    mixed = tmp_path / "mixed"
    shutil.copytree(english, mixed)
    for i in range(3):
        (mixed / f"9{i}.txt").write_text(
            "Организация Договора о коллективной безопасности провела учения в Таджикистане. " * 5,
            encoding="utf-8",
        )
    docs = analysis.load(mixed, settings=settings).docs
    assert sorted(docs.loc[docs["lang"] == "ru", "doc_id"]) == ["90", "91", "92"]


@pytest.mark.parametrize("spec", ["does-not-exist", "missing.csv", "missing.tgz"])
def test_missing_path_is_e001(tmp_path, settings, spec):
    with pytest.raises(AnalysisError) as info:
        analysis.load(tmp_path / spec, settings=settings)
    assert info.value.code is E.E001
    assert info.value.exit_code == 2
    assert repr(str(tmp_path / spec)) in str(info.value)


def test_unsupported_file_is_e001(tmp_path, settings):
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    with pytest.raises(AnalysisError) as info:
        analysis.load(tmp_path / "notes.pdf", settings=settings)
    assert info.value.code is E.E001


# -- prepare (one document) -----------------------------------------------------------------
def test_prepare_plain_kind_keeps_page_lines():
    text = "Home\n\n" + CSTO
    plain = prepare(RawDoc("x", text.encode(), "x", kind="plain"))
    assert plain["text"] == text
    cleaned = prepare(RawDoc("x", text.encode(), "x", kind="text"))
    assert cleaned["text"] == CSTO
    assert cleaned["n_chars"] == len(CSTO)
    assert cleaned["encoding"] == "utf-8"


def test_prepare_quotes_ascii():
    out = prepare(
        RawDoc("x", "He said “CSTO” and ‘NATO’ twice in one sentence.", "x"), quotes="ascii"
    )
    assert out["text"] == "He said \"CSTO\" and 'NATO' twice in one sentence."
    assert "encoding" not in out  # str input is not decoded


# -- several specs --------------------------------------------------------------------------
def test_combined_duplicates_follow_renamed_ids(tmp_path, settings):
    a, b = tmp_path / "A", tmp_path / "B"
    a.mkdir()
    b.mkdir()
    (a / "x.txt").write_text(CSTO, encoding="utf-8")
    (a / "y.txt").write_text(NATO, encoding="utf-8")
    same = " ".join(SENTENCES)
    (b / "x.txt").write_text(same, encoding="utf-8")
    (b / "y.txt").write_text(same, encoding="utf-8")
    combined = analysis.load([a, b], settings=settings)
    assert combined.doc_ids == ["x", "y", "B/x", "B/y"]
    assert combined.without_duplicates().doc_ids == ["x", "y", "B/x"]


def test_combined_specs_rename_clashing_ids(tmp_path, settings):
    a, b = tmp_path / "A", tmp_path / "B"
    a.mkdir()
    b.mkdir()
    (a / "x.txt").write_text(CSTO, encoding="utf-8")
    (b / "x.txt").write_text(NATO, encoding="utf-8")
    combined = analysis.load([a, b], settings=settings)
    assert combined.doc_ids == ["x", "B/x"]
    assert combined.docs["corpus"].tolist() == [str(a), str(b)]
    assert combined.texts.tolist() == [CSTO, NATO]
    assert combined.report.warnings == [
        {"origin": str(b), "message": "doc_id 'x' also in an earlier corpus; renamed to B/x"}
    ]


def _tar_of_every_kind(target: Path, fmt: int, *, pax_extra: dict | None = None) -> Path:
    """A tar archive of what corpora hold and what they must not: every member kind."""
    mode = "w:gz" if target.suffix == ".tgz" else "w"
    with tarfile.open(target, mode, format=fmt, pax_headers=pax_extra or {}) as tf:

        def add(name: str, data: bytes = b"", kind: bytes = tarfile.REGTYPE, **fields):
            info = tarfile.TarInfo(name)
            info.type, info.size = kind, len(data) if kind == tarfile.REGTYPE else 0
            for key, value in fields.items():
                setattr(info, key, value)
            tf.addfile(info, io.BytesIO(data) if kind == tarfile.REGTYPE else None)

        add("corpus", kind=tarfile.DIRTYPE)
        add("corpus/a.txt", CSTO.encode())
        add("corpus/empty.txt")
        add("corpus/" + "long-folder-name/" * 8 + "b.txt", b"A text under a long path.")
        if fmt != tarfile.USTAR_FORMAT:  # beyond ustar: one name of more than 100 bytes
            add("corpus/" + "x" * 120 + ".txt", b"A long file name of 124 characters.")
        add("corpus/ОДКБ-новости.txt", "Организация Договора о коллективной безопасности".encode())
        add("corpus/odd size.txt", b"x" * 513)
        add("corpus/link.txt", kind=tarfile.SYMTYPE, linkname="/etc/passwd")
        add("corpus/hard.txt", kind=tarfile.LNKTYPE, linkname="corpus/a.txt")
        add("corpus/fifo", kind=tarfile.FIFOTYPE)
        add("../escape.txt", b"outside")
        if fmt != tarfile.USTAR_FORMAT:  # numbers in base 256 (GNU) or in a pax record
            add("corpus/big-uid.txt", b"large numbers", uid=8**8 + 5)
        add("corpus/last.txt", b"the last member")
    return target


@pytest.mark.parametrize("fmt", [tarfile.USTAR_FORMAT, tarfile.GNU_FORMAT, tarfile.PAX_FORMAT])
@pytest.mark.parametrize("pax_extra", [None, {"comment": "a global header"}])
def test_own_tar_reader_reads_what_tarfile_reads(tmp_path, fmt, pax_extra, monkeypatch):
    """The headers read without tarfile give the names, bytes and skips tarfile gives.

    The ``.tar`` is read by :mod:`tarfile`, the ``.tgz`` by the package's own reader (which
    hands over to tarfile at a global pax header: the second parameter).
    """
    from analysis.readers import archive as archive_module
    from analysis.readers.archive import members
    from analysis.readers.base import LoadReport

    if fmt == tarfile.USTAR_FORMAT and pax_extra:
        pytest.skip("ustar has no pax headers")
    got = {}
    for suffix in (".tar", ".tgz"):
        archive = _tar_of_every_kind(tmp_path / f"every{suffix}", fmt, pax_extra=pax_extra)
        if suffix == ".tgz" and not pax_extra:  # read without tarfile from start to end

            def no_tarfile(raw):
                raise AssertionError("handed over to tarfile")

            monkeypatch.setattr(archive_module, "_open_tar", no_tarfile)
        report = LoadReport(spec=str(archive))
        items = list(members(archive, report))
        got[suffix] = (items, [(s["origin"].split("::")[1], s["reason"]) for s in report.skipped])
    assert got[".tgz"] == got[".tar"]
    names = [name for name, _ in got[".tgz"][0]]
    assert "corpus/ОДКБ-новости.txt" in names and names[-1] == "corpus/last.txt"
    assert len(names) == (6 if fmt == tarfile.USTAR_FORMAT else 8)
    assert dict(got[".tgz"][0])["corpus/odd size.txt"] == b"x" * 513


def test_own_tar_reader_hands_over_to_tarfile_at_a_sparse_or_unusual_header(tmp_path):
    from analysis.readers.archive import members
    from analysis.readers.base import LoadReport

    target = tmp_path / "x.tgz"
    with tarfile.open(target, "w:gz", format=tarfile.PAX_FORMAT) as tf:
        for i, extra in enumerate([{}, {"SCHILY.xattr.user.tag": "x"}, {}]):
            info = tarfile.TarInfo(f"d/{i}.txt")
            data = f"text {i}".encode()
            info.size, info.pax_headers = len(data), extra
            tf.addfile(info, io.BytesIO(data))
    report = LoadReport(spec=str(target))
    assert list(members(target, report)) == [(f"d/{i}.txt", f"text {i}".encode()) for i in range(3)]


@pytest.mark.parametrize("cut", [100, 600, 1100, -700, "first header", "third header"])
def test_own_tar_reader_refuses_a_cut_archive_as_tarfile_does(tmp_path, cut):
    """Cut short or with a garbled header, the archive is refused (E005) or read as far as
    its last good header, as tarfile does (it takes a bad header after the first for the end).
    """
    from analysis.readers.archive import members
    from analysis.readers.base import LoadReport

    tar = _tar_of_every_kind(tmp_path / "every.tar", tarfile.GNU_FORMAT)
    data = tar.read_bytes()
    if isinstance(cut, str):
        with tarfile.open(tar) as tf:
            at = tf.getmembers()[0 if cut == "first header" else 2].offset
        data = data[:at] + b"garbled!" * 8 + data[at + 64 :]
    else:
        data = data[:cut]
    outcome = {}
    for name, payload in (("cut.tar", data), ("cut.tgz", gzip.compress(data))):
        (tmp_path / name).write_bytes(payload)
        try:
            items = list(members(tmp_path / name, LoadReport(spec=name)))
            outcome[name] = [n for n, _ in items]
        except AnalysisError as err:
            outcome[name] = err.code
    assert outcome["cut.tgz"] == outcome["cut.tar"]
