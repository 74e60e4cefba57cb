#!/usr/bin/env bash
# Calibrated simulator vs the real llama.cpp engine (issue 13 item 4): closed-loop runs at 1, 2, 4 and 8 concurrent
# streams against the real engine (bench/real-engine.sh's benchmark model), `calibrate` on those runs, then the
# SAME closed-loop workload against the embedded simulator playing the written profile; prints, per concurrency,
# real vs simulator throughput (req/s, output tok/s), TTFT p50 and ITL p50 with the relative error of each.
#
#   bench/calibration.sh [USERS...]        default 1 2 4 8
#
# Environment: SLOTS (4), LAYERS (8), DIM (512), ENGINE_ARGS (more engine options, e.g. "--threads 2"),
# DURATION (30s), RAMP_UP (0s: every user's first request goes at the same instant, so each loop starts in step on
# both sides; Gatling alone starts a second's users spread over it, 250 ms apart for 4, and whether the engine's first
# prompt pass (191-266 ms) ended before the second user came then decided how a 4-user loop ran for the whole run: in
# step, TTFT p50 1,010-1,146 ms, or staggered, 715-898; see
# bench/RESULTS.md), MAX_TOKENS (128), MIX (chat),
# OUT (bench/results/calibration-<time>),
# REAL (a previous OUT folder: reuse its real-engine runs instead of running the engine again; several, space-separated,
# pool their runs, REPEAT then being their count: the engine's own 2-stream TTFT p50 was 301-337 ms in one sweep and
# 370-518 in the next), REAL_ONLY (non-empty: stop after the real runs),
# BENCH_SKIP_BUILD (non-empty: use target/ as built), WARMUP (20s: a closed loop of SLOTS users against the engine
# before the measured runs, not judged: every slot then holds a conversation in llama.cpp's KV cache, as in every
# later run), PREFIX_CACHE (default: fitted by calibrate from the records' cachedTokens, prompt on the real engine; else
# the profile's prefixCache as calibrate --prefix-cache: the engine keeps each slot's prompt and its random answers
# re-tokenize otherwise in the next turn), JITTER (0: the profile's jitter, calibrate --jitter, on the token intervals:
# the engine's streams get their tokens from the same passes and stay in step, drawn apart they drift apart, 4-stream
# TTFT p50 688-924 ms with 0.1 against the engine's 949-1,287; the prompt times' spread is fitted, the model's
# log-normal prefillJitter, 0.18-0.22 on this engine), NICE (-20: the
# priority of the engine, of every load run and so of the embedded simulator; root only), REPEAT (3: runs per
# concurrency and side, interleaved 1 2 4 8 1 2 4 8 ...; the table shows medians and their min-max spread: one run
# per row moved 10-30 % between runs on this shared machine), SIM_REPEAT (REPEAT, at most 3: the simulator's runs per
# row, the K-th with seed K), ENGINE_RT (e.g. 10: after the warm-up, the engine's
# inference thread alone in the real-time class SCHED_FIFO at that priority, root only; see engine_rt_thread in
# bench/engine-lib.sh for why not ENGINE_PRIO="chrt -f 10", which makes the engine's HTTP front deliver in bursts).
# Results: OUT/table.txt (the table), OUT/simulator-calibrated.json (the profile), OUT/real-N-rK and OUT/sim-N-rK (runs,
# OUT/real-tokens and OUT/probe: the tokenizer probe's two 1-user runs without warm-up; a REAL folder without
# real-tokens gets one, the engine started for it alone), OUT/priority.txt,
# results/<run>/summary.json per folder), OUT/calibrate.txt (the fit); the load average before each run in the table.
set -euo pipefail
cd "$(dirname "$0")/.."

USERS=("$@")
[[ ${#USERS[@]} -eq 0 ]] && USERS=(1 2 4 8)
SLOTS=${SLOTS:-4}
LAYERS=${LAYERS:-8}
DIM=${DIM:-512}
DURATION=${DURATION:-30s}
RAMP_UP=${RAMP_UP:-0s}
MAX_TOKENS=${MAX_TOKENS:-128}
MIX=${MIX:-chat}
WARMUP=${WARMUP:-20s}
NICE=${NICE:--20}
REPEAT=${REPEAT:-3}
# The engine and the simulator runs at the same raised priority (the machine has 2 cores shared with other jobs):
# nice below 0 needs root; without it they run at the default priority (OUT/priority.txt says which).
PRIO=()
if [[ "$NICE" != 0 && "$(nice -n "$NICE" nice 2>/dev/null)" == "$(( $(nice) + NICE ))" ]]; then
  PRIO=(nice -n "$NICE")
fi
# ENGINE_PRIO (e.g. "chrt -f 10": the engine in the real-time class, its inference thread then never waits for
# the other jobs' builds; root only) overrides the engine's priority alone
export ENGINE_PREFIX="${ENGINE_PRIO:-${PRIO[*]:-}}"
OUT=${OUT:-bench/results/calibration-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
OUT=$(realpath "$OUT")

CP_FILE=target/real-engine-classpath.txt
if [[ -z "${BENCH_SKIP_BUILD:-}" ]]; then
  mvn -q test-compile
  mvn -q dependency:build-classpath -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=test >/dev/null
fi
ENGINE_CP="target/test-classes:target/classes:$(cat "$CP_FILE")"
load() { cut -d' ' -f1-3 /proc/loadavg | tr ' ' '/'; }

# one closed-loop run: $1 = label (real-N or sim-N), $2 = users, rest = extra -D options
run() {
  local label=$1 n=$2
  shift 2
  load > "$OUT/$label.load"
  "${PRIO[@]}" mvn -q gatling:test -Dllm.model="$MODEL" -Dllm.mix="$MIX" -Dllm.profile=closed -Dllm.users="$n" \
    -Dllm.rampUp="$RAMP_UP" -Dllm.duration="$DURATION" -Dllm.maxTokens="$MAX_TOKENS" -Dllm.slo=none -Dllm.progress=0 \
    -Dllm.results="$OUT/$label" "$@" > "$OUT/$label.log" 2>&1 \
    || { echo "run $label failed, see $OUT/$label.log" >&2; exit 1; }
  echo "$label done (load before: $(cat "$OUT/$label.load"))"
}

# The tokenizer probe's reference: one closed-loop user against the engine without the run's own warm-up (llm.warmup
# 0; the probe runs without one too), so that the same request ids carry the same prompts: a warm-up's concurrent
# users take ids in the order they finish, which differs between the engine and the simulator (with them the probe's
# pairs were other prompts, and its map 16 characters a token)
tokens_reference() {
  run real-tokens 1 -Dllm.target=llamacpp -Dllm.baseUrl="$BASE_URL" -Dllm.warmup=0
}

if [[ -n "${REAL:-}" ]]; then
  read -r -a REALS <<< "$REAL"
  for F in "${REALS[@]}"; do
    if [[ ! -d "$F/real-${USERS[0]}-r1" ]]; then
      echo "REAL: no real runs in '$F' (expected $F/real-${USERS[0]}-r1, an OUT folder of an earlier sweep)" >&2
      exit 1
    fi
  done
  REAL=$(realpath "${REALS[0]}")
  if [[ ! -d "$REAL/real-tokens" ]]; then
    # an older folder: its runs, and a tokenizer reference taken now
    source bench/engine-lib.sh
    start_engine
    tokens_reference
    stop_engine
    trap - EXIT
    cp -r "$OUT/real-tokens" "$REAL/real-tokens"
    cp "$OUT/real-tokens.load" "$REAL/real-tokens.load"
  fi
  rm -rf "$OUT/real-tokens"
  cp -r "$REAL/real-tokens" "$OUT/real-tokens"
  cp "$REAL/real-tokens.load" "$OUT/real-tokens.load"
  # every folder's repeats, numbered on: REAL="A B" pools A's and B's runs (REPEAT becomes their count)
  K=0
  for F in "${REALS[@]}"; do
    F=$(realpath "$F")
    R=1
    while [[ -d "$F/real-${USERS[0]}-r$R" ]]; do
      K=$((K + 1))
      for N in "${USERS[@]}"; do
        rm -rf "$OUT/real-$N-r$K"
        cp -r "$F/real-$N-r$R" "$OUT/real-$N-r$K"
        cp "$F/real-$N-r$R.load" "$OUT/real-$N-r$K.load"
      done
      R=$((R + 1))
    done
  done
  REPEAT=$K
  MODEL=$(cat "$REAL/model.txt")
  cp "$REAL/model.txt" "$OUT/model.txt"
else
  source bench/engine-lib.sh
  start_engine
  echo "$MODEL" > "$OUT/model.txt"
  echo "priority: ${PRIO[*]:-default}; engine: ${ENGINE_PREFIX:-default}" > "$OUT/priority.txt"
  # llama.cpp keeps each slot's last context in its KV cache (the prompt cache), and every pass attends over all the
  # cells in use: one stream's decode went from 5.4 to 11.4 ms a token over its first 20 requests as the four slots
  # filled (prompt 2.0-2.8 -> 4.5-4.9 ms a token). Without a warm-up the first run measures a cold engine
  if [[ "$WARMUP" != 0 && "$WARMUP" != 0s ]]; then
    DURATION_SAVED=$DURATION
    DURATION=$WARMUP
    run warmup "$SLOTS" -Dllm.target=llamacpp -Dllm.baseUrl="$BASE_URL"
    DURATION=$DURATION_SAVED
  fi
  if [[ -n "${ENGINE_RT:-}" ]]; then
    engine_rt_thread "$ENGINE_RT" | tee -a "$OUT/priority.txt"
  fi
  for R in $(seq 1 "$REPEAT"); do
    for N in "${USERS[@]}"; do
      run "real-$N-r$R" "$N" -Dllm.target=llamacpp -Dllm.baseUrl="$BASE_URL"
    done
  done
  tokens_reference
  stop_engine  # the simulator runs get the CPU to themselves, as the engine had it
  trap - EXIT
  if [[ -n "${REAL_ONLY:-}" ]]; then
    echo "real runs in $OUT (REAL_ONLY: fit and simulator later with REAL=$OUT)"
    exit 0
  fi
fi

REAL_RUNS=()
for R in $(seq 1 "$REPEAT"); do
  for N in "${USERS[@]}"; do REAL_RUNS+=("$(ls -d "$OUT/real-$N-r$R"/*/ | head -1)"); done
done
calibrate() {
  java -cp "$ENGINE_CP" io.llmgatling.cli.LlmGatlingCli calibrate "${REAL_RUNS[@]}" --out "$OUT" --slots "$SLOTS" "$@"
}
# The server's tokenizer: the records carry its prompt token counts, not the prompts, so a short probe sends the same
# workload (the same prompts in the same order as the 1-stream reference run) to the simulator, and the prompt tokens
# of the same request numbers give the map: server tokens = offset + messages x template tokens a message +
# characters / charsPerToken. The probe's simulator counts 4 characters a token and marks each chat message with
# 1,000,000 tokens (messageTokens; no delays, no context limit), so one count carries both: messages =
# tokens / 1e6, text tokens = the rest. The per-message part is the chat template's (the test model's vocabulary
# spells ChatML's <|im_start|> and <|im_end|> out: fitted 42.4 tokens a message in run Y, which a per-prompt offset
# charged to no prompt)
calibrate --name probe > "$OUT/probe-calibrate.txt"
node - "$OUT/simulator-probe.json" <<'EOF'
const fs = require('fs');
const [file] = process.argv.slice(2);
const p = JSON.parse(fs.readFileSync(file, 'utf8'));
p.zeroLatency = true;
p.messageTokens = 1e6;
p.charsPerToken = 4;
for (const m of p.models) m.contextLength = 2147483647;
fs.writeFileSync(file, JSON.stringify(p, null, 2));
EOF
DURATION_SAVED=$DURATION
DURATION=5s
run probe 1 -Dllm.api=llamacpp -Dllm.sim.config="$OUT/simulator-probe.json" -Dllm.warmup=0
DURATION=$DURATION_SAVED
read -r CPT OFFSET MSG < <(node - "$OUT" <<'EOF'
const fs = require('fs');
const [out] = process.argv.slice(2);
const records = (label) => {
  const dir = fs.readdirSync(`${out}/${label}`).find((d) => fs.existsSync(`${out}/${label}/${d}/requests.jsonl`));
  return fs.readFileSync(`${out}/${label}/${dir}/requests.jsonl`, 'utf8').trim().split('\n').map(JSON.parse);
};
// the n-th request of each (one user, no warm-up: the same prompts in the same order); not the same ids: against a
// server the run's smoke request takes id 1
const inOrder = (label) => records(label).sort((a, b) => a.id - b.id).map((r) => r.promptTokens);
const real = inOrder('real-tokens');
const MARK = 1e6;
const pts = inOrder('probe').slice(0, real.length).map((t, i) => [Math.floor(t / MARK), t % MARK, real[i]])
  .filter(([, x, y]) => x != null && y != null);
// least absolute deviations (the plane through three of the points with the smallest sum of |residuals|): the map
// of the typical prompt, which the p50 figures judge. Least squares followed the few long multi-turn prompts (run J:
// offset 71.8 where a one-message prompt had 54-73 tokens in all)
let best = Infinity;
// with no plane through three points (all prompts one size): the ratio of the means
let fit = [0, 0, pts.reduce((s, p) => s + p[2], 0) / pts.reduce((s, p) => s + p[1], 0)];
const consider = (a, b, k) => {
  if (!(k > 0) || a < 0 || b < 0) return;
  const e = pts.reduce((s, [m, x, y]) => s + Math.abs(y - a - b * m - k * x), 0);
  if (e < best) { best = e; fit = [a, b, k]; }
};
for (let i = 0; i < pts.length; i++) {
  for (let j = i + 1; j < pts.length; j++) {
    const [p, q] = [pts[i], pts[j]];
    if (q[1] !== p[1]) { // the line through two, no per-message part (one message count in all the prompts)
      const k = (q[2] - p[2]) / (q[1] - p[1]);
      consider(p[2] - k * p[1], 0, k);
    }
    for (let l = j + 1; l < pts.length; l++) {
      const r = pts[l];
      const det = (q[0] - p[0]) * (r[1] - p[1]) - (r[0] - p[0]) * (q[1] - p[1]);
      if (Math.abs(det) < 1e-9) continue;
      const dy1 = q[2] - p[2];
      const dy2 = r[2] - p[2];
      const b = (dy1 * (r[1] - p[1]) - dy2 * (q[1] - p[1])) / det;
      const k = ((q[0] - p[0]) * dy2 - (r[0] - p[0]) * dy1) / det;
      consider(p[2] - b * p[0] - k * p[1], b, k);
    }
  }
}
console.log((4 / fit[2]).toFixed(3), fit[0].toFixed(1), fit[1].toFixed(1));
EOF
)
echo "tokenizer probe: charsPerToken $CPT, prompt token offset $OFFSET, message tokens $MSG (server tokens = offset +" \
  "messages x message tokens + characters / charsPerToken)" | tee "$OUT/tokenizer.txt"
CACHE_OPT=()
[[ -n "${PREFIX_CACHE:-}" ]] && CACHE_OPT=(--prefix-cache "$PREFIX_CACHE")
calibrate --name calibrated --chars-per-token "$CPT" --prompt-token-offset "$OFFSET" --message-tokens "$MSG" \
  "${CACHE_OPT[@]}" --jitter "${JITTER:-0}" | tee "$OUT/calibrate.txt"

# each simulator repeat with its own seed (the profile's: the draws of the prompt times, intervals, answers), the
# same prompts: one seed is one draw of the simulator's timing, as one real run is one of the engine's (a change of
# the prompt draws' shape alone moved the simulator's 4-stream TTFT p50 from 965 to 1,277 ms)
SIM_REPEAT=${SIM_REPEAT:-$(( REPEAT < 3 ? REPEAT : 3 ))}
for R in $(seq 1 "$SIM_REPEAT"); do
  node -e 'const fs = require("fs"); const [f, o, s] = process.argv.slice(1);
    const p = JSON.parse(fs.readFileSync(f, "utf8")); p.seed = Number(s); fs.writeFileSync(o, JSON.stringify(p, null, 2));' \
    "$OUT/simulator-calibrated.json" "$OUT/simulator-calibrated-r$R.json" "$R"
  for N in "${USERS[@]}"; do
    run "sim-$N-r$R" "$N" -Dllm.api=llamacpp -Dllm.sim.config="$OUT/simulator-calibrated-r$R.json"
  done
done

REPEAT=$REPEAT SIM_REPEAT=$SIM_REPEAT node - "$OUT" "${USERS[@]}" <<'EOF' | tee "$OUT/table.txt"
const fs = require('fs');
const [out, ...users] = process.argv.slice(2);
const repeats = { real: Number(process.env.REPEAT), sim: Number(process.env.SIM_REPEAT) };
const summary = (label) => {
  const dir = fs.readdirSync(`${out}/${label}`).find((d) => fs.existsSync(`${out}/${label}/${d}/summary.json`));
  return JSON.parse(fs.readFileSync(`${out}/${label}/${dir}/summary.json`, 'utf8')).all;
};
const figures = (s) => [s.requestsPerSec, s.outputTokensPerSec, s.ttftMs.p50, s.itlMs.p50];
const names = ['req/s', 'out tok/s', 'TTFT p50 ms', 'ITL p50 ms'];
const median = (xs) => { const v = [...xs].sort((a, b) => a - b); const m = v.length >> 1; return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2; };
const f = (v, d) => (v == null ? '-' : v.toFixed(d));
const err = (sim, real) => (real ? (100 * (sim - real) / real) : NaN);
const side = (prefix, n) => {
  const reps = repeats[prefix];
  const runs = [];
  for (let r = 1; r <= reps; r++) runs.push(summary(`${prefix}-${n}-r${r}`));
  const fig = runs.map(figures);
  return {
    med: names.map((_, i) => median(fig.map((x) => x[i]))),
    lo: names.map((_, i) => Math.min(...fig.map((x) => x[i]))),
    hi: names.map((_, i) => Math.max(...fig.map((x) => x[i]))),
    ko: runs.map((s) => s.ko).reduce((a, b) => a + b, 0),
    load: Array.from({ length: reps }, (_, k) => fs.readFileSync(`${out}/${prefix}-${n}-r${k + 1}.load`, 'utf8').trim().split('/')[0]).join(' '),
  };
};
const header = ['streams', ...names.flatMap((n) => [`${n} real (min-max)`, 'sim (min-max)', 'err %']), 'KO real/sim', 'load 1-min real', 'load 1-min sim'];
console.log(`medians of ${repeats.real} real and ${repeats.sim} simulator run(s) per row; spread = (max - min) / median`);
console.log(`| ${header.join(' | ')} |`);
console.log(`|${header.map(() => '---').join('|')}|`);
let worst = 0;
for (const n of users) {
  const real = side('real', n);
  const sim = side('sim', n);
  const cells = [n];
  real.med.forEach((rv, i) => {
    const e = err(sim.med[i], rv);
    worst = Math.max(worst, Math.abs(e));
    const d = i < 1 ? 2 : 1;
    cells.push(`${f(rv, d)} (${f(real.lo[i], d)}-${f(real.hi[i], d)})`, `${f(sim.med[i], d)} (${f(sim.lo[i], d)}-${f(sim.hi[i], d)})`,
      `${e >= 0 ? '+' : ''}${e.toFixed(1)}`);
  });
  cells.push(`${real.ko}/${sim.ko}`, real.load, sim.load);
  console.log(`| ${cells.join(' | ')} |`);
}
console.log(`worst relative error: ${worst.toFixed(1)} % (goal: within 15 %)`);
EOF
echo "runs, profile and table in $OUT"
