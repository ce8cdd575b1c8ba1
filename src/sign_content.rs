//! The request sign content: `k1=v1&k2=v2&...`, sorted by key bytes (PROTOCOL §1).
//!
//! [`SignContent::new`] validates and sorts a caller's slice of borrowed `(&str, &str)`
//! pairs **in place** and computes the exact output length. Keys are checked eight bytes at a
//! time (SWAR), with no validity test per key for the usual 4 to 24 bytes, and, for up to 16
//! parameters, sorted by insertion on 8-byte key prefixes, so a comparison is one integer
//! compare. The dropped pairs are moved behind the kept ones, so one private walk,
//! `write_to`, then feeds every output without testing a pair again:
//! - [`SignContent::write_into`] appends to a `String`, reserving exactly once;
//! - [`SignContent::write_heapless`] writes into a fixed-capacity [`heapless::String`] and
//!   allocates nothing; a buffer that is too small is an error, never a truncation;
//! - [`SignContent::write_bytes`] writes into a byte slice, also allocation-free, and copies
//!   pieces of up to 16 bytes without a `memcpy` call: the fastest output;
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
use crate::swar::{self, HIGH_BITS, LOW_BITS};

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
    /// Afterwards `params` holds the included parameters first, in key order, then the
    /// dropped ones (`sign`, blank values).
    ///
    /// # Errors
    /// [`Error::InvalidKey`] for an empty key or one holding `=`, `&`, whitespace, a control
    /// byte or a non-ASCII byte; [`Error::DuplicateKey`] for a key that appears twice
    /// (whatever its values). `params` is then still a permutation of what it was.
    pub fn new<'p: 'a>(params: &'a mut [(&'p str, &'p str)]) -> Result<Self> {
        let (len, included_count) =
            if params.len() <= SMALL { sort_small(params)? } else { sort_large(params)? };
        if included_count < params.len() {
            // Move the dropped pairs to the end; the included ones keep their order.
            let mut kept = 0;
            for i in 0..params.len() {
                let (key, value) = params[i];
                if included(key, value) {
                    params.swap(kept, i);
                    kept += 1;
                }
            }
            // The count came from the sort tags, this test from the names: for valid keys
            // they agree (see `Sums::add`).
            debug_assert_eq!(kept, included_count);
        }
        let params: &'a [(&'p str, &'p str)] = params;
        // `included_count` counts pairs of `params`, so the range is in bounds.
        let params = params.get(..included_count).unwrap_or_default();
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
        self.params.iter().copied()
    }

    /// Appends the sign content to `out`, growing it exactly once to the final size.
    pub fn write_into(&self, out: &mut String) {
        out.reserve_exact(self.len);
        self.write_to(out);
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
        self.write_to(&mut Fixed(out));
        Ok(())
    }

    /// Writes the sign content to the front of `out` and returns its length. Allocates
    /// nothing; the fastest output, for a caller with a byte buffer (to sign, or to send).
    ///
    /// # Errors
    /// [`Error::BufferTooSmall`] when `out` is shorter than [`len`](Self::len); nothing is
    /// written then.
    pub fn write_bytes(&self, out: &mut [u8]) -> Result<usize> {
        let capacity = out.len();
        let Some(out) = out.get_mut(..self.len) else {
            return Err(Error::BufferTooSmall { needed: self.len, capacity });
        };
        self.write_to(&mut Bytes(out));
        Ok(self.len)
    }

    /// Streams the sign content into a hash (or any [`Update`] sink) with no intermediate
    /// string.
    pub fn update_digest(&self, digest: &mut impl Update) {
        self.write_to(&mut Digest(digest));
    }

    /// The one walk that feeds every output: `k`, `=`, `v`, then `&` before each next pair.
    fn write_to(&self, sink: &mut impl Sink) {
        let mut pairs = self.params.iter();
        if let Some(&(key, value)) = pairs.next() {
            sink.text(key);
            sink.byte(b'=');
            sink.text(value);
        }
        for &(key, value) in pairs {
            sink.byte(b'&');
            sink.text(key);
            sink.byte(b'=');
            sink.text(value);
        }
    }
}

/// Where [`SignContent::write_to`] sends the content. The separators come one byte at a
/// time: a one-byte push is far cheaper than a one-byte copy call.
trait Sink {
    fn text(&mut self, text: &str);
    fn byte(&mut self, byte: u8);
}

impl Sink for String {
    fn text(&mut self, text: &str) {
        self.push_str(text);
    }
    fn byte(&mut self, byte: u8) {
        self.push(char::from(byte));
    }
}

/// A fixed-capacity string whose capacity was checked for the whole content beforehand,
/// so its pushes cannot fail.
struct Fixed<'s, const N: usize>(&'s mut heapless::String<N>);

impl<const N: usize> Sink for Fixed<'_, N> {
    fn text(&mut self, text: &str) {
        let _ = self.0.push_str(text);
    }
    fn byte(&mut self, byte: u8) {
        let _ = self.0.push(char::from(byte));
    }
}

/// A hash fed with the content's bytes.
struct Digest<'d, D>(&'d mut D);

impl<D: Update> Sink for Digest<'_, D> {
    fn text(&mut self, text: &str) {
        self.0.update(text.as_bytes());
    }
    fn byte(&mut self, byte: u8) {
        self.0.update(&[byte]);
    }
}

/// The part of a byte buffer still to fill: exactly as long as the content yet to come.
struct Bytes<'b>(&'b mut [u8]);

impl Sink for Bytes<'_> {
    fn text(&mut self, text: &str) {
        let src = text.as_bytes();
        // Cannot fail: the buffer is as long as the content.
        let Some((dst, rest)) = core::mem::take(&mut self.0).split_at_mut_checked(src.len()) else {
            return;
        };
        self.0 = rest;
        swar::copy(dst, src);
    }
    fn byte(&mut self, byte: u8) {
        if let Some((slot, rest)) = core::mem::take(&mut self.0).split_first_mut() {
            *slot = byte;
            self.0 = rest;
        }
    }
}

/// Whether a pair goes into the sign content: not `sign`, and a value that is not blank.
#[inline]
fn included(key: &str, value: &str) -> bool {
    // A byte-pattern match: inlined compares instead of a `memcmp` call.
    !matches!(key.as_bytes(), b"sign") && !is_blank(value)
}

/// Java's `StringUtils.isEmpty`: empty, or every char is `Character.isWhitespace`.
#[inline(always)]
pub(crate) fn is_blank(value: &str) -> bool {
    // Fast path, inlined: almost every value starts with a non-whitespace ASCII byte.
    match value.as_bytes().first() {
        None => true,
        Some(&b) if b > b' ' && b < 0x7f => false,
        Some(_) => is_blank_slow(value),
    }
}

#[cold]
#[inline(never)]
fn is_blank_slow(value: &str) -> bool {
    value.chars().all(java_is_whitespace)
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

/// Up to this many parameters sort in [`sort_small`]; more go to [`sort_large`]. A request
/// has 8 to 15 parameters.
const SMALL: usize = 16;

/// What the validating pass sums over the pairs.
#[derive(Default)]
struct Sums {
    /// Bytes of `key=value` over the included pairs: a `u64`, which no real set of pairs
    /// can overflow, even on a 32-bit target whose values share memory.
    len: u64,
    /// How many pairs are included.
    included: usize,
}

impl Sums {
    /// Counts a pair whose key has the sort tag `tag`. The count is right only if the key is
    /// valid: the quick pass counts before it knows, and its count is thrown away when a key
    /// is not.
    #[inline(always)]
    fn add(&mut self, tag: u64, key: &str, value: &str) {
        // A valid key's tag equals that of `sign` only if the key is `sign` (an invalid key
        // may: `sign` and four NUL bytes).
        debug_assert!((tag == SIGN_TAG) == (key == SIGN) || check_key(key).is_err(), "{key:?}");
        if tag != SIGN_TAG && !is_blank(value) {
            self.len += key.len() as u64 + 1 + value.len() as u64;
            self.included += 1;
        }
    }

    /// The content length (one `&` between every two pairs) and the included count.
    ///
    /// A length past `usize::MAX` (on a 32-bit target) becomes `usize::MAX`, which every
    /// bounded output then rejects as too long, rather than a wrapped, short one.
    fn finish(self) -> (usize, usize) {
        let len = self.len + self.included.saturating_sub(1) as u64;
        (usize::try_from(len).unwrap_or(usize::MAX), self.included)
    }
}

/// The sort tag of [`SIGN`] (see [`key_tag`]).
const SIGN_TAG: u64 = u64::from_be_bytes(*b"sign\0\0\0\0");

/// The error for a key given twice.
fn duplicate(key: &str) -> Error {
    Error::DuplicateKey { key: key.to_string() }
}

/// Validates and sorts up to [`SMALL`] pairs by insertion on their tags (see
/// [`insertion_sort`]); returns what [`Sums::finish`] does.
fn sort_small<'p>(params: &mut [(&'p str, &'p str)]) -> Result<(usize, usize)> {
    // `zip` stops at `SMALL`, which the caller checked `params` does not exceed.
    debug_assert!(params.len() <= SMALL);
    let mut tags = [0u64; SMALL];
    let mut sums = Sums::default();
    // The common case first, with no call in the loop: keys of 4 to 24 bytes, their flags
    // for bad bytes OR-ed together and tested once at the end.
    let mut bad = 0;
    for (&(key, value), tag) in params.iter().zip(tags.iter_mut()) {
        let quick = quick_tag(key);
        *tag = quick.0;
        bad |= quick.1;
        sums.add(quick.0, key, value);
    }
    if bad & HIGH_BITS != 0 {
        // A key is bad, or of a length `quick_tag` leaves out: again, key by key, so that
        // the error names the first bad key.
        sums = Sums::default();
        for (&(key, value), tag) in params.iter().zip(tags.iter_mut()) {
            *tag = key_tag(key)?;
            sums.add(*tag, key, value);
        }
    }
    match insertion_sort(params, &mut tags) {
        Some(key) => Err(duplicate(key)),
        None => Ok(sums.finish()),
    }
}

/// Validates and sorts any number of pairs; returns what [`Sums::finish`] does.
fn sort_large(params: &mut [(&str, &str)]) -> Result<(usize, usize)> {
    let mut sums = Sums::default();
    for &(key, value) in params.iter() {
        sums.add(key_tag(key)?, key, value);
    }
    params.sort_unstable_by(|a, b| cmp_keys(a.0, b.0));
    // Sorted, so a duplicate sits next to its twin.
    match params.windows(2).find_map(|pair| match pair {
        [(a, _), (b, _)] if a == b => Some(*a),
        _ => None,
    }) {
        Some(key) => Err(duplicate(key)),
        None => Ok(sums.finish()),
    }
}

/// Checks `key` against the key syntax and returns its sort tag: its first eight bytes,
/// big-endian, zero-padded. A valid key holds no zero byte, so tags order keys exactly as
/// their first eight bytes do (a key that is a prefix of another sorts first); keys whose
/// tags are equal are compared in full.
///
/// Both jobs share overlapping word loads: the first, middle and last eight bytes (or the
/// first and last four, for a shorter key) cover a key of up to 24 bytes, so checking those
/// words checks every byte.
#[inline(always)]
fn key_tag(key: &str) -> Result<u64> {
    let (tag, bad) = quick_tag(key);
    if bad & HIGH_BITS == 0 {
        return Ok(tag);
    }
    // A bad key, or one of a length the quick check leaves out (a longer key has its tag,
    // its first eight bytes, already).
    match key.len() {
        0..4 => short_key_tag(key),
        _ => check_key(key).map(|()| tag),
    }
}

/// [`key_tag`] without the error, for the common case: the tag and the flags of bad bytes
/// (see [`crate::swar`]) of a key of 4 to 24 bytes. Any other length is flagged too; the tag
/// of a longer key is still its first eight bytes.
#[inline(always)]
fn quick_tag(key: &str) -> (u64, u64) {
    let b = key.as_bytes();
    if let (Some(head), Some(tail)) = (b.first_chunk::<8>(), b.last_chunk::<8>()) {
        let mut bad =
            key_word_bad(u64::from_le_bytes(*head)) | key_word_bad(u64::from_le_bytes(*tail));
        if b.len() > 16 {
            // The middle word of a key of 17 to 24 bytes; a longer key is flagged.
            let middle = b.get(8..).and_then(|rest| rest.first_chunk::<8>());
            bad |= middle.map_or(HIGH_BITS, |word| key_word_bad(u64::from_le_bytes(*word)));
            if b.len() > 24 {
                bad |= HIGH_BITS;
            }
        }
        return (u64::from_be_bytes(*head), bad);
    }
    match (b.first_chunk::<4>(), b.last_chunk::<4>()) {
        (Some(head), Some(tail)) => {
            // 4 to 7 bytes: the two halves overlap on identical bytes, so OR-ing them at
            // their positions rebuilds the key, zero-padded.
            let (head, tail) = (u32::from_be_bytes(*head), u32::from_be_bytes(*tail));
            let tag = u64::from(head) << 32 | u64::from(tail) << (8 * (8 - b.len()));
            (tag, key_word_bad(u64::from(head) << 32 | u64::from(tail)))
        }
        _ => (0, HIGH_BITS),
    }
}

/// [`key_tag`] for a key of 0 to 3 bytes (an empty key fails the check).
#[inline(never)]
fn short_key_tag(key: &str) -> Result<u64> {
    let b = key.as_bytes();
    let tag = b.iter().fold(0u64, |tag, &c| tag << 8 | u64::from(c));
    check_key(key).map(|()| tag << (8 * (8 - b.len().max(1))))
}

/// Flags (see [`crate::swar`]) the bytes of `w` that are not allowed key bytes (printable
/// ASCII except `=` and `&`), eight at a time: `w` itself flags bytes ≥ 0x80, `w + 0x01..`
/// flags 0x7f, and the classes below `!`, `=` and `&` flag the rest.
#[inline(always)]
const fn key_word_bad(w: u64) -> u64 {
    w | w.wrapping_add(LOW_BITS)
        | swar::below(w, b'!')
        | swar::equal(w, b'=')
        | swar::equal(w, b'&')
}

/// Sorts `params` by key bytes, `tags[i]` holding the tag of `params[i]` (see [`key_tag`]):
/// an insertion sort that moves each tag along with its parameter. A comparison is one
/// integer compare, unless two keys share their first eight bytes.
///
/// Returns the first key found twice, if any, leaving `params` a permutation of what it was.
/// An insertion stops right after the greatest key not above the one inserted, so a key's
/// twin, already sorted in, is its neighbour then, and one tag compare finds it.
fn insertion_sort<'p>(params: &mut [(&'p str, &'p str)], tags: &mut [u64]) -> Option<&'p str> {
    let n = params.len().min(tags.len());
    let (params, tags) = (&mut params[..n], &mut tags[..n]);
    for i in 1..n {
        let (tag, pair) = (tags[i], params[i]);
        let mut j = i;
        while j > 0 {
            let before = tags[j - 1];
            if tag > before || (tag == before && pair.0.as_bytes() >= params[j - 1].0.as_bytes()) {
                break;
            }
            tags[j] = before;
            params[j] = params[j - 1];
            j -= 1;
        }
        tags[j] = tag;
        params[j] = pair;
        if j > 0 && tags[j - 1] == tag && params[j - 1].0 == pair.0 {
            return Some(pair.0);
        }
    }
    None
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
    fn finds_a_duplicate_anywhere_in_small_and_large_sets() {
        // Keys sharing their first eight bytes (equal sort tags) and other ones, short (so the
        // quick pass hands the set to the key-by-key one) or all of 4 to 24 bytes (so it
        // does not); every pair of positions made equal, in a scrambled order; on both sides
        // of the small-set limit.
        let mut state = 5;
        for (n, short) in (2..=SMALL + 3).flat_map(|n| [(n, true), (n, false)]) {
            let keys: Vec<String> = (0..n)
                .map(|i| match (i % 2, short) {
                    (0, _) => alloc::format!("param_{i:03}"),
                    (_, true) => alloc::format!("k{i}"),
                    (_, false) => alloc::format!("key_{i}_of_a_set"),
                })
                .collect();
            for first in 0..n {
                for second in first + 1..n {
                    let mut pairs: Vec<(&str, &str)> =
                        keys.iter().map(|k| (k.as_str(), "v")).collect();
                    pairs[second].0 = pairs[first].0;
                    for i in (1..n).rev() {
                        pairs.swap(i, (lcg(&mut state) % (i as u64 + 1)) as usize);
                    }
                    let before = pairs.clone();
                    let got = SignContent::new(&mut pairs).map(|_| ());
                    assert_eq!(got, Err(Error::DuplicateKey { key: keys[first].clone() }));
                    // What is left is still the caller's pairs, reordered.
                    let (mut left, mut right) = (before, pairs);
                    left.sort_unstable();
                    right.sort_unstable();
                    assert_eq!(left, right);
                }
            }
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
    fn finds_a_bad_byte_at_every_position_of_every_length() {
        for len in 1..=40 {
            let good: Vec<u8> = (0..len).map(|i| b"aZ_9.~!b"[i % 8]).collect();
            let key = String::from_utf8(good.clone()).unwrap();
            assert_eq!(key_tag(&key).map(|_| ()), Ok(()), "{key:?}");
            for pos in 0..len {
                for bad in [b' ', b'=', b'&', 0x7f, 0x00, 0x1f] {
                    let mut bytes = good.clone();
                    bytes[pos] = bad;
                    let key = String::from_utf8(bytes).unwrap();
                    assert_eq!(key_tag(&key).err(), check_key(&key).err(), "{key:?}");
                    assert!(key_tag(&key).is_err(), "{key:?}");
                    let (_, flags) = quick_tag(&key);
                    assert_ne!(flags & HIGH_BITS, 0, "the quick pass lets {key:?} through");
                }
            }
        }
    }

    #[test]
    fn names_the_first_bad_key_in_input_order() {
        // Bad keys of every length class, each after valid keys of every class (the
        // quick pass covers 4 to 24 bytes; shorter and longer keys go key by key).
        let valid =
            ["a", "abcdefg", "abcdefghijklmno", "alipay_root_cert_sn", "k".repeat(30).leak()];
        let bad =
            ["a b", "ab=d", "abcdefghijk&m", "abcdefghijklmnopqrs\u{7f}", "键".repeat(10).leak()];
        let padding: Vec<String> = (0..SMALL).map(|i| alloc::format!("pad_{i:02}")).collect();
        let cases = (0..bad.len()).flat_map(|i| [(i, false, 0), (i, true, 0), (i, false, SMALL)]);
        for (i, reversed, pad) in cases {
            // Valid keys first (a few, or past the small-set limit), then the first bad key,
            // then the other bad ones, in either order.
            let mut pairs: Vec<(&str, &str)> = valid.iter().map(|&k| (k, "v")).collect();
            pairs.extend(padding[..pad].iter().map(|k| (k.as_str(), "v")));
            let first_bad = bad[i];
            pairs.push((first_bad, "v"));
            let mut rest: Vec<&str> = bad.iter().copied().filter(|&k| k != first_bad).collect();
            if reversed {
                rest.reverse();
            }
            pairs.extend(rest.iter().map(|&k| (k, "v")));
            let before = pairs.clone();
            let err = SignContent::new(&mut pairs).unwrap_err();
            assert!(
                matches!(err, Error::InvalidKey { ref key, .. } if key == first_bad),
                "{err:?}"
            );
            assert_eq!(pairs, before, "a key error leaves the pairs as they were");
        }
    }

    #[test]
    fn dropped_pairs_go_last_and_only_sign_is_dropped_by_name() {
        for n in [6, SMALL + 4] {
            let mut pairs: Vec<(&str, &str)> = alloc::vec![
                ("sign", "x"),
                ("signs", "1"),
                ("sig", "2"),
                ("Sign", "3"),
                ("blank", " "),
                ("sign_type", "RSA2"),
            ];
            let extra: Vec<String> = (pairs.len()..n).map(|i| alloc::format!("z{i:02}")).collect();
            pairs.extend(extra.iter().map(|k| (k.as_str(), "v")));
            let owned = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
                pairs.iter().map(|&(k, v)| (k.to_string(), v.to_string())).collect()
            };
            let mut want = owned(&pairs)
                .into_iter()
                .filter(|(k, v)| k != "sign" && v != " ")
                .collect::<Vec<_>>();
            want.sort();
            let (kept, text) = {
                let content = SignContent::new(&mut pairs).unwrap();
                (owned(&content.params().collect::<Vec<_>>()), content.to_string())
            };
            assert_eq!(kept, want, "{n} pairs");
            assert_eq!(owned(&pairs[..kept.len()]), kept);
            let mut dropped = pairs[kept.len()..].to_vec();
            dropped.sort();
            assert_eq!(dropped, [("blank", " "), ("sign", "x")]);
            assert!(text.starts_with("Sign=3&sig=2&sign_type=RSA2&signs=1"), "{text}");
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
        let mut b = [0u8; 64];
        assert_eq!(c.write_bytes(&mut b), Ok(s.len()));
        assert_eq!(&b[..s.len()], s.as_bytes());
    }

    #[test]
    fn bytes_output_matches_string_for_every_piece_length() {
        // Keys of every length from 0 to 40 bytes and values of every length from 0 to 40
        // bytes, ASCII and multi-byte (each copy path and its edges).
        let keys = "abcdefghij_klmnopqrst.uvwxyz0123456789ABCDEFG";
        let values = "abcdefghij_klmnopqrs中tuvwxyz0123456789ABCDEFG";
        let mut state = 9;
        for _ in 0..3_000 {
            let cut = |state: &mut u64, text: &'static str| {
                let mut end = (lcg(state) % 41) as usize;
                while !text.is_char_boundary(end) {
                    end -= 1;
                }
                &text[..end]
            };
            let (k1, v1, v2) =
                (cut(&mut state, keys), cut(&mut state, values), cut(&mut state, values));
            let mut pairs = [("k", v1), ("x_key_that_is_quite_long", v2), (k1, "1")];
            let Ok(content) = SignContent::new(&mut pairs) else {
                continue; // an empty or duplicate `k1`
            };
            let want = content.to_string();
            let mut buf = [0xffu8; 160];
            assert_eq!(content.write_bytes(&mut buf), Ok(want.len()));
            assert_eq!(&buf[..want.len()], want.as_bytes());
            assert!(buf[want.len()..].iter().all(|&b| b == 0xff), "wrote past the content");
            let mut exact = alloc::vec![0u8; want.len()];
            assert_eq!(content.write_bytes(&mut exact), Ok(want.len()));
            assert_eq!(exact, want.as_bytes());
            if let Some(short) = want.len().checked_sub(1) {
                let mut small = alloc::vec![0u8; short];
                assert_eq!(
                    content.write_bytes(&mut small),
                    Err(Error::BufferTooSmall { needed: want.len(), capacity: short })
                );
                assert!(small.iter().all(|&b| b == 0), "nothing is written on error");
            }
        }
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

    /// A small deterministic generator for the exhaustive-ish checks below.
    fn lcg(state: &mut u64) -> u64 {
        *state =
            state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        *state >> 11
    }

    #[test]
    fn key_word_check_matches_the_table() {
        let table_ok = |w: u64| w.to_le_bytes().iter().all(|&b| KEY_BYTE_OK[usize::from(b)]);
        // Every byte value at every position among valid bytes.
        for pos in 0..8 {
            for b in 0..=255u8 {
                let mut bytes = *b"aZ_9.~!b";
                bytes[pos] = b;
                let w = u64::from_le_bytes(bytes);
                assert_eq!(key_word_bad(w) & HIGH_BITS == 0, table_ok(w), "byte {b:#x} at {pos}");
            }
        }
        // Random words, and words mixing several borderline bytes (borrows between bytes).
        let edge =
            [0x00, 0x1f, 0x20, 0x21, 0x25, 0x26, 0x27, 0x3c, 0x3d, 0x3e, 0x7e, 0x7f, 0x80, 0xff];
        let mut state = 7;
        for _ in 0..200_000 {
            let r = lcg(&mut state);
            let w = if r & 1 == 0 {
                r.wrapping_mul(0x9e37_79b9_7f4a_7c15)
            } else {
                let mut bytes = [0u8; 8];
                for (i, byte) in bytes.iter_mut().enumerate() {
                    *byte = edge[((r >> (4 * i + 1)) % edge.len() as u64) as usize];
                }
                u64::from_le_bytes(bytes)
            };
            assert_eq!(key_word_bad(w) & HIGH_BITS == 0, table_ok(w), "word {w:#018x}");
        }
    }

    #[test]
    fn key_tag_checks_exactly_like_check_key() {
        let alphabet = ["a", "Z", "_", "1", "=", "&", " ", "\t", "\u{7f}", "é", "~", "!", "\0"];
        let mut state = 11;
        for _ in 0..50_000 {
            // Every length class: 0-3, 4-7, 8-16, 17-24 and longer.
            let len = (lcg(&mut state) % 40) as usize;
            let key: String = (0..len)
                .map(|_| alphabet[(lcg(&mut state) % alphabet.len() as u64) as usize])
                .collect();
            assert_eq!(key_tag(&key).is_ok(), check_key(&key).is_ok(), "{key:?}");
            assert_eq!(key_tag(&key).err(), check_key(&key).err(), "{key:?}");
        }
    }

    #[test]
    fn small_sort_is_byte_order() {
        // Keys of 4 to 24 bytes only, which the quick pass takes whole, some sharing their
        // first eight bytes...
        let quick = [
            "alipay_root_cert_sn",
            "alipay_sdk",
            "app_auth_token",
            "app_cert_sn",
            "app_id",
            "app_id2",
            "abcdefgh",
            "abcdefghi",
            "abcdefgg",
            "abcdefgh~",
            "Zeta",
            "sign",
            "sign_type",
            "biz_content",
            "abcdefghijklmnopqrstuvwx",
            "abcdefghijklmnopqrstuvw",
        ];
        // ... and with short ones among them, which send the set key by key.
        let mut keys = alloc::vec!["a", "a1", "a_b", "~", "b"];
        keys.extend_from_slice(&quick[..11]);
        let mut state = 3;
        let sets = [&keys[..], &quick[..]];
        for (keys, n) in sets.iter().flat_map(|keys| (0..=keys.len()).map(move |n| (keys, n))) {
            for _ in 0..200 {
                let mut pairs: Vec<(&str, &str)> = keys[..n].iter().map(|&k| (k, "v")).collect();
                for i in (1..pairs.len()).rev() {
                    pairs.swap(i, (lcg(&mut state) % (i as u64 + 1)) as usize);
                }
                let mut want: Vec<_> = pairs.iter().copied().filter(|&(k, _)| k != SIGN).collect();
                want.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
                let c = SignContent::new(&mut pairs).unwrap();
                assert_eq!(c.params().collect::<Vec<_>>(), want);
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
