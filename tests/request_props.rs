//! Property tests of the request encoder: form encode → decode is the identity, and what is
//! sent is exactly what is signed, for any UTF-8 value.

use std::collections::BTreeMap;

use alipay_codec::api::verifyidentity::{
    AccountType, Product, ProductName, VerifyIdentityApply, VerifyIdentityApplyRequest,
};
use alipay_codec::api::Method;
use alipay_codec::request::AppConfig;
use alipay_codec::{form, Message, SignContent, SignType, Signature, Signer, Timestamp};
use proptest::prelude::*;
use sha2::{Digest, Sha256};

/// A cheap deterministic "signature": SHA-256 of the sign content, base64. Lets the property
/// check that the wire decodes back to exactly the signed bytes without RSA's cost.
struct HashSigner;

impl Signer for HashSigner {
    fn sign(&self, _: SignType, message: Message<'_>) -> alipay_codec::Result<Signature> {
        Signature::from_bytes(&message.digest::<Sha256>())
    }
}

proptest! {
    #[test]
    fn form_encode_then_decode_is_identity(value in any::<String>()) {
        let mut encoded = String::new();
        form::encode_into(&value, &mut encoded);
        prop_assert_eq!(encoded.len(), form::encoded_len(&value));
        prop_assert!(encoded.bytes().all(|b| b.is_ascii_alphanumeric() || b".-*_+%".contains(&b)));
        let decoded = form::decode_component(encoded.as_bytes(), 0).unwrap();
        prop_assert_eq!(&*decoded, value.as_str());

        // The same inside a whole `k=v` form.
        let mut pair = String::new();
        form::encode_pairs_into([("k", value.as_str())], &mut pair);
        let pairs = form::decode(pair.as_bytes()).unwrap();
        prop_assert_eq!(pairs.len(), 1);
        prop_assert_eq!(&*pairs[0].1, value.as_str());
    }

    #[test]
    fn what_is_sent_is_what_is_signed(
        name in "\\PC{1,40}",
        memo in any::<String>().prop_filter("not blank", |s| !s.trim().is_empty() && !s.chars().all(char::is_whitespace)),
        unix in 0i64..4_102_444_800,
    ) {
        let Ok(request) = VerifyIdentityApplyRequest::builder()
            .biz_id("b")
            .account_name(name)
            .account_id("a")
            .validate_product_group(Product::new(1, ProductName::Face))
            .scene_code("s")
            .build() else { return Ok(()) };
        let config = AppConfig::builder("2014072300007148").build().unwrap();
        let ts = Timestamp::from_unix(unix).unwrap();
        let encoded = match config.encode_with_params::<VerifyIdentityApply>(&request, &[("memo", &memo)], &ts, &HashSigner) {
            Ok(encoded) => encoded,
            // A memo that is blank to Java (e.g. only U+001C..U+001F) is refused, never dropped.
            Err(alipay_codec::Error::BlankParam { .. }) => return Ok(()),
            Err(e) => return Err(TestCaseError::fail(format!("{e}"))),
        };
        let query = form::decode(encoded.query().as_bytes()).unwrap();
        let body = form::decode(encoded.body().as_bytes()).unwrap();
        let mut pairs: Vec<(&str, &str)> = query.iter().chain(&body).map(|(k, v)| (&**k, &**v)).collect();
        let sign = pairs.iter().find(|(k, _)| *k == "sign").unwrap().1.to_owned();
        prop_assert!(pairs.iter().any(|&(k, v)| k == "memo" && v == memo));
        let content = SignContent::new(&mut pairs).unwrap();
        prop_assert_eq!(encoded.sign_content(), content.to_string());
        // What the wire decodes to is exactly what was signed.
        let expected = Signature::from_bytes(&Sha256::digest(content.to_string().as_bytes())).unwrap();
        prop_assert_eq!(sign.as_str(), expected.as_str());
        prop_assert_eq!(ts.to_unix(), unix);
    }

    #[test]
    fn typed_biz_content_json_is_serde_json(
        // Text heavy in what JSON escapes: quotes, backslashes, control bytes; and CJK.
        texts in proptest::collection::vec("([\"\\\\\u{0}-\u{1f}\u{7f}a张]|\\PC){1,24}", 5),
        account_name in proptest::option::of(Just(())),
        account_type in proptest::option::of(prop_oneof![Just(AccountType::AlipayUserId), Just(AccountType::Cert)]),
        biz_params in proptest::option::of(Just(())),
    ) {
        let mut builder = VerifyIdentityApplyRequest::builder()
            .biz_id(texts[0].clone())
            .account_id(texts[1].clone())
            .validate_product_group(Product::new(7, ProductName::Face).with_uuid(texts[2].clone()))
            .scene_code(texts[3].clone());
        if account_name.is_some() {
            builder = builder.account_name(texts[4].clone());
        }
        if let Some(account_type) = account_type {
            builder = builder.account_type(account_type);
        }
        if biz_params.is_some() {
            builder = builder.biz_params(&BTreeMap::from([(texts[4].clone(), texts[0].clone())]));
        }
        // Blank texts are refused by the builder; the others must serialize alike.
        let Ok(request) = builder.build() else { return Ok(()) };
        let fast = VerifyIdentityApply::biz_content_json(&request).unwrap();
        prop_assert_eq!(fast, serde_json::to_string(&request).unwrap());
    }

    #[test]
    fn timestamp_unix_round_trip(unix in -62_167_248_000i64..253_402_271_999) {
        let ts = Timestamp::from_unix(unix).unwrap();
        prop_assert_eq!(ts.to_unix(), unix);
        prop_assert_eq!(Timestamp::parse(ts.as_str()).unwrap(), ts);
    }
}
