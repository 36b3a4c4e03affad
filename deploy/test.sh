#!/usr/bin/env bash
# Run the whole test suite against a throw-away Azurite.
#
#   bash deploy/test.sh [extra dotnet test args, e.g. --filter Category=Unit]
#
# The last line printed is always "N passed, N failed", summed over the .trx
# files of this run. Exit code is non-zero if dotnet test failed, any test
# failed, or no .trx file was produced.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
RESULTS="$ROOT/TestResults"

[[ -x node_modules/.bin/azurite ]] || npm ci --no-audit --no-fund --loglevel=error >/dev/null

# The gateway tests run Debian's nginx; the metrics and alert tests run promtool, from Debian's prometheus package;
# the console's tests drive Debian's chromium through chromium-driver.
# Install what is missing where we can (root with apt, as in CI); else say how.
missing=()
command -v nginx >/dev/null 2>&1 || [[ -x /usr/sbin/nginx ]] || missing+=(nginx)
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
[[ -x /usr/bin/chromedriver ]] || missing+=(chromium-driver)
if ((${#missing[@]} > 0)); then
    if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null 2>&1; then
        echo "test.sh: installing ${missing[*]} for the gateway, metrics, alert and console tests..."
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
        echo "test.sh: ${missing[*]} missing, so the tests that run them will fail: sudo apt-get install ${missing[*]}" >&2
    fi
fi

# Fresh emulator data for every run, on free ports of its own, so that another checkout's test run or a
# deploy/run-local.sh on this machine never shares it (nor stops it under us); stopped however we leave
# (error, Ctrl-C).
AZ_DIR=$(mktemp -d "${TMPDIR:-/tmp}/risk-azurite.XXXXXX")
cleanup() {
    bash deploy/azurite.sh stop "$AZ_DIR" >/dev/null 2>&1 || true
    rm -rf "$AZ_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
bash deploy/azurite.sh start "$AZ_DIR" own-ports

# Tests that need storage use this Azurite; without it they start one of their own.
RISK_TEST_AZURITE=$(<"$AZ_DIR/connection-string")
export RISK_TEST_AZURITE

mkdir -p "$RESULTS"
find "$RESULTS" -name '*.trx' -delete

rc=0
LOG="$RESULTS/console.log"
dotnet test Risk.sln -c Release \
    --logger "trx;LogFilePrefix=risk" \
    --logger "console;verbosity=normal" \
    --results-directory "$RESULTS" \
    "$@" 2>&1 | tee "$LOG" || rc=$?

# Sum passed / failed over every <Counters .../> element (one per .trx, one per
# test project). Newlines are flattened first in case attributes are wrapped.
# error/timeout/aborted outcomes count as failed too.
mapfile -t trx < <(find "$RESULTS" -name '*.trx' | sort)
if ((${#trx[@]} == 0)); then
    echo "test.sh: no .trx files in $RESULTS (dotnet test exit code $rc; build failure?)"
    echo "0 passed, 1 failed"
    exit 1
fi
read -r passed failed < <(
    cat "${trx[@]}" | tr '\r\n' '  ' | grep -o '<Counters [^>]*>' | awk '
        function attr(name,   re) {
            re = " " name "=\"[0-9]+\""
            if (!match($0, re)) return 0
            return substr($0, RSTART + length(name) + 3, RLENGTH - length(name) - 4) + 0
        }
        { p += attr("passed"); f += attr("failed") + attr("error") + attr("timeout") + attr("aborted") }
        END { print p + 0, f + 0 }'
)

if ((rc != 0 && failed == 0)); then
    # e.g. one project failed to build or the test host crashed: no failed test
    # was recorded, but the run is not green, so the summary must not say so.
    echo "test.sh: dotnet test exited with $rc although no test failed; counting that as a failure"
    failed=1
fi
# A CI log may keep only its tail, where a failure printed minutes earlier is lost among later tests' output:
# repeat each failed test's name and message (without its stack trace or captured output) just above the count.
if ((failed > 0)); then
    echo "---- failed tests, as printed above ----"
    awk '
        /^  Failed [^ ]/ { block = 1; n = 0 }
        block && /^  (Stack Trace|Standard Output Messages|Standard Error Messages):/ { block = 0; print ""; next }
        block && n++ < 60 { print }
    ' "$LOG"
fi
echo "$passed passed, $failed failed"
((rc == 0 && failed == 0))
