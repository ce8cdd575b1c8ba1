//! Timestamp parsing: on success the text is kept verbatim and survives a Unix round trip;
//! any Unix time either errors or formats to a string that parses back to the same instant.
#![no_main]

use alipay_codec::Timestamp;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&str, i64)| {
    let (text, secs) = input;
    if let Ok(t) = Timestamp::parse(text) {
        assert_eq!(t.as_str(), text);
        let back = Timestamp::from_unix(t.to_unix()).expect("a parsed time converts back");
        assert_eq!(back.as_str(), text);
    }
    if let Ok(t) = Timestamp::from_unix(secs) {
        let parsed = Timestamp::parse(t.as_str()).expect("a formatted time parses");
        assert_eq!(parsed, t);
        assert_eq!(parsed.to_unix(), secs);
    }
});
