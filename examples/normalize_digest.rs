//! One line per input and mode: the SHA-256 of the serialized result (the `NormalizedArticle` as
//! JSON, or the error's text), for checking that a change to the normalizer's speed leaves its
//! output byte-identical:
//!
//!     cargo build --profile eval --example normalize_digest
//!     target/eval/examples/normalize_digest ../shared/devset > before.txt
//!     # ... change, rebuild ...
//!     target/eval/examples/normalize_digest ../shared/devset > after.txt
//!     diff before.txt after.txt
//!
//! Inputs: every `.txt` of `tests/fixtures` and `tests/fixtures/entities`, the HTML fixtures, and
//! the dev set's text inputs (`aeb_text`, `aeb_text_main`, `indic`, `wcxb/text`,
//! `wcxb/text_main`) and HTML pages (`aeb/html`, `wcxb/html`). Each runs with no dictionary and with
//! the editors' dictionary of the entity fixtures' annotations. `--dump DIR` also writes each
//! result's JSON, to see what differs.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use newsdesk::normalize::{
    normalize_html, normalize_with_dictionary, DictionaryEntry, EntityDictionary, EntityType,
    Envelope,
};
use sha2::{Digest, Sha256};
use time::macros::datetime;

enum Input {
    Text(String),
    Html(Vec<u8>),
}

fn sorted_files(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| {
        p.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.ends_with(suffix))
    });
    files.sort();
    files
}

fn read_maybe_gz(path: &Path) -> Option<Vec<u8>> {
    let bytes = std::fs::read(path).ok()?;
    if path.extension().is_some_and(|e| e == "gz") {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_end(&mut out)
            .ok()?;
        Some(out)
    } else {
        Some(bytes)
    }
}

/// Every annotated entity of the entity fixtures as a dictionary entry (as the bench builds it).
fn fixture_dictionary(dir: &Path) -> EntityDictionary {
    let mut entries = Vec::new();
    for file in sorted_files(dir, ".json") {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) else {
            continue;
        };
        for entity in json["entities"].as_array().into_iter().flatten() {
            let Ok(kind) = serde_json::from_value::<EntityType>(entity["type"].clone()) else {
                continue;
            };
            let aliases: Vec<String> = entity["aliases"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|a| a.as_str().map(String::from))
                .collect();
            let Some((name, rest)) = aliases.split_first() else {
                continue;
            };
            entries.push(DictionaryEntry {
                id: format!("e{}", entries.len()),
                name: name.clone(),
                kind,
                aliases: rest.to_vec(),
            });
        }
    }
    EntityDictionary::new(entries)
}

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let dump = args.iter().position(|a| a == "--dump").map(|at| {
        let dir = PathBuf::from(args.get(at + 1).cloned().unwrap_or_default());
        args.drain(at..(at + 2).min(args.len()));
        dir
    });
    let Some(devset) = args.first().map(PathBuf::from) else {
        eprintln!("usage: normalize_digest [--dump DIR] DEVSET_DIR");
        return ExitCode::from(2);
    };
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut inputs: Vec<(String, PathBuf)> = Vec::new();
    for (set, dir, suffix) in [
        ("fixtures", fixtures.clone(), ".txt"),
        ("entities", fixtures.join("entities"), ".txt"),
        ("html", fixtures.join("html"), ".html"),
        ("html", fixtures.join("html"), ".html.gz"),
        ("aeb_text", devset.join("aeb_text"), ".txt"),
        ("aeb_text_main", devset.join("aeb_text_main"), ".txt"),
        ("indic", devset.join("indic"), ".txt"),
        ("wcxb_text", devset.join("wcxb/text"), ".txt.gz"),
        ("wcxb_text_main", devset.join("wcxb/text_main"), ".txt.gz"),
        ("aeb_html", devset.join("aeb/html"), ".html.gz"),
        ("wcxb_html", devset.join("wcxb/html"), ".html.gz"),
    ] {
        for path in sorted_files(&dir, suffix) {
            inputs.push((set.to_string(), path));
        }
    }
    let dictionaries = [
        ("empty", EntityDictionary::empty()),
        ("dict", fixture_dictionary(&fixtures.join("entities"))),
    ];
    let now = datetime!(2026-11-27 20:00 UTC);
    if let Some(dir) = &dump {
        if let Err(e) = std::fs::create_dir_all(dir) {
            eprintln!("{}: {e}", dir.display());
            return ExitCode::from(1);
        }
    }
    for (set, path) in &inputs {
        let Some(bytes) = read_maybe_gz(path) else {
            eprintln!("{}: unreadable", path.display());
            return ExitCode::from(1);
        };
        let input = if path.to_string_lossy().contains(".html") {
            Input::Html(bytes)
        } else {
            Input::Text(String::from_utf8_lossy(&bytes).into_owned())
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        for (mode, dictionary) in &dictionaries {
            let result = match &input {
                Input::Text(text) => {
                    normalize_with_dictionary(&Envelope::from_text(text.clone()), dictionary, now)
                }
                Input::Html(html) => {
                    normalize_html(html, None, &Envelope::default(), dictionary, now)
                }
            };
            let json = match result {
                Ok(article) => serde_json::to_string_pretty(&article).unwrap_or_default(),
                Err(e) => format!("error: {e}"),
            };
            let digest = hex::encode(Sha256::digest(json.as_bytes()));
            println!("{set}/{name} {mode} {digest}");
            if let Some(dir) = &dump {
                let file = dir.join(format!("{set}--{name}--{mode}.json"));
                if let Err(e) = std::fs::write(&file, &json) {
                    eprintln!("{}: {e}", file.display());
                    return ExitCode::from(1);
                }
            }
        }
    }
    ExitCode::SUCCESS
}
