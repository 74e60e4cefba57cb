// Serves the golden wire fixtures (src/test/resources/wire/{responses,anthropic}) byte for byte, so that the SDK
// check scripts can judge the fixtures themselves: if openai-responses-check.mjs and anthropic-client-check.mjs pass
// against this server, the fixtures are what the official clients accept.
// Usage: node wire-fixtures-server.mjs [port]   (prints the base URL on stdout). The request's model picks the
// transcript: "no-such-model" gets the 404 body; a model named like a fixture (reasoning, tool-call, error,
// reasoning-max-tokens, ...) gets stream-<model>.sse or <model>.json; "reasoner" is an alias of reasoning; any other
// model gets the plain answer. WIRE_DIR=/some/dir serves that folder instead.
import { createServer } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';

// WIRE_DIR serves another folder of the same layout (the simulator's own frames, written by SimulatorFramesSdkIT)
const WIRE = process.env.WIRE_DIR ? new URL(`file://${process.env.WIRE_DIR.replace(/\/?$/, '/')}`)
  : new URL('../resources/wire/', import.meta.url);
const fixture = name => readFileSync(new URL(name, WIRE));
const routes = { '/v1/responses': 'responses', '/v1/messages': 'anthropic' };

const server = createServer((req, res) => {
  let body = '';
  req.on('data', c => { body += c; });
  req.on('end', () => {
    const api = req.method === 'POST' ? routes[req.url] : undefined;
    if (!api) { res.writeHead(404, { 'content-type': 'application/json' }); res.end('{"error":"not found"}'); return; }
    const r = JSON.parse(body || '{}');
    if (r.model === 'no-such-model') {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(fixture(`${api}/error-404.json`));
      return;
    }
    const wanted = r.model === 'reasoner' ? 'reasoning' : r.model;
    const has = k => existsSync(new URL(r.stream ? `${api}/stream-${k}.sse` : `${api}/${k}.json`, WIRE));
    const kind = has(wanted) ? wanted : 'plain';
    if (r.stream) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.end(fixture(`${api}/stream-${kind}.sse`));
    } else {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(fixture(`${api}/${kind}.json`));
    }
  });
});
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  console.log(`http://127.0.0.1:${server.address().port}`);
});
