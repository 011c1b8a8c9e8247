"""Searches with a tag or entity filter, and archive pages with two filters, before and after
migration 0012 (the filters' facets in the full-text index): the SQL each build runs (mirroring
src/store/sqlite/articles.rs before and after), on the same seeded articles, CPU time in this
process (median of 3), and whether both answer the same page (ids in order).

    /tmp/st/bin/python bench/facet_cpu.py OLD.db NEW.db [PAIRS] [SEED]

OLD.db: seeded by the build before 0012; NEW.db: a copy opened once by the build with it (the
store indexed every article's facets at start). PAIRS (default 200) random searches: a word of
the index's vocabulary (in 20 to 40 % of the articles, drawn evenly over that range on a log
scale) with a tag or an entity of a random link (so as common as the links make them); then the
archive pages: a tag or entity of a random link with `lang` or `source` that its articles rarely
or never have, and one day's `until`. Needs apsw (SQLite 3.43+).
"""
import apsw, math, random, statistics, sys, time

old = apsw.Connection(sys.argv[1], flags=apsw.SQLITE_OPEN_READONLY)
new = apsw.Connection(sys.argv[2], flags=apsw.SQLITE_OPEN_READONLY)
pairs = int(sys.argv[3]) if len(sys.argv) > 3 else 200
random.seed(int(sys.argv[4]) if len(sys.argv) > 4 else 23)
for db in (old, new):
    db.execute("PRAGMA cache_size=-200000")

COLS = ("a.rowid AS rowid, a.id, a.slug, a.status, a.title, a.summary, a.kickers, a.language, "
        "a.script, a.lead_image, a.word_count, a.reading_time_minutes, a.published_at, a.sort_at, "
        "a.source_domain, a.created_at, a.updated_at")
TAGS = ("(SELECT json_group_array(json_object('slug', slug, 'name', name)) FROM (SELECT t.slug, t.name "
        "FROM article_tags at JOIN tags t ON t.id = at.tag_id WHERE at.article_id = a.id ORDER BY at.position)) AS tags_json")
EXISTS = {
    "tag": "EXISTS (SELECT 1 FROM article_tags at WHERE at.article_id = a.id AND at.tag_id = (SELECT id FROM tags WHERE slug = :slug))",
    "entity": "EXISTS (SELECT 1 FROM article_entities ae WHERE ae.article_id = a.id AND ae.entity_id = (SELECT id FROM entities WHERE slug = :slug))",
}
WINDOW, LIMIT = 5000, 20


def cpu(db, sql, args, n=3):
    ts, rows = [], None
    for _ in range(n):
        s = time.process_time()
        rows = db.execute(sql, args).fetchall()
        ts.append((time.process_time() - s) * 1000)
    return statistics.median(ts), rows


def relevance(bm25, match, kind):
    return (f"WITH hits AS (SELECT a.rowid AS rowid, {bm25} AS rank FROM articles_fts CROSS JOIN articles a "
            f"ON a.rowid = articles_fts.rowid WHERE articles_fts MATCH :m AND a.deleted_at IS NULL "
            f"AND a.status IN ('published') AND {EXISTS[kind]} ORDER BY articles_fts.rowid DESC LIMIT {WINDOW}) "
            f"SELECT {COLS}, {TAGS}, hits.rank AS rank FROM hits CROSS JOIN articles a ON a.rowid = hits.rowid "
            f"ORDER BY hits.rank ASC, a.rowid ASC LIMIT {LIMIT + 1}")


def facet_text(v):
    return "".join(c if (c.isascii() and (c.islower() or c.isdigit()) and c != "x") else f"x{ord(c):x}x"
                   for c in v.lower())


def facet_tokens(kind, slug):
    """The new build's facet group of a filter, as its first statement finds it."""
    if kind == "tag":
        row = new.execute("SELECT id FROM tags WHERE slug = ?", (slug,)).fetchone()
        return [f"\ue001t{row[0]}"]
    ids = [r[0] for r in new.execute(
        "WITH RECURSIVE m(id) AS (SELECT id FROM entities WHERE slug = ? UNION SELECT e.id FROM entities e "
        "JOIN m ON e.merged_into = m.id) SELECT id FROM m LIMIT 65", (slug,))]
    return ["\ue001e" + facet_text(i) for i in ids]


def facets_fts(groups):
    out = []
    for g in groups:
        q = [f'"{t}"' for t in g]
        out.append(f"facets : {q[0]}" if len(q) == 1 else f"facets : ({' OR '.join(q)})")
    return " AND ".join(out)


# Vocabulary and filters.
n_articles = old.execute("SELECT count(*) FROM articles").fetchone()[0]
voc = new.cursor()
voc.execute("CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, articles_fts, row)")
words = [(t, d) for t, d in voc.execute("SELECT term, doc FROM temp.v WHERE doc >= 20 AND doc <= ?",
                                        (int(0.4 * n_articles),))
         if t[0] not in "\ue000\ue001" and not t.isdigit()]
by_decade = {}
for t, d in words:
    by_decade.setdefault(int(math.log10(d) * 2), []).append(t)
decades = sorted(by_decade)
tag_links = old.execute("SELECT count(*) FROM article_tags").fetchone()[0]
ent_links = old.execute("SELECT count(*) FROM article_entities").fetchone()[0]


def random_filter():
    if random.random() < 0.5:
        slug = old.execute("SELECT t.slug FROM article_tags at JOIN tags t ON t.id = at.tag_id LIMIT 1 OFFSET ?",
                           (random.randrange(tag_links),)).fetchone()[0]
        return "tag", slug
    slug = old.execute("SELECT e.slug FROM article_entities ae JOIN entities e ON e.id = ae.entity_id LIMIT 1 OFFSET ?",
                       (random.randrange(ent_links),)).fetchone()[0]
    return "entity", slug


OLD_BM25 = "bm25(articles_fts, 10.0, 4.0, 3.0, 1.0)"
NEW_BM25 = "bm25(articles_fts, 10.0, 4.0, 3.0, 1.0, 0.0)"
olds, news, same, same_set, nonempty, masses, overlaps, same_candidates = [], [], 0, 0, 0, [], [], 0
for i in range(pairs):
    word = random.choice(by_decade[random.choice(decades)])
    kind, slug = random_filter()
    m = f'("{word}" OR "\ue000{word}")'
    t_old, r_old = cpu(old, relevance(OLD_BM25, m, kind), {"m": m, "slug": slug})
    s = time.process_time()
    groups = [facet_tokens(kind, slug)]
    t_lookup = (time.process_time() - s) * 1000
    m_new = f"({m}) AND {facets_fts(groups)}"
    t_new, r_new = cpu(new, relevance(NEW_BM25, m_new, kind), {"m": m_new, "slug": slug})
    olds.append(t_old)
    news.append(t_new + t_lookup)
    ids_old, ids_new = [r[1] for r in r_old], [r[1] for r in r_new]
    # The candidates: every row of the window that passes the filters, unranked.
    whole = lambda db, bm25, mm: {r[1] for r in db.execute(
        relevance(bm25, mm, kind).replace(f"LIMIT {LIMIT + 1}", "LIMIT -1"), {"m": mm, "slug": slug})}
    same_candidates += whole(old, OLD_BM25, m) == whole(new, NEW_BM25, m_new)
    same += ids_old == ids_new
    same_set += set(ids_old) == set(ids_new)
    nonempty += bool(ids_old)
    if ids_old != ids_new:
        # The new page judged by the old ranking: its rows' old bm25 summed over the old page's.
        window = {r[1]: r[-1] for r in old.execute(
            relevance(OLD_BM25, m, kind).replace(f"LIMIT {LIMIT + 1}", "LIMIT -1"), {"m": m, "slug": slug})}
        mass = sum(window.get(x, 0.0) for x in ids_new) / sum(window[x] for x in ids_old)
        masses.append(mass)
        overlaps.append(len(set(ids_old) & set(ids_new)) / len(ids_old))
        print(f"differs: {word} {kind}={slug}: {len(ids_old)} vs {len(ids_new)} rows, "
              f"same set {set(ids_old) == set(ids_new)}", file=sys.stderr)


def q(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p * len(xs)))]


print(f"searches with a tag or entity: {pairs} ({nonempty} with a match)")
print("| | median | p90 | p99 | max |")
print("| --- | --- | --- | --- | --- |")
for name, xs in [("before (CPU ms)", olds), ("after (CPU ms, with the facet look-up)", news)]:
    print(f"| {name} | {statistics.median(xs):.2f} | {q(xs, .9):.2f} | {q(xs, .99):.2f} | {max(xs):.2f} |")
print(f"same page (ids in order): {same}/{pairs}; same set: {same_set}/{pairs}; "
      f"same candidates (the window's rows passing the filters): {same_candidates}/{pairs}")
if masses:
    print(f"pages that differ: {len(masses)}; overlap of the page: mean {statistics.mean(overlaps):.3f}, "
          f"min {min(overlaps):.3f}; old bm25 of the new page over the old page's: mean {statistics.mean(masses):.4f}, "
          f"min {min(masses):.4f}")

# Archive pages: a filter with a language or source its articles rarely have, one day's until.
langs = [r[0] for r in old.execute("SELECT DISTINCT language FROM articles")]
sources = [r[0] for r in old.execute("SELECT source_domain FROM articles WHERE source_domain IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 12")]
DRIVER = {
    "tag": "article_tags f CROSS JOIN articles a ON a.id = f.article_id WHERE f.tag_id = (SELECT id FROM tags WHERE slug = :slug) AND a.deleted_at IS NULL",
    "entity": "article_entities f CROSS JOIN articles a ON a.id = f.article_id WHERE f.entity_id = (SELECT id FROM entities WHERE slug = :slug) AND a.deleted_at IS NULL",
}
CANDIDATES = 500


def archive_old(kind, col, until):
    return (f"SELECT {COLS}, {TAGS}, NULL AS rank FROM {DRIVER[kind]} AND a.status IN ('published') "
            f"AND a.{col} = :v AND a.published_at < :until AND f.sort_at < :until "
            f"ORDER BY f.sort_at DESC, f.article_id DESC LIMIT {LIMIT + 1}")


def archive_new_driven(col):
    return (f"SELECT {COLS}, {TAGS}, NULL AS rank FROM (SELECT rowid AS r FROM articles_fts WHERE articles_fts MATCH :m) m "
            f"CROSS JOIN articles a ON a.rowid = m.r WHERE a.deleted_at IS NULL AND a.status IN ('published') "
            f"AND a.{col} = :v AND a.published_at < :until AND a.sort_at < :until AND {{exists}} "
            f"ORDER BY a.sort_at DESC, a.id DESC LIMIT {LIMIT + 1}")


aold, anew, asame, empty = [], [], 0, 0
for i in range(pairs // 2):
    kind, slug = random_filter()
    if random.random() < 0.5:
        col, v, tok = "language", random.choice(langs), None
        tok = "\ue001l" + facet_text(v)
    else:
        col, v = "source_domain", random.choice(sources)
        tok = "\ue001s" + facet_text(v)
    day = f"20{random.randint(19, 24)}-{random.randint(1, 12):02d}-{random.randint(1, 28):02d}"
    args = {"slug": slug, "v": v, "until": day}
    t_old, r_old = cpu(old, archive_old(kind, col, day), args)
    s = time.process_time()
    groups = [facet_tokens(kind, slug), [tok]]
    m = facets_fts(groups)
    count = new.execute("SELECT count(*) FROM (SELECT 1 FROM articles_fts WHERE articles_fts MATCH ? LIMIT ?)",
                        (m, CANDIDATES)).fetchone()[0]
    t_probe = (time.process_time() - s) * 1000
    if count < CANDIDATES:
        t_new, r_new = cpu(new, archive_new_driven(col).format(exists=EXISTS[kind]), dict(args, m=m))
    else:
        t_new, r_new = cpu(new, archive_old(kind, col, day), args)
    aold.append(t_old)
    anew.append(t_new + t_probe)
    asame += [r[1] for r in r_old] == [r[1] for r in r_new]
    empty += not r_old
print(f"\narchive pages (tag or entity, lang or source, until a day): {pairs // 2} ({empty} empty)")
print("| | median | p90 | p99 | max |")
print("| --- | --- | --- | --- | --- |")
for name, xs in [("before (CPU ms)", aold), ("after (CPU ms, with the probe)", anew)]:
    print(f"| {name} | {statistics.median(xs):.2f} | {q(xs, .9):.2f} | {q(xs, .99):.2f} | {max(xs):.2f} |")
print(f"same page: {asame}/{pairs // 2}")
