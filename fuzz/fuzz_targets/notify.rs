//! Notification parse + verify on arbitrary form bytes never panics and never verifies; on
//! success the content is the `&`-join of the sorted `key=value` pairs it covers (also not
//! in certificate mode); an amount read from it prints as itself.
#![no_main]

use alipay_codec::notify::Amount;
use alipay_codec::{NotifyMode, NotifyOptions, SignType, UntrustedNotification};
use alipay_codec_fuzz::{alipay_public_key, cert_keys};
use libfuzzer_sys::fuzz_target;

/// Java's `Character.isWhitespace`, written from its documentation (blank values are dropped).
fn java_whitespace(c: char) -> bool {
    matches!(c, '\t'..='\r' | '\x1c'..='\x1f' | ' ' | '\u{1680}' | '\u{2028}' | '\u{2029}')
        || matches!(c, '\u{2000}'..='\u{2006}' | '\u{2008}'..='\u{200a}' | '\u{205f}' | '\u{3000}')
}

fuzz_target!(|form: &[u8]| {
    let Ok(notification) = UntrustedNotification::parse(form) else { return };
    let pairs = alipay_codec::form::decode(form).expect("parse succeeded");
    for (mode, keep) in [(NotifyMode::V1, false), (NotifyMode::V2, false), (NotifyMode::V2, true)] {
        if let Ok(content) = notification.content(mode, keep) {
            let mut expected: Vec<_> = pairs
                .iter()
                .filter(|(k, v)| {
                    k != "sign"
                        && !(mode == NotifyMode::V1 && k == "sign_type")
                        && (keep || k != "alipay_cert_sn")
                        && !v.chars().all(java_whitespace)
                })
                .collect();
            expected.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            let joined: Vec<String> = expected.iter().map(|(k, v)| format!("{k}={v}")).collect();
            assert_eq!(content, joined.join("&"));
        }
    }
    // Amounts, as a caller reads them from the form: a parsed amount prints as itself.
    for (_, value) in &pairs {
        if let Ok(amount) = Amount::parse("total_amount", value) {
            assert_eq!(Amount::parse("total_amount", &amount.to_string()), Ok(amount));
        }
    }
    for sign_type in [SignType::Rsa2, SignType::Rsa] {
        let options = NotifyOptions::new(NotifyMode::V2ThenV1);
        assert!(
            notification.clone().verify(sign_type, alipay_public_key(), options).is_err(),
            "random form verified"
        );
        assert!(
            notification.clone().verify_with_cert_keys(sign_type, cert_keys(), options).is_err(),
            "random form verified in certificate mode"
        );
    }
});
