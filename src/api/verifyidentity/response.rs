//! The response of `alipay.security.risk.verifyidentity.apply` (核身可用性查询接口).
//!
//! Decoded from the verified node span, next to the gateway [`Status`](crate::response::Status):
//! - `is_success` is the string `"true"` or `"false"` (the page's type is String): it becomes
//!   a `bool`, and any other value is a decode error. `false` means the availability query
//!   itself failed (see `err_code`): a business outcome to match on, alongside the gateway
//!   code, not an `Err`.
//! - `err_code` becomes [`ErrCode`]; unknown codes are kept verbatim. A blank `err_code` or
//!   `err_message` (empty or whitespace: the page marks both required, so a success may
//!   carry them empty) is `None`.
//! - The page's business codes may also come as the `sub_code` of a `40004` answer, with no
//!   body; [`Reply::err_code`](crate::response::Reply::err_code) reads both places.
//! - Products decode into the request side's [`Product`] (`id`, `name`, optional `uuid`;
//!   other members are ignored).
//! - `usable_product_group` and `unusable_product_list` are JSON inside a string, holding
//!   one product object or a list of them; they become `Vec<Product>`. An absent, blank or
//!   `null` string is an empty list. Unknown product names are kept ([`ProductName::Other`]).
//!   Text of any other shape is an [`Error::Json`](crate::Error::Json) that names the field:
//!   the page defines no other, and the crate does not guess. The verified status is still
//!   there ([`VerifiedResponse::status`](crate::response::VerifiedResponse::status)), and so
//!   is every field verbatim
//!   ([`VerifiedResponse::decode`](crate::response::VerifiedResponse::decode) into a
//!   `serde_json::Value` or a type of your own).
//!
//! ```
//! use alipay_codec::api::verifyidentity::response::{ErrCode, VerifyIdentityApplyResponse};
//! use alipay_codec::api::verifyidentity::ProductName;
//!
//! let span = r#"{"code":"10000","msg":"Success","is_success":"false","err_code":"SYSTEM_ERROR",
//!   "err_message":"系统错误","usable_product_group":"{\"id\":1,\"name\":\"NATIVE_PAYMENT_PASSWORD\"}",
//!   "unusable_product_list":"[{\"id\":2,\"name\":\"FACE\"},{\"id\":3,\"name\":\"NEW_ONE\",\"uuid\":\"u\"}]"}"#;
//! let r: VerifyIdentityApplyResponse = serde_json::from_str(span).unwrap();
//! assert!(!r.is_success);
//! assert_eq!(r.err_code, Some(ErrCode::SystemError));
//! assert_eq!(r.usable_product_group[0].name, ProductName::NativePaymentPassword);
//! assert_eq!(r.unusable_product_list[1].name, ProductName::Other("NEW_ONE".into()));
//! ```

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

use super::{Product, ProductName};
use crate::response::{GatewayCode, Reply};
use crate::sign_content::is_blank;

/// The method-specific fields of the response.
///
/// With the `gateway` feature it also serializes, in the wire form it decodes from
/// (`is_success` as `"true"`/`"false"`, product lists as JSON text: one product as an object,
/// several as an array, none as `""`; `None` fields left out), so a test gateway can answer
/// with it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "gateway", derive(serde::Serialize))]
pub struct VerifyIdentityApplyResponse {
    /// Whether the query was processed (`"true"`); `false` means a system failure, see
    /// [`err_code`](Self::err_code). Processing is not business success.
    #[serde(deserialize_with = "bool_string")]
    #[cfg_attr(feature = "gateway", serde(serialize_with = "wire::bool_string"))]
    pub is_success: bool,
    /// Why the query failed (`None` when absent or blank).
    #[serde(default, deserialize_with = "not_blank")]
    #[cfg_attr(feature = "gateway", serde(skip_serializing_if = "Option::is_none"))]
    pub err_code: Option<ErrCode>,
    /// The failure's description, verbatim (`None` when absent or blank).
    #[serde(default, deserialize_with = "not_blank")]
    #[cfg_attr(feature = "gateway", serde(skip_serializing_if = "Option::is_none"))]
    pub err_message: Option<String>,
    /// The usable verification products.
    #[serde(default, deserialize_with = "usable_products")]
    #[cfg_attr(feature = "gateway", serde(serialize_with = "wire::products"))]
    pub usable_product_group: Vec<Product>,
    /// The unusable verification products.
    #[serde(default, deserialize_with = "unusable_products")]
    #[cfg_attr(feature = "gateway", serde(serialize_with = "wire::products"))]
    pub unusable_product_list: Vec<Product>,
}

/// The gateway side's serializers: the wire form the deserializers read.
#[cfg(feature = "gateway")]
mod wire {
    use serde::ser::{Error as _, Serialize, Serializer};

    use super::{ErrCode, Product};

    pub(super) fn bool_string<S: Serializer>(v: &bool, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(if *v { "true" } else { "false" })
    }

    pub(super) fn products<S: Serializer>(v: &[Product], s: S) -> Result<S::Ok, S::Error> {
        let text = match v {
            [] => Ok(alloc::string::String::new()),
            [one] => serde_json::to_string(one),
            many => serde_json::to_string(many),
        };
        s.serialize_str(&text.map_err(S::Error::custom)?)
    }

    impl Serialize for ErrCode {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_str(self.as_str())
        }
    }
}

/// The page's business error codes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ErrCode {
    /// `SYSTEM_ERROR`: retry later.
    SystemError,
    /// `USABLE_QUERY_FAIL`: a request parameter is missing or wrong; fix it and retry.
    UsableQueryFail,
    /// Any other code, verbatim.
    Other(String),
}

impl ErrCode {
    /// The wire value.
    pub fn as_str(&self) -> &str {
        match self {
            ErrCode::SystemError => "SYSTEM_ERROR",
            ErrCode::UsableQueryFail => "USABLE_QUERY_FAIL",
            ErrCode::Other(s) => s,
        }
    }
}

impl From<String> for ErrCode {
    fn from(s: String) -> Self {
        match s.as_str() {
            "SYSTEM_ERROR" => ErrCode::SystemError,
            "USABLE_QUERY_FAIL" => ErrCode::UsableQueryFail,
            _ => ErrCode::Other(s),
        }
    }
}

impl<'de> Deserialize<'de> for ErrCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(ErrCode::from)
    }
}

impl Reply<VerifyIdentityApplyResponse> {
    /// The page's business error code, wherever the answer put it: the body's `err_code`
    /// (a `10000` answer whose query failed), else the `sub_code` of a `40004` (Business
    /// Failed) answer, which carries no body. `None` for any other answer.
    ///
    /// An unsigned answer ([`is_verified`](Reply::is_verified) false, an accepted unsigned
    /// error) has no body, and its `sub_code` is unverified: anyone on the path could have
    /// written it. Treat the code as a hint then, not as Alipay's word.
    pub fn err_code(&self) -> Option<ErrCode> {
        if let Some(code) = self.body.as_ref().and_then(|b| b.err_code.clone()) {
            return Some(code);
        }
        match (self.status.gateway_code(), self.status.sub_code.as_deref()) {
            (GatewayCode::BusinessFailed, Some(sub_code)) if !is_blank(sub_code) => {
                Some(ErrCode::from(String::from(sub_code)))
            }
            _ => None,
        }
    }
}

/// A product as the wire holds it, converted into the request side's [`Product`].
#[derive(Deserialize)]
struct WireProduct {
    #[serde(deserialize_with = "id_number")]
    id: u32,
    name: String,
    #[serde(default)]
    uuid: Option<String>,
}

impl From<WireProduct> for Product {
    fn from(w: WireProduct) -> Self {
        Product { id: w.id, name: ProductName::from_wire(&w.name), uuid: w.uuid }
    }
}

fn bool_string<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    struct V;
    impl Visitor<'_> for V {
        type Value = bool;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("the string \"true\" or \"false\"")
        }
        fn visit_str<E: de::Error>(self, s: &str) -> Result<bool, E> {
            match s {
                "true" => Ok(true),
                "false" => Ok(false),
                _ => Err(E::invalid_value(de::Unexpected::Str(s), &self)),
            }
        }
    }
    d.deserialize_str(V)
}

fn id_number<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    struct V;
    impl Visitor<'_> for V {
        type Value = u32;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a non-negative integer id")
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<u32, E> {
            u32::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
        }
        fn visit_str<E: de::Error>(self, s: &str) -> Result<u32, E> {
            if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
                return Err(E::invalid_value(de::Unexpected::Str(s), &self));
            }
            s.parse().map_err(|_| E::invalid_value(de::Unexpected::Str(s), &self))
        }
    }
    d.deserialize_any(V)
}

/// A text field that is `None` when absent, `null` or blank.
fn not_blank<'de, D: Deserializer<'de>, T: From<String>>(d: D) -> Result<Option<T>, D::Error> {
    let text = Option::<String>::deserialize(d)?;
    Ok(text.filter(|t| !is_blank(t)).map(T::from))
}

fn usable_products<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Product>, D::Error> {
    products(d, "usable_product_group")
}

fn unusable_products<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Product>, D::Error> {
    products(d, "unusable_product_list")
}

/// JSON-in-a-string: see [`parse_products`]; JSON `null` is no products too. Every error
/// names `field`.
fn products<'de, D: Deserializer<'de>>(d: D, field: &str) -> Result<Vec<Product>, D::Error> {
    let named = |e: &dyn fmt::Display| de::Error::custom(format_args!("{field}: {e}"));
    match Option::<String>::deserialize(d).map_err(|e| named(&e))? {
        None => Ok(Vec::new()),
        Some(text) => parse_products(&text).map_err(|e| named(&e)),
    }
}

/// Parses a product-group string: `{...}`, `[{...}, ...]`, or blank (Java's whitespace
/// included) or `null` for none.
///
/// # Errors
/// serde_json's error when the text is neither a product object nor a list of them.
pub fn parse_products(text: &str) -> Result<Vec<Product>, serde_json::Error> {
    if is_blank(text) {
        return Ok(Vec::new());
    }
    match text.trim_matches([' ', '\t', '\r', '\n']).as_bytes() {
        b"null" => Ok(Vec::new()),
        [b'[', ..] => serde_json::from_str::<Vec<WireProduct>>(text)
            .map(|v| v.into_iter().map(Product::from).collect()),
        _ => serde_json::from_str::<WireProduct>(text).map(|p| alloc::vec![Product::from(p)]),
    }
}
