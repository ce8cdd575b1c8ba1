//! Inputs the fuzzers found, kept as regression tests (see the Fuzzing section of the README).

use alipay_codec::gateway::{Rejection, UntrustedRequest};
use alipay_codec::{Error, KeyRule, SignContent};

/// `gateway_request`, 2026-12-07 (`crash-dd040d772a845446fea324f64e83bc751456c958`): a key
/// that starts with `sign` and four NUL bytes has the sort tag of `sign`. The quick pass of
/// `SignContent::new` counts keys before it knows they are valid, and a debug assertion
/// there wrongly expected the tag test and the name test to agree for any key. The key is
/// invalid (control bytes), so the content was never built from that count: the fix is in
/// the assertion, and the key must still be rejected, naming it.
#[test]
fn a_key_with_the_tag_of_sign_and_control_bytes_is_rejected() {
    let key = "sign\0\0\0\0oRzZ2JB_hmMAi";
    for others in [&[][..], &[("app_id", "2014052300007348"), ("charset", "x")][..]] {
        let mut pairs = vec![(key, "x")];
        pairs.extend_from_slice(others);
        let got = SignContent::new(&mut pairs).map(|_| ());
        assert_eq!(got, Err(Error::InvalidKey { key: key.into(), rule: KeyRule::Whitespace }));
    }
    // The same key through the gateway's request parser: a rejection that names it, not a
    // panic (the parser checks key syntax before it looks for missing parameters).
    let query = b"app_id=2014052300007348&charset=utf-8&sign%00%00%00%00oRzZ2JB_hmMAi=x";
    let want = Error::InvalidKey { key: key.into(), rule: KeyRule::Whitespace };
    match UntrustedRequest::parse(query, b"") {
        Err(Rejection::InvalidParameter { cause }) => assert_eq!(cause, want),
        other => panic!("expected the invalid key to be rejected, got {other:?}"),
    }
}
