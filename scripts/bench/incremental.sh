#!/usr/bin/env bash
# Incremental build against a full build, side by side in one hyperfine run, on a corpus of
# N assessments (default 1,000). The incremental run edits one assessment's description
# before each build (alternating between two texts), so every run has one real change.
#
#   cargo build --release --features korpus && bash scripts/bench/incremental.sh
#   N=100 RUNS=5 BIN=/path/to/molnkoll bash scripts/bench/incremental.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

N=${N:-1000}
RUNS=${RUNS:-5}
BIN=${BIN:-target/release/molnkoll}
command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bin="$work/molnkoll"
cp "$BIN" "$bin" # the tree's binary may be replaced by another build while this runs
"$bin" -q korpus "$work/corpus" --antal "$N" --seed 7
records=("$work"/corpus/content/bedomningar/*.toml) # a glob: `ls | head` can die of SIGPIPE
file=${records[0]}
# Appends " (ändrad)" to the service's description, or takes it away again.
cat >"$work/toggle.py" <<'PY'
import re, sys
path = sys.argv[1]
text = open(path, encoding="utf-8").read()
def flip(m):
    return m.group(1) + ("" if m.group(2) else " (ändrad)") + '"'
open(path, "w", encoding="utf-8").write(re.sub(r'^(beskrivning = ".*?)( \(ändrad\))?"$', flip, text, count=1, flags=re.M))
PY
toggle="python3 $work/toggle.py $file"

build="$bin build --root $work/corpus --out $work/out --today 2026-11-23 -q"
$build # the first incremental run then has a previous build to start from
hyperfine --warmup 1 --runs "$RUNS" -N \
  --prepare "true" --prepare "$toggle" \
  --command-name "full build (--no-cache)" --command-name "one assessment edited" \
  --export-markdown "$work/result.md" \
  "$build --no-cache" "$build"
cat "$work/result.md"

# What the incremental build did, phase by phase, for the note.
$toggle
$bin build --root "$work/corpus" --out "$work/out" --today 2026-11-23 -v 2>&1 | tail -6
