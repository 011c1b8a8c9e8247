#!/usr/bin/env python3
"""How search by stems changes what a Hindi word finds (issue 21), on the Hindi dev articles.

Documents: the HiNER developers' half (`../shared/devset/ner/hiner-dev.conll`, 272 documents of
20 sentences; CC BY-SA 4.0, Murthy et al., LREC 2022) and the 21 Hindi newspaper articles
(`../shared/devset/indic/`). Parts: HiNER's fixed split of BENCHMARKS.md (fit: document number
n with (n / 8) % 2 == 0), the articles alternately in name order.

Words: `bench/hindi_search_words.tsv`, forms of each word written by hand from Hindi's
declension. Every form that occurs is a query; the documents relevant to it are those holding
any form of its word. A query finds, as written (the index before issue 21, or a quoted word),
the documents holding the form itself; by stems, those holding a token with its stem. Tokens
and stems are the store's own (`examples/stems.rs`), so this is what the index matches for a
one-word query.

Reported per part: recall and precision averaged over the queries, and how many queries found
every relevant document.

    cargo build --example stems
    python3 tools/search_stemming.py [--stems target/debug/examples/stems] [--part fit|check] [-v]
"""
import argparse
import glob
import json
import os
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
DEVSET = os.path.join(HERE, "..", "..", "shared", "devset")


def documents(devset):
    docs = []
    n, words = None, []
    with open(os.path.join(devset, "ner", "hiner-dev.conll"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("-DOCSTART-"):
                if n is not None:
                    docs.append((f"hiner-{n}", "fit" if (n // 8) % 2 == 0 else "check", " ".join(words)))
                n, words = int(line.split()[1]), []
            elif line.strip():
                words.append(line.split("\t")[0])
    if n is not None:
        docs.append((f"hiner-{n}", "fit" if (n // 8) % 2 == 0 else "check", " ".join(words)))
    for i, path in enumerate(sorted(glob.glob(os.path.join(devset, "indic", "*.json")))):
        article = json.load(open(path, encoding="utf-8"))
        text = " ".join([article["title"], *article["body_paragraphs"]])
        docs.append((os.path.basename(path)[:-5], "fit" if i % 2 == 0 else "check", text))
    return docs


def tokens_and_stems(binary, lines):
    out = subprocess.run([binary], input="\n".join(l.replace("\n", " ") for l in lines) + "\n",
                         capture_output=True, text=True, check=True).stdout
    result = []
    for row in out.split("\n")[: len(lines)]:
        toks, stems = row.split("\t")
        result.append((toks.split(), stems.split()))
    return result


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--stems", default=os.path.join(HERE, "..", "target", "debug", "examples", "stems"))
    ap.add_argument("--devset", default=DEVSET)
    ap.add_argument("--words", default=os.path.join(HERE, "..", "bench", "hindi_search_words.tsv"))
    ap.add_argument("--part", choices=["fit", "check"], action="append")
    ap.add_argument("-v", action="store_true", help="each query's figures")
    args = ap.parse_args()
    docs = documents(args.devset)
    indexed = tokens_and_stems(args.stems, [d[2] for d in docs])
    groups = []
    for line in open(args.words, encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        word, forms = line.rstrip("\n").split("\t")
        groups.append((word, forms.split()))
    all_forms = [f for _, forms in groups for f in forms]
    form_stems = dict(zip(all_forms, (s[0] for _, s in tokens_and_stems(args.stems, all_forms))))
    for part in args.part or ["fit", "check"]:
        rows = [(d, toks, stems) for d, (toks, stems) in zip(docs, indexed) if d[1] == part]
        token_sets = [set(toks) for _, toks, _ in rows]
        stem_sets = [set(stems) for _, _, stems in rows]
        figures = {"written": [], "stems": []}
        for word, forms in groups:
            relevant = {i for i, ts in enumerate(token_sets) if ts & set(forms)}
            for form in forms:
                if not any(form in ts for ts in token_sets):
                    continue
                found = {
                    "written": {i for i, ts in enumerate(token_sets) if form in ts},
                    "stems": {i for i, ss in enumerate(stem_sets) if form_stems[form] in ss},
                }
                for scheme, hits in found.items():
                    right = len(hits & relevant)
                    figures[scheme].append((right / len(relevant), right / len(hits) if hits else 1.0,
                                            hits >= relevant, len(hits)))
                if args.v:
                    wrong = sorted(set().union(*[set(rows[i][1]) for i in found["stems"] - relevant])
                                   & {t for i in found["stems"] - relevant for t, s in
                                      zip(rows[i][1], rows[i][2]) if s == form_stems[form]}) if found["stems"] - relevant else []
                    print(f"{part}\t{form}\t{form_stems[form]}\trelevant {len(relevant)}\twritten "
                          f"{len(found['written'])}\tstems {len(found['stems'])}\twrongly {' '.join(wrong)}")
        n = len(figures["written"])
        print(f"{part}: {len(rows)} documents, {n} queries ({len(groups)} words)")
        for scheme in ("written", "stems"):
            f = figures[scheme]
            recall = sum(r for r, _, _, _ in f) / n
            precision = sum(p for _, p, _, _ in f) / n
            complete = sum(1 for _, _, c, _ in f if c)
            hits = sum(h for _, _, _, h in f)
            print(f"  {scheme:8} recall {recall:.3f}  precision {precision:.3f}  "
                  f"all relevant found {complete}/{n}  hits {hits}")


if __name__ == "__main__":
    main()
