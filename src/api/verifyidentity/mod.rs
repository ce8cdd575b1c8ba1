//! `alipay.security.risk.verifyidentity.apply` (核身可用性查询接口): asks whether identity
//! verification products (payment password, face, ...) are usable for an account.
//!
//! # Request
//! [`VerifyIdentityApplyRequest`] enforces every rule of the page's request table when it is
//! built, before anything is signed:
//!
//! | field | rule |
//! |---|---|
//! | `biz_id` | required, ≤ 128 |
//! | `account_name` | optional, ≤ 128 |
//! | `account_id` | required, ≤ 128 |
//! | `account_type` | optional, ≤ 32, `ALIPAY_USERID` / `CERT` or a future value ([`AccountType`]) |
//! | `validate_product_group` | required, ≤ 10000: JSON text of one [`Product`] or a list |
//! | `scene_code` | required, ≤ 128 |
//! | `biz_params` | optional, ≤ 5000: JSON text of an object |
//!
//! Lengths are counted as the Java page counts them, in UTF-16 code units — see
//! [`crate::request`]. A required field that is empty or only whitespace is
//! [`FieldRule::Missing`]; an optional field set to such a value is
//! [`FieldRule::BadFormat`] (leave it unset instead). Nothing is truncated or dropped.
//!
//! `validate_product_group` and `biz_params` are JSON inside a JSON string on the wire. Pass
//! typed values ([`ProductGroup`], anything `Serialize` that makes an object) and the crate
//! serializes them into the string and checks the resulting length; or pass JSON text, which
//! is checked to be well-formed JSON of the right shape and then sent verbatim.
//!
//! ```
//! use alipay_codec::api::verifyidentity::{AccountType, Product, ProductName, VerifyIdentityApplyRequest};
//!
//! let request = VerifyIdentityApplyRequest::builder()
//!     .biz_id("test_302857831249")
//!     .account_id("330102198807312189")
//!     .account_type(AccountType::AlipayUserId)
//!     .validate_product_group(Product::new(1, ProductName::NativePaymentPassword))
//!     .scene_code("metro#metro#metro_forgetpwd_confirm#mobileClient")
//!     .build()?;
//! assert_eq!(request.validate_product_group(), r#"{"id":1,"name":"NATIVE_PAYMENT_PASSWORD"}"#);
//! # Ok::<(), alipay_codec::Error>(())
//! ```

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use serde::{Serialize, Serializer};

use crate::api::Method;
use crate::error::{Error, FieldRule, Result};
use crate::request::{check_max, check_optional, check_required, NOT_BLANK};
use crate::sign_content::is_blank;

pub mod response;

pub use response::{ErrCode, VerifyIdentityApplyResponse};

/// The method: `alipay.security.risk.verifyidentity.apply`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct VerifyIdentityApply;

impl Method for VerifyIdentityApply {
    const NAME: &'static str = "alipay.security.risk.verifyidentity.apply";
    type BizContent = VerifyIdentityApplyRequest;
    type Response = VerifyIdentityApplyResponse;

    /// Writes the text directly (see [`VerifyIdentityApplyRequest::to_json`]).
    fn biz_content_json(biz_content: &VerifyIdentityApplyRequest) -> Result<String> {
        Ok(biz_content.to_json())
    }
}

/// Wire names of the request fields.
pub mod field {
    /// `biz_id`.
    pub const BIZ_ID: &str = "biz_id";
    /// `account_name`.
    pub const ACCOUNT_NAME: &str = "account_name";
    /// `account_id`.
    pub const ACCOUNT_ID: &str = "account_id";
    /// `account_type`.
    pub const ACCOUNT_TYPE: &str = "account_type";
    /// `validate_product_group`.
    pub const VALIDATE_PRODUCT_GROUP: &str = "validate_product_group";
    /// `scene_code`.
    pub const SCENE_CODE: &str = "scene_code";
    /// `biz_params`.
    pub const BIZ_PARAMS: &str = "biz_params";
}

/// Maximum lengths of the request fields, in UTF-16 code units as Java counts them (the
/// page's request table).
pub mod limit {
    /// `biz_id`.
    pub const BIZ_ID: usize = 128;
    /// `account_name`.
    pub const ACCOUNT_NAME: usize = 128;
    /// `account_id`.
    pub const ACCOUNT_ID: usize = 128;
    /// `account_type`.
    pub const ACCOUNT_TYPE: usize = 32;
    /// `validate_product_group` (the JSON text).
    pub const VALIDATE_PRODUCT_GROUP: usize = 10_000;
    /// `scene_code`.
    pub const SCENE_CODE: usize = 128;
    /// `biz_params` (the JSON text).
    pub const BIZ_PARAMS: usize = 5_000;
}

/// Whether `value` looks like an enumeration constant: `[A-Z][A-Z0-9_]*`.
fn is_enum_token(value: &str) -> bool {
    let mut bytes = value.bytes();
    matches!(bytes.next(), Some(b'A'..=b'Z'))
        && bytes.all(|b| matches!(b, b'A'..=b'Z' | b'0'..=b'9' | b'_'))
}

// ---- account type -----------------------------------------------------------------------

/// `account_type`: what `account_id` holds.
///
/// The page lists `ALIPAY_USERID` and `CERT`. [`AccountType::Other`] passes a value the page
/// does not list yet; it must look like an enumeration constant (`[A-Z][A-Z0-9_]*`, at most
/// 32 characters), or building the request fails with [`FieldRule::UnknownEnumValue`] (or
/// [`FieldRule::TooLong`]; a blank one, [`FieldRule::BadFormat`] non-blank).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AccountType {
    /// `ALIPAY_USERID`: an Alipay user id (`2088...`).
    AlipayUserId,
    /// `CERT`: an identity document number.
    Cert,
    /// A value the page does not list yet, sent verbatim.
    Other(String),
}

impl AccountType {
    /// The wire value.
    pub fn as_str(&self) -> &str {
        match self {
            AccountType::AlipayUserId => "ALIPAY_USERID",
            AccountType::Cert => "CERT",
            AccountType::Other(value) => value,
        }
    }

    /// Maps a wire value to a known variant, or to [`AccountType::Other`] (checked when the
    /// request is built).
    pub fn from_wire(value: &str) -> Self {
        match value {
            "ALIPAY_USERID" => AccountType::AlipayUserId,
            "CERT" => AccountType::Cert,
            other => AccountType::Other(other.into()),
        }
    }

    fn check(&self) -> Result<()> {
        if let AccountType::Other(value) = self {
            if is_blank(value) {
                return Err(Error::Field { field: field::ACCOUNT_TYPE, rule: NOT_BLANK });
            }
            check_max(field::ACCOUNT_TYPE, value, limit::ACCOUNT_TYPE)?;
            if !is_enum_token(value) {
                return Err(Error::Field {
                    field: field::ACCOUNT_TYPE,
                    rule: FieldRule::UnknownEnumValue { value: value.clone() },
                });
            }
        }
        Ok(())
    }
}

impl fmt::Display for AccountType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for AccountType {
    fn serialize<S: Serializer>(&self, serializer: S) -> core::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

// ---- products ---------------------------------------------------------------------------

/// A verification product's `name`.
///
/// The page shows `NATIVE_PAYMENT_PASSWORD` and `FACE`; the set Alipay enables depends on
/// the contract, so [`ProductName::Other`] sends any other name. It must look like an
/// enumeration constant (`[A-Z][A-Z0-9_]*`), or building the request fails with
/// [`FieldRule::UnknownEnumValue`] on `validate_product_group`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ProductName {
    /// `NATIVE_PAYMENT_PASSWORD`: the Alipay payment password.
    NativePaymentPassword,
    /// `FACE`: face recognition.
    Face,
    /// Any other product name, sent verbatim.
    Other(String),
}

impl ProductName {
    /// The wire value.
    pub fn as_str(&self) -> &str {
        match self {
            ProductName::NativePaymentPassword => "NATIVE_PAYMENT_PASSWORD",
            ProductName::Face => "FACE",
            ProductName::Other(value) => value,
        }
    }

    /// Maps a wire value to a known variant, or to [`ProductName::Other`].
    pub fn from_wire(value: &str) -> Self {
        match value {
            "NATIVE_PAYMENT_PASSWORD" => ProductName::NativePaymentPassword,
            "FACE" => ProductName::Face,
            other => ProductName::Other(other.into()),
        }
    }
}

impl fmt::Display for ProductName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ProductName {
    fn serialize<S: Serializer>(&self, serializer: S) -> core::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// One verification product: `{"id":1,"name":"NATIVE_PAYMENT_PASSWORD","uuid":"..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Product {
    /// `id`: the product's position or identifier, as the page's example numbers it.
    pub id: u32,
    /// `name`: which product.
    pub name: ProductName,
    /// `uuid`: an optional caller-chosen identifier (non-blank when set).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uuid: Option<String>,
}

impl Product {
    /// A product without `uuid`.
    pub fn new(id: u32, name: ProductName) -> Self {
        Product { id, name, uuid: None }
    }

    /// Sets `uuid`.
    pub fn with_uuid(mut self, uuid: impl Into<String>) -> Self {
        self.uuid = Some(uuid.into());
        self
    }

    fn check(&self) -> Result<()> {
        if let ProductName::Other(name) = &self.name {
            if !is_enum_token(name) {
                return Err(Error::Field {
                    field: field::VALIDATE_PRODUCT_GROUP,
                    rule: FieldRule::UnknownEnumValue { value: name.clone() },
                });
            }
        }
        match &self.uuid {
            Some(uuid) if is_blank(uuid) => {
                Err(Error::Field { field: field::VALIDATE_PRODUCT_GROUP, rule: NOT_BLANK })
            }
            _ => Ok(()),
        }
    }
}

/// `validate_product_group`: one product (sent as a JSON object, as in the page's example)
/// or several (sent as a JSON array).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(untagged)]
pub enum ProductGroup {
    /// One product: `{...}`.
    One(Product),
    /// Several products: `[{...},{...}]`. Must not be empty.
    List(Vec<Product>),
}

impl ProductGroup {
    fn products(&self) -> &[Product] {
        match self {
            ProductGroup::One(product) => core::slice::from_ref(product),
            ProductGroup::List(products) => products,
        }
    }
}

impl From<Product> for ProductGroup {
    fn from(product: Product) -> Self {
        ProductGroup::One(product)
    }
}

impl From<Vec<Product>> for ProductGroup {
    fn from(products: Vec<Product>) -> Self {
        ProductGroup::List(products)
    }
}

// ---- JSON-in-a-string fields ------------------------------------------------------------

/// The shape `validate_product_group` must have, for [`FieldRule::BadFormat`].
const PRODUCTS: &str = "a product object (id: digits, name) or a list of them";

/// The rule a product group breaks, if any: it is empty, or a product fails its check.
fn check_products(products: &[Product]) -> core::result::Result<(), FieldRule> {
    if products.is_empty() {
        return Err(FieldRule::Missing);
    }
    match products.iter().try_for_each(Product::check) {
        Err(Error::Field { rule, .. }) => Err(rule),
        Err(_) => Err(FieldRule::BadFormat { expected: "a valid product" }),
        Ok(()) => Ok(()),
    }
}

/// Serializes a typed value into the JSON text of a JSON-in-a-string field.
fn typed_json<T: Serialize + ?Sized>(value: &T) -> core::result::Result<String, FieldRule> {
    serde_json::to_string(value).map_err(|e| FieldRule::BadJson { detail: alloc::format!("{e}") })
}

/// Checks caller-supplied JSON text: not blank (else `blank`), well-formed (else
/// [`FieldRule::BadJson`]) and starting with one of `openers` (else
/// [`FieldRule::BadFormat`]).
fn raw_json(
    text: String,
    openers: &[u8],
    expected: &'static str,
    blank: FieldRule,
) -> core::result::Result<String, FieldRule> {
    if is_blank(&text) {
        return Err(blank);
    }
    if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(&text) {
        return Err(FieldRule::BadJson { detail: alloc::format!("{e}") });
    }
    match text.bytes().find(|b| !b.is_ascii_whitespace()) {
        Some(first) if openers.contains(&first) => Ok(text),
        _ => Err(FieldRule::BadFormat { expected }),
    }
}

/// The JSON text of a JSON-in-a-string field, or the rule it already broke when it was set.
type JsonText = core::result::Result<String, FieldRule>;

// ---- the request ------------------------------------------------------------------------

/// The biz content of `alipay.security.risk.verifyidentity.apply`, valid by construction.
///
/// Build it with [`VerifyIdentityApplyRequest::builder`]. It serializes with the page's wire
/// names, in the page's order, leaving unset optional fields out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyIdentityApplyRequest {
    biz_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    account_name: Option<String>,
    account_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    account_type: Option<AccountType>,
    validate_product_group: String,
    scene_code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    biz_params: Option<String>,
}

impl VerifyIdentityApplyRequest {
    /// Starts an empty builder.
    pub fn builder() -> VerifyIdentityApplyRequestBuilder {
        VerifyIdentityApplyRequestBuilder::default()
    }

    /// `biz_id`: the caller's unique business id.
    pub fn biz_id(&self) -> &str {
        &self.biz_id
    }

    /// `account_name`: the user's name.
    pub fn account_name(&self) -> Option<&str> {
        self.account_name.as_deref()
    }

    /// `account_id`: the user's account.
    pub fn account_id(&self) -> &str {
        &self.account_id
    }

    /// `account_type`.
    pub fn account_type(&self) -> Option<&AccountType> {
        self.account_type.as_ref()
    }

    /// `validate_product_group`, as the JSON text that is sent.
    pub fn validate_product_group(&self) -> &str {
        &self.validate_product_group
    }

    /// `scene_code`: the verification scene code Alipay assigned.
    pub fn scene_code(&self) -> &str {
        &self.scene_code
    }

    /// `biz_params`, as the JSON text that is sent.
    pub fn biz_params(&self) -> Option<&str> {
        self.biz_params.as_deref()
    }

    /// The biz content's JSON text: byte for byte what its `Serialize` implementation gives
    /// with `serde_json`, written directly, in about 60 % of the instructions (every
    /// field is a string).
    pub fn to_json(&self) -> String {
        // Taken apart whole, so that a field added to the struct cannot be left out here.
        let VerifyIdentityApplyRequest {
            biz_id,
            account_name,
            account_id,
            account_type,
            validate_product_group,
            scene_code,
            biz_params,
        } = self;
        crate::api::json::object(&[
            (field::BIZ_ID, Some(biz_id)),
            (field::ACCOUNT_NAME, account_name.as_deref()),
            (field::ACCOUNT_ID, Some(account_id)),
            (field::ACCOUNT_TYPE, account_type.as_ref().map(AccountType::as_str)),
            (field::VALIDATE_PRODUCT_GROUP, Some(validate_product_group)),
            (field::SCENE_CODE, Some(scene_code)),
            (field::BIZ_PARAMS, biz_params.as_deref()),
        ])
    }
}

/// Builds a [`VerifyIdentityApplyRequest`]; every rule is checked by
/// [`build`](Self::build).
#[derive(Debug, Clone, Default)]
pub struct VerifyIdentityApplyRequestBuilder {
    biz_id: Option<String>,
    account_name: Option<String>,
    account_id: Option<String>,
    account_type: Option<AccountType>,
    validate_product_group: Option<JsonText>,
    scene_code: Option<String>,
    biz_params: Option<JsonText>,
}

impl VerifyIdentityApplyRequestBuilder {
    /// `biz_id` (required, ≤ 128).
    pub fn biz_id(mut self, biz_id: impl Into<String>) -> Self {
        self.biz_id = Some(biz_id.into());
        self
    }

    /// `account_name` (optional, ≤ 128).
    pub fn account_name(mut self, name: impl Into<String>) -> Self {
        self.account_name = Some(name.into());
        self
    }

    /// `account_id` (required, ≤ 128).
    pub fn account_id(mut self, account_id: impl Into<String>) -> Self {
        self.account_id = Some(account_id.into());
        self
    }

    /// `account_type` (optional, ≤ 32).
    pub fn account_type(mut self, account_type: AccountType) -> Self {
        self.account_type = Some(account_type);
        self
    }

    /// `validate_product_group` (required) from one [`Product`] or a list of them.
    pub fn validate_product_group(mut self, group: impl Into<ProductGroup>) -> Self {
        let group = group.into();
        let checked = check_products(group.products()).and_then(|()| typed_json(&group));
        self.validate_product_group = Some(checked);
        self
    }

    /// `validate_product_group` (required) as JSON text, sent verbatim. It must be well-formed
    /// JSON (else [`FieldRule::BadJson`]) holding one product object or a non-empty list of
    /// them, each with an `id` (a non-negative integer, or a string of its digits, as the
    /// response side also reads it) and a `name`, and with the rules of the typed
    /// [`Product`] (else [`FieldRule::BadFormat`] or [`FieldRule::UnknownEnumValue`]); other
    /// members are sent along unchecked. `[]` and `{}` are [`FieldRule::Missing`], as an
    /// empty product list is: the gateway answers `USABLE_QUERY_FAIL`,
    /// "validate_product_group is empty".
    pub fn validate_product_group_json(mut self, json: impl Into<String>) -> Self {
        let checked = raw_json(json.into(), b"{[", PRODUCTS, FieldRule::Missing).and_then(|text| {
            if is_empty_container(&text) {
                return Err(FieldRule::Missing);
            }
            let products = response::parse_products(&text)
                .map_err(|_| FieldRule::BadFormat { expected: PRODUCTS })?;
            check_products(&products).map(|()| text)
        });
        self.validate_product_group = Some(checked);
        self
    }

    /// `scene_code` (required, ≤ 128).
    pub fn scene_code(mut self, scene_code: impl Into<String>) -> Self {
        self.scene_code = Some(scene_code.into());
        self
    }

    /// `biz_params` (optional) from any value that serializes to a JSON object: a
    /// `serde_json::Map`, a `Value::Object`, a struct, a map with string keys.
    ///
    /// Member order is the serializer's: a struct keeps its field order, while a
    /// `serde_json::Map` sorts its keys unless serde_json's `preserve_order` feature is on.
    /// The gateway does not care; use [`biz_params_json`](Self::biz_params_json) for
    /// byte-exact text.
    pub fn biz_params<T: Serialize + ?Sized>(mut self, params: &T) -> Self {
        let checked = typed_json(params).and_then(|text| {
            if text.starts_with('{') {
                Ok(text)
            } else {
                Err(FieldRule::BadFormat { expected: "a JSON object" })
            }
        });
        self.biz_params = Some(checked);
        self
    }

    /// `biz_params` (optional) as JSON text, sent verbatim: it must be a well-formed JSON
    /// object.
    pub fn biz_params_json(mut self, json: impl Into<String>) -> Self {
        self.biz_params = Some(raw_json(json.into(), b"{", "a JSON object", NOT_BLANK));
        self
    }

    /// Checks every rule of the page, in the page's field order, and builds the request.
    ///
    /// # Errors
    /// [`Error::Field`] naming the first failing field and its rule:
    /// [`FieldRule::Missing`] for a required field unset, empty or only whitespace (or an
    /// empty product list); [`FieldRule::TooLong`] over its limit ([`limit`]);
    /// [`FieldRule::BadFormat`] for an optional field set blank, or JSON text of the wrong
    /// shape; [`FieldRule::UnknownEnumValue`] for an [`AccountType::Other`] or
    /// [`ProductName::Other`] that is not an enumeration constant; [`FieldRule::BadJson`]
    /// for JSON text that does not parse (or a value that does not serialize).
    pub fn build(self) -> Result<VerifyIdentityApplyRequest> {
        let biz_id = required(field::BIZ_ID, self.biz_id, limit::BIZ_ID)?;
        if let Some(name) = &self.account_name {
            check_optional(field::ACCOUNT_NAME, name, Some(limit::ACCOUNT_NAME))?;
        }
        let account_id = required(field::ACCOUNT_ID, self.account_id, limit::ACCOUNT_ID)?;
        if let Some(account_type) = &self.account_type {
            account_type.check()?;
        }
        let validate_product_group = match self.validate_product_group {
            None => {
                return Err(Error::Field {
                    field: field::VALIDATE_PRODUCT_GROUP,
                    rule: FieldRule::Missing,
                })
            }
            Some(checked) => {
                json_field(field::VALIDATE_PRODUCT_GROUP, checked, limit::VALIDATE_PRODUCT_GROUP)?
            }
        };
        let scene_code = required(field::SCENE_CODE, self.scene_code, limit::SCENE_CODE)?;
        let biz_params = match self.biz_params {
            None => None,
            Some(checked) => Some(json_field(field::BIZ_PARAMS, checked, limit::BIZ_PARAMS)?),
        };
        Ok(VerifyIdentityApplyRequest {
            biz_id,
            account_name: self.account_name,
            account_id,
            account_type: self.account_type,
            validate_product_group,
            scene_code,
            biz_params,
        })
    }
}

fn required(field: &'static str, value: Option<String>, max: usize) -> Result<String> {
    let value = value.unwrap_or_default();
    check_required(field, &value, max)?;
    Ok(value)
}

fn json_field(field: &'static str, checked: JsonText, max: usize) -> Result<String> {
    // Never blank: serde_json writes at least one token, and `raw_json` rejects blank text.
    let text = checked.map_err(|rule| Error::Field { field, rule })?;
    check_max(field, &text, max)?;
    Ok(text)
}

/// Whether well-formed JSON `text` is an empty array or object.
fn is_empty_container(text: &str) -> bool {
    let text = text.trim_matches(|c: char| c.is_ascii_whitespace());
    match text.as_bytes() {
        [b'[', inner @ .., b']'] | [b'{', inner @ .., b'}'] => {
            inner.iter().all(u8::is_ascii_whitespace)
        }
        _ => false,
    }
}
