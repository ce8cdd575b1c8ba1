//! `alipay.security.risk.verifyidentity.apply`: the identity-verification availability query.
//!
//! Request side: owned by the request work (typed biz content enforcing the API page).

pub mod response;

pub use response::VerifyIdentityApplyResponse;
