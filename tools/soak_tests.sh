#!/usr/bin/env bash
# The whole test suite RUNS times in a row (copy A) while a second copy (B) runs the suite over and over
# beside it, both in the background with no terminal: what CI runners and `nohup` do to a test run.
#
#   setsid nohup tools/soak_tests.sh [RUNS] [DEADLINE_EPOCH] </dev/null >/tmp/soak.out 2>&1 &
#
# Each copy is a fresh clone of this checkout's HEAD in /tmp with its own virtual environment (`make`), so
# outputs never collide. One line per run goes to $SOAK_DIR/summary.txt (exit code, seconds, pytest's last
# line); each run's log is beside it. With DEADLINE_EPOCH (seconds since 1970), whatever is still running
# then is stopped and marked "stopped at the deadline". SOAK_CMD replaces `make test` (e.g. to try the
# script on one test file). SOAK_FIRST_B replaces copy B's first command (e.g. `bash .ci/run`, so the
# copy beside the soak is a whole CI run, then the suite again until A is done). Used for the evidence in
# README's Tests section.
set -u
RUNS=${1:-3}
CMD=${SOAK_CMD:-make test}
DEADLINE=${2:-0}
SRC=$(cd "$(dirname "$0")/.." && pwd)
SOAK_DIR=${SOAK_DIR:-/tmp/trendlib-soak}
rm -rf "$SOAK_DIR"
mkdir -p "$SOAK_DIR"
for c in A B; do
  rm -rf "$SOAK_DIR/$c"
  git clone -q "$SRC" "$SOAK_DIR/$c"
  (cd "$SOAK_DIR/$c" && make .venv/.installed > "$SOAK_DIR/install_$c.log" 2>&1)
done
echo "commit $(git -C "$SOAK_DIR/A" rev-parse --short HEAD), start $(date -u +%FT%TZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)" \
  > "$SOAK_DIR/summary.txt"

run() {  # copy, run number[, command]: one whole suite in a session of its own, summarised
  local t0 rc cmd=${3:-$CMD}
  t0=$(date +%s)
  echo "$1 run $2 started $(date -u +%FT%TZ): $cmd" >> "$SOAK_DIR/summary.txt"
  setsid --wait bash -c "cd '$SOAK_DIR/$1' && exec $cmd" > "$SOAK_DIR/$1_$2.log" 2>&1 &
  echo $! > "$SOAK_DIR/$1.pid"
  wait $!
  rc=$?
  echo "$1 run $2: exit $rc, $(( $(date +%s) - t0 )) s, ended $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg): $(tail -1 "$SOAK_DIR/$1_$2.log")" \
    >> "$SOAK_DIR/summary.txt"
}

( i=0; while [ ! -e "$SOAK_DIR/A.done" ]; do
    i=$((i + 1)); if [ "$i" = 1 ] && [ -n "${SOAK_FIRST_B:-}" ]; then run B 1 "$SOAK_FIRST_B"; else run B "$i"; fi
  done ) &
beside=$!
( for i in $(seq 1 "$RUNS"); do run A "$i"; done; touch "$SOAK_DIR/A.done" ) &
main=$!
stop_all() {  # the running suites and everything they started
  for c in A B; do [ -e "$SOAK_DIR/$c.pid" ] && kill -TERM -- "-$(cat "$SOAK_DIR/$c.pid")" 2>/dev/null; done
}
if [ "$DEADLINE" -gt 0 ]; then
  # wait for copy A only: B runs beside A, and is stopped below once A is done
  while kill -0 "$main" 2>/dev/null && [ "$(date +%s)" -lt "$DEADLINE" ]; do sleep 10; done
  if kill -0 "$main" 2>/dev/null; then
    progress=$(for f in "$SOAK_DIR"/[AB]_*.log; do
                 echo "$(basename "$f" .log) at $(grep -o '\[ *[0-9]*%\]' "$f" | tail -1)"; done | tr '\n' ' ')
    touch "$SOAK_DIR/A.done"
    stop_all
    echo "stopped at the deadline $(date -u +%FT%TZ); last progress: $progress" >> "$SOAK_DIR/summary.txt"
  fi
fi
wait "$main"
touch "$SOAK_DIR/A.done"
# B's run in progress when A is done is no longer beside anything: stop it rather than wait for it
if kill -0 "$beside" 2>/dev/null && [ -e "$SOAK_DIR/B.pid" ]; then
  echo "B's last run stopped $(date -u +%FT%TZ): copy A had finished" >> "$SOAK_DIR/summary.txt"
  kill -TERM -- "-$(cat "$SOAK_DIR/B.pid")" 2>/dev/null
fi
wait "$beside"
echo "done $(date -u +%FT%TZ)" >> "$SOAK_DIR/summary.txt"
