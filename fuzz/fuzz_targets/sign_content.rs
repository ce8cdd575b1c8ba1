//! Sign content from arbitrary pairs: the three outputs agree, the computed length is the
//! written length, and the order of the input does not matter.
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
        }
        (Err(_), Err(_)) => {}
        (a, b) => panic!("order changed validity: {:?} vs {:?}", a.err(), b.err()),
    }
});
