//! Dev-set evaluation, in process: runs the normalizer over the dev set's text and HTML sets
//! (`aeb_text`, `aeb_text_main`, `aeb_html`, `indic`, `wcxb_html`, `wcxb_text`,
//! `wcxb_text_main`) as the API would (text sets through [`normalize`], HTML pages through
//! [`normalize_html`], no URL, empty dictionary) and scores each page as
//! `shared/devset/score.py` does: the benchmark's 4-token shingle F1, WCXB's word F1 (lower-cased
//! `\w+` bags of words, F1 a page, averaged), title exact match where a title is expected, and
//! how many pages the normalizer refused (the API's 422). WCXB sets are also reported by half
//! (fitting and checking, split by site with the fixed rule of `tools/wcxb_halves.py`). I/O lives
//! here, not in `normalize`.

use std::collections::HashMap;
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use std::time::Instant;

use regex::Regex;
use serde_json::Value;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::normalize::{normalize, normalize_html, EntityDictionary, Envelope};

/// Every set the evaluation knows, in the order it reports them.
pub const ALL_SETS: [&str; 7] = [
    "aeb_text",
    "aeb_text_main",
    "aeb_html",
    "indic",
    "wcxb_html",
    "wcxb_text",
    "wcxb_text_main",
];

/// Python's `\w` on `str`: letters (L*), numbers (N*) and the underscore. Unlike Rust's or the
/// regex crate's notion of a word character it leaves out combining marks, so Devanagari words
/// fragment at vowel signs exactly as they do in the benchmark.
static WORD: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"[\p{L}\p{N}_]+").ok());

/// Which half of WCXB a page belongs to (by its site; see `tools/wcxb_halves.py`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Half {
    Fit,
    Check,
}

impl Half {
    /// The fixed rule of `tools/wcxb_halves.py`: the first hex digit of SHA-256 of the URL's host
    /// (lower-cased, a leading `www.` removed) is 0-7 for the fitting half.
    pub fn of_url(url: &str) -> Half {
        let host = url::Url::parse(url.trim())
            .ok()
            .and_then(|u| u.host_str().map(str::to_lowercase))
            .unwrap_or_default();
        let site = host.strip_prefix("www.").unwrap_or(&host);
        let digest = Sha256::digest(site.as_bytes());
        if digest[0] >> 4 < 8 {
            Half::Fit
        } else {
            Half::Check
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Half::Fit => "fit",
            Half::Check => "check",
        }
    }
}

/// One scored document.
#[derive(Debug, Clone)]
pub struct DocScore {
    pub id: String,
    /// The WCXB half of the page (WCXB sets only).
    pub half: Option<Half>,
    /// Normalized true positives, false positives, false negatives (summing to 1 unless all 0).
    pub tp: f64,
    pub fp: f64,
    pub fn_: f64,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// WCXB's word-level precision, recall and F1 (WCXB sets only).
    pub word: Option<(f64, f64, f64)>,
    pub title_exact: Option<bool>,
    pub title: Option<String>,
    pub expected_title: Option<String>,
    /// The normalizer refused the input (the Display text of its error; the API's 422).
    pub error: Option<String>,
    pub predicted: String,
}

/// Scores of one set, or of one half of a WCXB set.
#[derive(Debug, Clone)]
pub struct SetScore {
    pub name: String,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// Mean WCXB word F1 (WCXB sets only).
    pub word_f1: Option<f64>,
    /// Share of titles equal to the expected one (sets with expected titles only).
    pub title_exact: Option<f64>,
    pub errors: usize,
    /// Pages a second through the normalizer (one thread, reading excluded).
    pub pages_per_second: f64,
    pub docs: Vec<DocScore>,
}

/// The whole evaluation.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub sets: Vec<SetScore>,
}

/// What to evaluate.
#[derive(Debug, Clone)]
pub struct EvalOptions {
    /// Set names from [`ALL_SETS`].
    pub sets: Vec<String>,
}

impl Default for EvalOptions {
    fn default() -> Self {
        EvalOptions {
            sets: ALL_SETS.iter().map(|s| s.to_string()).collect(),
        }
    }
}

struct Case {
    id: String,
    input: Input,
    body: String,
    title: Option<String>,
    half: Option<Half>,
}

enum Input {
    Text(String),
    Html(Vec<u8>),
}

/// Evaluate the sets `options` names; sets whose files are missing are skipped.
pub fn run(dir: &Path, options: &EvalOptions) -> Report {
    let now = OffsetDateTime::now_utc();
    let dictionary = EntityDictionary::empty();
    crate::normalize::warm_up();
    let mut report = Report::default();
    for name in ALL_SETS {
        if !options.sets.iter().any(|s| s == name) {
            continue;
        }
        let cases = load_cases(dir, name);
        if cases.is_empty() {
            continue;
        }
        let start = Instant::now();
        let docs: Vec<DocScore> = cases
            .iter()
            .map(|c| score_case(c, &dictionary, now))
            .collect();
        let rate = cases.len() as f64 / start.elapsed().as_secs_f64().max(1e-9);
        let whole = summarise(name, docs, rate);
        if name.starts_with("wcxb") {
            for half in [Half::Fit, Half::Check] {
                let part = whole
                    .docs
                    .iter()
                    .filter(|d| d.half == Some(half))
                    .cloned()
                    .collect();
                let mut s = summarise(&format!("{name}/{}", half.as_str()), part, rate);
                s.pages_per_second = f64::NAN;
                report.sets.push(s);
            }
        }
        report.sets.push(whole);
    }
    report
}

fn read_gz(path: &Path) -> Option<Vec<u8>> {
    let file = std::fs::File::open(path).ok()?;
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(file)
        .read_to_end(&mut out)
        .ok()?;
    Some(out)
}

fn read_json(path: &Path) -> Option<serde_json::Map<String, Value>> {
    let text = std::fs::read_to_string(path).ok()?;
    match serde_json::from_str::<Value>(&text).ok()? {
        Value::Object(map) => Some(map),
        _ => None,
    }
}

fn load_cases(dir: &Path, set: &str) -> Vec<Case> {
    match set {
        "indic" => load_indic(dir),
        "aeb_text" | "aeb_text_main" | "aeb_html" => {
            let Some(truth) = read_json(&dir.join("aeb").join("ground-truth.json")) else {
                return Vec::new();
            };
            let mut ids: Vec<&String> = truth.keys().collect();
            ids.sort();
            ids.into_iter()
                .filter_map(|id| {
                    let input = if set == "aeb_html" {
                        Input::Html(read_gz(
                            &dir.join("aeb").join("html").join(format!("{id}.html.gz")),
                        )?)
                    } else {
                        Input::Text(
                            std::fs::read_to_string(dir.join(set).join(format!("{id}.txt")))
                                .ok()?,
                        )
                    };
                    Some(Case {
                        id: id.clone(),
                        input,
                        body: truth[id]["articleBody"].as_str().unwrap_or("").to_string(),
                        title: None,
                        half: None,
                    })
                })
                .collect()
        }
        "wcxb_html" | "wcxb_text" | "wcxb_text_main" => {
            let Some(truth) = read_json(&dir.join("wcxb").join("ground-truth.json")) else {
                return Vec::new();
            };
            let mut ids: Vec<&String> = truth.keys().collect();
            ids.sort();
            ids.into_iter()
                .filter_map(|id| {
                    let entry = &truth[id];
                    let input = match set {
                        "wcxb_html" => Input::Html(read_gz(
                            &dir.join("wcxb").join("html").join(format!("{id}.html.gz")),
                        )?),
                        _ => {
                            let sub = set.trim_start_matches("wcxb_");
                            let base = dir.join("wcxb").join(sub);
                            let bytes = read_gz(&base.join(format!("{id}.txt.gz")))
                                .or_else(|| std::fs::read(base.join(format!("{id}.txt"))).ok())?;
                            Input::Text(String::from_utf8_lossy(&bytes).into_owned())
                        }
                    };
                    Some(Case {
                        id: id.clone(),
                        input,
                        body: entry["main_content"].as_str().unwrap_or("").to_string(),
                        title: entry["title"]
                            .as_str()
                            .filter(|t| !t.is_empty())
                            .map(str::to_string),
                        half: Some(Half::of_url(entry["url"].as_str().unwrap_or(""))),
                    })
                })
                .collect()
        }
        _ => Vec::new(),
    }
}

fn load_indic(dir: &Path) -> Vec<Case> {
    let mut cases = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir.join("indic")) else {
        return cases;
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    for jp in paths {
        let Some(exp) = read_json(&jp) else {
            continue;
        };
        let Ok(input) = std::fs::read_to_string(jp.with_extension("txt")) else {
            continue;
        };
        let body = exp
            .get("body_paragraphs")
            .and_then(Value::as_array)
            .map(|ps| {
                ps.iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .unwrap_or_default();
        cases.push(Case {
            id: jp
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default(),
            input: Input::Text(input),
            body,
            title: exp.get("title").and_then(Value::as_str).map(str::to_string),
            half: None,
        });
    }
    cases
}

fn score_case(case: &Case, dictionary: &EntityDictionary, now: OffsetDateTime) -> DocScore {
    let result = match &case.input {
        Input::Text(text) => normalize(&Envelope::from_text(text.clone()), now),
        Input::Html(html) => normalize_html(html, None, &Envelope::default(), dictionary, now),
    };
    let (predicted, title, error) = match result {
        Ok(a) => (a.body_text, Some(a.title), None),
        Err(e) => (String::new(), None, Some(e.to_string())),
    };
    let (tp, fp, fn_) = doc_counts(&case.body, &predicted);
    let precision = prec(tp, fp, fn_);
    let recall = rec(tp, fp, fn_);
    let f1 = if precision + recall > 0.0 {
        2.0 * precision * recall / (precision + recall)
    } else {
        0.0
    };
    DocScore {
        id: case.id.clone(),
        half: case.half,
        tp,
        fp,
        fn_,
        precision,
        recall,
        f1,
        word: case.half.map(|_| word_prf(&predicted, &case.body)),
        title_exact: case
            .title
            .as_ref()
            .map(|t| title.as_deref().unwrap_or("") == t),
        title,
        expected_title: case.title.clone(),
        error,
        predicted,
    }
}

/// WCXB's word-level (precision, recall, F1) of one page, as its `evaluate.py` (and `score.py`)
/// compute it: bags of `\w+` tokens of the lower-cased texts.
pub fn word_prf(predicted: &str, reference: &str) -> (f64, f64, f64) {
    let pred_lower = predicted.to_lowercase();
    let ref_lower = reference.to_lowercase();
    let pred = tokens(&pred_lower);
    let reference = tokens(&ref_lower);
    if reference.is_empty() {
        return if pred.is_empty() {
            (1.0, 1.0, 1.0)
        } else {
            (0.0, 0.0, 0.0)
        };
    }
    if pred.is_empty() {
        return (0.0, 0.0, 0.0);
    }
    let mut bag: HashMap<&str, usize> = HashMap::new();
    for t in &reference {
        *bag.entry(t).or_insert(0) += 1;
    }
    let mut overlap = 0usize;
    for t in &pred {
        if let Some(n) = bag.get_mut(t) {
            if *n > 0 {
                *n -= 1;
                overlap += 1;
            }
        }
    }
    let p = overlap as f64 / pred.len() as f64;
    let r = overlap as f64 / reference.len() as f64;
    let f = if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    };
    (p, r, f)
}

/// Tokens as the benchmark sees them: maximal runs of Python `\w`.
pub fn tokens(text: &str) -> Vec<&str> {
    match &*WORD {
        Some(re) => re.find_iter(text).map(|m| m.as_str()).collect(),
        None => Vec::new(),
    }
}

/// Multiset of 4-token shingles (one shorter shingle for a text of fewer than 4 tokens).
pub fn shingle_counts(text: &str) -> HashMap<Vec<&str>, usize> {
    const N: usize = 4;
    let toks = tokens(text);
    let mut out = HashMap::new();
    let last = toks.len().saturating_sub(N - 1).max(1);
    for start in 0..last {
        let end = (start + N).min(toks.len());
        if start < end {
            *out.entry(toks[start..end].to_vec()).or_insert(0) += 1;
        }
    }
    out
}

/// Normalized (tp, fp, fn) of one document.
pub fn doc_counts(truth: &str, predicted: &str) -> (f64, f64, f64) {
    let t = shingle_counts(truth);
    let p = shingle_counts(predicted);
    let (mut tp, mut fp, mut fn_) = (0usize, 0usize, 0usize);
    for (k, &a) in &t {
        let b = p.get(k).copied().unwrap_or(0);
        tp += a.min(b);
        fn_ += a.saturating_sub(b);
    }
    for (k, &b) in &p {
        let a = t.get(k).copied().unwrap_or(0);
        fp += b.saturating_sub(a);
    }
    let total = (tp + fp + fn_) as f64;
    if total > 0.0 {
        (tp as f64 / total, fp as f64 / total, fn_ as f64 / total)
    } else {
        (0.0, 0.0, 0.0)
    }
}

/// A document's precision from its normalized counts (the benchmark's edge cases included).
pub fn prec(tp: f64, fp: f64, fn_: f64) -> f64 {
    if fp == 0.0 && fn_ == 0.0 {
        1.0
    } else if tp == 0.0 && fp == 0.0 {
        0.0
    } else {
        tp / (tp + fp)
    }
}

/// A document's recall from its normalized counts.
pub fn rec(tp: f64, fp: f64, fn_: f64) -> f64 {
    if fp == 0.0 && fn_ == 0.0 {
        1.0
    } else if tp == 0.0 && fn_ == 0.0 {
        0.0
    } else {
        tp / (tp + fn_)
    }
}

fn mean(xs: &[f64]) -> f64 {
    if xs.is_empty() {
        0.0
    } else {
        xs.iter().sum::<f64>() / xs.len() as f64
    }
}

fn summarise(name: &str, docs: Vec<DocScore>, pages_per_second: f64) -> SetScore {
    let ps: Vec<f64> = docs
        .iter()
        .filter(|d| d.tp + d.fp > 0.0)
        .map(|d| prec(d.tp, d.fp, d.fn_))
        .collect();
    let rs: Vec<f64> = docs
        .iter()
        .filter(|d| d.tp + d.fn_ > 0.0)
        .map(|d| rec(d.tp, d.fp, d.fn_))
        .collect();
    let (precision, recall) = (mean(&ps), mean(&rs));
    let f1 = if precision + recall > 0.0 {
        2.0 * precision * recall / (precision + recall)
    } else {
        0.0
    };
    let titled: Vec<f64> = docs
        .iter()
        .filter_map(|d| d.title_exact.map(|t| if t { 1.0 } else { 0.0 }))
        .collect();
    let words: Vec<f64> = docs.iter().filter_map(|d| d.word.map(|w| w.2)).collect();
    SetScore {
        name: name.to_string(),
        precision,
        recall,
        f1,
        word_f1: (!words.is_empty()).then(|| mean(&words)),
        title_exact: (!titled.is_empty()).then(|| mean(&titled)),
        errors: docs.iter().filter(|d| d.error.is_some()).count(),
        pages_per_second,
        docs,
    }
}

impl Report {
    /// Write each page's predicted body (`DIR/SET/ID.txt`) and one line a page
    /// (`DIR/pages.tsv`: set, id, half, shingle F1, P, R, word F1, title exact, error, title got,
    /// title expected) for comparing runs.
    pub fn dump(&self, dir: &Path) -> std::io::Result<()> {
        use std::fmt::Write as _;
        let mut tsv = String::from(
            "set\tid\thalf\tf1\tprecision\trecall\tword_f1\ttitle_exact\terror\ttitle\texpected_title\n",
        );
        let clean = |s: &str| s.replace(['\t', '\n'], " ");
        for set in self.sets.iter().filter(|s| !s.name.contains('/')) {
            let d = dir.join(&set.name);
            std::fs::create_dir_all(&d)?;
            for doc in &set.docs {
                std::fs::write(d.join(format!("{}.txt", doc.id)), &doc.predicted)?;
                let _ = writeln!(
                    tsv,
                    "{}\t{}\t{}\t{:.4}\t{:.4}\t{:.4}\t{}\t{}\t{}\t{}\t{}",
                    set.name,
                    doc.id,
                    doc.half.map_or("", Half::as_str),
                    doc.f1,
                    doc.precision,
                    doc.recall,
                    doc.word.map_or_else(String::new, |w| format!("{:.4}", w.2)),
                    doc.title_exact.map_or("", |t| if t { "1" } else { "0" }),
                    doc.error.is_some() as u8,
                    clean(doc.title.as_deref().unwrap_or("")),
                    clean(doc.expected_title.as_deref().unwrap_or("")),
                );
            }
        }
        std::fs::write(dir.join("pages.tsv"), tsv)
    }

    /// The `n` lowest-scoring pages of each set, one line each.
    pub fn worst(&self, n: usize) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        for set in self.sets.iter().filter(|s| !s.name.contains('/')) {
            let mut docs: Vec<&DocScore> = set.docs.iter().collect();
            docs.sort_by(|a, b| a.f1.total_cmp(&b.f1));
            for d in docs.into_iter().take(n) {
                let _ = writeln!(
                    out,
                    "  {:<15} {:.16} {:<5} F1={:.3} P={:.3} R={:.3}{}",
                    set.name,
                    d.id,
                    d.half.map_or("", Half::as_str),
                    d.f1,
                    d.precision,
                    d.recall,
                    d.error
                        .as_deref()
                        .map_or_else(String::new, |e| format!(" error: {e}"))
                );
            }
        }
        out
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{:<20} {:>4} {:>4}  {:>6} {:>6} {:>6}  {:>7}  {:>5}  {:>7}",
            "set", "n", "422", "F1", "P", "R", "word F1", "title", "pages/s"
        )?;
        let opt = |v: Option<f64>| v.map_or_else(|| "".to_string(), |t| format!("{t:.3}"));
        for s in &self.sets {
            let rate = if s.pages_per_second.is_finite() {
                format!("{:.0}", s.pages_per_second)
            } else {
                String::new()
            };
            writeln!(
                f,
                "{:<20} {:>4} {:>4}  {:>6.3} {:>6.3} {:>6.3}  {:>7}  {:>5}  {:>7}",
                s.name,
                s.docs.len(),
                s.errors,
                s.f1,
                s.precision,
                s.recall,
                opt(s.word_f1),
                opt(s.title_exact),
                rate
            )?;
        }
        Ok(())
    }
}

/// One WCXB page's publication date and authors, found and expected.
#[derive(Debug, Clone)]
pub struct MetaDoc {
    pub id: String,
    pub half: Half,
    /// `YYYY-MM-DD` expected (empty when WCXB annotates none) and found (empty when none).
    pub expected_date: String,
    pub date: String,
    pub date_source: String,
    pub expected_author: String,
    pub authors: Vec<String>,
}

impl MetaDoc {
    fn author_hit(&self) -> bool {
        let (ta, pa) = (self.expected_name(), self.found_names());
        !ta.is_empty() && !pa.is_empty() && (ta.contains(&pa) || pa.contains(&ta))
    }

    fn expected_name(&self) -> String {
        norm_name(&self.expected_author)
    }

    fn found_names(&self) -> String {
        self.authors
            .iter()
            .map(|a| norm_name(a))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// `score_meta.py`'s `norm_name`: NFKC, runs of non-word characters as one space, trimmed,
/// lower-cased.
fn norm_name(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let nfkc: String = s.nfkc().collect();
    let mut out = String::new();
    let mut gap = false;
    for c in nfkc.chars() {
        // Python's `\w`: letters, numbers, the underscore, and (in `re`) combining marks too.
        if c.is_alphanumeric() || c == '_' || is_mark(c) {
            if gap && !out.is_empty() {
                out.push(' ');
            }
            gap = false;
            out.extend(c.to_lowercase());
        } else {
            gap = true;
        }
    }
    out
}

/// Combining marks of the scripts on the dev set (Python's `re` counts `Mn`/`Mc` as `\w`).
fn is_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x0900..=0x0903 | 0x093A..=0x094F | 0x0951..=0x0957 | 0x0962..=0x0963)
}

/// Date accuracy and author precision/recall over a set of pages, as `score_meta.py` computes
/// them.
#[derive(Debug, Clone)]
pub struct MetaScore {
    pub name: String,
    /// Pages with an annotated date; of them, found on the same day; found on another day.
    pub dated: usize,
    pub date_right: usize,
    pub date_wrong: usize,
    /// Pages with an annotated author; pages with any author found; hits among each.
    pub authored: usize,
    pub author_hits: usize,
    pub predicted: usize,
    pub predicted_hits: usize,
}

impl MetaScore {
    fn of(name: &str, docs: &[&MetaDoc]) -> MetaScore {
        let mut s = MetaScore {
            name: name.to_string(),
            dated: 0,
            date_right: 0,
            date_wrong: 0,
            authored: 0,
            author_hits: 0,
            predicted: 0,
            predicted_hits: 0,
        };
        for d in docs {
            if !d.expected_date.is_empty() {
                s.dated += 1;
                if d.date == d.expected_date {
                    s.date_right += 1;
                } else if !d.date.is_empty() {
                    s.date_wrong += 1;
                }
            }
            let hit = d.author_hit();
            if !d.expected_name().is_empty() {
                s.authored += 1;
                s.author_hits += usize::from(hit);
            }
            if !d.found_names().is_empty() {
                s.predicted += 1;
                s.predicted_hits += usize::from(hit);
            }
        }
        s
    }

    fn ratio(a: usize, b: usize) -> f64 {
        a as f64 / b.max(1) as f64
    }
}

/// The metadata evaluation: WCXB's whole pages with their URLs (as `score_meta.py` sends them),
/// scored by half and whole.
#[derive(Debug, Clone, Default)]
pub struct MetaReport {
    pub sets: Vec<MetaScore>,
    pub docs: Vec<MetaDoc>,
    pub pages_per_second: f64,
}

/// Score the publication dates and authors found in WCXB's pages against its annotations
/// (`publish_date`, `author`), the way `shared/devset/score_meta.py` does over the API.
pub fn run_meta(dir: &Path) -> MetaReport {
    let now = OffsetDateTime::now_utc();
    let dictionary = EntityDictionary::empty();
    crate::normalize::warm_up();
    let Some(truth) = read_json(&dir.join("wcxb").join("ground-truth.json")) else {
        return MetaReport::default();
    };
    let mut ids: Vec<&String> = truth.keys().collect();
    ids.sort();
    let pages: Vec<(&String, Vec<u8>)> = ids
        .into_iter()
        .filter_map(|id| {
            let html = read_gz(&dir.join("wcxb").join("html").join(format!("{id}.html.gz")))?;
            Some((id, html))
        })
        .collect();
    let start = Instant::now();
    let mut docs = Vec::new();
    for (id, html) in &pages {
        let entry = &truth[id.as_str()];
        let text = |k: &str| entry[k].as_str().unwrap_or("").to_string();
        let url = text("url");
        let envelope = Envelope {
            url: (!url.is_empty()).then(|| url.clone()),
            ..Envelope::default()
        };
        let article = normalize_html(html, None, &envelope, &dictionary, now).ok();
        let date = article
            .as_ref()
            .and_then(|a| a.published_at)
            .map(|t| {
                let d = t.date();
                format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
            })
            .unwrap_or_default();
        docs.push(MetaDoc {
            id: id.to_string(),
            half: Half::of_url(&url),
            expected_date: text("publish_date").chars().take(10).collect(),
            date,
            date_source: article
                .as_ref()
                .and_then(|a| a.published_at_source)
                .map_or("", |s| s.as_str())
                .to_string(),
            expected_author: text("author"),
            authors: article.map(|a| a.authors).unwrap_or_default(),
        });
    }
    let pages_per_second = pages.len() as f64 / start.elapsed().as_secs_f64().max(1e-9);
    let mut sets = Vec::new();
    for half in [Half::Fit, Half::Check] {
        let part: Vec<&MetaDoc> = docs.iter().filter(|d| d.half == half).collect();
        sets.push(MetaScore::of(
            &format!("wcxb_meta/{}", half.as_str()),
            &part,
        ));
    }
    sets.push(MetaScore::of("wcxb_meta", &docs.iter().collect::<Vec<_>>()));
    MetaReport {
        sets,
        docs,
        pages_per_second,
    }
}

impl MetaReport {
    /// One line a page whose date or author was missed or wrong (`DIR/meta.tsv`: id, half,
    /// expected date, found date, its source, expected author, found authors).
    pub fn dump(&self, dir: &Path) -> std::io::Result<()> {
        use std::fmt::Write as _;
        std::fs::create_dir_all(dir)?;
        let mut tsv = String::from(
            "id\thalf\tdate_ok\texpected_date\tdate\tsource\tauthor_ok\texpected_author\tauthors\n",
        );
        let clean = |s: &str| s.replace(['\t', '\n'], " ");
        for d in &self.docs {
            let _ = writeln!(
                tsv,
                "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                d.id,
                d.half.as_str(),
                u8::from(d.expected_date.is_empty() || d.date == d.expected_date),
                d.expected_date,
                d.date,
                d.date_source,
                u8::from(d.author_hit()),
                clean(&d.expected_author),
                clean(&d.authors.join(" | ")),
            );
        }
        std::fs::write(dir.join("meta.tsv"), tsv)
    }
}

impl fmt::Display for MetaReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{:<16} {:>5} {:>6} {:>6}  {:>5} {:>6} {:>6}  {:>7}",
            "set", "dated", "date", "wrong", "auth", "P", "R", "pages/s"
        )?;
        for (i, s) in self.sets.iter().enumerate() {
            let rate = if i + 1 == self.sets.len() {
                format!("{:.0}", self.pages_per_second)
            } else {
                String::new()
            };
            writeln!(
                f,
                "{:<16} {:>5} {:>6.3} {:>6.3}  {:>5} {:>6.3} {:>6.3}  {:>7}",
                s.name,
                s.dated,
                MetaScore::ratio(s.date_right, s.dated),
                MetaScore::ratio(s.date_wrong, s.dated),
                s.authored,
                MetaScore::ratio(s.predicted_hits, s.predicted),
                MetaScore::ratio(s.author_hits, s.authored),
                rate
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_word_tokens_split_at_vowel_signs() {
        // "किम" = क + ि (a vowel sign, not \w) + म.
        assert_eq!(
            tokens("किम snake_case 42"),
            vec!["क", "म", "snake_case", "42"]
        );
    }

    #[test]
    fn metric_matches_the_benchmark() {
        assert_eq!(doc_counts("a b c d e", "a b c d e"), (1.0, 0.0, 0.0));
        let (tp, fp, fn_) = doc_counts("a b c d e", "a b c d");
        assert!((tp - 0.5).abs() < 1e-9 && fp == 0.0 && (fn_ - 0.5).abs() < 1e-9);
        assert_eq!(shingle_counts("a b").len(), 1);
        assert!(shingle_counts("").is_empty());
    }

    #[test]
    fn word_f1_is_wcxbs() {
        // Case folded, a bag (repeats count once each), empty edge cases as evaluate.py.
        let (p, r, f) = word_prf("The cat the", "the CAT sat");
        assert!((p - 2.0 / 3.0).abs() < 1e-9 && (r - 2.0 / 3.0).abs() < 1e-9);
        assert!((f - 2.0 / 3.0).abs() < 1e-9);
        assert_eq!(word_prf("", ""), (1.0, 1.0, 1.0));
        assert_eq!(word_prf("x", ""), (0.0, 0.0, 0.0));
        assert_eq!(word_prf("", "x"), (0.0, 0.0, 0.0));
    }

    #[test]
    fn names_fold_as_score_meta_does() {
        assert_eq!(norm_name("Dylan Bailey, MS, RD"), "dylan bailey ms rd");
        assert_eq!(norm_name("  O'Neil—Smith "), "o neil smith");
    }

    #[test]
    fn halves_follow_the_fixed_rule() {
        // sha256("example.com") starts with "a3", sha256("bbc.co.uk") with "46" (hashlib).
        assert_eq!(Half::of_url("https://www.Example.com/a"), Half::Check);
        assert_eq!(Half::of_url("https://bbc.co.uk/news/1"), Half::Fit);
    }
}
