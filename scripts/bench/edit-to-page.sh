#!/usr/bin/env bash
# Edit to browser: the time from writing an assessment to `serve` serving the page that
# shows the edit, polled over HTTP every 5 ms, as a browser's reload would see it. Runs on
# a project DIR that `build` has already built (serve starts from its output/).
#
#     BIN=target/release/molnkoll EDITS=12 bash scripts/bench/edit-to-page.sh DIR
#
# Prints one line per edit (ms) and the median. Needs python3 and curl.
set -euo pipefail
dir=$(cd "$1" && pwd)
bin=$(realpath "${BIN:-target/release/molnkoll}")
edits=${EDITS:-12}
port=${PORT:-18766}
records=("$dir"/content/bedomningar/*.toml)
file=${records[3]}
slug=$(basename "$file" .toml)
log=$(mktemp)
(cd "$dir" && exec "$bin" serve --port "$port" --today 2026-11-23) >"$log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -f "$log"' EXIT
until curl -sf -o /dev/null "http://127.0.0.1:$port/"; do sleep 0.05; done
sleep 1
python3 - "$file" "http://127.0.0.1:$port/bedomningar/$slug/" "$edits" <<'PY'
import re, statistics, sys, time, urllib.request
path, url, edits = sys.argv[1], sys.argv[2], int(sys.argv[3])
times = []
for i in range(edits):
    marker = f"Mätning {i} {time.time_ns()}."
    text = open(path, encoding="utf-8").read()
    text = re.sub(r'^(beskrivning = ")(Mätning \d+ \d+\. )?', lambda m: m.group(1) + marker + " ", text, count=1, flags=re.M)
    t0 = time.perf_counter()
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    while True:
        try:
            body = urllib.request.urlopen(url).read().decode()
        except Exception:
            body = ""
        if marker in body:
            break
        if time.perf_counter() - t0 > 60:
            sys.exit("the edit never showed")
        time.sleep(0.005)
    times.append((time.perf_counter() - t0) * 1000)
    print(f"edit {i + 1}: {times[-1]:.0f} ms", flush=True)
    time.sleep(0.5)
print(f"median {statistics.median(times):.0f} ms over {len(times)} edits (min {min(times):.0f}, max {max(times):.0f})")
PY
grep '^byggd' "$log" | tail -3 >&2
