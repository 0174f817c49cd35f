#!/usr/bin/env bash
# Installs every tool the build and the tests need, skipping what is already there.
# Safe to run again and again; needs no interaction (CI runs it with no stdin).
#
#   rust target   wasm32-unknown-unknown
#   cargo tools   trunk 0.21.14, wasm-bindgen-cli at the version pinned in Cargo.toml
#   apt packages  chromium, chromium-driver, fonts-noto-cjk (the Chinese pages' screenshots
#                 and layout checks); python3 (trunk hook)
#   npm packages  tools/ (binaryen 132: wasm-opt; Debian's binaryen 108 corrupts
#                 wasm-bindgen's externref table) and tests/e2e (playwright-core only;
#                 it never downloads a browser)
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
APT_PACKAGES=(chromium chromium-driver fonts-noto-cjk)
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

# The wasm-bindgen CLI must be exactly the library version the app links against.
wasm_bindgen_pin() {
    sed -nE 's/^wasm-bindgen[[:space:]]*=.*"=?([0-9]+\.[0-9]+\.[0-9]+)".*/\1/p' Cargo.toml | head -n1
}

setup_rust_target() {
    command -v rustup >/dev/null || die "rustup not found: install Rust with rustup first"
    if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
        say "skip: rust target wasm32-unknown-unknown already installed"
    else
        say "install: rust target wasm32-unknown-unknown"
        rustup target add wasm32-unknown-unknown
    fi
}

setup_trunk() {
    if command -v trunk >/dev/null && [[ "$(trunk --version)" == "trunk $TRUNK_VERSION" ]]; then
        say "skip: trunk $TRUNK_VERSION already installed"
    else
        say "install: trunk $TRUNK_VERSION (cargo install, about 15 minutes on 2 cores)"
        cargo install trunk --version "$TRUNK_VERSION" --locked
    fi
}

setup_wasm_bindgen() {
    local pin
    pin="$(wasm_bindgen_pin)"
    [[ -n "$pin" ]] || die 'no `wasm-bindgen = "=X.Y.Z"` pin found in Cargo.toml'
    if command -v wasm-bindgen >/dev/null && [[ "$(wasm-bindgen --version)" == "wasm-bindgen $pin" ]] \
        && command -v wasm-bindgen-test-runner >/dev/null; then
        say "skip: wasm-bindgen-cli $pin already installed"
    else
        say "install: wasm-bindgen-cli $pin (matches the pin in Cargo.toml)"
        # Not --locked: the CLI's own lock file pins crates that no longer build on current Rust.
        cargo install wasm-bindgen-cli --version "$pin" --force
    fi
}

dpkg_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

setup_apt() {
    local missing=() pkg
    for pkg in "${APT_PACKAGES[@]}"; do
        dpkg_installed "$pkg" || missing+=("$pkg")
    done
    # trunk's post_build hook (scripts/csp.py) runs python3.
    command -v python3 >/dev/null || missing+=(python3)
    if [[ ${#missing[@]} -eq 0 ]] && command -v chromium >/dev/null \
        && command -v chromedriver >/dev/null; then
        say "skip: apt packages ${APT_PACKAGES[*]} already installed"
        return
    fi
    [[ ${#missing[@]} -gt 0 ]] || missing=("${APT_PACKAGES[@]}")
    [[ "$(id -u)" -eq 0 ]] || die "need root to apt-get install ${missing[*]}"
    say "install: apt packages ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q "${missing[@]}" </dev/null
}

# setup_npm DIR PACKAGE: `npm ci` in DIR unless its node_modules matches package-lock.json.
setup_npm() {
    local dir="$1" package="$2" stamp lock_sum
    stamp="$dir/node_modules/.package-lock.sha256"
    command -v npm >/dev/null || die "npm not found: install Node.js 20 or newer"
    lock_sum="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
    if [[ -f "$stamp" && "$(cat "$stamp")" == "$lock_sum" && -d "$dir/node_modules/$package" ]]; then
        say "skip: npm packages of $dir are up to date with package-lock.json"
    else
        say "install: npm packages of $dir (npm ci)"
        PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --prefix "$dir" --no-audit --no-fund </dev/null
        echo "$lock_sum" >"$stamp"
    fi
}

setup_rust_target
setup_apt
setup_trunk
setup_wasm_bindgen
setup_npm tools binaryen
setup_npm tests/e2e playwright-core
say "done"
