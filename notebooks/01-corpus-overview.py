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
# # 01 — What is in the corpus?
#
# Before asking how texts frame the CSTO, NATO and the UN, we look at the texts themselves:
# how many documents there are, how long they are, which languages they are in, how they
# spread over the groups we will compare, and what the loader had to skip or flag.
# Every number here comes from the `analysis` package; this notebook only narrates.
#
# **Parameters** (the next cell; `make report` and `analysis.report.run_notebooks` replace
# them):
#
# - `corpus_spec`: what to load — `"factbook"` (the built-in CIA World Factbook profiles),
#   a folder of texts, a table, or the UN General Debate archive.
# - `out_dir`: where figures go; `None` means the project's `figures/` folder.
# - `group_field`: the metadata column to break the corpus down by (for example `region`,
#   `source` or `country`). If it does not split the corpus, the first of `region`,
#   `country`, `year`, `source`, `lang` that does.

# %% tags=["parameters"]
corpus_spec = "factbook"
out_dir = None
group_field = "region"

# %%
import matplotlib.pyplot as plt
import pandas as pd

import analysis
from analysis import figures, overview

figures.apply_style()
NOTEBOOK = "01-corpus-overview"

# %% [markdown]
# ## Loading
#
# `analysis.load` reads the corpus, cleans every text (encoding, Unicode, hyphenation at
# line ends), detects each document's language and looks for duplicates. It never changes
# the files it reads. The result is a `Corpus`: one table, one row a document.

# %%
corpus = analysis.load(corpus_spec)
info = corpus.info()
corpus

# %% [markdown]
# The **fingerprint** is a hash of every text and metadata value: if anything in the corpus
# changes, it changes, and every cached result computed from the old corpus is ignored.
#
# ## Size, languages, dates
#
# Words are counted roughly (whitespace-separated tokens), which is enough to compare
# documents with each other.

# %%
pd.Series(
    {
        "documents": info["n_docs"],
        "words": info["n_words"],
        "characters": info["n_chars"],
        "date range": info["date_range"] or "no dates",
        "fingerprint": info["fingerprint"][:12],
    },
    name=corpus.name,
).to_frame()

# %% [markdown]
# The language column is the one the source gives (`lang`), filled in by automatic
# detection where the source says nothing. Later steps (entity recognition, topic models)
# work on English text; other languages are counted but may need translating.

# %%
pd.Series(info["languages"], name="documents").rename_axis("language").to_frame()

# %% [markdown]
# Every column besides `doc_id` and `text` is metadata we can group and compare by. Here are
# the first three documents, one column each (the text itself is left out):

# %%
corpus.docs.drop(columns=["text"]).head(3).T

# %% [markdown]
# ## What was skipped, flagged or duplicated
#
# Nothing is dropped silently. A file that could not be used (empty, binary, not a text,
# an aggregate rather than a document) is listed with the reason; a metadata value that
# could not be read (an impossible date, say) is a warning; and documents that are exact or
# near copies of an earlier one are listed as duplicates. Duplicates stay in the corpus —
# `corpus.without_duplicates()` removes them — because whether a reprinted article counts
# twice is a research decision, not a loading one.

# %%
print(corpus.report.summary())

# %%
corpus.report.duplicates

# %% [markdown]
# ## Documents and words by group
#
# Comparisons between groups are only as good as the groups are large. Small groups give
# noisy estimates; a group that holds most of the words dominates any pooled statistic.

# %%
field = overview.group_field(corpus, group_field)
groups = overview.by_group(corpus, field, top=15)
groups

# %%
fig, (left, right) = plt.subplots(1, 2, sharey=True, figsize=(7.5, 0.3 * len(groups) + 1.5))
figures.barh(
    left,
    groups["group"],
    groups["n_docs"],
    xlabel="documents",
    title=f"Documents and words by {field}",
)
figures.barh(
    right,
    groups["group"],
    groups["n_words"] / 1000,
    xlabel="words (thousands)",
    value_labels=[f"{n:,}" for n in groups["n_words"]],
)
figures.save_figure(
    fig,
    "overview-docs-by-group",
    data=groups,
    corpus=corpus,
    notebook=NOTEBOOK,
    out_dir=out_dir,
    caption=f"Number of documents (left) and words (right) per {field}, largest group first.",
)

# %% [markdown]
# ## How long are the documents?
#
# Lengths often span orders of magnitude (a short news item next to a long speech), so
# the horizontal axis is logarithmic. Very short documents carry little framing; very
# long ones weigh more in any count that is not normalised by length.

# %%
length_bins = overview.lengths(corpus)
fig, ax = plt.subplots()
ax.bar(
    length_bins["bin_start"],
    length_bins["n_docs"],
    align="edge",
    width=length_bins["bin_end"] - length_bins["bin_start"],
    color=figures.OKABE_ITO["blue"],
    edgecolor="white",
    linewidth=0.5,
)
figures.log_axis(ax, "x")
ax.set(xlabel="document length (words, log scale)", ylabel="documents", title="Document length")
figures.save_figure(
    fig,
    "overview-length",
    data=length_bins,
    corpus=corpus,
    notebook=NOTEBOOK,
    out_dir=out_dir,
    caption="Distribution of document lengths in words, on logarithmic bins.",
)

# %% [markdown]
# ## Who belongs to which organization?
#
# The factbook records each country's memberships, so we can see how many of its
# documents describe members of the CSTO, NATO and the UN (in their fixed colours, used
# in every later figure) and of related organizations (grey). Corpora without membership
# columns show the documents per language instead.

# %%
members = overview.memberships(corpus)
members

# %%
if len(members):
    fig, ax = plt.subplots(figsize=(6.4, 0.3 * len(members) + 1.5))
    figures.barh(
        ax,
        members["organization"],
        members["n_docs"],
        colors=[figures.actor_color(org) for org in members["organization"]],
        xlabel="documents (member countries)",
        title="Organization memberships",
    )
    figures.save_figure(
        fig,
        "overview-memberships",
        data=members,
        corpus=corpus,
        notebook=NOTEBOOK,
        out_dir=out_dir,
        caption="Documents about a member of each organization "
        "(from the factbook's membership lists).",
    )
else:
    langs = overview.by_group(corpus, "lang", top=15)
    fig, ax = plt.subplots(figsize=(6.4, 0.3 * len(langs) + 1.5))
    figures.barh(
        ax,
        langs["group"],
        langs["n_docs"],
        colors=figures.OKABE_ITO["blue"],
        xlabel="documents",
        title="Documents by language",
    )
    ax.set_ylabel("language (ISO 639-1)")
    figures.save_figure(
        fig,
        "overview-languages",
        data=langs,
        corpus=corpus,
        notebook=NOTEBOOK,
        out_dir=out_dir,
        caption="Documents per language (as given by the source, else detected).",
    )

# %% [markdown]
# ## What next
#
# The figures and the tables behind them are in the figures folder, listed in its
# `index.md`. The next notebooks find where the CSTO, NATO and the UN are named, and
# compare how they are framed across the groups above.
