# Sourced by bench scripts: starts the real llama.cpp engine (see docs/real-engine.md) in the background and waits
# for its "listening" line. Needs ENGINE_CP, SLOTS, LAYERS, DIM, OUT (ENGINE_ARGS optional).
# ENGINE_PREFIX optional (e.g. "nice -n -10"). Sets ENGINE_PID, BASE_URL, MODEL, LINE; stop_engine stops it (also on exit).
start_engine() {
  ${ENGINE_PREFIX:-} java -Xmx256m -cp "$ENGINE_CP" io.llmgatling.realengine.RealEngine --port 0 --slots "$SLOTS" \
    --layers "$LAYERS" --dim "$DIM" --f16 ${ENGINE_ARGS:-} > "$OUT/engine.log" 2>&1 &
  ENGINE_PID=$!
  trap stop_engine EXIT
  LINE=""
  for _ in $(seq 1 600); do
    LINE=$(grep -m1 -o 'llm-gatling engine listening on .*' "$OUT/engine.log" || true)
    [[ -n "$LINE" ]] && break
    kill -0 "$ENGINE_PID" 2>/dev/null || { echo "engine died:" >&2; tail -20 "$OUT/engine.log" >&2; exit 1; }
    sleep 0.2
  done
  [[ -n "$LINE" ]] || { echo "engine did not start in 120 s" >&2; exit 1; }
  BASE_URL=$(sed -E 's/.*listening on (http:[^ ]+).*/\1/' <<<"$LINE")
  MODEL=$(sed -E 's/.* model=([^ ]+).*/\1/' <<<"$LINE")
  echo "$LINE"
}

stop_engine() {
  kill "$ENGINE_PID" 2>/dev/null || return 0
  for _ in $(seq 1 50); do kill -0 "$ENGINE_PID" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$ENGINE_PID" 2>/dev/null || true
}

# The engine's busiest thread (after some load: llama.cpp's inference loop) alone in the real-time class at priority $1
# (SCHED_FIFO; root only), the rest of the engine as started. Why not the whole engine (chrt -f on the java command):
# its HTTP front's threads and the binding's result waits (which spin) are then real-time too, and a FIFO thread keeps
# its core until it blocks: 4 streams of 128 tokens came in bursts (123 of 128 gaps under 2 ms, then 0.9 s without a
# token), so the client's TTFT was 0.9 s beyond the engine's queue + prompt eval at 4 users (run I). With the inference
# thread alone: 8-17 gaps under 2 ms, as at nice -20 (3-9).
engine_rt_thread() {
  local prio=$1 tid
  tid=$(for t in /proc/"$ENGINE_PID"/task/*; do
    echo "$(basename "$t") $(sed 's/.*) //' "$t/stat" | awk '{print $12 + $13}')"
  done | sort -k2 -n | tail -1 | cut -d' ' -f1)
  chrt -f -p "$prio" "$tid"
  echo "engine thread $tid ($(cat /proc/"$ENGINE_PID"/task/"$tid"/comm), the busiest) in SCHED_FIFO $prio"
}
