//! Bylines and datelines: author names cleaned from what pages and texts write ("By TOM KRISHER
//! and Jane Doe, AP Business Writers" → `Tom Krisher`, `Jane Doe`), and, on the text path, a
//! "By …" line and a dateline ("Published 12 March 2024", "अपडेटेड: 15 सितंबर 2023") among the
//! first lines under the title.
//!
//! The cleaning rules, each a whole class rather than one site's words: a leading "By"/"Written
//! by"/"Author:" (and Hindi "लेखक"/"द्वारा"), e-mail addresses, social handles and links, dates
//! and what follows them, job titles of the newsroom (writer, editor, correspondent, staff, …),
//! academic and professional credentials (`PhD`, `MD`, `RD`), CMS default accounts (`admin`),
//! names of news agencies after a person's name (alone they are the byline and are kept), and
//! names in capitals throughout put in ordinary case.

use super::dates::find_written_date;

/// At most this many authors are taken from one byline.
const MAX_AUTHORS: usize = 16;
/// A name of more words than this is a sentence, not a name.
const MAX_NAME_WORDS: usize = 6;
/// A byline longer than this (in characters) is prose.
const MAX_BYLINE_CHARS: usize = 300;
/// How many lines under the title the text path searches for a byline and a dateline.
pub(crate) const BYLINE_LINES: usize = 6;

/// Words that introduce a byline, lower-cased, longest first.
const BY_PREFIXES: &[&str] = &[
    "written and edited by",
    "written by",
    "reviewed by",
    "reported by",
    "compiled by",
    "edited by",
    "posted by",
    "story by",
    "words by",
    "text by",
    "authors:",
    "author:",
    "authors",
    "author",
    "लेखक:",
    "लेखक",
    "by:",
    "by",
];

/// Newsroom job titles and their qualifiers: a part of a byline made of these words only is a
/// role, not a name (lower-cased).
const ROLE_WORDS: &[&str] = &[
    "staff",
    "senior",
    "chief",
    "deputy",
    "associate",
    "assistant",
    "managing",
    "executive",
    "contributing",
    "special",
    "freelance",
    "guest",
    "political",
    "national",
    "foreign",
    "business",
    "technology",
    "tech",
    "science",
    "health",
    "sports",
    "entertainment",
    "news",
    "digital",
    "web",
    "content",
    "copy",
    "desk",
    "team",
    "writer",
    "writers",
    "editor",
    "editors",
    "reporter",
    "reporters",
    "correspondent",
    "correspondents",
    "columnist",
    "contributor",
    "contributors",
    "journalist",
    "photographer",
    "producer",
    "author",
    "analyst",
    "blogger",
    "intern",
    "in",
    "at",
    "of",
    "the",
    "for",
    "large",
    "report",
    "reports",
    "wire",
    "services",
    "service",
    "bureau",
    "agencies",
    "auto",
    "economics",
    "politics",
    "education",
    "climate",
    "energy",
    "markets",
    "world",
    "food",
    "travel",
    "arts",
    "culture",
    "lifestyle",
    "updated",
    "published",
    "posted",
    "last",
    "on",
];

/// Academic and professional credentials written after a name (lower-cased, dots removed).
const CREDENTIALS: &[&str] = &[
    "phd", "md", "do", "rn", "rd", "ms", "msc", "ma", "mba", "mph", "bsc", "ba", "bs", "jd", "cpa",
    "cfa", "cfp", "dds", "dmd", "pharmd", "lpc", "lcsw", "np", "pa", "cdn", "ldn", "cdces", "fand",
    "facp", "facs", "mrcp", "frcs", "esq", "jr", "sr", "ii", "iii", "iv", "dr", "prof",
];

/// Default accounts of publishing systems, never a person's byline (lower-cased).
const CMS_ACCOUNTS: &[&str] = &[
    "admin",
    "administrator",
    "webmaster",
    "root",
    "user",
    "guest",
    "anonymous",
    "unknown",
    "staff",
    "editor",
    "editorial",
    "editorial team",
    "editorial staff",
    "name",
    "your name",
    "undefined",
    "null",
    "none",
    "author name",
];

/// Week days and their abbreviations (a dateline's, never a name; lower-cased).
const WEEKDAYS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "mon",
    "tue",
    "tues",
    "wed",
    "thu",
    "thurs",
    "fri",
    "sat",
    "sun",
];

/// Lower-case words inside names (`van`, `de`) and organisations' names (`for`, `of`).
const NAME_PARTICLES: &[&str] = &[
    "de", "da", "di", "del", "della", "van", "von", "der", "den", "la", "le", "du", "dos", "das",
    "bin", "al", "el", "ibn", "y", "e", "st",
];
const ORG_WORDS: &[&str] = &["for", "of", "the", "and", "in", "on", "at", "&"];

/// News agencies (lower-cased): after a person's name they are the wire the story came over;
/// alone they are the byline.
const AGENCIES: &[&str] = &[
    "associated press",
    "the associated press",
    "ap",
    "reuters",
    "thomson reuters",
    "afp",
    "agence france-presse",
    "agence france presse",
    "bloomberg",
    "bloomberg news",
    "dpa",
    "efe",
    "ansa",
    "xinhua",
    "kyodo",
    "yonhap",
    "tass",
    "pti",
    "ians",
    "ani",
    "uni",
    "press trust of india",
    "cnn wire",
    "upi",
    "aap",
    "cp",
    "the canadian press",
    "canadian press",
];

/// The authors a byline names, cleaned; empty when it names none.
pub fn clean_byline(raw: &str) -> Vec<String> {
    clean_byline_as(raw, Origin::Text)
}

/// The authors a page declares in a field that holds nothing else (JSON-LD `author`, an
/// author `<meta>` tag), cleaned as [`clean_byline`] does, except that a name in lower case
/// throughout ("kirstin boatto") or an account name ("j_doe") is kept: there the field, not the
/// shape of the words, says it is the author.
pub fn clean_declared_author(raw: &str) -> Vec<String> {
    clean_byline_as(raw, Origin::Declared)
}

/// Where a byline was read: in running text or a byline element (where only a name's shape
/// tells it from other words), or in a field that holds only the author.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    Text,
    Declared,
}

fn clean_byline_as(raw: &str, origin: Origin) -> Vec<String> {
    let text: String = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.is_empty() || text.chars().count() > MAX_BYLINE_CHARS {
        return Vec::new();
    }
    // A date and what follows it are the dateline.
    let text = match find_written_date(&text) {
        Some((_, at)) => &text[..at],
        None => &text[..],
    };
    // Separators of byline fields: the first field naming someone is the byline.
    let mut people = Vec::new();
    for field in text.split(['|', '•', '·', '—', '–', '/', '\n']) {
        people = split_names(field, origin);
        if !people.is_empty() {
            break;
        }
    }
    let persons: Vec<&String> = people.iter().filter(|p| !is_agency(p)).collect();
    if persons.is_empty() {
        people.truncate(MAX_AUTHORS);
        return people;
    }
    persons.into_iter().take(MAX_AUTHORS).cloned().collect()
}

/// Several names in one field ("A, B and C"), each cleaned; roles, credentials and
/// non-names dropped.
fn split_names(field: &str, origin: Origin) -> Vec<String> {
    let field = strip_by(field.trim());
    // An organisation's name ("Center for Drug Evaluation and Research") is one name.
    if !field.contains([',', ';']) && is_org_like(field) {
        return vec![fix_shouting(field.trim_end_matches('.'))];
    }
    let mut out: Vec<String> = Vec::new();
    for part in field.split([',', ';', '&', '+']) {
        for name in split_and(part) {
            if let Some(name) = clean_name(name, origin) {
                if !out.iter().any(|n| n.eq_ignore_ascii_case(&name)) {
                    out.push(name);
                }
            }
        }
    }
    out
}

/// A part split at " and " (and Hindi "और").
fn split_and(part: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = part;
    loop {
        let lower = rest.to_lowercase();
        let hit = [" and ", " और ", " with "]
            .iter()
            .filter_map(|sep| lower.find(sep).map(|i| (i, sep.len())))
            .min();
        // Lower-casing keeps byte offsets for the ASCII separators only when the text before is
        // unchanged in length; check the slice matches.
        match hit {
            Some((i, len)) if rest.is_char_boundary(i) && rest.is_char_boundary(i + len) => {
                out.push(&rest[..i]);
                rest = &rest[i + len..];
            }
            _ => {
                out.push(rest);
                return out;
            }
        }
    }
}

/// A byline without the words that introduce it.
fn strip_by(s: &str) -> &str {
    let mut s = s.trim_start_matches(|c: char| !c.is_alphanumeric());
    loop {
        let lower = s.to_lowercase();
        let Some(prefix) = BY_PREFIXES.iter().find(|p| {
            lower.starts_with(*p)
                && lower[p.len()..]
                    .chars()
                    .next()
                    .is_none_or(|c| !c.is_alphanumeric())
                && s.is_char_boundary(p.len())
        }) else {
            return s.trim();
        };
        s = s[prefix.len()..].trim_start_matches(|c: char| !c.is_alphanumeric());
    }
}

/// One name cleaned: handles, addresses, links, roles and credentials taken off, capitals
/// throughout put in ordinary case; `None` when what is left is not a name.
fn clean_name(raw: &str, origin: Origin) -> Option<String> {
    let raw = strip_by(raw.trim());
    let raw = raw.strip_suffix("द्वारा").unwrap_or(raw);
    let mut words: Vec<&str> = Vec::new();
    for w in raw.split_whitespace() {
        if w.contains('@') || w.contains("://") || w.starts_with("www.") {
            continue;
        }
        words.push(w);
    }
    // Roles after the name ("Jane Doe Staff Writer") and before it ("Senior Editor Jane Doe").
    // A two-word name keeps its last word ("Jane Reporter" may be a surname) unless every
    // word is a role.
    while words.last().is_some_and(|w| is_role_or_credential(w))
        && (words.len() > 2 || words.iter().all(|w| is_role_or_credential(w)))
    {
        words.pop();
    }
    while words.first().is_some_and(|w| is_role_word(w)) && words.len() > 1 {
        words.remove(0);
    }
    if words.is_empty() || words.len() > MAX_NAME_WORDS {
        return None;
    }
    // An agency's name with a role ("AP Auto Writer") is the wire's credit, not a person.
    if words.len() > 1
        && is_agency(&bare(words[0]))
        && words[1..].iter().all(|w| is_role_or_credential(w))
    {
        return None;
    }
    let name = words
        .join(" ")
        .trim_matches(|c: char| !c.is_alphanumeric() && c != '.' && c != ')')
        .trim_end_matches('.')
        .to_string();
    let lower = name.to_lowercase();
    let shaped = match origin {
        Origin::Text => is_name_like(&name),
        Origin::Declared => is_account_like(&name),
    };
    if !shaped || WEEKDAYS.contains(&lower.as_str()) {
        return None;
    }
    if name.chars().count() < 2
        || name.chars().any(|c| c.is_ascii_digit())
        || !name.chars().any(char::is_alphabetic)
        || CMS_ACCOUNTS.contains(&lower.as_str())
        || words.iter().all(|w| is_role_or_credential(w))
    {
        return None;
    }
    Some(fix_shouting(&name))
}

/// Whether every word of a name starts with a capital (or is an initial, a particle such as
/// `van`, or in a script without case): lower-case phrases and user names are not bylines.
fn is_name_like(name: &str) -> bool {
    name.split_whitespace().all(|w| {
        let Some(first) = w.chars().find(|c| c.is_alphabetic()) else {
            return true;
        };
        first.is_uppercase()
            || !first.is_lowercase() && !first.is_uppercase()
            || NAME_PARTICLES.contains(&w.to_lowercase().as_str())
    }) && !name
        .chars()
        .any(|c| matches!(c, '{' | '}' | '=' | '<' | '>' | '_'))
}

/// A name as a declared author field may hold it: any case, an account's `_` and `.` allowed,
/// but no markup or template residue, and at most three words when in lower case throughout
/// (a longer lower-case phrase is a sentence).
fn is_account_like(name: &str) -> bool {
    if name.chars().any(char::is_uppercase) {
        return is_name_like(name);
    }
    !name
        .chars()
        .any(|c| matches!(c, '{' | '}' | '=' | '<' | '>'))
        && name.split_whitespace().count() <= 3
        && !is_template_key(name)
}

/// A template's key left unfilled (`page.head.extra.author`, `post.author_name`): words
/// joined by dots, no space, one of them naming the field (`author`, `name`, `byline`, …). An
/// account name with dots (`sara.r.peter`) names no field.
fn is_template_key(name: &str) -> bool {
    let parts: Vec<&str> = name.split('.').collect();
    !name.contains(' ')
        && parts.len() >= 2
        && parts.iter().all(|w| {
            !w.is_empty()
                && w.chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
        })
        && parts.iter().any(|w| {
            let w = w.to_lowercase();
            ["author", "byline", "creator", "writer"]
                .iter()
                .any(|f| w.contains(f))
                || w == "name"
        })
}

/// An organisation's name: three to eight words, capitalised except for a connecting word
/// (`for`, `of`, `and`, …), at least one of which it has.
fn is_org_like(field: &str) -> bool {
    let words: Vec<&str> = field.split_whitespace().collect();
    if !(3..=8).contains(&words.len()) {
        return false;
    }
    let mut connectors = 0;
    for (i, w) in words.iter().enumerate() {
        let lower = w.to_lowercase();
        if i > 0 && i + 1 < words.len() && ORG_WORDS.contains(&lower.as_str()) && *w == lower {
            connectors += 1;
        } else if !w.chars().next().is_some_and(char::is_uppercase) || is_role_word(w) {
            return false;
        }
    }
    connectors > 0 && !words.iter().any(|w| *w == "and" || *w == "&") || connectors > 1
}

fn bare(word: &str) -> String {
    word.trim_matches(|c: char| !c.is_alphanumeric())
        .replace('.', "")
        .to_lowercase()
}

fn is_role_word(word: &str) -> bool {
    ROLE_WORDS.contains(&bare(word).as_str())
}

fn is_role_or_credential(word: &str) -> bool {
    let b = bare(word);
    b.is_empty() || ROLE_WORDS.contains(&b.as_str()) || CREDENTIALS.contains(&b.as_str())
}

fn is_agency(name: &str) -> bool {
    AGENCIES.contains(&name.to_lowercase().as_str())
}

/// A name written in capitals throughout, in ordinary case ("TOM KRISHER" → "Tom Krisher",
/// "MARY O'NEIL-SMITH" → "Mary O'Neil-Smith"); other names as written. Agency initials stay.
fn fix_shouting(name: &str) -> String {
    let shouting = name.chars().any(char::is_uppercase) && !name.chars().any(char::is_lowercase);
    if !shouting || is_agency(name) {
        return name.to_string();
    }
    let mut out = String::with_capacity(name.len());
    let mut start = true;
    for c in name.chars() {
        if c.is_alphabetic() {
            if start {
                out.push(c);
            } else {
                out.extend(c.to_lowercase());
            }
            start = false;
        } else {
            out.push(c);
            start = matches!(c, ' ' | '-' | '\'' | '’' | '.');
        }
    }
    out
}

/// What the first lines under the title say about the article: its authors ("By …") and its
/// date ("Published …", "Updated: …", a date alone on its line).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Byline {
    pub authors: Vec<String>,
    pub date: Option<time::OffsetDateTime>,
}

/// A byline and a dateline among the first lines of a text (after its title line).
pub fn find_byline(lines: &[&str]) -> Byline {
    let mut found = Byline::default();
    for line in lines.iter().take(BYLINE_LINES) {
        let line = line.trim().trim_start_matches(['#', '*', '_', '>', ' ']);
        if line.chars().count() > MAX_BYLINE_CHARS / 2 {
            continue;
        }
        let lower = line.to_lowercase();
        if found.authors.is_empty() && starts_as_byline(&lower) {
            found.authors = clean_byline(line);
        }
        if found.date.is_none() {
            if let Some((t, at)) = find_written_date(line) {
                // A dateline is a line that is mostly the date: its words before the date are a
                // few (a label, a byline's name), not a sentence.
                let before = line[..at].split_whitespace().count();
                if before <= 6
                    && (starts_as_byline(&lower) || is_dateline_label(&lower) || before <= 1)
                {
                    found.date = Some(t);
                }
            }
        }
    }
    found
}

fn starts_as_byline(lower: &str) -> bool {
    ["by ", "written by ", "author:", "लेखक", "posted by "]
        .iter()
        .any(|p| lower.starts_with(p))
}

fn is_dateline_label(lower: &str) -> bool {
    [
        "published",
        "posted",
        "updated",
        "last updated",
        "date",
        "अपडेटेड",
        "प्रकाशित",
    ]
    .iter()
    .any(|p| lower.starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(s: &str) -> Vec<String> {
        clean_byline(s)
    }

    #[test]
    fn by_and_roles_go() {
        assert_eq!(names("By Jane Doe"), vec!["Jane Doe"]);
        assert_eq!(
            names("Written by: Jane Doe, Staff Writer"),
            vec!["Jane Doe"]
        );
        assert_eq!(names("Senior Editor Jane Doe"), vec!["Jane Doe"]);
        assert_eq!(names("Author: Jane Doe"), vec!["Jane Doe"]);
    }

    #[test]
    fn several_authors_split() {
        assert_eq!(
            names("By Ann Lee, Bo Chan and Cy Diaz"),
            vec!["Ann Lee", "Bo Chan", "Cy Diaz"]
        );
        assert_eq!(names("Ann Lee & Bo Chan"), vec!["Ann Lee", "Bo Chan"]);
        assert_eq!(
            names("अमित शर्मा और रिया सिंह"),
            vec!["अमित शर्मा", "रिया सिंह"]
        );
    }

    #[test]
    fn addresses_handles_and_dates_go() {
        assert_eq!(
            names("By Jane Doe jane@example.com @janedoe"),
            vec!["Jane Doe"]
        );
        assert_eq!(
            names("By Jane Doe | March 3, 2024 10:00 am"),
            vec!["Jane Doe"]
        );
        assert_eq!(names("Jane Doe Updated 2024-03-03"), vec!["Jane Doe"]);
    }

    #[test]
    fn credentials_go() {
        assert_eq!(names("Dylan Bailey, MS, RD, FAND"), vec!["Dylan Bailey"]);
        assert_eq!(names("Dr. Ann Lee PhD"), vec!["Dr. Ann Lee"]);
    }

    #[test]
    fn shouting_is_fixed() {
        assert_eq!(names("By TOM KRISHER, AP Auto Writer"), vec!["Tom Krisher"]);
        assert_eq!(names("MARY O'NEIL-SMITH"), vec!["Mary O'Neil-Smith"]);
    }

    #[test]
    fn agencies_and_staff() {
        assert_eq!(names("Associated Press"), vec!["Associated Press"]);
        assert_eq!(names("By Jane Doe, Reuters"), vec!["Jane Doe"]);
        assert_eq!(names("Staff"), Vec::<String>::new());
        assert_eq!(names("Staff Reports"), Vec::<String>::new());
        assert_eq!(names("admin"), Vec::<String>::new());
    }

    #[test]
    fn organisations_stay_whole() {
        assert_eq!(
            names("Center for Drug Evaluation and Research"),
            vec!["Center for Drug Evaluation and Research"]
        );
        assert_eq!(names("Ann Lee and Bo Chan"), vec!["Ann Lee", "Bo Chan"]);
    }

    #[test]
    fn placeholders_weekdays_and_lower_case_phrases_go() {
        assert!(names("Name").is_empty());
        assert!(names("undefined").is_empty());
        assert!(names("Sat").is_empty());
        assert!(names("following the tips below").is_empty());
        assert!(names("page.head.extra_author").is_empty());
        assert_eq!(names("Ludwig van Beethoven"), vec!["Ludwig van Beethoven"]);
    }

    #[test]
    fn a_declared_author_field_keeps_account_names() {
        assert_eq!(clean_declared_author("jane doe"), vec!["jane doe"]);
        assert_eq!(clean_declared_author("j_doe"), vec!["j_doe"]);
        assert_eq!(clean_declared_author("By jdoe, Staff Writer"), vec!["jdoe"]);
        // In running text the same words are not a byline.
        assert!(clean_byline("jane doe").is_empty());
        // Capitalised values keep the name's shape test; defaults and sentences still go.
        assert_eq!(
            clean_declared_author("Ann Lee, Director of Operations"),
            vec!["Ann Lee"]
        );
        assert!(clean_declared_author("admin").is_empty());
        assert!(clean_declared_author("read more about the team here").is_empty());
        assert!(clean_declared_author("{{author}}").is_empty());
        // A template's key left unfilled; an account with one dot stays.
        assert!(clean_declared_author("page.head.extra.author").is_empty());
        assert_eq!(clean_declared_author("h.szeyee"), vec!["h.szeyee"]);
        assert_eq!(clean_declared_author("sara.r.peter"), vec!["sara.r.peter"]);
        assert!(clean_declared_author("post.author_name").is_empty());
    }

    #[test]
    fn sentences_are_not_names() {
        assert!(names("This article was written to explain the new rules for everyone").is_empty());
    }

    #[test]
    fn text_byline_and_dateline() {
        let b = find_byline(&["By Jane Doe", "Published 12 March 2024", "Body text here."]);
        assert_eq!(b.authors, vec!["Jane Doe"]);
        assert_eq!(
            b.date.map(|t| t.date().to_string()).as_deref(),
            Some("2024-03-12")
        );
        let b = find_byline(&["अपडेटेड: 15 सितंबर 2023"]);
        assert_eq!(
            b.date.map(|t| t.date().to_string()).as_deref(),
            Some("2023-09-15")
        );
        let b =
            find_byline(&["The council met on March 3, 2024 to discuss the plan for the park."]);
        assert_eq!(b, Byline::default());
    }
}
