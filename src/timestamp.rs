//! The request `timestamp`: `yyyy-MM-dd HH:mm:ss` in Beijing time (UTC+8, no DST), PROTOCOL §2.
//!
//! The crate never reads a clock: the caller builds a [`Timestamp`] from its own time, either
//! as Beijing-time text ([`Timestamp::parse`]), as fields ([`Timestamp::new`]), or from a
//! Unix time ([`Timestamp::from_unix`], which converts to UTC+8 — the usual source when the
//! caller's clock is UTC). A value that exists is valid: the month is 01..=12, the day exists
//! in that month of that year (Gregorian leap years), the hour is 00..=23, minute and second
//! are 00..=59 (no leap second), and the year is 0000..=9999.
//!
//! The text lives in a fixed-capacity [`heapless::String<19>`]: no allocation.
//!
//! ```
//! use alipay_codec::Timestamp;
//!
//! let t = Timestamp::parse("2014-07-24 03:07:50")?;
//! assert_eq!(Timestamp::from_unix(1_406_142_470)?, t); // 2014-07-23 19:07:50 UTC
//! assert_eq!(t.to_unix(), 1_406_142_470);
//! assert!(Timestamp::parse("2023-02-29 00:00:00").is_err()); // not a leap year
//! # Ok::<(), alipay_codec::Error>(())
//! ```

use core::fmt;
use core::str::FromStr;

use crate::error::{Error, Result, TimestampError};

/// The wire format, as the API pages write it.
pub const FORMAT: &str = "yyyy-MM-dd HH:mm:ss";
/// The length of a timestamp, in bytes (and characters).
pub const LEN: usize = 19;
/// Beijing time's offset from UTC, in seconds (UTC+8, no daylight saving time).
pub const BEIJING_OFFSET_SECS: i64 = 8 * 3600;

const SECS_PER_DAY: i64 = 86_400;
/// Days from 1970-01-01 to 0000-01-01 (negative) and to 10000-01-01.
const FIRST_DAY: i64 = days_from_civil(0, 1, 1);
const END_DAY: i64 = days_from_civil(10_000, 1, 1);

/// A valid `yyyy-MM-dd HH:mm:ss` Beijing-time timestamp.
///
/// Ordering compares the text, which for this fixed-width format is chronological order.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timestamp {
    text: heapless::String<LEN>,
}

impl Timestamp {
    /// Parses and validates `yyyy-MM-dd HH:mm:ss` (Beijing time).
    ///
    /// # Errors
    /// [`Error::Timestamp`] with [`TimestampError::Format`] when the text is not 19 ASCII
    /// characters of that shape, or [`TimestampError::Month`], [`TimestampError::Day`],
    /// [`TimestampError::Hour`], [`TimestampError::Minute`], [`TimestampError::Second`] for
    /// the first field out of range (checked in that order).
    pub fn parse(text: &str) -> Result<Self> {
        let b = text.as_bytes();
        let shape_ok = b.len() == LEN
            && b.iter().enumerate().all(|(i, &c)| match i {
                4 | 7 => c == b'-',
                10 => c == b' ',
                13 | 16 => c == b':',
                _ => c.is_ascii_digit(),
            });
        if !shape_ok {
            return Err(TimestampError::Format.into());
        }
        let num = |range: core::ops::Range<usize>| -> u32 {
            b.get(range).unwrap_or_default().iter().fold(0, |n, &c| n * 10 + u32::from(c - b'0'))
        };
        let (year, month, day) = (num(0..4), num(5..7), num(8..10));
        let (hour, minute, second) = (num(11..13), num(14..16), num(17..19));
        check_fields(year, month, day, hour, minute, second)?;
        let mut out = heapless::String::new();
        // Cannot fail: the text is exactly `LEN` bytes.
        let _ = out.push_str(text);
        Ok(Timestamp { text: out })
    }

    /// Builds a timestamp from Beijing-time fields.
    ///
    /// # Errors
    /// [`Error::Timestamp`] with [`TimestampError::OutOfRange`] for a year over 9999, else as
    /// [`parse`](Self::parse) says for the first field out of range.
    pub fn new(year: u16, month: u8, day: u8, hour: u8, minute: u8, second: u8) -> Result<Self> {
        if year > 9999 {
            return Err(TimestampError::OutOfRange.into());
        }
        let (year, month, day) = (u32::from(year), u32::from(month), u32::from(day));
        let (hour, minute, second) = (u32::from(hour), u32::from(minute), u32::from(second));
        check_fields(year, month, day, hour, minute, second)?;
        Ok(Self::format(year, month, day, hour, minute, second))
    }

    /// Converts a Unix time (seconds since 1970-01-01 00:00:00 UTC) to Beijing time.
    ///
    /// # Errors
    /// [`Error::Timestamp`] with [`TimestampError::OutOfRange`] when the Beijing-time year
    /// would fall outside 0000..=9999.
    pub fn from_unix(secs: i64) -> Result<Self> {
        let local = secs.checked_add(BEIJING_OFFSET_SECS).ok_or(TimestampError::OutOfRange)?;
        let days = local.div_euclid(SECS_PER_DAY);
        if !(FIRST_DAY..END_DAY).contains(&days) {
            return Err(TimestampError::OutOfRange.into());
        }
        let sod = local.rem_euclid(SECS_PER_DAY);
        let (year, month, day) = civil_from_days(days);
        // In range by construction: 0 <= sod < 86400, and the year was range-checked.
        let [hour, minute, second] = [sod / 3600, sod % 3600 / 60, sod % 60].map(|v| v as u32);
        Ok(Self::format(year as u32, month, day, hour, minute, second))
    }

    /// The Unix time (seconds since 1970-01-01 00:00:00 UTC) this Beijing time denotes.
    pub fn to_unix(&self) -> i64 {
        let b = self.text.as_bytes();
        let num = |range: core::ops::Range<usize>| -> i64 {
            b.get(range)
                .unwrap_or_default()
                .iter()
                .fold(0, |n, &c| n * 10 + i64::from(c.wrapping_sub(b'0')))
        };
        let days = days_from_civil(num(0..4), num(5..7), num(8..10));
        days * SECS_PER_DAY + num(11..13) * 3600 + num(14..16) * 60 + num(17..19)
            - BEIJING_OFFSET_SECS
    }

    /// The text, exactly as it goes into the `timestamp` parameter.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Writes already-validated fields as text (no `core::fmt`, no allocation).
    fn format(year: u32, month: u32, day: u32, hour: u32, minute: u32, second: u32) -> Self {
        let mut buf = *b"0000-00-00 00:00:00";
        let mut put = |at: usize, width: u32, mut value: u32| {
            for i in (0..width as usize).rev() {
                if let Some(slot) = buf.get_mut(at + i) {
                    // `value % 10` is a single decimal digit.
                    *slot = b'0' + (value % 10) as u8;
                }
                value /= 10;
            }
        };
        put(0, 4, year);
        put(5, 2, month);
        put(8, 2, day);
        put(11, 2, hour);
        put(14, 2, minute);
        put(17, 2, second);
        let mut text = heapless::String::new();
        // Cannot fail: `buf` is 19 ASCII bytes, exactly the capacity.
        if let Ok(s) = core::str::from_utf8(&buf) {
            let _ = text.push_str(s);
        }
        Timestamp { text }
    }
}

/// Validates the fields in the documented order.
fn check_fields(
    year: u32,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
) -> Result<(), TimestampError> {
    if !(1..=12).contains(&month) {
        return Err(TimestampError::Month);
    }
    if day == 0 || day > days_in_month(year, month) {
        return Err(TimestampError::Day);
    }
    if hour > 23 {
        return Err(TimestampError::Hour);
    }
    if minute > 59 {
        return Err(TimestampError::Minute);
    }
    if second > 59 {
        return Err(TimestampError::Second);
    }
    Ok(())
}

/// Gregorian leap year: divisible by 4, except centuries not divisible by 400.
const fn is_leap_year(year: u32) -> bool {
    year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400))
}

/// Days in `month` (1..=12) of `year`.
const fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
const fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12; // March = 0
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (H. Hinnant's
/// `civil_from_days`). The caller keeps `days` within years 0000..=9999.
const fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + if month <= 2 { 1 } else { 0 };
    (year, month, day)
}

impl FromStr for Timestamp {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        Self::parse(s)
    }
}

impl TryFrom<&str> for Timestamp {
    type Error = Error;

    fn try_from(s: &str) -> Result<Self> {
        Self::parse(s)
    }
}

impl AsRef<str> for Timestamp {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Timestamp").field(&self.as_str()).finish()
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> TimestampError {
        match Timestamp::parse(text) {
            Err(Error::Timestamp(e)) => e,
            other => panic!("{text:?}: expected a timestamp error, got {other:?}"),
        }
    }

    #[test]
    fn parses_the_seed_example() {
        let t = Timestamp::parse("2014-07-24 03:07:50").unwrap();
        assert_eq!(t.as_str(), "2014-07-24 03:07:50");
        assert_eq!(t.to_unix(), 1_406_142_470);
    }

    #[test]
    fn rejects_each_rule() {
        let cases = [
            ("2014-07-24T03:07:50", TimestampError::Format),
            ("2014-07-24 03:07:5", TimestampError::Format),
            ("2014-07-24 03:07:500", TimestampError::Format),
            ("2014/07/24 03:07:50", TimestampError::Format),
            ("2014-07-24 03:07:5x", TimestampError::Format),
            // Exactly 19 bytes, with a non-ASCII digit (U+FF12, three bytes).
            ("\u{ff12}4-07-24 03:07:50", TimestampError::Format),
            ("", TimestampError::Format),
            ("2014-00-24 03:07:50", TimestampError::Month),
            ("2014-13-24 03:07:50", TimestampError::Month),
            ("2014-07-00 03:07:50", TimestampError::Day),
            ("2014-04-31 03:07:50", TimestampError::Day),
            ("2014-07-32 03:07:50", TimestampError::Day),
            ("2023-02-29 00:00:00", TimestampError::Day),
            ("1900-02-29 00:00:00", TimestampError::Day),
            ("2014-07-24 24:00:00", TimestampError::Hour),
            ("2014-07-24 23:60:00", TimestampError::Minute),
            ("2014-07-24 23:59:60", TimestampError::Second),
        ];
        for (text, want) in cases {
            assert_eq!(err(text), want, "{text:?}");
        }
        assert_eq!("\u{ff12}4-07-24 03:07:50".len(), LEN, "past the length check");
    }

    #[test]
    fn leap_years() {
        for ok in [
            "2024-02-29 00:00:00",
            "2000-02-29 23:59:59",
            "0000-02-29 12:00:00",
            "2023-02-28 00:00:00",
        ] {
            assert_eq!(Timestamp::parse(ok).unwrap().as_str(), ok);
        }
        assert!(
            !is_leap_year(2100) && is_leap_year(2400) && is_leap_year(2024) && !is_leap_year(2023)
        );
    }

    #[test]
    fn from_unix_is_beijing_time() {
        assert_eq!(Timestamp::from_unix(0).unwrap().as_str(), "1970-01-01 08:00:00");
        assert_eq!(Timestamp::from_unix(-28_800).unwrap().as_str(), "1970-01-01 00:00:00");
        assert_eq!(Timestamp::from_unix(-28_801).unwrap().as_str(), "1969-12-31 23:59:59");
        // 2024-02-28 16:00:00 UTC is the first second of the leap day in Beijing.
        assert_eq!(Timestamp::from_unix(1_709_136_000).unwrap().as_str(), "2024-02-29 00:00:00");
    }

    #[test]
    fn from_unix_range() {
        let first = Timestamp::parse("0000-01-01 00:00:00").unwrap().to_unix();
        let last = Timestamp::parse("9999-12-31 23:59:59").unwrap().to_unix();
        assert_eq!(Timestamp::from_unix(first).unwrap().as_str(), "0000-01-01 00:00:00");
        assert_eq!(Timestamp::from_unix(last).unwrap().as_str(), "9999-12-31 23:59:59");
        for bad in [first - 1, last + 1, i64::MIN, i64::MAX] {
            assert_eq!(
                Timestamp::from_unix(bad),
                Err(Error::Timestamp(TimestampError::OutOfRange))
            );
        }
    }

    #[test]
    fn new_matches_parse() {
        assert_eq!(
            Timestamp::new(2014, 7, 24, 3, 7, 50).unwrap(),
            Timestamp::parse("2014-07-24 03:07:50").unwrap()
        );
        assert_eq!(
            Timestamp::new(10_000, 1, 1, 0, 0, 0),
            Err(Error::Timestamp(TimestampError::OutOfRange))
        );
        assert_eq!(
            Timestamp::new(2023, 2, 29, 0, 0, 0),
            Err(Error::Timestamp(TimestampError::Day))
        );
    }
}
