#!/usr/bin/env bash
# Runs redis-benchmark against Gearlog and against redis-server (Debian package) on this machine and prints a
# side-by-side table. redis-server runs twice: appendonly no, and appendonly yes with appendfsync everysec (what
# Gearlog's journal does by default). The three servers are started together but measured one after the other:
# each measurement is repeated (-R rounds, rotating through the servers so that load changes on a shared machine
# hit all of them) and the median is reported, with each server's CPU time per request (steadier than ops/s when
# other work shares the machine). Gearlog is warmed up first (its JIT compiles the hot paths) and measured once
# its background warm-up (GraalPy contexts, compilation) has gone idle. Neither server takes
# automatic snapshots (redis: --save '', Gearlog: --save ''). -f always runs Gearlog's journal and the AOF redis
# with appendfsync always instead (the durability comparison).
#
#   benchmarks/redis-benchmark-compare.sh [-n requests] [-N pipelined-requests] [-c clients] [-r keyspace]
#                                         [-R rounds] [-t tests] [-f everysec|always]
#
# Every server gets a fresh temporary data directory and a spare port, and is stopped by its process id.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/benchmarks/lib.sh"

REQUESTS=100000          # per measurement at -P 1
PIPELINED=1000000        # per measurement at -P 16
CLIENTS=50
KEYSPACE=100000
ROUNDS=3
TESTS="set,get,incr,mset,ping_mbulk,lpush,lpop,sadd,hset,zadd,xadd"
FSYNC=everysec
while getopts "n:N:c:r:R:t:f:" opt; do
  case "$opt" in
    n) REQUESTS="$OPTARG" ;;
    f) FSYNC="$OPTARG" ;;
    N) PIPELINED="$OPTARG" ;;
    c) CLIENTS="$OPTARG" ;;
    r) KEYSPACE="$OPTARG" ;;
    R) ROUNDS="$OPTARG" ;;
    t) TESTS="$OPTARG" ;;
    *) echo "usage: $0 [-n requests] [-N pipelined-requests] [-c clients] [-r keyspace] [-R rounds] [-t tests] [-f everysec|always]" >&2
       exit 1 ;;
  esac
done

for tool in redis-server redis-benchmark redis-cli python3; do
  command -v "$tool" >/dev/null || { echo "$0: $tool is needed (apt-get install redis-server redis-tools)" >&2; exit 1; }
done

WORK="$(mktemp -d -t gearlog-bench.XXXXXX)"
declare -A PID PORT
trap stop_servers EXIT

# The arguments of one measurement; XADD has no built-in redis-benchmark 7.0 test, so it is an explicit command.
bench_args() {
  case "$1" in
    xadd) echo "xadd bench:stream * field __rand_int__" ;;
    *) echo "-t $1" ;;
  esac
}

# A test is n/a when the server does not implement its command (yet).
implemented() {
  local port=$1 reply
  case "$2" in
    lpush|lpop) reply=$(redis-cli -p "$port" lpush bench:probe x) ;;
    sadd) reply=$(redis-cli -p "$port" sadd bench:probe:s x) ;;
    hset) reply=$(redis-cli -p "$port" hset bench:probe:h f v) ;;
    zadd) reply=$(redis-cli -p "$port" zadd bench:probe:z 1 x) ;;
    xadd) reply=$(redis-cli -p "$port" xadd bench:probe:x '*' f v) ;;
    *) reply=ok ;;
  esac
  redis-cli -p "$port" del bench:probe bench:probe:s bench:probe:h bench:probe:z bench:probe:x >/dev/null
  ! echo "$reply" | grep -qi "err"
}

# Prints "ops/s cpu-µs-per-op": the server's CPU time per request is steadier than ops/s on a shared machine.
measure() {
  local name=$1 test=$2 p=$3 n=$REQUESTS port rps c0 c1
  port=${PORT[$name]}
  [ "$p" -gt 1 ] && n=$PIPELINED
  c0=$(cpu_ticks "${PID[$name]}")
  # set -f: the '*' of XADD must reach redis-benchmark as is
  set -f
  # shellcheck disable=SC2046
  rps=$(redis-benchmark -p "$port" -q --csv -n "$n" -c "$CLIENTS" -P "$p" -r "$KEYSPACE" $(bench_args "$test") 2>/dev/null |
    awk -F'"' 'NR > 1 && $2 != "" {print $4; exit}')
  set +f
  c1=$(cpu_ticks "${PID[$name]}")
  echo "$rps $(python3 -c "import os; print('%.2f' % (($c1 - $c0) * 1e6 / os.sysconf('SC_CLK_TCK') / $n))")"
}

SERVERS="gearlog redis redis-aof"
PORT[gearlog]=$(spare_port)
# no automatic snapshots, as redis-server runs without RDB saves (--save ''): both do only what their journal needs
"$ROOT/gearlog" --port "${PORT[gearlog]}" --dir "$WORK/gearlog" --save '' --appendfsync "$FSYNC" --loglevel warning > "$WORK/gearlog.log" 2>&1 &
PID[gearlog]=$!
PORT[redis]=$(spare_port)
mkdir -p "$WORK/redis" "$WORK/redis-aof"
redis-server --port "${PORT[redis]}" --dir "$WORK/redis" --save '' --appendonly no --daemonize no \
  --loglevel warning > "$WORK/redis.log" 2>&1 &
PID[redis]=$!
PORT[redis-aof]=$(spare_port)
redis-server --port "${PORT[redis-aof]}" --dir "$WORK/redis-aof" --save '' --appendonly yes --appendfsync "$FSYNC" \
  --daemonize no --loglevel warning > "$WORK/redis-aof.log" 2>&1 &
PID[redis-aof]=$!
for name in $SERVERS; do wait_ready "$name"; done

echo "warming up Gearlog" >&2
# every measured command, so that no first round pays for compiling its code (redis-server has nothing to compile)
for t in ${TESTS//,/ }; do
  measure gearlog "$t" 16 >/dev/null
  measure gearlog "$t" 1 >/dev/null
done
redis-cli -p "${PORT[gearlog]}" flushall >/dev/null
# measure once the server's background start-up work is done
wait_idle "${PID[gearlog]}"

: > "$WORK/results.csv"
for t in ${TESTS//,/ }; do
  for p in 1 16; do
    for round in $(seq 1 "$ROUNDS"); do
      for name in $SERVERS; do
        if ! implemented "${PORT[$name]}" "$t"; then
          echo "$name,$t,$p,n/a,n/a" >> "$WORK/results.csv"
          continue
        fi
        read -r rps cpu <<< "$(measure "$name" "$t" "$p")"
        [ -n "$rps" ] || cpu=error
        echo "$name,$t,$p,${rps:-error},$cpu" >> "$WORK/results.csv"
        echo "  round $round $name $t -P $p: ${rps:-error} ops/s, $cpu CPU-µs/op" >&2
        redis-cli -p "${PORT[$name]}" flushall >/dev/null
      done
    done
  done
done

python3 - "$WORK/results.csv" "$REQUESTS" "$PIPELINED" "$CLIENTS" "$KEYSPACE" "$ROUNDS" "$FSYNC" <<'PY'
import sys, csv, statistics
path, n, big_n, clients, keyspace, rounds, fsync = sys.argv[1:]
runs = {}
order = []
cpus = {}
for name, test, p, rps, cpu in csv.reader(open(path)):
    key = (test, int(p))
    if key not in order:
        order.append(key)
    runs.setdefault((key, name), []).append(rps)
    cpus.setdefault((key, name), []).append(cpu)

def median(key, name, table=runs):
    vals = table.get((key, name), [])
    nums = []
    for v in vals:
        try:
            nums.append(float(v))
        except ValueError:
            pass
    if not nums:
        return None, (vals[0] if vals else "n/a")
    return statistics.median(nums), None

def cell(v, why):
    return "{:,.0f}".format(v) if v is not None else why

def ratio(a, b):
    return "%.2fx" % (a / b) if a and b else "n/a"

print("redis-benchmark -c %s -r %s, -n %s at -P 1 and %s at -P 16; median of %s rounds; Gearlog's journal and the"
      " AOF redis with appendfsync %s" % (clients, keyspace, n, big_n, rounds, fsync))
print()
print("| test | -P | Gearlog ops/s | redis ops/s (appendonly no) | Gearlog / redis "
      "| redis ops/s (AOF %s) | Gearlog / redis AOF | server CPU µs/op: Gearlog / redis / redis AOF |" % fsync)
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for key in sorted(order, key=lambda k: (k[1], order.index(k))):
    g, gw = median(key, "gearlog")
    r, rw = median(key, "redis")
    a, aw = median(key, "redis-aof")
    cpu = " / ".join("%.2f" % v if v is not None else why
                     for v, why in (median(key, n, cpus) for n in ("gearlog", "redis", "redis-aof")))
    print("| %s | %d | %s | %s | %s | %s | %s | %s |" % (key[0].upper(), key[1], cell(g, gw), cell(r, rw),
                                                    ratio(g, r), cell(a, aw), ratio(g, a), cpu))
PY
