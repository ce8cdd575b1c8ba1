//! Sign content from arbitrary pairs: the four outputs agree, the computed length is the
//! written length, a buffer one byte short is an error that writes nothing, the pairs come out
//! in strictly increasing key order, and the order of the input does not matter (reversed, and
//! shuffled by the pairs' own bytes).
#![no_main]

use alipay_codec::{Error, SignContent};
use libfuzzer_sys::fuzz_target;
use sha2::{Digest, Sha256};

/// A permutation of `pairs` that depends on their bytes: sorted by an FNV-1a hash of each
/// pair (ties keep their order).
fn shuffled<'p>(pairs: &[(&'p str, &'p str)]) -> Vec<(&'p str, &'p str)> {
    let hash = |(k, v): &(&str, &str)| {
        k.bytes().chain([0xff]).chain(v.bytes()).fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        })
    };
    let mut out = pairs.to_vec();
    out.sort_by_key(hash);
    out
}

/// A fixed-capacity string holding `n` bytes.
fn filled<const N: usize>(n: usize) -> heapless::String<N> {
    let mut out = heapless::String::new();
    for _ in 0..n {
        out.push('#').expect("n is at most N");
    }
    out
}

/// The too-small cases of the two bounded outputs, for content of `len` bytes.
fn check_bounds(content: &SignContent<'_>, text: &str) {
    let len = text.len();
    // Bytes: exactly long enough, and one short.
    let mut bytes = vec![0u8; len + 1];
    assert_eq!(content.write_bytes(&mut bytes[..len]), Ok(len));
    assert_eq!(&bytes[..len], text.as_bytes());
    if len > 0 {
        let mut short = vec![0u8; len - 1];
        let want = Error::BufferTooSmall { needed: len, capacity: len - 1 };
        assert_eq!(content.write_bytes(&mut short), Err(want));
        assert!(short.iter().all(|&b| b == 0), "a short buffer was written to");
    }
    // heapless: a 256-byte string already holding `256 - len` bytes (exactly full after),
    // and one more (one short); the short one is left unchanged.
    const N: usize = 256;
    if (1..=N).contains(&len) {
        let mut fits = filled::<N>(N - len);
        assert_eq!(content.write_heapless(&mut fits), Ok(()));
        assert_eq!(&fits[N - len..], text);
        let mut short = filled::<N>(N - len + 1);
        let before = short.clone();
        assert!(content.write_heapless(&mut short).is_err());
        assert_eq!(short, before, "a short heapless string was changed");
    } else if len > N {
        let mut short = heapless::String::<N>::new();
        let want = Error::BufferTooSmall { needed: len, capacity: N };
        assert_eq!(content.write_heapless(&mut short), Err(want));
        assert!(short.is_empty());
    }
}

fuzz_target!(|pairs: Vec<(String, String)>| {
    let input: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let mut forward = input.clone();
    let mut backward: Vec<(&str, &str)> = input.iter().rev().copied().collect();
    let mut mixed = shuffled(&input);
    let a = SignContent::new(&mut forward);
    let b = SignContent::new(&mut backward);
    let c = SignContent::new(&mut mixed);
    match (a, b, c) {
        (Ok(a), Ok(b), Ok(c)) => {
            let text = a.to_string();
            assert_eq!(text.len(), a.len());
            assert_eq!(text, b.to_string(), "reversing the input changed the content");
            assert_eq!(text, c.to_string(), "shuffling the input changed the content");
            let mut fixed = heapless::String::<4096>::new();
            match a.write_heapless(&mut fixed) {
                Ok(()) => assert_eq!(fixed.as_str(), text),
                Err(_) => assert!(text.len() > 4096 && fixed.is_empty()),
            }
            let mut digest = Sha256::new();
            a.update_digest(&mut digest);
            assert_eq!(digest.finalize(), Sha256::digest(text.as_bytes()));
            check_bounds(&a, &text);
            // Sorted, each pair from the input, and every pair kept that must be.
            let out: Vec<(&str, &str)> = a.params().collect();
            assert!(out.windows(2).all(|w| w[0].0.as_bytes() < w[1].0.as_bytes()));
            assert!(out.iter().all(|p| input.contains(p)));
            for (k, v) in &input {
                if *k != "sign" && v.starts_with(|c: char| c.is_ascii_alphanumeric()) {
                    assert!(out.contains(&(k, v)), "dropped {k:?}");
                }
            }
        }
        (Err(_), Err(_), Err(_)) => {}
        (a, b, c) => {
            panic!("order changed validity: {:?} / {:?} / {:?}", a.err(), b.err(), c.err())
        }
    }
});
