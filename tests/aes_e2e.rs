//! AES content encryption end to end (feature `aes`): encrypt → sign → (as the gateway)
//! form-decode, verify, decrypt; and back: an encrypted node signed over the quoted span →
//! verify → decrypt → typed decode. Plus the plain-object answer of a gateway that could not
//! decrypt, and bad keys, padding and base64 as typed errors.
#![cfg(feature = "aes")]

use alipay_codec::aes::AesKey;
use alipay_codec::api::verifyidentity::{
    Product, ProductName, VerifyIdentityApply, VerifyIdentityApplyRequest,
};
use alipay_codec::api::Method;
use alipay_codec::form;
use alipay_codec::gateway::UntrustedRequest;
use alipay_codec::request::{param, ENCRYPT_TYPE_AES};
use alipay_codec::response::{NodeKind, ResponseOptions, UntrustedResponse, VerifiedResponse};
use alipay_codec::{
    AesError, AlipayPublicKey, AppConfig, AppPrivateKey, Error, FieldRule, Message, SignContent,
    SignType, Signature, Signer, Timestamp, Verifier,
};
use base64ct::{Base64, Encoding};

/// From `tests/vectors/aes.json` (alipay-sdk-java-all EncryptTest).
const AES_KEY: &str = "aa4BtZ4tspm2wnXLb1ThQA==";
/// Another valid AES-128 key.
const OTHER_KEY: &str = "AAECAwQFBgcICQoLDA0ODw==";

const NODE: &str = "alipay_security_risk_verifyidentity_apply_response";

fn key() -> AesKey {
    AesKey::from_base64(AES_KEY).unwrap()
}

fn app_key() -> AppPrivateKey {
    AppPrivateKey::parse(include_str!("keys/app_private_pkcs8.pem")).unwrap()
}

fn app_public() -> AlipayPublicKey {
    AlipayPublicKey::parse(include_str!("keys/app_public.pem")).unwrap()
}

fn alipay_key() -> AppPrivateKey {
    AppPrivateKey::parse(include_str!("keys/alipay_private_pkcs8.pem")).unwrap()
}

fn alipay_public() -> AlipayPublicKey {
    AlipayPublicKey::parse(include_str!("keys/alipay_public.pem")).unwrap()
}

fn request() -> VerifyIdentityApplyRequest {
    VerifyIdentityApplyRequest::builder()
        .biz_id("test_302857831249")
        .account_id("330102198807312189")
        .validate_product_group(Product::new(1, ProductName::NativePaymentPassword))
        .scene_code("metro#metro#metro_forgetpwd_confirm#mobileClient")
        .build()
        .unwrap()
}

fn config() -> AppConfig {
    AppConfig::builder("2021000000000000").build().unwrap()
}

fn timestamp() -> Timestamp {
    Timestamp::parse("2026-12-01 10:00:00").unwrap()
}

/// Decodes an encoded query or body once.
fn decoded(part: &str) -> Vec<(String, String)> {
    form::decode(part.as_bytes())
        .unwrap()
        .into_iter()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn value<'p>(params: &'p [(String, String)], key: &str) -> Option<&'p str> {
    params.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

/// As the gateway: checks the signature over every parameter but `sign`.
fn gateway_verify(params: &[(String, String)]) -> Result<(), Error> {
    let sign = Signature::from_base64(value(params, "sign").unwrap())?;
    let mut pairs: Vec<(&str, &str)> =
        params.iter().filter(|(k, _)| k != "sign").map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let content = SignContent::new(&mut pairs)?;
    app_public().verify(SignType::Rsa2, Message::Content(content), &sign)
}

#[test]
fn encrypted_request_round_trips_through_the_gateway() {
    let biz = request();
    let encoded = config()
        .encode_encrypted::<VerifyIdentityApply>(
            &biz,
            &[],
            &timestamp(),
            &app_key().unblinded(),
            &key(),
        )
        .unwrap();

    // `encrypt_type=AES` is a system parameter (query); the ciphertext is in the body.
    let query = decoded(encoded.query());
    let body = decoded(encoded.body());
    assert_eq!(value(&query, param::ENCRYPT_TYPE), Some(ENCRYPT_TYPE_AES));
    assert_eq!(value(&body, param::ENCRYPT_TYPE), None);
    let ciphertext = value(&body, param::BIZ_CONTENT).unwrap();
    assert!(!ciphertext.contains("biz_id"), "biz_content must not travel in clear");

    // As the gateway: verify over the ciphertext, then decrypt to the request JSON.
    let mut all = query.clone();
    all.extend(body.iter().cloned());
    gateway_verify(&all).unwrap();
    let json = key().decrypt(ciphertext).unwrap();
    assert_eq!(json, serde_json::to_string(&biz).unwrap());
    assert!(encoded.sign_content().contains(&format!("biz_content={ciphertext}&")));
    assert!(encoded.sign_content().contains("&encrypt_type=AES&"));

    // The signature covers the ciphertext: the plaintext in its place does not verify, and
    // neither does the request without `encrypt_type`.
    let mut swapped = all.clone();
    for (k, v) in &mut swapped {
        if k == param::BIZ_CONTENT {
            *v = json.clone();
        }
    }
    assert_eq!(gateway_verify(&swapped), Err(Error::InvalidSignature));
    let without_type: Vec<_> = all.into_iter().filter(|(k, _)| k != param::ENCRYPT_TYPE).collect();
    assert_eq!(gateway_verify(&without_type), Err(Error::InvalidSignature));

    // The plain encoding of the same request differs only by encryption.
    let plain =
        config().encode::<VerifyIdentityApply>(&biz, &timestamp(), &app_key().unblinded()).unwrap();
    assert!(!plain.query().contains("encrypt_type"));
    assert_eq!(value(&decoded(plain.body()), param::BIZ_CONTENT), Some(json.as_str()));

    // The gateway double's side: verified, then decrypted with the right key only; a wrong
    // key's error names the field.
    let request = UntrustedRequest::parse(encoded.query().as_bytes(), encoded.body().as_bytes())
        .unwrap()
        .verify(&app_public())
        .unwrap();
    assert_eq!(request.decrypt_biz_content(&key()).unwrap(), json);
    let wrong = AesKey::from_base64(OTHER_KEY).unwrap();
    assert!(matches!(
        request.decrypt_biz_content(&wrong),
        Err(Error::Decrypt { field, cause: AesError::Padding | AesError::NotUtf8 })
            if field == param::BIZ_CONTENT
    ));
}

#[test]
fn extra_text_params_stay_clear_and_signed() {
    let encoded = config()
        .encode_encrypted::<VerifyIdentityApply>(
            &request(),
            &[("extra", "a b")],
            &timestamp(),
            &app_key().unblinded(),
            &key(),
        )
        .unwrap();
    let body = decoded(encoded.body());
    assert_eq!(value(&body, "extra"), Some("a b"));
    let mut all = decoded(encoded.query());
    all.extend(body);
    gateway_verify(&all).unwrap();
}

/// A method with no biz content: nothing to encrypt.
struct NoBiz;
impl Method for NoBiz {
    const NAME: &'static str = "alipay.test.nobiz";
    type BizContent = ();
    type Response = serde_json::Value;
}

#[test]
fn a_method_without_biz_content_cannot_be_encrypted() {
    let err = config()
        .encode_encrypted::<NoBiz>(&(), &[], &timestamp(), &app_key().unblinded(), &key())
        .unwrap_err();
    assert_eq!(err, Error::Field { field: "biz_content", rule: FieldRule::Missing });
    // The same method encodes fine unencrypted (no biz_content at all).
    assert!(config().encode::<NoBiz>(&(), &timestamp(), &app_key().unblinded()).is_ok());
}

/// The Alipay signature over exact bytes.
fn sign(span: &str) -> String {
    alipay_key()
        .unblinded()
        .sign(SignType::Rsa2, Message::Bytes(span.as_bytes()))
        .unwrap()
        .as_str()
        .to_string()
}

/// An encrypted response as the gateway sends it: the node is the ciphertext as a JSON
/// string (with `/` escaped as `\/`), and the signature covers the quoted string.
fn encrypted_body(plaintext: &str, aes: &AesKey) -> (String, String) {
    let quoted = format!("\"{}\"", aes.encrypt(plaintext).replace('/', "\\/"));
    (format!("{{\"{NODE}\":{quoted},\"sign\":\"{}\"}}", sign(&quoted)), quoted)
}

fn verify(body: &str) -> Result<VerifiedResponse<'_>, Error> {
    UntrustedResponse::parse_for::<VerifyIdentityApply>(body.as_bytes())?.verify(
        SignType::Rsa2,
        &alipay_public(),
        ResponseOptions::new(),
    )
}

/// A success node whose ciphertext holds a `/` (so the JSON escape `\/` is exercised).
fn success_plaintext() -> String {
    (0..)
        .map(|i| {
            format!(
                r#"{{"code":"10000","msg":"Success","is_success":"true","err_message":"n{i}","usable_product_group":"{{\"id\":1,\"name\":\"FACE\"}}"}}"#
            )
        })
        .find(|p| key().encrypt(p).contains('/'))
        .unwrap()
}

#[test]
fn encrypted_response_verifies_then_decrypts_then_decodes() {
    let plaintext = success_plaintext();
    let (body, quoted) = encrypted_body(&plaintext, &key());
    assert!(quoted.contains("\\/"));
    let untrusted = UntrustedResponse::parse_for::<VerifyIdentityApply>(body.as_bytes()).unwrap();
    assert_eq!(untrusted.node_kind(), NodeKind::Encrypted);
    // The signed span is the quoted string, quotes included.
    assert_eq!(untrusted.signed_span(), quoted.as_bytes());

    let verified = verify(&body).unwrap();
    assert!(verified.is_verified());
    assert_eq!(verified.plaintext(&key()).unwrap(), plaintext);
    let reply = verified.reply_decrypted::<VerifyIdentityApply>(&key()).unwrap();
    assert!(reply.is_success() && reply.is_verified());
    let body = reply.body.unwrap();
    assert!(body.is_success);
    assert_eq!(body.usable_product_group[0].name, ProductName::Face);
    assert!(body.err_message.unwrap().starts_with('n'));

    // Without the key, the typed decode refuses instead of misreading the ciphertext.
    assert!(matches!(verified.reply::<VerifyIdentityApply>(), Err(Error::Json { .. })));
}

#[test]
fn encrypted_response_is_verified_before_it_is_decrypted() {
    let (body, quoted) = encrypted_body(&success_plaintext(), &key());
    // One character of the ciphertext changed: the signature fails, nothing is decrypted.
    let inner = &quoted[1..quoted.len() - 1];
    let flipped = if inner.starts_with('A') { "B" } else { "A" };
    let tampered = body.replacen(inner, &format!("{flipped}{}", &inner[1..]), 1);
    assert_ne!(tampered, body);
    assert_eq!(verify(&tampered).unwrap_err(), Error::InvalidSignature);
    // An unsigned encrypted node is never accepted.
    let unsigned = format!("{{\"{NODE}\":{quoted}}}");
    assert_eq!(verify(&unsigned).unwrap_err(), Error::Unsigned);
}

#[test]
fn plain_object_answer_decodes_as_a_verified_error() {
    // The gateway could not decrypt the request and answers in clear, signed.
    let span = r#"{"code":"40002","msg":"Invalid Arguments","sub_code":"isv.decryption-error-unknown","sub_msg":"解密出错, 未知错误"}"#;
    let body = format!("{{\"{NODE}\":{span},\"sign\":\"{}\"}}", sign(span));
    let verified = verify(&body).unwrap();
    assert_eq!(verified.node_kind(), NodeKind::Object);
    assert_eq!(verified.plaintext(&key()).unwrap(), span);
    let reply = verified.reply_decrypted::<VerifyIdentityApply>(&key()).unwrap();
    assert!(reply.is_verified());
    assert!(!reply.is_success());
    assert_eq!(reply.status.code, "40002");
    assert_eq!(reply.status.sub_code.as_deref(), Some("isv.decryption-error-unknown"));
    assert_eq!(reply.body, None);
    // The same as the plain decode.
    assert_eq!(reply, verified.reply::<VerifyIdentityApply>().unwrap());

    // Unsigned, it is still surfaced as data, marked unverified.
    let unsigned = format!("{{\"error_response\":{span}}}");
    let reply = verify(&unsigned).unwrap().reply_decrypted::<VerifyIdentityApply>(&key()).unwrap();
    assert!(!reply.is_verified());
    assert_eq!(reply.status.sub_code.as_deref(), Some("isv.decryption-error-unknown"));
}

/// The AES error of a key call, or of a decryption that names the method's response node.
fn aes_err<T: std::fmt::Debug>(r: Result<T, Error>) -> AesError {
    match r {
        Err(Error::Aes(e)) => e,
        Err(Error::Decrypt { field, cause }) if field == NODE => cause,
        other => panic!("expected an AES error, got {other:?}"),
    }
}

/// A signed response whose node is the JSON string `inner` (raw, between the quotes).
fn signed_string_node(inner: &str) -> String {
    let quoted = format!("\"{inner}\"");
    format!("{{\"{NODE}\":{quoted},\"sign\":\"{}\"}}", sign(&quoted))
}

#[test]
fn bad_keys_padding_and_base64_are_typed_errors() {
    let plaintext = success_plaintext();
    let (body, _) = encrypted_body(&plaintext, &key());
    let verified = verify(&body).unwrap();

    // The wrong key: the padding (or, rarely, the UTF-8 check) fails; never a panic, never
    // a misdecoded body.
    let wrong = AesKey::from_base64(OTHER_KEY).unwrap();
    let e = aes_err(verified.reply_decrypted::<VerifyIdentityApply>(&wrong));
    assert!(matches!(e, AesError::Padding | AesError::NotUtf8), "{e:?}");

    // Bad padding under the right key: one whole block of non-padding bytes.
    let no_padding = {
        let block = key().encrypt("0123456789abcdef"); // 32 bytes: data block + pad block
        let bytes = Base64::decode_vec(&block).unwrap();
        Base64::encode_string(&bytes[..16])
    };
    let body = signed_string_node(&no_padding);
    let e = aes_err(verify(&body).unwrap().reply_decrypted::<VerifyIdentityApply>(&key()));
    assert_eq!(e, AesError::Padding);

    // Not base64.
    let body = signed_string_node("not*base64");
    let e = verify(&body).unwrap().reply_decrypted::<VerifyIdentityApply>(&key()).unwrap_err();
    assert_eq!(e, Error::Decrypt { field: NODE.into(), cause: AesError::NotBase64 });
    assert_eq!(key().decrypt("not*base64").unwrap_err(), Error::Aes(AesError::NotBase64));

    // Base64, but not whole blocks; and empty.
    let body = signed_string_node("AAAA");
    let e = aes_err(verify(&body).unwrap().reply_decrypted::<VerifyIdentityApply>(&key()));
    assert_eq!(e, AesError::Length { actual: 3 });
    let body = signed_string_node("");
    let e = aes_err(verify(&body).unwrap().plaintext(&key()));
    assert_eq!(e, AesError::Length { actual: 0 });

    // Keys of the wrong length or not base64.
    assert_eq!(
        aes_err(AesKey::from_base64("AAECAwQFBgcICQoLDA0O")),
        AesError::KeyLength { actual: 15 }
    );
    assert_eq!(
        aes_err(AesKey::from_base64("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")),
        AesError::KeyLength { actual: 32 }
    );
    assert_eq!(aes_err(AesKey::from_base64("not a key")), AesError::KeyNotBase64);
}

#[test]
fn decrypted_success_that_is_not_the_method_body_is_a_json_error() {
    // Verified and decrypted, but `is_success` is missing: a decode error, not a success.
    let (body, _) = encrypted_body(r#"{"code":"10000","msg":"Success"}"#, &key());
    let verified = verify(&body).unwrap();
    assert!(matches!(
        verified.reply_decrypted::<VerifyIdentityApply>(&key()),
        Err(Error::Json { field, .. }) if field == VerifyIdentityApply::NAME
    ));
    // Decrypted text that is not JSON at all.
    let (body, _) = encrypted_body("not json", &key());
    assert!(matches!(
        verify(&body).unwrap().reply_decrypted::<VerifyIdentityApply>(&key()),
        Err(Error::Json { field: "status", .. })
    ));
}
