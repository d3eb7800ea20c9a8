#!/usr/bin/env bash
# How long `serve` takes to rebuild after one assessment is edited, on a corpus of N
# assessments (default 1,000): serve logs each rebuild's time, and this script edits one
# record EDITS times (default 5), waiting for each rebuild, then prints the logged lines.
#
#   cargo build --release --features korpus && bash scripts/bench/serve.sh
#   N=100 EDITS=10 BIN=/path/to/molnkoll bash scripts/bench/serve.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

N=${N:-1000}
EDITS=${EDITS:-5}
BIN=${BIN:-target/release/molnkoll}

work=$(mktemp -d)
bin="$work/molnkoll"
cp "$BIN" "$bin"
"$bin" -q korpus "$work/corpus" --antal "$N" --seed 7
records=("$work"/corpus/content/bedomningar/*.toml) # a glob: `ls | head` can die of SIGPIPE
file=${records[0]}
log="$work/serve.log"
(cd "$work/corpus" && exec "$bin" serve --port 0 --today 2026-11-23) >"$log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT

builds() { grep -c '^byggd' "$log" || true; }
wait_for() { # the number of rebuilds to wait for; gives up after 10 minutes
  for _ in $(seq 1 6000); do [ "$(builds)" -ge "$1" ] && return 0; sleep 0.1; done
  echo "serve did not rebuild" >&2; cat "$log" >&2; exit 1
}
wait_for 1
for i in $(seq 1 "$EDITS"); do
  # Appends " (ändrad)" to the first description, or takes it away again; one write.
  python3 - "$file" <<'PY'
import re, sys
p = sys.argv[1]
t = open(p, encoding="utf-8").read()
flip = lambda m: m.group(1) + ("" if m.group(2) else " (ändrad)") + '"'
open(p, "w", encoding="utf-8").write(re.sub(r'^(beskrivning = ".*?)( \(ändrad\))?"$', flip, t, count=1, flags=re.M))
PY
  wait_for $((i + 1))
done
echo "first line: the first build; then one line per edit"
grep "^byggd" "$log"
