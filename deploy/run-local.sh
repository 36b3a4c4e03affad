#!/usr/bin/env bash
# Run the whole system on this machine: Azurite + one silo, replay the demo
# traffic, print what it found, then keep running until Ctrl-C.
#
#   bash deploy/run-local.sh            # stays up until Ctrl-C
#   RISK_NO_WAIT=1 bash deploy/run-local.sh   # exit after the summary (smoke test)
#
# Azurite data lives in .azurite/ (wipe with: bash deploy/azurite.sh reset); each run
# uses a table of its own, so a run never replays the demo on top of an earlier one.
# The demo traffic is the simulator's "demo" scenario, seed 7 (deterministic, written to deploy/demo/);
# logs and exports go to .risk/.
#
# The silo takes a cluster id and ports of this run's own (printed, with how to point `risk` at them), so that a
# second checkout's run-local.sh, or tests, on the same machine never join it or find its ports taken.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
CLI_DLL="$ROOT/client/Risk.Cli/bin/Release/net10.0/risk.dll"
SILO_DLL="$ROOT/silo/Risk.Silo/bin/Release/net10.0/Risk.Silo.dll"
SILO_LOG=.risk/silo.log
EXPORT=.risk/demo-accounts.jsonl
EVENTS=deploy/demo/events.jsonl
READY_TIMEOUT=90

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

risk() { dotnet "$CLI_DLL" "$@"; }

silo_pid=""
started_azurite=0
cleanup() {
    trap '' INT TERM  # a second Ctrl-C must not abort the cleanup
    if [[ -n $silo_pid ]] && kill -0 "$silo_pid" 2>/dev/null; then
        echo "Stopping silo (pid $silo_pid)..."
        kill -TERM "$silo_pid" 2>/dev/null || true
        # Graceful Orleans shutdown can take a while; SIGKILL after 30 s.
        for _ in $(seq 300); do
            kill -0 "$silo_pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$silo_pid" 2>/dev/null || true
        wait "$silo_pid" 2>/dev/null || true
    fi
    if ((started_azurite)); then bash deploy/azurite.sh stop || true; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p .risk
[[ -x node_modules/.bin/azurite ]] || npm ci --no-audit --no-fund --loglevel=error >/dev/null

echo "Building (Release)..."
dotnet build Risk.sln -c Release -v q -nologo

# Only stop Azurite on exit if this script started it.
if bash deploy/azurite.sh status; then
    echo "Azurite already running; using it."
else
    bash deploy/azurite.sh start
    started_azurite=1
fi

# Three ports (silo, gateway, HTTP) from a block chosen by this checkout's path, so that a checkout keeps its ports
# from run to run and two checkouts most likely differ; the next block where one is taken. 26000-31999: under
# Linux's ephemeral ports (32768 and up), which outgoing connections and the tests' silos take, and above the ports
# `deploy/azurite.sh start DIR own-ports` takes for test runs. The cluster id is this checkout's and this run's.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
checkout=$(printf '%s' "$ROOT" | cksum | cut -d' ' -f1)
for block in $(seq 0 1999); do
    SILO_PORT=$((26000 + (checkout + block) % 2000 * 3))
    GATEWAY_PORT=$((SILO_PORT + 1)) HTTP_PORT=$((SILO_PORT + 2))
    port_open "$SILO_PORT" || port_open "$GATEWAY_PORT" || port_open "$HTTP_PORT" || break
done
CLUSTER_ID=$(printf 'local-%08x-%d' "$checkout" "$$")
# Every `risk` below (and the silo) reads these.
export Risk__GatewayPort=$GATEWAY_PORT Risk__ClusterId=$CLUSTER_ID

# Each run is a fresh demo: replaying the same traffic into yesterday's state would count it twice.
# So every run writes to a table of its own (old ones stay in .azurite until `deploy/azurite.sh reset`).
TABLE="RiskDemo$(date -u +%Y%m%d%H%M%S)"
echo "Starting silo on Azure Table storage, table $TABLE (log: $SILO_LOG): cluster $CLUSTER_ID," \
    "silo port $SILO_PORT, gateway port $GATEWAY_PORT, HTTP http://127.0.0.1:$HTTP_PORT..."
dotnet "$SILO_DLL" --Risk:Storage=azurite --Risk:TableName="$TABLE" --Risk:ClusterId="$CLUSTER_ID" \
    --Risk:SiloPort="$SILO_PORT" --Risk:PrimarySiloPort="$SILO_PORT" --Risk:GatewayPort="$GATEWAY_PORT" \
    --urls "http://127.0.0.1:$HTTP_PORT" </dev/null >"$SILO_LOG" 2>&1 &
silo_pid=$!

# Ready = the CLI can reach a grain. Each probe is capped so a CLI that keeps
# retrying the connection cannot eat the whole budget.
deadline=$((SECONDS + READY_TIMEOUT))
until timeout 20 dotnet "$CLI_DLL" policy show >/dev/null 2>&1; do
    if ! kill -0 "$silo_pid" 2>/dev/null || ((SECONDS >= deadline)); then
        kill -0 "$silo_pid" 2>/dev/null && echo "Silo not ready after ${READY_TIMEOUT} s." >&2 \
            || echo "Silo exited during startup." >&2
        echo "--- last 40 lines of $SILO_LOG ---" >&2
        tail -n 40 "$SILO_LOG" >&2 || true
        exit 1
    fi
    sleep 2
done
echo "Silo ready (pid $silo_pid)."

if [[ ! -f $EVENTS ]]; then
    echo "Generating demo traffic into $(dirname "$EVENTS")..."
    risk simulate --scenario demo --out "$(dirname "$EVENTS")" --seed 7
fi

echo "Replaying $EVENTS..."
risk replay --events "$EVENTS" --export-accounts "$EXPORT"

# --- Summary of the export (JSON lines: account, action, score, cluster, ...).
# Plain awk, no jq/python: pull one scalar field out of a JSON line.
AWK_FIELD='
function field(name,   s) {
    if (!match($0, "\"" name "\"[ ]*:[ ]*(\"[^\"]*\"|[-+.0-9eE]+)")) return ""
    s = substr($0, RSTART, RLENGTH)
    sub(/^"[^"]*"[ ]*:[ ]*/, "", s); gsub(/"/, "", s)
    return s
}'
echo
echo "Accounts per action ($(grep -c . "$EXPORT" || true) accounts in $EXPORT):"
awk "$AWK_FIELD"' { n[tolower(field("action"))]++ }
    END { split("allow throttle challenge block", a, " ")
          for (i = 1; i <= 4; i++) printf "  %-10s %6d\n", a[i], n[a[i]] }' "$EXPORT"
echo
echo "Top 10 flagged accounts by score:"
printf '  %-8s %-10s %-24s %s\n' SCORE ACTION ACCOUNT CLUSTER
awk "$AWK_FIELD"' { act = tolower(field("action")); if (act != "allow" && act != "")
        printf "  %-8s %-10s %-24s %s\n", field("score"), act, field("account"), (field("cluster") == "" ? "-" : field("cluster")) }' \
    "$EXPORT" | sort -k1,1gr -k3,3 | awk 'NR <= 10'  # not head: SIGPIPE + pipefail
read -r top_score top top_action < <(awk "$AWK_FIELD"' tolower(field("action")) != "allow" { print field("score"), field("account"), tolower(field("action")) }' "$EXPORT" \
    | sort -k1,1gr -k2,2 | awk 'NR == 1') || true
# A decision is about one request: the account with the IP and proxy it came through. The export's line is the
# account's decision with those of its latest event, so the suggested `risk decide` asks about that request.
top_ip="" top_proxy=""
if [[ -n ${top:-} ]]; then
    last=$(grep -F "\"account\":\"$top\"" "$EVENTS" | tail -n 1)
    top_ip=$(awk "$AWK_FIELD"' { print field("ip") }' <<<"$last")
    top_proxy=$(awk "$AWK_FIELD"' { print field("proxy") }' <<<"$last")
fi
decide_args="--account ${top:-<account-id>}${top_ip:+ --ip $top_ip}${top_proxy:+ --proxy $top_proxy}"
query="account=${top:-<account-id>}${top_ip:+&ip=$top_ip}${top_proxy:+&proxy=$top_proxy}"

if [[ ${RISK_NO_WAIT:-} == 1 ]]; then
    echo
    echo "RISK_NO_WAIT=1: stopping."
    exit 0
fi

cat <<MSG

The system is running: silo pid $silo_pid (log $SILO_LOG), cluster $CLUSTER_ID, silo port $SILO_PORT,
gateway port $GATEWAY_PORT, HTTP API on http://127.0.0.1:$HTTP_PORT, Azurite on 127.0.0.1:10000-10002.
Ask about the top account (${top_action:-?} ${top_score:-?} above) from another terminal in $ROOT:
  alias risk='dotnet $CLI_DLL'     # or install the tool: see README, The risk command line
  export Risk__GatewayPort=$GATEWAY_PORT Risk__ClusterId=$CLUSTER_ID     # this silo's gateway and cluster, for every risk command
  risk explain ${top:-<account-id>}      # its standing as of its latest event, as above, and why
  risk decide $decide_args      # a request from it now, through the IP and proxy of its latest
  curl 'http://127.0.0.1:$HTTP_PORT/v1/decision?$query'      # the same over HTTP
(A decision now reads that IP's and proxy's risk as it stands now, after the other accounts' traffic, so its
score can differ a point or two from the summary's.)
  risk policy show
The operators' console: http://127.0.0.1:$HTTP_PORT/console/ (open to this host only: the silo has no keys file).
Press Ctrl-C to stop the silo and Azurite.
MSG
rc=0
wait "$silo_pid" || rc=$?
echo "Silo exited with code $rc." >&2
exit "$rc"
