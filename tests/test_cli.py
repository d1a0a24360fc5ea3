"""The command line: one-line errors with distinct exit codes, and the corpus summary."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pandas as pd
import pytest

from analysis.cli import main


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "analysis", *args], capture_output=True, text=True, timeout=300
    )


def test_missing_spec_is_one_line_with_exit_2(tmp_path):
    result = run("corpus", "info", str(tmp_path / "nope"))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error E001:") and "nope" in lines[0]


def test_missing_text_column_names_columns(tmp_path):
    table = tmp_path / "t.csv"
    table.write_text("id,body\n1,The CSTO met in Moscow.\n", encoding="utf-8")
    result = run("corpus", "info", str(table))
    assert result.returncode == 4
    assert (
        "E004" in result.stderr and "id, body" in result.stderr and "--text-column" in result.stderr
    )
    ok = run("corpus", "info", str(table), "--text-column", "body", "--json")
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["n_docs"] == 1


def test_strict_turns_skips_into_exit_5(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text("NATO and the CSTO held talks at the United Nations.", "utf-8")
    (folder / "b.txt").write_bytes(b"\x00\x01\x02binary\x00")
    assert run("corpus", "info", str(folder)).returncode == 0
    strict = run("corpus", "info", str(folder), "--strict")
    assert strict.returncode == 5 and "b.txt" in strict.stderr


def test_info_prints_skipped_files_with_reasons(tmp_path, capsys):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text(
        "The UN Security Council met on Tuesday about Kazakhstan.", "utf-8"
    )
    (folder / "empty.txt").write_bytes(b"")
    assert main(["corpus", "info", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "documents    1" in out
    assert "empty.txt: empty file" in out


def test_factbook_json(capsys):
    assert main(["corpus", "info", "factbook", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["n_docs"] == 255
    assert {"iso3", "memberships", "member_csto"} <= set(info["metadata_fields"])
    assert len(info["fingerprint"]) == 32


@pytest.mark.parametrize("argv", [[], ["corpus"], ["nonsense"]])
def test_usage_errors_exit_2(argv):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2


def test_mentions_writes_csv(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text(
        "The UN-CSTO declaration was signed. NATO was not amused.", "utf-8"
    )
    out = tmp_path / "m.csv"
    result = run("mentions", str(folder), "--actors", "CSTO,NATO,UN", "--out", str(out))
    assert result.returncode == 0, result.stderr
    import pandas as pd

    table = pd.read_csv(out)
    assert table["actor"].tolist() == ["UN", "CSTO", "NATO"]
    assert table["surface"].tolist() == ["UN", "CSTO", "NATO"]


def test_bad_registry_is_one_line_exit_4(tmp_path):
    bad = tmp_path / "actors.yml"
    bad.write_text("actors:\n  - id: X\n    kind: nonsense\n", encoding="utf-8")
    result = run("mentions", "factbook", "--registry", str(bad), "--out", str(tmp_path / "m.csv"))
    assert result.returncode == 4
    assert result.stderr.strip().startswith("error E011:") and "actors.yml" in result.stderr
    assert not (tmp_path / "m.csv").exists()


def test_terms_keyness_and_kwic_commands(tmp_path, capsys):
    import pandas as pd

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text("NATO expansion worries Moscow. NATO expansion again.", "utf-8")
    (folder / "b.txt").write_text(
        "The CSTO peacekeeping force left Kazakhstan. Peacekeeping ended.", "utf-8"
    )
    (folder / "metadata.csv").write_text("doc_id,source\na,west\nb,east\n", "utf-8")
    assert main(["terms", str(folder), "--by", "source", "--out", str(tmp_path / "t.csv")]) == 0
    freq = pd.read_csv(tmp_path / "t.csv")
    assert freq.query("group == 'west' and term == 'expansion'")["count"].item() == 2
    assert (
        main(
            [
                "keyness",
                str(folder),
                "--by",
                "source",
                "--target",
                "east",
                "--min-count",
                "1",
                "--out",
                str(tmp_path / "k.csv"),
            ]
        )
        == 0
    )
    key = pd.read_csv(tmp_path / "k.csv")
    assert key.iloc[0]["term"] == "peacekeeping" and key.iloc[0]["count_target"] == 2
    capsys.readouterr()
    assert main(["kwic", str(folder), "--query", "expansion", "--window", "2"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2 and all("[expansion]" in line for line in lines)


def test_entities_command_writes_three_tables(tmp_path, capsys):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text(
        "The Collective Security Treaty Organization (CSTO) sent troops to Kazakhstan in "
        "January 2022. Vladimir Putin said the CSTO mission had ended.\n",
        "utf-8",
    )
    (folder / "b.txt").write_text(
        "NATO ministers met in Brussels. Jens Stoltenberg said NATO would help Ukraine.\n", "utf-8"
    )
    (folder / "metadata.csv").write_text("doc_id,outlet\na,tass\nb,reuters\n", "utf-8")
    out = tmp_path / "ents"
    assert main(["entities", str(folder), "--by", "outlet", "--out", str(out)]) == 0
    ents = pd.read_csv(out / "entities.csv", keep_default_na=False)
    assert {"doc_id", "start", "end", "surface", "label", "ent_id"} <= set(ents.columns)
    assert ((ents["ent_id"] == "CSTO") & (ents["label"] == "ORG")).sum() == 3
    assert "KAZ" in set(ents["ent_id"]) and "UKR" in set(ents["ent_id"])
    freq = pd.read_csv(out / "frequencies.csv", keep_default_na=False)
    assert set(freq["group"]) == {"tass", "reuters"}
    assert freq.query("group == 'reuters' and ent_id == 'NATO'")["count"].item() == 2
    co = pd.read_csv(out / "cooccurrence.csv", keep_default_na=False)
    assert "KAZ" in set(co.loc[co["actor"] == "CSTO", "ent_id"])
    assert "CSTO" not in set(co.loc[co["actor"] == "CSTO", "ent_id"])  # not its own neighbour
    assert "2 documents" in capsys.readouterr().out


def test_named_ungdc_spec_missing_archive_says_where_to_get_it(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "analysis", "corpus", "info", "ungdc"],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "ANALYSIS_UNGDC": str(tmp_path / "no.tgz")},
    )
    assert result.returncode == 2
    line = result.stderr.strip()
    assert line.startswith("error E017:") and "no.tgz" in line and "ANALYSIS_UNGDC" in line


def test_named_ungdc_spec_loads_the_archive(shared_file, monkeypatch):
    archive = shared_file("corpora/UNGDC_1946-2024.tgz")
    monkeypatch.setenv("ANALYSIS_UNGDC", str(archive))
    import analysis

    assert analysis.get_settings().ungdc_path == archive
    reader, target = analysis.corpus.reader_for("ungdc", analysis.get_settings())
    assert target == archive and reader.__module__.endswith("general_debate")


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["keyness", "factbook", "--by", "outlet"], ["--by", "'outlet'", "'region'"]),
        (
            ["keyness", "factbook", "--by", "region", "--target", "Europe"],
            ["Did you mean 'europe'"],
        ),
        (["mentions", "factbook", "--actors", "CSTO,OTAN"], ["'OTAN' is a name of 'NATO'"]),
        (["kwic", "factbook", "--query", "[unclosed", "--kind", "regex"], ["--query", "regular"]),
        (["terms", "factbook", "--lang", "fr"], ["--lang fr", "en 255"]),
        (["terms", "factbook", "--by", "region", "--outlets", "x.csv"], ["--by origin only"]),
        (["terms", "factbook", "--by", "origin", "--outlets", "nope.csv"], ["no such file"]),
        (["topics", "factbook", "--k", "1"], ["--k / k=1", "2 <= k"]),
        (["counts", "factbook", "--lang", "fr"], ["--lang fr", "no document"]),
        (["topics", "factbook", "--sweep", "4,x"], ["--sweep 4,x"]),
        (["collocates", "factbook", "--node", "OTAN", "--kind", "actor"], ["'OTAN' is a name"]),
    ],
)
def test_user_errors_print_one_coded_line(args, says, tmp_path):
    out = [] if args[0] in ("kwic", "collocates") else ["--out", str(tmp_path / "out.csv")]
    result = run(*args, *out)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error E019: "), result.stderr
    for phrase in says:
        assert phrase in lines[0]


def _two_languages(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text(
        "NATO expansion worries Moscow. The CSTO peacekeeping force left Kazakhstan after "
        "the CSTO summit. NATO expansion again.",
        "utf-8",
    )
    (folder / "b.txt").write_text(
        "Миротворцы ОДКБ покинули Казахстан. ОДКБ провела саммит в Москве.", "utf-8"
    )
    (folder / "metadata.csv").write_text(
        "doc_id,source,lang\na,TASS,en\nb,Daily Example,ru\n", "utf-8"
    )
    return folder


def test_lang_keeps_the_languages_asked_for_and_says_what_it_left_out(tmp_path):
    folder = _two_languages(tmp_path)
    result = run("terms", str(folder), "--lang", "ru", "--out", str(tmp_path / "t.csv"))
    assert result.returncode == 0, result.stderr
    assert "--lang ru: 1 of 2 documents; left out: 1 en" in result.stderr
    terms = pd.read_csv(tmp_path / "t.csv")
    assert "csto" in set(terms["term"]) and "expansion" not in set(terms["term"])
    both = run("terms", str(folder), "--lang", "en,ru", "--out", str(tmp_path / "b.csv"))
    assert "2 of 2 documents" in both.stderr and "left out" not in both.stderr
    counts = run("counts", str(folder), "--lang", "ru", "--out", str(tmp_path / "c.csv"))
    assert counts.returncode == 0, counts.stderr
    counted = pd.read_csv(tmp_path / "c.csv")
    assert "csto" in set(counted["term"]) and "expansion" not in set(counted["term"])


def test_origin_groups_with_a_users_outlet_table_and_a_note_for_the_rest(tmp_path):
    folder = _two_languages(tmp_path)
    out = str(tmp_path / "t.csv")
    plain = run("terms", str(folder), "--by", "origin", "--out", out)
    assert plain.returncode == 0, plain.stderr
    assert "note: by='origin': 1 source(s) are not in the outlet table" in plain.stderr
    assert "Daily Example" in plain.stderr
    assert set(pd.read_csv(out)["group"]) == {"Russia/Belarus", "other"}
    (tmp_path / "mine.csv").write_text("source,origin\nDaily Example,local\n", "utf-8")
    mine = run("terms", str(folder), "--by", "origin", "--outlets", str(tmp_path / "mine.csv"))
    assert mine.returncode == 2  # --out is required
    mine = run(
        "terms",
        str(folder),
        "--by",
        "origin",
        "--outlets",
        str(tmp_path / "mine.csv"),
        "--out",
        out,
    )
    assert mine.returncode == 0 and "note:" not in mine.stderr, mine.stderr
    assert set(pd.read_csv(out)["group"]) == {"Russia/Belarus", "local"}


def test_collocates_command(tmp_path, capsys):
    folder = _two_languages(tmp_path)
    out = tmp_path / "c.csv"
    argv = ["collocates", str(folder), "--node", "CSTO", "--kind", "actor", "--min-count", "1"]
    assert main([*argv, "--lang", "en", "--out", str(out)]) == 0
    table = pd.read_csv(out)
    assert (table["count"] <= table["count_collocate"]).all()
    assert table.set_index("collocate").loc["peacekeeping", "count"] == 1
    capsys.readouterr()
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert "collocate" in printed.splitlines()[0] and "миротворец" in printed


def test_dtm_export_reads_back_in_scipy(tmp_path, capsys):
    from scipy.io import mmread

    import analysis
    from analysis import tokens

    out = tmp_path / "dtm"
    out.mkdir()
    (out / "keep.txt").write_text("mine", "utf-8")
    assert main(["dtm", "factbook", "--min-df", "5", "--out", str(out)]) == 0
    assert "255 documents x" in capsys.readouterr().out
    m = mmread(out / "dtm.mtx").tocsr()
    terms = pd.read_csv(out / "terms.csv", keep_default_na=False)
    docs = pd.read_csv(out / "documents.csv", dtype={"doc_id": str})
    expected = tokens.dtm(analysis.load("factbook"), min_df=5)
    assert m.shape == expected.shape and (m != expected.matrix).nnz == 0
    assert terms["term"].tolist() == list(expected.terms)
    assert (terms["n_docs"] >= 5).all() and terms["count"].sum() == expected.matrix.sum()
    assert docs["doc_id"].tolist() == list(expected.doc_ids) and "region" in docs.columns
    assert docs["row"].tolist() == list(range(1, 256)) and (out / "keep.txt").read_text() == "mine"
    header = (out / "dtm.mtx").read_text().splitlines()[0]
    assert header == "%%MatrixMarket matrix coordinate real general"


def test_topics_command_chooses_k_from_its_sweep(tmp_path, capsys):
    out = tmp_path / "topics"
    argv = ["topics", "factbook", "--sweep", "3,4", "--by", "region", "--out", str(out)]
    assert main([*argv, "--seed", "1"]) == 0
    printed = capsys.readouterr().out
    sweep = pd.read_csv(out / "sweep.csv")
    assert sweep["k"].tolist() == [3, 4]
    from analysis import topics

    chosen = topics.choose_k(sweep)
    assert f"k = {chosen}: chosen from the sweep" in printed
    assert pd.read_csv(out / "top_terms.csv")["topic"].nunique() == chosen
    assert "europe" in set(pd.read_csv(out / "prevalence.csv")["group"])


def test_every_command_names_its_handler():
    import argparse

    from analysis.cli import build_parser

    def leaves(parser):
        subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if not subs:
            yield parser
            return
        for sub in subs:
            for child in sub.choices.values():
                yield from leaves(child)

    found = list(leaves(build_parser()))
    assert len(found) >= 15
    assert all(callable(p.get_default("run")) for p in found), [
        p.prog for p in found if not callable(p.get_default("run"))
    ]


HEAVY = ("sklearn", "spacy", "dask", "matplotlib", "scipy.stats", "asyncio", "torch")


@pytest.mark.parametrize(
    "args",
    [["--help"], ["corpus", "info", "{folder}", "--json"], ["terms", "{folder}", "--out", "{out}"]],
)
def test_commands_import_only_what_they_use(tmp_path, args):
    """Help, a corpus summary and term counts start without the heavy libraries they do not use."""
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text("The CSTO met NATO in Geneva. " * 5, encoding="utf-8")
    args = [a.format(folder=folder, out=tmp_path / "t.csv") for a in args]
    probe = (  # the command ends the process; its exit handlers still run
        "import atexit, runpy, sys\n"
        f"atexit.register(lambda: print([m for m in {HEAVY!r} if m in sys.modules], "
        "file=sys.stderr))\n"
        f"sys.argv = ['analysis', *{args!r}]\n"
        "try:\n    runpy.run_module('analysis', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
    )
    env = {**os.environ, "ANALYSIS_CACHE_DIR": str(tmp_path / "cache")}
    done = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    assert done.stderr.strip().splitlines()[-1] == "[]"


def test_a_command_with_a_worker_pool_ends_promptly_with_its_output(tmp_path):
    """The process ends without tearing its modules down (analysis.cli.run): the pool's
    workers are shut down first, so it does not wait on them, and the output is whole."""
    folder = tmp_path / "docs"
    folder.mkdir()
    for i in range(250):
        (folder / f"{i:03d}.txt").write_text(f"Report {i}. The CSTO met NATO. " * 9, "utf-8")
    env = {**os.environ, "ANALYSIS_WORKERS": "2", "ANALYSIS_CACHE_DIR": str(tmp_path / "c")}
    result = subprocess.run(
        [sys.executable, "-m", "analysis", "corpus", "info", str(folder), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["n_docs"] == 250
