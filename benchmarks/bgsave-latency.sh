#!/usr/bin/env bash
# How long a BGSAVE stalls the server, measured from outside it: ./gearlog runs as its own process. Each round loads
# (or overwrites) N string keys through redis-cli --pipe, waits until the server has gone idle (the load's
# collections, GraalPy's warm-up after start), and has one redis-benchmark client send PINGs (each goes through the
# event loop and the engine) twice: with nothing else going on, and right after BGSAVE, long enough to cover it.
# Prints both latency summaries and the server's log lines of the snapshot. GEARLOG_JAVA_OPTS is passed on (for
# example -XX:+UseZGC to compare collectors).
#
#   benchmarks/bgsave-latency.sh [-k keys] [-n pings] [-R rounds]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/benchmarks/lib.sh"

KEYS=1000000
PINGS=100000
ROUNDS=3
while getopts "k:n:R:" opt; do
  case "$opt" in
    k) KEYS="$OPTARG" ;;
    n) PINGS="$OPTARG" ;;
    R) ROUNDS="$OPTARG" ;;
    *) echo "usage: $0 [-k keys] [-n pings] [-R rounds]" >&2; exit 1 ;;
  esac
done
for tool in redis-benchmark redis-cli python3; do
  command -v "$tool" >/dev/null || { echo "$0: $tool is needed (apt-get install redis-tools)" >&2; exit 1; }
done

WORK="$(mktemp -d -t gearlog-bgsave.XXXXXX)"
SERVER=""
cleanup() {
  if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
PORT=$(spare_port)

"$ROOT/gearlog" --port "$PORT" --dir "$WORK/data" --save '' > "$WORK/gearlog.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 600); do
  redis-cli -p "$PORT" ping 2>/dev/null | grep -q PONG && break
  kill -0 "$SERVER" 2>/dev/null || { echo "$0: the server died" >&2; cat "$WORK/gearlog.log" >&2; exit 1; }
  sleep 0.2
done

latency() {
  redis-benchmark -p "$PORT" -c 1 -n "$PINGS" -t ping_inline 2>/dev/null | tr '\r' '\n' \
    | grep -A2 "latency summary" | tail -1
}
PID=$(redis-cli -p "$PORT" info server | tr -d '\r' | awk -F: '$1 == "process_id" {print $2}')
load() {
  python3 - "$KEYS" <<'PY' | redis-cli -p "$PORT" --pipe > /dev/null
import sys
out = sys.stdout.buffer
for i in range(int(sys.argv[1])):
    k = b"key:%d" % i
    v = b"value-%d" % i
    out.write(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (len(k), k, len(v), v))
PY
}
echo "PING latency in ms, one client, $PINGS pings each; $KEYS keys written before each round"
echo "                 avg       min       p50       p95       p99       max"
for round in $(seq 1 "$ROUNDS"); do
  load
  wait_idle "$PID"
  echo "idle    $(latency)"
  redis-cli -p "$PORT" bgsave >/dev/null
  echo "BGSAVE  $(latency)"
  while [ "$(redis-cli -p "$PORT" info persistence | tr -d '\r' | awk -F: '$1 == "rdb_bgsave_in_progress" {print $2}')" = 1 ]; do
    sleep 0.2
  done
  grep -E "Snapshot process|:C |BGSAVE: snapshot" "$WORK/gearlog.log" | tail -3 | sed 's/^/        /'
done
