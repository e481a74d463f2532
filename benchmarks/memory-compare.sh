#!/usr/bin/env bash
# Memory per element, Gearlog beside redis-server (Debian package), for the same data. For each data shape it starts
# a fresh Gearlog (./gearlog, fresh temporary --dir, automatic snapshots off) and a fresh redis-server (--save ''
# --appendonly no) on spare ports and loads identical RESP into both with redis-cli --pipe: once to warm up, then
# FLUSHALL, measure, load again, check that both hold every element, and measure again. Shapes: 1M string keys, and one key holding 1M hash fields, list
# elements, set members, sorted-set members or stream entries (members, fields and values 10-20 bytes).
#
#   benchmarks/memory-compare.sh [-n elements] [-s shapes]      (shapes: string,hash,list,set,zset,stream)
#
# redis-server: INFO memory used_memory (what its allocator holds). Gearlog: the live heap, i.e. the bytes of all
# reachable objects as counted by `jcmd <pid> GC.class_histogram` (which runs a full collection first); garbage
# the collector has not yet reclaimed is not memory the data needs. The pid comes from INFO server process_id.
# Process RSS growth is printed too, for information (a JVM's RSS follows its heap sizing, not its live data).
# Extra JVM options for Gearlog go in GEARLOG_JAVA_OPTS, as for ./gearlog. GraalPy's JIT is off (GEARLOG_JIT=no)
# unless GEARLOG_JIT=yes is set: that compiler runs on the Java heap, and its caches, which come and go with
# compilations, would blur the data's share by tens of megabytes; the data's layout does not depend on it.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/benchmarks/lib.sh"
. "$ROOT/bin/common.sh"

ELEMENTS=1000000
SHAPES="string,hash,list,set,zset,stream"
while getopts "n:s:" opt; do
  case "$opt" in
    n) ELEMENTS="$OPTARG" ;;
    s) SHAPES="$OPTARG" ;;
    *) echo "usage: $0 [-n elements] [-s string,hash,list,set,zset,stream]" >&2; exit 1 ;;
  esac
done

for tool in redis-server redis-cli python3; do
  command -v "$tool" >/dev/null || { echo "$0: $tool is needed (apt-get install redis-server redis-tools python3)" >&2; exit 1; }
done
find_jdk
JCMD="$GEARLOG_JAVA_HOME/bin/jcmd"
[ -x "$JCMD" ] || { echo "$0: $JCMD not found (a full JDK is needed)" >&2; exit 1; }
# Build before any server starts, so that the build does not run inside a measurement.
build_if_needed

WORK="$(mktemp -d -t gearlog-membench.XXXXXX)"
declare -A PID PORT
stop() {
  local name=$1
  [ -n "${PID[$name]:-}" ] || return 0
  kill "${PID[$name]}" 2>/dev/null || true
  for _ in $(seq 1 300); do kill -0 "${PID[$name]}" 2>/dev/null || break; sleep 0.2; done
  wait "${PID[$name]}" 2>/dev/null || true
  unset "PID[$name]"
}
cleanup() {
  stop gearlog
  stop redis
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_servers() {
  rm -rf "$WORK/gearlog-data" "$WORK/redis-data"
  mkdir -p "$WORK/gearlog-data" "$WORK/redis-data"
  PORT[gearlog]=$(spare_port)
  GEARLOG_JIT=${GEARLOG_JIT:-no} "$ROOT/gearlog" --port "${PORT[gearlog]}" --dir "$WORK/gearlog-data" --save '' --loglevel warning \
    > "$WORK/gearlog.log" 2>&1 &
  PID[gearlog]=$!
  PORT[redis]=$(spare_port)
  redis-server --port "${PORT[redis]}" --dir "$WORK/redis-data" --save '' --appendonly no --daemonize no \
    --loglevel warning > "$WORK/redis.log" 2>&1 &
  PID[redis]=$!
  wait_ready gearlog 900
  wait_ready redis 900
}

info_field() {  # port section field
  redis-cli -p "$1" info "$2" | tr -d '\r' | awk -F: -v f="$3" '$1 == f {print $2; exit}'
}

rss_bytes() {
  awk '/^VmRSS:/ {print $2 * 1024; exit}' "/proc/$1/status"
}

# Live heap of the Gearlog JVM: the histogram's total after the full collection it triggers. Two explicit
# collections first, so objects that became unreachable only after a reference was cleared are gone too.
gearlog_live_heap() {
  local pid=$1 out=$2
  "$JCMD" "$pid" GC.run >/dev/null
  "$JCMD" "$pid" GC.run >/dev/null
  "$JCMD" "$pid" GC.class_histogram > "$out"
  awk '$1 == "Total" {print $3; exit}' "$out"
}

# The live heap once it has settled: Gearlog starts its Python runtime in the background after it answers, so the
# heap is read every two seconds until two readings are within 512 KB of each other.
gearlog_settled_heap() {
  local out=$1 prev=-1 cur
  for _ in $(seq 1 60); do
    cur=$(gearlog_live_heap "$GEARLOG_PID" "$out")
    if [ "$prev" -ge 0 ] && [ $((cur > prev ? cur - prev : prev - cur)) -lt 524288 ]; then break; fi
    prev=$cur
    sleep 2
  done
  echo "$cur"
}

# Where the data went: the classes whose live bytes grew most between two class histograms.
histogram_growth() {  # before after elements
  python3 - "$@" <<'PY'
import re, sys
def read(path):
    counts = {}
    for line in open(path):
        m = re.match(r"\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)", line)
        if m:
            counts[m.group(3)] = (int(m.group(1)), int(m.group(2)))
    return counts
before, after, n = read(sys.argv[1]), read(sys.argv[2]), int(sys.argv[3])
growth = sorted(((a[1] - before.get(c, (0, 0))[1], a[0] - before.get(c, (0, 0))[0], c) for c, a in after.items()),
                reverse=True)
for nbytes, count, cls in growth[:8]:
    print("    %8.1f B %6.2f x  %s" % (nbytes / n, count / n, cls))
PY
}

measure() {  # name -> "heap-or-used_memory rss"
  case "$1" in
    gearlog) echo "$(gearlog_settled_heap "$WORK/histo.$2") $(rss_bytes "$GEARLOG_PID")" ;;
    redis) echo "$(info_field "${PORT[redis]}" memory used_memory) $(rss_bytes "${PID[redis]}")" ;;
  esac
}

# Writes the RESP commands that load one shape, and prints the key, the count command and the average bytes of
# data (member + value, or key + value) per element. Deterministic (fixed seed): both servers get the same bytes.
generate() {
  python3 - "$1" "$ELEMENTS" "$WORK/load.resp" <<'PY'
import random, sys
shape, n, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rnd = random.Random(20261125)
ALPHA = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
BATCH = 100  # elements per command for the variadic commands

def fill(prefix, length):
    return prefix + bytes(rnd.choice(ALPHA) for _ in range(length - len(prefix)))

def member(i):
    # unique: the hex index up to the first ':' differs; then random letters to 10-20 bytes
    return fill(b"%x:" % i, rnd.randint(10, 20))

def value():
    return fill(b"v", rnd.randint(10, 20))

def cmd(args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)

data = 0
with open(path, "wb", buffering=1 << 20) as f:
    if shape == "string":
        key, count = "-", "DBSIZE"
        for i in range(n):
            k, v = member(i), value()
            data += len(k) + len(v)
            f.write(cmd([b"SET", k, v]))
    elif shape == "stream":
        key, count = "bench:stream", "XLEN"
        base = 1764000000000
        for i in range(n):
            # about 4 entries per millisecond, as a busy producer with auto IDs would get; two fields per entry
            u, a = value(), value()
            data += len(u) + len(a)
            f.write(cmd([b"XADD", key.encode(), b"%d-%d" % (base + i // 4, i % 4), b"user", u, b"action", a]))
    else:
        key, verb, count = {"hash": ("bench:hash", b"HSET", "HLEN"), "list": ("bench:list", b"RPUSH", "LLEN"),
                            "set": ("bench:set", b"SADD", "SCARD"), "zset": ("bench:zset", b"ZADD", "ZCARD")}[shape]
        for start in range(0, n, BATCH):
            args = [verb, key.encode()]
            for i in range(start, min(n, start + BATCH)):
                m = member(i)
                data += len(m)
                if shape == "hash":
                    v = value()
                    data += len(v)
                    args += [m, v]
                elif shape == "zset":
                    args += [b"%.3f" % (rnd.random() * 1e6), m]
                    data += 8
                else:
                    args.append(m)
            f.write(cmd(args))
print(key, count, "%.1f" % (data / n))
PY
}

load() {  # port -> prints errors and replies as redis-cli --pipe reports them
  local out
  # A longer reply timeout than redis-cli's 30 s: on a busy machine a server can take longer than that to answer
  # everything after the last byte was sent (a million sorted-set inserts), which is slow but not an error.
  out=$(redis-cli -p "$1" --pipe --pipe-timeout 600 < "$WORK/load.resp" 2>&1) || true
  echo "$out" | awk '/^errors:/ {gsub(",", ""); print $2, $4; found = 1} END {if (!found) print "failed", 0}'
  echo "$out" > "$WORK/load.log"
}

count_of() {  # port count-command key
  if [ "$2" = DBSIZE ]; then redis-cli -p "$1" dbsize; else redis-cli -p "$1" "$2" "$3"; fi
}

encoding_of() {  # port key
  local key=$2
  [ "$key" = - ] && key=$(redis-cli -p "$1" randomkey)
  redis-cli -p "$1" object encoding "$key"
}

echo "$(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) CPUs, $(awk '/^MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo) RAM;" \
  "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')" >&2
echo "uptime at start: $(uptime)" >&2
: > "$WORK/results"
for shape in ${SHAPES//,/ }; do
  read -r KEY COUNT DATA < <(generate "$shape") || { echo "$0: generating $shape failed" >&2; exit 1; }
  start_servers
  GEARLOG_PID=$(info_field "${PORT[gearlog]}" server process_id)
  [ "$GEARLOG_PID" = "${PID[gearlog]}" ] || echo "note: Gearlog reports pid $GEARLOG_PID, started ${PID[gearlog]}" >&2
  for name in gearlog redis; do
    # A first load, then FLUSHALL: what the first use of these commands allocates once (classes, JIT code,
    # connection and journal buffers) is then in the baseline on both sides, and only the data is in the difference.
    read -r errors replies < <(load "${PORT[$name]}")
    [ "$errors" = 0 ] || { echo "$0: $name: $errors errors loading $shape:" >&2; cat "$WORK/load.log" >&2; exit 1; }
    redis-cli -p "${PORT[$name]}" flushall >/dev/null
    read -r before_mem before_rss < <(measure "$name" before) || { echo "$0: measuring $name failed" >&2; exit 1; }
    read -r errors replies < <(load "${PORT[$name]}")
    [ "$errors" = 0 ] || { echo "$0: $name: $errors errors loading $shape:" >&2; cat "$WORK/load.log" >&2; exit 1; }
    n=$(count_of "${PORT[$name]}" "$COUNT" "$KEY")
    [ "$n" = "$ELEMENTS" ] || { echo "$0: $name holds $n elements of $shape, expected $ELEMENTS" >&2; exit 1; }
    enc=$(encoding_of "${PORT[$name]}" "$KEY")
    read -r after_mem after_rss < <(measure "$name" after) || { echo "$0: measuring $name failed" >&2; exit 1; }
    echo "$shape $name $n $enc $before_mem $after_mem $before_rss $after_rss $DATA" >> "$WORK/results"
    echo "  $shape on $name: $replies replies, $n elements, encoding $enc, memory $before_mem -> $after_mem," \
      "RSS $before_rss -> $after_rss (uptime:$(uptime | sed 's/.*load/ load/'))" >&2
  done
  echo "  Gearlog classes that grew most while loading $shape (bytes and instances per element):" >&2
  histogram_growth "$WORK/histo.before" "$WORK/histo.after" "$ELEMENTS" >&2
  stop gearlog
  stop redis
  rm -f "$WORK/load.resp"
done

python3 - "$WORK/results" <<'PY'
import sys
rows = {}
order = []
for line in open(sys.argv[1]):
    shape, name, n, enc, bm, am, br, ar, data = line.split()
    if shape not in order:
        order.append(shape)
    rows[(shape, name)] = (int(n), enc, int(am) - int(bm), int(ar) - int(br), float(data))

print("| shape | elements | data bytes/element | Gearlog bytes/element (live heap) | redis bytes/element (used_memory) "
      "| Gearlog / redis | encoding Gearlog / redis |")
print("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
for shape in order:
    n, genc, gmem, grss, data = rows[(shape, "gearlog")]
    _, renc, rmem, rrss, _ = rows[(shape, "redis")]
    label = "string (bytes/key)" if shape == "string" else shape
    print("| %s | {:,} | %.1f | %.1f | %.1f | %.2fx | %s / %s |".format(n) % (
        label, data, gmem / n, rmem / n, gmem / rmem, genc, renc))
print()
print("Process RSS growth per element, for information (bytes): " + "; ".join(
    "%s Gearlog %.0f, redis %.0f" % (s, rows[(s, "gearlog")][3] / rows[(s, "gearlog")][0],
                                     rows[(s, "redis")][3] / rows[(s, "redis")][0]) for s in order))
PY
