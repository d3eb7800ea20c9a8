#!/usr/bin/env bash
# Fuzzes what reads untrusted text: an assessment file through load, validate and derive
# (target `bedomning`), the policy source (`policy`), and Markdown through the renderer
# and sanitiser with the HTML checked after every run (`markdown`). The targets are in
# fuzz/fuzz_targets/. Each runs for SECONDS (default 600), one after the other.
#
#   bash scripts/fuzz.sh [SECONDS] [TARGET...]
#
# FUZZ_SANITIZER=address runs under AddressSanitizer. The default is none: the code is
# safe Rust, where a bug shows as a panic, and ASan makes each run two to three times
# slower.
#
# Installs what it needs: the nightly toolchain and cargo-fuzz. Fails if a target finds a
# crash; the input is then in fuzz/artifacts/TARGET/, and
#   cargo +nightly fuzz run TARGET fuzz/artifacts/TARGET/crash-…
# replays it. Make each one a regression test in tests/fuzz-regressions/.
set -euo pipefail
seconds="${1:-600}"
sanitizer="${FUZZ_SANITIZER:-none}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(bedomning policy markdown)
cd "$(dirname "$0")/.."
shopt -s nullglob

rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked

# Seeds from the shipped content and the test fixtures, fresh each run. What the fuzzer
# adds stays in fuzz/corpus/ (not in git) and makes the next run start further on.
seed() {
    mkdir -p "fuzz/corpus/$1"
    for f in "${@:2}"; do
        # Named after the whole path: the fixtures have several files called tjanst.toml.
        cp "$f" "fuzz/corpus/$1/${f//\//_}"
    done
}
seed bedomning content/bedomningar/*.toml tests/fixtures/broken/*/*.toml tests/fixtures/site/*.toml tests/fuzz-regressions/bedomning-*.toml
seed policy content/policy.toml
seed markdown content/sidor/*.md tests/fuzz-regressions/markdown-*.md
printf '%s\n' '<script>alert(1)</script>' '[x](javascript:alert(1)) ![y](data:text/html,x)' \
    '<img src=x onerror=alert(1)> <a href="jav&#x09;ascript:alert(1)">z</a>' '<!-- x --><![CDATA[y]]>' \
    '| a | b |' '|:-|-:|' '| SaaS | molntjänst |' '# Rubrik {#id .klass}' >fuzz/corpus/markdown/seed-hostile.md

mkdir -p fuzz/logs
failed=()
for t in "${targets[@]}"; do
    echo "== fuzz $t: ${seconds} s, sanitizer $sanitizer" >&2
    # -a: debug assertions on, so overflow and the like are found too.
    set +e
    cargo +nightly fuzz run -a -s "$sanitizer" "$t" "fuzz/corpus/$t" -- \
        -max_total_time="$seconds" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 2>&1 |
        tee "fuzz/logs/$t.log" | grep -E '^#[0-9]+[[:space:]]+(DONE|INITED)|^stat::|ERROR|panicked' >&2
    status=${PIPESTATUS[0]}
    set -e
    if [ "$status" -ne 0 ]; then
        failed+=("$t")
    fi
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz: crashes in ${failed[*]}; inputs in fuzz/artifacts/, logs in fuzz/logs/" >&2
    exit 1
fi
echo "fuzz: ${targets[*]}: no crash in ${seconds} s each; logs in fuzz/logs/" >&2
