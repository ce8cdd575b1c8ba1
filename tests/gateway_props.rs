//! The two sides of the codec against each other, without HTTP: any `Serialize` biz content
//! survives request encode → gateway decode, and any node survives gateway encode → client
//! decode, signatures checked both ways.

use alipay_codec::api::Method;
use alipay_codec::gateway::{
    Node, NotificationEncoder, Rejection, ResponseEncoder, UntrustedRequest,
};
use alipay_codec::notify::{NotifyMode, NotifyOptions, UntrustedNotification};
use alipay_codec::{
    response, AlipayPublicKey, AppConfig, AppPrivateKey, Error, ResponseOptions, SignType,
    Timestamp,
};
use proptest::prelude::*;
use serde_json::{Map, Value};

struct Any;

impl Method for Any {
    const NAME: &'static str = "test.any.method";
    type BizContent = Value;
    type Response = Value;
}

fn app_key() -> AppPrivateKey {
    AppPrivateKey::parse(include_str!("keys/app_private_pkcs8.pem")).unwrap()
}

fn alipay_key() -> AppPrivateKey {
    AppPrivateKey::parse(include_str!("keys/alipay_private_pkcs8.pem")).unwrap()
}

fn alipay_public() -> AlipayPublicKey {
    AlipayPublicKey::parse(include_str!("keys/alipay_public.pem")).unwrap()
}

/// JSON values without floats (their text form need not round-trip exactly).
fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<String>().prop_map(Value::String),
        "[ -~]{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,6}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// An object whose keys cannot clash with the node's `code`, `msg`, `sub_code`, `sub_msg`.
fn object() -> impl Strategy<Value = Map<String, Value>> {
    prop::collection::btree_map("f_[a-z0-9_]{0,6}", value(), 0..5)
        .prop_map(|m| m.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn request_round_trip(biz in object(), secs in 0i64..4_000_000_000) {
        let biz = Value::Object(biz);
        let config = AppConfig::builder("2014072300007148").build().unwrap();
        let now = Timestamp::from_unix(secs).unwrap();
        let encoded = config.encode::<Any>(&biz, &now, &app_key().unblinded()).unwrap();
        let untrusted = UntrustedRequest::parse(encoded.query().as_bytes(), encoded.body().as_bytes()).unwrap();
        prop_assert_eq!(untrusted.method(), Any::NAME);
        prop_assert_eq!(untrusted.app_id(), "2014072300007148");
        let verified = untrusted.verify(&app_key().public_key()).unwrap();
        prop_assert_eq!(verified.sign_content(), encoded.sign_content());
        prop_assert_eq!(verified.timestamp(), &now);
        prop_assert_eq!(verified.biz::<Value>().unwrap(), biz);
    }

    #[test]
    fn response_round_trip(fields in object()) {
        let body = ResponseEncoder::for_method::<Any>()
            .encode(&Node::success(&fields), SignType::Rsa2, &alipay_key().unblinded())
            .unwrap();
        let reply = response::decode::<Any>(body.as_bytes(), SignType::Rsa2, &alipay_public(), ResponseOptions::new()).unwrap();
        prop_assert!(reply.is_verified() && reply.is_success());
        let mut decoded = reply.body.unwrap().as_object().unwrap().clone();
        prop_assert_eq!(decoded.remove("code"), Some(Value::from("10000")));
        prop_assert_eq!(decoded.remove("msg"), Some(Value::from("Success")));
        prop_assert_eq!(decoded, fields);
    }

    #[test]
    fn any_flipped_response_byte_fails(fields in object(), at in any::<prop::sample::Index>()) {
        let body = ResponseEncoder::for_method::<Any>()
            .encode(&Node::success(&fields), SignType::Rsa2, &alipay_key().unblinded())
            .unwrap();
        let node = response::UntrustedResponse::parse(body.as_bytes(), Any::NAME).unwrap().span_range();
        let mut tampered = body.into_bytes();
        let i = node.start + at.index(node.len());
        tampered[i] ^= 0x01;
        let result = response::decode::<Any>(&tampered, SignType::Rsa2, &alipay_public(), ResponseOptions::new().slash_retry(false));
        prop_assert!(result.is_err());
    }
}

#[test]
fn tampered_request_quotes_the_gateway_content() {
    let config = AppConfig::builder("2014072300007148").build().unwrap();
    let now = Timestamp::parse("2014-07-24 03:07:50").unwrap();
    let biz = serde_json::json!({ "amount": "1.00" });
    let encoded = config.encode::<Any>(&biz, &now, &app_key().unblinded()).unwrap();
    let body = encoded.body().replace("1.00", "9.00");
    let untrusted = UntrustedRequest::parse(encoded.query().as_bytes(), body.as_bytes()).unwrap();
    let rejection = untrusted.verify(&app_key().public_key()).unwrap_err();
    let expected = encoded.sign_content().replace("1.00", "9.00");
    assert_eq!(rejection, Rejection::InvalidSignature { sign_content: expected.clone() });
    assert_eq!(rejection.code(), "40002");
    assert!(rejection.sub_msg().ends_with(&expected));
    // The wrong key is an invalid signature too.
    let untrusted =
        UntrustedRequest::parse(encoded.query().as_bytes(), encoded.body().as_bytes()).unwrap();
    assert!(matches!(untrusted.verify(&alipay_public()), Err(Rejection::InvalidSignature { .. })));
}

#[test]
fn cert_sn_and_error_response_are_written() {
    let node = Rejection::MissingMethod.to_node();
    let body = ResponseEncoder::error_response()
        .cert_sn("28b9b1ebd4a5cb1bd4e1a9a1b3e3e5a1")
        .encode(&node, SignType::Rsa2, &alipay_key().unblinded())
        .unwrap();
    let untrusted = response::UntrustedResponse::parse(body.as_bytes(), Any::NAME).unwrap();
    assert!(untrusted.is_error_node());
    assert_eq!(untrusted.cert_sn().unwrap().as_deref(), Some("28b9b1ebd4a5cb1bd4e1a9a1b3e3e5a1"));
    let verified =
        untrusted.verify(SignType::Rsa2, &alipay_public(), ResponseOptions::new()).unwrap();
    assert!(verified.is_verified());
    assert_eq!(verified.status().unwrap().sub_code.as_deref(), Some("isv.missing-method"));
    // RSA (SHA-1) responses verify only as RSA.
    let sha1 = ResponseEncoder::for_method::<Any>()
        .encode(&Node::success(()), SignType::Rsa, &alipay_key().unblinded())
        .unwrap();
    assert!(response::decode::<Any>(
        sha1.as_bytes(),
        SignType::Rsa,
        &alipay_public(),
        ResponseOptions::new()
    )
    .is_ok());
    assert_eq!(
        response::decode::<Any>(
            sha1.as_bytes(),
            SignType::Rsa2,
            &alipay_public(),
            ResponseOptions::new()
        )
        .unwrap_err(),
        Error::InvalidSignature
    );
}

#[test]
fn raw_nodes_must_be_one_object() {
    let encoder = ResponseEncoder::for_method::<Any>();
    let signer = alipay_key();
    assert_eq!(
        encoder.encode_json(" {}", SignType::Rsa2, &signer.unblinded()),
        Err(Error::NodeNotObject)
    );
    assert_eq!(
        encoder.encode(&[1, 2], SignType::Rsa2, &signer.unblinded()),
        Err(Error::NodeNotObject)
    );
    // The exact bytes given are the bytes signed, escapes and all.
    let node = r#"{"code":"10000","msg":"Success","url":"http:\/\/x"}"#;
    let body = encoder.encode_json(node, SignType::Rsa2, &signer.unblinded()).unwrap();
    let untrusted = response::UntrustedResponse::parse(body.as_bytes(), Any::NAME).unwrap();
    assert_eq!(untrusted.signed_span(), node.as_bytes());
    let verified = untrusted
        .verify(SignType::Rsa2, &alipay_public(), ResponseOptions::new().slash_retry(false))
        .unwrap();
    assert!(verified.is_verified());
}

#[test]
fn notifications_v1_and_v2() {
    let params = [("notify_type", "trade_status_sync"), ("out_trade_no", "1 2+3"), ("empty", "")];
    let signer = alipay_key();
    let options = |mode| NotifyOptions::new(mode);
    for (mode, other) in [(NotifyMode::V1, NotifyMode::V2), (NotifyMode::V2, NotifyMode::V1)] {
        let form = NotificationEncoder::new(mode)
            .encode(&params, SignType::Rsa2, &signer.unblinded())
            .unwrap();
        assert!(form.contains("sign_type=RSA2"));
        let ok = UntrustedNotification::parse(form.as_bytes())
            .unwrap()
            .verify(SignType::Rsa2, &alipay_public(), options(mode))
            .unwrap();
        assert_eq!(ok.out_trade_no(), Some("1 2+3"));
        let wrong = UntrustedNotification::parse(form.as_bytes()).unwrap().verify(
            SignType::Rsa2,
            &alipay_public(),
            options(other),
        );
        assert_eq!(
            wrong.unwrap_err(),
            Error::InvalidSignature,
            "{mode:?} must not verify as {other:?}"
        );
    }
    // Certificate mode: the SN is sent, and signed only when asked.
    for signed in [false, true] {
        let form = NotificationEncoder::new(NotifyMode::V1)
            .cert_sn("abc", signed)
            .encode(&params, SignType::Rsa2, &signer.unblinded())
            .unwrap();
        let verified = UntrustedNotification::parse(form.as_bytes())
            .unwrap()
            .verify(SignType::Rsa2, &alipay_public(), options(NotifyMode::V1).keep_cert_sn(signed))
            .unwrap();
        assert_eq!(verified.get("alipay_cert_sn").or(verified.cert_sn()), Some("abc"));
    }
    assert_eq!(
        NotificationEncoder::new(NotifyMode::V1).encode(
            &[("sign_type", "RSA")],
            SignType::Rsa2,
            &signer.unblinded()
        ),
        Err(Error::ReservedParam { key: "sign_type".into() })
    );
    assert!(matches!(
        NotificationEncoder::new(NotifyMode::V2ThenV1).encode(
            &params,
            SignType::Rsa2,
            &signer.unblinded()
        ),
        Err(Error::Unsupported { .. })
    ));
}

#[cfg(feature = "aes")]
#[test]
fn encrypted_response_round_trip() {
    use alipay_codec::response::NodeKind;
    use alipay_codec::AesKey;
    let key = AesKey::from_base64("aa4BtZ4tspm2wnXLb1ThQA==").unwrap();
    let node = Node::success(serde_json::json!({ "f_x": "中文 \"quoted\"" }));
    let body = ResponseEncoder::for_method::<Any>()
        .encrypt(&key)
        .encode(&node, SignType::Rsa2, &alipay_key().unblinded())
        .unwrap();
    let verified = response::UntrustedResponse::parse(body.as_bytes(), Any::NAME)
        .unwrap()
        .verify(SignType::Rsa2, &alipay_public(), ResponseOptions::new())
        .unwrap();
    assert_eq!(verified.node_kind(), NodeKind::Encrypted);
    let span = std::str::from_utf8(verified.span()).unwrap();
    let plain = key.decrypt(span.trim_matches('"')).unwrap();
    assert_eq!(plain, serde_json::to_string(&node).unwrap());
}
