"""Figures of the framing tables: profiles, differences, tone, key terms, network, trend.

Each function takes the tidy table of one analysis and returns a matplotlib Figure
(save it with :func:`analysis.figures.save_figure`). Actors keep their colours
(:func:`analysis.figures.actor_color`) across figures.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.framing.dictionary import load_frames


def _axes(ax=None, *, figsize=(6.4, 4.0)):
    import matplotlib.pyplot as plt

    if ax is None:
        fig, ax = plt.subplots(figsize=figsize)
        return fig, ax
    return ax.figure, ax


def _percent():
    import matplotlib.ticker as mticker

    return mticker.PercentFormatter(xmax=1, decimals=0)


def _dodge(k: int, n: int) -> float:
    """Vertical offset of the ``k``-th of ``n`` actors drawn on one row."""
    step = 0.7 / max(n, 1)
    return (k - (n - 1) / 2) * step


def _xerr(rows: pd.DataFrame, value: str) -> np.ndarray:
    """Distances from ``value`` down to ``ci_low`` and up to ``ci_high``, of shape (2, n)."""
    return np.vstack([rows[value] - rows["ci_low"], rows["ci_high"] - rows[value]])


def too_few_docs(table: pd.DataFrame) -> pd.Series:
    """Rows whose interval rests on too few documents to be drawn.

    Fewer than :data:`analysis.stats.MIN_INTERVAL_DOCS`; False when the table has no
    ``n_docs``.
    """
    from analysis.stats import MIN_INTERVAL_DOCS

    if "n_docs" not in table:
        return pd.Series(False, index=table.index)
    return table["n_docs"].fillna(0) < MIN_INTERVAL_DOCS


def _dots(ax, x, ys, err, small, *, color, ms):
    """Dots with whiskers; rows in ``small`` hollow and without whiskers.

    Returns the artist to show in the legend (the whiskered dots when there are any).
    """
    small = np.asarray(small, dtype=bool)
    x, ys = np.asarray(x, dtype=float), np.asarray(ys, dtype=float)
    ok = ~small
    handle = None
    if ok.any():
        handle = ax.errorbar(
            x[ok],
            ys[ok],
            xerr=np.clip(np.nan_to_num(err[:, ok]), 0, None),
            fmt="o",
            ms=ms,
            capsize=2,
            color=color,
        )
    if small.any():
        (hollow,) = ax.plot(x[small], ys[small], "o", ms=ms, mfc="white", mec=color)
        handle = handle or hollow
    return handle


def _small_note(fig, small: bool) -> None:
    """A line under the axes when some cells were drawn without an interval."""
    from analysis.stats import MIN_INTERVAL_DOCS

    if small:
        fig.text(
            0.99,
            0.005,
            f"hollow dots: fewer than {MIN_INTERVAL_DOCS} documents, no interval drawn",
            ha="right",
            va="bottom",
            fontsize=7,
            color="#555555",
        )


def plot_frame_profile(profile: pd.DataFrame, *, ax=None, frames=None, title: str = ""):
    """Dot-and-whisker chart of frame shares per actor (actor colours), with CIs.

    Parameters
    ----------
    profile : DataFrame
        The output of :func:`~analysis.framing.frame_profile`; with a ``group`` column, one
        panel per group (side by side, same frame order and scale).
    ax : matplotlib Axes, optional
        Draw into it (profiles without ``group`` only).
    frames : FrameDictionary or path, optional
        For the category labels.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    labels = load_frames(frames).labels
    order = list(dict.fromkeys(profile["frame"]))
    small = bool(too_few_docs(profile).any())
    if "group" not in profile.columns:
        fig, ax = _axes(ax, figsize=(6.4, 0.45 * len(order) + 1.2))
        _draw_profile(ax, profile, order, labels, title or "Frames by actor")
        _small_note(fig, small)
        return fig
    groups = list(dict.fromkeys(profile["group"]))
    fig, axes = plt.subplots(
        1,
        len(groups),
        sharey=True,
        sharex=True,
        squeeze=False,
        figsize=(3.4 * len(groups) + 1.6, 0.45 * len(order) + 1.4),
    )
    for ax, g in zip(axes[0], groups):
        _draw_profile(ax, profile[profile["group"] == g], order, labels, str(g))
    for ax in axes[0][1:]:
        ax.set_xlabel("")
    fig.suptitle(title or "Frames by actor and group", x=0.02, ha="left", fontweight="bold")
    _small_note(fig, small)
    return fig


def profile_caption(drawn: pd.DataFrame, *, n_groups: int | None = None) -> str:
    """The caption of a frame-profile figure, from the rows it drew.

    Parameters
    ----------
    drawn : DataFrame
        The rows given to :func:`plot_frame_profile`.
    n_groups : int, optional
        Groups in the table the drawn ones were chosen from (by documents), to say how
        many were left out.

    Returns
    -------
    str
        What the dots, whiskers and legend counts are, which groups are drawn, and which
        organization-group cells have too few documents for an interval.
    """
    from analysis.stats import MIN_INTERVAL_DOCS

    text = "Share of each organization's contexts (sentences naming it) that invoke each frame"
    keys = ["actor"]
    if "group" in drawn:
        keys = ["group", "actor"]
        k = drawn["group"].nunique()
        if n_groups and n_groups > k:
            text += f", in the {k} largest of {n_groups} groups by documents"
        else:
            text += f", in each of the {k} group{'s' if k != 1 else ''}"
    text += (
        ", with 95 % intervals from resampling documents; the legend counts each "
        "organization's contexts and documents."
    )
    cells = drawn.groupby(keys, sort=False, observed=True).first().reset_index()
    small = cells[too_few_docs(cells)]
    if len(small):
        where = [
            f"{r.actor}" + (f" in {r.group}" if "group" in small else "") + f" ({int(r.n_docs)})"
            for r in small.itertuples()
        ]
        text += (
            f" Drawn hollow, without an interval (fewer than {MIN_INTERVAL_DOCS} "
            f"documents): {', '.join(where)}."
        )
    return text


def _draw_profile(ax, profile: pd.DataFrame, order: list[str], labels: dict, title: str) -> None:
    from analysis.figures import actor_color

    actors = list(dict.fromkeys(profile["actor"].astype(str)))
    handles, names = [], []
    for k, actor in enumerate(actors):
        rows = profile[profile["actor"].astype(str) == actor].set_index("frame")
        rows = rows.reindex([f for f in order if f in rows.index])
        ys = np.array([order.index(f) for f in rows.index]) + _dodge(k, len(actors))
        handles.append(
            _dots(
                ax,
                rows["share"],
                ys,
                _xerr(rows, "share"),
                too_few_docs(rows),
                color=actor_color(actor),
                ms=4,
            )
        )
        names.append(_count_label(actor, rows))
    ax.set_yticks(range(len(order)), [labels.get(f, f) for f in order])
    if not ax.yaxis_inverted():
        ax.invert_yaxis()
    ax.xaxis.set_major_formatter(_percent())
    ax.set(xlabel="share of contexts invoking the frame (95% CI, documents resampled)", title=title)
    ax.legend(handles, names, loc="lower right", fontsize=7)


def _count_label(actor: str, rows: pd.DataFrame) -> str:
    """``"CSTO (12 contexts, 6 docs)"``: what the dot counts and what the interval resamples."""
    contexts = _count(int(rows["n_contexts"].iloc[0]), "context")
    if "n_docs" not in rows:
        return f"{actor} ({contexts})"
    return f"{actor} ({contexts}, {_count(int(rows['n_docs'].iloc[0]), 'doc')})"


def _count(n: int, noun: str) -> str:
    """``"1 doc"``, ``"12 docs"``."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def plot_differences(diffs: pd.DataFrame, *, ax=None, frames=None, title: str = ""):
    """Forest plot of frame differences (one pair, or ``within`` one group).

    ``diffs`` are rows of :func:`~analysis.framing.frame_differences`.
    """
    labels = load_frames(frames).labels
    names = [
        f"{labels.get(f, f)}: {a} - {b}" + (f" ({w})" if w else "")
        for f, a, b, w in zip(diffs["frame"], diffs["a"], diffs["b"], diffs["within"])
    ]
    fig, ax = _axes(ax, figsize=(6.4, 0.3 * len(diffs) + 1.2))
    ys = np.arange(len(diffs))
    ax.errorbar(
        diffs["diff"],
        ys,
        xerr=np.clip(_xerr(diffs, "diff"), 0, None),
        fmt="o",
        ms=4,
        capsize=2,
        color="#333333",
    )
    ax.axvline(0, color="#999999", lw=0.8)
    ax.set_yticks(ys, names)
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(_percent())
    ax.set(
        xlabel="difference in share (percentage points, 95% CI)", title=title or "Frame differences"
    )
    return fig


def plot_tone(table: pd.DataFrame, *, ax=None, title: str = ""):
    """Mean tone per actor (and group) with CIs, from :func:`.tone.tone_by_actor`."""
    from analysis.figures import actor_color

    groups = list(dict.fromkeys(table["group"].astype(str))) if "group" in table else [""]
    actors = list(dict.fromkeys(table["actor"].astype(str)))
    fig, ax = _axes(ax, figsize=(6.4, 0.5 * len(groups) + 1.6))
    handles = []
    for k, actor in enumerate(actors):
        rows = table[table["actor"].astype(str) == actor]
        pos = [
            groups.index(str(g)) if "group" in table else 0
            for g in (rows["group"] if "group" in table else [None] * len(rows))
        ]
        ys = np.asarray(pos) + _dodge(k, len(actors))
        handles.append(
            _dots(
                ax,
                rows["tone"],
                ys,
                _xerr(rows, "tone"),
                too_few_docs(rows),
                color=actor_color(actor),
                ms=5,
            )
        )
    ax.axvline(0, color="#999999", lw=0.8)
    ax.set_yticks(range(len(groups)), groups)
    ax.invert_yaxis()
    ax.set(
        xlabel=f"mean {tone_label(table.attrs.get('tone_methods', ['vader']))} of the "
        "actor's contexts (95% CI)",
        title=title or "Tone toward each actor",
    )
    ax.legend(handles, actors, loc="lower right")
    _small_note(fig, bool(too_few_docs(table).any()))
    return fig


def tone_label(methods) -> str:
    """What a tone axis shows, from the methods that scored it."""
    names = {"vader": "VADER compound", "stance": "stance score"}
    methods = [m for m in methods if m]
    if len(methods) == 1:
        return names.get(methods[0], methods[0])
    return "tone (" + ", ".join(names.get(m, m) for m in methods) + ")"


def plot_footing(table: pd.DataFrame, *, title: str = ""):
    """Distances between the framing of two organizations per group, with CIs and the null.

    Parameters
    ----------
    table : DataFrame
        The output of :func:`~analysis.framing.same_footing`: one panel per measure, groups on
        the x axis, one line per pair (the colour of its second organization); the hollow
        marks are each pair's ``null_distance``, the distance two samples of the same
        framing would show.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    from analysis.figures import actor_color

    measures = list(dict.fromkeys(table["measure"]))
    groups = list(dict.fromkeys(table["group"].fillna("all").astype(str)))
    pairs = list(dict.fromkeys(zip(table["a"], table["b"])))
    fig, axes = plt.subplots(
        1,
        len(measures),
        figsize=(3.6 * len(measures) + 0.8, 3.4),
        sharey=True,
        squeeze=False,
        layout="constrained",
    )
    labels = {"frames": "frame profiles", "vocabulary": "context vocabulary"}
    for ax, measure in zip(axes[0], measures):
        for k, (a, b) in enumerate(pairs):
            rows = table[(table["measure"] == measure) & (table["a"] == a) & (table["b"] == b)]
            xs = np.array([groups.index(g) for g in rows["group"].fillna("all").astype(str)])
            xs = xs + _dodge(k, len(pairs)) * 0.5
            color = actor_color(b)
            ax.errorbar(
                xs,
                rows["distance"],
                yerr=np.clip(
                    np.vstack(
                        [rows["distance"] - rows["ci_low"], rows["ci_high"] - rows["distance"]]
                    ),
                    0,
                    None,
                ),
                fmt="o-",
                ms=5,
                capsize=2,
                color=color,
                label=f"{a} vs {b}",
            )
            ax.plot(xs, rows["null_distance"], "o", mfc="none", color=color, ms=6, alpha=0.8)
        ax.plot([], [], "o", mfc="none", color="#666666", label="if framed alike (null)")
        ax.set_xticks(range(len(groups)), groups)
        ax.set_xlim(-0.6, len(groups) - 0.4)
        ax.set_ylim(0, 1)
        ax.set_title(labels.get(measure, measure))
        ax.grid(axis="y", alpha=0.3)
    axes[0][0].set_ylabel("Jensen-Shannon distance (95% CI)")
    handles, names = axes[0][-1].get_legend_handles_labels()
    keep = dict(zip(names, handles))
    fig.legend(keep.values(), keep.keys(), loc="outside lower center", ncol=len(keep), fontsize=8)
    fig.suptitle(title or "How far apart two organizations are framed")
    return fig


#: Axis labels of the statistics a key-term chart may draw.
_STAT_LABELS = {"g2": "G² (log-likelihood)", "chi2": "χ²", "log_ratio": "log ratio (log2)"}


def plot_key_terms(keys: pd.DataFrame, *, top: int = 10, value: str = "g2", title: str = ""):
    """One panel per group: its ``top`` key terms as bars (actor colours for actor groups).

    ``value`` is the column drawn: the statistic terms are ranked by (``"g2"``, the
    default) or an effect size (``"log_ratio"``).
    """
    import matplotlib.pyplot as plt

    from analysis.figures import actor_color, barh

    groups = list(dict.fromkeys(keys["group"].astype(str)))
    fig, axes = plt.subplots(
        1, max(len(groups), 1), figsize=(3.2 * max(len(groups), 1), 0.28 * top + 1.4), squeeze=False
    )
    for ax, g in zip(axes[0], groups):
        rows = keys[(keys["group"].astype(str) == g) & (keys["direction"] == "target")].head(top)
        barh(
            ax,
            rows["term"],
            rows[value],
            colors=actor_color(g),
            value_labels=[f"{v:.1f}" for v in rows[value]],
            xlabel=_STAT_LABELS.get(value, value),
            title=g,
        )
    fig.suptitle(
        title or "Distinctive terms of each actor's contexts", x=0.02, ha="left", fontweight="bold"
    )
    return fig


def plot_network(edges: pd.DataFrame, *, group: str | None = None, ax=None, title: str = ""):
    """Co-mention network on a circle: edge width ~ weight, node size ~ units naming it."""
    from analysis.figures import actor_color

    rows = edges if group is None else edges[edges["group"].astype(str) == str(group)]
    size = (
        pd.concat([rows.set_index("actor_a")["n_units_a"], rows.set_index("actor_b")["n_units_b"]])
        .groupby(level=0)
        .max()
    )
    nodes = sorted(size.index, key=lambda n: (-size[n], n))
    pos = _circle(nodes)
    fig, ax = _axes(ax, figsize=(5.5, 5.5))
    top = max(rows["weight"].max(), 1) if len(rows) else 1
    for s, t, w in zip(rows["actor_a"], rows["actor_b"], rows["weight"]):
        ax.plot(*zip(pos[s], pos[t]), color="#777777", lw=0.5 + 5 * w / top, alpha=0.6, zorder=1)
    biggest = max(size.max(), 1) if len(size) else 1
    for n in nodes:
        ax.scatter(
            *pos[n],
            s=80 + 900 * size[n] / biggest,
            color=actor_color(n),
            zorder=2,
            edgecolor="white",
        )
        ax.annotate(n, pos[n], xytext=(0, 12), textcoords="offset points", ha="center", fontsize=8)
    ax.set(
        xlim=(-1.4, 1.4),
        ylim=(-1.4, 1.4),
        aspect="equal",
        title=title or f"Co-mentions{'' if group is None else f' ({group})'}",
    )
    ax.axis("off")
    return fig


def _circle(nodes: list[str]) -> dict[str, tuple[float, float]]:
    """Positions of ``nodes`` on the unit circle, the first at the top."""
    angle = np.linspace(0, 2 * np.pi, len(nodes), endpoint=False) + np.pi / 2
    return {n: (np.cos(a), np.sin(a)) for n, a in zip(nodes, angle)}


def plot_trend(trend: pd.DataFrame, *, frame: str, time: str = "year", ax=None, title: str = ""):
    """Share of contexts invoking ``frame`` over time per actor, with its CI band."""
    from analysis.figures import actor_color

    fig, ax = _axes(ax)
    rows = trend[trend["frame"] == frame]
    for actor, part in rows.groupby("actor", sort=True, observed=True):
        part = part.sort_values(time)
        color = actor_color(str(actor))
        ax.plot(part[time], part["share"], color=color, lw=1.5, label=str(actor))
        ax.fill_between(part[time], part["ci_low"], part["ci_high"], color=color, alpha=0.2, lw=0)
    ax.yaxis.set_major_formatter(_percent())
    ax.set(
        xlabel=time, ylabel="share of contexts (95% CI)", title=title or f"Frame over time: {frame}"
    )
    ax.legend(loc="upper left")
    return fig
