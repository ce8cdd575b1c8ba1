//! Notification verify: one form-decode, the V1 sign content streamed into SHA-256, one RSA2
//! verification; beside a naive baseline that decodes into a `BTreeMap`, rebuilds the content
//! with `format!` and verifies the same way. Also parse-only, without RSA.
//!
//! Run: `cargo bench --bench notify`.

use std::collections::BTreeMap;
use std::hint::black_box;

use alipay_codec::gateway::NotificationEncoder;
use alipay_codec::{
    AppPrivateKey, Message, NotifyMode, NotifyOptions, SignType, Signature, UntrustedNotification,
    Verifier,
};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

fn notify(c: &mut Criterion) {
    let alipay =
        AppPrivateKey::parse(include_str!("../tests/keys/alipay_private_pkcs8.pem")).expect("key");
    let public = alipay.public_key();
    let params = [
        ("notify_type", "trade_status_sync"),
        ("notify_id", "ac05099524730693a8b330c5ecf72da9786"),
        ("notify_time", "2024-01-02 03:04:05"),
        ("app_id", "2014072300007148"),
        ("charset", "utf-8"),
        ("version", "1.0"),
        ("trade_no", "2024010222001400001234567890"),
        ("out_trade_no", "order-20240102-0001"),
        ("trade_status", "TRADE_SUCCESS"),
        ("total_amount", "88.88"),
        ("subject", "商品 描述"),
        ("passback_params", "a%3Db%26c%3D%E4%B8%AD"),
        ("gmt_payment", "2024-01-02 03:04:04"),
    ];
    let form = NotificationEncoder::new(NotifyMode::V1)
        .encode(&params, SignType::Rsa2, &alipay.unblinded())
        .expect("signed notification");
    let options = NotifyOptions::new(NotifyMode::V1);
    UntrustedNotification::parse(form.as_bytes())
        .expect("parses")
        .verify(SignType::Rsa2, &public, options)
        .expect("verifies");

    let mut group = c.benchmark_group("notify");
    group.throughput(Throughput::Bytes(form.len() as u64));
    group.bench_function("parse", |b| {
        b.iter(|| UntrustedNotification::parse(black_box(form.as_bytes())).expect("parses"))
    });
    group.bench_function("parse+verify", |b| {
        b.iter(|| {
            UntrustedNotification::parse(black_box(form.as_bytes()))
                .expect("parses")
                .verify(SignType::Rsa2, &public, options)
                .expect("verifies")
        })
    });
    group.bench_function("naive_btreemap_format+verify", |b| {
        b.iter(|| {
            let pairs = alipay_codec::form::decode(black_box(form.as_bytes())).expect("form");
            let map: BTreeMap<String, String> = pairs
                .iter()
                .filter(|(k, v)| k != "sign" && k != "sign_type" && !v.is_empty())
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            let content = map.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&");
            let sign = pairs.iter().find(|(k, _)| k == "sign").expect("sign");
            let signature = Signature::from_base64(&sign.1).expect("base64");
            public
                .verify(SignType::Rsa2, Message::Bytes(content.as_bytes()), &signature)
                .expect("verifies")
        })
    });
    group.finish();
}

criterion_group!(benches, notify);
criterion_main!(benches);
