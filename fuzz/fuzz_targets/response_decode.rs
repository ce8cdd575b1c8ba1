//! Full response decode of arbitrary bytes never panics. Under a key that signed nothing (the
//! app test key: only the Alipay key signs responses), nothing verifies: any `Ok` is an
//! accepted unsigned error. Under the Alipay test key, which signed the seeds, a verified
//! span is bound to its bytes: the same body with one byte of the span changed does not
//! verify. The body is decoded as the typed verifyidentity method and, generically, as every
//! method it answers (see [`response_methods`]), with both sign types and the `\/` retry on
//! or off.
#![no_main]

use alipay_codec::api::verifyidentity::VerifyIdentityApply;
use alipay_codec::response::{self, Authenticity, Reply, UntrustedResponse, VerifiedResponse};
use alipay_codec::{Error, ResponseOptions, SignType};
use alipay_codec_fuzz::{alipay_public_key, app_public_key, cert_keys, response_methods};
use libfuzzer_sys::fuzz_target;

fn check_unsigned<T>(reply: alipay_codec::Result<Reply<T>>) {
    if let Ok(reply) = reply {
        assert_eq!(reply.authenticity, Authenticity::Unsigned, "verified under a key that signed nothing");
        assert!(!reply.is_verified() && reply.body.is_none());
    }
}

fn check_unsigned_node(verified: &VerifiedResponse<'_>) {
    assert_eq!(verified.authenticity(), Authenticity::Unsigned);
    assert_eq!(verified.decode::<serde_json::Value>().unwrap_err(), Error::Unsigned);
    let _ = verified.status();
}

fuzz_target!(|input: (bool, &[u8])| {
    let (slash_retry, body) = input;
    let options = ResponseOptions::new().slash_retry(slash_retry);
    check_unsigned(response::decode::<VerifyIdentityApply>(body, SignType::Rsa2, app_public_key(), options));
    let _ = response::decode::<VerifyIdentityApply>(body, SignType::Rsa2, alipay_public_key(), options);
    for method in response_methods(body) {
        let Ok(parsed) = UntrustedResponse::parse(body, &method) else { continue };
        for sign_type in [SignType::Rsa2, SignType::Rsa] {
            if let Ok(verified) = parsed.verify(sign_type, app_public_key(), options) {
                check_unsigned_node(&verified);
            }
            for cert_mode in [false, true] {
                let verify = Verify { sign_type, options, cert_mode };
                check_bound(body, &method, parsed, verify);
            }
        }
    }
});

/// A verification with the Alipay test key, or with the test certificates by SN.
#[derive(Clone, Copy)]
struct Verify {
    sign_type: SignType,
    options: ResponseOptions,
    cert_mode: bool,
}

impl Verify {
    fn run<'a>(self, r: UntrustedResponse<'a>) -> alipay_codec::Result<VerifiedResponse<'a>> {
        if self.cert_mode {
            r.verify_with_cert_keys(self.sign_type, cert_keys(), self.options)
        } else {
            r.verify(self.sign_type, alipay_public_key(), self.options)
        }
    }
}

/// Under a key that may have signed the body: a verified span is bound to its bytes (one
/// byte of it changed, the body no longer verifies); an unverified `Ok` is an unsigned error.
fn check_bound(body: &[u8], method: &str, parsed: UntrustedResponse<'_>, verify: Verify) {
    let Ok(verified) = verify.run(parsed) else { return };
    if !verified.is_verified() {
        check_unsigned_node(&verified);
        return;
    }
    let _ = (verified.status(), verified.decode::<serde_json::Value>());
    let range = parsed.span_range();
    let mut changed = body.to_vec();
    changed[range.start + range.len() / 2] ^= 0x01;
    if let Ok(again) = UntrustedResponse::parse(&changed, method) {
        if let Ok(v) = verify.run(again) {
            assert!(!v.is_verified(), "a changed span still verified");
        }
    }
}
