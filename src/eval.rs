//! Dev-set evaluation: runs the normalizer over `devset/` (aeb_text, aeb_text_main, indic) and
//! scores the body text with the article-extraction benchmark's shingle metric, as `score.py`
//! defines it, plus title exact-match on the Hindi set. I/O lives here, not in `normalize`.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;
use time::OffsetDateTime;

use crate::normalize::{normalize, Envelope};

/// Python's `\w` on `str`: letters (L*), numbers (N*) and the underscore. Unlike Rust's or the
/// regex crate's notion of a word character it leaves out combining marks, so Devanagari words
/// fragment at vowel signs exactly as they do in the benchmark.
static WORD: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"[\p{L}\p{N}_]+").ok());

/// One scored document.
#[derive(Debug, Clone)]
pub struct DocScore {
    pub id: String,
    /// Normalized true positives, false positives, false negatives (summing to 1 unless all 0).
    pub tp: f64,
    pub fp: f64,
    pub fn_: f64,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub title_exact: Option<bool>,
    /// The normalizer refused the input (the Display text of its error).
    pub error: Option<String>,
    pub predicted: String,
}

/// Scores of one set.
#[derive(Debug, Clone)]
pub struct SetScore {
    pub name: String,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// Share of titles equal to the expected one (sets with expected titles only).
    pub title_exact: Option<f64>,
    pub errors: usize,
    pub docs: Vec<DocScore>,
}

/// The whole evaluation.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub sets: Vec<SetScore>,
}

struct Case {
    id: String,
    input: String,
    body: String,
    title: Option<String>,
}

/// Evaluate the normalizer on the dev set in `dir` (the folder holding `aeb/`, `aeb_text/`, …).
/// Sets whose files are missing are skipped.
pub fn run_devset(dir: &Path) -> Report {
    let now = OffsetDateTime::now_utc();
    let mut report = Report::default();
    for name in ["aeb_text", "aeb_text_main", "indic"] {
        let cases = load_cases(dir, name);
        if cases.is_empty() {
            continue;
        }
        let docs = cases.iter().map(|c| score_case(c, now)).collect();
        report.sets.push(summarise(name, docs));
    }
    report
}

fn load_cases(dir: &Path, set: &str) -> Vec<Case> {
    let mut cases = Vec::new();
    if set == "indic" {
        let Ok(entries) = std::fs::read_dir(dir.join("indic")) else {
            return cases;
        };
        let mut paths: Vec<_> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        paths.sort();
        for jp in paths {
            let Some(exp) = std::fs::read_to_string(&jp)
                .ok()
                .and_then(|s| serde_json::from_str::<Value>(&s).ok())
            else {
                continue;
            };
            let Ok(input) = std::fs::read_to_string(jp.with_extension("txt")) else {
                continue;
            };
            let body = exp["body_paragraphs"]
                .as_array()
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
                input,
                body,
                title: exp["title"].as_str().map(str::to_string),
            });
        }
        return cases;
    }
    let Some(truth) = std::fs::read_to_string(dir.join("aeb").join("ground-truth.json"))
        .ok()
        .and_then(|s| serde_json::from_str::<Value>(&s).ok())
    else {
        return cases;
    };
    let Some(map) = truth.as_object() else {
        return cases;
    };
    let mut ids: Vec<&String> = map.keys().collect();
    ids.sort();
    for id in ids {
        let Ok(input) = std::fs::read_to_string(dir.join(set).join(format!("{id}.txt"))) else {
            continue;
        };
        cases.push(Case {
            id: id.clone(),
            input,
            body: map[id]["articleBody"].as_str().unwrap_or("").to_string(),
            title: None,
        });
    }
    cases
}

fn score_case(case: &Case, now: OffsetDateTime) -> DocScore {
    let (predicted, title, error) = match normalize(&Envelope::from_text(case.input.clone()), now) {
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
        tp,
        fp,
        fn_,
        precision,
        recall,
        f1,
        title_exact: case
            .title
            .as_ref()
            .map(|t| title.as_deref().unwrap_or("") == t),
        error,
        predicted,
    }
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

fn summarise(name: &str, docs: Vec<DocScore>) -> SetScore {
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
    SetScore {
        name: name.to_string(),
        precision,
        recall,
        f1,
        title_exact: (!titled.is_empty()).then(|| mean(&titled)),
        errors: docs.iter().filter(|d| d.error.is_some()).count(),
        docs,
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{:<14} {:>4} {:>4}  {:>6} {:>9} {:>6}  title_exact",
            "set", "n", "err", "F1", "precision", "recall"
        )?;
        for s in &self.sets {
            let title = s
                .title_exact
                .map_or_else(|| "n/a".to_string(), |t| format!("{t:.3}"));
            writeln!(
                f,
                "{:<14} {:>4} {:>4}  {:>6.3} {:>9.3} {:>6.3}  {}",
                s.name,
                s.docs.len(),
                s.errors,
                s.f1,
                s.precision,
                s.recall,
                title
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
}
