#!/usr/bin/env bash
# The kravbilaga's cost counted in instructions, not seconds: the bench pair of benches/pdf.rs
# (kravbilaga_delade_bilagor against kravbilaga_issue_21), one sample each, under valgrind's
# cachegrind without cache simulation, each less the bench `tom`: the corpus, and divan's timer
# calibration, which runs before the first bench and is the same for each. A count does not
# move with the host's load, so the ratio holds on a shared machine where the seconds swing
# by a fifth between runs. Needs valgrind (apt-get install valgrind).
#
#     N=100 bash scripts/bench/kravbilaga-instruktioner.sh
set -euo pipefail
n=${N:-100}
command -v valgrind >/dev/null || { echo "valgrind saknas: apt-get install valgrind" >&2; exit 1; }
bin=$(cargo bench --features korpus --bench pdf --no-run 2>&1 | sed -n 's/.*Executable benches\/pdf.rs (\(.*\))/\1/p' | tail -1)
[ -x "$bin" ] || { echo "hittar inte bänkens program" >&2; exit 1; }

# The main process's count is the last one valgrind prints.
count() {
    MOLNKOLL_BENCH_N=$n valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
        "$bin" --bench "$1" --sample-count 1 2>&1 | awk '/I +refs/ { gsub(",", "", $4); v = $4 } END { print v }'
}

setup=$(count tom)
delade=$(count kravbilaga_delade_bilagor)
issue=$(count kravbilaga_issue_21)
python3 - "$n" "$setup" "$delade" "$issue" <<'PY'
import sys
n, setup, delade, issue = sys.argv[1], *map(int, sys.argv[2:])
a, b = delade - setup, issue - setup
print(f"{n} bedömningar: delade bilagor {a / 1e6:,.0f} M instruktioner, "
      f"mallen från issue 21 {b / 1e6:,.0f} M, kvot {a / b:.3f}")
PY
