#!/usr/bin/env bash
# The whole test suite, for a fresh machine. Installs what the tests need first.
#
# Everything runs in the release profile, so the binary the README's main command
# builds (`cargo run --release -- build`) is built once and shared with the tests.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "install test dependencies (Chromium, Java, npm packages)"
bash scripts/install-test-deps.sh

step "cargo test"
cargo test --release --locked --all-targets

# The shipped example content must pass `check` (warnings are allowed: some are the point).
step "check the shipped content"
cargo run --release --locked --quiet -- check --today 2026-11-23

# The README's main command, then the real tools on what it wrote.
site=$(mktemp -d)
trap 'rm -rf "$site"' EXIT
step "build the shipped content"
cargo run --release --locked --quiet -- build --today 2026-11-23 --out "$site/output"

step "site checks: Nu HTML Checker, axe-core in Chromium, links, file://"
node tests/site-checks/check-site.mjs "$site/output" --quiet

step "search in Chromium"
node tests/site-checks/check-search.mjs "$site/output"
