//! One small module per gateway method.
//!
//! A method is a type implementing [`Method`]: its wire name, its biz-content type and its
//! response type. The envelope code is generic over it, so adding a gateway method is one
//! small file, in this crate or in yours.

use serde::de::DeserializeOwned;
use serde::Serialize;

pub mod alipaycert_download;
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
}
