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
# # 02 — Where are the CSTO, NATO and the UN named, and beside whom?
#
# Every comparison of framing starts from one question: *where does a text talk about
# which organization?* An organization has many names — the CSTO is also the "Collective
# Security Treaty Organization", "ODKB" and "ОДКБ"; the UN is "U.N.", "the United Nations",
# "ООН", "OSN". The package's **actor registry** (`analysis/data/actors.yml`, a file you can
# read and extend) lists them, and `actors.mentions` finds every one of them, with rules a
# careful reader would apply: "UN-CSTO" is one UN and one CSTO mention, "UN Security
# Council" is one UN mention, "UNESCO" is not the UN, and "Security Council" alone counts
# as the UN's only where the text makes that clear.
#
# The second half looks beyond the registry: spaCy's named-entity recognizer finds the
# countries, places, people and other organizations in the same texts, so we can ask which
# of them are named beside each organization.
#
# **Parameters**: `corpus_spec`, `out_dir` (as in notebook 01), `group_field` (the
# metadata column to compare groups by), `actors_of_interest`, and `entity_mode`:
# `"full"` parses whole documents; `"actor_sentences"` only the sentences naming an
# actor, which makes the UN General Debate Corpus (32 million words) practical; `"auto"`
# chooses full for corpora up to about 1.5 million words.

# %% tags=["parameters"]
corpus_spec = "factbook"
out_dir = None
group_field = "region"
actors_of_interest = ["CSTO", "NATO", "UN"]
entity_mode = "auto"

# %%
import matplotlib.pyplot as plt
import pandas as pd

import analysis
from analysis import actors, entities, figures, overview, widgets

figures.apply_style()
NOTEBOOK = "02-actor-mentions"
corpus = analysis.load(corpus_spec)
field = overview.group_field(corpus, group_field)
registry = actors.load_registry()

# %% [markdown]
# ## The registry
#
# Each actor has an id, a kind, its names in several languages and, for UN agencies or
# the CSTO's rapid-reaction force, a parent. Here are the three organizations this
# project is about:

# %%
registry.to_frame().query("id in @actors_of_interest")

# %% [markdown]
# ## Every mention
#
# One row a mention: the document, the actor, where in the cleaned text it stands
# (character offsets, so `text[start:end]` is the surface form) and which sentence it is in.

# %%
found = actors.mentions(corpus, actors_of_interest)
found.head(10)

# %%
found.groupby(["actor", "surface"]).size().rename("mentions").reset_index().sort_values(
    ["actor", "mentions"], ascending=[True, False]
).groupby("actor").head(5)

# %% [markdown]
# ## How often, and in how many documents?
#
# Raw counts favour long documents, so we also give the rate per 10,000 words and the
# share of documents that name each organization at least once.

# %%
by_group = actors.mention_counts(found, corpus, by=field, actors=actors_of_interest)
per_doc = actors.mention_counts(found, corpus, actors=actors_of_interest)  # every document
overall = per_doc.groupby("actor", as_index=False)[
    ["n_docs", "n_docs_mentioning", "n_mentions", "n_words"]
].sum()
overall["share_of_docs"] = overall["n_docs_mentioning"] / overall["n_docs"]
overall["per_10k_words"] = 10_000 * overall["n_mentions"] / overall["n_words"]
overall

# %%
fig, ax = plt.subplots(figsize=(6.4, 2.6))
figures.barh(
    ax,
    overall["actor"],
    100 * overall["share_of_docs"],
    colors=[figures.actor_color(a) for a in overall["actor"]],
    value_labels=[f"{v:.0%}" for v in overall["share_of_docs"]],
    xlabel="documents naming the organization (%)",
    title="How many documents name each organization",
)
figures.save_figure(
    fig,
    "actors-share-of-docs",
    data=overall,
    corpus=corpus,
    notebook=NOTEBOOK,
    out_dir=out_dir,
    caption="Share of documents that name each organization at least once "
    "(any of its names in the actor registry).",
)

# %% [markdown]
# ## By group
#
# The same rate per 10,000 words, for the largest groups of the corpus (by words).

# %%
largest = by_group.groupby("group")["n_words"].max().nlargest(12).index
table = by_group[by_group["group"].isin(largest)].copy()
table["group"] = pd.Categorical(table["group"], categories=list(largest), ordered=True)
table = table.sort_values(["group", "actor"])
fig, ax = plt.subplots(figsize=(7, 0.55 * len(largest) + 1.5))
figures.actor_bars(
    ax,
    table,
    group="group",
    value="per_10k_words",
    xlabel="mentions per 10,000 words",
    title=f"Mentions per 10,000 words by {field}",
)
figures.save_figure(
    fig,
    "actors-rate-by-group",
    data=table,
    corpus=corpus,
    notebook=NOTEBOOK,
    out_dir=out_dir,
    caption=f"Mentions of each organization per 10,000 words, by {field} "
    "(the 12 largest groups by words).",
)

# %% [markdown]
# In JupyterLab, pick the organizations and groups to compare below (hold Ctrl or Shift
# to choose several). It starts with the eight largest groups and, for each organization,
# the group where its rate is highest; run headless, it draws those.

# %%
widgets.actor_group_picker(
    table, group="group", value="per_10k_words", xlabel="mentions per 10,000 words"
)

# %% [markdown]
# ## Named together
#
# Two organizations named in the same sentence are compared, contrasted or linked
# there — the raw material of framing. `co_mentions` counts such sentences for every pair
# of actors in the registry (UN agencies and peers such as the SCO and the CIS included)
# that involves one of our organizations. Sentences naming more than four organizations
# are left out: they are lists (the factbook's membership lines), not comparisons.

# %%
pairs = actors.co_mentions(
    actors.mentions(corpus), level="sentence", max_actors=4, involving=actors_of_interest
)
top_pairs = pairs.head(12).assign(pair=lambda d: d["actor_a"] + " + " + d["actor_b"])
top_pairs

# %%
if len(top_pairs):
    fig, ax = plt.subplots(figsize=(6.4, 0.3 * len(top_pairs) + 1.5))
    figures.barh(
        ax,
        top_pairs["pair"],
        top_pairs["n_units"],
        xlabel="sentences naming both",
        title="Organizations named together",
    )
    figures.save_figure(
        fig,
        "actors-co-mentions",
        data=top_pairs,
        corpus=corpus,
        notebook=NOTEBOOK,
        out_dir=out_dir,
        caption="Pairs of organizations named in the same sentence (at most "
        "four organizations in it), most frequent first.",
    )

# %% [markdown]
# ## Beyond the registry: named entities
#
# spaCy's statistical recognizer (`en_core_web_sm`, its F-score for organizations is about
# 0.8) marks names of people (`PERSON`), countries and cities (`GPE`), other places
# (`LOC`), nationalities and groups (`NORP`) and organizations (`ORG`). Before it runs, an
# entity ruler built from the actor registry labels every name of our organizations, so
# "ODKB" and "the Collective Security Treaty Organization" both come out as `ORG` with the
# id `CSTO`. Countries are normalized to ISO3 codes ("Russia", "the Russian Federation"
# and "Russian" are all `RUS`). Russian documents are parsed by slovnet's news model (the
# Natasha project; its people, places and organizations are mapped to the same labels, and
# "Киргизии" is `KGZ`); documents in other languages are skipped and counted. Results are
# cached per document, so a second run is near-instant.

# %%
ents = entities.entities(corpus, mode=entity_mode)
print(
    f"{len(ents):,} entities in {ents.attrs['n_docs']:,} documents, mode "
    f"{ents.attrs['mode']!r} ({ents.attrs['n_cached']:,} from the cache; "
    f"{len(ents.attrs['skipped'])} skipped: languages without a model or no text)"
)
ents.head(8)

# %%
entities.entity_frequencies(ents, labels=["GPE", "ORG", "PERSON", "NORP"], top=15)

# %% [markdown]
# ## Who and what is named beside each organization?
#
# For each organization, the entities named in the same sentences (its own mentions left
# out): the countries it is discussed with, the people who speak for it, the other
# organizations it is set beside. Sentences naming more than six organizations are lists
# (the factbook's membership lines), not talk about the organization: we leave them out.

# %%
beside = entities.actor_cooccurrence(ents, found, top=10, max_orgs=6)
beside.groupby("actor").head(5)

# %%
if len(beside):
    fig = figures.panels(
        beside.assign(entity=beside["name"] + " (" + beside["label"] + ")"),
        facet="actor",
        label="entity",
        value="count",
        fmt="{:.0f}",
        xlabel="sentences naming both",
        title="Named beside each organization",
    )
    figures.save_figure(
        fig,
        "entities-beside-actors",
        data=beside,
        corpus=corpus,
        notebook=NOTEBOOK,
        out_dir=out_dir,
        caption="The entities ("
        + ("spaCy and slovnet NER" if ents.attrs["languages"]["ru"] else "spaCy NER")
        + "; actors and countries normalized) "
        "named most often in the same sentence as each organization, "
        "its own mentions and lists of over six organizations excluded.",
    )

# %% [markdown]
# ## What next
#
# With the mentions in hand, the next notebooks look at the words around each
# organization (keyness, collocations, concordances) and compare their framing.
# `python -m analysis entities SPEC --by FIELD --out DIR` writes the entity tables above
# for any corpus.
