//! Key parsing: the four private-key formats, public-key formats, error kinds, the
//! wrong-key self-check, and `Debug` never printing private material.

use alipay_codec::{
    check_alipay_key, AlipayPublicKey, AppPrivateKey, Error, KeyError, KeyFormat, Message,
    SignType, Signer, Verifier,
};

const PKCS8_PEM: &str = include_str!("keys/app_private_pkcs8.pem");
const PKCS1_PEM: &str = include_str!("keys/app_private_pkcs1.pem");
const PKCS8_B64: &str = include_str!("keys/app_private_pkcs8.b64");
const PKCS1_B64: &str = include_str!("keys/app_private_pkcs1.b64");
const APP_PUBLIC: &str = include_str!("keys/app_public.pem");
const ALIPAY_PUBLIC: &str = include_str!("keys/alipay_public.pem");

fn body_of(pem: &str) -> String {
    pem.lines().filter(|l| !l.starts_with("-----")).collect()
}

#[test]
fn one_key_in_four_formats_signs_byte_identically() {
    let inputs = [
        (PKCS8_PEM, KeyFormat::Pkcs8),
        (PKCS1_PEM, KeyFormat::Pkcs1),
        (PKCS8_B64, KeyFormat::Pkcs8),
        (PKCS1_B64, KeyFormat::Pkcs1),
    ];
    let message = Message::Bytes(b"app_id=2014072300007148&method=alipay.trade.query");
    let mut signatures = Vec::new();
    for (text, want) in inputs {
        let (key, format) = AppPrivateKey::parse_with_format(text).unwrap();
        assert_eq!(format, want);
        for sign_type in [SignType::Rsa2, SignType::Rsa] {
            signatures.push((sign_type, key.unblinded().sign(sign_type, message).unwrap()));
        }
    }
    for pair in signatures.chunks(2).skip(1) {
        assert_eq!(pair, &signatures[..2]);
    }
    assert_ne!(signatures[0].1, signatures[1].1, "RSA2 and RSA differ");
}

#[test]
fn whitespace_is_tolerated_everywhere() {
    let body = body_of(PKCS8_PEM);
    let one_line = format!("-----BEGIN PRIVATE KEY-----{body}-----END PRIVATE KEY-----");
    let spaced = format!(
        "  \r\n{}\t\n",
        body.as_bytes()
            .chunks(50)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect::<Vec<_>>()
            .join(" \r\n ")
    );
    let want = AppPrivateKey::parse(PKCS8_PEM).unwrap().public_key();
    for text in [one_line.as_str(), spaced.as_str()] {
        assert_eq!(AppPrivateKey::parse(text).unwrap().public_key(), want);
    }
}

#[test]
fn public_key_formats() {
    let spki = AlipayPublicKey::parse(APP_PUBLIC).unwrap();
    let bare = AlipayPublicKey::parse(&body_of(APP_PUBLIC)).unwrap();
    assert_eq!(spki, bare);
    assert_eq!(spki, AppPrivateKey::parse(PKCS1_PEM).unwrap().public_key());
    assert_eq!(spki.bits(), 2048);
}

#[test]
fn key_errors_say_what_was_tried() {
    assert_eq!(AppPrivateKey::parse("not base64 !!").unwrap_err(), Error::Key(KeyError::NotBase64));
    assert_eq!(AppPrivateKey::parse("").unwrap_err(), Error::Key(KeyError::NotBase64));
    assert!(matches!(
        AppPrivateKey::parse("AAAA").unwrap_err(),
        Error::Key(KeyError::NotAKey { tried }) if tried.contains("PKCS#8") && tried.contains("PKCS#1")
    ));
    assert!(matches!(
        AlipayPublicKey::parse("AAAA").unwrap_err(),
        Error::Key(KeyError::NotAKey { tried }) if tried.contains("SubjectPublicKeyInfo")
    ));
    // A public key where a private key is expected: the PEM label says so.
    assert!(
        matches!(AppPrivateKey::parse(APP_PUBLIC).unwrap_err(), Error::Key(KeyError::Pem { label }) if label == "PUBLIC KEY")
    );
    assert!(
        matches!(AlipayPublicKey::parse(PKCS8_PEM).unwrap_err(), Error::Key(KeyError::Pem { label }) if label == "PRIVATE KEY")
    );
    // Broken armour.
    assert!(matches!(
        AppPrivateKey::parse("-----BEGIN PRIVATE KEY-----AAAA").unwrap_err(),
        Error::Key(KeyError::Pem { .. })
    ));
    // An EC P-256 key (PKCS#8 and SPKI), generated with openssl for this test.
    let ec_private = "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgPMji2BQFAlw3LXPgcvQpSFSg3hsQlNb5zJ86/jq7ZuKhRANCAATmKAsYeegTaGuuYYGAGYAi5qhYSnzb6Pg0ym8ZAwtWmGTtVF7uJjISoLBIxdqbAkxsS5Gk2V7FF0GrOIq/8/wE";
    assert!(matches!(
        AppPrivateKey::parse(ec_private).unwrap_err(),
        Error::Key(KeyError::WrongAlgorithm { oid }) if oid == "1.2.840.10045.2.1"
    ));
    let ec_public = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE5igLGHnoE2hrrmGBgBmAIuaoWEp82+j4NMpvGQMLVphk7VRe7iYyEqCwSMXamwJMbEuRpNlexRdBqziKv/P8BA==";
    assert!(matches!(
        AlipayPublicKey::parse(ec_public).unwrap_err(),
        Error::Key(KeyError::WrongAlgorithm { oid }) if oid == "1.2.840.10045.2.1"
    ));
    // An RSA-512 key: a size Alipay does not use.
    let rsa512 = "MIIBVgIBADANBgkqhkiG9w0BAQEFAASCAUAwggE8AgEAAkEAqvSzMBb1ZIJ8bqNl5xzJ7d/bnFaVnhJ6fgCYFO5IKbJ7OTqOv7DL30nS8/h5muSA0Qwwv6Q+quVwPqMnxh+zJwIDAQABAkBx5DXgatsvC9N0Lf18m+xXQlTfcbuZpLvgZ+rpvtlqlPvBFBFv+7OdKu3d6b104/vDWi0xFjk1B1uZnT3WXzI5AiEA1UfdRJmoWJEew64fpkmoJCLinCqWqkiOhD0yH08f8Y0CIQDNMphlJiZDF3u9PtMxyLX4Vrd4bkO22nP0G+ReVgF4gwIhAM7TzA20fP62bIESoHqfv0Cb2+nZmxYzGpG+zpZyIuYZAiEAvpKY2ogdzP3IXDA28OuZpTTUXLL7jJ1CR5qH890orIUCIQCz3xAQpopOzxERWBrQgDn1YIc0GGU+zTmfsU2ViFbdjw==";
    assert_eq!(
        AppPrivateKey::parse(rsa512).unwrap_err(),
        Error::Key(KeyError::UnsupportedSize { bits: 512 })
    );
}

/// DER: a tag, its length and its content.
fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let len = content.len();
    let len: Vec<u8> = match len {
        0..=127 => vec![len as u8],
        128..=255 => vec![0x81, len as u8],
        _ => vec![0x82, (len >> 8) as u8, len as u8],
    };
    [&[tag][..], &len, content].concat()
}

/// A PKCS#1 `RSAPublicKey` whose modulus (all one bits, so odd) is exactly `bits` long.
fn pkcs1_public(bits: usize) -> Vec<u8> {
    let mut n = vec![0xff_u8; bits.div_ceil(8)];
    n[0] >>= 8 * n.len() - bits;
    if n[0] & 0x80 != 0 {
        n.insert(0, 0);
    }
    tlv(0x30, &[tlv(0x02, &n), tlv(0x02, &[1, 0, 1])].concat())
}

/// `pkcs1` wrapped as an rsaEncryption SubjectPublicKeyInfo.
fn spki(pkcs1: &[u8]) -> Vec<u8> {
    let rsa_encryption = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
    let algorithm = tlv(0x30, &[tlv(0x06, &rsa_encryption), vec![0x05, 0x00]].concat());
    tlv(0x30, &[algorithm, tlv(0x03, &[&[0][..], pkcs1].concat())].concat())
}

#[test]
fn public_key_sizes_are_exact_bit_lengths() {
    for der in [pkcs1_public(2048), spki(&pkcs1_public(2048))] {
        assert_eq!(AlipayPublicKey::from_der(&der).unwrap().bits(), 2048);
    }
    // One bit short of 2048 is not 2048 (it was, counted in whole bytes); sizes the `rsa`
    // crate refuses itself (512, and anything over 8192) are named too, not reported as
    // invalid or as "not a key".
    for bits in [512, 2047, 2049, 4096, 8192, 16384] {
        for der in [pkcs1_public(bits), spki(&pkcs1_public(bits))] {
            assert_eq!(
                AlipayPublicKey::from_der(&der).unwrap_err(),
                Error::Key(KeyError::UnsupportedSize { bits }),
                "{bits} bits"
            );
        }
    }
}

#[test]
fn self_check_flags_the_apps_own_public_key() {
    let app = AppPrivateKey::parse(PKCS8_PEM).unwrap();
    let own = AlipayPublicKey::parse(APP_PUBLIC).unwrap();
    let alipay = AlipayPublicKey::parse(ALIPAY_PUBLIC).unwrap();
    assert_eq!(check_alipay_key(&app.unblinded(), &own), Err(Error::AlipayKeyIsAppKey));
    assert_eq!(check_alipay_key(&app.unblinded(), &alipay), Ok(()));
}

#[test]
fn debug_never_prints_private_material() {
    let app = AppPrivateKey::parse(PKCS8_PEM).unwrap();
    let body = body_of(PKCS8_PEM);
    for shown in [format!("{app:?}"), format!("{:?}", app.unblinded()), format!("{app:#?}")] {
        assert!(shown.contains("2048"), "{shown}");
        assert!(!shown.contains(&body[40..60]), "{shown}");
        assert!(shown.len() < 120, "Debug output is a short summary: {shown}");
    }
}

#[test]
fn blinded_and_unblinded_signatures_are_identical_and_verify() {
    use rand_core::SeedableRng;
    let app = AppPrivateKey::parse(PKCS8_PEM).unwrap();
    let public = app.public_key();
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(1);
    let message = Message::Bytes("中文 content".as_bytes());
    for sign_type in [SignType::Rsa2, SignType::Rsa] {
        let blinded = app.blinded(&mut rng).sign(sign_type, message).unwrap();
        let plain = app.unblinded().sign(sign_type, message).unwrap();
        assert_eq!(blinded, plain);
        assert_eq!(plain.as_str().len(), 344);
        public.verify(sign_type, message, &plain).unwrap();
        let other = if sign_type == SignType::Rsa2 { SignType::Rsa } else { SignType::Rsa2 };
        assert_eq!(public.verify(other, message, &plain), Err(Error::InvalidSignature));
    }
}

#[test]
fn signature_errors_are_kept_apart() {
    let public = AlipayPublicKey::parse(APP_PUBLIC).unwrap();
    let message = Message::Bytes(b"x");
    assert_eq!(alipay_codec::Signature::from_base64("abc$"), Err(Error::SignatureNotBase64));
    assert_eq!(alipay_codec::Signature::from_base64("YWJj\n"), Err(Error::SignatureNotBase64));
    let short = alipay_codec::Signature::from_base64("YWJj").unwrap();
    assert_eq!(
        public.verify(SignType::Rsa2, message, &short),
        Err(Error::SignatureLength { expected: 256, actual: 3 })
    );
    let long = "A".repeat(400);
    assert!(matches!(
        alipay_codec::Signature::from_base64(&long),
        Err(Error::SignatureLength { actual: 300, .. })
    ));
    let zero = alipay_codec::Signature::from_bytes(&[0u8; 256]).unwrap();
    assert_eq!(public.verify(SignType::Rsa2, message, &zero), Err(Error::InvalidSignature));
    // 257 and 258 bytes still fit 344 base64 characters: too long all the same, and a length
    // error, not a base64 one, whichever way they come in.
    for len in [257, 258] {
        let too_long = Err(Error::SignatureLength { expected: 256, actual: len });
        assert_eq!(alipay_codec::Signature::from_bytes(&vec![7u8; len]), too_long);
        let text = "BwcH".repeat(len / 3) + ["", "Bw==", "Bwc="][len % 3];
        assert_eq!(text.len(), 344);
        assert_eq!(alipay_codec::Signature::from_base64(&text), too_long);
    }
}

/// `text` with the ASCII whitespace of `gaps` inserted before the base64 characters at the
/// positions `at` picks (the PEM armour lines stay whole).
fn with_whitespace(text: &str, gaps: &[(proptest::sample::Index, &'static str)]) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let body: Vec<usize> = (0..lines.len()).filter(|&i| !lines[i].starts_with("-----")).collect();
    for (at, gap) in gaps {
        let line = &mut lines[body[at.index(body.len())]];
        let pos = at.index(line.len() + 1);
        line.insert_str(pos, gap);
    }
    lines.join("\n")
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// Whitespace anywhere in a key's base64 (spaces, tabs, CR, LF: what copying a key
    /// from a console or a config file adds) changes nothing: every format parses to the
    /// same key, with the same format detected.
    #[test]
    fn whitespace_anywhere_in_the_base64_changes_nothing(
        gaps in proptest::collection::vec(
            (proptest::prelude::any::<proptest::sample::Index>(),
             proptest::sample::select(vec![" ", "\t", "\r\n", "\n", "  \n\t"])),
            0..12,
        ),
    ) {
        let want = AppPrivateKey::parse(PKCS8_PEM).unwrap().public_key();
        for (text, format) in [
            (PKCS8_PEM, KeyFormat::Pkcs8),
            (PKCS1_PEM, KeyFormat::Pkcs1),
            (PKCS8_B64, KeyFormat::Pkcs8),
            (PKCS1_B64, KeyFormat::Pkcs1),
        ] {
            let (key, got) = AppPrivateKey::parse_with_format(&with_whitespace(text, &gaps)).unwrap();
            proptest::prop_assert_eq!(got, format);
            proptest::prop_assert!(key.public_key() == want);
        }
        let public = AlipayPublicKey::parse(&with_whitespace(APP_PUBLIC, &gaps)).unwrap();
        proptest::prop_assert!(public == want);
    }
}
