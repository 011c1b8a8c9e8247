//! Dev-set evaluation of the HTML path on `aeb_html`: the benchmark's shingle metric, exactly as
//! `shared/devset/score.py` computes it, with precision, recall and F1 overall and per page type,
//! the worst pages with what went wrong, and pages per second.
//!
//! ```text
//! cargo run --release [--features trafilatura] --example eval_html -- [DEVSET_DIR] [--extractor readability|trafilatura] \
//!     [--raw] [--dump DIR] [--passes N]
//! ```
//! `--raw` scores the extractor's blocks directly (no text pipeline) to see what the pipeline adds.
//! Speed: one untimed warm-up page first (one-time loads such as the entity lexicon are not a
//! per-page cost), then `--passes` timed passes over all pages (default 3); the median pass is
//! reported.
//!
//! Page types, from the expected body: `short` (fewer than 200 word tokens), `list-heavy` (at
//! least 8 lines of which at least half are shorter than 80 characters), else `article`.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Instant;

use newsdesk::normalize::html::{extract_page, normalize_html_with, Extractor, HtmlOptions};
use newsdesk::normalize::{EntityDictionary, Envelope};
use regex::Regex;

struct Case {
    id: String,
    url: Option<String>,
    truth: String,
    html: Vec<u8>,
}

#[derive(Clone, Copy, Default)]
struct Counts {
    tp: f64,
    fp: f64,
    fn_: f64,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let mut dir = PathBuf::from("/work/shared/devset");
    let mut extractor = Extractor::Readability;
    let mut raw = false;
    let mut dump: Option<PathBuf> = None;
    let mut passes = 3usize;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--extractor" => {
                extractor = match args.next().as_deref() {
                    #[cfg(feature = "trafilatura")]
                    Some("trafilatura") => Extractor::Trafilatura,
                    Some("readability") | None => Extractor::Readability,
                    Some(other) => {
                        return Err(format!(
                        "unknown extractor `{other}` (trafilatura needs `--features trafilatura`)"
                    )
                        .into())
                    }
                }
            }
            "--raw" => raw = true,
            "--dump" => dump = args.next().map(PathBuf::from),
            "--passes" => {
                passes = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(passes)
                    .max(1)
            }
            other => dir = PathBuf::from(other),
        }
    }
    let cases = load_cases(&dir)?;
    let word = Regex::new(r"[\p{L}\p{N}_]+")?;
    let dictionary = EntityDictionary::empty();
    let now = time::OffsetDateTime::now_utc();
    let options = HtmlOptions { extractor };

    let mut reasons: HashMap<String, (usize, usize)> = HashMap::new();
    let mut rows = Vec::new();
    let speed = measure_speed(&cases, &dictionary, now, options, raw, passes);
    for case in &cases {
        let predicted = if raw {
            let text = String::from_utf8_lossy(&case.html);
            let page = extract_page(&text, case.url.as_deref(), extractor);
            page.blocks
                .iter()
                .map(|b| b.markdown.replace('\\', ""))
                .collect::<Vec<_>>()
                .join("\n")
        } else {
            let envelope = Envelope {
                url: case.url.clone(),
                ..Envelope::default()
            };
            match normalize_html_with(&case.html, None, &envelope, &dictionary, now, options) {
                Ok(article) => {
                    let truth_words = word
                        .find_iter(&case.truth)
                        .map(|m| m.as_str())
                        .collect::<Vec<_>>()
                        .join(" ");
                    for r in &article.removed {
                        let words = word
                            .find_iter(&r.text)
                            .map(|m| m.as_str())
                            .collect::<Vec<_>>()
                            .join(" ");
                        if words.is_empty() {
                            continue;
                        }
                        let e = reasons.entry(r.reason.clone()).or_default();
                        if truth_words.contains(&words) {
                            e.0 += 1;
                        } else {
                            e.1 += 1;
                        }
                    }
                    article.body_text
                }
                Err(e) => {
                    eprintln!("{}: {e}", case.id);
                    String::new()
                }
            }
        };
        if let Some(d) = &dump {
            std::fs::create_dir_all(d)?;
            std::fs::write(d.join(format!("{}.txt", case.id)), &predicted)?;
        }
        let c = doc_counts(&case.truth, &predicted);
        rows.push((case, c, page_type(&word, &case.truth)));
    }

    println!(
        "aeb_html  extractor={extractor:?}  {}  n={}",
        if raw {
            "raw extractor blocks"
        } else {
            "full pipeline"
        },
        rows.len()
    );
    println!(
        "{:<12} {:>4} {:>7} {:>7} {:>7}",
        "type", "n", "F1", "P", "R"
    );
    for kind in ["article", "list-heavy", "short", "ALL"] {
        let counts: Vec<Counts> = rows
            .iter()
            .filter(|r| kind == "ALL" || r.2 == kind)
            .map(|r| r.1)
            .collect();
        let (p, r, f) = aggregate(&counts);
        println!("{kind:<12} {:>4} {f:>7.3} {p:>7.3} {r:>7.3}", counts.len());
    }
    println!(
        "pages/s (one thread, decoding to body text, file reading excluded, median of {passes} \
         passes after warm-up): {speed:.1}"
    );
    let mut tally: Vec<_> = reasons.into_iter().collect();
    tally.sort();
    for (reason, (in_truth, not)) in tally {
        println!("removed {reason:<20} in truth {in_truth:>4}   not {not:>4}");
    }
    let mut worst: Vec<_> = rows.iter().collect();
    worst.sort_by(|a, b| f1_of(a.1).total_cmp(&f1_of(b.1)));
    println!("worst 8:");
    for (case, c, kind) in worst.iter().take(8) {
        println!(
            "  {} {:<10} F1={:.3} P={:.3} R={:.3}",
            &case.id[..12],
            kind,
            f1_of(*c),
            prec(*c),
            rec(*c)
        );
    }
    Ok(())
}

/// Pages per second over all cases: one untimed warm-up page, then the median of `passes` timed
/// passes.
fn measure_speed(
    cases: &[Case],
    dictionary: &EntityDictionary,
    now: time::OffsetDateTime,
    options: HtmlOptions,
    raw: bool,
    passes: usize,
) -> f64 {
    let run = |case: &Case| {
        if raw {
            let text = String::from_utf8_lossy(&case.html);
            extract_page(&text, case.url.as_deref(), options.extractor)
                .blocks
                .len()
        } else {
            let envelope = Envelope {
                url: case.url.clone(),
                ..Envelope::default()
            };
            normalize_html_with(&case.html, None, &envelope, dictionary, now, options)
                .map_or(0, |a| a.word_count)
        }
    };
    if let Some(first) = cases.first() {
        std::hint::black_box(run(first));
    }
    let mut rates: Vec<f64> = (0..passes)
        .map(|_| {
            let start = Instant::now();
            for case in cases {
                std::hint::black_box(run(case));
            }
            cases.len() as f64 / start.elapsed().as_secs_f64()
        })
        .collect();
    rates.sort_by(f64::total_cmp);
    rates.get(rates.len() / 2).copied().unwrap_or(0.0)
}

fn load_cases(dir: &Path) -> Result<Vec<Case>, Box<dyn std::error::Error>> {
    let gt: HashMap<String, serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(dir.join("aeb/ground-truth.json"))?)?;
    let mut ids: Vec<&String> = gt.keys().collect();
    ids.sort();
    let mut cases = Vec::new();
    for id in ids {
        let mut html = Vec::new();
        let file = std::fs::File::open(dir.join(format!("aeb/html/{id}.html.gz")))?;
        flate2::read::GzDecoder::new(file).read_to_end(&mut html)?;
        let entry = &gt[id];
        cases.push(Case {
            id: id.clone(),
            url: entry["url"].as_str().map(str::to_string),
            truth: entry["articleBody"].as_str().unwrap_or("").to_string(),
            html,
        });
    }
    Ok(cases)
}

fn page_type(word: &Regex, truth: &str) -> &'static str {
    let lines: Vec<&str> = truth.lines().filter(|l| !l.trim().is_empty()).collect();
    let short_lines = lines.iter().filter(|l| l.chars().count() < 80).count();
    if word.find_iter(truth).count() < 200 {
        "short"
    } else if lines.len() >= 8 && short_lines * 2 >= lines.len() {
        "list-heavy"
    } else {
        "article"
    }
}

/// The benchmark's per-document counts, as `newsdesk eval` computes them.
fn doc_counts(truth: &str, pred: &str) -> Counts {
    let (tp, fp, fn_) = newsdesk::eval::doc_counts(truth, pred);
    Counts { tp, fp, fn_ }
}

fn prec(c: Counts) -> f64 {
    newsdesk::eval::prec(c.tp, c.fp, c.fn_)
}

fn rec(c: Counts) -> f64 {
    newsdesk::eval::rec(c.tp, c.fp, c.fn_)
}

fn f1_of(c: Counts) -> f64 {
    let (p, r) = (prec(c), rec(c));
    if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    }
}

fn aggregate(counts: &[Counts]) -> (f64, f64, f64) {
    let ps: Vec<f64> = counts
        .iter()
        .filter(|c| c.tp + c.fp > 0.0)
        .map(|&c| prec(c))
        .collect();
    let rs: Vec<f64> = counts
        .iter()
        .filter(|c| c.tp + c.fn_ > 0.0)
        .map(|&c| rec(c))
        .collect();
    let mean = |v: &[f64]| {
        if v.is_empty() {
            0.0
        } else {
            v.iter().sum::<f64>() / v.len() as f64
        }
    };
    let (p, r) = (mean(&ps), mean(&rs));
    let f = if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    };
    (p, r, f)
}
