//! One small module per gateway method.
//!
//! A method is a type implementing [`Method`]: its wire name, its biz-content type and its
//! response type. The envelope code is generic over it, so adding a gateway method is one
//! small file, in this crate or in yours.

use alloc::string::String;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::{Error, FieldRule, Result};
use crate::request::param;

pub mod alipaycert_download;
mod json;
pub mod verifyidentity;

/// A gateway method: what it is called, what it takes, what it answers.
///
/// ```
/// use alipay_codec::api::Method;
/// use serde::{Deserialize, Serialize};
///
/// /// `alipay.trade.query`, written by a user of the crate.
/// struct TradeQuery;
///
/// #[derive(Serialize)]
/// struct TradeQueryBiz { out_trade_no: String }
///
/// #[derive(Deserialize)]
/// struct TradeQueryReply { trade_status: Option<String> }
///
/// impl Method for TradeQuery {
///     const NAME: &'static str = "alipay.trade.query";
///     type BizContent = TradeQueryBiz;
///     type Response = TradeQueryReply;
/// }
/// ```
pub trait Method {
    /// The wire name, e.g. `"alipay.security.risk.verifyidentity.apply"`.
    const NAME: &'static str;
    /// The biz content, serialized into the `biz_content` parameter. Construct it validated.
    type BizContent: Serialize;
    /// The method-specific response fields, decoded from the verified node span.
    type Response: DeserializeOwned;

    /// The JSON text of a biz content, as the `biz_content` parameter carries it.
    ///
    /// The default serializes it with `serde_json`. A method may write the same bytes
    /// faster itself ([`verifyidentity::VerifyIdentityApply`] does, and its tests compare
    /// the two); a method that overrides this must write exactly what its `Serialize`
    /// implementation would, so that the sent text does not depend on the path.
    ///
    /// # Errors
    /// [`Error::Field`] on `biz_content` with [`FieldRule::BadJson`] when serialization
    /// fails (e.g. a map with non-string keys).
    fn biz_content_json(biz_content: &Self::BizContent) -> Result<String> {
        serde_json::to_string(biz_content).map_err(|e| Error::Field {
            field: param::BIZ_CONTENT,
            rule: FieldRule::BadJson { detail: alloc::format!("{e}") },
        })
    }
}
