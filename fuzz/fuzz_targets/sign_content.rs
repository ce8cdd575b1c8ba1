//! Sign content from arbitrary pairs: the four outputs agree, the computed length is the
//! written length, the pairs come out in strictly increasing key order, and the order of the
//! input does not matter.
#![no_main]

use alipay_codec::SignContent;
use libfuzzer_sys::fuzz_target;
use sha2::{Digest, Sha256};

fuzz_target!(|pairs: Vec<(String, String)>| {
    let mut forward: Vec<(&str, &str)> =
        pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let mut backward: Vec<(&str, &str)> = forward.iter().rev().copied().collect();
    let a = SignContent::new(&mut forward);
    let b = SignContent::new(&mut backward);
    match (a, b) {
        (Ok(a), Ok(b)) => {
            let text = a.to_string();
            assert_eq!(text.len(), a.len());
            assert_eq!(text, b.to_string(), "permutation changed the content");
            let mut fixed = heapless::String::<4096>::new();
            match a.write_heapless(&mut fixed) {
                Ok(()) => assert_eq!(fixed.as_str(), text),
                Err(_) => assert!(text.len() > 4096 && fixed.is_empty()),
            }
            let mut digest = Sha256::new();
            a.update_digest(&mut digest);
            assert_eq!(digest.finalize(), Sha256::digest(text.as_bytes()));
            let mut bytes = [0u8; 4096];
            match a.write_bytes(&mut bytes) {
                Ok(n) => assert_eq!(bytes.get(..n), Some(text.as_bytes())),
                Err(_) => assert!(text.len() > 4096),
            }
            // Sorted, each pair from the input, and every pair kept that must be.
            let out: Vec<(&str, &str)> = a.params().collect();
            assert!(out.windows(2).all(|w| w[0].0.as_bytes() < w[1].0.as_bytes()));
            assert!(out.iter().all(|p| pairs.iter().any(|(k, v)| (k.as_str(), v.as_str()) == *p)));
            for (k, v) in &pairs {
                if k != "sign" && v.starts_with(|c: char| c.is_ascii_alphanumeric()) {
                    assert!(out.contains(&(k.as_str(), v.as_str())), "dropped {k:?}");
                }
            }
        }
        (Err(_), Err(_)) => {}
        (a, b) => panic!("order changed validity: {:?} vs {:?}", a.err(), b.err()),
    }
});
