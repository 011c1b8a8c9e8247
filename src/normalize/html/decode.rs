//! Bytes to text: the page's character set from its byte-order mark, the `charset` parameter of
//! its Content-Type, or a `<meta charset>` / `http-equiv` declaration near the top, decoded with
//! `encoding_rs`. A declared charset that is unknown, or bytes that are not valid in the chosen
//! one, are refused rather than guessed around.

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};

use crate::normalize::NormalizeError;

/// How far into the page a `<meta charset>` is looked for (the HTML standard says 1024 bytes;
/// real pages put long `<head>` preambles first, so look further).
const META_PRESCAN_BYTES: usize = 8 * 1024;

/// Decode an HTML page. `declared` is the `charset` parameter of the request's Content-Type.
pub fn decode_html(bytes: &[u8], declared: Option<&str>) -> Result<String, NormalizeError> {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        return decode_strict(encoding, &bytes[bom_len..], encoding.name());
    }
    if let Some(label) = declared.map(str::trim).filter(|l| !l.is_empty()) {
        let encoding = lookup(label)?;
        return decode_strict(encoding, bytes, label);
    }
    if let Some(label) = meta_charset(bytes) {
        let encoding = lookup(&label)?;
        // A page cannot declare UTF-16 in an ASCII-compatible meta tag; the standard reads it as UTF-8.
        let encoding = if encoding == encoding_rs::UTF_16LE || encoding == encoding_rs::UTF_16BE {
            UTF_8
        } else {
            encoding
        };
        return decode_strict(encoding, bytes, &label);
    }
    // Nothing declared: UTF-8 when the bytes are UTF-8, else the web's legacy default.
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_string()),
        Err(_) => Ok(WINDOWS_1252
            .decode_without_bom_handling(bytes)
            .0
            .into_owned()),
    }
}

fn lookup(label: &str) -> Result<&'static Encoding, NormalizeError> {
    match Encoding::for_label(label.as_bytes()) {
        // The "replacement" encoding stands for charsets that are unsafe to decode at all.
        Some(encoding) if encoding != encoding_rs::REPLACEMENT => Ok(encoding),
        _ => Err(NormalizeError::UndecodableHtml {
            charset: clip(label),
            reason: "the character set is not one this service knows".to_string(),
        }),
    }
}

fn decode_strict(
    encoding: &'static Encoding,
    bytes: &[u8],
    label: &str,
) -> Result<String, NormalizeError> {
    encoding
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(std::borrow::Cow::into_owned)
        .ok_or_else(|| NormalizeError::UndecodableHtml {
            charset: clip(label),
            reason: format!("the bytes are not valid {}", encoding.name()),
        })
}

fn clip(label: &str) -> String {
    label.chars().take(40).collect()
}

/// The charset named by the first `<meta charset=…>` or `<meta http-equiv content="…; charset=…">`
/// in the page's first bytes.
fn meta_charset(bytes: &[u8]) -> Option<String> {
    let head = &bytes[..bytes.len().min(META_PRESCAN_BYTES)];
    let mut at = 0;
    while let Some(offset) = find_ascii_ci(&head[at..], b"<meta") {
        let start = at + offset + 5;
        let end = head[start..]
            .iter()
            .position(|&b| b == b'>')
            .map_or(head.len(), |e| start + e);
        if let Some(label) = charset_in_tag(&head[start..end]) {
            return Some(label);
        }
        at = end;
    }
    None
}

fn charset_in_tag(tag: &[u8]) -> Option<String> {
    let pos = find_ascii_ci(tag, b"charset")?;
    let rest = &tag[pos + 7..];
    let rest = trim_ascii_start(rest);
    let rest = trim_ascii_start(rest.strip_prefix(b"=")?);
    let rest = rest
        .strip_prefix(b"\"")
        .or_else(|| rest.strip_prefix(b"'"))
        .unwrap_or(rest);
    let len = rest
        .iter()
        .position(|&b| {
            matches!(b, b'"' | b'\'' | b';' | b' ' | b'/' | b'>') || b.is_ascii_whitespace()
        })
        .unwrap_or(rest.len());
    let label = std::str::from_utf8(&rest[..len]).ok()?.trim();
    (!label.is_empty()).then(|| label.to_ascii_lowercase())
}

fn trim_ascii_start(bytes: &[u8]) -> &[u8] {
    let skip = bytes.iter().take_while(|b| b.is_ascii_whitespace()).count();
    &bytes[skip..]
}

/// Position of `needle` (ASCII, lowercase) in `hay`, ignoring ASCII case.
pub(super) fn find_ascii_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let (&first, rest) = needle.split_first()?;
    if hay.len() < needle.len() {
        return None;
    }
    // Scan for the first byte (either case), then compare the rest: pages are mostly script,
    // searched for its closing tag, so this loop is hot.
    let (lower, upper) = (first.to_ascii_lowercase(), first.to_ascii_uppercase());
    let last_start = hay.len() - needle.len();
    let mut from = 0;
    while from <= last_start {
        let at = from
            + hay[from..=last_start]
                .iter()
                .position(|&b| b == lower || b == upper)?;
        if hay[at + 1..at + needle.len()].eq_ignore_ascii_case(rest) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_ascii_case_insensitively() {
        assert_eq!(find_ascii_ci(b"x</SCRipt>", b"</script"), Some(1));
        assert_eq!(find_ascii_ci(b"<<</scrip", b"</script"), None);
        assert_eq!(find_ascii_ci(b"ab", b"abc"), None);
        assert_eq!(find_ascii_ci(b"abc", b""), None);
        assert_eq!(find_ascii_ci("é</style>".as_bytes(), b"</style"), Some(2));
    }

    #[test]
    fn charsets_are_found_in_order() {
        // Content-Type wins over meta.
        let cp1251 = b"<meta charset=\"utf-8\"><p>\xcf\xf0\xe8\xe2\xe5\xf2</p>";
        assert_eq!(
            decode_html(cp1251, Some("windows-1251")).ok().as_deref(),
            Some("<meta charset=\"utf-8\"><p>Привет</p>")
        );
        // Meta http-equiv.
        let page = b"<head><META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html; charset=windows-1251\"></head>\xcf\xf0\xe8\xe2\xe5\xf2";
        assert!(decode_html(page, None)
            .map(|t| t.ends_with("Привет"))
            .unwrap_or(false));
        // Shift_JIS via meta charset.
        let sjis = b"<meta charset=shift_jis><p>\x93\xfa\x96\x7b</p>";
        assert_eq!(
            decode_html(sjis, None).ok().as_deref(),
            Some("<meta charset=shift_jis><p>日本</p>")
        );
        // BOM wins over everything.
        let bom = b"\xef\xbb\xbf<p>caf\xc3\xa9</p>";
        assert_eq!(
            decode_html(bom, Some("windows-1251")).ok().as_deref(),
            Some("<p>café</p>")
        );
        // Undeclared, not UTF-8: windows-1252.
        assert_eq!(decode_html(b"caf\xe9", None).ok().as_deref(), Some("café"));
    }

    #[test]
    fn undecodable_is_an_error() {
        assert!(matches!(
            decode_html(b"<p>x</p>", Some("klingon")),
            Err(NormalizeError::UndecodableHtml { .. })
        ));
        assert!(matches!(
            decode_html(b"<p>\xff\xfe\xfd</p>", Some("utf-8")),
            Err(NormalizeError::UndecodableHtml { .. })
        ));
        assert!(matches!(
            decode_html(b"<meta charset=iso-2022-kr>", None),
            Err(NormalizeError::UndecodableHtml { .. })
        ));
    }
}
