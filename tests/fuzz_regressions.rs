//! Inputs the fuzzers found, kept as regression tests (see the Fuzzing section of the README).

use alipay_codec::gateway::{Rejection, UntrustedRequest};
use alipay_codec::{Error, KeyRule, SignContent};

/// `gateway_request`, 2026-12-07 (`crash-dd040d772a845446fea324f64e83bc751456c958`): a key
/// that starts with `sign` and four NUL bytes has the sort tag of `sign`. The quick pass of
/// `SignContent::new` counts keys before it knows they are valid, and a debug assertion
/// there wrongly expected the tag test and the name test to agree for any key. The key is
/// invalid (control bytes), so the content was never built from that count: the fix is in
/// the assertion, and the key must still be rejected, naming it.
#[test]
fn a_key_with_the_tag_of_sign_and_control_bytes_is_rejected() {
    let key = "sign\0\0\0\0oRzZ2JB_hmMAi";
    for others in [&[][..], &[("app_id", "2014052300007348"), ("charset", "x")][..]] {
        let mut pairs = vec![(key, "x")];
        pairs.extend_from_slice(others);
        let got = SignContent::new(&mut pairs).map(|_| ());
        assert_eq!(got, Err(Error::InvalidKey { key: key.into(), rule: KeyRule::Whitespace }));
    }
    // The same key through the gateway's request parser: a rejection that names it, not a
    // panic (the parser checks key syntax before it looks for missing parameters).
    let query = b"app_id=2014052300007348&charset=utf-8&sign%00%00%00%00oRzZ2JB_hmMAi=x";
    let want = Error::InvalidKey { key: key.into(), rule: KeyRule::Whitespace };
    match UntrustedRequest::parse(query, b"") {
        Err(Rejection::InvalidParameter { cause }) => assert_eq!(cause, want),
        other => panic!("expected the invalid key to be rejected, got {other:?}"),
    }
}

/// The fuzz targets that verify (`response_decode`, `gateway_request`) check what a verified
/// input guarantees only on inputs that verify, which a fuzzer cannot forge: these committed
/// seeds must keep verifying, or those checks would silently stop running.
#[test]
fn the_signed_fuzz_seeds_verify() {
    use alipay_codec::response::UntrustedResponse;
    use alipay_codec::{AlipayPublicKey, ResponseOptions, SignType};

    let seed = |target: &str, name: &str| {
        std::fs::read(format!("{}/fuzz/corpus-seeds/{target}/{name}", env!("CARGO_MANIFEST_DIR")))
            .unwrap()
    };
    let alipay = AlipayPublicKey::parse(include_str!("keys/alipay_public.pem")).unwrap();
    for (name, method) in [
        ("slash-unescape-retry", "alipay.trade.precreate"),
        ("encrypted-node-synthetic-signed", "alipay.open.auth.app.aes.set"),
    ] {
        let input = seed("response_decode", name);
        // The first byte is the target's `slash_retry` flag.
        let verified = UntrustedResponse::parse(&input[1..], method)
            .and_then(|r| r.verify(SignType::Rsa2, &alipay, ResponseOptions::new()));
        assert!(verified.is_ok_and(|v| v.is_verified()), "{name}");
    }
    #[cfg(feature = "cert")]
    {
        let mut keys = alipay_codec::cert::AlipayCertKeys::new();
        keys.insert_pem(include_str!("certs/alipay_cert_2.pem")).unwrap();
        let input = seed("response_decode", "cert-mode-signed");
        let verified =
            UntrustedResponse::parse(&input[1..], "alipay.security.risk.verifyidentity.apply")
                .and_then(|r| {
                    r.verify_with_cert_keys(SignType::Rsa2, &keys, ResponseOptions::new())
                });
        assert!(verified.is_ok_and(|v| v.is_verified()), "cert-mode-signed");
    }
    // `gateway_request`: arbitrary's split of (query, body), its length in the last two bytes.
    let input = seed("gateway_request", "seed-example");
    let (data, len) = input.split_at(input.len() - 2);
    let query_len = usize::from(u16::from_be_bytes([len[0], len[1]]));
    let (query, body) = data.split_at(query_len);
    let app = AlipayPublicKey::parse(include_str!("keys/app_public.pem")).unwrap();
    let request = UntrustedRequest::parse(query, body).unwrap();
    assert!(request.verify(&app).is_ok(), "seed-example");
}
