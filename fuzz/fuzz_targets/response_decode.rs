//! Full response decode of arbitrary bytes never panics and never yields a verified reply:
//! the fuzzer cannot forge an RSA signature, so any `Ok` is an accepted unsigned error.
#![no_main]

use alipay_codec::api::verifyidentity::VerifyIdentityApply;
use alipay_codec::api::Method;
use alipay_codec::response::{self, Authenticity, Reply};
use alipay_codec::{ResponseOptions, SignType};
use alipay_codec_fuzz::alipay_public_key;
use libfuzzer_sys::fuzz_target;

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
    let key = alipay_public_key();
    check(response::decode::<VerifyIdentityApply>(body, SignType::Rsa2, key, options(slash_retry)));
    check(response::decode::<TradeQuery>(body, SignType::Rsa2, key, options(slash_retry)));
    check(response::decode::<TradeQuery>(body, SignType::Rsa, key, options(slash_retry)));
});
