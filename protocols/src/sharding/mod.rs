//! Sharding (issue 5, in progress): where each key lives. This module holds the placement
//! strategies, pure and tested against naive references; the simulated servers, router,
//! clients and migrations build on it next.

pub mod experiments;
pub mod placement;
