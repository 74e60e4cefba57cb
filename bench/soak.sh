#!/usr/bin/env bash
# Soak test: a steady load against the embedded simulator for MINUTES (default 10), sampling the injector
# JVM's live heap (after a forced GC, so that garbage does not hide a leak), open file descriptors, threads and
# RSS every SAMPLE_S seconds into bench/results/soak.csv, then tells whether heap and descriptors stayed flat
# (average of the last third vs the first third of the samples after warm-up).
#
#   bench/soak.sh [MINUTES]        env: RATE (visits/s, default 10), SAMPLE_S (10), WARMUP_S (60)
#
# The injector is Gatling's launcher running MultiTaskSimulation, as `mvn gatling:test` forks it; the
# simulator runs in the same JVM, so the figures cover both.
set -euo pipefail
cd "$(dirname "$0")/.."
MINUTES=${1:-10}
RATE=${RATE:-10}
SAMPLE_S=${SAMPLE_S:-10}
WARMUP_S=${WARMUP_S:-60}
OUT=bench/results
CSV=$OUT/soak.csv
mkdir -p "$OUT"

mvn -q test-compile
CP_FILE=target/soak-classpath.txt
mvn -q dependency:build-classpath -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=test >/dev/null

java --add-opens=java.base/java.lang=ALL-UNNAMED -Xmx512m \
  -cp "target/classes:target/test-classes:$(cat "$CP_FILE")" \
  -Dllm.duration="${MINUTES}m" -Dllm.rate="$RATE" -Dllm.slo=none -Dllm.progress=60 \
  -Dllm.sim.config="$PWD/bench/soak-simulator.json" -Dllm.results="$OUT/soak-runs" \
  io.gatling.app.Gatling -s MultiTaskSimulation -rf target/soak-gatling > "$OUT/soak-console.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true' INT TERM

echo "seconds,heap_used_mb,open_fds,threads,rss_mb" > "$CSV"
START=$(date +%s)
while kill -0 "$PID" 2>/dev/null; do
  sleep "$SAMPLE_S"
  kill -0 "$PID" 2>/dev/null || break
  # live set: after a full GC, "garbage-first heap   total 262144K, used 45678K"
  jcmd "$PID" GC.run >/dev/null 2>&1 || break
  HEAP_KB=$(jcmd "$PID" GC.heap_info 2>/dev/null | sed -n 's/.*used \([0-9]*\)K.*/\1/p' | head -1)
  FDS=$(ls "/proc/$PID/fd" 2>/dev/null | wc -l)
  THREADS=$(sed -n 's/^Threads:[[:space:]]*//p' "/proc/$PID/status" 2>/dev/null || echo 0)
  RSS_KB=$(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$PID/status" 2>/dev/null || echo 0)
  [ -n "$HEAP_KB" ] || break
  echo "$(( $(date +%s) - START )),$(( HEAP_KB / 1024 )),$FDS,$THREADS,$(( RSS_KB / 1024 ))" >> "$CSV"
done
wait "$PID" || true

RUN_DIR=$(ls -td "$OUT"/soak-runs/*/ 2>/dev/null | head -1)
echo "samples: $CSV   run: $RUN_DIR"
[ -n "$RUN_DIR" ] && grep -E '^(all|errors by cause)' "$OUT/soak-console.log" | tail -2 || true
# flat = last third's average within 20% (plus a small absolute slack) of the first third's, after warm-up
awk -F, -v warm="$WARMUP_S" '
  NR > 1 && $1 >= warm { n++; t[n] = $1; h[n] = $2; f[n] = $3; th[n] = $4; r[n] = $5 }
  function avg(a, from, to,   s, i) { s = 0; for (i = from; i <= to; i++) s += a[i]; return s / (to - from + 1) }
  END {
    if (n < 6) { print "too few samples after warm-up (" n "): run longer"; exit 1 }
    k = int(n / 3)
    h1 = avg(h, 1, k); h3 = avg(h, n - k + 1, n); f1 = avg(f, 1, k); f3 = avg(f, n - k + 1, n)
    t1 = avg(th, 1, k); t3 = avg(th, n - k + 1, n); r1 = avg(r, 1, k); r3 = avg(r, n - k + 1, n)
    hf = h3 <= h1 * 1.2 + 8; ff = f3 <= f1 * 1.2 + 5
    printf "heap after GC (MB): first third %.1f, last third %.1f -> %s\n", h1, h3, hf ? "flat" : "GROWING"
    printf "open fds:           first third %.1f, last third %.1f -> %s\n", f1, f3, ff ? "flat" : "GROWING"
    printf "threads:            first third %.1f, last third %.1f\n", t1, t3
    printf "rss (MB):           first third %.1f, last third %.1f\n", r1, r3
    exit (hf && ff) ? 0 : 2
  }' "$CSV"
