#!/usr/bin/env bash
# Makes a corpus project of N assessments (default 1,000) in a git repository of COMMITS
# commits (default 1,000): the first adds every file, each later one revises one
# assessment's description, a day apart per ten commits. git fast-import writes them all
# at once (5,000 commits in seconds, where `git commit` in a loop takes minutes).
#
#     BIN=target/release/molnkoll N=1000 COMMITS=5000 bash scripts/bench/git-corpus.sh DIR
set -euo pipefail
dir=$1
n=${N:-1000}
commits=${COMMITS:-1000}
bin=${BIN:-target/release/molnkoll}
"$bin" -q korpus "$dir" --antal "$n" --seed "${SEED:-7}"
cd "$dir"
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
git init -q -b main
python3 - "$commits" <<'PY' | git fast-import --quiet
import os, re, sys
commits = int(sys.argv[1])
files = sorted(os.path.join(d, f) for d, _, fs in os.walk(".") if ".git" not in d for f in fs)
texts = {f: open(f, "rb").read() for f in files}
records = [f for f in files if f.startswith("./content/bedomningar/") and f.endswith(".toml")]
out = sys.stdout.buffer
day0 = 1767268800  # 2026-01-01T12:00:00Z

def commit(i, msg, changed):
    t = day0 + (i // 10) * 86400 + i  # strictly increasing: one order for every walk
    out.write(b"commit refs/heads/main\n")
    out.write(b"author Bench <bench@example.org> %d +0100\n" % t)
    out.write(b"committer Bench <bench@example.org> %d +0100\n" % t)
    m = msg.encode()
    out.write(b"data %d\n%s\n" % (len(m), m))
    for f in changed:
        out.write(b"M 100644 inline %s\ndata %d\n%s\n" % (f[2:].encode(), len(texts[f]), texts[f]))

commit(0, "Korpus", files)
for i in range(1, commits):
    f = records[i % len(records)]
    texts[f] = re.sub(rb'^beskrivning = "', b'beskrivning = "Reviderad %d. ' % i, texts[f], count=1, flags=re.M)
    commit(i, "Ändring %d" % i, [f])
for f in records:
    open(f, "wb").write(texts[f])
PY
git reset -q --hard main
echo "$(git rev-list --count HEAD) commits, $(ls content/bedomningar | wc -l) assessments in $dir" >&2
