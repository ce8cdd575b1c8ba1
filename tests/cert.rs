//! Certificate mode (feature `cert`): SNs, keys from certificates, the key set and the chain
//! check, on the test PKI of `tests/certs/` (see its README) and on bad input.
#![cfg(feature = "cert")]

use alipay_codec::cert::{
    alipay_public_key_from_cert, alipay_root_cert_sn, app_cert_sn, check_alipay_cert_chain,
    decode_cert_content, AlipayCert, AlipayCertKeys,
};
use alipay_codec::{AlipayPublicKey, CertError, Error, KeyError};
use base64ct::{Base64, Encoding};

const ROOT_CA: &str = include_str!("certs/root_ca.pem");
const INTERMEDIATE_CA: &str = include_str!("certs/intermediate_ca.pem");
const APP_CERT: &str = include_str!("certs/app_cert.pem");
const ALIPAY_CERT_1: &str = include_str!("certs/alipay_cert_1.pem");
const ALIPAY_CERT_2: &str = include_str!("certs/alipay_cert_2.pem");
const ALIPAY_CERT_2_CHAIN: &str = include_str!("certs/alipay_cert_2_chain.pem");
const FORGED_BY_APP_CHAIN: &str = include_str!("certs/forged_by_app_chain.pem");
const EC_ROOT: &str = include_str!("certs/ec_root.pem");
const EC_LEAF: &str = include_str!("certs/ec_leaf.pem");
const IMPOSTOR_ROOT: &str = include_str!("certs/impostor_root.pem");
const ROOT_BUNDLE: &str = include_str!("certs/root_bundle.pem");
const ALIPAY_PUBLIC: &str = include_str!("keys/alipay_public.pem");
const APP_PUBLIC: &str = include_str!("keys/app_public.pem");

// Expected SNs, computed independently of this crate (see tests/certs/README.md):
//   iss=$(openssl x509 -in F -noout -issuer -nameopt RFC2253 | sed 's/^issuer=//')
//   ser=$(openssl x509 -in F -noout -serial | sed 's/^serial=//')
//   python3 -c 'import hashlib,sys; print(hashlib.md5((sys.argv[1]+str(int(sys.argv[2],16))).encode()).hexdigest())' "$iss" "$ser"
/// `CN=alipay-codec Test Root CA R1,OU=Certification Authority,O=alipay-codec test,L=Hangzhou,ST=Zhejiang,C=CN`
/// + `170307440303800165158991585015144128806` (serial 0x8020…2126: high bit set, positive).
const APP_CERT_SN: &str = "2b6eb7459dad1cb638d357ca875f3529";
/// Root CA name + `35321896264363`.
const ALIPAY_CERT_1_SN: &str = "144a8eeef03a543bed1e91793e752522";
/// `CN=alipay-codec Test CA Class 2 R1,OU=Certification Authority,O=Ant Test\, Inc.,C=CN` + `8229`
/// (the escaped comma of RFC 2253).
const ALIPAY_CERT_2_SN: &str = "eea14da8a9ffa66c7dea8829d29a8378";
/// Root CA name (self-issued) + `2292228364100439313`.
const ROOT_CA_SN: &str = "f1c5e7f6e2a0825bcd89b262784cd50b";
/// Root CA name + `514`.
const INTERMEDIATE_CA_SN: &str = "7424a164f70891be0a356d6176bfb9cd";

/// 2030-01-01T00:00:00Z: inside every fixture's validity period.
const VALID_TIME: u64 = 1_893_456_000;
/// 2040-01-01T00:00:00Z: after the Alipay certificates' `notAfter` (ten years from issue).
const AFTER_LEAF_EXPIRY: u64 = 2_208_988_800;
/// 2020-01-01T00:00:00Z: before every fixture's `notBefore`.
const BEFORE_ISSUE: u64 = 1_577_836_800;

fn cert_err(r: Result<impl std::fmt::Debug, Error>) -> CertError {
    match r {
        Err(Error::Cert(e)) => e,
        other => panic!("expected a certificate error, got {other:?}"),
    }
}

#[test]
fn fixture_sns_match_openssl() {
    assert_eq!(app_cert_sn(APP_CERT).unwrap().as_str(), APP_CERT_SN);
    assert_eq!(app_cert_sn(ALIPAY_CERT_1).unwrap().as_str(), ALIPAY_CERT_1_SN);
    assert_eq!(app_cert_sn(ALIPAY_CERT_2).unwrap().as_str(), ALIPAY_CERT_2_SN);
    assert_eq!(app_cert_sn(ROOT_CA).unwrap().as_str(), ROOT_CA_SN);
    assert_eq!(app_cert_sn(INTERMEDIATE_CA).unwrap().as_str(), INTERMEDIATE_CA_SN);
}

#[test]
fn multi_valued_rdn_keeps_the_certificates_order_as_java_does() {
    // See tests/certs/README.md: MD5 of `CN=Test+O=Ant,C=CN4660`; the DER-sorted attribute
    // order would give 925548373ee0d8aeba08b43d920cc943.
    let pem = include_str!("certs/multivalued_rdn.pem");
    let java = "15889f84f6c9580c03a786b1f6787050";
    assert_eq!(app_cert_sn(pem).unwrap().as_str(), java);
    assert_eq!(alipay_root_cert_sn(pem).unwrap(), java);
    assert_eq!(AlipayCert::parse(pem).unwrap().sn(), java);
}

#[test]
fn first_certificate_of_a_chain_counts() {
    assert_eq!(app_cert_sn(ALIPAY_CERT_2_CHAIN).unwrap().as_str(), ALIPAY_CERT_2_SN);
    let with_text =
        format!("Bag Attributes: ignored\r\n{}\n\n", ALIPAY_CERT_2_CHAIN.replace('\n', "\r\n"));
    assert_eq!(app_cert_sn(&with_text).unwrap().as_str(), ALIPAY_CERT_2_SN);
}

#[test]
fn root_sn_skips_the_ec_root() {
    // The bundle is the EC root, then the RSA root: only the RSA root counts.
    assert_eq!(alipay_root_cert_sn(ROOT_BUNDLE).unwrap(), ROOT_CA_SN);
    // Several RSA certificates join with '_' in file order.
    let two = format!("{ROOT_CA}{EC_ROOT}{INTERMEDIATE_CA}");
    assert_eq!(alipay_root_cert_sn(&two).unwrap(), format!("{ROOT_CA_SN}_{INTERMEDIATE_CA_SN}"));
}

#[test]
fn root_sn_needs_an_rsa_certificate() {
    assert_eq!(cert_err(alipay_root_cert_sn(EC_ROOT)), CertError::NoRsaCertificate);
    assert_eq!(cert_err(alipay_root_cert_sn("")), CertError::NoCertificate);
}

#[test]
fn public_key_from_cert() {
    let key = alipay_public_key_from_cert(ALIPAY_CERT_1).unwrap();
    assert_eq!(key, AlipayPublicKey::parse(ALIPAY_PUBLIC).unwrap());
    let app = alipay_public_key_from_cert(APP_CERT).unwrap();
    assert_eq!(app, AlipayPublicKey::parse(APP_PUBLIC).unwrap());
}

#[test]
fn non_rsa_key_is_a_typed_error() {
    for pem in [EC_LEAF, EC_ROOT] {
        match alipay_public_key_from_cert(pem) {
            Err(Error::Key(KeyError::WrongAlgorithm { oid })) => {
                assert_eq!(oid, "1.2.840.10045.2.1")
            }
            other => panic!("expected WrongAlgorithm, got {other:?}"),
        }
    }
    // The SN of such a certificate is still defined.
    assert!(app_cert_sn(EC_LEAF).is_ok());
}

#[test]
fn key_set_lookup() {
    let mut keys = AlipayCertKeys::new();
    assert_eq!(keys.insert_pem(ALIPAY_CERT_1).unwrap().as_str(), ALIPAY_CERT_1_SN);
    assert_eq!(
        keys.get(ALIPAY_CERT_1_SN).unwrap(),
        &AlipayPublicKey::parse(ALIPAY_PUBLIC).unwrap()
    );
    match keys.get(ALIPAY_CERT_2_SN) {
        Err(Error::UnknownCertSn { sn }) => assert_eq!(sn, ALIPAY_CERT_2_SN),
        other => panic!("expected UnknownCertSn, got {other:?}"),
    }
    let err = keys.get("nope").unwrap_err().to_string();
    assert!(err.contains("nope"), "{err}");
    keys.insert(AlipayCert::parse(ALIPAY_CERT_2).unwrap());
    assert_eq!(keys.len(), 2);
    assert!(keys.contains(ALIPAY_CERT_2_SN));
    assert!(keys.remove(ALIPAY_CERT_1_SN).is_some());
    assert_eq!(keys.sns().collect::<Vec<_>>(), [ALIPAY_CERT_2_SN]);
}

#[test]
fn chain_directly_under_a_root() {
    let cert = check_alipay_cert_chain(ALIPAY_CERT_1, ROOT_BUNDLE, VALID_TIME).unwrap();
    assert_eq!(cert.sn(), ALIPAY_CERT_1_SN);
    assert_eq!(cert.public_key(), &AlipayPublicKey::parse(ALIPAY_PUBLIC).unwrap());
}

#[test]
fn chain_through_an_intermediate_in_any_order() {
    let cert = check_alipay_cert_chain(ALIPAY_CERT_2_CHAIN, ROOT_BUNDLE, VALID_TIME).unwrap();
    assert_eq!(cert.sn(), ALIPAY_CERT_2_SN);
    // The intermediate may come with the root, and extra roots do not matter.
    let with_root = format!("{ALIPAY_CERT_2_CHAIN}{ROOT_CA}");
    assert!(check_alipay_cert_chain(&with_root, ROOT_BUNDLE, VALID_TIME).is_ok());
}

#[test]
fn rotation_through_the_download_response() {
    // alipay.open.app.alipaycert.download returns the chain as base64 of the PEM text.
    let content = Base64::encode_string(ALIPAY_CERT_2_CHAIN.as_bytes());
    let pem = decode_cert_content(&content).unwrap();
    let mut keys = AlipayCertKeys::new();
    keys.insert_pem(ALIPAY_CERT_1).unwrap();
    assert!(matches!(keys.get(ALIPAY_CERT_2_SN), Err(Error::UnknownCertSn { .. })));
    keys.insert(check_alipay_cert_chain(&pem, ROOT_BUNDLE, VALID_TIME).unwrap());
    assert!(keys.get(ALIPAY_CERT_2_SN).is_ok());
    assert_eq!(cert_err(decode_cert_content("not base64!")), CertError::ContentNotBase64);
}

#[test]
fn chain_expired_and_not_yet_valid() {
    assert!(matches!(
        cert_err(check_alipay_cert_chain(ALIPAY_CERT_1, ROOT_BUNDLE, AFTER_LEAF_EXPIRY)),
        CertError::Expired { index: 0, .. }
    ));
    assert!(matches!(
        cert_err(check_alipay_cert_chain(ALIPAY_CERT_1, ROOT_BUNDLE, BEFORE_ISSUE)),
        CertError::NotYetValid { index: 0, .. }
    ));
}

#[test]
fn chain_wrong_issuer() {
    // Only the EC root is trusted: nobody issued the Alipay certificate.
    assert_eq!(
        cert_err(check_alipay_cert_chain(ALIPAY_CERT_1, EC_ROOT, VALID_TIME)),
        CertError::UnknownIssuer { index: 0 }
    );
    // The intermediate is missing from the chain.
    assert_eq!(
        cert_err(check_alipay_cert_chain(ALIPAY_CERT_2, ROOT_BUNDLE, VALID_TIME)),
        CertError::UnknownIssuer { index: 0 }
    );
    // A root with the right name but another key.
    assert_eq!(
        cert_err(check_alipay_cert_chain(ALIPAY_CERT_1, IMPOSTOR_ROOT, VALID_TIME)),
        CertError::BadSignature { index: 0 }
    );
    // A certificate "issued" by the app certificate: its signature is valid and the app
    // certificate chains to the root, but a leaf is no CA (any merchant could do this).
    assert_eq!(
        cert_err(check_alipay_cert_chain(FORGED_BY_APP_CHAIN, ROOT_BUNDLE, VALID_TIME)),
        CertError::UnknownIssuer { index: 0 }
    );
}

#[test]
fn chain_tampered_signature() {
    // Flip one bit in the last byte of the signature.
    let body: String = ALIPAY_CERT_1.lines().filter(|l| !l.starts_with("-----")).collect();
    let mut der = Base64::decode_vec(&body).unwrap();
    *der.last_mut().unwrap() ^= 1;
    let pem = format!(
        "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
        Base64::encode_string(&der)
    );
    assert_eq!(app_cert_sn(&pem).unwrap().as_str(), ALIPAY_CERT_1_SN);
    assert_eq!(
        cert_err(check_alipay_cert_chain(&pem, ROOT_BUNDLE, VALID_TIME)),
        CertError::BadSignature { index: 0 }
    );
}

#[test]
fn malformed_certificates() {
    // PEM without certificates.
    assert_eq!(cert_err(app_cert_sn(ALIPAY_PUBLIC)), CertError::NoCertificate);
    assert_eq!(cert_err(app_cert_sn("")), CertError::NoCertificate);
    // Broken armour and a body that is not base64.
    assert_eq!(
        cert_err(app_cert_sn("-----BEGIN CERTIFICATE-----\nMIIB")),
        CertError::Pem { index: 0 }
    );
    assert_eq!(
        cert_err(app_cert_sn(
            "-----BEGIN CERTIFICATE-----\n*not base64*\n-----END CERTIFICATE-----"
        )),
        CertError::Pem { index: 0 }
    );
    // Base64 of something that is not a certificate.
    let junk = "-----BEGIN CERTIFICATE-----\nAAECAwQFBgcICQ==\n-----END CERTIFICATE-----\n";
    assert_eq!(cert_err(app_cert_sn(junk)), CertError::Malformed { index: 0 });
    assert_eq!(cert_err(alipay_public_key_from_cert(junk)), CertError::Malformed { index: 0 });
    // A truncated certificate, and a broken second certificate in a bundle.
    let body: String = ROOT_CA.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = Base64::decode_vec(&body).unwrap();
    let truncated = format!(
        "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
        Base64::encode_string(&der[..der.len() - 10])
    );
    assert_eq!(cert_err(app_cert_sn(&truncated)), CertError::Malformed { index: 0 });
    assert_eq!(
        cert_err(alipay_root_cert_sn(&format!("{ROOT_CA}{truncated}"))),
        CertError::Malformed { index: 1 }
    );
    assert_eq!(
        cert_err(check_alipay_cert_chain(&truncated, ROOT_BUNDLE, VALID_TIME)),
        CertError::Malformed { index: 0 }
    );
}

#[test]
fn never_panics_on_prefixes() {
    // Every prefix of a real bundle is either accepted or a typed error.
    for end in (0..ROOT_BUNDLE.len()).step_by(7) {
        if let Some(prefix) = ROOT_BUNDLE.get(..end) {
            let _ = alipay_root_cert_sn(prefix);
            let _ = check_alipay_cert_chain(prefix, ROOT_BUNDLE, VALID_TIME);
        }
    }
}
