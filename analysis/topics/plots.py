"""Figures of the topic tables: :func:`plot_sweep` (choosing k) and :func:`plot_trend`.

Both return a matplotlib ``Figure`` in the package style; save it with
:func:`analysis.figures.save_figure` and the table it was drawn from.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

_SWEEP_PANELS = (
    ("npmi", "NPMI coherence (higher better)"),
    ("umass", "UMass coherence (higher better)"),
    ("exclusivity", "Exclusivity"),
    ("diversity", "Diversity (top 25)"),
    ("perplexity", "Perplexity (lower better)"),
    ("stability", "Stability across seeds"),
)


def plot_sweep(table: pd.DataFrame):
    """Small multiples of :func:`sweep`'s metrics against k (points: seeds; line: mean).

    Returns
    -------
    matplotlib.figure.Figure
        Save it with :func:`analysis.figures.save_figure` (pass ``data=table``).
    """
    import matplotlib as mpl
    from matplotlib.figure import Figure

    from analysis.figures import style

    panels = [(c, t) for c, t in _SWEEP_PANELS if c in table and table[c].notna().any()]
    with mpl.rc_context(style()):
        fig = Figure(figsize=(3.0 * min(3, len(panels)), 2.6 * -(-len(panels) // 3)))
        axes = fig.subplots(-(-len(panels) // 3), min(3, len(panels)), squeeze=False).ravel()
        for ax, (col, title) in zip(axes, panels):
            ax.scatter(table["k"], table[col], s=12, alpha=0.6)
            means = table.groupby("k")[col].mean()
            ax.plot(means.index, means.to_numpy(), marker="o", ms=3)
            ax.set_title(title, fontsize=9)
            ax.set_xlabel("k")
        for ax in axes[len(panels) :]:
            ax.set_visible(False)
    return fig


def plot_trend(table: pd.DataFrame, *, topics: Sequence[int] | None = None, ncols: int = 3):
    """Small multiples of :func:`prevalence_trend`: one panel a topic, a line and band a group.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib as mpl
    from matplotlib.figure import Figure

    from analysis.figures import actor_color, style

    shown = list(topics) if topics is not None else sorted(table["topic"].unique())
    nrows = -(-len(shown) // ncols)
    with mpl.rc_context(style()):
        fig = Figure(figsize=(3.0 * min(ncols, len(shown)), 2.3 * nrows))
        axes = fig.subplots(nrows, min(ncols, len(shown)), squeeze=False, sharey=True).ravel()
        for ax, t in zip(axes, shown):
            part = table[table["topic"] == t]
            for group, g in part.groupby("group", sort=True):
                color = actor_color(str(group)) if str(group) in ("CSTO", "NATO", "UN") else None
                (line,) = ax.plot(g["time"], g["mean"], label=str(group), color=color)
                ax.fill_between(
                    g["time"],
                    g["ci_low"],
                    g["ci_high"],
                    alpha=0.2,
                    color=line.get_color(),
                    linewidth=0,
                )
            ax.set_title(str(part["label"].iloc[0]), fontsize=9)
        for ax in axes[len(shown) :]:
            ax.set_visible(False)
        if table["group"].nunique() > 1:
            axes[0].legend()
    return fig
