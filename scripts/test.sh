#!/usr/bin/env bash
# Every check of the project, as CI runs it (.ci/run):
#   1. native tests        cargo test --workspace (engines, simulator, the app's pure modules)
#   2. browser tests       tests/web.rs with wasm-bindgen-test in headless Chromium
#   3. release build       trunk build --release --offline, into dist/
#   4. end-to-end tests    tests/e2e against dist/ in headless Chromium (skipped if 3 failed)
# A failing stage does not stop the later ones, so one run shows every failure. The last
# line is always `N passed, N failed`: tests counted from each runner's own summary, plus
# one for the release build, plus one failure for a stage that failed outside any test
# (e.g. a compile error). The exit status is non-zero if anything failed.
set -euo pipefail
cd "$(dirname "$0")/.."
# wasm-opt comes from tools/ (npm binaryen), ahead of any other on PATH.
export PATH="$PWD/tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"

LOGS="$(mktemp -d)"
trap 'rm -rf "$LOGS"' EXIT
PASSED=0
FAILED=0
SUMMARY=()

# Sums the "N passed; N failed" of every `test result:` line (cargo and wasm-bindgen-test).
count_cargo() {
    sed -nE 's/^test result: [A-Za-z]+\. ([0-9]+) passed; ([0-9]+) failed.*/\1 \2/p' "$1" |
        awk '{p += $1; f += $2} END {print p + 0, f + 0}'
}

# Reads the summary of node's spec reporter ("ℹ pass N", "ℹ fail N", "ℹ cancelled N").
count_node() {
    sed -E 's/\x1b\[[0-9;]*m//g' "$1" |
        awk '$2 == "pass" {p = $3} $2 == "fail" || $2 == "cancelled" {f += $3} END {print p + 0, f + 0}'
}

# stage NAME COUNTER COMMAND...: runs COMMAND, shows and logs its output, tallies the result.
stage() {
    local name="$1" counter="$2" log status passed failed start
    shift 2
    log="$LOGS/$(echo "$name" | tr -c 'a-z0-9\n' '-').log"
    start=$SECONDS
    printf '\n==> %s: %s\n' "$name" "$*"
    if "$@" 2>&1 | tee "$log"; then status=0; else status=$?; fi
    read -r passed failed < <("$counter" "$log")
    if [[ $status -ne 0 && $failed -eq 0 ]]; then failed=1; fi       # failed outside any test
    if [[ $status -eq 0 && $passed -eq 0 && $failed -eq 0 ]]; then passed=1; fi  # a build step
    PASSED=$((PASSED + passed))
    FAILED=$((FAILED + failed))
    SUMMARY+=("$(printf '%-16s %-4s %4d passed, %d failed  (%ds)' "$name" \
        "$([[ $status -eq 0 ]] && echo ok || echo FAIL)" "$passed" "$failed" $((SECONDS - start)))")
    return "$status"
}

count_none() { echo "0 0"; }

if ! ./scripts/setup.sh </dev/null; then
    echo "setup failed: see above"
    echo "0 passed, 1 failed"
    exit 1
fi

stage "native tests" count_cargo cargo test --workspace --no-fail-fast || true

# wasm-bindgen-test-runner drives Chromium through chromedriver; webdriver.json adds flags.
stage "browser tests" count_cargo env -u GECKODRIVER -u GECKODRIVER_REMOTE -u CHROMEDRIVER_REMOTE \
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
    CHROMEDRIVER=/usr/bin/chromedriver \
    WASM_BINDGEN_TEST_WEBDRIVER_JSON="$PWD/webdriver.json" \
    WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-90}" \
    cargo test --target wasm32-unknown-unknown --test web --no-fail-fast || true

if stage "release build" count_none trunk build --release --offline; then
    stage "e2e tests" count_node npm --prefix tests/e2e test || true
else
    SUMMARY+=("$(printf '%-16s %s' "e2e tests" "skipped: no fresh dist/")")
fi

printf '\n==> summary\n'
printf '  %s\n' "${SUMMARY[@]}"
[[ -d tests/e2e/screenshots ]] && echo "  screenshots in tests/e2e/screenshots/"
echo "$PASSED passed, $FAILED failed"
[[ $FAILED -eq 0 ]]
