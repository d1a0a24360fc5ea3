"""analysis.figures: files written, data beside them, index kept, output reproducible."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

from analysis import figures  # noqa: E402
from analysis.figures import ACTOR_COLORS, figure_key, save_figure  # noqa: E402


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """Cache and default figures folder in tmp; rcParams and open figures restored after."""
    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("ANALYSIS_FIGURES_DIR", str(tmp_path / "default-figures"))
    with matplotlib.rc_context():
        yield
    plt.close("all")


@pytest.fixture
def data():
    return pd.DataFrame(
        {"actor": ["CSTO", "NATO", "UN"], "n_docs": [3, 5, 8], "share": [0.1875, 0.3125, 0.5]}
    )


def make_figure(data):
    figures.apply_style()
    fig, ax = plt.subplots()
    ax.bar(data["actor"], data["n_docs"], color=[figures.actor_color(a) for a in data["actor"]])
    ax.set(xlabel="actor", ylabel="documents")
    return fig


def test_a_figure_drawn_again_comes_from_the_cache_byte_for_byte(tmp_path, data, monkeypatch):
    first = save_figure(make_figure(data), "a", data=data, caption="C.", out_dir=tmp_path / "1")
    drawn = []
    savefig = matplotlib.figure.Figure.savefig
    monkeypatch.setattr(
        matplotlib.figure.Figure,
        "savefig",
        lambda self, *a, **k: drawn.append(1) or savefig(self, *a, **k),
    )
    again = save_figure(make_figure(data), "a", data=data, caption="C.", out_dir=tmp_path / "2")
    assert drawn == []  # the same figure, built anew: nothing rendered
    assert all(sha(first[f]) == sha(again[f]) for f in ("png", "svg", "csv"))
    other = data.assign(n_docs=[3, 5, 9])  # one bar one unit taller: drawn, other bytes
    changed = save_figure(make_figure(other), "a", data=other, caption="C.", out_dir=tmp_path / "3")
    assert drawn == [1, 1] and sha(changed["png"]) != sha(first["png"])
    recaptioned = save_figure(
        make_figure(data), "a", data=data, caption="D.", out_dir=tmp_path / "4"
    )
    assert len(drawn) == 4 and sha(recaptioned["svg"]) != sha(first["svg"])
    monkeypatch.setenv("ANALYSIS_CACHE", "0")
    save_figure(make_figure(data), "a", data=data, caption="C.", out_dir=tmp_path / "5")
    assert len(drawn) == 6  # cache off: always drawn


def test_figure_key_is_the_same_in_another_process(data):
    import subprocess
    import sys

    code = (
        "import matplotlib; matplotlib.use('Agg'); import pandas as pd, sys; "
        "sys.path.insert(0, 'tests'); from test_figures import make_figure; "
        "from analysis.figures import figure_key; "
        "d = pd.DataFrame({'actor': ['CSTO', 'NATO', 'UN'], 'n_docs': [3, 5, 8]}); "
        "print(figure_key(make_figure(d), ('png', 'svg')))"
    )
    root = Path(__file__).resolve().parents[1]
    there = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root
    ).stdout.strip()
    here = figure_key(make_figure(data[["actor", "n_docs"]]), ("png", "svg"))
    assert here and there == here
    assert figure_key(make_figure(data), ("png",)) != here


def sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_writes_images_data_and_index_and_nothing_else(tmp_path, data):
    out = tmp_path / "figs"
    written = save_figure(
        make_figure(data),
        "actors-docs",
        data=data,
        caption="Documents.",
        notebook="01-test",
        corpus="tiny",
        out_dir=out,
    )
    assert set(written) == {"png", "svg", "csv"}
    assert sorted(p.name for p in out.iterdir()) == [
        "actors-docs.csv",
        "actors-docs.png",
        "actors-docs.svg",
        "index.json",
        "index.md",
    ]
    # nothing elsewhere but the render cache, in the cache folder
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "figs"]
    assert [p.name for p in (tmp_path / "cache").iterdir()] == ["figures"]
    assert all(p.stat().st_mode & 0o777 == 0o644 for p in out.iterdir())
    with Image.open(out / "actors-docs.png") as img:
        assert [round(v) for v in img.info["dpi"]] == [300, 300]
    assert (out / "actors-docs.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_csv_equals_data(tmp_path, data):
    save_figure(make_figure(data), "actors-docs", data=data, caption="c", out_dir=tmp_path)
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "actors-docs.csv"), data)


def test_series_and_named_index_are_kept_as_columns(tmp_path, data):
    series = data.set_index("actor")["n_docs"]
    save_figure(make_figure(data), "actors-series", data=series, caption="c", out_dir=tmp_path)
    back = pd.read_csv(tmp_path / "actors-series.csv")
    assert back.columns.tolist() == ["actor", "n_docs"]
    assert back["n_docs"].tolist() == [3, 5, 8]


def test_default_out_dir_is_the_settings_figures_dir(tmp_path, data):
    save_figure(make_figure(data), "actors-docs", data=data, caption="c")
    assert (tmp_path / "default-figures" / "actors-docs.png").is_file()


def test_index_has_one_entry_per_name_updated_not_duplicated(tmp_path, data):
    save_figure(
        make_figure(data),
        "b-second",
        data=data,
        caption="Old caption.",
        notebook="02-x",
        corpus="tiny",
        out_dir=tmp_path,
    )
    save_figure(
        make_figure(data),
        "a-first",
        data=data,
        caption="First.",
        notebook="01-x",
        corpus="tiny",
        out_dir=tmp_path,
    )
    save_figure(
        make_figure(data),
        "b-second",
        data=data,
        caption="New | caption.",
        notebook="02-x",
        corpus="tiny",
        out_dir=tmp_path,
    )
    index = json.loads((tmp_path / "index.json").read_text(encoding="utf-8"))
    assert sorted(index) == ["a-first", "b-second"]
    assert index["b-second"]["caption"] == "New | caption."
    assert index["b-second"]["files"] == ["b-second.csv", "b-second.png", "b-second.svg"]
    rows = [
        ln
        for ln in (tmp_path / "index.md").read_text(encoding="utf-8").splitlines()
        if ln.startswith("| [")
    ]
    assert len(rows) == 2
    assert "a-first.png" in rows[0] and "b-second.png" in rows[1]  # sorted by name
    assert "New \\| caption." in rows[1] and "Old caption" not in rows[1]
    assert "[b-second.csv](b-second.csv)" in rows[1] and "| 02-x |" in rows[1]


def test_resaving_gives_byte_identical_files(tmp_path, data):
    first, second = tmp_path / "one", tmp_path / "two"
    fig = make_figure(data)
    save_figure(
        fig,
        "actors-docs",
        data=data,
        caption="c",
        corpus="tiny",
        out_dir=first,
        formats=("png", "svg", "pdf"),
    )
    save_figure(
        make_figure(data),
        "actors-docs",
        data=data,
        caption="c",
        corpus="tiny",
        out_dir=second,
        formats=("png", "svg", "pdf"),
    )
    for name in (
        "actors-docs.png",
        "actors-docs.svg",
        "actors-docs.pdf",
        "actors-docs.csv",
        "index.md",
    ):
        assert sha(first / name) == sha(second / name), name
    png = sha(first / "actors-docs.png")
    save_figure(fig, "actors-docs", data=data, caption="c", corpus="tiny", out_dir=first)
    assert sha(first / "actors-docs.png") == png  # same figure again: same bytes
    assert sum(t.get_gid() == "analysis-caption" for t in fig.texts) == 1  # not drawn twice


@pytest.mark.parametrize(
    "name", ["Overview", "a_b", "", "-a", "a-", "a--b", "a b", "../etc", "a.png", "index", None]
)
def test_bad_names_raise(tmp_path, data, name):
    with pytest.raises(ValueError, match="lowercase slug"):
        save_figure(make_figure(data), name, data=data, caption="c", out_dir=tmp_path)
    assert not tmp_path.exists() or not any(tmp_path.iterdir())


def test_bad_formats_and_data_raise(tmp_path, data):
    with pytest.raises(ValueError, match="formats"):
        save_figure(
            make_figure(data), "x", data=data, caption="c", out_dir=tmp_path, formats=("jpg",)
        )
    with pytest.raises(TypeError, match="DataFrame"):
        save_figure(make_figure(data), "x", data=[1, 2], caption="c", out_dir=tmp_path)


def test_corrupt_index_is_reported_not_overwritten(tmp_path, data):
    (tmp_path / "index.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match="index.json.*not valid JSON"):
        save_figure(make_figure(data), "x", data=data, caption="c", out_dir=tmp_path)
    assert (tmp_path / "index.json").read_text(encoding="utf-8") == "{not json"


def test_timeline_draws_one_line_per_actor_and_marks_events():
    table = pd.DataFrame(
        {
            "year": [2003, 2004, 2005, 2003, 2004, 2005],
            "actor": ["CSTO"] * 3 + ["SCO"] * 3,
            "n": [1, 0, 4, 2, 2, 3],
        }
    )
    fig, ax = plt.subplots()
    figures.timeline(
        ax, table, x="year", y="n", events={2004: "observer status"}, ylabel="speeches"
    )
    lines = {ln.get_label(): ln for ln in ax.get_lines() if not ln.get_label().startswith("_")}
    assert set(lines) == {"CSTO", "SCO"}
    assert list(lines["CSTO"].get_ydata()) == [1, 0, 4]
    assert lines["CSTO"].get_color() == ACTOR_COLORS["CSTO"]
    assert [t.get_text() for t in ax.texts] == ["observer status"]
    assert ax.get_ylim()[0] == 0 and ax.get_ylabel() == "speeches"
    plt.close(fig)


def test_style_is_colour_blind_safe_with_fixed_actor_colours():
    assert set(ACTOR_COLORS) == {"CSTO", "NATO", "UN", "SCO", "CIS", "EU", "other"}
    actors = [ACTOR_COLORS[a] for a in ACTOR_COLORS if a != "other"]
    assert len(set(actors)) == 6 and set(actors) <= set(figures.OKABE_ITO.values())
    assert figures.actor_color("OSCE") == ACTOR_COLORS["other"]
    figures.apply_style()
    assert matplotlib.rcParams["savefig.dpi"] == 300
    cycle = matplotlib.rcParams["axes.prop_cycle"].by_key()["color"]
    assert {c.upper() for c in cycle} <= {c.upper() for c in figures.OKABE_ITO.values()}


def test_files_do_not_show_last_digit_float_differences(tmp_path, data):
    """Values that differ in the 15th digit (another machine's BLAS) give the same files."""
    import re

    paths = {}
    for run, jitter in (("a", 0.0), ("b", 1e-15)):
        shifted = data.assign(share=data["share"] + jitter)
        fig, ax = plt.subplots()
        ax.plot(data["share"], data["n_docs"], "o-")
        ax.set_position([0.125 + jitter, 0.11, 0.775, 0.77])  # moves the clip box, not a pixel
        out = tmp_path / run
        paths[run] = save_figure(fig, "x", data=shifted, caption="c", out_dir=out)
    for ext in ("csv", "svg"):
        assert sha(paths["a"][ext]) == sha(paths["b"][ext]), ext
    svg = paths["a"]["svg"].read_text(encoding="utf-8")
    assert not re.search(r'id="[pm](?!\d{10}")[0-9a-f]{10}"', svg)  # numbered, not hashed


def test_count_axes_tick_at_whole_numbers_and_colours_have_names():
    import matplotlib.pyplot as plt

    from analysis import figures

    fig, ax = plt.subplots()
    figures.barh(ax, ["a", "b", "c"], [1, 3, 5])
    fig.canvas.draw()
    ticks = ax.get_xticks()
    assert len(ticks) > 1 and all(float(t).is_integer() for t in ticks)
    fig2, ax2 = plt.subplots()
    figures.barh(ax2, ["a", "b"], [0.5, 1.25])
    fig2.canvas.draw()
    assert not all(float(t).is_integer() for t in ax2.get_xticks())
    plt.close(fig)
    plt.close(fig2)
    assert figures.color_name("CSTO") == "vermillion" and figures.color_name("other") == "grey"
