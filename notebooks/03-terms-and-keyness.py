# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 03 — Which words, where: frequencies, keyness, collocations, concordances
#
# The corpus-linguistics core. We count words, ask which words are **key** for a group of
# documents (used there much more than elsewhere), which words keep company with each
# organization (**collocates**), and then read the lines themselves (**concordance**).
#
# Tokenization is one setting everywhere (`analysis.tokens.TokenOptions`): lower case,
# English stopwords removed, and every name of an organization merged into one token
# (`csto`, `nato`, `un`), so "North Atlantic Treaty Organization" never leaks "treaty".
#
# **Parameters**: `corpus_spec`, `out_dir`, `group_field` (the groups to compare),
# `kwic_query` (a word, phrase or glob for the concordance), `actors_of_interest`.

# %% tags=["parameters"]
corpus_spec = "factbook"
out_dir = None
group_field = "region"
kwic_query = "peacekeeping"
actors_of_interest = ["CSTO", "NATO", "UN"]

# %%
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import HTML, display

import analysis
from analysis import collocations, figures, keyness, kwic, overview, terms, widgets

figures.apply_style()
NOTEBOOK = "03-terms-and-keyness"
corpus = analysis.load(corpus_spec).in_languages()  # English and Russian
field = overview.group_field(corpus, group_field)
len(corpus)

# %% [markdown]
# ## The most frequent words
#
# `per_10k_words` is the count per 10,000 words; `dispersion` is Gries' DP (0: spread evenly
# over the documents, near 1: concentrated in a few), which tells a word used everywhere
# from one that a single long document repeats.

# %%
top = terms.frequencies(corpus, top=20)
top

# %%
fig, ax = plt.subplots(figsize=(5, 6))
figures.barh(
    ax,
    top["term"],
    top["per_10k_words"],
    value_labels=[f"{v:.0f}" for v in top["per_10k_words"]],
    xlabel="occurrences per 10,000 words",
    title="The most frequent words",
)
figures.save_figure(
    fig,
    "terms-top",
    data=top,
    corpus=corpus,
    notebook=NOTEBOOK,
    out_dir=out_dir,
    caption="The 20 most frequent words (stopwords removed; "
    "organization names merged into one token each).",
)

# %% [markdown]
# ## Key words of each group
#
# Keyness compares a group with all the others. **G²** (log-likelihood, Dunning 1993) says
# how sure we can be that a word's rate differs — it grows with the amount of text; the
# **log ratio** (Hardie 2014) says by how much: +1 means twice as frequent, +3 eight times.
# `p_adj` controls the false discovery rate over all the words tested (Benjamini-Hochberg).
# We show the strongest words by G² among those with `p_adj < 0.01`, with their log ratio.

# %%
largest = corpus.docs[field].value_counts().index[:6]
key = keyness.keyness(corpus.filter(corpus.docs[field].isin(largest)), by=field, top=8)
key = key[(key["direction"] == "target") & (key["p_adj"] < 0.01)]
key[["group", "term", "count_target", "count_reference", "g2", "log_ratio", "p_adj"]]

# %%
shown = list(dict.fromkeys(key["group"]))
if key.empty:
    print(
        f"No word is key (adjusted p < 0.01) in any of the {len(largest)} largest {field} "
        "groups: the groups are too small or too alike. Nothing to draw."
    )
else:
    fig = figures.panels(
        key,
        facet="group",
        label="term",
        value="log_ratio",
        xlabel="log ratio (log2 of the rate ratio)",
        title=f"Key words by {field} (each against the others)",
    )
    left_out = len(largest) - len(shown)
    figures.save_figure(
        fig,
        "keyness-by-group",
        data=key,
        corpus=corpus,
        notebook=NOTEBOOK,
        out_dir=out_dir,
        caption=f"Key words of the {len(largest)} largest {field} groups, each against "
        f"the other {len(largest) - 1}: strongest G² first, bar = log ratio "
        "(adjusted p < 0.01"
        + (f"; {left_out} group(s) without such words left out" if left_out else "")
        + ").",
    )

# %% [markdown]
# ## The company each organization keeps
#
# Collocates are words within five words of any mention of the organization (all its
# names). **logDice** (Rychlý 2008) scores how exclusively two words go together on a
# scale up to 14, independent of corpus size; MI, MI3, t-score and G² are in the table too.
#
# Read them with the corpus in mind: in the factbook, each profile lists its country's
# organization memberships in one line ("CIS, CSTO, EAEU, ..."), so an organization's
# closest neighbours there are other acronyms. In news or speeches the collocates are the
# words of the sentences that talk about it.

# %%
company = pd.concat(
    [
        collocations.collocates(corpus, actor, kind="actor", top=12, min_count=2).assign(
            actor=actor
        )
        for actor in actors_of_interest
    ],
    ignore_index=True,
)
company[["actor", "collocate", "count", "logdice", "mi", "t_score"]]

# %%
if len(company):
    fig = figures.panels(
        company,
        facet="actor",
        label="collocate",
        value="logdice",
        xlabel="logDice",
        title="Words near each organization",
    )
    figures.save_figure(
        fig,
        "collocates-by-actor",
        data=company,
        corpus=corpus,
        notebook=NOTEBOOK,
        out_dir=out_dir,
        caption="Collocates within five words of each organization's "
        "mentions, by logDice (at least two co-occurrences).",
    )

# %% [markdown]
# ## Reading the lines
#
# Statistics point; concordances show. Each line is one occurrence with its context,
# sorted by the word that follows, with the document's metadata beside it.

# %%
lines = kwic.kwic(corpus, kwic_query, window=8, sort="right", limit=30)
display(HTML(kwic.kwic_html(lines, max_rows=30)))

# %% [markdown]
# In JupyterLab, the box below searches the corpus as you type (a word, a phrase,
# `secur*`, a regular expression, or an actor id such as `CSTO`). Run headless, it shows
# the first query only.

# %%
widgets.concordance_explorer(corpus, kwic_query)
