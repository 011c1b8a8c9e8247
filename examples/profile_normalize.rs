//! Normalizes one file many times in a loop, for profilers that count instructions
//! (`valgrind --tool=callgrind`), whose totals do not depend on what else the machine runs:
//!
//!     cargo build --profile eval --example profile_normalize
//!     valgrind --tool=callgrind target/eval/examples/profile_normalize \
//!         tests/fixtures/abplive-putin-kim.txt 20
//!
//! A file ending in `.html` goes through the HTML path; `--no-tagger` turns the Hindi tagger off. The warm-up normalization (tables and
//! the tagger's model) runs before the loop; callgrind's `--toggle-collect=*run_loop*` leaves it
//! out of the counts.

use std::process::ExitCode;

use newsdesk::normalize::{normalize, normalize_html, EntityDictionary, Envelope};
use time::OffsetDateTime;

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(at) = args.iter().position(|a| a == "--no-tagger") {
        args.remove(at);
        newsdesk::normalize::set_hindi_tagger(false);
    }
    let mut args = args.into_iter();
    let (Some(path), iterations) = (args.next(), args.next()) else {
        eprintln!("usage: profile_normalize [--no-tagger] FILE [ITERATIONS]");
        return ExitCode::from(2);
    };
    let iterations: usize = match iterations.as_deref().map(str::parse).unwrap_or(Ok(10)) {
        Ok(n) => n,
        Err(e) => {
            eprintln!("ITERATIONS: {e}");
            return ExitCode::from(2);
        }
    };
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{path}: {e}");
            return ExitCode::from(1);
        }
    };
    let html = path.ends_with(".html");
    newsdesk::normalize::warm_up();
    let now = OffsetDateTime::now_utc();
    let blocks = run_loop(&bytes, html, iterations, now);
    println!("{iterations} runs, {blocks} body blocks in the last");
    ExitCode::SUCCESS
}

#[inline(never)]
fn run_loop(bytes: &[u8], html: bool, iterations: usize, now: OffsetDateTime) -> usize {
    let dictionary = EntityDictionary::empty();
    let envelope = Envelope::from_text(String::from_utf8_lossy(bytes).into_owned());
    let mut blocks = 0;
    for _ in 0..iterations {
        let result = if html {
            normalize_html(bytes, None, &Envelope::default(), &dictionary, now)
        } else {
            normalize(std::hint::black_box(&envelope), now)
        };
        blocks = result.map(|a| a.blocks.len()).unwrap_or(0);
    }
    blocks
}
