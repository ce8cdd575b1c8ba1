//! Form decode on arbitrary bytes never panics; decode(encode(pairs)) is the identity.
#![no_main]

use alipay_codec::form;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&[u8], Vec<(String, String)>)| {
    let (bytes, pairs) = input;
    if let Ok(decoded) = form::decode(bytes) {
        // Re-encoding what was decoded and decoding again gives the same pairs.
        let mut text = String::new();
        form::encode_pairs_into(decoded.iter().map(|(k, v)| (&**k, &**v)), &mut text);
        let again = form::decode(text.as_bytes()).expect("encoded form decodes");
        assert_eq!(decoded.len(), again.len());
        assert!(decoded.iter().zip(&again).all(|(a, b)| a == b));
    }
    let mut text = String::new();
    form::encode_pairs_into(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())), &mut text);
    let decoded = form::decode(text.as_bytes()).expect("encoded form decodes");
    assert_eq!(pairs.len(), decoded.len());
    for ((k, v), (dk, dv)) in pairs.iter().zip(&decoded) {
        assert_eq!((k.as_str(), v.as_str()), (&**dk, &**dv));
    }
});
