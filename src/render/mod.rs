//! Renderers: turn results into what people and machines read.

pub mod diagnostics;
pub mod html;
pub mod json;
pub mod summary;
pub mod targets;
pub mod xlsx;
