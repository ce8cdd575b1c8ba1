//! Key parsing (PEM / base64 / DER) never panics on any input.
#![no_main]

use alipay_codec::{AlipayPublicKey, AppPrivateKey};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = AppPrivateKey::from_der(data);
    let _ = AlipayPublicKey::from_der(data);
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = AppPrivateKey::parse(text);
        let _ = AlipayPublicKey::parse(text);
    }
});
