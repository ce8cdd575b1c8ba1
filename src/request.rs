//! Request envelopes (PROTOCOL §1, §2): the app configuration, the encoder, and the encodings
//! of one signed parameter set.
//!
//! # Flow
//! 1. Build an [`AppConfig`] once (app id, sign type, optional public parameters), validated at
//!    [`AppConfigBuilder::build`]. Parse the app key once and make a [`Signer`] from it.
//! 2. Per request, build the typed biz content (validated at construction, e.g.
//!    [`crate::api::verifyidentity::VerifyIdentityApplyRequest`]) and a [`Timestamp`] from
//!    your clock.
//! 3. [`AppConfig::encode`] serializes the biz content, gathers the system parameters, sorts
//!    and validates them **once** as a [`SignContent`], signs that, and form-encodes the very
//!    same sorted pairs into the URL query and the body of an [`EncodedRequest`]. What is
//!    sent is exactly what is signed, by construction.
//!
//! # Where each parameter goes
//! - **Query**: every system parameter — `app_id`, `method`, `format`, `charset`,
//!   `sign_type`, `sign`, `timestamp`, `version`, and when configured `app_auth_token`,
//!   `notify_url`, `return_url`, `auth_token`, `alipay_sdk`, `app_cert_sn`,
//!   `alipay_root_cert_sn`, and `encrypt_type` for an AES-encrypted request
//!   (`AppConfig::encode_encrypted`, feature `aes`). `charset` must be in the query, or
//!   the gateway decodes the body in GBK and the signature fails.
//! - **Body**: `biz_content` and the method's extra text parameters.
//!
//! Both are sorted by key and form-encoded as Java's `URLEncoder` does ([`crate::form`]).
//! The other encodings of the same signed set (Java's `sdkExecute` / `pageExecute`) are
//! [`EncodedRequest::order_string`], [`EncodedRequest::page_url`] and
//! [`EncodedRequest::html_form`].
//!
//! # Lengths and blank values
//! Maximum lengths come from Java API pages, where a length is `String.length()`: UTF-16
//! code units. The crate counts the same way, so `张三` counts 2 (not its 6 UTF-8 bytes), and
//! a character outside the Basic Multilingual Plane (an emoji, a rare CJK extension B+
//! ideograph) counts 2, as in Java: a value the crate accepts is never too long for the
//! page's rule.
//!
//! The gateway drops empty and whitespace-only values from the sign content (Java's
//! `StringUtils.isEmpty`). The crate never sends such a value: it rejects it when the
//! configuration or the request is built, so nothing is ever silently dropped from the wire.
//!
//! # Allocation
//! Encoding allocates the biz-content JSON (once for `verifyidentity.apply`, whose direct
//! writer reserves room for one escape in four bytes; serde_json, for other methods, grows
//! its own buffer), then exactly once each for the query and the body, which never grow: each
//! is reserved at its worst case (every byte escaped to `%XX`), which is cheaper than a
//! second pass over the bytes to count escapes exactly. No copy of the sign content is kept
//! ([`EncodedRequest::sign_content`] rebuilds it). The pair list lives on the stack (on the
//! heap beyond 8 text parameters), the signature in a fixed-capacity buffer.
//! [`AppConfig::encode_raw`] skips the JSON step.

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;
use core::cmp::Ordering;

use crate::api::Method;
use crate::error::{Error, FieldRule, Result};
use crate::form::{self, FormBuffer, Key};
use crate::sign_content::{check_key, is_blank, SignContent};
use crate::signing::{Message, SignType, Signature, Signer};
use crate::timestamp::Timestamp;

/// The production gateway.
pub const GATEWAY: &str = "https://openapi.alipay.com/gateway.do";
/// The sandbox gateway.
pub const SANDBOX_GATEWAY: &str = "https://openapi-sandbox.dl.alipaydev.com/gateway.do";
/// The `Content-Type` of the request body.
pub const CONTENT_TYPE: &str = "application/x-www-form-urlencoded;charset=utf-8";
/// The `charset` value the crate sends: the bytes it signs and encodes are UTF-8.
pub const CHARSET: &str = "utf-8";
/// The `format` value: the only one the gateway supports.
pub const FORMAT: &str = "JSON";
/// The `version` value of the gateway protocol.
pub const VERSION: &str = "1.0";
/// The `encrypt_type` value of an AES-encrypted request (PROTOCOL §7).
pub const ENCRYPT_TYPE_AES: &str = "AES";

/// Parameter names, as they appear on the wire.
pub mod param {
    /// The app id.
    pub const APP_ID: &str = "app_id";
    /// The gateway method name.
    pub const METHOD: &str = "method";
    /// The response format (`JSON`).
    pub const FORMAT: &str = "format";
    /// The request charset (`utf-8`).
    pub const CHARSET: &str = "charset";
    /// The signature algorithm (`RSA2` or `RSA`).
    pub const SIGN_TYPE: &str = "sign_type";
    /// The signature.
    pub const SIGN: &str = crate::sign_content::SIGN;
    /// The Beijing-time timestamp.
    pub const TIMESTAMP: &str = "timestamp";
    /// The protocol version (`1.0`).
    pub const VERSION: &str = "version";
    /// The ISV's app authorization token.
    pub const APP_AUTH_TOKEN: &str = "app_auth_token";
    /// The asynchronous notification URL.
    pub const NOTIFY_URL: &str = "notify_url";
    /// The page return URL.
    pub const RETURN_URL: &str = "return_url";
    /// The user authorization token.
    pub const AUTH_TOKEN: &str = "auth_token";
    /// The SDK identification string.
    pub const ALIPAY_SDK: &str = "alipay_sdk";
    /// The app certificate SN (certificate mode).
    pub const APP_CERT_SN: &str = "app_cert_sn";
    /// The Alipay root certificate SN (certificate mode).
    pub const ALIPAY_ROOT_CERT_SN: &str = "alipay_root_cert_sn";
    /// The content encryption type (`AES`).
    pub const ENCRYPT_TYPE: &str = "encrypt_type";
    /// The business parameters, as JSON text.
    pub const BIZ_CONTENT: &str = "biz_content";

    /// Every name the envelope owns: an extra text parameter may use none of them.
    pub const RESERVED: [&str; 17] = [
        APP_ID,
        METHOD,
        FORMAT,
        CHARSET,
        SIGN_TYPE,
        SIGN,
        TIMESTAMP,
        VERSION,
        APP_AUTH_TOKEN,
        NOTIFY_URL,
        RETURN_URL,
        AUTH_TOKEN,
        ALIPAY_SDK,
        APP_CERT_SN,
        ALIPAY_ROOT_CERT_SN,
        ENCRYPT_TYPE,
        BIZ_CONTENT,
    ];
}

/// Maximum lengths of the public parameters, in UTF-16 code units as Java counts them (from
/// the API pages' public parameter tables).
pub mod limit {
    /// `app_id`.
    pub const APP_ID: usize = 32;
    /// `method`.
    pub const METHOD: usize = 128;
    /// `app_auth_token`.
    pub const APP_AUTH_TOKEN: usize = 40;
    /// `auth_token`.
    pub const AUTH_TOKEN: usize = 40;
    /// `notify_url`.
    pub const NOTIFY_URL: usize = 256;
    /// `return_url`.
    pub const RETURN_URL: usize = 256;
    /// `charset` (the crate always sends `utf-8`).
    pub const CHARSET: usize = 10;
    /// `sign_type` (the crate always sends `RSA2` or `RSA`).
    pub const SIGN_TYPE: usize = 10;
}

/// The most envelope parameters one request carries: every parameter name the envelope
/// owns ([`param::RESERVED`]) but `sign`, which is added after signing.
const ENVELOPE_PARAMS: usize = param::RESERVED.len() - 1;

/// How many pairs [`AppConfig::encode_raw`] and its siblings keep on the stack: the whole
/// envelope and up to 8 text parameters. A request with more moves its list to the heap.
const STACK_PAIRS: usize = ENVELOPE_PARAMS + 8;

// ---- field checks shared with the per-method modules ------------------------------------

/// A value's length as the API pages count it: UTF-16 code units, Java's
/// `String.length()` (see the module docs).
pub(crate) fn java_len(value: &str) -> usize {
    value.encode_utf16().count()
}

/// Fails with [`FieldRule::TooLong`] when `value` is longer than `max` UTF-16 code units.
pub(crate) fn check_max(field: &'static str, value: &str, max: usize) -> Result<()> {
    // Fast path: a string of at most `max` bytes has at most `max` UTF-16 code units (a
    // character of 1 to 3 bytes is one unit, one of 4 bytes is two).
    if value.len() <= max {
        return Ok(());
    }
    let actual = java_len(value);
    if actual > max {
        return Err(Error::Field { field, rule: FieldRule::TooLong { max, actual } });
    }
    Ok(())
}

/// A required text field: not blank ([`FieldRule::Missing`]), at most `max` UTF-16 code units.
pub(crate) fn check_required(field: &'static str, value: &str, max: usize) -> Result<()> {
    if is_blank(value) {
        return Err(Error::Field { field, rule: FieldRule::Missing });
    }
    check_max(field, value, max)
}

/// The rule an optional field set to a blank value breaks.
pub(crate) const NOT_BLANK: FieldRule =
    FieldRule::BadFormat { expected: "a non-blank value (leave the field unset instead)" };

/// An optional text field that was set: not blank, at most `max` UTF-16 code units (if
/// limited).
pub(crate) fn check_optional(field: &'static str, value: &str, max: Option<usize>) -> Result<()> {
    if is_blank(value) {
        return Err(Error::Field { field, rule: NOT_BLANK });
    }
    match max {
        Some(max) => check_max(field, value, max),
        None => Ok(()),
    }
}

fn check_url(field: &'static str, value: &str, max: usize) -> Result<()> {
    check_optional(field, value, Some(max))?;
    if !(value.starts_with("https://") || value.starts_with("http://")) {
        return Err(Error::Field {
            field,
            rule: FieldRule::BadFormat { expected: "an http:// or https:// URL" },
        });
    }
    Ok(())
}

// ---- configuration ----------------------------------------------------------------------

/// The app's request configuration, built once and reused for every request.
///
/// `charset` (`utf-8`), `format` (`JSON`) and `version` (`1.0`) are fixed. The signer is not
/// held here: pass it to [`encode`](Self::encode), so one configuration serves a blinded
/// signer, an unblinded one or an HSM alike. Parse the key once; never per request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppConfig {
    app_id: String,
    sign_type: SignType,
    app_auth_token: Option<String>,
    notify_url: Option<String>,
    return_url: Option<String>,
    auth_token: Option<String>,
    alipay_sdk: Option<String>,
    app_cert_sn: Option<String>,
    alipay_root_cert_sn: Option<String>,
}

/// Builds an [`AppConfig`]; every value is checked by [`build`](Self::build).
#[derive(Debug, Clone, Default)]
pub struct AppConfigBuilder {
    app_id: String,
    sign_type: SignType,
    app_auth_token: Option<String>,
    notify_url: Option<String>,
    return_url: Option<String>,
    auth_token: Option<String>,
    alipay_sdk: Option<String>,
    app_cert_sn: Option<String>,
    alipay_root_cert_sn: Option<String>,
}

impl AppConfigBuilder {
    /// The signature algorithm (default [`SignType::Rsa2`]).
    pub fn sign_type(mut self, sign_type: SignType) -> Self {
        self.sign_type = sign_type;
        self
    }

    /// `app_auth_token`: the token of a merchant that authorized this (ISV) app; ≤ 40.
    pub fn app_auth_token(mut self, token: impl Into<String>) -> Self {
        self.app_auth_token = Some(token.into());
        self
    }

    /// `notify_url`: where Alipay posts asynchronous notifications; an http(s) URL, ≤ 256.
    pub fn notify_url(mut self, url: impl Into<String>) -> Self {
        self.notify_url = Some(url.into());
        self
    }

    /// `return_url`: where a page flow returns the user; an http(s) URL, ≤ 256.
    pub fn return_url(mut self, url: impl Into<String>) -> Self {
        self.return_url = Some(url.into());
        self
    }

    /// `auth_token`: a user authorization token; ≤ 40.
    pub fn auth_token(mut self, token: impl Into<String>) -> Self {
        self.auth_token = Some(token.into());
        self
    }

    /// `alipay_sdk`: an SDK identification string (no documented limit).
    pub fn alipay_sdk(mut self, sdk: impl Into<String>) -> Self {
        self.alipay_sdk = Some(sdk.into());
        self
    }

    /// Certificate mode: `app_cert_sn` and `alipay_root_cert_sn`, as computed from the app
    /// certificate and the Alipay root bundle (no documented limit).
    pub fn cert_sn(
        mut self,
        app_cert_sn: impl Into<String>,
        alipay_root_cert_sn: impl Into<String>,
    ) -> Self {
        self.app_cert_sn = Some(app_cert_sn.into());
        self.alipay_root_cert_sn = Some(alipay_root_cert_sn.into());
        self
    }

    /// Certificate mode: sets `app_cert_sn` from the app certificate file
    /// (`appCertPublicKey_<app_id>.crt`, PEM, possibly a chain: its first certificate counts).
    ///
    /// # Errors
    /// As [`crate::cert::app_cert_sn`]: [`crate::CertError::NoCertificate`],
    /// [`crate::CertError::Pem`] or [`crate::CertError::Malformed`].
    #[cfg(feature = "cert")]
    pub fn app_cert(mut self, app_cert_pem: &str) -> Result<Self> {
        self.app_cert_sn = Some(crate::cert::app_cert_sn(app_cert_pem)?.as_str().into());
        Ok(self)
    }

    /// Certificate mode: sets `alipay_root_cert_sn` from the Alipay root bundle
    /// (`alipayRootCert.crt`, PEM): the SNs of its RSA-signed roots, joined with `_`.
    ///
    /// # Errors
    /// As [`crate::cert::alipay_root_cert_sn`]: [`crate::CertError::NoCertificate`],
    /// [`crate::CertError::Pem`], [`crate::CertError::Malformed`] or
    /// [`crate::CertError::NoRsaCertificate`].
    #[cfg(feature = "cert")]
    pub fn alipay_root_cert(mut self, root_bundle_pem: &str) -> Result<Self> {
        self.alipay_root_cert_sn = Some(crate::cert::alipay_root_cert_sn(root_bundle_pem)?);
        Ok(self)
    }

    /// Checks every value and builds the configuration.
    ///
    /// # Errors
    /// [`Error::Field`] naming the first failing parameter: [`FieldRule::Missing`] for a
    /// blank `app_id`; [`FieldRule::TooLong`] over a limit of [`limit`]; for an optional
    /// value that was set, [`FieldRule::BadFormat`] when it is blank, or for `notify_url` /
    /// `return_url` when it is not an `http://` or `https://` URL.
    pub fn build(self) -> Result<AppConfig> {
        check_required(param::APP_ID, &self.app_id, limit::APP_ID)?;
        let optional = |field, value: &Option<String>, max| match value {
            Some(v) => check_optional(field, v, max),
            None => Ok(()),
        };
        optional(param::APP_AUTH_TOKEN, &self.app_auth_token, Some(limit::APP_AUTH_TOKEN))?;
        if let Some(url) = &self.notify_url {
            check_url(param::NOTIFY_URL, url, limit::NOTIFY_URL)?;
        }
        if let Some(url) = &self.return_url {
            check_url(param::RETURN_URL, url, limit::RETURN_URL)?;
        }
        optional(param::AUTH_TOKEN, &self.auth_token, Some(limit::AUTH_TOKEN))?;
        optional(param::ALIPAY_SDK, &self.alipay_sdk, None)?;
        optional(param::APP_CERT_SN, &self.app_cert_sn, None)?;
        optional(param::ALIPAY_ROOT_CERT_SN, &self.alipay_root_cert_sn, None)?;
        Ok(AppConfig {
            app_id: self.app_id,
            sign_type: self.sign_type,
            app_auth_token: self.app_auth_token,
            notify_url: self.notify_url,
            return_url: self.return_url,
            auth_token: self.auth_token,
            alipay_sdk: self.alipay_sdk,
            app_cert_sn: self.app_cert_sn,
            alipay_root_cert_sn: self.alipay_root_cert_sn,
        })
    }
}

impl AppConfig {
    /// Starts a configuration for `app_id` (≤ 32 characters), signing with RSA2 by default.
    pub fn builder(app_id: impl Into<String>) -> AppConfigBuilder {
        AppConfigBuilder { app_id: app_id.into(), ..AppConfigBuilder::default() }
    }

    /// A builder holding this configuration's values, to derive a variant (e.g. another
    /// `notify_url`).
    pub fn to_builder(&self) -> AppConfigBuilder {
        AppConfigBuilder {
            app_id: self.app_id.clone(),
            sign_type: self.sign_type,
            app_auth_token: self.app_auth_token.clone(),
            notify_url: self.notify_url.clone(),
            return_url: self.return_url.clone(),
            auth_token: self.auth_token.clone(),
            alipay_sdk: self.alipay_sdk.clone(),
            app_cert_sn: self.app_cert_sn.clone(),
            alipay_root_cert_sn: self.alipay_root_cert_sn.clone(),
        }
    }

    /// The app id.
    pub fn app_id(&self) -> &str {
        &self.app_id
    }

    /// The signature algorithm requests are signed with (and responses verified with).
    pub fn sign_type(&self) -> SignType {
        self.sign_type
    }

    /// Encodes and signs a request of method `M`.
    ///
    /// A biz content that serializes to JSON `null` (`()`, `None`) means the method takes no
    /// `biz_content`: the parameter is then left out.
    ///
    /// # Errors
    /// [`Error::Field`] on `method` when `M::NAME` is blank or over 128 characters; on
    /// `biz_content` with [`FieldRule::BadJson`] when serialization fails (e.g. a map with
    /// non-string keys); the signer's error ([`Error::Signing`] for the `rsa` backend).
    pub fn encode<M: Method>(
        &self,
        biz_content: &M::BizContent,
        timestamp: &Timestamp,
        signer: &impl Signer,
    ) -> Result<EncodedRequest> {
        self.encode_with_params::<M>(biz_content, &[], timestamp, signer)
    }

    /// Like [`encode`](Self::encode), with extra API text parameters sent in the body
    /// beside `biz_content` (and signed).
    ///
    /// # Errors
    /// As [`encode`](Self::encode), plus for `text_params`: [`Error::InvalidKey`] for a key
    /// breaking the key syntax, [`Error::ReservedParam`] for a system parameter's name,
    /// [`Error::DuplicateKey`] for a key given twice, [`Error::BlankParam`] for an empty or
    /// whitespace-only value.
    pub fn encode_with_params<M: Method>(
        &self,
        biz_content: &M::BizContent,
        text_params: &[(&str, &str)],
        timestamp: &Timestamp,
        signer: &impl Signer,
    ) -> Result<EncodedRequest> {
        let json = M::biz_content_json(biz_content)?;
        let biz = if json == "null" { None } else { Some(json.as_str()) };
        self.encode_parts(M::NAME, biz, None, text_params, timestamp, signer)
    }

    /// Encodes and signs a request from its parts: the method name, the `biz_content` JSON
    /// text (already serialized — or encrypted — by the caller; `None` for a method without
    /// one) and extra text parameters. The typed [`encode`](Self::encode) is built on it.
    ///
    /// # Errors
    /// As [`encode_with_params`](Self::encode_with_params); plus [`Error::Field`] on
    /// `biz_content` with [`FieldRule::Missing`] when it is `Some` but blank.
    pub fn encode_raw(
        &self,
        method: &str,
        biz_content: Option<&str>,
        text_params: &[(&str, &str)],
        timestamp: &Timestamp,
        signer: &impl Signer,
    ) -> Result<EncodedRequest> {
        self.encode_parts(method, biz_content, None, text_params, timestamp, signer)
    }

    /// Like [`encode_with_params`](Self::encode_with_params), with `biz_content` AES-encrypted
    /// (PROTOCOL §7): the JSON is encrypted with `key`, `encrypt_type=AES` is added to the
    /// query, and only then is everything signed, so the signature covers the ciphertext.
    ///
    /// Encryption is chosen per call, not held in the configuration: the same
    /// [`AppConfig`] serves encrypted and plain methods. Decode the answer with
    /// [`crate::response::VerifiedResponse::reply_decrypted`] and the same key.
    ///
    /// # Errors
    /// As [`encode_with_params`](Self::encode_with_params); plus [`Error::Field`] on
    /// `biz_content` with [`FieldRule::Missing`] when `M` takes no biz content (there is
    /// nothing to encrypt).
    #[cfg(feature = "aes")]
    pub fn encode_encrypted<M: Method>(
        &self,
        biz_content: &M::BizContent,
        text_params: &[(&str, &str)],
        timestamp: &Timestamp,
        signer: &impl Signer,
        key: &crate::aes::AesKey,
    ) -> Result<EncodedRequest> {
        let json = M::biz_content_json(biz_content)?;
        if json == "null" {
            return Err(Error::Field { field: param::BIZ_CONTENT, rule: FieldRule::Missing });
        }
        let ciphertext = key.encrypt(&json);
        let aes = Some(ENCRYPT_TYPE_AES);
        self.encode_parts(M::NAME, Some(&ciphertext), aes, text_params, timestamp, signer)
    }

    /// [`encode_raw`](Self::encode_raw) with an optional `encrypt_type` system parameter.
    fn encode_parts(
        &self,
        method: &str,
        biz_content: Option<&str>,
        encrypt_type: Option<&str>,
        text_params: &[(&str, &str)],
        timestamp: &Timestamp,
        signer: &impl Signer,
    ) -> Result<EncodedRequest> {
        check_required(param::METHOD, method, limit::METHOD)?;
        if let Some(biz) = biz_content {
            if is_blank(biz) {
                return Err(Error::Field { field: param::BIZ_CONTENT, rule: FieldRule::Missing });
            }
        }
        for &(key, value) in text_params {
            check_key(key)?;
            if param::RESERVED.contains(&key) {
                return Err(Error::ReservedParam { key: key.into() });
            }
            if is_blank(value) {
                return Err(Error::BlankParam { key: key.into() });
            }
        }

        // The pair list lives on the stack unless there are many text parameters.
        let mut on_stack = [("", ""); STACK_PAIRS];
        let mut on_heap = Vec::new();
        let slots: &mut [(&str, &str)] = if ENVELOPE_PARAMS + text_params.len() <= STACK_PAIRS {
            &mut on_stack
        } else {
            on_heap.resize(ENVELOPE_PARAMS + text_params.len(), ("", ""));
            &mut on_heap
        };
        let mut filled = self.envelope_params(method, timestamp, encrypt_type, biz_content, slots);
        for (slot, &pair) in slots.iter_mut().skip(filled).zip(text_params) {
            *slot = pair;
            filled += 1;
        }
        // `filled` counts slots that exist and were written, so the range is in bounds; and
        // every parameter found one, as `slots` has room for the envelope and the text.
        let pairs = &mut slots[..filled];
        // Sorts and validates once; rejects a text parameter given twice.
        let content = SignContent::new(pairs)?;
        let signature = signer.sign(self.sign_type, Message::Content(content))?;

        let is_text = |key: &str| text_params.iter().any(|&(k, _)| k == key);
        let sign = signature.as_str();
        // One allocation each, sized for the worst case (every byte escaped to `%XX`):
        // cheaper than a second pass over the bytes to count escapes exactly.
        let (mut query_len, mut body_len) = (form::pair_worst_case(param::SIGN, sign), 0);
        for (key, value) in content.params() {
            let worst = form::pair_worst_case(key, value);
            if key == param::BIZ_CONTENT || is_text(key) {
                body_len = worst.saturating_add(body_len);
            } else {
                query_len = worst.saturating_add(query_len);
            }
        }
        let mut query = FormBuffer::new(query_len);
        let mut body = FormBuffer::new(body_len);
        let mut sign_pending = true;
        for (key, value) in content.params() {
            // Every key but a text parameter's is one of the envelope's names, which need no
            // encoding (`envelope_names_encode_as_themselves` checks them all).
            if is_text(key) {
                body.push_pair(key, Key::Encode, value);
            } else if key == param::BIZ_CONTENT {
                body.push_pair(key, Key::Plain, value);
            } else {
                if sign_pending && key > param::SIGN {
                    query.push_pair(param::SIGN, Key::Plain, sign);
                    sign_pending = false;
                }
                query.push_pair(key, Key::Plain, value);
            }
        }
        if sign_pending {
            query.push_pair(param::SIGN, Key::Plain, sign);
        }
        Ok(EncodedRequest { query: query.into_string(0), body: body.into_string(0), signature })
    }

    /// Writes every parameter of the envelope (the system parameters, `encrypt_type` and
    /// `biz_content`; not `sign`, not the text parameters) to the front of `out`, and returns
    /// how many it wrote (at most [`ENVELOPE_PARAMS`]).
    ///
    /// They come in key order, so the sort in [`SignContent::new`] finds them already sorted;
    /// the order is only a speed-up, the sort decides.
    fn envelope_params<'a>(
        &'a self,
        method: &'a str,
        timestamp: &'a Timestamp,
        encrypt_type: Option<&'a str>,
        biz_content: Option<&'a str>,
        out: &mut [(&'a str, &'a str)],
    ) -> usize {
        let mut written = 0;
        let mut put = |key: &'static str, value: Option<&'a str>| {
            if let (Some(value), Some(slot)) = (value, out.get_mut(written)) {
                *slot = (key, value);
                written += 1;
            }
        };
        put(param::ALIPAY_ROOT_CERT_SN, self.alipay_root_cert_sn.as_deref());
        put(param::ALIPAY_SDK, self.alipay_sdk.as_deref());
        put(param::APP_AUTH_TOKEN, self.app_auth_token.as_deref());
        put(param::APP_CERT_SN, self.app_cert_sn.as_deref());
        put(param::APP_ID, Some(&self.app_id));
        put(param::AUTH_TOKEN, self.auth_token.as_deref());
        put(param::BIZ_CONTENT, biz_content);
        put(param::CHARSET, Some(CHARSET));
        put(param::ENCRYPT_TYPE, encrypt_type);
        put(param::FORMAT, Some(FORMAT));
        put(param::METHOD, Some(method));
        put(param::NOTIFY_URL, self.notify_url.as_deref());
        put(param::RETURN_URL, self.return_url.as_deref());
        put(param::SIGN_TYPE, Some(self.sign_type.as_str()));
        put(param::TIMESTAMP, Some(timestamp.as_str()));
        put(param::VERSION, Some(VERSION));
        written
    }
}

// ---- the encoded request ----------------------------------------------------------------

/// A signed, encoded request: `POST <gateway>?<query>` with `<body>` as
/// `application/x-www-form-urlencoded;charset=utf-8`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodedRequest {
    query: String,
    body: String,
    signature: Signature,
}

impl EncodedRequest {
    /// The URL query (no leading `?`): the system parameters, `sign` and `charset` included,
    /// sorted and form-encoded.
    pub fn query(&self) -> &str {
        &self.query
    }

    /// The form body: `biz_content` and the API text parameters, sorted and form-encoded.
    pub fn body(&self) -> &str {
        &self.body
    }

    /// The body's `Content-Type`: [`CONTENT_TYPE`].
    pub const fn content_type(&self) -> &'static str {
        CONTENT_TYPE
    }

    /// The full URL to post to: `gateway` (e.g. [`GATEWAY`] or [`SANDBOX_GATEWAY`], without
    /// a query) followed by `?` and the query.
    pub fn url(&self, gateway: &str) -> String {
        let mut url = String::with_capacity(gateway.len() + 1 + self.query.len());
        url.push_str(gateway);
        url.push('?');
        url.push_str(&self.query);
        url
    }

    /// The sign content of what is sent: the query and the body form-decoded, `sign` left
    /// out, blank values dropped, sorted by key, `&`-joined, values raw. It is what the
    /// gateway computes to check the signature, and what the encoder signed if it is right
    /// (only a signature check proves that). Compare it with the gateway's when it answers
    /// "invalid-signature".
    ///
    /// It is rebuilt from the wire on each call: the encoder streams the content into the
    /// signer and keeps no copy, so encoding does not pay for this debugging aid.
    pub fn sign_content(&self) -> String {
        // Cannot fail: the query and the body are this crate's own encoding of parameters
        // that `SignContent::new` accepted when they were signed.
        let (Ok(query), Ok(body)) =
            (form::decode(self.query.as_bytes()), form::decode(self.body.as_bytes()))
        else {
            debug_assert!(false, "an encoded request does not form-decode");
            return String::new();
        };
        let mut pairs: Vec<(&str, &str)> =
            query.iter().chain(&body).map(|(k, v)| (&**k, &**v)).collect();
        let content = SignContent::new(&mut pairs);
        debug_assert!(content.is_ok(), "an encoded request's keys do not sign");
        content.map(|c| c.to_string()).unwrap_or_default()
    }

    /// The signature (the `sign` parameter, before form encoding).
    pub fn signature(&self) -> &Signature {
        &self.signature
    }

    /// Gives up the query and the body, without copying.
    pub fn into_parts(self) -> (String, String) {
        (self.query, self.body)
    }

    /// The app payment order string (Java's `sdkExecute`): every parameter, `sign`
    /// included, sorted by key and form-encoded, as one `k=v&...` string for a client SDK.
    pub fn order_string(&self) -> String {
        let mut out = String::with_capacity(self.query.len() + 1 + self.body.len());
        let mut query = segments(&self.query).peekable();
        let mut body = segments(&self.body).peekable();
        loop {
            let next = match (query.peek(), body.peek()) {
                (Some(q), Some(b)) if compare_keys(q, b) == Ordering::Greater => body.next(),
                (Some(_), _) => query.next(),
                (None, _) => body.next(),
            };
            let Some(segment) = next else { break };
            if !out.is_empty() {
                out.push('&');
            }
            out.push_str(segment);
        }
        out
    }

    /// A page-flow GET URL (Java's `pageExecute` with `GET`): `gateway?query&body`, every
    /// parameter in the URL.
    pub fn page_url(&self, gateway: &str) -> String {
        let mut url = String::with_capacity(gateway.len() + 2 + self.query.len() + self.body.len());
        url.push_str(gateway);
        url.push('?');
        url.push_str(&self.query);
        if !self.body.is_empty() {
            url.push('&');
            url.push_str(&self.body);
        }
        url
    }

    /// A page-flow auto-submitting HTML form (Java's `pageExecute` with `POST`): a form
    /// posting to `gateway?query` with one hidden input per body parameter, and a script
    /// that submits it. Every attribute value is HTML-escaped (`&`, `<`, `>`, `"`, `'`).
    pub fn html_form(&self, gateway: &str) -> String {
        let mut html =
            String::with_capacity(256 + 2 * (gateway.len() + self.query.len() + self.body.len()));
        html.push_str(
            "<form name=\"punchout_form\" method=\"post\" accept-charset=\"utf-8\" action=\"",
        );
        escape_html_into(gateway, &mut html);
        escape_html_into("?", &mut html);
        escape_html_into(&self.query, &mut html);
        html.push_str("\">\n");
        for segment in segments(&self.body) {
            let (key, value) = segment.split_once('=').unwrap_or((segment, ""));
            html.push_str("<input type=\"hidden\" name=\"");
            escape_html_into(&decode_own(key), &mut html);
            html.push_str("\" value=\"");
            escape_html_into(&decode_own(value), &mut html);
            html.push_str("\">\n");
        }
        html.push_str("<input type=\"submit\" value=\"submit\" style=\"display:none\">\n</form>\n");
        html.push_str("<script>document.forms[\"punchout_form\"].submit();</script>");
        html
    }
}

/// The `k=v` segments of an encoded query or body.
fn segments(encoded: &str) -> impl Iterator<Item = &str> {
    encoded.split('&').filter(|s| !s.is_empty())
}

/// Compares two encoded segments by their decoded keys (the sign-content order).
fn compare_keys(a: &str, b: &str) -> Ordering {
    decoded_key(a).cmp(decoded_key(b))
}

/// The decoded bytes of an encoded segment's key. Keys never hold `+` (no spaces allowed).
fn decoded_key(segment: &str) -> impl Iterator<Item = u8> + '_ {
    let key = segment.split_once('=').map_or(segment, |(k, _)| k).as_bytes();
    let mut i = 0;
    core::iter::from_fn(move || {
        let byte = *key.get(i)?;
        if byte == b'%' {
            let hi = key.get(i + 1).and_then(|&h| char::from(h).to_digit(16));
            let lo = key.get(i + 2).and_then(|&l| char::from(l).to_digit(16));
            if let (Some(hi), Some(lo)) = (hi, lo) {
                i += 3;
                // Two hex digits make one byte.
                return Some((hi * 16 + lo) as u8);
            }
        }
        i += 1;
        Some(byte)
    })
}

/// Decodes a component this module encoded. Its own output always decodes; should it ever
/// not, the encoded text is shown rather than anything dropped.
fn decode_own(component: &str) -> Cow<'_, str> {
    form::decode_component(component.as_bytes(), 0).unwrap_or(Cow::Borrowed(component))
}

/// Appends `value` with `&`, `<`, `>`, `"` and `'` escaped, safe in any HTML attribute value
/// or text.
pub fn escape_html_into(value: &str, out: &mut String) {
    let mut start = 0;
    for (i, byte) in value.bytes().enumerate() {
        let escaped = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        // `i` is at an ASCII byte, so both slice ends are char boundaries.
        out.push_str(value.get(start..i).unwrap_or_default());
        out.push_str(escaped);
        start = i + 1;
    }
    out.push_str(value.get(start..).unwrap_or_default());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escape_known_answer() {
        let mut out = String::new();
        escape_html_into("a&b<c>d\"e'f 中", &mut out);
        assert_eq!(out, "a&amp;b&lt;c&gt;d&quot;e&#39;f 中");
    }

    #[test]
    fn decoded_key_order_is_raw_key_order() {
        // `~` (0x7E) encodes as `%7E`, which would sort before letters if compared encoded.
        assert_eq!(compare_keys("a%7E=1", "ab=2"), Ordering::Greater);
        assert_eq!(compare_keys("a=1", "a1=2"), Ordering::Less);
        assert_eq!(compare_keys("sign=x", "sign_type=y"), Ordering::Less);
    }

    #[test]
    fn check_max_counts_utf16_units_as_java_does() {
        let too_long = |max, actual| {
            Err(Error::Field { field: "f", rule: FieldRule::TooLong { max, actual } })
        };
        assert!(check_max("f", "张三", 2).is_ok());
        assert_eq!(check_max("f", "张三李", 2), too_long(2, 3));
        // Outside the Basic Multilingual Plane a character is two units, as in Java.
        assert!(check_max("f", "a😀", 3).is_ok());
        assert_eq!(check_max("f", "a😀", 2), too_long(2, 3));
        assert_eq!(check_max("f", &"😀".repeat(65), 128), too_long(128, 130));
    }

    // ---- the request encoder against a plain reference ----------------------------------

    /// Returns one fixed signature, `++++////QQ==`: with `+`, `/` and `=` to escape.
    struct FixedSigner;

    impl Signer for FixedSigner {
        fn sign(&self, _: SignType, _: Message<'_>) -> Result<Signature> {
            Signature::from_bytes(&[0xfb, 0xef, 0xbe, 0xff, 0xff, 0xff, 0x41])
        }
    }

    /// `k=v&...` of `pairs` sorted by key, with the plain encoder.
    fn reference_form(mut pairs: Vec<(&str, &str)>) -> String {
        pairs.sort();
        let mut out = String::new();
        for (key, value) in pairs {
            if !out.is_empty() {
                out.push('&');
            }
            form::encode_into(key, &mut out);
            out.push('=');
            form::encode_into(value, &mut out);
        }
        out
    }

    fn full_config() -> AppConfig {
        AppConfig::builder("2021000000000001")
            .app_auth_token("token 1")
            .notify_url("https://example.com/notify?a=1&b=2")
            .return_url("https://example.com/return")
            .auth_token("auth/2")
            .alipay_sdk("alipay-sdk-java-4.0")
            .cert_sn("app sn", "root_sn_1_2")
            .build()
            .unwrap()
    }

    #[test]
    fn envelope_names_encode_as_themselves() {
        // `Key::Plain` copies these names as they are.
        for name in param::RESERVED {
            let mut encoded = String::new();
            form::encode_into(name, &mut encoded);
            assert_eq!(encoded, name);
        }
    }

    #[test]
    fn envelope_params_come_in_key_order() {
        let config = full_config();
        let timestamp = Timestamp::parse("2014-07-24 03:07:50").unwrap();
        let mut slots = [("", ""); STACK_PAIRS];
        let written = config.envelope_params(
            "a.method",
            &timestamp,
            Some(ENCRYPT_TYPE_AES),
            Some("{}"),
            &mut slots,
        );
        assert_eq!(written, ENVELOPE_PARAMS);
        let keys: Vec<&str> = slots[..written].iter().map(|&(key, _)| key).collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]), "{keys:?}");
        let mut names: Vec<&str> =
            param::RESERVED.iter().copied().filter(|&name| name != param::SIGN).collect();
        names.sort_unstable();
        assert_eq!(keys, names);
    }

    #[test]
    fn encoding_matches_a_plain_reference() {
        let timestamp = Timestamp::parse("2014-07-24 03:07:50").unwrap();
        let text: Vec<(String, String)> = (0..12)
            .map(|i| (alloc::format!("p{i:02}_k~{i}"), alloc::format!("v {i}/张")))
            .collect();
        for config in [AppConfig::builder("2014072300007148").build().unwrap(), full_config()] {
            // 0 text parameters, some (on the stack), many (on the heap).
            for n in [0, 3, 12] {
                let text_params: Vec<(&str, &str)> =
                    text[..n].iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                let biz = r#"{"a":"x y","b":"\"q\"","c":"中"}"#;
                let encoded = config
                    .encode_raw("a.method", Some(biz), &text_params, &timestamp, &FixedSigner)
                    .unwrap();
                let sign = encoded.signature().as_str();
                let mut query = alloc::vec![
                    (param::APP_ID, config.app_id()),
                    (param::METHOD, "a.method"),
                    (param::FORMAT, FORMAT),
                    (param::CHARSET, CHARSET),
                    (param::SIGN_TYPE, "RSA2"),
                    (param::TIMESTAMP, timestamp.as_str()),
                    (param::VERSION, VERSION),
                    (param::SIGN, sign),
                ];
                let optional = [
                    (param::APP_AUTH_TOKEN, &config.app_auth_token),
                    (param::NOTIFY_URL, &config.notify_url),
                    (param::RETURN_URL, &config.return_url),
                    (param::AUTH_TOKEN, &config.auth_token),
                    (param::ALIPAY_SDK, &config.alipay_sdk),
                    (param::APP_CERT_SN, &config.app_cert_sn),
                    (param::ALIPAY_ROOT_CERT_SN, &config.alipay_root_cert_sn),
                ];
                query.extend(optional.iter().filter_map(|(k, v)| Some((*k, v.as_deref()?))));
                let mut body = text_params.clone();
                body.push((param::BIZ_CONTENT, biz));
                assert_eq!(encoded.query(), reference_form(query));
                assert_eq!(encoded.body(), reference_form(body));
            }
        }
    }
}
