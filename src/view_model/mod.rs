//! Pure view math and view data: node placement, message positions, slider scales, and
//! the scene the labs fill and the components draw. No Leptos here.

pub mod labels;
pub mod layout;
pub mod scale;
pub mod scene;
pub mod spacetime;
