#!/usr/bin/env bash
# The whole test suite, for a fresh machine. Installs what the tests need first.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo test --locked --all-targets
# The shipped example content must pass `check` (warnings are allowed: some are the point).
cargo run --locked --quiet -- check --today 2026-11-23
