//! The text catalog: every string the user sees, event-log sentences included.
//!
//! A language is one `Catalog` value. Because the catalog is a struct, a new
//! language (简体中文 is next) must give every field, and the compiler says which
//! are missing; no component changes. Templates name their holes `{like_this}`.

mod en;

use leptos::prelude::*;

pub use en::EN;

/// The languages the site speaks.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Lang {
    En,
}

impl Lang {
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

/// Fills `{name}` holes in a template.
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = template.to_string();
    for (name, value) in args {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

pub struct Catalog {
    pub app_title: &'static str,
    pub app_tagline: &'static str,
    pub labs_nav: &'static str,
    pub lab_two_phase_commit: &'static str,
    pub lab_raft: &'static str,
    pub transport: Transport,
    pub panels: Panels,
    pub sim: SimText,
    pub faults: Faults,
    pub settings: SettingsText,
    pub errors: Errors,
    pub help: Help,
    pub tpc: TpcText,
    pub raft: RaftText,
}

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
}

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
    pub message_fields: &'static str,
    pub message_in_flight: &'static str,
    pub legend: &'static str,
    pub log_grid: &'static str,
    pub log_grid_hint: &'static str,
    pub grid_index: &'static str,
    pub grid_committed: &'static str,
    pub grid_uncommitted: &'static str,
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
    pub dismiss: &'static str,
}

pub struct Help {
    pub title: &'static str,
    pub open: &'static str,
    pub keys: &'static [(&'static str, &'static str)],
    pub about: &'static str,
}

/// Two-phase commit.
pub struct TpcText {
    pub coordinator: &'static str,
    pub participant: &'static str,
    pub client: &'static str,
    pub intro: &'static str,
    // Node status lines.
    pub st_idle: &'static str,
    pub st_working: &'static str,
    pub st_work_phase: &'static str,
    pub st_collecting: &'static str,
    pub st_committing: &'static str,
    pub st_uncertain: &'static str,
    pub st_blocked: &'static str,
    pub st_committed: &'static str,
    pub st_aborted: &'static str,
    pub st_client_waiting: &'static str,
    pub st_client_idle: &'static str,
    pub votes_no_badge: &'static str,
    // Messages.
    pub m_begin: &'static str,
    pub m_work: &'static str,
    pub m_prepare: &'static str,
    pub m_vote_yes: &'static str,
    pub m_vote_no: &'static str,
    pub m_commit: &'static str,
    pub m_abort: &'static str,
    pub m_ack: &'static str,
    pub m_decision_request: &'static str,
    pub m_uncertain: &'static str,
    pub m_outcome_commit: &'static str,
    pub m_outcome_abort: &'static str,
    // Timers.
    pub t_next_txn: &'static str,
    pub t_send_prepare: &'static str,
    pub t_vote_timeout: &'static str,
    pub t_resend: &'static str,
    pub t_flush_log: &'static str,
    pub t_await_prepare: &'static str,
    pub t_await_decision: &'static str,
    pub t_ask_peers: &'static str,
    // Requests and actions.
    pub submit: &'static str,
    pub vote_no: &'static str,
    pub vote_yes: &'static str,
    pub r_submit: &'static str,
    pub r_vote: &'static str,
    // Notes: one sentence each.
    pub n_submitted: &'static str,
    pub n_work_started: &'static str,
    pub n_prepare_sent: &'static str,
    pub n_voted_yes: &'static str,
    pub n_voted_no: &'static str,
    pub n_policy_yes: &'static str,
    pub n_policy_no: &'static str,
    pub n_decided_commit: &'static str,
    pub n_decided_commit_unlogged: &'static str,
    pub n_decided_abort_no: &'static str,
    pub n_decided_abort_timeout: &'static str,
    pub n_applied_commit: &'static str,
    pub n_applied_abort: &'static str,
    pub n_unilateral_abort: &'static str,
    pub n_blocked: &'static str,
    pub n_blocked_peers: &'static str,
    pub n_peer_uncertain: &'static str,
    pub n_presumed_abort: &'static str,
    pub n_still_deciding: &'static str,
    pub n_forgotten: &'static str,
    pub n_log_flushed: &'static str,
    pub n_recovered: &'static str,
    pub n_recovered_in_doubt: &'static str,
    pub n_recovered_committing: &'static str,
    pub n_client_learned_commit: &'static str,
    pub n_client_learned_abort: &'static str,
    pub n_ignored: &'static str,
    pub n_atomicity_broken: &'static str,
    pub n_no_voter_committed: &'static str,
    pub n_decision_reversed: &'static str,
    // Log records.
    pub rec_begin: &'static str,
    pub rec_prepared: &'static str,
    pub rec_commit: &'static str,
    pub rec_abort: &'static str,
    pub rec_end: &'static str,
    pub wal: &'static str,
    pub wal_empty: &'static str,
    pub wal_unflushed: &'static str,
    pub vote_policy: &'static str,
    pub policy_yes: &'static str,
    pub policy_no: &'static str,
    pub txns: &'static str,
    pub no_txns: &'static str,
    pub votes: &'static str,
    pub vote_entry: &'static str,
    pub participant_short: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub acks: &'static str,
    pub phase_working: &'static str,
    pub phase_collecting: &'static str,
    pub phase_committing: &'static str,
    pub p_working: &'static str,
    pub p_uncertain: &'static str,
    pub p_committed: &'static str,
    pub p_aborted: &'static str,
    pub client_pending: &'static str,
    pub client_committed: &'static str,
    pub client_aborted: &'static str,
    pub why_blocked: &'static str,
    // Invariants.
    pub inv_atomicity: &'static str,
    pub inv_atomicity_help: &'static str,
    pub inv_no_voter: &'static str,
    pub inv_no_voter_help: &'static str,
    pub inv_reversed: &'static str,
    pub inv_reversed_help: &'static str,
    // Settings.
    pub s_participants: &'static str,
    pub s_transactions: &'static str,
    pub s_txn_gap: &'static str,
    pub s_vote_timeout: &'static str,
    pub s_decision_timeout: &'static str,
    pub s_bug: &'static str,
    pub s_bug_help: &'static str,
}

/// Raft.
pub struct RaftText {
    pub server: &'static str,
    pub intro: &'static str,
    pub st_follower: &'static str,
    pub st_candidate: &'static str,
    pub st_leader: &'static str,
    pub m_request_vote: &'static str,
    pub m_vote_granted: &'static str,
    pub m_vote_denied: &'static str,
    pub m_append: &'static str,
    pub m_heartbeat: &'static str,
    pub m_append_ok: &'static str,
    pub m_append_refused: &'static str,
    pub t_election: &'static str,
    pub t_heartbeat: &'static str,
    pub r_put: &'static str,
    pub r_timeout: &'static str,
    pub time_out: &'static str,
    pub client_request: &'static str,
    pub noop: &'static str,
    pub put: &'static str,
    pub entry: &'static str,
    pub n_follower: &'static str,
    pub n_candidate: &'static str,
    pub n_leader: &'static str,
    pub n_vote_granted: &'static str,
    pub n_vote_denied_stale: &'static str,
    pub n_vote_denied_voted: &'static str,
    pub n_vote_denied_log: &'static str,
    pub n_appended: &'static str,
    pub n_accepted: &'static str,
    pub n_heartbeat_ok: &'static str,
    pub n_accepted_truncated: &'static str,
    pub n_mismatch: &'static str,
    pub n_backed_off: &'static str,
    pub n_committed: &'static str,
    pub n_applied: &'static str,
    pub n_not_leader: &'static str,
    pub n_not_leader_unknown: &'static str,
    pub n_stale: &'static str,
    pub n_recovered: &'static str,
    pub n_two_leaders: &'static str,
    pub n_rewrote: &'static str,
    pub n_diverge: &'static str,
    pub n_missing: &'static str,
    pub n_different_applied: &'static str,
    pub current_term: &'static str,
    pub voted_for: &'static str,
    pub nobody: &'static str,
    pub log: &'static str,
    pub log_empty: &'static str,
    pub role: &'static str,
    pub commit_index: &'static str,
    pub last_applied: &'static str,
    pub leader_hint: &'static str,
    pub unknown: &'static str,
    pub state_machine: &'static str,
    pub empty: &'static str,
    pub votes: &'static str,
    pub next_index: &'static str,
    pub match_index: &'static str,
    pub inv_election: &'static str,
    pub inv_election_help: &'static str,
    pub inv_append_only: &'static str,
    pub inv_append_only_help: &'static str,
    pub inv_log_matching: &'static str,
    pub inv_log_matching_help: &'static str,
    pub inv_completeness: &'static str,
    pub inv_completeness_help: &'static str,
    pub inv_state_machine: &'static str,
    pub inv_state_machine_help: &'static str,
    pub s_servers: &'static str,
    pub s_election_min: &'static str,
    pub s_election_max: &'static str,
    pub s_heartbeat: &'static str,
    pub s_bug_restriction: &'static str,
    pub s_bug_restriction_help: &'static str,
    pub s_bug_figure8: &'static str,
    pub s_bug_figure8_help: &'static str,
    pub s_bug_voted_for: &'static str,
    pub s_bug_voted_for_help: &'static str,
}
