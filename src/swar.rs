//! Eight bytes at a time in a `u64` (SWAR), for the byte-class checks of the hot paths.
//!
//! Each function sets the high bit of the bytes of a word that are in its class. The lowest
//! flagged byte is always exact; a borrow can only spill out of a byte that is already
//! flagged, so bytes above it may be flagged too. OR the results of several classes together
//! and mask with [`HIGH_BITS`]: a zero result means no byte of any class.

/// `0x01` in every byte.
pub(crate) const LOW_BITS: u64 = 0x0101_0101_0101_0101;
/// `0x80` in every byte.
pub(crate) const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// Flags the bytes of `w` equal to `byte`.
#[inline]
pub(crate) const fn equal(w: u64, byte: u8) -> u64 {
    let x = w ^ (LOW_BITS * byte as u64);
    x.wrapping_sub(LOW_BITS) & !x
}

/// Flags the bytes of `w` below `bound` (at most 0x80); bytes of 0x80 and above are never
/// flagged.
#[inline]
pub(crate) const fn below(w: u64, bound: u8) -> u64 {
    w.wrapping_sub(LOW_BITS * bound as u64) & !w
}
