//! `alipay.security.risk.verifyidentity.apply` (to be filled).
