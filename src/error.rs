//! The crate's error type.
//!
//! One `#[non_exhaustive]` enum, [`Error`], whose variants are grouped by the phase that
//! raises them: building the sign content, parsing keys, signing and verifying, validating
//! request fields, scanning and verifying responses, and decoding notifications. Every
//! variant says what a caller can act on: which key or field, which rule, which limit.
//!
//! A gateway or business failure reported by Alipay is **not** an `Err`: it is data on a
//! verified response (see [`crate::response`]).

use alloc::string::String;
use core::fmt;

/// Shorthand for `Result<T, alipay_codec::Error>`.
pub type Result<T, E = Error> = core::result::Result<T, E>;

/// Every error the crate returns.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    // ---- sign content -------------------------------------------------------------------
    /// A parameter key appears twice in the input.
    DuplicateKey {
        /// The repeated key.
        key: String,
    },
    /// A parameter key breaks the key syntax: empty, or it holds `=`, `&`, whitespace or a
    /// non-ASCII byte.
    InvalidKey {
        /// The offending key (empty for an empty key).
        key: String,
        /// Which rule it breaks.
        rule: KeyRule,
    },
    /// A fixed-capacity output buffer is too small; nothing was written.
    BufferTooSmall {
        /// Bytes the output needs.
        needed: usize,
        /// Bytes the buffer can still take.
        capacity: usize,
    },

    // ---- keys ---------------------------------------------------------------------------
    /// A key could not be parsed; the variant says what was tried.
    Key(KeyError),
    /// The configured Alipay public key verifies signatures made with the app's own private
    /// key: it is the app's public key, not Alipay's.
    AlipayKeyIsAppKey,

    // ---- signatures ---------------------------------------------------------------------
    /// A `sign` value is not strict standard base64.
    SignatureNotBase64,
    /// A `sign` value decodes to the wrong number of bytes for the key.
    SignatureLength {
        /// Bytes the key's modulus needs.
        expected: usize,
        /// Bytes the `sign` value decoded to.
        actual: usize,
    },
    /// The signature does not match the content. Deliberately opaque.
    InvalidSignature,
    /// The signing backend failed (an RNG failure, an HSM error, ...).
    Signing,

    // ---- request fields -----------------------------------------------------------------
    /// A request field breaks a rule of its API page (or of the public parameters).
    Field {
        /// The field's wire name.
        field: &'static str,
        /// The rule it breaks.
        rule: FieldRule,
    },
    /// A timestamp is not a valid `yyyy-MM-dd HH:mm:ss` value.
    Timestamp(TimestampError),

    // ---- responses ----------------------------------------------------------------------
    /// The response body is not well-formed JSON at the top level.
    Malformed {
        /// Byte offset of the problem in the body.
        offset: usize,
        /// What was wrong there.
        what: &'static str,
    },
    /// The body nests deeper than [`crate::response::MAX_DEPTH`].
    TooDeep {
        /// Byte offset where the limit was passed.
        offset: usize,
    },
    /// The body has more top-level members than [`crate::response::MAX_MEMBERS`].
    TooManyMembers,
    /// A top-level member appears twice (a duplicate node, `sign` or `alipay_cert_sn`).
    DuplicateMember {
        /// The repeated member's raw (still JSON-escaped) name.
        name: String,
    },
    /// Neither `<method>_response` nor `error_response` is present.
    NoNode {
        /// The node name that was expected.
        expected: String,
    },
    /// The node's value is neither an object nor a string.
    NodeNotObject,
    /// A top-level `sign` or `alipay_cert_sn` value is not a JSON string.
    NotAString {
        /// The member's name.
        name: &'static str,
    },
    /// A success response (or any response, where the caller did not allow it) carries no
    /// `sign`.
    Unsigned,
    /// The verified span is not the JSON the method's response type expects.
    Json {
        /// The field or type being decoded.
        field: &'static str,
        /// serde_json's description of the problem, with line and column.
        detail: String,
    },

    // ---- notifications and forms --------------------------------------------------------
    /// A form body is not valid `application/x-www-form-urlencoded`.
    Form {
        /// Byte offset of the problem in the input.
        offset: usize,
        /// What was wrong there.
        what: &'static str,
    },
    /// A notification carries no `sign` parameter.
    MissingParam {
        /// The missing parameter.
        name: &'static str,
    },
}

/// Which key rule a parameter key breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyRule {
    /// The key is empty.
    Empty,
    /// The key holds `=` or `&`, which would make the sign content ambiguous.
    Separator,
    /// The key holds ASCII whitespace or a control byte.
    Whitespace,
    /// The key holds a non-ASCII byte.
    NonAscii,
}

/// What went wrong while parsing a key. Each variant says what was tried.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyError {
    /// The text is neither PEM nor strict standard base64 (after whitespace is removed).
    NotBase64,
    /// A PEM block is malformed or has a label this key type does not take.
    Pem {
        /// The label found, or empty when the armour is broken.
        label: String,
    },
    /// The bytes are base64 but not any of the DER structures tried.
    NotAKey {
        /// The structures that were tried, e.g. `"PKCS#8 PrivateKeyInfo, PKCS#1 RSAPrivateKey"`.
        tried: &'static str,
    },
    /// The key is well-formed but not an RSA key.
    WrongAlgorithm {
        /// The algorithm OID found, dotted.
        oid: String,
    },
    /// An RSA key of a size Alipay does not use (it uses 2048 bits; 1024 for legacy `RSA`).
    UnsupportedSize {
        /// The modulus size in bits.
        bits: usize,
    },
    /// The RSA key's numbers are inconsistent.
    Invalid,
}

/// Which rule a request field breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FieldRule {
    /// A required field is absent or empty.
    Missing,
    /// The value is longer than the API page allows, counted in characters.
    TooLong {
        /// The page's maximum, in characters.
        max: usize,
        /// The value's length, in characters.
        actual: usize,
    },
    /// The value does not have the required format.
    BadFormat {
        /// What the format must be.
        expected: &'static str,
    },
    /// An enumerated field holds a value outside its enumeration.
    UnknownEnumValue {
        /// The value found.
        value: String,
    },
    /// A JSON-in-a-string field is not the JSON it must be.
    BadJson {
        /// serde_json's description of the problem.
        detail: String,
    },
}

/// What is wrong with a timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimestampError {
    /// Not of the shape `yyyy-MM-dd HH:mm:ss` (19 ASCII characters, digits and separators).
    Format,
    /// The month is not 01..=12.
    Month,
    /// The day does not exist in that month of that year.
    Day,
    /// The hour is not 00..=23.
    Hour,
    /// The minute is not 00..=59.
    Minute,
    /// The second is not 00..=59.
    Second,
    /// The Unix time is outside years 0000..=9999.
    OutOfRange,
}

impl From<KeyError> for Error {
    fn from(e: KeyError) -> Self {
        Error::Key(e)
    }
}

impl From<TimestampError> for Error {
    fn from(e: TimestampError) -> Self {
        Error::Timestamp(e)
    }
}

impl fmt::Display for KeyRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            KeyRule::Empty => "is empty",
            KeyRule::Separator => "holds '=' or '&'",
            KeyRule::Whitespace => "holds whitespace or a control byte",
            KeyRule::NonAscii => "holds a non-ASCII byte",
        })
    }
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyError::NotBase64 => f.write_str("key is neither PEM nor strict standard base64"),
            KeyError::Pem { label } if label.is_empty() => f.write_str("malformed PEM armour"),
            KeyError::Pem { label } => write!(f, "PEM label {label:?} is not a key of this kind"),
            KeyError::NotAKey { tried } => write!(f, "not a key: tried {tried}"),
            KeyError::WrongAlgorithm { oid } => write!(f, "not an RSA key (algorithm {oid})"),
            KeyError::UnsupportedSize { bits } => {
                write!(f, "{bits}-bit RSA key: Alipay uses 2048 bits (1024 for legacy RSA)")
            }
            KeyError::Invalid => f.write_str("inconsistent RSA key components"),
        }
    }
}

impl fmt::Display for FieldRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FieldRule::Missing => f.write_str("is required"),
            FieldRule::TooLong { max, actual } => {
                write!(f, "is {actual} characters long, over the maximum of {max}")
            }
            FieldRule::BadFormat { expected } => write!(f, "must be {expected}"),
            FieldRule::UnknownEnumValue { value } => write!(f, "has unknown value {value:?}"),
            FieldRule::BadJson { detail } => write!(f, "is not valid JSON: {detail}"),
        }
    }
}

impl fmt::Display for TimestampError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TimestampError::Format => "timestamp must be \"yyyy-MM-dd HH:mm:ss\"",
            TimestampError::Month => "timestamp month must be 01..=12",
            TimestampError::Day => "timestamp day does not exist in that month",
            TimestampError::Hour => "timestamp hour must be 00..=23",
            TimestampError::Minute => "timestamp minute must be 00..=59",
            TimestampError::Second => "timestamp second must be 00..=59",
            TimestampError::OutOfRange => "unix time is outside years 0000..=9999",
        })
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::DuplicateKey { key } => write!(f, "parameter {key:?} appears more than once"),
            Error::InvalidKey { key, rule } => write!(f, "parameter key {key:?} {rule}"),
            Error::BufferTooSmall { needed, capacity } => {
                write!(f, "buffer too small: {needed} bytes needed, {capacity} available")
            }
            Error::Key(e) => e.fmt(f),
            Error::AlipayKeyIsAppKey => f.write_str(
                "the configured Alipay public key is the app's own public key; \
                 use the Alipay public key from the console",
            ),
            Error::SignatureNotBase64 => f.write_str("sign is not strict standard base64"),
            Error::SignatureLength { expected, actual } => {
                write!(f, "sign decodes to {actual} bytes, the key needs {expected}")
            }
            Error::InvalidSignature => f.write_str("signature verification failed"),
            Error::Signing => f.write_str("the signing backend failed"),
            Error::Field { field, rule } => write!(f, "field `{field}` {rule}"),
            Error::Timestamp(e) => e.fmt(f),
            Error::Malformed { offset, what } => {
                write!(f, "malformed response body at byte {offset}: {what}")
            }
            Error::TooDeep { offset } => write!(
                f,
                "response nests deeper than {} levels at byte {offset}",
                crate::response::MAX_DEPTH
            ),
            Error::TooManyMembers => write!(
                f,
                "response has more than {} top-level members",
                crate::response::MAX_MEMBERS
            ),
            Error::DuplicateMember { name } => {
                write!(f, "top-level member {name:?} appears more than once")
            }
            Error::NoNode { expected } => {
                write!(f, "response has neither {expected:?} nor \"error_response\"")
            }
            Error::NodeNotObject => f.write_str("response node is neither an object nor a string"),
            Error::NotAString { name } => write!(f, "top-level {name:?} is not a JSON string"),
            Error::Unsigned => f.write_str("response carries no signature"),
            Error::Json { field, detail } => write!(f, "cannot decode `{field}`: {detail}"),
            Error::Form { offset, what } => write!(f, "malformed form at byte {offset}: {what}"),
            Error::MissingParam { name } => write!(f, "parameter `{name}` is missing"),
        }
    }
}

impl core::error::Error for Error {}
