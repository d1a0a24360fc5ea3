"""analysis.scale: partitioned Parquet, map-reduce counting, identical results on every backend."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import UNGDC

import analysis
from analysis import actors, framing, keyness, terms
from analysis.cli import main
from analysis.framing import tone
from analysis.scale import (
    DaskBackend,
    LocalBackend,
    ProcessBackend,
    count_framing,
    count_mentions,
    count_terms,
    get_backend,
    keyness_from_counts,
    read_parquet,
    write_parquet,
)
from analysis.scale import backends as backends_mod
from analysis.scale.cli import add_scale_arguments

ACTORS = ["CSTO", "NATO", "UN"]


@pytest.fixture(scope="module")
def factbook_parquet(factbook, tmp_path_factory):
    return write_parquet(
        factbook, tmp_path_factory.mktemp("pq") / "factbook", rows_per_partition=60
    )


@pytest.fixture(scope="module")
def articles_parquet(articles, tmp_path_factory):
    return write_parquet(
        articles, tmp_path_factory.mktemp("pq") / "articles", rows_per_partition=10
    )


@pytest.fixture(scope="module")
def dask_client():
    """A real 2-worker LocalCluster on the loopback interface, closed after the module."""
    distributed = pytest.importorskip("distributed")
    # scheduler_kwargs: the scheduler's HTTP server (health checks, kept without a dashboard)
    # takes a free loopback port, not 8787, which another cluster may hold (a warning).
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def _frequencies(corpus, by):
    """The reference: count and doc_freq of terms.frequencies, in count_terms' order."""
    ref = terms.frequencies(corpus, by=by)[["term", "group", "count", "doc_freq"]]
    return ref.sort_values(["group", "term"]).reset_index(drop=True)


# -- partitioned Parquet --------------------------------------------------------------------
def test_parquet_round_trip_keeps_documents_and_fingerprint(factbook, factbook_parquet):
    pc = read_parquet(factbook_parquet.path)
    assert len(pc) == len(factbook) == 255
    assert [p.n_rows for p in pc.partitions()] == [60, 60, 60, 60, 15]
    assert pc.fingerprint == factbook.fingerprint
    back = pc.to_corpus()
    pd.testing.assert_frame_equal(back.docs, factbook.docs)
    first = next(pc.iter_docs(["doc_id", "region"]))
    assert list(first.columns) == ["doc_id", "region"] and len(first) == 60


# dask's Parquet reader calls reset_index(inplace=True), which pandas 3.1 deprecates.
@pytest.mark.filterwarnings(
    "ignore:The inplace keyword in DataFrame.reset_index:pandas.errors.Pandas4Warning"
)
def test_partitioned_corpus_as_dask_dataframe(factbook_parquet):
    frame = factbook_parquet.to_dask(["doc_id", "region"])
    assert frame.npartitions == 5
    assert sorted(frame.compute()["doc_id"]) == sorted(factbook_parquet.to_corpus().doc_ids)


def test_write_parquet_streams_tables_and_rechunks(factbook, tmp_path):
    docs = factbook.docs
    pieces = (docs.iloc[a : a + 37] for a in range(0, len(docs), 37))
    pc = write_parquet(pieces, tmp_path / "stream", rows_per_partition=100)
    assert [p.n_rows for p in pc.partitions()] == [100, 100, 55]
    pd.testing.assert_frame_equal(pd.concat(pc.iter_docs(), ignore_index=True), docs)


def test_write_parquet_refuses_repeated_ids_and_existing_folders(factbook, tmp_path):
    docs = factbook.docs
    with pytest.raises(ValueError, match="unique across partitions"):
        write_parquet([docs, docs], tmp_path / "twice", rows_per_partition=100)
    assert not (tmp_path / "twice").exists()
    write_parquet(docs.iloc[:5], tmp_path / "once")
    with pytest.raises(FileExistsError, match="overwrite=True"):
        write_parquet(docs.iloc[:5], tmp_path / "once")


# -- the counts equal the in-memory analyses -------------------------------------------------
def test_count_terms_equals_frequencies(factbook):
    out = count_terms(factbook, by="region")
    pd.testing.assert_frame_equal(out, _frequencies(factbook, "region"))
    n_tokens = terms.frequencies(factbook, by="region").attrs["n_tokens"]
    assert out.attrs["n_tokens"] == n_tokens


def test_any_corpus_spec_is_a_source(factbook):
    pd.testing.assert_frame_equal(
        count_terms("factbook", by="kind"), _frequencies(factbook, "kind")
    )


def test_keyness_from_counts_equals_keyness(factbook_parquet, factbook):
    counts = count_terms(factbook_parquet, by="region")
    for kwargs in ({"target": "europe"}, {"target": "europe", "reference": "africa"}, {}):
        pd.testing.assert_frame_equal(
            keyness_from_counts(counts, **kwargs), keyness.keyness(factbook, by="region", **kwargs)
        )


def test_count_mentions_equals_mention_counts(factbook_parquet, factbook):
    out = count_mentions(factbook_parquet, actors=ACTORS, by="region")
    ref = actors.mention_counts(actors.mentions(factbook, ACTORS), factbook, by="region")
    ref = ref.astype({"group": object, "actor": object})
    pd.testing.assert_frame_equal(out, ref[out.columns], check_dtype=False)


def test_count_framing_equals_profile_and_tone_estimates(articles):
    out = count_framing(articles, actors=ACTORS, by="source")
    ctx = framing.contexts(articles, ACTORS)
    profile = framing.frame_profile(ctx, by="source", n_boot=2)
    merged = out["frames"].merge(profile, on=["group", "actor", "frame"], suffixes=("", "_ref"))
    assert len(merged) == len(profile) == len(out["frames"])
    for col in ("n_hits", "n_contexts", "n_docs"):
        assert (merged[col] == merged[col + "_ref"]).all()
    np.testing.assert_allclose(merged["share"], merged["share_ref"])
    # the contexts the frames step reads (contexts in languages without terms are left out)
    by_actor = tone.tone_by_actor(framing.score_frames(ctx), by="source", n_boot=2)
    merged = out["tone"].merge(by_actor, on=["group", "actor"], suffixes=("", "_ref"))
    assert len(merged) == len(by_actor)
    for col in ("tone", "share_positive", "share_negative"):
        np.testing.assert_allclose(merged[col], merged[col + "_ref"], atol=1e-12)


def test_by_function_and_missing_labels_leave_documents_out(factbook):
    def europe_or_none(docs):
        return docs["region"].where(docs["region"] == "europe", None)

    out = count_terms(factbook, by=europe_or_none)
    assert set(out["group"]) == {"europe"}
    ref = _frequencies(factbook, "region")
    pd.testing.assert_frame_equal(out, ref[ref["group"] == "europe"].reset_index(drop=True))
    assert out.attrs["by"] == "europe_or_none"


def test_unknown_by_names_the_columns(factbook_parquet):
    with pytest.raises(KeyError, match="the columns are"):
        count_terms(factbook_parquet, by="continent")


# -- identical on every backend ---------------------------------------------------------------
def _all_counts(source, backend, scheduler=None) -> dict[str, pd.DataFrame]:
    kw = {"backend": backend, "scheduler": scheduler}
    framed = count_framing(source, actors=ACTORS, by="source", **kw)
    return {
        "terms": count_terms(source, by="source", **kw),
        "mentions": count_mentions(source, by="source", **kw),
        "frames": framed["frames"],
        "tone": framed["tone"],
    }


def _assert_same(a: dict, b: dict) -> None:
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], obj=name)


def test_processes_backend_equals_local(articles, articles_parquet):
    local = _all_counts(articles, "local")
    _assert_same(local, _all_counts(articles_parquet, "local"))
    _assert_same(local, _all_counts(articles_parquet, ProcessBackend(workers=2)))


def test_dask_local_cluster_equals_local(
    articles, articles_parquet, factbook, factbook_parquet, dask_client
):
    _assert_same(_all_counts(articles, "local"), _all_counts(articles_parquet, "dask", dask_client))
    _assert_same(_all_counts(articles, "local"), _all_counts(articles, "dask", dask_client))
    pd.testing.assert_frame_equal(
        count_terms(factbook, by="region"),
        count_terms(factbook_parquet, by="region", backend="dask", scheduler=dask_client),
    )


def test_dask_by_scheduler_address(factbook_parquet, dask_client):
    address = dask_client.scheduler.address
    assert address.startswith("tcp://127.0.0.1:")
    pd.testing.assert_frame_equal(
        count_mentions(factbook_parquet, actors=ACTORS, by="region"),
        count_mentions(
            factbook_parquet, actors=ACTORS, by="region", backend="dask", scheduler=address
        ),
    )


def test_dask_default_starts_and_closes_its_own_cluster(articles_parquet):
    out = count_terms(articles_parquet, backend="dask")
    pd.testing.assert_frame_equal(out, count_terms(articles_parquet))


# -- streaming and the backend contract --------------------------------------------------------
class _Spy(LocalBackend):
    """Records what each map call received and how many partials each combine got."""

    def __init__(self):
        self.items, self.combined = [], []

    def map_reduce(self, items, map_fn, combine_fn):
        def spy_map(item):
            self.items.append(item)
            return map_fn(item)

        def spy_combine(parts):
            self.combined.append(len(parts))
            return combine_fn(parts)

        return super().map_reduce(items, spy_map, spy_combine)


def test_parquet_source_is_streamed_by_path(articles_parquet, monkeypatch):
    monkeypatch.setattr(backends_mod, "FAN_IN", 3)
    spy = _Spy()
    count_terms(articles_parquet, by="source", backend=spy)
    assert len(spy.items) == 6
    assert all(item.frame is None and item.path.endswith(".parquet") for item in spy.items)
    assert max(spy.combined) <= 3


def test_backend_contract_on_plain_functions():
    items = list(range(20))
    for backend in (get_backend("local"), get_backend("processes", workers=2)):
        assert backend.map_reduce(items, abs, sum) == 190
        assert backend.map_reduce([], abs, sum) == 0
    with pytest.raises(ValueError, match="backend must be one of"):
        get_backend("spark")
    assert isinstance(get_backend("dask", scheduler="tcp://127.0.0.1:1"), DaskBackend)


# -- command line -------------------------------------------------------------------------------
def test_cli_to_parquet_and_counts(tmp_path, capsys):
    assert (
        main(
            [
                "corpus",
                "to-parquet",
                "factbook",
                "--out",
                str(tmp_path / "fb"),
                "--rows-per-partition",
                "100",
            ]
        )
        == 0
    )
    assert "255 documents in 3 partition(s)" in capsys.readouterr().out
    out = tmp_path / "mentions.csv"
    assert (
        main(
            [
                "counts",
                str(tmp_path / "fb"),
                "--what",
                "mentions",
                "--by",
                "region",
                "--actors",
                "CSTO,NATO",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    table = pd.read_csv(out)
    assert set(table["actor"]) == {"CSTO", "NATO"} and table["group"].nunique() == 11
    assert (
        main(
            ["counts", str(tmp_path / "fb"), "--by", "continent", "--out", str(tmp_path / "x.csv")]
        )
        == 2
    )
    assert "no metadata column 'continent'" in capsys.readouterr().err
    assert not (tmp_path / "x.csv").exists()


def test_add_scale_arguments_parses_backend_and_scheduler():
    import argparse

    parser = add_scale_arguments(argparse.ArgumentParser())
    args = parser.parse_args(["--backend", "dask", "--scheduler", "tcp://127.0.0.1:8786"])
    assert (args.backend, args.scheduler) == ("dask", "tcp://127.0.0.1:8786")
    assert parser.parse_args([]).backend == "local"
    with pytest.raises(SystemExit):
        parser.parse_args(["--backend", "spark"])


# -- the real archive ----------------------------------------------------------------------------
@pytest.mark.slow
def test_ungdc_counts_identical_on_dask_and_equal_to_in_memory(shared_file, tmp_path, dask_client):
    corpus = analysis.load(shared_file(UNGDC), progress=False)
    pc = write_parquet(corpus, tmp_path / "ungdc", rows_per_partition=1_000)

    def decade(docs):
        return docs["year"] // 10 * 10

    local = count_terms(pc, by=decade)
    pd.testing.assert_frame_equal(
        local, count_terms(pc, by=decade, backend="dask", scheduler=dask_client)
    )
    labels = (corpus.docs["year"] // 10 * 10).astype(str)
    pd.testing.assert_frame_equal(local, _frequencies(corpus, labels))
    pd.testing.assert_frame_equal(
        keyness_from_counts(local, target="1990"), keyness.keyness(corpus, by=labels, target="1990")
    )
    mentions = count_mentions(pc, actors=ACTORS, by="year", context_actors=["UN"])
    pd.testing.assert_frame_equal(
        mentions,
        count_mentions(
            pc,
            actors=ACTORS,
            by="year",
            context_actors=["UN"],
            backend="dask",
            scheduler=dask_client,
        ),
    )
