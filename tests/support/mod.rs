//! Shared test support.

pub mod loopback;
