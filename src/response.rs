//! Synchronous responses (placeholder: limits only, the scanner lands with the response issue).

/// The deepest nesting of `{}` / `[]` the scanner accepts.
pub const MAX_DEPTH: usize = 128;
/// The most top-level members the scanner accepts.
pub const MAX_MEMBERS: usize = 64;
