//! Pure view math: node placement, message positions, slider scales. Plain
//! functions with native unit tests; no Leptos here.

pub mod layout;
pub mod scale;
