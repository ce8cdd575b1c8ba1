#![doc = include_str!("../README.md")]
#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs, missing_debug_implementations)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

#[cfg(feature = "aes")]
pub mod aes;
pub mod api;
#[cfg(feature = "cert")]
pub mod cert;
pub mod error;
pub mod form;
#[cfg(feature = "gateway")]
pub mod gateway;
pub mod keys;
#[cfg(feature = "aws-lc")]
pub mod native;
pub mod notify;
pub mod request;
pub mod response;
pub mod sign_content;
pub mod signing;
mod swar;
pub mod timestamp;

#[cfg(feature = "aes")]
pub use aes::AesKey;
#[cfg(feature = "cert")]
pub use cert::{AlipayCert, AlipayCertKeys, CertSn};
pub use error::{AesError, CertError, Error, FieldRule, KeyError, KeyRule, Result, TimestampError};
pub use keys::{AlipayPublicKey, AppPrivateKey, KeyFormat};
pub use notify::{NotifyMode, NotifyOptions, UntrustedNotification, VerifiedNotification};
pub use request::{
    AppConfig, AppConfigBuilder, EncodedRequest, CONTENT_TYPE, GATEWAY, SANDBOX_GATEWAY,
};
pub use response::{Reply, ResponseOptions, Status, UntrustedResponse, VerifiedResponse};
pub use sign_content::SignContent;
pub use signing::{check_alipay_key, Message, SignType, Signature, Signer, Verifier};
pub use timestamp::Timestamp;
