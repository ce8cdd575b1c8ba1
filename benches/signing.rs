//! RSA2 sign (blinded and unblinded) and verify over an 8-parameter sign content shaped like
//! the seed example's (its `biz_content` shortened), with the bundled RSA-2048 test key. Keys
//! are parsed once, outside the measured loop; the naive baselines parse the PEM key on every
//! call, as an integration that keeps keys as text does.
//!
//! Run: `cargo bench --bench signing`.

use std::hint::black_box;

use alipay_codec::{
    AlipayPublicKey, AppPrivateKey, Message, SignContent, SignType, Signer, Verifier,
};
use criterion::{criterion_group, criterion_main, Criterion};
use rand_core::SeedableRng;

const KEY: &str = include_str!("../tests/keys/app_private_pkcs8.pem");
const PUBLIC: &str = include_str!("../tests/keys/app_public.pem");

fn signing(c: &mut Criterion) {
    let key = AppPrivateKey::parse(KEY).expect("test key");
    let public = key.public_key();
    let mut params = [
        ("app_id", "2014072300007148"),
        ("method", "alipay.security.risk.verifyidentity.apply"),
        ("charset", "utf-8"),
        ("sign_type", "RSA2"),
        ("timestamp", "2014-07-24 03:07:50"),
        ("version", "1.0"),
        ("format", "JSON"),
        ("biz_content", "{\"biz_id\":\"test_302857831249\",\"account_id\":\"330102198807312189\"}"),
    ];
    let content = SignContent::new(&mut params).expect("valid");
    let message = Message::Content(content);
    let mut group = c.benchmark_group("rsa2");
    group.bench_function("sign_unblinded", |b| {
        let signer = key.unblinded();
        b.iter(|| signer.sign(SignType::Rsa2, black_box(message)).expect("sign"))
    });
    group.bench_function("sign_blinded", |b| {
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(7);
        let signer = key.blinded(&mut rng);
        b.iter(|| signer.sign(SignType::Rsa2, black_box(message)).expect("sign"))
    });
    group.bench_function("sign_naive_parse_per_call", |b| {
        b.iter(|| {
            let key = AppPrivateKey::parse(black_box(KEY)).expect("test key");
            key.unblinded().sign(SignType::Rsa2, black_box(message)).expect("sign")
        })
    });
    let signature = key.unblinded().sign(SignType::Rsa2, message).expect("sign");
    group.bench_function("verify", |b| {
        b.iter(|| public.verify(SignType::Rsa2, black_box(message), &signature).expect("verify"))
    });
    group.bench_function("verify_naive_parse_per_call", |b| {
        b.iter(|| {
            let public = AlipayPublicKey::parse(black_box(PUBLIC)).expect("test key");
            public.verify(SignType::Rsa2, black_box(message), &signature).expect("verify")
        })
    });
    #[cfg(feature = "aws-lc")]
    {
        use alipay_codec::native::{NativeSigner, NativeVerifier};
        let signer = NativeSigner::new(&key).expect("aws-lc key");
        group.bench_function("sign_aws_lc", |b| {
            b.iter(|| signer.sign(SignType::Rsa2, black_box(message)).expect("sign"))
        });
        let verifier = NativeVerifier::new(&public).expect("aws-lc key");
        group.bench_function("verify_aws_lc", |b| {
            b.iter(|| {
                verifier.verify(SignType::Rsa2, black_box(message), &signature).expect("verify")
            })
        });
    }
    group.finish();
}

criterion_group!(benches, signing);
criterion_main!(benches);
