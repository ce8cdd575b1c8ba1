//! Key parsing (PROTOCOL §5): the app's RSA private key and Alipay's RSA public key.
//!
//! Both accept PEM or the bare one-line base64 that the Alipay console hands out, detect the
//! DER structure, and tolerate any ASCII whitespace (line breaks, a PEM body on one line,
//! stray spaces). Parse once at start-up and reuse the value for every request.
//!
//! | input | accepted structures |
//! |---|---|
//! | [`AppPrivateKey::parse`] | PKCS#8 `PRIVATE KEY`, PKCS#1 `RSA PRIVATE KEY` |
//! | [`AlipayPublicKey::parse`] | SubjectPublicKeyInfo `PUBLIC KEY`, PKCS#1 `RSA PUBLIC KEY` |
//!
//! Only the RSA sizes Alipay uses are accepted: 2048 bits (RSA2, and RSA today) and
//! 1024 bits (legacy RSA apps).

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use base64ct::{Base64, Encoding};
use rsa::pkcs1::{DecodeRsaPrivateKey, DecodeRsaPublicKey};
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey};
use rsa::traits::PublicKeyParts;
use rsa::{PrivateKey, PublicKey};
use zeroize::Zeroizing;

use crate::error::{KeyError, Result};

/// The `rsaEncryption` algorithm OID.
const RSA_ENCRYPTION: rsa::pkcs8::ObjectIdentifier =
    rsa::pkcs8::ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");

/// RSA modulus sizes, in bits, that Alipay issues or accepts.
pub const SUPPORTED_KEY_BITS: [usize; 2] = [1024, 2048];

/// The app's RSA private key, parsed once and reused.
///
/// `Debug` prints only the modulus size; private material never appears.
#[derive(Clone)]
pub struct AppPrivateKey {
    pub(crate) key: PrivateKey,
}

/// Alipay's RSA public key (or, in general, a peer's public key), parsed once and reused.
#[derive(Clone, PartialEq, Eq)]
pub struct AlipayPublicKey {
    pub(crate) key: PublicKey,
}

/// Which DER structure a key text held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyFormat {
    /// PKCS#8 `PrivateKeyInfo`.
    Pkcs8,
    /// PKCS#1 `RSAPrivateKey` or `RSAPublicKey`.
    Pkcs1,
    /// X.509 `SubjectPublicKeyInfo`.
    Spki,
}

impl AppPrivateKey {
    /// Parses an RSA private key: PKCS#8 or PKCS#1, PEM or bare base64, whitespace tolerated.
    ///
    /// # Errors
    /// [`KeyError::NotBase64`], [`KeyError::Pem`] (e.g. a public-key or encrypted label),
    /// [`KeyError::NotAKey`] naming the structures tried, [`KeyError::WrongAlgorithm`] for a
    /// PKCS#8 key of another algorithm, [`KeyError::UnsupportedSize`], [`KeyError::Invalid`].
    pub fn parse(text: &str) -> Result<Self> {
        Self::parse_with_format(text).map(|(key, _)| key)
    }

    /// Like [`parse`](Self::parse), and also says which structure the text held.
    ///
    /// # Errors
    /// As [`parse`](Self::parse).
    pub fn parse_with_format(text: &str) -> Result<(Self, KeyFormat)> {
        let (label, der) = decode_text(text)?;
        let (key, format) = match label.as_deref() {
            Some("PRIVATE KEY") => (private_pkcs8(&der)?, KeyFormat::Pkcs8),
            Some("RSA PRIVATE KEY") => (private_pkcs1(&der)?, KeyFormat::Pkcs1),
            Some(other) => return Err(KeyError::Pem { label: other.to_string() }.into()),
            None => match private_pkcs8(&der) {
                Ok(key) => (key, KeyFormat::Pkcs8),
                Err(KeyError::NotAKey { .. }) => (
                    private_pkcs1(&der).map_err(|_| KeyError::NotAKey {
                        tried: "PKCS#8 PrivateKeyInfo, PKCS#1 RSAPrivateKey",
                    })?,
                    KeyFormat::Pkcs1,
                ),
                Err(e) => return Err(e.into()),
            },
        };
        check_size(modulus_bits(&key))?;
        Ok((AppPrivateKey { key }, format))
    }

    /// Parses PKCS#8 or PKCS#1 DER bytes.
    ///
    /// # Errors
    /// As [`parse`](Self::parse), except the base64 and PEM errors.
    pub fn from_der(der: &[u8]) -> Result<Self> {
        let key = match private_pkcs8(der) {
            Ok(key) => key,
            Err(KeyError::NotAKey { .. }) => private_pkcs1(der).map_err(|_| KeyError::NotAKey {
                tried: "PKCS#8 PrivateKeyInfo, PKCS#1 RSAPrivateKey",
            })?,
            Err(e) => return Err(e.into()),
        };
        check_size(modulus_bits(&key))?;
        Ok(AppPrivateKey { key })
    }

    /// The matching public key (what the app uploads to the Alipay console).
    pub fn public_key(&self) -> AlipayPublicKey {
        AlipayPublicKey { key: self.key.to_public_key() }
    }

    /// The modulus size in bits.
    pub fn bits(&self) -> usize {
        modulus_bits(&self.key)
    }
}

impl fmt::Debug for AppPrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppPrivateKey").field("bits", &self.bits()).finish_non_exhaustive()
    }
}

impl AlipayPublicKey {
    /// Parses an RSA public key: SubjectPublicKeyInfo or PKCS#1, PEM or bare base64,
    /// whitespace tolerated.
    ///
    /// # Errors
    /// [`KeyError::NotBase64`], [`KeyError::Pem`] (e.g. a private-key label),
    /// [`KeyError::NotAKey`] naming the structures tried, [`KeyError::WrongAlgorithm`] for an
    /// SPKI key of another algorithm, [`KeyError::UnsupportedSize`].
    pub fn parse(text: &str) -> Result<Self> {
        let (label, der) = decode_text(text)?;
        match label.as_deref() {
            Some("PUBLIC KEY") => Self::from_spki_der(&der),
            Some("RSA PUBLIC KEY") => Self::from_pkcs1_der(&der),
            Some(other) => Err(KeyError::Pem { label: other.to_string() }.into()),
            None => Self::from_der(&der),
        }
    }

    /// Parses SubjectPublicKeyInfo or PKCS#1 `RSAPublicKey` DER bytes.
    ///
    /// # Errors
    /// As [`parse`](Self::parse), except the base64 and PEM errors.
    pub fn from_der(der: &[u8]) -> Result<Self> {
        match Self::from_spki_der(der) {
            Err(crate::Error::Key(KeyError::NotAKey { .. })) => match Self::from_pkcs1_der(der) {
                Err(crate::Error::Key(KeyError::NotAKey { .. })) => {
                    Err(KeyError::NotAKey { tried: "SubjectPublicKeyInfo, PKCS#1 RSAPublicKey" }
                        .into())
                }
                other => other,
            },
            other => other,
        }
    }

    fn from_spki_der(der: &[u8]) -> Result<Self> {
        let spki = rsa::pkcs8::spki::SubjectPublicKeyInfoRef::try_from(der)
            .map_err(|_| KeyError::NotAKey { tried: "SubjectPublicKeyInfo" })?;
        if spki.algorithm.oid != RSA_ENCRYPTION {
            return Err(KeyError::WrongAlgorithm { oid: spki.algorithm.oid.to_string() }.into());
        }
        let pkcs1 = spki.subject_public_key.raw_bytes();
        let key =
            PublicKey::from_public_key_der(der).map_err(|_| refused(pkcs1, KeyError::Invalid))?;
        Self::checked(key)
    }

    fn from_pkcs1_der(der: &[u8]) -> Result<Self> {
        let key = PublicKey::from_pkcs1_der(der)
            .map_err(|_| refused(der, KeyError::NotAKey { tried: "PKCS#1 RSAPublicKey" }))?;
        Self::checked(key)
    }

    fn checked(key: PublicKey) -> Result<Self> {
        check_size(modulus_bits(&key))?;
        Ok(AlipayPublicKey { key })
    }

    /// The modulus size in bits.
    pub fn bits(&self) -> usize {
        modulus_bits(&self.key)
    }

    /// The modulus size in bytes: the length every signature under this key has.
    pub fn size(&self) -> usize {
        self.key.size()
    }
}

impl fmt::Debug for AlipayPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AlipayPublicKey").field("bits", &self.bits()).finish_non_exhaustive()
    }
}

fn private_pkcs8(der: &[u8]) -> core::result::Result<PrivateKey, KeyError> {
    let info = rsa::pkcs8::PrivateKeyInfoRef::try_from(der)
        .map_err(|_| KeyError::NotAKey { tried: "PKCS#8 PrivateKeyInfo" })?;
    if info.algorithm.oid != RSA_ENCRYPTION {
        return Err(KeyError::WrongAlgorithm { oid: info.algorithm.oid.to_string() });
    }
    PrivateKey::from_pkcs8_der(der).map_err(|_| KeyError::Invalid)
}

fn private_pkcs1(der: &[u8]) -> core::result::Result<PrivateKey, KeyError> {
    PrivateKey::from_pkcs1_der(der).map_err(|_| KeyError::NotAKey { tried: "PKCS#1 RSAPrivateKey" })
}

/// The modulus size in bits: its exact bit length, so a 2047-bit key is not taken for a
/// 2048-bit one.
fn modulus_bits(key: &impl PublicKeyParts) -> usize {
    key.n().bit_width() as usize
}

/// The error for PKCS#1 `RSAPublicKey` DER that the `rsa` crate refused: a size Alipay does
/// not use, when the structure reads and its modulus is such a size (the `rsa` crate refuses
/// some sizes before [`check_size`] could name them), else `otherwise`.
fn refused(pkcs1: &[u8], otherwise: KeyError) -> KeyError {
    use rsa::pkcs1::der::{asn1::UintRef, Decode};
    let bits = rsa::pkcs1::RsaPublicKey::<UintRef<'_>>::from_der(pkcs1).ok().map(|key| {
        let n = key.modulus.as_bytes();
        n.first().map_or(0, |&top| 8 * n.len() - top.leading_zeros() as usize)
    });
    match bits.map(check_size) {
        Some(Err(unsupported)) => unsupported,
        _ => otherwise,
    }
}

fn check_size(bits: usize) -> core::result::Result<(), KeyError> {
    if SUPPORTED_KEY_BITS.contains(&bits) {
        Ok(())
    } else {
        Err(KeyError::UnsupportedSize { bits })
    }
}

/// Splits PEM armour (if any) from the base64 body and decodes the body strictly.
/// Returns the PEM label (`None` for bare base64) and the DER bytes. The copies of a private
/// key it makes (the compacted base64, the DER) are wiped when dropped.
fn decode_text(text: &str) -> core::result::Result<(Option<String>, Zeroizing<Vec<u8>>), KeyError> {
    let text = text.trim_matches(|c: char| c.is_ascii_whitespace());
    let (label, body) = match text.strip_prefix("-----BEGIN ") {
        None => (None, text),
        Some(rest) => {
            let broken = || KeyError::Pem { label: String::new() };
            let (label, rest) = rest.split_once("-----").ok_or_else(broken)?;
            let (body, end) = rest.split_once("-----END ").ok_or_else(broken)?;
            let end = end.trim_end_matches(|c: char| c.is_ascii_whitespace());
            if end.strip_suffix("-----") != Some(label) {
                return Err(broken());
            }
            (Some(label.to_string()), body)
        }
    };
    // Sized once, so that no partial copy is freed unwiped by a regrowth.
    let mut compact = Zeroizing::new(Vec::with_capacity(body.len()));
    compact.extend(body.bytes().filter(|b| !b.is_ascii_whitespace()));
    if compact.is_empty() {
        return Err(KeyError::NotBase64);
    }
    let der = Base64::decode_vec(core::str::from_utf8(&compact).map_err(|_| KeyError::NotBase64)?)
        .map_err(|_| KeyError::NotBase64)?;
    Ok((label, Zeroizing::new(der)))
}
