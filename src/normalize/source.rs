//! Source domain: the explicit URL's host, else the sender's `source` when it is a domain, else
//! the host most of the article's images come from, each reduced to its registrable domain
//! (`feeds.abplive.com` → `abplive.com`).

/// Second-level labels under which country-code domains register names (`bbc.co.uk`).
const GENERIC_SECOND_LEVEL: &[&str] = &[
    "co", "com", "net", "org", "gov", "ac", "edu", "nic", "gen", "ne", "or", "go", "res", "ind",
];

/// The publisher's registrable domain.
pub fn infer_source_domain(
    url: Option<&url::Url>,
    source: Option<&str>,
    image_urls: &[&str],
) -> Option<String> {
    if let Some(host) = url.and_then(|u| u.host_str()) {
        return registrable_domain(host);
    }
    if let Some(s) = source.map(str::trim).filter(|s| looks_like_domain(s)) {
        return registrable_domain(s);
    }
    let mut counts: Vec<(String, usize)> = Vec::new();
    for img in image_urls {
        let Some(domain) = url::Url::parse(img)
            .ok()
            .and_then(|u| u.host_str().and_then(registrable_domain))
        else {
            continue;
        };
        match counts.iter_mut().find(|(d, _)| *d == domain) {
            Some((_, n)) => *n += 1,
            None => counts.push((domain, 1)),
        }
    }
    // Highest count; the first seen wins ties.
    let mut best: Option<(String, usize)> = None;
    for (d, n) in counts {
        if best.as_ref().is_none_or(|(_, b)| n > *b) {
            best = Some((d, n));
        }
    }
    best.map(|(d, _)| d)
}

fn looks_like_domain(s: &str) -> bool {
    s.contains('.')
        && !s.contains(char::is_whitespace)
        && s.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-'))
}

/// The registrable part of a host name (last two labels, three under `co.uk`-style suffixes).
pub fn registrable_domain(host: &str) -> Option<String> {
    let host = host.trim_end_matches('.').to_lowercase();
    if host.is_empty() || host.parse::<std::net::IpAddr>().is_ok() {
        return (!host.is_empty()).then_some(host);
    }
    let labels: Vec<&str> = host.split('.').filter(|l| !l.is_empty()).collect();
    let n = labels.len();
    if n <= 2 {
        return Some(labels.join("."));
    }
    let keep = if labels[n - 1].len() == 2 && GENERIC_SECOND_LEVEL.contains(&labels[n - 2]) {
        3
    } else {
        2
    };
    Some(labels[n - keep..].join("."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registrable() {
        assert_eq!(
            registrable_domain("feeds.abplive.com").as_deref(),
            Some("abplive.com")
        );
        assert_eq!(
            registrable_domain("www.bbc.co.uk").as_deref(),
            Some("bbc.co.uk")
        );
        assert_eq!(
            registrable_domain("www.thehindu.com").as_deref(),
            Some("thehindu.com")
        );
    }

    #[test]
    fn dominant_image_host() {
        let imgs = [
            "https://feeds.abplive.com/a.jpg",
            "https://cdn.abplive.com/b.png",
            "https://x.org/c.jpg",
        ];
        assert_eq!(
            infer_source_domain(None, None, &imgs).as_deref(),
            Some("abplive.com")
        );
    }
}
