//! The search index's tokens and stems of each line of standard input, for measuring the
//! stemmer (tools/search_stemming.py): one output line per input line, the tokens and their
//! stems as two tab-separated, space-joined lists.
//!
//!     cargo run --example stems < words.txt

use std::io::{BufRead, Write};

use newsdesk::store::search::tokens;
use newsdesk::store::stems::stem;

fn main() -> std::io::Result<()> {
    let stdin = std::io::stdin();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for line in stdin.lock().lines() {
        let tokens = tokens(&line?);
        let stems: Vec<String> = tokens.iter().map(|t| stem(t)).collect();
        writeln!(out, "{}\t{}", tokens.join(" "), stems.join(" "))?;
    }
    out.flush()
}
