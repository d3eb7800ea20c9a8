#!/usr/bin/env bash
# Installs what tests/site-checks needs, on a fresh Debian machine or CI:
#   - Debian's Chromium (/usr/bin/chromium), skipped when it is already there;
#   - a Java runtime for the Nu HTML Checker, only when `java` is missing;
#   - poppler-utils (pdftotext, pdfinfo) and qpdf, for the PDF tests;
#   - LibreOffice Writer without its GUI, which reads the DOCX kravbilaga in the tests
#     (`soffice --headless --convert-to pdf`), as a procurement officer's Word would;
#   - Python's jsonschema and openpyxl, for the schema and export tests (tomllib is in 3.11);
#   - the pinned npm packages of tests/site-checks (`npm ci`, lockfile only).
# Idempotent and non-interactive (no stdin needed). Quiet on success; on a
# failure it prints the failing step's log and exits non-zero.
#
# No package here downloads a browser or a JDK: Playwright is playwright-core
# (no browser download), and npm runs with --ignore-scripts so vnu-jar's
# postinstall (which would fetch a Java runtime when none is found) never runs.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
CHECKS_DIR="$ROOT/tests/site-checks"

log=$(mktemp)
trap 'rm -f "$log"' EXIT

die() {
    echo "install-test-deps: ERROR: $*" >&2
    exit 1
}

# run STEP CMD...: runs CMD with its output in $log; prints the log and stops
# the script when CMD fails.
run() {
    local step=$1
    shift
    if ! "$@" >"$log" 2>&1; then
        echo "install-test-deps: ERROR: $step failed: $*" >&2
        sed 's/^/    /' "$log" >&2
        exit 1
    fi
}

# --- Debian packages --------------------------------------------------------
apt_pkgs=()
[ -x /usr/bin/chromium ] || apt_pkgs+=(chromium)
command -v java >/dev/null 2>&1 || apt_pkgs+=(default-jre-headless)
command -v pdftotext >/dev/null 2>&1 || apt_pkgs+=(poppler-utils)
command -v qpdf >/dev/null 2>&1 || apt_pkgs+=(qpdf)
command -v soffice >/dev/null 2>&1 || apt_pkgs+=(libreoffice-writer-nogui)

if [ ${#apt_pkgs[@]} -gt 0 ]; then
    command -v apt-get >/dev/null 2>&1 || die "need apt-get to install: ${apt_pkgs[*]}"
    sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null 2>&1 || die "not root and no sudo; cannot install: ${apt_pkgs[*]}"
        sudo=(sudo -n)
    fi
    echo "install-test-deps: apt-get install ${apt_pkgs[*]}"
    export DEBIAN_FRONTEND=noninteractive
    run "apt-get update" "${sudo[@]}" apt-get update -q
    run "apt-get install" "${sudo[@]}" apt-get install -y -q \
        -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
        "${apt_pkgs[@]}"
fi

[ -x /usr/bin/chromium ] || die "/usr/bin/chromium is still missing after apt-get"
command -v java >/dev/null 2>&1 || die "java is still missing after apt-get"
command -v pdftotext >/dev/null 2>&1 || die "pdftotext is still missing after apt-get"
command -v qpdf >/dev/null 2>&1 || die "qpdf is still missing after apt-get"
command -v soffice >/dev/null 2>&1 || die "soffice (LibreOffice) is still missing after apt-get"
run "chromium --version" /usr/bin/chromium --version
run "java -version" java -version

# --- Python packages --------------------------------------------------------
# jsonschema validates the shipped TOML against `molnkoll schema` (tests/testsuite/schema.rs).
command -v python3 >/dev/null 2>&1 || die "python3 is missing (3.11 or later is needed, for tomllib)"
# openpyxl reads the xlsx export back (tests/testsuite/export.rs).
if ! python3 -c 'import tomllib, jsonschema, openpyxl' >/dev/null 2>&1; then
    run "pip install" python3 -m pip install --quiet --disable-pip-version-check 'jsonschema==4.26.0' 'openpyxl==3.1.5'
fi

# --- npm packages -----------------------------------------------------------
command -v node >/dev/null 2>&1 || die "node is missing (Node.js 20 or later is needed)"
command -v npm >/dev/null 2>&1 || die "npm is missing"
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || die "Node.js $(node -v) is too old; 20 or later is needed"

# npm ci deletes and rebuilds node_modules; skip it when node_modules was
# built from exactly this package.json + package-lock.json.
stamp_file="$CHECKS_DIR/node_modules/.site-checks-installed"
want_stamp=$(cat "$CHECKS_DIR/package.json" "$CHECKS_DIR/package-lock.json" | sha256sum | cut -d' ' -f1)
if [ -f "$stamp_file" ] && [ "$(cat "$stamp_file")" = "$want_stamp" ] \
    && [ -f "$CHECKS_DIR/node_modules/vnu-jar/build/dist/vnu.jar" ] \
    && [ -f "$CHECKS_DIR/node_modules/axe-core/axe.min.js" ] \
    && [ -f "$CHECKS_DIR/node_modules/playwright-core/package.json" ]; then
    :
else
    cd "$CHECKS_DIR"
    run "npm ci" npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
    echo "$want_stamp" >"$stamp_file"
fi

echo "install-test-deps: ok ($(/usr/bin/chromium --version 2>/dev/null | head -n1); node $(node -v))"
