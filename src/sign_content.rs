//! The request sign content: `k1=v1&k2=v2&...`, sorted by key bytes (PROTOCOL §1).
//!
//! [`SignContent::new`] validates and sorts a caller's slice of borrowed `(&str, &str)`
//! pairs **in place** and computes the exact output length. One private walk,
//! `for_each_chunk`, then feeds every output:
//! - [`SignContent::write_into`] appends to a `String`, reserving exactly once;
//! - [`SignContent::write_heapless`] writes into a fixed-capacity [`heapless::String`] and
//!   allocates nothing; a buffer that is too small is an error, never a truncation;
//! - [`SignContent::update_digest`] streams the bytes straight into a hash, with no
//!   intermediate string (this is what signing and verification use).
//!
//! Rules, as the Java SDK applies them:
//! - the `sign` parameter is dropped;
//! - a parameter whose value is empty or made only of whitespace (Java's
//!   `Character.isWhitespace`) is dropped. Java's `StringUtils.isEmpty` treats both alike, and
//!   so does the gateway when it recomputes the content, so dropping keeps us byte-compatible.
//!   The request encoder never sends such a value (it rejects it up front), so nothing is ever
//!   sent that is not signed;
//! - keys sort by ascending byte order (not the joined `k=v` string);
//! - values stay raw: no percent-encoding, no escaping.
//!
//! Keys are validated, because a key with `=` or `&` would make two different parameter
//! sets sign alike: empty keys, keys holding `=`, `&`, whitespace/control bytes or non-ASCII
//! bytes, and duplicate keys are typed errors naming the key.

use alloc::string::{String, ToString};
use sha2::digest::Update;

use crate::error::{Error, KeyRule, Result};

/// The parameter dropped from every sign content.
pub const SIGN: &str = "sign";

/// Validated, sorted parameters and the exact length of their sign content.
///
/// Borrows the caller's slice; building one never allocates (unless it fails, when the
/// error names the key).
#[derive(Debug, Clone, Copy)]
pub struct SignContent<'a> {
    params: &'a [(&'a str, &'a str)],
    len: usize,
}

impl<'a> SignContent<'a> {
    /// Validates `params`, sorts them in place by key bytes and computes the content length.
    ///
    /// # Errors
    /// [`Error::InvalidKey`] for an empty key or one holding `=`, `&`, whitespace, a control
    /// byte or a non-ASCII byte; [`Error::DuplicateKey`] for a key that appears twice
    /// (whatever its values).
    pub fn new<'p: 'a>(params: &'a mut [(&'p str, &'p str)]) -> Result<Self> {
        params.sort_unstable_by(|a, b| cmp_keys(a.0, b.0));
        let params: &'a [(&'a str, &'a str)] = params;
        let mut len = 0usize;
        let mut previous: Option<&str> = None;
        for &(key, value) in params.iter() {
            check_key(key)?;
            if previous == Some(key) {
                return Err(Error::DuplicateKey { key: key.to_string() });
            }
            previous = Some(key);
            if included(key, value) {
                // `k=v` plus the `&` before every pair but the first.
                len += key.len() + 1 + value.len() + usize::from(len != 0);
            }
        }
        Ok(SignContent { params, len })
    }

    /// The exact length in bytes of the sign content.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the sign content is empty (every parameter was dropped).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The sorted parameters that the content holds (dropped ones excluded), in order.
    pub fn params(&self) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        self.params.iter().copied().filter(|&(k, v)| included(k, v))
    }

    /// Appends the sign content to `out`, growing it exactly once to the final size.
    pub fn write_into(&self, out: &mut String) {
        out.reserve_exact(self.len);
        self.for_each_chunk(|chunk| out.push_str(chunk));
    }

    /// The sign content as a new `String` (one allocation of the exact size).
    // Deliberately not `Display` + `ToString`: those grow the string step by step.
    #[allow(clippy::inherent_to_string)]
    pub fn to_string(&self) -> String {
        let mut out = String::new();
        self.write_into(&mut out);
        out
    }

    /// Appends the sign content to a fixed-capacity string. Allocates nothing.
    ///
    /// # Errors
    /// [`Error::BufferTooSmall`] when `out` cannot take [`len`](Self::len) more bytes;
    /// `out` is then left unchanged.
    pub fn write_heapless<const N: usize>(&self, out: &mut heapless::String<N>) -> Result<()> {
        let capacity = N - out.len();
        if self.len > capacity {
            return Err(Error::BufferTooSmall { needed: self.len, capacity });
        }
        // Cannot fail: the capacity was checked for the whole content above.
        self.for_each_chunk(|chunk| {
            let _ = out.push_str(chunk);
        });
        Ok(())
    }

    /// Streams the sign content into a hash (or any [`Update`] sink) with no intermediate
    /// string.
    pub fn update_digest(&self, digest: &mut impl Update) {
        self.for_each_chunk(|chunk| digest.update(chunk.as_bytes()));
    }

    /// The one walk that feeds every output: `k`, `=`, `v`, then `&` before each next pair.
    fn for_each_chunk(&self, mut emit: impl FnMut(&str)) {
        let mut first = true;
        for &(key, value) in self.params {
            if !included(key, value) {
                continue;
            }
            if !first {
                emit("&");
            }
            first = false;
            emit(key);
            emit("=");
            emit(value);
        }
    }
}

/// Whether a pair goes into the sign content: not `sign`, and a value that is not blank.
#[inline]
fn included(key: &str, value: &str) -> bool {
    key != SIGN && !is_blank(value)
}

/// Java's `StringUtils.isEmpty`: empty, or every char is `Character.isWhitespace`.
#[inline]
pub(crate) fn is_blank(value: &str) -> bool {
    // Fast path: almost every value starts with a non-whitespace ASCII byte.
    match value.as_bytes().first() {
        None => true,
        Some(&b) if b > b' ' && b < 0x7f => false,
        Some(_) => value.chars().all(java_is_whitespace),
    }
}

/// `java.lang.Character.isWhitespace`: Unicode space, line and paragraph separators except
/// the non-breaking ones (U+00A0, U+2007, U+202F), plus U+0009..=U+000D and U+001C..=U+001F.
pub(crate) fn java_is_whitespace(c: char) -> bool {
    matches!(
        c,
        '\u{9}'..='\u{d}'
            | '\u{1c}'..='\u{20}'
            | '\u{1680}'
            | '\u{2000}'..='\u{2006}'
            | '\u{2008}'..='\u{200a}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{205f}'
            | '\u{3000}'
    )
}

/// Byte order of keys, fast: Alipay's parameter keys almost always differ in their first
/// byte, so that byte decides before the full (memcmp) comparison is needed.
#[inline]
fn cmp_keys(a: &str, b: &str) -> core::cmp::Ordering {
    match (a.as_bytes().first(), b.as_bytes().first()) {
        (Some(x), Some(y)) if x != y => x.cmp(y),
        _ => a.as_bytes().cmp(b.as_bytes()),
    }
}

/// Key bytes that are allowed: printable ASCII except `=` and `&`.
const KEY_BYTE_OK: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = b'!';
    while b < 0x7f {
        table[b as usize] = b != b'=' && b != b'&';
        b += 1;
    }
    table
};

/// Checks one key against the key syntax.
#[inline]
pub(crate) fn check_key(key: &str) -> Result<()> {
    if !key.is_empty() && key.bytes().all(|b| KEY_BYTE_OK[usize::from(b)]) {
        return Ok(());
    }
    let rule = key
        .bytes()
        .find_map(|b| match b {
            b'=' | b'&' => Some(KeyRule::Separator),
            0..=b' ' | 0x7f => Some(KeyRule::Whitespace),
            0x80.. => Some(KeyRule::NonAscii),
            _ => None,
        })
        .unwrap_or(KeyRule::Empty);
    Err(Error::InvalidKey { key: key.to_string(), rule })
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    fn content(pairs: &[(&str, &str)]) -> Result<String> {
        let mut v: Vec<(&str, &str)> = pairs.to_vec();
        SignContent::new(&mut v).map(|c| c.to_string())
    }

    #[test]
    fn sorts_by_key_bytes_not_by_pair() {
        assert_eq!(content(&[("a_b", "3"), ("a1", "2"), ("a", "1")]).unwrap(), "a=1&a1=2&a_b=3");
        assert_eq!(content(&[("b", "x"), ("Z", "y")]).unwrap(), "Z=y&b=x");
    }

    #[test]
    fn drops_sign_and_keeps_sign_type() {
        let got = content(&[("sign", "abc"), ("sign_type", "RSA2"), ("a", "1")]).unwrap();
        assert_eq!(got, "a=1&sign_type=RSA2");
    }

    #[test]
    fn drops_empty_and_blank_values_keeps_zero() {
        let got =
            content(&[("a", ""), ("b", " \t"), ("c", "0"), ("d", "\u{3000}"), ("e", "\u{a0}")]);
        assert_eq!(got.unwrap(), "c=0&e=\u{a0}");
    }

    #[test]
    fn values_stay_raw() {
        assert_eq!(content(&[("k", "a&b=c%20 中")]).unwrap(), "k=a&b=c%20 中");
    }

    #[test]
    fn rejects_duplicate_keys_even_when_empty_or_sign() {
        for pairs in
            [[("a", "1"), ("a", "2")], [("a", ""), ("a", "2")], [("sign", "x"), ("sign", "y")]]
        {
            assert!(
                matches!(content(&pairs), Err(Error::DuplicateKey { key }) if key == pairs[0].0)
            );
        }
    }

    #[test]
    fn rejects_bad_keys_naming_key_and_rule() {
        let cases = [
            ("", KeyRule::Empty),
            ("a=b", KeyRule::Separator),
            ("a&b", KeyRule::Separator),
            ("a b", KeyRule::Whitespace),
            ("a\nb", KeyRule::Whitespace),
            ("a\u{7f}", KeyRule::Whitespace),
            ("键", KeyRule::NonAscii),
        ];
        for (key, want) in cases {
            let err = content(&[(key, "v"), ("ok", "v")]).unwrap_err();
            assert_eq!(err, Error::InvalidKey { key: key.into(), rule: want }, "key {key:?}");
        }
    }

    #[test]
    fn empty_input_is_empty_content() {
        let mut v: [(&str, &str); 0] = [];
        let c = SignContent::new(&mut v).unwrap();
        assert!(c.is_empty());
        assert_eq!(c.to_string(), "");
    }

    #[test]
    fn heapless_exact_fit_and_too_small() {
        let mut v = [("b", "2"), ("a", "1")];
        let c = SignContent::new(&mut v).unwrap();
        let mut exact = heapless::String::<7>::new();
        c.write_heapless(&mut exact).unwrap();
        assert_eq!(exact.as_str(), "a=1&b=2");
        let mut small = heapless::String::<6>::new();
        assert_eq!(
            c.write_heapless(&mut small),
            Err(Error::BufferTooSmall { needed: 7, capacity: 6 })
        );
        assert!(small.is_empty(), "nothing is written on error");
    }

    #[test]
    fn three_outputs_agree() {
        use sha2::{Digest, Sha256};
        let mut v =
            [("method", "x.y"), ("biz_content", "{\"a\":\"中\"}"), ("sign", "s"), ("app_id", "1")];
        let c = SignContent::new(&mut v).unwrap();
        let s = c.to_string();
        assert_eq!(s.len(), c.len());
        let mut h = heapless::String::<64>::new();
        c.write_heapless(&mut h).unwrap();
        assert_eq!(h.as_str(), s);
        let mut d = Sha256::new();
        c.update_digest(&mut d);
        assert_eq!(d.finalize(), Sha256::digest(s.as_bytes()));
    }

    #[test]
    fn fast_key_order_is_byte_order() {
        let keys = [
            "",
            "a",
            "a1",
            "a_b",
            "app_id",
            "app_id2",
            "app_idZZZ",
            "app_idZZa",
            "Zeta",
            "~",
            "abcdefgh",
            "abcdefghi",
            "abcdefgg",
        ];
        for a in keys {
            for b in keys {
                assert_eq!(cmp_keys(a, b), a.as_bytes().cmp(b.as_bytes()), "{a:?} vs {b:?}");
            }
        }
    }

    #[test]
    fn key_table_matches_the_rules() {
        for b in 0..=255u8 {
            let want = (0x21..0x7f).contains(&b) && b != b'=' && b != b'&';
            assert_eq!(KEY_BYTE_OK[usize::from(b)], want, "byte {b:#x}");
        }
    }

    #[test]
    fn java_whitespace_table() {
        for c in [
            '\t', '\n', '\u{b}', '\u{c}', '\r', '\u{1c}', '\u{1f}', ' ', '\u{2000}', '\u{2028}',
            '\u{3000}',
        ] {
            assert!(java_is_whitespace(c), "{c:?}");
        }
        for c in ['\u{a0}', '\u{2007}', '\u{202f}', '\u{85}', 'a', '\u{0}'] {
            assert!(!java_is_whitespace(c), "{c:?}");
        }
    }
}
