//! Links alipay-codec into a `#![no_std]` artefact. See Cargo.toml.
#![no_std]

extern crate alloc;

use alipay_codec::{AppPrivateKey, Message, SignContent, SignType, Signer, Verifier};
use core::alloc::{GlobalAlloc, Layout};
use core::cell::UnsafeCell;
use core::sync::atomic::{AtomicUsize, Ordering};

/// A bump allocator over a static arena: enough to prove linking, never frees.
struct Bump {
    arena: UnsafeCell<[u8; 1 << 20]>,
    next: AtomicUsize,
}

// SAFETY: allocation hands out disjoint ranges through an atomic cursor.
unsafe impl Sync for Bump {}

unsafe impl GlobalAlloc for Bump {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let base = self.arena.get() as usize;
        let mut start = 0;
        let claimed = self.next.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |next| {
            start = (base + next).next_multiple_of(layout.align()) - base;
            let end = start.checked_add(layout.size())?;
            (end <= 1 << 20).then_some(end)
        });
        match claimed {
            Ok(_) => (base + start) as *mut u8,
            Err(_) => core::ptr::null_mut(),
        }
    }
    unsafe fn dealloc(&self, _ptr: *mut u8, _layout: Layout) {}
}

#[global_allocator]
static ALLOCATOR: Bump = Bump { arena: UnsafeCell::new([0; 1 << 20]), next: AtomicUsize::new(0) };

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    loop {}
}

/// Sign content, sign and verify; returns 0 on success.
#[no_mangle]
pub extern "C" fn alipay_codec_no_std_check() -> i32 {
    let Ok(key) = AppPrivateKey::parse(include_str!("../../keys/app_private_pkcs8.pem")) else {
        return 1;
    };
    let mut params = [("method", "alipay.trade.query"), ("app_id", "2014072300007148")];
    let Ok(content) = SignContent::new(&mut params) else { return 2 };
    let mut text = heapless::String::<128>::new();
    if content.write_heapless(&mut text).is_err() {
        return 3;
    }
    let Ok(signature) = key.unblinded().sign(SignType::Rsa2, Message::Content(content)) else {
        return 4;
    };
    match key.public_key().verify(SignType::Rsa2, Message::Content(content), &signature) {
        Ok(()) => 0,
        Err(_) => 5,
    }
}
