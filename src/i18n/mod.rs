//! The text catalog: every string the user sees, event-log sentences included.
//!
//! A language is one `Catalog` value. Because the catalog is a struct, a new
//! language (简体中文 is next) must give every field, and the compiler says which
//! are missing; no component changes. Templates name their holes `{like_this}`: a test
//! (`tests.rs`) walks every string of every language and checks each template has the
//! same holes as its English, and in tests `fill` fails on a hole it has no value for.
//! Each lab's part is the struct in its `labs/<p>/text.rs`.

mod en;
#[cfg(test)]
mod tests;

use leptos::prelude::*;

pub use en::EN;

/// The languages the site speaks.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Lang {
    En,
}

impl Lang {
    pub const ALL: [Lang; 1] = [Lang::En];

    pub fn catalog(self) -> &'static Catalog {
        match self {
            Lang::En => &EN,
        }
    }
}

/// The current language, provided at the root.
#[derive(Copy, Clone)]
pub struct LangContext(pub RwSignal<Lang>);

/// The catalog of the current language (reactive: re-read when the language changes).
pub fn use_catalog() -> &'static Catalog {
    use_context::<LangContext>()
        .map(|c| c.0.get())
        .unwrap_or(Lang::En)
        .catalog()
}

/// Fills `{name}` holes in a template. In tests, a hole no argument fills is a bug (a
/// misspelt name, or a template that gained a hole its caller does not know).
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    #[cfg(test)]
    for hole in holes(template) {
        assert!(
            args.iter().any(|(name, _)| *name == hole),
            "no value for {{{hole}}} in {template:?}"
        );
    }
    let mut out = template.to_string();
    for (name, value) in args {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// The names of a template's `{holes}`, in order.
pub fn holes(template: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        found.push(&after[..close]);
        rest = &after[close + 1..];
    }
    found
}

#[cfg_attr(test, derive(serde::Serialize))]
pub struct Catalog {
    pub app_title: &'static str,
    pub app_tagline: &'static str,
    pub labs_nav: &'static str,
    pub transport: Transport,
    pub panels: Panels,
    pub sim: SimText,
    pub faults: Faults,
    pub settings: SettingsText,
    pub errors: Errors,
    pub help: Help,
    pub tpc: crate::labs::two_phase_commit::text::TpcText,
    pub raft: crate::labs::raft::text::RaftText,
    pub paxos: crate::labs::paxos::text::PaxosText,
    pub lb: crate::labs::load_balancing::text::LbText,
    pub shard: crate::labs::sharding::text::ShardText,
}

#[cfg_attr(test, derive(serde::Serialize))]
pub struct Transport {
    pub play: &'static str,
    pub pause: &'static str,
    pub step_forward: &'static str,
    pub step_back: &'static str,
    pub reset: &'static str,
    pub new_seed: &'static str,
    pub timeline: &'static str,
    pub speed: &'static str,
    pub step: &'static str,
    pub time: &'static str,
    pub seed: &'static str,
    pub speed_value: &'static str,
    pub finished: &'static str,
    pub region: &'static str,
    pub loading: &'static str,
    pub loading_stop: &'static str,
    pub loading_stopped: &'static str,
    pub history_kept: &'static str,
}

#[cfg_attr(test, derive(serde::Serialize))]
pub struct Panels {
    pub cluster: &'static str,
    pub event_log: &'static str,
    pub event_log_empty: &'static str,
    pub event_log_earlier: &'static str,
    pub inspector: &'static str,
    pub inspector_empty: &'static str,
    pub durable: &'static str,
    pub durable_hint: &'static str,
    pub volatile: &'static str,
    pub volatile_lost: &'static str,
    pub timers: &'static str,
    pub no_timers: &'static str,
    pub timer_due: &'static str,
    pub invariants: &'static str,
    pub invariant_ok: &'static str,
    pub invariant_violated: &'static str,
    pub jump_to_step: &'static str,
    pub message: &'static str,
    pub in_flight: &'static str,
    pub in_flight_item: &'static str,
    pub in_flight_more: &'static str,
    pub in_flight_more_playing: &'static str,
    pub message_fields: &'static str,
    pub message_in_flight: &'static str,
    pub legend: &'static str,
    pub log_grid: &'static str,
    pub log_grid_hint: &'static str,
    pub grid_index: &'static str,
    pub grid_committed: &'static str,
    pub grid_uncommitted: &'static str,
    pub charts: &'static str,
    pub compare_with: &'static str,
    pub compare_run: &'static str,
    pub compare_off: &'static str,
    pub compare_caption: &'static str,
    pub chart_legend: &'static str,
    pub batch_running: &'static str,
    pub grid_snapshot: &'static str,
    pub grid_snapshot_edge: &'static str,
    pub grid_config: &'static str,
    pub grid_outside: &'static str,
    pub time_at: &'static str,
    pub log_more: &'static str,
    pub share: &'static str,
    pub share_copied: &'static str,
    pub export: &'static str,
    pub import: &'static str,
    pub import_hint: &'static str,
    pub import_apply: &'static str,
    pub close: &'static str,
}

/// Sentences for the simulator's own events (protocol events come from each lab).
#[cfg_attr(test, derive(serde::Serialize))]
pub struct SimText {
    pub crashed: &'static str,
    pub node_down: &'static str,
    pub delivered: &'static str,
    pub lost_partition: &'static str,
    pub lost_down: &'static str,
    pub lost_random: &'static str,
    pub timer_fired: &'static str,
    pub in_crash: &'static str,
    pub in_restart: &'static str,
    pub in_partition: &'static str,
    pub in_cut: &'static str,
    pub in_heal: &'static str,
    pub in_drop: &'static str,
    pub dropped: &'static str,
    pub in_duplicate: &'static str,
    pub in_delay: &'static str,
    pub in_link_loss: &'static str,
    pub in_request: &'static str,
    pub in_no_effect: &'static str,
    pub why_already_down: &'static str,
    pub why_already_up: &'static str,
    pub why_node_down: &'static str,
    pub why_nothing_cut: &'static str,
    pub why_already_cut: &'static str,
    pub why_not_in_flight: &'static str,
    pub persisted: &'static str,
    pub violation: &'static str,
    pub message_aria: &'static str,
    pub lost_aria: &'static str,
    pub msg_id: &'static str,
}

#[cfg_attr(test, derive(serde::Serialize))]
pub struct Faults {
    pub node_actions: &'static str,
    pub crash: &'static str,
    pub restart: &'static str,
    pub message_actions: &'static str,
    pub drop: &'static str,
    pub duplicate: &'static str,
    pub delay: &'static str,
    pub delay_by: &'static str,
    pub network: &'static str,
    pub network_hint: &'static str,
    pub side_b: &'static str,
    pub partition: &'static str,
    pub heal: &'static str,
    pub cut_from: &'static str,
    pub cut_to: &'static str,
    pub cut: &'static str,
    pub cut_links: &'static str,
    pub link_loss: &'static str,
    pub set_link_loss: &'static str,
    pub no_cuts: &'static str,
    pub past_fork: &'static str,
}

#[cfg_attr(test, derive(serde::Serialize))]
pub struct SettingsText {
    pub title: &'static str,
    pub apply: &'static str,
    pub latency_min: &'static str,
    pub latency_max: &'static str,
    pub loss: &'static str,
    pub seed: &'static str,
    pub bug_switches: &'static str,
    pub resets_hint: &'static str,
}

#[cfg_attr(test, derive(serde::Serialize))]
pub struct Errors {
    pub banner_title: &'static str,
    pub banner_reload: &'static str,
    pub bad_url: &'static str,
    pub unknown_lab: &'static str,
    pub bad_import: &'static str,
    pub bad_setting: &'static str,
    pub out_of_range: &'static str,
    pub inverted: &'static str,
    pub no_such_node: &'static str,
    pub malformed: &'static str,
    pub unsupported_version: &'static str,
    pub unknown_protocol: &'static str,
    pub not_built: &'static str,
    pub bad_input: &'static str,
    pub inputs_out_of_order: &'static str,
    pub too_many_steps: &'static str,
    pub stopped_in_flight: &'static str,
    pub stopped_world: &'static str,
    pub bad_at: &'static str,
    pub at_past_end: &'static str,
    pub link_too_long: &'static str,
    pub banner_defaults: &'static str,
    pub banner_lost: &'static str,
    pub dismiss: &'static str,
}

#[cfg_attr(test, derive(serde::Serialize))]
pub struct Help {
    pub title: &'static str,
    pub open: &'static str,
    pub keys: &'static [(&'static str, &'static str)],
    pub about: &'static str,
}
