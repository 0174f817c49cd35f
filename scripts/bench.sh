#!/usr/bin/env bash
# Prints the project's figures: engine throughput (events/s, from the `engine` bench of the
# protocols crate), the size of the site as a browser downloads it (gzip -9 of dist/),
# frame times while playing labs in headless Chromium (tests/e2e/bench.mjs; BENCH_SECONDS
# per case), and a long run's figures there: first interactive with the CPU slowed 4×, then
# for each lab a run of BENCH_STEPS steps: its memory, seek and step back, to paint
# (tests/e2e/bench-run.mjs). Builds dist/ with trunk first if it is missing. Figures only:
# nothing here passes or fails.
set -euo pipefail
cd "$(dirname "$0")/.."
# wasm-opt comes from tools/ (npm binaryen), ahead of any other on PATH.
export PATH="$PWD/tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"

printf '==> engine: cargo bench -p protocols --bench engine\n'
cargo bench -p protocols --bench engine

if [[ ! -f dist/index.html ]]; then
    printf '\n==> dist/ missing: trunk build --release --offline\n'
    trunk build --release --offline
fi

gz_bytes() { gzip -9 -c "$1" | wc -c; }
kb() { awk -v b="$1" 'BEGIN {printf "%.1f KB", b / 1024}'; }

total=0 wasm=0 js=0 raw=0 lessons=0
while IFS= read -r -d '' f; do
    g=$(gz_bytes "$f")
    raw=$((raw + $(wc -c <"$f")))
    case "$f" in
        # Lesson files are fetched when a lab's lessons are first wanted, not at load.
        dist/lessons/*) lessons=$((lessons + g)); continue ;;
        *.wasm) wasm=$((wasm + g)) ;;
        *.js) js=$((js + g)) ;;
    esac
    total=$((total + g))
done < <(find dist -type f -print0 | sort -z)

printf '\n==> bundle size (gzip -9, each file of dist/)\n'
printf '  wasm   %s\n' "$(kb $wasm)"
printf '  js     %s\n' "$(kb $js)"
printf '  total  %s  (what a visit loads first)\n' "$(kb $total)"
printf '  lessons %s  (every lab'"'"'s lesson files, each gzipped; a lab'"'"'s are fetched when its lessons are wanted)\n' "$(kb $lessons)"
printf '  all    %s uncompressed, %d files\n' "$(kb $raw)" "$(find dist -type f | wc -l)"

printf '\n==> frames in headless Chromium: node tests/e2e/bench.mjs\n'
if [[ -x /usr/bin/chromium && -d tests/e2e/node_modules/playwright-core ]]; then
    node tests/e2e/bench.mjs "${BENCH_SECONDS:-8}"
    printf '\n==> a long run in headless Chromium: node tests/e2e/bench-run.mjs\n'
    node tests/e2e/bench-run.mjs "${BENCH_STEPS:-100000}"
else
    printf '  skipped: needs /usr/bin/chromium and tests/e2e/node_modules (./scripts/setup.sh)\n'
fi
