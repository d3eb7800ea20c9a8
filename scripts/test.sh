#!/usr/bin/env bash
# The whole test suite, for a fresh machine. Installs what the tests need first.
#
# Everything runs in the release profile. The steps after `cargo test` run the binary
# that `cargo test` built: `cargo run` would build every dependency a second time,
# because the dev-dependencies turn on extra features in shared crates.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "install test dependencies (Chromium, Java, npm packages)"
bash scripts/install-test-deps.sh

step "cargo test"
cargo test --release --locked --all-targets --features korpus
molnkoll=target/release/molnkoll

# In release like every step here, so that it shares target/release (build scripts, proc macros).
step "cargo clippy (warnings are errors)"
cargo clippy --release --locked --all-targets --features korpus -- -D warnings

# The fuzz targets (scripts/fuzz.sh) build the library without `full`; keep that build working.
step "cargo check --no-default-features --lib"
cargo check --release --locked --no-default-features --lib

# The shipped example content must pass `check` (warnings are allowed: some are the point).
step "check the shipped content"
"$molnkoll" check --today 2026-11-23

# The main job on the shipped content, as the README runs it, then the real tools on what it wrote.
site=$(mktemp -d)
trap 'rm -rf "$site"' EXIT
step "build the shipped content"
"$molnkoll" build --today 2026-11-23 --out "$site/output"

step "site checks: Nu HTML Checker, axe-core in Chromium, links, file://"
node tests/site-checks/check-site.mjs "$site/output" --quiet

# The open extract is a site of its own (masked parts, other notices): the same checks.
step "build the open extract, and the same site checks on it"
"$molnkoll" build --today 2026-11-23 --profile oppen --out "$site/oppen"
node tests/site-checks/check-site.mjs "$site/oppen" --quiet

step "search in Chromium"
node tests/site-checks/check-search.mjs "$site/output"

step "the edit form of serve in Chromium: a saved edit, axe-core and the Nu HTML Checker"
node tests/site-checks/check-form.mjs "$molnkoll"
