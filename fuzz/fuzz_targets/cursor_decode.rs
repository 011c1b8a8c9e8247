//! Cursors: an arbitrary string never panics the decoder; any JSON payload round-trips through
//! encode/decode; and changing any one character of a real cursor makes it invalid.
#![no_main]

use libfuzzer_sys::fuzz_target;
use newsdesk::api::cursor::CursorCodec;
use serde_json::Value;

const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.";

fuzz_target!(|data: &[u8]| {
    let codec = CursorCodec::new(b"fuzzing-secret-0123456789abcdef");
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // Whatever a client sends as `cursor=`: an answer, never a panic.
    let _ = codec.decode::<Value>(text);

    // Any payload survives the round trip, and no one-character edit of a cursor is accepted.
    if let Ok(payload) = serde_json::from_str::<Value>(text) {
        let cursor = codec.encode(&payload).expect("encode");
        // Cursors over 2048 characters are refused by design (the server's own are < 200).
        if cursor.len() > 2048 {
            assert!(codec.decode::<Value>(&cursor).is_err());
            return;
        }
        let back: Value = codec.decode(&cursor).expect("a fresh cursor decodes");
        assert_eq!(back, payload);
        let seed = data.iter().fold(0usize, |a, b| a.wrapping_mul(31).wrapping_add(*b as usize));
        let position = seed % cursor.len();
        let mut bytes = cursor.clone().into_bytes();
        let old = bytes[position];
        let mut replacement = ALPHABET[seed / 7 % ALPHABET.len()];
        if replacement == old {
            replacement = ALPHABET[(seed / 7 + 1) % ALPHABET.len()];
        }
        bytes[position] = replacement;
        let edited = String::from_utf8(bytes).expect("ascii");
        assert!(
            codec.decode::<Value>(&edited).is_err(),
            "an edited cursor was accepted: {cursor} -> {edited}"
        );
        let truncated = &cursor[..position];
        assert!(codec.decode::<Value>(truncated).is_err(), "a truncated cursor was accepted");
    }
});
