//! The distributed-protocols playground: a Leptos (client-side rendered) shell over the
//! pure engines of the `protocols` crate. See `docs/ARCHITECTURE.md`.

pub mod app;
pub mod components;
pub mod controller;
pub mod i18n;
pub mod keys;
pub mod labs;
pub mod lesson;
pub mod panic_banner;
pub mod url_state;
pub mod view_model;
