//! Proves the allocation budget of the sign content hot path with a counting global
//! allocator: zero heap allocations into a `heapless` buffer, exactly one into a `String`,
//! none to stream into a digest. (One test per binary keeps other threads out of the count.)

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use alipay_codec::SignContent;
use sha2::{Digest, Sha256};

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: forwards to the system allocator; the counter is a thread-local `Cell`.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
        unsafe { System.alloc(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations_in(f: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.with(Cell::get);
    f();
    ALLOCATIONS.with(Cell::get) - before
}

#[test]
fn sign_content_allocation_budget() {
    // The seed example request with every system parameter (≈ 450 bytes of content).
    let biz = r#"{"biz_id":"test_302857831249","account_name":"张三","account_id":"330102198807312189","account_type":"ALIPAY_USERID","validate_product_group":"{\"id\":1,\"name\":\"NATIVE_PAYMENT_PASSWORD\",\"uuid\":\"2ac7745f2151420ea168476b0675010a\"}","scene_code":"metro#metro#metro_forgetpwd_confirm#mobileClient","biz_params":"{\"sms_code\":\"test\",\"qrcode_expired_time\":604800}"}"#;
    let pairs = [
        ("app_id", "2014072300007148"),
        ("method", "alipay.security.risk.verifyidentity.apply"),
        ("format", "JSON"),
        ("charset", "utf-8"),
        ("sign_type", "RSA2"),
        ("timestamp", "2014-07-24 03:07:50"),
        ("version", "1.0"),
        ("biz_content", biz),
    ];

    let mut params = pairs;
    let mut fixed = heapless::String::<1024>::new();
    let n = allocations_in(|| {
        let content = SignContent::new(&mut params).unwrap();
        content.write_heapless(&mut fixed).unwrap();
    });
    assert_eq!(n, 0, "heapless path allocated");
    assert!(fixed.len() > 400);

    let mut params = pairs;
    let mut out = String::new();
    let n = allocations_in(|| {
        let content = SignContent::new(&mut params).unwrap();
        content.write_into(&mut out);
    });
    assert_eq!(n, 1, "String path must allocate exactly once");
    assert_eq!(out.as_str(), fixed.as_str());

    let mut params = pairs;
    let mut digest = Sha256::new();
    let n = allocations_in(|| {
        let content = SignContent::new(&mut params).unwrap();
        content.update_digest(&mut digest);
    });
    assert_eq!(n, 0, "digest path allocated");
    assert_eq!(digest.finalize(), Sha256::digest(fixed.as_bytes()));

    let mut params = pairs;
    let mut bytes = [0u8; 1024];
    let mut written = 0;
    let n = allocations_in(|| {
        let content = SignContent::new(&mut params).unwrap();
        written = content.write_bytes(&mut bytes).unwrap();
    });
    assert_eq!(n, 0, "byte-buffer path allocated");
    assert_eq!(&bytes[..written], fixed.as_bytes());
}

/// Keys are parsed once, never per request: encoding a request and decoding a response take
/// ready-made signer/verifier values, and the allocations they make are those of the request
/// strings and the RSA operation — nowhere near those of parsing a key (which is the only
/// place DER/PEM decoding happens). Counts are per thread, so parallel tests do not interfere.
#[test]
fn keys_are_parsed_once_not_per_request() {
    use alipay_codec::api::verifyidentity::{
        Product, ProductName, VerifyIdentityApply, VerifyIdentityApplyRequest,
    };
    use alipay_codec::response::{self, ResponseOptions};
    use alipay_codec::{AppConfig, AppPrivateKey, Message, SignType, Signer, Timestamp};

    let pem = include_str!("keys/app_private_pkcs8.pem");
    let mut key = None;
    let parse = allocations_in(|| key = Some(AppPrivateKey::parse(pem).unwrap()));
    let key = key.unwrap();
    let signer = key.unblinded();

    let config = AppConfig::builder("2014072300007148").build().unwrap();
    let biz = VerifyIdentityApplyRequest::builder()
        .biz_id("test_302857831249")
        .account_id("330102198807312189")
        .validate_product_group(Product::new(1, ProductName::NativePaymentPassword))
        .scene_code("metro#metro#metro_forgetpwd_confirm#mobileClient")
        .build()
        .unwrap();
    let ts = Timestamp::parse("2014-07-24 03:07:50").unwrap();

    // One bare RSA2 signature, for reference.
    let sign_only = allocations_in(|| {
        signer.sign(SignType::Rsa2, Message::Bytes(b"x")).unwrap();
    });
    // The same signer, reused for many requests: each costs the same, and only the request's
    // own strings on top of the RSA operation.
    let mut per_request = Vec::new();
    for _ in 0..3 {
        per_request.push(allocations_in(|| {
            config.encode::<VerifyIdentityApply>(&biz, &ts, &signer).unwrap();
        }));
    }
    assert!(per_request.windows(2).all(|w| w[0] == w[1]), "{per_request:?}");
    let overhead = per_request[0] - sign_only;
    assert!(overhead <= 16, "encode allocates {overhead} beyond the RSA operation");
    assert!(parse > overhead, "parse {parse} vs encode overhead {overhead}");

    // Decoding with a verifier built once: no parsing there either.
    let alipay = AppPrivateKey::parse(include_str!("keys/alipay_private_pkcs8.pem")).unwrap();
    let verifier = alipay.public_key();
    let span = r#"{"code":"10000","msg":"Success","is_success":"true"}"#;
    let sign = alipay.unblinded().sign(SignType::Rsa2, Message::Bytes(span.as_bytes())).unwrap();
    let body = format!(
        r#"{{"alipay_security_risk_verifyidentity_apply_response":{span},"sign":"{}"}}"#,
        sign.as_str()
    );
    let decodes: Vec<usize> = (0..3)
        .map(|_| {
            allocations_in(|| {
                response::decode::<VerifyIdentityApply>(
                    body.as_bytes(),
                    SignType::Rsa2,
                    &verifier,
                    ResponseOptions::new(),
                )
                .unwrap();
            })
        })
        .collect();
    assert!(decodes.windows(2).all(|w| w[0] == w[1]), "{decodes:?}");
    assert!(parse > decodes[0], "parse {parse} vs decode {}", decodes[0]);
}
