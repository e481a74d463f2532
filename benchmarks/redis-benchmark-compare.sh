#!/usr/bin/env bash
# Runs redis-benchmark against Gearlog and against redis-server (Debian package) on this machine, one after the
# other, and prints a side-by-side table. redis-server runs twice: appendonly no, and appendonly yes with
# appendfsync everysec (what Gearlog's journal does by default).
#
#   benchmarks/redis-benchmark-compare.sh [-n requests] [-N pipelined-requests] [-c clients] [-r keyspace]
#
# Every server gets a fresh temporary data directory and a spare port, and is stopped by its process id.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

REQUESTS=100000          # per test at -P 1
PIPELINED=1000000        # per test at -P 16
CLIENTS=50
KEYSPACE=100000
TESTS="set,get,incr,mset,ping_mbulk,lpush,lpop,sadd,hset,zadd,xadd"
while getopts "n:N:c:r:t:" opt; do
  case "$opt" in
    n) REQUESTS="$OPTARG" ;;
    N) PIPELINED="$OPTARG" ;;
    c) CLIENTS="$OPTARG" ;;
    r) KEYSPACE="$OPTARG" ;;
    t) TESTS="$OPTARG" ;;
    *) echo "usage: $0 [-n requests] [-N pipelined-requests] [-c clients] [-r keyspace] [-t tests]" >&2; exit 1 ;;
  esac
done

for tool in redis-server redis-benchmark redis-cli; do
  command -v "$tool" >/dev/null || { echo "$0: $tool is needed (apt-get install redis-server redis-tools)" >&2; exit 1; }
done

WORK="$(mktemp -d -t gearlog-bench.XXXXXX)"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

spare_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

wait_ready() {
  local port=$1
  for _ in $(seq 1 600); do
    if redis-cli -p "$port" ping 2>/dev/null | grep -q PONG; then return 0; fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then echo "$0: server on port $port died" >&2; return 1; fi
    sleep 0.2
  done
  echo "$0: server on port $port did not answer" >&2
  return 1
}

stop_server() {
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

# A test is skipped (n/a) when the server does not implement its command yet.
probe() {
  local port=$1 t=$2
  case "$t" in
    lpush|lpop) redis-cli -p "$port" lpush bench:probe x ;;
    sadd) redis-cli -p "$port" sadd bench:probe:s x ;;
    hset) redis-cli -p "$port" hset bench:probe:h f v ;;
    zadd) redis-cli -p "$port" zadd bench:probe:z 1 x ;;
    xadd) redis-cli -p "$port" xadd bench:probe:x '*' f v ;;
    *) echo ok ;;
  esac
}

# run_suite <name> <port>: appends "name,test,pipeline,rps" lines to $WORK/results.csv
run_suite() {
  local name=$1 port=$2 t p n out
  for t in ${TESTS//,/ }; do
    if probe "$port" "$t" 2>&1 | grep -qi "err"; then
      for p in 1 16; do echo "$name,$t,$p,n/a" >> "$WORK/results.csv"; done
      continue
    fi
    for p in 1 16; do
      n=$REQUESTS
      [ "$p" -gt 1 ] && n=$PIPELINED
      out=$(redis-benchmark -p "$port" -q --csv -t "$t" -n "$n" -c "$CLIENTS" -P "$p" -r "$KEYSPACE" 2>/dev/null |
        awk -F'"' 'NR > 1 && $2 != "" {print $4; exit}')
      echo "$name,$t,$p,${out:-error}" >> "$WORK/results.csv"
      echo "  $name $t -P $p: ${out:-error} ops/s" >&2
    done
    redis-cli -p "$port" flushall >/dev/null
  done
}

: > "$WORK/results.csv"

echo "== Gearlog (./gearlog, journal appendfsync everysec)" >&2
port=$(spare_port)
GEARLOG_JAVA_OPTS="${GEARLOG_JAVA_OPTS:-}" "$ROOT/gearlog" --port "$port" --dir "$WORK/gearlog" --loglevel warning \
  > "$WORK/gearlog.log" 2>&1 &
SERVER_PID=$!
wait_ready "$port"
run_suite gearlog "$port"
stop_server

echo "== redis-server, appendonly no" >&2
port=$(spare_port)
mkdir -p "$WORK/redis"
redis-server --port "$port" --dir "$WORK/redis" --save '' --appendonly no --daemonize no --loglevel warning \
  > "$WORK/redis.log" 2>&1 &
SERVER_PID=$!
wait_ready "$port"
run_suite redis "$port"
stop_server

echo "== redis-server, appendonly yes, appendfsync everysec" >&2
port=$(spare_port)
mkdir -p "$WORK/redis-aof"
redis-server --port "$port" --dir "$WORK/redis-aof" --save '' --appendonly yes --appendfsync everysec \
  --daemonize no --loglevel warning > "$WORK/redis-aof.log" 2>&1 &
SERVER_PID=$!
wait_ready "$port"
run_suite redis-aof "$port"
stop_server

python3 - "$WORK/results.csv" "$REQUESTS" "$PIPELINED" "$CLIENTS" "$KEYSPACE" <<'EOF'
import sys, csv
path, n, big_n, clients, keyspace = sys.argv[1:]
rows = {}
order = []
for name, test, p, rps in csv.reader(open(path)):
    key = (test, int(p))
    if key not in rows:
        rows[key] = {}
        order.append(key)
    rows[key][name] = rps

def num(x):
    try:
        return float(x)
    except (TypeError, ValueError):
        return None

def ratio(a, b):
    a, b = num(a), num(b)
    return "%.2fx" % (a / b) if a and b else "n/a"

def fmt(x):
    v = num(x)
    return "{:,.0f}".format(v) if v else (x or "n/a")

print("redis-benchmark -c %s -r %s; -n %s at -P 1, -n %s at -P 16" % (clients, keyspace, n, big_n))
print()
print("| test | -P | Gearlog ops/s | redis (no AOF) ops/s | Gearlog / redis | redis (AOF everysec) ops/s | Gearlog / redis AOF |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
for test, p in sorted(order, key=lambda k: (k[1], order.index(k))):
    r = rows[(test, p)]
    g, rd, ra = r.get("gearlog"), r.get("redis"), r.get("redis-aof")
    print("| %s | %d | %s | %s | %s | %s | %s |" % (test.upper(), p, fmt(g), fmt(rd), ratio(g, rd), fmt(ra), ratio(g, ra)))
EOF
