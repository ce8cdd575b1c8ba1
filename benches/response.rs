//! Responses, three stages apart: scan only; scan + verify; scan + verify + typed decode, on
//! the seed response (~650 B), a 7 KB response and a 1 MiB response. Beside them, the naive
//! baseline of the whole decode: the body parsed into a `serde_json::Value`, the node
//! re-serialized and verified (which real responses fail: the bytes change, which is why the
//! crate verifies the raw span), and the typed result taken from the `Value`.
//!
//! Run: `cargo bench --bench response -- --warm-up-time 1 --measurement-time 3`.

use std::hint::black_box;

use alipay_codec::api::verifyidentity::VerifyIdentityApply;
use alipay_codec::api::Method;
use alipay_codec::response::{self, scan, ResponseOptions, UntrustedResponse};
use alipay_codec::{AlipayPublicKey, AppPrivateKey, Message, SignType, Signer, Verifier};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use serde::Deserialize;

/// A bill-list style method for the large bodies.
struct BillQuery;

#[derive(Deserialize)]
#[allow(dead_code)]
struct Bill {
    trade_no: String,
    out_trade_no: String,
    amount: String,
    subject: String,
    buyer: String,
    tags: Vec<String>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct BillReply {
    total: u64,
    bills: Vec<Bill>,
}

impl Method for BillQuery {
    const NAME: &'static str = "alipay.data.bill.query";
    type BizContent = ();
    type Response = BillReply;
}

fn signed(node: &str, span: &str) -> Vec<u8> {
    let key =
        AppPrivateKey::parse(include_str!("../tests/keys/alipay_private_pkcs8.pem")).expect("key");
    let sign = key.unblinded().sign(SignType::Rsa2, Message::Bytes(span.as_bytes())).expect("sign");
    format!("{{\"{node}\":{span},\"sign\":\"{}\"}}", sign.as_str()).into_bytes()
}

fn seed_body() -> Vec<u8> {
    let span = r#"{"msg":"Success","usable_product_group":"{\"id\":1,\"name\":\"NATIVE_PAYMENT_PASSWORD\"}","code":"10000","err_code":"SYSTEM_ERROR","is_success":"false","err_message":"系统错误","unusable_product_list":"{\"id\":1,\"name\":\"FACE\"}"}"#;
    signed("alipay_security_risk_verifyidentity_apply_response", span)
}

/// A bill list of about `target` bytes: nested objects and arrays, escapes, CJK text.
fn bill_body(target: usize) -> Vec<u8> {
    let mut bills = Vec::new();
    let mut len = 0;
    let mut i = 0u64;
    while len < target {
        let bill = format!(
            r#"{{"trade_no":"2024010122001400000{i:09}","out_trade_no":"order-{i}","amount":"{}.{:02}","subject":"商品 \"{i}\" 描述 https:\/\/example.com\/p\/{i}","buyer":"user{i}@example.com","tags":["a","b\u00e9",""]}}"#,
            i * 7 % 1000,
            i % 100
        );
        len += bill.len() + 1;
        bills.push(bill);
        i += 1;
    }
    let span =
        format!(r#"{{"code":"10000","msg":"Success","total":{i},"bills":[{}]}}"#, bills.join(","));
    signed("alipay_data_bill_query_response", &span)
}

fn bench_case<M: Method>(c: &mut Criterion, name: &str, body: &[u8], key: &AlipayPublicKey) {
    // Sanity: every stage succeeds on this body.
    let reply =
        response::decode::<M>(body, SignType::Rsa2, key, ResponseOptions::new()).expect("decodes");
    assert!(reply.is_verified() && reply.body.is_some());

    let mut group = c.benchmark_group(format!("response/{name}"));
    group.throughput(Throughput::Bytes(body.len() as u64));
    // Reference points measured under the same load: UTF-8 validation alone and
    // serde_json skipping the whole body.
    group.bench_function("baseline-utf8", |b| {
        b.iter(|| std::str::from_utf8(black_box(body)).map(str::len).unwrap_or(0))
    });
    group.bench_function("baseline-serde-ignored", |b| {
        b.iter(|| serde_json::from_slice::<serde::de::IgnoredAny>(black_box(body)).is_ok())
    });
    group.bench_function("scan", |b| b.iter(|| scan(black_box(body)).expect("scan").len()));
    group.bench_function("scan+select", |b| {
        b.iter(|| {
            UntrustedResponse::parse(black_box(body), M::NAME).expect("parse").signed_span().len()
        })
    });
    group.bench_function("scan+verify", |b| {
        b.iter(|| {
            UntrustedResponse::parse(black_box(body), M::NAME)
                .expect("parse")
                .verify(SignType::Rsa2, key, ResponseOptions::new())
                .expect("verify")
                .is_verified()
        })
    });
    group.bench_function("scan+verify+decode", |b| {
        b.iter(|| {
            response::decode::<M>(black_box(body), SignType::Rsa2, key, ResponseOptions::new())
                .expect("decode")
                .is_success()
        })
    });
    let node = format!("{}_response", M::NAME.replace('.', "_"));
    assert!(naive_decode::<M>(body, &node, key).is_some(), "the baseline does the whole work");
    group.bench_function("naive-value+reserialize+verify+decode", |b| {
        b.iter(|| naive_decode::<M>(black_box(body), &node, key))
    });
    group.finish();
}

/// The naive decode (see the module docs); `None` when the body does not hold the node.
fn naive_decode<M: Method>(body: &[u8], node: &str, key: &AlipayPublicKey) -> Option<M::Response> {
    let mut value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let sign = value.get("sign")?.as_str()?.to_owned();
    let node = value.get_mut(node)?.take();
    let text = serde_json::to_string(&node).ok()?;
    let signature = alipay_codec::Signature::from_base64(&sign).ok()?;
    // The verdict is ignored: the work is the same either way.
    let _ = key.verify(SignType::Rsa2, Message::Bytes(text.as_bytes()), &signature);
    serde_json::from_value(node).ok()
}

fn responses(c: &mut Criterion) {
    let key = AlipayPublicKey::parse(include_str!("../tests/keys/alipay_public.pem")).expect("key");
    bench_case::<VerifyIdentityApply>(c, "seed", &seed_body(), &key);
    bench_case::<BillQuery>(c, "7KB", &bill_body(7 * 1024), &key);
    bench_case::<BillQuery>(c, "1MiB", &bill_body(1024 * 1024), &key);
}

criterion_group!(benches, responses);
criterion_main!(benches);
