// Load generator for the simulator capacity benchmark (plain node, not the project's own load generator).
// Holds N concurrent streamed /api/generate requests open, counts the NDJSON token lines received, and
// prints one JSON line: streams opened/held, token lines per second over the measurement window, errors.
//
// It speaks HTTP/1.1 over raw sockets instead of node:http: the simulator and the clients share the
// machine's cores, and every cycle a client spends parsing chunk framing is taken from the server under
// test. A token is one NDJSON object, i.e. one "}\n" in the byte stream (chunk framing is hex digits and
// CRLF, and a JSON string never holds a raw newline), so counting those pairs is exact.
// Usage: node simulator-capacity.mjs BASE_URL STREAMS WARMUP_SECONDS MEASURE_SECONDS
import net from 'node:net';

const [base, streamsArg, warmupArg, measureArg] = process.argv.slice(2);
const streams = Number(streamsArg ?? 5000);
const warmupMs = Number(warmupArg ?? 5) * 1000;
const measureMs = Number(measureArg ?? 10) * 1000;
const url = new URL('/api/generate', base);
const body = JSON.stringify({ model: 'llama3.2:3b', prompt: 'Tell me a very long story.', stream: true });
const request = Buffer.from(`POST ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\n`
  + `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
const STATUS_OK = 'HTTP/1.1 200';
const BRACE = 0x7d;
const NEWLINE = 0x0a;

let open = 0;
let maxOpen = 0;
let chunks = 0;
let errors = 0;
const errorKinds = {};
function fail(kind) { errors++; errorKinds[kind] = (errorKinds[kind] ?? 0) + 1; }
let finished = 0;
let stopping = false;
const sockets = new Set();

function startStream() {
  if (stopping) return;
  const socket = net.connect({ host: url.hostname, port: Number(url.port), noDelay: true });
  let checked = false;
  let lastByte = 0;
  let counted = false;
  socket.on('connect', () => { socket.write(request); open++; counted = true; maxOpen = Math.max(maxOpen, open); });
  socket.on('data', buf => {
    if (!checked) {
      checked = true;
      if (buf.toString('latin1', 0, STATUS_OK.length) !== STATUS_OK) {
        fail('http_' + buf.toString('latin1', 9, 12));
        socket.destroy();
        return;
      }
    }
    if (lastByte === BRACE && buf[0] === NEWLINE) chunks++;
    let i = 0;
    while ((i = buf.indexOf(NEWLINE, i + 1)) !== -1) {
      if (buf[i - 1] === BRACE) chunks++;
    }
    lastByte = buf[buf.length - 1];
  });
  socket.on('error', e => { if (!stopping) fail('socket:' + (e.code ?? e.message)); });
  socket.on('close', () => {
    sockets.delete(socket);
    if (counted) open--;
    if (stopping) return;
    finished++;
    setTimeout(startStream, checked ? 0 : 100);
  });
  sockets.add(socket);
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
    for (const s of sockets) s.destroy();
    process.exit(0);
  }, measureMs);
}, warmupMs);
