//! Synchronous responses (PROTOCOL §3): scan the raw body, verify the exact node span, then
//! decode typed data from that span only.
//!
//! ```text
//! body bytes ──► scan ──► UntrustedResponse ──► verify ──► VerifiedResponse ──► Reply<T>
//!                (members,   (node, span, sign,    (exact span,    (span trusted)   (status +
//!                 spans)      alipay_cert_sn)       sign type, key)                  typed body)
//! ```
//!
//! # The scanner
//! [`scan`] is a real JSON tokenizer over the body bytes, without recursion: strings (every
//! escape checked, `\uXXXX` included, surrogates paired), nesting of `{}` and `[]` with an
//! explicit depth counter bounded by [`MAX_DEPTH`], numbers and `true`/`false`/`null`
//! checked for well-formedness, whitespace (space, tab, CR, LF) anywhere between tokens. The
//! whole body must be UTF-8: outside strings the grammar allows only ASCII, and every string
//! holding a non-ASCII byte is validated as it is skipped. It runs in linear time: every byte
//! is looked at a bounded number of times, and the inside of strings is skipped eight bytes
//! at a time.
//!
//! It yields each top-level member's name and the exact byte span of its value, and rejects
//! a body in which any top-level member appears twice ([`Error::DuplicateMember`]): this is
//! what stops the "verify the first node, return the second" bypass.
//!
//! **Escaped member names.** A top-level member name holding a backslash escape (such as
//! `"sig\u006e"`) is rejected as [`Error::Malformed`]. The gateway never escapes member
//! names, and rejecting them means the raw bytes *are* the name, so the node and duplicate
//! checks cannot be dodged by spelling a name two ways.
//!
//! # Node selection
//! The node is `<method with '.' → '_'>_response`, or, when it is absent, `error_response`
//! (as Java does). Anything else is [`Error::NoNode`]; a node whose value is neither an
//! object nor a string (an AES-encrypted node) is [`Error::NodeNotObject`]. The span of an
//! object node is `{...}` inclusive, that of a string node includes the quotes.
//!
//! # Verification
//! [`UntrustedResponse::verify`] checks the `sign` member (JSON-unescaped, strict base64)
//! over the exact span, with the sign type the caller configured (a response carries no
//! `sign_type`).
//! - No `sign`, or `""`: the response is *unsigned*. It is accepted, marked
//!   [`Authenticity::Unsigned`], only when it is an error (a non-empty `sub_code`) and
//!   [`ResponseOptions::accept_unsigned_errors`] is on (the default): that is how the gateway
//!   reports many errors, and surfacing them beats a bogus "signature failure" (PROTOCOL §8).
//!   An unsigned success is always [`Error::Unsigned`].
//! - **The `\/` retry** ([`ResponseOptions::slash_retry`], **on by default**). Some responses
//!   were signed before `/` was escaped as `\/`. When the direct check fails and the span
//!   holds a `\/` escape, the check runs once more over a copy of the span in which every
//!   `\/` *escape* (a real escape, found by the tokenizer, not a blind text replacement that
//!   would also hit `\\/`) is written `/`. Both byte strings decode to exactly the same JSON
//!   values, so the retry can never make a response say something its signer did not sign.
//!   It is on by default because Java (the reference SDK), PHP and .NET always do it, and a
//!   genuine payment response rejected is a real cost. The price is one more RSA public-key
//!   operation and one copy of the span, paid only by a response that already failed and
//!   holds `\/`. Turn it off for the strictest behaviour.
//!
//! # Decoding
//! Typed data comes only from the verified span: the common fields `code`, `msg`,
//! `sub_code`, `sub_msg` ([`Status`], verbatim) and the method's own fields
//! ([`Method::Response`]), each decoded with `serde_json::from_slice` over the span. A gateway
//! or business failure is data ([`Status::gateway_code`], [`Status::sub_code_class`]), not an
//! `Err`. [`VerifiedResponse::reply`] refuses a node that does not belong to the method, so a
//! response for method A never decodes as method B.
//!
//! ```
//! use alipay_codec::response::{self, ResponseOptions};
//!
//! let body = br#"{"error_response":{"code":"40002","msg":"Invalid Arguments","sub_code":"isv.invalid-app-id","sub_msg":"bad app_id"}}"#;
//! let untrusted = response::UntrustedResponse::parse(body, "alipay.trade.query")?;
//! assert_eq!(untrusted.node_name(), "error_response");
//! # let key = alipay_codec::AlipayPublicKey::parse(include_str!("../tests/keys/alipay_public.pem"))?;
//! let verified = untrusted.verify(alipay_codec::SignType::Rsa2, &key, ResponseOptions::new())?;
//! assert!(!verified.is_verified()); // an unsigned gateway error, surfaced as data
//! let status = verified.status()?;
//! assert_eq!(status.gateway_code(), response::GatewayCode::InvalidArguments);
//! assert_eq!(status.sub_code_class(), Some(response::SubCodeClass::Isv));
//! # Ok::<(), alipay_codec::Error>(())
//! ```

use alloc::borrow::Cow;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::ops::Range;

use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::api::Method;
use crate::error::{Error, Result};
use crate::signing::{Message, SignType, Signature, Verifier};

/// The deepest nesting of `{}` / `[]` the scanner accepts, the top-level object included.
pub const MAX_DEPTH: usize = 128;
/// The most top-level members the scanner accepts (a real response has two or three).
pub const MAX_MEMBERS: usize = 64;

/// The top-level member holding the signature.
pub const SIGN: &str = "sign";
/// The top-level member naming the Alipay certificate in certificate mode.
pub const ALIPAY_CERT_SN: &str = "alipay_cert_sn";
/// The node a gateway error arrives in when the method node is absent.
pub const ERROR_RESPONSE: &str = "error_response";
/// The suffix of a method's node name.
pub const RESPONSE_SUFFIX: &str = "_response";

// ---- scanner --------------------------------------------------------------------------------

/// One top-level member: its raw name and the exact byte span of its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Member<'a> {
    name: &'a str,
    value: &'a [u8],
    value_start: usize,
}

impl<'a> Member<'a> {
    /// The member name, exactly as in the body (it holds no escape: see the module docs).
    pub fn name(&self) -> &'a str {
        self.name
    }

    /// The exact bytes of the value, from its first to its last byte.
    pub fn value(&self) -> &'a [u8] {
        self.value
    }

    /// Where the value lies in the body.
    pub fn range(&self) -> Range<usize> {
        self.value_start..self.value_start + self.value.len()
    }
}

/// The top-level members of a response body, in body order, borrowed from it.
#[derive(Debug, Clone)]
pub struct Members<'a> {
    members: heapless::Vec<Member<'a>, MAX_MEMBERS>,
}

impl<'a> Members<'a> {
    /// The member called `name`, if present (names are unique: [`scan`] rejects duplicates).
    pub fn get(&self, name: &str) -> Option<&Member<'a>> {
        self.members.iter().find(|m| m.name == name)
    }

    /// Every member, in body order.
    pub fn iter(&self) -> impl Iterator<Item = &Member<'a>> + '_ {
        self.members.iter()
    }

    /// How many members the body has.
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// Whether the top-level object is `{}`.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }
}

/// Scans a response body: a top-level JSON object, tokenized without recursion.
///
/// # Errors
/// [`Error::Malformed`] for bytes that are not UTF-8, broken JSON, an escaped top-level
/// member name or bytes after the object; [`Error::TooDeep`] beyond [`MAX_DEPTH`];
/// [`Error::TooManyMembers`] beyond [`MAX_MEMBERS`]; [`Error::DuplicateMember`] for a
/// top-level name seen twice.
pub fn scan(body: &[u8]) -> Result<Members<'_>> {
    let b = body;
    let mut members: heapless::Vec<Member<'_>, MAX_MEMBERS> = heapless::Vec::new();
    let mut i = skip_ws(b, 0);
    match b.get(i) {
        Some(b'{') => i += 1,
        Some(_) => return Err(malformed(i, "expected '{' at the top level")),
        None => return Err(malformed(i, "empty body")),
    }
    i = skip_ws(b, i);
    if b.get(i) == Some(&b'}') {
        i += 1;
    } else {
        loop {
            match b.get(i) {
                Some(b'"') => {}
                Some(_) => return Err(malformed(i, "expected a member name")),
                None => return Err(malformed(i, "truncated body")),
            }
            let name_start = i + 1;
            let name_end = skip_string(b, i)?;
            // `skip_string` validated the name's UTF-8 already; this cannot fail.
            let name = b
                .get(name_start..name_end - 1)
                .and_then(|n| core::str::from_utf8(n).ok())
                .ok_or(Error::Malformed { offset: i, what: "member name" })?;
            if name.as_bytes().contains(&b'\\') {
                return Err(malformed(i, "escaped top-level member name"));
            }
            i = skip_ws(b, name_end);
            match b.get(i) {
                Some(b':') => i = skip_ws(b, i + 1),
                Some(_) => return Err(malformed(i, "expected ':'")),
                None => return Err(malformed(i, "truncated body")),
            }
            let value_start = i;
            let value_end = skip_value(b, i)?;
            let value = b
                .get(value_start..value_end)
                .ok_or(Error::Malformed { offset: i, what: "value" })?;
            if members.iter().any(|m| m.name == name) {
                return Err(Error::DuplicateMember { name: name.to_string() });
            }
            members.push(Member { name, value, value_start }).map_err(|_| Error::TooManyMembers)?;
            i = skip_ws(b, value_end);
            match b.get(i) {
                Some(b',') => i = skip_ws(b, i + 1),
                Some(b'}') => {
                    i += 1;
                    break;
                }
                Some(_) => return Err(malformed(i, "expected ',' or '}'")),
                None => return Err(malformed(i, "truncated body")),
            }
        }
    }
    i = skip_ws(b, i);
    if i != b.len() {
        return Err(malformed(i, "bytes after the top-level object"));
    }
    Ok(Members { members })
}

fn malformed(offset: usize, what: &'static str) -> Error {
    Error::Malformed { offset, what }
}

#[inline]
fn is_ws(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

#[inline]
fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while let Some(&c) = b.get(i) {
        if !is_ws(c) {
            break;
        }
        i += 1;
    }
    i
}

const LOW_BITS: u64 = 0x0101_0101_0101_0101;
const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// High bit set in every byte of `w` equal to `byte`; exact for the lowest such byte (a borrow
/// can only mark bytes above a true match).
#[inline]
fn bytes_equal(w: u64, byte: u8) -> u64 {
    let x = w ^ (LOW_BITS * u64::from(byte));
    x.wrapping_sub(LOW_BITS) & !x & HIGH_BITS
}

/// The first index at or after `i` holding a quote, a backslash, a control byte or (when
/// `ascii_only`) a byte ≥ 0x80; or `b.len()`. Eight bytes at a time (SWAR, no `unsafe`).
#[inline]
fn find_string_special(b: &[u8], mut i: usize, ascii_only: bool) -> usize {
    let non_ascii = if ascii_only { HIGH_BITS } else { 0 };
    while let Some(word) = b.get(i..i + 8).and_then(|s| <[u8; 8]>::try_from(s).ok()) {
        let w = u64::from_le_bytes(word);
        // `w - 0x20..` borrows into the high bit of every byte below 0x20 (exact for the lowest).
        let control = w.wrapping_sub(LOW_BITS * 0x20) & !w & HIGH_BITS;
        let hits = bytes_equal(w, b'"') | bytes_equal(w, b'\\') | control | (w & non_ascii);
        if hits != 0 {
            return i + (hits.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    let rest = b.get(i..).unwrap_or_default();
    i + rest
        .iter()
        .position(|&c| c == b'"' || c == b'\\' || c < 0x20 || (ascii_only && c >= 0x80))
        .unwrap_or(rest.len())
}

fn hex4(b: &[u8], i: usize) -> Option<u16> {
    let digits = b.get(i..i + 4)?;
    let mut v: u16 = 0;
    for &d in digits {
        let n = match d {
            b'0'..=b'9' => d - b'0',
            b'a'..=b'f' => d - b'a' + 10,
            b'A'..=b'F' => d - b'A' + 10,
            _ => return None,
        };
        v = v << 4 | u16::from(n);
    }
    Some(v)
}

/// Skips a string starting at the quote `b[start]`; returns the index after its closing
/// quote. The string's bytes must be UTF-8: they are validated here, and only for strings
/// that hold a non-ASCII byte (everything outside strings is ASCII by the grammar).
fn skip_string(b: &[u8], start: usize) -> Result<usize> {
    let mut i = start + 1;
    let mut ascii_only = true;
    loop {
        i = find_string_special(b, i, ascii_only);
        match b.get(i) {
            None => return Err(malformed(start, "unterminated string")),
            Some(b'"') => {
                if !ascii_only {
                    let inner = b.get(start + 1..i).unwrap_or_default();
                    if let Err(e) = core::str::from_utf8(inner) {
                        return Err(malformed(start + 1 + e.valid_up_to(), "not UTF-8"));
                    }
                }
                return Ok(i + 1);
            }
            Some(0x80..) => ascii_only = false,
            Some(b'\\') => match b.get(i + 1) {
                Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => i += 2,
                Some(b'u') => {
                    let unit = hex4(b, i + 2)
                        .ok_or(Error::Malformed { offset: i, what: "invalid \\u escape" })?;
                    i += 6;
                    match unit {
                        0xD800..=0xDBFF => {
                            let low = match (b.get(i), b.get(i + 1)) {
                                (Some(b'\\'), Some(b'u')) => hex4(b, i + 2),
                                _ => None,
                            };
                            match low {
                                Some(0xDC00..=0xDFFF) => i += 6,
                                _ => {
                                    return Err(malformed(
                                        i - 6,
                                        "unpaired surrogate in \\u escape",
                                    ))
                                }
                            }
                        }
                        0xDC00..=0xDFFF => {
                            return Err(malformed(i - 6, "unpaired surrogate in \\u escape"))
                        }
                        _ => {}
                    }
                }
                Some(_) => return Err(malformed(i, "invalid escape")),
                None => return Err(malformed(start, "unterminated string")),
            },
            Some(_) => return Err(malformed(i, "control byte in string")),
        }
    }
}

fn skip_literal(b: &[u8], i: usize, literal: &'static [u8]) -> Result<usize> {
    if b.get(i..i + literal.len()) == Some(literal) {
        Ok(i + literal.len())
    } else {
        Err(malformed(i, "invalid literal"))
    }
}

fn skip_digits(b: &[u8], mut i: usize) -> usize {
    while let Some(c) = b.get(i) {
        if !c.is_ascii_digit() {
            break;
        }
        i += 1;
    }
    i
}

/// Skips a JSON number: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
fn skip_number(b: &[u8], start: usize) -> Result<usize> {
    let mut i = start;
    if b.get(i) == Some(&b'-') {
        i += 1;
    }
    match b.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => i = skip_digits(b, i + 1),
        _ => return Err(malformed(i, "invalid number")),
    }
    if b.get(i) == Some(&b'.') {
        let end = skip_digits(b, i + 1);
        if end == i + 1 {
            return Err(malformed(i, "invalid number"));
        }
        i = end;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let end = skip_digits(b, i);
        if end == i {
            return Err(malformed(i, "invalid number"));
        }
        i = end;
    }
    Ok(i)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    /// A value must come.
    Value,
    /// Just after `[`: a value or `]`.
    ValueOrClose,
    /// Just after `{`: a member name or `}`.
    KeyOrClose,
    /// After `,` in an object: a member name.
    Key,
    /// A value just ended inside a container: `,` or the container's closing bracket.
    After,
}

/// Skips one value starting at `b[start]` (a member value of the top-level object, which is
/// depth 1); returns the index just after its last byte. Iterative: the container kinds live
/// in a bit stack, one bit per level.
fn skip_value(b: &[u8], start: usize) -> Result<usize> {
    // Bit `d` is set when level `d` of this value is an object. Levels 0..MAX_DEPTH-1 fit.
    let mut objects: u128 = 0;
    let mut depth: usize = 0;
    let mut state = State::Value;
    let mut i = start;
    loop {
        match state {
            State::Value | State::ValueOrClose => {
                i = skip_ws(b, i);
                let Some(&c) = b.get(i) else { return Err(malformed(i, "truncated body")) };
                match c {
                    b'{' | b'[' => {
                        // The top-level object is one level; this one would be `depth + 2`.
                        if depth + 2 > MAX_DEPTH {
                            return Err(Error::TooDeep { offset: i });
                        }
                        let bit = 1u128 << depth;
                        if c == b'{' {
                            objects |= bit;
                            state = State::KeyOrClose;
                        } else {
                            objects &= !bit;
                            state = State::ValueOrClose;
                        }
                        depth += 1;
                        i += 1;
                        continue;
                    }
                    b']' if state == State::ValueOrClose => {
                        depth = depth.saturating_sub(1);
                        i += 1;
                    }
                    b'"' => i = skip_string(b, i)?,
                    b't' => i = skip_literal(b, i, b"true")?,
                    b'f' => i = skip_literal(b, i, b"false")?,
                    b'n' => i = skip_literal(b, i, b"null")?,
                    b'-' | b'0'..=b'9' => i = skip_number(b, i)?,
                    _ => return Err(malformed(i, "expected a value")),
                }
            }
            State::KeyOrClose | State::Key => {
                i = skip_ws(b, i);
                match b.get(i) {
                    Some(b'"') => {
                        i = skip_ws(b, skip_string(b, i)?);
                        match b.get(i) {
                            Some(b':') => i += 1,
                            Some(_) => return Err(malformed(i, "expected ':'")),
                            None => return Err(malformed(i, "truncated body")),
                        }
                        state = State::Value;
                        continue;
                    }
                    Some(b'}') if state == State::KeyOrClose => {
                        depth = depth.saturating_sub(1);
                        i += 1;
                    }
                    Some(_) => return Err(malformed(i, "expected a member name")),
                    None => return Err(malformed(i, "truncated body")),
                }
            }
            State::After => {
                i = skip_ws(b, i);
                let in_object = objects >> depth.saturating_sub(1) & 1 == 1;
                match b.get(i) {
                    Some(b',') => {
                        i += 1;
                        state = if in_object { State::Key } else { State::Value };
                        continue;
                    }
                    Some(b'}') if in_object => {
                        depth = depth.saturating_sub(1);
                        i += 1;
                    }
                    Some(b']') if !in_object => {
                        depth = depth.saturating_sub(1);
                        i += 1;
                    }
                    Some(_) => return Err(malformed(i, "expected ',' or a closing bracket")),
                    None => return Err(malformed(i, "truncated body")),
                }
            }
        }
        // A value (scalar or container) just ended at `i`.
        if depth == 0 {
            return Ok(i);
        }
        state = State::After;
    }
}

/// JSON-unescapes the contents of a string (the bytes between its quotes).
fn unescape(raw: &str) -> Result<Cow<'_, str>> {
    if !raw.as_bytes().contains(&b'\\') {
        return Ok(Cow::Borrowed(raw));
    }
    let bad = || Error::Malformed { offset: 0, what: "invalid escape" };
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.char_indices();
    let b = raw.as_bytes();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some((_, e)) = chars.next() else { return Err(bad()) };
        let decoded = match e {
            '"' => '"',
            '\\' => '\\',
            '/' => '/',
            'b' => '\u{8}',
            'f' => '\u{c}',
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            'u' => {
                let hi = hex4(b, i + 2).ok_or_else(bad)?;
                let mut skip = 4;
                let code = if (0xD800..0xDC00).contains(&hi) {
                    let lo = match (b.get(i + 6), b.get(i + 7)) {
                        (Some(b'\\'), Some(b'u')) => hex4(b, i + 8).ok_or_else(bad)?,
                        _ => return Err(bad()),
                    };
                    if !(0xDC00..0xE000).contains(&lo) {
                        return Err(bad());
                    }
                    skip = 10;
                    0x10000 + ((u32::from(hi) - 0xD800) << 10) + (u32::from(lo) - 0xDC00)
                } else {
                    u32::from(hi)
                };
                for _ in 0..skip {
                    chars.next();
                }
                char::from_u32(code).ok_or_else(bad)?
            }
            _ => return Err(bad()),
        };
        out.push(decoded);
    }
    Ok(Cow::Owned(out))
}

/// A copy of a JSON value's bytes with every `\/` escape (inside strings, found by
/// tokenizing) written as `/`. `\\/` stays as it is.
fn unescape_slashes(span: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(span.len());
    let mut i = 0;
    while let Some(&c) = span.get(i) {
        if c == b'\\' {
            match span.get(i + 1) {
                Some(b'/') => out.push(b'/'),
                Some(&next) => {
                    out.push(c);
                    out.push(next);
                }
                None => out.push(c),
            }
            i += 2;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// Whether `span` holds a real `\/` escape (not the tail of `\\/`).
fn has_slash_escape(span: &[u8]) -> bool {
    let mut i = 0;
    while let Some(&c) = span.get(i) {
        if c == b'\\' {
            if span.get(i + 1) == Some(&b'/') {
                return true;
            }
            i += 2;
        } else {
            i += 1;
        }
    }
    false
}

/// Whether `name` is the node of `method`: `method` with `.` → `_`, then `_response`.
pub fn is_node_of(name: &str, method: &str) -> bool {
    let (n, m) = (name.as_bytes(), method.as_bytes());
    n.len() == m.len() + RESPONSE_SUFFIX.len()
        && n.ends_with(RESPONSE_SUFFIX.as_bytes())
        && n.iter().zip(m).all(|(&a, &b)| a == if b == b'.' { b'_' } else { b })
}

/// The node name of `method`: `method` with `.` → `_`, then `_response`.
pub fn node_name_of(method: &str) -> String {
    let mut s: String = method.chars().map(|c| if c == '.' { '_' } else { c }).collect();
    s.push_str(RESPONSE_SUFFIX);
    s
}

// ---- untrusted view ----------------------------------------------------------------------------

/// What the node's value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    /// A JSON object `{...}`: a plain response.
    Object,
    /// A JSON string `"..."`: an AES-encrypted response (decrypt the verified span).
    Encrypted,
}

/// A scanned response whose signature has not been checked. Borrows the body.
///
/// Everything here is attacker-controlled until [`verify`](Self::verify) succeeds.
#[derive(Debug, Clone, Copy)]
pub struct UntrustedResponse<'a> {
    node_name: &'a str,
    span: &'a [u8],
    span_start: usize,
    kind: NodeKind,
    sign: Option<&'a str>,
    cert_sn: Option<&'a str>,
}

/// The raw contents (between the quotes) of a top-level string member.
fn string_member<'a>(members: &Members<'a>, name: &'static str) -> Result<Option<&'a str>> {
    let Some(m) = members.get(name) else { return Ok(None) };
    match m.value {
        [b'"', inner @ .., b'"'] => {
            core::str::from_utf8(inner).map(Some).map_err(|_| Error::NotAString { name })
        }
        _ => Err(Error::NotAString { name }),
    }
}

impl<'a> UntrustedResponse<'a> {
    /// Scans `body` and selects the node of `method` (its wire name, e.g.
    /// `"alipay.trade.query"`), falling back to `error_response`.
    ///
    /// # Errors
    /// Every error of [`scan`]; [`Error::NoNode`] when neither node is present;
    /// [`Error::NodeNotObject`] when the node is neither an object nor a string;
    /// [`Error::NotAString`] when `sign` or `alipay_cert_sn` is not a string.
    pub fn parse(body: &'a [u8], method: &str) -> Result<Self> {
        let members = scan(body)?;
        let node = members
            .iter()
            .find(|m| is_node_of(m.name, method))
            .or_else(|| members.get(ERROR_RESPONSE))
            .ok_or_else(|| Error::NoNode { expected: node_name_of(method) })?;
        let kind = match node.value.first() {
            Some(b'{') => NodeKind::Object,
            Some(b'"') => NodeKind::Encrypted,
            _ => return Err(Error::NodeNotObject),
        };
        let sign = string_member(&members, SIGN)?.filter(|s| !s.is_empty());
        let cert_sn = string_member(&members, ALIPAY_CERT_SN)?;
        Ok(UntrustedResponse {
            node_name: node.name,
            span: node.value,
            span_start: node.value_start,
            kind,
            sign,
            cert_sn,
        })
    }

    /// Like [`parse`](Self::parse), for the method `M`.
    ///
    /// # Errors
    /// As [`parse`](Self::parse).
    pub fn parse_for<M: Method>(body: &'a [u8]) -> Result<Self> {
        Self::parse(body, M::NAME)
    }

    /// The selected node's name: the method node or `error_response`.
    pub fn node_name(&self) -> &'a str {
        self.node_name
    }

    /// Whether the selected node is `error_response`.
    pub fn is_error_node(&self) -> bool {
        self.node_name == ERROR_RESPONSE
    }

    /// The exact bytes the signature covers: the node's value as received.
    pub fn signed_span(&self) -> &'a [u8] {
        self.span
    }

    /// Where [`signed_span`](Self::signed_span) lies in the body.
    pub fn span_range(&self) -> Range<usize> {
        self.span_start..self.span_start + self.span.len()
    }

    /// Whether the node is an object or an encrypted string.
    pub fn node_kind(&self) -> NodeKind {
        self.kind
    }

    /// The raw (still JSON-escaped) `sign` value; `None` when absent or `""`.
    pub fn raw_sign(&self) -> Option<&'a str> {
        self.sign
    }

    /// The `sign` value, JSON-unescaped and checked as strict base64; `None` when unsigned.
    ///
    /// # Errors
    /// [`Error::Malformed`] for a broken escape; [`Error::SignatureNotBase64`] or
    /// [`Error::SignatureLength`] for a value that cannot be a signature.
    pub fn signature(&self) -> Result<Option<Signature>> {
        match self.sign {
            None => Ok(None),
            Some(raw) => Signature::from_base64(&unescape(raw)?).map(Some),
        }
    }

    /// The `alipay_cert_sn` member, JSON-unescaped: which Alipay certificate signed the
    /// response (map it to a key before verifying). It is not covered by the signature.
    ///
    /// # Errors
    /// [`Error::Malformed`] for a broken escape.
    pub fn cert_sn(&self) -> Result<Option<Cow<'a, str>>> {
        self.cert_sn.map(unescape).transpose()
    }

    /// Verifies the signature over the exact span with the configured sign type and key.
    ///
    /// # Errors
    /// [`Error::Unsigned`] for an unsigned response that is not an acceptable unsigned error
    /// (see the module docs); [`Error::SignatureNotBase64`] / [`Error::SignatureLength`] for
    /// a bad `sign`; [`Error::InvalidSignature`] when it does not verify (after the `\/`
    /// retry, when enabled and applicable).
    pub fn verify(
        self,
        sign_type: SignType,
        verifier: &impl Verifier,
        options: ResponseOptions,
    ) -> Result<VerifiedResponse<'a>> {
        let authenticity = match self.signature()? {
            None => {
                let acceptable = options.accept_unsigned_errors
                    && self.kind == NodeKind::Object
                    && serde_json::from_slice::<Status>(self.span)
                        .is_ok_and(|s| s.sub_code.as_deref().is_some_and(|c| !c.is_empty()));
                if !acceptable {
                    return Err(Error::Unsigned);
                }
                Authenticity::Unsigned
            }
            Some(signature) => {
                match verifier.verify(sign_type, Message::Bytes(self.span), &signature) {
                    Ok(()) => Authenticity::Verified,
                    Err(Error::InvalidSignature)
                        if options.slash_retry && has_slash_escape(self.span) =>
                    {
                        let unescaped = unescape_slashes(self.span);
                        verifier.verify(sign_type, Message::Bytes(&unescaped), &signature)?;
                        Authenticity::VerifiedWithSlashRetry
                    }
                    Err(e) => return Err(e),
                }
            }
        };
        Ok(VerifiedResponse {
            node_name: self.node_name,
            span: self.span,
            kind: self.kind,
            cert_sn: self.cert_sn,
            authenticity,
        })
    }

    /// Certificate mode: verifies with the key of the Alipay certificate that the response's
    /// `alipay_cert_sn` names, taken from `keys`; otherwise as [`verify`](Self::verify).
    ///
    /// A signed response must name its certificate: one without `alipay_cert_sn` (or with
    /// `""`) is [`Error::MissingCertSn`], success or error, as in the Java SDK. An unsigned
    /// response needs no key and goes through the unsigned rules of
    /// [`verify`](Self::verify) (an unsigned error may be accepted, an unsigned success is
    /// [`Error::Unsigned`]).
    ///
    /// # Errors
    /// [`Error::MissingCertSn`]; [`Error::UnknownCertSn`] carrying the SN when `keys` has no
    /// such certificate (download it with `alipay.open.app.alipaycert.download`, check it,
    /// add it and verify again); [`Error::Malformed`] for a broken escape in the SN; every
    /// error of [`verify`](Self::verify).
    #[cfg(feature = "cert")]
    pub fn verify_with_cert_keys(
        self,
        sign_type: SignType,
        keys: &crate::cert::AlipayCertKeys,
        options: ResponseOptions,
    ) -> Result<VerifiedResponse<'a>> {
        if self.sign.is_none() {
            return self.verify(sign_type, &NoKey, options);
        }
        let sn = self.cert_sn()?.filter(|sn| !sn.is_empty()).ok_or(Error::MissingCertSn)?;
        let key = keys.get(&sn)?;
        self.verify(sign_type, key, options)
    }
}

/// The verifier of an unsigned response, which is never asked to verify anything.
#[cfg(feature = "cert")]
struct NoKey;

#[cfg(feature = "cert")]
impl Verifier for NoKey {
    fn verify(&self, _: SignType, _: Message<'_>, _: &Signature) -> Result<()> {
        Err(Error::MissingCertSn)
    }
}

/// Options for [`UntrustedResponse::verify`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResponseOptions {
    slash_retry: bool,
    accept_unsigned_errors: bool,
}

impl Default for ResponseOptions {
    fn default() -> Self {
        Self::new()
    }
}

impl ResponseOptions {
    /// The defaults: the `\/` retry on, unsigned error responses accepted (as unverified).
    pub const fn new() -> Self {
        ResponseOptions { slash_retry: true, accept_unsigned_errors: true }
    }

    /// Whether to retry a failed check once with every `\/` escape written `/` (see the
    /// module docs for why it is on by default and what it costs).
    pub const fn slash_retry(mut self, on: bool) -> Self {
        self.slash_retry = on;
        self
    }

    /// Whether an unsigned response whose `sub_code` is non-empty is returned, marked
    /// [`Authenticity::Unsigned`], rather than rejected as [`Error::Unsigned`].
    pub const fn accept_unsigned_errors(mut self, on: bool) -> Self {
        self.accept_unsigned_errors = on;
        self
    }

    /// Whether the `\/` retry is on.
    pub const fn is_slash_retry(&self) -> bool {
        self.slash_retry
    }

    /// Whether unsigned error responses are accepted.
    pub const fn is_accepting_unsigned_errors(&self) -> bool {
        self.accept_unsigned_errors
    }
}

// ---- verified view --------------------------------------------------------------------------

/// How far a response's origin is established.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Authenticity {
    /// The signature verified over the exact span.
    Verified,
    /// The signature verified over the span with its `\/` escapes written `/` (the same JSON
    /// values).
    VerifiedWithSlashRetry,
    /// The response carried no signature; accepted only because it is an error response.
    /// Its status is what an unauthenticated peer claims.
    Unsigned,
}

impl Authenticity {
    /// Whether a signature was verified.
    pub const fn is_verified(self) -> bool {
        !matches!(self, Authenticity::Unsigned)
    }
}

/// A response whose node span passed verification (or an accepted unsigned error).
#[derive(Debug, Clone, Copy)]
pub struct VerifiedResponse<'a> {
    node_name: &'a str,
    span: &'a [u8],
    kind: NodeKind,
    cert_sn: Option<&'a str>,
    authenticity: Authenticity,
}

impl<'a> VerifiedResponse<'a> {
    /// Whether the signature was verified (false for an accepted unsigned error).
    pub fn is_verified(&self) -> bool {
        self.authenticity.is_verified()
    }

    /// How the response was authenticated.
    pub fn authenticity(&self) -> Authenticity {
        self.authenticity
    }

    /// The node's name.
    pub fn node_name(&self) -> &'a str {
        self.node_name
    }

    /// Whether the node is `error_response`.
    pub fn is_error_node(&self) -> bool {
        self.node_name == ERROR_RESPONSE
    }

    /// The verified bytes (for an encrypted node: the quoted ciphertext to decrypt).
    pub fn span(&self) -> &'a [u8] {
        self.span
    }

    /// Whether the node is an object or an encrypted string.
    pub fn node_kind(&self) -> NodeKind {
        self.kind
    }

    /// The `alipay_cert_sn` member, JSON-unescaped (not covered by the signature).
    ///
    /// # Errors
    /// [`Error::Malformed`] for a broken escape.
    pub fn cert_sn(&self) -> Result<Option<Cow<'a, str>>> {
        self.cert_sn.map(unescape).transpose()
    }

    fn object_span(&self, field: &'static str) -> Result<&'a [u8]> {
        match self.kind {
            NodeKind::Object => Ok(self.span),
            NodeKind::Encrypted => Err(Error::Json {
                field,
                detail: "the node is AES-encrypted: decrypt the verified span first".into(),
            }),
        }
    }

    /// The common fields `code`, `msg`, `sub_code`, `sub_msg`, decoded from the span.
    ///
    /// # Errors
    /// [`Error::Json`] when the span lacks `code` or holds the wrong types, or the node is
    /// encrypted.
    pub fn status(&self) -> Result<Status> {
        let span = self.object_span("status")?;
        serde_json::from_slice(span).map_err(|e| json_error("status", &e))
    }

    /// Decodes any type from the verified span. Refused for an unsigned response.
    ///
    /// # Errors
    /// [`Error::Unsigned`] for an unsigned response; [`Error::Json`] when the span is not a
    /// `T` or the node is encrypted.
    pub fn decode<T: DeserializeOwned>(&self) -> Result<T> {
        if !self.is_verified() {
            return Err(Error::Unsigned);
        }
        let span = self.object_span("response")?;
        serde_json::from_slice(span).map_err(|e| json_error("response", &e))
    }

    /// The gateway status and the method's typed body.
    ///
    /// The body is `Some` only for a verified response: required (a decode failure is an
    /// error) when the status is a success, best-effort (`None` when it does not decode)
    /// otherwise, since error responses usually lack the method fields.
    ///
    /// # Errors
    /// [`Error::NoNode`] when the node belongs to another method than `M`; [`Error::Json`]
    /// for a status that does not decode, a success whose body does not decode, or an
    /// encrypted node.
    pub fn reply<M: Method>(&self) -> Result<Reply<M::Response>> {
        self.check_node::<M>()?;
        reply_from::<M>(self.object_span("status")?, self.authenticity)
    }

    /// [`Error::NoNode`] when the node is neither `M`'s nor `error_response`.
    fn check_node<M: Method>(&self) -> Result<()> {
        if !is_node_of(self.node_name, M::NAME) && self.node_name != ERROR_RESPONSE {
            return Err(Error::NoNode { expected: node_name_of(M::NAME) });
        }
        Ok(())
    }

    /// The node's JSON text under AES content encryption (PROTOCOL §7): for an encrypted
    /// node, the verified ciphertext (the string's JSON-unescaped contents) decrypted with
    /// `key`; for a plain object node (e.g. `isv.decryption-error-unknown`: the gateway could
    /// not decrypt the request and answered in clear), the span itself.
    ///
    /// # Errors
    /// [`Error::Unsigned`] for an encrypted node without a verified signature (never
    /// returned by [`UntrustedResponse::verify`], which refuses those); [`Error::Malformed`]
    /// for a broken escape in the string; [`Error::Aes`] when the ciphertext is not base64
    /// ([`crate::AesError::NotBase64`]), not whole blocks ([`crate::AesError::Length`]), or
    /// does not decrypt under `key` ([`crate::AesError::Padding`],
    /// [`crate::AesError::NotUtf8`]: most often the wrong key).
    #[cfg(feature = "aes")]
    pub fn plaintext(&self, key: &crate::aes::AesKey) -> Result<Cow<'a, str>> {
        match self.kind {
            NodeKind::Object => core::str::from_utf8(self.span)
                .map(Cow::Borrowed)
                .map_err(|_| Error::Malformed { offset: 0, what: "node is not UTF-8" }),
            NodeKind::Encrypted => {
                if !self.is_verified() {
                    return Err(Error::Unsigned);
                }
                let inner = match self.span {
                    [b'"', inner @ .., b'"'] => core::str::from_utf8(inner).ok(),
                    _ => None,
                }
                .ok_or(Error::Malformed { offset: 0, what: "encrypted node is not a string" })?;
                Ok(Cow::Owned(key.decrypt(&unescape(inner)?)?))
            }
        }
    }

    /// The gateway status and the method's typed body of a response to an AES-encrypted
    /// request ([`crate::AppConfig::encode_encrypted`]).
    ///
    /// The signature was verified over the quoted ciphertext; this decrypts it
    /// ([`plaintext`](Self::plaintext)) and decodes status and body from the plaintext, with
    /// the rules of [`reply`](Self::reply). A plain object node (the gateway could not
    /// decrypt the request, `isv.decryption-error-unknown`) is decoded as it stands, as a
    /// normal verified (or accepted unsigned) error response.
    ///
    /// # Errors
    /// [`Error::NoNode`] when the node belongs to another method than `M`; every error of
    /// [`plaintext`](Self::plaintext); [`Error::Json`] for a status that does not decode or a
    /// success whose body does not decode.
    #[cfg(feature = "aes")]
    pub fn reply_decrypted<M: Method>(
        &self,
        key: &crate::aes::AesKey,
    ) -> Result<Reply<M::Response>> {
        self.check_node::<M>()?;
        let plaintext = self.plaintext(key)?;
        reply_from::<M>(plaintext.as_bytes(), self.authenticity)
    }
}

/// Decodes the status and `M`'s body from a node's (verified or decrypted) JSON; the body
/// only for a verified response, required on success, best-effort otherwise.
fn reply_from<M: Method>(json: &[u8], authenticity: Authenticity) -> Result<Reply<M::Response>> {
    let status: Status = serde_json::from_slice(json).map_err(|e| json_error("status", &e))?;
    let body = if !authenticity.is_verified() {
        None
    } else if status.is_success() {
        Some(serde_json::from_slice(json).map_err(|e| json_error(M::NAME, &e))?)
    } else {
        serde_json::from_slice(json).ok()
    };
    Ok(Reply { status, authenticity, body })
}

fn json_error(field: &'static str, e: &serde_json::Error) -> Error {
    Error::Json { field, detail: e.to_string() }
}

/// Scans, verifies and decodes a response for method `M` in one call.
///
/// # Errors
/// Every error of [`UntrustedResponse::parse`], [`UntrustedResponse::verify`] and
/// [`VerifiedResponse::reply`].
pub fn decode<M: Method>(
    body: &[u8],
    sign_type: SignType,
    verifier: &impl Verifier,
    options: ResponseOptions,
) -> Result<Reply<M::Response>> {
    UntrustedResponse::parse(body, M::NAME)?.verify(sign_type, verifier, options)?.reply::<M>()
}

// ---- typed result -----------------------------------------------------------------------------

/// The gateway's common response fields, verbatim.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Status {
    /// The gateway code, e.g. `"10000"` or `"40004"`.
    pub code: String,
    /// The gateway message, e.g. `"Success"`.
    #[serde(default)]
    pub msg: String,
    /// The business code, e.g. `"isp.unknow-error"` or `"ACQ.TRADE_NOT_EXIST"`.
    #[serde(default)]
    pub sub_code: Option<String>,
    /// The business message.
    #[serde(default)]
    pub sub_msg: Option<String>,
}

impl Status {
    /// Java's rule: `code == "10000"` and no (or an empty) `sub_code`.
    pub fn is_success(&self) -> bool {
        self.code == "10000" && self.sub_code.as_deref().is_none_or(str::is_empty)
    }

    /// The gateway code as a known value.
    pub fn gateway_code(&self) -> GatewayCode {
        GatewayCode::from_code(&self.code)
    }

    /// Whose side the `sub_code` blames, from its prefix; `None` without a `sub_code`.
    pub fn sub_code_class(&self) -> Option<SubCodeClass> {
        self.sub_code.as_deref().filter(|c| !c.is_empty()).map(SubCodeClass::of)
    }
}

/// The gateway codes of the public error-code table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum GatewayCode {
    /// `10000` Success.
    Success,
    /// `20000` Service Currently Unavailable: the outcome is unknown; retry or query.
    ServiceUnavailable,
    /// `20001` Insufficient Token Permissions.
    InsufficientTokenPermissions,
    /// `40001` Missing Required Arguments.
    MissingArguments,
    /// `40002` Invalid Arguments.
    InvalidArguments,
    /// `40003` Insufficient Conditions.
    InsufficientConditions,
    /// `40004` Business Failed: see the method's `sub_code`s.
    BusinessFailed,
    /// `40005` Call Limited.
    CallLimited,
    /// `40006` Insufficient Permissions.
    InsufficientPermissions,
    /// Any other code (kept verbatim in [`Status::code`]).
    Unknown,
}

/// Each known gateway code with its wire `code` and the `msg` the gateway sends with it.
const GATEWAY_CODES: [(GatewayCode, &str, &str); 9] = [
    (GatewayCode::Success, "10000", "Success"),
    (GatewayCode::ServiceUnavailable, "20000", "Service Currently Unavailable"),
    (GatewayCode::InsufficientTokenPermissions, "20001", "Insufficient Token Permissions"),
    (GatewayCode::MissingArguments, "40001", "Missing Required Arguments"),
    (GatewayCode::InvalidArguments, "40002", "Invalid Arguments"),
    (GatewayCode::InsufficientConditions, "40003", "Insufficient Conditions"),
    (GatewayCode::BusinessFailed, "40004", "Business Failed"),
    (GatewayCode::CallLimited, "40005", "Call Limited"),
    (GatewayCode::InsufficientPermissions, "40006", "Insufficient Permissions"),
];

impl GatewayCode {
    /// Classifies a code string.
    pub fn from_code(code: &str) -> Self {
        GATEWAY_CODES.iter().find(|e| e.1 == code).map_or(GatewayCode::Unknown, |e| e.0)
    }

    /// The table row of a known code.
    fn entry(self) -> Option<&'static (GatewayCode, &'static str, &'static str)> {
        GATEWAY_CODES.iter().find(|e| e.0 == self)
    }

    /// The wire code, `None` for [`GatewayCode::Unknown`].
    pub fn as_code(self) -> Option<&'static str> {
        self.entry().map(|e| e.1)
    }

    /// The `msg` the gateway sends with this code (`""` for [`GatewayCode::Unknown`]).
    pub fn msg(self) -> &'static str {
        self.entry().map_or("", |e| e.2)
    }

    /// Whether the outcome of the call is unknown (`20000`): query before retrying a payment.
    pub const fn is_outcome_unknown(self) -> bool {
        matches!(self, GatewayCode::ServiceUnavailable)
    }
}

/// Whose side a `sub_code` blames, from its prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SubCodeClass {
    /// `isp.*`: Alipay's side.
    Isp,
    /// `aop.*`: the gateway.
    Aop,
    /// `isv.*`: the caller's mistake.
    Isv,
    /// A method-specific code, e.g. `ACQ.TRADE_NOT_EXIST`.
    Business,
}

impl SubCodeClass {
    /// Classifies a `sub_code` by its prefix.
    pub fn of(sub_code: &str) -> Self {
        if sub_code.starts_with("isp.") {
            SubCodeClass::Isp
        } else if sub_code.starts_with("aop.") {
            SubCodeClass::Aop
        } else if sub_code.starts_with("isv.") {
            SubCodeClass::Isv
        } else {
            SubCodeClass::Business
        }
    }
}

/// A decoded response: the gateway status, how it was authenticated, and the method body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply<T> {
    /// `code`, `msg`, `sub_code`, `sub_msg`, verbatim.
    pub status: Status,
    /// Whether (and how) the signature was verified.
    pub authenticity: Authenticity,
    /// The method's fields (see [`VerifiedResponse::reply`] for when it is `Some`).
    pub body: Option<T>,
}

impl<T> Reply<T> {
    /// Java's rule: `code == "10000"` and no `sub_code`.
    pub fn is_success(&self) -> bool {
        self.status.is_success()
    }

    /// Whether the signature was verified.
    pub fn is_verified(&self) -> bool {
        self.authenticity.is_verified()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span_of(body: &str) -> Result<&str> {
        let m = scan(body.as_bytes())?;
        let first = m.iter().next().map(|m| m.value()).unwrap_or_default();
        Ok(core::str::from_utf8(first).unwrap())
    }

    #[test]
    fn scans_nested_values() {
        assert_eq!(
            span_of(r#"{"a":{"b":[1,{"c":"}"}],"d":-0.5e+3}}"#).unwrap(),
            r#"{"b":[1,{"c":"}"}],"d":-0.5e+3}"#
        );
        assert_eq!(span_of(r#"{"a":[]}"#).unwrap(), "[]");
        assert_eq!(span_of(r#"{"a":{}}"#).unwrap(), "{}");
        assert_eq!(span_of(r#"{"a":"x\"y"}"#).unwrap(), r#""x\"y""#);
        assert_eq!(span_of(r#"{"a": true }"#).unwrap(), "true");
    }

    #[test]
    fn rejects_bad_json() {
        for bad in [
            r#"{"a":01}"#,
            r#"{"a":1.}"#,
            r#"{"a":[1,]}"#,
            r#"{"a":{"b":1,}}"#,
            r#"{"a":tru}"#,
            r#"{"a":"\x"}"#,
            r#"{"a":"\ud800"}"#,
            r#"{"a":"\udc00\ud800"}"#,
            r#"{"a":[}"#,
            r#"{"a":{]}"#,
            r#"{"a":1,}"#,
            r#"{"a":1} x"#,
            "{\"a\":\"\u{1}\"}",
            r#"{"a" 1}"#,
        ] {
            assert!(matches!(scan(bad.as_bytes()), Err(Error::Malformed { .. })), "{bad}");
        }
    }

    #[test]
    fn unescape_cases() {
        assert_eq!(unescape(r"a\/b\u4e2d\ud83d\ude00\n").unwrap(), "a/b中😀\n");
        assert!(unescape(r"\ud83d").is_err());
    }

    #[test]
    fn slash_unescape_is_token_aware() {
        assert_eq!(unescape_slashes(br#""a\/b\\/c""#), br#""a/b\\/c""#.to_vec());
        assert!(has_slash_escape(br#""a\/""#));
        assert!(!has_slash_escape(br#""a\\/""#));
    }

    #[test]
    fn node_names() {
        assert!(is_node_of("alipay_trade_query_response", "alipay.trade.query"));
        assert!(!is_node_of("alipay_trade_query_responsex", "alipay.trade.query"));
        assert!(!is_node_of("alipay_trade_pay_response", "alipay.trade.query"));
        assert_eq!(node_name_of("a.b"), "a_b_response");
    }

    #[test]
    fn gateway_classes() {
        assert_eq!(GatewayCode::from_code("20001"), GatewayCode::InsufficientTokenPermissions);
        assert_eq!(GatewayCode::from_code("12345"), GatewayCode::Unknown);
        assert_eq!(GatewayCode::CallLimited.as_code(), Some("40005"));
        assert_eq!(GatewayCode::InvalidArguments.msg(), "Invalid Arguments");
        assert_eq!((GatewayCode::Unknown.as_code(), GatewayCode::Unknown.msg()), (None, ""));
        for (code, wire, _) in GATEWAY_CODES {
            assert_eq!(GatewayCode::from_code(wire), code);
        }
        assert_eq!(SubCodeClass::of("aop.invalid-auth-token"), SubCodeClass::Aop);
        assert_eq!(SubCodeClass::of("ACQ.X"), SubCodeClass::Business);
    }
}
