//! Raw scraped article text in, [`NormalizedArticle`] out. Pure functions, no I/O.
//!
//! [`normalize`] reads top to bottom as the pipeline: check the explicit fields, clean the text,
//! split it into blocks, guess the language, strip boilerplate, find the title, summary, lead
//! image and headings, take off kickers, read a byline and dateline under the title, then infer
//! date and source and compute the statistics.

mod article;
mod author_box;
mod blocks;
mod boilerplate;
mod byline;
mod dates;
mod edit;
mod entities;
mod error;
mod explicit;
pub mod html;
mod hygiene;
mod inline;
/// The inline parser on `pulldown-cmark`, measured against the hand-written one.
#[cfg(feature = "cmark-inline")]
mod inline_cmark;
mod kickers;
mod language;
mod slug;
mod source;
mod stats;
mod stopwords;
mod structure;
mod substr;
mod tags;
mod threads;
mod wordfilter;

use time::OffsetDateTime;

pub use article::*;
pub use edit::{clean_edited_blocks, clean_edited_line, measure_edit, script_code, EditedText};
#[doc(hidden)]
pub use entities::set_hindi_tagger;
pub use entities::{extract_entities, transliteration_key, DictionaryEntry, EntityDictionary};
pub use error::NormalizeError;
pub use html::normalize_html;
pub use language::is_iso639_1;
pub use slug::slugify;
pub use stats::render_body_text;
pub use structure::is_safe_image_url;
pub use tags::{normalize_tag_name, tag_slug};

/// Turn an envelope of scraped text into a structured article, with no editors' dictionary.
pub fn normalize(
    envelope: &Envelope,
    now: OffsetDateTime,
) -> Result<NormalizedArticle, NormalizeError> {
    normalize_with_dictionary(envelope, &EntityDictionary::empty(), now)
}

/// A short article in both scripts the service sees most, for [`warm_up`].
const WARM_UP_TEXT: &str = "\
प्रधानमंत्री नरेंद्र मोदी ने दिल्ली में बैठक की
सरकार ने सोमवार को कहा कि नई योजना से किसानों को फायदा होगा और काम जल्द शुरू होगा।
The prime minister met officials in New Delhi on Monday to discuss the new plan for farmers.
ये भी पढ़ें: Read more
";

/// Builds the normalizer's tables (the gazetteer's automata, stop words, boilerplate markers)
/// by normalizing a short article, so that the first article a server is sent does not wait
/// for them (about 90 ms in a release build). The date patterns, which a text without dates or
/// URLs never reaches, are compiled too.
pub fn warm_up() {
    dates::compile_patterns();
    let _ = normalize(
        &Envelope::from_text(WARM_UP_TEXT.to_owned()),
        OffsetDateTime::UNIX_EPOCH,
    );
}

/// Turn an envelope of scraped text into a structured article. `now` bounds the plausible
/// publication dates and `dictionary` holds the editors' entities, so the result depends on the
/// inputs alone.
pub fn normalize_with_dictionary(
    envelope: &Envelope,
    dictionary: &EntityDictionary,
    now: OffsetDateTime,
) -> Result<NormalizedArticle, NormalizeError> {
    run_pipeline(envelope, dictionary, now, Leftovers::Judge)
}

/// How much of the boilerplate step's judgement to apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Leftovers {
    /// Raw text: judge every line (markers, link share, prose signals, context, position).
    Judge,
    /// Blocks already chosen by an HTML extractor: drop only lines the step recognizes outright
    /// (marker phrases, promo images, lines without words, the tail after a "related" marker);
    /// the extractor's choice of region stands.
    TrustRegion,
}

/// The text pipeline over blocks an HTML extractor already chose (see `html::normalize_html`).
pub(crate) fn normalize_extracted(
    envelope: &Envelope,
    dictionary: &EntityDictionary,
    now: OffsetDateTime,
) -> Result<NormalizedArticle, NormalizeError> {
    run_pipeline(envelope, dictionary, now, Leftovers::TrustRegion)
}

fn run_pipeline(
    envelope: &Envelope,
    dictionary: &EntityDictionary,
    now: OffsetDateTime,
    leftovers: Leftovers,
) -> Result<NormalizedArticle, NormalizeError> {
    let explicit = explicit::validate_explicit(envelope)?;

    let (text, line_shapes) = hygiene::clean_text_with_breaks(&envelope.text);
    if text.trim().is_empty() {
        return Err(NormalizeError::EmptyText);
    }

    let mut raw = blocks::split_blocks_with_breaks(&text, &line_shapes);
    if leftovers == Leftovers::TrustRegion {
        html::keep_own_numbers(&mut raw);
    }
    if !raw.iter().any(|b| b.text.chars().any(char::is_alphabetic)) {
        return Err(NormalizeError::NoProse);
    }

    let guess = language::detect_language(&prose_sample(&raw), explicit.language.as_deref());

    let heads = structure::find_heads(&raw);
    let mut verdicts = boilerplate::strip_boilerplate(&raw, &guess.language, &heads.indices());
    if leftovers == Leftovers::TrustRegion {
        html::keep_extracted_region(&raw, &mut verdicts);
    }

    let mut article = structure::build_structure(
        &raw,
        &verdicts,
        heads,
        explicit.title.as_deref(),
        explicit.summary.as_deref(),
    );
    if !has_body_text(&article.blocks) {
        article = best_candidate(&raw, &verdicts, heads, &explicit, article);
    }

    let kickers = kickers::extract_kickers(&mut article.summary, &mut article.blocks);

    let body_text = stats::render_body_text(&article.blocks);
    if body_text.is_empty() {
        // Lines this few are not page furniture: the text is simply not an article.
        let sent = words_after_title(&raw, explicit.title.is_some());
        if sent < MIN_BODY_WORDS {
            return Err(NormalizeError::TooShort {
                words: sent,
                minimum: MIN_BODY_WORDS,
            });
        }
        return Err(NormalizeError::NothingLeft {
            removed: article.removed.len(),
        });
    }

    let article_images: Vec<&str> = article
        .lead_image
        .iter()
        .map(|im| im.url.as_str())
        .chain(article.blocks.iter().filter_map(|b| b.url.as_deref()))
        .collect();
    // A byline and a dateline among the first lines under the title, for what the envelope
    // does not say.
    let first_lines: Vec<&str> = raw
        .iter()
        .map(|b| b.text.as_str())
        .filter(|t| t.trim_start_matches(['#', ' ']) != article.title)
        .take(byline::BYLINE_LINES)
        .collect();
    let byline = byline::find_byline(&first_lines);
    let published = dates::infer_published_at(
        explicit.published_at,
        explicit.url.as_ref().map(url::Url::as_str),
        byline.date,
        &article_images,
        now,
    );
    let image_urls: Vec<&str> = raw
        .iter()
        .flat_map(|b| b.images.iter().map(|im| im.url.as_str()))
        .collect();
    let source_domain = source::infer_source_domain(
        explicit.url.as_ref(),
        explicit.source.as_deref(),
        &image_urls,
    );
    let tags = tags::collect_tags(&kickers, &envelope.tags);
    let authors = if envelope.authors.is_empty() {
        byline.authors
    } else {
        envelope
            .authors
            .iter()
            .filter_map(|a| normalize_tag_name(a))
            .collect()
    };

    let entities = entities::extract_entities(
        &article.title,
        article.summary.as_deref(),
        &kickers,
        &article.blocks,
        article.lead_image.as_ref().and_then(|i| i.alt.as_deref()),
        dictionary,
    );

    let word_count = stats::word_count(&body_text);
    Ok(NormalizedArticle {
        content_hash: stats::content_hash(&article.title, &body_text),
        title: article.title,
        summary: article.summary,
        kickers,
        lead_image: article.lead_image,
        blocks: article.blocks,
        body_text,
        language: guess.language,
        script: guess.script.to_string(),
        word_count,
        reading_time_minutes: stats::reading_time_minutes(word_count),
        published_at: published.map(|(t, _)| t),
        published_at_source: published.map(|(_, s)| s),
        url: explicit.url.map(String::from),
        source_domain,
        authors,
        tags,
        entities,
        removed: article.removed,
    })
}

/// Whether any block holds text (not an image): what [`stats::render_body_text`] would render,
/// without rendering it.
fn has_body_text(blocks: &[article::Block]) -> bool {
    blocks
        .iter()
        .any(|b| b.kind != article::BlockType::Image && !b.text.is_empty())
}

/// A text with prose in it whose structure left no body: its best candidate, not a refusal.
/// First the prose lines removed for where they stand, else the summary line as the body; else,
/// when its one paragraph was taken for its title, that paragraph is the body too.
fn best_candidate(
    raw: &[blocks::RawBlock],
    verdicts: &[boilerplate::Verdict],
    heads: structure::Heads,
    explicit: &explicit::Explicit,
    mut article: structure::Structure,
) -> structure::Structure {
    let retry = match boilerplate::fallback_prose(raw, verdicts) {
        Some(v) => Some((v, heads)),
        None if heads.summary.is_some() && explicit.summary.is_none() => Some((
            verdicts.to_vec(),
            structure::Heads {
                summary: None,
                ..heads
            },
        )),
        None => None,
    };
    if let Some((v, h)) = retry {
        let again = structure::build_structure(
            raw,
            &v,
            h,
            explicit.title.as_deref(),
            explicit.summary.as_deref(),
        );
        if has_body_text(&again.blocks) {
            return again;
        }
    }
    if explicit.title.is_none() && boilerplate::is_prose_line(&article.title) {
        article.blocks.push(article::Block::text(
            article::BlockType::Paragraph,
            article.title.clone(),
        ));
    }
    article
}

/// Fewest words after the title line a text that leaves no article can have before the refusal
/// says it is too short rather than that its lines were page leftovers: one word ("Approved.",
/// "Hello") is never an article's text.
pub const MIN_BODY_WORDS: usize = 2;

/// Words of the lines after the title line (the first line with words), or of every line when
/// the envelope gives the title.
fn words_after_title(raw: &[blocks::RawBlock], titled: bool) -> usize {
    let mut lines = raw
        .iter()
        .filter(|b| b.text.chars().any(char::is_alphabetic));
    if !titled {
        lines.next();
    }
    lines.map(|b| stats::word_count(&b.text)).sum()
}

/// A sample of the input's longest lines, where its language shows best.
fn prose_sample(raw: &[blocks::RawBlock]) -> String {
    const SAMPLE_CHARS: usize = 1500;
    let mut longest: Vec<&blocks::RawBlock> = raw
        .iter()
        .filter(|b| b.is_text_like() && !mostly_data(&b.text))
        .collect();
    longest.sort_by_key(|b| std::cmp::Reverse(b.chars));
    let mut sample = String::new();
    for b in longest {
        if sample.len() >= SAMPLE_CHARS {
            break;
        }
        sample.push_str(&b.text);
        sample.push('\n');
    }
    sample
}

/// Whether most of a line is long unbroken ASCII runs (base64 of an inline image, a hash, a bare
/// URL): data, not words, and no sign of the language. Scripts written without spaces are not
/// ASCII, so they never count.
fn mostly_data(text: &str) -> bool {
    const LONGEST_WORD: usize = 64;
    // Data bytes are ASCII: a line not even half ASCII (most Indic prose) is not data. Counted
    // 32 bytes at a time (the compiler compares them at once).
    let non_ascii: usize = text
        .as_bytes()
        .chunks(32)
        .map(|chunk| usize::from(chunk.iter().fold(0u8, |n, &b| n + (b >> 7))))
        .sum();
    if (text.len() - non_ascii) * 2 <= text.len() {
        return false;
    }
    let mut data = 0;
    for token in text.split_ascii_whitespace() {
        if token.len() > LONGEST_WORD && token.is_ascii() {
            data += token.len();
        }
        // The tokens after this one hold at most the rest of the text.
        let end = token.as_ptr() as usize - text.as_ptr() as usize + token.len();
        if (data + (text.len() - end)) * 2 <= text.len() {
            return false;
        }
    }
    data * 2 > text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_lines_as_the_plain_definition_tells_them() {
        let plain = |text: &str| {
            let data: usize = text
                .split_ascii_whitespace()
                .filter(|token| token.len() > 64 && token.is_ascii())
                .map(str::len)
                .sum();
            data * 2 > text.len()
        };
        let blob = "QUJD".repeat(30);
        let lines = [
            String::new(),
            blob.clone(),
            format!("![x]({blob}) caption"),
            format!("a {blob} b c d e f g h i j k l m n o p q r s t u v w x y z {blob}"),
            format!("{} {blob}", "पुतिन ".repeat(40)),
            format!("{} {blob}", "पुतिन ".repeat(10)),
            format!("{blob}é{blob} word"),
            WARM_UP_TEXT.to_string(),
            "words and more words ".repeat(20),
        ];
        for line in &lines {
            assert_eq!(mostly_data(line), plain(line), "{line:?}");
        }
    }

    #[test]
    fn the_warm_up_article_reaches_every_step() {
        let article = normalize(
            &Envelope::from_text(WARM_UP_TEXT.to_owned()),
            OffsetDateTime::UNIX_EPOCH,
        )
        .expect("normalizes");
        assert_eq!(article.language, "hi");
        assert!(!article.removed.is_empty(), "a boilerplate line is removed");
        assert!(
            article.entities.iter().any(|e| e.name.contains("मोदी")),
            "{:?}",
            article.entities
        );
        warm_up();
    }

    #[test]
    fn a_text_of_one_paragraph_is_not_refused() {
        let text =
            "The council agreed on Tuesday to close the coast road for a week of repairs.\n\n\
            Share\n\nTweet\n";
        let a =
            normalize(&Envelope::from_text(text), OffsetDateTime::UNIX_EPOCH).expect("normalizes");
        assert_eq!(
            a.body_text,
            "The council agreed on Tuesday to close the coast road for a week of repairs."
        );
        // The paragraph stays the title as well: nothing else can be.
        assert_eq!(a.title, a.body_text);
    }

    #[test]
    fn inline_html_leaves_no_markup_in_blocks() {
        let text = "Storm closes the coast road for a week\n\n\
            The council said <img src=x onerror=alert(1)>the road would reopen on <b>Friday</b> \
            after repairs to the sea wall were finished by the county's engineers.\n\n\
            * Residents can use the <a href=\"https://example.com\">inland route</a> meanwhile.\n\n\
            Buses will run every twenty minutes <script>track()</script>on the diversion.\n";
        let a =
            normalize(&Envelope::from_text(text), OffsetDateTime::UNIX_EPOCH).expect("normalizes");
        let all: Vec<&str> = a
            .blocks
            .iter()
            .map(|b| b.text.as_str())
            .chain(a.summary.as_deref())
            .chain([a.title.as_str(), a.body_text.as_str()])
            .collect();
        for t in &all {
            assert!(!t.contains('<') && !t.contains("onerror"), "{t:?}");
        }
        let joined = all.join("\n");
        assert!(
            joined.contains("the road would reopen on Friday"),
            "{joined}"
        );
        assert!(joined.contains("inland route"), "{joined}");
        assert!(!joined.contains("track()"), "{joined}");
    }
}
