//! What the markup bounds (`newsdesk::normalize::html::markup_bounds`) see on the development
//! set's pages: nesting depth, elements, text weighted by depth and end tags that close nothing
//! weighted by depth, per page, against the limits.
//! The limits must never touch a real page; this shows how far below them real pages stay.
//!
//! ```text
//! cargo run --release --example markup_bounds -- [DEVSET_DIR]    # default ../shared/devset
//! ```
//! Reads `aeb/html/*.html.gz` and `wcxb/html/*.html.gz` (WCXB: CC-BY-4.0), each counted as the
//! extractor meets it: decoded and pruned (scripts, styles, comments gone), then bounded.

use std::io::Read;
use std::path::{Path, PathBuf};

use newsdesk::normalize::html::{
    decode_html, markup_bounds, MAX_DEPTH, MAX_ELEMENTS, MAX_STRAY_END_WORK, MAX_TEXT_WORK,
};

fn pages(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.to_string_lossy().ends_with(".html.gz"))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

fn quantile(sorted: &[u64], q: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let devset = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("../shared/devset"));
    for set in ["aeb", "wcxb"] {
        let (mut depths, mut elements, mut work, mut stray) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut worst = (0u64, String::new());
        let mut cut = 0;
        for path in pages(&devset.join(set).join("html")) {
            let mut bytes = Vec::new();
            flate2::read::GzDecoder::new(std::fs::File::open(&path)?).read_to_end(&mut bytes)?;
            let Ok(html) = decode_html(&bytes, None) else {
                continue;
            };
            let report = markup_bounds(&html);
            depths.push(report.depth as u64);
            elements.push(report.elements as u64);
            work.push(report.text_work);
            stray.push(report.stray_end_work);
            cut +=
                usize::from(report.cut || report.tags_dropped > 0 || report.stray_end_dropped > 0);
            if report.text_work > worst.0 {
                worst = (report.text_work, path.display().to_string());
            }
        }
        for v in [&mut depths, &mut elements, &mut work, &mut stray] {
            v.sort_unstable();
        }
        println!("{set}: {} pages, {cut} touched by a bound", depths.len());
        for (name, values, limit) in [
            ("depth", &depths, MAX_DEPTH as u64),
            ("elements", &elements, MAX_ELEMENTS as u64),
            ("text work", &work, MAX_TEXT_WORK),
            ("stray ends", &stray, MAX_STRAY_END_WORK),
        ] {
            let max = values.last().copied().unwrap_or(0);
            println!(
                "  {name:<10} median {:>11}  p99 {:>11}  max {:>11}  limit {:>11}  ({:.1}x the max)",
                quantile(values, 0.5),
                quantile(values, 0.99),
                max,
                limit,
                limit as f64 / max.max(1) as f64
            );
        }
        println!("  largest text work: {}", worst.1);
    }
    Ok(())
}
