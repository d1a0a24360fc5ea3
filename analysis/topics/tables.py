"""The tables a fitted model gives: top terms, topic shares, representative units, diagnostics.

These are methods of :class:`~analysis.topics.TopicModel` (``tm.top_terms()``,
``tm.doc_topics()``, ``tm.representative()``, ``tm.diagnostics()``, ``tm.summary()``),
kept here in a mixin so the estimator module holds only fitting and inference. Every table
uses the model's current ``labels_`` and records in ``attrs`` how it was made.

References
----------
Numbered as in :mod:`analysis.topics`, which gives them in full: [4] Roberts, Stewart &
Airoldi 2016, Bischof & Airoldi 2012 (FREX); [5] Sievert & Shirley 2014 (relevance).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from analysis.errors import OptionError
from analysis.tokens import TokenOptions, tokenize
from analysis.topics.diagnostics import diversity, frex, relevance, top_indices
from analysis.topics.text_units import UNIT_COLUMNS, unit_kind, unit_sentence_starts

#: Columns of :meth:`TopicModel.top_terms`.
TOPIC_TERM_COLUMNS = ["topic", "label", "rank", "term", "weight", "relevance", "frex"]
_SPACES = re.compile(r"\s+")


class TopicTables:
    """:class:`~analysis.topics.TopicModel`'s tables (a mixin)."""

    def top_terms(
        self, n: int = 10, *, sort: str = "weight", lambda_: float = 0.6, frex_weight: float = 0.5
    ) -> pd.DataFrame:
        """The top terms of every topic.

        Parameters
        ----------
        n : int, default 10
        sort : {"weight", "relevance", "frex"}
            What ranks the terms.
        lambda_ : float, default 0.6
            Relevance weight [5]_: ``lambda * log p(w|k) + (1 - lambda) * log(p(w|k) / p(w))``
            (0.6 is the value Sievert & Shirley's users found most interpretable).
        frex_weight : float, default 0.5
            Weight of exclusivity in FREX [4]_ (stm's ``labelTopics`` default).

        Returns
        -------
        pandas.DataFrame
            ``topic, label, rank, term, weight, relevance, frex`` (rank from 1); ``weight``
            is p(term | topic).
        """
        self._fitted()
        if sort not in ("weight", "relevance", "frex"):
            raise OptionError(f"sort must be 'weight', 'relevance' or 'frex', not {sort!r}")
        phi = self.topic_term_
        scores = {
            "weight": phi,
            "relevance": relevance(phi, self.term_frequency_, lambda_),
            "frex": frex(phi, frex_weight),
        }
        idx = top_indices(scores[sort], n)
        topic = np.repeat(np.arange(phi.shape[0]), idx.shape[1])
        flat = idx.ravel()
        out = pd.DataFrame(
            {
                "topic": topic,
                "label": [self.labels_[t] for t in topic],
                "rank": np.tile(np.arange(1, idx.shape[1] + 1), phi.shape[0]),
                "term": self.terms_[flat].astype(str),
            }
        )
        for name, values in scores.items():
            out[name] = values[topic, flat]
        out.attrs.update(sort=sort, lambda_=lambda_, frex_weight=frex_weight, **self.about())
        return out

    def doc_topics(self, *, level: str = "unit") -> pd.DataFrame:
        """Topic shares joined to metadata, one row a unit (or a document).

        Parameters
        ----------
        level : {"unit", "document"}
            ``"document"`` averages the shares of each document's units.

        Returns
        -------
        pandas.DataFrame
            ``unit_id`` (unit level), ``doc_id``, metadata, ``top_topic``, ``top_label``,
            then one column ``topic_<t>`` a topic.
        """
        self._fitted()
        if level not in ("unit", "document"):
            raise OptionError(f"level must be 'unit' or 'document', not {level!r}")
        shares, meta = self.doc_topic_, self.units_
        if level == "document":
            codes, uniques = pd.factorize(meta["doc_id"].astype(str))
            shares = _group_mean(shares, codes, len(uniques))
            meta = meta.drop_duplicates("doc_id").reset_index(drop=True)
        cols = [
            c
            for c in meta.columns
            if c not in UNIT_COLUMNS or c == "doc_id" or (c == "unit_id" and level == "unit")
        ]
        out = meta[cols].copy()
        top = shares.argmax(axis=1)
        out["top_topic"] = top
        out["top_label"] = [self.labels_[t] for t in top]
        topic_cols = pd.DataFrame(shares, columns=[f"topic_{t}" for t in range(shares.shape[1])])
        out = pd.concat([out.reset_index(drop=True), topic_cols], axis=1)
        out.attrs.update(level=level, **self.about())
        return out

    def representative(self, n: int = 3, *, per_doc: bool = True, width: int = 240) -> pd.DataFrame:
        """The units most devoted to each topic, with a snippet.

        Parameters
        ----------
        n : int, default 3
            Units a topic.
        per_doc : bool, default True
            At most one unit of a document per topic.
        width : int, default 240
            Characters of the snippet: the sentence of the unit richest in the topic's top
            terms, whitespace collapsed, cut with "…".

        Returns
        -------
        pandas.DataFrame
            ``topic, label, rank, unit_id, doc_id, title, share, snippet``.
        """
        self._fitted()
        rows = []
        top_terms = self.top_terms(20)
        for t in range(self.doc_topic_.shape[1]):
            order = np.argsort(-self.doc_topic_[:, t], kind="stable")
            picked = self.units_.iloc[order]
            if per_doc:
                picked = picked.drop_duplicates("doc_id")
            weights = dict(
                zip(
                    top_terms.loc[top_terms["topic"] == t, "term"],
                    top_terms.loc[top_terms["topic"] == t, "weight"],
                )
            )
            for rank, (i, row) in enumerate(picked.head(n).iterrows(), start=1):
                rows.append(
                    {
                        "topic": t,
                        "label": self.labels_[t],
                        "rank": rank,
                        "unit_id": row["unit_id"],
                        "doc_id": row["doc_id"],
                        "title": row.get("title"),
                        "share": self.doc_topic_[i, t],
                        "snippet": _snippet(row["text"], weights, self.token_options(), width),
                    }
                )
        out = pd.DataFrame(rows)
        out.attrs.update(**self.about())
        return out

    def diagnostics(self) -> pd.DataFrame:
        """Per-topic ``topic, label, prevalence, umass, npmi, exclusivity`` (top 10 terms)."""
        self._fitted()
        return pd.DataFrame(
            {
                "topic": np.arange(len(self.labels_)),
                "label": [self.labels_[t] for t in range(len(self.labels_))],
                "prevalence": self.doc_topic_.mean(axis=0),
                "umass": self.umass_,
                "npmi": self.npmi_,
                "exclusivity": self.exclusivity_,
            }
        )

    def summary(self) -> dict:
        """Model-level means of the diagnostics, diversity and perplexity."""
        self._fitted()
        return {
            "k": int(self.k),
            "model": self.model,
            "seed": self.random_state,
            "umass": float(np.mean(self.umass_)),
            "npmi": float(np.mean(self.npmi_)),
            "exclusivity": float(np.mean(self.exclusivity_)),
            "diversity": diversity(self.topic_term_, n=25),
            "perplexity_in_sample": self.perplexity_,
            "n_units": len(self.units_),
            "n_terms": len(self.terms_),
        }

    def about(self) -> dict:
        """``k, model, seed, unit``: what every table of this model records in ``attrs``."""
        return {
            "k": int(self.k),
            "model": self.model,
            "seed": self.random_state,
            "unit": unit_kind(self.units_) if hasattr(self, "units_") else None,
        }


def _group_mean(values: np.ndarray, codes: np.ndarray, n_groups: int) -> np.ndarray:
    sums = np.zeros((n_groups, values.shape[1]))
    np.add.at(sums, codes, values)
    return sums / np.bincount(codes, minlength=n_groups)[:, None]


def _snippet(text: str, weights: dict[str, float], options: TokenOptions, width: int) -> str:
    starts = unit_sentence_starts(text)
    ends = starts[1:] + [len(text)]
    best, best_score = (0, len(text)), -1.0
    for s, e in zip(starts, ends):
        score = sum(weights.get(t, 0.0) for t in tokenize(text[s:e], options))
        if score > best_score:
            best, best_score = (s, e), score
    snippet = _SPACES.sub(" ", text[best[0] : best[1]]).strip()
    return snippet if len(snippet) <= width else snippet[: width - 1].rstrip() + "…"
