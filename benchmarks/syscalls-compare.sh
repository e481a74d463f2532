#!/usr/bin/env bash
# Counts the system calls and context switches per request that Gearlog and redis-server (appendonly no) make under
# the same redis-benchmark load, and what the client spends per request against each. Where the throughput of a
# client-bound row (PING, GET at -P 16) differs at equal server CPU, this shows whether the servers differ in how
# they read, write and wait. Needs `perf` with access to the syscall tracepoints (root, or
# kernel.perf_event_paranoid <= 1). The counts come from the kernel's tracepoints, not from strace, which would
# slow both sides enough to change how requests batch up.
#
#   benchmarks/syscalls-compare.sh [-n requests] [-c clients] [-P pipeline] [-t tests]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/benchmarks/lib.sh"

REQUESTS=2000000
CLIENTS=50
PIPELINE=16
TESTS="ping_mbulk,get,incr,lpop"
while getopts "n:c:P:t:" opt; do
  case "$opt" in
    n) REQUESTS="$OPTARG" ;;
    c) CLIENTS="$OPTARG" ;;
    P) PIPELINE="$OPTARG" ;;
    t) TESTS="$OPTARG" ;;
    *) echo "usage: $0 [-n requests] [-c clients] [-P pipeline] [-t tests]" >&2; exit 1 ;;
  esac
done
for tool in redis-server redis-benchmark redis-cli perf python3; do
  command -v "$tool" >/dev/null || { echo "$0: $tool is needed" >&2; exit 1; }
done
if ! perf stat -e syscalls:sys_enter_read -- true >/dev/null 2>&1; then
  echo "$0: perf cannot read the syscall tracepoints here (run as root or lower kernel.perf_event_paranoid)" >&2
  exit 1
fi

WORK="$(mktemp -d -t gearlog-syscalls.XXXXXX)"
declare -A PID PORT
trap stop_servers EXIT

PORT[gearlog]=$(spare_port)
"$ROOT/gearlog" --port "${PORT[gearlog]}" --dir "$WORK/gearlog" --save '' --loglevel warning > "$WORK/gearlog.log" 2>&1 &
PID[gearlog]=$!
PORT[redis]=$(spare_port)
mkdir -p "$WORK/redis"
redis-server --port "${PORT[redis]}" --dir "$WORK/redis" --save '' --appendonly no --daemonize no \
  --loglevel warning > "$WORK/redis.log" 2>&1 &
PID[redis]=$!
for name in gearlog redis; do wait_ready "$name"; done

bench() {
  redis-benchmark -p "${PORT[$1]}" -q --csv -n "$REQUESTS" -c "$CLIENTS" -P "$PIPELINE" -r 100000 -t "$2" 2>/dev/null |
    awk -F'"' 'NR > 1 && $2 != "" {print $4; exit}'
}

echo "warming up Gearlog" >&2
for t in ${TESTS//,/ }; do bench gearlog "$t" >/dev/null; bench gearlog "$t" >/dev/null; done
wait_idle "${PID[gearlog]}"

EVENTS="syscalls:sys_enter_read,syscalls:sys_enter_recvfrom,syscalls:sys_enter_write,syscalls:sys_enter_sendto"
EVENTS+=",syscalls:sys_enter_writev,syscalls:sys_enter_epoll_wait,syscalls:sys_enter_epoll_pwait"
EVENTS+=",syscalls:sys_enter_epoll_pwait2,syscalls:sys_enter_epoll_ctl,context-switches"

# Prints one table row: the server's reads, writes, epoll waits and context switches per request (all its threads),
# then the client's CPU µs and system calls per request.
measure() {
  local name=$1 test=$2 watcher out rps cpu
  perf stat -x, -e "$EVENTS" -p "${PID[$name]}" -o "$WORK/server.csv" -- sleep 3600 >/dev/null 2>&1 &
  watcher=$!
  sleep 0.5
  # perf stat -x prints "count,unit,event,..." per event; the client's own CPU time comes from its rusage
  out=$(perf stat -x, -e "$EVENTS" -o "$WORK/client.csv" -- python3 -c '
import resource, subprocess, sys
out = subprocess.run(sys.argv[1:], capture_output=True, text=True).stdout
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
rps = next((l.split("\"")[3] for l in out.splitlines()[1:] if l.count("\"") >= 4), "0")
print(rps, ru.ru_utime + ru.ru_stime)' \
    redis-benchmark -p "${PORT[$name]}" -q --csv -n "$REQUESTS" -c "$CLIENTS" -P "$PIPELINE" -r 100000 -t "$test")
  read -r rps cpu <<< "$out"
  pkill -P "$watcher" sleep || true
  wait "$watcher" 2>/dev/null || true
  python3 - "$name" "$test" "$REQUESTS" "$rps" "$cpu" "$WORK/server.csv" "$WORK/client.csv" <<'PY'
import sys
name, test, n, rps, cpu = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], float(sys.argv[5])
def counts(path):
    c = {}
    for line in open(path):
        f = line.strip().split(",")
        if len(f) > 2 and f[0].isdigit():
            c[f[2].replace("syscalls:sys_enter_", "")] = int(f[0])
    return c
s, c = counts(sys.argv[6]), counts(sys.argv[7])
def per(d, *keys):
    return sum(d.get(k, 0) for k in keys) / n
reads = ("read", "recvfrom"); writes = ("write", "sendto", "writev"); waits = ("epoll_wait", "epoll_pwait", "epoll_pwait2")
allc = reads + writes + waits + ("epoll_ctl",)
print("| %s | %s | %.0f | %.4f | %.4f | %.4f | %.4f | %.3f | %.4f |" % (
    test.upper(), name, float(rps), per(s, *reads), per(s, *writes), per(s, *waits), per(s, "context-switches"),
    cpu * 1e6 / n, per(c, *allc)))
PY
}

echo "redis-benchmark -c $CLIENTS -P $PIPELINE -r 100000 -n $REQUESTS; per request"
echo
echo "| test | server | ops/s | server reads | server writes | server epoll waits | server context switches | client CPU µs | client system calls |"
echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for t in ${TESTS//,/ }; do
  for name in gearlog redis; do measure "$name" "$t"; done
done
