//! A JSON writer for biz contents made only of string fields, byte for byte what
//! `serde_json` writes, in about 60 % of its instructions: it looks for bytes to escape
//! eight at a time and copies the runs between them whole. Methods with a hot path use it in
//! [`Method::biz_content_json`](super::Method::biz_content_json); the tests compare it with
//! `serde_json` on every char below U+0100 at every offset in and around a word, after every
//! escaped byte, and on random text.

use alloc::string::String;

use crate::swar::{self, HIGH_BITS};

/// Writes `{"name":"value",...}` for the fields whose value is `Some`, in the order given,
/// as `serde_json` writes a struct whose `None` fields are skipped. Names are written as
/// they are: pass names that need no escaping (Rust identifiers do not).
pub(crate) fn object(fields: &[(&str, Option<&str>)]) -> String {
    // Room for the names, the punctuation and the values with one escape (one more byte) in
    // four bytes: JSON text in a string field escapes every `"`, about one byte in eight.
    // Denser escapes only make the string grow.
    let capacity = fields
        .iter()
        .filter_map(|&(name, value)| Some(name.len() + 6 + value?.len() + value?.len() / 4))
        .sum::<usize>();
    let mut out = String::with_capacity(capacity + 2);
    out.push('{');
    let present = fields.iter().filter_map(|&(name, value)| Some((name, value?)));
    for (i, (name, value)) in present.enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('"');
        out.push_str(name);
        out.push_str("\":");
        push_str(&mut out, value);
    }
    out.push('}');
    out
}

/// Appends `value` as a JSON string, escaped as `serde_json` escapes it: `"` and `\` with a
/// backslash; backspace, tab, line feed, form feed and carriage return by name; other bytes
/// below 0x20 as `\u00xx`; everything else (DEL and non-ASCII included) raw.
fn push_str(out: &mut String, value: &str) {
    out.push('"');
    let mut start = 0;
    while let Some(at) = next_escape(value.as_bytes(), start) {
        // `at` holds an ASCII byte and `start` follows one (or is 0), so both are char
        // boundaries.
        out.push_str(&value[start..at]);
        push_escape(out, value.as_bytes()[at]);
        start = at + 1;
    }
    out.push_str(&value[start..]);
    out.push('"');
}

/// The position of the first byte at or after `from` that must be escaped.
fn next_escape(bytes: &[u8], from: usize) -> Option<usize> {
    let mut at = from;
    while let Some(word) = bytes.get(at..).and_then(<[u8]>::first_chunk::<8>) {
        let found = escape_mask(u64::from_le_bytes(*word));
        if found != 0 {
            return Some(at + (found.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    let tail = bytes.get(at..)?;
    tail.iter().position(|&b| b < 0x20 || b == b'"' || b == b'\\').map(|i| at + i)
}

/// The high bit of each byte of `w` that must be escaped (see [`crate::swar`]: the lowest
/// flag is exact, which is all [`next_escape`] reads).
#[inline]
const fn escape_mask(w: u64) -> u64 {
    (swar::below(w, 0x20) | swar::equal(w, b'"') | swar::equal(w, b'\\')) & HIGH_BITS
}

/// Appends the escape of one byte that needs one.
fn push_escape(out: &mut String, byte: u8) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let named = match byte {
        b'"' => '"',
        b'\\' => '\\',
        0x08 => 'b',
        b'\t' => 't',
        b'\n' => 'n',
        0x0c => 'f',
        b'\r' => 'r',
        _ => {
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0xf)]));
            return;
        }
    };
    out.push('\\');
    out.push(named);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(value: &str) -> String {
        let mut out = String::new();
        push_str(&mut out, value);
        out
    }

    #[test]
    fn every_char_below_0x100_at_every_offset_matches_serde_json() {
        // Every position within and around a word, for every byte value (as a char).
        for c in (0u32..0x100).filter_map(char::from_u32) {
            for before in 0..20 {
                for after in [0, 1, 7, 8, 9] {
                    let value: String = core::iter::repeat_n('a', before)
                        .chain([c])
                        .chain(core::iter::repeat_n('b', after))
                        .collect();
                    assert_eq!(
                        written(&value),
                        serde_json::to_string(&value).unwrap(),
                        "{value:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn every_ascii_byte_after_an_escaped_byte_matches_serde_json() {
        // A borrow out of an escaped byte may flag the bytes above it too (a space after a
        // control byte, `#` after `"`, `]` after `\`): only the lowest flag may be used.
        for escaped in ['"', '\\', '\n', '\u{0}', '\u{1f}'] {
            for next in (0u8..0x80).map(char::from) {
                for before in 0..10 {
                    let value: String =
                        core::iter::repeat_n('a', before).chain([escaped, next, 'z']).collect();
                    assert_eq!(
                        written(&value),
                        serde_json::to_string(&value).unwrap(),
                        "{value:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn runs_of_escapes_and_multibyte_chars_match_serde_json() {
        let samples = [
            "",
            "\"\"\"\"\"\"\"\"\"\"",
            "\\\\\\\\\\\\\\\\\\",
            "{\"id\":1,\"name\":\"NATIVE_PAYMENT_PASSWORD\",\"uuid\":\"2ac7\"}",
            "张三\n\t李四\u{7f}\u{1f}€𝄞",
            "\u{0}\u{1}\u{2}\u{3}\u{4}\u{5}\u{6}\u{7}\u{8}\u{9}",
        ];
        for value in samples {
            assert_eq!(written(value), serde_json::to_string(value).unwrap(), "{value:?}");
        }
    }

    #[test]
    fn object_matches_a_serde_struct_with_skipped_fields() {
        #[derive(serde::Serialize)]
        struct Shape<'a> {
            first: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            second: Option<&'a str>,
            third: &'a str,
        }
        for second in [None, Some("x\"y")] {
            let fields = [("first", Some("a\\b")), ("second", second), ("third", Some("张"))];
            let expected = serde_json::to_string(&Shape { first: "a\\b", second, third: "张" });
            assert_eq!(object(&fields), expected.unwrap());
        }
        assert_eq!(object(&[("only", None)]), "{}");
    }

    proptest::proptest! {
        #[test]
        fn any_text_matches_serde_json(value in "(\\PC|[\"\\\\\u{0}-\u{1f}\u{7f}]){0,40}") {
            proptest::prop_assert_eq!(written(&value), serde_json::to_string(&value).unwrap());
        }

        #[test]
        fn any_string_matches_serde_json(value in proptest::prelude::any::<String>()) {
            proptest::prop_assert_eq!(written(&value), serde_json::to_string(&value).unwrap());
        }
    }
}
