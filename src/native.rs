//! A native-speed RSA backend on `aws-lc-rs` (feature `aws-lc`; needs `std` and a C
//! compiler). It implements the same [`Signer`] and [`Verifier`] traits as the default
//! pure-Rust backend, and its signatures are byte-identical (PKCS#1 v1.5 is deterministic).
//!
//! The sign content is still streamed into the hash (an aws-lc digest context) and only the
//! digest crosses into the native code, so nothing is materialised per request.
//!
//! `aws-lc-rs` offers no SHA-1 *signing* encoding, so [`NativeSigner`] signs `RSA2` only and
//! answers [`Error::Unsupported`] for legacy `RSA`: legacy apps keep the default backend
//! ([`AppPrivateKey::blinded`]). It also loads no private key under 2048 bits, so a legacy
//! 1024-bit app key is [`Error::Unsupported`] here too. Verification supports both sign
//! types and both key sizes.
//!
//! `aws-lc` performs its private-key operations with its own constant-time code and blinding,
//! so the RUSTSEC-2023-0071 caveat of the pure-Rust backend does not apply to this signer.

use core::fmt;

use aws_lc_rs::digest;
use aws_lc_rs::rsa::KeyPair;
use aws_lc_rs::signature::{self as lc, ParsedPublicKey, RsaParameters};
use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey};
use sha2::digest::Update;

use crate::error::{Error, KeyError, Result};
use crate::keys::{AlipayPublicKey, AppPrivateKey};
use crate::signing::{Message, SignType, Signature, Signer, Verifier, MAX_SIGNATURE_BYTES};

/// Streams a [`Message`] into an aws-lc digest context.
struct Context(digest::Context);

impl Update for Context {
    fn update(&mut self, data: &[u8]) {
        self.0.update(data);
    }
}

fn digest_of(algorithm: &'static digest::Algorithm, message: &Message<'_>) -> digest::Digest {
    let mut ctx = Context(digest::Context::new(algorithm));
    message.update_digest(&mut ctx);
    ctx.0.finish()
}

/// An `RSA2` signer on aws-lc. Build it once from a parsed key and reuse it.
pub struct NativeSigner {
    pair: KeyPair,
}

impl NativeSigner {
    /// Loads the app's private key into aws-lc.
    ///
    /// # Errors
    /// [`Error::Unsupported`] for a (legacy, 1024-bit) key under 2048 bits, which aws-lc does
    /// not load; [`KeyError::Invalid`] if aws-lc rejects the key otherwise.
    pub fn new(key: &AppPrivateKey) -> Result<Self> {
        if key.bits() < 2048 {
            return Err(Error::Unsupported { what: "keys under 2048 bits on the aws-lc backend" });
        }
        let der = key.key.to_pkcs8_der().map_err(|_| KeyError::Invalid)?;
        let pair = KeyPair::from_pkcs8(der.as_bytes()).map_err(|_| KeyError::Invalid)?;
        Ok(NativeSigner { pair })
    }
}

impl fmt::Debug for NativeSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NativeSigner")
            .field("bits", &(self.pair.public_modulus_len() * 8))
            .finish_non_exhaustive()
    }
}

impl Signer for NativeSigner {
    fn sign(&self, sign_type: SignType, message: Message<'_>) -> Result<Signature> {
        if sign_type != SignType::Rsa2 {
            return Err(Error::Unsupported { what: "RSA (SHA-1) signing on the aws-lc backend" });
        }
        let digest = digest_of(&digest::SHA256, &message);
        let mut buf = [0u8; MAX_SIGNATURE_BYTES];
        let out = buf.get_mut(..self.pair.public_modulus_len()).ok_or(Error::Signing)?;
        self.pair.sign_digest(&lc::RSA_PKCS1_SHA256, &digest, out).map_err(|_| Error::Signing)?;
        Signature::from_bytes(out)
    }
}

/// A verifier on aws-lc, for `RSA2` and `RSA`. Build it once and reuse it.
pub struct NativeVerifier {
    sha256: ParsedPublicKey,
    sha1: ParsedPublicKey,
    size: usize,
}

impl NativeVerifier {
    /// Loads Alipay's public key into aws-lc.
    ///
    /// # Errors
    /// [`KeyError::Invalid`] if aws-lc rejects the key.
    pub fn new(key: &AlipayPublicKey) -> Result<Self> {
        let der = key.key.to_public_key_der().map_err(|_| KeyError::Invalid)?;
        let (sha256, sha1): (&'static RsaParameters, &'static RsaParameters) = if key.bits() < 2048
        {
            (
                &lc::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY,
                &lc::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY,
            )
        } else {
            (&lc::RSA_PKCS1_2048_8192_SHA256, &lc::RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY)
        };
        let parse = |params: &'static RsaParameters| {
            ParsedPublicKey::new(params, der.as_bytes()).map_err(|_| Error::Key(KeyError::Invalid))
        };
        Ok(NativeVerifier { sha256: parse(sha256)?, sha1: parse(sha1)?, size: key.size() })
    }
}

impl fmt::Debug for NativeVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NativeVerifier").field("bits", &(self.size * 8)).finish_non_exhaustive()
    }
}

impl Verifier for NativeVerifier {
    fn verify(
        &self,
        sign_type: SignType,
        message: Message<'_>,
        signature: &Signature,
    ) -> Result<()> {
        let mut buf = [0u8; MAX_SIGNATURE_BYTES];
        let raw = signature.decode_exact(&mut buf, self.size)?;
        let (key, algorithm) = match sign_type {
            SignType::Rsa2 => (&self.sha256, &digest::SHA256),
            SignType::Rsa => (&self.sha1, &digest::SHA1_FOR_LEGACY_USE_ONLY),
        };
        let digest = digest_of(algorithm, &message);
        key.verify_digest_sig(&digest, raw).map_err(|_| Error::InvalidSignature)
    }
}
