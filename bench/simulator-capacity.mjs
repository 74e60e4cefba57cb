// Load generator for the simulator capacity benchmark (plain node, not the project's own load generator).
// Holds N concurrent streamed /api/generate requests open, counts the NDJSON token chunks received, and
// prints one JSON line: streams opened/held, chunks per second over the measurement window, errors.
// Usage: node simulator-capacity.mjs BASE_URL STREAMS WARMUP_SECONDS MEASURE_SECONDS
import http from 'node:http';

const [base, streamsArg, warmupArg, measureArg] = process.argv.slice(2);
const streams = Number(streamsArg ?? 5000);
const warmupMs = Number(warmupArg ?? 5) * 1000;
const measureMs = Number(measureArg ?? 10) * 1000;
const url = new URL('/api/generate', base);
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
const body = JSON.stringify({ model: 'llama3.2:3b', prompt: 'Tell me a very long story.', stream: true });

let open = 0;
let maxOpen = 0;
let chunks = 0;
let errors = 0;
const errorKinds = {};
function fail(kind) { errors++; errorKinds[kind] = (errorKinds[kind] ?? 0) + 1; }
let finished = 0;
let stopping = false;
const NEWLINE = 10;

function startStream() {
  if (stopping) return;
  const req = http.request(url, {
    method: 'POST', agent,
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
  }, res => {
    if (res.statusCode !== 200) {
      fail('http_' + res.statusCode);
      res.resume();
      res.on('end', () => { open--; setTimeout(startStream, 100); });
      return;
    }
    res.on('data', buf => {
      // one NDJSON line per token: counting newlines is enough and costs no JSON parsing
      let i = -1;
      while ((i = buf.indexOf(NEWLINE, i + 1)) !== -1) chunks++;
    });
    res.on('end', () => { open--; finished++; startStream(); });
    res.on('error', e => { open--; fail('response:' + (e.code ?? e.message)); });
  });
  req.on('error', e => { open--; fail('request:' + (e.code ?? e.message)); if (!stopping) setTimeout(startStream, 100); });
  req.end(body);
  open++;
  maxOpen = Math.max(maxOpen, open);
}

// open the streams in batches so the accept queue never overflows
let started = 0;
const opener = setInterval(() => {
  for (let i = 0; i < 250 && started < streams; i++, started++) startStream();
  if (started >= streams) clearInterval(opener);
}, 20);

setTimeout(() => {
  const c0 = chunks;
  const t0 = process.hrtime.bigint();
  let minOpen = open;
  const watch = setInterval(() => { minOpen = Math.min(minOpen, open); }, 100);
  setTimeout(() => {
    clearInterval(watch);
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const result = {
      streamsRequested: streams, streamsOpenMax: maxOpen, streamsOpenMin: minOpen,
      measureSeconds: Number(seconds.toFixed(2)), chunks: chunks - c0,
      tokensPerSec: Math.round((chunks - c0) / seconds), finishedStreams: finished, errors, errorKinds,
    };
    console.log(JSON.stringify(result));
    stopping = true;
    agent.destroy();
    process.exit(0);
  }, measureMs);
}, warmupMs);
