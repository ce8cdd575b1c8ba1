//! Key parsing (PEM / base64 / DER) never panics on any input, and the three forms agree:
//! DER that parses as a key parses to the same key as bare base64 and as PEM, with and
//! without line breaks; a private key's public half is the one its DER holds.
#![no_main]

use alipay_codec::{AlipayPublicKey, AppPrivateKey};
use base64ct::{Base64, Encoding};
use libfuzzer_sys::fuzz_target;

/// `der` as bare base64 on one line, and as PEM with `label`, 64 characters a line.
fn texts(der: &[u8], label: &str) -> [String; 2] {
    let b64 = Base64::encode_string(der);
    let lines: Vec<&str> =
        b64.as_bytes().chunks(64).map(|c| std::str::from_utf8(c).unwrap_or_default()).collect();
    let pem = format!("-----BEGIN {label}-----\n{}\n-----END {label}-----\n", lines.join("\n"));
    [b64, pem]
}

fuzz_target!(|data: &[u8]| {
    if let Ok(key) = AppPrivateKey::from_der(data) {
        let (_, format) = AppPrivateKey::parse_with_format(&Base64::encode_string(data))
            .expect("DER that parses must parse as base64");
        let label = match format {
            alipay_codec::KeyFormat::Pkcs8 => "PRIVATE KEY",
            _ => "RSA PRIVATE KEY",
        };
        for text in texts(data, label) {
            let again = AppPrivateKey::parse(&text).expect("the same DER as text");
            assert!(again.public_key() == key.public_key(), "another key from {text:?}");
        }
    }
    if let Ok(key) = AlipayPublicKey::from_der(data) {
        let spki = AlipayPublicKey::parse(&Base64::encode_string(data)).expect("as base64");
        assert!(spki == key);
        // PEM: SPKI or PKCS#1, whichever the DER is; one of the two labels takes it.
        let [_, spki_pem] = texts(data, "PUBLIC KEY");
        let [_, pkcs1_pem] = texts(data, "RSA PUBLIC KEY");
        let parsed = AlipayPublicKey::parse(&spki_pem).or_else(|_| AlipayPublicKey::parse(&pkcs1_pem));
        assert!(parsed.expect("the same DER as PEM") == key);
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = AppPrivateKey::parse(text);
        let _ = AlipayPublicKey::parse(text);
    }
});
