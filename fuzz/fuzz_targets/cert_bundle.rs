//! Certificate files (PEM text, and the same bytes as the DER inside a PEM block): the root
//! SN, `app_cert_sn`, the key from a certificate and the chain check never panic; on success
//! every SN is 32 lowercase hex characters (joined with `_` for a bundle, one per RSA-signed
//! block at most), and the parsed certificate agrees with `app_cert_sn`. The same bytes as a
//! downloaded `alipay_cert_content` (raw, and base64-encoded so that it decodes): what
//! decodes re-encodes to itself, and the download response agrees.
#![no_main]

use alipay_codec::api::alipaycert_download::AlipayCertDownloadResponse;
use alipay_codec::cert::{
    alipay_public_key_from_cert, alipay_root_cert_sn, app_cert_sn, check_alipay_cert_chain,
    decode_cert_content, AlipayCert,
};
use base64ct::{Base64, Encoding};
use libfuzzer_sys::fuzz_target;

const ROOT_BUNDLE: &str = include_str!("../../tests/certs/root_bundle.pem");
/// 2030-01-01T00:00:00Z.
const TIME: u64 = 1_893_456_000;

fn is_sn(sn: &str) -> bool {
    sn.len() == 32 && sn.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn check(text: &str) {
    if let Ok(root_sn) = alipay_root_cert_sn(text) {
        let parts: Vec<&str> = root_sn.split('_').collect();
        assert!(parts.iter().all(|part| is_sn(part)), "{root_sn}");
        assert!(parts.len() <= text.matches("-----BEGIN CERTIFICATE-----").count());
    }
    let sn = app_cert_sn(text);
    if let Ok(sn) = &sn {
        assert!(is_sn(sn), "{sn}");
    }
    let key = alipay_public_key_from_cert(text);
    if let Ok(cert) = AlipayCert::parse(text) {
        assert_eq!(Ok(cert.sn()), sn.as_deref().map_err(Clone::clone));
        assert_eq!(Ok(cert.public_key()), key.as_ref());
    } else {
        assert!(key.is_err());
    }
    if let Ok(cert) = check_alipay_cert_chain(text, ROOT_BUNDLE, TIME) {
        assert_eq!(Ok(cert.sn()), sn.as_deref().map_err(Clone::clone));
    }
}

/// A downloaded `alipay_cert_content`: what decodes is the base64 of the PEM it gives
/// (whitespace aside), and the response type agrees with the function.
fn check_download(content: &str) {
    let decoded = decode_cert_content(content);
    if let Ok(pem) = &decoded {
        let compact: String = content.chars().filter(|c| !c.is_ascii_whitespace()).collect();
        assert_eq!(Base64::encode_string(pem.as_bytes()), compact);
    }
    let response = AlipayCertDownloadResponse { alipay_cert_content: content.to_owned() };
    assert_eq!(response.pem(), decoded);
    if let Ok(cert) = response.check(ROOT_BUNDLE, TIME) {
        assert!(is_sn(cert.sn()));
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        check(text);
        check_download(text);
    }
    check_download(&Base64::encode_string(data));
    let wrapped = format!(
        "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
        Base64::encode_string(data)
    );
    check(&wrapped);
});
