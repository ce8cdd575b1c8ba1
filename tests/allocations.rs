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
}
