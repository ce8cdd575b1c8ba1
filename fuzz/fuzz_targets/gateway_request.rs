//! The gateway side's request decode on arbitrary query and body bytes never panics; a
//! request that parses never verifies (the fuzzer cannot forge an RSA signature), and its
//! rebuilt sign content never holds `sign` itself.
#![no_main]

use alipay_codec::gateway::UntrustedRequest;
use alipay_codec_fuzz::app_public_key;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&[u8], &[u8])| {
    let (query, body) = input;
    let Ok(request) = UntrustedRequest::parse(query, body) else { return };
    let content = request.sign_content();
    assert!(!content.starts_with("sign=") && !content.contains("&sign="));
    assert!(request.verify(app_public_key()).is_err(), "an arbitrary request verified");
});
