//! The aws-lc backend (feature `aws-lc`) signs byte-identically to the default backend and
//! verifies what the default backend verifies, for the conformance `sign` vectors too.
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
