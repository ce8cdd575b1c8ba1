//! Public-key certificate mode (PROTOCOL §6, feature `cert`).
//!
//! In certificate mode every request carries two SNs, and every response names the Alipay
//! certificate that signed it:
//!
//! | value | computed by | from |
//! |---|---|---|
//! | `app_cert_sn` | [`app_cert_sn`] | the first certificate of `appCertPublicKey_<appid>.crt` |
//! | `alipay_root_cert_sn` | [`alipay_root_cert_sn`] | every RSA-signed certificate of `alipayRootCert.crt` |
//! | `alipay_cert_sn` (responses) | [`AlipayCert::sn`] | the first certificate of `alipayCertPublicKey_RSA2.crt` |
//!
//! A certificate's SN is the lowercase hex MD5 of its issuer name in RFC 2253 form followed by
//! its serial number in decimal — exactly what the Java SDK hashes
//! (`getIssuerX500Principal().getName() + getSerialNumber()`).
//!
//! [`AlipayCertKeys`] maps `alipay_cert_sn` to the Alipay public key, and
//! [`check_alipay_cert_chain`] checks a downloaded (rotated) Alipay certificate against the
//! root bundle at a time the caller supplies; the crate never reads a clock.
//!
//! Parsing uses the RustCrypto `x509-cert`/`der` crates, the SN digest `md-5`, and the chain
//! signatures the `rsa` crate (PKCS#1 v1.5 over the exact `tbsCertificate` bytes).

use alloc::collections::BTreeMap;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;

use base64ct::{Base64, Encoding};
use md5::{Digest, Md5};
use rsa::pkcs8::DecodePublicKey;
use rsa::Pkcs1v15Sign;
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::der::asn1::BitStringRef;
use x509_cert::der::oid::ObjectIdentifier;
use x509_cert::der::{Decode, Encode, Reader, SliceReader, Tag, Tagged};
use x509_cert::ext::pkix::BasicConstraints;
use x509_cert::name::Name;
use x509_cert::spki::AlgorithmIdentifierRef;
use x509_cert::Certificate;

use crate::error::{CertError, Error, Result};
use crate::keys::AlipayPublicKey;

/// A certificate SN: 32 lowercase hex characters.
pub type CertSn = heapless::String<32>;

/// Signature algorithms whose dotted OID starts with this text count as RSA for
/// `alipay_root_cert_sn` (a plain text prefix, as in the official SDKs).
pub const RSA_SIGNATURE_OID_PREFIX: &str = "1.2.840.113549.1.1";

const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
const END: &str = "-----END CERTIFICATE-----";

const SHA1_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.5");
const SHA256_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
const SHA384_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.12");
const SHA512_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.13");

/// The attribute keywords Java's RFC 2253 form writes by name; any other attribute is written
/// as `<dotted OID>=#<hex of its DER>`.
const KEYWORDS: [(ObjectIdentifier, &str); 9] = [
    (ObjectIdentifier::new_unwrap("2.5.4.3"), "CN"),
    (ObjectIdentifier::new_unwrap("2.5.4.6"), "C"),
    (ObjectIdentifier::new_unwrap("2.5.4.7"), "L"),
    (ObjectIdentifier::new_unwrap("2.5.4.8"), "ST"),
    (ObjectIdentifier::new_unwrap("2.5.4.9"), "STREET"),
    (ObjectIdentifier::new_unwrap("2.5.4.10"), "O"),
    (ObjectIdentifier::new_unwrap("2.5.4.11"), "OU"),
    (ObjectIdentifier::new_unwrap("0.9.2342.19200300.100.1.25"), "DC"),
    (ObjectIdentifier::new_unwrap("0.9.2342.19200300.100.1.1"), "UID"),
];

/// Computes `app_cert_sn` from the app certificate file: the SN of its first certificate.
///
/// The file may hold a chain; text around the PEM blocks is ignored.
///
/// # Errors
/// [`CertError::NoCertificate`] when the text holds no `CERTIFICATE` block;
/// [`CertError::Pem`] when the first block is broken; [`CertError::Malformed`] when it is not
/// an X.509 certificate.
pub fn app_cert_sn(pem: &str) -> Result<CertSn> {
    let (der, index) = first_block(pem)?;
    parse_cert(&der, index)?;
    Ok(cert_sn(&der, index)?)
}

/// Computes `alipay_root_cert_sn` from the root bundle: the SNs of every certificate whose
/// signature algorithm OID starts with [`RSA_SIGNATURE_OID_PREFIX`], joined with `_` in file
/// order.
///
/// The production bundle also holds SM2 and ECDSA roots; they are skipped without parsing
/// their keys or the rest of their body.
///
/// # Errors
/// [`CertError::NoCertificate`], [`CertError::Pem`] or [`CertError::Malformed`] for the
/// block that cannot be read; [`CertError::NoRsaCertificate`] when no certificate is
/// RSA-signed (the SN would be empty and the gateway would reject every request).
pub fn alipay_root_cert_sn(bundle_pem: &str) -> Result<String> {
    let mut out = String::new();
    for (index, block) in PemBlocks::new(bundle_pem).enumerate() {
        let der = block?;
        let outer = outer(&der).map_err(|_| CertError::Malformed { index })?;
        if !outer.algorithm.oid.to_string().starts_with(RSA_SIGNATURE_OID_PREFIX) {
            continue;
        }
        parse_cert(&der, index)?;
        let sn = cert_sn(&der, index)?;
        if !out.is_empty() {
            out.push('_');
        }
        out.push_str(&sn);
    }
    if out.is_empty() {
        return Err(if PemBlocks::new(bundle_pem).next().is_none() {
            CertError::NoCertificate
        } else {
            CertError::NoRsaCertificate
        }
        .into());
    }
    Ok(out)
}

/// Reads the Alipay public key from `alipayCertPublicKey_RSA2.crt`: the key of its first
/// certificate.
///
/// # Errors
/// As [`app_cert_sn`]; [`crate::KeyError::WrongAlgorithm`] when the certificate's key is not
/// RSA; [`crate::KeyError::UnsupportedSize`] when it is not a size Alipay uses.
pub fn alipay_public_key_from_cert(pem: &str) -> Result<AlipayPublicKey> {
    AlipayCert::parse(pem).map(|cert| cert.key)
}

/// Decodes a downloaded certificate: `alipay_cert_content` of
/// `alipay.open.app.alipaycert.download` is the standard base64 of a PEM chain.
///
/// # Errors
/// [`CertError::ContentNotBase64`] when the content is not strict standard base64 of UTF-8
/// text.
pub fn decode_cert_content(content: &str) -> Result<String> {
    let compact: String = content.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let bytes = Base64::decode_vec(&compact).map_err(|_| CertError::ContentNotBase64)?;
    String::from_utf8(bytes).map_err(|_| CertError::ContentNotBase64.into())
}

/// An Alipay certificate reduced to what responses need: its SN and its RSA public key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlipayCert {
    sn: CertSn,
    key: AlipayPublicKey,
}

impl AlipayCert {
    /// Parses the first certificate of `alipayCertPublicKey_RSA2.crt` (or of a downloaded
    /// chain).
    ///
    /// # Errors
    /// As [`alipay_public_key_from_cert`].
    pub fn parse(pem: &str) -> Result<Self> {
        let (der, index) = first_block(pem)?;
        Self::from_cert(&der, &parse_cert(&der, index)?, index)
    }

    /// `der` is the certificate's bytes, `cert` what [`parse_cert`] made of them.
    fn from_cert(der: &[u8], cert: &Certificate, index: usize) -> Result<Self> {
        let spki = cert
            .tbs_certificate()
            .subject_public_key_info()
            .to_der()
            .map_err(|_| CertError::Malformed { index })?;
        Ok(AlipayCert { sn: cert_sn(der, index)?, key: AlipayPublicKey::from_der(&spki)? })
    }

    /// The certificate's SN: the `alipay_cert_sn` of responses it signs.
    pub fn sn(&self) -> &str {
        &self.sn
    }

    /// The certificate's RSA public key.
    pub fn public_key(&self) -> &AlipayPublicKey {
        &self.key
    }

    /// Splits the certificate into its SN and its key.
    pub fn into_parts(self) -> (CertSn, AlipayPublicKey) {
        (self.sn, self.key)
    }
}

/// The Alipay public keys a caller trusts, by `alipay_cert_sn`.
///
/// A response or notification in certificate mode names the certificate that signed it;
/// [`get`](Self::get) returns that certificate's key, or [`Error::UnknownCertSn`] so the
/// caller can download the new certificate (after a rotation), check it with
/// [`check_alipay_cert_chain`], [`insert`](Self::insert) it and verify again.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AlipayCertKeys {
    keys: BTreeMap<CertSn, AlipayPublicKey>,
}

impl AlipayCertKeys {
    /// An empty key set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) a certificate's key; returns the key it replaced, if any.
    pub fn insert(&mut self, cert: AlipayCert) -> Option<AlipayPublicKey> {
        let (sn, key) = cert.into_parts();
        self.keys.insert(sn, key)
    }

    /// Parses `alipayCertPublicKey_RSA2.crt` and adds its key; returns the certificate's SN.
    ///
    /// # Errors
    /// As [`AlipayCert::parse`].
    pub fn insert_pem(&mut self, pem: &str) -> Result<CertSn> {
        let cert = AlipayCert::parse(pem)?;
        let sn = cert.sn.clone();
        self.insert(cert);
        Ok(sn)
    }

    /// The key for `alipay_cert_sn`.
    ///
    /// # Errors
    /// [`Error::UnknownCertSn`] carrying `sn` when no key has that SN.
    pub fn get(&self, sn: &str) -> Result<&AlipayPublicKey> {
        self.keys.get(sn).ok_or_else(|| Error::UnknownCertSn { sn: sn.to_string() })
    }

    /// Removes the key for `sn` (e.g. a retired certificate); returns it, if it was there.
    pub fn remove(&mut self, sn: &str) -> Option<AlipayPublicKey> {
        self.keys.remove(sn)
    }

    /// Whether a key has this SN.
    pub fn contains(&self, sn: &str) -> bool {
        self.keys.contains_key(sn)
    }

    /// The SNs held, in ascending order.
    pub fn sns(&self) -> impl Iterator<Item = &str> + '_ {
        self.keys.keys().map(|sn| sn.as_str())
    }

    /// How many keys the set holds.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

/// Checks a downloaded Alipay certificate chain against the root bundle at `unix_time`
/// (seconds since the Unix epoch, supplied by the caller), and returns its first certificate
/// as an [`AlipayCert`].
///
/// From the first certificate up, each certificate must be within its validity period and
/// carry a valid RSA signature (SHA-1/256/384/512 with PKCS#1 v1.5, verified over its exact
/// `tbsCertificate` bytes) by either a root of the bundle, which ends the walk, or another
/// certificate of the chain that is a CA (`basicConstraints cA`). The root that ends the walk
/// must be valid at `unix_time` too. Chain order does not matter.
///
/// This proves that the Alipay CA issued the certificate, not that it is Alipay's (the same
/// CA issues app certificates); accept a downloaded certificate only from a verified response.
///
/// # Errors
/// [`CertError::NoCertificate`], [`CertError::Pem`], [`CertError::Malformed`] for unreadable
/// input; [`CertError::NotYetValid`] / [`CertError::Expired`]; [`CertError::UnknownIssuer`]
/// when no root or chain CA has the issuer's name; [`CertError::BadSignature`];
/// [`CertError::UnsupportedSignature`]; the key errors of [`AlipayCert::parse`] for the first
/// certificate.
pub fn check_alipay_cert_chain(
    chain_pem: &str,
    root_bundle_pem: &str,
    unix_time: u64,
) -> Result<AlipayCert> {
    let chain = parse_all(chain_pem)?;
    let leaf = match chain.first() {
        Some((der, cert)) => AlipayCert::from_cert(der, cert, 0)?,
        None => return Err(CertError::NoCertificate.into()),
    };
    // Roots that cannot be parsed (e.g. SM2 roots with unusual encodings) cannot anchor an
    // RSA chain; skip them like the SN computation does.
    let roots: Vec<Certificate> = PemBlocks::new(root_bundle_pem)
        .filter_map(|block| block.ok())
        .filter_map(|der| Certificate::from_der(&der).ok())
        .collect();

    let mut used = vec![false; chain.len()];
    let mut current = 0usize;
    for _ in 0..=chain.len() {
        let Some((der, cert)) = chain.get(current) else { break };
        check_validity(cert, current, unix_time)?;
        if let Some(slot) = used.get_mut(current) {
            *slot = true;
        }
        let issuer = cert.tbs_certificate().issuer();
        let mut bad_signature = false;
        for root in roots.iter().filter(|root| root.tbs_certificate().subject() == issuer) {
            match check_signature(der, current, root) {
                Ok(()) => {
                    check_validity(root, chain.len(), unix_time)?;
                    return Ok(leaf);
                }
                Err(Error::Cert(CertError::BadSignature { .. })) => bad_signature = true,
                Err(e) => return Err(e),
            }
        }
        let next = chain.iter().enumerate().find(|(j, (_, candidate))| {
            !used.get(*j).copied().unwrap_or(true)
                && candidate.tbs_certificate().subject() == issuer
                && is_ca(candidate)
        });
        match next {
            Some((j, (_, parent))) => {
                check_signature(der, current, parent)?;
                current = j;
            }
            None if bad_signature => return Err(CertError::BadSignature { index: current }.into()),
            None => return Err(CertError::UnknownIssuer { index: current }.into()),
        }
    }
    Err(CertError::UnknownIssuer { index: current }.into())
}

// ---- PEM ----------------------------------------------------------------------------------

/// The DER bytes of each `CERTIFICATE` block, in file order; stops after the first error.
struct PemBlocks<'a> {
    rest: &'a str,
    index: usize,
    failed: bool,
}

impl<'a> PemBlocks<'a> {
    fn new(text: &'a str) -> Self {
        PemBlocks { rest: text, index: 0, failed: false }
    }
}

impl Iterator for PemBlocks<'_> {
    type Item = core::result::Result<Vec<u8>, CertError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        let (_, after_begin) = self.rest.split_once(BEGIN)?;
        let index = self.index;
        self.index += 1;
        let Some((body, after_end)) = after_begin.split_once(END) else {
            self.failed = true;
            return Some(Err(CertError::Pem { index }));
        };
        self.rest = after_end;
        let compact: String = body.chars().filter(|c| !c.is_ascii_whitespace()).collect();
        let der = Base64::decode_vec(&compact).map_err(|_| CertError::Pem { index });
        self.failed = der.is_err();
        Some(der)
    }
}

fn first_block(pem: &str) -> core::result::Result<(Vec<u8>, usize), CertError> {
    match PemBlocks::new(pem).next() {
        Some(block) => Ok((block?, 0)),
        None => Err(CertError::NoCertificate),
    }
}

fn parse_cert(der: &[u8], index: usize) -> core::result::Result<Certificate, CertError> {
    Certificate::from_der(der).map_err(|_| CertError::Malformed { index })
}

fn parse_all(pem: &str) -> Result<Vec<(Vec<u8>, Certificate)>> {
    let mut out = Vec::new();
    for (index, block) in PemBlocks::new(pem).enumerate() {
        let der = block?;
        let cert = parse_cert(&der, index)?;
        out.push((der, cert));
    }
    Ok(out)
}

// ---- the outer certificate structure --------------------------------------------------------

/// `Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }`, with the
/// `tbsCertificate` left as its exact bytes, undecoded.
struct Outer<'a> {
    tbs: &'a [u8],
    algorithm: AlgorithmIdentifierRef<'a>,
    signature: BitStringRef<'a>,
}

fn outer(der: &[u8]) -> x509_cert::der::Result<Outer<'_>> {
    let mut reader = SliceReader::new(der)?;
    let outer = reader.sequence(|r| {
        let tbs = r.tlv_bytes()?;
        let algorithm = AlgorithmIdentifierRef::decode(r)?;
        let signature = BitStringRef::decode(r)?;
        Ok::<_, x509_cert::der::Error>(Outer { tbs, algorithm, signature })
    })?;
    reader.finish()?;
    Ok(outer)
}

// ---- SN -----------------------------------------------------------------------------------

/// MD5 hex of the RFC 2253 issuer name followed by the decimal serial number, from the bytes
/// of a certificate that [`parse_cert`] accepted.
///
/// They are read again under BER rules, for the issuer's sake: under DER rules the `der`
/// crate sorts the attributes of a multi-valued RDN (`O=A+CN=B`), while Java, whose SN the
/// gateway expects, writes them in the order the certificate holds them.
fn cert_sn(der: &[u8], index: usize) -> core::result::Result<CertSn, CertError> {
    let cert = Certificate::from_ber(der).map_err(|_| CertError::Malformed { index })?;
    let tbs = cert.tbs_certificate();
    let mut text = String::new();
    write_rfc2253(tbs.issuer(), &mut text).map_err(|_| CertError::Malformed { index })?;
    write_decimal(tbs.serial_number().as_bytes(), &mut text);
    Ok(md5_hex(text.as_bytes()))
}

fn md5_hex(bytes: &[u8]) -> CertSn {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut sn = CertSn::new();
    for byte in Md5::digest(bytes) {
        for nibble in [byte >> 4, byte & 0x0f] {
            let c = HEX.get(usize::from(nibble)).copied().unwrap_or(b'0');
            // 16 bytes give exactly the 32 characters `CertSn` holds.
            let _ = sn.push(char::from(c));
        }
    }
    sn
}

/// Writes `name` as Java's `X500Principal.getName()` (RFC 2253) does: RDNs in reverse order
/// joined with `,`, the attributes of a multi-valued RDN joined with `+` in encoded order
/// (which a `name` decoded under DER rules has lost: see [`cert_sn`]).
fn write_rfc2253(name: &Name, out: &mut String) -> x509_cert::der::Result<()> {
    let rdns: Vec<_> = name.iter_rdn().collect();
    for (i, rdn) in rdns.iter().rev().enumerate() {
        if i > 0 {
            out.push(',');
        }
        for (j, atv) in rdn.iter().enumerate() {
            if j > 0 {
                out.push('+');
            }
            write_attribute(atv, out)?;
        }
    }
    Ok(())
}

/// One `type=value`: a known keyword with a directory string as escaped text, anything else
/// as `type=#<hex of the value's DER>` (RFC 2253 §2.4, as Java writes it).
fn write_attribute(atv: &AttributeTypeAndValue, out: &mut String) -> x509_cert::der::Result<()> {
    let keyword = KEYWORDS.iter().find(|(oid, _)| *oid == atv.oid).map(|(_, k)| *k);
    match keyword {
        Some(keyword) => out.push_str(keyword),
        None => out.push_str(&atv.oid.to_string()),
    }
    out.push('=');
    let is_string = matches!(
        atv.value.tag(),
        Tag::PrintableString
            | Tag::TeletexString
            | Tag::Ia5String
            | Tag::GeneralString
            | Tag::Utf8String
            | Tag::BmpString
    );
    if keyword.is_some() && is_string {
        write_escaped(&String::from_utf8_lossy(atv.value.value()), out);
    } else {
        out.push('#');
        for byte in atv.value.to_der()? {
            out.push(hex_digit(byte >> 4));
            out.push(hex_digit(byte & 0x0f));
        }
    }
    Ok(())
}

fn hex_digit(nibble: u8) -> char {
    char::from_digit(u32::from(nibble), 16).unwrap_or('0')
}

/// Java's RFC 2253 escaping: a backslash before `, = + < > # ; " \`, `\00` for NUL, and a
/// backslash before each leading or trailing space or carriage return.
fn write_escaped(value: &str, out: &mut String) {
    let mut escaped: Vec<char> = Vec::with_capacity(value.len());
    for c in value.chars() {
        match c {
            ',' | '=' | '+' | '<' | '>' | '#' | ';' | '"' | '\\' => escaped.extend(['\\', c]),
            '\0' => escaped.extend(['\\', '0', '0']),
            c => escaped.push(c),
        }
    }
    let blank = |c: &char| *c == ' ' || *c == '\r';
    let lead = escaped.iter().position(|c| !blank(c)).unwrap_or(escaped.len());
    let trail = escaped.iter().rposition(|c| !blank(c)).map_or(0, |i| i + 1);
    for (i, c) in escaped.into_iter().enumerate() {
        if i < lead || i >= trail {
            out.push('\\');
        }
        out.push(c);
    }
}

/// Writes a DER INTEGER's two's-complement big-endian bytes in decimal, as Java's
/// `BigInteger.toString()` does (a `-` for negative serials, which non-conforming CAs issue).
fn write_decimal(twos_complement: &[u8], out: &mut String) {
    let mut magnitude = twos_complement.to_vec();
    if twos_complement.first().is_some_and(|b| b & 0x80 != 0) {
        out.push('-');
        for b in &mut magnitude {
            *b = !*b;
        }
        for b in magnitude.iter_mut().rev() {
            let (sum, carry) = b.overflowing_add(1);
            *b = sum;
            if !carry {
                break;
            }
        }
    }
    let mut digits = Vec::new();
    while magnitude.iter().any(|&b| b != 0) {
        let mut remainder = 0u16;
        for b in &mut magnitude {
            let current = remainder << 8 | u16::from(*b);
            *b = (current / 10) as u8;
            remainder = current % 10;
        }
        digits.push(b'0' + remainder as u8);
    }
    if digits.is_empty() {
        digits.push(b'0');
    }
    out.extend(digits.iter().rev().map(|&d| char::from(d)));
}

// ---- chain check --------------------------------------------------------------------------

fn check_validity(cert: &Certificate, index: usize, unix_time: u64) -> Result<()> {
    let validity = cert.tbs_certificate().validity();
    let not_before = validity.not_before.to_unix_duration().as_secs();
    let not_after = validity.not_after.to_unix_duration().as_secs();
    if unix_time < not_before {
        return Err(CertError::NotYetValid { index, not_before }.into());
    }
    if unix_time > not_after {
        return Err(CertError::Expired { index, not_after }.into());
    }
    Ok(())
}

fn is_ca(cert: &Certificate) -> bool {
    matches!(cert.tbs_certificate().get_extension::<BasicConstraints>(), Ok(Some((_, bc))) if bc.ca)
}

/// Verifies the signature on the certificate `der` (chain position `index`) with `issuer`'s
/// RSA key.
fn check_signature(der: &[u8], index: usize, issuer: &Certificate) -> Result<()> {
    let outer = outer(der).map_err(|_| CertError::Malformed { index })?;
    let oid = outer.algorithm.oid;
    let (scheme, digest): (Pkcs1v15Sign, Vec<u8>) = if oid == SHA256_WITH_RSA {
        (Pkcs1v15Sign::new::<sha2::Sha256>(), sha2::Sha256::digest(outer.tbs).to_vec())
    } else if oid == SHA1_WITH_RSA {
        (Pkcs1v15Sign::new::<sha1::Sha1>(), sha1::Sha1::digest(outer.tbs).to_vec())
    } else if oid == SHA384_WITH_RSA {
        (Pkcs1v15Sign::new::<sha2::Sha384>(), sha2::Sha384::digest(outer.tbs).to_vec())
    } else if oid == SHA512_WITH_RSA {
        (Pkcs1v15Sign::new::<sha2::Sha512>(), sha2::Sha512::digest(outer.tbs).to_vec())
    } else {
        return Err(CertError::UnsupportedSignature { index, oid: oid.to_string() }.into());
    };
    let bad = || Error::from(CertError::BadSignature { index });
    let spki = issuer.tbs_certificate().subject_public_key_info().to_der().map_err(|_| bad())?;
    let key = rsa::PublicKey::from_public_key_der(&spki).map_err(|_| bad())?;
    let signature = outer.signature.as_bytes().ok_or_else(bad)?;
    key.verify(scheme, &digest, signature).map_err(|_| bad())
}
