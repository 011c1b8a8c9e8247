//! Dev-set evaluation (slow; run with
//! `cargo test --release --test devset_eval -- --ignored --nocapture`). Set `NEWSDESK_DEVSET` to
//! the dev-set folder (default `../shared/devset`), `NEWSDESK_WORST=n` to list the worst cases.

use std::path::PathBuf;

#[test]
#[ignore = "reads the shared dev set; run explicitly"]
fn devset() {
    let dir = std::env::var("NEWSDESK_DEVSET")
        .map_or_else(|_| PathBuf::from("../shared/devset"), PathBuf::from);
    let report = newsdesk::eval::run_devset(&dir);
    println!("{report}");
    let worst: usize = std::env::var("NEWSDESK_WORST")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    for set in &report.sets {
        let mut docs: Vec<_> = set.docs.iter().collect();
        docs.sort_by(|a, b| a.f1.total_cmp(&b.f1));
        for d in docs.iter().take(worst) {
            println!(
                "  {} {:.24} F1={:.3} P={:.3} R={:.3} {}",
                set.name,
                d.id,
                d.f1,
                d.precision,
                d.recall,
                d.error.as_deref().unwrap_or("")
            );
        }
    }
    if let Ok(dump) = std::env::var("NEWSDESK_DUMP") {
        for set in &report.sets {
            let d = PathBuf::from(&dump).join(&set.name);
            std::fs::create_dir_all(&d).expect("dump dir");
            for doc in &set.docs {
                std::fs::write(d.join(format!("{}.txt", doc.id)), &doc.predicted).expect("dump");
            }
        }
    }
}

/// Show what the normalizer removed from one file and why (`NEWSDESK_EXPLAIN=path`).
#[test]
#[ignore = "a debugging aid"]
fn explain() {
    let Ok(path) = std::env::var("NEWSDESK_EXPLAIN") else {
        return;
    };
    let text = std::fs::read_to_string(path).expect("readable file");
    let now = time::OffsetDateTime::now_utc();
    match newsdesk::normalize::normalize(&newsdesk::normalize::Envelope::from_text(text), now) {
        Ok(a) => {
            println!(
                "TITLE {}\nSUMMARY {:?}\nLANG {} {}",
                a.title, a.summary, a.language, a.script
            );
            for r in &a.removed {
                let t: String = r.text.chars().take(110).collect();
                println!("  - [{}] {}", r.reason, t);
            }
            for b in &a.blocks {
                let t: String = b.text.chars().take(110).collect();
                println!("  + [{}] {}", b.kind.as_str(), t);
            }
        }
        Err(e) => println!("ERROR {e}"),
    }
}
