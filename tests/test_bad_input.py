"""Bad input: every problem is reported with its file and reason; nothing is lost or changed."""

from __future__ import annotations

import http.server
import os
import re
import threading
from pathlib import Path

import pytest

import analysis
from analysis.readers import base

ROOT = Path(__file__).resolve().parents[1]


def _folder(tmp_path: Path, files: dict[str, bytes | str]) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    for name, data in files.items():
        path = folder / name
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return folder


GOOD = "The Collective Security Treaty Organization met the United Nations in Moscow today."


def test_oversized_document_is_refused_with_the_limit_named(tmp_path, settings, monkeypatch):
    monkeypatch.setattr(base, "MAX_DOC_BYTES", 2**20)
    folder = _folder(tmp_path, {"big.txt": ("NATO " * 300_000).encode(), "ok.txt": GOOD})
    corpus = analysis.load(folder, settings=settings)
    assert corpus.doc_ids == ["ok"]
    (skip,) = corpus.report.skipped
    assert skip["origin"].endswith("big.txt")
    assert "1 MiB limit" in skip["reason"] and "MAX_DOC_BYTES" in skip["reason"]


def test_oversized_archive_member_is_refused(tmp_path, settings, monkeypatch):
    import tarfile

    monkeypatch.setattr(base, "MAX_DOC_BYTES", 2**20)
    folder = _folder(tmp_path, {"big.txt": ("NATO " * 300_000).encode(), "ok.txt": GOOD})
    archive = tmp_path / "docs.tgz"
    with tarfile.open(archive, "w:gz") as tf:
        tf.add(folder / "big.txt", arcname="big.txt")
        tf.add(folder / "ok.txt", arcname="ok.txt")
    corpus = analysis.load(archive, settings=settings)
    assert corpus.doc_ids == ["ok"]
    assert "limit" in corpus.report.skipped[0]["reason"]


def test_a_long_document_under_the_limit_is_loaded_whole(tmp_path, settings):
    text = "The CSTO and NATO were discussed at the United Nations. " * 200_000  # ~11 MB
    corpus = analysis.load(_folder(tmp_path, {"long.txt": text}), settings=settings)
    assert corpus.docs["n_chars"].iloc[0] == len(text.strip())


def test_a_file_that_vanished_is_skipped_and_reported(tmp_path, settings):
    folder = _folder(tmp_path, {"ok.txt": GOOD})
    (folder / "gone.txt").symlink_to(tmp_path / "does-not-exist.txt")  # listed, then unreadable
    corpus = analysis.load(folder, settings=settings)
    assert corpus.doc_ids == ["ok"]
    (skip,) = corpus.report.skipped
    assert skip["origin"].endswith("gone.txt") and "cannot be read" in skip["reason"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_unreadable_file_is_skipped(tmp_path, settings):
    folder = _folder(tmp_path, {"ok.txt": GOOD, "secret.txt": GOOD})
    (folder / "secret.txt").chmod(0)
    corpus = analysis.load(folder, settings=settings)
    assert corpus.doc_ids == ["ok"] and "cannot be read" in corpus.report.skipped[0]["reason"]


def test_mixed_encodings_in_one_folder(tmp_path, settings):
    russian = (
        "Организация Договора о коллективной безопасности провела учения в Казахстане. "
        "Генеральный секретарь ООН приветствовал сотрудничество. "
    ) * 4
    french = (
        "L'Organisation du traité de sécurité collective et l'Organisation des Nations "
        "unies ont signé une déclaration à Moscou. Le secrétaire général était présent. "
    ) * 4
    folder = _folder(
        tmp_path,
        {
            "en.txt": GOOD,
            "ru.txt": russian.encode("cp1251"),
            "fr.txt": french.encode("cp1252"),
            "de.txt": "Die Vereinten Nationen trafen die NATO.".encode("utf-16"),
        },
    )
    corpus = analysis.load(folder, settings=settings)
    texts = corpus.texts
    assert texts["ru"] == russian.strip() and texts["fr"] == french.strip()
    assert texts["de"] == "Die Vereinten Nationen trafen die NATO."
    guessed = {g["origin"].rsplit("/", 1)[-1]: g for g in corpus.report.guessed_encodings}
    assert set(guessed) == {"ru.txt", "fr.txt"}
    assert guessed["ru.txt"]["encoding"] == "cp1251" and 0 < guessed["ru.txt"]["confidence"] <= 1
    assert corpus.docs.set_index("doc_id").loc["ru", "lang"] == "ru"


def test_documents_without_letters_are_skipped(tmp_path, settings):
    corpus = analysis.load(
        _folder(tmp_path, {"ok.txt": GOOD, "nums.txt": "12 34 -- 56 ... 78"}), settings=settings
    )
    assert corpus.doc_ids == ["ok"]
    assert corpus.report.skipped[0]["reason"].startswith("no letters")


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802
        _Recorder.hits.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"body{}")

    def log_message(self, *args):
        pass


def test_html_loading_fetches_nothing(tmp_path, settings):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base_url = f"http://127.0.0.1:{server.server_address[1]}"
        page = f"""<html><head><title>CSTO</title>
            <link rel="stylesheet" href="{base_url}/style.css">
            <script src="{base_url}/app.js"></script><style>p {{color: red}}</style></head>
            <body><nav>Home | News</nav><img src="{base_url}/photo.jpg">
            <iframe src="{base_url}/frame.html"></iframe>
            <article><p>The CSTO &amp; NATO met at the United Nations &ndash; again.</p>
            <p>The Collective Security Treaty Organization said the talks went well.</p></article>
            </body></html>"""
        corpus = analysis.load(_folder(tmp_path, {"page.html": page}), settings=settings)
    finally:
        server.shutdown()
        server.server_close()
    text = corpus.texts["page"]
    assert "CSTO & NATO met at the United Nations – again." in text
    assert "color" not in text and "app.js" not in text
    assert _Recorder.hits == []


def test_an_interrupted_cache_write_is_not_trusted(tmp_path, settings):
    folder = _folder(tmp_path, {"ok.txt": GOOD})
    first = analysis.load(folder, settings=settings)
    entry = next((settings.cache_dir / "corpus").iterdir())
    # a run killed mid-write leaves a temporary folder (".<key>.*") and no meta.json
    half = entry.parent / f".{entry.name}.crashed"
    half.mkdir()
    (half / "docs.parquet").write_bytes(b"PAR1 truncated")
    (entry / "meta.json").unlink()  # and the finished entry is incomplete too
    second = analysis.load(folder, settings=settings)
    assert not second.report.from_cache
    assert second.fingerprint == first.fingerprint
    assert analysis.load(folder, settings=settings).report.from_cache


def test_no_pickle_is_ever_loaded():
    """Caches hold Parquet, NPZ without pickles and JSON only (safe to receive from others)."""
    offenders = []
    for path in (ROOT / "analysis").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        if re.search(
            r"pickle\.loads?\(|joblib\.load\(|allow_pickle\s*=\s*True|read_pickle\(", source
        ):
            offenders.append(path.name)
    assert offenders == []
