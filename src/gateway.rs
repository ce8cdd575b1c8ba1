//! The gateway side of the protocol (feature `gateway`): what `openapi.alipay.com/gateway.do`
//! does with the bytes a client sends, as pure functions. It exists for test doubles — a
//! loopback gateway that answers like Alipay (see `tests/support/loopback.rs`) — and uses the
//! client side's primitives in the opposite direction: [`crate::form`] decodes the request,
//! [`SignContent`] rebuilds what was signed, a [`Verifier`] checks it, a [`Signer`] signs
//! the answer.
//!
//! ```text
//! query + body bytes ──► UntrustedRequest::parse ──► verify(app public key) ──► VerifiedRequest
//!                        (decoded once; envelope      (sign content rebuilt,      (method, app_id,
//!                         checks → Rejection)          Rejection on mismatch)      biz_content, ...)
//!
//! node (Serialize) ──► ResponseEncoder::encode(sign type, "Alipay" signer) ──► response body
//! params ──► NotificationEncoder::encode(sign type, "Alipay" signer) ──► notification form body
//! ```
//!
//! # Requests
//! [`UntrustedRequest::parse`] form-decodes the URL query and the body exactly once each,
//! merges them (a key present twice, in either or across both, is rejected), and checks the
//! envelope in this order, answering the first failure as the gateway does, with a
//! [`Rejection`]:
//! 1. `charset` (read from the **query**, before anything is decoded; matched without regard
//!    to case, `utf8` included, as Java's `Charset.forName` does): `utf-8` is decoded as
//!    UTF-8. A missing `charset`,
//!    or `gbk` / `gb2312` / `gb18030`, makes the real gateway decode the bytes as GBK; this
//!    crate has no GBK tables, so it accepts those only when every decoded value is ASCII
//!    (where GBK and UTF-8 agree) and otherwise answers `isv.invalid-charset` — where the
//!    real gateway would garble the text and answer `isv.invalid-signature`. Any other
//!    value is `isv.invalid-charset`. A broken `%` escape is `isv.invalid-parameter`
//!    whatever the charset.
//! 2. `method`, `app_id`, `sign`, `sign_type` (`RSA2` or `RSA`), `timestamp`
//!    (`yyyy-MM-dd HH:mm:ss`, format only: the crate has no clock), `version` (presence
//!    only: its value is not checked): a missing (or blank) one is `40001 isv.missing-*`, a
//!    malformed one `40002 isv.invalid-*`. A `format` other than `JSON` (without regard to
//!    case) is `isv.invalid-format`.
//!
//! The caller then looks the method and the app up ([`Rejection::InvalidMethod`],
//! [`Rejection::InvalidAppId`] when it does not know them) and calls
//! [`UntrustedRequest::verify`] with that app's public key. It rebuilds the sign content
//! ([`SignContent`]: `sign` and blank values dropped, `sign_type` kept, sorted by key) and
//! verifies it with the request's `sign_type`. A mismatch is `isv.invalid-signature`, and its
//! `sub_msg` quotes the content the gateway computed, exactly as the real gateway does: it is
//! the main debugging aid users get.
//!
//! # Responses
//! [`ResponseEncoder`] serializes the node once, signs those **exact bytes** with the
//! "Alipay" private key, and writes `{"<method with . → _>_response":<node>,"sign":"..."}`
//! (optionally with `alipay_cert_sn`, or as `error_response`; with the `aes` feature,
//! optionally with the node encrypted into a JSON string, the signature then covering the
//! quoted string). [`Node`] is the usual node: `code`, `msg`, `sub_code`, `sub_msg` and the
//! method's own fields.
//!
//! # Notifications
//! [`NotificationEncoder`] builds the form body Alipay POSTs to a `notify_url`, signed in
//! [`NotifyMode::V1`] (`sign_type` sent, not signed) or [`NotifyMode::V2`] (`sign_type`
//! signed).
//!
//! # Example
//! ```
//! use alipay_codec::gateway::{Node, ResponseEncoder, UntrustedRequest};
//! use alipay_codec::{response, AppConfig, AppPrivateKey, AlipayPublicKey, ResponseOptions, SignType, Timestamp};
//! # use alipay_codec::api::Method;
//! # struct Echo;
//! # impl Method for Echo {
//! #     const NAME: &'static str = "example.echo";
//! #     type BizContent = serde_json::Value;
//! #     type Response = serde_json::Value;
//! # }
//! let app_key = AppPrivateKey::parse(include_str!("../tests/keys/app_private_pkcs8.pem"))?;
//! let alipay_key = AppPrivateKey::parse(include_str!("../tests/keys/alipay_private_pkcs8.pem"))?;
//! let alipay_public = AlipayPublicKey::parse(include_str!("../tests/keys/alipay_public.pem"))?;
//!
//! // The client encodes and signs a request...
//! let config = AppConfig::builder("2014072300007148").build()?;
//! let biz = serde_json::json!({ "say": "hello" });
//! let now = Timestamp::parse("2014-07-24 03:07:50")?;
//! let request = config.encode::<Echo>(&biz, &now, &app_key.unblinded())?;
//!
//! // ...the gateway decodes and verifies it with the app's public key...
//! let untrusted = UntrustedRequest::parse(request.query().as_bytes(), request.body().as_bytes())
//!     .map_err(|r| r.to_error())?;
//! assert_eq!(untrusted.app_id(), "2014072300007148");
//! let verified = untrusted.verify(&app_key.public_key()).map_err(|r| r.to_error())?;
//! assert_eq!(verified.sign_content(), request.sign_content());
//! let said: serde_json::Value = verified.biz()?;
//!
//! // ...and answers with a node signed by the "Alipay" key...
//! let node = Node::success(serde_json::json!({ "echo": said["say"] }));
//! let body = ResponseEncoder::new(verified.method()).encode(&node, SignType::Rsa2, &alipay_key.unblinded())?;
//!
//! // ...which the client verifies and decodes.
//! let reply = response::decode::<Echo>(body.as_bytes(), SignType::Rsa2, &alipay_public, ResponseOptions::new())?;
//! assert!(reply.is_success() && reply.is_verified());
//! assert_eq!(reply.body.unwrap()["echo"], "hello");
//! # Ok::<(), alipay_codec::Error>(())
//! ```

use alloc::borrow::Cow;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use serde::de::DeserializeOwned;
use serde::Serialize;

#[cfg(feature = "aes")]
use crate::aes::AesKey;
use crate::api::Method;
use crate::error::{Error, Result};
use crate::form;
use crate::notify::NotifyMode;
use crate::request::param;
use crate::response::{node_name_of, GatewayCode, ALIPAY_CERT_SN, ERROR_RESPONSE, SIGN};
use crate::sign_content::{is_blank, SignContent};
use crate::signing::{Message, SignType, Signature, Signer, Verifier};
use crate::timestamp::Timestamp;

/// The `sub_msg` prefix of `isv.invalid-signature`; the gateway appends the sign content it
/// computed.
pub const INVALID_SIGNATURE_SUB_MSG: &str =
    "验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配，网关生成的验签字符串为：";

// ---- rejections -------------------------------------------------------------------------------

/// What the gateway answers to a request whose envelope is wrong: the `40001` / `40002` codes
/// of the public error-code table. Data to answer with ([`to_node`](Self::to_node)), not a
/// crate error.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rejection {
    /// `40001 isv.missing-method`.
    MissingMethod,
    /// `40001 isv.missing-signature`.
    MissingSignature,
    /// `40001 isv.missing-signature-type`.
    MissingSignatureType,
    /// `40001 isv.missing-app-id`.
    MissingAppId,
    /// `40001 isv.missing-timestamp`.
    MissingTimestamp,
    /// `40001 isv.missing-version`.
    MissingVersion,
    /// `40002 isv.invalid-parameter`: the query or body is not a valid form, a key appears
    /// twice, or a key breaks the key syntax.
    InvalidParameter {
        /// What is wrong: the crate's error for it.
        cause: Error,
    },
    /// `40002 isv.invalid-method`: the gateway has no such method.
    InvalidMethod {
        /// The method asked for.
        method: String,
    },
    /// `40002 isv.invalid-format`: `format` is not `JSON`.
    InvalidFormat {
        /// The `format` sent.
        format: String,
    },
    /// `40002 isv.invalid-signature-type`: `sign_type` is neither `RSA2` nor `RSA`.
    InvalidSignatureType {
        /// The `sign_type` sent.
        sign_type: String,
    },
    /// `40002 isv.invalid-signature`: the signature does not verify over the sign content
    /// the gateway computed.
    InvalidSignature {
        /// The sign content the gateway computed (quoted in `sub_msg`).
        sign_content: String,
    },
    /// `40002 isv.invalid-app-id`: the gateway knows no such app.
    InvalidAppId {
        /// The `app_id` sent.
        app_id: String,
    },
    /// `40002 isv.invalid-timestamp`: `timestamp` is not `yyyy-MM-dd HH:mm:ss`.
    InvalidTimestamp {
        /// The `timestamp` sent.
        timestamp: String,
    },
    /// `40002 isv.invalid-charset`: see the module docs for the `charset` rules.
    InvalidCharset {
        /// The query's `charset`, `None` when it is missing.
        charset: Option<String>,
    },
}

impl Rejection {
    /// The gateway code: [`GatewayCode::MissingArguments`] (`40001`) or
    /// [`GatewayCode::InvalidArguments`] (`40002`).
    pub fn gateway_code(&self) -> GatewayCode {
        match self {
            Rejection::MissingMethod
            | Rejection::MissingSignature
            | Rejection::MissingSignatureType
            | Rejection::MissingAppId
            | Rejection::MissingTimestamp
            | Rejection::MissingVersion => GatewayCode::MissingArguments,
            _ => GatewayCode::InvalidArguments,
        }
    }

    /// The wire `code`: `"40001"` or `"40002"`.
    pub fn code(&self) -> &'static str {
        match self.gateway_code() {
            GatewayCode::MissingArguments => "40001",
            _ => "40002",
        }
    }

    /// The wire `msg`: `"Missing Required Arguments"` or `"Invalid Arguments"`.
    pub fn msg(&self) -> &'static str {
        self.gateway_code().msg()
    }

    /// The wire `sub_code`, e.g. `"isv.invalid-signature"`.
    pub fn sub_code(&self) -> &'static str {
        match self {
            Rejection::MissingMethod => "isv.missing-method",
            Rejection::MissingSignature => "isv.missing-signature",
            Rejection::MissingSignatureType => "isv.missing-signature-type",
            Rejection::MissingAppId => "isv.missing-app-id",
            Rejection::MissingTimestamp => "isv.missing-timestamp",
            Rejection::MissingVersion => "isv.missing-version",
            Rejection::InvalidParameter { .. } => "isv.invalid-parameter",
            Rejection::InvalidMethod { .. } => "isv.invalid-method",
            Rejection::InvalidFormat { .. } => "isv.invalid-format",
            Rejection::InvalidSignatureType { .. } => "isv.invalid-signature-type",
            Rejection::InvalidSignature { .. } => "isv.invalid-signature",
            Rejection::InvalidAppId { .. } => "isv.invalid-app-id",
            Rejection::InvalidTimestamp { .. } => "isv.invalid-timestamp",
            Rejection::InvalidCharset { .. } => "isv.invalid-charset",
        }
    }

    /// The wire `sub_msg`, in the gateway's words; for `isv.invalid-signature`,
    /// [`INVALID_SIGNATURE_SUB_MSG`] followed by the sign content the gateway computed.
    pub fn sub_msg(&self) -> String {
        match self {
            Rejection::MissingMethod => "缺少方法名参数".into(),
            Rejection::MissingSignature => "缺少签名参数".into(),
            Rejection::MissingSignatureType => "缺少签名类型参数".into(),
            Rejection::MissingAppId => "缺少appId参数".into(),
            Rejection::MissingTimestamp => "缺少时间戳参数".into(),
            Rejection::MissingVersion => "缺少版本参数".into(),
            Rejection::InvalidParameter { cause } => format!("参数无效：{cause}"),
            Rejection::InvalidMethod { .. } => "不存在的方法名".into(),
            Rejection::InvalidFormat { .. } => "无效的数据格式".into(),
            Rejection::InvalidSignatureType { .. } => "无效的签名类型".into(),
            Rejection::InvalidSignature { sign_content } => {
                format!("{INVALID_SIGNATURE_SUB_MSG}{sign_content}")
            }
            Rejection::InvalidAppId { .. } => "无效的AppID参数".into(),
            Rejection::InvalidTimestamp { .. } => {
                "非法的时间戳参数，格式需要为\"yyyy-MM-dd HH:mm:ss\"".into()
            }
            Rejection::InvalidCharset { charset: None } => {
                "字符集错误：charset 不在 URL 参数中，请求按 GBK 解码；请在 URL 参数中传 charset=utf-8"
                    .into()
            }
            Rejection::InvalidCharset { charset: Some(_) } => {
                "字符集错误，目前支持格式：GBK,UTF-8".into()
            }
        }
    }

    /// The response node answering this rejection: `code`, `msg`, `sub_code`, `sub_msg`.
    pub fn to_node(&self) -> Node<()> {
        Node::failure(self.gateway_code(), self.sub_code(), self.sub_msg(), ())
    }

    /// The node the gateway answers in: `error_response` when the method is missing or
    /// unknown, the method's own node otherwise (`method` is the request's method, if any).
    pub fn encoder<'a>(&self, method: Option<&str>) -> ResponseEncoder<'a> {
        match (self, method) {
            (Rejection::MissingMethod | Rejection::InvalidMethod { .. }, _) | (_, None) => {
                ResponseEncoder::error_response()
            }
            (_, Some(method)) => ResponseEncoder::new(method),
        }
    }

    /// The rejection as a crate error, for `?` in code that treats it as a failure:
    /// [`Error::InvalidSignature`] for `isv.invalid-signature`, the cause of
    /// `isv.invalid-parameter`, [`Error::Field`] otherwise.
    pub fn to_error(&self) -> Error {
        use crate::error::FieldRule;
        let (field, rule) = match self {
            Rejection::InvalidSignature { .. } => return Error::InvalidSignature,
            Rejection::InvalidParameter { cause } => return cause.clone(),
            Rejection::MissingMethod => (param::METHOD, FieldRule::Missing),
            Rejection::MissingSignature => (param::SIGN, FieldRule::Missing),
            Rejection::MissingSignatureType => (param::SIGN_TYPE, FieldRule::Missing),
            Rejection::MissingAppId => (param::APP_ID, FieldRule::Missing),
            Rejection::MissingTimestamp => (param::TIMESTAMP, FieldRule::Missing),
            Rejection::MissingVersion => (param::VERSION, FieldRule::Missing),
            Rejection::InvalidMethod { method: value } => {
                (param::METHOD, FieldRule::UnknownEnumValue { value: value.clone() })
            }
            Rejection::InvalidFormat { format: value } => {
                (param::FORMAT, FieldRule::UnknownEnumValue { value: value.clone() })
            }
            Rejection::InvalidSignatureType { sign_type: value } => {
                (param::SIGN_TYPE, FieldRule::UnknownEnumValue { value: value.clone() })
            }
            Rejection::InvalidAppId { app_id: value } => {
                (param::APP_ID, FieldRule::UnknownEnumValue { value: value.clone() })
            }
            Rejection::InvalidTimestamp { .. } => {
                (param::TIMESTAMP, FieldRule::BadFormat { expected: "yyyy-MM-dd HH:mm:ss" })
            }
            Rejection::InvalidCharset { .. } => {
                (param::CHARSET, FieldRule::BadFormat { expected: "utf-8, in the query" })
            }
        };
        Error::Field { field, rule }
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}: {}", self.code(), self.msg(), self.sub_code(), self.sub_msg())
    }
}

impl core::error::Error for Rejection {}

fn invalid_parameter(cause: Error) -> Rejection {
    Rejection::InvalidParameter { cause }
}

/// The query's `charset` value (not blank), found before the query is decoded: its key is
/// looked for as it is sent, raw, and only its value is decoded.
fn query_charset(query: &[u8]) -> Option<String> {
    query
        .split(|&b| b == b'&')
        .find_map(|pair| pair.strip_prefix(param::CHARSET.as_bytes())?.strip_prefix(b"="))
        .and_then(|value| form::decode_component(value, 0).ok())
        .map(|value| value.into_owned())
        .filter(|value| !is_blank(value))
}

// ---- requests ---------------------------------------------------------------------------------

/// Decoded parameters, sorted by key, keys unique.
type Params<'a> = Vec<(Cow<'a, str>, Cow<'a, str>)>;

fn find<'p>(params: &'p Params<'_>, key: &str) -> Option<&'p str> {
    params
        .binary_search_by(|(k, _)| k.as_bytes().cmp(key.as_bytes()))
        .ok()
        .and_then(|i| params.get(i))
        .map(|(_, v)| &**v)
}

/// Every parameter but `sign`, borrowed, for the sign content (which drops blank values).
fn content_pairs<'p>(params: &'p Params<'_>) -> Vec<(&'p str, &'p str)> {
    params.iter().map(|(k, v)| (&**k, &**v)).filter(|&(k, _)| k != SIGN).collect()
}

/// A request decoded and envelope-checked, whose signature has not been verified. Borrows
/// the query and the body where no escape forced a copy.
#[derive(Debug, Clone)]
pub struct UntrustedRequest<'a> {
    params: Params<'a>,
    sign_type: SignType,
    timestamp: Timestamp,
}

impl<'a> UntrustedRequest<'a> {
    /// Form-decodes the URL `query` (without `?`) and the form `body` once each and checks
    /// the envelope, in the order of the module docs.
    ///
    /// # Errors
    /// The first [`Rejection`] that applies: [`Rejection::InvalidParameter`] for a malformed
    /// form, a repeated key or a key the sign content does not allow;
    /// [`Rejection::InvalidCharset`]; `isv.missing-*` for a missing or blank `method`,
    /// `app_id`, `sign`, `sign_type`, `timestamp` or `version`;
    /// [`Rejection::InvalidSignatureType`], [`Rejection::InvalidTimestamp`],
    /// [`Rejection::InvalidFormat`].
    pub fn parse(query: &'a [u8], body: &'a [u8]) -> core::result::Result<Self, Rejection> {
        // The charset first, from the raw query, since it decides how the rest decodes.
        let charset = query_charset(query);
        let utf8 = match charset.as_deref().map(str::to_ascii_lowercase).as_deref() {
            Some("utf-8" | "utf8") => true,
            None | Some("gbk" | "gb2312" | "gb18030") => false,
            Some(_) => return Err(Rejection::InvalidCharset { charset }),
        };
        // Bytes that are not UTF-8 are a charset problem when GBK was announced (or implied);
        // a broken escape is a malformed parameter either way.
        let decode = |input| {
            form::decode(input).map_err(|e| match e {
                e if !utf8 && form::is_not_utf8(&e) => {
                    Rejection::InvalidCharset { charset: charset.clone() }
                }
                e => invalid_parameter(e),
            })
        };
        let mut params = decode(query)?;
        params.extend(decode(body)?);
        if !utf8 && !params.iter().all(|(k, v)| k.is_ascii() && v.is_ascii()) {
            return Err(Rejection::InvalidCharset { charset });
        }
        params.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
        if let Some(w) =
            params.windows(2).find(|w| w.first().map(|p| &p.0) == w.get(1).map(|p| &p.0))
        {
            let key = w.first().map(|p| p.0.to_string()).unwrap_or_default();
            return Err(invalid_parameter(Error::DuplicateKey { key }));
        }
        // Key syntax, once, so that verification cannot fail on it later.
        SignContent::new(&mut content_pairs(&params)).map_err(invalid_parameter)?;

        let get = |key: &str| find(&params, key).filter(|v| !is_blank(v));
        let required = [
            (param::METHOD, Rejection::MissingMethod),
            (param::APP_ID, Rejection::MissingAppId),
            (param::SIGN, Rejection::MissingSignature),
            (param::SIGN_TYPE, Rejection::MissingSignatureType),
            (param::TIMESTAMP, Rejection::MissingTimestamp),
            (param::VERSION, Rejection::MissingVersion),
        ];
        for (key, missing) in required {
            if get(key).is_none() {
                return Err(missing);
            }
        }
        let sign_type = get(param::SIGN_TYPE).unwrap_or_default();
        let sign_type = SignType::parse(sign_type)
            .map_err(|_| Rejection::InvalidSignatureType { sign_type: sign_type.into() })?;
        let timestamp = get(param::TIMESTAMP).unwrap_or_default();
        let timestamp = Timestamp::parse(timestamp)
            .map_err(|_| Rejection::InvalidTimestamp { timestamp: timestamp.into() })?;
        if let Some(format) = get(param::FORMAT) {
            if !format.eq_ignore_ascii_case(crate::request::FORMAT) {
                return Err(Rejection::InvalidFormat { format: format.into() });
            }
        }
        Ok(UntrustedRequest { params, sign_type, timestamp })
    }

    /// A parameter's decoded value (unverified), from the query or the body.
    pub fn get(&self, key: &str) -> Option<&str> {
        find(&self.params, key)
    }

    /// `method` (unverified, non-blank): route on it, or answer
    /// [`Rejection::InvalidMethod`].
    pub fn method(&self) -> &str {
        self.get(param::METHOD).unwrap_or_default()
    }

    /// `app_id` (unverified, non-blank): look the app's public key up with it, or answer
    /// [`Rejection::InvalidAppId`].
    pub fn app_id(&self) -> &str {
        self.get(param::APP_ID).unwrap_or_default()
    }

    /// `sign_type`: the algorithm [`verify`](Self::verify) uses.
    pub fn sign_type(&self) -> SignType {
        self.sign_type
    }

    /// The sign content the gateway computes from the received parameters: every parameter
    /// but `sign`, blank values dropped, sorted by key, `&`-joined, values raw.
    pub fn sign_content(&self) -> String {
        let mut pairs = content_pairs(&self.params);
        // Keys were checked by `parse`.
        SignContent::new(&mut pairs).map(|c| c.to_string()).unwrap_or_default()
    }

    /// Verifies `sign` over the rebuilt sign content with the request's `sign_type` and the
    /// app's public key (an [`crate::AlipayPublicKey`] holds any RSA public key;
    /// [`crate::AppPrivateKey::public_key`] gives the app's).
    ///
    /// # Errors
    /// [`Rejection::InvalidSignature`], quoting the computed sign content, when `sign` is not
    /// a base64 signature of the key's size or does not verify.
    pub fn verify(
        self,
        app_public_key: &impl Verifier,
    ) -> core::result::Result<VerifiedRequest<'a>, Rejection> {
        let sign_content = self.sign_content();
        let rejected = || Rejection::InvalidSignature { sign_content: sign_content.clone() };
        let signature = Signature::from_base64(self.get(param::SIGN).unwrap_or_default())
            .map_err(|_| rejected())?;
        let mut pairs = content_pairs(&self.params);
        let content = SignContent::new(&mut pairs).map_err(invalid_parameter)?;
        app_public_key
            .verify(self.sign_type, Message::Content(content), &signature)
            .map_err(|_| rejected())?;
        Ok(VerifiedRequest { untrusted: self, sign_content })
    }
}

/// A request whose signature verified: the method, the app, the biz content and every other
/// parameter, as typed data.
#[derive(Debug, Clone)]
pub struct VerifiedRequest<'a> {
    untrusted: UntrustedRequest<'a>,
    sign_content: String,
}

impl<'a> VerifiedRequest<'a> {
    /// A parameter's decoded value (`sign` included), from the query or the body.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.untrusted.get(key)
    }

    /// Every parameter, sorted by key, `sign` included.
    pub fn params(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        self.untrusted.params.iter().map(|(k, v)| (&**k, &**v))
    }

    /// The sign content the signature verified over.
    pub fn sign_content(&self) -> &str {
        &self.sign_content
    }

    /// `method`.
    pub fn method(&self) -> &str {
        self.untrusted.method()
    }

    /// Whether `method` is `M`'s.
    pub fn is<M: Method>(&self) -> bool {
        self.method() == M::NAME
    }

    /// `app_id`.
    pub fn app_id(&self) -> &str {
        self.untrusted.app_id()
    }

    /// `sign_type`.
    pub fn sign_type(&self) -> SignType {
        self.untrusted.sign_type
    }

    /// `timestamp` (format-checked only).
    pub fn timestamp(&self) -> &Timestamp {
        &self.untrusted.timestamp
    }

    /// `version`.
    pub fn version(&self) -> &str {
        self.get(param::VERSION).unwrap_or_default()
    }

    /// `charset`, if sent.
    pub fn charset(&self) -> Option<&str> {
        self.get(param::CHARSET)
    }

    /// `notify_url`, if sent: where to POST notifications.
    pub fn notify_url(&self) -> Option<&str> {
        self.get(param::NOTIFY_URL).filter(|v| !is_blank(v))
    }

    /// `app_auth_token`, if sent.
    pub fn app_auth_token(&self) -> Option<&str> {
        self.get(param::APP_AUTH_TOKEN).filter(|v| !is_blank(v))
    }

    /// `encrypt_type`, if sent (`AES`: `biz_content` is ciphertext).
    pub fn encrypt_type(&self) -> Option<&str> {
        self.get(param::ENCRYPT_TYPE).filter(|v| !is_blank(v))
    }

    /// `biz_content` as sent (JSON text, or ciphertext when [`encrypt_type`](Self::encrypt_type)
    /// is set).
    pub fn biz_content(&self) -> Option<&str> {
        self.get(param::BIZ_CONTENT).filter(|v| !is_blank(v))
    }

    /// Decodes `biz_content` (plain JSON) into `T`.
    ///
    /// # Errors
    /// [`Error::Field`] on `biz_content` ([`crate::FieldRule::Missing`]) when it is absent;
    /// [`Error::Json`] when it is encrypted or not a `T`.
    pub fn biz<T: DeserializeOwned>(&self) -> Result<T> {
        if self.encrypt_type().is_some() {
            return Err(Error::Json {
                field: param::BIZ_CONTENT,
                detail: "biz_content is encrypted: decrypt it first".into(),
            });
        }
        let text = self.biz_content().ok_or(Error::Field {
            field: param::BIZ_CONTENT,
            rule: crate::error::FieldRule::Missing,
        })?;
        serde_json::from_str(text)
            .map_err(|e| Error::Json { field: param::BIZ_CONTENT, detail: e.to_string() })
    }

    /// Decrypts an `encrypt_type=AES` `biz_content` to its JSON text.
    ///
    /// # Errors
    /// [`Error::Field`] on `biz_content` when it is absent; [`Error::Decrypt`] on
    /// `biz_content` when it does not decrypt.
    #[cfg(feature = "aes")]
    pub fn decrypt_biz_content(&self, key: &AesKey) -> Result<String> {
        let text = self.biz_content().ok_or(Error::Field {
            field: param::BIZ_CONTENT,
            rule: crate::error::FieldRule::Missing,
        })?;
        key.decrypt_field(text)
            .map_err(|cause| Error::Decrypt { field: param::BIZ_CONTENT.to_string(), cause })
    }
}

// ---- responses --------------------------------------------------------------------------------

/// A response node: the common fields and the method's own fields (flattened beside them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Node<T> {
    /// `code`, e.g. `"10000"`.
    pub code: String,
    /// `msg`, e.g. `"Success"`.
    pub msg: String,
    /// `sub_code`, left out when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub_code: Option<String>,
    /// `sub_msg`, left out when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub_msg: Option<String>,
    /// The method's fields; `()` for none. It must serialize as a map (a struct).
    #[serde(flatten)]
    pub body: T,
}

impl<T> Node<T> {
    /// `10000 Success` with `body`.
    pub fn success(body: T) -> Self {
        Node::status(GatewayCode::Success, None, None, body)
    }

    /// A failure: `code` and its `msg`, with `sub_code` and `sub_msg` (e.g.
    /// `GatewayCode::ServiceUnavailable, "isp.unknow-error", "系统繁忙"`). For a code outside
    /// the table, set [`code`](Self::code) and [`msg`](Self::msg) directly.
    pub fn failure(
        code: GatewayCode,
        sub_code: impl Into<String>,
        sub_msg: impl Into<String>,
        body: T,
    ) -> Self {
        Node::status(code, Some(sub_code.into()), Some(sub_msg.into()), body)
    }

    fn status(
        code: GatewayCode,
        sub_code: Option<String>,
        sub_msg: Option<String>,
        body: T,
    ) -> Self {
        Node {
            code: code.as_code().unwrap_or_default().into(),
            msg: code.msg().into(),
            sub_code,
            sub_msg,
            body,
        }
    }
}

/// Encodes a gateway response body: the node (serialized once), its signature over those
/// exact bytes, and optionally `alipay_cert_sn` or AES encryption.
#[derive(Debug, Clone)]
pub struct ResponseEncoder<'a> {
    node_name: String,
    cert_sn: Option<&'a str>,
    #[cfg(feature = "aes")]
    aes: Option<&'a AesKey>,
}

impl<'a> ResponseEncoder<'a> {
    fn named(node_name: String) -> Self {
        ResponseEncoder {
            node_name,
            cert_sn: None,
            #[cfg(feature = "aes")]
            aes: None,
        }
    }

    /// An encoder answering `method` in its node `<method with . → _>_response`.
    pub fn new(method: &str) -> Self {
        Self::named(node_name_of(method))
    }

    /// An encoder answering method `M`.
    pub fn for_method<M: Method>() -> Self {
        Self::new(M::NAME)
    }

    /// An encoder answering in `error_response` (a missing or unknown method).
    pub fn error_response() -> Self {
        Self::named(ERROR_RESPONSE.into())
    }

    /// The node name written.
    pub fn node_name(&self) -> &str {
        &self.node_name
    }

    /// Adds `"alipay_cert_sn":"<sn>"` (certificate mode): which Alipay certificate signed.
    pub fn cert_sn(mut self, sn: &'a str) -> Self {
        self.cert_sn = Some(sn);
        self
    }

    /// Encrypts the node with the app's AES key: the node becomes a JSON string of base64
    /// ciphertext, and the signature covers that string with its quotes.
    #[cfg(feature = "aes")]
    pub fn encrypt(mut self, key: &'a AesKey) -> Self {
        self.aes = Some(key);
        self
    }

    /// Serializes `node` (it must serialize as a JSON object, e.g. a [`Node`]) and encodes a
    /// signed body, as [`encode_json`](Self::encode_json).
    ///
    /// # Errors
    /// [`Error::Json`] when `node` does not serialize; [`Error::NodeNotObject`] when it is
    /// not a JSON object; the signer's error.
    pub fn encode<T: Serialize + ?Sized>(
        &self,
        node: &T,
        sign_type: SignType,
        signer: &impl Signer,
    ) -> Result<String> {
        self.encode_json(&node_json(node)?, sign_type, signer)
    }

    /// Encodes a signed body around `node_json`, the node's exact JSON text (no whitespace
    /// around it): `{"<node name>":<node>[,"alipay_cert_sn":"..."],"sign":"..."}`, the
    /// signature computed over exactly the node's bytes as written (the quoted ciphertext
    /// when encrypting).
    ///
    /// # Errors
    /// [`Error::NodeNotObject`] when `node_json` is not exactly one JSON object; the
    /// signer's error.
    pub fn encode_json(
        &self,
        node_json: &str,
        sign_type: SignType,
        signer: &impl Signer,
    ) -> Result<String> {
        check_object(node_json)?;
        let node = self.node_value(node_json);
        let signature = signer.sign(sign_type, Message::Bytes(node.as_bytes()))?;
        Ok(self.write(&node, Some(&signature)))
    }

    /// Encodes an unsigned body `{"<node name>":<node>}`, as the gateway answers some errors
    /// (the client accepts an unsigned error, marked unverified). Never encrypted.
    ///
    /// # Errors
    /// As [`encode`](Self::encode), without the signer's.
    pub fn encode_unsigned<T: Serialize + ?Sized>(&self, node: &T) -> Result<String> {
        let json = node_json(node)?;
        check_object(&json)?;
        Ok(self.write(&json, None))
    }

    #[cfg(feature = "aes")]
    fn node_value<'n>(&self, node_json: &'n str) -> Cow<'n, str> {
        match self.aes {
            Some(key) => Cow::Owned(format!("\"{}\"", key.encrypt(node_json))),
            None => Cow::Borrowed(node_json),
        }
    }

    #[cfg(not(feature = "aes"))]
    fn node_value<'n>(&self, node_json: &'n str) -> Cow<'n, str> {
        Cow::Borrowed(node_json)
    }

    fn write(&self, node: &str, signature: Option<&Signature>) -> String {
        let mut out = String::with_capacity(node.len() + self.node_name.len() + 400);
        out.push('{');
        push_json_string(&self.node_name, &mut out);
        out.push(':');
        out.push_str(node);
        if let Some(sn) = self.cert_sn {
            out.push(',');
            push_json_string(ALIPAY_CERT_SN, &mut out);
            out.push(':');
            push_json_string(sn, &mut out);
        }
        if let Some(signature) = signature {
            out.push(',');
            push_json_string(SIGN, &mut out);
            out.push(':');
            push_json_string(signature.as_str(), &mut out);
        }
        out.push('}');
        out
    }
}

/// Serializes a node to JSON text.
fn node_json<T: Serialize + ?Sized>(node: &T) -> Result<String> {
    serde_json::to_string(node)
        .map_err(|e| Error::Json { field: "response node", detail: e.to_string() })
}

/// Exactly one JSON object, nothing around it.
fn check_object(json: &str) -> Result<()> {
    let bytes = json.as_bytes();
    if bytes.first() != Some(&b'{') || bytes.last() != Some(&b'}') {
        return Err(Error::NodeNotObject);
    }
    serde_json::from_str::<serde::de::IgnoredAny>(json).map_err(|_| Error::NodeNotObject)?;
    Ok(())
}

/// Appends `s` as a JSON string (quotes and escapes included).
fn push_json_string(s: &str, out: &mut String) {
    // Serializing a `str` cannot fail.
    out.push_str(&serde_json::to_string(s).unwrap_or_default());
}

// ---- notifications ----------------------------------------------------------------------------

/// Encodes the form body of an asynchronous notification, signed as Alipay signs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotificationEncoder<'a> {
    mode: NotifyMode,
    cert_sn: Option<&'a str>,
    sign_cert_sn: bool,
}

impl<'a> NotificationEncoder<'a> {
    /// An encoder for `mode`: [`NotifyMode::V1`] sends `sign_type` without signing it
    /// (trade notifications), [`NotifyMode::V2`] signs it (gateway messages).
    pub const fn new(mode: NotifyMode) -> Self {
        NotificationEncoder { mode, cert_sn: None, sign_cert_sn: false }
    }

    /// Adds `alipay_cert_sn` (certificate mode), left out of the signed content unless
    /// `signed` (see [`crate::NotifyOptions::keep_cert_sn`] for the two behaviours).
    pub const fn cert_sn(mut self, sn: &'a str, signed: bool) -> Self {
        self.cert_sn = Some(sn);
        self.sign_cert_sn = signed;
        self
    }

    /// Signs `params` (plus `sign_type` in V2, and `alipay_cert_sn` when signed; blank
    /// values are sent but not signed, as the gateway does) and returns the form body: every
    /// parameter, `sign_type` and `sign` included, sorted by key and form-encoded once.
    ///
    /// # Errors
    /// [`Error::Unsupported`] for [`NotifyMode::V2ThenV1`] (a verification mode);
    /// [`Error::ReservedParam`] when `params` holds `sign`, `sign_type` or `alipay_cert_sn`;
    /// [`Error::InvalidKey`] / [`Error::DuplicateKey`] as [`SignContent::new`]; the signer's
    /// error.
    pub fn encode(
        &self,
        params: &[(&str, &str)],
        sign_type: SignType,
        signer: &impl Signer,
    ) -> Result<String> {
        if self.mode == NotifyMode::V2ThenV1 {
            return Err(Error::Unsupported {
                what: "building a notification in V2ThenV1 mode (choose V1 or V2)",
            });
        }
        if let Some(&(key, _)) =
            params.iter().find(|(k, _)| [SIGN, param::SIGN_TYPE, ALIPAY_CERT_SN].contains(k))
        {
            return Err(Error::ReservedParam { key: key.into() });
        }
        let mut wire: Vec<(&str, &str)> = Vec::with_capacity(params.len() + 3);
        wire.extend_from_slice(params);
        wire.push((param::SIGN_TYPE, sign_type.as_str()));
        if let Some(sn) = self.cert_sn {
            wire.push((ALIPAY_CERT_SN, sn));
        }
        let mut signed: Vec<(&str, &str)> = wire
            .iter()
            .copied()
            .filter(|&(k, _)| {
                (k != param::SIGN_TYPE || self.mode == NotifyMode::V2)
                    && (k != ALIPAY_CERT_SN || self.sign_cert_sn)
            })
            .collect();
        let content = SignContent::new(&mut signed)?;
        let signature = signer.sign(sign_type, Message::Content(content))?;
        wire.push((SIGN, signature.as_str()));
        wire.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
        let mut out = String::new();
        form::encode_pairs_into(wire.iter().copied(), &mut out);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejection_codes() {
        assert_eq!(Rejection::MissingVersion.code(), "40001");
        assert_eq!(Rejection::MissingVersion.sub_code(), "isv.missing-version");
        let r = Rejection::InvalidSignature { sign_content: "a=1&b=2".into() };
        assert_eq!(r.code(), "40002");
        assert_eq!(r.msg(), "Invalid Arguments");
        assert!(r.sub_msg().ends_with("网关生成的验签字符串为：a=1&b=2"));
        let node = serde_json::to_string(&r.to_node()).unwrap();
        assert!(node.starts_with(
            r#"{"code":"40002","msg":"Invalid Arguments","sub_code":"isv.invalid-signature""#
        ));
        assert_eq!(r.encoder(Some("a.b")).node_name(), "a_b_response");
        assert_eq!(r.encoder(None).node_name(), "error_response");
        assert_eq!(
            Rejection::InvalidMethod { method: "x".into() }.encoder(Some("x")).node_name(),
            "error_response"
        );
    }

    #[test]
    fn node_objects_only() {
        assert_eq!(check_object(" {}"), Err(Error::NodeNotObject));
        assert_eq!(check_object("{}x"), Err(Error::NodeNotObject));
        assert_eq!(check_object(r#"{"a":}"#), Err(Error::NodeNotObject));
        assert_eq!(check_object("[]"), Err(Error::NodeNotObject));
        assert!(check_object(r#"{"a":{"b":[1]}}"#).is_ok());
    }

    #[test]
    fn envelope_checks_in_order() {
        let q = |s: &'static str| UntrustedRequest::parse(s.as_bytes(), b"").map(|_| ());
        assert_eq!(q("charset=utf-8"), Err(Rejection::MissingMethod));
        assert_eq!(q("charset=utf-8&method=m"), Err(Rejection::MissingAppId));
        assert_eq!(q("charset=utf-8&method=m&app_id=1"), Err(Rejection::MissingSignature));
        assert_eq!(
            q("charset=utf-8&method=m&app_id=1&sign=x"),
            Err(Rejection::MissingSignatureType)
        );
        assert_eq!(
            q("charset=utf-8&method=m&app_id=1&sign=x&sign_type=RSA3"),
            Err(Rejection::MissingTimestamp)
        );
        assert_eq!(
            q("charset=utf-8&method=m&app_id=1&sign=x&sign_type=RSA3&timestamp=t"),
            Err(Rejection::MissingVersion)
        );
        assert_eq!(
            q("charset=utf-8&method=m&app_id=1&sign=x&sign_type=RSA3&timestamp=t&version=1.0"),
            Err(Rejection::InvalidSignatureType { sign_type: "RSA3".into() })
        );
        assert_eq!(
            q("charset=utf-8&method=m&app_id=1&sign=x&sign_type=RSA2&timestamp=t&version=1.0"),
            Err(Rejection::InvalidTimestamp { timestamp: "t".into() })
        );
        assert_eq!(
            q("charset=utf-8&method=m&app_id=1&sign=x&sign_type=RSA2&timestamp=2014-07-24+03:07:50&version=1.0&format=XML"),
            Err(Rejection::InvalidFormat { format: "XML".into() })
        );
        assert!(q("charset=utf-8&method=m&app_id=1&sign=x&sign_type=RSA2&timestamp=2014-07-24+03:07:50&version=1.0").is_ok());
        assert_eq!(
            q("charset=latin1"),
            Err(Rejection::InvalidCharset { charset: Some("latin1".into()) })
        );
        assert_eq!(q("method=%E4%B8%AD"), Err(Rejection::InvalidCharset { charset: None }));
        let duplicate = q("charset=utf-8&a=1&a=2").unwrap_err();
        assert_eq!(duplicate.to_error(), Error::DuplicateKey { key: "a".into() });
        assert_eq!(duplicate.sub_code(), "isv.invalid-parameter");
        assert!(matches!(q("charset=utf-8&a=%zz"), Err(Rejection::InvalidParameter { .. })));
        // GBK bytes, announced or implied, are a charset problem, found before the query's
        // own decoding fails on them; a broken escape is a bad parameter under any charset.
        for query in ["app_id=%D5%C5", "charset=gbk&app_id=%D5%C5", "app_id=%D5%C5&charset=GBK"] {
            assert!(matches!(q(query), Err(Rejection::InvalidCharset { .. })), "{query}");
        }
        for query in ["charset=gbk&a=%zz", "a=%zz"] {
            assert!(matches!(q(query), Err(Rejection::InvalidParameter { .. })), "{query}");
        }
        assert_eq!(
            q("charset=utf-8&app_id=%D5%C5"),
            Err(Rejection::InvalidParameter {
                cause: Error::Form {
                    param: Some("app_id".into()),
                    offset: 21,
                    what: "not UTF-8 after decoding",
                }
            })
        );
    }
}
