//! Property tests of the core: sign content matches a plain model and is invariant under
//! permutation of its input;
//! sign → verify round-trips; one flipped bit in the signature or the content fails.

use alipay_codec::{
    AppPrivateKey, Error, Message, SignContent, SignType, Signature, Signer, Verifier,
};
use proptest::prelude::*;
use std::sync::OnceLock;

fn key() -> &'static AppPrivateKey {
    static KEY: OnceLock<AppPrivateKey> = OnceLock::new();
    KEY.get_or_init(|| AppPrivateKey::parse(include_str!("keys/app_private_pkcs8.pem")).unwrap())
}

/// Distinct valid keys with arbitrary values. `sign` (dropped) and `sign_type` (kept) come
/// up often, as do empty and blank values (dropped), which random keys and text would
/// almost never produce.
fn params() -> impl Strategy<Value = Vec<(String, String)>> {
    let key = prop_oneof![
        1 => Just("sign".to_string()),
        1 => Just("sign_type".to_string()),
        8 => "[A-Za-z0-9_.]{1,12}",
    ];
    let value = prop_oneof![
        1 => Just(String::new()),
        1 => Just(" \t\u{3000}".to_string()),
        8 => "\\PC{0,16}",
    ];
    prop::collection::btree_map(key, value, 0..16).prop_map(|m| m.into_iter().collect::<Vec<_>>())
}

/// The sign content as PROTOCOL §1 states it, the plain way: drop `sign` and blank values
/// (Java's whitespace), sort by key bytes, join `k=v` with `&`.
fn reference(params: &[(String, String)]) -> String {
    // Java's `Character.isWhitespace`: Unicode's White_Space (Rust's `is_whitespace`) minus
    // U+0085 and the no-break spaces, plus the separators U+001C..=U+001F.
    let java_whitespace = |c: char| {
        (c.is_whitespace() && !matches!(c, '\u{85}' | '\u{a0}' | '\u{2007}' | '\u{202f}'))
            || matches!(c, '\u{1c}'..='\u{1f}')
    };
    let blank = |v: &str| v.chars().all(java_whitespace);
    let mut kept: Vec<_> = params.iter().filter(|(k, v)| k != "sign" && !blank(v)).collect();
    kept.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    kept.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn sign_content_is_permutation_invariant(owned in params(), seed in any::<u64>()) {
        let mut a: Vec<(&str, &str)> = owned.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let mut b = a.clone();
        // A deterministic shuffle driven by the seed.
        let mut s = seed;
        for i in (1..b.len()).rev() {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            b.swap(i, (s >> 33) as usize % (i + 1));
        }
        let ca = SignContent::new(&mut a).unwrap();
        let cb = SignContent::new(&mut b).unwrap();
        let text = ca.to_string();
        prop_assert_eq!(&text, &reference(&owned));
        prop_assert_eq!(&text, &cb.to_string());
        prop_assert_eq!(text.len(), ca.len());
        let mut h = heapless::String::<1024>::new();
        cb.write_heapless(&mut h).unwrap();
        prop_assert_eq!(h.as_str(), text.as_str());
    }

    #[test]
    fn sign_verify_round_trip_and_bit_flips_fail(content in "\\PC{0,64}", bit in 0usize..2048, rsa2 in any::<bool>()) {
        let sign_type = if rsa2 { SignType::Rsa2 } else { SignType::Rsa };
        let public = key().public_key();
        let message = Message::Bytes(content.as_bytes());
        let signature = key().unblinded().sign(sign_type, message).unwrap();
        prop_assert!(public.verify(sign_type, message, &signature).is_ok());

        // One bit of the signature flipped.
        let mut raw = [0u8; 256];
        let len = signature.decode(&mut raw).unwrap().len();
        prop_assert_eq!(len, 256);
        raw[bit / 8] ^= 1 << (bit % 8);
        let flipped = Signature::from_bytes(&raw).unwrap();
        prop_assert_eq!(public.verify(sign_type, message, &flipped), Err(Error::InvalidSignature));

        // One bit of the content flipped (or a byte appended to empty content).
        let mut bytes = content.clone().into_bytes();
        if bytes.is_empty() { bytes.push(b'x') } else { let i = bit % bytes.len(); bytes[i] ^= 1 << (bit % 8); }
        prop_assert_eq!(public.verify(sign_type, Message::Bytes(&bytes), &signature), Err(Error::InvalidSignature));
    }
}
