#!/usr/bin/env bash
# What reading git history costs: N assessments (default 1,000) in a repository with
# COMMITS commits (default 1,000), each after the first changing one assessment, against
# the same files with no repository. Runs `check` and `build` on both, side by side.
#
#     cargo build --release --features korpus && bash scripts/bench/history.sh
#
# Needs hyperfine (Debian's package) and git. The corpus comes from `molnkoll korpus`.
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${N:-1000}
commits=${COMMITS:-1000}
runs=${RUNS:-5}
bin=${BIN:-$PWD/target/release/molnkoll}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$bin" korpus "$work/git" --antal "$n" --quiet
cp -r "$work/git" "$work/plain"
cd "$work/git"
export GIT_CONFIG_GLOBAL=/dev/null GIT_AUTHOR_NAME=Bench GIT_AUTHOR_EMAIL=bench@example.org \
    GIT_COMMITTER_NAME=Bench GIT_COMMITTER_EMAIL=bench@example.org
git init -q -b main
git add -A
GIT_AUTHOR_DATE=2026-01-01T12:00:00 GIT_COMMITTER_DATE=2026-01-01T12:00:00 git commit -q -m "Korpus"
mapfile -t files < <(ls content/bedomningar/*.toml)
for ((i = 1; i < commits; i++)); do
    f=${files[i % ${#files[@]}]}
    # A real edit: the first description gets a revision note.
    sed -i "0,/^beskrivning = \"/s//beskrivning = \"Reviderad $i. /" "$f"
    day=$(date -u -d "2026-01-01 + $((i / 10)) days" +%F)
    GIT_AUTHOR_DATE=${day}T12:00:00 GIT_COMMITTER_DATE=${day}T12:00:00 git commit -q -am "Ändring $i"
done
cp content/bedomningar/*.toml "$work/plain/content/bedomningar/"
echo "$(git rev-list --count HEAD) commits, $(ls content/bedomningar | wc -l) assessments"

hyperfine --warmup 1 --runs "$runs" -N \
    -n "check, no history" "$bin check --today 2026-11-23 --root $work/plain" \
    -n "check, git history" "$bin check --today 2026-11-23 --root $work/git"
hyperfine --warmup 1 --runs "$runs" -N \
    -n "build, no history" "$bin build --today 2026-11-23 --root $work/plain --out $work/out-plain" \
    -n "build, git history" "$bin build --today 2026-11-23 --root $work/git --out $work/out-git"
