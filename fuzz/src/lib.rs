//! What the fuzz targets share: the bundled test public keys, parsed once per process, and
//! the methods a response body answers.

use std::sync::OnceLock;

use alipay_codec::cert::AlipayCertKeys;
use alipay_codec::response::scan;
use alipay_codec::AlipayPublicKey;

/// The methods to decode `body` as: two fixed ones, plus the stem of every top-level
/// `<stem>_response` member of the body (a node name with `_` for `.` matches its method
/// either way), so that the fuzzer reaches method nodes whatever method its inputs answer.
pub fn response_methods(body: &[u8]) -> Vec<String> {
    let mut methods: Vec<String> =
        ["alipay.security.risk.verifyidentity.apply", "alipay.trade.query"].map(String::from).into();
    if let Ok(members) = scan(body) {
        for m in members.iter() {
            if let Some(stem) = m.name().strip_suffix("_response") {
                if !stem.is_empty() && stem != "error" && !methods.iter().any(|x| x == stem) {
                    methods.push(stem.to_owned());
                }
            }
        }
    }
    methods
}

/// The bundled Alipay test public key (`tests/keys/alipay_public.pem`).
pub fn alipay_public_key() -> &'static AlipayPublicKey {
    static KEY: OnceLock<AlipayPublicKey> = OnceLock::new();
    KEY.get_or_init(|| parse(include_str!("../../tests/keys/alipay_public.pem")))
}

/// The bundled app test public key (`tests/keys/app_public.pem`), which the gateway side
/// verifies requests with.
pub fn app_public_key() -> &'static AlipayPublicKey {
    static KEY: OnceLock<AlipayPublicKey> = OnceLock::new();
    KEY.get_or_init(|| parse(include_str!("../../tests/keys/app_public.pem")))
}

/// Certificate mode: the bundled test certificates `alipay_cert_1.pem` and
/// `alipay_cert_2.pem`, by SN.
pub fn cert_keys() -> &'static AlipayCertKeys {
    static KEYS: OnceLock<AlipayCertKeys> = OnceLock::new();
    KEYS.get_or_init(|| {
        let mut keys = AlipayCertKeys::new();
        for pem in [
            include_str!("../../tests/certs/alipay_cert_1.pem"),
            include_str!("../../tests/certs/alipay_cert_2.pem"),
        ] {
            keys.insert_pem(pem).expect("bundled test certificate");
        }
        keys
    })
}

fn parse(pem: &str) -> AlipayPublicKey {
    AlipayPublicKey::parse(pem).expect("bundled test key")
}
