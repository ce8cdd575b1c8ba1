#![doc = include_str!("../README.md")]
#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs, missing_debug_implementations)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod api;
pub mod error;
pub mod form;
pub mod keys;
pub mod response;
pub mod sign_content;
pub mod signing;

pub use error::{Error, FieldRule, KeyError, KeyRule, Result, TimestampError};
pub use keys::{AlipayPublicKey, AppPrivateKey, KeyFormat};
pub use sign_content::SignContent;
pub use signing::{check_alipay_key, Message, SignType, Signature, Signer, Verifier};
