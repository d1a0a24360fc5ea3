"""The on-disk load cache: hits, damaged entries, switching it off, invalidation."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest
from conftest import ARTICLES, shared_path

import analysis
from analysis.cache import Cache, make_key

CSTO = "The Collective Security Treaty Organization held joint exercises in Tajikistan in May."
NATO = "NATO foreign ministers met in Brussels to discuss the accession of Finland and Sweden."


def _entries(settings) -> list[Path]:
    root = Path(settings.cache_dir) / "corpus"
    return sorted(p for p in root.iterdir() if not p.name.startswith(".")) if root.is_dir() else []


@pytest.fixture
def folder(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text(CSTO, encoding="utf-8")
    (folder / "b.txt").write_text(NATO, encoding="utf-8")
    (folder / "metadata.csv").write_text(
        "doc_id,title,date\na,Alpha,2020-01-02\n", encoding="utf-8"
    )
    return folder


def test_second_load_comes_from_cache(folder, settings):
    first = analysis.load(folder, settings=settings)
    second = analysis.load(folder, settings=settings)
    assert first.report.from_cache is False
    assert second.report.from_cache is True
    assert second.fingerprint == first.fingerprint
    pd.testing.assert_frame_equal(second.docs, first.docs, check_dtype=False)
    assert second.report.warnings == first.report.warnings
    assert second.report.n_read == first.report.n_read == 2
    assert len(_entries(settings)) == 1
    assert sorted(p.name for p in _entries(settings)[0].iterdir()) == [
        "docs.parquet",
        "hashes.parquet",
        "meta.json",
        "texts.parquet",
    ]


def test_cached_docs_have_the_same_dtypes(folder, settings):
    first = analysis.load(folder, settings=settings)
    second = analysis.load(folder, settings=settings)
    assert second.docs.dtypes.to_dict() == first.docs.dtypes.to_dict()


def test_cached_corpus_reads_its_texts_only_when_needed(folder, settings):
    first = analysis.load(folder, settings=settings)
    second = analysis.load(folder, settings=settings)
    assert not second.texts_loaded  # metadata only so far
    assert second.doc_ids == first.doc_ids and len(second) == 2
    assert list(second.meta.columns) == list(first.meta.columns) and "text" not in second.meta
    assert second.info()["n_words"] == first.info()["n_words"] and not second.texts_loaded
    # a subset's fingerprint (what its caches key on) comes from the stored text hashes
    subset = second.filter(lambda d: d["doc_id"] == second.doc_ids[0])
    assert subset.fingerprint == first.filter(first.docs["doc_id"] == first.doc_ids[0]).fingerprint
    assert not subset.texts_loaded and not second.texts_loaded
    # steps that need no text (grouping, rates from n_words) leave the texts unread
    from analysis.inputs import as_docs
    from analysis.overview import group_field

    assert "text" not in as_docs(second, need=("doc_id",)) and group_field(second, "source")
    assert not second.texts_loaded and "text" in as_docs(second)
    second = analysis.load(folder, settings=settings)  # texts unread again for what follows
    from analysis.tokens import dtm

    dtm(first, settings=settings)  # fills the DTM cache
    warm = dtm(second, settings=settings)
    assert not second.texts_loaded and warm.shape == dtm(first, settings=settings).shape
    nato = second.filter(second.meta["doc_id"] == "b")
    assert not nato.texts_loaded and nato.texts.tolist() == [NATO]  # lazy through a filter
    assert list(second.docs.columns) == list(first.docs.columns)
    assert second.texts.tolist() == first.texts.tolist() == [CSTO, NATO]
    assert second.docs["text"].dtype == first.docs["text"].dtype
    assert subset.texts.tolist() == first.texts.iloc[:1].tolist() and subset.texts_loaded


def test_cleared_cache_after_a_lazy_load_says_so(folder, settings):
    analysis.load(folder, settings=settings)
    lazy = analysis.load(folder, settings=settings)
    shutil.rmtree(Path(settings.cache_dir) / "corpus")
    with pytest.raises(FileNotFoundError, match="load the corpus again"):
        _ = lazy.texts


def test_real_articles_from_cache_identical(tmp_path, settings):
    articles = shared_path(ARTICLES)
    first = analysis.load(articles, settings=settings)
    second = analysis.load(articles, settings=settings)
    assert (first.report.from_cache, second.report.from_cache) == (False, True)
    assert second.fingerprint == first.fingerprint
    assert second.texts.to_dict() == first.texts.to_dict()
    pd.testing.assert_frame_equal(second.docs, first.docs, check_dtype=False)
    # the stored fingerprint is the fingerprint of the stored rows
    from analysis.corpus import fingerprint_frame

    assert fingerprint_frame(second.docs) == second.fingerprint


def test_duplicates_and_skips_survive_the_cache(tmp_path, settings):
    (tmp_path / "a.txt").write_text(CSTO, encoding="utf-8")
    (tmp_path / "b.txt").write_text(CSTO, encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    first = analysis.load(tmp_path, settings=settings)
    second = analysis.load(tmp_path, settings=settings)
    assert second.report.from_cache
    assert (
        second.report.skipped
        == first.report.skipped
        == [{"origin": str(tmp_path / "empty.txt"), "reason": "empty file"}]
    )
    assert second.report.duplicates.to_dict(orient="records") == [
        {"doc_id": "b", "duplicate_of": "a", "kind": "exact", "similarity": 1.0}
    ]
    assert second.without_duplicates().doc_ids == ["a"]


@pytest.mark.parametrize(
    "damage", ["delete parquet", "truncate parquet", "truncate meta", "empty meta", "delete meta"]
)
def test_damaged_entry_is_ignored_and_rewritten(folder, settings, damage):
    first = analysis.load(folder, settings=settings)
    (entry,) = _entries(settings)
    parquet, meta = entry / "docs.parquet", entry / "meta.json"
    if damage == "delete parquet":
        parquet.unlink()
    elif damage == "truncate parquet":
        parquet.write_bytes(parquet.read_bytes()[:100])
    elif damage == "truncate meta":
        meta.write_text(meta.read_text(encoding="utf-8")[:20], encoding="utf-8")
    elif damage == "empty meta":
        meta.write_text("", encoding="utf-8")
    else:
        meta.unlink()
    again = analysis.load(folder, settings=settings)
    assert again.report.from_cache is False
    assert again.fingerprint == first.fingerprint
    assert again.texts.to_dict() == first.texts.to_dict()
    assert [p.name for p in _entries(settings)] == [entry.name]  # rewritten in place
    assert parquet.is_file() and meta.is_file()
    assert analysis.load(folder, settings=settings).report.from_cache is True


@pytest.mark.parametrize("content", ["[]", '{"tables": ["docs"]}'])
def test_wrong_shape_meta_is_ignored(folder, settings, content):
    analysis.load(folder, settings=settings)
    (entry,) = _entries(settings)
    (entry / "meta.json").write_text(content, encoding="utf-8")
    assert analysis.load(folder, settings=settings).report.from_cache is False


def test_analysis_cache_0_disables_the_cache(folder, tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYSIS_CACHE", "0")
    settings = analysis.get_settings(cache_dir=tmp_path / "off", workers=1)
    assert settings.use_cache is False
    first = analysis.load(folder, settings=settings)
    second = analysis.load(folder, settings=settings)
    assert (first.report.from_cache, second.report.from_cache) == (False, False)
    assert not (tmp_path / "off").exists()
    assert second.fingerprint == first.fingerprint


def test_default_settings_use_analysis_cache_dir(folder, _private_cache):
    corpus = analysis.load(folder, settings=analysis.get_settings(workers=1))
    assert corpus.report.from_cache is False
    assert len(list((_private_cache / "corpus").iterdir())) == 1
    assert analysis.load(folder).report.from_cache is True


def test_content_change_invalidates(folder, settings):
    first = analysis.load(folder, settings=settings)
    target = folder / "a.txt"
    stat = target.stat()
    target.write_text(CSTO + " Troops from Armenia took part too.", encoding="utf-8")
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    second = analysis.load(folder, settings=settings)
    assert second.report.from_cache is False
    assert second.texts["a"].endswith("Troops from Armenia took part too.")
    assert second.fingerprint != first.fingerprint
    assert len(_entries(settings)) == 2


def test_metadata_change_invalidates(folder, settings):
    analysis.load(folder, settings=settings)
    (folder / "metadata.csv").write_text(
        "doc_id,title,date\na,Changed title,2020-01-02\n", encoding="utf-8"
    )
    corpus = analysis.load(folder, settings=settings)
    assert corpus.report.from_cache is False
    assert corpus.docs.set_index("doc_id").loc["a", "title"] == "Changed title"


def test_table_file_change_and_options_invalidate(tmp_path, settings):
    path = tmp_path / "t.csv"
    path.write_text(f'id,content,body\na,"{CSTO}","{NATO}"\n', encoding="utf-8")
    first = analysis.load(path, settings=settings, text_column="content")
    assert (first.report.from_cache, first.texts["a"]) == (False, CSTO)
    assert analysis.load(path, settings=settings, text_column="content").report.from_cache
    by_body = analysis.load(path, settings=settings, text_column="body")
    assert (by_body.report.from_cache, by_body.texts["a"]) == (False, NATO)
    ascii_ = analysis.load(path, settings=settings, text_column="content", quotes="ascii")
    assert ascii_.report.from_cache is False
    stat = path.stat()
    path.write_text(f'id,content,body\na,"{NATO}","{CSTO}"\n', encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    changed = analysis.load(path, settings=settings, text_column="content")
    assert (changed.report.from_cache, changed.texts["a"]) == (False, NATO)


def test_key_changes_with_input_and_version(folder, tmp_path):
    from analysis.corpus import input_identity

    before = make_key("load", input_identity(folder), "m", "keep", {})
    assert before == make_key("load", input_identity(folder), "m", "keep", {})
    assert len(before) == 24
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    assert make_key("load", input_identity(copy), "m", "keep", {}) != before  # other path
    (folder / "a.txt").write_text(CSTO + " More.", encoding="utf-8")
    assert make_key("load", input_identity(folder), "m", "keep", {}) != before


def test_cache_put_get_roundtrip(tmp_path):
    cache = Cache("step", analysis.get_settings(cache_dir=tmp_path))
    frame = pd.DataFrame({"a": [1, 2], "b": ["x", None]})
    assert cache.get("k") is None
    cache.put("k", {"t": frame}, {"n": 2})
    tables, data = cache.get("k")
    assert data == {"n": 2}
    pd.testing.assert_frame_equal(tables["t"], frame, check_dtype=False)
    assert sorted(p.name for p in (tmp_path / "step").iterdir()) == ["k"]  # no temp left over


def test_key_changes_when_the_package_code_changes(monkeypatch):
    """A fixed rule invalidates cached results even without a new version number."""
    from analysis import cache

    assert cache.code_version().startswith(analysis.__version__ + "+")
    before = make_key("load", "x")
    monkeypatch.setattr(cache, "code_version", lambda: "0.1.0+another-source-hash")
    assert make_key("load", "x") != before


def test_a_whole_entry_is_kept_when_another_writer_stores_the_same_key(settings):
    from analysis.cache import Cache

    cache = Cache("step", settings)
    cache.put("k", {"t": pd.DataFrame({"a": [1, 2]})}, {"n": 1})
    entry = settings.cache_dir / "step" / "k"
    inode = (entry / "t.parquet").stat().st_ino
    with open(entry / "t.parquet", "rb") as reader:  # a reader holds the entry open
        cache.put("k", {"t": pd.DataFrame({"a": [1, 2]})}, {"n": 1})  # a second writer
        assert (entry / "t.parquet").stat().st_ino == inode  # nothing replaced under it
        assert reader.read(4) == b"PAR1"
    cache.put_files("f", {"x.png": b"png bytes"})
    cache.put_files("f", {"x.png": b"other"})
    assert cache.get_files("f") == {"x.png": b"png bytes"}
    (settings.cache_dir / "step" / "f" / "x.png").write_bytes(b"png")  # damaged: rewritten
    assert cache.get_files("f") is None  # not served ...
    cache.put_files("f", {"x.png": b"png bytes"})
    assert cache.get_files("f") == {"x.png": b"png bytes"}  # ... and replaced on the next put
    assert sorted(p.name for p in (settings.cache_dir / "step").iterdir()) == ["f", "k"]


def test_a_few_texts_are_read_from_their_row_groups_only(tmp_path, settings, monkeypatch):
    """Texts are stored ROWS_PER_GROUP documents a row group; texts_at reads only those."""
    import pyarrow.parquet as pq

    from analysis import cache as cache_module

    monkeypatch.setattr(cache_module, "ROWS_PER_GROUP", 4)
    folder = tmp_path / "many"
    folder.mkdir()
    texts = {f"d{i:02d}": f"Document {i} on the CSTO and NATO, number {i}." for i in range(19)}
    for doc_id, text in texts.items():
        (folder / f"{doc_id}.txt").write_text(text, encoding="utf-8")
    analysis.load(folder, settings=settings)
    corpus = analysis.load(folder, settings=settings)
    (entry,) = _entries(settings)
    assert pq.ParquetFile(entry / "texts.parquet").num_row_groups == 5  # 19 rows, 4 a group
    groups_read = []
    real = pq.ParquetFile.read_row_groups
    monkeypatch.setattr(
        pq.ParquetFile,
        "read_row_groups",
        lambda self, groups, **kw: groups_read.append(list(groups)) or real(self, groups, **kw),
    )
    ids = corpus.doc_ids
    assert corpus.texts_at([13, 2, 3]).tolist() == [texts[ids[k]] for k in (13, 2, 3)]
    assert groups_read == [[0, 3]] and not corpus.texts_loaded
    # through two filters, in the subset's own order
    later = corpus.filter(corpus.meta["doc_id"] >= "d05").filter(lambda d: d["doc_id"] < "d17")
    assert later.texts_at([0, 11]).tolist() == [texts["d05"], texts["d16"]]
    assert groups_read[-1] == [1, 4]
    assert later.texts.tolist() == [texts[f"d{i:02d}"] for i in range(5, 17)]
    assert list(corpus.texts_at([])) == [] and not corpus.texts_loaded
    assert corpus.texts.tolist() == [texts[i] for i in ids]  # all, then from memory
    assert corpus.texts_at([18]).tolist() == [texts[ids[18]]]


def test_an_entry_written_while_its_data_is_worked_out(settings):
    """Cache.putting: tables written in a thread, the JSON given later; nothing is stored
    when the block raises, and an error of the writing thread is raised, not lost."""
    cache = Cache("putting-test", settings)
    table = pd.DataFrame({"doc_id": ["a", "b"], "text": ["one text", "another"]})
    with cache.putting("k1") as entry:
        entry.write({"docs": table})
        entry.data = {"n": 2}
    tables, data = cache.get("k1")
    pd.testing.assert_frame_equal(tables["docs"], table)
    assert data == {"n": 2}
    with pytest.raises(RuntimeError, match="while working"):
        with cache.putting("k2") as entry:
            entry.write({"docs": table})
            raise RuntimeError("while working")
    assert cache.get("k2") is None and not (cache.root / "k2").exists()
    with pytest.raises((TypeError, ValueError, OSError)):
        with cache.putting("k3") as entry:
            entry.write({"docs": pd.DataFrame({"bad": [object()]})})  # Parquet cannot
    assert cache.get("k3") is None
    assert [p.name for p in cache.root.iterdir()] == ["k1"]  # no temporary folder left
