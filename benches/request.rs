//! Full encode of the seed page's example request (`alipay.security.risk.verifyidentity.apply`):
//! biz-content JSON, sign content, signature, query and body.
//!
//! - `request/encode_precomputed_sign`: a signer that returns a precomputed signature, so the
//!   figure is the crate's own overhead (target: under 1 µs);
//! - `request/encode_rsa2_unblinded` and `request/encode_rsa2_blinded`: the same with the
//!   bundled RSA-2048 test key, for the share of time outside RSA;
//! - `request/build_biz_content`: building and validating the typed request alone;
//! - `request/biz_content_json` and `request/biz_content_serde_json`: its JSON text, by the
//!   encoder's direct writer and by `serde_json` (the baseline; the bytes are the same);
//! - `request/encode_naive_precomputed_sign`: the naive baseline of the whole encode, with the
//!   same precomputed signature: `serde_json` for the biz content, a `BTreeMap<String, String>`
//!   of every parameter, `format!` + `join` for the sign content, and a form encoder that
//!   formats each escape (the bytes are the same as the crate's).
//!
//! Run: `cargo bench --bench request`.

use std::hint::black_box;

use alipay_codec::api::verifyidentity::{
    AccountType, Product, ProductName, VerifyIdentityApply, VerifyIdentityApplyRequest,
};
use alipay_codec::api::Method;
use std::collections::BTreeMap;
use std::fmt::Write as _;

use alipay_codec::{
    AppConfig, AppPrivateKey, EncodedRequest, Message, SignType, Signature, Signer, Timestamp,
};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rand_core::SeedableRng;

const KEY: &str = include_str!("../tests/keys/app_private_pkcs8.pem");

/// Returns a precomputed signature: no hashing, no RSA.
struct Precomputed(Signature);

impl Signer for Precomputed {
    fn sign(&self, _: SignType, _: Message<'_>) -> alipay_codec::Result<Signature> {
        Ok(self.0.clone())
    }
}

fn seed_request() -> VerifyIdentityApplyRequest {
    VerifyIdentityApplyRequest::builder()
        .biz_id("test_302857831249")
        .account_name("张三")
        .account_id("330102198807312189")
        .account_type(AccountType::AlipayUserId)
        .validate_product_group(
            Product::new(1, ProductName::NativePaymentPassword)
                .with_uuid("2ac7745f2151420ea168476b0675010a"),
        )
        .scene_code("metro#metro#metro_forgetpwd_confirm#mobileClient")
        .biz_params_json(r#"{"sms_code":"test","qrcode_expired_time":604800}"#)
        .build()
        .expect("valid request")
}

/// Java `URLEncoder`, one byte at a time, each escape formatted.
fn naive_form(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'*' | b'_' => {
                out.push(char::from(b))
            }
            b' ' => out.push('+'),
            _ => write!(out, "%{b:02X}").expect("write to a String"),
        }
    }
    out
}

/// The naive encode: every parameter into a `BTreeMap`, the sign content by `format!` and
/// `join`, the signer asked for its signature, and query and body form-encoded pair by pair.
/// Returns (query, body, sign content).
fn naive_encode(
    biz: &VerifyIdentityApplyRequest,
    signer: &impl Signer,
) -> (String, String, String) {
    let mut params = BTreeMap::new();
    for (k, v) in [
        ("app_id", "2014072300007148"),
        ("method", VerifyIdentityApply::NAME),
        ("format", "JSON"),
        ("charset", "utf-8"),
        ("sign_type", "RSA2"),
        ("timestamp", "2014-07-24 03:07:50"),
        ("version", "1.0"),
    ] {
        params.insert(k.to_string(), v.to_string());
    }
    params.insert("biz_content".to_string(), serde_json::to_string(biz).expect("json"));
    let content = params.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&");
    let sign = signer.sign(SignType::Rsa2, Message::Bytes(content.as_bytes())).expect("sign");
    let pairs = |keep: &dyn Fn(&str) -> bool| {
        params
            .iter()
            .filter(|(k, _)| keep(k))
            .map(|(k, v)| format!("{}={}", naive_form(k), naive_form(v)))
            .collect::<Vec<_>>()
    };
    let mut query = pairs(&|k| k != "biz_content");
    query.push(format!("sign={}", naive_form(sign.as_str())));
    let body = pairs(&|k| k == "biz_content");
    (query.join("&"), body.join("&"), content)
}

/// The crate's query and body, with `sign` moved last in the query as the naive encoder puts
/// it, for comparing the two.
fn sign_last(encoded: &EncodedRequest) -> String {
    let mut pairs: Vec<&str> = encoded.query().split('&').collect();
    pairs.sort_by_key(|p| p.starts_with("sign="));
    pairs.join("&")
}

fn request(c: &mut Criterion) {
    let key = AppPrivateKey::parse(KEY).expect("test key");
    let config = AppConfig::builder("2014072300007148").build().expect("valid config");
    let timestamp = Timestamp::parse("2014-07-24 03:07:50").expect("valid timestamp");
    let biz = seed_request();
    let unblinded = key.unblinded();
    let reference =
        config.encode::<VerifyIdentityApply>(&biz, &timestamp, &unblinded).expect("encode");
    let precomputed = Precomputed(reference.signature().clone());
    let wire_bytes = (reference.query().len() + reference.body().len()) as u64;
    // The baseline does the same work: the same bytes.
    let (query, body, content) = naive_encode(&biz, &precomputed);
    assert_eq!(
        (query, body.as_str(), content),
        (sign_last(&reference), reference.body(), reference.sign_content())
    );

    let mut group = c.benchmark_group("request");
    group.throughput(Throughput::Bytes(wire_bytes));
    group.bench_function("encode_precomputed_sign", |b| {
        b.iter(|| {
            config
                .encode::<VerifyIdentityApply>(black_box(&biz), &timestamp, &precomputed)
                .expect("encode")
        })
    });
    group.bench_function("encode_naive_precomputed_sign", |b| {
        b.iter(|| naive_encode(black_box(&biz), &precomputed))
    });
    group.bench_function("encode_rsa2_unblinded", |b| {
        b.iter(|| {
            config
                .encode::<VerifyIdentityApply>(black_box(&biz), &timestamp, &unblinded)
                .expect("encode")
        })
    });
    group.bench_function("encode_rsa2_blinded", |b| {
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(7);
        let blinded = key.blinded(&mut rng);
        b.iter(|| {
            config
                .encode::<VerifyIdentityApply>(black_box(&biz), &timestamp, &blinded)
                .expect("encode")
        })
    });
    group.finish();

    let mut group = c.benchmark_group("request");
    group.bench_function("build_biz_content", |b| b.iter(|| black_box(seed_request())));
    // The encoder's JSON writer for the biz content, beside serde_json (its baseline).
    group.throughput(Throughput::Bytes(biz.to_json().len() as u64));
    group.bench_function("biz_content_json", |b| {
        b.iter(|| VerifyIdentityApply::biz_content_json(black_box(&biz)).expect("json"))
    });
    group.bench_function("biz_content_serde_json", |b| {
        b.iter(|| serde_json::to_string(black_box(&biz)).expect("json"))
    });
    group.finish();
}

criterion_group!(benches, request);
criterion_main!(benches);
