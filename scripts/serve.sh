#!/usr/bin/env bash
# Development server: installs what is missing, then serves the app with live rebuilds
# at http://127.0.0.1:8080/ (address and port are set in Trunk.toml). Extra arguments go
# to `trunk serve`, e.g. `scripts/serve.sh --release`.
set -euo pipefail
cd "$(dirname "$0")/.."
# wasm-opt comes from tools/ (npm binaryen), ahead of any other on PATH.
export PATH="$PWD/tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
./scripts/setup.sh
exec trunk serve --offline "$@"
