//! AES content encryption (PROTOCOL §7, feature `aes`): `encrypt_type=AES`.
//!
//! The app's AES key from the Alipay console encrypts `biz_content` on the way out and the
//! response node on the way back: AES-128-CBC, PKCS#7 padding, a 16-byte all-zero IV, the
//! ciphertext in standard base64. The signature covers the ciphertext, so a response is
//! verified first and decrypted second.
//!
//! CBC with a fixed IV is what the gateway speaks; it gives no integrity of its own and leaks
//! equal plaintext prefixes. The RSA signature over the ciphertext is what authenticates it.
//!
//! The block cipher, the CBC mode and the padding come from the RustCrypto `aes` and `cbc`
//! crates; this module only wires them to the wire format.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use ::aes::cipher::block_padding::Pkcs7;
use ::aes::cipher::{BlockModeDecrypt, BlockModeEncrypt, KeyIvInit};
use base64ct::{Base64, Encoding};
use zeroize::{Zeroize, Zeroizing};

use crate::error::{AesError, Result};

/// The AES key length Alipay issues, in bytes (AES-128).
pub const AES_KEY_BYTES: usize = 16;

/// The AES block size, in bytes.
const BLOCK: usize = 16;

/// The all-zero IV the gateway uses.
const ZERO_IV: [u8; BLOCK] = [0; BLOCK];

/// The app's AES content-encryption key (AES-128), parsed once and reused.
///
/// `Debug` never prints the key. Dropping it wipes it, and the cipher's key schedule is
/// wiped after every call (the `aes` crate's `zeroize` feature); the copies of the key that
/// pass through registers and the stack on the way into the cipher are not (safe Rust cannot
/// promise that). It has no `PartialEq`: a comparison of secrets would take time that
/// depends on them.
#[derive(Clone)]
pub struct AesKey {
    key: [u8; AES_KEY_BYTES],
}

impl AesKey {
    /// Parses the base64 key from the Alipay console (e.g. `aa4BtZ4tspm2wnXLb1ThQA==`).
    /// Surrounding ASCII whitespace is ignored.
    ///
    /// # Errors
    /// [`AesError::KeyNotBase64`] when the text is not strict standard base64;
    /// [`AesError::KeyLength`] when it does not decode to 16 bytes (Alipay issues AES-128
    /// keys only).
    pub fn from_base64(text: &str) -> Result<Self> {
        let text = text.trim_matches(|c: char| c.is_ascii_whitespace());
        let bytes = Zeroizing::new(Base64::decode_vec(text).map_err(|_| AesError::KeyNotBase64)?);
        let key: [u8; AES_KEY_BYTES] =
            bytes.as_slice().try_into().map_err(|_| AesError::KeyLength { actual: bytes.len() })?;
        Ok(AesKey { key })
    }

    /// Builds a key from its 16 raw bytes.
    pub fn from_bytes(key: [u8; AES_KEY_BYTES]) -> Self {
        AesKey { key }
    }

    /// Encrypts `plaintext` (its UTF-8 bytes) and returns the standard base64 ciphertext.
    pub fn encrypt(&self, plaintext: &str) -> String {
        let cipher = cbc::Encryptor::<::aes::Aes128>::new(&self.key.into(), &ZERO_IV.into());
        let ciphertext = cipher.encrypt_padded_vec::<Pkcs7>(plaintext.as_bytes());
        Base64::encode_string(&ciphertext)
    }

    /// Decrypts a standard base64 ciphertext to its UTF-8 plaintext.
    ///
    /// Surrounding ASCII whitespace is ignored. A wrong key shows as
    /// [`AesError::Padding`] or [`AesError::NotUtf8`]; CBC cannot tell a wrong key apart
    /// with certainty.
    ///
    /// # Errors
    /// [`AesError::NotBase64`] when the text is not strict standard base64;
    /// [`AesError::Length`] when the bytes are empty or not a whole number of 16-byte blocks;
    /// [`AesError::Padding`] when the PKCS#7 padding is wrong;
    /// [`AesError::NotUtf8`] when the plaintext is not UTF-8.
    pub fn decrypt(&self, b64: &str) -> Result<String> {
        Ok(self.decrypt_field(b64)?)
    }

    /// [`decrypt`](Self::decrypt), for a caller that names the field in its error.
    pub(crate) fn decrypt_field(&self, b64: &str) -> core::result::Result<String, AesError> {
        let text = b64.trim_matches(|c: char| c.is_ascii_whitespace());
        let mut buf: Vec<u8> = Base64::decode_vec(text).map_err(|_| AesError::NotBase64)?;
        if buf.is_empty() || !buf.len().is_multiple_of(BLOCK) {
            return Err(AesError::Length { actual: buf.len() });
        }
        let cipher = cbc::Decryptor::<::aes::Aes128>::new(&self.key.into(), &ZERO_IV.into());
        let len = cipher.decrypt_padded::<Pkcs7>(&mut buf).map_err(|_| AesError::Padding)?.len();
        buf.truncate(len);
        String::from_utf8(buf).map_err(|_| AesError::NotUtf8)
    }
}

impl Drop for AesKey {
    fn drop(&mut self) {
        self.key.zeroize();
    }
}

impl fmt::Debug for AesKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AesKey").field("bits", &(AES_KEY_BYTES * 8)).finish_non_exhaustive()
    }
}
