//! Random bytes never verify as a valid signature, for any content.
#![no_main]

use std::sync::OnceLock;

use alipay_codec::{AlipayPublicKey, Message, SignType, Signature, Verifier};
use libfuzzer_sys::fuzz_target;

fn key() -> &'static AlipayPublicKey {
    static KEY: OnceLock<AlipayPublicKey> = OnceLock::new();
    KEY.get_or_init(|| {
        AlipayPublicKey::parse(include_str!("../../tests/keys/alipay_public.pem"))
            .expect("test key")
    })
}

fuzz_target!(|input: (&[u8], &[u8], &str)| {
    let (content, raw, text) = input;
    if let Ok(signature) = Signature::from_bytes(raw) {
        for sign_type in [SignType::Rsa2, SignType::Rsa] {
            assert!(key().verify(sign_type, Message::Bytes(content), &signature).is_err());
        }
    }
    if let Ok(signature) = Signature::from_base64(text) {
        assert!(key().verify(SignType::Rsa2, Message::Bytes(content), &signature).is_err());
    }
});
