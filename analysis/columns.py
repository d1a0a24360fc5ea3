"""One column vocabulary for every table the package returns.

A name means the same thing in every stage, in memory and on the scale path, so tables
join and stack without renaming. The rules:

- **What a row is about**: ``doc_id``, ``actor``, ``term``, ``frame``, ``topic``, ``label``,
  and ``group`` for the group of a comparison (whatever ``by`` was: the column, derived
  grouping or labels of :func:`analysis.groups.resolve_groups`; ``attrs["by"]`` says which).
- **Counts** are ``n_*`` (``n_docs``, ``n_contexts``, ``n_hits``, ``n_mentions``,
  ``n_words``, ``n_tokens``, ``n_units``); ``count`` is the occurrences of the row's term,
  n-gram or entity and ``doc_freq`` the documents containing it.
- **Rates and shares**: ``per_10k_words`` (per 10,000 words of the row's documents),
  ``share`` (a proportion, 0-1), ``mean``.
- **Intervals**: ``ci_low``, ``ci_high`` (percentile bootstrap, at ``attrs["ci"]``).
- **Pairs**: ``actor_a < actor_b`` for two actors named together (``n_units_a``,
  ``n_units_b`` each one's units); a comparison of two sides is ``a``/``b`` with
  ``*_a``/``*_b`` values, or ``group``/``reference`` for a target against the rest.
- **Spans** of text: ``start``, ``end`` (character offsets into the document's ``text``),
  ``surface`` (the words as written), ``sentence_id``.

Every table may also carry the documents' own metadata columns (``source``, ``date``,
``country``...), which keep their names. ``tests/test_columns.py`` checks the tables of
every public table function against :data:`COLUMNS` and :data:`REPLACED`.
"""

from __future__ import annotations

from collections.abc import Iterable

#: Every column name a public table uses, with what it holds.
COLUMNS: dict[str, str] = {
    # what a row is about
    "doc_id": "the document",
    "actor": "the organization (canonical registry id: CSTO, NATO, UN, ...)",
    "term": "a word, lemma or n-gram (joined by NGRAM_SEP)",
    "frame": "a frame of frames.yml",
    "topic": "a topic number",
    "label": "a readable label (topic's top terms; entity label PERSON/GPE/ORG...)",
    "group": "the group of a comparison (the labels of by=)",
    "reference": "what the group is compared against ('rest' or a group)",
    "year": "calendar year",
    "compare": "what a difference compares: 'actor' or 'group'",
    "within": "the group (or actor) inside which two sides are compared",
    "a": "one side of a comparison",
    "b": "the other side",
    "actor_a": "the first actor of a pair (actor_a < actor_b)",
    "actor_b": "the second actor of a pair",
    "measure": "which distance or statistic a row holds",
    "direction": "keyness: 'target' (more in the group) or 'reference'",
    "model": "topic model kind: 'lda' or 'nmf'",
    "k": "number of topics",
    "seed": "random seed of a fit",
    "unit_id": "a text unit (document, paragraph or sentence) of the topic model",
    "unit": "the kind of text unit",
    "position": "the unit's position in its document",
    "organization": "an organization of the memberships metadata",
    # spans of text
    "start": "first character offset in the document text",
    "end": "offset after the last character",
    "surface": "the text as written",
    "sentence_id": "sentence number in the document",
    "left": "concordance: the text before the match",
    "match": "concordance: the match",
    "right": "concordance: the text after the match",
    "context": "the sentence (or window) around an actor's mention",
    "text": "the document's (or unit's) text",
    "ent_id": "an entity's id (ISO3 for countries, the actor id for organizations)",
    "name": "an entity's most frequent written form",
    "row": "the row of the scored table a hit belongs to",
    "negated": "whether a negator governs the hit",
    "negator": "the negating word",
    "counted_as": "how a hit was counted ('frame', 'negated', ...)",
    "co_mentioned": "whether other actors are named in the same context",
    "other_actors": "the other actors of the context, ';'-joined",
    "actors": "the actors a unit names, ';'-joined",
    "voice": "who speaks: 'author', 'quoted', 'reported'",
    "speaker": "the named speaker of a quotation or reported speech",
    "speaker_country": "ISO3 code of the speaker's country",
    "top_topic": "the unit's largest topic",
    "top_label": "its label",
    "snippet": "a unit's passage where its topic's terms are densest",
    # counts
    "count": "occurrences of the row's term, n-gram, collocate or entity",
    "doc_freq": "documents containing the row's term",
    "n_docs": "documents of the row (its group, or those containing it)",
    "n_docs_mentioning": "documents naming the actor",
    "n_docs_reference": "documents of the reference",
    "n_mentions": "mentions of the actor",
    "n_words": "words (whitespace tokens) of the row's documents",
    "n_tokens": "tokens counted after tokenization",
    "n_contexts": "actor contexts",
    "n_contexts_a": "contexts of side a",
    "n_contexts_b": "contexts of side b",
    "n_hits": "frame-term hits",
    "n_scored": "contexts the tone scorer could read",
    "n_units": "units (sentences or documents) naming both actors",
    "n_units_a": "units naming actor_a",
    "n_units_b": "units naming actor_b",
    "count_target": "occurrences in the group",
    "count_reference": "occurrences in the reference",
    "total_target": "tokens of the group",
    "total_reference": "tokens of the reference",
    "count_node": "occurrences of the node",
    "count_collocate": "occurrences of the collocate",
    "count_prefix": "occurrences of the n-gram's first n-1 words",
    "count_last": "occurrences of its last word",
    "node": "the word collocates are counted around",
    "collocate": "a word near the node",
    "ngram": "an n-gram",
    "bin_start": "histogram bin lower edge",
    "bin_end": "histogram bin upper edge",
    # rates, shares, statistics
    "per_10k_words": "10,000 * count / words",
    "share": "a proportion (0-1)",
    "share_a": "share of side a",
    "share_b": "share of side b",
    "share_docs": "share of documents",
    "share_words": "share of words",
    "share_positive": "share of contexts scored positive",
    "share_negative": "share of contexts scored negative",
    "mean": "mean share",
    "diff": "a - b (or group - reference)",
    "ci_low": "lower end of the bootstrap percentile interval",
    "ci_high": "upper end",
    "p": "p-value",
    "p_adj": "Benjamini-Hochberg adjusted p-value",
    "p_boot": "bootstrap p-value of the difference",
    "p_perm": "permutation p-value",
    "cohens_h": "Cohen's h of two proportions",
    "cohens_d": "Cohen's d of two means",
    "g2": "log-likelihood G2 (Dunning 1993)",
    "log_ratio": "binary log of the ratio of relative frequencies (Hardie 2014)",
    "pct_diff": "%DIFF (Gabrielatos & Marchi 2012)",
    "rank": "1 = largest in the group",
    "dispersion": "Gries' DP (0 = evenly spread)",
    "tf": "term frequency",
    "idf": "inverse document frequency",
    "tfidf": "tf * idf",
    "logdice": "logDice (Rychly 2008)",
    "mi": "pointwise mutual information",
    "mi3": "MI cubed",
    "t_score": "t-score",
    "weight": "a topic's term weight; an edge's units naming both actors",
    "relevance": "LDAvis relevance (Sievert & Shirley 2014)",
    "frex": "FREX (Roberts et al. 2016)",
    "umass": "UMass coherence",
    "npmi": "NPMI coherence",
    "exclusivity": "topic exclusivity",
    "diversity": "topic diversity",
    "perplexity": "held-out perplexity",
    "stability": "agreement of topics across seeds",
    "prevalence": "a topic's mean share over the units",
    "jaccard": "Jaccard similarity of two actors' units",
    "tone": "tone of a context, -1..1",
    "tone_a": "mean tone of side a",
    "tone_b": "mean tone of side b",
    "tone_method": "the scorer: 'vader' or 'stance'",
    "stance": "-1, 0 or 1: against, neutral, for",
    "sd": "standard deviation",
    "distance": "a Jensen-Shannon distance",
    "null_distance": "the distance expected by chance (permutation mean)",
}

#: Families of columns named by a prefix.
PREFIXES: tuple[str, ...] = ("frame_", "topic_", "member_")

#: Names an older version (or another tool) used, with the name used here instead.
REPLACED: dict[str, str] = {
    "low": "ci_low",
    "high": "ci_high",
    "lower": "ci_low",
    "upper": "ci_high",
    "rel_per_10k": "per_10k_words",
    "per_10k": "per_10k_words",
    "source_actor": "actor_a",
    "n_source": "n_units_a",
    "n_target": "n_units_b",
    "freq": "count",
    "docfreq": "doc_freq",
}


def unknown_columns(columns: Iterable[str], metadata: Iterable[str] = ()) -> list[str]:
    """Columns that are neither in :data:`COLUMNS`, a :data:`PREFIXES` family, nor metadata.

    Parameters
    ----------
    columns : iterable of str
        A table's columns.
    metadata : iterable of str
        The documents' own columns, which tables may carry under their own names.
    """
    known = set(COLUMNS) | set(metadata)
    names = [str(c) for c in columns]
    return [c for c in names if c in REPLACED or (c not in known and not c.startswith(PREFIXES))]
