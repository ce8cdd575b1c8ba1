//! alipay-codec for `wasm32-unknown-unknown`: a small C ABI over the crate, loaded by
//! `test.mjs` with Node's built-in `WebAssembly` API. `#![no_std]` + `alloc`: no wasm-bindgen,
//! no getrandom, no WASI imports — the module imports nothing at all.
//!
//! # Calling convention
//! - Inputs are byte buffers in linear memory: the host gets one with [`alipay_alloc`], copies
//!   the bytes in, passes `(ptr, len)`, and releases it with [`alipay_free`].
//! - Parameters travel as UTF-8 JSON: `[["app_id","2014..."],["method","..."],...]`.
//! - Every call that produces text leaves it in one module-owned output buffer, read with
//!   [`alipay_output_ptr`] / [`alipay_output_len`] until the next call. On failure that buffer
//!   holds the error message.
//! - Status: [`OK`] (0), [`INVALID_SIGNATURE`] (-1), [`ERROR`] (-2, a library error such as a
//!   bad key or an invalid parameter name), [`BAD_ARGUMENT`] (-3, malformed JSON, an unknown
//!   handle, a seed of the wrong length).
//! - Keys are parsed once into handles (non-zero `u32`; 0 means failure) and freed explicitly.
//!
//! # Randomness
//! The module has no RNG of its own. [`alipay_sign`] takes a `seed` buffer: 32 bytes from the
//! host's CSPRNG (`crypto.getRandomValues`) seed a ChaCha20 RNG that blinds this one
//! private-key operation (the RUSTSEC-2023-0071 "Marvin" mitigation). A seed of length 0
//! selects the deterministic unblinded signer instead. The signature is the same either way
//! (PKCS#1 v1.5 is deterministic); only the timing behaviour differs.
#![no_std]

extern crate alloc;

use alloc::boxed::Box;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::alloc::{GlobalAlloc, Layout};
use core::cell::RefCell;
use core::fmt::Write as _;
use core::sync::atomic::{AtomicUsize, Ordering};

use alipay_codec::{
    AlipayPublicKey, AppPrivateKey, Error, Message, SignContent, SignType, Signature, Signer,
    Verifier,
};
use rand_chacha::rand_core::SeedableRng;

/// Success.
pub const OK: i32 = 0;
/// The signature does not verify.
pub const INVALID_SIGNATURE: i32 = -1;
/// Any other library error; the output buffer holds its message.
pub const ERROR: i32 = -2;
/// A malformed argument (JSON, handle, seed length); the output buffer says which.
pub const BAD_ARGUMENT: i32 = -3;

// ---------------------------------------------------------------------------------------
// Allocator: dlmalloc (what std uses on wasm32), wrapped to record current and peak use.

struct TrackingAlloc {
    inner: dlmalloc::GlobalDlmalloc,
    used: AtomicUsize,
    peak: AtomicUsize,
}

// SAFETY: forwards to dlmalloc; the counters only observe.
unsafe impl GlobalAlloc for TrackingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let ptr = unsafe { self.inner.alloc(layout) };
        if !ptr.is_null() {
            let now = self.used.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            self.peak.fetch_max(now, Ordering::Relaxed);
        }
        ptr
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        self.used.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { self.inner.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new = unsafe { self.inner.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            self.used.fetch_sub(layout.size(), Ordering::Relaxed);
            let now = self.used.fetch_add(new_size, Ordering::Relaxed) + new_size;
            self.peak.fetch_max(now, Ordering::Relaxed);
        }
        new
    }
}

#[global_allocator]
static ALLOC: TrackingAlloc = TrackingAlloc {
    inner: dlmalloc::GlobalDlmalloc,
    used: AtomicUsize::new(0),
    peak: AtomicUsize::new(0),
};

/// Bytes currently allocated (host buffers included).
#[no_mangle]
pub extern "C" fn alipay_heap_used() -> usize {
    ALLOC.used.load(Ordering::Relaxed)
}

/// Peak bytes allocated since the last [`alipay_heap_reset_peak`].
#[no_mangle]
pub extern "C" fn alipay_heap_peak() -> usize {
    ALLOC.peak.load(Ordering::Relaxed)
}

/// Restarts peak tracking from the current use.
#[no_mangle]
pub extern "C" fn alipay_heap_reset_peak() {
    ALLOC.peak.store(ALLOC.used.load(Ordering::Relaxed), Ordering::Relaxed);
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    // Traps: the host sees a `RuntimeError: unreachable`.
    core::arch::wasm32::unreachable()
}

// ---------------------------------------------------------------------------------------
// Host buffers and the output buffer.

/// Allocates `len` bytes for the host to fill (alignment 1). Returns null on failure.
#[no_mangle]
pub extern "C" fn alipay_alloc(len: usize) -> *mut u8 {
    match Layout::from_size_align(len.max(1), 1) {
        // SAFETY: the layout has a non-zero size.
        Ok(layout) => unsafe { alloc::alloc::alloc(layout) },
        Err(_) => core::ptr::null_mut(),
    }
}

/// Frees a buffer from [`alipay_alloc`]; `len` must be the length it was allocated with.
///
/// # Safety
/// `ptr` must come from `alipay_alloc(len)` and not have been freed.
#[no_mangle]
pub unsafe extern "C" fn alipay_free(ptr: *mut u8, len: usize) {
    if !ptr.is_null() {
        // SAFETY: the caller passes back a pointer and length from `alipay_alloc`.
        unsafe { alloc::alloc::dealloc(ptr, Layout::from_size_align_unchecked(len.max(1), 1)) }
    }
}

/// Interior mutability for module state. wasm32-unknown-unknown without the `atomics` target
/// feature has exactly one thread, so no two borrows can race.
struct SingleThreaded<T>(RefCell<T>);
// SAFETY: see above: there is only one thread.
unsafe impl<T> Sync for SingleThreaded<T> {}

static OUTPUT: SingleThreaded<Vec<u8>> = SingleThreaded(RefCell::new(Vec::new()));

fn set_output(bytes: &[u8]) {
    let mut out = OUTPUT.0.borrow_mut();
    out.clear();
    out.extend_from_slice(bytes);
}

/// Where the last call's output (or error message) starts.
#[no_mangle]
pub extern "C" fn alipay_output_ptr() -> *const u8 {
    OUTPUT.0.borrow().as_ptr()
}

/// The length of the last call's output.
#[no_mangle]
pub extern "C" fn alipay_output_len() -> usize {
    OUTPUT.0.borrow().len()
}

/// Releases the output buffer's memory (e.g. before reading the heap figures).
#[no_mangle]
pub extern "C" fn alipay_output_clear() {
    *OUTPUT.0.borrow_mut() = Vec::new();
}

/// A host buffer as a slice. A null pointer reads as empty.
///
/// # Safety
/// `ptr..ptr+len` must be readable linear memory that the host does not change during the
/// call.
unsafe fn input<'a>(ptr: *const u8, len: usize) -> &'a [u8] {
    if ptr.is_null() || len == 0 {
        &[]
    } else {
        // SAFETY: guaranteed by the caller.
        unsafe { core::slice::from_raw_parts(ptr, len) }
    }
}

/// Maps a result to a status, leaving the value or the error message in the output buffer.
fn finish(result: Result<String, i32>) -> i32 {
    match result {
        Ok(text) => {
            set_output(text.as_bytes());
            OK
        }
        Err(status) => status,
    }
}

fn fail(status: i32, message: impl core::fmt::Display) -> i32 {
    let mut text = String::new();
    let _ = write!(text, "{message}");
    set_output(text.as_bytes());
    status
}

fn library_error(e: Error) -> i32 {
    match e {
        Error::InvalidSignature => fail(INVALID_SIGNATURE, e),
        e => fail(ERROR, e),
    }
}

fn utf8<'a>(bytes: &'a [u8], what: &str) -> Result<&'a str, i32> {
    core::str::from_utf8(bytes).map_err(|_| fail(BAD_ARGUMENT, format_args!("{what} is not UTF-8")))
}

/// Parses `[["k","v"],...]`.
fn params(bytes: &[u8]) -> Result<Vec<(String, String)>, i32> {
    serde_json::from_slice(bytes).map_err(|e| fail(BAD_ARGUMENT, format_args!("params JSON: {e}")))
}

fn borrowed(owned: &[(String, String)]) -> Vec<(&str, &str)> {
    owned.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

// ---------------------------------------------------------------------------------------
// Keys as handles.

fn handle<T>(value: T) -> u32 {
    Box::into_raw(Box::new(value)) as usize as u32
}

/// # Safety
/// `h` must be a live handle of type `T` made by [`handle`].
unsafe fn get<'a, T>(h: u32) -> Result<&'a T, i32> {
    if h == 0 {
        return Err(fail(BAD_ARGUMENT, "null key handle"));
    }
    // SAFETY: guaranteed by the caller.
    Ok(unsafe { &*(h as usize as *const T) })
}

/// Parses an app private key (PKCS#1 or PKCS#8, PEM or bare base64). Returns a handle, or 0
/// with the error message in the output buffer.
///
/// # Safety
/// `(ptr, len)` must be a readable host buffer.
#[no_mangle]
pub unsafe extern "C" fn alipay_app_key_parse(ptr: *const u8, len: usize) -> u32 {
    let text = match utf8(unsafe { input(ptr, len) }, "key") {
        Ok(t) => t,
        Err(_) => return 0,
    };
    match AppPrivateKey::parse(text) {
        Ok(key) => handle(key),
        Err(e) => {
            library_error(e);
            0
        }
    }
}

/// Frees an app key handle.
///
/// # Safety
/// `h` must be a live handle from [`alipay_app_key_parse`], freed only once.
#[no_mangle]
pub unsafe extern "C" fn alipay_app_key_free(h: u32) {
    if h != 0 {
        // SAFETY: guaranteed by the caller.
        drop(unsafe { Box::from_raw(h as usize as *mut AppPrivateKey) });
    }
}

/// Parses an Alipay public key (SubjectPublicKeyInfo or PKCS#1, PEM or bare base64).
///
/// # Safety
/// `(ptr, len)` must be a readable host buffer.
#[no_mangle]
pub unsafe extern "C" fn alipay_public_key_parse(ptr: *const u8, len: usize) -> u32 {
    let text = match utf8(unsafe { input(ptr, len) }, "key") {
        Ok(t) => t,
        Err(_) => return 0,
    };
    match AlipayPublicKey::parse(text) {
        Ok(key) => handle(key),
        Err(e) => {
            library_error(e);
            0
        }
    }
}

/// The public half of an app key, as a public key handle.
///
/// # Safety
/// `app` must be a live handle from [`alipay_app_key_parse`].
#[no_mangle]
pub unsafe extern "C" fn alipay_app_key_public(app: u32) -> u32 {
    match unsafe { get::<AppPrivateKey>(app) } {
        Ok(key) => handle(key.public_key()),
        Err(_) => 0,
    }
}

/// Frees a public key handle.
///
/// # Safety
/// `h` must be a live handle from [`alipay_public_key_parse`] or [`alipay_app_key_public`].
#[no_mangle]
pub unsafe extern "C" fn alipay_public_key_free(h: u32) {
    if h != 0 {
        // SAFETY: guaranteed by the caller.
        drop(unsafe { Box::from_raw(h as usize as *mut AlipayPublicKey) });
    }
}

// ---------------------------------------------------------------------------------------
// Sign content, sign, verify.

/// The sign content of `params` (JSON pairs): sorted, `sign` and blank values dropped.
///
/// # Safety
/// `(ptr, len)` must be a readable host buffer.
#[no_mangle]
pub unsafe extern "C" fn alipay_sign_content(ptr: *const u8, len: usize) -> i32 {
    finish((|| {
        let owned = params(unsafe { input(ptr, len) })?;
        let mut pairs = borrowed(&owned);
        let content = SignContent::new(&mut pairs).map_err(library_error)?;
        Ok(content.to_string())
    })())
}

fn sign_type(code: u32) -> Result<SignType, i32> {
    match code {
        2 => Ok(SignType::Rsa2),
        1 => Ok(SignType::Rsa),
        _ => Err(fail(BAD_ARGUMENT, "sign type: 2 = RSA2, 1 = RSA")),
    }
}

/// Signs the sign content of `params` with `sign_type` (2 = RSA2, 1 = RSA); the output is the
/// base64 signature. `seed`: 32 bytes from the host CSPRNG for a blinded signature, or
/// length 0 for the deterministic unblinded signer.
///
/// # Safety
/// `key` must be a live app key handle; the buffers must be readable host buffers.
#[no_mangle]
pub unsafe extern "C" fn alipay_sign(
    key: u32,
    sign_type_code: u32,
    params_ptr: *const u8,
    params_len: usize,
    seed_ptr: *const u8,
    seed_len: usize,
) -> i32 {
    finish((|| {
        let key = unsafe { get::<AppPrivateKey>(key) }?;
        let sign_type = sign_type(sign_type_code)?;
        let owned = params(unsafe { input(params_ptr, params_len) })?;
        let mut pairs = borrowed(&owned);
        let content = SignContent::new(&mut pairs).map_err(library_error)?;
        let message = Message::Content(content);
        let seed = unsafe { input(seed_ptr, seed_len) };
        let signature = match seed.len() {
            0 => key.unblinded().sign(sign_type, message),
            32 => {
                let mut seed32 = [0u8; 32];
                seed32.copy_from_slice(seed);
                let mut rng = rand_chacha::ChaCha20Rng::from_seed(seed32);
                key.blinded(&mut rng).sign(sign_type, message)
            }
            n => return Err(fail(BAD_ARGUMENT, format_args!("seed must be 0 or 32 bytes, not {n}"))),
        }
        .map_err(library_error)?;
        Ok(signature.as_str().to_string())
    })())
}

/// Verifies a base64 signature over the sign content of `params`. Returns [`OK`] or
/// [`INVALID_SIGNATURE`] (or another status for malformed input).
///
/// # Safety
/// `key` must be a live public key handle; the buffers must be readable host buffers.
#[no_mangle]
pub unsafe extern "C" fn alipay_verify(
    key: u32,
    sign_type_code: u32,
    params_ptr: *const u8,
    params_len: usize,
    sig_ptr: *const u8,
    sig_len: usize,
) -> i32 {
    finish((|| {
        let key = unsafe { get::<AlipayPublicKey>(key) }?;
        let sign_type = sign_type(sign_type_code)?;
        let owned = params(unsafe { input(params_ptr, params_len) })?;
        let mut pairs = borrowed(&owned);
        let content = SignContent::new(&mut pairs).map_err(library_error)?;
        let sig = utf8(unsafe { input(sig_ptr, sig_len) }, "signature")?;
        let signature = Signature::from_base64(sig).map_err(library_error)?;
        key.verify(sign_type, Message::Content(content), &signature).map_err(library_error)?;
        Ok(String::new())
    })())
}

// ---------------------------------------------------------------------------------------
// Request encoding and response decoding.

/// Encodes and signs a request: `app_id`, the method name, the `biz_content` JSON text and a
/// `yyyy-MM-dd HH:mm:ss` Beijing-time timestamp (the module reads no clock). `seed` as in
/// [`alipay_sign`]. The output is JSON:
/// `{"query": ..., "body": ..., "sign_content": ..., "sign": ...}`: send
/// `POST gateway?query` with `body` as `application/x-www-form-urlencoded;charset=utf-8`.
///
/// # Safety
/// `key` must be a live app key handle; the buffers must be readable host buffers.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn alipay_encode_request(
    key: u32,
    sign_type_code: u32,
    app_id_ptr: *const u8,
    app_id_len: usize,
    method_ptr: *const u8,
    method_len: usize,
    biz_ptr: *const u8,
    biz_len: usize,
    timestamp_ptr: *const u8,
    timestamp_len: usize,
    seed_ptr: *const u8,
    seed_len: usize,
) -> i32 {
    finish((|| {
        let key = unsafe { get::<AppPrivateKey>(key) }?;
        let sign_type = sign_type(sign_type_code)?;
        let app_id = utf8(unsafe { input(app_id_ptr, app_id_len) }, "app_id")?;
        let method = utf8(unsafe { input(method_ptr, method_len) }, "method")?;
        let biz = utf8(unsafe { input(biz_ptr, biz_len) }, "biz_content")?;
        let timestamp = utf8(unsafe { input(timestamp_ptr, timestamp_len) }, "timestamp")?;
        let config = alipay_codec::AppConfig::builder(app_id)
            .sign_type(sign_type)
            .build()
            .map_err(library_error)?;
        let timestamp = alipay_codec::Timestamp::parse(timestamp).map_err(library_error)?;
        let biz = if biz.is_empty() { None } else { Some(biz) };
        let seed = unsafe { input(seed_ptr, seed_len) };
        let encoded = match seed.len() {
            0 => config.encode_raw(method, biz, &[], &timestamp, &key.unblinded()),
            32 => {
                let mut seed32 = [0u8; 32];
                seed32.copy_from_slice(seed);
                let mut rng = rand_chacha::ChaCha20Rng::from_seed(seed32);
                config.encode_raw(method, biz, &[], &timestamp, &key.blinded(&mut rng))
            }
            n => return Err(fail(BAD_ARGUMENT, format_args!("seed must be 0 or 32 bytes, not {n}"))),
        }
        .map_err(library_error)?;
        let json = serde_json::json!({
            "query": encoded.query(),
            "body": encoded.body(),
            "sign_content": encoded.sign_content(),
            "sign": encoded.signature().as_str(),
        });
        Ok(json.to_string())
    })())
}

/// Scans and verifies a synchronous response body for `method`: the signature must cover the
/// method's node exactly as received. Returns [`OK`] only for a verified response (an unsigned
/// error response is reported as an error). The output is JSON:
/// `{"node": <name>, "code": ..., "msg": ..., "sub_code": ..., "sub_msg": ..., "span": <the
/// verified node text, verbatim>}`; parse the fields you need from `span`.
///
/// # Safety
/// `key` must be a live public key handle; the buffers must be readable host buffers.
#[no_mangle]
pub unsafe extern "C" fn alipay_decode_response(
    key: u32,
    sign_type_code: u32,
    method_ptr: *const u8,
    method_len: usize,
    body_ptr: *const u8,
    body_len: usize,
) -> i32 {
    finish((|| {
        let key = unsafe { get::<AlipayPublicKey>(key) }?;
        let sign_type = sign_type(sign_type_code)?;
        let method = utf8(unsafe { input(method_ptr, method_len) }, "method")?;
        let body = unsafe { input(body_ptr, body_len) };
        let options = alipay_codec::ResponseOptions::new();
        let verified = alipay_codec::UntrustedResponse::parse(body, method)
            .and_then(|untrusted| untrusted.verify(sign_type, key, options))
            .map_err(library_error)?;
        if !verified.is_verified() {
            return Err(fail(ERROR, "response is not signed"));
        }
        let status = verified.status().map_err(library_error)?;
        let span = utf8(verified.span(), "response node")?;
        let json = serde_json::json!({
            "node": verified.node_name(),
            "code": status.code,
            "msg": status.msg,
            "sub_code": status.sub_code,
            "sub_msg": status.sub_msg,
            "span": span,
        });
        Ok(json.to_string())
    })())
}
