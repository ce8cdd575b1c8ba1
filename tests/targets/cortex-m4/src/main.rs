//! alipay-codec on a Cortex-M4 (QEMU `mps2-an386`): runs the seed example's known answers and
//! reports heap and time per operation over semihosting, then exits with a status
//! (0 = every check passed). See ../README-section.md and ../run.sh.
//!
//! Timing: SysTick on the processor clock (the board's 25 MHz SYSCLK), extended to 64 bits by
//! counting wraps. Run QEMU with `-icount shift=0` and each guest instruction advances the
//! virtual clock by exactly 1 ns, so one SysTick tick = 40 instructions and the figures are
//! deterministic instruction counts (not real M4 cycles: QEMU models no pipeline, wait
//! states or multi-cycle instructions). The DWT cycle counter is probed and reported, but
//! QEMU does not model it.
#![no_std]
#![no_main]

extern crate alloc;

use alloc::string::String;
use core::alloc::{GlobalAlloc, Layout};
use core::mem::MaybeUninit;
use core::sync::atomic::{AtomicU32, AtomicUsize, Ordering};

use alipay_codec::{AppPrivateKey, Message, SignContent, SignType, Signature, Signer, Verifier};
use cortex_m::peripheral::syst::SystClkSource;
use cortex_m_rt::{entry, exception, ExceptionFrame};
use cortex_m_semihosting::{debug, hprintln};
use rand_chacha::rand_core::SeedableRng;

#[allow(dead_code)]
mod vectors {
    include!(concat!(env!("OUT_DIR"), "/vectors.rs"));
}

/// The bundled test key (`peers-fixture` in tests/vectors/requests.json). Test only.
const APP_KEY_PEM: &str = include_str!("../../../keys/app_private_pkcs8.pem");
/// The "Alipay" test public key that verifies the fixture response. Test only.
const ALIPAY_PUBLIC_PEM: &str = include_str!("../../../keys/alipay_public.pem");

// ---------------------------------------------------------------------------------------
// Heap: embedded-alloc's linked-list heap, wrapped to record current and peak use.

const HEAP_SIZE: usize = 128 * 1024;

struct TrackingHeap {
    heap: embedded_alloc::LlffHeap,
    used: AtomicUsize,
    peak: AtomicUsize,
}

impl TrackingHeap {
    /// Restarts peak tracking from the current use; returns that use.
    fn reset_peak(&self) -> usize {
        let used = self.used.load(Ordering::Relaxed);
        self.peak.store(used, Ordering::Relaxed);
        used
    }
    fn peak(&self) -> usize {
        self.peak.load(Ordering::Relaxed)
    }
}

// SAFETY: delegates to LlffHeap (which serialises through a critical section); the counters
// are atomics and only observe.
unsafe impl GlobalAlloc for TrackingHeap {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let ptr = unsafe { self.heap.alloc(layout) };
        if !ptr.is_null() {
            let now = self.used.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            self.peak.fetch_max(now, Ordering::Relaxed);
        }
        ptr
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        self.used.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { self.heap.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static HEAP: TrackingHeap = TrackingHeap {
    heap: embedded_alloc::LlffHeap::empty(),
    used: AtomicUsize::new(0),
    peak: AtomicUsize::new(0),
};

// ---------------------------------------------------------------------------------------
// Time: SysTick (24-bit, processor clock) plus a wrap counter.

const SYSTICK_HZ: u64 = 25_000_000;
const RELOAD: u32 = 0x00FF_FFFF;
static WRAPS: AtomicU32 = AtomicU32::new(0);

#[exception]
fn SysTick() {
    WRAPS.fetch_add(1, Ordering::Relaxed);
}

/// Ticks since start (64-bit). Re-reads if a wrap lands between the two reads.
fn ticks() -> u64 {
    loop {
        let wraps = WRAPS.load(Ordering::Acquire);
        let current = cortex_m::peripheral::SYST::get_current();
        if WRAPS.load(Ordering::Acquire) == wraps {
            return u64::from(wraps) * (u64::from(RELOAD) + 1) + u64::from(RELOAD - current);
        }
    }
}

/// Runs `op`, prints its time and the heap it used at peak (beyond what was live before).
fn measure<T>(name: &str, op: impl FnOnce() -> T) -> T {
    let base = HEAP.reset_peak();
    let start = ticks();
    let result = op();
    let elapsed = ticks() - start;
    let peak = HEAP.peak() - base;
    // With -icount shift=0: 1 instruction = 1 ns, so ns == instructions.
    let ns = elapsed * 1_000_000_000 / SYSTICK_HZ;
    hprintln!("  {:<34} {:>11} insns (~{} us emulated)  peak heap {:>6} B", name, ns, ns / 1000, peak);
    result
}

// ---------------------------------------------------------------------------------------
// Stack high-water mark: paint the free stack with a pattern, later find the deepest
// overwritten word. cortex-m-rt places the stack at the top of RAM, growing down to
// `_stack_end` (the end of .bss/.uninit).

const PAINT: u32 = 0xDEAD_BEEF;
extern "C" {
    static _stack_start: u32;
    static _stack_end: u32;
}

fn stack_bounds() -> (usize, usize) {
    // Only the addresses of the linker symbols are taken, never their contents.
    (core::ptr::addr_of!(_stack_end) as usize, core::ptr::addr_of!(_stack_start) as usize)
}

#[inline(never)]
fn paint_stack() {
    let (end, _) = stack_bounds();
    let sp = cortex_m::register::msp::read() as usize;
    // Leave 256 bytes below the current frame untouched (this function's own frame).
    let mut p = end;
    while p < sp - 256 {
        // SAFETY: [end, sp - 256) is unused stack memory below every live frame.
        unsafe { core::ptr::write_volatile(p as *mut u32, PAINT) };
        p += 4;
    }
}

fn stack_used() -> usize {
    let (end, start) = stack_bounds();
    let mut p = end;
    // SAFETY: reads the painted region, which lies inside RAM.
    while p < start && unsafe { core::ptr::read_volatile(p as *const u32) } == PAINT {
        p += 4;
    }
    start - p
}

// ---------------------------------------------------------------------------------------

static FAILURES: AtomicU32 = AtomicU32::new(0);
static PASSES: AtomicU32 = AtomicU32::new(0);

fn check(what: &str, ok: bool) {
    if ok {
        PASSES.fetch_add(1, Ordering::Relaxed);
        hprintln!("ok   {}", what);
    } else {
        FAILURES.fetch_add(1, Ordering::Relaxed);
        hprintln!("FAIL {}", what);
    }
}

#[entry]
fn main() -> ! {
    // cortex-m-rt's #[entry] turns a `static mut` declared at the top of main into a unique
    // `&'static mut`, so no unsafe is needed to take it.
    static mut HEAP_MEM: [MaybeUninit<u8>; HEAP_SIZE] = [MaybeUninit::uninit(); HEAP_SIZE];
    let heap_mem: &'static mut [MaybeUninit<u8>; HEAP_SIZE] = HEAP_MEM;
    // SAFETY: called once, before any allocation, with memory that nothing else uses.
    unsafe { HEAP.heap.init(heap_mem.as_mut_ptr() as usize, HEAP_SIZE) }

    let mut core = cortex_m::Peripherals::take().unwrap();
    core.SYST.set_clock_source(SystClkSource::Core);
    core.SYST.set_reload(RELOAD);
    core.SYST.clear_current();
    core.SYST.enable_interrupt();
    core.SYST.enable_counter();

    // Probe the DWT cycle counter (QEMU does not model it: it stays 0).
    core.DCB.enable_trace();
    core.DWT.enable_cycle_counter();
    let c0 = cortex_m::peripheral::DWT::cycle_count();
    cortex_m::asm::delay(1000);
    let c1 = cortex_m::peripheral::DWT::cycle_count();
    hprintln!(
        "alipay-codec on Cortex-M4 (mps2-an386). DWT CYCCNT {}; timing from SysTick @ 25 MHz",
        if c1 != c0 { "counts" } else { "not modelled" }
    );

    paint_stack();
    run();
    hprintln!("stack high-water mark: {} B (RAM above the heap is stack)", stack_used());

    let failures = FAILURES.load(Ordering::Relaxed);
    let passes = PASSES.load(Ordering::Relaxed);
    hprintln!("cortex-m4: {} passed, {} failed", passes, failures);
    debug::exit(if failures == 0 { debug::EXIT_SUCCESS } else { debug::EXIT_FAILURE });
    loop {
        cortex_m::asm::wfi();
    }
}

fn run() {
    hprintln!("timings (QEMU -icount shift=0 instruction counts) and peak heap per operation:");
    let key = match measure("parse key (PKCS#8 PEM)", || AppPrivateKey::parse(APP_KEY_PEM)) {
        Ok(key) => key,
        Err(e) => {
            check("parse the bundled app key", false);
            hprintln!("     {}", e);
            return;
        }
    };
    let public = key.public_key();

    let mut params: heapless::Vec<(&str, &str), 16> = heapless::Vec::new();
    for &pair in vectors::SEED_PARAMS {
        let _ = params.push(pair);
    }
    let content = match measure("sign content (validate + sort)", || SignContent::new(&mut params)) {
        Ok(content) => content,
        Err(e) => {
            check("sign content builds", false);
            hprintln!("     {}", e);
            return;
        }
    };

    // The heapless path: no allocation at all.
    let mut text: heapless::String<1024> = heapless::String::new();
    let written = measure("sign content -> heapless::String", || content.write_heapless(&mut text));
    check("sign content (heapless) is written", written.is_ok());
    check("sign content (heapless) matches the seed example", text.as_str() == vectors::SEED_CONTENT);
    check("content.len() is exact", content.len() == vectors::SEED_CONTENT.len());
    let as_string: String = measure("sign content -> String", || content.to_string());
    check("sign content (String) matches", as_string == vectors::SEED_CONTENT);

    let message = Message::Content(content);
    let unblinded = measure("sign RSA2 (unblinded)", || key.unblinded().sign(SignType::Rsa2, message));
    check(
        "unblinded signature matches the seed example",
        matches!(&unblinded, Ok(s) if s.as_str() == vectors::SEED_SIGN),
    );

    // Blinded with a ChaCha20 RNG. Fixed seed here: QEMU's board has no TRNG; real firmware
    // seeds it from its TRNG. PKCS#1 v1.5 is deterministic, so the bytes must not change.
    let mut rng = rand_chacha::ChaCha20Rng::from_seed([7; 32]);
    let blinded = measure("sign RSA2 (blinded, ChaCha20)", || key.blinded(&mut rng).sign(SignType::Rsa2, message));
    check(
        "blinded signature matches the seed example",
        matches!(&blinded, Ok(s) if s.as_str() == vectors::SEED_SIGN),
    );

    let expected = match Signature::from_base64(vectors::SEED_SIGN) {
        Ok(s) => s,
        Err(_) => {
            check("expected signature decodes", false);
            return;
        }
    };
    let verified = measure("verify RSA2", || public.verify(SignType::Rsa2, message, &expected));
    check("seed signature verifies with the public key", verified.is_ok());

    // Tamper: one changed parameter value must fail.
    let mut tampered = params.clone();
    if let Some(p) = tampered.iter_mut().find(|p| p.0 == "timestamp") {
        p.1 = "2014-07-24 03:07:51";
    }
    let rejected = SignContent::new(&mut tampered)
        .map(|c| public.verify(SignType::Rsa2, Message::Content(c), &expected).is_err())
        .unwrap_or(false);
    check("a changed timestamp is rejected", rejected);

    encode_request(&key);
    decode_response();
}

/// Encodes the seed example with the typed verifyidentity.apply request: the whole envelope.
fn encode_request(key: &AppPrivateKey) {
    use alipay_codec::api::verifyidentity::{AccountType, Product, ProductName, VerifyIdentityApply, VerifyIdentityApplyRequest};
    use alipay_codec::{AppConfig, Timestamp};
    let prepared = (|| {
        let config = AppConfig::builder(vectors::REQUEST_APP_ID).sign_type(SignType::Rsa2).build()?;
        let request = VerifyIdentityApplyRequest::builder()
            .biz_id("test_302857831249")
            .account_name("张三")
            .account_id("330102198807312189")
            .account_type(AccountType::AlipayUserId)
            .validate_product_group(
                Product::new(1, ProductName::NativePaymentPassword).with_uuid("2ac7745f2151420ea168476b0675010a"),
            )
            .scene_code("metro#metro#metro_forgetpwd_confirm#mobileClient")
            .biz_params_json(vectors::REQUEST_BIZ_PARAMS_JSON)
            .build()?;
        let timestamp = Timestamp::parse(vectors::REQUEST_TIMESTAMP)?;
        Ok::<_, alipay_codec::Error>((config, request, timestamp))
    })();
    let (config, request, timestamp) = match prepared {
        Ok(p) => p,
        Err(e) => {
            check("build the seed request (config, typed biz content, timestamp)", false);
            hprintln!("     {}", e);
            return;
        }
    };
    let signer = key.unblinded();
    let encoded = measure("encode request (typed, incl. sign)", || {
        config.encode::<VerifyIdentityApply>(&request, &timestamp, &signer)
    });
    match encoded {
        Ok(encoded) => {
            check("encoded sign content matches", encoded.sign_content() == vectors::REQUEST_SIGN_CONTENT);
            check("encoded signature matches", encoded.signature().as_str() == vectors::REQUEST_SIGN);
            check("encoded query matches", encoded.query() == vectors::REQUEST_QUERY);
            check("encoded body matches", encoded.body() == vectors::REQUEST_BODY);
        }
        Err(e) => {
            check("encode the seed request", false);
            hprintln!("     {}", e);
        }
    }
}

/// Decodes and verifies the signed verifyidentity.apply response fixture, then a tampered copy.
fn decode_response() {
    use alipay_codec::api::verifyidentity::{response::ErrCode, ProductName, VerifyIdentityApply};
    use alipay_codec::{response, AlipayPublicKey, ResponseOptions};
    let alipay = match AlipayPublicKey::parse(ALIPAY_PUBLIC_PEM) {
        Ok(k) => k,
        Err(_) => return check("parse the Alipay public key", false),
    };
    let body = vectors::RESPONSE_BODY.as_bytes();
    let reply = measure("decode + verify response (typed)", || {
        response::decode::<VerifyIdentityApply>(body, SignType::Rsa2, &alipay, ResponseOptions::new())
    });
    match reply {
        Ok(reply) => {
            check("response verified, gateway success", reply.is_verified() && reply.is_success());
            let fields_ok = reply.body.as_ref().is_some_and(|b| {
                !b.is_success
                    && b.err_code == Some(ErrCode::SystemError)
                    && b.err_message.as_deref() == Some("系统错误")
                    && b.usable_product_group.first().is_some_and(|p| p.name == ProductName::NativePaymentPassword)
                    && b.unusable_product_list.first().is_some_and(|p| p.name == ProductName::Face)
            });
            check("response fields decoded from the verified span", fields_ok);
        }
        Err(e) => {
            check("decode + verify the signed response", false);
            hprintln!("     {}", e);
        }
    }
    // One changed byte inside the signed span ("Success" -> "Succesz") must be rejected.
    let tampered = vectors::RESPONSE_BODY.replacen("\"Success\"", "\"Succesz\"", 1);
    let rejected = matches!(
        response::decode::<VerifyIdentityApply>(tampered.as_bytes(), SignType::Rsa2, &alipay, ResponseOptions::new()),
        Err(alipay_codec::Error::InvalidSignature)
    );
    check("a tampered response is rejected (InvalidSignature)", rejected);
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    hprintln!("PANIC: {}", info);
    debug::exit(debug::EXIT_FAILURE);
    loop {
        cortex_m::asm::wfi();
    }
}

#[exception]
unsafe fn HardFault(frame: &ExceptionFrame) -> ! {
    hprintln!("HARD FAULT: {:?}", frame);
    debug::exit(debug::EXIT_FAILURE);
    loop {
        cortex_m::asm::wfi();
    }
}

// Heap exhaustion surfaces as alloc's OOM handler, which panics (no_std): caught above.
