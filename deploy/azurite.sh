#!/usr/bin/env bash
# Azurite (Azure Storage emulator: blob, queue, table) for local runs and tests.
#
#   deploy/azurite.sh start  [DIR]        start in the background unless it already runs
#   deploy/azurite.sh start  DIR own-ports an instance of its own on free ports, whatever else runs
#   deploy/azurite.sh stop   [DIR]        stop the instance whose pid is in DIR/azurite.pid
#   deploy/azurite.sh reset  [DIR]        stop, then delete DIR (all emulated data)
#   deploy/azurite.sh status              exit 0 if the table endpoint (port 10002) answers
#
# DIR holds the data, azurite.pid and azurite.log; default: <repo>/.azurite.
# Endpoints are Azurite's defaults on 127.0.0.1 (blob 10000, queue 10001,
# table 10002), i.e. what "UseDevelopmentStorage=true" points at. With
# own-ports (what deploy/test.sh uses, so that a second checkout's tests or a
# run-local.sh never share an emulator that another script will stop), three
# free ports are picked instead and DIR/connection-string holds the connection
# string that points at them.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
AZURITE="$ROOT/node_modules/.bin/azurite"
HOST=127.0.0.1
BLOB_PORT=10000
QUEUE_PORT=10001
TABLE_PORT=10002

cmd=${1:-}
DIR=${2:-$ROOT/.azurite}
OWN=""
case ${3:-} in
    "") ;;
    own-ports) OWN=1 ;;
    *) echo "azurite: unknown option '${3}'; the only one is own-ports" >&2; exit 2 ;;
esac
[[ $DIR == /* ]] || DIR="$PWD/$DIR"  # absolute, so stop/reset work from any cwd
PIDFILE="$DIR/azurite.pid"
LOG="$DIR/azurite.log"

# True if something accepts TCP connections on HOST:$1 (bash's /dev/tcp, no nc needed).
port_open() {
    (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null
}

# True if $1 is a live process that looks like Azurite (guards against pid reuse).
is_azurite() {
    [[ -n $1 ]] && kill -0 "$1" 2>/dev/null && grep -qa azurite "/proc/$1/cmdline" 2>/dev/null
}

# The development account's connection string for an Azurite on these ports (its key is the emulator's public one).
connection_string() {
    local key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
    printf 'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=%s;' "$key"
    printf 'BlobEndpoint=http://%s:%s/devstoreaccount1;QueueEndpoint=http://%s:%s/devstoreaccount1;TableEndpoint=http://%s:%s/devstoreaccount1;\n' \
        "$HOST" "$1" "$HOST" "$2" "$HOST" "$3"
}

# Three ports nothing listens on, below Linux's ephemeral range (32768 and up), where outgoing connections take
# their local ports, so that none of those can take one between this check and Azurite's bind; and below the
# range deploy/run-local.sh takes its silo's ports from (26000 and up).
free_ports() {
    local base
    for _ in $(seq 200); do
        base=$((20000 + RANDOM % 5997))
        if ! port_open "$base" && ! port_open $((base + 1)) && ! port_open $((base + 2)); then
            echo "$base $((base + 1)) $((base + 2))"
            return 0
        fi
    done
    echo "azurite: no three free ports found" >&2
    return 1
}

start_own() {
    # Two scripts that pick the same ports at once: the second Azurite fails to bind, so try other ports.
    for _ in 1 2 3; do
        read -r BLOB_PORT QUEUE_PORT TABLE_PORT < <(free_ports)
        if start; then
            connection_string "$BLOB_PORT" "$QUEUE_PORT" "$TABLE_PORT" >"$DIR/connection-string"
            return 0
        fi
    done
    return 1
}

start() {
    if [[ -z $OWN ]] && port_open "$TABLE_PORT"; then
        echo "azurite: port $TABLE_PORT already answers; assuming Azurite is running, not starting another."
        return 0
    fi
    if [[ ! -x $AZURITE ]]; then
        echo "azurite: node_modules missing, running npm ci..."
        (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    fi
    mkdir -p "$DIR"
    rm -f "$PIDFILE"
    # setsid: its own session, so a Ctrl-C in the caller's terminal does not
    # reach Azurite (it would close before the silo or tests are done with it);
    # whoever started it stops it. The inner shell records its own pid and then
    # becomes Azurite (exec), so the pid file is right whether or not setsid
    # forked. stdin/stdout detached so it never holds a caller's pipe open.
    setsid bash -c 'echo $$ >"$0"; exec "$@"' "$PIDFILE" \
        "$AZURITE" --silent --skipApiVersionCheck --loose --location "$DIR" \
        --blobHost "$HOST" --queueHost "$HOST" --tableHost "$HOST" \
        --blobPort "$BLOB_PORT" --queuePort "$QUEUE_PORT" --tablePort "$TABLE_PORT" \
        </dev/null >"$LOG" 2>&1 &
    local pid=""
    for _ in $(seq 60); do  # ~30 s
        [[ -n $pid ]] || pid=$(cat "$PIDFILE" 2>/dev/null) || true
        if [[ -n $pid ]] && port_open "$TABLE_PORT"; then
            echo "azurite: started (pid $pid, table port $TABLE_PORT, data in $DIR)"
            return 0
        fi
        if [[ -n $pid ]] && ! kill -0 "$pid" 2>/dev/null; then
            echo "azurite: exited during startup; last log lines:" >&2
            tail -n 20 "$LOG" >&2 || true
            rm -f "$PIDFILE"
            return 1
        fi
        sleep 0.5
    done
    echo "azurite: port $TABLE_PORT not open after 30 s; see $LOG" >&2
    [[ -z $pid ]] || kill -KILL "$pid" 2>/dev/null || true
    rm -f "$PIDFILE"
    return 1
}

stop() {
    [[ -f $PIDFILE ]] || return 0
    local pid
    pid=$(<"$PIDFILE")
    if is_azurite "$pid"; then
        kill -TERM "$pid" 2>/dev/null || true
        # On SIGTERM Azurite closes its three services (flushing data) within a
        # second or two, but the node process then lingers ~20 s on timers.
        # So wait up to ~5 s for exit or for all three "successfully closed"
        # log lines, then SIGKILL whatever is left.
        local closed=0
        for _ in $(seq 50); do
            kill -0 "$pid" 2>/dev/null || break
            closed=$(grep -c 'successfully closed' "$LOG" 2>/dev/null) || closed=0
            ((closed >= 3)) && break
            sleep 0.1
        done
        if kill -0 "$pid" 2>/dev/null; then
            ((closed >= 3)) || echo "azurite: pid $pid did not shut down within 5 s, sending SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
            for _ in $(seq 50); do
                kill -0 "$pid" 2>/dev/null || break
                sleep 0.1
            done
        fi
        echo "azurite: stopped (pid $pid)"
    fi
    rm -f "$PIDFILE"
}

reset() {
    stop
    case $(cd "$DIR" 2>/dev/null && pwd || echo "$DIR") in
        / | "$ROOT" | "$HOME") echo "azurite: refusing to delete $DIR" >&2; return 1 ;;
    esac
    rm -rf "$DIR"
    echo "azurite: removed $DIR"
}

case $cmd in
    start) if [[ -n $OWN ]]; then start_own; else start; fi ;;
    stop) stop ;;
    reset) reset ;;
    status) port_open "$TABLE_PORT" ;;
    *) echo "usage: $0 start [DIR [own-ports]] | {stop|reset} [DIR] | status" >&2; exit 2 ;;
esac
