#!/usr/bin/env bash
# Every figure in BENCHMARKS.md, on this machine:
#
#     bash scripts/bench/run.sh            # pdf, html and scaling
#     bash scripts/bench/run.sh html       # one section: pdf | html | scaling
#
# Installs what it needs and is missing: hyperfine and hugo from Debian (apt-get), and
# typst-cli 0.15.1 with cargo into ~/.cache/molnkoll-bench (for the comparison only, never
# on PATH). Builds molnkoll and the two benchmark examples in release mode first, unless
# BINDIR names a folder that has them. WORK=DIR keeps the corpora and outputs there.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
today=2026-11-23
work=${WORK:-$(mktemp -d)}
cache=${XDG_CACHE_HOME:-$HOME/.cache}/molnkoll-bench
sections=${*:-pdf html scaling}
target=${CARGO_TARGET_DIR:-$repo/target}

apt_need() { # command package
    command -v "$1" >/dev/null || { apt-get update -qq && apt-get install -y -qq "$2"; }
}
apt_need hyperfine hyperfine

mkdir -p "$work/bin"
if [ -n "${BINDIR:-}" ]; then
    # Binaries built earlier (molnkoll, html_only, hugo_site), e.g. while the machine was busy.
    cp "$BINDIR/molnkoll" "$BINDIR/html_only" "$BINDIR/hugo_site" "$work/bin/"
else
    cargo build --release --quiet --features korpus --bin molnkoll --example html_only --example hugo_site
    # A copy, so that another build into the same target folder cannot swap it mid-run.
    cp "$target/release/molnkoll" "$target/release/examples/html_only" "$target/release/examples/hugo_site" "$work/bin/"
fi
bin=$work/bin/molnkoll

for section in $sections; do
case $section in
pdf)
    typst=$cache/typst/bin/typst
    if ! "$typst" --version 2>/dev/null | grep -q '0\.15\.1'; then
        cargo install typst-cli --version 0.15.1 --locked --root "$cache/typst"
    fi
    MOLNKOLL_TYPST=$typst cargo bench --features korpus --bench pdf
    ;;
html)
    apt_need hugo hugo
    hugo version
    for n in ${HTML_N:-1000}; do
        "$bin" korpus "$work/html-$n" --antal "$n" --quiet
        "$work/bin/hugo_site" "$work/html-$n" "$work/hugo-$n" "$today"
        cp -r scripts/bench/hugo/. "$work/hugo-$n/"
        hyperfine --warmup 1 --runs "${RUNS:-10}" -N \
            -n "molnkoll HTML, $n" "$work/bin/html_only $work/html-$n $work/out-html-$n $today" \
            -n "hugo, $n" "hugo --quiet --source $work/hugo-$n --destination $work/hugo-$n/public"
        echo "pages: molnkoll $(find "$work/out-html-$n" -name '*.html' | wc -l)," \
            "hugo $(find "$work/hugo-$n/public" -name '*.html' | wc -l)"
    done
    ;;
scaling)
    # One run per size: 10,000 takes minutes. Time per record and peak memory.
    printf '%8s %10s %14s %12s\n' records "wall s" "ms/record" "max RSS MiB"
    for n in ${SCALING_N:-100 1000 10000}; do
        "$bin" korpus "$work/scale-$n" --antal "$n" --quiet
        /usr/bin/time -v -o "$work/time-$n" "$bin" build --quiet --root "$work/scale-$n" \
            --today "$today" --out "$work/out-scale-$n"
        wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s}' "$work/time-$n")
        rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time-$n")
        awk -v n="$n" -v w="$wall" -v r="$rss" 'BEGIN {printf "%8d %10.2f %14.2f %12.0f\n", n, w, w * 1000 / n, r / 1024}'
        rm -rf "$work/out-scale-$n"
    done
    ;;
*)
    echo "unknown section $section (pdf, html, scaling)" >&2
    exit 2
    ;;
esac
done
