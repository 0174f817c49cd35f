//! The text catalog: every string the user sees, event-log sentences included.
//!
//! A language is one `Catalog` value: English (`en.rs`) and 简体中文 (`zh.rs`), each
//! with its labs' parts in `labs/<p>/text.rs` and `labs/<p>/text/zh.rs`. Because the
//! catalog is a struct, a language must give every field, and the compiler says which are
//! missing; no component changes. Templates name their holes `{like_this}`: a test
//! (`tests.rs`) walks every string of every language and checks each template has the
//! same holes as its English, and in tests `fill` fails on a hole it has no value for.
//! Chinese uses one term per concept, as `docs/glossary.md` lists them (a test holds the
//! catalog to it).

pub mod browser;
mod en;
#[cfg(test)]
pub(crate) mod tests;
mod zh;

use leptos::prelude::*;

pub use en::EN;
pub use zh::ZH;

/// The languages the site speaks.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Lang {
    En,
    Zh,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Zh];

    pub fn catalog(self) -> &'static Catalog {
        match self {
            Lang::En => &EN,
            Lang::Zh => &ZH,
        }
    }

    /// The code in a link's `lang=` and in local storage.
    pub const fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.code() == code)
    }

    /// The value of `<html lang>`.
    pub fn html_lang(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh-CN",
        }
    }

    /// The language's own name, as the switch shows it.
    pub fn name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Zh => "中文",
        }
    }

    /// The first of the browser's preferred languages the site speaks (any `zh*` is
    /// 中文), or English.
    pub fn preferred<'a>(languages: impl IntoIterator<Item = &'a str>) -> Lang {
        languages
            .into_iter()
            .find_map(|tag| {
                let primary = tag.split(['-', '_']).next()?.to_ascii_lowercase();
                Lang::from_code(&primary)
            })
            .unwrap_or(Lang::En)
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
    // Only a Chinese template (one with Han characters) can leave such a gap.
    if template
        .chars()
        .any(|c| ('\u{3400}'..='\u{9FFF}').contains(&c))
    {
        close_cjk_gaps(&out)
    } else {
        out
    }
}

/// Chinese templates put a space between a hole and the Chinese next to it, as is right
/// for a number or a Latin name (`任期 3`, `S1 投票`); a hole filled with Chinese (a node
/// called 参与者 1, a state) then leaves a space between two Chinese characters, which
/// Chinese never has. This closes those gaps and no other.
fn close_cjk_gaps(text: &str) -> String {
    fn cjk(c: char) -> bool {
        matches!(c, '\u{2E80}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{FF00}'..='\u{FFEF}')
            || matches!(c, '“' | '”')
    }
    let chars: Vec<char> = text.chars().collect();
    chars
        .iter()
        .enumerate()
        .filter(|&(i, &c)| {
            !(c == ' ' && i > 0 && chars.get(i + 1).is_some_and(|n| cjk(*n)) && cjk(chars[i - 1]))
        })
        .map(|(_, c)| *c)
        .collect()
}

/// `n` with its noun: `one` for 1 ("1 tick"), `many` otherwise ("{n} ticks"); Chinese gives
/// both the same words, with a measure word ("{n} 刻").
pub fn count(n: u64, one: &str, many: &str) -> String {
    fill(if n == 1 { one } else { many }, &[("n", &n.to_string())])
}

/// Appends `next` to `text` as the next sentence: after a space in English, straight after
/// a Chinese sentence's full-width punctuation (`。` needs no space after it).
pub fn push_sentence(text: &mut String, next: &str) {
    const FULL_WIDTH: &[char] = &['。', '！', '？', '；', '：', '）', '”', '」'];
    let joined = text.is_empty() || text.ends_with(FULL_WIDTH) || next.starts_with('（');
    if !joined {
        text.push(' ');
    }
    text.push_str(next);
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
    /// The language switch's name.
    pub language: &'static str,
    /// Between the items of a list ("T1, T2" / "T1、T2").
    pub list_sep: &'static str,
    /// Between a label and what it labels ("Cut links: …" / "已切断的链路：…").
    pub colon: &'static str,
    pub transport: Transport,
    pub panels: Panels,
    pub sim: SimText,
    pub faults: Faults,
    pub settings: SettingsText,
    pub errors: Errors,
    pub help: Help,
    pub lesson: LessonUi,
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
    pub steps_one: &'static str,
    pub steps_many: &'static str,
    /// After a reset, a new seed or a new configuration: what was put aside.
    pub put_aside: &'static str,
    /// The runs forks left behind: a label, and one button each ("from step {step},
    /// {steps}"), with what switching does.
    pub branches: &'static str,
    pub branch: &'static str,
    pub branch_help: &'static str,
    pub undo: &'static str,
    /// The switch for messages gliding between steps (off under reduced motion).
    pub glide: &'static str,
    /// Presenter mode's button (on, off, what it does) and its caption bar's name.
    pub present: &'static str,
    pub present_exit: &'static str,
    pub present_help: &'static str,
    pub caption: &'static str,
    /// The list of the run's inputs ({n}), what editing it does, its buttons, and the
    /// refusal of a move onto a step that has an input ({step}).
    pub inputs: &'static str,
    pub inputs_help: &'static str,
    pub input_delete: &'static str,
    pub input_move: &'static str,
    pub input_taken: &'static str,
}

#[cfg_attr(test, derive(serde::Serialize))]
pub struct Panels {
    pub cluster: &'static str,
    pub event_log: &'static str,
    pub event_log_empty: &'static str,
    pub event_log_earlier: &'static str,
    pub event_log_earlier_one: &'static str,
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
    pub message_in_flight: &'static str,
    pub legend: &'static str,
    /// The button that shows what the drawing's marks mean, and the legend's entries
    /// every lab shares (each lab adds its notation).
    pub legend_open: &'static str,
    /// The space-time diagram: its title, what it shows and its two picture exports; and
    /// the caption every saved picture carries ({lab}, {step}, {seed}).
    pub spacetime: &'static str,
    pub spacetime_help: &'static str,
    pub spacetime_svg: &'static str,
    pub spacetime_png: &'static str,
    pub picture_caption: &'static str,
    /// Saving the canvas as a picture.
    pub canvas_svg: &'static str,
    pub canvas_png: &'static str,
    pub legend_shared: &'static [(&'static str, &'static str)],
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
    /// Virtual time: "{n} tick" / "{n} ticks".
    pub ticks_one: &'static str,
    pub ticks_many: &'static str,
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
    /// The switch that reruns the run's inputs under a changed configuration.
    pub keep_inputs: &'static str,
    /// When the actions kept do not fit the new configuration.
    pub inputs_dropped: &'static str,
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

/// The lesson player and the list of lessons, cards and prepared runs.
#[cfg_attr(test, derive(serde::Serialize))]
pub struct LessonUi {
    pub heading: &'static str,
    pub start_here: &'static str,
    /// "All lessons ({n})".
    pub all: &'static str,
    pub myths: &'static str,
    pub myth_claim: &'static str,
    pub myth_truth: &'static str,
    pub see_it: &'static str,
    pub try_this: &'static str,
    pub try_this_help: &'static str,
    /// The player's landmark name: "Lesson: {title}".
    pub player: &'static str,
    pub chapters: &'static str,
    /// "{n} / {total}".
    pub progress: &'static str,
    pub next: &'static str,
    pub skip: &'static str,
    pub back: &'static str,
    pub show_me: &'static str,
    pub waiting: &'static str,
    pub done: &'static str,
    pub pick: &'static str,
    pub right: &'static str,
    /// "Not quite: the answer is “{answer}”."
    pub wrong: &'static str,
    pub finished: &'static str,
    pub restart: &'static str,
    /// "Next lesson: {title}".
    pub next_lesson: &'static str,
    pub leave: &'static str,
    pub leave_help: &'static str,
    /// "There is no lesson “{lesson}” in {lab}."
    pub unknown: &'static str,
    /// "This lesson cannot start: {problem}"
    pub broken: &'static str,
    pub loading: &'static str,
    /// "A lesson could not be read: {problem}"
    pub unreadable: &'static str,
    /// "The lessons could not be loaded ({problem}). …"
    pub load_failed: &'static str,
    /// "This part did not go as written: {problem}"
    pub off_path: &'static str,
}

#[cfg_attr(test, derive(serde::Serialize))]
pub struct Help {
    pub title: &'static str,
    pub open: &'static str,
    /// (keys, what they do); keys that do the same thing are two spaces apart.
    pub keys: &'static [(&'static str, &'static str)],
    pub about: &'static str,
}
