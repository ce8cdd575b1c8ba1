//! Synchronous responses: the seed page's examples re-signed with the bundled "Alipay" test
//! key, tamper tests, attack tests, bad input and property tests.

use alipay_codec::api::verifyidentity::response::{ErrCode, VerifyIdentityApplyResponse};
use alipay_codec::api::verifyidentity::{ProductName, VerifyIdentityApply};
use alipay_codec::api::Method;
use alipay_codec::response::{
    self, scan, Authenticity, GatewayCode, NodeKind, Reply, ResponseOptions, SubCodeClass,
    UntrustedResponse, MAX_DEPTH, MAX_MEMBERS,
};
use alipay_codec::{AlipayPublicKey, AppPrivateKey, Error, Message, SignType, Signature, Signer};
use proptest::prelude::*;

const METHOD: &str = "alipay.security.risk.verifyidentity.apply";
const NODE: &str = "alipay_security_risk_verifyidentity_apply_response";

/// The seed page's success example node, verbatim (tab-indented, as printed).
const SEED_SUCCESS: &str = "{\n\t\t\"msg\":\"Success\",\n\t\t\"usable_product_group\":\"{\\\"id\\\":1,\\\"name\\\":\\\"NATIVE_PAYMENT_PASSWORD\\\"}\",\n\t\t\"code\":\"10000\",\n\t\t\"err_code\":\"SYSTEM_ERROR\",\n\t\t\"is_success\":\"false\",\n\t\t\"err_message\":\"系统错误\",\n\t\t\"unusable_product_list\":\"{\\\"id\\\":1,\\\"name\\\":\\\"FACE\\\"}\"\n\t}";
/// The seed page's error example node, verbatim.
const SEED_ERROR: &str = "{\n\t\t\"msg\":\"Service Currently Unavailable\",\n\t\t\"code\":\"20000\",\n\t\t\"sub_msg\":\"系统繁忙\",\n\t\t\"sub_code\":\"isp.unknow-error\"\n\t}";

fn alipay_private() -> AppPrivateKey {
    AppPrivateKey::parse(include_str!("keys/alipay_private_pkcs8.pem")).unwrap()
}

fn alipay_public() -> AlipayPublicKey {
    AlipayPublicKey::parse(include_str!("keys/alipay_public.pem")).unwrap()
}

fn sign(span: &str) -> String {
    alipay_private()
        .unblinded()
        .sign(SignType::Rsa2, Message::Bytes(span.as_bytes()))
        .unwrap()
        .as_str()
        .to_string()
}

/// `{"<node>":<span>,"sign":"<signature over span>"}`, laid out like the seed page.
fn signed_body(node: &str, span: &str) -> String {
    format!("{{\n\t\"{node}\":{span},\n\t\"sign\":\"{}\"\n}}", sign(span))
}

fn opts() -> ResponseOptions {
    ResponseOptions::new()
}

fn verify<'a>(body: &'a [u8], method: &str) -> Result<response::VerifiedResponse<'a>, Error> {
    UntrustedResponse::parse(body, method)?.verify(SignType::Rsa2, &alipay_public(), opts())
}

#[test]
fn seed_success_example_verifies_and_decodes() {
    let body = signed_body(NODE, SEED_SUCCESS);
    let untrusted = UntrustedResponse::parse_for::<VerifyIdentityApply>(body.as_bytes()).unwrap();
    assert_eq!(untrusted.signed_span(), SEED_SUCCESS.as_bytes());
    assert_eq!(&body.as_bytes()[untrusted.span_range()], SEED_SUCCESS.as_bytes());
    let reply = response::decode::<VerifyIdentityApply>(
        body.as_bytes(),
        SignType::Rsa2,
        &alipay_public(),
        opts(),
    )
    .unwrap();
    assert!(reply.is_success() && reply.is_verified());
    assert_eq!(reply.authenticity, Authenticity::Verified);
    assert_eq!(reply.status.gateway_code(), GatewayCode::Success);
    let body = reply.body.unwrap();
    // The query itself failed: a business outcome next to a gateway success.
    assert!(!body.is_success);
    assert_eq!(body.err_code, Some(ErrCode::SystemError));
    assert_eq!(body.err_message.as_deref(), Some("系统错误"));
    assert_eq!(body.usable_product_group.len(), 1);
    assert_eq!(body.usable_product_group[0].id, 1);
    assert_eq!(body.usable_product_group[0].name, ProductName::NativePaymentPassword);
    assert_eq!(body.unusable_product_list[0].name, ProductName::Face);
    assert_eq!(body.unusable_product_list[0].uuid, None);
}

#[test]
fn seed_error_example_is_data_not_an_err() {
    let body = signed_body(NODE, SEED_ERROR);
    let reply = response::decode::<VerifyIdentityApply>(
        body.as_bytes(),
        SignType::Rsa2,
        &alipay_public(),
        opts(),
    )
    .unwrap();
    assert!(reply.is_verified());
    assert!(!reply.is_success());
    assert_eq!(reply.status.code, "20000");
    assert_eq!(reply.status.msg, "Service Currently Unavailable");
    assert_eq!(reply.status.sub_code.as_deref(), Some("isp.unknow-error"));
    assert_eq!(reply.status.sub_msg.as_deref(), Some("系统繁忙"));
    assert_eq!(reply.status.gateway_code(), GatewayCode::ServiceUnavailable);
    assert!(reply.status.gateway_code().is_outcome_unknown());
    assert_eq!(reply.status.sub_code_class(), Some(SubCodeClass::Isp));
    assert_eq!(reply.body, None, "the error node has no is_success");
}

#[test]
fn every_gateway_code_is_distinguishable_data() {
    let table = [
        ("20000", "isp.unknow-error", GatewayCode::ServiceUnavailable, SubCodeClass::Isp),
        ("20000", "aop.unknow-error", GatewayCode::ServiceUnavailable, SubCodeClass::Aop),
        (
            "20001",
            "aop.invalid-auth-token",
            GatewayCode::InsufficientTokenPermissions,
            SubCodeClass::Aop,
        ),
        ("40001", "isv.missing-method", GatewayCode::MissingArguments, SubCodeClass::Isv),
        ("40002", "isv.invalid-app-id", GatewayCode::InvalidArguments, SubCodeClass::Isv),
        (
            "40003",
            "isv.insufficient-isv-permissions",
            GatewayCode::InsufficientConditions,
            SubCodeClass::Isv,
        ),
        ("40004", "ACQ.TRADE_NOT_EXIST", GatewayCode::BusinessFailed, SubCodeClass::Business),
        ("40005", "aop.call-limited", GatewayCode::CallLimited, SubCodeClass::Aop),
        (
            "40006",
            "isv.insufficient-permissions",
            GatewayCode::InsufficientPermissions,
            SubCodeClass::Isv,
        ),
    ];
    for (code, sub, want, class) in table {
        let span = format!(r#"{{"code":"{code}","msg":"m","sub_code":"{sub}","sub_msg":"s"}}"#);
        // Signed in the method node and unsigned in error_response: both are data.
        for body in [signed_body(NODE, &span), format!(r#"{{"error_response":{span}}}"#)] {
            let reply = response::decode::<VerifyIdentityApply>(
                body.as_bytes(),
                SignType::Rsa2,
                &alipay_public(),
                opts(),
            )
            .unwrap();
            assert_eq!(reply.status.gateway_code(), want, "{code}");
            assert_eq!(want.as_code(), Some(code));
            assert_eq!(reply.status.sub_code_class(), Some(class), "{sub}");
            assert!(!reply.is_success());
        }
    }
}

#[test]
fn unsigned_error_is_accepted_unverified_but_unsigned_success_is_not() {
    let error = br#"{"error_response":{"code":"40002","msg":"Invalid Arguments","sub_code":"isv.invalid-app-id"},"sign":""}"#;
    let v = verify(error, METHOD).unwrap();
    assert_eq!(v.authenticity(), Authenticity::Unsigned);
    assert!(!v.is_verified());
    assert_eq!(v.status().unwrap().sub_code.as_deref(), Some("isv.invalid-app-id"));
    assert_eq!(
        v.decode::<serde_json::Value>(),
        Err(Error::Unsigned),
        "typed data needs a signature"
    );
    let strict = UntrustedResponse::parse(error, METHOD).unwrap().verify(
        SignType::Rsa2,
        &alipay_public(),
        opts().accept_unsigned_errors(false),
    );
    assert_eq!(strict.unwrap_err(), Error::Unsigned);

    let success = format!(r#"{{"{NODE}":{SEED_SUCCESS}}}"#);
    assert_eq!(verify(success.as_bytes(), METHOD).unwrap_err(), Error::Unsigned);
    // Java's StringUtils.isEmpty: an empty or whitespace-only sub_code is no sub_code, so
    // the response counts as a success, which needs a signature.
    for sub_code in ["", " ", "\\t\\n", "\\u3000"] {
        let body = format!(r#"{{"{NODE}":{{"code":"40004","sub_code":"{sub_code}"}}}}"#);
        assert_eq!(verify(body.as_bytes(), METHOD).unwrap_err(), Error::Unsigned, "{sub_code:?}");
    }
}

#[test]
fn a_blank_sub_code_is_no_sub_code() {
    for sub_code in ["", " ", "\t", "\u{3000}"] {
        let status = response::Status {
            code: "10000".into(),
            msg: "Success".into(),
            sub_code: Some(sub_code.into()),
            sub_msg: None,
        };
        assert!(status.is_success(), "{sub_code:?}");
        assert_eq!(status.sub_code_class(), None, "{sub_code:?}");
    }
    let status = response::Status {
        code: "10000".into(),
        msg: "Success".into(),
        sub_code: Some(" isp.x".into()),
        sub_msg: None,
    };
    assert!(!status.is_success());
}

/// Decodes a signed method node holding `span`.
fn decode_signed(span: &str) -> Result<Reply<VerifyIdentityApplyResponse>, Error> {
    let body = signed_body(NODE, span);
    response::decode::<VerifyIdentityApply>(
        body.as_bytes(),
        SignType::Rsa2,
        &alipay_public(),
        opts(),
    )
}

#[test]
fn product_lists_blank_or_null_are_empty_and_other_shapes_name_their_field() {
    for text in ["", " ", "\\u3000", "\\u000b", "null"] {
        let span = format!(
            r#"{{"code":"10000","msg":"Success","is_success":"true","usable_product_group":"{text}","unusable_product_list":"{text}"}}"#
        );
        let body = decode_signed(&span).unwrap().body.unwrap();
        assert!(body.usable_product_group.is_empty() && body.unusable_product_list.is_empty());
    }
    // JSON null is no products as well.
    let span =
        r#"{"code":"10000","msg":"Success","is_success":"true","usable_product_group":null}"#;
    assert!(decode_signed(span).unwrap().body.unwrap().usable_product_group.is_empty());
    // The page defines no other shape: a typed error naming the field, and the verified
    // status and fields are still there.
    for (field, text) in [
        ("usable_product_group", r#"{\"name\":\"FACE\"}"#),
        ("unusable_product_list", r#"[1]"#),
        ("usable_product_group", "7"),
    ] {
        let span =
            format!(r#"{{"code":"10000","msg":"Success","is_success":"true","{field}":"{text}"}}"#);
        match decode_signed(&span) {
            Err(Error::Json { detail, .. }) => assert!(detail.starts_with(field), "{detail}"),
            other => panic!("{other:?}"),
        }
        let body = signed_body(NODE, &span);
        let verified = verify(body.as_bytes(), METHOD).unwrap();
        assert!(verified.status().unwrap().is_success());
        let raw: serde_json::Value = verified.decode().unwrap();
        assert_eq!(raw[field], serde_json::Value::String(text.replace("\\\"", "\"")));
    }
}

#[test]
fn blank_err_fields_are_none_and_err_code_is_read_from_body_or_sub_code() {
    let span =
        r#"{"code":"10000","msg":"Success","is_success":"true","err_code":"","err_message":" "}"#;
    let reply = decode_signed(span).unwrap();
    let body = reply.body.as_ref().unwrap();
    assert_eq!((body.err_code.as_ref(), body.err_message.as_ref()), (None, None));
    assert_eq!(reply.err_code(), None);

    let span =
        r#"{"code":"10000","msg":"Success","is_success":"false","err_code":"USABLE_QUERY_FAIL"}"#;
    assert_eq!(decode_signed(span).unwrap().err_code(), Some(ErrCode::UsableQueryFail));
    for (code, sub_code, want) in [
        ("40004", "SYSTEM_ERROR", Some(ErrCode::SystemError)),
        ("40004", "USABLE_QUERY_FAIL", Some(ErrCode::UsableQueryFail)),
        ("40004", "NEW_CODE", Some(ErrCode::Other("NEW_CODE".into()))),
        ("20000", "isp.unknow-error", None),
        ("40002", "isv.invalid-app-id", None),
    ] {
        let span =
            format!(r#"{{"code":"{code}","msg":"m","sub_code":"{sub_code}","sub_msg":"s"}}"#);
        let reply = decode_signed(&span).unwrap();
        assert!(reply.body.is_none(), "{code}");
        assert_eq!(reply.err_code(), want, "{code} {sub_code}");
    }
}

#[test]
fn every_signature_bit_flip_is_rejected() {
    let body = signed_body(NODE, SEED_SUCCESS);
    let sig = Signature::from_base64(&sign(SEED_SUCCESS)).unwrap();
    let mut raw = [0u8; alipay_codec::signing::MAX_SIGNATURE_BYTES];
    let raw = sig.decode(&mut raw).unwrap().to_vec();
    assert!(verify(body.as_bytes(), METHOD).is_ok());
    for bit in 0..raw.len() * 8 {
        let mut flipped = raw.clone();
        flipped[bit / 8] ^= 1 << (bit % 8);
        let forged = Signature::from_bytes(&flipped).unwrap();
        let tampered = body.replace(sig.as_str(), forged.as_str());
        assert_eq!(
            verify(tampered.as_bytes(), METHOD).unwrap_err(),
            Error::InvalidSignature,
            "bit {bit}"
        );
    }
}

#[test]
fn every_byte_change_inside_the_span_is_rejected() {
    let span = r#"{"code":"10000","msg":"Success","is_success":"true","usable_product_group":"{\"id\":1,\"name\":\"FACE\"}","url":"https:\/\/x.y\/z"}"#;
    let body = signed_body(NODE, span);
    let range = UntrustedResponse::parse(body.as_bytes(), METHOD).unwrap().span_range();
    assert!(verify(body.as_bytes(), METHOD).unwrap().is_verified());
    for i in range {
        for delta in [0x01u8, 0x20, 0x80] {
            let mut tampered = body.clone().into_bytes();
            tampered[i] ^= delta;
            assert!(verify(&tampered, METHOD).is_err(), "byte {i} ^ {delta:#x} accepted");
        }
    }
}

#[test]
fn whitespace_and_order_outside_the_span_still_verify() {
    let s = sign(SEED_SUCCESS);
    let bodies = [
        format!("{{\"{NODE}\":{SEED_SUCCESS},\"sign\":\"{s}\"}}"),
        format!("\r\n {{ \t\"sign\"\r\n:\t\"{s}\" ,\n\"{NODE}\"  :  {SEED_SUCCESS}\r\n}}\n\t "),
        format!("{{\"alipay_cert_sn\":\"abc\",\"sign\":\"{s}\",\"{NODE}\":{SEED_SUCCESS}}}"),
        // JSON-escaped `/` inside the sign value: `sign` is compared unescaped.
        format!("{{\"{NODE}\":{SEED_SUCCESS},\"sign\":\"{}\"}}", s.replace('/', "\\/")),
    ];
    for body in &bodies {
        let v = verify(body.as_bytes(), METHOD).unwrap();
        assert_eq!(v.authenticity(), Authenticity::Verified, "{body}");
        assert_eq!(v.span(), SEED_SUCCESS.as_bytes());
    }
    let with_sn = verify(bodies[2].as_bytes(), METHOD).unwrap();
    assert_eq!(with_sn.cert_sn().unwrap().as_deref(), Some("abc"));
}

#[test]
fn duplicate_node_forged_first_or_last_is_rejected() {
    let genuine = SEED_SUCCESS;
    let forged = SEED_SUCCESS.replace("\"false\"", "\"true\"");
    let s = sign(genuine);
    for body in [
        format!(r#"{{"{NODE}":{forged},"{NODE}":{genuine},"sign":"{s}"}}"#),
        format!(r#"{{"{NODE}":{genuine},"{NODE}":{forged},"sign":"{s}"}}"#),
        format!(r#"{{"{NODE}":{genuine},"sign":"{s}","{NODE}":{forged}}}"#),
    ] {
        let err = UntrustedResponse::parse(body.as_bytes(), METHOD).unwrap_err();
        assert_eq!(err, Error::DuplicateMember { name: NODE.into() });
    }
}

#[test]
fn duplicate_sign_or_cert_sn_is_rejected() {
    let s = sign(SEED_SUCCESS);
    let body = format!(r#"{{"sign":"AAAA","{NODE}":{SEED_SUCCESS},"sign":"{s}"}}"#);
    assert_eq!(scan(body.as_bytes()).unwrap_err(), Error::DuplicateMember { name: "sign".into() });
    let body = format!(r#"{{"alipay_cert_sn":"a","{NODE}":{SEED_SUCCESS},"alipay_cert_sn":"b"}}"#);
    assert_eq!(
        scan(body.as_bytes()).unwrap_err(),
        Error::DuplicateMember { name: "alipay_cert_sn".into() }
    );
}

#[test]
fn escaped_member_names_are_rejected() {
    let s = sign(SEED_SUCCESS);
    let body = format!(r#"{{"{NODE}":{SEED_SUCCESS},"sig\u006e":"{s}"}}"#);
    assert!(matches!(
        scan(body.as_bytes()),
        Err(Error::Malformed { what: "escaped top-level member name", .. })
    ));
}

#[test]
fn node_name_inside_strings_and_nested_keys_is_not_the_node() {
    let s = sign(SEED_SUCCESS);
    // The node name (and a forged object, and "sign") inside an earlier string.
    let decoy =
        format!(r#""\"{NODE}\":{{\"code\":\"10000\",\"is_success\":\"true\"}},\"sign\":\"x\"}}""#);
    let body = format!(r#"{{"note":{decoy},"{NODE}":{SEED_SUCCESS},"sign":"{s}"}}"#);
    let v = verify(body.as_bytes(), METHOD).unwrap();
    assert_eq!(v.span(), SEED_SUCCESS.as_bytes());
    // Only in a string or nested: there is no node.
    let body = format!(r#"{{"note":{decoy},"other":{{"{NODE}":{SEED_SUCCESS}}},"sign":"{s}"}}"#);
    assert!(
        matches!(UntrustedResponse::parse(body.as_bytes(), METHOD), Err(Error::NoNode { expected }) if expected == NODE)
    );
}

#[test]
fn a_response_for_method_a_never_decodes_as_method_b() {
    struct TradeQuery;
    impl Method for TradeQuery {
        const NAME: &'static str = "alipay.trade.query";
        type BizContent = ();
        type Response = serde_json::Value;
    }
    let body = signed_body(NODE, SEED_SUCCESS);
    assert!(matches!(
        response::decode::<TradeQuery>(body.as_bytes(), SignType::Rsa2, &alipay_public(), opts()),
        Err(Error::NoNode { expected }) if expected == "alipay_trade_query_response"
    ));
    let verified = verify(body.as_bytes(), METHOD).unwrap();
    assert!(matches!(verified.reply::<TradeQuery>(), Err(Error::NoNode { .. })));
    assert!(verified.reply::<VerifyIdentityApply>().is_ok());
}

#[test]
fn error_response_fallback_and_method_node_preference() {
    let span = r#"{"code":"40002","msg":"Invalid Arguments","sub_code":"isv.invalid-signature"}"#;
    let body = signed_body("error_response", span);
    let v = verify(body.as_bytes(), METHOD).unwrap();
    assert!(v.is_error_node() && v.is_verified());
    let body = format!(
        r#"{{"error_response":{span},"{NODE}":{SEED_SUCCESS},"sign":"{}"}}"#,
        sign(SEED_SUCCESS)
    );
    assert_eq!(verify(body.as_bytes(), METHOD).unwrap().node_name(), NODE);
}

#[test]
fn encrypted_node_span_includes_quotes() {
    let span = r#""4AOYHE0rpPnRnghunsGo+mY02DzANFLwNJJCiHfrNh2o\/aB2pn33PwOEOvH8mjhkE3Wh=""#;
    let body = signed_body(NODE, span);
    let v = verify(body.as_bytes(), METHOD).unwrap();
    assert_eq!(v.node_kind(), NodeKind::Encrypted);
    assert_eq!(v.span(), span.as_bytes());
    assert!(matches!(v.reply::<VerifyIdentityApply>(), Err(Error::Json { .. })));
    let body = format!(r#"{{"{NODE}":12,"sign":"{}"}}"#, sign("12"));
    assert_eq!(
        UntrustedResponse::parse(body.as_bytes(), METHOD).unwrap_err(),
        Error::NodeNotObject
    );
}

#[test]
fn slash_retry_default_on_and_token_aware() {
    let escaped =
        r#"{"code":"10000","msg":"Success","is_success":"true","qr":"https:\/\/qr.alipay.com\/x"}"#;
    let plain = escaped.replace(r"\/", "/");
    let body = format!(r#"{{"{NODE}":{escaped},"sign":"{}"}}"#, sign(&plain));
    let v = verify(body.as_bytes(), METHOD).unwrap();
    assert_eq!(v.authenticity(), Authenticity::VerifiedWithSlashRetry);
    assert!(v.is_verified());
    // The typed data is decoded from the received span: the same JSON values.
    assert_eq!(v.decode::<serde_json::Value>().unwrap()["qr"], "https://qr.alipay.com/x");
    let off = UntrustedResponse::parse(body.as_bytes(), METHOD).unwrap().verify(
        SignType::Rsa2,
        &alipay_public(),
        opts().slash_retry(false),
    );
    assert_eq!(off.unwrap_err(), Error::InvalidSignature);
    // `\\/` is an escaped backslash then `/`: a blind text replace would turn it into `\/`
    // and change the value; the retry does not, so a signature over that text fails.
    let tricky = r#"{"code":"10000","v":"a\\/b"}"#;
    let blind = tricky.replacen(r"\/", "/", 1);
    assert_eq!(blind, r#"{"code":"10000","v":"a\/b"}"#);
    let body = format!(r#"{{"{NODE}":{tricky},"sign":"{}"}}"#, sign(&blind));
    assert_eq!(verify(body.as_bytes(), METHOD).unwrap_err(), Error::InvalidSignature);
}

#[test]
fn bad_sign_values_are_typed_errors() {
    for (sign, want) in [
        ("not base64!", Error::SignatureNotBase64),
        ("QUJD", Error::SignatureLength { expected: 256, actual: 3 }),
    ] {
        let body = format!(r#"{{"{NODE}":{SEED_SUCCESS},"sign":"{sign}"}}"#);
        assert_eq!(verify(body.as_bytes(), METHOD).unwrap_err(), want, "{sign}");
    }
    // A broken escape inside `sign`: malformed (its offset and wording are the scanner's).
    let body = format!(r#"{{"{NODE}":{SEED_SUCCESS},"sign":"QUJD\u0zz0"}}"#);
    let got = verify(body.as_bytes(), METHOD).unwrap_err();
    assert!(matches!(got, Error::Malformed { .. }), "{got:?}");
    let body = format!(r#"{{"{NODE}":{SEED_SUCCESS},"sign":123}}"#);
    assert_eq!(verify(body.as_bytes(), METHOD).unwrap_err(), Error::NotAString { name: "sign" });
    let body = format!(r#"{{"{NODE}":{SEED_SUCCESS},"alipay_cert_sn":null}}"#);
    assert_eq!(
        verify(body.as_bytes(), METHOD).unwrap_err(),
        Error::NotAString { name: "alipay_cert_sn" }
    );
}

#[test]
fn every_truncation_is_a_typed_error() {
    let body = signed_body(NODE, SEED_SUCCESS);
    for end in 0..body.len() {
        let got = UntrustedResponse::parse(&body.as_bytes()[..end], METHOD);
        assert!(matches!(got, Err(Error::Malformed { .. })), "prefix {end}: {got:?}");
    }
}

#[test]
fn non_utf8_invalid_escapes_and_limits_are_typed_errors() {
    let mut body = signed_body(NODE, SEED_SUCCESS).into_bytes();
    body[40] = 0xff;
    assert_eq!(scan(&body).unwrap_err(), Error::Malformed { offset: 40, what: "not UTF-8" });
    for bad in [r#"{"a":"\q"}"#, r#"{"a":"\u12G4"}"#, r#"{"a":"\ud800x"}"#, r#"{"a":"\udfff"}"#] {
        assert!(matches!(scan(bad.as_bytes()), Err(Error::Malformed { .. })), "{bad}");
    }
    // Nesting: the top-level object counts as one level.
    let nested =
        |levels: usize| format!("{{\"a\":{}1{}}}", "[".repeat(levels - 1), "]".repeat(levels - 1));
    assert!(scan(nested(MAX_DEPTH).as_bytes()).is_ok());
    assert!(matches!(scan(nested(MAX_DEPTH + 1).as_bytes()), Err(Error::TooDeep { .. })));
    assert!(matches!(scan(nested(100_000).as_bytes()), Err(Error::TooDeep { .. })));
    // Members.
    let members = |n: usize| {
        format!("{{{}}}", (0..n).map(|i| format!("\"m{i}\":0")).collect::<Vec<_>>().join(","))
    };
    assert_eq!(scan(members(MAX_MEMBERS).as_bytes()).unwrap().len(), MAX_MEMBERS);
    assert_eq!(scan(members(MAX_MEMBERS + 1).as_bytes()).unwrap_err(), Error::TooManyMembers);
    assert_eq!(scan(members(100_000).as_bytes()).unwrap_err(), Error::TooManyMembers);
    for bad in ["", "[]", "{", "{}x", "{\"a\":1,}", "\"x\""] {
        assert!(matches!(scan(bad.as_bytes()), Err(Error::Malformed { .. })), "{bad:?}");
    }
    assert!(matches!(UntrustedResponse::parse(b"{}", METHOD), Err(Error::NoNode { .. })));
}

#[test]
fn is_success_must_be_the_string_true_or_false() {
    for (value, ok) in [
        (r#""true""#, Some(true)),
        (r#""false""#, Some(false)),
        ("true", None),
        (r#""TRUE""#, None),
        (r#""1""#, None),
    ] {
        let span = format!(r#"{{"code":"10000","msg":"Success","is_success":{value}}}"#);
        let got = response::decode::<VerifyIdentityApply>(
            signed_body(NODE, &span).as_bytes(),
            SignType::Rsa2,
            &alipay_public(),
            opts(),
        );
        match ok {
            Some(b) => assert_eq!(got.unwrap().body.unwrap().is_success, b),
            None => assert!(matches!(got, Err(Error::Json { .. })), "{value}: {got:?}"),
        }
    }
}

#[test]
fn product_lists_and_unknown_codes() {
    let span = r#"{"is_success":"true","err_code":"NEW_CODE","usable_product_group":"[{\"id\":1,\"name\":\"FACE\",\"uuid\":\"u1\"},{\"id\":\"2\",\"name\":\"SMS\"}]","unusable_product_list":""}"#;
    let r: VerifyIdentityApplyResponse = serde_json::from_str(span).unwrap();
    assert_eq!(r.err_code, Some(ErrCode::Other("NEW_CODE".into())));
    assert_eq!(r.usable_product_group.len(), 2);
    assert_eq!(r.usable_product_group[0].uuid.as_deref(), Some("u1"));
    assert_eq!(r.usable_product_group[1].id, 2);
    assert_eq!(r.usable_product_group[1].name, ProductName::Other("SMS".into()));
    assert!(r.unusable_product_list.is_empty());
    let bad = r#"{"is_success":"true","usable_product_group":"{\"name\":\"FACE\"}"}"#;
    assert!(serde_json::from_str::<VerifyIdentityApplyResponse>(bad).is_err(), "id is required");
}

proptest! {
    /// Random bytes almost never scan: this only shows that nothing panics on them. The
    /// span properties are checked on mutated valid bodies below, which often still scan.
    #[test]
    fn scan_and_parse_never_panic_on_random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        let _ = scan(&bytes);
        let _ = UntrustedResponse::parse(&bytes, METHOD);
    }

    #[test]
    fn mutated_bodies_never_panic_and_agree_with_serde_json(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4)
    ) {
        let mut body = format!(r#"{{"{NODE}":{SEED_SUCCESS},"sign":"QUJD","x":[1,-2.5e3,null,true,{{"k":"\u00e9"}}]}}"#).into_bytes();
        for (at, byte) in edits {
            let i = at.index(body.len());
            body[i] = byte;
        }
        let ours = scan(&body);
        // Our tokenizer accepts exactly the JSON serde_json accepts (we additionally refuse
        // duplicate members and escaped top-level names).
        let theirs = serde_json::from_slice::<serde_json::Value>(&body);
        if ours.is_ok() {
            prop_assert!(theirs.is_ok());
        } else if let Err(Error::Malformed { what, .. }) = &ours {
            if *what != "escaped top-level member name" && *what != "expected '{' at the top level" {
                prop_assert!(theirs.is_err(), "{:?}", ours);
            }
        }
        if let Ok(members) = &ours {
            for m in members.iter() {
                prop_assert_eq!(&body[m.range()], m.value());
                prop_assert!(!m.value().is_empty());
            }
        }
        if let Ok(u) = UntrustedResponse::parse(&body, METHOD) {
            prop_assert_eq!(&body[u.span_range()], u.signed_span());
            let first = u.signed_span().first().copied();
            prop_assert!(first == Some(b'{') || first == Some(b'"'), "span starts with {:?}", first);
        }
    }
}
