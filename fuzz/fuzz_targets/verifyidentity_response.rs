//! The `verifyidentity.apply` response decode on arbitrary text never panics, and
//! `is_success` only ever comes from the strings "true" / "false".
#![no_main]

use alipay_codec::api::verifyidentity::response::{parse_products, VerifyIdentityApplyResponse};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = parse_products(text);
    if let Ok(r) = serde_json::from_str::<VerifyIdentityApplyResponse>(text) {
        let raw: serde_json::Value = serde_json::from_str(text).expect("decoded text is JSON");
        // serde's derive also takes a struct as a sequence of its fields, in order.
        let wire = raw.get("is_success").or_else(|| raw.get(0)).and_then(|v| v.as_str());
        assert_eq!(wire, Some(if r.is_success { "true" } else { "false" }));
    }
});
