//! The text path reads a byline and a dateline among the first lines under the title ("By …",
//! "Published …", "अपडेटेड: …"), for what the envelope does not say; the envelope's own fields
//! and the article URL's date still win. Texts written for the test.

use newsdesk::normalize::{normalize, DateSource, Envelope};
use time::macros::datetime;
use time::OffsetDateTime;

const NOW: OffsetDateTime = datetime!(2026-11-27 20:00 UTC);

const STORY: &str = "The city council approved the harbour budget on Tuesday after a long debate \
    about roads and schools.\nWork on the old bridge starts in spring, the mayor said, and the \
    ferry keeps running until then.";

fn text(head: &str) -> Envelope {
    Envelope::from_text(format!("Council approves harbour budget\n{head}\n{STORY}"))
}

#[test]
fn a_by_line_and_a_dateline_under_the_title() {
    let a = normalize(
        &text("By JANE DOE and Tom Krisher, Staff Writers\nPublished 12 March 2024"),
        NOW,
    )
    .expect("article");
    assert_eq!(a.authors, vec!["Jane Doe", "Tom Krisher"]);
    assert_eq!(a.published_at, Some(datetime!(2024-03-12 00:00 UTC)));
    assert_eq!(a.published_at_source, Some(DateSource::Text));
}

#[test]
fn a_byline_with_its_date_on_one_line() {
    let a = normalize(&text("By Ann Lee | Jan. 5, 2025 10:30 am"), NOW).expect("article");
    assert_eq!(a.authors, vec!["Ann Lee"]);
    assert_eq!(a.published_at, Some(datetime!(2025-01-05 10:30 UTC)));
    assert_eq!(a.published_at_source, Some(DateSource::Text));
}

#[test]
fn a_hindi_dateline() {
    let env = Envelope::from_text(
        "हरियाणा में बारिश से फसलें खराब\nअपडेटेड: 15 सितंबर 2023\nहरियाणा के कई जिलों में \
         बारिश से धान की फसल खराब हो गई है। किसानों ने सरकार से मुआवजे की मांग की है।"
            .to_string(),
    );
    let a = normalize(&env, NOW).expect("article");
    assert_eq!(a.published_at, Some(datetime!(2023-09-15 00:00 UTC)));
    assert_eq!(a.published_at_source, Some(DateSource::Text));
}

#[test]
fn a_date_in_a_sentence_is_not_a_dateline() {
    let env = Envelope::from_text(format!(
        "Council approves harbour budget\nThe council first met on March 3, 2024 to discuss \
         the plan for the park and the harbour.\n{STORY}"
    ));
    let a = normalize(&env, NOW).expect("article");
    assert_eq!(a.published_at, None);
    assert!(a.authors.is_empty());
}

#[test]
fn a_dated_url_and_the_envelope_win() {
    let head = "By Jane Doe\nPublished 12 March 2024";
    let with_url = Envelope {
        url: Some("https://news.example.com/2024/03/11/budget".into()),
        ..text(head)
    };
    let a = normalize(&with_url, NOW).expect("article");
    assert_eq!(a.published_at, Some(datetime!(2024-03-11 00:00 UTC)));
    assert_eq!(a.published_at_source, Some(DateSource::UrlPath));
    assert_eq!(a.authors, vec!["Jane Doe"]);

    let explicit = Envelope {
        published_at: Some("2024-03-13T08:00:00+05:30".into()),
        authors: vec!["Desk Editor".into()],
        ..with_url
    };
    let a = normalize(&explicit, NOW).expect("article");
    assert_eq!(a.published_at, Some(datetime!(2024-03-13 02:30 UTC)));
    assert_eq!(a.published_at_source, Some(DateSource::Explicit));
    assert_eq!(a.authors, vec!["Desk Editor"]);
}

#[test]
fn a_date_ahead_is_not_a_dateline() {
    let a = normalize(&text("By Jane Doe\nPublished 12 March 2031"), NOW).expect("article");
    assert_eq!(a.published_at, None);
    assert_eq!(a.authors, vec!["Jane Doe"]);
}
