# Helpers the benchmark scripts share; sourced, not run.

# A free TCP port on 127.0.0.1.
spare_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# CPU time (user + system, in clock ticks) a process has used so far.
cpu_ticks() {
  awk '{print $14 + $15}' "/proc/$1/stat"
}

# Waits until process $1 has gone idle (under 10 ticks of CPU in 2 s), for at most 2 minutes: Gearlog warms its
# GraalPy contexts and compiles in the background after it answers.
wait_idle() {
  local c0 c1
  for _ in $(seq 1 60); do
    c0=$(cpu_ticks "$1"); sleep 2; c1=$(cpu_ticks "$1")
    [ $((c1 - c0)) -lt 10 ] && break
  done
}

# The scripts that start servers keep them in associative arrays PID and PORT by name, log each to $WORK/<name>.log,
# and use the two functions below on them.

# Waits until server $1 answers PING, trying $2 times (default 600) 0.2 s apart; exits if it dies or never answers.
wait_ready() {
  local name=$1 tries=${2:-600}
  for _ in $(seq 1 "$tries"); do
    if redis-cli -p "${PORT[$name]}" ping 2>/dev/null | grep -q PONG; then return 0; fi
    if ! kill -0 "${PID[$name]}" 2>/dev/null; then echo "$0: $name died" >&2; cat "$WORK/$name.log" >&2; exit 1; fi
    sleep 0.2
  done
  echo "$0: $name did not answer" >&2
  exit 1
}

# Stops every server in PID and removes $WORK: the EXIT trap of a script that starts servers.
stop_servers() {
  local name
  for name in "${!PID[@]}"; do
    kill "${PID[$name]}" 2>/dev/null || true
    wait "${PID[$name]}" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
