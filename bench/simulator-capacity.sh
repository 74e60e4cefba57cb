#!/usr/bin/env bash
# Simulator capacity benchmark: concurrent streams and streamed tokens/s with the slot limit off.
# Starts the simulator standalone (target/classes + the Maven runtime classpath), drives it with a small
# node script (not the project's own load generator) and writes bench/results/simulator-capacity.txt.
#
#   bench/simulator-capacity.sh [STREAMS] [DECODE_TOK_PER_S_PER_STREAM] [MEASURE_SECONDS]
#   defaults: 5000 streams x 50 tok/s (= 250,000 tok/s offered), 15 s measured after 10 s of ramp-up
# Environment: WARMUP (s), PORT, FLUSH_MS, CLIENTS (node processes, default 1), SIM_TASKSET (e.g.
# "taskset -c 1"), SIM_CLASSES (another build's target/classes, for A/B runs), SIM_JVM_ARGS (e.g. a
# profiler agent), SIM_ARGS (more simulator flags, e.g. "--io-threads 2").
set -euo pipefail
cd "$(dirname "$0")/.."
STREAMS=${1:-5000}
RATE=${2:-50}
MEASURE=${3:-15}
WARMUP=${WARMUP:-10}
PORT=${PORT:-18499}
# 0 = one write per token (faithful timing); N = tokens written on an N ms grid (fewer syscalls)
FLUSH_MS=${FLUSH_MS:-0}
mkdir -p bench/results
OUT=bench/results/simulator-capacity.txt  # appended: one block per run

CP_FILE=target/bench-classpath.txt
if [[ -z "${BENCH_SKIP_BUILD:-}" ]]; then  # bench/run builds once and sets BENCH_SKIP_BUILD=1
  mvn -q compile
  mvn -q dependency:build-classpath -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=runtime >/dev/null
fi
# a simulator left over from an interrupted run would hold the port
if curl -sf "http://127.0.0.1:$PORT/" >/dev/null 2>&1; then echo "port $PORT is busy; set PORT=..." >&2; exit 2; fi

# one token per chunk for the whole run: answers longer than the run, no slot limit, no delays but decode
${SIM_TASKSET:-} java -Xms512m -Xmx2g ${SIM_JVM_ARGS:-} -Dlogback.configurationFile=bench/logback-bench.xml \
  -cp "${SIM_CLASSES:-target/classes}:$(cat "$CP_FILE")" io.llmgatling.cli.LlmGatlingCli simulator \
  --port "$PORT" --slots 0 --max-queue 1000000 --load-time-ms 0 --jitter 0 --batch-slowdown 0 \
  --decode-rate "$RATE" --prefill-rate 1000000 --output-tokens 100000 --flush-interval-ms "$FLUSH_MS" ${SIM_ARGS:-} > target/bench-sim.log 2>&1 &
SIM_PID=$!
# SIGTERM, then SIGKILL after 5 s: with thousands of streams open the graceful close can take long, and a
# simulator left behind would hold the port for the next run
stop_sim() {
  kill "$SIM_PID" 2>/dev/null || return 0
  for _ in $(seq 1 50); do kill -0 "$SIM_PID" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$SIM_PID" 2>/dev/null || true
}
trap stop_sim EXIT
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$PORT/" >/dev/null && break
  sleep 0.2
done

# the client runs in CLIENTS node processes. One is enough since it reads raw sockets (about 0.4 core for
# 200k token lines/s), and a second only takes CPU from the simulator on a 2-core machine: A/B on this
# machine, 1 client 200,596 / 211,341 tok/s against 2 clients 169,497 / 186,107 (simulator 1.59 cores vs 1.40)
CLIENTS=${CLIENTS:-1}
rm -f target/bench-client-*.json  # a run with more clients must not leave files this one would sum
PIDS=()
for i in $(seq 1 "$CLIENTS"); do
  node bench/simulator-capacity.mjs "http://127.0.0.1:$PORT" $((STREAMS / CLIENTS)) "$WARMUP" "$MEASURE" \
    > "target/bench-client-$i.json" &
  PIDS+=($!)
done
wait "${PIDS[@]}"
RESULT=$(cat target/bench-client-*.json | node -e '
  const rs = require("fs").readFileSync(0, "utf8").trim().split("\n").map(JSON.parse);
  const sum = k => rs.reduce((a, r) => a + r[k], 0);
  console.log(JSON.stringify({ clients: rs.length, streamsOpenMax: sum("streamsOpenMax"),
    streamsOpenMin: sum("streamsOpenMin"), tokensPerSec: sum("tokensPerSec"), errors: sum("errors") }));')
SIM_CPU=$(ps -o %cpu=,rss= -p "$SIM_PID" | awk '{printf "cpu%%(avg since start)=%s rssMB=%d", $1, $2/1024}')
{
  echo "simulator capacity benchmark  $(date -u +%Y-%m-%dT%H:%M:%SZ)  host: $(nproc) cores"
  echo "offered: $STREAMS streams x $RATE tok/s = $((STREAMS * RATE)) tok/s, slot limit off, flush grid ${FLUSH_MS} ms, /api/generate NDJSON"
  echo "result: $RESULT"
  for f in target/bench-client-*.json; do echo "  client: $(cat "$f")"; done
  echo "simulator: $SIM_CPU"
} | tee -a "$OUT"
