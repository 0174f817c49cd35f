use crate::i18n::EN;
use crate::labs::{load_run, UiInput};

/// A busy run (two routers, ranges, a typed key, a split, a crash and a restart): every
/// event-log line is a whole sentence, with no template hole left unfilled, and a
/// refused typed key is refused in words before anything is sent.
#[test]
fn every_event_of_a_busy_run_reads_as_a_sentence() {
    let run = r#"{"format": 1, "protocol": "sharding", "seed": 4, "steps": 0,
        "config": {"strategy": "range", "skew": 2, "routers": 2, "rate": 100},
        "inputs": []}"#;
    let mut sim = load_run(run, &EN).unwrap();
    let client = 5 + 2; // servers 0-4, routers 5-6, clients from 7
    assert_eq!(
        sim.check_text(client, "put", "", &EN),
        Err(EN.shard.key_empty.to_string())
    );
    assert!(
        sim.check_text(5, "put", "x", &EN).is_err(),
        "a router is no client"
    );
    sim.inject(UiInput::ActionText(client, "put", "cart:alice".into()))
        .unwrap();
    for _ in 0..3_000 {
        sim.step_forward();
    }
    sim.inject(UiInput::Action(5, "split")).unwrap();
    sim.inject(UiInput::Crash(1)).unwrap();
    for _ in 0..2_000 {
        sim.step_forward();
    }
    sim.inject(UiInput::Restart(1)).unwrap();
    for _ in 0..3_000 {
        sim.step_forward();
    }
    let all = sentences(&*sim);
    let charts: String = sim
        .charts(&EN)
        .iter()
        .map(|c| c.head().note.clone())
        .collect();
    assert!(
        charts.contains("Its last request went Client 1 → Router 1 → Server "),
        "{charts}"
    );
    for expected in [
        "Router 1 splits range 1 at key-",
        "Client 1 sends put",
        "received table v2 from Router 1",
        "hears the migration to table v2 is over",
    ] {
        assert!(all.contains(expected), "{expected}");
    }
    // The fence and its bug switch (issue 11, item 7): the new primary that waits for
    // the old one, the replica that will not answer a get, and with the switch on,
    // the unfenced writes and reads and the violations they cause.
    for (run, bug, expected) in [
        (TWO_PRIMARIES, false, "Server 1 is the new primary of key-0004 under table v2, but the previous primary has not handed it over yet."),
        (TWO_PRIMARIES, true, "BUG: Server 1 takes a write of key-0004 as its new primary under table v2"),
        (TWO_PRIMARIES, true, "Invariant broken — One value per stamp: Two values of key-0004 were acknowledged with stamp 2: "),
        (STALE_READ, false, "Server 2 does not answer the get of key-0001: the key's primary holds table v2, newer than its own v1"),
        (STALE_READ, true, "BUG: Server 2 answers the get of key-0001 under table v1 without asking"),
        (STALE_READ, true, "Invariant broken — No stale read: A get of key-0001 returned 11 (stamp 1), older than 21 (stamp 2)"),
    ] {
        let run = run.replace("BUG", if bug { "true" } else { "false" });
        let mut sim = load_run(&run, &EN).unwrap();
        while sim.len() < 3_000 && sim.step_forward() {}
        let all = sentences(&*sim);
        assert!(all.contains(expected), "{expected}");
    }
}

/// The batch table teaches that more virtual nodes spread keys more evenly: on the
/// lab's defaults (4 servers, 1,000 keys) one ring showed V = 100 less even than
/// V = 10; averaged over rings, the std dev falls with V. Its caption names what the
/// table does not measure about ranges.
#[test]
fn the_batch_table_shows_virtual_nodes_evening_out_the_load() {
    use crate::labs::lab::Batch;
    use protocols::sharding::{Config, Sharding};
    let cfg = Config::default();
    let sd = |i| -> f64 { Sharding.row(&cfg, 1, i, &EN)[3].parse().unwrap() };
    let (v1, v10, v100) = (sd(1), sd(2), sd(3));
    assert!(v1 > v10 && v10 > v100, "V=1 {v1}, V=10 {v10}, V=100 {v100}");
    let table = Sharding.table(&cfg, Vec::new(), &EN);
    assert!(
        table.caption.contains("averaged over 20 rings"),
        "{}",
        table.caption
    );
    assert!(
        table.caption.contains("does not measure"),
        "{}",
        table.caption
    );
}

/// Every event-log line of the run so far, joined, after checking each is a whole
/// sentence with no template hole left.
fn sentences(sim: &dyn crate::labs::LabSim) -> String {
    let lines = sim.log_lines(0, sim.len(), &EN);
    assert_eq!(lines.len() as u64, sim.len());
    for l in &lines {
        assert!(
            !l.text.contains('{') && l.text.ends_with('.'),
            "step {}: {}",
            l.step,
            l.text
        );
    }
    lines.iter().map(|l| l.text.as_str()).collect()
}

/// Issue 11, item 7 (as in `protocols/tests/sharding_fencing.rs`): an old primary and
/// a router cut off from a removal, then writes of one key through both routers.
const TWO_PRIMARIES: &str = r#"{"format":1,"protocol":"sharding","seed":3,"steps":0,"config":{"servers":4,"spare_servers":1,"routers":2,"clients":2,"vnodes":16,"replication":2,"keys":100,"rate":1000,"requests":1,"bug_no_fencing":BUG},"inputs":[{"at":12,"kind":"request","node":7,"request":{"request":"put","key":"key-0004"}},{"at":19,"kind":"cut","from":5,"to":1},{"at":20,"kind":"cut","from":5,"to":6},{"at":21,"kind":"request","node":5,"request":{"request":"remove_server","server":1}},{"at":34,"kind":"request","node":7,"request":{"request":"put","key":"key-0004"}},{"at":41,"kind":"request","node":8,"request":{"request":"put","key":"key-0004"}},{"at":50,"kind":"heal"},{"at":67,"kind":"request","node":8,"request":{"request":"get","key":"key-0004"}}]}"#;

/// A replica left behind by a join (its links from Router 1 cut) gets a read through
/// Router 2, which cannot reach the key's primary.
const STALE_READ: &str = r#"{"format":1,"protocol":"sharding","seed":5,"steps":0,"config":{"routers":2,"rate":1,"bug_no_fencing":BUG},"inputs":[{"at":0,"kind":"request","node":7,"request":{"request":"put","key":"key-0001"}},{"at":6,"kind":"cut","from":5,"to":1},{"at":7,"kind":"cut","from":5,"to":6},{"at":8,"kind":"cut","from":6,"to":2},{"at":9,"kind":"request","node":5,"request":{"request":"add_server","server":4}},{"at":10,"kind":"request","node":7,"request":{"request":"put","key":"key-0001"}},{"at":29,"kind":"request","node":8,"request":{"request":"get","key":"key-0001"}}]}"#;
