//! Full response decode of arbitrary bytes never panics and never yields a verified reply:
//! the fuzzer cannot forge an RSA signature, so any `Ok` is an accepted unsigned error.
#![no_main]

use std::sync::OnceLock;

use alipay_codec::api::verifyidentity::VerifyIdentityApply;
use alipay_codec::api::Method;
use alipay_codec::response::{self, Authenticity, Reply};
use alipay_codec::{AlipayPublicKey, ResponseOptions, SignType};
use libfuzzer_sys::fuzz_target;

fn key() -> &'static AlipayPublicKey {
    static KEY: OnceLock<AlipayPublicKey> = OnceLock::new();
    KEY.get_or_init(|| {
        AlipayPublicKey::parse(include_str!("../../tests/keys/alipay_public.pem"))
            .expect("test key")
    })
}

/// Any method: a generic JSON body.
struct TradeQuery;
impl Method for TradeQuery {
    const NAME: &'static str = "alipay.trade.query";
    type BizContent = ();
    type Response = serde_json::Value;
}

fn check<T>(reply: alipay_codec::Result<Reply<T>>) {
    if let Ok(reply) = reply {
        assert_eq!(reply.authenticity, Authenticity::Unsigned, "random bytes verified");
        assert!(!reply.is_verified() && reply.body.is_none());
    }
}

fn options(slash_retry: bool) -> ResponseOptions {
    ResponseOptions::new().slash_retry(slash_retry)
}

fuzz_target!(|input: (bool, &[u8])| {
    let (slash_retry, body) = input;
    let key = key();
    check(response::decode::<VerifyIdentityApply>(body, SignType::Rsa2, key, options(slash_retry)));
    check(response::decode::<TradeQuery>(body, SignType::Rsa2, key, options(slash_retry)));
    check(response::decode::<TradeQuery>(body, SignType::Rsa, key, options(slash_retry)));
});
