//! The response scanner on arbitrary bytes: every member's range lies inside the input and
//! holds its value, names are unique, and a parsed node span is an object or a string.
#![no_main]

use alipay_codec::response::{scan, UntrustedResponse};
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
    for method in ["alipay.security.risk.verifyidentity.apply", "alipay.trade.query"] {
        if let Ok(parsed) = UntrustedResponse::parse(body, method) {
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
