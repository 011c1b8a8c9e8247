#!/usr/bin/env python3
"""How far a bounded search ranking strays from ranking every match (issue 23).

Reads a newsdesk SQLite database (needs a SQLite of 3.43 or later for the contentless index:
`pip install apsw`), draws queries from the index's own vocabulary (common, middling and rare
words, Hindi and English, word pairs), and compares the top `k` of each scheme with the top `k`
of the full bm25 ranking, the order the API's `sort=relevance` names:

  full         every match ranked (NEWSDESK_SEARCH_WINDOW=0)
  window W     the newest W matches ranked (the scheme before and after issue 23; what changed
               is that it now also applies with filters, and W's default)

Reported per query group: overlap@k (share of the full top k found), and bm25 mass@k (the
scheme's top-k bm25 summed, over the full top k's; 1.0: as relevant by the ranking's own
measure). Queries with fewer matches than the window give the full answer by construction; the
groups say how many queries the window bound.

    python3 tools/search_relevance.py DB --window 40 --window 400 [--k 10] [--queries 300]
"""
import argparse
import random
import re

import apsw

# The store's weights: the four fields as written, then their stems (migration 0009; a database
# from before it has only the first four columns, and bm25 ignores the extra weights).
BM25 = "bm25(articles_fts, 10.0, 4.0, 3.0, 1.0, 10.0, 4.0, 3.0, 1.0)"


def quote(term):
    return '"' + term.replace('"', '""') + '"'


def full(db, q, k):
    return db.execute(
        f"SELECT rowid, {BM25} AS r FROM articles_fts WHERE articles_fts MATCH ? ORDER BY r, rowid LIMIT ?",
        (q, k),
    ).fetchall()


def windowed(db, q, k, w):
    return db.execute(
        f"WITH h AS (SELECT rowid, {BM25} AS r FROM articles_fts WHERE articles_fts MATCH ? "
        "ORDER BY rowid DESC LIMIT ?) SELECT rowid, r FROM h ORDER BY r, rowid LIMIT ?",
        (q, w, k),
    ).fetchall()


def titled(db, q, k, w, t):
    """The newest w matches and the newest t matches in the title, ranked by the whole bm25."""
    ids = [r for (r,) in db.execute(
        "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rowid DESC LIMIT ?", (q, w))]
    ids += [r for (r,) in db.execute(
        "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rowid DESC LIMIT ?",
        ("{title} : (" + q + ")", t))]
    marks = ",".join(str(int(i)) for i in set(ids)) or "NULL"
    return db.execute(
        f"SELECT rowid, {BM25} AS r FROM articles_fts WHERE articles_fts MATCH ? AND rowid IN ({marks}) "
        "ORDER BY r, rowid LIMIT ?", (q, k)).fetchall()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("db")
    ap.add_argument("--window", type=int, action="append", required=True)
    ap.add_argument("--title", type=int, default=0,
                    help="also rank the newest TITLE matches in the title (a variant)")
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--queries", type=int, default=300)
    ap.add_argument("--seed", type=int, default=23)
    args = ap.parse_args()
    db = apsw.Connection(args.db, flags=apsw.SQLITE_OPEN_READONLY)
    db.execute("CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, 'articles_fts', 'row')")
    vocab = [(t, d) for t, d in db.execute("SELECT term, doc FROM temp.vocab")
             if not t.isdigit() and d >= 2]
    docs = db.execute("SELECT count(*) FROM articles_fts_docsize").fetchone()[0]
    rng = random.Random(args.seed)
    devanagari = re.compile(r"[\u0900-\u097f]")
    groups = {
        "common (in > 10 % of articles)": [t for t, d in vocab if d > docs / 10],
        "middling (1-10 %)": [t for t, d in vocab if docs / 100 <= d <= docs / 10],
        "rare (< 1 %)": [t for t, d in vocab if d < docs / 100],
        "Hindi words": [t for t, d in vocab if devanagari.search(t)],
    }
    per_group = max(1, args.queries // (len(groups) + 1))
    queries = {name: [quote(t) for t in rng.sample(terms, min(per_group, len(terms)))]
               for name, terms in groups.items()}
    middling = groups["middling (1-10 %)"] + groups["common (in > 10 % of articles)"]
    queries["two words (AND)"] = [f"{quote(a)} AND {quote(b)}"
                                  for a, b in (rng.sample(middling, 2) for _ in range(per_group))]
    print(f"{docs} articles, {len(vocab)} words in 2+ articles, k = {args.k}\n")
    print("| queries | n | " + " | ".join(f"window {w}: bound / overlap@{args.k} / bm25 mass@{args.k}" for w in args.window) + " |")
    print("| --- | --- | " + " | ".join("---" for _ in args.window) + " |")
    for name, qs in queries.items():
        cells, used = [], 0
        stats = {w: [0, 0.0, 0.0] for w in args.window}
        for q in qs:
            ref = full(db, q, args.k)
            if len(ref) < args.k:
                continue
            used += 1
            count = db.execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?", (q,)).fetchone()[0]
            ref_ids = {r for r, _ in ref}
            ref_mass = sum(-s for _, s in ref)
            for w in args.window:
                got = (titled(db, q, args.k, w, args.title) if args.title
                       else windowed(db, q, args.k, w))
                stats[w][0] += count > w
                stats[w][1] += len(ref_ids & {r for r, _ in got}) / args.k
                stats[w][2] += sum(-s for _, s in got) / ref_mass if ref_mass else 1.0
        if not used:
            continue
        for w in args.window:
            b, o, m = stats[w]
            cells.append(f"{b}/{used} / {o / used:.2f} / {m / used:.2f}")
        print(f"| {name} | {used} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
