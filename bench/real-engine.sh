#!/usr/bin/env bash
# Real llama.cpp cost on a meaningless model: the real engine (llama.cpp's own server code through
# java-llama.cpp, on a seeded random-weight GGUF generated into target/real-engine/) behind a llama-server-like
# HTTP front. See docs/real-engine.md.
#
#   bench/real-engine.sh serve [ENGINE OPTIONS]   start the engine in the foreground (Ctrl-C stops it), e.g.
#       bench/real-engine.sh serve --port 8081 --slots 2 --layers 8 --dim 512 --f16
#   bench/real-engine.sh sweep [USERS...]          closed-loop runs against the larger model (default 1 2 4 8
#       concurrent streams, 30 s each); prints throughput, TTFT/ITL p50 and the engine's own token count
#
# Environment (sweep): SLOTS (4), LAYERS (8), DIM (512), ENGINE_ARGS (more engine options, e.g. "--threads 2"),
# DURATION (30s), MAX_TOKENS (128), MIX (chat), OUT (bench/results/real-engine-<time>).
set -euo pipefail
cd "$(dirname "$0")/.."
MODE=${1:-sweep}
shift || true

CP_FILE=target/real-engine-classpath.txt
if [[ -z "${BENCH_SKIP_BUILD:-}" ]]; then
  mvn -q test-compile
  mvn -q dependency:build-classpath -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=test >/dev/null
fi
ENGINE_CP="target/test-classes:target/classes:$(cat "$CP_FILE")"

if [[ "$MODE" == serve ]]; then
  exec java -Xmx256m -cp "$ENGINE_CP" io.llmgatling.realengine.RealEngine "$@"
fi
if [[ "$MODE" != sweep ]]; then
  echo "usage: bench/real-engine.sh serve [ENGINE OPTIONS] | sweep [USERS...]" >&2
  exit 2
fi

USERS=("$@")
[[ ${#USERS[@]} -eq 0 ]] && USERS=(1 2 4 8)
SLOTS=${SLOTS:-4}
LAYERS=${LAYERS:-8}
DIM=${DIM:-512}
DURATION=${DURATION:-30s}
MAX_TOKENS=${MAX_TOKENS:-128}
MIX=${MIX:-chat}
OUT=${OUT:-bench/results/real-engine-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"

source bench/engine-lib.sh
start_engine

predicted() { curl -sf "$BASE_URL/metrics" | awk '$1=="llamacpp:tokens_predicted_total"{print $2}'; }

printf '%-6s %8s %10s %10s %10s %10s %12s %12s %4s\n' users req/s out-tok/s ttft-p50 itl-p50 e2e-p50 tokens engine-tokens ko \
  | tee "$OUT/table.txt"
for N in "${USERS[@]}"; do
  BEFORE=$(predicted)
  mvn -q gatling:test -Dllm.target=llamacpp -Dllm.baseUrl="$BASE_URL" -Dllm.model="$MODEL" -Dllm.mix="$MIX" \
    -Dllm.profile=closed -Dllm.users="$N" -Dllm.rampUp=0s -Dllm.duration="$DURATION" \
    -Dllm.maxTokens="$MAX_TOKENS" -Dllm.slo=none -Dllm.progress=0 -Dllm.results="$OUT/users-$N" \
    > "$OUT/users-$N.log" 2>&1 || { echo "run with $N users failed, see $OUT/users-$N.log" >&2; exit 1; }
  sleep 0.5  # the engine logs a task's timings just after its last token
  AFTER=$(predicted)
  SUMMARY=$(ls -d "$OUT/users-$N"/*/ | head -1)summary.json
  node -e '
    const s = require(process.argv[1]).all, n = process.argv[2], engine = process.argv[3];
    const f = (v) => v == null ? "-" : v.toFixed(1);
    console.log([n.padEnd(6), f(s.requestsPerSec).padStart(8), f(s.outputTokensPerSec).padStart(10),
      f(s.ttftMs.p50).padStart(10), f(s.itlMs.p50).padStart(10), f(s.e2eMs.p50).padStart(10),
      String(s.outputTokens).padStart(12), engine.padStart(12), String(s.ko).padStart(4)].join(" "));
  ' "$(realpath "$SUMMARY")" "$N" "$(awk -v a="$AFTER" -v b="$BEFORE" 'BEGIN{print a-b}')" | tee -a "$OUT/table.txt"
done
echo "runs in $OUT (results/<run>/summary.json per users-N folder)"
