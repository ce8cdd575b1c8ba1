//! AES content decryption never panics on any text under any key; what decrypts re-encrypts
//! to exactly the (trimmed) input, since the base64 is strict and the IV fixed; and any UTF-8
//! text survives encrypt → decrypt unchanged.
#![no_main]

use alipay_codec::aes::AesKey;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: ([u8; 16], &str)| {
    let (raw_key, text) = input;
    let key = AesKey::from_bytes(raw_key);
    if let Ok(plaintext) = key.decrypt(text) {
        assert_eq!(key.encrypt(&plaintext), text.trim_matches(|c: char| c.is_ascii_whitespace()));
    }
    let ciphertext = key.encrypt(text);
    assert_eq!(key.decrypt(&ciphertext).as_deref(), Ok(text));
    if let Ok(parsed) = AesKey::from_base64(text) {
        assert_eq!(parsed.decrypt(&parsed.encrypt(text)).as_deref(), Ok(text));
    }
});
