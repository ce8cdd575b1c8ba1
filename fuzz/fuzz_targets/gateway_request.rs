//! The gateway side's request decode on arbitrary query and body bytes never panics, and a
//! request that parses never holds `sign` in its rebuilt sign content. It never verifies
//! under a key that signed nothing (the Alipay test key: only the app key signs requests);
//! under the app key, which signed the seed, a verified request's content is what the app
//! key signed, and its accessors run.
#![no_main]

use alipay_codec::gateway::UntrustedRequest;
use alipay_codec::{AesKey, Message, Signature, Verifier};
use alipay_codec_fuzz::{alipay_public_key, app_public_key};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&[u8], &[u8])| {
    let (query, body) = input;
    let Ok(request) = UntrustedRequest::parse(query, body) else { return };
    let content = request.sign_content();
    assert!(!content.starts_with("sign=") && !content.contains("&sign="));
    assert!(request.clone().verify(alipay_public_key()).is_err(), "verified under a key that signed nothing");
    if let Ok(verified) = request.verify(app_public_key()) {
        assert_eq!(verified.sign_content(), content);
        let sign = Signature::from_base64(verified.get("sign").unwrap_or_default()).expect("verified");
        let message = Message::Bytes(content.as_bytes());
        assert!(app_public_key().verify(verified.sign_type(), message, &sign).is_ok());
        let _ = (verified.biz::<serde_json::Value>(), verified.timestamp(), verified.params().count());
        let _ = verified.decrypt_biz_content(&AesKey::from_bytes([7; 16]));
    }
});
