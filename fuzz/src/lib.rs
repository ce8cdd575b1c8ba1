//! What the fuzz targets share: the bundled test public keys, parsed once per process.

use std::sync::OnceLock;

use alipay_codec::AlipayPublicKey;

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

fn parse(pem: &str) -> AlipayPublicKey {
    AlipayPublicKey::parse(pem).expect("bundled test key")
}
