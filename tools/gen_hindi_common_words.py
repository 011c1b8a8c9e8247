#!/usr/bin/env python3
"""Learn newsdesk's Hindi common-word filter from the fitting part of the HiNER dev half.

Writes `data/entities/hindi_common_words.tsv`: Devanagari words that occur at least MIN_COUNT
times in the fitting documents and never inside a labelled name there ("मामला", "जबकि", "आसपास",
"सरकारी"). The rules never open or continue a Devanagari name with one of them, so a common word
before an organization or place word ("जबकि पुलिस", "आसपास दरगाह") is not taken for a name.

Data: HiNER (Murthy et al., LREC 2022; cfiltnlp/HiNER, validation split, CC BY-SA 4.0), the
developers' half in ../shared/devset/ner/hiner-dev.conll. Only the fitting part is read: documents
whose number n has (n // 8) % 2 == 0, the rule of examples/ner_eval.rs; the rest is kept to check.
The output is derived from HiNER and carries its licence (CC BY-SA 4.0).

    python3 tools/gen_hindi_common_words.py [../shared/devset/ner/hiner-dev.conll]

Standard library only; deterministic (sorted).
"""
import collections
import os
import re
import sys
import unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MIN_COUNT = 3
DEVA = re.compile(r"^[\u0900-\u0963\u0966-\u097f]+$")
ZW = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "devset", "ner", "hiner-dev.conll")
    total = collections.Counter()
    named = collections.Counter()
    fit = False
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if line.startswith("-DOCSTART-"):
            n = int(line.split()[-1])
            fit = (n // 8) % 2 == 0
            continue
        if not fit or not line.strip():
            continue
        tok, _, tag = line.rpartition("\t") if "\t" in line else line.rpartition(" ")
        w = unicodedata.normalize("NFC", tok.translate(ZW)).strip(".,:;!?\"'()[]{}|-–—।॥‘’“”")
        if not DEVA.match(w):
            continue
        total[w] += 1
        if tag.strip() != "O":
            named[w] += 1
    words = sorted(w for w, c in total.items() if c >= MIN_COUNT and named[w] == 0)
    out = os.path.join(ROOT, "data", "entities", "hindi_common_words.tsv")
    with open(out, "w", encoding="utf-8") as f:
        f.write("# Hindi words never part of a name: learned by tools/gen_hindi_common_words.py from the fitting\n")
        f.write("# part of the HiNER dev half (Murthy et al., LREC 2022; CC BY-SA 4.0, so is this file): words seen\n")
        f.write(f"# at least {MIN_COUNT} times there and never inside a labelled name. Columns: language, word.\n")
        for w in words:
            f.write(f"hi\t{w}\n")
    print(f"{len(words)} words", file=sys.stderr)


if __name__ == "__main__":
    main()
