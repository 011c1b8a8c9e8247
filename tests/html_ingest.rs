//! `POST /v1/ingest` with whole web pages: a real page from the development set, non-UTF-8
//! pages, hostile markup, relative image addresses, JSON-LD metadata, envelopes with `html`, and
//! the size and charset refusals.

mod common;

use std::io::Read;

use common::{assert_problem, spawn_app, spawn_app_with};
use serde_json::{json, Value};

const PROSE: [&str; 5] = [
    "The city council approved the new budget on Tuesday after a long debate about the cost of repairing the old bridge across the river, which engineers say has been closed to heavy trucks for two years.",
    "Members of the council said that the money would come from a special fund that was set aside last spring, and that no new taxes would be needed to pay for the work on the bridge or the roads that lead to it.",
    "The mayor told reporters that the repairs would begin in the summer and that the bridge would be open again before the end of the year, although some residents said they had heard the same promise before.",
    "Local business owners welcomed the decision, saying that the closure had made it harder for customers from the other side of the river to reach their shops, and that they hoped the work would be finished on time.",
    "The council will meet again next month to discuss the plans for a new park near the river, which several members have said should be built once the work on the bridge is done and the traffic has returned.",
];

/// An English news page around `body` (extra markup inside the article), with navigation and a
/// footer around it.
fn page(head: &str, body_extra: &str) -> String {
    let paragraphs: String = PROSE.iter().map(|p| format!("<p>{p}</p>\n")).collect();
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">{head}</head><body>\
         <nav><a href=\"/\">Home</a> <a href=\"/news\">News</a> <a href=\"/sport\">Sport</a></nav>\
         <article><h1>Council approves bridge budget</h1>{body_extra}{paragraphs}</article>\
         <footer><a href=\"/about\">About us</a> © Example Daily</footer></body></html>"
    )
}

async fn post_html(
    app: &common::TestApp,
    token: &str,
    query: &str,
    content_type: &str,
    body: Vec<u8>,
) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/v1/ingest{query}")))
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .expect("ingest")
}

async fn json_of(response: reqwest::Response, status: u16) -> Value {
    let got = response.status().as_u16();
    let value: Value = response.json().await.expect("json");
    assert_eq!(got, status, "{value}");
    value
}

common::backends!(a_real_page_becomes_its_article);
async fn a_real_page_becomes_its_article() {
    let app = spawn_app().await;
    let token = app.editor().await;
    let mut html = Vec::new();
    flate2::read::GzDecoder::new(&include_bytes!("fixtures/html/ap-la-auto-show.html.gz")[..])
        .read_to_end(&mut html)
        .expect("gunzip");
    let response = post_html(&app, &token, "", "text/html", html).await;
    let article = json_of(response, 201).await;
    let body = article["body_text"].as_str().unwrap_or("");
    assert!(
        body.contains("New electric vehicles, several new small SUVs"),
        "{body}"
    );
    assert!(body.contains("The RAV4 Prime goes on sale in the summer."));
    assert!(!body.contains("<") && !body.contains("function("));
    assert!(article["title"]
        .as_str()
        .is_some_and(|t| t.contains("SUVs")));
    assert_eq!(article["language"], "en");
    assert_eq!(article["source_domain"], "ctpost.com");
    let id = article["id"].as_str().unwrap_or("");
    let stored = app.get_json(&format!("/v1/articles/{id}")).await;
    assert_eq!(stored["body_text"], article["body_text"]);
}

common::backends!(windows_1251_pages_decode);
async fn windows_1251_pages_decode() {
    let app = spawn_app().await;
    let token = app.editor().await;

    let russian = [
        "Городской совет утвердил новый бюджет во вторник после долгого обсуждения стоимости ремонта старого моста через реку.",
        "По словам инженеров, мост уже два года закрыт для грузовиков, и объезд занимает у водителей почти час.",
        "Деньги возьмут из специального фонда, созданного прошлой весной, поэтому новые налоги не понадобятся.",
        "Мэр сказал журналистам, что работы начнутся летом, а движение по мосту откроют до конца года.",
    ];
    let paragraphs: String = russian.iter().map(|p| format!("<p>{p}</p>")).collect();
    let html = format!(
        "<html lang=\"ru\"><head><title>Совет утвердил бюджет</title></head><body><article>\
         <h1>Совет утвердил бюджет</h1>{paragraphs}</article></body></html>"
    );
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1251.encode(&html);
    assert!(!unmappable);
    let response = post_html(
        &app,
        &token,
        "?dry_run=true",
        "text/html; charset=windows-1251",
        bytes.into_owned(),
    )
    .await;
    let article = json_of(response, 200).await;
    eprintln!("{article}");
    assert_eq!(article["title"], "Совет утвердил бюджет");
    assert!(article["body_text"]
        .as_str()
        .is_some_and(|b| b.contains("Городской совет утвердил новый бюджет во вторник")));
    assert_eq!(article["language"], "ru");
}

common::backends!(shift_jis_declared_in_the_page_decodes);
async fn shift_jis_declared_in_the_page_decodes() {
    let app = spawn_app().await;
    let token = app.editor().await;
    let japanese = [
        "市議会は火曜日、川に架かる古い橋の修理費用について長い議論の末、新しい予算を承認した。",
        "技術者によると、この橋は二年間大型トラックの通行が禁止されている。",
        "議員らは、費用は昨年春に設けられた特別基金から支出され、新たな税金は必要ないと述べた。",
        "市長は記者団に対し、工事は夏に始まり、年末までに橋は再び開通すると語った。",
        "地元の商店主らはこの決定を歓迎し、工事が予定通りに終わることを望んでいると話した。",
    ];
    let paragraphs: String = japanese.iter().map(|p| format!("<p>{p}</p>")).collect();
    let html = format!(
        "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=Shift_JIS\">\
         <title>市議会が予算を承認</title></head><body><article>{paragraphs}</article></body></html>"
    );
    let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(&html);
    assert!(!unmappable);
    let response = post_html(
        &app,
        &token,
        "?dry_run=true",
        "text/html",
        bytes.into_owned(),
    )
    .await;
    let article = json_of(response, 200).await;
    assert_eq!(article["title"], "市議会が予算を承認");
    assert!(article["body_text"]
        .as_str()
        .is_some_and(|b| b.contains("市議会は火曜日")));
}

common::backends!(undecodable_pages_are_400);
async fn undecodable_pages_are_400() {
    let app = spawn_app().await;
    let token = app.editor().await;
    let mut bytes = page("", "").into_bytes();
    bytes.extend_from_slice(b"\xff\xfe\xc3");
    let response = post_html(&app, &token, "", "text/html; charset=utf-8", bytes).await;
    let problem = assert_problem(response, 400).await;
    assert!(problem["detail"]
        .as_str()
        .is_some_and(|d| d.contains("UTF-8")));

    let response = post_html(
        &app,
        &token,
        "",
        "text/html; charset=x-no-such-charset",
        page("", "").into_bytes(),
    )
    .await;
    assert_problem(response, 400).await;
}

common::backends!(scripts_handlers_and_javascript_urls_never_reach_the_article);
async fn scripts_handlers_and_javascript_urls_never_reach_the_article() {
    let app = spawn_app().await;
    let token = app.editor().await;
    let hostile = "<script>document.write('stolen cookies')</script>\
        <style>p { color: red }</style>\
        <p onclick=\"alert('clicked')\" style=\"x\">Readers can <a href=\"javascript:alert('xss')\">click here</a> \
        for the full council report, which runs to more than two hundred pages of tables.</p>\
        <iframe src=\"https://evil.example/frame\">frame text</iframe>\
        <form action=\"/subscribe\"><p>Sign up for our newsletter today</p><input name=\"email\"></form>\
        <img src=\"javascript:alert(1)\" alt=\"bad image\"><img src=\"data:image/png;base64,AAAA\" alt=\"inline\">\
        <noscript><p>Enable JavaScript to continue</p></noscript>";
    let response = post_html(
        &app,
        &token,
        "?dry_run=true",
        "text/html; charset=utf-8",
        page("", hostile).into_bytes(),
    )
    .await;
    let article = json_of(response, 200).await;
    let all = article.to_string();
    for bad in [
        "stolen cookies",
        "color: red",
        "alert(",
        "javascript:",
        "onclick",
        "frame text",
        "Sign up for our newsletter",
        "Enable JavaScript",
        "data:image",
        "<script",
    ] {
        assert!(!all.contains(bad), "{bad} reached the article: {all}");
    }
    assert!(article["body_text"]
        .as_str()
        .is_some_and(|b| b.contains("Readers can click here for the full council report")));
    let images: Vec<&Value> = article["blocks"]
        .as_array()
        .map(|b| b.iter().filter(|b| b["type"] == "image").collect())
        .unwrap_or_default();
    assert!(images.is_empty(), "{images:?}");
}

common::backends!(relative_image_urls_resolve_against_the_canonical_url);
async fn relative_image_urls_resolve_against_the_canonical_url() {
    let app = spawn_app().await;
    let token = app.editor().await;
    let head =
        "<link rel=\"canonical\" href=\"https://news.example.com/city/2024/05/bridge.html\">";
    let figure = "<figure><img src=\"../../img/bridge.jpg\" alt=\"The old bridge at dusk\">\
                  <figcaption>The bridge has been closed to trucks since 2022.</figcaption></figure>\
                  <p>The council will also look at the lighting on the bridge, which residents say is too dim at night for people who walk across it.</p>\
                  <img src=\"//cdn.example.com/photos/mayor.jpg\" alt=\"The mayor speaking\">\
                  <img src=\"ftp://files.example.com/x.jpg\" alt=\"not http\">";
    let response = post_html(
        &app,
        &token,
        "?dry_run=true",
        "text/html",
        page(head, figure).into_bytes(),
    )
    .await;
    let article = json_of(response, 200).await;
    assert_eq!(
        article["url"],
        "https://news.example.com/city/2024/05/bridge.html"
    );
    let mut urls: Vec<String> = article["blocks"]
        .as_array()
        .map(|b| {
            b.iter()
                .filter(|b| b["type"] == "image")
                .filter_map(|b| b["url"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    if let Some(lead) = article["lead_image"]["url"].as_str() {
        urls.push(lead.to_owned());
    }
    assert!(
        urls.contains(&"https://news.example.com/city/img/bridge.jpg".to_owned()),
        "{urls:?}"
    );
    assert!(urls.iter().all(|u| u.starts_with("https://")), "{urls:?}");
    let captioned = article["lead_image"]["caption"]
        == "The bridge has been closed to trucks since 2022."
        || article["blocks"].as_array().is_some_and(|b| {
            b.iter()
                .any(|b| b["caption"] == "The bridge has been closed to trucks since 2022.")
        });
    assert!(captioned, "{article}");
}

common::backends!(json_ld_metadata_fills_what_the_sender_left_out);
async fn json_ld_metadata_fills_what_the_sender_left_out() {
    let app = spawn_app().await;
    let token = app.editor().await;
    let head = r#"<title>Bridge budget | Example Daily</title>
        <meta property="og:image" content="/img/og-bridge.jpg">
        <script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle",
          "headline":"Council approves bridge budget","datePublished":"2024-05-14T09:30:00+02:00",
          "author":[{"@type":"Person","name":"Jane Reporter"}],"keywords":["Bridges","City Council"],
          "image":{"@type":"ImageObject","url":"https://news.example.com/img/ld-bridge.jpg"}}</script>"#;
    let response = post_html(
        &app,
        &token,
        "?dry_run=true&url=https://news.example.com/city/bridge",
        "text/html",
        page(head, "").into_bytes(),
    )
    .await;
    let article = json_of(response, 200).await;
    assert_eq!(article["title"], "Council approves bridge budget");
    assert_eq!(article["published_at"], "2024-05-14T07:30:00Z");
    assert_eq!(article["published_at_source"], "json_ld");
    assert_eq!(article["authors"], json!(["Jane Reporter"]));
    let tags: Vec<&str> = article["tags"]
        .as_array()
        .map(|t| t.iter().filter_map(|t| t["name"].as_str()).collect())
        .unwrap_or_default();
    assert!(
        tags.contains(&"Bridges") && tags.contains(&"City Council"),
        "{tags:?}"
    );
    assert_eq!(
        article["lead_image"]["url"],
        "https://news.example.com/img/og-bridge.jpg"
    );

    // In a JSON envelope the explicit fields win over the page's.
    let envelope = json!({
        "html": page(head, ""),
        "title": "Bridge money approved",
        "published_at": "2024-05-15",
        "authors": ["Desk Editor"],
    });
    let response = app
        .client
        .post(app.url("/v1/ingest?dry_run=true"))
        .bearer_auth(&token)
        .json(&envelope)
        .send()
        .await
        .expect("ingest");
    let article = json_of(response, 200).await;
    assert_eq!(article["title"], "Bridge money approved");
    assert_eq!(article["published_at"], "2024-05-15T00:00:00Z");
    assert_eq!(article["published_at_source"], "explicit");
    assert_eq!(article["authors"], json!(["Desk Editor"]));
}

common::backends!(batch_lines_may_carry_html);
async fn batch_lines_may_carry_html() {
    let app = spawn_app().await;
    let token = app.editor().await;
    let line =
        serde_json::to_string(&json!({"html": page("", ""), "url": "https://example.com/a"}))
            .expect("json");
    let response = app
        .client
        .post(app.url("/v1/ingest/batch"))
        .bearer_auth(&token)
        .header("content-type", "application/x-ndjson")
        .body(format!("{line}\n"))
        .send()
        .await
        .expect("batch");
    assert_eq!(response.status().as_u16(), 200);
    let text = response.text().await.expect("text");
    let first: Value = serde_json::from_str(text.lines().next().unwrap_or("")).expect("line");
    assert_eq!(first["status"], 201, "{text}");
}

common::backends!(pages_over_the_html_limit_are_413_and_text_keeps_its_own_limit);
async fn pages_over_the_html_limit_are_413_and_text_keeps_its_own_limit() {
    let app = spawn_app_with(
        |c| {
            c.body_limit = 16 * 1024;
            c.html_body_limit = 64 * 1024;
        },
        axum::Router::new(),
    )
    .await;
    let token = app.editor().await;

    // A 40 KiB page: over the text limit, under the HTML limit.
    let padding = format!("<div hidden>{}</div>", "x".repeat(40 * 1024));
    let response = post_html(
        &app,
        &token,
        "?dry_run=true",
        "text/html",
        page("", &padding).into_bytes(),
    )
    .await;
    assert_eq!(response.status().as_u16(), 200);

    let padding = format!("<div hidden>{}</div>", "x".repeat(80 * 1024));
    let response = post_html(
        &app,
        &token,
        "",
        "text/html",
        page("", &padding).into_bytes(),
    )
    .await;
    let problem = assert_problem(response, 413).await;
    assert!(problem["detail"]
        .as_str()
        .is_some_and(|d| d.contains("65536")));

    // Text (and a JSON envelope of text) is still held to the text limit.
    let response = app.ingest_text(&token, &"word ".repeat(8 * 1024)).await;
    assert_problem(response, 413).await;
    let response = app
        .ingest_json(&token, &json!({"text": "word ".repeat(8 * 1024)}))
        .await;
    assert_problem(response, 413).await;
}

/// A body sent in chunks, without `Content-Length`.
fn chunked(bytes: Vec<u8>) -> reqwest::Body {
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        bytes.chunks(8 * 1024).map(|c| Ok(c.to_vec())).collect();
    reqwest::Body::wrap_stream(futures_util::stream::iter(chunks))
}

common::backends!(pages_without_content_length_are_held_to_the_html_limit_and_told_so);
async fn pages_without_content_length_are_held_to_the_html_limit_and_told_so() {
    let app = spawn_app_with(
        |c| {
            c.body_limit = 16 * 1024;
            c.html_body_limit = 64 * 1024;
        },
        axum::Router::new(),
    )
    .await;
    let token = app.editor().await;
    let send = |bytes: Vec<u8>| {
        app.client
            .post(app.url("/v1/ingest?dry_run=true"))
            .bearer_auth(&token)
            .header("content-type", "text/html")
            .body(chunked(bytes))
            .send()
    };

    // Over the text limit, under the HTML limit: accepted.
    let padding = format!("<div hidden>{}</div>", "x".repeat(40 * 1024));
    let response = send(page("", &padding).into_bytes()).await.expect("send");
    assert_eq!(response.status().as_u16(), 200);

    // Over the HTML limit: 413 naming the HTML limit, not the text one.
    let padding = format!("<div hidden>{}</div>", "x".repeat(80 * 1024));
    let response = send(page("", &padding).into_bytes()).await.expect("send");
    let problem = assert_problem(response, 413).await;
    let detail = problem["detail"].as_str().unwrap_or("");
    assert!(detail.contains("65536"), "{detail}");
    assert!(!detail.contains("16384"), "{detail}");
}

common::backends!(a_page_of_one_paragraph_repeated_keeps_one_copy);
async fn a_page_of_one_paragraph_repeated_keeps_one_copy() {
    let app = spawn_app().await;
    let token = app.editor().await;
    // Short enough to be read as a summary, were it not the only paragraph.
    let paragraph = "The city council approved the new budget on Tuesday after a long debate.";
    let body: String = (0..6).map(|_| format!("<p>{paragraph}</p>\n")).collect();
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><title>Bridge budget</title></head><body>\
         <article><h1>Bridge budget</h1>{body}</article></body></html>"
    );
    let response = post_html(
        &app,
        &token,
        "?dry_run=true",
        "text/html",
        html.into_bytes(),
    )
    .await;
    let article = json_of(response, 200).await;
    let text = article["body_text"].as_str().unwrap_or("");
    assert_eq!(
        text.matches("The city council approved").count(),
        1,
        "{text}"
    );
}

common::backends!(a_link_after_collapsed_space_and_multibyte_text_is_not_a_panic);
/// Found by the `normalize_html` fuzz target: a link whose text followed a collapsed space with
/// multi-byte letters made the extractor slice inside a character (a panic, answered 500).
async fn a_link_after_collapsed_space_and_multibyte_text_is_not_a_panic() {
    let app = spawn_app().await;
    let token = app.editor().await;
    let page = std::fs::read("tests/fixtures/html/fuzz-link-char-boundary.html").unwrap();
    let response = post_html(&app, &token, "?dry_run=true", "text/html", page).await;
    assert!(
        response.status() == 200 || response.status() == 422,
        "status {}",
        response.status()
    );
    assert!(response.status() != 500);
    assert_eq!(app.get("/healthz").await.status(), 200);
    // The smallest shape of it, directly.
    let small = "<html><body><article><p>Some words here to make a paragraph long enough to keep. \
                 <a href=\"/x\"> \u{ed}\u{ed}\u{ed}\u{ed}</a> and more words after the link.</p></article></body></html>";
    let response = post_html(
        &app,
        &token,
        "?dry_run=true",
        "text/html",
        small.as_bytes().to_vec(),
    )
    .await;
    assert!(response.status() == 200 || response.status() == 422);
    app.stop().await;
}
