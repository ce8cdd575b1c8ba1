//! Eight bytes at a time in a `u64` (SWAR), for the byte-class checks of the hot paths, and
//! [`copy`], the short copy they share.
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

/// Copies `src` into `dst`, which must be as long. Up to 16 bytes (names and most values) go
/// as two fixed-size copies that overlap in the middle (1 to 3 bytes as three byte copies),
/// rather than as a `memcpy` call.
#[inline(always)]
pub(crate) fn copy(dst: &mut [u8], src: &[u8]) {
    debug_assert_eq!(dst.len(), src.len());
    match (src.first_chunk::<8>(), src.last_chunk::<8>(), src.first_chunk::<4>()) {
        (Some(head), Some(tail), _) if src.len() <= 16 => copy_ends(dst, head, tail),
        (None, _, Some(head)) => {
            if let Some(tail) = src.last_chunk::<4>() {
                copy_ends(dst, head, tail);
            }
        }
        (None, _, None) => {
            // 1 to 3 bytes: the first, middle and last (some of them the same byte).
            let middle = src.len() / 2;
            for at in [0, middle, src.len().wrapping_sub(1)] {
                if let (Some(d), Some(&s)) = (dst.get_mut(at), src.get(at)) {
                    *d = s;
                }
            }
        }
        _ => dst.copy_from_slice(src),
    }
}

/// Copies `head` to the start of `dst` and `tail` to its end (`dst` is at most their
/// combined length and at least the length of each, so together they fill it).
#[inline(always)]
fn copy_ends<const N: usize>(dst: &mut [u8], head: &[u8; N], tail: &[u8; N]) {
    if let Some(start) = dst.first_chunk_mut::<N>() {
        *start = *head;
    }
    if let Some(end) = dst.last_chunk_mut::<N>() {
        *end = *tail;
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn copy_copies_every_length() {
        let src: alloc::vec::Vec<u8> = (1..=40).collect();
        for len in 0..=src.len() {
            let mut dst = [0u8; 40];
            super::copy(&mut dst[..len], &src[..len]);
            assert_eq!(dst[..len], src[..len], "{len}");
        }
    }
}
