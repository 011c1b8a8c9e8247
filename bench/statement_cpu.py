"""CPU time of each list and search statement of issue 23: the SQL before (on a database
without migration 0007) against the SQL after (on one with it), median of 7, in this process.
CPU time, not wall time, so a loaded machine moves it little. Needs SQLite 3.43+ (`pip install
apsw`) for the contentless full-text index.

    python3 bench/statement_cpu.py OLD.db NEW.db TAG_SLUG ENTITY_SLUG

OLD.db: a seeded database as main before issue 23 left it (or a copy of NEW.db with 0007 undone);
ENTITY_SLUG: an entity of a few hundred articles. The SQL strings mirror
src/store/sqlite/articles.rs before and after (status `published`, default limits).
"""
import apsw, sys, time, statistics
old = apsw.Connection(sys.argv[1], flags=apsw.SQLITE_OPEN_READONLY)
new = apsw.Connection(sys.argv[2], flags=apsw.SQLITE_OPEN_READONLY)
for db in (old, new):
    db.execute("PRAGMA cache_size=-4000")
BM25 = "bm25(articles_fts, 10.0, 4.0, 1.0, 3.0)"
TAGS = "(SELECT json_group_array(json_object('slug', slug, 'name', name)) FROM (SELECT t.slug, t.name FROM article_tags at JOIN tags t ON t.id = at.tag_id WHERE at.article_id = a.id ORDER BY at.position)) AS tags_json"
COLS = "a.rowid AS rowid, a.id, a.slug, a.status, a.title, a.summary, a.kickers, a.language, a.script, a.lead_image, a.word_count, a.reading_time_minutes, a.published_at, a.sort_at, a.source_domain, a.created_at, a.updated_at"
TAGQ = "EXISTS (SELECT 1 FROM article_tags at WHERE at.article_id = a.id AND at.tag_id = (SELECT id FROM tags WHERE slug = '{}'))"
ENTQ = "EXISTS (SELECT 1 FROM article_entities ae WHERE ae.article_id = a.id AND ae.entity_id = (SELECT id FROM entities WHERE slug = '{}'))"
def cpu(db, stmts, n=7):
    ts = []
    for _ in range(n):
        s = time.process_time(); rows = 0
        for sql in stmts:
            rows = len(db.execute(sql).fetchall())
        ts.append((time.process_time() - s) * 1000)
    return statistics.median(ts), rows
def old_list(where, limit):
    return [f"SELECT {COLS}, {TAGS} FROM articles a WHERE a.deleted_at IS NULL AND a.status IN ('published') {where} ORDER BY a.sort_at DESC, a.id DESC LIMIT {limit+1}"]
def new_list(driver, slug, where, sortw, limit):
    if driver == 'tag':
        frm = f"article_tags f CROSS JOIN articles a ON a.id = f.article_id WHERE f.tag_id = (SELECT id FROM tags WHERE slug = '{slug}') AND a.deleted_at IS NULL"
    else:
        frm = f"article_entities f CROSS JOIN articles a ON a.id = f.article_id WHERE f.entity_id = (SELECT id FROM entities WHERE slug = '{slug}') AND a.deleted_at IS NULL"
    return [f"SELECT {COLS}, {TAGS} FROM {frm} AND a.status IN ('published') {where} {sortw} ORDER BY f.sort_at DESC, f.article_id DESC LIMIT {limit+1}"]
def old_search(q, where, limit, window):
    stmts = []
    minr = ""
    if window and not where:
        r = old.execute(f"SELECT rowid FROM articles_fts WHERE articles_fts MATCH '{q}' ORDER BY rowid DESC LIMIT 1 OFFSET {window-1}").fetchall()
        stmts.append(f"SELECT rowid FROM articles_fts WHERE articles_fts MATCH '{q}' ORDER BY rowid DESC LIMIT 1 OFFSET {window-1}")
        if r: minr = f" AND rowid >= {r[0][0]}"
    stmts.append(f"WITH hits AS (SELECT rowid, {BM25} AS rank FROM articles_fts WHERE articles_fts MATCH '{q}'{minr} ORDER BY rank, rowid LIMIT 400) SELECT {COLS}, hits.rank AS rank, (SELECT count(*) FROM hits) AS hit_count FROM hits JOIN articles a ON a.rowid = hits.rowid WHERE a.deleted_at IS NULL AND a.status IN ('published') {where} ORDER BY rank ASC, a.rowid ASC LIMIT {limit+1}")
    rows = old.execute(stmts[-1]).fetchall()
    if len(rows) <= limit and (not rows or rows[0][-1] >= 400):
        stmts.append(f"SELECT {COLS}, {BM25} AS rank FROM articles a JOIN articles_fts ON articles_fts.rowid = a.rowid WHERE a.deleted_at IS NULL AND articles_fts MATCH '{q}' AND a.status IN ('published') {where} {minr.replace('rowid', 'a.rowid')} ORDER BY rank ASC, a.rowid ASC LIMIT {limit+1}")
    return stmts
def new_search(q, where, limit, window):
    if not where:
        return [f"WITH hits AS (SELECT rowid, {BM25} AS rank FROM articles_fts WHERE articles_fts MATCH '{q}' ORDER BY rowid DESC LIMIT {window}), ranked AS (SELECT rowid, rank FROM hits ORDER BY rank, rowid LIMIT -1) SELECT {COLS}, {TAGS}, ranked.rank AS rank FROM ranked CROSS JOIN articles a ON a.rowid = ranked.rowid WHERE a.deleted_at IS NULL AND a.status IN ('published') ORDER BY ranked.rank ASC, ranked.rowid ASC LIMIT {limit+1}"]
    return [f"WITH hits AS (SELECT a.rowid AS rowid, {BM25} AS rank FROM articles_fts CROSS JOIN articles a ON a.rowid = articles_fts.rowid WHERE articles_fts MATCH '{q}' AND a.deleted_at IS NULL AND a.status IN ('published') {where} ORDER BY articles_fts.rowid DESC LIMIT {window}) SELECT {COLS}, {TAGS}, hits.rank AS rank FROM hits CROSS JOIN articles a ON a.rowid = hits.rowid ORDER BY hits.rank ASC, a.rowid ASC LIMIT {limit+1}"]
tag, ent = sys.argv[3], sys.argv[4]
cases = [
 (f"tag={tag}&until=2020-06-01", old_list(f"AND a.published_at < '2020-06-01' AND {TAGQ.format(tag)}", 13), new_list('tag', tag, "AND a.published_at < '2020-06-01'", "AND f.sort_at < '2020-06-01'", 13)),
 (f"entity={ent}&until=2021-01-01", old_list(f"AND a.published_at < '2021-01-01' AND {ENTQ.format(ent)}", 13), new_list('entity', ent, "AND a.published_at < '2021-01-01'", "AND f.sort_at < '2021-01-01'", 13)),
 (f"entity={ent}&lang=hi", old_list(f"AND a.language = 'hi' AND {ENTQ.format(ent)}", 13), new_list('entity', ent, "AND a.language = 'hi'", "", 13)),
 (f"tag={tag} (first page)", old_list(f"AND {TAGQ.format(tag)}", 20), new_list('tag', tag, "", "", 20)),
 (f"tag={tag}&until=2023-03-01&source=reuters.com", old_list(f"AND a.source_domain='reuters.com' AND a.published_at < '2023-03-01' AND {TAGQ.format(tag)}", 20), new_list('tag', tag, "AND a.source_domain='reuters.com' AND a.published_at < '2023-03-01'", "AND f.sort_at < '2023-03-01'", 20)),
 (f"q=toyota&tag={tag}", old_search('"toyota"', f"AND {TAGQ.format(tag)}", 13, 5000), new_search('"toyota"', f"AND {TAGQ.format(tag)}", 13, 1000)),
 ("q=state", old_search('"state"', "", 20, 5000), new_search('"state"', "", 20, 1000)),
 ("q=कोरोना", old_search('"कोरोना"', "", 20, 5000), new_search('"कोरोना"', "", 20, 1000)),
 ("q=state model (AND)", old_search('"state" AND "model"', "", 20, 5000), new_search('"state" AND "model"', "", 20, 1000)),
 ("q=state, window 5000", old_search('"state"', "", 20, 5000), new_search('"state"', "", 20, 5000)),
 ("q=कोरोना, window 5000", old_search('"कोरोना"', "", 20, 5000), new_search('"कोरोना"', "", 20, 5000)),
 (f"q=toyota&tag={tag}, window 5000", old_search('"toyota"', f"AND {TAGQ.format(tag)}", 13, 5000), new_search('"toyota"', f"AND {TAGQ.format(tag)}", 13, 5000)),
]
print("| query | before: CPU, rows | after: CPU, rows |\n| --- | --- | --- |")
for name, o, n in cases:
    (to, ro), (tn, rn) = cpu(old, o), cpu(new, n)
    print(f"| `{name}` | {to:.2f} ms, {ro} | {tn:.2f} ms, {rn} |")
