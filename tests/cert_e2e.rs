//! Certificate mode end to end (feature `cert`), on the test PKI of `tests/certs/`: a request
//! carrying the signed SNs (checked as the gateway would), responses and notifications
//! verified against the key their `alipay_cert_sn` names, unknown and missing SNs, and a
//! rotation to the second Alipay certificate through `alipay.open.app.alipaycert.download`
//! and the chain check.
#![cfg(feature = "cert")]

use alipay_codec::api::alipaycert_download::{
    AlipayCertDownload, AlipayCertDownloadRequest, AlipayCertDownloadResponse,
};
use alipay_codec::api::verifyidentity::VerifyIdentityApply;
use alipay_codec::cert::{alipay_public_key_from_cert, AlipayCertKeys};
use alipay_codec::form;
use alipay_codec::notify::{NotifyMode, NotifyOptions, UntrustedNotification};
use alipay_codec::request::param;
use alipay_codec::response::{ResponseOptions, UntrustedResponse, VerifiedResponse};
use alipay_codec::{
    AppConfig, AppPrivateKey, CertError, Error, FieldRule, KeyError, Message, SignContent,
    SignType, Signature, Signer, Timestamp, Verifier,
};
use base64ct::{Base64, Encoding};

const APP_CERT: &str = include_str!("certs/app_cert.pem");
const ALIPAY_CERT_1: &str = include_str!("certs/alipay_cert_1.pem");
const ALIPAY_CERT_2_CHAIN: &str = include_str!("certs/alipay_cert_2_chain.pem");
const FORGED_BY_APP_CHAIN: &str = include_str!("certs/forged_by_app_chain.pem");
const ROOT_BUNDLE: &str = include_str!("certs/root_bundle.pem");
const EC_ROOT: &str = include_str!("certs/ec_root.pem");
const EC_LEAF: &str = include_str!("certs/ec_leaf.pem");

// SNs computed with openssl + python, independently of this crate (tests/certs/README.md).
const APP_CERT_SN: &str = "2b6eb7459dad1cb638d357ca875f3529";
const ALIPAY_CERT_1_SN: &str = "144a8eeef03a543bed1e91793e752522";
const ALIPAY_CERT_2_SN: &str = "eea14da8a9ffa66c7dea8829d29a8378";
const ROOT_SN: &str = "f1c5e7f6e2a0825bcd89b262784cd50b";

/// 2030-01-01T00:00:00Z: inside every fixture's validity period.
const VALID_TIME: u64 = 1_893_456_000;
/// 2040-01-01T00:00:00Z: after the Alipay certificates expire.
const AFTER_EXPIRY: u64 = 2_208_988_800;

const METHOD: &str = "alipay.security.risk.verifyidentity.apply";
const NODE: &str = "alipay_security_risk_verifyidentity_apply_response";
const SUCCESS: &str = r#"{"code":"10000","msg":"Success","is_success":"true","usable_product_group":"{\"id\":1,\"name\":\"FACE\"}"}"#;
const ERROR: &str = r#"{"code":"40004","msg":"Business Failed","sub_code":"isv.invalid-scene","sub_msg":"bad scene"}"#;

fn app_key() -> AppPrivateKey {
    AppPrivateKey::parse(include_str!("keys/app_private_pkcs8.pem")).unwrap()
}

/// The key of Alipay certificate 1.
fn alipay_key_1() -> AppPrivateKey {
    AppPrivateKey::parse(include_str!("keys/alipay_private_pkcs8.pem")).unwrap()
}

/// The key of Alipay certificate 2 (the rotated one).
fn alipay_key_2() -> AppPrivateKey {
    AppPrivateKey::parse(include_str!("certs/alipay_cert_2.key")).unwrap()
}

fn sign(key: &AppPrivateKey, span: &str) -> String {
    key.unblinded()
        .sign(SignType::Rsa2, Message::Bytes(span.as_bytes()))
        .unwrap()
        .as_str()
        .to_string()
}

/// A response body as the gateway lays it out in certificate mode; `cert_sn` `None` leaves
/// the member out, `signer` `None` leaves `sign` out.
fn body(node: &str, span: &str, signer: Option<&AppPrivateKey>, cert_sn: Option<&str>) -> String {
    let mut out = format!("{{\"{node}\":{span}");
    if let Some(sn) = cert_sn {
        out.push_str(&format!(",\"alipay_cert_sn\":\"{sn}\""));
    }
    if let Some(key) = signer {
        out.push_str(&format!(",\"sign\":\"{}\"", sign(key, span)));
    }
    out.push('}');
    out
}

fn keys_with_cert_1() -> AlipayCertKeys {
    let mut keys = AlipayCertKeys::new();
    assert_eq!(keys.insert_pem(ALIPAY_CERT_1).unwrap().as_str(), ALIPAY_CERT_1_SN);
    keys
}

fn verify<'a>(body: &'a str, keys: &AlipayCertKeys) -> Result<VerifiedResponse<'a>, Error> {
    UntrustedResponse::parse(body.as_bytes(), METHOD)?.verify_with_cert_keys(
        SignType::Rsa2,
        keys,
        ResponseOptions::new(),
    )
}

fn timestamp() -> Timestamp {
    Timestamp::parse("2026-12-01 10:00:00").unwrap()
}

/// As the gateway: decodes query and body once, checks the signature over every parameter
/// but `sign` with the key of the app certificate, and returns the decoded parameters.
fn gateway_check(query: &str, body: &str) -> Vec<(String, String)> {
    let mut all: Vec<(String, String)> = Vec::new();
    for part in [query, body] {
        for (k, v) in form::decode(part.as_bytes()).unwrap() {
            all.push((k.into_owned(), v.into_owned()));
        }
    }
    let sign = all.iter().find(|(k, _)| k == "sign").map(|(_, v)| v.clone()).unwrap();
    let mut pairs: Vec<(&str, &str)> =
        all.iter().filter(|(k, _)| k != "sign").map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let content = SignContent::new(&mut pairs).unwrap();
    let app_public = alipay_public_key_from_cert(APP_CERT).unwrap();
    app_public
        .verify(SignType::Rsa2, Message::Content(content), &Signature::from_base64(&sign).unwrap())
        .unwrap();
    all
}

/// The app's configuration in certificate mode, from the bundled certificate files.
fn cert_config() -> AppConfig {
    AppConfig::builder("2021000000000000")
        .app_cert(APP_CERT)
        .unwrap()
        .alipay_root_cert(ROOT_BUNDLE)
        .unwrap()
        .build()
        .unwrap()
}

fn value<'p>(params: &'p [(String, String)], key: &str) -> Option<&'p str> {
    params.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

#[test]
fn request_carries_signed_cert_sns_from_the_certificate_files() {
    let config = cert_config();
    let biz = AlipayCertDownloadRequest::new(ALIPAY_CERT_2_SN).unwrap();
    let signer = app_key();
    let request =
        config.encode::<AlipayCertDownload>(&biz, &timestamp(), &signer.unblinded()).unwrap();

    // Both SNs are in the query, not in the body, and in the signed content.
    assert!(request.query().contains(&format!("app_cert_sn={APP_CERT_SN}&")));
    assert!(request.query().contains(&format!("alipay_root_cert_sn={ROOT_SN}&")));
    assert!(!request.body().contains("cert_sn="));
    assert!(request.sign_content().contains(&format!("&app_cert_sn={APP_CERT_SN}&")));
    assert!(request.sign_content().starts_with(&format!("alipay_root_cert_sn={ROOT_SN}&")));

    // The gateway verifies with the app certificate's key and reads the same SNs back.
    let params = gateway_check(request.query(), request.body());
    assert_eq!(value(&params, param::APP_CERT_SN), Some(APP_CERT_SN));
    assert_eq!(value(&params, param::ALIPAY_ROOT_CERT_SN), Some(ROOT_SN));
    assert_eq!(value(&params, param::METHOD), Some("alipay.open.app.alipaycert.download"));
    assert_eq!(
        value(&params, param::BIZ_CONTENT),
        Some(format!("{{\"alipay_cert_sn\":\"{ALIPAY_CERT_2_SN}\"}}").as_str())
    );

    // The certificate-file builder is the string builder with the computed SNs.
    let by_string =
        AppConfig::builder("2021000000000000").cert_sn(APP_CERT_SN, ROOT_SN).build().unwrap();
    assert_eq!(by_string, config);
}

#[test]
fn response_verifies_with_the_key_its_cert_sn_names() {
    let mut keys = keys_with_cert_1();
    let body = body(NODE, SUCCESS, Some(&alipay_key_1()), Some(ALIPAY_CERT_1_SN));
    let verified = verify(&body, &keys).unwrap();
    assert!(verified.is_verified());
    assert_eq!(verified.cert_sn().unwrap().as_deref(), Some(ALIPAY_CERT_1_SN));
    let reply = verified.reply::<VerifyIdentityApply>().unwrap();
    assert!(reply.is_success());
    assert!(reply.body.unwrap().is_success);

    // A key set that also holds certificate 2 still picks certificate 1's key by the SN.
    let chain_cert_2 = alipay_codec::cert::AlipayCert::parse(ALIPAY_CERT_2_CHAIN).unwrap();
    keys.insert(chain_cert_2);
    assert!(verify(&body, &keys).unwrap().is_verified());

    // A response signed by certificate 1's key but naming certificate 2 fails: the SN
    // selects the key, it is not tried against every key.
    let misnamed = body_replacing_sn(&body, ALIPAY_CERT_2_SN);
    assert_eq!(verify(&misnamed, &keys).unwrap_err(), Error::InvalidSignature);

    // Tampering with the span still fails.
    let tampered = body.replacen("\"true\"", "\"fals\"", 1);
    assert_eq!(verify(&tampered, &keys).unwrap_err(), Error::InvalidSignature);
}

fn body_replacing_sn(body: &str, sn: &str) -> String {
    body.replacen(ALIPAY_CERT_1_SN, sn, 1)
}

#[test]
fn unknown_cert_sn_is_an_error_carrying_the_sn() {
    let keys = keys_with_cert_1();
    let body = body(NODE, SUCCESS, Some(&alipay_key_2()), Some(ALIPAY_CERT_2_SN));
    match verify(&body, &keys) {
        Err(Error::UnknownCertSn { sn }) => assert_eq!(sn, ALIPAY_CERT_2_SN),
        other => panic!("expected UnknownCertSn, got {other:?}"),
    }
    // The error's text names the SN, so a log line is enough to act on.
    let message = verify(&body, &keys).unwrap_err().to_string();
    assert!(message.contains(ALIPAY_CERT_2_SN), "{message}");
}

#[test]
fn signed_response_without_cert_sn_is_an_error() {
    let keys = keys_with_cert_1();
    // A signed success without `alipay_cert_sn`, as the Java SDK rejects it.
    let success = body(NODE, SUCCESS, Some(&alipay_key_1()), None);
    assert_eq!(verify(&success, &keys).unwrap_err(), Error::MissingCertSn);
    // An empty SN counts as absent.
    let empty = body(NODE, SUCCESS, Some(&alipay_key_1()), Some(""));
    assert_eq!(verify(&empty, &keys).unwrap_err(), Error::MissingCertSn);
    // A signed error response must name its certificate too.
    let signed_error = body(NODE, ERROR, Some(&alipay_key_1()), None);
    assert_eq!(verify(&signed_error, &keys).unwrap_err(), Error::MissingCertSn);

    // An unsigned error needs no key: surfaced as unverified data, as in plain-key mode.
    let unsigned_error = body("error_response", ERROR, None, None);
    let verified = verify(&unsigned_error, &keys).unwrap();
    assert!(!verified.is_verified());
    assert_eq!(verified.status().unwrap().sub_code.as_deref(), Some("isv.invalid-scene"));
    // An unsigned success is still refused.
    let unsigned_success = body(NODE, SUCCESS, None, Some(ALIPAY_CERT_1_SN));
    assert_eq!(verify(&unsigned_success, &keys).unwrap_err(), Error::Unsigned);
}

#[test]
fn rotation_through_the_download_response_and_the_chain_check() {
    let mut keys = keys_with_cert_1();
    let now = VALID_TIME;

    // 1. Alipay rotated: a response signed by certificate 2 names an SN the caller lacks.
    let rotated = body(NODE, SUCCESS, Some(&alipay_key_2()), Some(ALIPAY_CERT_2_SN));
    let sn = match verify(&rotated, &keys) {
        Err(Error::UnknownCertSn { sn }) => sn,
        other => panic!("expected UnknownCertSn, got {other:?}"),
    };

    // 2. The download request for that SN.
    let config = cert_config();
    let download = AlipayCertDownloadRequest::new(sn.as_str()).unwrap();
    let request = config
        .encode::<AlipayCertDownload>(&download, &timestamp(), &app_key().unblinded())
        .unwrap();
    let params = gateway_check(request.query(), request.body());
    assert_eq!(
        value(&params, param::BIZ_CONTENT),
        Some(format!("{{\"alipay_cert_sn\":\"{ALIPAY_CERT_2_SN}\"}}").as_str())
    );

    // 3. The gateway answers with the chain of certificate 2, signed by certificate 1 (a key
    //    the caller already trusts).
    let content = Base64::encode_string(ALIPAY_CERT_2_CHAIN.as_bytes());
    let span = format!(
        r#"{{"code":"10000","msg":"Success","alipay_cert_content":"{}"}}"#,
        content.replace('/', "\\/")
    );
    let answer = body(
        "alipay_open_app_alipaycert_download_response",
        &span,
        Some(&alipay_key_1()),
        Some(ALIPAY_CERT_1_SN),
    );
    let reply = UntrustedResponse::parse_for::<AlipayCertDownload>(answer.as_bytes())
        .unwrap()
        .verify_with_cert_keys(SignType::Rsa2, &keys, ResponseOptions::new())
        .unwrap()
        .reply::<AlipayCertDownload>()
        .unwrap();
    assert!(reply.is_success() && reply.is_verified());
    let downloaded = reply.body.unwrap();
    assert_eq!(downloaded.alipay_cert_content, content);
    assert_eq!(downloaded.pem().unwrap(), ALIPAY_CERT_2_CHAIN);

    // 4. The chain check fails outside the validity period and leaves the key set alone.
    match downloaded.check_and_insert(ROOT_BUNDLE, AFTER_EXPIRY, &mut keys) {
        Err(Error::Cert(CertError::Expired { index: 0, .. })) => {}
        other => panic!("expected Expired, got {other:?}"),
    }
    assert!(!keys.contains(ALIPAY_CERT_2_SN));

    // 5. Checked at the caller's time, the certificate joins the key set ...
    let inserted = downloaded.check_and_insert(ROOT_BUNDLE, now, &mut keys).unwrap();
    assert_eq!(inserted.as_str(), ALIPAY_CERT_2_SN);
    assert_eq!(keys.len(), 2);

    // 6. ... and the rotated response now verifies; the old certificate still works.
    let verified = verify(&rotated, &keys).unwrap();
    assert_eq!(verified.cert_sn().unwrap().as_deref(), Some(ALIPAY_CERT_2_SN));
    assert!(verified.reply::<VerifyIdentityApply>().unwrap().is_success());
    let old = body(NODE, SUCCESS, Some(&alipay_key_1()), Some(ALIPAY_CERT_1_SN));
    assert!(verify(&old, &keys).unwrap().is_verified());
}

#[test]
fn download_content_that_fails_the_chain_check_is_refused() {
    let mut keys = keys_with_cert_1();
    let forged = AlipayCertDownloadResponse {
        alipay_cert_content: Base64::encode_string(FORGED_BY_APP_CHAIN.as_bytes()),
    };
    // A certificate "issued" by the app certificate (not a CA) does not chain to a root.
    assert!(matches!(
        forged.check_and_insert(ROOT_BUNDLE, VALID_TIME, &mut keys),
        Err(Error::Cert(CertError::UnknownIssuer { .. }))
    ));
    let not_base64 = AlipayCertDownloadResponse { alipay_cert_content: "not base64!".into() };
    assert_eq!(not_base64.pem().unwrap_err(), Error::Cert(CertError::ContentNotBase64));
    assert_eq!(
        not_base64.check(ROOT_BUNDLE, VALID_TIME).unwrap_err(),
        Error::Cert(CertError::ContentNotBase64)
    );
    assert_eq!(keys.len(), 1);
    // A blank SN cannot be requested.
    assert_eq!(
        AlipayCertDownloadRequest::new(" ").unwrap_err(),
        Error::Field { field: "alipay_cert_sn", rule: FieldRule::Missing }
    );
}

/// A certificate-mode notification signed by `key`, `alipay_cert_sn` stripped from the
/// content (the default).
fn notification(key: &AppPrivateKey, cert_sn: Option<&str>) -> String {
    let mut params: Vec<(&str, &str)> = vec![
        ("notify_type", "trade_status_sync"),
        ("out_trade_no", "order 1+2"),
        ("trade_status", "TRADE_SUCCESS"),
        ("total_amount", "88.80"),
    ];
    let mut signed = params.clone();
    let content = SignContent::new(&mut signed).unwrap();
    let signature = key.unblinded().sign(SignType::Rsa2, Message::Content(content)).unwrap();
    params.push(("sign_type", "RSA2"));
    if let Some(sn) = cert_sn {
        params.push(("alipay_cert_sn", sn));
    }
    params.push(("sign", signature.as_str()));
    let mut out = String::new();
    form::encode_pairs_into(params.iter().copied(), &mut out);
    out
}

fn verify_notification(form: &str, keys: &AlipayCertKeys) -> Result<(), Error> {
    let verified = UntrustedNotification::parse(form.as_bytes())?.verify_with_cert_keys(
        SignType::Rsa2,
        keys,
        NotifyOptions::new(NotifyMode::V1),
    )?;
    assert_eq!(verified.out_trade_no(), Some("order 1+2"));
    Ok(())
}

#[test]
fn notifications_verify_with_the_key_their_cert_sn_names() {
    let mut keys = keys_with_cert_1();
    let by_1 = notification(&alipay_key_1(), Some(ALIPAY_CERT_1_SN));
    verify_notification(&by_1, &keys).unwrap();

    let by_2 = notification(&alipay_key_2(), Some(ALIPAY_CERT_2_SN));
    assert_eq!(
        verify_notification(&by_2, &keys),
        Err(Error::UnknownCertSn { sn: ALIPAY_CERT_2_SN.into() })
    );
    let missing = notification(&alipay_key_1(), None);
    assert_eq!(verify_notification(&missing, &keys), Err(Error::MissingCertSn));
    let empty = notification(&alipay_key_1(), Some(""));
    assert_eq!(verify_notification(&empty, &keys), Err(Error::MissingCertSn));

    // Signed by certificate 1 but naming certificate 2: the named key is used, and fails.
    keys.insert_pem(ALIPAY_CERT_2_CHAIN).unwrap();
    verify_notification(&by_2, &keys).unwrap();
    let misnamed = notification(&alipay_key_1(), Some(ALIPAY_CERT_2_SN));
    assert_eq!(verify_notification(&misnamed, &keys), Err(Error::InvalidSignature));
}

#[test]
fn bad_certificate_files_are_typed_errors() {
    // A malformed certificate: the PEM armour is fine, the DER inside is not X.509.
    let malformed = "-----BEGIN CERTIFICATE-----\nMAMCAQE=\n-----END CERTIFICATE-----\n";
    assert_eq!(
        AppConfig::builder("1").app_cert(malformed).unwrap_err(),
        Error::Cert(CertError::Malformed { index: 0 })
    );
    // Broken base64 inside the armour.
    let broken = "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n";
    assert_eq!(
        AppConfig::builder("1").app_cert(broken).unwrap_err(),
        Error::Cert(CertError::Pem { index: 0 })
    );
    // A PEM without certificates (a key file given by mistake).
    let key_pem = include_str!("keys/alipay_public.pem");
    assert_eq!(
        AppConfig::builder("1").app_cert(key_pem).unwrap_err(),
        Error::Cert(CertError::NoCertificate)
    );
    assert_eq!(
        AppConfig::builder("1").alipay_root_cert(key_pem).unwrap_err(),
        Error::Cert(CertError::NoCertificate)
    );
    // A root bundle with only a non-RSA root gives no SN at all.
    assert_eq!(
        AppConfig::builder("1").alipay_root_cert(EC_ROOT).unwrap_err(),
        Error::Cert(CertError::NoRsaCertificate)
    );
    // A certificate with an EC key where the Alipay RSA key is needed.
    let mut keys = AlipayCertKeys::new();
    match keys.insert_pem(EC_LEAF) {
        Err(Error::Key(KeyError::WrongAlgorithm { oid })) => {
            assert_eq!(oid, "1.2.840.10045.2.1")
        }
        other => panic!("expected WrongAlgorithm, got {other:?}"),
    }
    assert!(keys.is_empty());
    // The EC leaf is RSA-signed by the root, so its SN still computes (SNs need no key).
    assert!(AppConfig::builder("1").app_cert(EC_LEAF).is_ok());
}
