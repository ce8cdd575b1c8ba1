//! Random bytes never verify as a valid signature, for any content.
#![no_main]

use alipay_codec::{Message, SignType, Signature, Verifier};
use alipay_codec_fuzz::alipay_public_key;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&[u8], &[u8], &str)| {
    let (content, raw, text) = input;
    if let Ok(signature) = Signature::from_bytes(raw) {
        for sign_type in [SignType::Rsa2, SignType::Rsa] {
            assert!(alipay_public_key()
                .verify(sign_type, Message::Bytes(content), &signature)
                .is_err());
        }
    }
    if let Ok(signature) = Signature::from_base64(text) {
        assert!(alipay_public_key()
            .verify(SignType::Rsa2, Message::Bytes(content), &signature)
            .is_err());
    }
});
