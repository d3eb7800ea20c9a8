#!/usr/bin/env bash
# A one-edit `build` in a repository with git history, against BASE (another molnkoll,
# e.g. main's), interleaved A/B so that load from other processes hits both alike. Each
# binary gets its own copy of the project and its own output, built once in full first.
#
#     BIN=target/release/molnkoll BASE=/tmp/molnkoll-main N=1000 COMMITS=1000 RUNS=5 \
#         bash scripts/bench/git-edit.sh            # COMMITS=0: the same corpus, no git
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=$(realpath "${BIN:-target/release/molnkoll}")
base=$(realpath "${BASE:?the binary to compare with}")
runs=${RUNS:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ "${COMMITS:-1000}" -gt 0 ]; then
  BIN=$bin bash "$here/git-corpus.sh" "$work/new"
else
  "$bin" -q korpus "$work/new" --antal "${N:-1000}" --seed "${SEED:-7}"
fi
cp -r "$work/new" "$work/base"
for who in new base; do
  b=$bin; [ $who = base ] && b=$base
  (cd "$work/$who" && "$b" -q build --today 2026-11-23)
done
records=("$work"/new/content/bedomningar/*.toml)
rel=content/bedomningar/$(basename "${records[5]}")
for i in $(seq 1 "$runs"); do
  for who in new base; do
    b=$bin; [ $who = base ] && b=$base
    sed -i "0,/^beskrivning = \"/s//beskrivning = \"Ändring $i. /" "$work/$who/$rel"
    (cd "$work/$who" && /usr/bin/time -f "$who %e s wall %U s user %S s sys" "$b" -q build --today 2026-11-23) 2>&1
  done
  uptime | sed 's/.*load/load/'
done
