//! The real binary under faults: SIGKILL in the middle of a streamed batch loses nothing that was
//! acknowledged and leaves nothing half-written; SIGTERM under load lets in-flight requests
//! finish, refuses new connections and exits 0.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

mod common;

use newsdesk::normalize::{normalize, Envelope};
use newsdesk::store::{Store, StoreOptions};
use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_newsdesk");
/// Longest any step here waits before the test fails instead of hanging.
const PATIENCE: Duration = Duration::from_secs(60);

fn database_url(dir: &Path) -> String {
    format!("sqlite://{}?mode=rwc", dir.join("newsdesk.db").display())
}

/// `newsdesk token create`: the secret it prints.
fn create_token(url: &str) -> String {
    let output = Command::new(BIN)
        .args([
            "token",
            "create",
            "--name",
            "fault-tests",
            "--role",
            "editor",
        ])
        .args(["--database-url", url])
        .env_remove("DATABASE_URL")
        .output()
        .expect("run token create");
    assert!(output.status.success(), "token create: {output:?}");
    String::from_utf8(output.stdout)
        .expect("utf-8")
        .trim()
        .to_owned()
}

/// A `newsdesk serve` child on a random loopback port; killed when dropped.
struct Server {
    child: Child,
    addr: SocketAddr,
}

/// Starts `newsdesk serve` on a free port with its log in `format`, and a thread that hands
/// over the log's lines as they come (so the process never blocks on a full pipe).
fn spawn_server(url: &str, format: &str) -> (Child, mpsc::Receiver<String>) {
    let mut child = Command::new(BIN)
        .args(["serve", "--bind", "127.0.0.1:0", "--log-format", format])
        .args(["--database-url", url])
        .env("RUST_LOG", "newsdesk=info,warn")
        .env_remove("DATABASE_URL")
        .env_remove("NEWSDESK_BIND")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start newsdesk");
    let stderr = child.stderr.take().expect("stderr");
    let (tx, rx) = mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            // Nobody listening any more: keep reading, so the pipe never fills.
            let _ = tx.send(line);
        }
    });
    (child, rx)
}

impl Server {
    fn start(url: &str) -> Server {
        let (mut child, lines) = spawn_server(url, "json");
        let deadline = Instant::now() + PATIENCE;
        let addr = loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let Ok(line) = lines.recv_timeout(left) else {
                let _ = child.kill();
                panic!("newsdesk did not start: {:?}", child.wait());
            };
            let Ok(event) = serde_json::from_str::<Value>(&line) else {
                continue;
            };
            if event["message"] == "newsdesk listening" {
                if let Some(addr) = event["addr"].as_str() {
                    break addr.parse::<SocketAddr>().expect("listening address");
                }
            }
        };
        Server { child, addr }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Waits for the process to end, failing the test if it takes too long.
    fn wait(&mut self) -> ExitStatus {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status;
            }
            assert!(Instant::now() < deadline, "newsdesk did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A distinct article naming people, places and organizations, so it has entities as well as
/// blocks and tags to lose.
fn envelope(n: usize) -> Value {
    json!({
        "text": format!(
            "Narendra Modi and Vladimir Putin sign harbour accord number {n}\n\
             Prime Minister Narendra Modi met President Vladimir Putin in New Delhi on Tuesday to sign accord {n} on shipping.\n\
             The Reserve Bank of India and Gazprom will fund the port at Chennai, officials of the Ministry of External Affairs said.\n\
             ## What accord {n} changes\n\
             Vladimir Putin said the accord would double trade through Chennai, and Narendra Modi called it a new chapter for Indian ports."
        ),
        "url": format!("https://news.example.com/accords/{n}"),
        "tags": ["Accords", format!("Accord {n}")],
    })
}

fn url_number(url: &str) -> usize {
    url.rsplit('/').next().unwrap().parse().unwrap()
}

/// A streamed NDJSON batch: lines are sent as the test decides, results read as they come.
struct Stream {
    lines: Option<tokio::sync::mpsc::UnboundedSender<Vec<u8>>>,
    response: reqwest::Response,
    buffer: Vec<u8>,
}

impl Stream {
    async fn open(client: &reqwest::Client, server: &Server, token: &str) -> Stream {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel::<Vec<u8>>();
        let body = futures_util::stream::unfold(rx, |mut rx| async move {
            rx.recv().await.map(|b| (Ok::<_, std::io::Error>(b), rx))
        });
        let response = client
            .post(server.url("/v1/ingest/batch"))
            .bearer_auth(token)
            .header("content-type", "application/x-ndjson")
            .body(reqwest::Body::wrap_stream(body))
            .send()
            .await
            .expect("open batch");
        assert_eq!(response.status(), 200);
        Stream {
            lines: Some(tx),
            response,
            buffer: Vec::new(),
        }
    }

    fn send(&self, numbers: impl IntoIterator<Item = usize>) {
        let tx = self.lines.as_ref().expect("still open");
        for n in numbers {
            let mut line = envelope(n).to_string().into_bytes();
            line.push(b'\n');
            tx.send(line).expect("body stream");
        }
    }

    fn finish(&mut self) {
        self.lines = None;
    }

    /// The next complete result lines, or `None` at the end of the answer (or when the
    /// connection broke).
    async fn results(&mut self) -> Option<Vec<Value>> {
        loop {
            if let Some(end) = self.buffer.iter().rposition(|b| *b == b'\n') {
                let complete: Vec<u8> = self.buffer.drain(..=end).collect();
                return Some(
                    complete
                        .split(|b| *b == b'\n')
                        .filter(|l| !l.is_empty())
                        .map(|l| serde_json::from_slice(l).expect("result line"))
                        .collect(),
                );
            }
            match tokio::time::timeout(PATIENCE, self.response.chunk()).await {
                Ok(Ok(Some(bytes))) => self.buffer.extend_from_slice(&bytes),
                Ok(Ok(None)) | Ok(Err(_)) => return None,
                Err(_) => panic!("no answer from the batch"),
            }
        }
    }
}

/// Every article the store holds, by the number in its URL, read through the API.
async fn stored_articles(client: &reqwest::Client, server: &Server) -> HashMap<usize, Value> {
    let mut out = HashMap::new();
    let mut next = Some("/v1/articles?limit=100".to_owned());
    while let Some(path) = next {
        let page: Value = client
            .get(server.url(&path))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        for item in page["data"].as_array().unwrap() {
            let article: Value = client
                .get(server.url(&format!("/v1/articles/{}", item["id"].as_str().unwrap())))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            let n = url_number(article["url"].as_str().unwrap());
            assert!(out.insert(n, article).is_none(), "article {n} stored twice");
        }
        next = page["next"].as_str().map(str::to_owned);
    }
    out
}

async fn count(url: &str, sql: &str) -> i64 {
    use sqlx::Connection;
    if newsdesk::store::is_postgres_url(url) {
        let mut conn = sqlx::PgConnection::connect(url).await.expect("connect");
        let n = sqlx::query_scalar::<_, i64>(sql)
            .fetch_one(&mut conn)
            .await
            .expect(sql);
        conn.close().await.expect("close");
        return n;
    }
    let mut conn = sqlx::SqliteConnection::connect(url).await.expect("connect");
    let n = sqlx::query_scalar::<_, i64>(sql)
        .fetch_one(&mut conn)
        .await
        .expect(sql);
    conn.close().await.expect("close");
    n
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_mid_batch_loses_nothing_acknowledged_and_leaves_nothing_half_written() {
    let dir = tempfile::tempdir().unwrap();
    sigkill_mid_batch(
        &database_url(dir.path()),
        &[
            "SELECT count(*) FROM articles WHERE json_array_length(blocks) = 0",
            "SELECT (SELECT count(*) FROM articles) - (SELECT count(*) FROM articles_fts)",
        ],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_mid_batch_on_postgres_loses_nothing_acknowledged_and_leaves_nothing_half_written()
{
    if common::postgres_url().is_none() {
        eprintln!("SKIPPED the SIGKILL test on PostgreSQL: NEWSDESK_TEST_POSTGRES_URL is not set");
        return;
    }
    let database = common::PgTestDatabase::create().await;
    sigkill_mid_batch(
        &database.url,
        &[
            "SELECT count(*) FROM articles WHERE blocks = '[]'",
            "SELECT count(*) FROM articles WHERE search IS NULL",
            "SELECT count(*) FROM articles a WHERE NOT EXISTS \
             (SELECT 1 FROM article_docs d WHERE d.article_id = a.id)",
        ],
    )
    .await;
}

/// Streams batches into the binary serving `url` and kills it mid-batch, four times; then
/// checks the database with the generic checks and `checks` (each counts broken rows).
async fn sigkill_mid_batch(url: &str, checks: &[&str]) {
    let url = url.to_owned();
    let token = create_token(&url);
    let client = reqwest::Client::new();

    // Stream far more lines than will be processed, and kill the server once the first
    // transaction (up to 512 lines) is acknowledged, at a different moment of the next ones each
    // round.
    const LINES: usize = 256 * 8;
    let mut acknowledged: HashMap<usize, String> = HashMap::new();
    for (round, delay_ms) in [0u64, 120, 240, 360].into_iter().enumerate() {
        let mut server = Server::start(&url);
        // Each round's lines are numbered apart from every other round's.
        let base = round * LINES;
        let mut stream = Stream::open(&client, &server, &token).await;
        stream.send(base..base + LINES);
        let mut this_round = 0usize;
        let mut killed = false;
        while let Some(results) = stream.results().await {
            for result in results {
                assert_eq!(result["result"], "created", "{result}");
                let line = result["line"].as_u64().unwrap() as usize;
                acknowledged.insert(base + line - 1, result["id"].as_str().unwrap().to_owned());
                this_round += 1;
            }
            if !killed && this_round >= 128 {
                tokio::time::sleep(Duration::from_millis(delay_ms)).await;
                server.child.kill().expect("SIGKILL");
                killed = true;
            }
        }
        assert!(killed, "round {round}: the batch ended before the kill");
        let status = server.wait();
        assert!(!status.success(), "killed, not exited: {status:?}");
        assert!(this_round < LINES, "round {round}: the kill came too late");
        eprintln!("round {round}: killed after {this_round} of {LINES} lines were acknowledged");
    }

    // The database is intact.
    let store = Store::open(&StoreOptions::new(&url)).await.expect("reopen");
    assert_eq!(store.integrity_check().await.unwrap(), "ok");
    store.close().await;
    // No article lacks its blocks, tags, entities or search row.
    for sql in [
        "SELECT count(*) FROM articles a WHERE NOT EXISTS \
         (SELECT 1 FROM article_tags t WHERE t.article_id = a.id)",
        "SELECT count(*) FROM articles a WHERE NOT EXISTS \
         (SELECT 1 FROM article_entities e WHERE e.article_id = a.id)",
    ]
    .iter()
    .chain(checks)
    {
        assert_eq!(count(&url, sql).await, 0, "{sql}");
    }

    // Restarted, it serves every acknowledged article whole, and whatever else it kept is
    // whole too: exactly what normalizing its line gives.
    let server = Server::start(&url);
    let stored = stored_articles(&client, &server).await;
    eprintln!(
        "{} lines acknowledged in all, {} articles stored",
        acknowledged.len(),
        stored.len()
    );
    for (n, id) in &acknowledged {
        let article = stored
            .get(n)
            .unwrap_or_else(|| panic!("acknowledged line {n} ({id}) is missing"));
        assert_eq!(article["id"], id.as_str());
    }
    let now = time::OffsetDateTime::now_utc();
    for (n, article) in &stored {
        let envelope: Envelope = serde_json::from_value(envelope(*n)).unwrap();
        let expected = normalize(&envelope, now).unwrap();
        assert!(!expected.entities.is_empty(), "the check needs entities");
        assert_eq!(article["title"], expected.title.as_str(), "{n}");
        let blocks: Vec<(String, String)> = article["blocks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| {
                (
                    b["type"].as_str().unwrap().to_owned(),
                    b["text"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        let expected_blocks: Vec<(String, String)> = expected
            .blocks
            .iter()
            .map(|b| (b.kind.as_str().to_owned(), b.text.clone()))
            .collect();
        assert_eq!(blocks, expected_blocks, "{n}");
        let tags: Vec<&str> = article["tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["name"].as_str().unwrap())
            .collect();
        assert_eq!(tags, expected.tags, "{n}");
        let entities: HashSet<&str> = article["entities"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["name"].as_str().unwrap())
            .collect();
        let expected_entities: HashSet<&str> =
            expected.entities.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(entities, expected_entities, "{n}");
    }
    // Search sees exactly what is stored.
    let hits: Value = client
        .get(server.url("/v1/articles?q=harbour%20accord&limit=100"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        hits["data"].as_array().unwrap().len(),
        stored.len().min(100)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_under_load_finishes_in_flight_requests_refuses_new_ones_and_exits_zero() {
    let dir = tempfile::tempdir().unwrap();
    let url = database_url(dir.path());
    let token = create_token(&url);
    let mut server = Server::start(&url);
    let client = reqwest::Client::new();

    // Three batches in flight: each has had its first transaction answered, so the server is
    // inside the handler, and each still has lines to come.
    const STREAMS: usize = 3;
    const FIRST: usize = 70;
    const REST: usize = 60;
    let mut streams = Vec::new();
    let mut answered: Vec<Vec<Value>> = Vec::new();
    for s in 0..STREAMS {
        let stream = Stream::open(&client, &server, &token).await;
        let base = s * 1000;
        stream.send(base..base + FIRST);
        streams.push(stream);
        answered.push(Vec::new());
    }
    for (s, stream) in streams.iter_mut().enumerate() {
        let first = stream.results().await.expect("first results");
        assert!(!first.is_empty());
        answered[s].extend(first);
    }

    let pid = server.child.id().to_string();
    let kill = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("run kill");
    assert!(kill.success());

    // New connections are refused while the old ones are still being served.
    let deadline = Instant::now() + PATIENCE;
    loop {
        match TcpStream::connect_timeout(&server.addr, Duration::from_secs(1)) {
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => break,
            _ => {
                assert!(Instant::now() < deadline, "still accepting connections");
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }
    assert!(
        server.child.try_wait().unwrap().is_none(),
        "exited with requests in flight"
    );

    // The in-flight requests finish: every line sent is stored and answered.
    for (s, stream) in streams.iter_mut().enumerate() {
        let base = s * 1000;
        stream.send(base + FIRST..base + FIRST + REST);
        stream.finish();
        while let Some(results) = stream.results().await {
            answered[s].extend(results);
        }
        let lines: Vec<u64> = answered[s]
            .iter()
            .map(|r| r["line"].as_u64().unwrap())
            .collect();
        assert_eq!(
            lines,
            (1..=(FIRST + REST) as u64).collect::<Vec<_>>(),
            "stream {s}"
        );
        assert!(
            answered[s].iter().all(|r| r["result"] == "created"),
            "stream {s}"
        );
    }
    drop(streams);

    let status = server.wait();
    assert_eq!(status.code(), Some(0), "{status:?}");
    assert_eq!(
        count(&url, "SELECT count(*) FROM articles").await,
        (STREAMS * (FIRST + REST)) as i64
    );
    let store = Store::open(&StoreOptions::new(&url)).await.expect("reopen");
    assert_eq!(store.integrity_check().await.unwrap(), "ok");
    store.close().await;
}

/// The text log written to a pipe (a file, a collector) carries no terminal colour codes.
#[test]
fn a_log_written_to_a_pipe_has_no_colour_codes() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, lines) = spawn_server(&database_url(dir.path()), "text");
    let mut seen = Vec::new();
    let deadline = Instant::now() + PATIENCE;
    while !seen
        .iter()
        .any(|l: &String| l.contains("newsdesk listening"))
    {
        let left = deadline.saturating_duration_since(Instant::now());
        match lines.recv_timeout(left) {
            Ok(line) => seen.push(line),
            Err(_) => {
                let _ = child.kill();
                panic!("newsdesk did not say it listens: {seen:?}");
            }
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        seen.iter().all(|l| !l.contains('\u{1b}')),
        "colour codes in {seen:?}"
    );
}
