#!/usr/bin/env python3
"""Write the Hindi words of general text that the Hindi tagger reads (`data/tagger/hindi_general_words.tsv`).

A span the tagger proposes whose words were none of them read in its training documents (the
fitting part of the HiNER dev half, about 9k distinct words) is mostly a name there (a village, a
foreign person), but on news of other years and subjects it is as often ordinary vocabulary
HiNER's documents happen not to hold ("संक्रमित मरीज", "कोरोना संक्रमण"). The tagger keeps such a
span only when one of its words is not in this list: every Devanagari word of wordfreq's Hindi
list (about 24k words, each at least about once in a million words of its sources: Wikipedia,
subtitles, news, web text). Frequent names are in it too ("मोदी", "भरतपुर"); a span of only such
words is left to the gazetteer and the rules.

Source: the PyPI package wordfreq 3.1.1 (Robyn Speer, Luminoso; code Apache-2.0, word lists
CC BY-SA 4.0), `wordfreq.top_n_list("hi", ...)`. The output carries the word lists' licence,
CC BY-SA 4.0 (https://creativecommons.org/licenses/by-sa/4.0/).

    pip install wordfreq==3.1.1
    python3 tools/gen_hindi_general_words.py

Deterministic (wordfreq's order: most frequent first).
"""
import os
import re

import wordfreq

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "data", "tagger", "hindi_general_words.tsv")
DEVANAGARI_WORD = re.compile(r"[\u0900-\u0963\u0966-\u097f\u200c\u200d]+")


def main():
    words = [w for w in wordfreq.top_n_list("hi", 10**6) if DEVANAGARI_WORD.fullmatch(w)]
    with open(OUT, "w", encoding="utf-8") as fh:
        fh.write("# Devanagari words of wordfreq 3.1.1's Hindi list (Robyn Speer; word lists CC BY-SA 4.0, so is\n")
        fh.write("# this file), most frequent first; written by tools/gen_hindi_general_words.py. One word a line.\n")
        for w in words:
            fh.write(w + "\n")
    print(f"wrote {OUT}: {len(words)} words")


if __name__ == "__main__":
    main()
