//! AES content encryption (feature `aes`): round trips and bad input. The known answers live
//! in `tests/vectors/aes.json` (run by the conformance test).
#![cfg(feature = "aes")]

use alipay_codec::aes::AesKey;
use alipay_codec::{AesError, Error};
use base64ct::{Base64, Encoding};

/// From `tests/vectors/aes.json` (alipay-sdk-java-all EncryptTest).
const KEY: &str = "aa4BtZ4tspm2wnXLb1ThQA==";

fn aes_err(r: Result<impl std::fmt::Debug, Error>) -> AesError {
    match r {
        Err(Error::Aes(e)) => e,
        other => panic!("expected an AES error, got {other:?}"),
    }
}

#[test]
fn known_answer() {
    let key = AesKey::from_base64(KEY).unwrap();
    assert_eq!(key.encrypt("test1234567"), "ILpoMowjIQjfYMR847rnFQ==");
    assert_eq!(key.decrypt("ILpoMowjIQjfYMR847rnFQ==").unwrap(), "test1234567");
    // Surrounding whitespace is tolerated on both the key and the ciphertext.
    let key = AesKey::from_base64(" aa4BtZ4tspm2wnXLb1ThQA==\n").unwrap();
    assert_eq!(key.decrypt("ILpoMowjIQjfYMR847rnFQ==\r\n").unwrap(), "test1234567");
}

#[test]
fn round_trips_every_padding_length() {
    let key = AesKey::from_base64(KEY).unwrap();
    for len in 0..=48 {
        let text: String = "{\"a\":\"你好\"}0123456789".chars().cycle().take(len).collect();
        let ciphertext = key.encrypt(&text);
        // PKCS#7 always pads: 1..=16 bytes.
        let bytes = text.len() / 16 * 16 + 16;
        assert_eq!(ciphertext.len(), bytes.div_ceil(3) * 4, "{len}");
        assert_eq!(key.decrypt(&ciphertext).unwrap(), text);
    }
}

#[test]
fn wrong_key_length() {
    for (text, actual) in
        [("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", 32), ("AAAA", 3), ("", 0)]
    {
        assert_eq!(aes_err(AesKey::from_base64(text)), AesError::KeyLength { actual }, "{text}");
    }
    assert_eq!(aes_err(AesKey::from_base64("aa4BtZ4tspm2wnXLb1ThQA")), AesError::KeyNotBase64);
    assert_eq!(aes_err(AesKey::from_base64("aa4BtZ4t-pm2wnXLb1ThQA==")), AesError::KeyNotBase64);
}

#[test]
fn bad_ciphertext() {
    let key = AesKey::from_base64(KEY).unwrap();
    assert_eq!(aes_err(key.decrypt("ILpoMowjIQjfYMR847rnFQ")), AesError::NotBase64);
    assert_eq!(aes_err(key.decrypt("ILpo Mowj")), AesError::NotBase64);
    assert_eq!(aes_err(key.decrypt("")), AesError::Length { actual: 0 });
    assert_eq!(aes_err(key.decrypt("AAAA")), AesError::Length { actual: 3 });
    // The last block of a valid ciphertext decrypts (under a zero IV) to garbage padding.
    let other = AesKey::from_bytes([7; 16]);
    let mut padding_or_utf8 = 0;
    for plaintext in ["test1234567", "{\"code\":\"10000\"}", "x"] {
        match aes_err(other.decrypt(&key.encrypt(plaintext))) {
            AesError::Padding | AesError::NotUtf8 => padding_or_utf8 += 1,
            e => panic!("{e:?}"),
        }
    }
    assert_eq!(padding_or_utf8, 3);
}

#[test]
fn bad_padding_is_an_error() {
    // A block whose decrypted last byte is 0 (never valid PKCS#7): encrypt 16 bytes ending in
    // 0x00 with the padding block dropped, by taking the first block of a 2-block ciphertext.
    let key = AesKey::from_base64(KEY).unwrap();
    let ciphertext = Base64::decode_vec(&key.encrypt("0123456789abcde\0")).unwrap();
    let first_block = Base64::encode_string(&ciphertext[..16]);
    assert_eq!(aes_err(key.decrypt(&first_block)), AesError::Padding);
}

#[test]
fn debug_hides_the_key() {
    let key = AesKey::from_base64(KEY).unwrap();
    assert!(!format!("{key:?}").contains("aa4B"));
}

proptest::proptest! {
    /// Any text round-trips through encrypt and decrypt; any ciphertext the wrong key
    /// decrypts to is an error or other text, never a panic.
    #[test]
    fn any_text_round_trips(text in "\\PC{0,80}", raw in proptest::prelude::any::<[u8; 16]>()) {
        let key = AesKey::from_base64(KEY).unwrap();
        let ciphertext = key.encrypt(&text);
        proptest::prop_assert_eq!(key.decrypt(&ciphertext).unwrap(), text.clone());
        if let Ok(other) = AesKey::from_bytes(raw).decrypt(&ciphertext) {
            proptest::prop_assert!(other != text || raw == Base64::decode_vec(KEY).unwrap()[..]);
        }
    }
}
