#!/usr/bin/env python3
"""Writes sample.jsonl, the sample trace of llm-gatling (llm.profile=trace, llm.trace=traces/sample.jsonl).

The trace is invented for llm-gatling (no recorded traffic): a seeded mix of three kinds of requests over 45 s
in the Mooncake / AIPerf trace format, with 512-token hash_ids blocks as Mooncake's traces have:
  * agent: a shared 1,536-token system prompt (blocks 0, 1, 2) and a task of its own: the prefix a server caches;
  * rag:   a shared 1,024-token instruction block pair (blocks 100, 101) and retrieved passages of its own;
  * chat:  short prompts without hash_ids (nothing shared);
  * sessions: 8 conversations of 3 turns, 6-9 s apart, each turn's input_length the new user message (the
    conversation so far is carried before it).
Run from this directory: python3 generate_sample.py   (output is deterministic: seed 17)
"""
import json
import math
import random

SEED = 17
BLOCK = 512
SPAN_MS = 45_000
rng = random.Random(SEED)
next_block = [1000]


def own_blocks(tokens):
    ids = list(range(next_block[0], next_block[0] + math.ceil(tokens / BLOCK)))
    next_block[0] += len(ids)
    return ids


def agent(ts):
    tokens = rng.randint(1600, 2600)
    return {"timestamp": ts, "input_length": tokens, "output_length": rng.randint(20, 120),
            "hash_ids": [0, 1, 2] + own_blocks(tokens - 3 * BLOCK)}


def rag(ts):
    tokens = rng.randint(1100, 2000)
    return {"timestamp": ts, "input_length": tokens, "output_length": rng.randint(50, 250),
            "hash_ids": [100, 101] + own_blocks(tokens - 2 * BLOCK)}


def chat(ts):
    return {"timestamp": ts, "input_length": rng.randint(50, 400), "output_length": rng.randint(30, 300)}


rows = []
t = 0.0
while True:
    # arrivals at 3.5 req/s on average, a burst of 3 at once now and then
    t += rng.expovariate(3.5)
    if t >= SPAN_MS / 1000 - 1:
        break
    burst = 3 if rng.random() < 0.05 else 1
    for _ in range(burst):
        kind = rng.choices([agent, rag, chat], weights=[40, 30, 30])[0]
        rows.append(kind(int(t * 1000)))

for s in range(8):
    ts = rng.randint(500, 20_000)
    for turn in range(3):
        rows.append({"timestamp": ts, "input_length": rng.randint(40, 200), "output_length": rng.randint(30, 150),
                     "session_id": "session-%d" % (s + 1)})
        ts += rng.randint(6_000, 9_000)

rows.sort(key=lambda r: r["timestamp"])
with open("sample.jsonl", "w", encoding="utf-8") as out:
    for row in rows:
        out.write(json.dumps(row) + "\n")
print(len(rows), "requests over", rows[-1]["timestamp"] / 1000, "s")
