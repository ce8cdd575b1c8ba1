//! Notifications: V1/V2 and try-V2-then-V1, `+` vs `%2B`, `%` inside `passback_params`,
//! `alipay_cert_sn`, typed fields, tampering. Signed with the bundled "Alipay" test key.

use alipay_codec::form;
use alipay_codec::notify::{Amount, NotifyMode, NotifyOptions, TradeStatus, UntrustedNotification};
use alipay_codec::{AlipayPublicKey, AppPrivateKey, Error, Message, SignContent, SignType, Signer};

fn alipay_public() -> AlipayPublicKey {
    AlipayPublicKey::parse(include_str!("keys/alipay_public.pem")).unwrap()
}

/// Signs `params` as Alipay would in `mode` and returns the signature.
fn sign(params: &[(&str, &str)], mode: NotifyMode, with_cert_sn: bool) -> String {
    let mut signed: Vec<(&str, &str)> = params
        .iter()
        .copied()
        .filter(|&(k, _)| {
            !(mode == NotifyMode::V1 && k == "sign_type") && (with_cert_sn || k != "alipay_cert_sn")
        })
        .collect();
    let content = SignContent::new(&mut signed).unwrap();
    let key = AppPrivateKey::parse(include_str!("keys/alipay_private_pkcs8.pem")).unwrap();
    key.unblinded().sign(SignType::Rsa2, Message::Content(content)).unwrap().as_str().to_string()
}

/// The form body Alipay would POST: every pair form-encoded once, `sign` included.
fn form_of(params: &[(&str, &str)], sign: &str) -> String {
    let mut out = String::new();
    form::encode_pairs_into(params.iter().copied().chain([("sign", sign)]), &mut out);
    out
}

const TRADE: &[(&str, &str)] = &[
    ("notify_type", "trade_status_sync"),
    ("notify_id", "2024010100222000000000000000000000"),
    ("notify_time", "2024-01-01 12:00:00"),
    ("app_id", "2021000000000000"),
    ("trade_no", "2024010122001400000000000001"),
    ("out_trade_no", "order 1+2"),
    ("trade_status", "TRADE_SUCCESS"),
    ("total_amount", "88.80"),
    ("subject", "测试 & = 订单"),
    ("passback_params", "a%3Db%26c%3D%E4%B8%AD"),
    ("body", ""),
    ("charset", "utf-8"),
    ("sign_type", "RSA2"),
];

fn verify(form: &str, mode: NotifyMode) -> Result<alipay_codec::VerifiedNotification<'_>, Error> {
    UntrustedNotification::parse(form.as_bytes())?.verify(
        SignType::Rsa2,
        &alipay_public(),
        NotifyOptions::new(mode),
    )
}

#[test]
fn v1_trade_notification_verifies_with_typed_fields() {
    let form = form_of(TRADE, &sign(TRADE, NotifyMode::V1, false));
    let n = verify(&form, NotifyMode::V1).unwrap();
    assert_eq!(n.mode(), NotifyMode::V1);
    assert_eq!(n.notify_type(), Some("trade_status_sync"));
    assert_eq!(n.notify_id(), Some("2024010100222000000000000000000000"));
    assert_eq!(n.app_id(), Some("2021000000000000"));
    assert_eq!(n.trade_no(), Some("2024010122001400000000000001"));
    assert_eq!(n.out_trade_no(), Some("order 1+2"));
    assert_eq!(n.trade_status(), Some(TradeStatus::TradeSuccess));
    assert!(n.trade_status().unwrap().is_paid());
    assert_eq!(n.total_amount().unwrap(), Some(Amount::parse("x", "88.8").unwrap()));
    assert_eq!(n.total_amount().unwrap().unwrap().fen(), 8880);
    assert_eq!(n.get("subject"), Some("测试 & = 订单"));
    // Only what the signature covers: no sign, no (unsigned in V1) sign_type, no empty body.
    assert_eq!(n.get("sign"), None);
    assert_eq!(n.get("sign_type"), None);
    assert_eq!(n.get("body"), None);
    let keys: Vec<&str> = n.params().map(|(k, _)| k).collect();
    let mut sorted = keys.clone();
    sorted.sort_unstable();
    assert_eq!(keys, sorted);
    assert_eq!(n.clone().into_owned().into_pairs().len(), keys.len());
}

#[test]
fn modes_do_not_cross_and_v2_then_v1_finds_either() {
    let v1 = form_of(TRADE, &sign(TRADE, NotifyMode::V1, false));
    let v2 = form_of(TRADE, &sign(TRADE, NotifyMode::V2, false));
    assert_eq!(verify(&v1, NotifyMode::V2).unwrap_err(), Error::InvalidSignature);
    assert_eq!(verify(&v2, NotifyMode::V1).unwrap_err(), Error::InvalidSignature);
    let n = verify(&v2, NotifyMode::V2).unwrap();
    assert_eq!(n.get("sign_type"), Some("RSA2"), "sign_type is signed in V2");
    assert_eq!(verify(&v1, NotifyMode::V2ThenV1).unwrap().mode(), NotifyMode::V1);
    assert_eq!(verify(&v2, NotifyMode::V2ThenV1).unwrap().mode(), NotifyMode::V2);
    let tampered = v1.replace("total_amount=88.80", "total_amount=88.81");
    assert_eq!(verify(&tampered, NotifyMode::V2ThenV1).unwrap_err(), Error::InvalidSignature);
}

#[test]
fn tampered_values_are_rejected() {
    let form = form_of(TRADE, &sign(TRADE, NotifyMode::V1, false));
    for (from, to) in [
        ("total_amount=88.80", "total_amount=88.81"),
        ("TRADE_SUCCESS", "TRADE_FINISHED"),
        ("order+1%2B2", "order+1%2B3"),
        ("&charset=utf-8", "&charset=utf-8&extra=1"),
    ] {
        assert!(form.contains(from), "{from}");
        let tampered = form.replace(from, to);
        assert_eq!(verify(&tampered, NotifyMode::V1).unwrap_err(), Error::InvalidSignature, "{to}");
    }
    // An unsigned parameter added in V1 position (sign_type) does not matter: it is not signed
    // and not returned.
    let changed = form.replace("sign_type=RSA2", "sign_type=RSA");
    assert_eq!(verify(&changed, NotifyMode::V1).unwrap().get("sign_type"), None);
}

#[test]
fn plus_is_space_and_percent_2b_is_plus() {
    // Find an order number whose signature holds a '+', so the encoding matters.
    let (params, sig) = (0..200)
        .map(|i| {
            let mut p = TRADE.to_vec();
            let id: &'static str = Box::leak(format!("order-{i}").into_boxed_str());
            p[5] = ("out_trade_no", id);
            let s = sign(&p, NotifyMode::V1, false);
            (p, s)
        })
        .find(|(_, s)| s.contains('+'))
        .unwrap();
    let form = form_of(&params, &sig);
    assert!(form.contains("%2B"));
    assert!(verify(&form, NotifyMode::V1).is_ok());
    // A framework that re-encoded the sign with a raw '+' turns it into a space: typed error.
    let mut encoded = String::new();
    form::encode_into(&sig, &mut encoded);
    let raw_plus = form.replace(&encoded, &sig.replace('/', "%2F").replace('=', "%3D"));
    assert!(raw_plus.contains('+') && raw_plus != form);
    assert_eq!(verify(&raw_plus, NotifyMode::V1).unwrap_err(), Error::SignatureNotBase64);
    // `+` in a value is a space after the one decode: "order 1+2" was sent as order+1%2B2.
    let form = form_of(TRADE, &sign(TRADE, NotifyMode::V1, false));
    assert!(form.contains("out_trade_no=order+1%2B2"));
    assert_eq!(verify(&form, NotifyMode::V1).unwrap().out_trade_no(), Some("order 1+2"));
}

#[test]
fn percent_inside_passback_params_survives_the_single_decode() {
    let form = form_of(TRADE, &sign(TRADE, NotifyMode::V1, false));
    assert!(form.contains("passback_params=a%253Db%2526c%253D%25E4%25B8%25AD"));
    let untrusted = UntrustedNotification::parse(form.as_bytes()).unwrap();
    let content = untrusted.content(NotifyMode::V1, false).unwrap();
    assert!(content.contains("&passback_params=a%3Db%26c%3D%E4%B8%AD&"), "{content}");
    let n = untrusted
        .verify(SignType::Rsa2, &alipay_public(), NotifyOptions::new(NotifyMode::V1))
        .unwrap();
    assert_eq!(n.get("passback_params"), Some("a%3Db%26c%3D%E4%B8%AD"));
    // A signature over the twice-decoded value does not verify against the real form.
    let mut twice = TRADE.to_vec();
    twice[9] = ("passback_params", "a=b&c=中");
    let wrong = form_of(TRADE, &sign(&twice, NotifyMode::V1, false));
    assert_eq!(verify(&wrong, NotifyMode::V1).unwrap_err(), Error::InvalidSignature);
}

#[test]
fn alipay_cert_sn_is_stripped_by_default_and_can_be_kept() {
    let mut params = TRADE.to_vec();
    params.push(("alipay_cert_sn", "6f1e366a31d9575cd546914a31ae0c4a"));
    let stripped_sig = sign(&params, NotifyMode::V1, false);
    let form = form_of(&params, &stripped_sig);
    let n = verify(&form, NotifyMode::V1).unwrap();
    assert_eq!(n.cert_sn(), Some("6f1e366a31d9575cd546914a31ae0c4a"));
    assert_eq!(n.get("alipay_cert_sn"), None, "not covered by the signature");
    let keep = NotifyOptions::new(NotifyMode::V1).keep_cert_sn(true);
    let parsed = UntrustedNotification::parse(form.as_bytes()).unwrap();
    assert_eq!(parsed.cert_sn(), Some("6f1e366a31d9575cd546914a31ae0c4a"));
    assert_eq!(
        parsed.verify(SignType::Rsa2, &alipay_public(), keep).unwrap_err(),
        Error::InvalidSignature
    );

    let kept_form = form_of(&params, &sign(&params, NotifyMode::V1, true));
    let n = UntrustedNotification::parse(kept_form.as_bytes())
        .unwrap()
        .verify(SignType::Rsa2, &alipay_public(), keep)
        .unwrap();
    assert_eq!(n.get("alipay_cert_sn"), Some("6f1e366a31d9575cd546914a31ae0c4a"));
    assert_eq!(verify(&kept_form, NotifyMode::V1).unwrap_err(), Error::InvalidSignature);
}

#[test]
fn bad_notifications_are_typed_errors() {
    assert_eq!(
        verify("a=1&b=2", NotifyMode::V1).unwrap_err(),
        Error::MissingParam { name: "sign" }
    );
    assert_eq!(
        verify("a=1&sign=", NotifyMode::V1).unwrap_err(),
        Error::MissingParam { name: "sign" }
    );
    assert_eq!(
        verify("a=1&sign=%%%", NotifyMode::V1).unwrap_err(),
        Error::Form {
            param: Some("sign".into()),
            offset: 9,
            what: "'%' not followed by two hex digits"
        }
    );
    assert!(
        matches!(verify("a=1&a=1&sign=QUJD", NotifyMode::V1), Err(Error::DuplicateKey { key }) if key == "a")
    );
    assert!(
        matches!(verify("a=1&sign=QUJD&sign=QUJD", NotifyMode::V1), Err(Error::DuplicateKey { key }) if key == "sign")
    );
    assert_eq!(
        verify("a=1&sign=QUJD", NotifyMode::V1).unwrap_err(),
        Error::SignatureLength { expected: 256, actual: 3 }
    );
    assert!(matches!(UntrustedNotification::parse(b"a=\xff"), Err(Error::Form { .. })));
    assert!(matches!(verify("a%20b=1&sign=QUJD", NotifyMode::V1), Err(Error::InvalidKey { .. })));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(32))]

    /// Any parameters (values with `&`, `=`, `+`, `%`, CJK, empty), signed in either mode and
    /// form-encoded as Alipay posts them: the notification verifies, and holds exactly the
    /// signed pairs, sorted; one changed value byte fails it.
    #[test]
    fn any_notification_round_trips_and_any_changed_value_fails(
        params in proptest::collection::btree_map("[a-z_]{1,12}", "([\\PC&&\\S]\\PC{0,19})?", 1..10),
        v1 in proptest::prelude::any::<bool>(),
        at in proptest::prelude::any::<proptest::sample::Index>(),
    ) {
        let pairs: Vec<(&str, &str)> =
            params.iter().filter(|(k, _)| *k != "sign").map(|(k, v)| (k.as_str(), v.as_str())).collect();
        proptest::prop_assume!(!pairs.is_empty());
        let mode = if v1 { NotifyMode::V1 } else { NotifyMode::V2 };
        let signature = sign(&pairs, mode, false);
        let body = form_of(&pairs, &signature);
        let verified = verify(&body, mode).unwrap();
        // What the signature covers: not blank, and not `sign_type` in V1.
        let covered = |k: &str, v: &str| !(v.is_empty() || mode == NotifyMode::V1 && k == "sign_type");
        let expected: Vec<(&str, &str)> = pairs
            .iter()
            .copied()
            .filter(|&(k, v)| covered(k, v))
            .collect();
        let got: Vec<(&str, &str)> = verified.params().collect();
        proptest::prop_assert_eq!(got, expected);

        // Change one value (append a byte to it) and the notification no longer verifies.
        let (key, value) = pairs[at.index(pairs.len())];
        proptest::prop_assume!(covered(key, value));
        let changed: Vec<(&str, String)> = pairs
            .iter()
            .map(|&(k, v)| (k, if k == key { format!("{v}x") } else { v.to_owned() }))
            .collect();
        let changed: Vec<(&str, &str)> = changed.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let tampered = form_of(&changed, &signature);
        proptest::prop_assert_eq!(verify(&tampered, mode).unwrap_err(), Error::InvalidSignature);
    }
}
