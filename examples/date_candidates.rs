//! Every date candidate the HTML path gathers for each WCXB page, most trusted first, as TSV
//! (`id`, `rank`, `source`, `value`): a debugging aid for the date rules' dev-set work.
//!
//! ```text
//! cargo run --profile eval --example date_candidates -- ../shared/devset > candidates.tsv
//! ```

use std::io::Read;
use std::path::Path;

use newsdesk::normalize::html::{decode_html, extract_page, Extractor};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let devset = std::env::args()
        .nth(1)
        .ok_or("usage: date_candidates DEVSET")?;
    let dir = Path::new(&devset).join("wcxb");
    let truth: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("ground-truth.json"))?)?;
    let Some(pages) = truth.as_object() else {
        return Err("ground-truth.json is not an object".into());
    };
    let mut ids: Vec<&String> = pages.keys().collect();
    ids.sort();
    for id in ids {
        let path = dir.join("html").join(format!("{id}.html.gz"));
        let mut bytes = Vec::new();
        flate2::read::GzDecoder::new(std::fs::File::open(&path)?).read_to_end(&mut bytes)?;
        let url = pages[id.as_str()]["url"].as_str().filter(|u| !u.is_empty());
        let Ok(text) = decode_html(&bytes, None) else {
            continue;
        };
        let page = extract_page(&text, url, Extractor::default());
        for (rank, c) in page.metadata.dates.iter().enumerate() {
            let value = c.value.replace(['\t', '\n', '\r'], " ");
            let value: String = value.chars().take(80).collect();
            println!("{id}\t{rank}\t{}\t{value}", c.source.as_str());
        }
    }
    Ok(())
}
