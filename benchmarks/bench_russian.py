"""The Russian pipeline's costs against English, measured in one run on the same machine.

Prints:

- **DTM per word**: counting the Russian excerpts (``articles-ru``, lemmas on: pymorphy3 once
  per distinct word) against the English articles (``articles``, English documents only),
  each in a fresh subprocess so no lemma or chunk cache is warm (one-time setup, the stop
  lists, the actor tries and loading the morphology dictionary, before the clock), as
  microseconds per word and their ratio (goal: at most 2x). Also the same texts repeated
  ``--copies`` times, where the distinct-word cache pays off as on a real corpus (few new
  words per document).
- **NER words per second**: slovnet (Russian) and spaCy (English) on the same two folders,
  without the cache, model loading excluded.

Run: ``python benchmarks/bench_russian.py [--repeat N] [--copies N]``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
FOLDERS = {"en": SHARED / "corpora" / "articles", "ru": SHARED / "corpora" / "articles-ru"}


def _texts(lang: str, copies: int) -> list[str]:
    import analysis

    corpus = analysis.load(str(FOLDERS[lang]), settings=analysis.get_settings(use_cache=False))
    docs = corpus.docs[corpus.docs["lang"] == lang]
    return docs["text"].tolist() * copies


def measure_dtm(lang: str, copies: int) -> dict:
    """Seconds to count the texts of one language from cold caches (this process is fresh)."""
    from analysis import tokens

    texts = _texts(lang, copies)
    n_words = sum(len(t.split()) for t in texts)
    # one-time setup before the clock (stop lists, actor tries, the morphology dictionary),
    # on a word of no text, so no word of the corpus is looked up in advance
    tokens.count_texts(["qzqzq"], langs=[lang])
    began = time.perf_counter()
    tokens.count_texts(texts, langs=[lang] * len(texts))
    seconds = time.perf_counter() - began
    return {"seconds": seconds, "n_words": n_words, "us_per_word": 1e6 * seconds / n_words}


def measure_ner(lang: str) -> dict:
    """Words per second of the entity model of one language (loaded before the clock)."""
    import pandas as pd

    from analysis import entities

    texts = _texts(lang, 1)
    docs = pd.DataFrame({"doc_id": [str(i) for i in range(len(texts))], "text": texts})
    docs["lang"] = lang
    entities.entities(docs.iloc[:1], cache=False, n_process=1)  # loads the model
    n_words = sum(len(t.split()) for t in texts)
    began = time.perf_counter()
    entities.entities(docs, cache=False, n_process=1)
    seconds = time.perf_counter() - began
    return {"seconds": seconds, "n_words": n_words, "words_per_s": n_words / seconds}


def _child(kind: str, lang: str, copies: int) -> dict:
    args = f"{lang!r}, {copies}" if kind == "dtm" else repr(lang)
    code = (
        "import json, sys; sys.path.insert(0, 'benchmarks'); import bench_russian as b; "
        f"print(json.dumps(b.measure_{kind}({args})))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    """Run every measurement ``--repeat`` times (best kept) and print numbers and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--copies", type=int, default=20)
    args = parser.parse_args()
    for folder in FOLDERS.values():
        if not folder.is_dir():
            sys.exit(f"{folder} not found: the benchmark needs ../shared/corpora")
    print("step                         english        russian   ratio ru/en")
    for copies in (1, args.copies):
        best = {
            lang: min(
                (_child("dtm", lang, copies) for _ in range(args.repeat)),
                key=lambda r: r["us_per_word"],
            )
            for lang in ("en", "ru")
        }
        en, ru = best["en"]["us_per_word"], best["ru"]["us_per_word"]
        label = f"dtm us/word (x{copies})"
        print(f"{label:<26} {en:>9.2f} us   {ru:>9.2f} us   {ru / en:>6.2f}x")
        print(f"{'':<26} ({best['en']['n_words']:,} / {best['ru']['n_words']:,} words)")
    ner = {
        lang: max(
            (_child("ner", lang, 1) for _ in range(args.repeat)), key=lambda r: r["words_per_s"]
        )
        for lang in ("en", "ru")
    }
    en, ru = ner["en"]["words_per_s"], ner["ru"]["words_per_s"]
    print(f"{'NER words/s':<26} {en:>12,.0f}   {ru:>12,.0f}   {ru / en:>6.2f}x")


if __name__ == "__main__":
    main()
