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
# # 05 — Which themes, where: topic models with uncertainty
#
# A topic model (LDA, Blei et al. 2003) describes each text as a mixture of *topics*, each
# topic a distribution over words. We fit it on paragraphs (long texts cover many themes),
# choose the number of topics with coherence and diversity diagnostics, check that the
# topics are stable across random seeds, and compare how much of each group's text a topic
# takes — with bootstrap intervals over documents, the Python answer to stm's
# `estimateEffect`.
#
# **Parameters**: `corpus_spec`, `out_dir`, `group_field`, `k` (topics: `None` chooses it
# from the sweep by the rule stated below; a number overrides it), `ks` (the sweep; ks the
# data cannot carry, fewer than five units a topic, are left out),
# `unit` (`"paragraph"`, `"document"` or `"actor_context"`: the sentences around the
# organizations), `max_docs` (the model is fitted on the units of at most this many
# documents drawn at random — all of a small corpus, a sample of the UN General Debate's
# 10,952 speeches; the group shares are then estimates from that sample, and their
# intervals say so), `seed`.

# %% tags=["parameters"]
corpus_spec = "factbook"
out_dir = None
group_field = "region"
k = None
ks = [4, 6, 8, 10, 12]
unit = "paragraph"
max_docs = 2000
seed = 0

# %%
from IPython.display import display

import analysis
from analysis import figures, overview, topics

figures.apply_style()
NOTEBOOK = "05-topics"
readable = analysis.load(corpus_spec).in_languages()  # English and Russian
languages = readable.docs["lang"].value_counts()
# one model per language: a model over two vocabularies would only find the languages
corpus = readable.in_languages(languages.index[0]) if len(languages) > 1 else readable
if len(languages) > 1:
    print(
        f"Topics are fitted per language. The model below reads the {languages.iloc[0]} "
        f"documents in {languages.index[0]!r}; the others "
        f"({', '.join(f'{n} in {lang!r}' for lang, n in languages.iloc[1:].items())}) "
        "get their own model at the end."
    )
field = overview.group_field(corpus, group_field)
units = topics.sample_documents(topics.units(corpus, unit), max_docs, random_state=seed)
print(
    f"{len(units):,} {unit}s of {units['doc_id'].nunique():,} documents "
    f"(median {units['n_words'].median():.0f} words)"
)

# %% [markdown]
# ## How many topics?
#
# **Coherence** (NPMI: do a topic's top words occur together more than chance?) should be
# high, **diversity** (the share of distinct words among all topics' top words) too; the
# held-out **perplexity** of LDA falls as k grows and says little about interpretability.
# We take the k with the highest coherence among those that keep their topics distinct
# (`topics.choose_k`; set `k` above to override it).

# %%
tried = topics.feasible_ks(ks, len(units))
if len(tried) < len(ks):
    print(
        f"left out of the sweep: k = {[n for n in ks if n not in tried]} "
        f"(fewer than five {unit}s a topic on {len(units):,} {unit}s)"
    )
sweep = topics.sweep(units, tried, seeds=(seed,))
chosen = topics.choose_k(sweep)
by_hand = k is not None
k = k if by_hand else chosen
how = f"set by hand (the rule picks {chosen})" if by_hand else f"chosen for {topics.k_rule()}"
print(f"k = {k}: {how}")
if chosen == max(tried) and len(tried) > 1:
    print("the rule picks the largest k tried: a sweep over larger ks may pick more topics")
fig = topics.plot_sweep(sweep)
figures.save_figure(
    fig,
    "topics-sweep",
    data=sweep,
    corpus=corpus,
    notebook=NOTEBOOK,
    out_dir=out_dir,
    caption=f"Topic-model diagnostics by number of topics "
    f"(LDA on {unit}s, k = {', '.join(map(str, tried))}): NPMI and UMass coherence, "
    f"diversity, perplexity. The rule ({topics.k_rule()}) picks k = {chosen}.",
)

# %% [markdown]
# ## The topics
#
# Each topic's top words, ranked by weight and by relevance (Sievert & Shirley 2014,
# λ = 0.6, which favours words specific to the topic). The labels are the first three
# words; `model.labels_` can be edited.

# %%
model = topics.TopicModel(k, random_state=seed).fit(units)
top = model.top_terms(8)
fig = figures.panels(
    top.assign(topic=top["label"]),
    facet="topic",
    label="term",
    value="weight",
    ncols=4,
    fmt="{:.3f}",
    xlabel="weight",
    title=f"{k} topics (LDA on {unit}s)",
)
figures.save_figure(
    fig,
    "topics-top-terms",
    data=top,
    corpus=corpus,
    notebook=NOTEBOOK,
    out_dir=out_dir,
    caption=f"The eight most probable words of each of the {k} topics "
    + ("(k set by hand)." if by_hand else f"(k chosen for {topics.k_rule()})."),
)

# %% [markdown]
# ## Are they stable?
#
# Refit with other seeds and match topics by their top words (Hungarian matching on the
# Jaccard overlap): values near 1 mean the same topics come back.

# %%
stable = topics.stability(units, k, seeds=(seed, seed + 1, seed + 2))
stable.mean_match

# %% [markdown]
# ## Which groups talk about what?
#
# Mean topic share by group, with 95 % intervals from resampling documents (each
# document's paragraphs are averaged first, so a long document counts once).

# %%
groups = corpus.docs[field].nunique() if field in corpus.docs.columns else 0
if groups < 2:
    print(
        f"No metadata field splits these documents into groups ({field!r}: {groups} "
        "values): the topic shares by group are left out."
    )
else:
    prev = topics.prevalence(model, by=field, random_state=seed)
    largest = corpus.docs[field].value_counts().index[:6]
    shown = prev[prev["group"].isin(largest)]
    fig = figures.panels(
        shown.assign(
            share=100 * shown["mean"], low=100 * shown["ci_low"], high=100 * shown["ci_high"]
        ),
        facet="label",
        label="group",
        value="share",
        low="low",
        high="high",
        ncols=4,
        fmt="{:.0f}",
        xlabel="mean share (%)",
        title=f"Topic shares by {field}",
    )
    figures.save_figure(
        fig,
        "topics-prevalence",
        data=shown,
        corpus=corpus,
        notebook=NOTEBOOK,
        out_dir=out_dir,
        caption="Mean topic share of the documents of the "
        + ("six" if len(largest) == 6 else str(len(largest)))
        + f" largest {field} groups, with 95 % intervals from resampling documents.",
    )
    display(shown.head(12))

# %% [markdown]
# ## Other languages
#
# A corpus in several languages gets one model per language, with the same settings; here
# the top words of each model of the other languages (nothing for a one-language corpus).

# %%
for lang in languages.index[1:]:
    other = readable.in_languages(lang)
    other_units = topics.units(other, unit)
    if len(other_units) < 10:
        print(
            f"The {len(other)} document(s) in {lang!r} ({len(other_units)} {unit}s) are too "
            "few for a topic model of their own: left out."
        )
        continue
    other_k = min(k, topics.max_k(len(other_units)))  # a small corpus cannot carry k topics
    other_model = topics.TopicModel(other_k, random_state=seed).fit(
        topics.sample_documents(other_units, max_docs, random_state=seed)
    )
    other_top = other_model.top_terms(8)
    fig = figures.panels(
        other_top.assign(topic=other_top["label"]),
        facet="topic",
        label="term",
        value="weight",
        ncols=4,
        fmt="{:.3f}",
        xlabel="weight",
        title=f"{other_k} topics of the {lang!r} documents (LDA on {unit}s)",
    )
    figures.save_figure(
        fig,
        f"topics-top-terms-{lang}",
        data=other_top,
        corpus=other,
        notebook=NOTEBOOK,
        out_dir=out_dir,
        caption=f"The eight most probable words of each topic of a model fitted on the "
        f"{len(other)} documents in {lang!r} alone ({len(other_units)} {unit}s).",
    )
