//! Article lists: filters, full-text search and keyset pagination, read on the calling thread.
//!
//! A list page is a few statements (the filters' ids, a candidate count, the page with its tags)
//! of well under a millisecond each when no search ranks. Through sqlx each statement, and each
//! row of its answer, crossed to the connection's worker thread and back; those hand-offs and
//! the per-row copies cost more than SQLite's work. So a page runs back to back on one thread
//! with rusqlite, on the same-thread readers of a database file (in-memory: on the handle of a
//! pooled connection), and a page that ranks or counts full-text matches (milliseconds) runs
//! where the async runtime can move its other tasks off the thread (`block_in_place`).

use super::articles::{from_json, SUMMARY_COLUMNS};
use super::{SqliteStore, StoreError, StoreResult};
use crate::store::articles::{
    After, ArticleOrder, ArticleQuery, ArticleStatus, ArticleSummary, Page,
};
use crate::store::search::SearchExpr;
use crate::store::search::{facet_entity, facet_language, facet_source, facet_tag};

impl SqliteStore {
    /// One page of articles matching a query.
    pub async fn list_articles(&self, query: &ArticleQuery) -> StoreResult<Page<ArticleSummary>> {
        self.list_articles_with(query, self.search_window).await
    }

    /// [`SqliteStore::list_articles`], a relevance search ranking only the newest `window`
    /// matches that pass the filters (`0`: every match).
    pub(super) async fn list_articles_with(
        &self,
        query: &ArticleQuery,
        window: u32,
    ) -> StoreResult<Page<ArticleSummary>> {
        let order = match query.order.unwrap_or(ArticleOrder::NewestFirst) {
            // A search of exclusions only has nothing to rank by (the API lists it newest
            // first); its exclusion is applied on the time-ordered path only.
            ArticleOrder::Relevance if query.search.as_ref().is_some_and(|s| s.excludes_only()) => {
                ArticleOrder::NewestFirst
            }
            order => order,
        };
        let cursor_fits = match &query.after {
            None => true,
            Some(After::Rank { .. }) => order == ArticleOrder::Relevance,
            Some(After::Time { .. }) => order != ArticleOrder::Relevance,
        };
        if !cursor_fits {
            return Err(StoreError::Invalid(
                "the cursor belongs to a different sort order".into(),
            ));
        }
        let slow = query.search.is_some() || filter_count(query) >= 2;
        self.read_on_thread(slow, |conn| list_page(conn, query, order, window))
            .await
    }
}

/// How many filters besides the status a query has (tags, entities, language, source).
fn filter_count(query: &ArticleQuery) -> usize {
    query.tags.len()
        + query.entities.len()
        + usize::from(query.language.is_some())
        + usize::from(query.source.is_some())
}

/// One list page on `conn`.
fn list_page(
    conn: &rusqlite::Connection,
    query: &ArticleQuery,
    order: ArticleOrder,
    window: u32,
) -> StoreResult<Page<ArticleSummary>> {
    let limit = query.limit.max(1) as usize;
    let Some(facets) = filter_facets(conn, query)? else {
        // A tag or entity that does not exist: nothing passes its filter.
        return Ok(Page {
            items: Vec::new(),
            has_more: false,
        });
    };
    let plan = plan_match(conn, query, order, &facets)?;
    // A search with no filter but the status sorts only as many of its ranked matches as a
    // page can use, twice over (matches of another status are passed over): sorting every
    // match of the window cost a third of such a search. Fewer rows than a page and one
    // (the last page, or many matches of another status) are looked up again, uncapped.
    let capped =
        order == ArticleOrder::Relevance && query.search.is_some() && only_status_filter(query);
    let cap = capped.then(|| 2 * (limit as i64 + 1));
    let mut items = summaries(conn, &list_query(query, order, window, cap, &plan))?;
    if capped && items.len() <= limit {
        items = summaries(conn, &list_query(query, order, window, None, &plan))?;
    }
    let has_more = items.len() > limit;
    items.truncate(limit);
    Ok(Page { items, has_more })
}

/// A statement's text and its parameters, built together in order (`?` placeholders).
#[derive(Debug, Default)]
struct Sql {
    text: String,
    params: Vec<rusqlite::types::Value>,
}

impl Sql {
    fn push(&mut self, text: impl AsRef<str>) -> &mut Sql {
        self.text.push_str(text.as_ref());
        self
    }

    fn push_bind(&mut self, value: impl Into<rusqlite::types::Value>) -> &mut Sql {
        self.text.push('?');
        self.params.push(value.into());
        self
    }
}

/// The columns of every list statement, in order: [`SUMMARY_COLUMNS`], the tags, the rank.
const LIST_COLUMNS: [&str; 19] = [
    "rowid",
    "id",
    "slug",
    "status",
    "title",
    "summary",
    "kickers",
    "language",
    "script",
    "lead_image",
    "word_count",
    "reading_time_minutes",
    "published_at",
    "sort_at",
    "source_domain",
    "created_at",
    "updated_at",
    "tags_json",
    "rank",
];

/// The rows of a list statement, as summaries.
fn summaries(conn: &rusqlite::Connection, sql: &Sql) -> StoreResult<Vec<ArticleSummary>> {
    let mut statement = conn.prepare_cached(&sql.text).map_err(fts_error)?;
    if statement.column_names() != LIST_COLUMNS {
        return Err(StoreError::Database(format!(
            "a list statement's columns are {:?}",
            statement.column_names()
        )));
    }
    let mut rows = statement
        .query(rusqlite::params_from_iter(&sql.params))
        .map_err(fts_error)?;
    let mut items = Vec::new();
    while let Some(row) = rows.next().map_err(fts_error)? {
        items.push(summary_from_row(row)?);
    }
    Ok(items)
}

/// Of a search of exclusions only, the FTS5 expression of the articles it leaves out.
fn fts_left_out(query: &ArticleQuery) -> Option<String> {
    query
        .search
        .as_ref()
        .filter(|s| s.excludes_only())
        .map(SearchExpr::excluded_fts5)
}

/// Most entities merged into one whose facet tokens a filter looks for; an entity with more
/// is filtered by its links alone.
const MAX_FACET_ALTERNATIVES: usize = 64;

/// Below this many candidates (the rows of the index matching a time-ordered list's search
/// and facets), the page is made from the candidates, sorted, instead of walking an index in
/// the page's order: a walk that passes over most of what it reads (an entity whose articles
/// are almost never in the asked language, a rare word) read every link or article before.
const FTS_DRIVEN_CANDIDATES: i64 = 500;

/// The facet tokens of a query's filters (migration 0012), one group a filter (any token of a
/// group passes it): a tag's, an entity's with those of the entities merged into it (their
/// articles keep the token they were indexed with), the language's, the source's. `None`: a
/// tag or entity the query names does not exist, so nothing passes.
fn filter_facets(
    conn: &rusqlite::Connection,
    query: &ArticleQuery,
) -> StoreResult<Option<Vec<Vec<String>>>> {
    use rusqlite::OptionalExtension;
    let mut groups = Vec::new();
    for tag in &query.tags {
        let id: Option<i64> = conn
            .prepare_cached("SELECT id FROM tags WHERE slug = ?")?
            .query_row([tag], |row| row.get(0))
            .optional()?;
        match id {
            Some(id) => groups.push(vec![facet_tag(id)]),
            None => return Ok(None),
        }
    }
    for entity in &query.entities {
        let ids = conn
            .prepare_cached(
                "WITH RECURSIVE m(id) AS (SELECT id FROM entities WHERE slug = ?1 \
                   UNION SELECT e.id FROM entities e JOIN m ON e.merged_into = m.id) \
                 SELECT id FROM m LIMIT ?2",
            )?
            .query_map(
                rusqlite::params![entity, MAX_FACET_ALTERNATIVES as i64 + 1],
                |row| row.get::<_, String>(0),
            )?
            .collect::<Result<Vec<String>, _>>()?;
        if ids.is_empty() {
            return Ok(None);
        }
        if ids.len() <= MAX_FACET_ALTERNATIVES {
            groups.push(ids.iter().map(|id| facet_entity(id)).collect());
        }
    }
    if let Some(language) = &query.language {
        groups.push(vec![facet_language(language)]);
    }
    if let Some(source) = &query.source {
        groups.push(vec![facet_source(source)]);
    }
    Ok(Some(groups))
}

/// The facet groups as an FTS5 expression on the `facets` column (`None`: no group).
fn facets_fts(groups: &[Vec<String>]) -> Option<String> {
    if groups.is_empty() {
        return None;
    }
    let quoted = |token: &String| format!("\"{token}\"");
    Some(
        groups
            .iter()
            .map(|group| match group.as_slice() {
                [one] => format!("facets : {}", quoted(one)),
                many => format!(
                    "facets : ({})",
                    many.iter().map(quoted).collect::<Vec<_>>().join(" OR ")
                ),
            })
            .collect::<Vec<_>>()
            .join(" AND "),
    )
}

/// What a list page asks of the full-text index: `fts`, the expression the page's articles must
/// match (its search, narrowed by its filters' facets); `fts_driven`, whether a time-ordered
/// page is made from those matches rather than by walking an index in the page's order.
struct MatchPlan {
    fts: Option<String>,
    fts_driven: bool,
}

/// Plans a page's use of the index. A relevance search matches its words and its filters'
/// facets at once (FTS5 seeks in the shorter doclist); a time-ordered page with a search, or
/// with two facets or more, counts its candidates in the index (up to
/// [`FTS_DRIVEN_CANDIDATES`]) and, when they are fewer, is made from them. The EXISTS filters
/// stay in every statement: the facets only narrow.
fn plan_match(
    conn: &rusqlite::Connection,
    query: &ArticleQuery,
    order: ArticleOrder,
    facets: &[Vec<String>],
) -> StoreResult<MatchPlan> {
    // A search of exclusions only matches no words: the statement leaves out its matches.
    let words = query
        .search
        .as_ref()
        .filter(|s| !s.excludes_only())
        .map(SearchExpr::to_fts5);
    let narrowed = match (&words, facets_fts(facets)) {
        (Some(words), Some(facets)) => Some(format!("({words}) AND {facets}")),
        (Some(words), None) => Some(words.clone()),
        (None, facets) => facets,
    };
    if order == ArticleOrder::Relevance {
        return Ok(MatchPlan {
            fts: narrowed,
            fts_driven: false,
        });
    }
    let candidates = match &narrowed {
        Some(expr) if words.is_some() || facets.len() >= 2 => expr.clone(),
        _ => {
            return Ok(MatchPlan {
                fts: words,
                fts_driven: false,
            })
        }
    };
    let count: i64 = conn
        .prepare_cached(
            "SELECT count(*) FROM (SELECT 1 FROM articles_fts WHERE articles_fts MATCH ?1 LIMIT ?2)",
        )
        .and_then(|mut statement| {
            statement.query_row(
                rusqlite::params![candidates, FTS_DRIVEN_CANDIDATES],
                |row| row.get(0),
            )
        })
        .map_err(fts_error)?;
    if count < FTS_DRIVEN_CANDIDATES {
        return Ok(MatchPlan {
            fts: Some(candidates),
            fts_driven: true,
        });
    }
    Ok(MatchPlan {
        fts: words.and(narrowed),
        fts_driven: false,
    })
}

/// bm25 over title (weight 10), summary (4), body (3) and extra (1: kickers, alt text); the
/// weights go to the columns in their order, and rank the fields as PostgreSQL's `A`–`D`
/// labels do. The facets (a search's filters) weigh nothing.
const BM25: &str = "bm25(articles_fts, 10.0, 4.0, 3.0, 1.0, 0.0)";

/// The filter a time-ordered page walks, by its links' (filter, sort_at, article) index, so the
/// page reads its own rows and stops (migration 0007): an entity when there is one (entities are
/// usually the rarer filter), else a tag. `None`: the page walks the articles' own indexes.
fn driving_filter(query: &ArticleQuery, order: ArticleOrder) -> Option<(&'static str, &str)> {
    if order == ArticleOrder::Relevance {
        return None;
    }
    match (query.entities.first(), query.tags.first()) {
        (Some(entity), _) => Some(("entity", entity.as_str())),
        (None, Some(tag)) => Some(("tag", tag.as_str())),
        (None, None) => None,
    }
}

/// An article's tags, in their order, as a JSON array (`tags_json`).
const TAGS_JSON: &str = "(SELECT json_group_array(json_object('slug', slug, 'name', name)) \
     FROM (SELECT t.slug, t.name FROM article_tags at JOIN tags t ON t.id = at.tag_id \
           WHERE at.article_id = a.id ORDER BY at.position)) AS tags_json";

/// The SQL of one list page. A relevance page ranks the newest `window` matches that pass the
/// filters (every match when `0`); a time-ordered page walks an index in the page's order (see
/// [`driving_filter`]), keeping the rows the search (if any) matched, without ranking anything.
/// `ranked_cap`: of a search with no filter but the status, the best this many ranked matches
/// are read for the page (all when `None`).
fn list_query(
    query: &ArticleQuery,
    order: ArticleOrder,
    window: u32,
    ranked_cap: Option<i64>,
    plan: &MatchPlan,
) -> Sql {
    let mut qb = Sql::default();
    let driver = if plan.fts_driven {
        None
    } else {
        driving_filter(query, order)
    };
    // The sort key's columns: the driving links' copy of it, or the article's own.
    let (sort_at, sort_id) = if driver.is_some() {
        ("f.sort_at", "f.article_id")
    } else {
        ("a.sort_at", "a.id")
    };
    match (plan.fts.clone(), order) {
        (Some(fts), ArticleOrder::Relevance) if only_status_filter(query) => {
            // The newest `window` stored matches (FTS5 walks its doclists backwards), ranked
            // inside FTS5 without reading an article; then, best first, the articles, until
            // the page is full of ones of the wanted status.
            qb.push(format!(
                "WITH hits AS (SELECT rowid, {BM25} AS rank FROM articles_fts \
                 WHERE articles_fts MATCH "
            ))
            .push_bind(fts);
            if let Some(max_rowid) = query.max_rowid {
                qb.push(" AND rowid <= ").push_bind(max_rowid);
            }
            qb.push(" ORDER BY rowid DESC");
            if window > 0 {
                qb.push(" LIMIT ").push_bind(i64::from(window));
            }
            qb.push("), ranked AS (SELECT rowid, rank FROM hits");
            if let Some(After::Rank { rank, rowid }) = &query.after {
                qb.push(" WHERE (rank > ")
                    .push_bind(*rank)
                    .push(" OR (rank = ")
                    .push_bind(*rank)
                    .push(" AND rowid > ")
                    .push_bind(*rowid)
                    .push("))");
            }
            // A LIMIT (`-1`: none) keeps this subquery ordered on its own (not flattened into
            // the join), so the page below reads articles best first and stops when it is full.
            qb.push(" ORDER BY rank, rowid LIMIT ")
                .push_bind(ranked_cap.unwrap_or(-1))
                .push(") SELECT ")
                .push(SUMMARY_COLUMNS)
                .push(", ")
                .push(TAGS_JSON)
                .push(
                    ", ranked.rank AS rank FROM ranked CROSS JOIN articles a \
                     ON a.rowid = ranked.rowid WHERE a.deleted_at IS NULL",
                );
            push_filters(&mut qb, query, None, "a.sort_at");
            qb.push(" ORDER BY ranked.rank ASC, ranked.rowid ASC LIMIT ")
                .push_bind(i64::from(query.limit.max(1)) + 1);
            return qb;
        }
        (Some(fts), ArticleOrder::Relevance) => {
            // The matches that pass the filters, newest first (FTS5 walks its doclists
            // backwards, ranking nothing), as far as the window; bm25 only for those.
            qb.push(format!(
                "WITH hits AS (SELECT a.rowid AS rowid, {BM25} AS rank \
                 FROM articles_fts CROSS JOIN articles a ON a.rowid = articles_fts.rowid \
                 WHERE articles_fts MATCH "
            ))
            .push_bind(fts);
            if let Some(max_rowid) = query.max_rowid {
                qb.push(" AND articles_fts.rowid <= ").push_bind(max_rowid);
            }
            qb.push(" AND a.deleted_at IS NULL");
            push_filters(&mut qb, query, None, "a.sort_at");
            qb.push(" ORDER BY articles_fts.rowid DESC");
            if window > 0 {
                qb.push(" LIMIT ").push_bind(i64::from(window));
            }
            qb.push(") SELECT ")
                .push(SUMMARY_COLUMNS)
                .push(", ")
                .push(TAGS_JSON)
                .push(
                    ", hits.rank AS rank FROM hits CROSS JOIN articles a ON a.rowid = hits.rowid",
                );
            if let Some(After::Rank { rank, rowid }) = &query.after {
                qb.push(" WHERE (hits.rank > ")
                    .push_bind(*rank)
                    .push(" OR (hits.rank = ")
                    .push_bind(*rank)
                    .push(" AND a.rowid > ")
                    .push_bind(*rowid)
                    .push("))");
            }
            qb.push(" ORDER BY hits.rank ASC, a.rowid ASC LIMIT ")
                .push_bind(i64::from(query.limit.max(1)) + 1);
            return qb;
        }
        (search, _) => {
            qb.push("SELECT ")
                .push(SUMMARY_COLUMNS)
                .push(", ")
                .push(TAGS_JSON)
                .push(", NULL AS rank FROM ");
            match driver {
                // The candidates the index matched, few (see `plan_match`), then sorted.
                _ if plan.fts_driven => {
                    qb.push("(SELECT rowid AS r FROM articles_fts WHERE articles_fts MATCH ")
                        .push_bind(search.clone().unwrap_or_default())
                        .push(
                            ") m CROSS JOIN articles a ON a.rowid = m.r WHERE a.deleted_at IS NULL",
                        );
                }
                // CROSS JOIN: SQLite keeps the links outside, walking them in the page's order.
                Some(("entity", slug)) => {
                    qb.push(
                        "article_entities f CROSS JOIN articles a ON a.id = f.article_id \
                         WHERE f.entity_id = (SELECT id FROM entities WHERE slug = ",
                    )
                    .push_bind(slug.to_owned())
                    .push(") AND a.deleted_at IS NULL");
                }
                Some((_, slug)) => {
                    qb.push(
                        "article_tags f CROSS JOIN articles a ON a.id = f.article_id \
                         WHERE f.tag_id = (SELECT id FROM tags WHERE slug = ",
                    )
                    .push_bind(slug.to_owned())
                    .push(") AND a.deleted_at IS NULL");
                }
                None => {
                    qb.push("articles a WHERE a.deleted_at IS NULL");
                }
            }
            if let Some(fts) = search.filter(|_| !plan.fts_driven) {
                qb.push(
                    " AND a.rowid IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ",
                )
                .push_bind(fts)
                .push(")");
            }
            if let Some(left_out) = fts_left_out(query) {
                qb.push(
                    " AND a.rowid NOT IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ",
                )
                .push_bind(left_out)
                .push(")");
            }
        }
    }
    push_filters(&mut qb, query, driver, sort_at);
    if let Some(max_rowid) = query.max_rowid {
        qb.push(" AND a.rowid <= ").push_bind(max_rowid);
    }
    if let Some(min_rowid) = query.min_rowid {
        qb.push(" AND a.rowid >= ").push_bind(min_rowid);
    }
    if let Some(After::Time { sort_at: at, id }) = &query.after {
        let op = if order == ArticleOrder::NewestFirst {
            "<"
        } else {
            ">"
        };
        qb.push(format!(" AND ({sort_at}, {sort_id}) {op} ("))
            .push_bind(at.clone())
            .push(", ")
            .push_bind(id.clone())
            .push(")");
    }
    let direction = if order == ArticleOrder::OldestFirst {
        "ASC"
    } else {
        "DESC"
    };
    qb.push(format!(
        " ORDER BY {sort_at} {direction}, {sort_id} {direction} LIMIT "
    ))
    .push_bind(i64::from(query.limit.max(1)) + 1);
    qb
}

/// Whether the query filters by nothing but the status (which a relevance search checks after
/// ranking: drafts are few).
fn only_status_filter(query: &ArticleQuery) -> bool {
    query.tags.is_empty()
        && query.entities.is_empty()
        && query.language.is_none()
        && query.source.is_none()
        && query.since.is_none()
        && query.until.is_none()
}

/// The conditions of the query's filters on the article `a` (all but the `driver`, which the
/// statement walks), `sort_at` naming the sort key's column.
fn push_filters(
    qb: &mut Sql,
    query: &ArticleQuery,
    driver: Option<(&'static str, &str)>,
    sort_at: &str,
) {
    let statuses = if query.statuses.is_empty() {
        vec![ArticleStatus::Published]
    } else {
        query.statuses.clone()
    };
    qb.push(" AND a.status IN (");
    for (n, status) in statuses.iter().enumerate() {
        if n > 0 {
            qb.push(", ");
        }
        qb.push_bind(status.as_str().to_owned());
    }
    qb.push(")");
    if let Some(language) = &query.language {
        qb.push(" AND a.language = ").push_bind(language.clone());
    }
    if let Some(source) = &query.source {
        qb.push(" AND a.source_domain = ").push_bind(source.clone());
    }
    // A date bound also bounds the sort key (an article with a `published_at` sorts by it), so
    // a walk in sort order seeks to the bound instead of reading every newer article first.
    if let Some(since) = &query.since {
        qb.push(" AND a.published_at >= ")
            .push_bind(since.clone())
            .push(format!(" AND {sort_at} >= "))
            .push_bind(since.clone());
    }
    if let Some(until) = &query.until {
        qb.push(" AND a.published_at < ")
            .push_bind(until.clone())
            .push(format!(" AND {sort_at} < "))
            .push_bind(until.clone());
    }
    // Correlated EXISTS for the other filters: checked on the rows the walk reaches.
    let skip = |kind: &str, slug: &str| driver == Some((kind, slug));
    for tag in query.tags.iter().filter(|t| !skip("tag", t)) {
        qb.push(
            " AND EXISTS (SELECT 1 FROM article_tags at WHERE at.article_id = a.id \
             AND at.tag_id = (SELECT id FROM tags WHERE slug = ",
        )
        .push_bind(tag.clone())
        .push("))");
    }
    for entity in query.entities.iter().filter(|e| !skip("entity", e)) {
        qb.push(
            " AND EXISTS (SELECT 1 FROM article_entities ae WHERE ae.article_id = a.id \
             AND ae.entity_id = (SELECT id FROM entities WHERE slug = ",
        )
        .push_bind(entity.clone())
        .push("))");
    }
}

fn summary_from_row(row: &rusqlite::Row<'_>) -> StoreResult<ArticleSummary> {
    // By position (`LIST_COLUMNS`, checked once a statement): a look-up by name scans the
    // column names for every value.
    let status: String = row.get(3)?;
    Ok(ArticleSummary {
        rowid: row.get(0)?,
        id: row.get(1)?,
        slug: row.get(2)?,
        status: ArticleStatus::parse(&status)
            .ok_or_else(|| StoreError::Database(format!("unknown status `{status}`")))?,
        title: row.get(4)?,
        summary: row.get(5)?,
        kickers: from_json(row.get(6)?)?,
        language: row.get(7)?,
        script: row.get(8)?,
        lead_image: row
            .get::<_, Option<String>>(9)?
            .map(from_json)
            .transpose()?,
        word_count: row.get(10)?,
        reading_time_minutes: row.get(11)?,
        published_at: row.get(12)?,
        sort_at: row.get(13)?,
        source_domain: row.get(14)?,
        created_at: row.get(15)?,
        updated_at: row.get(16)?,
        tags: from_json(row.get(17)?)?,
        rank: row.get(18)?,
    })
}

/// A search expression FTS5 refuses is the caller's mistake, not ours.
fn fts_error(err: rusqlite::Error) -> StoreError {
    match &err {
        rusqlite::Error::SqliteFailure(_, Some(message)) if message.contains("fts5") => {
            StoreError::Invalid(format!("search expression: {message}"))
        }
        _ => StoreError::from(err),
    }
}
