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
# # 00 — A guided tour: from texts to framing, one step at a time
#
# This notebook walks through the whole method once, briefly, for readers who have never
# done text analysis. The question behind the project is a political-science one: **how do
# texts talk about the CSTO, NATO and the UN?** To answer it we turn texts into counts,
# and counts into comparisons we can trust. Each section below explains one step in plain
# words, then runs it with one short call to the `analysis` package. Every number quoted
# in the text is printed by the code from the tables themselves, so it stays true when the
# corpus changes.
#
# By default the corpus is the built-in **CIA World Factbook**: one security profile per
# country (military, international organizations, refugees, disputes...), with each
# country's region and organization memberships. The numbered notebooks 01–06 take each
# step further (see the end).
#
# **Parameters** (the next cell; `make report` and papermill replace them):
#
# - `corpus_spec`: what to read — `"factbook"`, a folder of texts, a table, or the UN
#   General Debate archive.
# - `out_dir`: where the figures go; `None` means the project's `figures/` folder.
# - `group_field`: the metadata column whose groups we compare (`region` for the
#   factbook; if it does not split the corpus, the first of `region`, `country`, `year`,
#   `source`, `lang` that does).
# - `actors_of_interest`: the organizations we follow; the first one is the running example.
# - `keyness_target`: the group whose key words we look at; `None` picks the group that
#   names the first organization most often.
# - `k`, `n_boot`, `seed`: topics in the small topic model, bootstrap resamples, random seed.
# - `max_docs`: the topic model is fitted on at most this many documents, drawn at random
#   (all of them in the factbook; a sample of a big corpus such as the UN General Debate).

# %% tags=["parameters"]
corpus_spec = "factbook"
out_dir = None
group_field = "region"
actors_of_interest = ["CSTO", "NATO", "UN"]
keyness_target = None
k = 5
max_docs = 1000
n_boot = 500
seed = 0

# %%
import textwrap

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import HTML, display

import analysis
from analysis import (
    actors,
    collocations,
    figures,
    framing,
    keyness,
    kwic,
    overview,
    report,
    terms,
    topics,
)
from analysis.framing import tone

figures.apply_style()
NOTEBOOK = "00-walkthrough"
focus = actors_of_interest[0]  # the running example
pd.set_option("display.max_colwidth", 80)

# %% [markdown]
# ## 1. Loading a corpus
#
# A **corpus** is simply a collection of texts with information about each one
# (*metadata*: title, date, source, country...). `analysis.load` reads it and prepares it:
#
# - **cleaning**: it reads any text encoding, normalizes the characters, rejoins words
#   broken across lines and strips web-page clutter — without ever changing the files;
# - **languages**: it records (or detects) the language of every text, because counting
#   English words in a Russian text makes no sense;
# - **duplicates**: it flags texts that are copies or near copies of another (a press
#   release reprinted by three outlets would otherwise count three times);
# - and it **reports** anything it had to skip, and why.
#
# The result is a table with one row a document.

# %%
corpus = analysis.load(corpus_spec)
field = overview.group_field(corpus, group_field)
readable = corpus.in_languages()
print(corpus.report.summary())
corpus

# %%
info = corpus.info()
print(
    f"{info['n_docs']:,} documents, {info['n_words']:,} words; languages: "
    f"{info['languages']}; {info['n_duplicates']} duplicates; {info['n_skipped']} skipped."
)
print(
    f"{len(readable)} documents are in a language the word-based steps below read "
    f"(English, Russian); left out: {corpus.left_out(readable) or 'none'}. "
    f"We compare groups by '{field}' ({corpus.docs[field].nunique()} groups)."
)
corpus.docs.drop(columns=["text"]).head(3).T.head(12)

# %% [markdown]
# ## 2. One organization, many names: the actor registry
#
# A computer does not know that "CSTO", "Collective Security Treaty Organization",
# "ODKB" (its Russian initials in Latin letters) and "ОДКБ" are the same organization.
# The package keeps a list of every name of every organization it knows — the **actor
# registry** (`analysis/data/actors.yml`, a plain file you can read and extend) — and
# `actors.mentions` finds all of them, with a few rules a careful reader would apply
# ("UNESCO" is not the UN; "UN Security Council" is one mention of the UN).

# %%
registry = actors.load_registry()
registry.to_frame().query("id in @actors_of_interest")[["id", "name", "n_forms", "aliases"]]

# %% [markdown]
# Here is what the finder does with one made-up sentence. Each row is a **mention**: which
# organization, the exact words used (`surface`) and where they stand (character
# positions, so we can always go back to the text). Note that a full name followed by its
# abbreviation in brackets counts as two mentions.

# %%
actors.mentions(
    "Kazakhstan joined the Collective Security Treaty Organization (CSTO) in 1994. "
    "The ОДКБ (ODKB) also met NATO and U.N. officials."
)

# %% [markdown]
# The same on the whole corpus: the most frequent names of each organization.

# %%
found = actors.mentions(corpus, actors_of_interest)
(
    found.groupby(["actor", "surface"])
    .size()
    .rename("mentions")
    .reset_index()
    .sort_values(["actor", "mentions"], ascending=[True, False])
    .groupby("actor")
    .head(4)
)

# %% [markdown]
# ## 3. Counting
#
# Raw counts mislead: a long text mentions everything more often. So we count **per
# 10,000 words** (a rate, like "deaths per 100,000 inhabitants"), and we also ask in how
# many documents an organization is named at all.

# %%
by_group = actors.mention_counts(found, corpus, by=field, actors=actors_of_interest)
per_doc = actors.mention_counts(found, corpus, actors=actors_of_interest)  # every document
overall = per_doc.groupby("actor", as_index=False)[
    ["n_docs", "n_docs_mentioning", "n_mentions", "n_words"]
].sum()
overall["share_of_docs"] = overall["n_docs_mentioning"] / overall["n_docs"]
overall["per_10k_words"] = 10_000 * overall["n_mentions"] / overall["n_words"]
row = overall.set_index("actor").loc[focus]
print(
    f"The {focus} is named {row.n_mentions:,.0f} times in {row.n_docs_mentioning:,.0f} of "
    f"{row.n_docs:,.0f} documents ({row.share_of_docs:.1%}): {row.per_10k_words:.1f} times per "
    f"10,000 words, i.e. about once every {row.n_words / max(row.n_mentions, 1):,.0f} words."
)
overall

# %%
fig, (left, right) = plt.subplots(1, 2, sharey=True, figsize=(7.5, 2.4))
colors = [figures.actor_color(a) for a in overall["actor"]]
figures.barh(
    left,
    overall["actor"],
    100 * overall["share_of_docs"],
    colors=colors,
    value_labels=[f"{v:.0%}" for v in overall["share_of_docs"]],
    xlabel="documents naming it (%)",
    title="How widely is each named?",
)
figures.barh(
    right,
    overall["actor"],
    overall["per_10k_words"],
    colors=colors,
    value_labels=[f"{v:.1f}" for v in overall["per_10k_words"]],
    xlabel="mentions per 10,000 words",
    title="How often?",
)
figures.save_figure(
    fig,
    "walkthrough-mentions",
    data=overall,
    corpus=corpus,
    notebook=NOTEBOOK,
    out_dir=out_dir,
    caption="Share of documents naming each organization at least once (left) "
    "and mentions per 10,000 words (right), counting all its names.",
)

# %% [markdown]
# The same idea works for every word. Before counting, texts are cut into words
# (*tokens*), lower-cased, and very common words that carry no topic ("the", "of",
# "and": *stopwords*) are dropped; every name of an organization becomes one token
# (`csto`, `nato`, `un`). The table gives each word's `count`, its rate `per_10k_words`
# (per 10,000 of these kept words), in how many documents it occurs (`doc_freq`), and
# its **dispersion** (Gries' DP): 0 means the word is spread evenly over the documents,
# values near 1 that a few documents use it a lot. A word with a high count but a high
# dispersion is the hobby-horse of a few texts, not a feature of the corpus.

# %%
top = terms.frequencies(readable, top=20)
first = top.iloc[0]
spread, lumpy = top.nsmallest(1, "dispersion").iloc[0], top.nlargest(1, "dispersion").iloc[0]
print(
    f"After removing stopwords, {top.attrs['n_tokens']['all']:,} words remain. The most "
    f"frequent, '{first.term}', occurs {first['count']:,} times "
    f"({first.per_10k_words:.0f} per 10,000) in "
    f"{first.doc_freq} of {top.attrs['n_docs']['all']} documents."
)
print(
    f"Among these 20, '{spread.term}' is the most evenly spread (DP {spread.dispersion:.2f}) "
    f"and '{lumpy.term}' the most concentrated (DP {lumpy.dispersion:.2f}, in "
    f"{lumpy.doc_freq} documents)."
)
top

# %% [markdown]
# ## 4. Keyness: which words set a group apart?
#
# Frequent words are often frequent everywhere. **Keyness** asks instead: which words
# does one group of texts (the *target*) use more than all the others (the *reference*)?
# For each word it compares two rates and reports two numbers:
#
# - **G²** (log-likelihood, Dunning 1993) measures how *sure* we can be that the
#   difference is not chance. It compares the count we see in the target with the count
#   we would expect if the word were spread at the same rate everywhere. It grows with the
#   amount of text; above 3.84 means p < 0.05, above 10.83 p < 0.001. Because we test
#   thousands of words at once, `p_adj` corrects the p-value for that
#   (Benjamini-Hochberg).
# - The **log ratio** (Hardie 2014) measures *how much* more frequent: it is the binary
#   logarithm of the ratio of the two rates, so +1 means twice as frequent, +2 four times,
#   +3 eight times. (Half an occurrence is added to both counts, so a word absent from
#   the reference still gets a finite value.)
#
# A word can have a huge G² but a small log ratio (a common word, slightly more
# frequent), or a big log ratio but a small G² (a rare word): read both. A word whose
# `p_adj` is above 0.05 is on the list only because we asked for ten: it is no evidence.
#
# By default the target is the group that names the running example most often. The top
# of a keyness list is often obvious (the names of the places or people the group is
# about): that shows the method works; it is not yet a finding.

# %%
can_compare = readable.docs[field].nunique() >= 2
if not can_compare:
    print(
        f"Keyness compares groups, and '{field}' gives these documents one group: "
        "the keyness example is left out."
    )
else:
    named_most = by_group[by_group["actor"] == focus].sort_values("n_mentions", ascending=False)
    target = keyness_target if keyness_target is not None else named_most["group"].iloc[0]
    key = keyness.keyness(readable, by=field, target=target, top=10)
    print(
        f"Target: {field} = {target!r}, against the other {corpus.docs[field].nunique() - 1} groups."
    )
    display(key[["term", "count_target", "count_reference", "g2", "p_adj", "log_ratio"]])

# %%
if can_compare:
    pick = key[key["term"] == focus.lower()]  # the organization's own token, if it is key here
    ex = (pick if len(pick) else key).iloc[0]
    n_both = ex.count_target + ex.count_reference
    expected = n_both * ex.total_target / (ex.total_target + ex.total_reference)
    print(
        textwrap.fill(
            f"Worked example. '{ex.term}' occurs {ex.count_target} times in {target} (out of "
            f"{ex.total_target:,} words: {1e4 * ex.count_target / ex.total_target:.1f} per 10,000) "
            f"against {ex.count_reference} in the rest ({ex.total_reference:,} words: "
            f"{1e4 * ex.count_reference / ex.total_reference:.1f} per 10,000). If it were spread at "
            f"the same rate everywhere, we would expect {expected:.1f} of its {n_both} occurrences in "
            f"{target}. G² = {ex.g2:.1f} says how far {ex.count_target} is from that expectation "
            f"(adjusted p = {ex.p_adj:.2g}); the log ratio {ex.log_ratio:.1f} says it is about "
            f"{2**ex.log_ratio:,.1f} times as frequent in {target}.",
            100,
        )
    )

# %%
if can_compare:
    fig, ax = plt.subplots(figsize=(6.4, 0.3 * len(key) + 1.5))
    figures.barh(
        ax,
        key["term"],
        key["log_ratio"],
        colors=figures.OKABE_ITO["blue"],
        value_labels=[
            f"{lr:.1f}  ({a} vs {b})"
            for lr, a, b in zip(key["log_ratio"], key["count_target"], key["count_reference"])
        ],
        xlabel="log ratio (1 = twice as frequent as in the rest)",
        title=f"Key words of {target} against the rest",
    )
    figures.save_figure(
        fig,
        "walkthrough-keyness",
        data=key,
        corpus=corpus,
        notebook=NOTEBOOK,
        out_dir=out_dir,
        caption=f"The ten words with the highest G² (strongest "
        f"first) for {target} against all other {field} groups; bar = log ratio, in "
        "brackets the counts in the target and in the rest.",
    )

# %% [markdown]
# ## 5. The company a word keeps: collocates and concordance
#
# "You shall know a word by the company it keeps" (Firth 1957). **Collocates** are the
# words that occur near an organization's mentions (here within five words on either
# side) more often than their overall frequency would suggest. **logDice** (Rychlý 2008)
# scores how exclusive the pairing is, on a scale up to 14: it compares the number of
# times the two occur together with how often each occurs at all, and does not depend on
# the size of the corpus. 14 would mean the two words always and only occur together.

# %%
company = collocations.collocates(readable, focus, kind="actor", top=10, min_count=2)
company[["collocate", "count", "count_node", "count_collocate", "logdice"]]

# %%
if len(company):
    c = company.iloc[0]
    print(
        textwrap.fill(
            f"Worked example. '{c.collocate}' stands within five words of a mention of the "
            f"{focus} {c['count']} times (each occurrence and each mention counted once); the "
            f"{focus} is named {c.count_node} times and '{c.collocate}' "
            f"occurs {c.count_collocate} times in all. logDice = 14 + log2(2 × {c['count']} / "
            f"({c.count_node} + {c.count_collocate})) = {c.logdice:.1f}.",
            100,
        )
    )

# %% [markdown]
# Numbers point; reading confirms. A **concordance** (or KWIC, key word in context) lines
# up every occurrence with its left and right context, so patterns jump out. Read a few
# lines: is the organization acting, being joined, criticized, listed?

# %%
lines = kwic.kwic(corpus, focus, kind="actor", window=8, sort="right")
print(f"{len(lines)} lines; the first 8, sorted by the word that follows:")
display(HTML(kwic.kwic_html(lines, max_rows=8, meta=["doc_id"])))

# %% [markdown]
# ## 6. Framing, with intervals
#
# **Framing** (Entman 1993) is what a text emphasizes when it talks about something: is
# the CSTO presented as a peacekeeper, a threat, a partner, an instrument of dominance?
# We measure it in three steps:
#
# 1. **contexts**: every sentence that names an organization is a context of it;
# 2. **frames**: a dictionary of frames (`analysis/data/frames.yml`), each a list of words
#    and phrases, marks which frames each context invokes ("peacekeep*", "rapid
#    reaction"... for peacekeeping), with negation handled ("does not recognize" does not
#    count as legitimacy);
# 3. **shares**: for each organization, the share of its contexts that invoke each frame.

# %%
frames_table = framing.load_frames().to_frame()
frames_table[["frame", "label", "n_terms", "terms"]].assign(
    terms=frames_table["terms"].str.split("; ").str[:5].str.join("; ") + "; ..."
)

# %%
ctx = tone.score_tone(framing.score_frames(framing.contexts(readable, actors_of_interest)))
ctx.groupby("actor").agg(contexts=("context", "size"), documents=("doc_id", "nunique"))

# %% [markdown]
# A share computed from a handful of documents is fragile: one more text could change it a
# lot. A **95 % confidence interval** tells us how much. We get it by the **bootstrap**:
# draw the documents again at random, with replacement, as many as there are (some
# twice, some not at all), recompute the share, and repeat this hundreds of times. The
# middle 95 % of the recomputed shares is the interval. Documents, not sentences, are
# drawn, because sentences of one text are not independent. A wide interval means
# "we do not know very precisely"; two organizations whose intervals do not overlap
# almost certainly differ. One trap: a share of 0 % has an interval of zero width, because
# no resample can create hits that are not there. That is not certainty: look at how
# many contexts and documents (`n`) stand behind it.

# %%
profile = framing.frame_profile(ctx, n_boot=n_boot, random_state=seed)
fig = framing.plot_frame_profile(profile, title="How each organization is framed")
figures.save_figure(
    fig,
    "walkthrough-framing",
    data=profile,
    corpus=corpus,
    notebook=NOTEBOOK,
    out_dir=out_dir,
    caption=f"Share of each organization's contexts (sentences "
    f"naming it) that invoke each frame; whiskers: 95 % intervals from {n_boot} "
    "resamples of documents.",
)

# %%
p = profile[profile["actor"] == focus].sort_values("share").iloc[-1]
other = profile[(profile["actor"] != focus) & (profile["frame"] == p.frame)]
print(
    textwrap.fill(
        f"Worked example. Of the {p.n_contexts} sentences naming the {focus} (in {p.n_docs} "
        f"documents), {p.n_hits} invoke '{p.frame}': a share of {p.share:.0%}. Resampling the "
        f"documents {n_boot} times, the share stays between {p.ci_low:.0%} and {p.ci_high:.0%} in "
        f"95 % of the resamples. The same frame for the others:",
        100,
    )
)
for o in other.itertuples():
    print(
        f"  {o.actor}: {o.share:.0%}, interval {o.ci_low:.0%} to {o.ci_high:.0%} "
        f"({o.n_contexts} sentences in {o.n_docs} documents)"
    )

# %% [markdown]
# **Tone** is a rougher signal: each sentence gets a score from −1 (negative) to +1
# (positive) — for English from VADER's general lexicon, for Russian from the project's
# stance lexicon (notebook 04 shows how far each agrees with careful human readings) — and
# we average per organization, again with bootstrap intervals. Read it beside the frames,
# not alone.

# %%
toned = ctx[ctx["tone"].notna()]  # English and Russian only: other contexts are not scored
scorers = toned["tone_method"].value_counts().to_dict()
print(f"{len(toned)} of {len(ctx)} contexts have a tone score (by scorer: {scorers}).")
if len(toned):
    display(
        tone.tone_by_actor(toned, n_boot=n_boot, random_state=seed)[
            ["actor", "tone", "ci_low", "ci_high", "n_contexts", "n_docs"]
        ]
    )

# %% [markdown]
# ## 7. Topics: themes nobody listed in advance
#
# Frames come from a dictionary we wrote; a **topic model** (LDA, Blei et al. 2003) finds
# themes without one. It assumes each text is a mix of a few topics and each topic a
# list of words that tend to appear together; it then finds the topics that best explain
# which words occur together in the texts. A topic is only a list of words with weights:
# naming it ("military service", "refugees") is our job. We fit a small model with
# `k` topics on paragraphs (long texts cover several themes), of at most `max_docs`
# documents drawn at random.

# %%
languages = readable.docs["lang"].value_counts()
if len(languages) > 1:  # one vocabulary a model: a mixed model would only find the languages
    print(f"Topics of the {languages.iloc[0]} documents in {languages.index[0]!r} only.")
one_language = readable.in_languages(languages.index[0]) if len(languages) > 1 else readable
units = topics.sample_documents(
    topics.units(one_language, "paragraph"), max_docs, random_state=seed
)
stable = topics.stability(units, k, seeds=(seed, seed + 1))
model = stable.models[0]
model.top_terms(8).groupby("label", sort=False)["term"].agg(", ".join).to_frame("top words")

# %% [markdown]
# Every paragraph gets a share of each topic. Here is the longest paragraph that names the
# running example, and the mix of topics the model sees in it. (Hold this mix against the
# stability check below: a large share of a topic that does not come back under another
# seed means little.)

# %%
named = model.units_["actors"].fillna("").str.contains(focus)
i = model.units_["n_words"].where(named, 0).idxmax()  # longest paragraph naming it (else the first)
print(textwrap.fill(textwrap.shorten(model.units_.loc[i, "text"], 500), 100))
pd.Series(model.doc_topic_[i], index=list(model.labels_.values()), name="share").round(2)

# %% [markdown]
# **Why seeds matter.** The fit starts from a random guess (set by the *seed*) and
# improves it step by step; another start can end in somewhat different topics. So we
# fit twice with different seeds and match each topic to its most similar partner in the
# other run by their top ten words (Jaccard overlap: the words the two lists share, out
# of all words in either list; 1 = the same words, 0 = none in common). A topic that
# comes back under every seed is a feature of the texts; one that does not is an accident
# of the start. Report only topics that come back. Topic models need many texts: on a few
# dozen short articles, expect them to wobble.

# %%
back = stable.topics.loc[stable.topics["mean_jaccard"] >= 0.5, "label"].tolist()
print(
    f"Mean overlap of matched topics, seeds {seed} and {seed + 1}: {stable.mean_match:.2f}. "
    f"{len(back)} of {k} topics come back well (overlap ≥ 0.5, i.e. at least 7 of their "
    f"10 top words shared): {back}"
)
stable.topics[["label", "mean_jaccard"]].rename(
    columns={"label": f"topic (seed {seed})", "mean_jaccard": "overlap with its match"}
)

# %% [markdown]
# ## 8. Where to go next
#
# Each numbered notebook takes one step of this tour further, with the same parameters
# (`corpus_spec`, `out_dir`, `group_field`...); the last one applies them all to one
# research question:
#
# | notebook | the question it answers |
# | --- | --- |
# | `01-corpus-overview` | What is in the corpus: documents, words, languages, lengths, groups, what was skipped or duplicated, who belongs to which organization? |
# | `02-actor-mentions` | Where are the CSTO, NATO and the UN named, how often, in which groups, and which organizations are named together? |
# | `03-terms-and-keyness` | Which words are frequent, which are key for each group, which words keep company with each organization, and what do the lines say? |
# | `04-framing` | How is each organization framed, how does it differ by bloc or outlet origin, what tone and distinctive words surround it? |
# | `05-topics` | Which themes run through the corpus, how many topics, are they stable, and how much of each group's text does each take? |
# | `06-case-study-un-csto` | Was the UN's recognition of the CSTO (observer status 2004, cooperation resolution and joint declaration 2010) a turning point in what states say about it in the UN General Debate? (Needs the UN General Debate archive.) |
#
# `notebooks/README.md` describes each one and its figures. These are the notebooks in
# this checkout:

# %%
sorted(p.stem for p in report.default_notebooks_dir().glob("[0-9][0-9]-*.py"))

# %% [markdown]
# Every step is also a command that writes CSV tables, for any corpus:
#
# ```sh
# python -m analysis corpus info factbook                  # what is in it (step 1)
# python -m analysis mentions factbook --out mentions.csv  # every mention (step 2)
# python -m analysis keyness factbook --by region --target central-asia --out key.csv  # step 4
# python -m analysis kwic factbook --query CSTO --kind actor                          # step 5
# python -m analysis framing factbook --by bloc --out framing/                        # step 6
# python -m analysis topics factbook --k 8 --out topics/                              # step 7
# python -m analysis report --corpus factbook --out figures  # every notebook, every figure
# ```
#
# To run this tour on your own texts, change `corpus_spec` in the parameters cell (a
# folder of `.txt` files is enough), or run
# `make report CORPUS=path/to/texts OUT=figures-mine`.
