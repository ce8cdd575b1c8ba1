//! Asynchronous notifications and `return_url` parameters (PROTOCOL §4).
//!
//! ```text
//! form bytes ──► UntrustedNotification ──► verify(sign type, key, options) ──► VerifiedNotification
//!               (form-decoded once)                                           (only signed params)
//! ```
//!
//! - **Input** is the raw `application/x-www-form-urlencoded` body (POST) or query string
//!   (GET) as bytes, never a map a web framework decoded. It is form-decoded exactly once
//!   ([`crate::form::decode`]), so `%2B` is `+`, `+` is a space, and a `passback_params`
//!   value that was percent-encoded before form-encoding stays percent-encoded, as signed.
//! - **Content**: `sign` is removed; [`NotifyMode::V1`] (trade notifications
//!   `trade_status_sync`, page `return_url`) also removes `sign_type`, [`NotifyMode::V2`]
//!   (gateway, 生活号 and service-market messages) keeps it. Empty (and whitespace-only)
//!   values are dropped, the rest sorted by key and joined as for requests
//!   ([`SignContent`]); the decoded bytes are hashed as they are: no re-encoding, no
//!   trimming. A key that appears twice is rejected.
//! - **`alipay_cert_sn`** (certificate mode) is removed from the content and exposed by
//!   default ([`NotifyOptions::keep_cert_sn`] keeps it in, as the Java SDK does). It is then
//!   not covered by the signature: it only selects the key.
//! - **`sign_type`**: the notification's own `sign_type` is never trusted to pick the
//!   algorithm (it would let an attacker choose SHA-1); the caller's configured type is used.
//! - **Charset**: decoded values must be UTF-8. Alipay notifies in the charset of the request
//!   that started the trade, which is always `utf-8` for requests this crate encodes; a GBK
//!   notification (from a request sent with `charset=GBK` by other code) is an
//!   [`Error::Form`] ("not UTF-8 after decoding"), never a silent mis-decoding.
//!
//! A verified notification proves its sign content, not how that content splits into
//! parameters: values are signed raw, so one holding `&` and `=` could be regrouped into
//! other parameters with the same content (see the README's Security section). Check the
//! order fields (`out_trade_no`, `total_amount`, `app_id`, `seller_id`) against your own
//! records before acting on `trade_status`.
//!
//! # Try V2, then V1
//! [`NotifyMode::V2ThenV1`] does what the official Node SDK does when the caller does not know
//! the mode: verify with `sign_type` kept, and on failure verify again with it removed. The
//! cost: a second sign content walk and a second RSA public-key operation (tens of
//! microseconds for 2048 bits) for every V1 notification and for every forged one, which an
//! attacker can therefore make cost twice as much (unless it carries no `sign_type`: then the
//! two contents are the same, and the second check is skipped). Prefer the exact mode when it
//! is known.
//!
//! ```
//! use alipay_codec::notify::{NotifyOptions, UntrustedNotification};
//!
//! let form = b"notify_type=trade_status_sync&out_trade_no=1&sign_type=RSA2&sign=c2ln";
//! let untrusted = UntrustedNotification::parse(form)?;
//! assert_eq!(untrusted.content(alipay_codec::notify::NotifyMode::V1, false)?, "notify_type=trade_status_sync&out_trade_no=1");
//! # Ok::<(), alipay_codec::Error>(())
//! ```

use alloc::borrow::Cow;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use crate::error::{Error, FieldRule, Result};
use crate::form;
use crate::sign_content::{is_blank, SignContent};
use crate::signing::{Message, SignType, Signature, Verifier};

/// The parameter holding the signature.
pub const SIGN: &str = "sign";
/// The parameter V1 removes from the content.
pub const SIGN_TYPE: &str = "sign_type";
/// The certificate-mode parameter naming the Alipay certificate.
pub const ALIPAY_CERT_SN: &str = "alipay_cert_sn";

/// Which parameters the signature covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NotifyMode {
    /// Removes `sign` and `sign_type`: trade notifications and page `return_url`.
    V1,
    /// Removes only `sign`: gateway, 生活号 and service-market messages.
    V2,
    /// Tries [`V2`](Self::V2), then [`V1`](Self::V1): see the module docs for its cost.
    V2ThenV1,
}

/// Options for [`UntrustedNotification::verify`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotifyOptions {
    mode: NotifyMode,
    keep_cert_sn: bool,
}

impl NotifyOptions {
    /// Options with the given mode; `alipay_cert_sn` stripped from the content.
    pub const fn new(mode: NotifyMode) -> Self {
        NotifyOptions { mode, keep_cert_sn: false }
    }

    /// Whether `alipay_cert_sn` stays in the signed content (Java's behaviour) instead of
    /// being stripped (the default, as smartwalle does).
    pub const fn keep_cert_sn(mut self, keep: bool) -> Self {
        self.keep_cert_sn = keep;
        self
    }

    /// The mode.
    pub const fn mode(&self) -> NotifyMode {
        self.mode
    }
}

/// A form-decoded notification whose signature has not been checked.
#[derive(Debug, Clone)]
pub struct UntrustedNotification<'a> {
    /// Every decoded pair, sorted by key (keys are unique).
    params: Vec<(Cow<'a, str>, Cow<'a, str>)>,
}

fn find<'p>(params: &'p [(Cow<'_, str>, Cow<'_, str>)], key: &str) -> Option<&'p str> {
    params
        .binary_search_by(|(k, _)| k.as_bytes().cmp(key.as_bytes()))
        .ok()
        .and_then(|i| params.get(i))
        .map(|(_, v)| &**v)
}

impl<'a> UntrustedNotification<'a> {
    /// Form-decodes `form` once and checks that no key appears twice.
    ///
    /// # Errors
    /// [`Error::Form`] for a bad `%` escape or non-UTF-8 bytes; [`Error::DuplicateKey`] for a
    /// repeated key.
    pub fn parse(form: &'a [u8]) -> Result<Self> {
        let mut params = form::decode(form)?;
        params.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
        if let Some(w) =
            params.windows(2).find(|w| w.first().map(|p| &p.0) == w.get(1).map(|p| &p.0))
        {
            let key = w.first().map(|p| p.0.to_string()).unwrap_or_default();
            return Err(Error::DuplicateKey { key });
        }
        Ok(UntrustedNotification { params })
    }

    /// A parameter's decoded value (unverified).
    pub fn get(&self, key: &str) -> Option<&str> {
        find(&self.params, key)
    }

    /// The `alipay_cert_sn` parameter (unverified): which Alipay certificate to verify with.
    pub fn cert_sn(&self) -> Option<&str> {
        self.get(ALIPAY_CERT_SN).filter(|s| !s.is_empty())
    }

    /// The pairs the signature covers in `mode` ([`NotifyMode::V2ThenV1`] counts as V2).
    fn signed_pairs(&self, mode: NotifyMode, keep_cert_sn: bool) -> Vec<(&str, &str)> {
        self.params
            .iter()
            .map(|(k, v)| (&**k, &**v))
            .filter(|&(k, _)| {
                !(mode == NotifyMode::V1 && k == SIGN_TYPE) && (keep_cert_sn || k != ALIPAY_CERT_SN)
            })
            .collect()
    }

    /// The sign content for `mode` (for diagnostics: it is what the signature must cover).
    ///
    /// # Errors
    /// [`Error::InvalidKey`] for a key the sign content does not allow.
    pub fn content(&self, mode: NotifyMode, keep_cert_sn: bool) -> Result<String> {
        let mut pairs = self.signed_pairs(mode, keep_cert_sn);
        Ok(SignContent::new(&mut pairs)?.to_string())
    }

    fn verify_mode(
        &self,
        mode: NotifyMode,
        keep: bool,
        st: SignType,
        v: &impl Verifier,
        s: &Signature,
    ) -> Result<()> {
        let mut pairs = self.signed_pairs(mode, keep);
        let content = SignContent::new(&mut pairs)?;
        v.verify(st, Message::Content(content), s)
    }

    /// Verifies the signature with the configured sign type and key.
    ///
    /// # Errors
    /// [`Error::MissingParam`] without a `sign`; [`Error::SignatureNotBase64`] /
    /// [`Error::SignatureLength`] for a bad one (a `+` left raw in the form decodes to a
    /// space and lands here); [`Error::InvalidKey`] for a key the sign content does not
    /// allow; [`Error::InvalidSignature`] when it does not verify (in either mode, for
    /// [`NotifyMode::V2ThenV1`]).
    pub fn verify(
        self,
        sign_type: SignType,
        verifier: &impl Verifier,
        options: NotifyOptions,
    ) -> Result<VerifiedNotification<'a>> {
        let raw =
            self.get(SIGN).filter(|s| !s.is_empty()).ok_or(Error::MissingParam { name: SIGN })?;
        let signature = Signature::from_base64(raw)?;
        let keep = options.keep_cert_sn;
        let mode = match options.mode {
            NotifyMode::V2ThenV1 => {
                match self.verify_mode(NotifyMode::V2, keep, sign_type, verifier, &signature) {
                    Ok(()) => NotifyMode::V2,
                    // V1 differs from V2 only in leaving `sign_type` out: without one (or
                    // with a blank one, which no content holds), it is the same content, and
                    // a second check could only fail again.
                    Err(Error::InvalidSignature)
                        if self.get(SIGN_TYPE).is_some_and(|v| !is_blank(v)) =>
                    {
                        self.verify_mode(NotifyMode::V1, keep, sign_type, verifier, &signature)?;
                        NotifyMode::V1
                    }
                    Err(e) => return Err(e),
                }
            }
            mode => {
                self.verify_mode(mode, keep, sign_type, verifier, &signature)?;
                mode
            }
        };
        let cert_sn = if keep { None } else { self.cert_sn().map(|s| Cow::Owned(s.to_string())) };
        let params = self
            .params
            .into_iter()
            .filter(|(k, v)| {
                k != SIGN
                    && !(mode == NotifyMode::V1 && k == SIGN_TYPE)
                    && (keep || k != ALIPAY_CERT_SN)
                    && !is_blank(v)
            })
            .collect();
        Ok(VerifiedNotification { params, mode, cert_sn })
    }

    /// Certificate mode: verifies with the key of the Alipay certificate that the
    /// notification's `alipay_cert_sn` names, taken from `keys`; otherwise as
    /// [`verify`](Self::verify).
    ///
    /// # Errors
    /// [`Error::MissingCertSn`] when `alipay_cert_sn` is absent or empty;
    /// [`Error::UnknownCertSn`] carrying the SN when `keys` has no such certificate; every
    /// error of [`verify`](Self::verify).
    #[cfg(feature = "cert")]
    pub fn verify_with_cert_keys(
        self,
        sign_type: SignType,
        keys: &crate::cert::AlipayCertKeys,
        options: NotifyOptions,
    ) -> Result<VerifiedNotification<'a>> {
        let key = keys.get(self.cert_sn().ok_or(Error::MissingCertSn)?)?;
        self.verify(sign_type, key, options)
    }
}

/// A notification whose signature verified. Holds only the parameters the signature
/// covers, sorted by key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedNotification<'a> {
    params: Vec<(Cow<'a, str>, Cow<'a, str>)>,
    mode: NotifyMode,
    cert_sn: Option<Cow<'a, str>>,
}

impl<'a> VerifiedNotification<'a> {
    /// A verified parameter's value.
    pub fn get(&self, key: &str) -> Option<&str> {
        find(&self.params, key)
    }

    /// The verified parameters, sorted by key, borrowed.
    pub fn params(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        self.params.iter().map(|(k, v)| (&**k, &**v))
    }

    /// The verified parameters as owned pairs.
    pub fn into_pairs(self) -> Vec<(String, String)> {
        self.params.into_iter().map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
    }

    /// A copy that owns its strings.
    pub fn into_owned(self) -> VerifiedNotification<'static> {
        VerifiedNotification {
            params: self
                .params
                .into_iter()
                .map(|(k, v)| (Cow::Owned(k.into_owned()), Cow::Owned(v.into_owned())))
                .collect(),
            mode: self.mode,
            cert_sn: self.cert_sn.map(|c| Cow::Owned(c.into_owned())),
        }
    }

    /// The mode that verified ([`NotifyMode::V1`] or [`NotifyMode::V2`]).
    pub fn mode(&self) -> NotifyMode {
        self.mode
    }

    /// The stripped `alipay_cert_sn` (not covered by the signature); `None` when absent or
    /// kept in the content (then it is a verified parameter).
    pub fn cert_sn(&self) -> Option<&str> {
        self.cert_sn.as_deref()
    }

    /// `notify_type`, e.g. `trade_status_sync`.
    pub fn notify_type(&self) -> Option<&str> {
        self.get("notify_type")
    }

    /// `notify_id`: the notification's id (deduplicate on it).
    pub fn notify_id(&self) -> Option<&str> {
        self.get("notify_id")
    }

    /// `app_id`: check it is yours.
    pub fn app_id(&self) -> Option<&str> {
        self.get("app_id")
    }

    /// `trade_no`: Alipay's trade number.
    pub fn trade_no(&self) -> Option<&str> {
        self.get("trade_no")
    }

    /// `out_trade_no`: your order number.
    pub fn out_trade_no(&self) -> Option<&str> {
        self.get("out_trade_no")
    }

    /// `trade_status`, typed.
    pub fn trade_status(&self) -> Option<TradeStatus<'_>> {
        self.get("trade_status").map(TradeStatus::parse)
    }

    /// `total_amount`, typed (yuan with at most two decimals).
    ///
    /// # Errors
    /// [`Error::Field`] on `total_amount` when it is not such an amount.
    pub fn total_amount(&self) -> Result<Option<Amount>> {
        self.get("total_amount").map(|v| Amount::parse("total_amount", v)).transpose()
    }
}

/// The `trade_status` of a trade notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TradeStatus<'a> {
    /// `WAIT_BUYER_PAY`: created, not paid.
    WaitBuyerPay,
    /// `TRADE_CLOSED`: closed unpaid, or fully refunded.
    TradeClosed,
    /// `TRADE_SUCCESS`: paid; refunds still possible.
    TradeSuccess,
    /// `TRADE_FINISHED`: paid and final.
    TradeFinished,
    /// Any other value, verbatim.
    Other(&'a str),
}

impl<'a> TradeStatus<'a> {
    /// Classifies a `trade_status` value.
    pub fn parse(value: &'a str) -> Self {
        match value {
            "WAIT_BUYER_PAY" => TradeStatus::WaitBuyerPay,
            "TRADE_CLOSED" => TradeStatus::TradeClosed,
            "TRADE_SUCCESS" => TradeStatus::TradeSuccess,
            "TRADE_FINISHED" => TradeStatus::TradeFinished,
            other => TradeStatus::Other(other),
        }
    }

    /// Whether the trade is paid (`TRADE_SUCCESS` or `TRADE_FINISHED`).
    pub fn is_paid(self) -> bool {
        matches!(self, TradeStatus::TradeSuccess | TradeStatus::TradeFinished)
    }
}

/// An amount in yuan with at most two decimals, held exactly in fen (1/100 yuan).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Amount {
    fen: u64,
}

impl Amount {
    /// Parses `digits[.d[d]]`, as Alipay writes amounts.
    ///
    /// # Errors
    /// [`Error::Field`] naming `field` for anything else (sign, exponent, three decimals,
    /// overflow).
    pub fn parse(field: &'static str, text: &str) -> Result<Self> {
        let bad = || Error::Field {
            field,
            rule: FieldRule::BadFormat { expected: "an amount like 12.34" },
        };
        let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(whole) || (text.contains('.') && !digits(frac)) || frac.len() > 2 {
            return Err(bad());
        }
        let yuan: u64 = whole.parse().map_err(|_| bad())?;
        let mut cents: u64 = if frac.is_empty() { 0 } else { frac.parse().map_err(|_| bad())? };
        if frac.len() == 1 {
            cents *= 10;
        }
        let fen = yuan.checked_mul(100).and_then(|f| f.checked_add(cents)).ok_or_else(bad)?;
        Ok(Amount { fen })
    }

    /// The amount in fen.
    pub const fn fen(self) -> u64 {
        self.fen
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02}", self.fen / 100, self.fen % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts() {
        assert_eq!(Amount::parse("a", "0.10").unwrap().fen(), 10);
        assert_eq!(Amount::parse("a", "12.3").unwrap().fen(), 1230);
        assert_eq!(Amount::parse("a", "7").unwrap().to_string(), "7.00");
        for bad in ["", ".5", "1.", "1.234", "-1", "1e3", "99999999999999999999"] {
            assert!(Amount::parse("a", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn duplicate_keys_rejected() {
        assert!(
            matches!(UntrustedNotification::parse(b"a=1&sign_type=RSA2&sign_type=RSA"), Err(Error::DuplicateKey { key }) if key == "sign_type")
        );
    }

    /// A verifier that rejects everything and counts its calls.
    struct Refuses(core::cell::Cell<usize>);

    impl Verifier for Refuses {
        fn verify(&self, _: SignType, _: Message<'_>, _: &Signature) -> Result<()> {
            self.0.set(self.0.get() + 1);
            Err(Error::InvalidSignature)
        }
    }

    #[test]
    fn v2_then_v1_checks_twice_only_when_the_contents_differ() {
        let sign = "c2ln".repeat(64);
        for (sign_type, checks) in [("&sign_type=RSA2", 2), ("&sign_type=", 1), ("", 1)] {
            let form = alloc::format!("a=1{sign_type}&sign={sign}");
            let refuses = Refuses(core::cell::Cell::new(0));
            let options = NotifyOptions::new(NotifyMode::V2ThenV1);
            let result = UntrustedNotification::parse(form.as_bytes()).unwrap().verify(
                SignType::Rsa2,
                &refuses,
                options,
            );
            assert_eq!(result.unwrap_err(), Error::InvalidSignature, "{form}");
            assert_eq!(refuses.0.get(), checks, "{form}");
        }
    }

    #[test]
    fn content_modes() {
        let n = UntrustedNotification::parse(
            b"b=2&sign=x&sign_type=RSA2&alipay_cert_sn=abc&a=&c=%2541",
        )
        .unwrap();
        assert_eq!(n.content(NotifyMode::V1, false).unwrap(), "b=2&c=%41");
        assert_eq!(n.content(NotifyMode::V2, false).unwrap(), "b=2&c=%41&sign_type=RSA2");
        assert_eq!(
            n.content(NotifyMode::V2, true).unwrap(),
            "alipay_cert_sn=abc&b=2&c=%41&sign_type=RSA2"
        );
        assert_eq!(n.cert_sn(), Some("abc"));
    }
}
