//! The response of `alipay.security.risk.verifyidentity.apply` (placeholder until the response
//! work lands).

use serde::Deserialize;

/// The method-specific response fields (placeholder).
#[derive(Debug, Clone, Deserialize)]
pub struct VerifyIdentityApplyResponse {}
