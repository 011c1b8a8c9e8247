"""CPU time of a search with a tag filter, part by part, and of the statement the server runs
against the same statement with the tag link probed by article rowid before the article is read
(a temporary copy of `article_tags` keyed `(tag_id, article_rowid)` stands in for links that
would carry the rowid). Median of 5, in this process (CPU, not wall time). Needs SQLite 3.43+
(`pip install apsw`) for the contentless full-text index. Works on a copy: it adds a table.

    python3 bench/filtered_search_cpu.py COPY.db TAG_SLUG WORD [WINDOW]

The SQL mirrors src/store/sqlite/articles.rs (status `published`, limit 20, a plain word).
"""
import apsw, statistics, sys, time

db = apsw.Connection(sys.argv[1])
c = db.cursor()
c.execute("PRAGMA cache_size=-200000")
tag, word = sys.argv[2], sys.argv[3]
window = int(sys.argv[4]) if len(sys.argv) > 4 else 5000
match = f'("{word}" OR "\ue000{word}")'
BM25 = "bm25(articles_fts, 10.0, 4.0, 3.0, 1.0)"
TAG_ID = "(SELECT id FROM tags WHERE slug = ?)"
AS_RUN = f"""WITH hits AS (SELECT a.rowid AS rowid, {BM25} AS rank
 FROM articles_fts CROSS JOIN articles a ON a.rowid = articles_fts.rowid
 WHERE articles_fts MATCH ? AND a.deleted_at IS NULL AND a.status IN ('published')
 AND EXISTS (SELECT 1 FROM article_tags at WHERE at.article_id = a.id AND at.tag_id = {TAG_ID})
 ORDER BY articles_fts.rowid DESC LIMIT {window}) SELECT rowid, rank FROM hits ORDER BY rank, rowid LIMIT 21"""
ROWID_PROBE = f"""WITH hits AS (SELECT a.rowid AS rowid, {BM25} AS rank
 FROM articles_fts CROSS JOIN articles a ON a.rowid = articles_fts.rowid
 WHERE articles_fts MATCH ?
 AND EXISTS (SELECT 1 FROM link_rowids l WHERE l.tag_id = {TAG_ID} AND l.article_rowid = articles_fts.rowid)
 AND a.deleted_at IS NULL AND a.status IN ('published')
 ORDER BY articles_fts.rowid DESC LIMIT {window}) SELECT rowid, rank FROM hits ORDER BY rank, rowid LIMIT 21"""
PARTS = {
    "match rowids": ("SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?", (match,)),
    "match + bm25": (f"SELECT rowid, {BM25} FROM articles_fts WHERE articles_fts MATCH ?", (match,)),
    "match + article read": (
        "SELECT a.rowid, a.status FROM articles_fts CROSS JOIN articles a "
        "ON a.rowid = articles_fts.rowid WHERE articles_fts MATCH ?",
        (match,),
    ),
    "statement as run": (AS_RUN, (match, tag)),
    "statement, rowid probe": (ROWID_PROBE, (match, tag)),
}

if not list(c.execute("SELECT name FROM sqlite_master WHERE name = 'link_rowids'")):
    c.execute(
        "CREATE TABLE link_rowids AS SELECT at.tag_id, a.rowid AS article_rowid "
        "FROM article_tags at JOIN articles a ON a.id = at.article_id"
    )
    c.execute("CREATE INDEX link_rowids_tag ON link_rowids (tag_id, article_rowid)")
print("matches", c.execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?", (match,)).fetchone()[0])
print("tagged", c.execute(f"SELECT count(*) FROM article_tags WHERE tag_id = {TAG_ID}", (tag,)).fetchone()[0])
answers = {}
for name, (sql, args) in PARTS.items():
    times = []
    for _ in range(5):
        start = time.process_time()
        answers[name] = list(c.execute(sql, args))
        times.append((time.process_time() - start) * 1000)
    print(f"{name}: {statistics.median(times):.2f} ms, {len(answers[name])} rows")
print("same page:", answers["statement as run"] == answers["statement, rowid probe"])
