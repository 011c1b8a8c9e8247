"""How fast FTS5 intersects a word with a filter held as tokens of its own column: a synthetic
contentless index over the article rowids of a seeded database, where the word occurs in the same
articles as in the real index and a tag token in the same articles as the real tag; the rest of
each row is random filler. CPU, median of 5 (needs apsw for SQLite 3.43+).

    python3 bench/fts_facet_probe.py SEEDED.db [WORD] [TAG_SLUG]   # default: toyota, politics
"""
import apsw, random, statistics, sys, time
src = apsw.Connection(sys.argv[1], flags=apsw.SQLITE_OPEN_READONLY).cursor()
word = sys.argv[2] if len(sys.argv) > 2 else "toyota"
tag = sys.argv[3] if len(sys.argv) > 3 else "politics"
m = f'("{word}" OR "\ue000{word}")'
toy = set(r[0] for r in src.execute("SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?", (m,)))
tagged = set(r[0] for r in src.execute("SELECT a.rowid FROM article_tags at JOIN articles a ON a.id=at.article_id WHERE at.tag_id=(SELECT id FROM tags WHERE slug=?)", (tag,)))
rowids = [r[0] for r in src.execute("SELECT rowid FROM articles")]
db = apsw.Connection(':memory:'); c = db.cursor()
c.execute("CREATE VIRTUAL TABLE x USING fts5(body, facets, content='', contentless_delete=1)")
random.seed(1)
words = ["w%d" % i for i in range(3000)]
with db:
    for r in rowids:
        body = " ".join(random.choice(words) for _ in range(300))
        if r in toy: body += " zword" * 3
        facets = " ".join("t%d" % t for t in random.sample(range(14), 3) if t != 3)
        if r in tagged: facets += " t3"
        facets += " st1"
        c.execute("INSERT INTO x(rowid, body, facets) VALUES (?,?,?)", (r, body, facets))
c.execute("INSERT INTO x(x) VALUES('optimize')")
for name, q in [("word", "zword"), ("word AND facet", "zword AND facets:t3"), ("word AND facet AND status", "zword AND facets:t3 AND facets:st1")]:
    for sel in ["rowid", "rowid, bm25(x, 3.0, 0.0)"]:
        ts=[]
        for _ in range(5):
            t=time.process_time(); rows=list(c.execute(f"SELECT {sel} FROM x WHERE x MATCH ?", (q,))); ts.append((time.process_time()-t)*1000)
        print(f"{name:28s} {sel:28s} {statistics.median(ts):.2f} ms {len(rows)}")
print(len(toy & tagged))
