//! Conformance vectors (`tests/vectors/*.json`, plus every `*.json` in the folder named by
//! `ALIPAY_CODEC_VECTORS`), in the format of `tests/vectors/FORMAT.md`.
//!
//! Prints `conformance: N cases from M files, F failed, S skipped` and fails on any failed
//! case or unparsable file. A section the crate does not implement counts as skipped.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use alipay_codec::{
    AlipayPublicKey, AppPrivateKey, KeyFormat, Message, SignContent, SignType, Signer, Verifier,
};
use base64ct::{Base64, Encoding};
use serde_json::Value;

/// What one case came to.
enum Outcome {
    Pass,
    Fail(String),
    Skip,
}

struct Keys {
    private: BTreeMap<String, AppPrivateKey>,
    public: BTreeMap<String, AlipayPublicKey>,
}

fn files() -> Vec<PathBuf> {
    let mut dirs = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors")];
    if let Some(extra) = std::env::var_os("ALIPAY_CODEC_VECTORS") {
        dirs.push(PathBuf::from(extra));
    }
    let mut files = Vec::new();
    for dir in dirs {
        let mut here: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("cannot read vector folder {}: {e}", dir.display()))
            .map(|entry| entry.expect("dir entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        here.sort();
        files.extend(here);
    }
    files
}

fn str_of<'v>(case: &'v Value, field: &str) -> &'v str {
    case[field].as_str().unwrap_or_else(|| panic!("case field {field:?} is not a string"))
}

fn params_of(case: &Value) -> Vec<(&str, &str)> {
    case["params"]
        .as_array()
        .expect("params is an array")
        .iter()
        .map(|pair| (pair[0].as_str().expect("key"), pair[1].as_str().expect("value")))
        .collect()
}

fn sign_type_of(case: &Value) -> SignType {
    SignType::parse(str_of(case, "sign_type")).expect("sign_type")
}

fn load_keys(section: Option<&Value>) -> (Keys, Vec<(String, Outcome)>) {
    let mut keys = Keys { private: BTreeMap::new(), public: BTreeMap::new() };
    let mut outcomes = Vec::new();
    let Some(section) = section.and_then(Value::as_object) else { return (keys, outcomes) };
    for (id, key) in section {
        let outcome = (|| -> Result<(), String> {
            let public = AlipayPublicKey::parse(str_of(key, "public"))
                .map_err(|e| format!("public: {e}"))?;
            if let Some(private) = key.get("private").and_then(Value::as_str) {
                let (parsed, format) = AppPrivateKey::parse_with_format(private)
                    .map_err(|e| format!("private: {e}"))?;
                let want = match key.get("private_format").and_then(Value::as_str) {
                    Some("pkcs1") => Some(KeyFormat::Pkcs1),
                    Some("pkcs8") => Some(KeyFormat::Pkcs8),
                    _ => None,
                };
                if want.is_some_and(|w| w != format) {
                    return Err(format!("detected {format:?}, vector says {want:?}"));
                }
                if parsed.public_key() != public {
                    return Err("private and public halves do not match".into());
                }
                keys.private.insert(id.clone(), parsed);
            }
            keys.public.insert(id.clone(), public);
            Ok(())
        })();
        outcomes
            .push((format!("keys/{id}"), outcome.map_or_else(Outcome::Fail, |()| Outcome::Pass)));
    }
    (keys, outcomes)
}

fn run_sign_content(case: &Value) -> Outcome {
    let mut params = params_of(case);
    match SignContent::new(&mut params) {
        Ok(c) if c.to_string() == str_of(case, "content") => Outcome::Pass,
        Ok(c) => Outcome::Fail(format!("content {:?}", c.to_string())),
        Err(e) => Outcome::Fail(e.to_string()),
    }
}

fn run_sign(case: &Value, keys: &Keys) -> Outcome {
    let key_id = str_of(case, "key");
    let mut params = params_of(case);
    let content = match SignContent::new(&mut params) {
        Ok(c) => c,
        Err(e) => return Outcome::Fail(e.to_string()),
    };
    if content.to_string() != str_of(case, "content") {
        return Outcome::Fail(format!("content {:?}", content.to_string()));
    }
    let sign_type = sign_type_of(case);
    let want = str_of(case, "sign");
    let Some(public) = keys.public.get(key_id) else {
        return Outcome::Fail(format!("no key {key_id}"));
    };
    let expected = match alipay_codec::Signature::from_base64(want) {
        Ok(s) => s,
        Err(e) => return Outcome::Fail(format!("expected sign: {e}")),
    };
    if let Err(e) = public.verify(sign_type, Message::Content(content), &expected) {
        return Outcome::Fail(format!("expected signature does not verify: {e}"));
    }
    if let Some(private) = keys.private.get(key_id) {
        match private.unblinded().sign(sign_type, Message::Content(content)) {
            Ok(s) if s.as_str() == want => {}
            Ok(s) => return Outcome::Fail(format!("signed {s}")),
            Err(e) => return Outcome::Fail(e.to_string()),
        }
    }
    #[cfg(feature = "aws-lc")]
    if let Err(e) = run_sign_native(keys, key_id, sign_type, content, &expected) {
        return Outcome::Fail(e);
    }
    Outcome::Pass
}

/// With the aws-lc backend built in, the same case through it: it verifies the expected
/// signature and, for RSA2 with a key it loads (2048 bits), signs the same bytes.
#[cfg(feature = "aws-lc")]
fn run_sign_native(
    keys: &Keys,
    key_id: &str,
    sign_type: SignType,
    content: SignContent<'_>,
    expected: &alipay_codec::Signature,
) -> Result<(), String> {
    use alipay_codec::native::{NativeSigner, NativeVerifier};
    let public = keys.public.get(key_id).ok_or("no key")?;
    let verifier = NativeVerifier::new(public).map_err(|e| format!("aws-lc key: {e}"))?;
    verifier
        .verify(sign_type, Message::Content(content), expected)
        .map_err(|e| format!("aws-lc verify: {e}"))?;
    if let (Some(private), SignType::Rsa2) = (keys.private.get(key_id), sign_type) {
        if private.bits() >= 2048 {
            let signer = NativeSigner::new(private).map_err(|e| format!("aws-lc key: {e}"))?;
            let signed = signer
                .sign(sign_type, Message::Content(content))
                .map_err(|e| format!("aws-lc sign: {e}"))?;
            if signed != *expected {
                return Err(format!("aws-lc signed {}", signed.as_str()));
            }
        }
    }
    Ok(())
}

#[cfg(feature = "cert")]
fn run_cert_sn(case: &Value) -> Outcome {
    match alipay_codec::cert::app_cert_sn(str_of(case, "pem")) {
        Ok(sn) if sn.as_str() == str_of(case, "sn") => Outcome::Pass,
        Ok(sn) => Outcome::Fail(format!("sn {sn}")),
        Err(e) => Outcome::Fail(e.to_string()),
    }
}

#[cfg(feature = "cert")]
fn run_root_cert_sn(case: &Value) -> Outcome {
    match alipay_codec::cert::alipay_root_cert_sn(str_of(case, "pem")) {
        Ok(sn) if sn == str_of(case, "sn") => Outcome::Pass,
        Ok(sn) => Outcome::Fail(format!("sn {sn}")),
        Err(e) => Outcome::Fail(e.to_string()),
    }
}

#[cfg(feature = "aes")]
fn run_aes(case: &Value) -> Outcome {
    let key = match alipay_codec::aes::AesKey::from_base64(str_of(case, "key")) {
        Ok(key) => key,
        Err(e) => return Outcome::Fail(format!("key: {e}")),
    };
    let (plaintext, ciphertext) = (str_of(case, "plaintext"), str_of(case, "ciphertext"));
    let encrypted = key.encrypt(plaintext);
    if encrypted != ciphertext {
        return Outcome::Fail(format!("encrypted {encrypted}"));
    }
    match key.decrypt(ciphertext) {
        Ok(p) if p == plaintext => Outcome::Pass,
        Ok(p) => Outcome::Fail(format!("decrypted {p:?}")),
        Err(e) => Outcome::Fail(e.to_string()),
    }
}

fn run_response(case: &Value, keys: &Keys) -> Outcome {
    use alipay_codec::response::{Authenticity, ResponseOptions, UntrustedResponse};
    use alipay_codec::Error;
    let key_id = str_of(case, "key");
    let Some(public) = keys.public.get(key_id) else {
        return Outcome::Fail(format!("no key {key_id}"));
    };
    let body = str_of(case, "body").as_bytes();
    let verdict = str_of(case, "verdict");
    let reason = case.get("reject_reason").and_then(Value::as_str).unwrap_or("");
    let mut options = ResponseOptions::new();
    if let Some(retry) = case.pointer("/options/slash_retry").and_then(Value::as_bool) {
        options = options.slash_retry(retry);
    }
    // FORMAT.md makes the reason optional: a rejected case without one accepts any error. A
    // reason this test does not know is a failure, not a pass.
    const REASONS: [&str; 6] =
        ["", "bad-signature", "duplicate-node", "no-node", "malformed", "unsigned"];
    if !REASONS.contains(&reason) {
        return Outcome::Fail(format!("unknown reject_reason {reason:?}"));
    }
    // A bad signature must be refused for what is wrong with it: not base64, the wrong length
    // for the key, or (the right length) a mismatch.
    let sign_error = || {
        let sign = serde_json::from_slice::<Value>(body).ok()?.get("sign")?.as_str()?.to_owned();
        Some(match Base64::decode_vec(&sign) {
            Err(_) => Error::SignatureNotBase64,
            Ok(raw) if raw.len() != public.size() => {
                Error::SignatureLength { expected: public.size(), actual: raw.len() }
            }
            Ok(_) => Error::InvalidSignature,
        })
    };
    let reason_matches = |e: &Error| match reason {
        "bad-signature" => sign_error().as_ref() == Some(e),
        "duplicate-node" => matches!(e, Error::DuplicateMember { .. }),
        "no-node" => matches!(e, Error::NoNode { .. }),
        "malformed" => matches!(e, Error::Malformed { .. } | Error::TooDeep { .. }),
        "unsigned" => matches!(e, Error::Unsigned),
        _ => true,
    };
    let untrusted = match (
        UntrustedResponse::parse(body, str_of(case, "method")),
        case["signed_span"].as_str(),
    ) {
        (Ok(u), Some(want)) if u.signed_span() == want.as_bytes() => u,
        (Ok(u), want) => {
            return Outcome::Fail(format!(
                "span {:?}, want {want:?}",
                String::from_utf8_lossy(u.signed_span())
            ))
        }
        (Err(e), None) if verdict == "rejected" && reason_matches(&e) => return Outcome::Pass,
        (Err(e), _) => return Outcome::Fail(format!("parse: {e:?}")),
    };
    match (untrusted.verify(sign_type_of(case), public, options), verdict) {
        (Ok(v), "verified") if v.is_verified() => Outcome::Pass,
        (Ok(v), "unsigned") if v.authenticity() == Authenticity::Unsigned => Outcome::Pass,
        (Err(e), "rejected") if reason_matches(&e) => Outcome::Pass,
        (Ok(v), _) => Outcome::Fail(format!("verify gave {:?}, want {verdict}", v.authenticity())),
        (Err(e), _) => Outcome::Fail(format!("verify: {e:?}, want {verdict} {reason}")),
    }
}

fn run_notify(case: &Value, keys: &Keys) -> Outcome {
    use alipay_codec::notify::{NotifyMode, NotifyOptions, UntrustedNotification};
    let key_id = str_of(case, "key");
    let Some(public) = keys.public.get(key_id) else {
        return Outcome::Fail(format!("no key {key_id}"));
    };
    let mode = match str_of(case, "mode") {
        "v1" => NotifyMode::V1,
        "v2" => NotifyMode::V2,
        other => return Outcome::Fail(format!("unknown mode {other}")),
    };
    let untrusted = match UntrustedNotification::parse(str_of(case, "form").as_bytes()) {
        Ok(u) => u,
        Err(e) => return Outcome::Fail(format!("parse: {e}")),
    };
    match untrusted.content(mode, false) {
        Ok(c) if c == str_of(case, "content") => {}
        Ok(c) => return Outcome::Fail(format!("content {c:?}")),
        Err(e) => return Outcome::Fail(format!("content: {e}")),
    }
    match (
        untrusted.verify(sign_type_of(case), public, NotifyOptions::new(mode)),
        str_of(case, "verdict"),
    ) {
        (Ok(v), "verified") if v.mode() == mode => Outcome::Pass,
        (Err(alipay_codec::Error::InvalidSignature), "rejected") => Outcome::Pass,
        (got, want) => {
            Outcome::Fail(format!("verify gave {:?}, want {want}", got.map(|v| v.mode())))
        }
    }
}

#[test]
fn conformance() {
    let files = files();
    let (mut cases, mut failed, mut skipped) = (0usize, Vec::new(), 0usize);
    for path in &files {
        let text =
            std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let doc: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{} does not parse: {e}", path.display()));
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let (keys, key_outcomes) = load_keys(doc.get("keys"));
        let mut outcomes = key_outcomes;
        for (section, cases_of) in doc.as_object().expect("a vector file is an object") {
            let Some(list) = cases_of.as_array() else { continue };
            for case in list {
                let id = format!("{section}/{}", str_of(case, "id"));
                let outcome = match section.as_str() {
                    "sign_content" => run_sign_content(case),
                    "sign" => run_sign(case, &keys),
                    "response" => run_response(case, &keys),
                    "notify" => run_notify(case, &keys),
                    #[cfg(feature = "cert")]
                    "cert_sn" => run_cert_sn(case),
                    #[cfg(feature = "cert")]
                    "root_cert_sn" => run_root_cert_sn(case),
                    #[cfg(feature = "aes")]
                    "aes" => run_aes(case),
                    _ => Outcome::Skip,
                };
                outcomes.push((id, outcome));
            }
        }
        for (id, outcome) in outcomes {
            cases += 1;
            match outcome {
                Outcome::Pass => {}
                Outcome::Skip => skipped += 1,
                Outcome::Fail(why) => failed.push(format!("{name}: {id}: {why}")),
            }
        }
    }
    println!(
        "conformance: {cases} cases from {} files, {} failed, {skipped} skipped",
        files.len(),
        failed.len()
    );
    assert!(failed.is_empty(), "failed cases:\n{}", failed.join("\n"));
}
