//! The aws-lc backend (feature `aws-lc`) signs byte-identically to the default backend and
//! verifies what the default backend verifies. The conformance test runs every `sign`
//! vector through it too when the feature is on (`tests/conformance.rs`, `run_sign_native`).
#![cfg(feature = "aws-lc")]

use alipay_codec::native::{NativeSigner, NativeVerifier};
use alipay_codec::{
    AlipayPublicKey, AppPrivateKey, Error, Message, SignType, Signature, Signer, Verifier,
};

const APP: &str = include_str!("keys/app_private_pkcs8.pem");

#[test]
fn native_rsa2_signatures_are_byte_identical() {
    let key = AppPrivateKey::parse(APP).unwrap();
    let native = NativeSigner::new(&key).unwrap();
    let verifier = NativeVerifier::new(&key.public_key()).unwrap();
    for content in ["", "a=1", "app_id=2014072300007148&biz_content={\"中\":\"文\"}&method=x"] {
        let message = Message::Bytes(content.as_bytes());
        let ours = native.sign(SignType::Rsa2, message).unwrap();
        assert_eq!(ours, key.unblinded().sign(SignType::Rsa2, message).unwrap());
        verifier.verify(SignType::Rsa2, message, &ours).unwrap();
        key.public_key().verify(SignType::Rsa2, message, &ours).unwrap();
    }
    assert!(matches!(
        native.sign(SignType::Rsa, Message::Bytes(b"x")),
        Err(Error::Unsupported { .. })
    ));
}

#[test]
fn native_verifier_checks_both_algorithms_and_rejects_tampering() {
    let key = AppPrivateKey::parse(APP).unwrap();
    let verifier = NativeVerifier::new(&key.public_key()).unwrap();
    let message = Message::Bytes(b"app_id=1&method=alipay.trade.query");
    for sign_type in [SignType::Rsa2, SignType::Rsa] {
        let signature = key.unblinded().sign(sign_type, message).unwrap();
        verifier.verify(sign_type, message, &signature).unwrap();
        assert_eq!(
            verifier.verify(
                sign_type,
                Message::Bytes(b"app_id=2&method=alipay.trade.query"),
                &signature
            ),
            Err(Error::InvalidSignature)
        );
        let mut raw = [0u8; 256];
        let len = signature.decode(&mut raw).unwrap().len();
        raw[len - 1] ^= 1;
        let flipped = Signature::from_bytes(&raw[..len]).unwrap();
        assert_eq!(verifier.verify(sign_type, message, &flipped), Err(Error::InvalidSignature));
    }
    let short = Signature::from_base64("YWJj").unwrap();
    assert_eq!(
        verifier.verify(SignType::Rsa2, message, &short),
        Err(Error::SignatureLength { expected: 256, actual: 3 })
    );
}

#[test]
fn native_verifier_accepts_the_alipay_test_key() {
    let public = AlipayPublicKey::parse(include_str!("keys/alipay_public.pem")).unwrap();
    let alipay = AppPrivateKey::parse(include_str!("keys/alipay_private_pkcs8.pem")).unwrap();
    let verifier = NativeVerifier::new(&public).unwrap();
    let message = Message::Bytes(b"{\"code\":\"10000\"}");
    let signature = NativeSigner::new(&alipay).unwrap().sign(SignType::Rsa2, message).unwrap();
    verifier.verify(SignType::Rsa2, message, &signature).unwrap();
}

#[test]
fn native_legacy_1024_bit_keys_sign_on_the_default_backend_and_verify_on_both() {
    // A 1024-bit key (legacy RSA apps), generated with openssl for this test.
    let key = AppPrivateKey::parse("MIICdQIBADANBgkqhkiG9w0BAQEFAASCAl8wggJbAgEAAoGBAMjr5E3OJyCfKrluXojd6sl8y7HLiy4w7KjgwdC/CTz2nj5K15FI45jEecybEnseeaoGSUAAXAKX3ZveU4m29qLAjX0SjIUaPasXGCH+GN47r5+kkOciz7gJg1IYkXlhis74GxiNp8nvgNs2qJQ144F+crfFXF66mZSW5/sGXYSPAgMBAAECgYBvwOUHcbbJqj41TXI/Zk+FKmiRx8juNEAt3nVvChK1WebCdxZXtNcCzaWBbG9nE5hQPZbYhlqnBpk4bPzCCIY9GnHqmPrW3rwCyZQzxQYmV11qSer0tZLNuT7CQKb+GsmQDVO6hNIfitmnhvLego8jJnRgncBqN0B1SBnqiEMpoQJBAPwHf9cR/HQg/AvW4xC3hE1OAqwfdF0N/GlKjhGJKXdEuTEWMGvCMTI1Ut1JaMOEzvrocnpju/sfFJoC6ukarPUCQQDMFkLSxUl1ojFvRL9wN9YO1DdBRrr+HLobyz1U7A+EMNPo+85eUVNuJvf0Dl4dPYl9HEUb/p6XvO7j3uRxxvjzAkBTOQK8+UJ88ntoSXA3j/IPOOhnAAgDxl+IQUdCgSGBMd9ZVzNsEfb+1l7jlZ8TmSJj9if/RDnJxcyewsHhcZ6VAkBwPMXfOFSf9uUM9lf6FRsJ6LfClG1+FrpbUriWHYSjBF9mQCVMRZmGeLPgao5jslYMkiGHtc3uUR9n/krQL8b1AkB3BdwJxIcK1MLgthN/vh7GfFtd3M6qNiHAF5UjWOSsmY1C3EwEUW03bhRDtDaZ4ncwhjw82aU+nTmqKB4ib7rX").unwrap();
    assert_eq!(key.bits(), 1024);
    assert!(matches!(NativeSigner::new(&key), Err(Error::Unsupported { .. })));
    let verifier = NativeVerifier::new(&key.public_key()).unwrap();
    let message = Message::Bytes(b"a=1");
    for sign_type in [SignType::Rsa2, SignType::Rsa] {
        let signature = key.unblinded().sign(sign_type, message).unwrap();
        verifier.verify(sign_type, message, &signature).unwrap();
    }
}
