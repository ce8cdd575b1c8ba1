//! `application/x-www-form-urlencoded`, as the Alipay gateway and Java's `URLEncoder` speak it.
//!
//! Encoding: space becomes `+`; `A-Z a-z 0-9 . - * _` stay; every other byte of the UTF-8
//! text becomes `%XX` with uppercase hex. So a `sign` value always goes out with `+` as
//! `%2B`, `/` as `%2F` and `=` as `%3D`.
//!
//! Decoding happens exactly **once**: `+` becomes a space and `%XX` a byte; nothing else is
//! touched, so a value such as `passback_params` that was percent-encoded before it was
//! form-encoded comes out still percent-encoded, as it was signed. Values borrow from the
//! input when they hold no escape.

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;

use crate::error::{Error, Result};

/// `%XX` for every byte value, uppercase: the escape of byte `b` is `ESCAPES[3 * b..3 * b + 3]`.
const ESCAPES: &str = concat!(
    "%00%01%02%03%04%05%06%07%08%09%0A%0B%0C%0D%0E%0F%10%11%12%13%14%15%16%17%18%19%1A%1B%1C%1D%1E%1F",
    "%20%21%22%23%24%25%26%27%28%29%2A%2B%2C%2D%2E%2F%30%31%32%33%34%35%36%37%38%39%3A%3B%3C%3D%3E%3F",
    "%40%41%42%43%44%45%46%47%48%49%4A%4B%4C%4D%4E%4F%50%51%52%53%54%55%56%57%58%59%5A%5B%5C%5D%5E%5F",
    "%60%61%62%63%64%65%66%67%68%69%6A%6B%6C%6D%6E%6F%70%71%72%73%74%75%76%77%78%79%7A%7B%7C%7D%7E%7F",
    "%80%81%82%83%84%85%86%87%88%89%8A%8B%8C%8D%8E%8F%90%91%92%93%94%95%96%97%98%99%9A%9B%9C%9D%9E%9F",
    "%A0%A1%A2%A3%A4%A5%A6%A7%A8%A9%AA%AB%AC%AD%AE%AF%B0%B1%B2%B3%B4%B5%B6%B7%B8%B9%BA%BB%BC%BD%BE%BF",
    "%C0%C1%C2%C3%C4%C5%C6%C7%C8%C9%CA%CB%CC%CD%CE%CF%D0%D1%D2%D3%D4%D5%D6%D7%D8%D9%DA%DB%DC%DD%DE%DF",
    "%E0%E1%E2%E3%E4%E5%E6%E7%E8%E9%EA%EB%EC%ED%EE%EF%F0%F1%F2%F3%F4%F5%F6%F7%F8%F9%FA%FB%FC%FD%FE%FF",
);

/// Whether a byte stays as it is, indexed by byte value (a table beats the range tests on the
/// escape-dense JSON of `biz_content`).
const UNRESERVED: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = is_unreserved(b as u8);
        b += 1;
    }
    table
};

/// Whether a byte stays as it is in Java's `URLEncoder`.
const fn is_unreserved(b: u8) -> bool {
    matches!(b, b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'*' | b'_')
}

/// The encoding of every byte value, packed into a `u32` for [`encode_chunk`]: the output
/// bytes in the low bytes (little-endian, so they come out in order from `to_le_bytes`) and
/// the output length in the top byte. An unreserved byte is itself (length 1), a space is `+`
/// (length 1), anything else is its `%XX` from [`ESCAPES`] (length 3).
const PACKED: [u32; 256] = {
    let escapes = ESCAPES.as_bytes();
    let mut table = [0u32; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = if is_unreserved(b as u8) {
            b as u32 | 1 << 24
        } else if b == b' ' as usize {
            b'+' as u32 | 1 << 24
        } else {
            escapes[3 * b] as u32
                | (escapes[3 * b + 1] as u32) << 8
                | (escapes[3 * b + 2] as u32) << 16
                | 3 << 24
        };
        b += 1;
    }
    table
};

/// The fixed-size window [`encode_chunk`] writes through, and so the room a [`FormBuffer`]
/// keeps past its worst case. A chunk of 8 input bytes writes at most 25 bytes (its last
/// 4-byte store starts at most 21 bytes in), but the store offset is masked to 5 bits so
/// that the compiler can see it in bounds: the window must hold a store at offset 31.
const WINDOW: usize = 40;
const _: () = assert!(WINDOW >= 32 + 4);

/// The most spare capacity [`FormBuffer::into_string`] leaves in its `String`: a request of
/// usual size keeps its buffer as it is, with no reallocation.
const MAX_SPARE: usize = 1024;

/// The length of `value` once form-encoded.
pub fn encoded_len(value: &str) -> usize {
    // Every byte costs 1, plus 2 more for each byte that becomes `%XX`.
    value.len() + 2 * value.bytes().filter(|&b| !UNRESERVED[usize::from(b)] && b != b' ').count()
}

/// Appends `value`, form-encoded, to `out`.
///
/// This is the plain, one-byte-at-a-time encoder; the request encoder and
/// [`encode_pairs_into`] use a faster one that gives the same bytes (the unit tests hold the
/// two to each other).
pub fn encode_into(value: &str, out: &mut String) {
    let bytes = value.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if UNRESERVED[usize::from(b)] {
            continue;
        }
        // `start..i` is a run of unreserved ASCII bytes, so both ends are char boundaries;
        // `start` can sit inside a multi-byte char only when the run is empty.
        if start < i {
            out.push_str(&value[start..i]);
        }
        if b == b' ' {
            out.push('+');
        } else {
            let at = 3 * usize::from(b);
            out.push_str(ESCAPES.get(at..at + 3).unwrap_or_default());
        }
        start = i + 1;
    }
    if start < bytes.len() {
        out.push_str(&value[start..]);
    }
}

/// A form-encoded text being written: `k1=v1&k2=v2...`, ASCII only.
///
/// Its buffer is allocated and zero-filled once, to the worst case (every byte `%XX`) the
/// caller announces, and written through fixed-size windows with a cursor (see
/// [`encode_chunk`]); [`FormBuffer::into_string`] cuts it to what was written. A caller
/// that announced too little costs a regrowth, never a wrong byte.
pub(crate) struct FormBuffer {
    buf: Vec<u8>,
    end: usize,
}

impl FormBuffer {
    /// A buffer for text whose pairs, every byte escaped, take at most `worst` bytes: see
    /// [`pair_worst_case`].
    pub(crate) fn new(worst: usize) -> Self {
        // Zeroed by the allocator, so the pages of a large worst case are touched only as
        // they are written.
        FormBuffer { buf: alloc::vec![0; worst.saturating_add(WINDOW)], end: 0 }
    }

    /// A buffer that goes on after the bytes of `start` (`&`-joined to them).
    fn after(mut start: Vec<u8>, worst: usize) -> Self {
        let end = start.len();
        start.resize(end.saturating_add(worst).saturating_add(WINDOW), 0);
        FormBuffer { buf: start, end }
    }

    /// Appends `k=v` with `v` (and `k`, unless [`Key::Plain`]) form-encoded, `&`-joined to
    /// what the buffer already holds.
    pub(crate) fn push_pair(&mut self, key: &str, kind: Key, value: &str) {
        let needed = self.end.saturating_add(pair_worst_case(key, value)).saturating_add(WINDOW);
        if self.buf.len() < needed {
            self.buf.resize(needed, 0);
        }
        if self.end > 0 {
            self.push_byte(b'&');
        }
        match kind {
            Key::Plain => self.push_plain(key.as_bytes()),
            Key::Encode => self.encode(key.as_bytes()),
        }
        self.push_byte(b'=');
        self.encode(value.as_bytes());
    }

    /// The text written, as a `String`. It is ASCII, so the conversion cannot fail; were it
    /// ever not, the lossy conversion would show the offending bytes as U+FFFD rather than
    /// panic.
    ///
    /// The buffer was sized for the worst case, up to three times the text; spare capacity
    /// over [`MAX_SPARE`] is given back (one reallocation), so that a large request held
    /// for a retry does not keep twice its size in memory. It never shrinks below `keep`.
    pub(crate) fn into_string(mut self, keep: usize) -> String {
        self.buf.truncate(self.end);
        self.buf.shrink_to(self.end.saturating_add(MAX_SPARE).max(keep));
        String::from_utf8(self.buf)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }

    // The writers below rely on the room `push_pair` made; if it were ever missing they
    // would write nothing rather than panic.

    fn push_byte(&mut self, byte: u8) {
        if let Some(slot) = self.buf.get_mut(self.end) {
            *slot = byte;
            self.end += 1;
        } else {
            debug_assert!(false, "push_pair made room for the worst case");
        }
    }

    fn push_plain(&mut self, bytes: &[u8]) {
        if let Some(slot) = self.buf.get_mut(self.end..self.end + bytes.len()) {
            crate::swar::copy(slot, bytes);
            self.end += bytes.len();
        } else {
            debug_assert!(false, "push_pair made room for the worst case");
        }
    }

    /// Appends `value`, form-encoded: the bytes [`encode_into`] appends, 8 input bytes at a
    /// time through a window at the cursor.
    fn encode(&mut self, value: &[u8]) {
        let (chunks, tail) = value.as_chunks::<8>();
        // The cursor in a local, not in `self`: the compiler cannot tell that the window
        // writes leave `self.end` alone, so it would store and reload it for every chunk.
        let mut end = self.end;
        // Whether the last chunk came out 8 bytes long (no escape, or only spaces), so this
        // one likely needs no escape either (the runs of a signature or an id), and is worth
        // testing for a plain copy.
        let mut clean_run = true;
        for chunk in chunks {
            let Some(window) = window(&mut self.buf, end) else {
                debug_assert!(false, "push_pair made room for the worst case");
                break;
            };
            let written = if clean_run && is_clean(chunk) {
                if let Some(front) = window.first_chunk_mut::<8>() {
                    *front = *chunk;
                }
                8
            } else {
                encode_chunk(chunk, window)
            };
            clean_run = written == 8;
            end += written;
        }
        if let Some(window) = window(&mut self.buf, end) {
            end += encode_chunk(tail, window);
        } else {
            debug_assert!(false, "push_pair made room for the worst case");
        }
        self.end = end;
    }
}

/// The window of `buf` at `at`.
fn window(buf: &mut [u8], at: usize) -> Option<&mut [u8; WINDOW]> {
    buf.get_mut(at..).and_then(|w| w.first_chunk_mut::<WINDOW>())
}

/// The most bytes `k=v&` can take once form-encoded (every byte escaped).
pub(crate) fn pair_worst_case(key: &str, value: &str) -> usize {
    key.len().saturating_add(value.len()).saturating_mul(3).saturating_add(2)
}

/// Whether no byte of `chunk` needs an escape.
#[inline(always)]
fn is_clean(chunk: &[u8; 8]) -> bool {
    // `&` rather than `&&`: eight table loads and no early exit beat a branch per byte.
    chunk.iter().fold(true, |clean, &b| clean & UNRESERVED[usize::from(b)])
}

/// Writes the encoding of `chunk`, at most 8 bytes (a whole chunk, or the tail of a value),
/// to the front of `window` and returns its length; the bytes after that length are scratch.
///
/// No data-dependent branch: each byte's [`PACKED`] encoding is stored whole (4 bytes) at the
/// cursor, which then moves on by its real length (1 or 3), so the next store overwrites the
/// spare bytes (the length byte, and zeros).
#[inline(always)]
fn encode_chunk(chunk: &[u8], window: &mut [u8; WINDOW]) -> usize {
    debug_assert!(chunk.len() <= 8);
    let mut at = 0;
    for &b in chunk {
        let code = PACKED[usize::from(b)];
        // `at` is at most 21 here; the mask only lets the compiler see it.
        if let Some(slot) = window.get_mut(at & 31..).and_then(|w| w.first_chunk_mut::<4>()) {
            *slot = code.to_le_bytes();
        }
        at += (code >> 24) as usize;
    }
    at
}

/// Appends `k1=v1&k2=v2...` (both sides form-encoded) to `out`, `&`-joined to what `out`
/// already holds when `out` is not empty.
pub fn encode_pairs_into<'p>(
    pairs: impl IntoIterator<Item = (&'p str, &'p str)>,
    out: &mut String,
) {
    // Work on the bytes and convert back once: `out` was UTF-8 and only ASCII is appended,
    // so the conversion cannot fail.
    // The caller's capacity is the caller's: the buffer does not shrink below it.
    let keep = out.capacity();
    let mut buffer = FormBuffer::after(core::mem::take(out).into_bytes(), 0);
    for (key, value) in pairs {
        buffer.push_pair(key, Key::Encode, value);
    }
    *out = buffer.into_string(keep);
}

/// Whether [`FormBuffer::push_pair`] must encode a key.
#[derive(Clone, Copy)]
pub(crate) enum Key {
    /// A key made only of bytes that encode as themselves (`A-Z a-z 0-9 . - * _`), such as
    /// every name the request envelope owns: it is copied as it is.
    Plain,
    /// Any other key.
    Encode,
}

/// Decodes one form component exactly once: `+` → space, `%XX` → byte. The result must be
/// UTF-8. `base` is the component's offset in the whole input, for error messages.
///
/// # Errors
/// [`Error::Form`] for a `%` not followed by two hex digits, or bytes that are not UTF-8.
pub fn decode_component(input: &[u8], base: usize) -> Result<Cow<'_, str>> {
    if !input.iter().any(|&b| b == b'%' || b == b'+') {
        return core::str::from_utf8(input)
            .map(Cow::Borrowed)
            .map_err(|e| form_error(base + e.valid_up_to(), NOT_UTF8));
    }
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        match input[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hi = input.get(i + 1).and_then(|&h| hex_value(h));
                let lo = input.get(i + 2).and_then(|&l| hex_value(l));
                match (hi, lo) {
                    (Some(hi), Some(lo)) => out.push(hi << 4 | lo),
                    _ => return Err(form_error(base + i, "'%' not followed by two hex digits")),
                }
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map(Cow::Owned).map_err(|e| {
        let at = input_offset(input, e.utf8_error().valid_up_to());
        let what = if input.get(at) == Some(&b'%') { NOT_UTF8_DECODED } else { NOT_UTF8 };
        form_error(base + at, what)
    })
}

/// The offset in a component's `input` of the byte that decoded to byte `decoded` of its
/// output: a `%XX` escape takes three input bytes, any other byte one.
fn input_offset(input: &[u8], decoded: usize) -> usize {
    let mut at = 0;
    for _ in 0..decoded {
        at += if input.get(at) == Some(&b'%') { 3 } else { 1 };
    }
    at
}

/// [`Error::Form`]'s `what` for raw bytes that are not UTF-8.
const NOT_UTF8: &str = "not UTF-8";
/// [`Error::Form`]'s `what` for `%XX` escapes that decode to bytes that are not UTF-8.
const NOT_UTF8_DECODED: &str = "not UTF-8 after decoding";

/// Whether `e` is a form error for bytes that are not UTF-8 (raw or escaped), as opposed to
/// a broken escape: the gateway takes those for a charset problem.
#[cfg(feature = "gateway")]
pub(crate) fn is_not_utf8(e: &Error) -> bool {
    matches!(e, Error::Form { what, .. } if [NOT_UTF8, NOT_UTF8_DECODED].contains(what))
}

/// An [`Error::Form`] that names no parameter (yet: [`decode`] adds it).
fn form_error(offset: usize, what: &'static str) -> Error {
    Error::Form { param: None, offset, what }
}

const fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Decodes a whole form body or query string into `(key, value)` pairs, once.
///
/// Empty segments (`a=1&&b=2`, a trailing `&`) are skipped; a segment without `=` is a key
/// with an empty value. Duplicate keys are kept in order; the caller decides (the sign
/// content rejects them).
///
/// # Errors
/// [`Error::Form`] as [`decode_component`] says, naming the parameter (its key as it appears
/// in the input).
pub fn decode(input: &[u8]) -> Result<Vec<(Cow<'_, str>, Cow<'_, str>)>> {
    let mut pairs = Vec::new();
    let mut offset = 0;
    for segment in input.split(|&b| b == b'&') {
        let base = offset;
        offset += segment.len() + 1;
        if segment.is_empty() {
            continue;
        }
        let (key, value, value_base) = match segment.iter().position(|&b| b == b'=') {
            Some(eq) => (&segment[..eq], &segment[eq + 1..], base + eq + 1),
            None => (segment, &segment[segment.len()..], base + segment.len()),
        };
        let decoded = decode_component(key, base)
            .and_then(|k| Ok((k, decode_component(value, value_base)?)))
            .map_err(|e| match e {
                Error::Form { param: None, offset, what } => Error::Form {
                    param: Some(String::from_utf8_lossy(key).into_owned()),
                    offset,
                    what,
                },
                other => other,
            })?;
        pairs.push(decoded);
    }
    Ok(pairs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(s: &str) -> String {
        let mut out = String::new();
        encode_into(s, &mut out);
        assert_eq!(out.len(), encoded_len(s));
        out
    }

    #[test]
    fn java_urlencoder_known_answers() {
        assert_eq!(enc("aZ09.-*_"), "aZ09.-*_");
        assert_eq!(enc("a b"), "a+b");
        assert_eq!(enc("+/="), "%2B%2F%3D");
        assert_eq!(enc("~!'()"), "%7E%21%27%28%29");
        assert_eq!(enc("张三"), "%E5%BC%A0%E4%B8%89");
        assert_eq!(enc("{\"a\":1}&#"), "%7B%22a%22%3A1%7D%26%23");
    }

    /// Java's `URLEncoder` on bytes, one at a time: the reference for the fast encoder.
    fn reference(bytes: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        for &b in bytes {
            match b {
                b' ' => out.push(b'+'),
                b if is_unreserved(b) => out.push(b),
                b => out.extend_from_slice(alloc::format!("%{b:02X}").as_bytes()),
            }
        }
        out
    }

    #[test]
    fn output_keeps_little_spare_capacity_and_all_of_the_callers() {
        // A large value that needs no escape: the worst-case buffer is three times the text.
        let big = "a".repeat(1 << 20);
        let mut out = String::new();
        encode_pairs_into([("k", big.as_str())], &mut out);
        assert_eq!(out.len(), big.len() + 2);
        assert!(out.capacity() - out.len() <= MAX_SPARE, "{}", out.capacity());
        // A small one keeps its buffer as it is.
        let mut small = FormBuffer::new(pair_worst_case("k", "v"));
        small.push_pair("k", Key::Plain, "v");
        let capacity = small.buf.capacity();
        assert_eq!(small.into_string(0).capacity(), capacity);
        // A caller's own capacity is left alone.
        let mut out = String::with_capacity(1 << 16);
        encode_pairs_into([("k", "v")], &mut out);
        assert_eq!(out, "k=v");
        assert!(out.capacity() >= 1 << 16);
    }

    /// The fast encoder, after a key it must leave alone.
    fn fast(bytes: &[u8]) -> Vec<u8> {
        let mut buffer = FormBuffer::new(pair_worst_case("k", "") + 3 * bytes.len());
        buffer.push_pair("k", Key::Plain, "");
        let start = buffer.end;
        buffer.encode(bytes);
        let out = buffer.into_string(0).into_bytes();
        assert_eq!(&out[..start], b"k=");
        out[start..].to_vec()
    }

    #[test]
    fn the_worst_case_sizes_leave_room_for_every_pair() {
        // Pairs whose every byte escapes, of every length around the chunk size: a buffer
        // sized by the sum of `pair_worst_case`, as the request encoder sizes its query and
        // body, must never grow (`push_pair` grows it only when room is missing).
        for len in 0..40 {
            let value = "/".repeat(len);
            let pairs = [("k=", value.as_str()), ("张", "中"), ("&", value.as_str())];
            let worst = pairs.iter().map(|&(k, v)| pair_worst_case(k, v)).sum();
            let mut buffer = FormBuffer::new(worst);
            let size = buffer.buf.len();
            let mut want = String::new();
            for (key, value) in pairs {
                buffer.push_pair(key, Key::Encode, value);
                assert_eq!(buffer.buf.len(), size, "grew for {len}");
                if !want.is_empty() {
                    want.push('&');
                }
                encode_into(key, &mut want);
                want.push('=');
                encode_into(value, &mut want);
            }
            assert_eq!(buffer.into_string(0), want);
        }
    }

    /// A small deterministic generator (xorshift64*), for reproducible random inputs.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    #[test]
    fn fast_encoder_matches_the_reference_for_every_byte_at_every_position() {
        // Every byte value at every offset of inputs around the 8-byte chunk size, in a
        // clean and in an escape-dense background.
        for background in [b'a', b'/'] {
            for len in 1..=25 {
                for at in 0..len {
                    for b in 0..=255u8 {
                        let mut input = alloc::vec![background; len];
                        input[at] = b;
                        assert_eq!(fast(&input), reference(&input), "{input:?}");
                    }
                }
            }
        }
        assert_eq!(fast(b""), b"");
    }

    #[test]
    fn fast_encoder_matches_the_reference_on_random_input() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        // Weighted towards what requests hold: letters, digits, JSON punctuation, spaces and
        // UTF-8 lead and continuation bytes.
        let alphabet = b"aZ09.-*_ \"{}:,#+/=%&~\\\x00\x1f\x7f\x80\xbf\xe5\xff";
        for _ in 0..20_000 {
            let len = rng.below(80);
            let input: Vec<u8> = (0..len)
                .map(|_| match rng.below(3) {
                    0 => alphabet[rng.below(alphabet.len())],
                    1 => b'a' + rng.below(26) as u8,
                    _ => rng.next() as u8,
                })
                .collect();
            assert_eq!(fast(&input), reference(&input), "{input:?}");
        }
    }

    #[test]
    fn plain_and_fast_encoders_agree_on_text() {
        let mut rng = Rng(7);
        let chars = ['a', 'Z', '0', '.', ' ', '"', '+', '~', '\u{7f}', 'é', '张', '😀'];
        for _ in 0..5_000 {
            let text: String = (0..rng.below(40)).map(|_| chars[rng.below(chars.len())]).collect();
            let mut plain = String::new();
            encode_into(&text, &mut plain);
            assert_eq!(plain.as_bytes(), fast(text.as_bytes()), "{text:?}");
            assert_eq!(plain.len(), encoded_len(&text));
        }
    }

    #[test]
    fn pairs_are_appended_with_a_separator() {
        let mut out = String::from("a=1");
        encode_pairs_into([("b c", "x/y"), ("d", "")], &mut out);
        assert_eq!(out, "a=1&b+c=x%2Fy&d=");
        let mut out = String::new();
        encode_pairs_into([("k", "张")], &mut out);
        assert_eq!(out, "k=%E5%BC%A0");
    }

    #[test]
    fn packed_table_matches_the_escapes() {
        for b in 0..=255u8 {
            let packed = PACKED[usize::from(b)].to_le_bytes();
            let len = usize::from(packed[3]);
            assert_eq!(&packed[..len], reference(&[b]), "{b}");
        }
    }

    #[test]
    fn escape_table_is_percent_uppercase_hex() {
        for b in 0..=255u8 {
            let at = 3 * usize::from(b);
            assert_eq!(&ESCAPES[at..at + 3], alloc::format!("%{b:02X}"));
        }
    }

    #[test]
    fn decodes_once_and_borrows_when_clean() {
        let pairs = decode(b"a=1&b=x+y&c=%2541&d&&e=%E4%B8%AD").unwrap();
        let flat: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (&**k, &**v)).collect();
        assert_eq!(flat, [("a", "1"), ("b", "x y"), ("c", "%41"), ("d", ""), ("e", "中")]);
        assert!(matches!(pairs[0].1, Cow::Borrowed(_)));
    }

    #[test]
    fn rejects_bad_escapes_and_non_utf8() {
        assert!(matches!(decode(b"a=%4"), Err(Error::Form { offset: 2, .. })));
        // The error names the parameter, whether its key or its value is malformed.
        let form =
            |param: &str, offset, what| Error::Form { param: Some(param.into()), offset, what };
        assert_eq!(
            decode(b"a=1&b=%ZZ").unwrap_err(),
            form("b", 6, "'%' not followed by two hex digits")
        );
        assert_eq!(
            decode(b"a=1&%Z=1").unwrap_err(),
            form("%Z", 4, "'%' not followed by two hex digits")
        );
        assert_eq!(decode(b"k\xff=1").unwrap_err(), form("k\u{fffd}", 1, "not UTF-8"));
        assert_eq!(decode(b"b%2B=%FF").unwrap_err(), form("b%2B", 5, "not UTF-8 after decoding"));
        assert_eq!(
            decode_component(b"%FF", 0).unwrap_err(),
            Error::Form { param: None, offset: 0, what: "not UTF-8 after decoding" }
        );
        // The offset is that of the first byte that is not UTF-8, escaped or raw, also after
        // an escape or a `+` earlier in the value.
        assert_eq!(decode(b"a=ok%FF").unwrap_err(), form("a", 4, "not UTF-8 after decoding"));
        assert_eq!(
            decode(b"a=%41+%E4%B8%AD%FF").unwrap_err(),
            form("a", 15, "not UTF-8 after decoding")
        );
        assert_eq!(decode(b"a=x+\xff").unwrap_err(), form("a", 4, "not UTF-8"));
        assert_eq!(decode(b"a=%E4%B8").unwrap_err(), form("a", 2, "not UTF-8 after decoding"));
        assert!(matches!(decode(b"a=%zz"), Err(Error::Form { .. })));
        assert!(matches!(decode(b"a=%FF"), Err(Error::Form { .. })));
        assert!(matches!(decode(b"a=\xff"), Err(Error::Form { offset: 2, .. })));
    }
}
