"""Interactive explorers for JupyterLab (ipywidgets) that degrade to static output.

Each function returns a widget when a live kernel with a front end can show it, and in
any case displays a static first result, so a notebook executed headless (papermill,
nbval, ``make report``) still shows something meaningful and never waits for input.
"""

from __future__ import annotations

from typing import Any, Sequence


def concordance_explorer(corpus: Any, query: str = "peacekeeping", *, window: int = 7,
                         limit: int = 50, meta: Sequence[str] = ("source", "date")):
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
    ipywidgets.VBox
        Search box, kind selector and the concordance (rendered with
        :func:`analysis.kwic.kwic_html`).
    """
    import ipywidgets as w
    from IPython.display import HTML, display

    from analysis.kwic import kwic, kwic_html

    meta = [m for m in meta if m in corpus.docs.columns]
    box = w.Text(value=query, description="query", continuous_update=False)
    kind = w.ToggleButtons(options=["term", "regex", "actor"], value="term",
                           description="kind")
    out = w.Output()

    def show(*_):
        out.clear_output()
        with out:
            try:
                lines = kwic(corpus, box.value, kind=kind.value, window=window, meta=meta,
                             sort="right", limit=limit)
            except (ValueError, KeyError) as err:  # a bad regex or unknown actor id
                print(f"{type(err).__name__}: {err}")
                return
            print(f"{len(lines)} line(s) shown (at most {limit}) for {box.value!r}")
            display(HTML(kwic_html(lines, max_rows=limit)))

    box.observe(show, names="value")
    kind.observe(show, names="value")
    show()
    return w.VBox([w.HBox([box, kind]), out])


def actor_group_picker(table, *, actor: str = "actor", group: str, value: str,
                       plot) -> Any:
    """Dropdowns to pick an actor and groups from a tidy table and redraw a plot.

    Parameters
    ----------
    table : DataFrame
        Long table with ``actor``, ``group`` and ``value`` columns.
    plot : callable
        ``plot(subset)`` draws the chosen rows (and shows the figure).
    """
    import ipywidgets as w

    actors = sorted(table[actor].astype(str).unique())
    groups = sorted(table[group].astype(str).unique())
    pick_actor = w.SelectMultiple(options=actors, value=tuple(actors), description=actor)
    pick_group = w.SelectMultiple(options=groups, value=tuple(groups[:8]), description=group,
                                  rows=min(8, len(groups)))
    out = w.Output()

    def redraw(*_):
        out.clear_output(wait=True)
        subset = table[table[actor].astype(str).isin(pick_actor.value)
                       & table[group].astype(str).isin(pick_group.value)]
        with out:
            plot(subset)

    pick_actor.observe(redraw, names="value")
    pick_group.observe(redraw, names="value")
    redraw()
    return w.VBox([w.HBox([pick_actor, pick_group]), out])
