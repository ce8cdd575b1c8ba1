//! Sign content: the hot path. The crate's four outputs beside a naive baseline
//! (`BTreeMap<String, String>` + `format!` + `join`), on the parameter sets, plus a
//! scaling curve over the parameter count.
//!
//! Every iteration builds the content from a fresh, unsorted copy of the parameters. The
//! copies are made in batches of [`BATCH`] outside the timing, so that they sit in cache as a
//! caller's freshly built parameters do; the timer's cost (two clock reads per batch) is
//! inside it.
//!
//! Run: `cargo bench --bench sign_content`.

use std::collections::BTreeMap;
use std::hint::black_box;

use alipay_codec::SignContent;
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use sha2::{Digest, Sha256};

/// The seed example request of `tests/vectors/requests.json` (all system params).
fn seed_params() -> Vec<(String, String)> {
    let text = include_str!("../tests/vectors/requests.json");
    let doc: serde_json::Value = serde_json::from_str(text).expect("vectors parse");
    let case = doc["sign"]
        .as_array()
        .expect("sign section")
        .iter()
        .find(|c| c["id"] == "seed-example-request")
        .expect("seed case");
    case["params"]
        .as_array()
        .expect("params")
        .iter()
        .map(|p| (p[0].as_str().expect("k").to_owned(), p[1].as_str().expect("v").to_owned()))
        .collect()
}

/// `n` parameters with CJK values, keys in reverse order so the sort has work to do.
fn cjk_params(n: usize) -> Vec<(String, String)> {
    (0..n).rev().map(|i| (format!("param_{i:03}"), format!("商品描述-{i}-中文值"))).collect()
}

fn small_params() -> Vec<(String, String)> {
    vec![
        ("method".into(), "alipay.trade.query".into()),
        ("biz_content".into(), "{\"trade_no\":\"2014112611001004680073956707\"}".into()),
        ("app_id".into(), "2014072300007148".into()),
    ]
}

/// Copies made per timed batch: about 18 KiB of pairs for the seed set.
const BATCH: BatchSize = BatchSize::NumIterations(64);

fn naive(params: &[(&str, &str)]) -> String {
    let map: BTreeMap<String, String> = params
        .iter()
        .filter(|(k, v)| *k != "sign" && !v.is_empty())
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    map.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&")
}

fn bench_set(c: &mut Criterion, name: &str, owned: &[(String, String)]) {
    let pairs: Vec<(&str, &str)> = owned.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let len = {
        let mut p = pairs.clone();
        SignContent::new(&mut p).expect("valid").len()
    };
    let mut group = c.benchmark_group(format!("sign_content/{name}"));
    group.throughput(Throughput::Bytes(len as u64));
    // Every iteration sorts a fresh unsorted copy: `SignContent::new` sorts in place.
    group.bench_function("string", |b| {
        b.iter_batched_ref(
            || pairs.clone(),
            |p| {
                let content = SignContent::new(black_box(p)).expect("valid");
                let mut out = String::new();
                content.write_into(&mut out);
                // Its length, not the string: freed inside the timing, as the baseline's is.
                out.len()
            },
            BATCH,
        )
    });
    group.bench_function("heapless", |b| {
        b.iter_batched_ref(
            || pairs.clone(),
            |p| {
                let content = SignContent::new(black_box(p)).expect("valid");
                let mut out = heapless::String::<2048>::new();
                content.write_heapless(&mut out).expect("fits");
                out.len()
            },
            BATCH,
        )
    });
    let mut buffer = [0u8; 2048];
    group.bench_function("bytes", |b| {
        b.iter_batched_ref(
            || pairs.clone(),
            |p| {
                let content = SignContent::new(black_box(p)).expect("valid");
                content.write_bytes(&mut buffer).expect("fits")
            },
            BATCH,
        )
    });
    group.bench_function("digest_sha256", |b| {
        b.iter_batched_ref(
            || pairs.clone(),
            |p| {
                let content = SignContent::new(black_box(p)).expect("valid");
                let mut d = Sha256::new();
                content.update_digest(&mut d);
                d.finalize()
            },
            BATCH,
        )
    });
    group.bench_function("naive_btreemap_format", |b| b.iter(|| naive(black_box(&pairs))));
    group.finish();
}

fn sign_content(c: &mut Criterion) {
    bench_set(c, "3_params", &small_params());
    bench_set(c, "seed_example", &seed_params());
    bench_set(c, "40_params_cjk", &cjk_params(40));
}

fn scaling(c: &mut Criterion) {
    let mut group = c.benchmark_group("sign_content_scaling");
    for n in [3usize, 10, 40, 200] {
        let owned = cjk_params(n);
        let pairs: Vec<(&str, &str)> =
            owned.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        group.throughput(Throughput::Elements(n as u64));
        group.bench_function(format!("string/{n}"), |b| {
            b.iter_batched_ref(
                || pairs.clone(),
                |p| SignContent::new(black_box(p)).expect("valid").to_string().len(),
                BATCH,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, sign_content, scaling);
criterion_main!(benches);
