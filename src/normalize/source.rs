//! Source domain: the explicit URL's host, else the sender's `source` when it is a domain, else
//! the host most of the article's images come from, each reduced to its registrable domain
//! (`feeds.abplive.com` → `abplive.com`) by the Public Suffix List (the `psl` crate, its list
//! compiled in: no I/O at run time), private suffixes included, so a hosted blog
//! (`someblog.blogspot.com`, `alice.github.io`) is its own publisher.

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

/// The registrable part of a host name: one label under its public suffix
/// (`www.bbc.co.uk` → `bbc.co.uk`, `city.kawasaki.jp` → `city.kawasaki.jp`). An IP address is
/// itself; a host that is a public suffix, or whose suffix the list does not know and that has
/// one label, is itself too.
pub fn registrable_domain(host: &str) -> Option<String> {
    let host = host.trim_end_matches('.').to_lowercase();
    if host.is_empty() {
        return None;
    }
    if host.parse::<std::net::IpAddr>().is_ok() {
        return Some(host);
    }
    let labels: Vec<&str> = host.split('.').filter(|l| !l.is_empty()).collect();
    let host = labels.join(".");
    match psl::domain(host.as_bytes()) {
        Some(domain) => std::str::from_utf8(domain.as_bytes())
            .ok()
            .map(str::to_string),
        None => Some(host),
    }
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
    fn hosted_blogs_are_their_own_domain() {
        assert_eq!(
            registrable_domain("someblog.blogspot.com").as_deref(),
            Some("someblog.blogspot.com")
        );
        assert_eq!(
            registrable_domain("alice.github.io").as_deref(),
            Some("alice.github.io")
        );
        assert_eq!(
            registrable_domain("www.alice.github.io.").as_deref(),
            Some("alice.github.io")
        );
    }

    #[test]
    fn multi_label_and_wildcard_suffixes() {
        // `*.kawasaki.jp` is a suffix, with `city.kawasaki.jp` the exception.
        assert_eq!(
            registrable_domain("city.kawasaki.jp").as_deref(),
            Some("city.kawasaki.jp")
        );
        assert_eq!(
            registrable_domain("www.city.kawasaki.jp").as_deref(),
            Some("city.kawasaki.jp")
        );
        assert_eq!(
            registrable_domain("news.example.com.au").as_deref(),
            Some("example.com.au")
        );
        assert_eq!(
            registrable_domain("WWW.Example.CO.UK").as_deref(),
            Some("example.co.uk")
        );
    }

    #[test]
    fn suffixes_addresses_and_bare_names_are_themselves() {
        assert_eq!(registrable_domain("co.uk").as_deref(), Some("co.uk"));
        assert_eq!(
            registrable_domain("127.0.0.1").as_deref(),
            Some("127.0.0.1")
        );
        assert_eq!(
            registrable_domain("localhost").as_deref(),
            Some("localhost")
        );
        assert_eq!(registrable_domain(""), None);
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
