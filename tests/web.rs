//! Browser tests (wasm-bindgen-test in headless Chromium): determinism against the
//! same pinned hashes as the native test, and components mounted in a real DOM.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use playground::components::canvas::ClusterCanvas;
use playground::components::event_log::EventLog;
use playground::components::notice::NoticeBar;
use playground::components::settings::SettingsPanel;
use playground::components::transport::TransportBar;
use playground::controller::Controller;
use playground::i18n::Lang;
use playground::labs::{LabId, UiInput};
use protocols::reference::{compute, REFERENCES};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn reference_runs_hash_the_same_in_the_browser_as_natively() {
    for r in REFERENCES {
        let got = compute(r);
        assert_eq!(
            got, r.expected,
            "{}: got {got:#018x} in the browser",
            r.name
        );
    }
}

/// Lets Leptos's effects run (they are scheduled, not synchronous).
async fn settle(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

/// Mounts `view` with a fresh 2PC controller into a new element of the page.
fn mount<V: IntoView + 'static>(
    view: impl FnOnce() -> V + 'static,
) -> (web_sys::HtmlElement, Controller) {
    let document = web_sys::window().unwrap().document().unwrap();
    let root: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&root).unwrap();
    let ctl = Controller::new(
        LabId::TwoPhaseCommit.fresh(1),
        RwSignal::new(Lang::En),
        false,
    );
    let handle = leptos::mount::mount_to(root.clone(), move || {
        provide_context(ctl);
        view()
    });
    std::mem::forget(handle); // keep it mounted for the rest of the test
    (root, ctl)
}

fn button(root: &web_sys::HtmlElement, name: &str) -> web_sys::HtmlElement {
    root.query_selector(&format!("button[aria-label='{name}']"))
        .unwrap()
        .unwrap_or_else(|| panic!("no button named {name}"))
        .unchecked_into()
}

fn text(root: &web_sys::HtmlElement, selector: &str) -> String {
    root.query_selector(selector)
        .unwrap()
        .unwrap()
        .text_content()
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn transport_bar_steps_forward_and_back_and_plays() {
    let (root, ctl) = mount(|| view! { <TransportBar /> });
    settle(0).await;
    assert_eq!(text(&root, "[data-testid=step]"), "0");
    assert!(
        button(&root, "Step back").has_attribute("disabled"),
        "nothing to step back to at step 0"
    );
    for _ in 0..3 {
        button(&root, "Step forward").click();
    }
    settle(0).await;
    assert_eq!(text(&root, "[data-testid=step]"), "3");
    button(&root, "Step back").click();
    settle(0).await;
    assert_eq!(text(&root, "[data-testid=step]"), "2");
    let timeline: web_sys::HtmlInputElement = root
        .query_selector("input[aria-label=Timeline]")
        .unwrap()
        .unwrap()
        .unchecked_into();
    assert_eq!(timeline.value(), "2");
    assert_eq!(
        timeline.max(),
        "3",
        "the timeline spans the whole recorded run"
    );

    ctl.speed.set(50.0);
    button(&root, "Play").click();
    settle(400).await;
    assert!(ctl.playing.get_untracked());
    button(&root, "Pause").click();
    settle(0).await;
    let step: u64 = text(&root, "[data-testid=step]").parse().unwrap();
    assert!(step > 2, "playing advanced the run (step {step})");
    assert!(root
        .query_selector("button[aria-label=Play]")
        .unwrap()
        .is_some());
}

#[wasm_bindgen_test]
async fn canvas_shows_a_crashed_node_and_a_message_in_flight() {
    let (root, ctl) = mount(|| view! { <ClusterCanvas /> });
    let coordinator = || {
        root.query_selector("[role=button][aria-label^=Coordinator]")
            .unwrap()
            .unwrap()
    };
    settle(0).await;
    assert_eq!(
        coordinator().get_attribute("data-state").as_deref(),
        Some("up")
    );
    ctl.inject(UiInput::Crash(0));
    ctl.step_forward(); // the client's first BEGIN goes out
    settle(0).await;
    assert_eq!(
        coordinator().get_attribute("data-state").as_deref(),
        Some("down")
    );
    assert!(coordinator()
        .get_attribute("aria-label")
        .unwrap()
        .contains("crashed"));
    let msg = root
        .query_selector("[role=button][aria-label^=Message]")
        .unwrap();
    assert!(msg.is_some(), "the BEGIN message is drawn in flight");
}

#[wasm_bindgen_test]
async fn event_log_has_one_line_per_step_and_marks_the_current_one() {
    let (root, ctl) = mount(|| view! { <EventLog /> });
    for _ in 0..6 {
        ctl.step_forward();
    }
    ctl.seek(4);
    settle(0).await;
    let lines = root.query_selector_all("li[data-step]").unwrap();
    assert_eq!(
        lines.length(),
        6,
        "recorded future lines stay visible, dimmed"
    );
    let current = root
        .query_selector("li[aria-current=step]")
        .unwrap()
        .unwrap();
    assert_eq!(current.get_attribute("data-step").as_deref(), Some("3"));
    // Clicking a line jumps to just after that event.
    let line: web_sys::HtmlElement = root
        .query_selector("li[data-step='1'] button")
        .unwrap()
        .unwrap()
        .unchecked_into();
    line.click();
    settle(0).await;
    assert_eq!(ctl.with(|s| s.cursor()), 2);
    let current = root
        .query_selector("li[aria-current=step]")
        .unwrap()
        .unwrap();
    assert_eq!(current.get_attribute("data-step").as_deref(), Some("1"));
}

#[wasm_bindgen_test]
fn a_panic_shows_a_banner_with_the_message_and_a_reload_button() {
    playground::panic_banner::show("boom at step 3");
    let document = web_sys::window().unwrap().document().unwrap();
    let banner = document
        .query_selector("#panic-banner [role=alert]")
        .unwrap()
        .expect("banner shown");
    assert!(banner.text_content().unwrap().contains("boom at step 3"));
    let buttons: Vec<String> = (0..banner.query_selector_all("button").unwrap().length())
        .map(|i| {
            banner
                .query_selector_all("button")
                .unwrap()
                .item(i)
                .unwrap()
                .text_content()
                .unwrap()
        })
        .collect();
    assert_eq!(buttons.len(), 2, "{buttons:?}");
    assert!(buttons[0].starts_with("Reload"), "{buttons:?}");
    assert!(
        buttons[1].contains("defaults"),
        "it offers a way out of a crash loop: {buttons:?}"
    );
    document.get_element_by_id("panic-banner").unwrap().remove();
}

/// The Back button and the lab tabs replace a run with one of fewer nodes: the canvas
/// must follow without a panic (it once failed with "node index in range").
#[wasm_bindgen_test]
async fn the_canvas_follows_a_run_with_fewer_nodes() {
    let (root, ctl) = mount(|| view! { <ClusterCanvas /> });
    let glyphs = |root: &web_sys::HtmlElement| root.query_selector_all("g.node").unwrap().length();
    ctl.replace(LabId::Raft.fresh(1));
    settle(0).await;
    assert_eq!(glyphs(&root), 6, "five servers and a spare");
    for lab in [
        LabId::TwoPhaseCommit,
        LabId::Raft,
        LabId::Paxos,
        LabId::Raft,
        LabId::Sharding,
    ] {
        ctl.step_forward();
        ctl.replace(lab.fresh(2));
        settle(0).await;
        let want = ctl.with(|s| s.node_names(&playground::i18n::EN).len()) as u32;
        assert_eq!(glyphs(&root), want, "{lab:?}");
    }
}

#[wasm_bindgen_test]
async fn an_impossible_setting_is_refused_with_a_message_and_the_run_is_kept() {
    let (root, ctl) = mount(|| view! { <NoticeBar /> <SettingsPanel /> });
    for _ in 0..5 {
        ctl.step_forward();
    }
    settle(0).await;
    let input: web_sys::HtmlInputElement = root
        .query_selector("input[type=number]")
        .unwrap()
        .expect("the first setting is the participant count")
        .unchecked_into();
    input.set_value("9");
    input
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    settle(0).await;
    let alert = root
        .query_selector("[role=alert]")
        .unwrap()
        .expect("an error is shown");
    let text = alert.text_content().unwrap();
    assert!(text.contains("must be between 2 and 7, not 9"), "{text}");
    assert_eq!(ctl.with(|s| s.cursor()), 5, "the run the user had is kept");
    // A possible value starts a fresh run with that many participants.
    let input: web_sys::HtmlInputElement = root
        .query_selector("input[type=number]")
        .unwrap()
        .unwrap()
        .unchecked_into();
    input.set_value("4");
    input
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    settle(0).await;
    assert_eq!(
        ctl.with(|s| s.node_names(&playground::i18n::EN).len()),
        6,
        "coordinator, 4 participants, client"
    );
}

/// A loaded run is recorded a slice per frame, then stands where the link's `at` says;
/// a step past the end is clamped with a message.
#[wasm_bindgen_test]
async fn a_loaded_run_is_recorded_in_slices_then_seeks_to_its_step() {
    use playground::controller::Cursor;
    let (root, ctl) = mount(|| view! { <NoticeBar /> <TransportBar /> });
    let json = r#"{"format": 1, "protocol": "raft", "seed": 3, "steps": 20000}"#;
    let sim = playground::labs::load_run(json, &playground::i18n::EN).unwrap();
    ctl.open(sim, Cursor::Step(25_000));
    assert!(
        ctl.loading.get_untracked().is_some(),
        "recording goes on over frames"
    );
    for _ in 0..600 {
        if ctl.loading.get_untracked().is_none() {
            break;
        }
        settle(20).await;
    }
    assert_eq!(ctl.loading.get_untracked(), None, "recorded within 12 s");
    assert_eq!(ctl.with(|s| (s.len(), s.cursor())), (20_000, 20_000));
    settle(0).await;
    let alert = root
        .query_selector("[role=alert]")
        .unwrap()
        .expect("a message");
    assert!(alert
        .text_content()
        .unwrap()
        .contains("asks for step 25000"));
}

/// The URL follows a change once it is painted, unless the URL changed meanwhile: a
/// navigation (Back, a tab) is then on its way to the `hashchange` handler, and writing
/// would put this run into the entry just navigated to.
#[wasm_bindgen_test]
async fn the_url_follows_the_run_but_never_overwrites_a_navigation() {
    let window = web_sys::window().unwrap();
    let (history, location) = (window.history().unwrap(), window.location());
    let set_hash = |h: &str| {
        history
            .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(h))
            .unwrap()
    };
    let hash = || location.hash().unwrap();
    let ctl = Controller::new(
        LabId::TwoPhaseCommit.fresh(1),
        RwSignal::new(Lang::En),
        true,
    );
    set_hash("#/two-phase-commit");
    ctl.follow_url();
    ctl.step_forward();
    settle(100).await;
    assert!(
        hash().contains("at=1"),
        "the URL follows a step: {}",
        hash()
    );
    // A step, then a navigation the page has not handled yet (replaceState fires no
    // hashchange): the step's write must not land in the new entry.
    ctl.step_forward();
    set_hash("#/paxos");
    settle(100).await;
    assert_eq!(hash(), "#/paxos");
    // Once the page follows the URL, the next change writes again.
    ctl.follow_url();
    ctl.step_forward();
    settle(100).await;
    assert!(
        hash().starts_with("#/two-phase-commit") && hash().contains("at=3"),
        "{}",
        hash()
    );
    set_hash("#");
}
