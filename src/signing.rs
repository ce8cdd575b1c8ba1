//! Signing and verification: [`SignType`], base64 [`Signature`]s, the [`Signer`] /
//! [`Verifier`] traits, and their default implementations on the pure-Rust `rsa` crate.
//!
//! Every scheme is RSASSA-PKCS1-v1_5: `RSA2` hashes with SHA-256, `RSA` with SHA-1. What gets
//! signed is a [`Message`]: either a [`SignContent`] (streamed straight into the hash, never
//! built as a string) or a byte span (a response node).
//!
//! # Blinded or deterministic
//! The `rsa` backend offers two signers over one parsed [`AppPrivateKey`]:
//! - [`AppPrivateKey::blinded`] takes a caller-supplied `rand_core` RNG and blinds every
//!   private-key operation. **Use it wherever an RNG exists** (servers, WASM with
//!   `crypto.getRandomValues`, MCUs with a TRNG): it is the mitigation for the timing
//!   side channel of RUSTSEC-2023-0071 ("Marvin").
//! - [`AppPrivateKey::unblinded`] needs no RNG. The signature bytes are identical (PKCS#1
//!   v1.5 is deterministic either way); only the private-key operation's timing behaviour
//!   differs. Use it where no RNG exists or where an attacker cannot time the signer.
//!
//! # Other backends
//! An HSM, a cloud KMS or a native library plugs in by implementing [`Signer`] (and
//! [`Verifier`]); every encoder in the crate takes `&impl Signer`.

use core::cell::RefCell;
use core::fmt;

use base64ct::{Base64, Encoding};
use rand_core::TryCryptoRng;
use rsa::traits::{PublicKeyParts, SignatureScheme};
use rsa::Pkcs1v15Sign;
use sha2::digest::{Digest, Update};

use crate::error::{Error, Result};
use crate::keys::{AlipayPublicKey, AppPrivateKey};
use crate::sign_content::SignContent;

/// The largest signature, in bytes: a 2048-bit modulus.
pub const MAX_SIGNATURE_BYTES: usize = 256;
/// The largest `sign` value, in base64 characters (the `sign` field's maximum length).
pub const MAX_SIGNATURE_LEN: usize = 344;

/// The signature algorithm, as the `sign_type` parameter names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SignType {
    /// `RSA2`: SHA256withRSA, PKCS#1 v1.5. What Alipay recommends.
    #[default]
    Rsa2,
    /// `RSA`: SHA1withRSA, PKCS#1 v1.5. Legacy apps only.
    Rsa,
}

impl SignType {
    /// The wire name: `"RSA2"` or `"RSA"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            SignType::Rsa2 => "RSA2",
            SignType::Rsa => "RSA",
        }
    }

    /// Parses a wire name (exact, case-sensitive, as the gateway compares it).
    ///
    /// # Errors
    /// [`Error::Field`] on `sign_type` with [`crate::FieldRule::UnknownEnumValue`].
    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "RSA2" => Ok(SignType::Rsa2),
            "RSA" => Ok(SignType::Rsa),
            _ => Err(Error::Field {
                field: "sign_type",
                rule: crate::FieldRule::UnknownEnumValue { value: s.into() },
            }),
        }
    }
}

impl fmt::Display for SignType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What is signed or verified.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Message<'a> {
    /// A request or notification sign content, streamed into the hash.
    Content(SignContent<'a>),
    /// Exact bytes, such as a response node's span.
    Bytes(&'a [u8]),
}

impl Message<'_> {
    /// Feeds the message bytes into a hash (or any [`Update`] sink).
    pub fn update_digest(&self, digest: &mut impl Update) {
        match self {
            Message::Content(content) => content.update_digest(digest),
            Message::Bytes(bytes) => digest.update(bytes),
        }
    }

    /// The message length in bytes.
    pub fn len(&self) -> usize {
        match self {
            Message::Content(content) => content.len(),
            Message::Bytes(bytes) => bytes.len(),
        }
    }

    /// Whether the message is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The message hashed with `D`.
    pub fn digest<D: Digest + Update>(&self) -> sha2::digest::Output<D> {
        let mut d = D::new();
        self.update_digest(&mut d);
        d.finalize()
    }
}

/// A signature as standard base64 with `=` padding and no line breaks, in a fixed-capacity
/// buffer (at most [`MAX_SIGNATURE_LEN`] characters).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Signature {
    text: heapless::String<MAX_SIGNATURE_LEN>,
}

impl Signature {
    /// Encodes raw signature bytes.
    ///
    /// # Errors
    /// [`Error::SignatureLength`] for more than [`MAX_SIGNATURE_BYTES`] bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let too_long =
            || Error::SignatureLength { expected: MAX_SIGNATURE_BYTES, actual: bytes.len() };
        // Checked here: 257 and 258 bytes would still fit the 344 characters.
        if bytes.len() > MAX_SIGNATURE_BYTES {
            return Err(too_long());
        }
        let mut buf = [0u8; MAX_SIGNATURE_LEN];
        let text = Base64::encode(bytes, &mut buf).map_err(|_| too_long())?;
        let mut out = heapless::String::new();
        // Cannot fail: `buf` has exactly the string's capacity.
        let _ = out.push_str(text);
        Ok(Signature { text: out })
    }

    /// Takes a `sign` value, checking that it is strict standard base64 of at most
    /// [`MAX_SIGNATURE_BYTES`] bytes.
    ///
    /// # Errors
    /// [`Error::SignatureNotBase64`]; [`Error::SignatureLength`] when it is too long.
    pub fn from_base64(text: &str) -> Result<Self> {
        let mut buf = [0u8; MAX_SIGNATURE_BYTES];
        Self::decode_into(text, &mut buf)?;
        let mut out = heapless::String::new();
        out.push_str(text).map_err(|_| Error::SignatureNotBase64)?;
        Ok(Signature { text: out })
    }

    fn decode_into<'b>(text: &str, buf: &'b mut [u8; MAX_SIGNATURE_BYTES]) -> Result<&'b [u8]> {
        if text.len() > MAX_SIGNATURE_LEN {
            // Valid or not, it cannot fit a supported key: say how long it would be.
            return match Base64::decode_vec(text) {
                Ok(v) => {
                    Err(Error::SignatureLength { expected: MAX_SIGNATURE_BYTES, actual: v.len() })
                }
                Err(_) => Err(Error::SignatureNotBase64),
            };
        }
        // Up to 344 characters decode to up to 258 bytes: decode them all, then check the
        // count, so that a too-long signature is a length error, not a base64 one.
        let mut wide = [0u8; MAX_SIGNATURE_LEN / 4 * 3];
        let raw = Base64::decode(text, &mut wide).map_err(|_| Error::SignatureNotBase64)?;
        let out = buf
            .get_mut(..raw.len())
            .ok_or(Error::SignatureLength { expected: MAX_SIGNATURE_BYTES, actual: raw.len() })?;
        out.copy_from_slice(raw);
        Ok(out)
    }

    /// Decodes the raw bytes into `buf`, checking that there are exactly `len` of them (the
    /// key's modulus size): a wrong length is its own error, apart from a mismatch.
    pub(crate) fn decode_exact<'b>(
        &self,
        buf: &'b mut [u8; MAX_SIGNATURE_BYTES],
        len: usize,
    ) -> Result<&'b [u8]> {
        let raw = self.decode(buf)?;
        if raw.len() != len {
            return Err(Error::SignatureLength { expected: len, actual: raw.len() });
        }
        Ok(raw)
    }

    /// The base64 text, as it goes into the `sign` parameter.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Decodes the raw signature bytes into `buf`.
    ///
    /// # Errors
    /// Never for a value built by this type's constructors.
    pub fn decode<'b>(&self, buf: &'b mut [u8; MAX_SIGNATURE_BYTES]) -> Result<&'b [u8]> {
        Self::decode_into(&self.text, buf)
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Signature").field(&self.as_str()).finish()
    }
}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Produces signatures. Implement it to sign in an HSM, a KMS or a native library.
pub trait Signer {
    /// Signs `message` with the given algorithm.
    ///
    /// # Errors
    /// [`Error::Signing`] when the backend fails (or whatever the backend documents).
    fn sign(&self, sign_type: SignType, message: Message<'_>) -> Result<Signature>;
}

/// Checks signatures. Implement it to verify with another backend.
pub trait Verifier {
    /// Verifies `signature` over `message` with the given algorithm.
    ///
    /// # Errors
    /// [`Error::InvalidSignature`] when it does not match (opaque by design);
    /// [`Error::SignatureLength`] when it has the wrong length for the key.
    fn verify(
        &self,
        sign_type: SignType,
        message: Message<'_>,
        signature: &Signature,
    ) -> Result<()>;
}

impl<T: Signer + ?Sized> Signer for &T {
    fn sign(&self, sign_type: SignType, message: Message<'_>) -> Result<Signature> {
        (**self).sign(sign_type, message)
    }
}

impl<T: Verifier + ?Sized> Verifier for &T {
    fn verify(
        &self,
        sign_type: SignType,
        message: Message<'_>,
        signature: &Signature,
    ) -> Result<()> {
        (**self).verify(sign_type, message, signature)
    }
}

/// The padding scheme and the message digest for a sign type.
fn scheme_and_digest(sign_type: SignType, message: &Message<'_>) -> (Pkcs1v15Sign, DigestBytes) {
    match sign_type {
        SignType::Rsa2 => (
            Pkcs1v15Sign::new::<sha2::Sha256>(),
            DigestBytes::from(&message.digest::<sha2::Sha256>()[..]),
        ),
        SignType::Rsa => (
            Pkcs1v15Sign::new::<sha1::Sha1>(),
            DigestBytes::from(&message.digest::<sha1::Sha1>()[..]),
        ),
    }
}

/// A digest of up to 32 bytes on the stack.
struct DigestBytes {
    bytes: [u8; 32],
    len: usize,
}

impl From<&[u8]> for DigestBytes {
    fn from(d: &[u8]) -> Self {
        let mut bytes = [0u8; 32];
        bytes[..d.len()].copy_from_slice(d);
        DigestBytes { bytes, len: d.len() }
    }
}

impl DigestBytes {
    fn as_slice(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

impl AppPrivateKey {
    /// A signer that blinds every private-key operation with `rng` (recommended).
    pub fn blinded<'k, R: TryCryptoRng>(&'k self, rng: &'k mut R) -> Blinded<'k, R> {
        Blinded { key: self, rng: RefCell::new(rng) }
    }

    /// A signer that needs no RNG and does not blind (see the module docs for when).
    pub fn unblinded(&self) -> Unblinded<'_> {
        Unblinded { key: self }
    }
}

/// The `rsa`-backed signer with blinding; built by [`AppPrivateKey::blinded`].
pub struct Blinded<'k, R> {
    key: &'k AppPrivateKey,
    rng: RefCell<&'k mut R>,
}

impl<R> fmt::Debug for Blinded<'_, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Blinded").field("key", self.key).finish_non_exhaustive()
    }
}

impl<R: TryCryptoRng> Signer for Blinded<'_, R> {
    fn sign(&self, sign_type: SignType, message: Message<'_>) -> Result<Signature> {
        let (scheme, digest) = scheme_and_digest(sign_type, &message);
        let mut rng = self.rng.try_borrow_mut().map_err(|_| Error::Signing)?;
        let raw = self
            .key
            .key
            .sign_with_rng(&mut **rng, scheme, digest.as_slice())
            .map_err(|_| Error::Signing)?;
        Signature::from_bytes(&raw)
    }
}

/// The `rsa`-backed deterministic signer without blinding; built by
/// [`AppPrivateKey::unblinded`].
#[derive(Debug, Clone, Copy)]
pub struct Unblinded<'k> {
    key: &'k AppPrivateKey,
}

impl Signer for Unblinded<'_> {
    fn sign(&self, sign_type: SignType, message: Message<'_>) -> Result<Signature> {
        let (scheme, digest) = scheme_and_digest(sign_type, &message);
        // The scheme with no RNG, rather than `PrivateKey::sign`: that one blinds with the
        // operating system's RNG when the `rsa` crate's `getrandom` feature is on, which any
        // other crate in the build can turn on.
        let raw =
            SignatureScheme::sign(scheme, None::<&mut NoRng>, &self.key.key, digest.as_slice())
                .map_err(|_| Error::Signing)?;
        Signature::from_bytes(&raw)
    }
}

/// The RNG type of an unblinded signature: it has no values, so none is ever passed.
enum NoRng {}

impl rand_core::TryRng for NoRng {
    type Error = core::convert::Infallible;
    fn try_next_u32(&mut self) -> core::result::Result<u32, Self::Error> {
        match *self {}
    }
    fn try_next_u64(&mut self) -> core::result::Result<u64, Self::Error> {
        match *self {}
    }
    fn try_fill_bytes(&mut self, _: &mut [u8]) -> core::result::Result<(), Self::Error> {
        match *self {}
    }
}

impl TryCryptoRng for NoRng {}

impl Verifier for AlipayPublicKey {
    fn verify(
        &self,
        sign_type: SignType,
        message: Message<'_>,
        signature: &Signature,
    ) -> Result<()> {
        let mut buf = [0u8; MAX_SIGNATURE_BYTES];
        let raw = signature.decode_exact(&mut buf, self.key.size())?;
        let (scheme, digest) = scheme_and_digest(sign_type, &message);
        self.key.verify(scheme, digest.as_slice(), raw).map_err(|_| Error::InvalidSignature)
    }
}

/// The wrong-key self-check (PROTOCOL §5): signs a constant with the app's signer and fails if
/// the configured Alipay public key verifies it, i.e. if "the Alipay public key" is really the
/// app's own public key. Run it once at start-up.
///
/// # Errors
/// [`Error::AlipayKeyIsAppKey`] when the keys are a pair; the signer's error if it fails.
pub fn check_alipay_key(app: &impl Signer, alipay: &impl Verifier) -> Result<()> {
    const PROBE: &[u8] = b"alipay-codec wrong-key self-check";
    let signature = app.sign(SignType::Rsa2, Message::Bytes(PROBE))?;
    match alipay.verify(SignType::Rsa2, Message::Bytes(PROBE), &signature) {
        Ok(()) => Err(Error::AlipayKeyIsAppKey),
        Err(_) => Ok(()),
    }
}
