"""Interactive explorers for JupyterLab (ipywidgets) that degrade to static output.

In JupyterLab each function returns a widget whose first result is already drawn. Run
headless — by :func:`analysis.report.run_notebooks` (``make report``), the notebook tests,
or anywhere ``ANALYSIS_HEADLESS=1`` is set — it displays that first result as ordinary
static output instead (an HTML table, a figure) and returns None, so the executed
notebook, its HTML export and the figures index show it and nothing waits for input.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any


def headless() -> bool:
    """Whether notebooks run without a front end (``ANALYSIS_HEADLESS`` set and not "0")."""
    return os.environ.get("ANALYSIS_HEADLESS", "0") not in ("", "0")


def concordance_explorer(
    corpus: Any,
    query: str = "peacekeeping",
    *,
    window: int = 7,
    limit: int = 50,
    meta: Sequence[str] = ("source", "date"),
):
    """A search box over the corpus: type a word, a phrase, ``secur*`` or an actor id.

    Parameters
    ----------
    corpus : Corpus
    query : str
        The first query, shown at once (also in static output).
    window : int
        Tokens of context on each side.
    limit : int
        Lines shown per query.
    meta : list of str
        Metadata columns beside each line.

    Returns
    -------
    ipywidgets.VBox or None
        Search box, kind selector and the concordance (rendered with
        :func:`analysis.kwic.kwic_html`); None when :func:`headless` (the concordance of
        ``query`` is displayed instead).
    """
    meta = [m for m in meta if m in corpus.docs.columns]

    def show(text: str, kind: str) -> None:
        from IPython.display import HTML, display

        from analysis.kwic import kwic, kwic_html

        try:
            lines = kwic(
                corpus, text, kind=kind, window=window, meta=meta, sort="right", limit=limit
            )
        except (ValueError, KeyError) as err:  # a bad regex or unknown actor id
            print(f"{type(err).__name__}: {err}")
            return
        print(f"{len(lines)} line(s) shown (at most {limit}) for {text!r}")
        display(HTML(kwic_html(lines, max_rows=limit)))

    if headless():
        show(query, "term")
        return None
    import ipywidgets as w

    box = w.Text(value=query, description="query", continuous_update=False)
    kind = w.ToggleButtons(options=["term", "regex", "actor"], value="term", description="kind")
    return _live([box, kind], lambda: show(box.value, kind.value))


def actor_group_picker(
    table,
    *,
    group: str,
    value: str,
    actor: str = "actor",
    plot: Callable | None = None,
    first: int | Sequence[str] = 8,
    peaks: bool = True,
    xlabel: str = "",
    title: str = "",
) -> Any:
    """Lists to pick actors and groups from a tidy table, redrawing a plot of the choice.

    Parameters
    ----------
    table : DataFrame
        Long table with ``actor``, ``group`` and ``value`` columns (e.g. mention rates
        or frame shares by group).
    group, value, actor : str
        Column names.
    plot : callable, optional
        ``plot(subset)`` draws the chosen rows with matplotlib (e.g.
        :func:`analysis.framing.plot_frame_profile`; the figure is shown after it returns);
        default: bars per group, one per actor in its colour
        (:func:`analysis.figures.actor_bars`) labelled with ``xlabel`` and ``title``.
    first : int or list of str, default 8
        Groups selected at the start, and shown when headless: the first ``first`` in the
        table's order, or these groups.
    peaks : bool, default True
        Also select each actor's group with the highest ``value``, so the group where an
        organization stands out is in view even when it is not among the ``first``.

    Returns
    -------
    ipywidgets.VBox or None
        The two lists above the plot; None when :func:`headless` (the plot of every actor
        and the ``first`` groups is displayed instead).
    """
    actors = list(dict.fromkeys(table[actor].astype(str)))
    groups = list(dict.fromkeys(table[group].astype(str)))
    chosen = default_groups(table, group=group, value=value, actor=actor, first=first, peaks=peaks)

    def draw(chosen_actors, chosen_groups) -> None:
        import matplotlib.pyplot as plt

        subset = table[
            table[actor].astype(str).isin(chosen_actors)
            & table[group].astype(str).isin(chosen_groups)
        ]
        if plot is not None:
            plot(subset)
        else:
            _bars(subset, group=group, value=value, actor=actor, xlabel=xlabel, title=title)
        plt.show()

    if headless():
        draw(actors, chosen)
        return None
    import ipywidgets as w

    pick_actor = w.SelectMultiple(
        options=actors, value=tuple(actors), description=actor, rows=min(6, len(actors))
    )
    pick_group = w.SelectMultiple(
        options=groups, value=tuple(chosen), description=group, rows=min(8, len(groups))
    )
    return _live([pick_actor, pick_group], lambda: draw(pick_actor.value, pick_group.value))


def default_groups(
    table,
    *,
    group: str,
    value: str,
    actor: str = "actor",
    first: int | Sequence[str] = 8,
    peaks: bool = True,
) -> list[str]:
    """The groups a picker selects at the start, in the table's order.

    The ``first`` groups of the table (or the groups ``first`` names), and with ``peaks``
    each actor's group with the highest ``value`` (the group where it stands out), so a
    small group with the largest rate is not left out of view.
    """
    groups = list(dict.fromkeys(table[group].astype(str)))
    keep = set(groups[:first]) if isinstance(first, int) else {str(g) for g in first}
    if peaks and len(table) and value in table:
        values = table[[actor, group, value]].dropna(subset=[value])
        if len(values):
            best = values.loc[values.groupby(values[actor].astype(str))[value].idxmax()]
            keep |= set(best[group].astype(str))
    return [g for g in groups if g in keep]


def _bars(subset, *, group: str, value: str, actor: str, xlabel: str, title: str) -> None:
    import matplotlib.pyplot as plt

    from analysis.figures import actor_bars

    n = subset[group].nunique()
    fig, ax = plt.subplots(figsize=(7, 0.55 * max(n, 1) + 1.5))
    actor_bars(ax, subset, group=group, value=value, actor=actor, xlabel=xlabel, title=title)


def _live(controls: list, draw: Callable[[], None]):
    """Controls in a row above an output area that ``draw()`` refills on every change."""
    import ipywidgets as w

    out = w.Output()

    def redraw(*_):
        out.clear_output(wait=True)
        with out:
            draw()

    for control in controls:
        control.observe(redraw, names="value")
    redraw()
    return w.VBox([w.HBox(controls), out])
