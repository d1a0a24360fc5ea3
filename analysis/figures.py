"""One way to style and save every figure: reproducible files, the data beside them, an index.

:func:`save_figure` writes ``<name>.png`` (300 dpi) and ``<name>.svg`` (optionally ``.pdf``),
the table the figure was drawn from as ``<name>.csv``, and an entry in ``index.json``, from
which ``index.md`` (a Markdown gallery) is rewritten. Files carry no dates or version strings,
so the same inputs give byte-identical files; CSV floats are written with 10 significant
digits (:data:`CSV_FLOAT_FORMAT`). :func:`apply_style` gives every figure the same
readable, colour-blind-safe look, with a fixed colour per actor (:data:`ACTOR_COLORS`).
"""

from __future__ import annotations

import io
import json
import os
import re
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import matplotlib as mpl
import matplotlib.ticker as mticker
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.transforms import ScaledTranslation

from analysis.atomic import atomic_path
from analysis.errors import OptionError
from analysis.settings import get_settings

#: Floats in the figures' CSV files: 10 significant digits, so the last-digit differences
#: of floating-point arithmetic between machines (BLAS, summation order) do not show.
CSV_FLOAT_FORMAT = "%.10g"

#: The Okabe & Ito (2008) palette, distinguishable with every common colour-vision deficiency.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
#: One fixed colour per actor, the same in every figure; anything else is "other" (grey).
ACTOR_COLORS = {
    "CSTO": OKABE_ITO["vermillion"],
    "NATO": OKABE_ITO["blue"],
    "UN": OKABE_ITO["sky_blue"],
    "SCO": OKABE_ITO["bluish_green"],
    "CIS": OKABE_ITO["reddish_purple"],
    "EU": OKABE_ITO["orange"],
    "other": "#999999",
}
FORMATS = ("png", "svg", "pdf")
_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_CAPTION_GID = "analysis-caption"
_SAVE = {
    "png": {"dpi": 300, "metadata": {"Software": None}},
    "svg": {"metadata": {"Date": None, "Creator": None}},
    "pdf": {"metadata": {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None}},
}


def style() -> dict:
    """The project's matplotlib settings, for ``matplotlib.rc_context(style())``.

    Returns
    -------
    dict
        rcParams: Okabe-Ito colour cycle (actor colours first), 10 pt text, light grid
        behind the data, no top/right spines, constrained layout, 300 dpi when saved.
    """
    cycle = [
        ACTOR_COLORS["NATO"],
        OKABE_ITO["orange"],
        OKABE_ITO["bluish_green"],
        ACTOR_COLORS["CSTO"],
        OKABE_ITO["reddish_purple"],
        ACTOR_COLORS["UN"],
        OKABE_ITO["yellow"],
        OKABE_ITO["black"],
    ]
    return {
        "axes.prop_cycle": mpl.cycler(color=cycle),
        "font.size": 10,
        "axes.titlesize": 11,
        "axes.titleweight": "bold",
        "axes.titlelocation": "left",
        "axes.labelsize": 10,
        "xtick.labelsize": 9,
        "ytick.labelsize": 9,
        "legend.fontsize": 9,
        "legend.frameon": False,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "grid.color": "#d9d9d9",
        "grid.linewidth": 0.6,
        "axes.axisbelow": True,
        "figure.figsize": (6.4, 4.0),
        "figure.constrained_layout.use": True,
        "savefig.dpi": 300,
        "svg.hashsalt": "analysis",
        "pdf.fonttype": 42,
    }


def apply_style() -> None:
    """Apply :func:`style` to every figure made from now on (call once per notebook)."""
    mpl.rcParams.update(style())


def actor_color(actor: str) -> str:
    """The fixed colour of ``actor`` (CSTO, NATO, UN and the peers SCO, CIS, EU), else grey."""
    return ACTOR_COLORS.get(actor, ACTOR_COLORS["other"])


def log_axis(ax, axis: str = "x") -> None:
    """Make ``ax``'s ``axis`` ("x" or "y") logarithmic, labelled 1, 2, 5, 10, 20... (not 10³)."""
    getattr(ax, f"set_{axis}scale")("log")
    target = getattr(ax, f"{axis}axis")
    target.set_major_locator(mticker.LogLocator(subs=(1, 2, 5)))
    target.set_major_formatter(mticker.StrMethodFormatter("{x:,.6g}"))
    target.set_minor_formatter(mticker.NullFormatter())


def _whole_numbers(values) -> bool:
    """Whether every value is a whole number (a count), so axis ticks should be too."""
    vals = pd.to_numeric(pd.Series(list(values), dtype=object), errors="coerce")
    return bool(len(vals)) and vals.notna().all() and bool((vals == vals.round()).all())


def color_name(actor: str) -> str:
    """The name of an actor's colour for captions ("vermillion", "sky blue", "grey")."""
    hex_ = actor_color(actor).upper()
    names = {v.upper(): k.replace("_", " ") for k, v in OKABE_ITO.items()}
    return names.get(hex_, "grey" if hex_ == "#999999" else hex_)


def barh(
    ax, labels, values, *, colors=None, value_labels=None, xlabel: str = "", title: str = ""
) -> None:
    """Horizontal bars, largest first from the top, each labelled with its value.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    labels, values : sequences of equal length
        Category names and bar lengths (in the order given, top to bottom).
    colors : str or sequence of str, optional
        One colour, or one per bar (default: neutral grey).
    value_labels : sequence of str, optional
        Text at the end of each bar (default: the values with thousands separators).
    """
    bars = ax.barh(list(labels), list(values), color=colors or "#999999")
    ax.bar_label(bars, labels=value_labels or [f"{v:,.0f}" for v in values], padding=2, fontsize=8)
    if _whole_numbers(values):  # counts: no tick at 2.5 documents
        ax.xaxis.set_major_locator(mticker.MaxNLocator(integer=True))
    if not ax.yaxis_inverted():
        ax.invert_yaxis()
    ax.grid(axis="y", visible=False)
    ax.margins(x=0.12)
    ax.set(xlabel=xlabel, title=title)


def actor_bars(
    ax,
    table: pd.DataFrame,
    *,
    group: str,
    value: str,
    actor: str = "actor",
    xlabel: str = "",
    title: str = "",
    fmt: str = "{:.1f}",
) -> None:
    """Horizontal bars of ``value`` per group, one bar per actor in the actor's colour.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    table : DataFrame
        Long table: one row a (group, actor) with the ``value`` column.
    group, value, actor : str
        Column names; groups are drawn top to bottom in the order they first appear.
    fmt : str
        Format of the value written at the end of each bar.
    """
    groups = list(dict.fromkeys(table[group].astype(str)))
    actors = list(dict.fromkeys(table[actor].astype(str)))
    height = 0.8 / max(len(actors), 1)
    for j, name in enumerate(actors):
        rows = table[table[actor].astype(str) == name]
        rows = rows.set_index(rows[group].astype(str))
        values = [float(rows[value].get(g, 0) or 0) for g in groups]
        ys = [i + (j - (len(actors) - 1) / 2) * height for i in range(len(groups))]
        bars = ax.barh(ys, values, height=height, color=actor_color(name), label=name)
        ax.bar_label(bars, labels=[fmt.format(v) for v in values], padding=2, fontsize=7)
    ax.set_yticks(range(len(groups)), groups)
    if not ax.yaxis_inverted():
        ax.invert_yaxis()
    ax.grid(axis="y", visible=False)
    ax.margins(x=0.15)
    ax.legend(loc="lower right")
    ax.set(xlabel=xlabel, title=title)


def timeline(
    ax,
    table: pd.DataFrame,
    *,
    x: str,
    y: str,
    actor: str = "actor",
    events: dict | None = None,
    xlabel: str = "",
    ylabel: str = "",
    title: str = "",
) -> None:
    """One line per actor over time, in the actor's colour, with dated events marked.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    table : DataFrame
        Long table: one row an (x, actor) with the ``y`` column (missing x: drawn as 0).
    x, y, actor : str
        Column names (``x`` numeric, e.g. the year).
    events : dict, optional
        ``{x value: label}``: a dotted vertical line and its label at the top, e.g.
        ``{2010: "GA resolution"}``.
    """
    for name, rows in table.groupby(actor, sort=False, observed=True):
        rows = rows.sort_values(x)
        ax.plot(
            rows[x],
            rows[y],
            marker="o",
            markersize=3,
            linewidth=1.4,
            color=actor_color(str(name)),
            label=str(name),
        )
    for when, label in (events or {}).items():
        ax.axvline(when, color="#555555", linestyle=":", linewidth=1)
        ax.annotate(
            label,
            (when, 1),
            xycoords=("data", "axes fraction"),
            xytext=(3, -3),
            textcoords="offset points",
            va="top",
            fontsize=8,
            color="#333333",
        )
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper right")
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title)


def panels(
    table: pd.DataFrame,
    *,
    facet: str,
    label: str,
    value: str,
    ncols: int = 3,
    colors: dict[str, str] | None = None,
    xlabel: str = "",
    title: str = "",
    fmt: str = "{:.1f}",
    low: str | None = None,
    high: str | None = None,
) -> Figure:
    """Small multiples: one horizontal bar chart per ``facet`` value (key terms per group...).

    Parameters
    ----------
    table : DataFrame
        Long table; each facet's rows are drawn top to bottom in the order given.
    facet, label, value : str
        Columns for the panel, the bar label and the bar length.
    colors : dict, optional
        Colour per facet value (default :func:`actor_color`, grey for non-actors).
    low, high : str, optional
        Columns with the interval around ``value`` (drawn as whiskers).

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    names = list(dict.fromkeys(table[facet].astype(str)))
    nrows = -(-len(names) // ncols)
    most = max((table[facet].astype(str) == n).sum() for n in names) if names else 1
    fig, axes = plt.subplots(
        nrows,
        min(ncols, len(names)) or 1,
        squeeze=False,
        figsize=(3.3 * min(ncols, len(names) or 1), (0.22 * most + 0.9) * nrows + 0.4),
    )
    for ax, name in zip(axes.flat, names):
        rows = table[table[facet].astype(str) == name]
        color = (colors or {}).get(name, actor_color(name))
        labels = (
            [""] * len(rows)
            if low and high  # whiskers instead of numbers
            else [fmt.format(v) for v in rows[value]]
        )
        barh(
            ax,
            rows[label].astype(str),
            rows[value],
            colors=color,
            value_labels=labels,
            xlabel=xlabel,
            title=name,
        )
        if low and high:
            ax.errorbar(
                rows[value],
                range(len(rows)),
                xerr=[rows[value] - rows[low], rows[high] - rows[value]],
                fmt="none",
                ecolor="black",
                lw=0.8,
                capsize=2,
            )
        ax.tick_params(axis="y", labelsize=8)
    for ax in list(axes.flat)[len(names) :]:
        ax.set_visible(False)
    if title:
        fig.suptitle(title, x=0.01, ha="left", fontweight="bold")
    return fig


def describe_corpus(corpus) -> str:
    """``"<spec> (<source>, <n> documents)"`` for a Corpus; a string is returned as is."""
    if corpus is None or isinstance(corpus, (str, Path)):
        return "" if corpus is None else str(corpus)
    from analysis.inputs import is_corpus

    table = corpus.meta if is_corpus(corpus) else corpus.docs  # meta: no texts read
    sources = table["source"].dropna().unique()
    source = sources[0] if len(sources) == 1 else f"{len(sources)} sources"
    return f"{corpus.name} ({source}, {len(corpus)} documents)"


def save_figure(
    fig: Figure,
    name: str,
    *,
    data: pd.DataFrame | pd.Series,
    caption: str,
    notebook: str | None = None,
    corpus=None,
    out_dir: str | Path | None = None,
    formats: tuple[str, ...] = ("png", "svg"),
) -> dict[str, Path]:
    """Write a figure, the data behind it and its index entry, reproducibly.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure; ``caption`` and the corpus are drawn small beneath it.
    name : str
        File stem, a lowercase slug such as ``"overview-length"`` (letters, digits, hyphens).
    data : pandas.DataFrame or pandas.Series
        The table the figure was drawn from, written as ``<name>.csv`` (a named or
        non-default index is written as columns).
    caption : str
        One or two sentences saying what the figure shows.
    notebook : str, optional
        The notebook that made the figure, for the index.
    corpus : Corpus or str, optional
        The corpus (or its spec) the figure is about, named in the caption and the index.
    out_dir : str or Path, optional
        Folder to write to; default ``get_settings().figures_dir``.
    formats : tuple of {"png", "svg", "pdf"}
        Image formats to write.

    Returns
    -------
    dict of str to Path
        The files written, keyed by extension (``"png"``, ``"svg"``, ``"csv"``...).

    Notes
    -----
    Only ``<name>.<ext>``, ``index.json`` and ``index.md`` in ``out_dir`` are written, each
    atomically (temporary file, then rename). Saving a name again replaces its files and
    its index entry. PNG/SVG/PDF metadata (software, dates) is left out and the SVG id salt
    fixed, so re-running gives byte-identical files. In a notebook (matplotlib's inline
    backend) the PNG written is what the cell shows, and ``fig`` is closed.

    Examples
    --------
    >>> fig, ax = plt.subplots()  # doctest: +SKIP
    >>> save_figure(fig, "overview-length", data=table, caption="Words per document.",
    ...             corpus=corpus, notebook="01-corpus-overview")  # doctest: +SKIP
    """
    if not isinstance(name, str) or not _NAME.fullmatch(name) or name == "index":
        raise OptionError(
            f"figure name {name!r} is not a lowercase slug: use letters a-z, "
            "digits and single hyphens, e.g. 'overview-length' ('index' is "
            "reserved for the figures index)"
        )
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise OptionError(f"formats {tuple(formats)!r}: choose from {FORMATS}")
    if isinstance(data, pd.Series):
        data = data.to_frame()
    if not isinstance(data, pd.DataFrame):
        raise TypeError(
            f"data must be the DataFrame the figure was drawn from, not {type(data).__name__}"
        )
    out = Path(out_dir) if out_dir is not None else get_settings().figures_dir
    label = describe_corpus(corpus)
    _draw_caption(fig, caption, label)
    written: dict[str, Path] = {}
    files = rendered(fig, formats)
    for fmt, blob in files.items():
        with atomic_path(out / f"{name}.{fmt}") as tmp:
            tmp.write_bytes(blob)
        written[fmt] = out / f"{name}.{fmt}"
    _show_in_notebook(fig, files.get("png"))
    keep_index = not isinstance(data.index, pd.RangeIndex) or any(data.index.names)
    with atomic_path(out / f"{name}.csv") as tmp:
        data.to_csv(tmp, index=keep_index, lineterminator="\n", float_format=CSV_FLOAT_FORMAT)
    written["csv"] = out / f"{name}.csv"
    _update_index(
        out,
        name,
        {
            "caption": caption,
            "notebook": notebook or "",
            "corpus": label,
            "data": f"{name}.csv",
            "fingerprint": getattr(corpus, "fingerprint", "") or "",
            "parameters": _parameters(data),
            "image": f"{name}.{formats[0]}",
            "files": sorted(p.name for p in written.values()),
        },
    )
    return written


def _show_in_notebook(fig: Figure, png: bytes | None) -> None:
    """In a notebook (matplotlib's inline backend), show the PNG written and close ``fig``.

    The notebook then shows the very file :func:`save_figure` wrote, caption included, at
    the size the inline backend would have drawn it; closed, the figure is not drawn a
    second time by the backend at the end of the cell (half a second to a second a figure,
    and nothing a warm rerun could take from the cache). Elsewhere the figure stays open.
    """
    if png is None or "inline" not in mpl.get_backend():
        return
    import matplotlib.pyplot as plt
    from IPython.display import Image, display

    pixels = int.from_bytes(png[16:20], "big")  # the width in the PNG's IHDR chunk
    display(Image(data=png, format="png", width=round(pixels * fig.dpi / _SAVE["png"]["dpi"])))
    plt.close(fig)


def rendered(fig: Figure, formats: tuple[str, ...] = ("png", "svg")) -> dict[str, bytes]:
    """The files of ``fig`` in each format, as :func:`save_figure` writes them.

    A figure drawn before (the same artists, data and text, the same matplotlib settings
    and package code) is not rendered again: its files come from the cache (step
    ``figures``), keyed by a hash of the figure's state (:func:`figure_key`), so a warm
    rerun of a notebook writes the very same bytes without drawing.
    """
    from analysis.cache import Cache

    cache = Cache("figures")
    key = figure_key(fig, formats) if cache.enabled else None
    hit = cache.get_files(key) if key else None
    if hit is not None and set(hit) == set(formats):
        return {fmt: hit[fmt] for fmt in formats}
    files = {}
    with mpl.rc_context({"svg.hashsalt": "analysis"}):
        for fmt in formats:
            buf = io.BytesIO()
            fig.savefig(buf, format=fmt, bbox_inches="tight", **_SAVE[fmt])
            files[fmt] = _numbered_svg_ids(buf.getvalue()) if fmt == "svg" else buf.getvalue()
    if key:
        cache.put_files(key, files)
    return files


#: State of transforms and figures left out of :func:`figure_key`: it does not change a pixel.
_NOT_DRAWN = frozenset({"_parents", "_number", "_restore_to_pylab"})


def figure_key(fig: Figure, formats: tuple[str, ...]) -> str | None:
    """A hash of everything that decides how ``fig`` renders, or None if it cannot be had.

    The figure's pickled state (matplotlib pickles figures whole: artists, data, text,
    styles) without what plays no part in drawing (:data:`_NOT_DRAWN`: the transforms'
    parent links, keyed by memory address; the pyplot figure number); the matplotlib
    version and settings; the formats and save options; and the package's code version
    (:func:`analysis.cache.code_version`).
    """
    import hashlib
    import pickle

    from matplotlib.transforms import TransformNode

    from analysis.cache import code_version

    class _StatePickler(pickle.Pickler):
        def reducer_override(self, obj):
            if isinstance(obj, (TransformNode, Figure)):
                state = {k: v for k, v in obj.__getstate__().items() if k not in _NOT_DRAWN}
                return (object.__new__, (type(obj),), state)
            return NotImplemented

    h = hashlib.blake2b(digest_size=16)
    try:
        buf = io.BytesIO()
        _StatePickler(buf, protocol=5).dump(fig)
    except Exception:  # noqa: BLE001 - an unpicklable artist: render, do not cache
        return None
    h.update(buf.getvalue())
    settings = sorted((k, repr(v)) for k, v in mpl.rcParams.items())
    save = {f: _SAVE[f] for f in formats}
    h.update(repr((mpl.__version__, settings, formats, save, code_version())).encode())
    return h.hexdigest()


def _parameters(data: pd.DataFrame | pd.Series) -> str:
    """The parameters an analysis recorded in ``df.attrs``, as short ``key=value`` text."""
    parts = []
    for key, value in sorted(getattr(data, "attrs", {}).items()):
        if isinstance(value, (str, int, float, bool)) or value is None:
            parts.append(f"{key}={value}")
        elif (
            isinstance(value, (list, tuple))
            and len(value) <= 6
            and all(isinstance(v, (str, int, float)) for v in value)
        ):
            parts.append(f"{key}={','.join(map(str, value))}")
    return "; ".join(parts)


def _draw_caption(fig: Figure, caption: str, corpus: str) -> None:
    """Caption (and corpus) in small grey text below the axes; replaces an earlier one."""
    for old in [t for t in fig.texts if t.get_gid() == _CAPTION_GID]:
        old.remove()
    text = caption.strip() + (f"\nCorpus: {corpus}." if corpus else "")
    width = max(40, int(fig.get_figwidth() * 72 / (7.5 * 0.52)))
    lines = "\n".join(textwrap.fill(line, width) for line in text.splitlines())
    below = ScaledTranslation(0, -6 / 72, fig.dpi_scale_trans)
    fig.text(
        0,
        0,
        lines,
        transform=fig.transFigure + below,
        ha="left",
        va="top",
        fontsize=7.5,
        color="#555555",
        gid=_CAPTION_GID,
    )


#: A hashed id where SVG defines or uses one: ``id="p1a2..."``, ``url(#p1a2...)``, ``href="#m..."``.
_SVG_HASH_ID = re.compile(r'(?:(?<=id=")|(?<=#))([pm])([0-9a-f]{10})(?=[")])')


def _numbered_svg_ids(svg: bytes) -> bytes:
    """Replace matplotlib's hashed SVG ids (clip paths, markers) by numbers in order of use.

    The hashes come from exact coordinates, so the last-digit float differences between
    machines change them although nothing visible does; numbered ids keep the file the same.
    """
    text = svg.decode("utf-8").replace("\r\n", "\n")
    names: dict[str, str] = {}

    def number(m: re.Match) -> str:
        return names.setdefault(m.group(0), f"{m.group(1)}{len(names):010d}")

    return _SVG_HASH_ID.sub(number, text).encode("utf-8")


def _update_index(out: Path, name: str, entry: dict) -> None:
    """Add or replace ``name`` in ``index.json``, then rewrite ``index.md`` from it.

    The folder is locked meanwhile (``flock`` on it, no lock file), so notebooks saving
    figures at the same time (the report runs two at once) never lose an entry.
    """
    with _locked(out):
        _write_index(out, name, entry)


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """An exclusive ``flock`` on ``folder`` for the block (none where flock is missing)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: one writer at a time is assumed
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def _write_index(out: Path, name: str, entry: dict) -> None:
    path = out / "index.json"
    try:
        index = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    except ValueError as err:
        raise OptionError(
            f"{path}: the figures index is not valid JSON ({err}); delete it "
            "and re-run the notebooks (`make report`) to rebuild it"
        ) from None
    index[name] = entry
    with atomic_path(path) as tmp:
        tmp.write_text(
            json.dumps(index, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    cell = lambda s: str(s).replace("|", "\\|").replace("\n", " ")  # noqa: E731
    rows = [
        "# Figures",
        "",
        "Written by `analysis.figures.save_figure`; rebuild with `make report`. "
        "Do not edit by hand.",
        "",
        "| figure | caption | notebook | corpus (fingerprint) | parameters | data |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for key in sorted(index):
        e = index[key]
        rows.append(
            f'| [<img src="{e["image"]}" alt="{key}" width="240">]({e["image"]})'
            f"<br>`{key}` | {cell(e['caption'])} | {cell(e['notebook'])} | "
            f"{cell(e['corpus'])} (`{e.get('fingerprint', '')[:12]}`) | "
            f"{cell(e.get('parameters', ''))} | [{e['data']}]({e['data']}) |"
        )
    with atomic_path(out / "index.md") as tmp:
        tmp.write_text("\n".join(rows) + "\n", encoding="utf-8")
