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
    /// The backend does not offer this operation (e.g. SHA-1 signing on aws-lc).
    Unsupported {
        /// What is not supported.
        what: &'static str,
    },

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
    /// An extra text parameter uses the name of a system parameter (`app_id`, `sign`,
    /// `notify_url`, `biz_content`, ...); set those on the app configuration instead.
    ReservedParam {
        /// The parameter's key.
        key: String,
    },
    /// An extra text parameter's value is empty or only whitespace: the gateway would drop it
    /// from the sign content, so the crate refuses to send it.
    BlankParam {
        /// The parameter's key.
        key: String,
    },

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
        /// The parameter whose key or value is malformed, as its key appears in the input
        /// (undecoded; bytes that are not UTF-8 shown as U+FFFD); `None` for a component
        /// decoded on its own ([`crate::form::decode_component`]).
        param: Option<String>,
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

    // ---- certificate mode and content encryption (features `cert`, `aes`) ---------------
    /// A certificate, certificate chain or root bundle cannot be used; the variant says why.
    Cert(CertError),
    /// A response or notification names an `alipay_cert_sn` that the key set does not hold.
    /// Download that certificate (`alipay.open.app.alipaycert.download`), check it, add it
    /// to the key set and verify again.
    UnknownCertSn {
        /// The SN the response named.
        sn: String,
    },
    /// Certificate mode: a signed response or notification carries no `alipay_cert_sn`, so
    /// there is no way to tell which Alipay certificate's key to verify it with (the Java SDK
    /// rejects it too). Check that the app is configured for certificate mode in the console.
    MissingCertSn,
    /// AES content encryption or decryption failed; the variant says why. From an
    /// [`AesKey`](crate::AesKey) call on text the caller chose; see [`Error::Decrypt`] for
    /// the crate's own decryption of a named field.
    Aes(AesError),
    /// A field the crate decrypted for the caller (a response node, or a request's
    /// `biz_content` in the gateway double) did not decrypt.
    Decrypt {
        /// The field: the response node's name, or `biz_content`.
        field: String,
        /// Why.
        cause: AesError,
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
    /// The value is longer than the API page allows, counted as Java counts characters.
    TooLong {
        /// The page's maximum, in characters as Java counts them (UTF-16 code units).
        max: usize,
        /// The value's length, counted the same way.
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
    /// The year is outside 0000..=9999: a year given to [`crate::Timestamp::new`], or the
    /// Beijing-time year of a Unix time.
    OutOfRange,
}

/// What is wrong with a certificate, a certificate chain or a root bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CertError {
    /// The text holds no `-----BEGIN CERTIFICATE-----` block.
    NoCertificate,
    /// A `CERTIFICATE` PEM block is not closed or its body is not strict standard base64.
    Pem {
        /// The block's position in the file, from 0.
        index: usize,
    },
    /// A block's bytes are not a DER X.509 certificate.
    Malformed {
        /// The block's position in the file, from 0.
        index: usize,
    },
    /// A root bundle holds no RSA-signed certificate, so its SN would be empty.
    NoRsaCertificate,
    /// A downloaded `alipay_cert_content` is not standard base64 of UTF-8 PEM text.
    ContentNotBase64,
    /// A chain certificate is signed with an algorithm the chain check does not verify.
    UnsupportedSignature {
        /// The certificate's position in the chain, from 0.
        index: usize,
        /// The signature algorithm OID, dotted.
        oid: String,
    },
    /// No certificate of the chain or the root bundle issued this chain certificate (or its
    /// issuer is not a CA).
    UnknownIssuer {
        /// The certificate's position in the chain, from 0.
        index: usize,
    },
    /// The issuer's signature on this chain certificate does not verify.
    BadSignature {
        /// The certificate's position in the chain, from 0.
        index: usize,
    },
    /// The check time is before the certificate's `notBefore`.
    NotYetValid {
        /// The certificate's position in the chain, from 0 (the root as the chain length).
        index: usize,
        /// `notBefore`, in Unix seconds.
        not_before: u64,
    },
    /// The check time is after the certificate's `notAfter`.
    Expired {
        /// The certificate's position in the chain, from 0 (the root as the chain length).
        index: usize,
        /// `notAfter`, in Unix seconds.
        not_after: u64,
    },
}

/// What went wrong in AES content encryption.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AesError {
    /// The AES key is not strict standard base64.
    KeyNotBase64,
    /// The AES key does not decode to 16 bytes (Alipay uses AES-128).
    KeyLength {
        /// Bytes the key decoded to.
        actual: usize,
    },
    /// The ciphertext is not strict standard base64.
    NotBase64,
    /// The ciphertext is empty or not a whole number of 16-byte blocks.
    Length {
        /// Bytes the ciphertext decoded to.
        actual: usize,
    },
    /// The PKCS#7 padding is wrong: most often a wrong key.
    Padding,
    /// The plaintext is not UTF-8: most often a wrong key.
    NotUtf8,
}

impl From<CertError> for Error {
    fn from(e: CertError) -> Self {
        Error::Cert(e)
    }
}

impl From<AesError> for Error {
    fn from(e: AesError) -> Self {
        Error::Aes(e)
    }
}

impl fmt::Display for CertError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CertError::NoCertificate => f.write_str("no PEM CERTIFICATE block found"),
            CertError::Pem { index } => {
                write!(f, "certificate {index}: PEM block not closed or body not base64")
            }
            CertError::Malformed { index } => {
                write!(f, "certificate {index}: not a DER X.509 certificate")
            }
            CertError::NoRsaCertificate => {
                f.write_str("root bundle holds no RSA-signed certificate")
            }
            CertError::ContentNotBase64 => {
                f.write_str("alipay_cert_content is not base64 of UTF-8 PEM text")
            }
            CertError::UnsupportedSignature { index, oid } => {
                write!(f, "certificate {index}: unsupported signature algorithm {oid}")
            }
            CertError::UnknownIssuer { index } => {
                write!(
                    f,
                    "certificate {index}: issuer is neither in the chain nor in the root bundle"
                )
            }
            CertError::BadSignature { index } => {
                write!(f, "certificate {index}: issuer signature does not verify")
            }
            CertError::NotYetValid { index, not_before } => {
                write!(f, "certificate {index}: not valid before unix time {not_before}")
            }
            CertError::Expired { index, not_after } => {
                write!(f, "certificate {index}: expired at unix time {not_after}")
            }
        }
    }
}

impl fmt::Display for AesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AesError::KeyNotBase64 => f.write_str("AES key is not strict standard base64"),
            AesError::KeyLength { actual } => {
                write!(f, "AES key is {actual} bytes, Alipay uses 16 (AES-128)")
            }
            AesError::NotBase64 => f.write_str("AES ciphertext is not strict standard base64"),
            AesError::Length { actual } => {
                write!(f, "AES ciphertext is {actual} bytes, not a whole number of 16-byte blocks")
            }
            AesError::Padding => f.write_str("AES padding is wrong (wrong key?)"),
            AesError::NotUtf8 => f.write_str("AES plaintext is not UTF-8 (wrong key?)"),
        }
    }
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
            TimestampError::OutOfRange => "timestamp year must be 0000..=9999",
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
            Error::Unsupported { what } => write!(f, "not supported: {what}"),
            Error::Field { field, rule } => write!(f, "field `{field}` {rule}"),
            Error::Timestamp(e) => e.fmt(f),
            Error::ReservedParam { key } => {
                write!(
                    f,
                    "parameter {key:?} is a system parameter; set it on the app configuration"
                )
            }
            Error::BlankParam { key } => write!(f, "parameter {key:?} has an empty or blank value"),
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
            Error::Form { param: Some(param), offset, what } => {
                write!(f, "malformed form parameter {param:?} at byte {offset}: {what}")
            }
            Error::Form { param: None, offset, what } => {
                write!(f, "malformed form at byte {offset}: {what}")
            }
            Error::MissingParam { name } => write!(f, "parameter `{name}` is missing"),
            Error::Cert(e) => e.fmt(f),
            Error::UnknownCertSn { sn } => {
                write!(f, "no Alipay certificate with alipay_cert_sn {sn:?} in the key set")
            }
            Error::MissingCertSn => {
                f.write_str("certificate mode: the signed message carries no alipay_cert_sn")
            }
            Error::Aes(e) => e.fmt(f),
            Error::Decrypt { field, cause } => write!(f, "cannot decrypt `{field}`: {cause}"),
        }
    }
}

impl core::error::Error for Error {}
