//! `alipay.open.app.alipaycert.download` (应用支付宝公钥证书下载): downloads the Alipay
//! public-key certificate an `alipay_cert_sn` names, for certificate mode (PROTOCOL §6).
//!
//! When Alipay rotates its certificate, responses start naming an `alipay_cert_sn` the
//! caller's `AlipayCertKeys` (feature `cert`) does not hold ([`Error::UnknownCertSn`]). The
//! caller then:
//! 1. requests this method for that SN ([`AlipayCertDownloadRequest::new`]);
//! 2. verifies the answer with a key it already trusts, and decodes it
//!    ([`VerifiedResponse::reply`](crate::response::VerifiedResponse::reply));
//! 3. checks the downloaded chain against the Alipay root bundle at the current time and adds
//!    the certificate to the key set (`AlipayCertDownloadResponse::check_and_insert`,
//!    feature `cert`);
//! 4. verifies the original response again.
//!
//! Step 2 needs the answer signed by a certificate the set already holds. Should Alipay sign
//! it with the new certificate instead, step 2 fails with [`Error::UnknownCertSn`] again,
//! and the crate offers no way around that on purpose. The Java SDK skips this answer's
//! signature and trusts the chain check of step 3 alone, but that check proves only that the
//! certificate chains to the Alipay root bundle, and app certificates chain to the same
//! bundle: an attacker on the transport could deliver a certificate whose key they hold. In
//! that case, take the new certificate from the open platform console by hand and add it
//! with `AlipayCertKeys::insert_pem`.
//!
//! `alipay_cert_content` is the standard base64 of a PEM chain (the certificate first).
//!
//! ```
//! use alipay_codec::api::alipaycert_download::{AlipayCertDownload, AlipayCertDownloadRequest};
//! use alipay_codec::api::Method;
//!
//! let request = AlipayCertDownloadRequest::new("eea14da8a9ffa66c7dea8829d29a8378")?;
//! assert_eq!(AlipayCertDownload::NAME, "alipay.open.app.alipaycert.download");
//! assert_eq!(serde_json::to_string(&request).unwrap(), r#"{"alipay_cert_sn":"eea14da8a9ffa66c7dea8829d29a8378"}"#);
//! # Ok::<(), alipay_codec::Error>(())
//! ```

use alloc::string::String;

use serde::{Deserialize, Serialize};

use crate::api::Method;
use crate::error::{Error, FieldRule, Result};
use crate::sign_content::is_blank;

/// The method: `alipay.open.app.alipaycert.download`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AlipayCertDownload;

impl Method for AlipayCertDownload {
    const NAME: &'static str = "alipay.open.app.alipaycert.download";
    type BizContent = AlipayCertDownloadRequest;
    type Response = AlipayCertDownloadResponse;
}

/// Wire names of the fields.
pub mod field {
    /// `alipay_cert_sn` (request): the SN of the certificate to download.
    pub const ALIPAY_CERT_SN: &str = "alipay_cert_sn";
    /// `alipay_cert_content` (response): base64 of the PEM certificate chain.
    pub const ALIPAY_CERT_CONTENT: &str = "alipay_cert_content";
}

/// The biz content: `{"alipay_cert_sn":"..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AlipayCertDownloadRequest {
    alipay_cert_sn: String,
}

impl AlipayCertDownloadRequest {
    /// A request for the certificate `alipay_cert_sn` names: the SN a response carried
    /// (e.g. from [`Error::UnknownCertSn`]).
    ///
    /// # Errors
    /// [`Error::Field`] on `alipay_cert_sn` with [`FieldRule::Missing`] when it is empty or
    /// only whitespace.
    pub fn new(alipay_cert_sn: impl Into<String>) -> Result<Self> {
        let alipay_cert_sn = alipay_cert_sn.into();
        if is_blank(&alipay_cert_sn) {
            return Err(Error::Field { field: field::ALIPAY_CERT_SN, rule: FieldRule::Missing });
        }
        Ok(AlipayCertDownloadRequest { alipay_cert_sn })
    }

    /// The SN asked for.
    pub fn alipay_cert_sn(&self) -> &str {
        &self.alipay_cert_sn
    }
}

/// The method-specific fields of the response.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct AlipayCertDownloadResponse {
    /// The standard base64 of the PEM certificate chain, verbatim.
    pub alipay_cert_content: String,
}

#[cfg(feature = "cert")]
impl AlipayCertDownloadResponse {
    /// The PEM chain: `alipay_cert_content` base64-decoded.
    ///
    /// # Errors
    /// [`crate::CertError::ContentNotBase64`] when the content is not strict standard base64
    /// of UTF-8 text.
    pub fn pem(&self) -> Result<String> {
        crate::cert::decode_cert_content(&self.alipay_cert_content)
    }

    /// Decodes the chain and checks it against the Alipay root bundle at `unix_time`
    /// (seconds since the Unix epoch, from the caller's clock) with
    /// [`check_alipay_cert_chain`](crate::cert::check_alipay_cert_chain); returns its first
    /// certificate.
    ///
    /// Use it only on a response whose signature verified: the chain check proves that the
    /// Alipay CA issued the certificate, not that it is Alipay's own.
    ///
    /// # Errors
    /// As [`pem`](Self::pem) and [`check_alipay_cert_chain`](crate::cert::check_alipay_cert_chain).
    pub fn check(&self, root_bundle_pem: &str, unix_time: u64) -> Result<crate::cert::AlipayCert> {
        crate::cert::check_alipay_cert_chain(&self.pem()?, root_bundle_pem, unix_time)
    }

    /// [`check`](Self::check), then adds the certificate to `keys`; returns its SN (the
    /// `alipay_cert_sn` of the responses it signs). `keys` is left unchanged on error.
    ///
    /// # Errors
    /// As [`check`](Self::check).
    pub fn check_and_insert(
        &self,
        root_bundle_pem: &str,
        unix_time: u64,
        keys: &mut crate::cert::AlipayCertKeys,
    ) -> Result<crate::cert::CertSn> {
        let cert = self.check(root_bundle_pem, unix_time)?;
        keys.insert(cert.clone());
        Ok(cert.into_parts().0)
    }
}
