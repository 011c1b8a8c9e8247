//! What the normalizer kept and removed from one input, and why: a debugging aid for dev-set
//! work.
//!
//! ```text
//! cargo run --profile eval --example explain -- FILE [--html]
//! ```
//! `FILE` may be gzipped (`.gz`); `--html` (or a name ending in `.html`/`.html.gz`) sends it
//! through the HTML path.

use std::io::Read;

use newsdesk::normalize::{normalize, normalize_html, EntityDictionary, Envelope};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.iter().find(|a| !a.starts_with("--")) else {
        return Err("usage: explain FILE [--html]".into());
    };
    let mut bytes = Vec::new();
    if path.ends_with(".gz") {
        flate2::read::GzDecoder::new(std::fs::File::open(path)?).read_to_end(&mut bytes)?;
    } else {
        bytes = std::fs::read(path)?;
    }
    let html = args.iter().any(|a| a == "--html") || path.contains(".html");
    let now = time::OffsetDateTime::now_utc();
    let result = if html {
        normalize_html(
            &bytes,
            None,
            &Envelope::default(),
            &EntityDictionary::empty(),
            now,
        )
    } else {
        normalize(
            &Envelope::from_text(String::from_utf8_lossy(&bytes).into_owned()),
            now,
        )
    };
    match result {
        Ok(a) => {
            println!(
                "TITLE {}\nSUMMARY {:?}\nKICKERS {:?}\nLANG {} {}",
                a.title, a.summary, a.kickers, a.language, a.script
            );
            for r in &a.removed {
                let t: String = r.text.chars().take(140).collect();
                println!("  - [{}] {}", r.reason, t);
            }
            for b in &a.blocks {
                let t: String = b.text.chars().take(140).collect();
                println!("  + [{}] {}", b.kind.as_str(), t);
            }
        }
        Err(e) => println!("ERROR {e}"),
    }
    Ok(())
}
