//! Renderers: turn results into what people and machines read.

pub mod diagnostics;
pub mod json;
pub mod summary;
pub mod xlsx;
