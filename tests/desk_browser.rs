//! The editors' desk in a real browser: headless Chromium (Debian's `chromium`) driven through
//! `chromedriver` (Debian's `chromium-driver`) over WebDriver, against the real server on a random
//! port. On a machine without them the test says so on stderr and passes without running;
//! `.ci/run` installs both and sets `NEWSDESK_REQUIRE_BROWSER`, so CI runs it (or fails).
//!
//! `NEWSDESK_SCREENSHOTS=docs/screenshots cargo test --test desk_browser` also writes the
//! screenshots shown in the README.

mod common;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{spawn_app, TestApp, FIXTURE, FIXTURE_EXPECTED};
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use newsdesk::store::tokens::Role;
use serde_json::{json, Value};

/// How long a step may take before the test fails.
const STEP: Duration = Duration::from_secs(15);

/// A line on stderr that test output capture does not swallow.
fn say(message: &str) {
    let _ = writeln!(std::io::stderr(), "{message}");
}

fn find_program(env: &str, candidates: &[&str]) -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(env) {
        return Some(PathBuf::from(path)).filter(|p| p.is_file());
    }
    candidates.iter().map(PathBuf::from).find(|p| p.is_file())
}

/// chromedriver and a headless Chromium session with a fresh profile.
struct Browser {
    client: Client,
    driver: Child,
    _profile: tempfile::TempDir,
}

impl Browser {
    async fn start() -> Option<Browser> {
        // Debian's /usr/bin/chromium is a wrapper script; the browser itself is beside the driver.
        let chromium = find_program(
            "NEWSDESK_CHROMIUM",
            &[
                "/usr/lib/chromium/chromium",
                "/usr/bin/chromium",
                "/usr/bin/chromium-browser",
            ],
        );
        let driver = find_program(
            "NEWSDESK_CHROMEDRIVER",
            &["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"],
        );
        let (Some(chromium), Some(driver_path)) = (chromium, driver) else {
            // CI installs them: there, missing is a failure, not a reason to skip.
            assert!(
                std::env::var_os("NEWSDESK_REQUIRE_BROWSER").is_none(),
                "NEWSDESK_REQUIRE_BROWSER is set but Chromium or chromedriver is missing"
            );
            say(
                "SKIPPED desk_browser: Chromium or chromedriver is not installed \
                 (apt-get install -y chromium chromium-driver); the desk's browser tests did not run.",
            );
            return None;
        };
        let port = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
            listener.local_addr().expect("its address").port()
        };
        let mut driver = Command::new(&driver_path)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let webdriver = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        loop {
            if let Ok(response) = reqwest::get(format!("{webdriver}/status")).await {
                if response.status().is_success() {
                    break;
                }
            }
            if started.elapsed() > STEP {
                let _ = driver.kill();
                panic!("chromedriver did not answer on {webdriver}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let profile = tempfile::tempdir().expect("a profile directory");
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": chromium,
                "args": [
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--disable-quic",
                    "--disable-dev-shm-usage",
                    "--window-size=1280,900",
                    format!("--user-data-dir={}", profile.path().display()),
                ],
            }),
        );
        // An unexpected alert must fail the test, not be dismissed quietly.
        capabilities.insert("unhandledPromptBehavior".into(), json!("ignore"));
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = match ClientBuilder::new(connector)
            .capabilities(capabilities)
            .connect(&webdriver)
            .await
        {
            Ok(client) => client,
            Err(err) => {
                let _ = driver.kill();
                panic!("Chromium did not start through chromedriver: {err}");
            }
        };
        Some(Browser {
            client,
            driver,
            _profile: profile,
        })
    }

    /// Ends the session (Chromium quits); dropping stops chromedriver.
    async fn stop(self) {
        let _ = self.client.clone().close().await;
    }
}

/// chromedriver goes with the test, also when a step fails.
impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// Polls `check` until it answers `Some`, or fails the test after [`STEP`] with `what`.
async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let started = Instant::now();
    loop {
        if let Some(value) = check().await {
            return value;
        }
        if started.elapsed() > STEP {
            panic!("timed out waiting for {what}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn js(client: &Client, script: &str, args: Vec<Value>) -> Value {
    client
        .execute(script, args)
        .await
        .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
}

/// The element, once it is on the page and shown.
async fn shown(client: &Client, css: &str) -> Element {
    eventually(&format!("`{css}` to be shown"), || async {
        let element = client.find(Locator::Css(css)).await.ok()?;
        element.is_displayed().await.ok()?.then_some(element)
    })
    .await
}

/// The element's text, once it contains `wanted`.
async fn text_containing(client: &Client, css: &str, wanted: &str) -> String {
    let started = Instant::now();
    let mut last = None;
    loop {
        if let Ok(element) = client.find(Locator::Css(css)).await {
            if let Ok(text) = element.text().await {
                if text.contains(wanted) {
                    return text;
                }
                last = Some(text);
            }
        }
        if started.elapsed() > STEP {
            let shot = std::env::temp_dir().join("desk-browser-failure.png");
            if let Ok(png) = client.screenshot().await {
                let _ = std::fs::write(&shot, png);
            }
            panic!(
                "timed out waiting for `{css}` to contain {wanted:?}; it shows {last:?} \
                 (screenshot: {})",
                shot.display()
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The element's text content (as in the document, whatever the style sheet does to its case).
async fn content_of(client: &Client, css: &str) -> String {
    js(
        client,
        "const e = document.querySelector(arguments[0]); return e ? e.textContent : null;",
        vec![json!(css)],
    )
    .await
    .as_str()
    .unwrap_or_default()
    .to_owned()
}

async fn click(client: &Client, css: &str) {
    shown(client, css)
        .await
        .click()
        .await
        .unwrap_or_else(|e| panic!("click on `{css}`: {e}"));
}

/// Types into a field, replacing what it held.
async fn type_into(client: &Client, css: &str, text: &str) {
    let field = shown(client, css).await;
    field.clear().await.expect("clear");
    field.send_keys(text).await.expect("type");
}

/// Puts a long text into a field at once (as a paste does) and tells the page.
async fn paste_into(client: &Client, css: &str, text: &str) {
    shown(client, css).await;
    js(
        client,
        "const f = document.querySelector(arguments[0]); f.value = arguments[1]; \
         f.dispatchEvent(new Event('input', {bubbles: true}));",
        vec![json!(css), json!(text)],
    )
    .await;
}

async fn no_dialog_open(client: &Client) {
    match client.get_alert_text().await {
        Err(e) if e.is_no_such_alert() => {}
        Ok(text) => panic!("a dialog opened: {text:?}"),
        Err(other) => panic!("could not ask for dialogs: {other}"),
    }
}

/// Whether the page scrolls sideways at the current window size.
async fn horizontal_overflow(client: &Client) -> (i64, i64) {
    let sizes = js(
        client,
        "return [document.documentElement.scrollWidth, window.innerWidth];",
        vec![],
    )
    .await;
    (
        sizes[0].as_i64().unwrap_or(-1),
        sizes[1].as_i64().unwrap_or(-1),
    )
}

async fn screenshot(client: &Client, name: &str) {
    let Some(dir) = std::env::var_os("NEWSDESK_SCREENSHOTS") else {
        return;
    };
    // The whole page, not just the window: the window grows to the page's height first.
    let png = client.screenshot().await.expect("screenshot");
    let path = Path::new(&dir).join(name);
    std::fs::create_dir_all(Path::new(&dir)).expect("screenshot directory");
    std::fs::write(&path, png).expect("write screenshot");
    say(&format!("wrote {}", path.display()));
}

/// Every shown form control has a label (or an accessible name), and every button a name.
async fn assert_every_control_is_labelled(client: &Client) {
    let unlabelled = js(
        client,
        "const shown = (e) => e.getClientRects().length > 0; \
         const controls = [...document.querySelectorAll('input, select, textarea')] \
           .filter((e) => e.type !== 'hidden' && shown(e)) \
           .filter((e) => e.labels.length === 0 && !e.getAttribute('aria-label') \
                          && !e.getAttribute('aria-labelledby')); \
         const buttons = [...document.querySelectorAll('button')] \
           .filter((b) => shown(b) && !b.textContent.trim() && !b.getAttribute('aria-label')); \
         return controls.concat(buttons).map((e) => e.id || e.outerHTML.slice(0, 120));",
        vec![],
    )
    .await;
    assert_eq!(unlabelled, json!([]), "controls without a label");
}

async fn sign_in(client: &Client, app: &TestApp, token: &str) {
    client.goto(&app.url("/desk")).await.expect("open the desk");
    type_into(client, "#signin-token", token).await;
    click(client, "#signin-submit").await;
    shown(client, "#who").await;
}

async fn sign_out(client: &Client, app: &TestApp) {
    client.goto(&app.url("/desk")).await.expect("open the desk");
    click(client, "#sign-out").await;
    shown(client, "#signin-token").await;
}

fn expected_title() -> String {
    let expected: Value = serde_json::from_str(FIXTURE_EXPECTED).expect("expected JSON");
    expected["must"]["title"]
        .as_str()
        .expect("title")
        .to_owned()
}

async fn api_article(app: &TestApp, token: Option<&str>, id: &str) -> (u16, Value) {
    let mut request = app.client.get(app.url(&format!("/v1/articles/{id}")));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("GET article");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_desk_in_a_real_browser() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = spawn_app().await;
    let client = browser.client.clone();
    let editor = app.editor().await;
    let reader = app.token(Role::Reader).await;

    // Signing in, by keyboard: a bad token is refused in words; a good one opens the list.
    client.goto(&app.url("/desk")).await.expect("open the desk");
    assert_every_control_is_labelled(&client).await;
    type_into(&client, "#signin-token", "nd_not_a_token\n").await;
    let refused = text_containing(&client, "#alert", "Authentication required").await;
    assert!(
        refused.contains("not valid"),
        "the problem's detail is shown: {refused}"
    );
    type_into(&client, "#signin-token", &format!("{editor}\n")).await;
    shown(&client, "#who").await;
    assert_eq!(content_of(&client, "#who-role").await, "editor");
    shown(&client, "#articles-heading").await;
    text_containing(&client, "#list-count", "No articles").await;
    assert_every_control_is_labelled(&client).await;
    // Focus moves by Tab and shows where it is.
    let tab: char = fantoccini::key::Key::Tab.into();
    for _ in 0..3 {
        let focused = client.active_element().await.expect("focus");
        focused.send_keys(&tab.to_string()).await.expect("tab");
        let outline = js(
            &client,
            "const e = document.activeElement; return [e.tagName, getComputedStyle(e).outlineStyle];",
            vec![],
        )
        .await;
        assert_ne!(outline[1], "none", "no visible focus on {}", outline[0]);
    }

    // Paste the ABP page: the preview shows its title, and none of the page's leftovers.
    let title = expected_title();
    click(&client, "#nav-new").await;
    paste_into(&client, "#source-text", FIXTURE).await;
    click(&client, "#preview-button").await;
    text_containing(&client, "#preview-title", &title).await;
    let preview = shown(&client, "#preview").await.text().await.expect("text");
    for leftover in ["ये भी पढ़ें", "ट्रेंडिंग न्यूज", "टॉप हेडलाइंस"]
    {
        assert!(
            !preview.contains(leftover),
            "the preview shows {leftover:?}"
        );
    }
    let lang = shown(&client, "#preview")
        .await
        .attr("lang")
        .await
        .expect("lang");
    assert_eq!(lang.as_deref(), Some("hi"));
    let removed = text_containing(&client, "#removed-list", "ये भी पढ़ें").await;
    assert!(
        removed.contains("related stories"),
        "a reason is given: {removed}"
    );
    assert!(
        preview.contains("abplive.com"),
        "the source domain is shown"
    );
    assert!(
        preview.contains("lead image"),
        "the date's source is shown: {preview}"
    );
    text_containing(&client, "#e-entities", "पुतिन").await;
    assert_every_control_is_labelled(&client).await;

    // Fix: a tag added, then publish.
    type_into(&client, "#add-tags", "Desk check").await;
    click(&client, "#add-tags-button").await;
    text_containing(&client, "#preview", "Desk check").await;
    client.set_window_size(1280, 1000).await.expect("resize");
    js(
        &client,
        "document.activeElement.blur(); window.scrollTo(0, 0);",
        vec![],
    )
    .await;
    screenshot(&client, "desk-desktop.png").await;
    client.set_window_size(1280, 900).await.expect("resize");
    click(&client, "#publish").await;
    text_containing(&client, "#status", "Published.").await;
    let public_path = shown(&client, "#article-url")
        .await
        .attr("href")
        .await
        .expect("href")
        .expect("a link to the article");
    let public = app
        .client
        .get(app.url(&public_path))
        .send()
        .await
        .expect("GET");
    assert_eq!(public.status(), 200, "published at {public_path}");
    let public: Value = public.json().await.expect("json");
    assert_eq!(public["title"], title.as_str());
    assert_eq!(public["status"], "published");
    assert!(
        public["tags"]
            .as_array()
            .expect("tags")
            .iter()
            .any(|t| t["name"] == "Desk check"),
        "the tag added in the desk was stored: {}",
        public["tags"]
    );
    let id = public["id"].as_str().expect("id").to_owned();

    // It is in the list.
    click(&client, "#nav-articles").await;
    text_containing(&client, "#article-list", &title).await;

    // Concurrent edit: someone else changes the title while the editor has it open.
    click(&client, "#article-list a.title").await;
    eventually("the editor to hold the title", || async {
        let value = client
            .find(Locator::Css("#e-title"))
            .await
            .ok()?
            .prop("value")
            .await
            .ok()??;
        (value == title).then_some(())
    })
    .await;
    let theirs = app
        .client
        .patch(app.url(&format!("/v1/articles/{id}")))
        .bearer_auth(&editor)
        .json(&json!({"title": "Changed elsewhere"}))
        .send()
        .await
        .expect("PATCH");
    assert_eq!(theirs.status(), 200);
    type_into(&client, "#e-title", "My own title").await;
    click(&client, "#save").await;
    let conflict = text_containing(&client, "#conflict", "Changed elsewhere").await;
    assert!(conflict.contains("Someone else changed"), "{conflict}");
    screenshot(&client, "desk-conflict.png").await;
    let (_, stored) = api_article(&app, None, &id).await;
    assert_eq!(
        stored["title"], "Changed elsewhere",
        "nothing was overwritten"
    );
    // The editor chooses to keep theirs… no: to save over it, knowingly.
    click(&client, "#conflict-overwrite").await;
    text_containing(&client, "#status", "saved over theirs").await;
    let (_, stored) = api_article(&app, None, &id).await;
    assert_eq!(stored["title"], "My own title");

    // Entities: one taken off this article, another given a new type (everywhere).
    let entities = stored["entities"].as_array().expect("entities").clone();
    let (off, retyped) = (&entities[0], &entities[1]);
    text_containing(&client, "#entity-0", off["name"].as_str().unwrap()).await;
    click(&client, "#entity-0 button").await;
    shown(&client, "#entity-0.removed").await;
    let new_type = if retyped["type"] == "other" {
        "place"
    } else {
        "other"
    };
    shown(&client, "#entity-type-1")
        .await
        .select_by_value(new_type)
        .await
        .expect("select a type");
    click(&client, "#save").await;
    text_containing(&client, "#status", "Saved.").await;
    let (_, stored) = api_article(&app, None, &id).await;
    let slugs: Vec<&str> = stored["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["slug"].as_str().unwrap())
        .collect();
    assert!(!slugs.contains(&off["slug"].as_str().unwrap()), "{slugs:?}");
    let entity: Value = app
        .get_json(&format!(
            "/v1/entities/{}",
            retyped["slug"].as_str().unwrap()
        ))
        .await;
    assert_eq!(entity["type"], new_type);
    assert_eq!(stored["title"], "My own title", "the rest stays");

    // Leaving with unsaved changes asks first.
    type_into(&client, "#e-summary", "Not saved").await;
    click(&client, "#nav-articles").await;
    text_containing(&client, "#alert", "not saved").await;
    click(&client, "#leave-stay").await;
    assert_eq!(
        shown(&client, "#e-summary")
            .await
            .prop("value")
            .await
            .expect("value"),
        Some("Not saved".to_owned()),
        "still editing"
    );
    click(&client, "#nav-articles").await;
    click(&client, "#leave-discard").await;
    shown(&client, "#articles-heading").await;
    let (_, stored) = api_article(&app, None, &id).await;
    assert_ne!(stored["summary"], "Not saved");

    // Scheduling: a draft given a time ahead is scheduled, and not public until then.
    let later = app
        .client
        .post(app.url("/v1/ingest?status=draft"))
        .bearer_auth(&editor)
        .json(&common::english_article(8, "Lighthouse"))
        .send()
        .await
        .expect("ingest");
    assert_eq!(later.status(), 201);
    let later: Value = later.json().await.expect("json");
    let later_id = later["id"].as_str().expect("id").to_owned();
    let later_title = later["title"].as_str().expect("title").to_owned();
    client
        .goto(&app.url(&format!("/desk#/article/{later_id}")))
        .await
        .expect("open");
    text_containing(&client, "#links-out", "A draft").await;
    shown(&client, "#schedule-at").await;
    assert_every_control_is_labelled(&client).await;
    // Two days ahead at a whole minute, typed in the browser's own time zone; the API is sent
    // the same instant.
    let chosen = js(
        &client,
        "const d = new Date(Date.now() + 2 * 86400e3); d.setSeconds(0, 0); \
         const pad = (n) => String(n).padStart(2, '0'); \
         document.getElementById('schedule-at').value = d.getFullYear() + '-' + pad(d.getMonth() + 1) \
           + '-' + pad(d.getDate()) + 'T' + pad(d.getHours()) + ':' + pad(d.getMinutes()); \
         return d.toISOString();",
        vec![],
    )
    .await;
    click(&client, "#schedule").await;
    text_containing(&client, "#status", "Scheduled for").await;
    text_containing(&client, "#links-out", "only with a token").await;
    let (status, _) = api_article(&app, None, &later_id).await;
    assert_eq!(
        status, 404,
        "a scheduled article is not public before its time"
    );
    let (_, stored) = api_article(&app, Some(&editor), &later_id).await;
    assert_eq!(stored["status"], "scheduled");
    let instant = |value: &Value| {
        time::OffsetDateTime::parse(
            value.as_str().expect("a time"),
            &time::format_description::well_known::Rfc3339,
        )
        .expect("RFC 3339")
    };
    assert_eq!(
        instant(&stored["published_at"]),
        instant(&chosen),
        "stored for the chosen time"
    );
    // The list's status filter finds it, with its status shown.
    click(&client, "#nav-articles").await;
    shown(&client, "#f-status")
        .await
        .select_by_value("scheduled")
        .await
        .expect("select a status");
    click(&client, "#filters button[type=submit]").await;
    text_containing(&client, "#list-count", "1 article").await;
    text_containing(&client, "#article-list", &later_title).await;
    assert_eq!(
        content_of(
            &client,
            &format!("#article-list li[data-id='{later_id}'] .badge")
        )
        .await,
        "scheduled"
    );
    // Published now instead: public at once.
    click(
        &client,
        &format!("#article-list li[data-id='{later_id}'] a.title"),
    )
    .await;
    text_containing(&client, "#publish", "publish now").await;
    click(&client, "#publish").await;
    text_containing(&client, "#status", "Saved and published.").await;
    let (status, public) = api_article(&app, None, &later_id).await;
    assert_eq!(status, 200, "published now");
    assert_eq!(public["status"], "published");
    click(&client, "#nav-articles").await;
    shown(&client, "#f-status")
        .await
        .select_by_value("any")
        .await
        .expect("select a status");
    click(&client, "#filters button[type=submit]").await;
    text_containing(&client, "#article-list", "My own title").await;

    // Hostile text, stored and pasted, shows as text and runs nothing.
    let hostile = "<img src=x onerror=\"window.pwned=1\">Harbour vote <script>window.pwned=2</script> ends <img src=x onerror=alert(1)>\n\
        The council met on Tuesday and voted on the <b onmouseover=\"window.pwned=3\">harbour</b> budget after a long debate about roads and schools.\n\
        Read the <a href=\"javascript:window.pwned=5\">appendix</a> before the summer recess starts, the clerk said to the members present.\n\
        <script>alert(2)</script><svg onload=\"window.pwned=7\"></svg> The mayor said work on the old bridge would start in the spring.";
    let stored = app
        .ingest_json(
            &editor,
            // Text ingest drops inline markup; an explicit title and summary are kept as the
            // caller wrote them, so markup reaches the desk there.
            &json!({
                "text": hostile,
                "title": "Harbour vote <script>window.pwned=2</script> ends <img src=x onerror=alert(1)>",
                "summary": "<svg onload=\"window.pwned=7\"></svg> The mayor said work on the old bridge would start.",
                "tags": ["<i onclick=alert(3)>x</i>"]
            }),
        )
        .await;
    assert_eq!(stored.status(), 201);
    let stored: Value = stored.json().await.expect("json");
    let hostile_id = stored["id"].as_str().expect("id").to_owned();
    client
        .goto(&app.url(&format!("/desk#/article/{hostile_id}")))
        .await
        .expect("open");
    text_containing(&client, "#preview-title", "<script>window.pwned=2</script>").await;
    text_containing(&client, "#preview", "<svg onload=").await;
    text_containing(&client, "#e-tags", "<i onclick=alert(3)>x</i>").await;
    click(&client, "#nav-new").await;
    paste_into(&client, "#source-text", hostile).await;
    click(&client, "#preview-button").await;
    // Pasted text is normalized as ingest would: the markup is gone, its text kept.
    text_containing(&client, "#preview-title", "Harbour vote ends").await;
    click(&client, "#nav-articles").await;
    text_containing(&client, "#article-list", "<script>").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    no_dialog_open(&client).await;
    let injected = js(
        &client,
        "return {pwned: typeof window.pwned, scripts: document.scripts.length, \
         imgs: document.querySelectorAll('img[src=\"x\"], svg, b, i').length, \
         handlers: document.querySelectorAll('[onerror], [onload], [onclick], [onmouseover]').length, \
         js_links: document.querySelectorAll('a[href^=\"javascript:\"]').length};",
        vec![],
    )
    .await;
    assert_eq!(
        injected,
        json!({"pwned": "undefined", "scripts": 1, "imgs": 0, "handlers": 0, "js_links": 0}),
        "article text became markup"
    );

    // Deleting, after a confirmation in the page (no browser dialog).
    click(
        &client,
        &format!("#article-list li[data-id='{hostile_id}'] a.title"),
    )
    .await;
    click(&client, "#delete").await;
    click(&client, "#confirm-delete-yes").await;
    text_containing(&client, "#status", "Deleted").await;
    let (status, _) = api_article(&app, Some(&editor), &hostile_id).await;
    assert_eq!(status, 404, "deleted");

    // A phone's width: nothing scrolls sideways, in the list, the preview and the editor.
    client.set_window_size(390, 844).await.expect("resize");
    let width = js(&client, "return window.innerWidth;", vec![]).await;
    assert!(
        width.as_i64().is_some_and(|w| (300..=420).contains(&w)),
        "a phone-sized viewport: {width}"
    );
    for route in ["#/articles", "#/new", &format!("#/article/{id}")] {
        client
            .goto(&app.url(&format!("/desk{route}")))
            .await
            .expect("open");
        shown(&client, "main > section:not([hidden])").await;
        tokio::time::sleep(Duration::from_millis(200)).await;
        if route == "#/new" {
            paste_into(&client, "#source-text", FIXTURE).await;
            click(&client, "#preview-button").await;
            text_containing(&client, "#preview-title", &title).await;
            js(
                &client,
                "document.getElementById('preview-heading').scrollIntoView();",
                vec![],
            )
            .await;
            screenshot(&client, "desk-phone.png").await;
        }
        let (scroll, inner) = horizontal_overflow(&client).await;
        assert!(
            scroll <= inner,
            "{route} scrolls sideways at 390 px: {scroll} > {inner}"
        );
    }
    for page in ["/docs", "/"] {
        client.goto(&app.url(page)).await.expect("open");
        shown(&client, "main").await;
        if page == "/docs" {
            text_containing(&client, "#doc-body", "/v1/articles").await;
        }
        let (scroll, inner) = horizontal_overflow(&client).await;
        assert!(
            scroll <= inner,
            "{page} scrolls sideways at 390 px: {scroll} > {inner}"
        );
    }
    client.set_window_size(1280, 900).await.expect("resize");

    // A reader token sees drafts, read-only.
    let draft = app
        .client
        .post(app.url("/v1/ingest?status=draft"))
        .bearer_auth(&editor)
        .json(&common::english_article(7, "Harbour"))
        .send()
        .await
        .expect("ingest");
    assert_eq!(draft.status(), 201);
    let draft: Value = draft.json().await.expect("json");
    sign_out(&client, &app).await;
    sign_in(&client, &app, &reader).await;
    assert_eq!(content_of(&client, "#who-role").await, "reader");
    let new_link = client.find(Locator::Css("#nav-new")).await.expect("nav");
    assert!(
        !new_link.is_displayed().await.expect("shown?"),
        "readers cannot paste"
    );
    text_containing(
        &client,
        "#article-list",
        draft["title"].as_str().expect("title"),
    )
    .await;
    client
        .goto(&app.url(&format!(
            "/desk#/article/{}",
            draft["id"].as_str().expect("id")
        )))
        .await
        .expect("open");
    shown(&client, "#readonly-note").await;
    let title_field = shown(&client, "#e-title").await;
    assert!(
        !title_field.is_enabled().await.expect("enabled?"),
        "read-only"
    );
    assert!(
        client.find(Locator::Css("#save")).await.is_err(),
        "no save button"
    );

    // The API reference and the front page, drawn with no network beyond this server.
    client.goto(&app.url("/docs")).await.expect("docs");
    text_containing(&client, "#doc-body", "/v1/articles/{id_or_slug}").await;
    text_containing(&client, "#doc-body", "If-Match").await;
    screenshot(&client, "docs-desktop.png").await;
    client.goto(&app.url("/")).await.expect("index");
    let links = text_containing(&client, "main", "editors' desk").await;
    assert!(links.contains("/openapi.json") && links.contains("/healthz"));
    no_dialog_open(&client).await;

    browser.stop().await;
    app.stop().await;
}
