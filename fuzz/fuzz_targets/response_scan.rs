//! The response scanner on arbitrary bytes: every member's range lies inside the input and
//! holds its value, names are unique, and a parsed node span (for a fixed method or for any
//! `<method>_response` member of the body) is an object or a string inside the input.
#![no_main]

use alipay_codec::response::{scan, UntrustedResponse};
use alipay_codec_fuzz::response_methods;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &[u8]| {
    if let Ok(members) = scan(body) {
        let mut names: Vec<&str> = Vec::new();
        for m in members.iter() {
            assert!(m.range().end <= body.len(), "member range outside the input");
            assert_eq!(m.value(), &body[m.range()]);
            assert!(!names.contains(&m.name()), "duplicate member {:?}", m.name());
            names.push(m.name());
        }
        assert_eq!(names.len(), members.len());
    }
    for method in response_methods(body) {
        if let Ok(parsed) = UntrustedResponse::parse(body, &method) {
            let span = parsed.signed_span();
            assert!(parsed.span_range().end <= body.len(), "span outside the input");
            assert_eq!(span, &body[parsed.span_range()]);
            assert!(
                matches!(span.first(), Some(b'{' | b'"')),
                "span starts with {:?}",
                span.first()
            );
            assert!(matches!(span.last(), Some(b'}' | b'"')), "span ends with {:?}", span.last());
            assert!(span.len() >= 2);
            let _ = (parsed.signature(), parsed.cert_sn());
        }
    }
});
