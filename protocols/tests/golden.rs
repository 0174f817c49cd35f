//! Golden scripts (etcd raft's data-driven tests): every `testdata/<protocol>/*.txt` is
//! run by `protocols::script`, and its transcripts must match the file. After a change
//! in behaviour that is meant, `UPDATE_GOLDEN=1 cargo test -p protocols --test golden`
//! writes the new transcripts; review them with `git diff` like code.

use std::fs;
use std::path::{Path, PathBuf};

fn sorted(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

/// The first line where `want` and `got` differ, with a little context.
fn diff(path: &Path, want: &str, got: &str) -> String {
    let (w, g): (Vec<&str>, Vec<&str>) = (want.lines().collect(), got.lines().collect());
    let at = (0..w.len().max(g.len()))
        .find(|&i| w.get(i) != g.get(i))
        .unwrap_or(0);
    let from = at.saturating_sub(3);
    let show = |lines: &[&str], mark: &str| -> String {
        (from..(at + 4).min(lines.len()))
            .map(|i| format!("{mark}{:>5} {}\n", i + 1, lines[i]))
            .collect()
    };
    format!(
        "{} differs from line {} (UPDATE_GOLDEN=1 rewrites it):\n--- on file\n{}+++ now\n{}",
        path.display(),
        at + 1,
        show(&w, "-"),
        show(&g, "+")
    )
}

#[test]
fn golden_scripts_match_their_transcripts() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let (mut failures, mut scripts) = (Vec::new(), 0);
    for dir in sorted(&root).into_iter().filter(|d| d.is_dir()) {
        let protocol = dir.file_name().unwrap().to_str().unwrap().replace('_', "-");
        for path in sorted(&dir) {
            if path.extension().and_then(|e| e.to_str()) != Some("txt") {
                continue;
            }
            let text = fs::read_to_string(&path).unwrap();
            let fresh = protocols::script::run(&protocol, &text)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            scripts += 1;
            // A transcript is read like code in review: keep it short (quiet runs).
            let lines = fresh.lines().count();
            assert!(lines <= 1_000, "{}: {lines} lines", path.display());
            if fresh != text {
                if update {
                    fs::write(&path, &fresh).unwrap();
                } else {
                    failures.push(diff(&path, &text, &fresh));
                }
            }
            assert!(
                !fresh.contains("\nerror: ") || path.to_str().unwrap().contains("errors"),
                "{}: a command failed:\n{fresh}",
                path.display()
            );
        }
    }
    assert!(scripts >= 10, "only {scripts} golden scripts found");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
